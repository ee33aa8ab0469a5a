"""The optional LLM judge (CLAIMCHECK_LLM_JUDGE, off by default): an LLM reads a claim's best-aligned candidate
sentences and says, for each, whether it supports the claim, refutes it or is unrelated, quoting the words it relies on.

Why a scorer wrapper: a judged sentence's stance becomes a fixed row of probabilities (``STANCE_PROBS``) in place of
the offline verifier's, so the same decision step turns the rows into a verdict (abstention, reported speech,
CONFLICTING and calibration all still apply), and the offline rows are at hand to fall back on.

Why it cannot invent evidence: it only reads sentences retrieval found, and a stance counts only when it names one of
the sentences it was given and its quote is verbatim in that sentence (quotes and whitespace folded). A failed or slow
call (CLAIMCHECK_LLM_TIMEOUT), an answer that is not JSON, an unknown sentence number or an invented quote keeps the
offline probabilities for the sentences concerned, and the reply says so in a note.

Cost: one call per claim checked, with at most ``max_sentences`` sentences numbered in it; none without candidates.

Thread safety: one scorer serves every request, so what a check's call did (calls, milliseconds, accepted stances,
notes) goes to a ``JudgeRecord`` held in a context variable that the engine opens around that check's judge step
(``judging()``); each thread and each asyncio task sees only its own, and a record allows one call. Outside such a
scope (warm-up, a benchmark scoring pairs directly) no LLM is asked and the offline probabilities are returned.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import takewhile
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.llm import LLMWriter
from bot.nli.scorer import NLIScorer
from bot.text.words import fold_quotes
from prompts import load_prompt

log = logging.getLogger(__name__)

# [entailment, neutral, contradiction] for a judged sentence. Confident, not certain: the decision step still halves
# reported speech and off-period sentences (0.45, under its 0.5 threshold), and a judged "supports" against a judged
# "refutes" from another report still comes out CONFLICTING.
STANCE_PROBS: dict[str, tuple[float, float, float]] = {
    "supports": (0.90, 0.08, 0.02),
    "refutes": (0.02, 0.08, 0.90),
    "unrelated": (0.05, 0.90, 0.05),
}
CALLS_PER_CHECK = 1
TIMING_PREFIX = "llm_judge_"  # the timings the judge adds; not stages of their own (they sit inside verify_ms)
MIN_QUOTE_CHARS = 3
_QUOTE_MARKS = " \"'‘’`"


class StanceItem(BaseModel):
    """One entry of the judge's answer, in the form the prompt asks for."""

    model_config = ConfigDict(extra="ignore")

    n: int
    stance: Literal["supports", "refutes", "unrelated"]
    quote: str | list[str] = ""

    @field_validator("stance", mode="before")
    @classmethod
    def _plain(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    def quotes(self) -> list[str]:
        spans = [self.quote] if isinstance(self.quote, str) else self.quote
        return [s for s in spans if fold_quotes(s).strip(_QUOTE_MARKS)]


@dataclass
class Reading:
    """The judge's answer checked: valid stances by sentence index (0-based), and why the others were discarded."""

    stances: dict[int, str]
    discarded: list[str]
    named: set[int]  # sentences the answer gave any entry for, valid or not


@dataclass
class JudgeRecord:
    """What the judge did during one check; the engine turns it into the reply's timings, verifier and notes."""

    calls: int = 0
    ms: float = 0.0
    accepted: int = 0
    notes: list[str] = field(default_factory=list)

    def timings(self) -> dict[str, float]:
        return {
            f"{TIMING_PREFIX}calls": self.calls,
            f"{TIMING_PREFIX}ms": round(self.ms, 2),
            f"{TIMING_PREFIX}accepted": self.accepted,
        }


_RECORD: ContextVar[JudgeRecord | None] = ContextVar("llm_judge_record", default=None)


@contextmanager
def judging() -> Iterator[JudgeRecord]:
    """One check's scope: inside it the judge may make one call, and records what it did."""
    record = JudgeRecord()
    token = _RECORD.set(record)
    try:
        yield record
    finally:
        _RECORD.reset(token)


def _data(value: object) -> str:
    """JSON with < and > escaped, so report text can never close the <evidence> block it sits in."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def judge_prompt(claim: str, sentences: Sequence[str]) -> str:
    """``prompts/judge.txt`` with the claim and the numbered sentences as JSON data."""
    evidence = "\n".join(_data({"n": i, "text": s}) for i, s in enumerate(sentences, 1))
    return load_prompt("judge").format(claim=_data(claim), evidence=evidence)


def _entries(raw: str) -> list | None:
    """The list of stances in the model's answer ({"stances": [...]} or a bare list, fenced or not), else None."""
    text = raw.strip()
    spans = [text]
    for open_, close in ("{}", "[]"):
        a, b = text.find(open_), text.rfind(close)
        if 0 <= a < b:
            spans.append(text[a : b + 1])
    for span in spans:
        try:
            data = json.loads(span)
        except ValueError:
            continue
        if isinstance(data, dict):
            data = data.get("stances")
        if isinstance(data, list):
            return data
    return None


def _verbatim(quote: str, sentence: str) -> bool:
    q = fold_quotes(quote).strip(_QUOTE_MARKS)
    return len(q) >= MIN_QUOTE_CHARS and q in fold_quotes(sentence)


def _head(sentence: str, words: int = 8) -> str:
    parts = sentence.split()
    return '"' + " ".join(parts[:words]) + ("…" if len(parts) > words else "") + '"'


def read_answer(raw: str, sentences: Sequence[str]) -> Reading | None:
    """The stances in ``raw`` that name a given sentence and quote it verbatim; None when ``raw`` holds no stances."""
    entries = _entries(raw)
    if entries is None:
        return None
    stances: dict[int, str] = {}
    discarded: list[str] = []
    named: set[int] = set()
    for entry in entries:
        try:
            item = StanceItem.model_validate(entry)
        except ValidationError:
            discarded.append("an entry that is not a stance")
            continue
        i = item.n - 1
        if not 0 <= i < len(sentences):
            discarded.append(f"a sentence numbered {item.n} (it was given {len(sentences)})")
            continue
        head = _head(sentences[i])
        if i in named:
            stances.pop(i, None)
            discarded.append(f"{head} (more than one stance)")
            continue
        named.add(i)
        quotes = item.quotes()
        if item.stance != "unrelated" and not quotes:
            discarded.append(f"{head} (no quote)")
        elif not all(_verbatim(q, sentences[i]) for q in quotes):
            discarded.append(f"{head} (quoted words that are not in it)")
        else:
            stances[i] = item.stance
    return Reading(stances, discarded, named)


class JudgedScorer:
    """An ``NLIScorer``: the base scorer's rows, with the LLM's stances in place of them for the first
    ``max_sentences`` pairs (the best-aligned: ``bot.steps.judge`` passes candidates best first)."""

    def __init__(self, base: NLIScorer, writer: LLMWriter, max_sentences: int = 6) -> None:
        self.base, self.writer, self.max_sentences = base, writer, max_sentences
        self.name = f"{base.name}+judge:{writer.model_name}"

    @property
    def judged_by(self) -> str:
        """The reply's verifier when the judge's stances decided."""
        return f"judged by {self.writer.model_name}"

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        probs = np.array(self.base.score(pairs), dtype=np.float32)
        record = _RECORD.get()
        if record is None or record.calls >= CALLS_PER_CHECK or not pairs:
            return probs
        claim = pairs[0][1]
        sentences = [e for e, _ in takewhile(lambda p: p[1] == claim, pairs[: self.max_sentences])]
        record.calls += 1
        t0 = time.perf_counter()
        try:
            reading = read_answer(self.writer.ask(judge_prompt(claim, sentences)), sentences)
        except Exception as exc:  # unreachable, timed out, refused: the offline rows stand
            log.warning("LLM judge failed: %r", exc)
            record.notes.append(f"LLM judge unavailable ({type(exc).__name__}); the offline verifier decided")
            return probs
        finally:
            record.ms += (time.perf_counter() - t0) * 1000
        if reading is None:
            record.notes.append("the LLM judge's answer was not valid JSON; the offline verifier decided")
            return probs
        for i, stance in reading.stances.items():
            probs[i] = STANCE_PROBS[stance]
        record.accepted += len(reading.stances)
        record.notes += _notes(reading, len(sentences))
        return probs


def _notes(reading: Reading, asked: int) -> list[str]:
    decided = bool(reading.stances)
    fallback = "the offline verifier read those" if decided else "the offline verifier decided"
    notes = []
    if reading.discarded:
        notes.append(f"LLM judge: discarded its stance on {'; '.join(reading.discarded)}; {fallback}")
    unanswered = asked - len(reading.named)
    if unanswered and decided:
        notes.append(f"LLM judge: no stance on {unanswered} of the {asked} sentences; the offline verifier read them")
    elif not decided and not reading.discarded:
        notes.append("the LLM judge gave no stance; the offline verifier decided")
    return notes


def verifier_name(scorer: NLIScorer, timings: Mapping[str, float]) -> str:
    """Which reader decided a reply: the judge when it had at least one stance accepted, else the offline verifier."""
    if isinstance(scorer, JudgedScorer):
        return scorer.judged_by if timings.get(f"{TIMING_PREFIX}accepted") else scorer.base.name
    return getattr(scorer, "name", "?")
