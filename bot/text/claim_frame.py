"""The fact a claim states, without the frame that says the library's own source reported it.

Why: people write claims the way they cite reports ("ISW reported on March 4, 2022 that Russian forces ..."), while
the sentence that decides them states the fact in the report's own voice ("Russian forces ..."). The verifier reads
the frame's extra words, a reporting verb and a date the sentence does not repeat, as something the sentence does not
say, which pulls true claims towards neutral and contradiction. On the 193 framed claims among the 654 fit claims the
verifier read the claim against its gold quote right 143 times with the frame left out against 133 with it (17 pairs
only without, 7 only with; 2026-12-06). The frame still counts everywhere else: the claim's dates narrow the search,
and the pairing check and the signals read the whole claim.

Only the library's own voice is left out (ISW, the Institute for the Study of War, an ISW report): "Russian sources
claimed that X" is a different claim from X, and stays whole.
"""

from __future__ import annotations

import re

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# "March 4, 2022", "March 4-5, 2022", "March 2022", "mid-August 2022", "late July", "March 4"
_DATE = (
    rf"(?:(?:early|mid|late)[\s-]*)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:\s*(?:-|–|and)\s*\d{{1,2}})?,?\s+\d{{4}}|{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}|\d{{4}})"
)
_WHEN = rf"(?:\s+(?:on|in|as of)\s+{_DATE})?"
_REPORT = rf"(?:(?:daily\s+)?(?:assessment|report|update|campaign assessment)(?:\s+(?:on|of|from|dated)\s+{_DATE})?)"
_WHO = rf"(?:ISW's\s+(?:{_DATE}\s+)?{_REPORT}|the\s+Institute\s+for\s+the\s+Study\s+of\s+War(?:\s+\(ISW\))?|ISW)"
_VERB = (
    r"(?:reported|reports|assessed|assesses|said|says|wrote|writes|noted|notes|stated|states|observed|observes|"
    r"estimated|estimates|recorded|records|concluded|concludes|found|finds|warned|warns|highlighted|highlights|"
    r"confirmed|confirms|argued|argues)"
)
_LEADS = (
    # "On March 4, 2022, ISW reported that ..."
    re.compile(rf"^(?:on|as of|by)\s+{_DATE},?\s+ISW\s+(?:also\s+)?{_VERB}(?:\s+that)?,?\s+", re.I),
    # "ISW reported on March 4, 2022 that ...", "The Institute for the Study of War assessed that ..."
    re.compile(rf"^{_WHO}\s+(?:also\s+)?{_VERB}{_WHEN}(?:\s+that)?,?\s+", re.I),
    # "According to ISW, ...", "According to ISW's March 16, 2022 report, ..."
    re.compile(rf"^(?:according\s+to|per|as)\s+{_WHO}{_WHEN}(?:\s+{_VERB})?,\s+", re.I),
    # "In its March 16, 2022 assessment, ISW reported that ...", "In ISW's report of May 3, 2022, ..."
    re.compile(
        rf"^in\s+(?:its|ISW's|an?\s+ISW|the)\s+(?:{_DATE}\s+)?{_REPORT},?\s+(?:ISW\s+{_VERB}(?:\s+that)?,?\s+)?", re.I
    ),
)
# "..., ISW reported.", "..., according to ISW's March 16, 2022 assessment."
_TAIL = re.compile(rf",?\s+(?:{_WHO}\s+{_VERB}{_WHEN}|according\s+to\s+{_WHO}{_WHEN})\s*([.!]?)\s*$", re.I)
# What a frame may not leave behind: a bare clause word or a fragment too short to be a fact.
_DANGLING = re.compile(r"^(?:that|it|this|these|which|and|but)\b", re.I)
_MIN_WORDS = 3


def fact_of(claim: str) -> str:
    """``claim`` without a leading or closing frame in the library's own voice, or ``claim`` unchanged where none
    is found or what would remain is no sentence of its own ("ISW said that it could not verify ..." keeps its
    frame: "it" would stand for nothing)."""
    text = claim.strip()
    out = text
    for lead in _LEADS:
        m = lead.match(out)
        if m:
            out = out[m.end() :]
            break
    out = _TAIL.sub(lambda m: m.group(1) or ".", out).strip()
    if out == text:
        return claim
    if len(out.split()) < _MIN_WORDS or _DANGLING.match(out):
        return claim
    if out[-1] not in ".!?":
        out += "."
    return out[0].upper() + out[1:]
