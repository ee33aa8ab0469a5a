"""The index: a SQLite catalog (reports, passages, embedding cache) + Chroma (dense) + a bm25s keyword index.

Why three parts: Chroma holds vectors (embedded PersistentClient, or a ``chroma run`` server); its sparse index refuses
embedded use, so keywords live in bm25s beside it; the catalog is the source of truth for what is *complete*. A
report's passages become visible only when the catalog marks it complete, so a reader sees a report whole or not at
all, and a killed ingest leaves nothing a re-run cannot repair. One process owns a data directory (a file lock).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from index.chunking import Passage
from index.keywords import KeywordIndex
from index.report import Report

COLLECTION = "claimcheck-passages"
EXACT_LIMIT = 50_000  # passages in a narrow date range searched exhaustively (about 200 ms at most on 2 cores)
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


class DataDirInUse(RuntimeError):
    """Another process owns this data directory (Chroma's PersistentClient is not multi-process safe)."""


class StoreCorrupt(RuntimeError):
    """The data directory cannot be read; the message names it and how to rebuild."""


@dataclass(frozen=True)
class PassageInfo:
    """What retrieval needs to know about a passage without touching Chroma or the report text."""

    id: str
    report_id: str
    start: int
    end: int
    date_int: int


@dataclass(frozen=True)
class ReportInfo:
    id: str
    title: str
    date: str | None
    url: str
    source: str
    n_passages: int


class Store:
    """Open (and lock) a data directory; every write goes through here so the three parts stay in step."""

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
        self._lock_file = self._acquire_lock()
        self._write = threading.RLock()
        try:
            self.db = sqlite3.connect(
                self.data_dir / "catalog.sqlite3", check_same_thread=False, isolation_level=None, timeout=30
            )
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StoreCorrupt(
                f"{self.data_dir}: the catalog is unreadable ({exc}). Move the folder away (or delete "
                "it) and run `claimcheck ingest` again to rebuild."
            ) from None
        self._check_model()
        self.collection = self._open_chroma(chroma_url, collection)
        self._passages: dict[str, PassageInfo] = {}
        self._reports: dict[str, ReportInfo] = {}
        # report id -> its passage ids, so replacing or deleting one report never scans the whole library
        # (a scan per report made a large ingest quadratic: ~50 ms a report at 435k passages).
        self._by_report: dict[str, list[str]] = {}
        # Index, ids and delta swapped as one object, so a reader never pairs a new index with old ids.
        self._keyword = KeywordIndex()
        self._load_views()

    # ------------------------------------------------------------------ opening
    def _acquire_lock(self):
        fh = open(self.data_dir / ".lock", "a+")  # noqa: SIM115 - held open for the life of the Store
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            owner = fh.read().strip() or "unknown"
            fh.close()
            raise DataDirInUse(
                f"{self.data_dir} is in use by another claimcheck process (pid {owner}). Stop it, "
                "use another --data-dir, or point both at a Chroma server."
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        return fh

    def _check_model(self) -> None:
        row = self.db.execute("SELECT value FROM meta WHERE key='embedding_model'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('embedding_model', ?)", (self.embedding_model,))
        elif row[0] != self.embedding_model:
            raise StoreCorrupt(
                f"{self.data_dir} was built with embedding model {row[0]!r}, not "
                f"{self.embedding_model!r}; use a new --data-dir or re-ingest into an empty one."
            )

    def _open_chroma(self, chroma_url: str, name: str):
        import chromadb

        try:
            if chroma_url:
                u = urlparse(chroma_url)
                client = chromadb.HttpClient(
                    host=u.hostname or "localhost", port=u.port or 8000, ssl=u.scheme == "https"
                )
            else:
                client = chromadb.PersistentClient(path=str(self.data_dir / "chroma"))
            return client.get_or_create_collection(
                name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
        except Exception as exc:  # chromadb raises many types; the user needs the folder and the fix
            self.close()
            where = chroma_url or str(self.data_dir / "chroma")
            raise StoreCorrupt(
                f"cannot open the Chroma store at {where} ({exc.__class__.__name__}: {exc}). For a "
                "local folder: move it away and re-ingest to rebuild."
            ) from None

    def close(self) -> None:
        if getattr(self, "db", None) is not None:
            self.db.close()
            self.db = None  # type: ignore[assignment]
        if getattr(self, "_lock_file", None) is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ read views
    def _load_views(self) -> None:
        """Load passage/report metadata for complete reports, and the keyword index (rebuilt if stale)."""
        reports = {}
        for rid, title, date, url, source, n in self.db.execute(
            "SELECT id, title, date, url, source, n_passages FROM reports WHERE status='complete'"
        ):
            reports[rid] = ReportInfo(rid, title or "", date, url or "", source or "", n)
        passages: dict[str, PassageInfo] = {}
        by_report: dict[str, list[str]] = {}
        dates = {rid: int(r.date.replace("-", "")) if r.date else 0 for rid, r in reports.items()}
        for pid, rid, start, end in self.db.execute("SELECT id, report_id, start, end FROM passages"):
            if rid in reports:
                passages[pid] = PassageInfo(pid, rid, start, end, dates[rid])
                by_report.setdefault(rid, []).append(pid)
        self._reports, self._passages, self._by_report = reports, passages, by_report
        self._load_bm25()

    def _load_bm25(self) -> None:
        """The saved keyword index, brought up to date with the catalog (by a delta, or rebuilt)."""
        loaded = KeywordIndex.load(self.data_dir / "bm25")
        if loaded is None:
            self.rebuild_keyword_index()
            return
        self._keyword = loaded
        self.refresh_keyword_index()

    def _report_hashes(self) -> dict[str, str]:
        with self._write:
            return dict(self.db.execute("SELECT id, hash FROM reports WHERE status='complete'").fetchall())

    def rebuild_keyword_index(self) -> None:
        """Re-index keywords from all complete passages (bm25s has no incremental update: ~1 min at 145k)."""
        reports = self._report_hashes()
        ids = sorted(self._passages)
        texts = self.passage_texts(ids)
        index = KeywordIndex.build(ids, [texts[i] for i in ids], reports)
        index.save(self.data_dir / "bm25")
        self._keyword = index

    def refresh_keyword_index(self) -> None:
        """Bring keywords up to date after an ingest: passages of new or changed reports go to the delta (fast), and
        the whole index is rebuilt only when the delta outgrows ``keywords.DELTA_SHARE`` of it."""
        main = self._keyword
        current = self._report_hashes()
        changed = {rid for rid, digest in current.items() if main.reports.get(rid) != digest}
        gone = changed | (set(main.reports) - set(current))
        delta = sorted(pid for rid in changed for pid in self._by_report.get(rid, []))
        stale = frozenset(pid for pid in main.ids if pid.rpartition(":")[0] in gone) if gone else frozenset()
        if main.needs_rebuild(delta=len(delta), stale=len(stale)):
            self.rebuild_keyword_index()
            return
        texts = self.passage_texts(delta)
        self._keyword = main.with_delta(delta, [texts[i] for i in delta], stale)

    def keyword_ids(self) -> list[str]:
        """The passages keyword search can return (indexed and still in the library)."""
        index = self._keyword
        return [i for i in index.ids if i in self._passages and i not in index.stale] + [
            i for i in index.delta_ids if i in self._passages
        ]

    def reports(self) -> list[ReportInfo]:
        return sorted(self._reports.values(), key=lambda r: (r.date or "", r.id))

    def report_info(self, report_id: str) -> ReportInfo | None:
        return self._reports.get(report_id)

    def passage_info(self, passage_id: str) -> PassageInfo | None:
        return self._passages.get(passage_id)

    def report_text(self, report_id: str) -> str:
        with self._write:  # readers share the connection with writers: never inside their transaction
            row = self.db.execute("SELECT text FROM reports WHERE id=?", (report_id,)).fetchone()
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

    def counts(self) -> dict[str, int]:
        return {
            "reports": len(self._reports),
            "passages": len(self._passages),
            "chroma": self.collection.count(),
            "keyword": len(self.keyword_ids()),
        }

    # ------------------------------------------------------------------ search
    def dense_search(self, vector: np.ndarray, k: int, date_from: int = 0, date_to: int = 0) -> list[tuple[str, float]]:
        """Nearest passages. With a date filter, over-fetch unfiltered and filter here first: Chroma's filtered
        search grows with the number of matching rows (97 ms at 43k passages vs 2 ms unfiltered, measured), and
        falls back to it only when too few of the over-fetched passages pass the filter."""
        if not self._passages:
            return []
        n = max(1, len(self._passages))
        if not (date_from or date_to):
            return self._dense(vector, min(k, n), None)
        hits = [
            (pid, s)
            for pid, s in self._dense(vector, min(k * 8, n), None)
            if _in_range(self._passages[pid].date_int, date_from, date_to)
        ]
        if len(hits) >= k or k * 8 >= n:
            return hits[:k]
        exact = self._exact_dense(vector, k, date_from, date_to)
        if exact is not None:
            return exact
        return self._dense(vector, min(k, n), _date_where(date_from, date_to))

    def _exact_dense(
        self, vector: np.ndarray, k: int, date_from: int, date_to: int, limit: int = EXACT_LIMIT
    ) -> list[tuple[str, float]] | None:
        """Brute-force cosine over the passages a narrow date filter lets through, their vectors read from the
        catalog's embedding cache. None when more than ``limit`` pass or any lacks a cached vector.

        Why: when the unfiltered over-fetch finds too few passages in range, the filter is narrow, and Chroma's
        filtered search grows with the library (3.8-5.5 s a query at 1.45 M passages, 114 ms at 14k, measured), while
        this grows with the passages in range only (~50 ms for 13k; 65 ms at 1.45 M) and is exact.
        """
        with self._write:  # readers share the connection with writers: never inside their transaction
            rows = self.db.execute(
                "SELECT p.id, e.vec FROM reports r JOIN passages p ON p.report_id = r.id "
                "LEFT JOIN embeddings e ON e.hash = p.hash AND e.model = ? "
                "WHERE r.status = 'complete' AND r.date_int >= ? AND r.date_int <= ? LIMIT ?",
                (self.embedding_model, max(1, date_from), date_to or 99_991_231, limit + 1),
            ).fetchall()
        if len(rows) > limit or any(vec is None for _, vec in rows):
            return None
        rows = [(pid, vec) for pid, vec in rows if pid in self._passages]
        if not rows:
            return []
        mat = np.frombuffer(b"".join(vec for _, vec in rows), dtype=np.float32).reshape(len(rows), -1)
        sims = mat @ (np.asarray(vector, dtype=np.float32) / (np.linalg.norm(vector) or 1.0))
        sims /= np.maximum(np.linalg.norm(mat, axis=1), 1e-12)
        top = np.argsort(-sims, kind="stable")[:k]
        return [(rows[i][0], float(sims[i])) for i in top]

    def _dense(self, vector: np.ndarray, n: int, where: dict | None) -> list[tuple[str, float]]:
        res = self.collection.query(query_embeddings=[vector.tolist()], n_results=n, where=where, include=["distances"])
        return [(pid, 1.0 - float(d)) for pid, d in zip(res["ids"][0], res["distances"][0]) if pid in self._passages]

    def keyword_search(self, query: str, k: int, date_from: int = 0, date_to: int = 0) -> list[tuple[str, float]]:
        index = self._keyword
        indexed = len(index.ids) + len(index.delta_ids)
        if not indexed:
            return []
        removed = indexed - len(self._passages)  # still indexed, no longer here
        n = min(indexed, k * (4 if (date_from or date_to) else 1) + max(0, removed) + len(index.stale))
        out = []
        for pid, score in index.search(query, n):
            info = self._passages.get(pid)
            if info is None or score <= 0 or not _in_range(info.date_int, date_from, date_to):
                continue
            out.append((pid, float(score)))
            if len(out) >= k:
                break
        return out

    # ------------------------------------------------------------------ writes (ingest)
    def stored_hash(self, report_id: str) -> tuple[str, str] | None:
        with self._write:
            row = self.db.execute("SELECT hash, status FROM reports WHERE id=?", (report_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def begin_report(self, report: Report) -> None:
        """Mark a report pending and drop its old passages everywhere: from here it is invisible until complete."""
        with self._write:
            # A report the catalog has never seen has nothing in Chroma (vectors are only written after its
            # pending row, and removed before it), so the filtered delete below is skipped for it.
            known = self.stored_hash(report.id) is not None
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("DELETE FROM passages WHERE report_id=?", (report.id,))
            self.db.execute(
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
            self.db.execute("COMMIT")
            self._forget(report.id)
            if known:
                self.collection.delete(where={"report_id": report.id})

    def add_passages(self, report: Report, passages: Sequence[Passage], vectors: np.ndarray) -> None:
        if not passages:
            return
        meta = [
            {
                "report_id": report.id,
                "start": p.start,
                "end": p.end,
                "date": report.date or "",
                "date_int": report.date_int,
                "title": report.title[:500],
                "url": report.url[:1000],
                "source": report.source[:200],
            }
            for p in passages
        ]
        for s in range(0, len(passages), 2000):
            self.collection.add(
                ids=[p.id for p in passages[s : s + 2000]],
                embeddings=vectors[s : s + 2000],
                documents=[p.text for p in passages[s : s + 2000]],
                metadatas=meta[s : s + 2000],
            )

    def complete_report(self, report: Report, passages: Sequence[Passage]) -> None:
        """The commit point of a report: passages recorded, status complete, visible to readers."""
        with self._write:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT OR REPLACE INTO passages VALUES (?, ?, ?, ?, ?)",
                [(p.id, p.report_id, p.start, p.end, p.content_hash) for p in passages],
            )
            self.db.execute("UPDATE reports SET status='complete', n_passages=? WHERE id=?", (len(passages), report.id))
            self.db.execute("COMMIT")
            self._reports[report.id] = ReportInfo(
                report.id, report.title, report.date, report.url, report.source, len(passages)
            )
            for p in passages:
                self._passages[p.id] = PassageInfo(p.id, p.report_id, p.start, p.end, report.date_int)
            self._by_report[report.id] = [p.id for p in passages]

    def delete_report(self, report_id: str) -> bool:
        with self._write:
            existed = self.stored_hash(report_id) is not None
            self.collection.delete(where={"report_id": report_id})
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("DELETE FROM passages WHERE report_id=?", (report_id,))
            self.db.execute("DELETE FROM reports WHERE id=?", (report_id,))
            self.db.execute("COMMIT")
            self._forget(report_id)
            return existed

    def _forget(self, report_id: str) -> None:
        """Drop a report and its passages from the in-memory views (the caller holds the write lock)."""
        self._reports.pop(report_id, None)
        for pid in self._by_report.pop(report_id, []):
            self._passages.pop(pid, None)

    def repair(self) -> list[str]:
        """Finish what a killed ingest left: drop pending reports' passages from Chroma and forget them.

        Returns the ids of the reports that were pending (a re-run ingests them again from their source).
        """
        pending = [r[0] for r in self.db.execute("SELECT id FROM reports WHERE status='pending'")]
        for rid in pending:
            self.delete_report(rid)
        # Chroma rows whose report is not complete (killed between a delete and a catalog write).
        complete = set(self._reports)
        stray = (
            self.collection.get(where={"report_id": {"$nin": sorted(complete)}}, include=[])
            if complete
            else self.collection.get(include=[])
        )
        if stray["ids"]:
            self.collection.delete(ids=stray["ids"])
        return pending

    def cached_vectors(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        with self._write:  # the connection is shared with the ingest writer thread: no interleaved statements
            return self._cached_vectors(list(hashes))

    def _cached_vectors(self, hashes: list[str]) -> dict[str, np.ndarray]:
        out = {}
        for s in range(0, len(hashes), 500):
            chunk = hashes[s : s + 500]
            marks = ",".join("?" * len(chunk))
            for h, blob in self.db.execute(
                f"SELECT hash, vec FROM embeddings WHERE model=? AND hash IN ({marks})", (self.embedding_model, *chunk)
            ):
                out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def cache_vectors(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        with self._write:
            self.db.executemany(
                "INSERT OR IGNORE INTO embeddings VALUES (?, ?, ?)",
                [(h, self.embedding_model, v.astype(np.float32).tobytes()) for h, v in items],
            )


def _in_range(value: int, date_from: int, date_to: int) -> bool:
    if (date_from or date_to) and not value:
        return False  # an undated report cannot satisfy a date filter
    return (not date_from or value >= date_from) and (not date_to or value <= date_to)


def _date_where(date_from: int, date_to: int) -> dict | None:
    conds = []
    if date_from or date_to:
        conds.append({"date_int": {"$gte": max(1, date_from)}})
    if date_to:
        conds.append({"date_int": {"$lte": date_to}})
    if not conds:
        return None
    return conds[0] if len(conds) == 1 else {"$and": conds}
