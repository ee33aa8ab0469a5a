"""Hybrid retrieval logic over a fake index: the claim's own period is searched on its own as well. Retrieval needs
only ``index.search.PassageSearch``, which the fake satisfies as ``Store`` does."""

from __future__ import annotations

import numpy as np

from bot.steps.search import _window, retrieve
from bot.trace import Query
from index.search import PassageInfo
from tests.helpers import assert_satisfies_passage_search


class FakePassageSearch:
    """A fake index: one passage a day on the same topic; every search ranks the newest passages in range first.

    So a library-wide search never reaches an early day, as with a topic the reports cover daily. Records the date
    ranges searched."""

    def __init__(self, days: int = 60) -> None:
        self.passages = {f"p{d:02d}": PassageInfo(f"p{d:02d}", f"r{d:02d}", 0, 10, 20220501 + d) for d in range(days)}
        self.searched: list[tuple[str, int, int]] = []

    def _ranked(self, k: int, date_from: int, date_to: int) -> list[tuple[str, float]]:
        ok = [p for p in self.passages.values() if p.date_int >= date_from and (not date_to or p.date_int <= date_to)]
        ok.sort(key=lambda p: -p.date_int)
        return [(p.id, 1.0 - i / 100) for i, p in enumerate(ok[:k])]

    def dense_search(self, vector: np.ndarray, k: int, date_from: int = 0, date_to: int = 0) -> list[tuple[str, float]]:
        self.searched.append(("dense", date_from, date_to))
        return self._ranked(k, date_from, date_to)

    def keyword_search(self, query: str, k: int, date_from: int = 0, date_to: int = 0) -> list[tuple[str, float]]:
        self.searched.append(("keyword", date_from, date_to))
        return self._ranked(k, date_from, date_to)

    def passage_info(self, passage_id: str) -> PassageInfo | None:
        return self.passages.get(passage_id)


def test_the_fake_satisfies_the_search_protocol_and_retrieval_runs_over_it():
    search = FakePassageSearch()
    assert_satisfies_passage_search(search)
    hits = retrieve(search, Query("assaults near the town", top_k=3, candidates=5), np.zeros(4))
    assert [h.passage_id for h in hits] == ["p59", "p58", "p57"]
    assert [(h.report_id, h.date_int) for h in hits] == [("r59", 20220560), ("r58", 20220559), ("r57", 20220558)]


def test_the_period_a_claim_names_is_searched_on_its_own():
    search = FakePassageSearch()
    # A claim about May 3: reports from May 3 on may speak to it, those of May 3-5 are preferred.
    query = Query(
        "assaults near the town on May 3", date_from=20220503, prefer=(20220503, 20220505), top_k=5, candidates=10
    )
    hits = retrieve(search, query, np.zeros(4))
    assert ("dense", 20220503, 20220505) in search.searched and ("keyword", 20220503, 20220505) in search.searched
    assert "r02" in {h.report_id for h in hits}  # May 3: out of reach of the library-wide top 10
    assert all(h.date_int >= 20220503 for h in hits)


def test_no_extra_search_without_a_period_or_when_it_is_the_whole_filter():
    search = FakePassageSearch()
    retrieve(search, Query("assaults near the town", top_k=5, candidates=10), np.zeros(4))
    assert len(search.searched) == 2
    search.searched.clear()
    retrieve(
        search,
        Query("x", date_from=20220503, date_to=20220513, prefer=(20220503, 20220513), candidates=10),
        np.zeros(4),
    )
    assert len(search.searched) == 2


def test_window_is_clipped_to_the_filters():
    assert _window(Query("x")) is None
    assert _window(Query("x", date_from=20220510, prefer=(20220501, 20220520))) == (20220510, 20220520)
    assert _window(Query("x", date_to=20220505, prefer=(20220501, 20220520))) == (20220501, 20220505)
    assert _window(Query("x", date_from=20220601, prefer=(20220501, 20220520))) is None  # outside the filter
