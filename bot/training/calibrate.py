"""Fit the verdict combiner on dev claims traced through the real chain, and measure it without fooling ourselves.

Why from traces: the combiner must learn from the pairs the verdict step really sees (the retrieved candidate
sentences of a claim, not only hand-picked gold quotes), including the unrelated-but-similar sentences it must call
neutral. Each dev claim is run through the chain once with the bare cross-encoder; its candidates are labelled:

- a candidate that holds a gold quote (or lies inside one) gets the claim's label (SUPPORTS -> entailment,
  REFUTES -> contradiction);
- every candidate of a NOT_ENOUGH_INFO claim is neutral;
- SciFact's rationale annotations are exhaustive per abstract, so its other candidates are neutral; an ISW claim's
  other candidates are left out (another report may well state the same fact).

Measured two ways, both on claims the fitted combiner never saw: *cross-fitted* (5 folds of claims; each claim's
verdict comes from a combiner fitted on the other folds of both datasets) and *cross-dataset* (fitted on SciFact dev
only, verdicts on ISW dev, and the reverse). The shipped combiner is then fitted on all of it.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from bot.engine import Engine
from bot.gold import GoldClaim
from bot.labels import GOLD_OF_VERDICT, GoldLabel
from bot.metrics import accuracy, confusion, macro_f1
from bot.nli.combiner import Combiner, features
from bot.text.words import loose_key
from bot.training.combiner_fit import fit
from bot.verdict.candidates import Scored
from bot.verdict.decision import Thresholds, decide

LABEL_OF = {GoldLabel.SUPPORTS: 0, GoldLabel.REFUTES: 2}
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


@dataclass
class Traced:
    """A dev claim with its scored candidates (base cross-encoder probabilities kept in ``base``)."""

    dataset: str
    gold: GoldClaim
    cands: list[Scored]
    dates: dict[str, str | None]  # report id -> date
    base: list[np.ndarray] = field(default_factory=list)
    x: np.ndarray | None = None
    y: list[int | None] = field(default_factory=list)


def candidate_labels(t: Traced) -> list[int | None]:
    """Per candidate: 0/1/2 (entailment/neutral/contradiction) or None when the gold data cannot say."""
    out: list[int | None] = []
    quotes = [
        (loose_key(e["quote"]), e.get("date"), e.get("doc_id") if t.dataset == "scifact" else None)
        for e in t.gold.evidence
    ]
    for c in t.cands:
        if t.gold.label not in LABEL_OF:
            out.append(1)
            continue
        text = loose_key(c.text)
        hit = any(
            q
            and (q in text or (len(text) > 40 and text in q))
            and (not d or t.dates.get(c.report_id) == d)
            and (doc is None or c.report_id == f"scifact-{doc}")
            for q, d, doc in quotes
        )
        if hit:
            out.append(LABEL_OF[t.gold.label])
        elif t.dataset == "scifact":
            out.append(1)
        else:
            out.append(None)
    return out


def trace_claims(engine: Engine, claims: Iterable[GoldClaim], dataset: str, progress: bool = False) -> list[Traced]:
    """Run each claim through the chain up to the verdict; ``engine`` must score with the bare cross-encoder."""
    items = list(claims)
    if progress:
        from tqdm import tqdm

        items = tqdm(items, desc=f"trace {dataset}", unit=" claims")
    out = []
    for g in items:
        trace = engine.trace(g.claim)
        cands = list(trace.judgement.candidates)
        dates = {rid: info.date if info else None for rid, info in trace.evidence.reports.items()}
        t = Traced(dataset, g, cands, dates, base=[c.probs.copy() for c in cands])
        t.x = features([(c.text, g.claim) for c in cands], np.asarray(t.base).reshape(len(cands), 3))
        t.y = candidate_labels(t)
        out.append(t)
    return out


def _rows(traced: list[Traced]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labelled candidate rows: features, labels, claim index (the group for grouped cross-validation)."""
    xs, ys, groups = [], [], []
    for i, t in enumerate(traced):
        for row, y in zip(t.x if t.x is not None else [], t.y):
            if y is not None:
                xs.append(row)
                ys.append(y)
                groups.append(i)
    width = traced[0].x.shape[1] if traced and traced[0].x is not None else 0
    return np.asarray(xs).reshape(len(xs), width), np.asarray(ys, dtype=int), np.asarray(groups)


def _log_loss(model: Combiner, x: np.ndarray, y: np.ndarray) -> float:
    p = model.predict(x)
    return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-9, 1.0))))


