"""The pairing check (``bot/nli/pairing.py``) read on its own, claim against gold quote: how many swapped claims it
reads as swaps and how many true claims it misreads, on the held-out sets, the written swap pairs and generated
faithful rewordings; and the substitution reading (``bot/nli/substitution.py``) the same way, on every set's false
and true claims.

Why: the check turns a would-be SUPPORTED into REFUTED, so a true claim it misreads is a true claim refuted, while the
chain's verdicts on a held-out set change only where the decision would have said SUPPORTED (a few claims a set). Each
revision of the check was measured this way before its blind set was run (benchmarks/data/README.md, sets 22-27), and
a review found a regression only generated rewordings showed (counts of one noun reordered: 289 of 840 misread
against 99 before, 2026-12-06), so they are part of the yardstick.
Usage: python -m benchmarks.pairing_check [--verbose]"""

from __future__ import annotations

import argparse
import random
import re

from benchmarks.common import HELD_OUT_SETS, ROOT, emit, need_shared, read_jsonl
from bot.nli.pairing import swapped_pairing
from bot.nli.substitution import substitutions

DATA = ROOT / "benchmarks" / "data"
# The sets drawn on sentences that bind two slots, whose false claims swap two of them (benchmarks/data/README.md).
BINDING_SETS = range(19, 28)
# The written pairs whose false claims swap two slots of their quote (set 18's pairs: writers 31-35).
WRITTEN_SWAP_PAIRS = tuple(f"dom-{n}-" for n in range(31, 36))
PLACES = [
    "Kreminna",
    "Svatove",
    "Bakhmut",
    "Avdiivka",
    "Marinka",
    "Vuhledar",
    "Kupyansk",
    "Lyman",
    "Robotyne",
    "Orikhiv",
]
NOUNS = ["tanks", "troops", "drones", "missiles", "attacks", "artillery rounds", "soldiers", "civilians"]
VERBS = [("sent", "to"), ("fired", "at"), ("deployed", "to"), ("repelled", "near"), ("lost", "near"), ("moved", "to")]
PEOPLE = [
    ("Sergei Shoigu", "Russian Defense Minister"),
    ("Valery Gerasimov", "Chief of the General Staff"),
    ("Yevgeny Prigozhin", "Wagner financier"),
    ("Ramzan Kadyrov", "Chechen leader"),
    ("Dmitry Peskov", "Kremlin spokesperson"),
    ("Hanna Maliar", "Ukrainian Deputy Defense Minister"),
    ("Vladimir Saldo", "Kherson occupation head"),
    ("Denis Pushilin", "DNR head"),
]


def _set_number(name: str) -> int:
    digits = re.sub(r"\D", "", name)
    return int(digits) if digits else 1


