"""One pooled `claimcheck eval` run over the held-out ISW sets, split back into one row per set.

Why: BENCHMARKS.md reports each held-out set and their pool for several decisions; running `eval` once on the
concatenated sets and splitting its `claims.jsonl` gives every cell from one run of the chain per decision, the same
replies in the per-set and the pooled rows, and a quarter of the time of one run per set.
Usage: python -m benchmarks.holdout_table RUN_DIR [RUN_DIR ...]  (each holding the claims.jsonl of a pooled run)
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from benchmarks.common import HELD_OUT_SETS, read_jsonl
from bot.metrics import ece_if_calibrated, expected_calibration_error, trust
from bot.text.words import fold_quotes

POOLED_FIRST = ("isw_holdout.jsonl", "isw_holdout2.jsonl", "isw_holdout3.jsonl")  # reported pooled, as first written


def groups() -> dict[str, set[str]]:
    """Claim ids of each row: sets 1-3 pooled (as first reported), then each later set by its number."""
    ids = {p.name: {r["id"] for r in read_jsonl(p)} for p in HELD_OUT_SETS}
    out = {"sets 1-3": set().union(*(ids.pop(n) for n in POOLED_FIRST if n in ids))}
    out.update({f"set {n.removeprefix('isw_holdout').removesuffix('.jsonl')}": v for n, v in ids.items()})
    return out


def gold_quotes() -> dict[str, list[str]]:
    """Each held-out claim's gold quotes, by claim id."""
    return {r["id"]: [e["quote"] for e in r.get("evidence") or []] for p in HELD_OUT_SETS for r in read_jsonl(p)}


# A piece of a gold quote shorter than this is an abbreviation the sentence split cut off ("Lt.", "St."), no sentence.
MIN_SENTENCE = 20


def _sentence_text(text: str) -> str:
    """A quote as compared (``fold_quotes``: lower case, quotation marks and spaces folded), endnote markers out and an
    opening single quote folded too."""
    return re.sub(r"\s*\[\d+\]", "", fold_quotes(text)).replace("\u2018", "'")


def quote_first(r: dict, quotes: list[str]) -> bool:
    """Whether the first citation is a gold sentence itself, not only its report: the citation holds the opening (60
    characters) of a sentence of a gold quote, or a gold sentence holds the citation's, so a citation of the gold
    sentence with its neighbour, or of one sentence of a two-sentence quote, counts."""
    if not r["citations"] or not quotes:
        return False
    cited = _sentence_text(r["citations"][0]["quote"])
    golds = [s for q in quotes for s in re.split(r"(?<=[.!?])\s+", _sentence_text(q)) if len(s) >= MIN_SENTENCE]
    return bool(cited) and any(g[:60] in cited or cited[:60] in g for g in golds)


def row(rows: list[dict], quotes: dict[str, list[str]] | None = None) -> dict:
    """The table's measures for some claims of a run (``quotes``: gold quotes by claim id, for quote@1)."""
    gold = [r["gold"] for r in rows]
    pred = [r["pred"] for r in rows]
    decided = [(r["gold"], r["pred"]) for r in rows if r["pred"] != "NOT_ENOUGH_INFO"]
    facts = [r for r in rows if r["gold"] != "NOT_ENOUGH_INFO"]
    conf = [r["confidence"] for r in rows]
    return {
        "n": len(rows),
        **{f"{v}_right": sum(g == p for g, p in decided if p == v) for v in ("SUPPORTS", "REFUTES")},
        **{f"{v}_given": sum(p == v for _, p in decided) for v in ("SUPPORTS", "REFUTES")},
        **trust(gold, pred, "SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO"),
        "ece": expected_calibration_error(conf, [g == p for g, p in zip(gold, pred)]),
        "ece_if_calibrated": ece_if_calibrated(conf),
        "evidence_at_1": round(sum(r.get("evidence_first", False) for r in facts) / len(facts), 4) if facts else None,
        "quote_at_1": (
            round(sum(quote_first(r, quotes.get(r["id"], [])) for r in facts) / len(facts), 4)
            if facts and quotes is not None
            else None
        ),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", type=Path, nargs="+")
    args = ap.parse_args()
    sets, quotes = groups(), gold_quotes()  # read once for every run
    for run in args.runs:
        rows = list(read_jsonl(run / "claims.jsonl"))
        table = {name: row(part, quotes) for name, ids in sets.items() if (part := [r for r in rows if r["id"] in ids])}
        table["all"] = row(rows, quotes)
        print(json.dumps({"run": str(run), "rows": table}))


if __name__ == "__main__":
    main()
