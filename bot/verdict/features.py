"""A claim's evidence summed up as a few numbers: how strongly the best-aligned sentences support or contradict it,
how much of the claim they carry, how many reports agree, who says it, and what differs.

Why: the verdict is one learned decision over these (``bot/verdict/learned.py``), fitted on labelled claims, instead
of stacked hand-set thresholds. Every feature is computed from the scored candidates and the claim alone, the same
way when the decision is fitted and when it answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.nli.signals import signals
from bot.text.attribution import claim_is_attributed
from bot.verdict.candidates import Scored

# A sentence must carry this share of the claim's content words before its stance counts (below it, an NLI model's
# 'contradiction' between loosely related sentences means nothing).
MIN_OVERLAP = 0.25
# Reported speech and a sentence from outside the claim's period count for this much (they may be about another
# event, or only say that someone claimed it).
DISCOUNT = 0.5
# A report counts as agreeing when its best sentence reaches this weighted probability.
AGREES = 0.5
# Mismatch signals that, in the best contradicting or supporting sentence, mark a fact that differs.
_MISMATCH = (
    "neg_evidence_only",
    "neg_claim_only",
    "num_mismatch",
    "date_mismatch",
    "antonym",
    "compass_mismatch",
    "demonym_mismatch",
)

FEATURES = (
    # the sentence most aligned with the claim (most of its words), whatever its stance
    "top_entail",
    "top_contradict",
    "top_overlap",
    "top_negation",
    "top_number_matches",
    "top_number_differs",
    "top_date_differs",
    "top_names_missing",
    "top_reported_speech",
    # each side's deciding sentence, and how many reports agree with it
    "support",
    "refute",
    "support_overlap",
    "refute_overlap",
    "support_reports",
    "refute_reports",
    "support_mismatch",
    "refute_mismatch",
    # the claim itself
    "claim_attributed",
    # the date relation between the claim and the most aligned sentence's report (bot/text/claim_dates.py): written
    # outside the claim's period, before it began, within the claim's own days
    "top_off_period",
    "top_predates",
    "top_own_days",
)


@dataclass(frozen=True)
class Sides:
    """The best supporting and the best contradicting candidate (weighted), each None when nothing qualifies."""

    support: Scored | None
    refute: Scored | None


def weight(c: Scored, attributed_claim: bool, supporting: bool = False) -> float:
    """Reported speech neither supports nor refutes a bare statement of fact as strongly as the report's voice; a
    sentence from another period is likely about another event, whichever way the model reads it; and a report
    written before the claim's period began cannot support it at all."""
    if supporting and c.predates:
        return 0.0
    w = DISCOUNT if c.attribution.third_party and not attributed_claim else 1.0
    return w * (DISCOUNT if c.off_period else 1.0)


def sides(claim: str, scored: Sequence[Scored]) -> Sides:
    """The sentence each side of the decision rests on (a decisive verdict's first citation): among the sentences
    whose weighted probability reaches ``AGREES``, the one most aligned with the claim (most of its words), so the
    passage a careful reader would cite leads, not merely the one the network was surest of; when none reaches it,
    the strongest."""
    attributed = claim_is_attributed(claim)
    aligned = [c for c in scored if c.overlap >= MIN_OVERLAP]

    def lead(cands: list[Scored], prob: str) -> Scored | None:
        strength = {id(c): getattr(c, prob) * weight(c, attributed, prob == "entail") for c in cands}
        agreeing = [c for c in cands if strength[id(c)] >= AGREES]
        if agreeing:
            return max(agreeing, key=lambda c: (c.overlap, strength[id(c)]))
        return max(cands, key=lambda c: (strength[id(c)], c.overlap), default=None)

    return Sides(lead(aligned, "entail"), lead([c for c in aligned if c.contradict > c.entail], "contradict"))


def claim_features(claim: str, scored: Sequence[Scored], best: Sides | None = None) -> np.ndarray:
    """One row of ``FEATURES`` for a claim and its scored candidates (``best``: its ``sides``, when already known)."""
    attributed = claim_is_attributed(claim)
    best = best or sides(claim, scored)

    def mismatch(c: Scored | None) -> float:
        return float(c is not None and any(signals(c.text, claim).as_dict()[k] >= 1.0 for k in _MISMATCH))

    def side(c: Scored | None, prob: str) -> tuple[float, float]:
        return (getattr(c, prob) * weight(c, attributed, prob == "entail"), c.overlap) if c is not None else (0.0, 0.0)

    top = min(scored, key=lambda c: (-c.overlap, c.retrieval_rank), default=None)
    sig = signals(top.text, claim).as_dict() if top is not None else dict.fromkeys(("x",), 0.0)
    s, s_ov = side(best.support, "entail")
    r, r_ov = side(best.refute, "contradict")
    aligned = [c for c in scored if c.overlap >= MIN_OVERLAP]
    support_reports = {c.report_id for c in aligned if c.entail * weight(c, attributed, True) >= AGREES}
    refute_reports = {
        c.report_id for c in aligned if c.contradict > c.entail and c.contradict * weight(c, attributed) >= AGREES
    }
    row = [
        top.entail if top is not None else 0.0,
        top.contradict if top is not None else 0.0,
        top.overlap if top is not None else 0.0,
        max(sig.get("neg_evidence_only", 0.0), sig.get("neg_claim_only", 0.0)),
        sig.get("num_match", 0.0),
        sig.get("num_mismatch", 0.0),
        sig.get("date_mismatch", 0.0),
        sig.get("names_missing", 0.0),
        float(top is not None and top.attribution.third_party and not attributed),
        s,
        r,
        s_ov,
        r_ov,
        min(len(support_reports), 3) / 3,
        min(len(refute_reports), 3) / 3,
        mismatch(best.support),
        mismatch(best.refute),
        float(attributed),
        float(top is not None and top.off_period),
        float(top is not None and top.predates),
        float(top is not None and top.dated),
    ]
    return np.asarray(row, dtype=np.float64)
