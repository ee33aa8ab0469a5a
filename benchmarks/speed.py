"""Speed: ingest passages/s vs the embedder's own encode rate, warm /api/verify latency over the dev claims, cold
start (process start to first answer). Usage: python -m benchmarks.speed --data-dir DIR [--reports N]

DIR must already hold the ISW library (claimcheck --data-dir DIR ingest ../shared/data/isw-2022/reports.jsonl);
the ingest measurement uses a fresh temporary index.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.common import ROOT, emit, mean, need_shared, pct, read_jsonl


def ingest_ratio(n_reports: int) -> dict:
    from index.chunking import chunk
    from index.embeddings import get_embedder
    from index.ingest import ingest_reports
    from index.loaders import load
    from index.store import Store

    reports = list(load(str(need_shared() / "isw-2022" / "reports.jsonl")))[:n_reports]
    emb = get_embedder()
    emb.encode(["warm up"])
    texts = [p.text for r in reports for p in chunk(r.id, r.text)]
    t0 = time.perf_counter()
    for s in range(0, len(texts), 256):
        emb.encode(texts[s : s + 256])
    encode_rate = len(texts) / (time.perf_counter() - t0)
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "d") as store:
        res = ingest_reports(store, reports, emb.encode)
    return {
        "reports": n_reports,
        "passages": res.passages,
        "ingest_passages_per_s": round(res.passages_per_second, 1),
        "encode_passages_per_s": round(encode_rate, 1),
        "ratio": round(res.passages_per_second / encode_rate, 3),
    }


def latency(data_dir: Path, repeats: int) -> dict:
    """A real `claimcheck serve` in its own process (a server thread here would share the GIL with the client)."""
    from tests.helpers import claimcheck_server

    claims = [c["claim"] for c in read_jsonl(need_shared() / "isw-2022" / "claims_dev.jsonl")]
    with claimcheck_server(data_dir, CLAIMCHECK_RATE_LIMIT_PER_MINUTE="0") as base, httpx.Client(timeout=60) as client:
        url = f"{base}/api/verify"
        client.post(url, json={"claim": claims[0]})  # warm: models loaded
        walls, stages = [], {}
        for _ in range(repeats):
            for c in claims:
                t0 = time.perf_counter()
                body = client.post(url, json={"claim": c}).json()
                walls.append((time.perf_counter() - t0) * 1000)
                for k, v in body["timings"].items():
                    stages.setdefault(k, []).append(v)
    return {
        "requests": len(walls),
        "p50_ms": round(pct(walls, 0.5), 1),
        "p95_ms": round(pct(walls, 0.95), 1),
        "stages_mean_ms": {k: mean(v) for k, v in stages.items()},
    }


def cold_start(data_dir: Path) -> dict:
    t0 = time.perf_counter()
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "--data-dir",
            str(data_dir),
            "ask",
            "--json",
            "Russian forces captured Berdyansk on February 26, 2022",
        ],
        cwd=ROOT,
        capture_output=True,
    )
    return {"seconds_to_first_answer": round(time.perf_counter() - t0, 2), "ok": p.returncode == 0}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, required=True, help="an index holding the ISW library + seed")
    ap.add_argument("--reports", type=int, default=60, help="reports for the ingest measurement")
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    emit("cold_start", cold_start(args.data_dir))
    emit("ingest", ingest_ratio(args.reports))
    emit("latency", latency(args.data_dir, args.repeats))


if __name__ == "__main__":
    main()
