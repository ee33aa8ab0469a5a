"""What retrieval needs from an index, and nothing more: two ranked searches within date filters and a passage's
whereabouts.

Why a protocol: retrieval (fusion, date preference, diversity) is logic over ranked ids, and depends on neither
Chroma, bm25s nor SQLite; naming the three calls it makes lets it run over ``Store`` or over a fake in tests, and keeps
what a new backend must offer visible in one place.

Date filters are YYYYMMDD integers, 0 for no bound; a passage of an undated report never passes a filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class PassageInfo:
    """What retrieval needs to know about a passage without touching Chroma or the report text."""

    id: str
    report_id: str
    start: int
    end: int
    date_int: int


@runtime_checkable
class PassageSearch(Protocol):
    """Ranked passage ids (best first, with their scores) for a query vector or a query text, and their metadata."""

    def dense_search(self, vector: np.ndarray, k: int, date_from: int = 0, date_to: int = 0) -> list[tuple[str, float]]:
        """The ``k`` passages nearest to ``vector`` (cosine similarity) within the date filter."""
        ...

    def keyword_search(self, query: str, k: int, date_from: int = 0, date_to: int = 0) -> list[tuple[str, float]]:
        """The ``k`` passages with the best positive BM25 scores for ``query`` within the date filter."""
        ...

    def passage_info(self, passage_id: str) -> PassageInfo | None:
        """The passage's report, offsets and date; None once it has left the library."""
        ...


def in_range(date_int: int, date_from: int, date_to: int) -> bool:
    """Whether a passage dated ``date_int`` (0: undated) passes the filter ``date_from``..``date_to`` (0: open)."""
    if (date_from or date_to) and not date_int:
        return False  # an undated report cannot satisfy a date filter
    return (not date_from or date_int >= date_from) and (not date_to or date_int <= date_to)
