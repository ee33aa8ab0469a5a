"""Evaluation: labelled claims through the same engine the API uses -> accuracy, macro-F1, evidence recall,
citation precision, fabricated citations, abstention; plus threshold calibration over cached scores.

Claims go in as their text alone, as a user would type them. Labels map SUPPORTED->SUPPORTS, REFUTED->REFUTES,
everything else->NOT_ENOUGH_INFO; CONFLICTING is also counted on its own.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from bot.engine import Engine
from bot.gold import GoldClaim
from bot.labels import GOLD_OF_VERDICT, GoldLabel, Verdict
from bot.metrics import (
    accuracy,
    confusion,
    ece_if_calibrated,
    expected_calibration_error,
    macro_f1,
    per_class,
    trust,
)
from bot.text.words import fold_quotes
from bot.trace import Trace
from bot.verdict.candidates import Scored
from bot.verdict.decision import Thresholds, decide

GOLD_LABELS = tuple(GoldLabel)


def citation_is_gold(cite: dict, gold: GoldClaim, report_text: str) -> bool:
    """Gold by date and quote text (report ids differ between datasets and this index)."""
    body = fold_quotes(report_text)
    for ev in gold.evidence:
        if ev.get("date") and cite.get("date") != ev["date"]:
            continue
        if fold_quotes(ev["quote"])[:200] in body:
            return True
    return False


# ---------------------------------------------------------------------------- running
@dataclass
class ClaimResult:
    gold: GoldClaim
    reply: dict
    trace: Trace | None = None


def run_claims(
    engine: Engine,
    claims: Iterable[GoldClaim],
    use_as_of: bool = False,
    progress: bool = False,
    keep_trace: bool = False,
) -> Iterator[ClaimResult]:
    items = list(claims)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(items), desc="eval", unit=" claims")
    for g in items:
        as_of = g.as_of if use_as_of else None
        trace = None
        if keep_trace and engine.llm is None:  # one pass: the reply is derived from the trace
            trace = engine.trace(g.claim, as_of=as_of)
            reply = engine.respond(trace).model_dump()
        else:
            reply = engine.check(g.claim, as_of=as_of).model_dump()
            trace = engine.trace(g.claim, as_of=as_of) if keep_trace else None
        if bar is not None:
            bar.update(1)
        yield ClaimResult(g, reply, trace)
    if bar is not None:
        bar.close()


def summarise(engine: Engine, results: list[ClaimResult]) -> tuple[dict, list[dict]]:
    gold = [r.gold.label for r in results]
    pred = [GOLD_OF_VERDICT[Verdict(r.reply["verdict"] or Verdict.NOT_ENOUGH_EVIDENCE)] for r in results]
    rows, recall_hits, first_hits, recall_n, cite_gold, cite_n, fabricated = [], 0, 0, 0, 0, 0, 0
    for r, p in zip(results, pred):
        texts = {}
        gold_flags = []
        for c in r.reply["citations"]:
            text = texts.setdefault(c["report_id"], engine.store.report_text(c["report_id"]))
            if text[c["start"] : c["end"]] != c["quote"]:
                fabricated += 1
            gold_flags.append(citation_is_gold(c, r.gold, text) if r.gold.evidence else False)
        if r.gold.label in (GoldLabel.SUPPORTS, GoldLabel.REFUTES) and r.gold.evidence:
            recall_n += 1
            recall_hits += any(gold_flags[:3])
            first_hits += any(gold_flags[:1])
            cite_n += len(gold_flags)
            cite_gold += sum(gold_flags)
        rows.append(
            {
                "id": r.gold.id,
                "claim": r.gold.claim,
                "gold": r.gold.label,
                "pred": p,
                "verdict": r.reply["verdict"],
                "confidence": r.reply["confidence"],
                "as_of": r.gold.as_of,
                "evidence_hit": any(gold_flags[:3]),
                "evidence_first": any(gold_flags[:1]),  # per claim, so a pooled run splits into per-set evidence@1
                "citations": [
                    {k: c[k] for k in ("report_id", "date", "stance", "score", "quote")} for c in r.reply["citations"]
                ],
                "filters": r.reply["filters"],
                "timings": r.reply["timings"],
            }
        )
    verdicts = Counter(r.reply["verdict"] for r in results)
    metrics = {
        "n": len(results),
        "accuracy": accuracy(gold, pred),
        "macro_f1": macro_f1(gold, pred, GOLD_LABELS),
        "evidence_recall": round(recall_hits / recall_n, 4) if recall_n else None,
        # the first citation is a gold passage: the one a reader looks at (and a decisive verdict rests on)
        "evidence_at_1": round(first_hits / recall_n, 4) if recall_n else None,
        "citation_precision": round(cite_gold / cite_n, 4) if cite_n else None,
        "fabricated": fabricated,
        "abstention_rate": round(verdicts.get(Verdict.NOT_ENOUGH_EVIDENCE, 0) / max(1, len(results)), 4),
        "conflicting": verdicts.get(Verdict.CONFLICTING, 0),
        "ece": expected_calibration_error(
            [r.reply["confidence"] for r in results], [g == p for g, p in zip(gold, pred)]
        ),
        # what a perfectly calibrated verdict would score on this many claims: the yardstick for "ece"
        "ece_if_calibrated": ece_if_calibrated([r.reply["confidence"] for r in results]),
        **trust(gold, pred, GoldLabel.SUPPORTS, GoldLabel.REFUTES, GoldLabel.NOT_ENOUGH_INFO),
        "per_class": per_class(gold, pred, GOLD_LABELS),
        "confusion": confusion(gold, pred, GOLD_LABELS),
    }
    return metrics, rows


def fit_thresholds(claim_traces: list[tuple[str, str, list[Scored]]], base: Thresholds) -> tuple[Thresholds, float]:
    """Grid search over decision thresholds on cached candidate scores; returns the best and its accuracy.

    Fitting on a set and reporting on the same set overstates accuracy: callers report a cross-validated figure.
    """
    grid = {
        "entail": [0.4, 0.5, 0.6, 0.7, 0.8],
        "contradict": [0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
        "min_overlap": [0.2, 0.3, 0.4, 0.5],
        "min_overlap_refute": [0.3, 0.4, 0.5, 0.6],
        "third_party_discount": [0.5, 1.0],
    }
    best, best_acc = base, -1.0
    for values in itertools.product(*grid.values()):
        th = replace(base, **dict(zip(grid.keys(), values)))
        acc = sum(
            GOLD_OF_VERDICT[decide(claim, cands, th).verdict] == label for claim, label, cands in claim_traces
        ) / max(1, len(claim_traces))
        if acc > best_acc + 1e-9:
            best, best_acc = th, acc
    return best, round(best_acc, 4)


def cross_validated_fit(claim_traces: list[tuple[str, str, list[Scored]]], base: Thresholds, seed: int = 0) -> dict:
    """Thresholds fitted on all claims, with the accuracy they reach there and under 2-fold cross-validation."""
    import random

    idx = list(range(len(claim_traces)))
    random.Random(seed).shuffle(idx)
    folds = [idx[::2], idx[1::2]]
    held_out = []
    for k in range(2):
        fitted, _ = fit_thresholds([claim_traces[i] for i in folds[1 - k]], base)
        test = [claim_traces[i] for i in folds[k]]
        held_out.append(
            sum(GOLD_OF_VERDICT[decide(c, cs, fitted).verdict] == lab for c, lab, cs in test) / max(1, len(test))
        )
    best, fit_acc = fit_thresholds(claim_traces, base)
    return {
        "thresholds": best.__dict__,
        "accuracy_on_fitted_claims": fit_acc,
        "accuracy_2fold_cv": round(sum(held_out) / 2, 4),
    }


def plots(rows: list[dict], metrics: dict, out: Path) -> list[Path]:
    """Confusion-matrix, reliability and risk-coverage PNGs (matplotlib is an optional extra)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    out.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(4.5, 4))
    mat = [[metrics["confusion"][g][p] for p in GOLD_LABELS] for g in GOLD_LABELS]
    ax.imshow(mat, cmap="Blues")
    for i, j in itertools.product(range(3), range(3)):
        ax.text(j, i, mat[i][j], ha="center", va="center")
    ax.set_xticks(range(3), [lbl[:7] for lbl in GOLD_LABELS])
    ax.set_yticks(range(3), [lbl[:7] for lbl in GOLD_LABELS])
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(f"accuracy {metrics['accuracy']:.2f}")
    cm = _save(fig, out / "confusion.png")
    bins = [[] for _ in range(5)]
    for r in rows:
        bins[min(4, int(r["confidence"] * 5))].append(r["gold"] == r["pred"])
    fig, ax = plt.subplots(figsize=(4.5, 4))
    xs = [(i + 0.5) / 5 for i in range(5) if bins[i]]
    ys = [sum(b) / len(b) for b in bins if b]
    ax.plot([0, 1], [0, 1], "--", color="grey")
    ax.plot(xs, ys, "o-")
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title("reliability")
    rel = _save(fig, out / "reliability.png")
    # Risk-coverage: answer only the claims above a confidence, from the most confident down; how often wrong.
    ranked = sorted(rows, key=lambda r: -r["confidence"])
    wrong, xs, ys = 0, [], []
    for i, r in enumerate(ranked, 1):
        wrong += r["gold"] != r["pred"]
        xs.append(i / len(ranked))
        ys.append(wrong / i)
    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.plot(xs, ys, "-")
    ax.set_xlabel("coverage (share of claims answered, most confident first)")
    ax.set_ylabel("risk (share of those answered wrongly)")
    ax.set_title("risk-coverage")
    return [cm, rel, _save(fig, out / "risk_coverage.png")]


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
