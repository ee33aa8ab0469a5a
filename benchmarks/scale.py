"""Scale: the ISW library grown ×N with synthetic copies (each report's text and passages again, under new ids and
dates, vectors perturbed and re-normalised, so nothing is re-embedded) -> search and full-check latency, peak memory,
disk. Usage: python -m benchmarks.scale --source-dir DIR --factors 1 10 30 [--keep NEW_DIR] (DIR holds the ISW
index); one copy of the library is grown factor by factor and measured at each, and ``build_seconds`` is the time of
that step."""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from benchmarks.common import emit, need_shared, pct, read_jsonl


def originals(data_dir: Path) -> list[tuple]:
    """Every source report with its passages and stored vectors, read once (not once per copy)."""
    from index.chunking import chunk
    from index.store import Store

    out = []
    with Store(data_dir) as store:
        for r in store.reports():
            info = store.report_info(r.id)
            text = store.report_text(info.id)
            spans = [(p.start, p.end) for p in chunk(info.id, text)]
            got = store.dense.collection.get(ids=[f"{info.id}:{a}-{b}" for a, b in spans], include=["embeddings"])
            by_id = dict(zip(got["ids"], got["embeddings"]))
            vecs = np.stack([by_id[f"{info.id}:{a}-{b}"] for a, b in spans]).astype(np.float32)
            out.append((info, text, vecs))
    return out


def grow(data_dir: Path, sources: list[tuple], first_copy: int, factor: int) -> dict:
    """Add copies ``first_copy .. factor-1`` of every source report (new ids and dates, perturbed vectors)."""
    from index.chunking import chunk
    from index.report import Report
    from index.store import Store

    rng = np.random.default_rng(first_copy)
    t0 = time.perf_counter()
    with Store(data_dir) as store:
        for copy in range(first_copy, factor):
            for info, text, original in sources:
                passages = chunk(f"x{copy}-{info.id}", text)
                vecs = original + rng.normal(0, 0.02, original.shape).astype(np.float32)
                vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
                day = (date.fromisoformat(info.date) if info.date else date(2022, 1, 1)) + timedelta(days=400 * copy)
                rep = Report(f"x{copy}-{info.id}", info.title, day.isoformat(), info.url, info.source, text)
                store.begin_report(rep)
                store.add_passages(rep, passages, vecs)
                store.complete_report(rep, passages)
            elapsed = time.perf_counter() - t0
            print(f"scale: copy {copy + 1}/{factor} built, {elapsed:.0f} s", file=sys.stderr, flush=True)
        if factor > first_copy:
            print("scale: rebuilding the keyword index", file=sys.stderr, flush=True)
            store.rebuild_keyword_index()
        counts = store.counts()
    return {"passages": counts["passages"], "build_seconds": round(time.perf_counter() - t0, 1)}


def measure(data_dir: Path) -> dict:
    from bot.service import open_engine
    from bot.settings import Settings

    claims = [c["claim"] for c in read_jsonl(need_shared() / "isw-2022" / "claims_dev.jsonl")]
    engine = open_engine(Settings(data_dir=data_dir), seed=False)
    engine.check(claims[0])
    search, total = [], []
    for c in claims:
        reply = engine.check(c)
        search.append(reply.timings["search_ms"])
        total.append(reply.timings["total_ms"])
    engine.store.close()
    disk = subprocess.run(["du", "-sm", str(data_dir)], capture_output=True, text=True).stdout.split()[0]
    return {
        "search_p50_ms": round(pct(search, 0.5), 1),
        "search_p95_ms": round(pct(search, 0.95), 1),
        "check_p50_ms": round(pct(total, 0.5), 1),
        "check_p95_ms": round(pct(total, 0.95), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "disk_mb": int(disk),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--source-dir", type=Path, required=True)
    ap.add_argument("--factors", type=int, nargs="+", default=[1, 10])
    ap.add_argument(
        "--keep",
        type=Path,
        help="grow the library in this new folder and leave it there (to profile the "
        "largest library afterwards: building x100 takes ~45 minutes); default: a temporary folder",
    )
    args = ap.parse_args()
    if args.keep and args.keep.exists():
        ap.error(f"--keep {args.keep} already exists; give a new folder")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.keep or Path(tmp) / "d"
        shutil.copytree(args.source_dir, data_dir)
        (data_dir / ".lock").unlink(missing_ok=True)
        sources = originals(data_dir)
        built_copies = 1
        for factor in sorted(args.factors):
            # One library grown step by step: x10 is measured, then extended to x30, and so on.
            built = grow(data_dir, sources, built_copies, factor)
            built_copies = max(built_copies, factor)
            # Peak RSS is cumulative over the process (an upper bound for the larger factors).
            emit("scale", {"factor": factor, **built, **measure(data_dir)})


if __name__ == "__main__":
    main()
