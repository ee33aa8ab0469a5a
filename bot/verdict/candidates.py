"""Which sentences of the retrieved passages are read against a claim: candidates, ranked by how much of the claim's
wording they carry.

Retrieved passages are split into sentences (and adjacent pairs, for facts spread over two sentences), kept when they
share content words with the claim (an NLI model's 'contradiction' between unrelated sentences means nothing), and
never when they address the checker instead of reporting the world. Offsets are report offsets, so a quote is always a
verbatim slice of its report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import TypeVar

import numpy as np

from bot.settings import MAX_SENTENCES
from bot.text.attribution import UNNAMED_SOURCE, Attribution, attribute
from bot.text.claim_dates import without_dates
from bot.text.words import content_words, overlaps
from index.sentences import sentence_spans

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
    off_period: bool = False  # from bot.text.claim_dates.off_period: written outside the claim's period
    predates: bool = False  # from bot.text.claim_dates.predates: written before the claim's period began
    dated: bool = False  # from bot.text.claim_dates.dated_to_period: written within the claim's own days
    written: str | None = None  # the report's date (ISO), where known: a day it names without a year is of that year


def different_voices(a: Candidate, b: Candidate) -> bool:
    """Whether two sentences speak for different sources or speakers: the condition for CONFLICTING.

    A report's own voice is its source ("ISW"), so two reports of one source disagreeing are not a conflict of sources
    (held out, the one such case was the verifier misreading two ISW sentences that say the same thing, 2026-12-05);
    a report that names no source speaks only for itself."""

    def voice(c: Candidate) -> str:
        return c.report_id if c.attribution.speaker == UNNAMED_SOURCE else c.attribution.speaker

    return voice(a) != voice(b)


@dataclass(frozen=True, eq=False)
class Scored(Candidate):
    """A candidate with the verifier's probabilities [entailment, neutral, contradiction] for (it, the claim)."""

    probs: np.ndarray = None  # type: ignore[assignment]  # always given; a default only because the parent has one

    @classmethod
    def of(cls, candidate: Candidate, probs: np.ndarray) -> Scored:
        return cls(**{f.name: getattr(candidate, f.name) for f in fields(Candidate)}, probs=probs)

    @property
    def entail(self) -> float:
        return float(self.probs[0])

    @property
    def contradict(self) -> float:
        return float(self.probs[2])


# A passage from the claim's own days leads an undecided reply when it carries at least this share of the best
# passage's overlap with the claim (0.8 and 0.9 tied for evidence@1 on the 264 fit claims, 2026-12-05).
DATED_LEAD = 0.8


C = TypeVar("C", bound=Candidate)


def dated_first(closest: list[C]) -> list[C]:
    """``closest`` with the passage most about the claim among those written within the claim's own days moved to the
    front, when it is about the claim nearly as much as the first (``DATED_LEAD``): the passage a reader checks first
    when nothing decides the claim. A decisive verdict's order is never changed (its deciding sentence leads)."""
    if not closest:
        return closest
    floor = DATED_LEAD * max(c.overlap for c in closest)
    dated = [c for c in closest if c.dated and c.overlap >= floor]
    if not dated:
        return closest
    lead = max(dated, key=lambda c: c.overlap)
    return [lead, *(c for c in closest if c is not lead)]


def addresses_the_checker(text: str) -> bool:
    """True for instructions aimed at a fact-checking bot (so never evidence); ordinary reporting is untouched."""
    return bool(_ADDRESSES_CHECKER.search(text))


def after_leading_note(text: str, a: int, b: int) -> int:
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
    # Which sentences are read, and in what order, goes by the claim's words less its dates: a sentence that dates the
    # claim's event in another month must be read to refute it, and the date's words would rank every sentence of the
    # claim's own month above it. ``Candidate.overlap`` keeps the dates (the decision was fitted on it).
    undated = content_words(without_dates(claim))
    out: list[tuple[float, Candidate]] = []

    def read(pid: str, rid: str, base: int, text: str, a: int, b: int, first_end: int, source: str, rank: int) -> None:
        """The sentence ``text[a:b]``, or an adjacent pair (its first sentence ending at ``first_end`` < ``b``),
        which counts 0.05 less; attributed by its first sentence."""
        less = 0.05 if b > first_end else 0.0
        with_dates, without = overlaps((words, undated), text[a:b])
        lead = text[a:first_end]
        cand = Candidate(pid, rid, base + a, base + b, text[a:b], with_dates - less, attribute(lead, source), rank)
        out.append((without - less, cand))

    for rank, (pid, rid, base, text, source) in enumerate(passages):
        spans = [(after_leading_note(text, a, b), b) for a, b in sentence_spans(text)]
        for i, (a, b) in enumerate(spans):
            read(pid, rid, base, text, a, b, b, source, rank)
            if i + 1 < len(spans):
                read(pid, rid, base, text, a, spans[i + 1][1], b, source, rank)
    seen: set[tuple[str, int, int]] = set()
    unique = []
    for order, c in sorted(out, key=lambda oc: (-oc[0], oc[1].retrieval_rank)):
        key = (c.report_id, c.start, c.end)
        if key not in seen and order >= min_overlap and not addresses_the_checker(c.text):
            seen.add(key)
            unique.append(c)
    return unique[:max_sentences]
