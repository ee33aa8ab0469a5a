"""Verifier speed on 2 cores: the shipped int8 ONNX model vs the same network in fp32 ONNX (the un-quantised export),
and the two baselines the verifier must beat on claims_dev gold quotes: majority class and embedding cosine.
Usage: python -m benchmarks.verifier_speed"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from benchmarks.common import emit, need_shared, read_jsonl


def rate(scorer, pairs, rounds: int = 5) -> float:
    scorer.score(pairs[:8])
    t0 = time.perf_counter()
    for _ in range(rounds):
        scorer.score(pairs)
    return len(pairs) * rounds / (time.perf_counter() - t0)


class _TorchScorer:
    """The un-exported trained network (transformers, fp32), batched the same way as the shipped scorer."""

    def __init__(self, path: Path) -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.torch = torch
        self.tok = AutoTokenizer.from_pretrained(path)
        self.model = AutoModelForSequenceClassification.from_pretrained(path, dtype=torch.float32).eval()

    def score(self, pairs):
        out = []
        with self.torch.no_grad():
            for s in range(0, len(pairs), 32):
                chunk = pairs[s : s + 32]
                enc = self.tok(
                    [p for p, _ in chunk],
                    [h for _, h in chunk],
                    truncation=True,
                    max_length=256,
                    padding=True,
                    return_tensors="pt",
                )
                out.append(self.torch.softmax(self.model(**enc).logits, -1).numpy())
        return np.concatenate(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--torch-model", type=Path, help="the trained (un-exported) model folder, for the comparison")
    torch_model = ap.parse_args().torch_model
    from bot.nli.scorer import LABELS, MODEL_DIR, OnnxScorer
    from index.embeddings import get_embedder

    claims = read_jsonl(need_shared() / "isw-2022" / "claims_dev.jsonl")
    gold = [
        (" ".join(e["quote"] for e in c["evidence"]), c["claim"], c["label"])
        for c in claims
        if c["label"] != "NOT_ENOUGH_INFO"
    ]
    pairs = [(p, h) for p, h, _ in gold]
    shipped = OnnxScorer(MODEL_DIR)
    probs = shipped.score(pairs)
    want = ["entailment" if lab == "SUPPORTS" else "contradiction" for _, _, lab in gold]
    acc = float(np.mean([LABELS[i] == w for i, w in zip(probs.argmax(1), want)]))
    emb = get_embedder()
    a, b = emb.encode([p for p, _ in pairs]), emb.encode([h for _, h in pairs])
    cos = (a * b).sum(1)
    # Embedding cosine baseline: entailment above the median similarity, contradiction below.
    cos_pred = ["entailment" if x >= np.median(cos) else "contradiction" for x in cos]
    # Speed on what the verdict step scores: single report sentences against claims (400 pairs).
    import random

    from index.sentences import split_sentences

    reports = read_jsonl(need_shared() / "isw-2022" / "reports.jsonl")[:20]
    rng = random.Random(0)
    sentence_pairs = [(s, rng.choice(claims)["claim"]) for r in reports for s in split_sentences(r["text"])][:400]
    result = {
        "speed_pairs": len(sentence_pairs),
        "shipped_int8_pairs_per_s": round(rate(shipped, sentence_pairs), 1),
        "shipped_int8_pairs_per_s_long_gold_quotes": round(rate(shipped, pairs * 4), 1),
        "claims_dev_gold_accuracy": {
            "shipped": round(acc, 3),
            "majority_class": 0.5,
            "embedding_cosine": round(float(np.mean([p == w for p, w in zip(cos_pred, want)])), 3),
        },
    }
    if torch_model:
        result["torch_fp32_pairs_per_s"] = round(rate(_TorchScorer(torch_model), sentence_pairs, rounds=1), 1)
        result["speedup"] = round(result["shipped_int8_pairs_per_s"] / result["torch_fp32_pairs_per_s"], 2)
    emit("verifier_speed", result)


if __name__ == "__main__":
    main()
