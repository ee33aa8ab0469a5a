"""The index of a data directory: the catalog (SQLite), the dense side (Chroma) and the keyword side (bm25s), locked
to one process and written only through here so the three stay in step.

With a Chroma server (``chroma_url``) the library is shared by replicas: the reports' rows, texts and a version stamp
live in Chroma beside the passages (``index.shared``), every write goes there first under a per-report lease, and the
data directory holds only what this replica can rebuild from the server: the catalog becomes a mirror of the shared
rows (plus the vector cache), brought up to date by ``sync`` whenever the stamp changes (``follow`` polls it), and the
keyword index follows the mirror. Embedded (no server), nothing is shared and the catalog is the truth.

Why one front: ingest and the bot should not need to know the write order that makes the three parts safe. A report
is marked pending in the catalog before anything of it is written elsewhere and complete only after, so a reader sees
it whole or not at all and ``repair`` can finish what a killed ingest left. The parts themselves live in
``lock``, ``catalog``, ``dense`` and ``keyword_search``; ``Store`` satisfies ``search.PassageSearch``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

import numpy as np

from index.catalog import Catalog, ReportInfo, StoreCorrupt
from index.chunking import Passage
from index.dense import COLLECTION, DenseIndex, open_client, open_collection
from index.keyword_search import KeywordSearch
from index.lock import DataDirInUse, DataDirLock
from index.report import Report
from index.search import PassageInfo
from index.shared import LeaseLost, LeaseTimeout, SharedLibrary, SharedReport

__all__ = ["DataDirInUse", "LeaseLost", "LeaseTimeout", "PassageInfo", "ReportInfo", "Store", "StoreCorrupt"]

log = logging.getLogger("claimcheck.store")


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
            client = open_client(self.data_dir, chroma_url)
            self.dense = DenseIndex(open_collection(client, self.data_dir, chroma_url, collection), self.catalog)
            self.shared = SharedLibrary(client, collection, embedding_model) if chroma_url else None
            # Writes of one report, and syncs, exclude each other within this process (leases do it across replicas).
            self._writing = threading.RLock()
            self.synced_stamp = ""
            self.synced_at = 0.0  # when this replica last knew itself current (a sync, or a poll that found no change)
            self.skipped: list[str] = []  # shared reports the last sync could not mirror (retried by the next)
            self._stop = threading.Event()
            self._follower: threading.Thread | None = None
            if self.shared is not None:
                self._check_shared_model()
                self._adopt_local_library()
                stamp, _ = self._sync_catalog()  # before the keyword index loads: it starts from the shared library
            else:
                stamp = ""
                self.finish_removals()  # before the keyword index loads, so it never holds a half-removed report
            self.keywords = KeywordSearch(self.data_dir / "bm25", self.catalog)
            self.synced_stamp, self.synced_at = stamp, time.time()
            undo.pop_all()

    def close(self) -> None:
        self._stop.set()
        if self._follower is not None:
            self._follower.join(timeout=10)
        with self._writing:  # a sync in flight finishes before the catalog closes
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
        with self._writing:  # never beside a sync changing the catalog it reads
            self.keywords.rebuild()

    def refresh_keyword_index(self) -> None:
        with self._writing:
            self.keywords.refresh()

    # ------------------------------------------------------------------ writes (ingest)
    def stored_hash(self, report_id: str) -> tuple[str, str] | None:
        """(content hash, status) of a report the library knows, shared or local."""
        if self.shared is not None:
            row = self.shared.row(report_id)
            return (row.hash, row.status) if row else None
        return self.catalog.stored_hash(report_id)

    @contextmanager
    def writing(self, report_id: str) -> Iterator[None]:
        """Hold the right to write one report: with a Chroma server the report's lease (taken first, so waiting for
        another replica never blocks this one's syncs), then this process's write lock. On leaving, with a server,
        the library's stamp is moved even when nothing was written (a retry after a failed announcement must still
        announce), and retried, so a write other replicas never hear of can only come from a server that stays
        down; the follower's periodic full comparison catches even that."""
        if self.shared is None:
            with self._writing:
                yield
            return
        with self.shared.lease(report_id), self._writing:
            try:
                yield
            finally:
                self._announce()

    def _announce(self, attempts: int = 5) -> None:
        for attempt in range(attempts):
            try:
                self.shared.bump()
                return
            except Exception:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.2 * 2**attempt)

    def begin_report(self, report: Report) -> None:
        """Mark a report pending and drop its old passages everywhere: from here it is invisible until complete."""
        if self.shared is not None:  # under the report's lease (``writing``); no local lock across network calls
            self.shared.hold(report.id)
            self.shared.put(report, "pending")
            self.dense.delete_report(report.id)
            self.catalog.begin(report)
            return
        with self.catalog.lock:
            # A report the catalog has never seen has nothing in Chroma (vectors are only written after its
            # pending row, and removed before it), so the filtered delete is skipped for it.
            if self.catalog.begin(report):
                self.dense.delete_report(report.id)

    def add_passages(self, report: Report, passages: Sequence[Passage], vectors: np.ndarray) -> None:
        if self.shared is not None:
            self.shared.hold(report.id)
        self.dense.add(report, passages, vectors)

    def complete_report(self, report: Report, passages: Sequence[Passage]) -> None:
        """The commit point of a report: passages recorded, status complete, visible to readers (to other replicas
        once they see the new stamp)."""
        if self.shared is not None:
            self.shared.hold(report.id)  # a writer that lost its lease must not mark its successor's rows complete
            self.shared.put(report, "complete", len(passages))  # announced when ``writing`` ends
        self.catalog.complete(report, passages)

    def delete_report(self, report_id: str) -> bool:
        """Remove a report from all three parts; returns whether the library knew it.

        Order: the catalog marks it ``removing`` (it leaves every search at once, the keyword side included, since
        both filter by the catalog's view), then its Chroma rows go, then its catalog row. A kill after the mark
        leaves a row that the next open (``finish_removals``) or ``repair`` completes; a kill before it leaves the
        report whole. With a Chroma server the shared row is marked first and dropped last, under the report's
        lease, and the stamp tells the other replicas."""
        with self.writing(report_id):
            return self._delete(report_id)

    def _delete(self, report_id: str) -> bool:
        if self.shared is not None:  # under the report's lease; announced when ``writing`` ends
            if self.shared.row(report_id) is None:
                self.catalog.delete(report_id)  # a mirror row the server no longer has
                return False
            self.shared.hold(report_id)
            self.shared.set_status(report_id, "removing")
            self.catalog.mark_removing(report_id)
            self.dense.delete_report(report_id)
            self.shared.drop(report_id)
            self.catalog.delete(report_id)
            return True
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
        return [rid for rid in self._unfinished("removing") if self._finish(rid, "removing")]

    def repair(self) -> list[str]:
        """Finish what a killed ingest or removal left: drop pending reports' passages from Chroma and forget them.

        Returns the ids of the reports that were pending (a re-run ingests them again from their source). With a
        Chroma server only reports whose lease is free are touched: a pending row with a held lease is another
        replica's ingest in progress."""
        self.finish_removals()
        pending = [rid for rid in self._unfinished("pending") if self._finish(rid, "pending")]
        if self.shared is None:
            # Chroma rows whose report is not complete (killed between a delete and a catalog write).
            self.dense.keep_only(self.catalog.report_infos.keys())
        return pending

    def _unfinished(self, status: str) -> list[str]:
        if self.shared is not None:
            return [r.id for r in self.shared.rows().values() if r.status == status]
        return self.catalog.pending_ids() if status == "pending" else self.catalog.removing_ids()

    def _finish(self, report_id: str, status: str) -> bool:
        """Remove a report left ``status`` by a killed writer; False when a live writer holds it (shared only)."""
        if self.shared is None:
            return self._delete(report_id)
        with self.shared.lease(report_id, wait=0) as held:
            if not held:
                return False
            with self._writing:
                row = self.shared.row(report_id)
                done = row is not None and row.status == status and self._delete(report_id)
            if done:
                self._announce()
            return done

    # ------------------------------------------------------------------ replicas (with a Chroma server)
    def sync(self) -> bool:
        """Bring this replica's catalog and keyword index up to the shared library; returns whether they changed.

        The stamp is read before the rows, so a write that lands during a sync changes the stamp again and is picked
        up by the next one. The catalog changes before the keyword index, which only ever lags it (keyword hits are
        filtered by the catalog), so a reply never pairs a newer keyword index with older passages."""
        if self.shared is None:
            return False
        with self._writing:
            stamp, changed = self._sync_catalog()
            if changed:
                self.refresh_keyword_index()
            self.synced_stamp, self.synced_at = stamp, time.time()  # current only once the keyword index is
            return changed

    def _sync_catalog(self) -> tuple[str, bool]:
        """Mirror the shared rows into the catalog; returns the stamp they are as of, and whether anything changed."""
        stamp = self.shared.stamp()
        rows = self.shared.rows()
        self.skipped = []
        mirrored = self.catalog.report_hashes()
        complete = {rid: row for rid, row in rows.items() if row.status == "complete"}
        gone = [rid for rid in mirrored if rid not in complete]
        for rid in gone:
            self.catalog.delete(rid)
        fresh = [row for rid, row in complete.items() if mirrored.get(rid) != row.hash]
        copied = 0
        for s in range(0, len(fresh), 50):
            copied += self._copy(fresh[s : s + 50])
        if gone or copied:
            log.info("synced the shared library: %d reports removed, %d copied", len(gone), copied)
        return stamp, bool(gone or copied)

    def _copy(self, rows: list[SharedReport]) -> int:
        """Mirror complete shared reports into the catalog, with their vectors in the local cache. A report whose
        rows do not match its row's passage count is being rewritten (or was left broken): skipped and listed in
        ``skipped``; the next sync tries it again."""
        texts = self.shared.texts([r.id for r in rows])
        copied = 0
        for row in rows:
            text = texts.get(row.id)
            report = Report(row.id, row.title, row.date, row.url, row.source, text or "")
            passages = [_passage(pid, row.id, report.text) for pid in self.dense.ids_of(row.id)] if text else []
            if text is None or len(passages) != row.n_passages or report.content_hash != row.hash or None in passages:
                self.skipped.append(row.id)
                continue
            passages.sort(key=lambda p: p.start)
            cached = self.catalog.cached_vectors({p.content_hash for p in passages})
            lacking = [p for p in passages if p.content_hash not in cached]
            if lacking:
                vectors = self.dense.vectors([p.id for p in lacking])
                self.catalog.cache_vectors((p.content_hash, vectors[p.id]) for p in lacking if p.id in vectors)
            self.catalog.begin(report)
            self.catalog.complete(report, passages)
            copied += 1
        return copied

    def is_current(self) -> bool:
        """Whether this replica has synced the library's latest stamp (always, without a server)."""
        if self.shared is None or self.shared.stamp() == self.synced_stamp:
            self.synced_at = time.time()
            return True
        return False

    def behind_seconds(self) -> float:
        """0 when current; else how long since this replica last knew itself current. A replica catching up with a
        stream of writes stays within a sync interval or two; one whose follower is stuck or cut off keeps growing."""
        return 0.0 if self.is_current() else max(0.0, time.time() - self.synced_at)

    def follow(self, every: float = 2.0, full_every: int = 30) -> None:
        """Poll the shared stamp every ``every`` seconds in a daemon thread and sync when it moves (no-op embedded);
        every ``full_every`` polls, sync whatever the stamp says (a write whose announcement was lost, a report a
        sync skipped).

        A write through another replica is therefore seen here within ``every`` seconds plus one sync (docs)."""
        if self.shared is None or self._follower is not None:
            return

        def loop() -> None:
            ticks = 0
            while not self._stop.wait(every):
                ticks += 1
                try:
                    if not self.is_current() or ticks % full_every == 0 or self.skipped:
                        self.sync()
                except Exception:  # a server blip: keep serving what we have, try again next round
                    log.warning("could not sync with the shared library", exc_info=True)

        self._follower = threading.Thread(target=loop, name="library-follower", daemon=True)
        self._follower.start()

    def _check_shared_model(self) -> None:
        recorded = self.shared.library().get("embedding_model")
        if recorded and recorded != self.embedding_model:
            raise StoreCorrupt(
                f"the shared library was built with embedding model {recorded!r}, not {self.embedding_model!r}; "
                "use another collection or re-ingest into an empty one."
            )

    def _adopt_local_library(self) -> None:
        """A catalog built against this server before libraries were shared: publish its complete reports as shared
        rows once (those whose passages are all on this server), so the first sync does not drop them. Reports of a
        folder built without a server are not on it: the first sync drops them from the mirror, and ingesting their
        sources again puts them on the server."""
        if self.shared.stamp() or self.shared.rows() or not self.catalog.report_infos:
            return
        adopted = 0
        for info in self.catalog.reports():
            if len(self.dense.ids_of(info.id)) != info.n_passages:  # built embedded, or half gone: not on this server
                continue
            report = Report(info.id, info.title, info.date, info.url, info.source, self.catalog.report_text(info.id))
            self.shared.put(report, "complete", info.n_passages)
            adopted += 1
        if adopted:
            self.shared.bump()

    def cached_vectors(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        return self.catalog.cached_vectors(hashes)

    def cache_vectors(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        self.catalog.cache_vectors(items)


def _passage(passage_id: str, report_id: str, text: str) -> Passage | None:
    """A passage rebuilt from its id (``<report>:<start>-<end>``, see ``chunking.chunk``) and its report's text."""
    head, _, span = passage_id.rpartition(":")
    start, _, end = span.partition("-")
    if head != report_id or not (start.isdigit() and end.isdigit()):
        return None
    a, b = int(start), int(end)
    return Passage(passage_id, report_id, a, b, text[a:b])
