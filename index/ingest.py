"""The ingest pipeline: idempotent (same report twice = no change), incremental (a changed report replaces all its
passages), resumable (a killed run is repaired and completed by the next), with a progress bar in passages/s.

Order per report: catalog says pending and old passages go -> new passages embedded (cached by content hash) and
added to Chroma -> catalog says complete. The keyword index is brought up to date once at the end of a run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from index.chunking import Passage, chunk
from index.loaders import LoadIssue, LoadOptions, load
from index.report import LoadError, Report
from index.store import Store

MAX_REPORT_CHARS = 5_000_000


@dataclass
class IngestResult:
    """What happened, for the CLI, the API and the tests."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    errors: list[LoadIssue] = field(default_factory=list)
    passages: int = 0
    embedded: int = 0
    seconds: float = 0.0

    @property
    def passages_per_second(self) -> float:
        return self.passages / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "repaired": self.repaired,
            "errors": [{"where": e.where, "message": e.message} for e in self.errors],
            "passages": self.passages,
            "embedded": self.embedded,
            "seconds": round(self.seconds, 3),
            "passages_per_second": round(self.passages_per_second, 1),
        }


Encoder = Callable[[list[str]], np.ndarray]


def ingest_reports(
    store: Store,
    reports: Iterable[Report],
    encode: Encoder,
    *,
    batch_passages: int = 256,
    max_chars: int = 700,
    progress: bool = False,
    result: IngestResult | None = None,
) -> IngestResult:
    """Index reports in batches of about ``batch_passages`` passages (embedding is batched across reports)."""
    result = result or IngestResult()
    t0 = time.perf_counter()
    result.repaired += store.repair()
    bar = _progress_bar(progress)
    pending: list[tuple[Report, list[Passage], bool]] = []
    queued = 0
    # Writes of one batch overlap the embedding of the next (one writer thread, so report order is kept).
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-writer")
    last_write: Future | None = None
    try:
        for report in reports:
            if len(report.text) > MAX_REPORT_CHARS:
                result.errors.append(LoadIssue(report.id, f"report text over {MAX_REPORT_CHARS:,} characters; skipped"))
                continue
            known = store.stored_hash(report.id)
            if known == (report.content_hash, "complete"):
                result.unchanged.append(report.id)
                continue
            passages = chunk(report.id, report.text, max_chars=max_chars)
            pending.append((report, passages, known is not None))
            queued += len(passages)
            if queued >= batch_passages:
                last_write = _flush(store, pending, encode, result, bar, writer, last_write)
                pending, queued = [], 0
        last_write = _flush(store, pending, encode, result, bar, writer, last_write)
        if last_write is not None:
            last_write.result()
    finally:
        writer.shutdown(wait=True)
    if result.added or result.updated or result.repaired:
        store.refresh_keyword_index()
    if bar is not None:
        bar.close()
    result.seconds = time.perf_counter() - t0
    return result


def _flush(
    store: Store,
    batch: list[tuple[Report, list[Passage], bool]],
    encode: Encoder,
    result: IngestResult,
    bar,
    writer: ThreadPoolExecutor,
    last_write: Future | None,
) -> Future | None:
    """Embed a batch here, then hand its writes to the writer thread (after the previous batch's writes)."""
    if not batch:
        return last_write
    all_passages = [p for _, ps, _ in batch for p in ps]
    cached = store.cached_vectors({p.content_hash for p in all_passages})
    todo = {}
    for p in all_passages:
        if p.content_hash not in cached and p.content_hash not in todo:
            todo[p.content_hash] = p.text
    if todo:
        vecs = encode(list(todo.values()))
        fresh = dict(zip(todo, vecs))
        store.cache_vectors(fresh.items())
        cached.update(fresh)
        result.embedded += len(todo)
    if last_write is not None:
        last_write.result()  # re-raises a failed write here, in the caller's thread
    return writer.submit(_write_batch, store, batch, cached, result, bar)


def _write_batch(
    store: Store,
    batch: list[tuple[Report, list[Passage], bool]],
    vectors: dict[str, np.ndarray],
    result: IngestResult,
    bar,
) -> None:
    for report, passages, existed in batch:
        store.begin_report(report)
        if passages:
            store.add_passages(report, passages, np.stack([vectors[p.content_hash] for p in passages]))
        store.complete_report(report, passages)
        (result.updated if existed else result.added).append(report.id)
        result.passages += len(passages)
        if bar is not None:
            bar.update(len(passages))


def _progress_bar(enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(unit=" passages", desc="ingest", dynamic_ncols=True)


def ingest_targets(
    store: Store,
    targets: Iterable[str],
    encode: Encoder,
    options: LoadOptions | None = None,
    progress: bool = False,
    **kwargs,
) -> IngestResult:
    """Load every path/URL and ingest what loads; failures become ``errors`` and lose nothing else."""
    result = IngestResult()
    issues = result.errors

    def reports() -> Iterable[Report]:
        for target in targets:
            try:
                yield from load(target, options, issues)
            except LoadError as exc:
                issues.append(LoadIssue(target, str(exc)))
            except OSError as exc:
                issues.append(LoadIssue(target, f"cannot read ({exc.strerror or exc})"))

    return ingest_reports(store, reports(), encode, progress=progress, result=result, **kwargs)
