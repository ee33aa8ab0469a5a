"""What a user asks: one claim (or question) and its optional date filters, validated once for every door.

Why one model: the API body, the CLI options, the chat's fields and the engine all take the same five inputs, and a
problem with any of them must read the same wherever it was typed (a 422 over HTTP, exit code 2 on the CLI, a message
in the chat). Every refusal is an ``InputError`` whose text is shown to the user as is.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from bot.text.language import looks_english, script_of

DEFAULT_MAX_CLAIM_CHARS = 1000
TOP_K_MAX = 50


class InputError(ValueError):
    """A request the user must fix (empty claim, bad date...): shown as is, mapped to HTTP 422 / exit code 2."""


class CheckRequest(BaseModel):
    """A validated request; build it with ``CheckRequest.of(...)`` so every problem becomes an ``InputError``."""

    model_config = ConfigDict(frozen=True)

    claim: str = Field(
        description="the claim to check, or a question",
        examples=["ISW assessed that Islamic State was most likely behind the Crocus City Hall attack"],
    )
    as_of: date | None = Field(None, description="only evidence dated on or before this day (YYYY-MM-DD)")
    date_from: date | None = Field(None, description="only evidence dated on or after this day (YYYY-MM-DD)")
    date_to: date | None = Field(None, description="only evidence dated on or before this day (YYYY-MM-DD)")
    top_k: int | None = Field(None, ge=1, le=TOP_K_MAX, description=f"passages to weigh, 1-{TOP_K_MAX}")
    previous_claim: str | None = Field(
        None, description="the claim checked just before, so a follow-up ('and as of June 2022?') re-checks it"
    )

    @classmethod
    def of(
        cls,
        claim: object,
        as_of: object = None,
        date_from: object = None,
        date_to: object = None,
        top_k: object = None,
        previous_claim: object = None,
        max_claim_chars: int = DEFAULT_MAX_CLAIM_CHARS,
    ) -> CheckRequest:
        """Validate everything a user can type; every problem is an ``InputError`` with a message to show."""
        req = cls.model_construct(
            claim=clean_claim(claim, max_claim_chars),
            as_of=parse_date(as_of, "as_of"),
            date_from=parse_date(date_from, "date_from"),
            date_to=parse_date(date_to, "date_to"),
            top_k=_top_k(top_k),
            previous_claim=clean_claim(previous_claim, max_claim_chars) if previous_claim else None,
        )
        if req.date_from and req.date_to and req.date_from > req.date_to:
            raise InputError("date_from is after date_to")
        return req

    def with_claim(self, claim: str, max_claim_chars: int = DEFAULT_MAX_CLAIM_CHARS) -> CheckRequest:
        """The same filters over another claim (a part of a compound claim, a resolved follow-up)."""
        return self.model_copy(update={"claim": clean_claim(claim, max_claim_chars)})


def parse_date(value: object, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"{name}: {value!r} is not a date; use YYYY-MM-DD") from None


def clean_claim(text: object, max_chars: int = DEFAULT_MAX_CLAIM_CHARS) -> str:
    """NFC, control characters to spaces, runs of whitespace to one; refused when empty, wordless or too long."""
    if not isinstance(text, str):
        raise InputError("claim: must be text")
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise InputError("claim: empty; type a claim to check or a question")
    if len(text) > max_chars:
        raise InputError(
            f"claim: {len(text):,} characters is over the limit of {max_chars:,}; check one claim at a time"
        )
    if not re.search(r"\w", text):
        raise InputError("claim: has no words to search for")
    if not looks_english(text):
        script = script_of(text)
        seen = f" (it is written in {script.title()} script)" if script != "LATIN" else ""
        raise InputError(
            f"claim: claimcheck reads English only{seen}; the library and its models are English, so please "
            "check the claim in English"
        )
    return text


def _top_k(value: object) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise InputError(f"top_k: {value!r} is not a whole number")
    try:
        k = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise InputError(f"top_k: {value!r} is not a whole number") from None
    if not 1 <= k <= TOP_K_MAX:
        raise InputError(f"top_k: must be between 1 and {TOP_K_MAX}")
    return k
