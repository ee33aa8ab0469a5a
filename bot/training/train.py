"""Train the 3-way cross-encoder on the recipe's pairs; evaluate on the held-out sets.

Why it imports only torch, transformers, the standard library and three of the project's standard-library-only modules
(the options in ``bot.training.config``, the counts in ``bot.metrics``, the reader in ``index.jsonl``): the same file
trains on these 2 CPU cores (``claimcheck train-verifier``) or on a borrowed GPU from a checkout, without installing
the project::

    PYTHONPATH=. python -m bot.training.train --data runs/verifier/data --base MINILM_FOLDER --out runs/verifier/trained

Length-bucketed batches, linear warm-up/decay, bf16 autocast on a GPU and on CPUs with bf16 matrix units (AMX or
AVX512-BF16; BENCHMARKS.md has the speed-up on this project's 2-core machines), partial-label loss for 2-way data.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from bot.metrics import accuracy, macro_f1
from bot.training.config import TrainConfig, argument_parser, from_namespace
from index.jsonl import read_jsonl

ID2LABEL = {0: "entailment", 1: "neutral", 2: "contradiction"}


def bucketed_batches(rows: list[dict], batch: int, rng: random.Random) -> list[list[dict]]:
    """Batches of similar length (less padding), in random order."""
    order = sorted(rows, key=lambda r: len(r["p"]) + len(r["h"]) + rng.random() * 20)
    batches = [order[i : i + batch] for i in range(0, len(order), batch)]
    rng.shuffle(batches)
    return batches


def pad_batch(batch: list[dict], device: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    width = max(len(r["ids"]) for r in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for i, r in enumerate(batch):
        n = len(r["ids"])
        ids[i, :n] = torch.tensor(r["ids"])
        types[i, :n] = torch.tensor(r["types"])
        mask[i, :n] = 1
    return ids.to(device), types.to(device), mask.to(device)


def bf16_device(device: str, choice: str = "auto") -> bool:
    """Whether to autocast to bf16: always on a GPU; on a CPU where it has bf16 matrix units ("auto") or when asked."""
    if device == "cuda" or choice == "on":
        return True
    if choice == "off":
        return False
    cpu = torch.cpu
    return bool(
        getattr(cpu, "_is_amx_tile_supported", lambda: False)()
        or getattr(cpu, "_is_avx512_bf16_supported", lambda: False)()
    )


def loss_fn(logits: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Cross-entropy for 3-way labels; partial labels for the two 2-way ones: -log(p_neutral + p_contradiction) for
    label 3 ('not entailment'), -log(p_entailment + p_neutral) for label 4 ('not contradiction': a pair known not to
    contradict, not known to entail)."""
    logp = torch.log_softmax(logits.float(), dim=-1)
    full = labels.clamp(max=2)
    nll = -logp.gather(1, full[:, None]).squeeze(1)
    not_entailment = -torch.logsumexp(logp[:, 1:], dim=-1)
    not_contradiction = -torch.logsumexp(logp[:, :2], dim=-1)
    per = torch.where(labels == 3, not_entailment, torch.where(labels == 4, not_contradiction, nll))
    return (per * weights).sum() / weights.sum()


@torch.no_grad()
def predict(model, tok, pairs: list[tuple[str, str]], device: str, max_len: int, batch: int = 128) -> list[list[float]]:
    """Probabilities in fp32 (no autocast): the export is traced in fp32 before its int8 quantisation."""
    model.eval()
    out: list[list[float]] = [None] * len(pairs)  # type: ignore[list-item]
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    for s in range(0, len(order), batch):
        idx = order[s : s + batch]
        enc = tok(
            [pairs[i][0] for i in idx],
            [pairs[i][1] for i in idx],
            truncation="longest_first",
            max_length=max_len,
            padding=True,
            return_tensors="pt",
        ).to(device)
        probs = torch.softmax(model(**enc).logits.float(), dim=-1).cpu().tolist()
        for i, p in zip(idx, probs):
            out[i] = p
    return out


