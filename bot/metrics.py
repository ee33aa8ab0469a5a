"""Classification metrics over any label set: accuracy, per-class precision/recall/F1, macro-F1, confusion.

Why one module with no dependencies: evaluation (verdicts against gold labels), calibration (combiner folds), training
(the verifier's pair labels, run standalone on a borrowed GPU) and the benchmarks must all count the same way.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence


def accuracy(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> float:
    return round(sum(a == b for a, b in zip(gold, pred)) / max(1, len(gold)), 4)


def confusion(
    gold: Sequence[Hashable], pred: Sequence[Hashable], labels: Sequence[Hashable]
) -> dict[Hashable, dict[Hashable, int]]:
    """Rows gold, columns predicted, in ``labels`` order."""
    return {g: {p: sum(1 for a, b in zip(gold, pred) if a == g and b == p) for p in labels} for g in labels}


def per_class(
    gold: Sequence[Hashable], pred: Sequence[Hashable], labels: Sequence[Hashable]
) -> dict[Hashable, dict[str, float]]:
    out = {}
    for c in labels:
        tp = sum(1 for a, b in zip(gold, pred) if a == c and b == c)
        fp = sum(1 for a, b in zip(gold, pred) if a != c and b == c)
        fn = sum(1 for a, b in zip(gold, pred) if a == c and b != c)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out[c] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "support": tp + fn,
        }
    return out


def macro_f1(gold: Sequence[Hashable], pred: Sequence[Hashable], labels: Sequence[Hashable] | None = None) -> float:
    """Mean F1 over the classes present in ``gold`` (of ``labels``, when given)."""
    present = [c for c in (labels if labels is not None else sorted(set(gold), key=str)) if c in set(gold)]
    pc = per_class(gold, pred, present)
    return round(sum(pc[c]["f1"] for c in present) / max(1, len(present)), 4)
