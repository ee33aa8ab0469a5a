"""The optional LLM path: claim decomposition, follow-up rewriting, and a fluent answer from verified evidence.

Why it cannot invent a source: the verdict and the citations come from retrieval and the verifier (which the LLM may
join, reading candidate sentences' stances, only with CLAIMCHECK_LLM_JUDGE on: ``bot/llm_judge.py``); the LLM writes
prose over them, and ``validate_answer`` checks every [n] marker against the citations and every quoted string
against the cited text before the prose is shown. Anything that fails, times out or errors falls back to the
extractive answer with a note saying so. Report text enters prompts between <evidence> tags, as data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel

from bot.reply import Citation, Reply
from bot.settings import Settings
from prompts import load_prompt

_MARKER = re.compile(r"\[(\d{1,2})\]")
_QUOTED = re.compile(r"[\"“]([^\"”]{8,})[\"”]")
MAX_SUBCLAIMS = 5


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """An OpenAI-compatible chat model (OpenAI, Ollama, vLLM, llama.cpp server), or None when none is configured."""
    if not settings.llm_base_url:
        return None
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model or "default",
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed",
        timeout=settings.llm_timeout,
        max_retries=0,
        temperature=0,
        max_tokens=settings.llm_max_tokens,
    )


class Token(str):
    """A piece of the LLM's answer as it streams (the chat shows them as they come)."""


@dataclass
class Checked:
    """An LLM answer after validation: the text to show and what was removed or why it was rejected."""

    text: str
    ok: bool
    notes: list[str]


def evidence_block(citations: list[Citation]) -> str:
    rows = [
        {"n": i, "speaker": c.attribution, "date": c.date, "source": c.source, "stance": c.stance, "text": c.quote}
        for i, c in enumerate(citations, 1)
    ]
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().lower()


def validate_answer(text: str, citations: list[Citation]) -> Checked:
    """Drop markers that point at no citation; reject the answer if a quoted string is not verbatim in the evidence."""
    notes: list[str] = []
    n = len(citations)

    def keep(m: re.Match) -> str:
        if 1 <= int(m.group(1)) <= n:
            return m.group(0)
        notes.append(f"removed citation marker {m.group(0)}: no such source")
        return ""

    cleaned = _MARKER.sub(keep, text).strip()
    haystack = _norm(" ".join(c.context or c.quote for c in citations) + " " + " ".join(c.quote for c in citations))
    for m in _QUOTED.finditer(cleaned):
        if _norm(m.group(1)) not in haystack:
            return Checked("", False, [*notes, "the model's answer quoted words that are not in the evidence"])
    if not cleaned:
        return Checked("", False, [*notes, "the model returned an empty answer"])
    return Checked(cleaned, True, notes)


class LLMWriter:
    """Prompts from ``prompts/``; every call is guarded so that a failing model never breaks a reply."""

    def __init__(self, model: BaseChatModel) -> None:
        self.model = model

    @property
    def model_name(self) -> str:
        """The model's name as the reply shows it (the endpoint's model, or the kind of an injected one)."""
        name = getattr(self.model, "model_name", None) or getattr(self.model, "model", None)
        return name if isinstance(name, str) and name else getattr(self.model, "_llm_type", type(self.model).__name__)

    def ask(self, prompt: str) -> str:
        """The model's whole answer to ``prompt`` (raises on failure: each caller decides its fallback)."""
        out = self.model.invoke(prompt)
        return out.content if isinstance(out.content, str) else str(out.content)

    def decompose(self, claim: str) -> list[str]:
        """Atomic claims; the claim itself when the model's answer is unusable."""
        try:
            raw = self.ask(load_prompt("decompose").format(claim=claim))
            m = re.search(r"\[.*\]", raw, re.S)
            items = json.loads(m.group()) if m else []
        except Exception:  # any model or parse failure: check the claim whole
            return [claim]
        parts = [p.strip() for p in items if isinstance(p, str) and 8 <= len(p.strip()) <= 500]
        return parts[:MAX_SUBCLAIMS] if len(parts) > 1 else [claim]

    def rewrite_follow_up(self, previous: str, message: str) -> str | None:
        try:
            line = self.ask(load_prompt("follow_up").format(previous=previous, message=message)).strip()
        except Exception:
            return None
        line = line.splitlines()[0].strip().strip('"') if line else ""
        return line if 8 <= len(line) <= 1000 else None

    def answer_stream(self, reply: Reply) -> Iterator[str]:
        """Tokens as the model writes them (raises on failure; the caller falls back)."""
        prompt = load_prompt("answer").format(
            verdict=reply.verdict or "question", claim=reply.claim, evidence=evidence_block(reply.citations)
        )
        for chunk in self.model.stream(prompt):
            if isinstance(chunk.content, str) and chunk.content:
                yield chunk.content


def combine_verdicts(verdicts: list[str]) -> str:
    """Atomic verdicts -> one: any refuted = REFUTED; all supported = SUPPORTED; any conflicting = CONFLICTING."""
    if "REFUTED" in verdicts:
        return "REFUTED"
    if verdicts and all(v == "SUPPORTED" for v in verdicts):
        return "SUPPORTED"
    if "CONFLICTING" in verdicts:
        return "CONFLICTING"
    return "NOT_ENOUGH_EVIDENCE"


def write_answer(writer: LLMWriter, reply: Reply) -> Iterator[str | Reply]:
    """Stream the LLM's answer, then yield the final Reply: validated prose, or the extractive answer and a note."""
    parts: list[str] = []
    try:
        for token in writer.answer_stream(reply):
            parts.append(token)
            yield Token(token)
    except Exception as exc:  # unreachable, slow, erroring: the extractive answer stands
        yield reply.model_copy(
            update={"notes": [*reply.notes, f"LLM unavailable ({type(exc).__name__}); showing the extractive answer"]}
        )
        return
    checked = validate_answer("".join(parts), reply.citations)
    if checked.ok:
        yield reply.model_copy(
            update={"answer": checked.text, "answer_source": "llm", "notes": [*reply.notes, *checked.notes]}
        )
    else:
        yield reply.model_copy(
            update={
                "notes": [
                    *reply.notes,
                    *checked.notes,
                    "the LLM's answer failed validation; showing the extractive answer",
                ]
            }
        )
