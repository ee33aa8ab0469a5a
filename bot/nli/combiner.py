"""A small learned combiner: cross-encoder probabilities + lexical coverage + mismatch signals -> pair probabilities.

Why: the cross-encoder alone is weak on paraphrased claims (it calls true paraphrases contradictions and misses a
changed number or a dropped negation). A multinomial logistic regression over its log-probabilities, the share of
the claim's content words found in the evidence and the explicit signals of ``features.py`` (with a few products
that let a mismatch override a confident 'entailment') corrects both, stays transparent (one weight per feature and
label, stored as JSON beside the model) and costs microseconds per pair at answer time.

Fitted on the candidates the chain retrieves for real dev claims (``bot/calibrate.py``; ISW dev and SciFact dev, which
issue 2 allows for calibration) and measured cross-fitted, so no reported figure comes from a claim the combiner was
fitted on. Fitting it on synthetic library pairs instead was tried and made real claims worse (MODEL_CARD.md).
Inference is numpy only; fitting uses scikit-learn (a dependency of sentence-transformers).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.nli.scorer import MODEL_DIR, NLIScorer, load_scorer
from bot.nli.signals import FEATURES, signals
from bot.text.words import content_words, overlap

log = logging.getLogger(__name__)
_INTERACT = (
    "neg_evidence_only",
    "neg_claim_only",
    "num_mismatch",
    "date_mismatch",
    "antonym",
    "demonym_mismatch",
    "compass_mismatch",
)
# Say whether a sentence is about the claim, not which way it points: one weight for entailment and contradiction.
RELEVANCE = frozenset({"coverage", "names_missing", "num_match"})
# A detail of the claim the evidence does not state (a number it never gives) argues for "not enough information":
# never for the claim, never for a contradiction.
UNVERIFIABLE = frozenset({"num_unsupported"})
# Never evidence *for* the claim, never evidence against a contradiction.
MISMATCH = frozenset({*FEATURES, *(f"entail*{f}" for f in _INTERACT)}) - RELEVANCE - UNVERIFIABLE
FEATURE_NAMES: tuple[str, ...] = (
    "log_entail",
    "log_neutral",
    "log_contradict",
    "coverage",
    *FEATURES,
    *(f"entail*{f}" for f in _INTERACT),
)


def coverage(evidence: str, claim: str) -> float:
    """Share of the claim's content words (prefix-matched) that the evidence contains."""
    return overlap(content_words(claim), evidence)


def features(pairs: Sequence[tuple[str, str]], probs: np.ndarray) -> np.ndarray:
    """One row of ``FEATURE_NAMES`` per (evidence, claim) pair; ``probs`` are the cross-encoder's rows."""
    rows = []
    for (evidence, claim), p in zip(pairs, probs):
        sig = signals(evidence, claim).as_dict()
        logp = np.log(np.clip(p, 1e-4, 1.0))
        rows.append(
            [*logp, coverage(evidence, claim), *(sig[f] for f in FEATURES), *(float(p[0]) * sig[f] for f in _INTERACT)]
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))


@dataclass
class Combiner:
    """Multinomial logistic regression on standardised features; ``predict`` gives [entail, neutral, contradict]."""

    weights: np.ndarray  # (3, n_features)
    bias: np.ndarray  # (3,)
    mean: np.ndarray
    scale: np.ndarray
    names: tuple[str, ...] = FEATURE_NAMES
    meta: dict | None = None

    def predict(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros((0, 3), dtype=np.float32)
        z = ((x - self.mean) / self.scale) @ self.weights.T + self.bias
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)

    def to_json(self) -> dict:
        return {
            "names": list(self.names),
            "weights": self.weights.round(6).tolist(),
            "bias": self.bias.round(6).tolist(),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "meta": self.meta or {},
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1))

    @classmethod
    def load(cls, path: Path) -> Combiner:
        data = json.loads(path.read_text())
        if tuple(data["names"]) != FEATURE_NAMES:
            raise ValueError(f"{path}: combiner features {data['names']} do not match this code's {FEATURE_NAMES}")
        return cls(
            np.asarray(data["weights"]),
            np.asarray(data["bias"]),
            np.asarray(data["mean"]),
            np.asarray(data["scale"]),
            tuple(data["names"]),
            data.get("meta"),
        )


def fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None, c: float = 1.0) -> Combiner:
    """L2-regularised multinomial logistic regression with the direction of evidence built in.

    Neutral is the reference class (weights 0). Two priors are imposed, because the dev data that fits the weights
    is small and skewed, and a free fit learned the opposite of both on some features:
    - *relevance* features (coverage, missing names, matching numbers) say whether a sentence is about the claim,
      not which way it points: their weight is shared by entailment and contradiction;
    - *mismatch* signals and their products never argue for the claim and never against a contradiction:
      entailment weight <= 0, contradiction weight >= 0 (L-BFGS-B bounds);
    - *unverifiable* details (a number the evidence never gives) argue for neither: both weights <= 0.
    So which way a related sentence points comes from the cross-encoder and the mismatch signals only. Features
    already in [0, 1] are not standardised (a rare signal is shrunk by the L2 penalty instead of being inflated by
    a tiny standard deviation); the log-probabilities are. Classes are balanced by weight, so priors come from the
    verdict rules, not the training mix.
    """
    from scipy.optimize import minimize

    n, d = x.shape
    names = FEATURE_NAMES[:d] if d <= len(FEATURE_NAMES) else tuple(f"f{i}" for i in range(d))
    unit = (x.min(axis=0) >= 0.0) & (x.max(axis=0) <= 1.0)
    mean = np.where(unit, 0.0, x.mean(axis=0))
    scale = np.where(unit, 1.0, x.std(axis=0))
    scale[scale < 1e-6] = 1.0
    z = (x - mean) / scale
    w = np.ones(n) if weight is None else weight.astype(np.float64)
    for k in range(3):
        mask = y == k
        if mask.any():
            w[mask] *= n / (3 * mask.sum())
    onehot = np.eye(3)[y]
    tied = np.array([name in RELEVANCE for name in names])

    def unpack(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        weights = np.zeros((3, d))
        weights[0], weights[2] = theta[:d], theta[d : 2 * d]
        weights[2, tied] = weights[0, tied]
        return weights, np.array([theta[2 * d], 0.0, theta[2 * d + 1]])

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        weights, bias = unpack(theta)
        logits = z @ weights.T + bias
        logits -= logits.max(axis=1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        nll = -(w * (onehot * logp).sum(axis=1)).sum()
        diff = (np.exp(logp) - onehot) * w[:, None]  # d nll / d logits
        grad_w = diff.T @ z + weights / c
        grad_e, grad_c = grad_w[0].copy(), grad_w[2].copy()
        grad_e[tied] += grad_c[tied]
        grad_c[tied] = 0.0
        reg = ((weights[0] ** 2).sum() + (weights[2] ** 2).sum()) / (2 * c)
        return nll + reg, np.concatenate([grad_e, grad_c, [diff[:, 0].sum(), diff[:, 2].sum()]])

    bounds = [(None, 0.0) if name in MISMATCH | UNVERIFIABLE else (None, None) for name in names]
    bounds += [
        (0.0, 0.0)
        if name in RELEVANCE
        else (0.0, None)
        if name in MISMATCH
        else (None, 0.0)
        if name in UNVERIFIABLE
        else (None, None)
        for name in names
    ]
    bounds += [(None, None)] * 2
    result = minimize(loss, np.zeros(2 * d + 2), jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 5000})
    weights, bias = unpack(result.x)
    return Combiner(weights, bias, mean, scale)


class CombinedScorer:
    """An ``NLIScorer`` whose rows are the combiner's probabilities over the base scorer's: drop-in for the verdict."""

    def __init__(self, base: NLIScorer, combiner: Combiner) -> None:
        self.base, self.combiner = base, combiner
        self.name = f"{base.name}+combiner"

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        probs = self.base.score(pairs)
        return self.combiner.predict(features(pairs, probs))


@lru_cache(maxsize=4)
def load_verifier(verifier: str = "shipped", combiner: str = "shipped") -> NLIScorer:
    """The scorer the verdict step uses: the cross-encoder named by ``verifier``, wrapped in a combiner.

    'shipped' applies ``model/combiner.json`` only to the shipped cross-encoder (its weights were fitted on that
    model's probabilities); a path applies that combiner to whichever verifier is set; 'off' uses the bare model.
    """
    base = load_scorer(verifier)
    if combiner == "off":
        return base
    if combiner in ("", "shipped"):
        path = MODEL_DIR / "combiner.json"
        if verifier not in ("", "shipped") or not path.exists():
            return base
        model = Combiner.load(path)
        fitted_on = (model.meta or {}).get("verifier_sha256")
        if fitted_on and fitted_on != model_fingerprint(MODEL_DIR):
            log.warning(
                "model/combiner.json was fitted on another verifier.onnx; verdicts use the bare model until "
                "`claimcheck calibrate` refits it"
            )
            return base
        return CombinedScorer(base, model)
    path = Path(combiner)
    if not path.exists():
        raise FileNotFoundError(f"combiner file not found: {path}")
    return CombinedScorer(base, Combiner.load(path))


def model_fingerprint(model_dir: Path) -> str | None:
    """sha256 of a folder's ``verifier.onnx``: ties a fitted combiner to the exact cross-encoder it was fitted on."""
    onnx = model_dir / "verifier.onnx"
    if not onnx.exists():
        return None
    digest = hashlib.sha256()
    with open(onnx, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
