"""Scale: the ISW library grown ×N with synthetic copies (each report's text and passages again, under new ids and
dates, vectors perturbed and re-normalised, so nothing is re-embedded) -> search and full-check latency, peak memory,
disk. Usage: python -m benchmarks.scale --source-dir DIR --factors 1 10 (DIR holds the ISW index)."""

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


def grow(src_dir: Path, dst_dir: Path, factor: int) -> dict:
    from index.chunking import chunk
    from index.report import Report
    from index.store import Store

    shutil.copytree(src_dir, dst_dir)
    (dst_dir / ".lock").unlink(missing_ok=True)
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    with Store(dst_dir) as store:
        originals = [store.report_info(r.id) for r in store.reports()]
        for copy in range(1, factor):
            for info in originals:
                text = store.report_text(info.id)
                passages = chunk(f"x{copy}-{info.id}", text)
                got = store.collection.get(ids=[f"{info.id}:{p.start}-{p.end}" for p in passages],
                                           include=["embeddings"])
                by_id = dict(zip(got["ids"], got["embeddings"]))
                vecs = np.stack([by_id[f"{info.id}:{p.start}-{p.end}"] for p in passages]).astype(np.float32)
                vecs += rng.normal(0, 0.02, vecs.shape).astype(np.float32)
                vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
                day = (date.fromisoformat(info.date) if info.date else date(2022, 1, 1)) + timedelta(days=400 * copy)
                rep = Report(f"x{copy}-{info.id}", info.title, day.isoformat(), info.url, info.source, text)
                store.begin_report(rep)
                store.add_passages(rep, passages, vecs)
                store.complete_report(rep, passages)
            elapsed = time.perf_counter() - t0
            print(f"scale: copy {copy + 1}/{factor} built, {elapsed:.0f} s", file=sys.stderr, flush=True)
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
    return {"search_p50_ms": round(pct(search, 0.5), 1), "search_p95_ms": round(pct(search, 0.95), 1),
            "check_p50_ms": round(pct(total, 0.5), 1), "check_p95_ms": round(pct(total, 0.95), 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "disk_mb": int(disk)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--source-dir", type=Path, required=True)
    ap.add_argument("--factors", type=int, nargs="+", default=[1, 10])
    args = ap.parse_args()
    for factor in args.factors:
        with tempfile.TemporaryDirectory() as tmp:
            built = grow(args.source_dir, Path(tmp) / "d", factor)
            # A fresh process per factor would isolate peak memory; here it is cumulative (an upper bound).
            emit("scale", {"factor": factor, **built, **measure(Path(tmp) / "d")})


if __name__ == "__main__":
    main()
