"""Cross-encoder training speed on this machine's CPU: fp32 against bf16 autocast, the same batches, the same run.
Why: `claimcheck train-verifier` runs on the 2 cores, and CPUs with bf16 matrix units (AMX, AVX512-BF16) run
bf16 matmuls faster than fp32 (1.23x on this project's machine, BENCHMARKS.md); train.py turns autocast on where
they exist (``--bf16 auto``).
Where the CPU has no bf16 units, autocast emulates bf16 far slower than fp32 (on an AVX2-only machine, 2026-12-02,
the default run had not finished after 30 minutes), and `auto` trains in fp32 there; so only fp32 is timed unless
``--bf16-anyway`` is given.
Usage: python -m benchmarks.train_speed [--pairs 1536] [--batch 64] [--bf16-anyway]
(BENCHMARKS.md's figure: --pairs 3072)"""

from __future__ import annotations

import argparse
import random
import time

from benchmarks.common import emit, need_shared, read_jsonl


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=1536, help="timed pairs per setting and round")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=2, help="fp32 and bf16 alternate, this many times each")
    ap.add_argument("--bf16-anyway", action="store_true", help="time bf16 even where the CPU has no bf16 units")
    args = ap.parse_args()
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from bot.training import train
    from index.embeddings import resolve_model_path

    rows = read_jsonl(need_shared() / "nli" / "3way" / "snli_dev.jsonl")
    rows += read_jsonl(need_shared() / "nli" / "3way" / "healthver_dev.jsonl")
    random.Random(0).shuffle(rows)
    base = resolve_model_path("")
    tok = AutoTokenizer.from_pretrained(base)
    labels = {"entailment": 0, "neutral": 1, "contradiction": 2}
    rows = [r for r in rows if r["label"] in labels][: args.pairs + 4 * args.batch]
    enc = tok([r["premise"] for r in rows], [r["hypothesis"] for r in rows], truncation="longest_first", max_length=192)
    items = [
        {"p": r["premise"], "h": r["hypothesis"], "y": labels[r["label"]], "ids": i, "types": t}
        for r, i, t in zip(rows, enc["input_ids"], enc["token_type_ids"])
    ]
    batches = train.bucketed_batches(items, args.batch, random.Random(1))
    bf16_units = train.bf16_device("cpu")
    modes = ("fp32", "bf16") if args.bf16_anyway or bf16_units else ("fp32",)
    rates: dict[str, list[float]] = {m: [] for m in modes}
    for _ in range(args.rounds):
        for mode in modes:
            torch.manual_seed(0)
            model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=3, dtype=torch.float32)
            opt = torch.optim.AdamW(model.parameters(), lr=5e-5)
            n, t0 = 0, 0.0
            for k, b in enumerate(batches):
                if k == 4:  # warm-up batches are not timed
                    n, t0 = 0, time.perf_counter()
                ids, types, mask = train.pad_batch(b, "cpu")
                with torch.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=mode == "bf16"):
                    logits = model(input_ids=ids, token_type_ids=types, attention_mask=mask).logits
                loss = train.loss_fn(logits, torch.tensor([r["y"] for r in b]), torch.ones(len(b)))
                loss.backward()
                opt.step()
                opt.zero_grad(set_to_none=True)
                n += len(b)
            rates[mode].append(round(n / (time.perf_counter() - t0), 1))
    best = {m: max(v) for m, v in rates.items()}
    bf16 = best.get("bf16")
    emit(
        "train_speed",
        {
            "pairs_timed": args.pairs,
            "batch": args.batch,
            "torch": torch.__version__,
            "cpu_capability": torch.backends.cpu.get_cpu_capability(),
            "bf16_auto": bf16_units,
            "pairs_per_s": rates,
            "best_fp32": best["fp32"],
            "best_bf16": bf16,
            "speedup": round(bf16 / best["fp32"], 2) if bf16 else None,
        },
    )


if __name__ == "__main__":
    main()
