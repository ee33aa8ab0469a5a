"""The one entry point: claim or question -> Reply. CLI, HTTP, chat, widget and evaluation all call this engine.

The pipeline is written once, as the generator ``run``: plan -> embed -> search -> judge -> compose (steps in
``bot/steps/``, plain functions over the frozen records of ``bot/trace.py``), with the optional LLM on top (compound
claims split, prose written and validated). ``check``, ``stream_check`` and ``trace`` are views of that generator;
``bot/chain.py`` offers the same steps as a LangChain runnable.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path

from bot.labels import Kind, Verdict
from bot.llm import LLMWriter, Token, combine_verdicts, make_chat_model, write_answer
from bot.llm_judge import TIMING_PREFIX as JUDGE_TIMINGS
from bot.llm_judge import JudgedScorer, judging, verifier_name
from bot.nli import pairing
from bot.nli.combiner import load_verifier
from bot.nli.scorer import NLIScorer
from bot.reply import Reply, answer_text
from bot.request import CheckRequest, InputError
from bot.settings import Settings
from bot.steps.compose import compose
from bot.steps.judge import Decider, judge
from bot.steps.plan import plan
from bot.steps.search import search
from bot.text.follow_up import is_follow_up, resolve_follow_up
from bot.trace import Trace
from bot.verdict.decision import Thresholds, decide
from bot.verdict.learned import DECISION_NAMES, LearnedDecision, named_decision
from index.embeddings import get_embedder
from index.query_encoder import Encoder, get_query_encoder
from index.store import Store


@dataclass(frozen=True)
class Progress:
    """A line for a person waiting on the chat ("Searching the library…")."""

    text: str


@dataclass(frozen=True)
class Done:
    """The end of a run: the reply and, for a single claim, the trace it was built from."""

    reply: Reply
    trace: Trace | None


Event = Progress | Token | Done


@dataclass
class Engine:
    """Holds the store and the models (loaded once, lazily) and runs the pipeline. Thread-safe for concurrent checks."""

    settings: Settings
    store: Store
    scorer: NLIScorer | None = None  # an injected scorer (tests); else the verifier named by the settings
    chat_model: object | None = None  # an injected LangChain chat model (tests); else from settings
    thresholds: Thresholds = field(default_factory=Thresholds.load)
    decision: Decider | None = None  # an injected verdict step (fitting, tests); else the one the settings name

    @classmethod
    def open(cls, settings: Settings) -> Engine:
        return cls(settings, Store(settings.data_dir, settings.chroma_url, settings.embedding_model))

    @cached_property
    def embedder(self):
        """sentence-transformers: embeds passages at ingest (batched, torch)."""
        return get_embedder(self.settings.embedding_model)

    @cached_property
    def query_encoder(self) -> Encoder:
        """Embeds queries: the same model exported to ONNX and cached in the data folder (index/query_encoder.py)."""
        return get_query_encoder(self.settings.embedding_model, self.settings.data_dir / "models")

    @cached_property
    def nli(self) -> NLIScorer:
        """The verifier the settings name (or the injected one); with CLAIMCHECK_LLM_JUDGE on, the LLM reads the
        best-aligned sentences over it (``bot/llm_judge.py``)."""
        base = self.scorer or load_verifier(self.settings.verifier, self.settings.combiner)
        if self.settings.llm_judge and self.llm is not None:
            return JudgedScorer(base, self.llm, self.settings.llm_judge_max_sentences)
        return base

    @cached_property
    def decider(self) -> Decider:
        """The verdict step: a learned, calibrated decision (shipped, a named opt-in, or a path) or the rules."""
        spec = self.settings.decision
        if self.decision is not None:
            return self.decision
        if spec == "rules":
            return partial(decide, th=self.thresholds)
        named = named_decision(spec, self._source_of, self.nli)
        if named is None and not Path(spec).is_file():
            raise ValueError(f"CLAIMCHECK_DECISION={spec!r}: not one of {', '.join(DECISION_NAMES)}, rules, or a file")
        return named or LearnedDecision.load(Path(spec)).decide

    def _source_of(self, report_id: str) -> str:
        """A report's source as the library lists it ("" when it is not listed)."""
        info = self.store.report_info(report_id)
        return info.source if info else ""

    @cached_property
    def llm(self) -> LLMWriter | None:
        """The LLM writer when CLAIMCHECK_LLM_BASE_URL is set (or a model was injected), else None."""
        model = self.chat_model or make_chat_model(self.settings)
        return LLMWriter(model) if model is not None else None

    def warm(self) -> None:
        """Load the query encoder, the verifier and the parser of the pairing check now (a server's first request
        should not pay for it, and a missing parser is refused at start)."""
        self.query_encoder.encode(["warm up"])
        self.nli.score([("warm up", "warm up")])
        pairing.load()
        _ = self.decider  # a mistyped CLAIMCHECK_DECISION is refused at start, not at the first check

    # ------------------------------------------------------------------ the views of ``run``
    def request(self, claim: object, **filters: object) -> CheckRequest:
        """Validate what a user typed (claim, as_of, date_from, date_to, top_k, previous_claim): ``InputError``s."""
        return CheckRequest.of(claim, max_claim_chars=self.settings.max_claim_chars, **filters)

    def check(self, claim: object, **filters: object) -> Reply:
        """The reply to one claim or question (with the LLM's validated prose when one is configured)."""
        return self.finish(self.run(self.request(claim, **filters))).reply

    def stream_check(self, claim: object, **filters: object) -> Iterator[str | Token | Reply]:
        """The same run for the chat: progress lines, the LLM's tokens as they come, then the Reply."""
        for event in self.run(self.request(claim, **filters)):
            yield event.reply if isinstance(event, Done) else event if isinstance(event, Token) else event.text

    def trace(self, claim: object, **filters: object) -> Trace:
        """Everything up to the verdict (the LLM judge too, when on; no prose): for evaluation and calibration."""
        return self._trace(self._resolved(self.request(claim, **filters)))

    def respond(self, trace: Trace) -> Reply:
        """The reply for a ``trace``: what ``check`` returns offline, without running the steps again."""
        return self._compose(trace)

    @staticmethod
    def finish(events: Iterator[Event]) -> Done:
        return [e for e in events if isinstance(e, Done)][-1]

    # ------------------------------------------------------------------ the pipeline, once
    def run(self, req: CheckRequest) -> Iterator[Event]:
        """Progress, the LLM's tokens (if any), then ``Done``: every door consumes this generator."""
        yield Progress("Searching the library…")
        req = self._resolved(req)
        trace = self._trace(req)
        yield Progress(f"Weighing evidence from {len(trace.evidence.reports)} reports…")
        reply = self._compose(trace)
        if self.llm is None:
            yield Done(reply, trace)
            return
        reply = self._split_compound(req, reply)
        if not reply.citations:
            yield Done(reply, trace)
            return
        yield Progress("Writing the answer…")
        for step in write_answer(self.llm, reply):
            yield Done(step, trace) if isinstance(step, Reply) else step

    def _resolved(self, req: CheckRequest) -> CheckRequest:
        """A follow-up ("and as of June 2022?") becomes the previous claim with its date; the LLM may rewrite others."""
        if not req.previous_claim:
            return req
        claim, as_of = resolve_follow_up(req.claim, req.previous_claim)
        if claim == req.claim and self.llm is not None and is_follow_up(req.claim):
            claim = self.llm.rewrite_follow_up(req.previous_claim, req.claim) or claim
        resolved = req.with_claim(claim, self.settings.max_claim_chars)
        return resolved.model_copy(update={"previous_claim": None, "as_of": as_of or req.as_of})

    def _trace(self, req: CheckRequest) -> Trace:
        timings: dict[str, float] = {}
        t = time.perf_counter()
        p = plan(
            req,
            self.settings.top_k,
            self.settings.max_per_report,
            self.settings.candidates,
            period_is_filter=self.settings.decision == "rules",
        )
        t = _lap(timings, "prepare_ms", t)
        vector = self.query_encoder.encode(list(p.query.texts))  # one row per text: the query, its rewrites
        t = _lap(timings, "embed_ms", t)
        evidence = search(p, vector, self.store)
        t = _lap(timings, "search_ms", t)
        with judging() as judged:  # this check's LLM judge call, if the judge is on (the scorer is shared)
            judgement = judge(p, evidence, self.nli, self.decider, self.settings.max_sentences)
        _lap(timings, "verify_ms", t)
        if isinstance(self.nli, JudgedScorer):
            timings.update(judged.timings())
            p = replace(p, notes=(*p.notes, *judged.notes))
        return Trace(p, evidence, judgement, timings)

    def _compose(self, trace: Trace) -> Reply:
        t = time.perf_counter()
        reply = compose(trace, verifier_name(self.nli, trace.timings), self.settings.embedding_model)
        timings = dict(reply.timings)
        _lap(timings, "respond_ms", t)
        timings["total_ms"] = round(sum(v for k, v in timings.items() if not k.startswith(JUDGE_TIMINGS)), 2)
        return reply.model_copy(update={"timings": timings})

    def _split_compound(self, req: CheckRequest, reply: Reply) -> Reply:
        """With an LLM, a compound claim is split into atomic claims, each checked; their verdicts are combined."""
        if reply.kind != Kind.CLAIM:
            return reply
        parts = self.llm.decompose(req.claim)
        if len(parts) < 2:
            return reply
        subs = []
        for part in parts:
            try:
                subs.append(self._compose(self._trace(req.with_claim(part, self.settings.max_claim_chars))))
            except InputError:
                continue
        if len(subs) < 2:
            return reply
        cites, seen = [], set()
        for sub in subs:
            for c in sub.citations[:2]:
                if (c.report_id, c.start, c.end) not in seen:
                    seen.add((c.report_id, c.start, c.end))
                    cites.append(c)
        verdict = combine_verdicts([s.verdict or Verdict.NOT_ENOUGH_EVIDENCE for s in subs])
        confidence = min(s.confidence for s in subs)
        return reply.model_copy(
            update={
                "verdict": verdict,
                "confidence": confidence,
                "citations": cites,
                "answer": answer_text(Kind.CLAIM, verdict, confidence, cites),
                "subclaims": [{"claim": s.claim, "verdict": s.verdict, "confidence": s.confidence} for s in subs],
            }
        )


def _lap(timings: dict[str, float], name: str, t0: float) -> float:
    """Record the milliseconds since ``t0`` under ``name``; the time now, for the next lap."""
    now = time.perf_counter()
    timings[name] = round((now - t0) * 1000, 2)
    return now
