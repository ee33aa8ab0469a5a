"""Follow-ups in a conversation: "and as of June 2022?" or "what about July?" re-check the previous claim at a date.

Why in the engine, not the chat: the API and the widget carry the previous claim too (``previous_claim``), so a
follow-up means the same whichever way it is typed.
"""

from __future__ import annotations

import re
from datetime import date

from bot.text.claim_dates import parse_claim_dates
from bot.text.lexicon import MONTH_PATTERN

_FOLLOW_UP = re.compile(r"^\s*(?:and|what about|how about|but)\b.*|^\s*as of\b.*", re.I)
_MONTH_ONLY = re.compile(rf"\b({MONTH_PATTERN})\b(?!\s+\d)", re.I)
MAX_FOLLOW_UP_WORDS = 12


def is_follow_up(message: str) -> bool:
    """Reads like a follow-up ("and …", "what about …", "as of …") and is short."""
    return bool(_FOLLOW_UP.match(message)) and len(message.split()) <= MAX_FOLLOW_UP_WORDS


def resolve_follow_up(message: str, last_claim: str | None) -> tuple[str, date | None]:
    """('and as of June 2022?', 'X') -> ('X', 2022-06-30); anything else passes through as a new claim."""
    if not last_claim or not is_follow_up(message):
        return message, None
    text = message.rstrip("?")
    dates = parse_claim_dates(text if "as of" in text.lower() else f"as of {text}")
    if dates.as_of:
        return last_claim, dates.as_of
    if dates.window:
        return last_claim, dates.window[1]
    m = _MONTH_ONLY.search(text)
    prev = parse_claim_dates(last_claim).window
    if m and prev:
        end = parse_claim_dates(f"in {m.group(1)} {prev[0].year}").window
        return last_claim, end[1] if end else None
    return message, None
