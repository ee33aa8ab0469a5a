"""Adding reports to a large library: keyword delta vs a full keyword rebuild, in the same run on copies of one index.

Usage: python -m benchmarks.ingest_one --data-dir DIR [--reports 5] [--trials 3]

DIR holds a built library (the ISW one: `make isw-index`, or a grown one kept by `benchmarks.scale --keep`). Each
trial copies DIR, adds the last ``--reports`` ISW reports under new ids with a new opening line (so they are new to
the library and embedded), and times the whole `ingest_reports` call twice: as shipped (the new passages go to the
keyword delta) and with the full rebuild that every ingest used to do. It also compares the keyword search of each new
report's opening both ways: the top-3 sets, and whether the report's own first passage ranks first (the delta scores
with the main index's statistics, the rebuild with statistics that include the new passages).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.common import emit, need_shared


def _add(folder: Path, reports: list, encode, full_rebuild: bool) -> tuple[float, dict[str, list[str]], int]:
    from index.ingest import ingest_reports
    from index.store import Store

    with Store(folder) as store:
        if full_rebuild:
            store.refresh_keyword_index = store.rebuild_keyword_index  # the behaviour before the delta
        t0 = time.perf_counter()
        ingest_reports(store, reports, encode)
        seconds = time.perf_counter() - t0
        found = {r.id: [pid for pid, _ in store.keyword_search(r.text[:200], 10)] for r in reports}
        return seconds, found, len(store.keyword_ids())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--reports", type=int, default=5)
    ap.add_argument("--trials", type=int, default=3)
    args = ap.parse_args()
    from index.embeddings import get_embedder
    from index.loaders import load
    from index.store import Store

    source = list(load(str(need_shared() / "isw-2022" / "reports.jsonl")))[-args.reports :]
    emb = get_embedder()
    emb.encode(["warm up"])
    times: dict[str, list[float]] = {"delta": [], "rebuild": []}
    agree = total = 0
    first = {"delta": 0, "rebuild": 0}
    passages = 0
    for trial in range(args.trials):
        # New ids and a new opening line: new text to embed, as a real new report would be.
        reports = [
            replace(r, id=f"bench-{trial}-{r.id}", text=f"Bench trial {trial} copy {i}. {r.text}")
            for i, r in enumerate(source)
        ]
        found = {}
        for mode in ("delta", "rebuild"):
            with tempfile.TemporaryDirectory() as tmp:
                copy = Path(tmp) / "d"
                shutil.copytree(args.data_dir, copy, ignore=shutil.ignore_patterns(".lock"))
                with Store(copy):
                    pass  # open once untimed: an index from an older layout is rebuilt here, not in the timing
                seconds, found[mode], passages = _add(copy, reports, emb.encode, mode == "rebuild")
                times[mode].append(seconds)
        for rid in found["delta"]:
            total += 1
            agree += set(found["delta"][rid][:3]) == set(found["rebuild"][rid][:3])
            for mode in ("delta", "rebuild"):
                first[mode] += bool(found[mode][rid]) and found[mode][rid][0].startswith(f"{rid}:")
    d, r = statistics.median(times["delta"]), statistics.median(times["rebuild"])
    emit(
        "ingest_one",
        {
            "library": str(args.data_dir),
            "keyword_rows": passages,
            "new_reports": args.reports,
            "trials": args.trials,
            "delta_s": [round(t, 2) for t in times["delta"]],
            "rebuild_s": [round(t, 2) for t in times["rebuild"]],
            "median_delta_s": round(d, 2),
            "median_rebuild_s": round(r, 2),
            "speedup": round(r / d, 2),
            "same_top3_keyword_hits": f"{agree}/{total}",
            "own_passage_first_delta": f"{first['delta']}/{total}",
            "own_passage_first_rebuild": f"{first['rebuild']}/{total}",
        },
    )


if __name__ == "__main__":
    main()