def evaluate(model, tok, eval_rows: list[dict], device: str, max_len: int) -> dict:
    """Accuracy and macro-F1 per held-out set; 2-way sets count entailment vs not."""
    by_set: dict[str, list[dict]] = defaultdict(list)
    for r in eval_rows:
        by_set[r["set"]].append(r)
    scores = {}
    for name, rows in by_set.items():
        probs = predict(model, tok, [(r["p"], r["h"]) for r in rows], device, max_len)
        preds = [max(range(3), key=lambda k: p[k]) for p in probs]
        gold = [r["y"] for r in rows]
        scores[name] = set_scores(gold, preds)
        if name == "synth_val":  # hypothesis-only bias check: with no premise, accuracy should fall to chance
            hprobs = predict(model, tok, [("", r["h"]) for r in rows], device, max_len)
            scores["synth_val_hypothesis_only"] = set_scores(gold, [max(range(3), key=lambda k: p[k]) for p in hprobs])
    return scores


def set_scores(gold: list[int], pred: list[int]) -> dict:
    """One held-out set's size, accuracy and macro-F1 over the classes present in ``gold``: what this script reports,
    and what benchmarks/verifier_heldout.py reports for exported models beside it."""
    return {"n": len(gold), "accuracy": accuracy(gold, pred), "macro_f1": macro_f1(gold, pred)}


def fit_to_budget(
    step: int,
    total: int,
    warm: int,
    per_step: float,
    seconds_left: float,
    warmup_share: float = TrainConfig.warmup_share,
) -> tuple[int, int]:
    """The schedule's (total steps, warm-up steps) once a step's time is known, so that training ends in budget.

    The warm-up stays a share of the schedule actually run: sized for the unshrunk one, a one-hour CPU run of
    2026-12-01 spent a quarter of its steps warming up. Both are read late by the learning-rate lambda.
    """
    total = max(step + 1, min(total, int(seconds_left / per_step) + step))
    return total, min(warm, max(1, int(total * warmup_share)))


def layer_groups(model: torch.nn.Module, lr: float, decay: float) -> list[dict]:
    """AdamW parameter groups with layer-wise learning-rate decay (ULMFiT, ELECTRA): the head and the top layer
    learn at ``lr``, each layer below at ``decay`` times the one above, the embeddings lowest.

    Why: the base MiniLM was trained to place paraphrases together, and fine-tuning on NLI pairs erodes that (a
    0.93-epoch run read paraphrased claims better than a 1.85-epoch one, 2026-12-02). A decay below 1 keeps the
    lower layers near their pre-trained weights. ``decay`` 1.0 gives one group: the recipe as it was. Measured once
    (2026-12-02, docs/MODEL_CARD.md): 0.8 gained nothing on paraphrased claims and cost NLI, so the recipe keeps it
    off.
    """
    if not 0.0 < decay <= 1.0:
        raise ValueError(f"layer decay must be in (0, 1], got {decay}")
    if decay == 1.0:
        return [{"params": [p for p in model.parameters() if p.requires_grad], "lr": lr}]
    layers = model.config.num_hidden_layers
    groups: dict[int, list] = defaultdict(list)
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        if ".embeddings." in f".{name}":
            depth = layers
        elif ".layer." in name:
            depth = layers - 1 - int(name.split(".layer.")[1].split(".")[0])
        else:  # pooler and classifier
            depth = 0
        groups[depth].append(param)
    return [{"params": params, "lr": lr * decay**depth} for depth, params in sorted(groups.items())]


