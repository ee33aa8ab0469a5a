"""The library as replicas share it through a Chroma server: report rows, a version stamp, and per-report write leases.

Why in Chroma: replicas behind a load balancer must agree on which reports are complete and what they say, and Chroma
is already the shared store (a ``chroma run`` server, or Chroma's distributed and cloud deployments when one server is
not enough), so no second database is added. Beside the passage collection live two small ones:

- ``<name>-reports``: one row per report, its text as the document and its hash, status (pending, complete, removing),
  title, date, link, source and passage count as metadata. This is the shared truth a replica's local catalog mirrors.
- ``<name>-meta``: the library's row (a version stamp, changed after every write, and the embedding model the library
  was built with) and the write leases.

Chroma has no transactions; two of its semantics are enough. ``add`` of an id that exists is ignored (first writer
wins, checked in ``tests/test_replicas.py``), so adding a lease row and reading it back tells a writer whether it holds
the lease; and ``delete`` with a ``where`` is applied by the server, so a lease left by a dead writer is taken over only
if it is still that writer's. Rows need vectors: these collections get a one-number placeholder.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.report import Report

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

LIBRARY_ROW = "library"
LEASE_SECONDS = 120.0  # a report's writes take well under a second; a lease older than this is a dead writer's
PAGE = 500  # rows per Chroma get
_PLACEHOLDER = [0.0]


class LeaseTimeout(RuntimeError):
    """Another writer held a report's lease for longer than the caller would wait."""


class LeaseLost(RuntimeError):
    """This writer's lease on a report expired and another writer took it: this writer's write is abandoned."""


@dataclass(frozen=True)
class SharedReport:
    """A report's shared row, without its text."""

    id: str
    hash: str
    status: str  # pending | complete | removing
    title: str
    date: str | None
    url: str
    source: str
    n_passages: int


