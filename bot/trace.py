"""What one check goes through, as frozen records: the plan, the evidence found, the judgement, and the whole trace.

Why typed and frozen: each step is a plain function from the records before it to its own, so a step can be called
alone (tests, evaluation, calibration) and nothing downstream can change what an earlier step saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.labels import Kind
from bot.request import CheckRequest
from bot.verdict.candidates import Candidate
from bot.verdict.decision import Decision
from index.store import ReportInfo


@dataclass(frozen=True)
class Query:
    """What retrieval searches for: the text, hard date filters (YYYYMMDD ints, 0 = open) and the preferred period."""

    text: str
    date_from: int = 0
    date_to: int = 0
    prefer: tuple[int, int] = (0, 0)  # YYYYMMDD range the claim is about: reports dated in it rank a little higher
    top_k: int = 8
    max_per_report: int = 2
    candidates: int = 40
    # A question reworded as report sentences state its answer ("Who commanded X?" -> "commander of X"): searched
    # beside ``text``, which a question's wording alone often misses. For a dated claim, the claim without its dates
    # (``bot.steps.plan.undated``); empty for a claim that names no date.
    rewrites: tuple[str, ...] = ()

    @property
    def texts(self) -> tuple[str, ...]:
        """What is searched: the text, then its rewrites."""
        return (self.text, *self.rewrites)


@dataclass(frozen=True)
class Hit:
    """One retrieved passage and why it ranked where it did."""

    passage_id: str
    report_id: str
    start: int
    end: int
    date_int: int
    score: float
    dense: float
    keyword: float


@dataclass(frozen=True)
class Plan:
    """The request understood: claim or question, the date filters it implies, and the retrieval query."""

    request: CheckRequest
    kind: Kind
    filters: Mapping[str, str | None]  # as_of / date_from / date_to as applied, ISO dates
    notes: tuple[str, ...]
    period: tuple[date, date] | None  # the period the request is about (for off-period evidence), None if it names none
    query: Query

    @property
    def claim(self) -> str:
        return self.request.claim


@dataclass(frozen=True)
class Evidence:
    """The retrieved passages with the report texts and records they come from (read once, cited from)."""

    hits: tuple[Hit, ...]
    texts: Mapping[str, str]  # report id -> full text
    reports: Mapping[str, ReportInfo | None]  # report id -> catalog record

    def passage_text(self, hit: Hit) -> str:
        return self.texts[hit.report_id][hit.start : hit.end]

    def span_of(self, passage_id: str) -> tuple[int, int] | None:
        return next(((h.start, h.end) for h in self.hits if h.passage_id == passage_id), None)


@dataclass(frozen=True)
class Judgement:
    """The candidate sentences read against the claim (scored for a claim) and the decision over them."""

    candidates: tuple[Candidate, ...]
    decision: Decision | None  # None for a question


@dataclass(frozen=True)
class Trace:
    """Everything a reply was built from; ``compose`` turns it into the reply."""

    plan: Plan
    evidence: Evidence
    judgement: Judgement
    timings: Mapping[str, float] = field(default_factory=dict)  # milliseconds per step
