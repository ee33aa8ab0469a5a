"""Step three: the judgement. The candidate sentences of the evidence, read against the claim, and the verdict.

Why the scorer returns probabilities instead of writing them anywhere: the same candidates can be scored by another
model (the bare cross-encoder for calibration, a combiner for answers) without one reading leaking into the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from bot.labels import Kind
from bot.nli.scorer import NLIScorer
from bot.text.claim_dates import dated_to_period, off_period, predates
from bot.trace import Evidence, Judgement, Plan
from bot.verdict.candidates import Candidate, Scored, candidates
from bot.verdict.decision import Decision

# (claim, its scored candidates) -> the decision: the hand-set rules or the learned decision (bot/verdict/).
Decider = Callable[[str, list[Scored]], Decision]


def read_candidates(plan: Plan, evidence: Evidence, max_sentences: int) -> list[Candidate]:
    """The sentences (and adjacent pairs) of the evidence most about the claim, each marked when it was written
    outside the claim's period."""
    passages = []
    for h in evidence.hits:
        info = evidence.reports.get(h.report_id)
        passages.append((h.passage_id, h.report_id, h.start, evidence.passage_text(h), info.source if info else ""))
    out = []
    for c in candidates(plan.claim, passages, max_sentences):
        info = evidence.reports.get(c.report_id)
        written = info.date if info else None
        out.append(
            replace(
                c,
                off_period=off_period(c.text, written, plan.period),
                predates=predates(written, plan.period),
                dated=dated_to_period(written, plan.period),
                written=written,
            )
        )
    return out


def score(claim: str, cands: list[Candidate], scorer: NLIScorer) -> list[Scored]:
    """Each candidate with the scorer's [entailment, neutral, contradiction] for (candidate, claim)."""
    if not cands:
        return []
    probs = scorer.score([(c.text, claim) for c in cands])
    return [Scored.of(c, np.asarray(p)) for c, p in zip(cands, probs)]


def judge(plan: Plan, evidence: Evidence, scorer: NLIScorer, decider: Decider, max_sentences: int) -> Judgement:
    """A claim's candidates scored and decided; a question's candidates as found (it gets passages, not a verdict)."""
    cands = read_candidates(plan, evidence, max_sentences)
    if plan.kind != Kind.CLAIM:
        return Judgement(tuple(cands), None)
    scored = score(plan.claim, cands, scorer)
    return Judgement(tuple(scored), decider(plan.claim, scored))
