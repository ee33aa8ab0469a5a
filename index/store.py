"""The index of a data directory: the catalog (SQLite), the dense side (Chroma) and the keyword side (bm25s), locked
to one process and written only through here so the three stay in step.

Why one front: ingest and the bot should not need to know the write order that makes the three parts safe. A report
is marked pending in the catalog before anything of it is written elsewhere and complete only after, so a reader sees
it whole or not at all and ``repair`` can finish what a killed ingest left. The parts themselves live in
``lock``, ``catalog``, ``dense`` and ``keyword_search``; ``Store`` satisfies ``search.PassageSearch``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from index.catalog import Catalog, ReportInfo, StoreCorrupt
from index.chunking import Passage
from index.dense import COLLECTION, DenseIndex, open_collection
from index.keyword_search import KeywordSearch
from index.lock import DataDirInUse, DataDirLock
from index.report import Report
from index.search import PassageInfo

__all__ = ["DataDirInUse", "PassageInfo", "ReportInfo", "Store", "StoreCorrupt"]


class Store:
    """Open (and lock) a data directory; every write goes through here so the three parts stay in step.

    ``catalog``, ``dense`` and ``keywords`` are the parts, public for checks that look inside one of them."""

    def __init__(
        self,
        data_dir: Path | str,
        chroma_url: str = "",
        embedding_model: str = "all-MiniLM-L6-v2",
        collection: str = COLLECTION,
    ) -> None:
        self.data_dir = Path(data_dir).expanduser()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.embedding_model = embedding_model
        with ExitStack() as undo:  # a failed open releases what it took, the lock last
            self._lock = DataDirLock(self.data_dir)
            undo.callback(self._lock.release)
            self.catalog = Catalog(self.data_dir, embedding_model)
            undo.callback(self.catalog.close)
            self.dense = DenseIndex(open_collection(self.data_dir, chroma_url, collection), self.catalog)
            self.finish_removals()  # before the keyword index loads, so it never holds a half-removed report
            self.keywords = KeywordSearch(self.data_dir / "bm25", self.catalog)
            undo.pop_all()

    def close(self) -> None:
        self.catalog.close()
        self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reads
    def reports(self) -> list[ReportInfo]:
        return self.catalog.reports()

    def report_info(self, report_id: str) -> ReportInfo | None:
        return self.catalog.report_infos.get(report_id)

    def passage_info(self, passage_id: str) -> PassageInfo | None:
        return self.catalog.passages.get(passage_id)

    def report_text(self, report_id: str) -> str:
        return self.catalog.report_text(report_id)

    def passage_texts(self, ids: Sequence[str]) -> dict[str, str]:
        return self.catalog.passage_texts(ids)

    def counts(self) -> dict[str, int]:
        return {
            "reports": len(self.catalog.report_infos),
            "passages": len(self.catalog.passages),
            "chroma": self.dense.count(),
            "keyword": len(self.keyword_ids()),
        }

    # ------------------------------------------------------------------ search (search.PassageSearch)
    def dense_search(self, vector: np.ndarray, k: int, date_from: int = 0, date_to: int = 0) -> list[tuple[str, float]]:
        return self.dense.search(vector, k, date_from, date_to)

    def keyword_search(self, query: str, k: int, date_from: int = 0, date_to: int = 0) -> list[tuple[str, float]]:
        return self.keywords.search(query, k, date_from, date_to)

    def keyword_ids(self) -> list[str]:
        return self.keywords.ids()

    def rebuild_keyword_index(self) -> None:
        self.keywords.rebuild()

    def refresh_keyword_index(self) -> None:
        self.keywords.refresh()

    # ------------------------------------------------------------------ writes (ingest)
    def stored_hash(self, report_id: str) -> tuple[str, str] | None:
        return self.catalog.stored_hash(report_id)

    def begin_report(self, report: Report) -> None:
        """Mark a report pending and drop its old passages everywhere: from here it is invisible until complete."""
        with self.catalog.lock:
            # A report the catalog has never seen has nothing in Chroma (vectors are only written after its
            # pending row, and removed before it), so the filtered delete is skipped for it.
            if self.catalog.begin(report):
                self.dense.delete_report(report.id)

    def add_passages(self, report: Report, passages: Sequence[Passage], vectors: np.ndarray) -> None:
        self.dense.add(report, passages, vectors)

    def complete_report(self, report: Report, passages: Sequence[Passage]) -> None:
        """The commit point of a report: passages recorded, status complete, visible to readers."""
        self.catalog.complete(report, passages)

    def delete_report(self, report_id: str) -> bool:
        """Remove a report from all three parts; returns whether the library knew it.

        Order: the catalog marks it ``removing`` (it leaves every search at once, the keyword side included, since
        both filter by the catalog's view), then its Chroma rows go, then its catalog row. A kill after the mark
        leaves a row that the next open (``finish_removals``) or ``repair`` completes; a kill before it leaves the
        report whole."""
        with self.catalog.lock:
            if not self.catalog.mark_removing(report_id):
                return False
            self.dense.delete_report(report_id)
            self.catalog.delete(report_id)
        return True

    def remove_reports(self, report_ids: Iterable[str]) -> tuple[list[str], list[str]]:
        """Remove reports by id and bring the keyword index up to date; returns (removed, unknown)."""
        removed, unknown = [], []
        for rid in report_ids:
            (removed if self.delete_report(rid) else unknown).append(rid)
        if removed:
            self.refresh_keyword_index()
        return removed, unknown

    def finish_removals(self) -> list[str]:
        """Complete removals a kill interrupted (reports marked ``removing``); returns their ids."""
        removing = self.catalog.removing_ids()
        for rid in removing:
            self.delete_report(rid)
        return removing

    def repair(self) -> list[str]:
        """Finish what a killed ingest or removal left: drop pending reports' passages from Chroma and forget them.

        Returns the ids of the reports that were pending (a re-run ingests them again from their source).
        """
        self.finish_removals()
        pending = self.catalog.pending_ids()
        for rid in pending:
            self.delete_report(rid)
        # Chroma rows whose report is not complete (killed between a delete and a catalog write).
        self.dense.keep_only(self.catalog.report_infos.keys())
        return pending

    def cached_vectors(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        return self.catalog.cached_vectors(hashes)

    def cache_vectors(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        self.catalog.cache_vectors(items)
