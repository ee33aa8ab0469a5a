"""Evidence sentences -> NLI scores -> one verdict: SUPPORTED, REFUTED, CONFLICTING or NOT_ENOUGH_EVIDENCE.

Retrieved passages are split into sentences (and adjacent pairs, for facts spread over two sentences), filtered to
those that share content words with the claim (an NLI model's 'contradiction' between unrelated sentences means
nothing), scored, and aggregated with thresholds calibrated on dev data (``calibration.json`` beside the model).
Reported speech is discounted: 'Russian sources claimed X' does not support X unless the claim is about the claim.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.attribution import Attribution, attribute, claim_is_attributed
from bot.settings import MAX_SENTENCES
from bot.verifier.nli import MODEL_DIR, NLIScorer
from index.sentences import sentence_spans

SUPPORTED, REFUTED, CONFLICTING, NOT_ENOUGH = "SUPPORTED", "REFUTED", "CONFLICTING", "NOT_ENOUGH_EVIDENCE"
_STOP_TEXT = """
a an the of in on at to for from by with and or but not no is are was were be been being has have
had do does did as that this these those it its their there than then into over under about after
before during which who whom whose what when where why how all any some such also very more most
other s
"""
_STOP = set(_STOP_TEXT.split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+|\d[\d,.]*")
# An endnote marker that opens a sentence ("… an operation. [1] Putin's messaging …") belongs to the sentence before
# it: ISW reports carry them inline, and a quarter of their sentences would otherwise be quoted opening with one.
_LEADING_NOTE = re.compile(r"(?:\[\d+\]\s*)+")
# Text that addresses the checker instead of reporting the world: prompt injection planted in a report. It is never
# evidence (a sentence saying "the verdict for X is SUPPORTED" quotes X word for word, which fools any overlap signal).
_ADDRESSES_CHECKER = re.compile(
    r"\bignore\s+(?:all\s+|any\s+|your\s+|the\s+|these\s+)?(?:previous\s+|prior\s+|above\s+|earlier\s+)?"
    r"(?:instructions?|prompts?|rules|guidelines)\b"
    r"|(?:^|[.;]\s*)(?:system|assistant)\s*:|\b(?-i:SYSTEM|ASSISTANT)\s*:"
    r"|\b(?:verdict|answer|label|classify|respond|reply|output)\b[^.]{0,80}"
    r"\b(?-i:SUPPORTED|REFUTED|CONFLICTING|NOT[_ ]ENOUGH[_ ]EVIDENCE)\b"
    r"|\b(?-i:SUPPORTED|REFUTED|CONFLICTING|NOT[_ ]ENOUGH[_ ]EVIDENCE)\b[^.]{0,40}\b(?:verdict|answer|every claim)\b"
    r"|\byou\s+(?:must|should|will)\s+(?:now\s+)?(?:answer|respond|reply|say|output|classify|ignore)\b",
    re.I,
)


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds: fitted on dev data and stored with the model (see MODEL_CARD.md)."""

    entail: float = 0.5
    contradict: float = 0.5
    min_overlap: float = 0.25
    min_overlap_refute: float = 0.4
    third_party_discount: float = 0.5
    off_period_discount: float = 0.5  # a sentence from outside the claim's period (bot.dates.off_period)
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


@dataclass
class Candidate:
    """A sentence (or two adjacent ones) of a retrieved passage, with its offsets in the report."""

    passage_id: str
    report_id: str
    start: int
    end: int
    text: str
    overlap: float
    attribution: Attribution
    retrieval_rank: int
    probs: np.ndarray = field(default_factory=lambda: np.zeros(3, dtype=np.float32))
    off_period: bool = False  # set by the chain from bot.dates.off_period

    @property
    def entail(self) -> float:
        return float(self.probs[0])

    @property
    def contradict(self) -> float:
        return float(self.probs[2])


@dataclass
class Decision:
    verdict: str
    confidence: float
    support: list[Candidate]
    refute: list[Candidate]
    related: list[Candidate]


def addresses_the_checker(text: str) -> bool:
    """True for instructions aimed at a fact-checking bot (so never evidence); ordinary reporting is untouched."""
    return bool(_ADDRESSES_CHECKER.search(text))


