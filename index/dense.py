"""The dense side: passage vectors in a Chroma collection, and nearest-passage search within date filters.

Why Chroma: it serves both deployments from one API, an embedded PersistentClient in the data directory on a laptop
and an HttpClient to a ``chroma run`` server when replicas share one index. Why three ways to search: Chroma's
filtered search grows with the library, so a date filter is served by an unfiltered over-fetch when that finds
enough, by an exact scan of the catalog's cached vectors when the filter is narrow, and by Chroma's own filter only
when neither can. Only passages of complete reports (the catalog's view) are ever returned.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import numpy as np

from index.catalog import Catalog, StoreCorrupt
from index.chunking import Passage
from index.report import Report
from index.search import in_range

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection as ChromaCollection

COLLECTION = "claimcheck-passages"
EXACT_LIMIT = 50_000  # passages in a narrow date range searched exhaustively (about 200 ms at most on 2 cores)
ADD_BATCH = 2000  # rows per Chroma add


def open_client(data_dir: Path, chroma_url: str) -> ClientAPI:
    """A client of the server at ``chroma_url`` or, without one, of the embedded store in ``data_dir/chroma``."""
    import chromadb

    try:
        if chroma_url:
            u = urlparse(chroma_url)
            return chromadb.HttpClient(host=u.hostname or "localhost", port=u.port or 8000, ssl=u.scheme == "https")
        return chromadb.PersistentClient(path=str(data_dir / "chroma"))
    except Exception as exc:  # chromadb raises many types; the user needs the folder and the fix
        raise _unopenable(data_dir, chroma_url, exc) from None


def open_collection(client: ClientAPI, data_dir: Path, chroma_url: str, name: str) -> ChromaCollection:
    """The passage collection (cosine HNSW, no embedding function: vectors always come from us)."""
    try:
        return client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
    except Exception as exc:
        raise _unopenable(data_dir, chroma_url, exc) from None


def _unopenable(data_dir: Path, chroma_url: str, exc: Exception) -> StoreCorrupt:
    where = chroma_url or str(data_dir / "chroma")
    return StoreCorrupt(
        f"cannot open the Chroma store at {where} ({exc.__class__.__name__}: {exc}). For a "
        "local folder: move it away and re-ingest to rebuild."
    )


class DenseIndex:
    """Writes to the collection keyed by report, and searches it over the catalog's complete passages."""

    def __init__(self, collection: ChromaCollection, catalog: Catalog) -> None:
        self.collection = collection  # public for checks that read Chroma's rows directly
        self._catalog = catalog

    def count(self) -> int:
        """Rows in the collection, complete or not."""
        return self.collection.count()

    # ------------------------------------------------------------------ writes
    def add(self, report: Report, passages: Sequence[Passage], vectors: np.ndarray) -> None:
        """Add a report's passages with their vectors, text and metadata (dates as YYYYMMDD ints for filters)."""
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
        for s in range(0, len(passages), ADD_BATCH):
            self.collection.add(
                ids=[p.id for p in passages[s : s + ADD_BATCH]],
                embeddings=vectors[s : s + ADD_BATCH],
                documents=[p.text for p in passages[s : s + ADD_BATCH]],
                metadatas=meta[s : s + ADD_BATCH],
            )

    def delete_report(self, report_id: str) -> None:
        """Remove a report's rows (``upsert`` would merge old metadata into new rows, so a replace deletes first)."""
        self.collection.delete(where={"report_id": report_id})

    def ids_of(self, report_id: str) -> list[str]:
        """The ids of a report's rows, whatever its status (what another replica wrote, when syncing)."""
        return list(self.collection.get(where={"report_id": report_id}, include=[])["ids"])

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by passage id (a replica fills its local vector cache from these)."""
        out: dict[str, np.ndarray] = {}
        ids = list(ids)
        for s in range(0, len(ids), 500):
            got = self.collection.get(ids=ids[s : s + 500], include=["embeddings"])
            for pid, vec in zip(got["ids"], got["embeddings"]):
                out[pid] = np.asarray(vec, dtype=np.float32)
        return out

    def keep_only(self, report_ids: Collection[str]) -> None:
        """Remove rows of every report not in ``report_ids`` (left by an ingest killed between its writes)."""
        stray = (
            self.collection.get(where={"report_id": {"$nin": sorted(report_ids)}}, include=[])
            if report_ids
            else self.collection.get(include=[])
        )
        if stray["ids"]:
            self.collection.delete(ids=stray["ids"])

    # ------------------------------------------------------------------ search
    def search(self, vector: np.ndarray, k: int, date_from: int = 0, date_to: int = 0) -> list[tuple[str, float]]:
        """Nearest passages. With a date filter, over-fetch unfiltered and filter here first: Chroma's filtered
        search grows with the number of matching rows (97 ms at 43k passages vs 2 ms unfiltered, measured), and
        falls back to it only when too few of the over-fetched passages pass the filter."""
        passages = self._catalog.passages
        if not passages:
            return []
        n = max(1, len(passages))
        if not (date_from or date_to):
            return self.nearest(vector, min(k, n), None)
        hits = [
            (pid, s)
            for pid, s in self.nearest(vector, min(k * 8, n), None)
            if in_range(passages[pid].date_int, date_from, date_to)
        ]
        if len(hits) >= k or k * 8 >= n:
            return hits[:k]
        exact = self.exact(vector, k, date_from, date_to)
        if exact is not None:
            return exact
        return self.nearest(vector, min(k, n), _date_where(date_from, date_to))

    def nearest(self, vector: np.ndarray, n: int, where: dict | None) -> list[tuple[str, float]]:
        """Chroma's HNSW search (``where`` filters inside it), as (passage id, cosine similarity) of complete
        passages."""
        passages = self._catalog.passages
        res = self.collection.query(query_embeddings=[vector.tolist()], n_results=n, where=where, include=["distances"])
        return [(pid, 1.0 - float(d)) for pid, d in zip(res["ids"][0], res["distances"][0]) if pid in passages]

    def exact(
        self, vector: np.ndarray, k: int, date_from: int, date_to: int, limit: int = EXACT_LIMIT
    ) -> list[tuple[str, float]] | None:
        """Brute-force cosine over the passages a narrow date filter lets through, their vectors read from the
        catalog's embedding cache. None when more than ``limit`` pass or any lacks a cached vector.

        Why: when the unfiltered over-fetch finds too few passages in range, the filter is narrow, and Chroma's
        filtered search grows with the library (3.8-5.5 s a query at 1.45 M passages, 114 ms at 14k, measured), while
        this grows with the passages in range only (~50 ms for 13k; 65 ms at 1.45 M) and is exact.
        """
        rows = self._catalog.vectors_in_range(date_from, date_to, limit)
        if len(rows) > limit or any(vec is None for _, vec in rows):
            return None
        passages = self._catalog.passages
        found = [(pid, vec) for pid, vec in rows if pid in passages]
        if not found:
            return []
        mat = np.frombuffer(b"".join(vec for _, vec in found), dtype=np.float32).reshape(len(found), -1)
        sims = mat @ (np.asarray(vector, dtype=np.float32) / (np.linalg.norm(vector) or 1.0))
        sims /= np.maximum(np.linalg.norm(mat, axis=1), 1e-12)
        top = np.argsort(-sims, kind="stable")[:k]
        return [(found[i][0], float(sims[i])) for i in top]


def _date_where(date_from: int, date_to: int) -> dict | None:
    """Chroma's ``where`` for a date filter (its range operators take numbers: the YYYYMMDD ``date_int``)."""
    conds = []
    if date_from or date_to:
        conds.append({"date_int": {"$gte": max(1, date_from)}})
    if date_to:
        conds.append({"date_int": {"$lte": date_to}})
    if not conds:
        return None
    return conds[0] if len(conds) == 1 else {"$and": conds}
