"""One pooled `claimcheck eval` run over the held-out ISW sets, split back into one row per set.

Why: BENCHMARKS.md reports each held-out set and their pool for several decisions; running `eval` once on the
concatenated sets and splitting its `claims.jsonl` gives every cell from one run of the chain per decision, the same
replies in the per-set and the pooled rows, and a quarter of the time of one run per set.
Usage: python -m benchmarks.holdout_table RUN_DIR [RUN_DIR ...]  (each holding the claims.jsonl of a pooled run)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.common import HELD_OUT_SETS, read_jsonl
from bot.metrics import ece_if_calibrated, expected_calibration_error, trust

POOLED_FIRST = ("isw_holdout.jsonl", "isw_holdout2.jsonl", "isw_holdout3.jsonl")  # reported pooled, as first written


def groups() -> dict[str, set[str]]:
    """Claim ids of each row: sets 1-3 pooled (as first reported), then each later set by its number."""
    ids = {p.name: {r["id"] for r in read_jsonl(p)} for p in HELD_OUT_SETS}
    out = {"sets 1-3": set().union(*(ids.pop(n) for n in POOLED_FIRST if n in ids))}
    out.update({f"set {n.removeprefix('isw_holdout').removesuffix('.jsonl')}": v for n, v in ids.items()})
    return out


def row(rows: list[dict]) -> dict:
    """The table's measures for some claims of a run."""
    gold = [r["gold"] for r in rows]
    pred = [r["pred"] for r in rows]
    decided = [(r["gold"], r["pred"]) for r in rows if r["pred"] != "NOT_ENOUGH_INFO"]
    facts = [r for r in rows if r["gold"] != "NOT_ENOUGH_INFO"]
    conf = [r["confidence"] for r in rows]
    return {
        "n": len(rows),
        **{f"{v}_right": sum(g == p for g, p in decided if p == v) for v in ("SUPPORTS", "REFUTES")},
        **{f"{v}_given": sum(p == v for _, p in decided) for v in ("SUPPORTS", "REFUTES")},
        **trust(gold, pred, "SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO"),
        "ece": expected_calibration_error(conf, [g == p for g, p in zip(gold, pred)]),
        "ece_if_calibrated": ece_if_calibrated(conf),
        "evidence_at_1": round(sum(r.get("evidence_first", False) for r in facts) / len(facts), 4) if facts else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", type=Path, nargs="+")
    args = ap.parse_args()
    sets = groups()  # read once for every run
    for run in args.runs:
        rows = list(read_jsonl(run / "claims.jsonl"))
        table = {name: row(part) for name, ids in sets.items() if (part := [r for r in rows if r["id"] in ids])}
        table["all"] = row(rows)
        print(json.dumps({"run": str(run), "rows": table}))


if __name__ == "__main__":
    main()
