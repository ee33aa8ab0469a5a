"""Exported verifiers scored as shipped (int8 ONNX, one pair per run) on the recipe's held-out sets, side by side.

Why: `train.py` reports held-out scores of the fp32 network it just trained, but what answers is the int8 export,
and two second-stage runs of 2026-11-29 saw an fp32 gain vanish once exported. This scores any number of exported
model folders (each holding verifier.onnx, tokenizer.json, config.json) on the same pairs in one run; the shipped model
is always one of them. The 60 SUPPORTS/REFUTES claims of the held-out ISW sets in benchmarks/data/ are scored the same
way against their gold quotes (`isw_holdout_gold`), and pooled with claims_dev's 40 (`paraphrased_gold`, 100
hand-written paraphrased claims); each model's pooled pairs are compared with the shipped model's and every model
before it by an exact McNemar test, because 40 pairs alone cannot tell recipes apart (the runs of 2026-12-01 and
2026-12-02 measured 0.35-0.60 on them). The pooled pairs are also read two-way (`two_way_right`: entailment against
contradiction, neutral ignored), since the gold pairs hold no neutral: the gap between the two readings is the neutral
answers, the rest is the network's reading of paraphrases.
Usage: python -m benchmarks.verifier_heldout --data runs/verifier/data [--model DIR ...]
(--data: a folder written by `claimcheck train-verifier` or `recipe.build`, holding eval.jsonl.gz)"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence
from math import comb
from pathlib import Path

from benchmarks.common import HELD_OUT_SETS, ROOT, emit, read_jsonl

# The three sets the verifier's published held-out figures were measured on (isw_holdout4.jsonl came later).
HOLDOUT = [ROOT / "benchmarks" / "data" / f"isw_holdout{n}.jsonl" for n in ("", "2", "3")]


def gold_rows(paths: list[Path]) -> list[dict]:
    """SUPPORTS/REFUTES claims against their gold quotes, as eval rows (entailment 0, contradiction 2)."""
    return [
        {"p": " ".join(e["quote"] for e in c["evidence"]), "h": c["claim"], "y": 0 if c["label"] == "SUPPORTS" else 2}
        for path in paths
        for c in read_jsonl(path)
        if c["label"] in ("SUPPORTS", "REFUTES")
    ]


def mcnemar(a: list[bool], b: list[bool]) -> dict:
    """Exact two-sided McNemar test on paired right/wrong outcomes: the pairs only one model gets right decide."""
    only_a = sum(1 for x, y in zip(a, b) if x and not y)
    only_b = sum(1 for x, y in zip(a, b) if y and not x)
    n = only_a + only_b
    p = min(1.0, 2 * sum(comb(n, k) for k in range(min(only_a, only_b) + 1)) / 2**n) if n else 1.0
    return {"only_first_right": only_a, "only_second_right": only_b, "p": round(p, 4)}


def two_way_right(probs: Sequence[Sequence[float]], ys: Sequence[int]) -> list[bool]:
    """Right when the larger of p(entailment) and p(contradiction) names the gold label (0 or 2); ties read entailment.

    Why: a pair labelled only entailment or contradiction can still be answered neutral, and the verdict step weighs
    neutral through its combiner. Counting the two readings apart says which of the two errors a model makes."""
    return [(0 if p[0] >= p[2] else 2) == y for p, y in zip(probs, ys)]


def pooled_scores(scorer, rows: list[dict], name: str, right: dict[str, list[bool]]) -> dict:
    """One model's right answers on pooled gold pairs (argmax and two-way), recorded in ``right`` under ``name`` and
    compared by McNemar with every model scored on them before it."""
    probs = scorer.score([(r["p"], r["h"]) for r in rows])
    right[name] = [p == r["y"] for p, r in zip(probs.argmax(axis=1).tolist(), rows)]
    return {
        "n": len(rows),
        "correct": sum(right[name]),
        "two_way_correct": sum(two_way_right(probs, [r["y"] for r in rows])),
        "vs": {other: mcnemar(right[name], right[other]) for other in right if other != name},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--model", type=Path, action="append", default=[], help="an exported model folder (repeatable)")
    args = ap.parse_args()
    from bot.nli.scorer import MODEL_DIR, OnnxScorer
    from bot.training.train import set_scores  # the definition train.py reports its fp32 scores with

    rows = read_jsonl(args.data / "eval.jsonl.gz")
    by_set: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["set"] != "synth_val":  # the recipe's own synthetic pairs: not a judgement on real claims
            by_set[r["set"]].append(r)
    if HOLDOUT:
        by_set["isw_holdout_gold"] = gold_rows(HOLDOUT)
    # Pooled gold pairs, each compared across models: the 100 paraphrased ones, and every held-out set's (the larger
    # count a second training stage on written ISW pairs is judged by, 2026-12-06: those pairs come from other reports).
    pools = {
        "paraphrased_gold": by_set.get("claims_dev_gold", []) + by_set.get("isw_holdout_gold", []),
        "all_holdout_gold": gold_rows(HELD_OUT_SETS),
    }
    right: dict[str, dict[str, list[bool]]] = {pool: {} for pool in pools}
    result = {}
    for folder in [MODEL_DIR, *args.model]:
        scorer = OnnxScorer(folder)
        scores = {}
        for name, items in sorted(by_set.items()):
            probs = scorer.score([(r["p"], r["h"]) for r in items])
            scores[name] = set_scores([r["y"] for r in items], probs.argmax(axis=1).tolist())
        scores["claims_dev_gold+scifact_dev macro_f1"] = round(
            scores.get("claims_dev_gold", {}).get("macro_f1", 0) + scores.get("scifact_dev", {}).get("macro_f1", 0), 4
        )
        name = "shipped" if folder == MODEL_DIR else str(folder)
        for pool, items in pools.items():
            if items:
                scores[pool] = pooled_scores(scorer, items, name, right[pool])
        result[name] = scores
    emit("verifier_heldout", {"data": str(args.data), "scores": result})


if __name__ == "__main__":
    main()
