"""False claims made from true ones by moving their date to another month, to fit the decision on.

Why: on the held-out sets whose false claims move a dated event to another month (sets 34-45), NOT ENOUGH EVIDENCE was
stated at 0.6-0.9 where it was right far less often. The decision had been fitted on claims whose false ones change
other facts, so a claim whose event the library dates elsewhere looked like one the library does not address. A true
fit claim that names one month gives a false copy with that month moved at least two months along the library's
period; the copy keeps its true claim's evidence, so it lands in the same cross-validation group and a fold never
fits on one and tests on the other.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable

from bot.gold import GoldClaim
from bot.labels import GoldLabel
from bot.text.lexicon import MONTH_PATTERN, MONTHS

# The library's months (2022-02-24 to 2023-01-25); February 2022 holds five days of it and is left out as a target.
LIBRARY_MONTHS = (*((2022, m) for m in range(3, 13)), (2023, 1))
# A moved date is at least this many months away: a neighbouring month often holds the same routine event again.
MIN_SHIFT = 2
MOVED_SUFFIX = "~moved"
_MONTH = re.compile(rf"\b({MONTH_PATTERN})\b")
# A month with what follows it: "April 14, 2022", "April 14", "April 2022", "April".
_DATE = re.compile(rf"\b(?P<month>{MONTH_PATTERN})(?P<day> \d{{1,2}}\b)?(?P<year>,? 20\d\d\b)?")
_YEAR = re.compile(r"\b(20\d\d)\b")


def move_month(claim: str, rng: random.Random) -> str | None:
    """The claim with its one month moved to another month of the library's period (and its year with it), or None
    where the claim names no month, several months, several years or a month outside the library's period."""
    months = {m.group() for m in _MONTH.finditer(claim)}
    years = set(_YEAR.findall(claim))
    if len(months) != 1 or len(years) > 1:
        return None
    month = MONTHS.index(months.pop()) + 1
    year = int(years.pop()) if years else (2023 if month == 1 else 2022)
    if (year, month) not in LIBRARY_MONTHS:
        return None
    here = LIBRARY_MONTHS.index((year, month))
    targets = [t for i, t in enumerate(LIBRARY_MONTHS) if abs(i - here) >= MIN_SHIFT]
    new_year, new_month = rng.choice(targets)

    def moved(m: re.Match[str]) -> str:
        day = m.group("day") or ""
        if day and int(day) > 28:
            day = " 28"
        text = f"{MONTHS[new_month - 1]}{day}"
        if m.group("year"):
            text += m.group("year").replace(str(year), str(new_year))
        return text

    out = _DATE.sub(moved, claim)
    if new_year != year:
        out = _YEAR.sub(str(new_year), out)
    return out if out != claim else None


def date_moved_claims(claims: Iterable[GoldClaim], seed: int = 0) -> list[GoldClaim]:
    """A REFUTES copy of each SUPPORTS claim that names one month, that month moved (``move_month``)."""
    rng = random.Random(seed)
    out = []
    for c in claims:
        if c.label != GoldLabel.SUPPORTS:
            continue
        text = move_month(c.claim, rng)
        if text is not None:
            out.append(GoldClaim(c.id + MOVED_SUFFIX, text, GoldLabel.REFUTES, c.evidence, c.as_of))
    return out
