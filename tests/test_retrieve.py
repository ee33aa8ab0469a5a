"""Hybrid retrieval logic over a fake store: the claim's own period is searched on its own as well."""

from __future__ import annotations

import numpy as np

from bot.retrieve import Query, _window, retrieve
from index.store import PassageInfo


class FakeStore:
    """A fake store: one passage a day on the same topic; every search ranks the newest passages in range first.

    So a library-wide search never reaches an early day, as with a topic the reports cover daily. Records the date
    ranges searched."""

    def __init__(self, days: int = 60) -> None:
        self.passages = {f"p{d:02d}": PassageInfo(f"p{d:02d}", f"r{d:02d}", 0, 10, 20220501 + d) for d in range(days)}
        self.searched: list[tuple[str, int, int]] = []

    def _ranked(self, k: int, date_from: int, date_to: int) -> list[tuple[str, float]]:
        ok = [p for p in self.passages.values() if p.date_int >= date_from and (not date_to or p.date_int <= date_to)]
        ok.sort(key=lambda p: -p.date_int)
        return [(p.id, 1.0 - i / 100) for i, p in enumerate(ok[:k])]

    def dense_search(self, vector, k: int, date_from: int = 0, date_to: int = 0) -> list[tuple[str, float]]:
        self.searched.append(("dense", date_from, date_to))
        return self._ranked(k, date_from, date_to)

    def keyword_search(self, query: str, k: int, date_from: int = 0, date_to: int = 0) -> list[tuple[str, float]]:
        self.searched.append(("keyword", date_from, date_to))
        return self._ranked(k, date_from, date_to)

    def passage_info(self, passage_id: str) -> PassageInfo | None:
        return self.passages.get(passage_id)


def test_the_period_a_claim_names_is_searched_on_its_own():
    store = FakeStore()
    # A claim about May 3: reports from May 3 on may speak to it, those of May 3-5 are preferred.
    query = Query(
        "assaults near the town on May 3", date_from=20220503, prefer=(20220503, 20220505), top_k=5, candidates=10
    )
    hits = retrieve(store, query, np.zeros(4))
    assert ("dense", 20220503, 20220505) in store.searched and ("keyword", 20220503, 20220505) in store.searched
    assert "r02" in {h.report_id for h in hits}  # May 3: out of reach of the library-wide top 10
    assert all(h.date_int >= 20220503 for h in hits)


def test_no_extra_search_without_a_period_or_when_it_is_the_whole_filter():
    store = FakeStore()
    retrieve(store, Query("assaults near the town", top_k=5, candidates=10), np.zeros(4))
    assert len(store.searched) == 2
    store.searched.clear()
    retrieve(
        store, Query("x", date_from=20220503, date_to=20220513, prefer=(20220503, 20220513), candidates=10), np.zeros(4)
    )
    assert len(store.searched) == 2


def test_window_is_clipped_to_the_filters():
    assert _window(Query("x")) is None
    assert _window(Query("x", date_from=20220510, prefer=(20220501, 20220520))) == (20220510, 20220520)
    assert _window(Query("x", date_to=20220505, prefer=(20220501, 20220520))) == (20220501, 20220505)
    assert _window(Query("x", date_from=20220601, prefer=(20220501, 20220520))) is None  # outside the filter
