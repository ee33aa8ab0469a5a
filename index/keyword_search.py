"""The keyword side of the library: the saved ``KeywordIndex`` kept in step with the catalog, and searched.

Why a class of its own: ``keywords.KeywordIndex`` is a plain index (main + delta) that knows nothing of reports'
status; this decides what goes into it (passages of complete reports only), when (on open, and after an ingest),
and how (a delta of new and changed reports, or a full rebuild when the delta outgrows ``keywords.DELTA_SHARE``),
and filters its hits by the catalog's view and the date filter.
"""

from __future__ import annotations

from pathlib import Path

from index.catalog import Catalog
from index.keywords import KeywordIndex
from index.search import in_range


class KeywordSearch:
    """Loaded from ``folder`` (or rebuilt when missing, unreadable or of an older layout) and brought up to date with
    the catalog on construction.

    ``index`` (main index, ids and delta) is replaced as one object, so a reader never pairs a new index with old ids.
    """

    def __init__(self, folder: Path, catalog: Catalog) -> None:
        self.folder = folder
        self._catalog = catalog
        self.index: KeywordIndex
        loaded = KeywordIndex.load(folder)
        if loaded is None:
            self.rebuild()
        else:
            self.index = loaded
            self.refresh()

    def rebuild(self) -> None:
        """Re-index keywords from all complete passages (bm25s has no incremental update: ~1 min at 145k)."""
        reports = self._catalog.report_hashes()
        ids = sorted(self._catalog.passages)
        texts = self._catalog.passage_texts(ids)
        index = KeywordIndex.build(ids, [texts[i] for i in ids], reports)
        index.save(self.folder)
        self.index = index

    def refresh(self) -> None:
        """Bring keywords up to date after an ingest: passages of new or changed reports go to the delta (fast), and
        the whole index is rebuilt only when the delta outgrows ``keywords.DELTA_SHARE`` of it."""
        main = self.index
        current = self._catalog.report_hashes()
        changed = {rid for rid, digest in current.items() if main.reports.get(rid) != digest}
        gone = changed | (set(main.reports) - set(current))
        delta = sorted(pid for rid in changed for pid in self._catalog.passage_ids_of(rid))
        stale = frozenset(pid for pid in main.ids if pid.rpartition(":")[0] in gone) if gone else frozenset()
        if main.needs_rebuild(delta=len(delta), stale=len(stale)):
            self.rebuild()
            return
        texts = self._catalog.passage_texts(delta)
        self.index = main.with_delta(delta, [texts[i] for i in delta], stale)

    def ids(self) -> list[str]:
        """The passages keyword search can return (indexed and still in the library)."""
        index, passages = self.index, self._catalog.passages
        return [i for i in index.ids if i in passages and i not in index.stale] + [
            i for i in index.delta_ids if i in passages
        ]

    def search(self, query: str, k: int, date_from: int = 0, date_to: int = 0) -> list[tuple[str, float]]:
        """The ``k`` best passages with a positive score, within the date filter."""
        index, passages = self.index, self._catalog.passages
        indexed = len(index.ids) + len(index.delta_ids)
        if not indexed:
            return []
        removed = indexed - len(passages)  # still indexed, no longer here
        n = min(indexed, k * (4 if (date_from or date_to) else 1) + max(0, removed) + len(index.stale))
        out = []
        for pid, score in index.search(query, n):
            info = passages.get(pid)
            if info is None or score <= 0 or not in_range(info.date_int, date_from, date_to):
                continue
            out.append((pid, float(score)))
            if len(out) >= k:
                break
        return out
