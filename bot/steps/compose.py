"""Step four: the reply. Which candidates are cited, with what stance, each quote re-sliced from the report and
checked before it leaves.

Why checked here: a citation is built only from a retrieved candidate, and its quote is compared with the stored report
text at ``[start:end]``; a mismatch drops the citation and says so in ``notes``.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.labels import Kind, Stance
from bot.nli.signals import mismatches
from bot.reply import Citation, Reply, answer_text
from bot.steps.answers import answer_line, rank
from bot.text.attribution import attribute
from bot.text.claim_dates import GRACE, to_int
from bot.trace import Trace
from bot.verdict.candidates import Candidate, Scored, after_leading_note
from bot.verdict.decision import Decision


def compose(trace: Trace, verifier: str, embedding_model: str) -> Reply:
    """The reply for ``trace``; ``verifier`` and ``embedding_model`` name the models in the reply."""
    plan, evidence, judgement = trace.plan, trace.evidence, trace.judgement
    decision, kind = judgement.decision, plan.kind
    related = decision.related if decision else list(judgement.candidates)
    notes = list(plan.notes)
    cites = []
    cited: set[tuple[str, int, int]] = set()
    outside = _outside_period(trace) if kind == Kind.QUESTION else frozenset()
    for cand, stance, s in citations_for(decision, related, kind, question=plan.claim, outside_period=outside):
        text = evidence.texts.get(cand.report_id, "")
        if text[cand.start : cand.end] != cand.text:  # never cite what is not verbatim in the report
            notes.append(f"dropped a citation of {cand.report_id} whose quote did not match the report text")
            continue
        # A pair of sentences can open with an endnote marker the splitter left alone at a paragraph's end ("[28]"
        # and the next paragraph): quoted from past it. The candidate itself stays as scored, so verdicts do not move.
        start = after_leading_note(text, cand.start, cand.end)
        quote = text[start : cand.end]
        if (cand.report_id, start, cand.end) in cited:  # that sentence is already quoted
            continue
        cited.add((cand.report_id, start, cand.end))
        info = evidence.reports.get(cand.report_id)
        speaker = (
            cand.attribution.speaker if start == cand.start else attribute(quote, info.source if info else "").speaker
        )
        p_start, p_end = evidence.span_of(cand.passage_id) or (cand.start, cand.end)
        cites.append(
            Citation(
                report_id=cand.report_id,
                title=info.title if info else "",
                date=info.date if info else None,
                url=info.url if info else "",
                source=info.source if info else "",
                quote=quote,
                start=start,
                end=cand.end,
                score=round(float(s), 4),
                stance=stance,
                attribution=speaker,
                context=text[min(p_start, start) : max(p_end, cand.end)],
                mismatches=mismatches(quote, plan.claim, info.date if info else None) if kind == Kind.CLAIM else [],
            )
        )
    verdict = decision.verdict if decision else None
    confidence = decision.confidence if decision else (cites[0].score if cites else 0.0)
    if kind == Kind.CLAIM and not evidence.hits:
        notes.append("No report in the library matched the claim (and its date filters).")
    reply = Reply(
        claim=plan.claim,
        kind=kind,
        verdict=verdict,
        confidence=confidence,
        evidence_found=bool(cites),
        lean=decision.lean if decision and cites else None,
        lean_probability=decision.lean_probability if decision and cites and decision.lean else 0.0,
        answer=answer_text(kind, verdict, confidence, cites),
        citations=cites,
        filters=dict(plan.filters),
        notes=notes,
        timings=dict(trace.timings),
        model={"verifier": verifier if kind == Kind.CLAIM else "", "embedding": embedding_model},
    )
    if kind == Kind.QUESTION and cites:  # the sentence that answers first, and the answer in it
        reply = reply.model_copy(update={"answer": f"{answer_line(plan.claim, cites[0])}\n{reply.answer}"})
    return reply


# A claim's "related" citations must share at least this share of the best candidate's overlap with the claim.
RELATED_MIN_RATIO = 0.6


def citations_for(
    decision: Decision | None,
    related: list[Candidate],
    kind: Kind,
    limit: int = 5,
    question: str = "",
    outside_period: Collection[str] = (),
) -> list[tuple[Candidate, Stance, float]]:
    """Which candidates to cite, with stance and score.

    The strongest supporting and the strongest contradicting sentence come first (the evidence the verdict rests
    on), then the candidates closest to the claim in wording, each still marked with its stance: a reader should see
    the passage that talks about exactly the claim's subject even when the verifier scored another one higher.
    For a claim, a related sentence much further from its wording than the closest one (``RELATED_MIN_RATIO``) is
    left out: such sentences were mostly from neighbouring reports about other events (BENCHMARKS.md, citations).
    A question's candidates are cited best answer first (``bot/steps/answers.py``: alignment with the question and an
    answer of the asked type, from a report of the period it names: ``outside_period`` lists those of other times),
    each with that score.
    """
    chosen: list[tuple[Candidate, Stance, float]] = []
    if kind == Kind.CLAIM and related:
        best = max(c.overlap for c in related)
        related = [c for c in related if c.overlap >= RELATED_MIN_RATIO * best]
    answer_score: dict[int, float] = {}
    if kind == Kind.QUESTION and question:
        ranked = rank(question, related, outside_period)
        related, answer_score = [r.candidate for r in ranked], {id(r.candidate): r.score for r in ranked}
    stance_of: dict[int, tuple[Stance, float]] = {}
    if decision is not None:
        stance_of.update({id(c): (Stance.SUPPORTS, c.entail) for c in decision.support})

        def refute_score(c: Scored) -> float:
            """The verifier's contradiction, or the verdict's confidence where a slot read in the parse refutes
            (``slot_read``)."""
            return decision.confidence if decision.slot_read else c.contradict

        stance_of.update({id(c): (Stance.CONTRADICTS, refute_score(c)) for c in decision.refute})
        chosen += [(c, Stance.SUPPORTS, c.entail) for c in decision.support[:1]]
        chosen += [(c, Stance.CONTRADICTS, refute_score(c)) for c in decision.refute[:1]]
    for c in related:
        if len(chosen) >= 2 * limit:
            break
        default = (Stance.RELATED, answer_score.get(id(c), c.overlap) if kind == Kind.QUESTION else c.entail)
        chosen.append((c, *stance_of.get(id(c), default)))
    out, seen = [], set()
    for c, stance, s in chosen:
        key = (c.report_id, c.start, c.end)
        if key in seen or any(_nested(c, o) for o, _, _ in out):
            continue
        seen.add(key)
        out.append((c, stance, s))
    return out[:limit]


def _outside_period(trace: Trace) -> frozenset[str]:
    """The retrieved reports written outside the period the request names (or the days just after it: ``GRACE``);
    none when it names none or a report is undated."""
    period = trace.plan.period
    if period is None:
        return frozenset()
    lo, hi = to_int(period[0]), to_int(period[1] + GRACE)
    return frozenset(h.report_id for h in trace.evidence.hits if h.date_int and not lo <= h.date_int <= hi)


def _nested(a: Candidate, b: Candidate) -> bool:
    if a.report_id != b.report_id:
        return False
    return (a.start >= b.start and a.end <= b.end) or (b.start >= a.start and b.end <= a.end)
