"""Dates written inside claims: 'as of June 12, 2022', 'on 9 March 2022', 'in late March 2022', 'the March 2024 attack'.

Why: reports are dated and facts change. A claim's own dates become filters: 'as of D' keeps evidence dated on or
before D; a claim about an event in a period can only be attested by reports dated from that period's start on (a
report cannot describe what happened after it was written).
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from bot.text.lexicon import MONTH_NUMBER, MONTH_PATTERN

_M = "(" + "|".join(MONTH_NUMBER) + r")"
_AS_OF = re.compile(
    rf"\bas of\s+(?:{_M}\s+(\d{{1,2}}),?\s+(\d{{4}})|(\d{{1,2}})\s+{_M}\s+(\d{{4}})"
    r"|(\d{4})-(\d\d)-(\d\d))",
    re.I,
)
_FULL = [
    re.compile(rf"\b{_M}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I),  # March 9, 2022
    re.compile(rf"\b(\d{{1,2}})\s+{_M}\s+(\d{{4}})\b", re.I),  # 9 March 2022
    re.compile(r"\b(\d{4})-(\d\d)-(\d\d)\b"),
]  # 2022-03-09
_MONTH_YEAR = re.compile(rf"\b{_M},?\s+(\d{{4}})\b", re.I)
# A year of the reports' era.
YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
# A day of a month ('March 9', '9 March') or a bare month, capitalised as reports write them.
DAY_OR_MONTH = re.compile(
    rf"\b(?:({MONTH_PATTERN})\s+(\d{{1,2}})\b|(\d{{1,2}})\s+({MONTH_PATTERN})\b|({MONTH_PATTERN})\b)"
)
# Reports written up to this long after a period still describe it (daily reports cover the last days' events).
GRACE = timedelta(days=10)


@dataclass(frozen=True)
class ClaimDates:
    """``as_of``: evidence must be dated on/before it; ``window``: the period the claim is about (start, end)."""

    as_of: date | None = None
    window: tuple[date, date] | None = None


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_claim_dates(text: str) -> ClaimDates:
    as_of = None
    m = _AS_OF.search(text)
    if m:
        g = m.groups()
        if g[0]:
            as_of = _safe(int(g[2]), MONTH_NUMBER[g[0].lower()], int(g[1]))
        elif g[4]:
            as_of = _safe(int(g[5]), MONTH_NUMBER[g[4].lower()], int(g[3]))
        else:
            as_of = _safe(int(g[6]), int(g[7]), int(g[8]))
    starts: list[tuple[date, date]] = []
    for i, pattern in enumerate(_FULL):
        for fm in pattern.finditer(text):
            g = fm.groups()
            d = (
                _safe(int(g[2]), MONTH_NUMBER[g[0].lower()], int(g[1]))
                if i == 0
                else _safe(int(g[2]), MONTH_NUMBER[g[1].lower()], int(g[0]))
                if i == 1
                else _safe(int(g[0]), int(g[1]), int(g[2]))
            )
            if d:
                starts.append((d, d))
    if not starts:
        for mm in _MONTH_YEAR.finditer(text):
            y, mo = int(mm.group(2)), MONTH_NUMBER[mm.group(1).lower()]
            starts.append((date(y, mo, 1), date(y, mo, monthrange(y, mo)[1])))
    if not starts:
        for ym in YEAR.finditer(text):
            y = int(ym.group(1))
            starts.append((date(y, 1, 1), date(y, 12, 31)))
    window = (min(s for s, _ in starts), max(e for _, e in starts)) if starts else None
    return ClaimDates(as_of=as_of, window=window)


# A date this module reads (a day or month with its year, a year, an ISO date), with the words that introduce it.
_DATED = re.compile(
    rf"(?:\b(?:as of|in|on|by|during|since|until|before|after|from)\s+)?(?:\b(?:early|mid|late)[- ]?)?"
    rf"(?:\b{_M}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\b\d{{1,2}}\s+{_M}\s+\d{{4}}|\b{_M},?\s+\d{{4}}"
    r"|\b\d{4}-\d\d-\d\d|\b(?:19|20)\d\d)\b",
    re.I,
)


def without_dates(text: str) -> str:
    """``text`` less the dates ``parse_claim_dates`` reads ('in October 2022', 'as of 2022-06-05', 'on 9 March 2022').

    Why: once read into filters and a preferred period, a question's dates are no words to match. Searched or
    compared as words, "October 2022" favours any sentence naming October ("commander since October 2017").
    """
    return re.sub(r"\s+([,.;:?!])", r"\1", re.sub(r"\s{2,}", " ", _DATED.sub(" ", text))).strip()


def to_int(d: date | None) -> int:
    return int(d.strftime("%Y%m%d")) if d else 0


def off_period(sentence: str, report_date: str | None, window: tuple[date, date] | None) -> bool:
    """True when a sentence cannot be about the claim's period: its report was written outside the period (plus
    ``GRACE``) and the sentence names no month of the period.

    Why: a claim about 'the August 9 attack' is not contradicted by a report from October describing October's
    strikes, though an NLI model reads two strike reports with different details as a contradiction. Only day- and
    month-precise periods count (a claim about a whole year can be summed up by any later report), and a sentence that
    names the period's month of the period's year (a later report restating the event) stays in.
    """
    written = _written_in_short_period(report_date, window)
    if written is None or window is None or window[0] <= written <= window[1] + GRACE:
        return False
    days, months = mentioned_dates(sentence)
    # A month a daily report names is the latest one of that name up to its writing: "January" in a January 2023
    # report is January 2023, not the January 2024 a claim is about.
    named = {(written.year if m <= written.month else written.year - 1, m) for m in months | {m for m, _ in days}}
    return not named & {(window[0].year, window[0].month), (window[1].year, window[1].month)}


def predates(report_date: str | None, window: tuple[date, date] | None) -> bool:
    """True when the report was written before the claim's period began: it cannot attest the claim (a report cannot
    describe what happened after it was written), though it can contradict it ("sank in June" against an April
    report of the sinking)."""
    if window is None or not report_date:
        return False
    try:
        return date.fromisoformat(report_date[:10]) < window[0]
    except ValueError:
        return False


def dated_to_period(report_date: str | None, window: tuple[date, date] | None) -> bool:
    """True when the report was written within the claim's own days (a day or month, not a year), or the day after,
    when a daily report tells what happened the day before.

    Why: "Russian assaults around Avdiivka succeeded on May 20" is best answered by the May 20 report, not by the
    May 29 one that says much the same of that week; where nothing decides a claim, the passage a reader checks first
    should be from the claim's own days.
    """
    written = _written_in_short_period(report_date, window)
    return written is not None and window is not None and window[0] <= written <= window[1] + timedelta(days=1)


def _written_in_short_period(report_date: str | None, window: tuple[date, date] | None) -> date | None:
    """The report's date, when it reads and the claim's period is a day or a month (a claim about a whole year can be
    summed up by any report of it); otherwise None."""
    if window is None or not report_date or (window[1] - window[0]).days > 31:
        return None
    try:
        return date.fromisoformat(report_date[:10])
    except ValueError:
        return None


def mentioned_dates(text: str) -> tuple[set[tuple[int, int]], set[int]]:
    """(month, day) pairs and bare months mentioned in ``text`` (capitalised month names, as reports write them)."""
    days, months = set(), set()
    for m in DAY_OR_MONTH.finditer(text):
        if m.group(1):
            days.add((MONTH_NUMBER[m.group(1).lower()], int(m.group(2))))
        elif m.group(4):
            days.add((MONTH_NUMBER[m.group(4).lower()], int(m.group(3))))
        else:
            months.add(MONTH_NUMBER[m.group(5).lower()])
    return days, months
