"""The library's own voice framing a claim: "ISW assessed on March 12, 2022 that …", "According to ISW's April 9,
2022 assessment, …", "…, according to ISW."

Why: such a frame says who reported the fact and when, and the report of that day carries the fact without it. Read
as part of the fact, the frame's date clashes with the event's own date in the very sentence that states it ("On
August 30, ISW reported that Ukrainian forces had started striking pontoon ferries" against the August 30 report's
"began striking … on August 29"), and its words ("ISW", "assessed", "likely") make any sentence of ISW's voice look
about the claim (a claim about counterattacks near Kyiv refuted by "ISW continues to assess Belarus is unlikely to
…"). So the sentence-level comparisons (which sentences are read, their overlap, the mismatch signals) use the fact
alone; the frame still dates the claim (its period) and marks it as attributed.

Only neutral reporting verbs are a frame: "ISW confirmed" or "ISW could not verify" state how certain the fact is,
and a claim may be wrong about exactly that.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.text.claim_dates import DATED

_WHO = r"(?:the\s+)?(?:ISW|Institute for the Study of War(?:\s+\(ISW\))?)"
_VERB = (
    r"(?:reported|reports|assessed|assesses|said|says|noted|notes|wrote|writes|stated|states|observed|observes|"
    r"argued|argues|concluded|concludes|judged|judges|forecast|forecasted|forecasts|added|adds)"
)
_SAY = r"(?:said|says|wrote|writes|noted|notes)"
_WHEN = rf"(?:\s*,?\s*{DATED.pattern})"
_DOC = r"(?:daily\s+|campaign\s+)?(?:assessment|report|update|analysis|campaign assessment)"
_POSS = r"(?:'s|’s)"

_LEADS = [
    # "ISW assessed on March 12, 2022 that …", "On August 30, 2022, ISW reported that …", "ISW said, …",
    # "In mid-May 2022, ISW said Ukraine had …" (verbs of saying take a bare clause)
    re.compile(
        rf"^(?:{DATED.pattern},?\s+)?{_WHO}\s+(?:{_VERB}{_WHEN}?(?:\s+that\b|\s*,)|{_SAY}{_WHEN}?\s)[\s,]*", re.I
    ),
    # "ISW's December 18, 2022 update said that …"
    re.compile(rf"^{_WHO}{_POSS}\s+(?:{DATED.pattern}\s+)?{_DOC}\s+{_VERB}(?:\s+that\b)?[\s,]*", re.I),
    # "According to ISW, …", "According to ISW's April 9, 2022 assessment, …", "According to ISW in July 2022, …"
    re.compile(rf"^(?:According to|Per)\s+{_WHO}(?:{_POSS}(?:\s+{DATED.pattern})?\s+{_DOC})?(?:{_WHEN})?\s*,\s*", re.I),
    # "In its January 8, 2023 update, ISW said …"
    re.compile(rf"^In\s+(?:its|an?|the)\s+{DATED.pattern}\s+{_DOC}\s*,\s*{_WHO}\s+{_VERB}(?:\s+that\b)?[\s,]*", re.I),
]
# "…, according to ISW.", "…, according to an October 2022 ISW assessment.", "…, ISW reported on May 3."
_TRAILS = [
    re.compile(
        rf"\s*,\s*according to\s+(?:an?\s+|the\s+)?(?:{DATED.pattern}\s+)?{_WHO}(?:{_POSS}\s+{_DOC}|\s+{_DOC})?"
        rf"(?:{_WHEN})?\s*(?=[.!?]?\s*$)",
        re.I,
    ),
    re.compile(rf"\s*,\s*{_WHO}\s+{_VERB}{_WHEN}?\s*(?=[.!?]?\s*$)", re.I),
]


@lru_cache(maxsize=4096)
def claim_fact(claim: str) -> str:
    """``claim`` less the library's own frame around it (the whole claim when it has none, or when the frame is all
    there is)."""
    fact = claim.strip()
    for pattern in _LEADS:
        fact = pattern.sub("", fact, count=1)
    for pattern in _TRAILS:
        fact = pattern.sub("", fact, count=1)
    fact = fact.strip()
    return fact if len(fact) >= 12 else claim
