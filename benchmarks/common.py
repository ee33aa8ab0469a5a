"""Helpers shared by the benchmark scripts: where the shared data is, percentiles, a JSON result line."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
from datetime import date
from pathlib import Path

from index import jsonl

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
# The project's held-out ISW claim sets, in the order they were written (isw_holdout.jsonl, 2, ..., 9, 10, ...).
HELD_OUT_SETS = sorted((ROOT / "benchmarks" / "data").glob("isw_holdout*.jsonl"), key=lambda p: (len(p.name), p.name))


def need_shared() -> Path:
    if not SHARED.exists():
        sys.exit(f"../shared/data is absent ({SHARED}): this benchmark needs it")
    return SHARED


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def emit(name: str, result: dict) -> None:
    """Print one JSON line with the machine facts every figure in BENCHMARKS.md carries."""
    result = {
        "benchmark": name,
        "date": date.today().isoformat(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        **result,
    }
    print(json.dumps(result, indent=1))


def read_jsonl(path: Path) -> list[dict]:
    """The shared reader's rows as a list: the benchmarks count, slice and extend them."""
    return list(jsonl.read_jsonl(path))


def mean(values: list[float]) -> float:
    return round(statistics.fmean(values), 2) if values else float("nan")
