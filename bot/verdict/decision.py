"""Scored candidate sentences -> one verdict: SUPPORTED, REFUTED, CONFLICTING or NOT_ENOUGH_EVIDENCE.

Pair probabilities are aggregated with thresholds calibrated on dev data (``calibration.json`` beside the model).
Reported speech is discounted: 'Russian sources claimed X' does not support X unless the claim is about the claim.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.labels import Verdict
from bot.nli.scorer import MODEL_DIR
from bot.text.attribution import claim_is_attributed
from bot.verdict.candidates import Candidate, Scored, dated_first, different_voices


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds: fitted on dev data and stored with the model (see MODEL_CARD.md)."""

    entail: float = 0.5
    contradict: float = 0.5
    min_overlap: float = 0.25
    min_overlap_refute: float = 0.4
    third_party_discount: float = 0.5
    off_period_discount: float = 0.5  # a sentence from outside the claim's period (bot.text.claim_dates.off_period)
    conflict: float = 0.75  # both sides must reach this for CONFLICTING; otherwise the stronger side wins
    # ... and be about the claim to a like degree: the weaker side's probability x overlap must reach this share of
    # the stronger side's (a confident contradiction from a sentence about a neighbouring fact is no conflict)
    conflict_balance: float = 0.75

    @classmethod
    def load(cls, model_dir: Path = MODEL_DIR) -> Thresholds:
        path = model_dir / "calibration.json"
        if path.exists():
            data = json.loads(path.read_text())
            return cls(**{k: float(v) for k, v in data.get("thresholds", {}).items() if k in cls.__dataclass_fields__})
        return cls()


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    confidence: float
    support: list[Scored]
    refute: list[Scored]
    related: list[Candidate]
    # With NOT_ENOUGH_EVIDENCE: the way the evidence leans, and the calibrated probability of that, when it leans
    # towards a verdict it is not sure enough to give.
    lean: Verdict | None = None
    lean_probability: float = 0.0
    # REFUTED because the parse read a slot of the claim otherwise in the deciding sentence (two slots swapped, or one
    # filled with another value: bot/nli/pairing.py, bot/nli/substitution.py): that citation's score is the verdict's
    # confidence, not the verifier's (which read the sentence as entailing or leaving open the claim).
    slot_read: bool = False


def decide(claim: str, cands: list[Scored], th: Thresholds) -> Decision:
    """Aggregate pair scores into a verdict; CONFLICTING only when strong support and strong refutation come from
    different sources or speakers (``different_voices``)."""
    attributed_claim = claim_is_attributed(claim)

    def weight(c: Scored) -> float:
        """Reported speech neither supports nor refutes a bare statement of fact as strongly as the report's voice;
        a sentence from another period is likely about another event, whichever way the model reads it."""
        w = th.third_party_discount if c.attribution.third_party and not attributed_claim else 1.0
        return w * (th.off_period_discount if c.off_period else 1.0)

    def support_of(c: Scored) -> float:
        return c.entail * weight(c)

    def refute_of(c: Scored) -> float:
        return c.contradict * weight(c)

    support = sorted(
        [c for c in cands if support_of(c) >= th.entail and c.overlap >= th.min_overlap], key=lambda c: -support_of(c)
    )
    refute = sorted(
        [
            c
            for c in cands
            if refute_of(c) >= th.contradict and c.contradict > c.entail and c.overlap >= th.min_overlap_refute
        ],
        key=lambda c: -refute_of(c),
    )
    related = sorted(cands, key=lambda c: (-c.overlap, c.retrieval_rank))
    best_s = support_of(support[0]) if support else 0.0
    best_r = refute_of(refute[0]) if refute else 0.0
    if support and refute:
        s, r = support[0], refute[0]
        # Weighed by how close each sentence is to the claim's wording: when one sentence supports and another
        # contradicts, the one about the claim's own subject should win over one about a neighbouring fact.
        topical_s, topical_r = best_s * s.overlap, best_r * r.overlap
        if (
            different_voices(s, r)
            and min(best_s, best_r) >= th.conflict
            and min(topical_s, topical_r) >= th.conflict_balance * max(topical_s, topical_r)
        ):
            return Decision(Verdict.CONFLICTING, round(min(best_s, best_r), 4), support, refute, related)
        if topical_s >= topical_r:
            return Decision(Verdict.SUPPORTED, round(best_s, 4), support, [], related)
        return Decision(Verdict.REFUTED, round(best_r, 4), [], refute, related)
    if support:
        return Decision(Verdict.SUPPORTED, round(best_s, 4), support, [], related)
    if refute:
        return Decision(Verdict.REFUTED, round(best_r, 4), [], refute, related)
    top = max((max(support_of(c), refute_of(c)) for c in cands if c.overlap >= th.min_overlap), default=0.0)
    return Decision(Verdict.NOT_ENOUGH_EVIDENCE, round(1.0 - top, 4), [], [], dated_first(related))
