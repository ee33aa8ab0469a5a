"""The unit of the library: one dated report with its full text, which every quote is sliced from."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from datetime import date

_ID_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class LoadError(ValueError):
    """A source that could not be read as a report; the message says what and where, for the user."""


@dataclass(frozen=True)
class Report:
    """id, title, ISO date (or None), url, source and text; ``content_hash`` decides whether to re-index."""

    id: str
    title: str
    date: str | None
    url: str
    source: str
    text: str
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def date_int(self) -> int:
        """YYYYMMDD as an int (0 when undated): Chroma range filters take numbers only."""
        return int(self.date.replace("-", "")) if self.date else 0

    @property
    def content_hash(self) -> str:
        h = hashlib.sha1()
        for part in (self.title, self.date or "", self.url, self.source, self.text):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
        return h.hexdigest()

    def to_dict(self) -> dict:
        return asdict(self)


def make_id(*parts: str) -> str:
    """A stable, filesystem- and Chroma-safe id from a name (kept readable) or a hash when there is none."""
    raw = "-".join(p for p in parts if p)
    slug = _ID_SAFE.sub("-", raw).strip("-")[:80]
    return slug or hashlib.sha1(raw.encode()).hexdigest()[:16]


def normalise_date(value: object) -> str | None:
    """Accept 2022-03-09, 2022/03/09, 20220309 or a date; anything else is None (an undated report)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    m = re.match(r"^(\d{4})[-/.]?(\d{2})[-/.]?(\d{2})", text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None
