"""Fitting the verdict combiner: an L2-regularised multinomial logistic regression with the direction of evidence
built in (scipy's L-BFGS-B under bounds).

Why apart from ``bot/nli/combiner.py``: answers only apply a fitted combiner (numpy, microseconds a pair); fitting is
a training job (``claimcheck calibrate``), and answer-time code never imports training code.
"""

from __future__ import annotations

import numpy as np

from bot.nli.combiner import FEATURE_NAMES, MISMATCH, RELEVANCE, UNVERIFIABLE, Combiner


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
