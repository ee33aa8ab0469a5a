"""The label sets, each defined once: the verdict a reply gives, a citation's stance, a pair's NLI label, and the gold
labels of the claim datasets, with the mappings between them.

Why string enums: the values are what the API, the CLI's JSON and the evaluation files have always carried
("SUPPORTED", "supports", "SUPPORTS"), so replies read the same while the code names each label once.
"""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    SUPPORTED = "SUPPORTED"
    REFUTED = "REFUTED"
    CONFLICTING = "CONFLICTING"
    NOT_ENOUGH_EVIDENCE = "NOT_ENOUGH_EVIDENCE"


class Stance(StrEnum):
    """What one cited sentence does for the claim."""

    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    RELATED = "related"


class GoldLabel(StrEnum):
    """The labels of FEVER-style claim datasets (ISW claims, SciFact)."""

    SUPPORTS = "SUPPORTS"
    REFUTES = "REFUTES"
    NOT_ENOUGH_INFO = "NOT_ENOUGH_INFO"


class Kind(StrEnum):
    """A claim gets a verdict; a question gets the passages that answer it."""

    CLAIM = "claim"
    QUESTION = "question"


# The verifier's output order: rows of probabilities are [entailment, neutral, contradiction].
NLI_LABELS = ("entailment", "neutral", "contradiction")
ENTAILMENT, NEUTRAL, CONTRADICTION = NLI_LABELS

# A verdict scored against a gold label: CONFLICTING claims neither, so it counts as not enough information.
GOLD_OF_VERDICT = {
    Verdict.SUPPORTED: GoldLabel.SUPPORTS,
    Verdict.REFUTED: GoldLabel.REFUTES,
    Verdict.NOT_ENOUGH_EVIDENCE: GoldLabel.NOT_ENOUGH_INFO,
    Verdict.CONFLICTING: GoldLabel.NOT_ENOUGH_INFO,
}
# A gold claim label as the NLI label of its (gold evidence, claim) pair.
NLI_OF_GOLD = {GoldLabel.SUPPORTS: ENTAILMENT, GoldLabel.REFUTES: CONTRADICTION, GoldLabel.NOT_ENOUGH_INFO: NEUTRAL}
