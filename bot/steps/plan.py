"""Step one: a request understood. Claim or question, the date filters the claim's own dates imply, the query.

Why: reports are dated and facts change. "As of D" keeps evidence dated on or before D; a claim about a period can
only be attested by reports written from its start on (a report cannot describe what happened after it was written);
and reports written during the period rank a little higher.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.labels import Kind
from bot.request import CheckRequest
from bot.text.claim_dates import GRACE, parse_claim_dates, to_int
from bot.trace import Plan, Query

_QUESTION = re.compile(
    r"^\s*(who|what|when|where|why|how|which|whose|whom|did|does|do|is|are|was|were|has|have|"
    r"had|can|could|will|would|should)\b",
    re.I,
)


def kind_of(claim: str) -> Kind:
    return Kind.QUESTION if claim.endswith("?") or _QUESTION.match(claim) else Kind.CLAIM


def plan(
    req: CheckRequest, top_k: int = 8, max_per_report: int = 2, candidates: int = 40, period_is_filter: bool = True
) -> Plan:
    """The plan for ``req``; ``top_k`` applies when the request names none.

    ``period_is_filter``: whether the period a claim names keeps out reports written before it. The hand-set rules
    need that (they cannot tell an earlier report contradicting the claim's date from one about another event); the
    learned decision reads such reports as able to contradict, never to support (``Candidate.predates``), so that
    "the Moskva sank in June 2022" can be refuted by the April report of its sinking. Dates the user gives (as of,
    from, to) always stay hard filters.
    """
    kind = kind_of(req.claim)
    understood = parse_claim_dates(req.claim)
    as_of = req.as_of or understood.as_of
    date_to = min(d for d in (as_of, req.date_to) if d) if (as_of or req.date_to) else None
    date_from = req.date_from
    notes = []
    point_in_time = understood.as_of is not None and understood.window == (understood.as_of, understood.as_of)
    if period_is_filter and kind == Kind.CLAIM and understood.window and not req.date_from and not point_in_time:
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
    period = understood.window if kind == Kind.CLAIM and not point_in_time else None
    query = Query(
        req.claim,
        to_int(date_from),
        to_int(date_to),
        prefer=_preferred_window(understood.window, as_of),
        top_k=req.top_k or top_k,
        max_per_report=max_per_report,
        candidates=candidates,
    )
    return Plan(req, kind, filters, tuple(notes), period, query)


def _preferred_window(window: tuple[date, date] | None, as_of: date | None) -> tuple[int, int]:
    """Reports written during (or just after) the claim's period, or in the days up to 'as of', rank higher."""
    if as_of:
        return to_int(as_of - timedelta(days=10)), to_int(as_of)
    if window:
        return to_int(window[0]), to_int(window[1] + GRACE)
    return 0, 0