class SharedLibrary:
    """The report rows, stamp and leases of one library (named by its passage collection) on a Chroma server."""

    def __init__(self, client: ClientAPI, collection: str, embedding_model: str) -> None:
        self._reports = client.get_or_create_collection(f"{collection}-reports", embedding_function=None)
        self._meta = client.get_or_create_collection(f"{collection}-meta", embedding_function=None)
        self.writer = uuid.uuid4().hex  # this process, as lease owner and in the rows it writes
        self.embedding_model = embedding_model

    # ------------------------------------------------------------------ the library row
    def library(self) -> dict:
        """The library row's metadata ({} before the first write)."""
        got = self._meta.get(ids=[LIBRARY_ROW], include=["metadatas"])
        return dict(got["metadatas"][0]) if got["ids"] else {}

    def stamp(self) -> str:
        """The library's version: a new value after every completed write ("" before the first)."""
        return str(self.library().get("stamp", ""))

    def bump(self) -> None:
        """Announce a write: every replica that sees the new stamp syncs."""
        model = self.embedding_model
        self._meta.upsert(
            ids=[LIBRARY_ROW],
            embeddings=[_PLACEHOLDER],
            metadatas=[{"stamp": uuid.uuid4().hex, "at": time.time(), "by": self.writer, "embedding_model": model}],
        )

    # ------------------------------------------------------------------ report rows
    def rows(self) -> dict[str, SharedReport]:
        """Every report row, by id (metadata only: about 1 ms a hundred rows)."""
        out: dict[str, SharedReport] = {}
        offset = 0
        while True:
            got = self._reports.get(include=["metadatas"], limit=PAGE, offset=offset)
            for rid, meta in zip(got["ids"], got["metadatas"]):
                out[rid] = _row(rid, meta)
            if len(got["ids"]) < PAGE:
                return out
            offset += PAGE

    def row(self, report_id: str) -> SharedReport | None:
        got = self._reports.get(ids=[report_id], include=["metadatas"])
        return _row(report_id, got["metadatas"][0]) if got["ids"] else None

    def texts(self, report_ids: list[str]) -> dict[str, str]:
        """Report texts by id (ids without a row are left out)."""
        out: dict[str, str] = {}
        for s in range(0, len(report_ids), 50):  # texts are large: small pages
            got = self._reports.get(ids=report_ids[s : s + 50], include=["documents"])
            out.update(zip(got["ids"], got["documents"]))
        return out

    def put(self, report: Report, status: str, n_passages: int = 0) -> None:
        """Write a report's whole row (every key, so upsert's merge of old metadata changes nothing)."""
        self._reports.upsert(
            ids=[report.id],
            embeddings=[_PLACEHOLDER],
            documents=[report.text],
            metadatas=[
                {
                    "hash": report.content_hash,
                    "status": status,
                    "title": report.title,
                    "date": report.date or "",
                    "url": report.url,
                    "source": report.source,
                    "n_passages": n_passages,
                    "writer": self.writer,
                    "updated": time.time(),
                }
            ],
        )

    def set_status(self, report_id: str, status: str) -> None:
        self._reports.update(
            ids=[report_id], metadatas=[{"status": status, "writer": self.writer, "updated": time.time()}]
        )

    def drop(self, report_id: str) -> None:
        self._reports.delete(ids=[report_id])

    # ------------------------------------------------------------------ leases
    @contextmanager
    def lease(self, report_id: str, wait: float = 2 * LEASE_SECONDS) -> Iterator[bool]:
        """Hold the write lease of one report for the block. Yields False (and holds nothing) when another live
        writer kept it past ``wait`` seconds and ``wait`` is 0; raises ``LeaseTimeout`` when ``wait`` is positive."""
        key = f"lease:{report_id}"
        deadline = time.monotonic() + wait
        delay = 0.02
        while True:
            self._meta.add(
                ids=[key],
                embeddings=[_PLACEHOLDER],
                metadatas=[{"owner": self.writer, "expires": time.time() + LEASE_SECONDS}],
            )
            got = self._meta.get(ids=[key], include=["metadatas"])
            holder = got["metadatas"][0] if got["ids"] else None
            if holder and holder.get("owner") == self.writer:
                break
            if holder and float(holder.get("expires", 0)) < time.time():  # a dead writer's: take it over
                self._meta.delete(ids=[key], where={"owner": str(holder.get("owner"))})
                continue
            if time.monotonic() >= deadline:
                if wait <= 0:
                    yield False
                    return
                raise LeaseTimeout(f"report {report_id!r} is being written by another replica; try again later")
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
        try:
            yield True
        finally:
            self._meta.delete(ids=[key], where={"owner": self.writer})

    def hold(self, report_id: str) -> None:
        """Renew this writer's lease on a report before its next write, or raise ``LeaseLost`` when it expired and
        another writer took it (a write that stalled past ``LEASE_SECONDS``: a pause, a huge report, a slow server).
        Called before every write under a lease, so a stalled writer never mixes its rows with its successor's.
        Expiry is compared across machines' clocks: keep them in sync (NTP); the lease is minutes, skew seconds."""
        key = f"lease:{report_id}"
        got = self._meta.get(ids=[key], include=["metadatas"])
        if not got["ids"] or got["metadatas"][0].get("owner") != self.writer:
            raise LeaseLost(f"lost the write lease of report {report_id!r} to another replica; its write was dropped")
        self._meta.update(ids=[key], metadatas=[{"owner": self.writer, "expires": time.time() + LEASE_SECONDS}])


def _row(report_id: str, meta: dict) -> SharedReport:
    return SharedReport(
        id=report_id,
        hash=str(meta.get("hash", "")),
        status=str(meta.get("status", "")),
        title=str(meta.get("title", "")),
        date=str(meta.get("date") or "") or None,
        url=str(meta.get("url", "")),
        source=str(meta.get("source", "")),
        n_passages=int(meta.get("n_passages", 0)),
    )
