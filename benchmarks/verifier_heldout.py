"""Exported verifiers scored as shipped (int8 ONNX, one pair per run) on the recipe's held-out sets, side by side.

Why: `train.py` reports held-out scores of the fp32 network it just trained, but what answers is the int8 export,
and session 7 saw an fp32 gain vanish once exported. This scores any number of exported model folders (each holding
verifier.onnx, tokenizer.json, config.json) on the same pairs in one run; the shipped model is always one of them.
Usage: python -m benchmarks.verifier_heldout --data runs/verifier/data [--model DIR ...]
(--data: a folder written by `claimcheck train-verifier` or `recipe.build`, holding eval.jsonl.gz)"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import defaultdict
from pathlib import Path

from benchmarks.common import emit

LABELS = ("entailment", "neutral", "contradiction")


def metrics(gold: list[int], pred: list[int]) -> dict:
    acc = sum(g == p for g, p in zip(gold, pred)) / max(1, len(gold))
    f1s = []
    for c in sorted(set(gold)):
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        wrong = sum((g == c) != (p == c) for g, p in zip(gold, pred))
        f1s.append(2 * tp / max(1, 2 * tp + wrong))
    return {"n": len(gold), "accuracy": round(acc, 4), "macro_f1": round(sum(f1s) / max(1, len(f1s)), 4)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--model", type=Path, action="append", default=[], help="an exported model folder (repeatable)")
    args = ap.parse_args()
    from bot.verifier.nli import MODEL_DIR, OnnxScorer

    with gzip.open(args.data / "eval.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    by_set: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["set"] != "synth_val":  # made by this session's generator: not a held-out judgement of real claims
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
