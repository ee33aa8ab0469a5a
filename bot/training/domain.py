"""A second training stage on claims like the product's: ISW sentences, each with a claim it states, one it
contradicts and one it leaves open, written by people about reports that no held-out set cites.

Why a second stage and not more of the recipe: run four times as long (2026-12-05), the recipe gained on every public
NLI set but read fewer of the held-out paraphrased ISW claims right (56 of 100 against 62). The public sets no longer
pull the network towards the claims the product checks; pairs written like those claims, about the library's own
sentences, are what it lacks. Three claims share each premise, so only their meaning separates them, and the open
one teaches that a related sentence is not evidence either way.

The stage starts from a trained model (``--base``), mixes the written pairs (repeated) with a random share of the
recipe's own training pairs (so the public sets are not forgotten), and keeps the recipe's held-out sets as its own::

    python -m bot.training.domain --pairs benchmarks/data/isw_pairs_train.jsonl --recipe runs/v3/data --out D
    PYTHONPATH=. python -m bot.training.train --data D --base runs/v3/trained --out runs/stage/trained --epochs 2

Standard library only, like ``recipe.py``'s readers: it runs from a checkout without the project's dependencies.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from index.jsonl import read_jsonl

SOURCE = "isw_pairs"
# A written claim's label, as the network's: the claim is the hypothesis, its quote the premise.
LABEL_OF_CLAIM = {"SUPPORTS": 0, "NOT_ENOUGH_INFO": 1, "REFUTES": 2}


def pair_key(row: dict) -> tuple[str, str]:
    """A training pair's identity, case and outer spaces aside: the recipe deduplicates and holds out by it."""
    return row["p"].strip().lower(), row["h"].strip().lower()


def claim_rows(paths: Iterable[Path], weight: float = 1.0) -> list[dict]:
    """Training rows from written claims (``quote``, ``claim``, ``label``), one per claim, quote as premise."""
    rows = []
    for path in paths:
        for c in read_jsonl(path):
            if not c.get("quote") or c.get("label") not in LABEL_OF_CLAIM:
                raise ValueError(f"{path}: {c.get('id')}: needs a quote and a label of {sorted(LABEL_OF_CLAIM)}")
            rows.append({"p": c["quote"], "h": c["claim"], "y": LABEL_OF_CLAIM[c["label"]], "src": SOURCE, "w": weight})
    return rows


def build_stage(pairs: list[Path], recipe: Path, out: Path, replay: int, repeat: int, seed: int = 13) -> dict:
    """Write ``out``/train.jsonl.gz (the written pairs ``repeat`` times, and ``replay`` random rows of the recipe's
    training set) and copy the recipe's eval.jsonl.gz beside it; returns the counts, also written to stage.json."""
    own = claim_rows(pairs)
    held = {pair_key(r) for r in read_jsonl(recipe / "eval.jsonl.gz")}
    clash = [r["h"] for r in own if pair_key(r) in held]
    if clash:
        raise ValueError(f"{len(clash)} written pairs are in the recipe's held-out sets, e.g. {clash[0]!r}")
    rng = random.Random(seed)
    base = list(read_jsonl(recipe / "train.jsonl.gz"))
    rows = own * repeat + rng.sample(base, min(replay, len(base)))
    rng.shuffle(rows)
    out.mkdir(parents=True, exist_ok=True)
    with gzip.open(out / "train.jsonl.gz", "wt", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    shutil.copy(recipe / "eval.jsonl.gz", out / "eval.jsonl.gz")
    counts = {
        "train": len(rows),
        "written_pairs": len(own),
        "written_by_label": dict(sorted(Counter(r["y"] for r in own).items())),
        "repeat": repeat,
        "replay": min(replay, len(base)),
        "seed": seed,
        "pairs": [str(p) for p in pairs],
        "recipe": str(recipe),
    }
    (out / "stage.json").write_text(json.dumps(counts, indent=1))
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=Path, action="append", required=True, help="written claims (JSONL, repeatable)")
    ap.add_argument("--recipe", type=Path, required=True, help="a recipe folder (train.jsonl.gz, eval.jsonl.gz)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--replay", type=int, default=8000, help="recipe pairs mixed in (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=3, help="times each written pair is seen (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    try:
        counts = build_stage(args.pairs, args.recipe, args.out, args.replay, args.repeat, args.seed)
    except (OSError, ValueError) as exc:
        raise SystemExit(f"error: {exc}") from exc
    print(json.dumps(counts, indent=1))


if __name__ == "__main__":
    main()
