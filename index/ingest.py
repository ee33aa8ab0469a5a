"""The ingest pipeline: idempotent (same report twice = no change), incremental (a changed report replaces all its
passages), resumable (a killed run is repaired and completed by the next), with progress in reports (done of a total
counted up front where that is cheap, a percentage, a rate and an ETA) for the CLI's bar and the API's job status.

Order per report: catalog says pending and old passages go -> new passages embedded (cached by content hash) and
added to Chroma -> catalog says complete. The keyword index is brought up to date once at the end of a run.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.chunking import Passage, chunk
from index.loaders import SUFFIXES, LoadIssue, LoadOptions, load
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


class Progress:
    """Reports done of ``total`` (None when it could not be counted cheaply), with rate and ETA; thread-safe.

    A report counts as done when it is written, found unchanged or skipped. Optionally drives a tqdm bar."""

    def __init__(self, total: int | None = None) -> None:
        self.total = total
        self.done = 0
        self.passages = 0
        self.started = time.monotonic()
        self.finished = False
        self._lock = threading.Lock()
        self._bar = None

    def show_bar(self) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=self.total, unit=" reports", desc="ingest", dynamic_ncols=True)
        self._bar.set_postfix_str("0 passages")

    def advance(self, reports: int = 1, passages: int = 0) -> None:
        with self._lock:
            self.done += reports
            self.passages += passages
            if self._bar is not None:
                self._bar.set_postfix_str(f"{self.passages} passages", refresh=False)
                self._bar.update(reports)

    def finish(self) -> None:
        """The run is over: the total is what was done (a .jsonl's bad lines never became reports)."""
        with self._lock:
            self.finished = True
            self.total = self.done
            if self._bar is not None:
                self._bar.total = self.done
                self._bar.refresh()
                self._bar.close()

    def snapshot(self) -> dict:
        """``done``, ``total``, ``percent``, ``rate`` (reports/s), ``eta_s`` and ``passages``; None where unknown."""
        with self._lock:
            done, total, passages = self.done, self.total, self.passages
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = done / elapsed
        percent = round(100.0 * done / total, 1) if total else (100.0 if self.finished else None)
        eta = round((total - done) / rate, 1) if total is not None and rate > 0 else None
        return {
            "done": done,
            "total": total,
            "percent": percent,
            "rate": round(rate, 2),
            "eta_s": 0.0 if self.finished else eta,
            "passages": passages,
        }


def count_reports(targets: Iterable[str]) -> int | None:
    """How many reports ``targets`` hold, where counting is cheap: one per URL and per text/HTML/PDF file, a .jsonl's
    non-blank lines; None (an honest unknown) for a .csv (a row may span lines) or anything unreadable."""
    total = 0
    for target in targets:
        if re.match(r"^https?://", target, re.I):
            total += 1
            continue
        path = Path(target)
        if path.is_dir():
            files = [
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            ]
        elif path.is_file():
            files = [path]
        else:
            continue  # missing: an error, no report
        for f in files:
            suffix = f.suffix.lower()
            if suffix == ".jsonl":
                try:
                    with open(f, "rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                except OSError:
                    return None
            elif suffix == ".csv":
                return None
            else:
                total += 1  # a file named on its own is tried whatever its suffix
    return total


def ingest_reports(
    store: Store,
    reports: Iterable[Report],
    encode: Encoder,
    *,
    batch_passages: int = 256,
    max_chars: int = 700,
    progress: bool = False,
    result: IngestResult | None = None,
    tracker: Progress | None = None,
) -> IngestResult:
    """Index reports in batches of about ``batch_passages`` passages (embedding is batched across reports).

    ``progress`` shows a bar on stderr; ``tracker`` (made here when not given) counts what is done."""
    result = result or IngestResult()
    t0 = time.perf_counter()
    result.repaired += store.repair()
    tracker = tracker or Progress()
    tracker.started = time.monotonic()  # a job's rate counts from here, not from its wait for the store
    if progress:
        tracker.show_bar()
    pending: list[tuple[Report, list[Passage]]] = []
    queued = 0
    # Writes of one batch overlap the embedding of the next (one writer thread, so report order is kept).
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-writer")
    last_write: Future | None = None
    try:
        for report in reports:
            if len(report.text) > MAX_REPORT_CHARS:
                result.errors.append(LoadIssue(report.id, f"report text over {MAX_REPORT_CHARS:,} characters; skipped"))
                tracker.advance()
                continue
            known = store.stored_hash(report.id)
            if known == (report.content_hash, "complete"):
                result.unchanged.append(report.id)
                tracker.advance()
                continue
            passages = chunk(report.id, report.text, max_chars=max_chars)
            pending.append((report, passages))
            queued += len(passages)
            if queued >= batch_passages:
                last_write = _flush(store, pending, encode, result, tracker, writer, last_write)
                pending, queued = [], 0
        last_write = _flush(store, pending, encode, result, tracker, writer, last_write)
        if last_write is not None:
            last_write.result()
    finally:
        writer.shutdown(wait=True)
    if result.added or result.updated or result.repaired:
        store.refresh_keyword_index()
    tracker.finish()
    result.seconds = time.perf_counter() - t0
    return result


def _flush(
    store: Store,
    batch: list[tuple[Report, list[Passage]]],
    encode: Encoder,
    result: IngestResult,
    tracker,
    writer: ThreadPoolExecutor,
    last_write: Future | None,
) -> Future | None:
    """Embed a batch here, then hand its writes to the writer thread (after the previous batch's writes)."""
    if not batch:
        return last_write
    all_passages = [p for _, ps in batch for p in ps]
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
    return writer.submit(_write_batch, store, batch, cached, result, tracker)


def _write_batch(
    store: Store,
    batch: list[tuple[Report, list[Passage]]],
    vectors: dict[str, np.ndarray],
    result: IngestResult,
    tracker,
) -> None:
    for report, passages in batch:
        with store.writing(report.id):
            # Asked again under the report's write lease: with replicas, another one may have written it meanwhile.
            known = store.stored_hash(report.id)
            if known == (report.content_hash, "complete"):
                result.unchanged.append(report.id)
                tracker.advance()
                continue
            store.begin_report(report)
            if passages:
                store.add_passages(report, passages, np.stack([vectors[p.content_hash] for p in passages]))
            store.complete_report(report, passages)
        (result.updated if known is not None else result.added).append(report.id)
        result.passages += len(passages)
        tracker.advance(1, len(passages))


def ingest_targets(
    store: Store,
    targets: Iterable[str],
    encode: Encoder,
    options: LoadOptions | None = None,
    progress: bool = False,
    tracker: Progress | None = None,
    **kwargs,
) -> IngestResult:
    """Load every path/URL and ingest what loads; failures become ``errors`` and lose nothing else.

    The reports are counted first where that is cheap (``count_reports``), for a total, percentage and ETA."""
    result = IngestResult()
    targets = list(targets)
    tracker = tracker or Progress()
    tracker.total = count_reports(targets)
    issues = result.errors

    def reports() -> Iterable[Report]:
        for target in targets:
            try:
                yield from load(target, options, issues)
            except LoadError as exc:
                issues.append(LoadIssue(target, str(exc)))
            except OSError as exc:
                issues.append(LoadIssue(target, f"cannot read ({exc.strerror or exc})"))

    return ingest_reports(store, reports(), encode, progress=progress, result=result, tracker=tracker, **kwargs)