def fit_traced(traced: list[Traced], seed: int = 0) -> Combiner:
    """Fit on every labelled candidate; C picked by 4-fold grouped cross-validated log-loss (not by verdicts)."""
    x, y, groups = _rows(traced)
    uniq = sorted(set(groups.tolist()))
    random.Random(seed).shuffle(uniq)
    fold_of = {g: k % 4 for k, g in enumerate(uniq)}
    folds = np.asarray([fold_of[g] for g in groups])
    best_c, best_loss = C_GRID[0], float("inf")
    for c in C_GRID:
        losses = []
        for k in range(4):
            train, test = folds != k, folds == k
            if len(set(y[train].tolist())) < 3 or not test.any():
                continue
            losses.append(_log_loss(fit(x[train], y[train], c=c), x[test], y[test]))
        if losses and np.mean(losses) < best_loss:
            best_c, best_loss = c, float(np.mean(losses))
    model = fit(x, y, c=best_c)
    model.meta = {
        "C": best_c,
        "cv_log_loss": round(best_loss, 4),
        "pairs": len(y),
        "by_label": {str(k): int((y == k).sum()) for k in range(3)},
        "claims": {d: sum(1 for t in traced if t.dataset == d) for d in sorted({t.dataset for t in traced})},
    }
    return model


def verdicts(traced: list[Traced], model: Combiner | None, th: Thresholds) -> list[str]:
    """Gold-label-space verdicts for ``traced`` with pair probabilities from ``model`` (None = bare cross-encoder)."""
    out = []
    for t in traced:
        probs = model.predict(t.x) if model is not None and len(t.cands) else t.base
        rescored = [Scored.of(c, np.asarray(p, dtype=np.float32)) for c, p in zip(t.cands, probs)]
        out.append(GOLD_OF_VERDICT[decide(t.gold.claim, rescored, th).verdict])
    return out


def _scores(traced: list[Traced], pred: list[str]) -> dict:
    gold = [t.gold.label for t in traced]
    return {
        "n": len(gold),
        "accuracy": accuracy(gold, pred),
        "macro_f1": macro_f1(gold, pred, tuple(GoldLabel)),
        "confusion": confusion(gold, pred, tuple(GoldLabel)),
    }


def _pair_stats(t: Traced, model: Combiner | None, top: int = 3) -> tuple[int, int, int, int]:
    """(gold pairs right, gold pairs, NEI top-``top`` candidates not called entailment, NEI candidates looked at)."""
    probs = model.predict(t.x) if model is not None and len(t.cands) else np.asarray(t.base).reshape(-1, 3)
    if t.gold.label == GoldLabel.NOT_ENOUGH_INFO:
        pred = [int(np.argmax(p)) for p in probs[:top]]
        return 0, 0, sum(1 for k in pred if k != 0), len(pred)
    pairs = [(p, y) for p, y in zip(probs, t.y) if y in (0, 2)]
    return sum(int(np.argmax(p) == y) for p, y in pairs), len(pairs), 0, 0


def pair_scores(stats: list[tuple[int, int, int, int]]) -> dict:
    """Gold-quote pairs: SUPPORTS->entailment / REFUTES->contradiction argmax accuracy; NEI claims: the share of
    their top retrieved candidates *not* called entailment (the verifier's two pair-level goals)."""
    g, gn, e, en = (sum(s[i] for s in stats) for i in range(4))
    return {
        "gold_pairs": gn,
        "gold_pair_accuracy": round(g / gn, 4) if gn else None,
        "nei_pairs": en,
        "nei_no_entailment": round(e / en, 4) if en else None,
    }


def evaluate(traced: list[Traced], th: Thresholds, folds: int = 5, seed: int = 0) -> dict:
    """Bare cross-encoder vs cross-fitted combiner vs cross-dataset combiner, per dataset, same traces."""
    datasets = sorted({t.dataset for t in traced})
    rng = random.Random(seed)
    order = list(range(len(traced)))
    rng.shuffle(order)
    fold_of = {i: k % folds for k, i in enumerate(order)}
    pred_cf: dict[int, str] = {}
    stats_cf: dict[int, tuple[int, int, int, int]] = {}
    for k in range(folds):
        train = [t for i, t in enumerate(traced) if fold_of[i] != k]
        test_idx = [i for i in range(len(traced)) if fold_of[i] == k]
        model = fit_traced(train, seed)
        for i, v in zip(test_idx, verdicts([traced[i] for i in test_idx], model, th)):
            pred_cf[i] = v
        stats_cf.update({i: _pair_stats(traced[i], model) for i in test_idx})
    report: dict = {}
    for d in datasets:
        idx = [i for i, t in enumerate(traced) if t.dataset == d]
        subset = [traced[i] for i in idx]
        entry = {
            "cross_encoder_only": _scores(subset, verdicts(subset, None, th)),
            "combiner_cross_fitted": _scores(subset, [pred_cf[i] for i in idx]),
            "pairs_cross_encoder_only": pair_scores([_pair_stats(t, None) for t in subset]),
            "pairs_combiner_cross_fitted": pair_scores([stats_cf[i] for i in idx]),
        }
        others = [t for t in traced if t.dataset != d]
        if others:
            model = fit_traced(others, seed)
            entry["combiner_cross_dataset"] = _scores(subset, verdicts(subset, model, th))
            entry["pairs_combiner_cross_dataset"] = pair_scores([_pair_stats(t, model) for t in subset])
        report[d] = entry
    return report
