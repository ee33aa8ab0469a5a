"""Capacity: the CPU one check costs, in a replica and in the Chroma server, measured on a real `chroma run` and one
`claimcheck serve` replica over loopback, so a deployment can be sized on paper (BENCHMARKS.md, "Many replicas").

Claims are sent one at a time (the 60 ISW dev claims, or the load test's claims without ../shared/data), and each
process's CPU time is read from /proc before and after: CPU seconds are what a replica or a Chroma node sells, and
unlike latency they hardly change when other work shares the cores. The stage means come from each reply's timings
(wall clock, one request at a time). Then a new replica joins, timed twice: the sync alone (catalog mirror, vector
cache and keyword index from Chroma) and a whole ``claimcheck serve`` start until it answers.

Usage: python -m benchmarks.capacity [--isw-reports N] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.common import SHARED, emit, pct, read_jsonl
from benchmarks.load import CLAIMS
from index.store import Store

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its reaped children, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    utime, stime, cutime, cstime = (int(fields[i]) for i in (11, 12, 13, 14))
    return (utime + stime + cutime + cstime) / TICKS


def library(folder: Path, isw_reports: int) -> Path:
    """The seed report, plus the first ``isw_reports`` ISW reports when ../shared/data is present."""
    from seeds import SEEDS_DIR

    shutil.copytree(SEEDS_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    source = SHARED / "isw-2022" / "reports.jsonl"
    if isw_reports and source.exists():
        with open(source) as fh, open(folder / "isw.jsonl", "w") as out:
            for i, line in enumerate(fh):
                if i >= isw_reports:
                    break
                out.write(line)
    return folder


def claims() -> list[str]:
    dev = SHARED / "isw-2022" / "claims_dev.jsonl"
    return [c["claim"] for c in read_jsonl(dev)] if dev.exists() else list(CLAIMS)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--isw-reports", type=int, default=60, help="ISW reports in the library beside the seed report")
    ap.add_argument("--rounds", type=int, default=2, help="passes over the claims")
    args = ap.parse_args()
    from tests.helpers import chroma_server, claimcheck_process

    with tempfile.TemporaryDirectory(prefix="claimcheck-capacity-") as tmp:
        work = Path(tmp)
        seeds = library(work / "library", args.isw_reports)
        with chroma_server(work / "chroma") as url:
            chroma_pid = _listener_pid(int(url.rsplit(":", 1)[1]))
            t0 = time.monotonic()
            env = {
                "CLAIMCHECK_CHROMA_URL": url,
                "CLAIMCHECK_SEEDS_DIR": str(seeds),
                "CLAIMCHECK_RATE_LIMIT_PER_MINUTE": "0",
            }
            with claimcheck_process(work / "replica", 3600, **env) as (base, proc):
                start_s = time.monotonic() - t0
                reports = httpx.get(f"{base}/api/health").json()
                texts = claims()
                for claim in texts[:3]:  # warm
                    httpx.post(f"{base}/api/verify", json={"claim": claim}, timeout=120)
                replica0, chroma0, wall0 = cpu_seconds(proc.pid), cpu_seconds(chroma_pid), time.monotonic()
                stages: dict[str, list[float]] = {}
                lat = []
                for _ in range(args.rounds):
                    for claim in texts:
                        t = time.perf_counter()
                        r = httpx.post(f"{base}/api/verify", json={"claim": claim}, timeout=120)
                        lat.append((time.perf_counter() - t) * 1000)
                        r.raise_for_status()
                        for k, v in r.json().get("timings", {}).items():
                            stages.setdefault(k, []).append(float(v))
                n = len(lat)
                replica_cpu = (cpu_seconds(proc.pid) - replica0) / n
                chroma_cpu = (cpu_seconds(chroma_pid) - chroma0) / n
                wall = (time.monotonic() - wall0) / n
                t = time.monotonic()
                with Store(work / "joining", url):  # a new replica's catalog mirror and keyword index, from Chroma
                    join_sync = time.monotonic() - t
                t = time.monotonic()
                with claimcheck_process(work / "second", 600, **env) as (second, _):
                    join_serve = time.monotonic() - t
                    assert httpx.get(f"{second}/api/ready").json()["ready"]
    emit(
        "capacity",
        {
            "library_reports": reports["reports"],
            "library_passages": reports["passages"],
            "checks": n,
            "replica_cpu_ms_per_check": round(replica_cpu * 1000, 1),
            "chroma_cpu_ms_per_check": round(chroma_cpu * 1000, 1),
            "wall_ms_per_check": round(wall * 1000, 1),
            "p50_ms": round(pct(lat, 0.5), 1),
            "p95_ms": round(pct(lat, 0.95), 1),
            "stage_means_ms": {k: round(sum(v) / len(v), 1) for k, v in stages.items()},
            "replica_start_with_seeding_s": round(start_s, 1),
            "join_sync_s": round(join_sync, 1),
            "join_serve_s": round(join_serve, 1),
        },
    )


def _listener_pid(port: int) -> int:
    """The pid of the process listening on a loopback TCP port (the chroma server), from /proc."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            parts = line.split()
            if int(parts[1].rsplit(":", 1)[1], 16) == port and parts[3] == "0A":  # 0A: LISTEN
                inode = parts[9]
    if inode is None:
        raise RuntimeError(f"nothing listens on port {port}")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]" for fd in os.listdir(f"/proc/{pid}/fd")):
                return int(pid)
        except OSError:
            continue
    raise RuntimeError(f"no process owns the socket on port {port}")


if __name__ == "__main__":
    main()