def faithful_rewordings(n: int = 120, seed: int = 20261206) -> list[tuple[str, str]]:
    """(sentence, faithful rewording) pairs that keep every pairing: counts of one noun and places reordered, titles
    moved after the names, active and passive. Generated, so any swap read in them is a misreading."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        (verb, prep), noun = rng.choice(VERBS), rng.choice(NOUNS)
        a, b = rng.sample(PLACES, 2)
        x, y = rng.sample([3, 5, 7, 12, 14, 20, 31, 40, 200, 3000, 5000], 2)
        subj = rng.choice(["Russia", "Russian forces", "Ukrainian forces", "Ukraine"])
        out.append(
            (
                f"{subj} {verb} {x} {noun} {prep} {a} and {y} {noun} {prep} {b}.",
                f"{subj} {verb} {y} {noun} {prep} {b} and {x} {noun} {prep} {a}.",
            )
        )
        out.append(
            (
                f"{subj} {verb} {x} {noun} {prep} {a} and {y} {prep} {b}.",
                f"{subj} {verb} {y} {noun} {prep} {b} and {x} {noun} {prep} {a}.",
            )
        )
        (p, tp), (q, tq) = rng.sample(PEOPLE, 2)
        out.append((f"{tp} {p} criticized {tq} {q} on May 4.", f"{tq} {q} was criticized by {tp} {p} on May 4."))
        out.append((f"{tp} {p} and {tq} {q} met in Minsk.", f"{p}, the {tp}, and {q}, the {tq}, met in Minsk."))
    return out


def _read(pairs: list[tuple[str, str, str]], verbose: bool, what: str) -> int:
    """How many of (id, sentence, claim) the check reads as a swap."""
    read = 0
    for ident, sentence, claim in pairs:
        found = swapped_pairing(sentence, claim)
        read += found is not None
        if found and verbose:
            print(f"{what}\t{ident}\t{found}\t{claim[:160]}")
    return read


def _substituted(pairs: list[tuple[str, str, str]], verbose: bool, what: str) -> int:
    """How many of (id, sentence, claim) the parse reads a substitution in (before the verifier reads the restored
    claim, which the chain also asks)."""
    read = 0
    for ident, sentence, claim in pairs:
        found = substitutions(sentence, claim)
        read += bool(found)
        if found and verbose:
            print(f"{what}\t{ident}\t{found[0].describe()}\t{claim[:160]}")
    return read


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--verbose", action="store_true", help="print each claim read as a swap")
    args = ap.parse_args()
    swaps, weak, true_binding, true_other, false_other = [], [], [], [], []
    shared = need_shared() / "isw-2022"
    others = [*sorted(DATA.glob("isw_fit*.jsonl")), shared / "claims_dev.jsonl", shared / "claims_train.jsonl"]
    for path in [*HELD_OUT_SETS, *others]:
        binding = path in HELD_OUT_SETS and _set_number(path.name) in BINDING_SETS
        for c in read_jsonl(path):
            if c["label"] == "NOT_ENOUGH_INFO" or not c.get("evidence"):
                continue
            row = (c["id"], " ".join(e["quote"] for e in c["evidence"]), c["claim"])
            if c["label"] == "SUPPORTS":
                (true_binding if binding else true_other).append(row)
            elif binding:
                (weak if c.get("notes", "").startswith("WEAK") else swaps).append(row)
            else:
                false_other.append(row)
    written = [r for r in read_jsonl(DATA / "isw_pairs_train.jsonl") if r["id"].startswith(WRITTEN_SWAP_PAIRS)]
    written_swaps = [(r["id"], r["quote"], r["claim"]) for r in written if r["label"] == "REFUTES"]
    written_true = [(r["id"], r["quote"], r["claim"]) for r in written if r["label"] == "SUPPORTS"]
    generated = [(f"gen-{i}", s, c) for i, (s, c) in enumerate(faithful_rewordings())]
    v = args.verbose
    result = {
        "binding_sets": f"{BINDING_SETS.start}-{BINDING_SETS.stop - 1}",
        "swaps_read": [_read(swaps, v, "swap"), len(swaps)],
        "weak_swaps_read": [_read(weak, v, "weak"), len(weak)],
        "true_claims_read_binding_sets": [_read(true_binding, v, "TRUE"), len(true_binding)],
        "true_claims_read_other_sets_and_fit_files": [_read(true_other, v, "TRUE"), len(true_other)],
        "written_swap_pairs_read": [_read(written_swaps, v, "pair"), len(written_swaps)],
        "written_true_pairs_read": [_read(written_true, v, "TRUE"), len(written_true)],
        "generated_faithful_read": [_read(generated, v, "TRUE"), len(generated)],
        "substitution_false_claims_read_other_sets_and_fit_files": [
            _substituted(false_other, v, "sub"),
            len(false_other),
        ],
        "substitution_true_claims_read": [
            _substituted(true_binding + true_other, v, "TRUE-sub"),
            len(true_binding + true_other),
        ],
        "substitution_generated_faithful_read": [_substituted(generated, v, "TRUE-sub"), len(generated)],
    }
    emit("pairing_check", result)


if __name__ == "__main__":
    main()