def train(config: TrainConfig) -> dict:
    """Train, score the held-out sets in fp32, and save the weights and ``train_result.json`` (scores, the run's
    options under "args", the progress log) into ``config.out``; returns that result."""
    device = "cuda" if torch.cuda.is_available() and not config.cpu else "cpu"
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    rows = list(read_jsonl(Path(config.data) / "train.jsonl.gz"))
    if config.drop_prefix:
        rows = [r for r in rows if not r["src"].startswith(config.drop_prefix)]
    if config.synth_fraction < 1.0:  # keep a share of the synthetic pairs, at their own weight (shipped: 25% at 0.5)
        keep = random.Random(config.seed + 1)
        rows = [
            ({**r, "w": config.synth_weight} if r["src"].startswith("synth") else r)
            for r in rows
            if not r["src"].startswith("synth") or keep.random() < config.synth_fraction
        ]
    if config.limit:
        rows = rows[: config.limit]
    evals = list(read_jsonl(Path(config.data) / "eval.jsonl.gz"))
    if config.eval_limit:
        evals = [r for i, r in enumerate(evals) if i % max(1, len(evals) // config.eval_limit) == 0]
    tok = AutoTokenizer.from_pretrained(config.base)
    model = AutoModelForSequenceClassification.from_pretrained(
        config.base, num_labels=3, id2label=ID2LABEL, label2id={v: k for k, v in ID2LABEL.items()}, dtype=torch.float32
    )  # the carried base may be fp16; weights stay fp32 (bf16 autocast where supported)
    bf16 = bf16_device(device, config.bf16)
    model.to(device)
    steps_per_epoch = math.ceil(len(rows) / config.batch)
    total = max(1, int(steps_per_epoch * config.epochs))
    opt = torch.optim.AdamW(layer_groups(model, config.lr, config.layer_decay), lr=config.lr, weight_decay=0.01)
    warm = max(1, int(total * config.warmup_share))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    # Tokenise once: per-step tokenisation, not the GPU, was the bottleneck (about 800 pairs/s on an H100).
    enc_all = tok([r["p"] for r in rows], [r["h"] for r in rows], truncation="longest_first", max_length=config.max_len)
    for r, ids, types in zip(rows, enc_all["input_ids"], enc_all["token_type_ids"]):
        r["ids"], r["types"] = ids, types
    step, t0 = 0, time.time()
    log = []
    while step < total:
        for b in bucketed_batches(rows, config.batch, rng):
            if step >= total:
                break
            model.train()
            ids, types, mask = pad_batch(b, device)
            labels = torch.tensor([r["y"] for r in b], device=device)
            weights = torch.tensor([r.get("w", 1.0) for r in b], device=device)
            with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=bf16):
                logits = model(input_ids=ids, token_type_ids=types, attention_mask=mask).logits
            loss = loss_fn(logits, labels, weights)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            if step == 50:
                t50 = time.time()
            if config.time_budget and step == 150:
                # Fit the schedule into the time budget, measured after warm-up (steps 50-150).
                per_step = (time.time() - t50) / 100
                total, warm = fit_to_budget(
                    step, total, warm, per_step, config.time_budget - (time.time() - t0), config.warmup_share
                )
            if config.checkpoint_every and step % config.checkpoint_every == 0 and step < total:
                # Intermediate weights, to score a run's course on paraphrased claims after it ends.
                model.save_pretrained(Path(config.out) / f"step-{step}")
                tok.save_pretrained(Path(config.out) / f"step-{step}")
            if step % config.log_every == 0 or step == total:
                rate = step * config.batch / (time.time() - t0)
                eta = (total - step) * config.batch / max(rate, 1e-9)
                msg = f"step {step}/{total} loss {loss.item():.4f} {rate:.0f} pairs/s eta {eta / 60:.1f} min"
                print(msg, file=sys.stderr, flush=True)
                log.append(msg)
    scores = evaluate(model, tok, evals, device, config.max_len)
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    model.to("cpu")
    if config.fp16_save:
        model.half()
    model.save_pretrained(out)
    tok.save_pretrained(out)
    result = {
        "scores": scores,
        "train_pairs": len(rows),
        "steps": total,
        "device": device,
        "bf16": bf16,
        "seconds": round(time.time() - t0, 1),
        "args": asdict(config),
        "log": log,
    }
    (out / "train_result.json").write_text(json.dumps(result, indent=1))
    return result


def parser() -> argparse.ArgumentParser:
    """The command line, built from ``TrainConfig``: the same options and defaults as ``claimcheck train-verifier``."""
    return argument_parser(__doc__)


if __name__ == "__main__":
    print(json.dumps(train(from_namespace(parser().parse_args()))["scores"], indent=1))
