"""The catalog: a SQLite file that is the source of truth for which reports are *complete*, and what is in them.

Why: Chroma and bm25s hold passages but cannot say whether a report was written whole. Each report goes pending ->
complete in one transaction at each end, so a reader sees a report whole or not at all and a killed ingest leaves
nothing a re-run cannot repair. The catalog also keeps each report's text once (passages are offsets into it), and
caches vectors by content hash and model so unchanged text is never embedded twice. Complete reports and their
passages are mirrored in memory, so retrieval never waits on SQLite.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.chunking import Passage
from index.report import Report
from index.search import PassageInfo

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
  id TEXT PRIMARY KEY, hash TEXT NOT NULL, status TEXT NOT NULL, title TEXT, date TEXT, date_int INTEGER,
  url TEXT, source TEXT, text TEXT NOT NULL, n_passages INTEGER DEFAULT 0, updated REAL DEFAULT (julianday('now')));
CREATE TABLE IF NOT EXISTS passages (
  id TEXT PRIMARY KEY, report_id TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS passages_report ON passages(report_id);
CREATE TABLE IF NOT EXISTS embeddings (hash TEXT NOT NULL, model TEXT NOT NULL, vec BLOB NOT NULL,
  PRIMARY KEY (hash, model));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


class StoreCorrupt(RuntimeError):
    """The data directory cannot be read; the message names it and how to rebuild."""


@dataclass(frozen=True)
class ReportInfo:
    """A complete report as listed to users (its text stays in the catalog until asked for)."""

    id: str
    title: str
    date: str | None
    url: str
    source: str
    n_passages: int


class Catalog:
    """``catalog.sqlite3`` in a data directory, for the embedding model it was built with.

    One connection serves readers and the ingest writer thread; ``lock`` serialises its use, and a caller holds it
    to make a catalog write and its Chroma counterpart one step.
    """

    def __init__(self, data_dir: Path, embedding_model: str) -> None:
        self.data_dir = data_dir
        self.embedding_model = embedding_model
        self.lock = threading.RLock()
        try:
            self._db = _connect(data_dir / "catalog.sqlite3")
        except sqlite3.DatabaseError as exc:
            raise StoreCorrupt(
                f"{data_dir}: the catalog is unreadable ({exc}). Move the folder away (or delete "
                "it) and run `claimcheck ingest` again to rebuild."
            ) from None
        try:
            self._check_model()
        except StoreCorrupt:
            self.close()
            raise
        self._reports: dict[str, ReportInfo] = {}
        self._passages: dict[str, PassageInfo] = {}
        # report id -> its passage ids, so replacing or deleting one report never scans the whole library
        # (a scan per report made a large ingest quadratic: ~50 ms a report at 435k passages).
        self._by_report: dict[str, list[str]] = {}
        self._load_views()

    def _check_model(self) -> None:
        """Vectors of two models cannot share an index: the first model recorded is the only one accepted."""
        row = self._db.execute("SELECT value FROM meta WHERE key='embedding_model'").fetchone()
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('embedding_model', ?)", (self.embedding_model,))
        elif row[0] != self.embedding_model:
            raise StoreCorrupt(
                f"{self.data_dir} was built with embedding model {row[0]!r}, not "
                f"{self.embedding_model!r}; use a new --data-dir or re-ingest into an empty one."
            )

    def _load_views(self) -> None:
        """Mirror complete reports and their passages in memory (passages of pending reports stay invisible)."""
        reports = {}
        for rid, title, date, url, source, n in self._db.execute(
            "SELECT id, title, date, url, source, n_passages FROM reports WHERE status='complete'"
        ):
            reports[rid] = ReportInfo(rid, title or "", date, url or "", source or "", n)
        passages: dict[str, PassageInfo] = {}
        by_report: dict[str, list[str]] = {}
        dates = {rid: int(r.date.replace("-", "")) if r.date else 0 for rid, r in reports.items()}
        for pid, rid, start, end in self._db.execute("SELECT id, report_id, start, end FROM passages"):
            if rid in reports:
                passages[pid] = PassageInfo(pid, rid, start, end, dates[rid])
                by_report.setdefault(rid, []).append(pid)
        self._reports, self._passages, self._by_report = reports, passages, by_report

    def close(self) -> None:
        """Close the connection (a second call does nothing)."""
        self._db.close()

    # ------------------------------------------------------------------ reads
    @property
    def report_infos(self) -> Mapping[str, ReportInfo]:
        """Complete reports by id."""
        return self._reports

    @property
    def passages(self) -> Mapping[str, PassageInfo]:
        """Passages of complete reports by id: what searches may return."""
        return self._passages

    def reports(self) -> list[ReportInfo]:
        """Complete reports, oldest first (undated ones first of all), then by id."""
        return sorted(self._reports.values(), key=lambda r: (r.date or "", r.id))

    def passage_ids_of(self, report_id: str) -> list[str]:
        """The passage ids of a complete report ([] for any other)."""
        return self._by_report.get(report_id, [])

    def report_text(self, report_id: str) -> str:
        with self.lock:  # readers share the connection with writers: never inside their transaction
            row = self._db.execute("SELECT text FROM reports WHERE id=?", (report_id,)).fetchone()
        return row[0] if row else ""

    def passage_texts(self, ids: Sequence[str]) -> dict[str, str]:
        """Passage texts sliced from their reports (the catalog stores each report's text once)."""
        by_report: dict[str, list[PassageInfo]] = {}
        for pid in ids:
            info = self._passages.get(pid)
            if info:
                by_report.setdefault(info.report_id, []).append(info)
        out = {}
        for rid, infos in by_report.items():
            text = self.report_text(rid)
            for p in infos:
                out[p.id] = text[p.start : p.end]
        return out

    def report_hashes(self) -> dict[str, str]:
        """Content hash of every complete report, by id (what the keyword index compares itself with)."""
        with self.lock:
            return dict(self._db.execute("SELECT id, hash FROM reports WHERE status='complete'").fetchall())

    def stored_hash(self, report_id: str) -> tuple[str, str] | None:
        """(content hash, status) of a report the catalog knows, pending or complete."""
        with self.lock:
            row = self._db.execute("SELECT hash, status FROM reports WHERE id=?", (report_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def pending_ids(self) -> list[str]:
        """Reports an ingest began and never completed."""
        with self.lock:
            return [r[0] for r in self._db.execute("SELECT id FROM reports WHERE status='pending'")]

    def removing_ids(self) -> list[str]:
        """Reports a removal marked and never finished (a kill between its steps)."""
        with self.lock:
            return [r[0] for r in self._db.execute("SELECT id FROM reports WHERE status='removing'")]

    def vectors_in_range(self, date_from: int, date_to: int, limit: int) -> list[tuple[str, bytes | None]]:
        """(passage id, cached vector or None) of complete reports dated within the filter, at most ``limit`` + 1
        rows (so a caller can tell "more than ``limit``" apart)."""
        with self.lock:  # readers share the connection with writers: never inside their transaction
            return self._db.execute(
                "SELECT p.id, e.vec FROM reports r JOIN passages p ON p.report_id = r.id "
                "LEFT JOIN embeddings e ON e.hash = p.hash AND e.model = ? "
                "WHERE r.status = 'complete' AND r.date_int >= ? AND r.date_int <= ? LIMIT ?",
                (self.embedding_model, max(1, date_from), date_to or 99_991_231, limit + 1),
            ).fetchall()

    # ------------------------------------------------------------------ writes
    def begin(self, report: Report) -> bool:
        """Mark a report pending and drop its old passages, here and from the views: from here it is invisible
        until ``complete``. Returns whether the catalog knew the report before."""
        with self.lock:
            known = self.stored_hash(report.id) is not None
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM passages WHERE report_id=?", (report.id,))
            self._db.execute(
                "INSERT INTO reports (id, hash, status, title, date, date_int, url, source, text) "
                "VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET hash=excluded.hash, "
                "status='pending', title=excluded.title, date=excluded.date, date_int=excluded.date_int, "
                "url=excluded.url, source=excluded.source, text=excluded.text, n_passages=0",
                (
                    report.id,
                    report.content_hash,
                    report.title,
                    report.date,
                    report.date_int,
                    report.url,
                    report.source,
                    report.text,
                ),
            )
            self._db.execute("COMMIT")
            self._forget(report.id)
            return known

    def complete(self, report: Report, passages: Sequence[Passage]) -> None:
        """The commit point of a report: passages recorded, status complete, visible to readers."""
        with self.lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT OR REPLACE INTO passages VALUES (?, ?, ?, ?, ?)",
                [(p.id, p.report_id, p.start, p.end, p.content_hash) for p in passages],
            )
            self._db.execute(
                "UPDATE reports SET status='complete', n_passages=? WHERE id=?", (len(passages), report.id)
            )
            self._db.execute("COMMIT")
            self._reports[report.id] = ReportInfo(
                report.id, report.title, report.date, report.url, report.source, len(passages)
            )
            for p in passages:
                self._passages[p.id] = PassageInfo(p.id, p.report_id, p.start, p.end, report.date_int)
            self._by_report[report.id] = [p.id for p in passages]

    def mark_removing(self, report_id: str) -> bool:
        """The first step of a removal: the report leaves the views at once (searches stop returning it) and its row
        says ``removing`` until ``delete``, so a kill in between is finished on the next open. Returns whether the
        catalog knew the report."""
        with self.lock:
            if self.stored_hash(report_id) is None:
                return False
            self._db.execute("UPDATE reports SET status='removing' WHERE id=?", (report_id,))
            self._forget(report_id)
            return True

    def delete(self, report_id: str) -> bool:
        """Remove a report and its passages; returns whether the catalog knew it."""
        with self.lock:
            existed = self.stored_hash(report_id) is not None
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM passages WHERE report_id=?", (report_id,))
            self._db.execute("DELETE FROM reports WHERE id=?", (report_id,))
            self._db.execute("COMMIT")
            self._forget(report_id)
            return existed

    def _forget(self, report_id: str) -> None:
        """Drop a report and its passages from the in-memory views (the caller holds the lock)."""
        self._reports.pop(report_id, None)
        for pid in self._by_report.pop(report_id, []):
            self._passages.pop(pid, None)

    # ------------------------------------------------------------------ vector cache
    def cached_vectors(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Vectors of this model already computed for these passage content hashes."""
        hashes = list(hashes)
        out = {}
        with self.lock:  # the connection is shared with the ingest writer thread: no interleaved statements
            for s in range(0, len(hashes), 500):
                chunk = hashes[s : s + 500]
                marks = ",".join("?" * len(chunk))
                for h, blob in self._db.execute(
                    f"SELECT hash, vec FROM embeddings WHERE model=? AND hash IN ({marks})",
                    (self.embedding_model, *chunk),
                ):
                    out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def cache_vectors(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Remember vectors by content hash (float32; the first vector stored for a hash stays)."""
        with self.lock:
            self._db.executemany(
                "INSERT OR IGNORE INTO embeddings VALUES (?, ?, ?)",
                [(h, self.embedding_model, v.astype(np.float32).tobytes()) for h, v in items],
            )


def _connect(path: Path) -> sqlite3.Connection:
    """The catalog's connection in WAL mode with the schema in place (closed again if either fails)."""
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(SCHEMA)
    except BaseException:
        db.close()
        raise
    return db
