"""The one entry point: claim or question -> Reply. CLI, HTTP, chat, widget and eval all call ``Engine.check``.

The steps are a LangChain runnable (prepare | retrieve | verify | respond), so they compose with LangChain tooling
(tracing, batching, an LLM step on top), but each step is a plain function that tests can call alone.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from langchain_core.runnables import Runnable, RunnableLambda

from bot.answer import Citation, Reply, answer_text, citations_for
from bot.dates import GRACE, off_period, parse_claim_dates, to_int
from bot.request import CheckRequest, InputError
from bot.retrieve import Query, retrieve
from bot.settings import Settings
from bot.verifier.combiner import load_verifier
from bot.verifier.features import mismatches
from bot.verifier.nli import NLIScorer
from bot.verify import Thresholds, candidates, decide, score
from index.embeddings import get_embedder
from index.query_encoder import Encoder, get_query_encoder
from index.store import Store

_QUESTION = re.compile(
    r"^\s*(who|what|when|where|why|how|which|whose|whom|did|does|do|is|are|was|were|has|have|"
    r"had|can|could|will|would|should)\b",
    re.I,
)


@dataclass
class Engine:
    """Holds the store and the models (loaded once) and runs the chain. Thread-safe for concurrent checks."""

    settings: Settings
    store: Store
    scorer: NLIScorer | None = None
    chat_model: object | None = None  # an injected LangChain chat model (tests); else from settings
    thresholds: Thresholds = field(default_factory=Thresholds.load)

    @classmethod
    def open(cls, settings: Settings) -> Engine:
        store = Store(settings.data_dir, settings.chroma_url, settings.embedding_model)
        return cls(settings, store)

    @cached_property
    def embedder(self):
        """sentence-transformers: embeds passages at ingest (batched, torch)."""
        return get_embedder(self.settings.embedding_model)

    @cached_property
    def query_encoder(self) -> Encoder:
        """Embeds queries: the same model exported to ONNX and cached in the data folder (index/query_encoder.py)."""
        return get_query_encoder(self.settings.embedding_model, self.settings.data_dir / "models")

    def warm(self) -> None:
        """Load the query encoder and the verifier now (a server's first request should not pay for it)."""
        self.query_encoder.encode(["warm up"])
        self.nli.score([("warm up", "warm up")])

    @cached_property
    def nli(self) -> NLIScorer:
        return self.scorer or load_verifier(self.settings.verifier, self.settings.combiner)

    @cached_property
    def chain(self) -> Runnable:
        return (
            RunnableLambda(self._prepare, name="prepare")
            | RunnableLambda(self._retrieve, name="retrieve")
            | RunnableLambda(self._verify, name="verify")
            | RunnableLambda(self._respond, name="respond")
        )

    @cached_property
    def llm(self):
        """The LLM writer when CLAIMCHECK_LLM_BASE_URL is set (or a model was injected), else None."""
        from bot.llm import LLMWriter, make_chat_model

        model = self.chat_model or make_chat_model(self.settings)
        return LLMWriter(model) if model is not None else None

    def check(
        self,
        claim: str,
        as_of: object = None,
        date_from: object = None,
        date_to: object = None,
        top_k: int | None = None,
    ) -> Reply:
        req = self._request(claim, as_of, date_from, date_to, top_k)
        reply = self._checked(req)
        if self.llm is None:
            return reply
        return [step for step in self._llm_answer(reply) if isinstance(step, Reply)][-1]

    def _checked(self, req: CheckRequest) -> Reply:
        """The verdict for a request; with an LLM, compound claims are split and their verdicts combined."""
        reply = self.chain.invoke(req)
        if self.llm is None or reply.kind != "claim":
            return reply
        parts = self.llm.decompose(req.claim)
        if len(parts) < 2:
            return reply
        from bot.llm import combine_verdicts

        subs = []
        for part in parts:
            try:
                subs.append(self.chain.invoke(req.with_claim(part, self.settings.max_claim_chars)))
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
        verdict = combine_verdicts([s.verdict or "NOT_ENOUGH_EVIDENCE" for s in subs])
        confidence = min(s.confidence for s in subs)
        return reply.model_copy(
            update={
                "verdict": verdict,
                "confidence": confidence,
                "citations": cites,
                "answer": answer_text("claim", verdict, confidence, cites),
                "subclaims": [{"claim": s.claim, "verdict": s.verdict, "confidence": s.confidence} for s in subs],
            }
        )

    def _llm_answer(self, reply: Reply) -> Iterator[str | Reply]:
        from bot.llm import write_answer

        if not reply.citations:
            yield reply
            return
        yield from write_answer(self.llm, reply)

    def _request(self, claim: object, as_of: object, date_from: object, date_to: object, top_k: object) -> CheckRequest:
        return CheckRequest.of(claim, as_of, date_from, date_to, top_k, self.settings.max_claim_chars)

    def stream_check(
        self,
        claim: str,
        as_of: object = None,
        date_from: object = None,
        date_to: object = None,
        top_k: int | None = None,
    ) -> Iterator[str | Reply]:
        """The same steps as ``check``, yielding a progress line before each (for the chat), then the Reply."""
        req = self._request(claim, as_of, date_from, date_to, top_k)
        yield "Searching the library…"
        if self.llm is not None:
            reply = self._checked(req)
            yield "Writing the answer…"
            yield from self._llm_answer(reply)
            return
        state = self._retrieve(self._prepare(req))
        yield f"Weighing evidence from {len({h.report_id for h in state['hits']})} reports…"
        yield self._respond(self._verify(state))

    def trace(self, claim: str, **filters: object) -> dict:
        """Everything up to the verdict (filters, hits, scored candidates): for evaluation and calibration."""
        req = self._request(claim, filters.get("as_of"), filters.get("date_from"), filters.get("date_to"), None)
        return self._verify(self._retrieve(self._prepare(req)))

    def respond(self, state: dict) -> Reply:
        """The reply for a ``trace`` state: what ``check`` returns offline, without running the steps again."""
        return self._respond(state)

    # ---------------------------------------------------------------- steps
    def _prepare(self, req: CheckRequest) -> dict:
        t0 = time.perf_counter()
        kind = "question" if req.claim.endswith("?") or _QUESTION.match(req.claim) else "claim"
        understood = parse_claim_dates(req.claim)
        as_of = req.as_of or understood.as_of
        date_to = min(d for d in (as_of, req.date_to) if d) if (as_of or req.date_to) else None
        date_from = req.date_from
        notes = []
        point_in_time = understood.as_of is not None and understood.window == (understood.as_of, understood.as_of)
        if kind == "claim" and understood.window and not req.date_from and not point_in_time:
            # A report cannot attest an event that happened after it was written.
            date_from = understood.window[0]
            notes.append(f"Only reports dated from {date_from.isoformat()} on can speak to a claim about that period.")
        if date_from and date_to and date_from > date_to:
            date_from = None
        filters = {
            "as_of": as_of.isoformat() if as_of else None,
            "date_from": date_from.isoformat() if date_from else None,
            "date_to": date_to.isoformat() if date_to else None,
        }
        period = understood.window if kind == "claim" and not point_in_time else None
        return {
            "req": req,
            "kind": kind,
            "filters": filters,
            "notes": notes,
            "period": period,
            "query": Query(
                req.claim,
                to_int(date_from),
                to_int(date_to),
                prefer=_preferred_window(understood.window, as_of),
                top_k=req.top_k or self.settings.top_k,
                max_per_report=self.settings.max_per_report,
                candidates=self.settings.candidates,
            ),
            "timings": {"prepare_ms": _ms(t0)},
        }

    def _retrieve(self, state: dict) -> dict:
        t0 = time.perf_counter()
        vector = self.query_encoder.encode([state["query"].text])[0]
        state["timings"]["embed_ms"] = _ms(t0)
        t1 = time.perf_counter()
        state["hits"] = retrieve(self.store, state["query"], vector)
        state["timings"]["search_ms"] = _ms(t1)
        return state

    def _verify(self, state: dict) -> dict:
        t0 = time.perf_counter()
        hits = state["hits"]
        texts = {rid: self.store.report_text(rid) for rid in {h.report_id for h in hits}}
        passages = []
        for h in hits:
            info = self.store.report_info(h.report_id)
            passages.append(
                (h.passage_id, h.report_id, h.start, texts[h.report_id][h.start : h.end], info.source if info else "")
            )
        state["texts"] = texts
        state["passages"] = {h.passage_id: (h.start, h.end) for h in hits}
        claim = state["req"].claim
        cands = candidates(claim, passages, self.settings.max_sentences)
        for c in cands:
            info = self.store.report_info(c.report_id)
            c.off_period = off_period(c.text, info.date if info else None, state.get("period"))
        state["candidates"] = cands
        state["decision"] = None
        if state["kind"] == "claim":
            score(claim, cands, self.nli)
            state["decision"] = decide(claim, cands, self.thresholds)
        state["timings"]["verify_ms"] = _ms(t0)
        return state

    def _respond(self, state: dict) -> Reply:
        t0 = time.perf_counter()
        decision, kind = state["decision"], state["kind"]
        related = decision.related if decision else state["candidates"]
        notes = list(state["notes"])
        cites = []
        for cand, stance, s in citations_for(decision, related, kind):
            text = state["texts"].get(cand.report_id, "")
            if text[cand.start : cand.end] != cand.text:  # never cite what is not verbatim in the report
                notes.append(f"dropped a citation of {cand.report_id} whose quote did not match the report text")
                continue
            info = self.store.report_info(cand.report_id)
            p_start, p_end = state["passages"].get(cand.passage_id, (cand.start, cand.end))
            cites.append(
                Citation(
                    report_id=cand.report_id,
                    title=info.title if info else "",
                    date=info.date if info else None,
                    url=info.url if info else "",
                    source=info.source if info else "",
                    quote=cand.text,
                    start=cand.start,
                    end=cand.end,
                    score=round(float(s), 4),
                    stance=stance,
                    attribution=cand.attribution.speaker,
                    context=text[min(p_start, cand.start) : max(p_end, cand.end)],
                    mismatches=mismatches(cand.text, state["req"].claim) if kind == "claim" else [],
                )
            )
        verdict = decision.verdict if decision else None
        confidence = decision.confidence if decision else (cites[0].score if cites else 0.0)
        if kind == "claim" and not state["hits"]:
            notes.append("No report in the library matched the claim (and its date filters).")
        timings = dict(state["timings"])
        timings["respond_ms"] = _ms(t0)
        timings["total_ms"] = round(sum(timings.values()), 2)
        return Reply(
            claim=state["req"].claim,
            kind=kind,
            verdict=verdict,
            confidence=confidence,
            answer=answer_text(kind, verdict, confidence, cites),
            citations=cites,
            filters=state["filters"],
            notes=notes,
            timings=timings,
            model={
                "verifier": getattr(self.nli, "name", "?") if kind == "claim" else "",
                "embedding": self.settings.embedding_model,
            },
        )


def _preferred_window(window: tuple[date, date] | None, as_of: date | None) -> tuple[int, int]:
    """Reports written during (or just after) the claim's period, or in the days up to 'as of', rank higher."""
    if as_of:
        return to_int(as_of - timedelta(days=10)), to_int(as_of)
    if window:
        return to_int(window[0]), to_int(window[1] + GRACE)
    return 0, 0


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 2)