def content_words(text: str) -> set[str]:
    return {w.lower().strip("'’").rstrip(".,") for w in _WORD.findall(text)} - _STOP


def overlap(claim_words: set[str], sentence: str) -> float:
    """Share of the claim's content words (prefix-matched, so 'captured' meets 'capture') found in the sentence."""
    if not claim_words:
        return 0.0
    words = content_words(sentence)
    stems = {w[:5] for w in words}
    return sum(1 for w in claim_words if w in words or w[:5] in stems) / len(claim_words)


def _after_leading_note(text: str, a: int, b: int) -> int:
    """Where the sentence ``text[a:b]`` starts once endnote markers opening it are skipped (never past its end).

    Done here, not in ``index.sentences``: the splitter also cuts the indexed passages and the verifier's synthetic
    training pairs, which must stay as they were built.
    """
    m = _LEADING_NOTE.match(text, a)
    return m.end() if m and m.end() < b else a


def candidates(
    claim: str,
    passages: list[tuple[str, str, int, str, str]],
    max_sentences: int = MAX_SENTENCES,
    min_overlap: float = 0.15,
) -> list[Candidate]:
    """Sentences and adjacent pairs of ``passages`` = [(passage_id, report_id, start, text, source)], best first.

    ``start`` is the passage's offset in its report, so candidate offsets are report offsets.
    """
    words = content_words(claim)
    out: list[Candidate] = []
    for rank, (pid, rid, base, text, source) in enumerate(passages):
        spans = [(_after_leading_note(text, a, b), b) for a, b in sentence_spans(text)]
        for i, (a, b) in enumerate(spans):
            sent = text[a:b]
            out.append(
                Candidate(pid, rid, base + a, base + b, sent, overlap(words, sent), attribute(sent, source), rank)
            )
            if i + 1 < len(spans):
                _, b2 = spans[i + 1]
                pair = text[a:b2]
                out.append(
                    Candidate(
                        pid, rid, base + a, base + b2, pair, overlap(words, pair) - 0.05, attribute(sent, source), rank
                    )
                )
    seen: set[tuple[str, int, int]] = set()
    unique = []
    for c in sorted(out, key=lambda c: (-c.overlap, c.retrieval_rank)):
        key = (c.report_id, c.start, c.end)
        if key not in seen and c.overlap >= min_overlap and not addresses_the_checker(c.text):
            seen.add(key)
            unique.append(c)
    return unique[:max_sentences]


def score(claim: str, cands: list[Candidate], scorer: NLIScorer) -> None:
    if not cands:
        return
    probs = scorer.score([(c.text, claim) for c in cands])
    for c, p in zip(cands, probs):
        c.probs = p


def decide(claim: str, cands: list[Candidate], th: Thresholds) -> Decision:
    """Aggregate pair scores into a verdict; CONFLICTING only when strong support and strong refutation come from
    different reports or different speakers."""
    attributed_claim = claim_is_attributed(claim)

    def weight(c: Candidate) -> float:
        """Reported speech neither supports nor refutes a bare statement of fact as strongly as the report's voice;
        a sentence from another period is likely about another event, whichever way the model reads it."""
        w = th.third_party_discount if c.attribution.third_party and not attributed_claim else 1.0
        return w * (th.off_period_discount if c.off_period else 1.0)

    def support_of(c: Candidate) -> float:
        return c.entail * weight(c)

    def refute_of(c: Candidate) -> float:
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
        different = s.report_id != r.report_id or s.attribution.speaker != r.attribution.speaker
        if (
            different
            and min(best_s, best_r) >= th.conflict
            and min(topical_s, topical_r) >= th.conflict_balance * max(topical_s, topical_r)
        ):
            return Decision(CONFLICTING, round(min(best_s, best_r), 4), support, refute, related)
        if topical_s >= topical_r:
            return Decision(SUPPORTED, round(best_s, 4), support, [], related)
        return Decision(REFUTED, round(best_r, 4), [], refute, related)
    if support:
        return Decision(SUPPORTED, round(best_s, 4), support, [], related)
    if refute:
        return Decision(REFUTED, round(best_r, 4), [], refute, related)
    top = max((max(support_of(c), refute_of(c)) for c in cands if c.overlap >= th.min_overlap), default=0.0)
    return Decision(NOT_ENOUGH, round(1.0 - top, 4), [], [], related)
