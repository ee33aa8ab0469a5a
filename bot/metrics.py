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


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    """Mean |stated confidence - hit rate| over equal-width confidence bins, weighted by their sizes."""
    if not confidence:
        return 0.0
    total, n = 0.0, len(confidence)
    for b in range(bins):
        idx = [i for i, c in enumerate(confidence) if min(bins - 1, int(c * bins)) == b]
        if idx:
            mean_conf = sum(confidence[i] for i in idx) / len(idx)
            hit = sum(bool(correct[i]) for i in idx) / len(idx)
            total += len(idx) / n * abs(mean_conf - hit)
    return round(total, 4)


def ece_if_calibrated(confidence: Sequence[float], bins: int = 10, draws: int = 1000, seed: int = 0) -> dict:
    """The expected calibration error a perfectly calibrated verdict would still show with these confidences on this
    many claims: the mean and 90th percentile over ``draws`` simulated outcomes (each right with the probability it
    states).

    Why: on a few dozen claims the binned ECE is mostly sampling noise (60 calibrated verdicts score about 0.07-0.10),
    so an observed ECE means something only beside this floor, and a target below the floor cannot be verified.
    """
    import numpy as np  # here, so the rest of this module stays free of dependencies

    if not confidence:
        return {"mean": 0.0, "p90": 0.0}
    conf = np.asarray(confidence, dtype=float)
    rng = np.random.default_rng(seed)
    outcomes = rng.random((draws, len(conf))) < conf
    which = np.minimum(bins - 1, (conf * bins).astype(int))  # the same bins as expected_calibration_error
    stated = np.bincount(which, weights=conf, minlength=bins)
    hits = np.stack([np.bincount(which, weights=row, minlength=bins) for row in outcomes.astype(float)])
    scores = np.abs(stated - hits).sum(axis=1) / len(conf)  # sum over bins of |n_b (mean conf - hit rate)| / n
    return {"mean": round(float(np.mean(scores)), 4), "p90": round(float(np.percentile(scores, 90)), 4)}


def trust(gold: Sequence[str], verdict: Sequence[str], supports: str, refutes: str, absent: str) -> dict:
    """What a fact-checker relies on: each decisive verdict's precision, true claims refuted, claims the library does
    not address given a decisive verdict, and true or false claims given the right decisive verdict.

    ``gold`` holds gold labels (``supports`` / ``refutes`` / ``absent``); ``verdict`` the verdict mapped to those same
    labels, with anything not decisive mapped to ``absent``.
    """

    def share(num: int, den: int) -> float | None:
        return round(num / den, 4) if den else None

    pairs = list(zip(gold, verdict))
    said_s = [g for g, v in pairs if v == supports]
    said_r = [g for g, v in pairs if v == refutes]
    true_claims = [v for g, v in pairs if g == supports]
    absent_claims = [v for g, v in pairs if g == absent]
    decidable = [(g, v) for g, v in pairs if g in (supports, refutes)]
    return {
        "supported_precision": share(sum(g == supports for g in said_s), len(said_s)),
        "refuted_precision": share(sum(g == refutes for g in said_r), len(said_r)),
        "decisive": len(said_s) + len(said_r),
        "true_claims_refuted": share(sum(v == refutes for v in true_claims), len(true_claims)),
        "absent_claims_decided": share(sum(v != absent for v in absent_claims), len(absent_claims)),
        "right_decisive": share(sum(g == v for g, v in decidable), len(decidable)),
    }
