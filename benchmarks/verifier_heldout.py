"""Exported verifiers scored as shipped (int8 ONNX, one pair per run) on the recipe's held-out sets, side by side.

Why: `train.py` reports held-out scores of the fp32 network it just trained, but what answers is the int8 export,
and session 7 saw an fp32 gain vanish once exported. This scores any number of exported model folders (each holding
verifier.onnx, tokenizer.json, config.json) on the same pairs in one run; the shipped model is always one of them.
Usage: python -m benchmarks.verifier_heldout --data runs/verifier/data [--model DIR ...]
(--data: a folder written by `claimcheck train-verifier` or `recipe.build`, holding eval.jsonl.gz)"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from benchmarks.common import emit


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--model", type=Path, action="append", default=[], help="an exported model folder (repeatable)")
    args = ap.parse_args()
    from bot.verifier.nli import MODEL_DIR, OnnxScorer
    from bot.verifier.train import metrics, read_rows  # the definitions train.py reports its fp32 scores with

    rows = read_rows(args.data / "eval.jsonl.gz")
    by_set: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["set"] != "synth_val":  # the recipe's own synthetic pairs: not a judgement on real claims
            by_set[r["set"]].append(r)
    result = {}
    for folder in [MODEL_DIR, *args.model]:
        scorer = OnnxScorer(folder)
        scores = {}
        for name, items in sorted(by_set.items()):
            probs = scorer.score([(r["p"], r["h"]) for r in items])
            scores[name] = metrics([r["y"] for r in items], probs.argmax(axis=1).tolist())
        scores["claims_dev_gold+scifact_dev macro_f1"] = round(
            scores.get("claims_dev_gold", {}).get("macro_f1", 0) + scores.get("scifact_dev", {}).get("macro_f1", 0), 4)
        result["shipped" if folder == MODEL_DIR else str(folder)] = scores
    emit("verifier_heldout", {"data": str(args.data), "scores": result})


if __name__ == "__main__":
    main()
