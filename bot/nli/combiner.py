"""A small learned combiner: cross-encoder probabilities + lexical coverage + mismatch signals -> pair probabilities.

Why: the cross-encoder alone is weak on paraphrased claims (it calls true paraphrases contradictions and misses a
changed number or a dropped negation). A multinomial logistic regression over its log-probabilities, the share of
the claim's content words found in the evidence and the explicit signals of ``signals.py`` (with a few products
that let a mismatch override a confident 'entailment') corrects both, stays transparent (one weight per feature and
label, stored as JSON beside the model) and costs microseconds per pair at answer time.

Fitted (``bot/training/combiner_fit.py``, driven by ``bot/training/calibrate.py``) on the candidates the engine
retrieves for real dev claims (ISW dev and SciFact dev) and measured cross-fitted, so no reported figure comes from a
claim the combiner was fitted on. Fitting it on synthetic library pairs instead was tried and made real claims worse
(docs/history.md). Applying it is numpy only.
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
