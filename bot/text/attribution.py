"""Who a sentence says made a statement: 'Russian sources claimed', 'ISW assesses', 'Irina Volk ... said'.

Why: a claim that X happened is not supported by a sentence saying that someone *claimed* X. A sentence with no
speaker is in the report's own voice (for an ISW report: ISW's assessment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERBS = (
    r"claimed|claims|claim|alleged|alleges|asserted|asserts|reported|reports|said|says|stated|states|"
    r"announced|announces|accused|accuses|denied|denies|confirmed|confirms|insisted|insists|suggested|"
    r"suggests|warned|warns|argued|argues|told|tells|posted|posts|published|publishes|assessed|assesses|"
    r"believes|believed|estimated|estimates|noted|notes|indicated|indicates|declared|declares|admitted|admits"
)
_LEAD = re.compile(r"^(?:Furthermore|Additionally|However|Meanwhile|Moreover|Separately|Also|Similarly),?\s+", re.I)
_SPEAKER = re.compile(
    rf"^(?P<who>[^.;:]{{2,140}}?)\s+(?:also\s+|reportedly\s+|generally\s+|additionally\s+|"
    rf"previously\s+|repeatedly\s+|falsely\s+|likely\s+)?(?P<verb>{_VERBS})\b"
)
_ACCORDING = re.compile(r"\baccording to (?P<who>[^,.;]{2,100})", re.I)
_SELF = re.compile(r"^(?:ISW|the Institute for the Study of War|we|the Critical Threats Project|ISW and CTP)\b", re.I)
_CLAIM_VERBS = re.compile(rf"\b(?:{_VERBS}|according to|allegedly|reportedly)\b", re.I)


@dataclass(frozen=True)
class Attribution:
    speaker: str
    verb: str
    third_party: bool  # True when someone other than the report's author made the statement


def attribute(sentence: str, report_source: str = "") -> Attribution:
    """The speaker of ``sentence``; the report's own voice (``report_source``) when none is named."""
    body = _LEAD.sub("", sentence.strip())
    m = _SPEAKER.match(body)
    if m and _looks_like_speaker(m.group("who")):
        who = m.group("who").strip(" ,")
        return Attribution(who, m.group("verb"), not _SELF.match(who))
    m = _ACCORDING.search(body)
    if m:
        who = m.group("who").strip()
        return Attribution(who, "according to", not _SELF.match(who))
    return Attribution(report_source or "the report", "", False)


def _looks_like_speaker(who: str) -> bool:
    """A subject phrase, not a clause: short, starts with a capital or 'the', holds no verb-like joiners."""
    words = who.split()
    if not words or len(words) > 14:
        return False
    if not (who[0].isupper() or who.lower().startswith(("the ", "a ", "an ", "several ", "some ", "many "))):
        return False
    return not re.search(r"\b(?:that|which|who|because|after|before|if|when|while)\b", who)


def claim_is_attributed(claim: str) -> bool:
    """True when the claim itself is about what someone said ('Shoigu claimed...', '...according to ISW')."""
    return bool(_CLAIM_VERBS.search(claim))
