"""Pairs that teach the verifier which slot goes with which: a report sentence against itself with two of its numbers,
names or directions swapped (a contradiction), and against a rewording that keeps every pairing (entailment).

Why: the verifier reads a claim that keeps every number and name of its sentence as entailed whatever their pairing
("five helicopters and three jets" against "five jets, three helicopters": 0.98); on held-out set 19, drawn on
sentences that bind two slots, the shipped chain said SUPPORTED 13 times and was right 5 times. 291 written pairs of
this kind did not move it (set 18): a few hundred rows among sixteen thousand are too few. Word-swap pairs on the same
premise are how PAWS (Zhang et al., 2019) taught BERT-sized models word order where paraphrase data had not, so these
are made in thousands, from sentences of reports no held-out set cites, none of them a fit claim's quote.

Output: JSONL in the written pairs' format (``quote``, ``claim``, ``label``), for ``bot.training.domain --pairs``.
Standard library only, like the other data builders::

    python -m bot.training.swaps --reports ../shared/data/isw-2022/reports.jsonl --recipe runs/v3/data \\
        --out runs/swaps.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.text.lexicon import MONTHS
from bot.training.synth import PEOPLE, PLACES, drop_parentheses, swap_synonyms
from index.jsonl import read_jsonl

_WEEKDAYS = frozenset({"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"})
_AFTER_MONTH = re.compile(rf"\b(?:{'|'.join(MONTHS)})\s+$")  # a day, not a count
_NOT_NAMES = (
    set(MONTHS)
    | _WEEKDAYS
    | {"ISW", "I", "The", "A", "An", "In", "On", "As", "At", "By", "After", "Before", "According"}
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
_NOTE = re.compile(r"\s*\[\d+\]")
_YEAR = re.compile(r"(?:19|20)\d{2}")
# A quantity and the word after it ("five jets", "40,000 convicts", "22 times"): digits or a number word, not a year,
# an ordinal or part of a designation ("Tu-95", "S-300").
_NUMBER = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundreds|thousands|dozens)"
)
_QUANTITY = re.compile(rf"(?<![\w.,-])({_NUMBER})(?![\w,.]?\d)(?!st\b|nd\b|rd\b|th\b)(?=\s+[a-z])", re.I)
_NAME = re.compile(r"\b[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*")
# A name is swapped only with a name of its own kind, so the swap stays a sentence a claim could be: sides with sides,
# places with places, people with people (a name of no known kind is left alone).
# Sides as adjectives ("Russian forces") swap only with adjectives, as nouns ("Russia", "Moscow") only with nouns.
_SIDE_ADJECTIVES = frozenset({"Russian", "Ukrainian", "Belarusian", "Polish", "Chechen", "Tajik", "Chinese", "Western"})
_SIDE_NOUNS = frozenset(
    {"Russia", "Ukraine", "Belarus", "Moscow", "Kyiv", "Kremlin", "NATO", "US", "DNR", "LNR", "Wagner", "Russians"}
    | {"Ukrainians"}
)
_SIDES = _SIDE_ADJECTIVES | _SIDE_NOUNS
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|from|to|toward|towards|near|into|at|around|outside|on|via)|\b[a-z]+\s+of)\s+(?:the\s+)?$"
)
_PLACE_AFTER = re.compile(r"^\s+(?:Oblast|City|Raion|Krai|Republic|area|direction|region|Oblasts)\b")
_PERSON_BEFORE = re.compile(
    r"\b(?:President|Minister|Commander|General|Colonel|Governor|Head|head|spokesperson|Deputy|Lieutenant|leader|"
    r"milblogger|Chief|chief|Mayor|mayor|Secretary|official|Prime Minister)\s+$"
)
_PLACE_NAMES, _PEOPLE_NAMES = frozenset(PLACES), frozenset(PEOPLE)


def _kind_of_name(s: str, start: int, end: int) -> str | None:
    """The kind of the name at ``s[start:end]`` (a side, a place, a person), or None when its words do not say."""
    name = s[start:end]
    if name.endswith(("’s", "'s")):
        return None  # a possessive names an owner, not a slot of its own
    if name in _SIDE_ADJECTIVES:
        return "side-adjective"
    if name in _SIDE_NOUNS:
        return "side-noun"
    if any(ch.isdigit() for ch in name):
        return None
    if name in _PEOPLE_NAMES or name.split()[-1] in _PEOPLE_NAMES or _PERSON_BEFORE.search(s[:start]):
        return "person"
    if name in _PLACE_NAMES or _PLACE_BEFORE.search(s[:start]) or _PLACE_AFTER.match(s[end:]):
        return "place"
    return None


_DIRECTION = re.compile(
    r"\b(?:north|south|east|west|northeast|northwest|southeast|southwest|northern|southern|eastern|western|"
    r"northeastern|northwestern|southeastern|southwestern)\b"
)
# Two names with only commas, "and"/"or" and other names between them are items of one list: swapped, they say the
# same thing.
_SYMMETRIC = re.compile(
    r"\b(?:met|meet|meets|meeting|clash(?:ed|es)?|talks|negotiat\w*|exchang\w*|border(?:s|ed)?|agreement|"
    r"between|together|jointly|both)\b",
    re.I,
)
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*")
_LIST_GAP = re.compile(r"^(?:\s|,|\band\b|\bor\b|\bthe\b|\barea\b|&)*$")
# "five jets and three helicopters" -> "three helicopters and five jets": the pairs kept, the order changed.
_COORDINATED = re.compile(
    rf"((?<![\w.,-]){_NUMBER}\s+[a-z][\w-]*)(,?\s+and\s+)({_NUMBER}\s+[a-z][\w-]*)(?=[,.;:)]|\s+(?:and|in|on|at|from|to)\b)",
    re.I,
)


def sentences(text: str) -> list[str]:
    """The report's sentences, endnote markers removed, 10-60 words each."""
    out = []
    for para in text.split("\n"):
        for s in _SENTENCE.split(_NOTE.sub("", para.strip())):
            if 10 <= len(s.split()) <= 60 and s.endswith((".", "”", '"')):
                out.append(s)
    return out


def _slots(s: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each number, side, place, person and direction of ``s``."""
    out = [
        ("num", m.start(1), m.end(1))
        for m in _QUANTITY.finditer(s)
        if not _YEAR.fullmatch(m.group(1)) and not _AFTER_MONTH.search(s[: m.start(1)])
    ]
    for m in _NAME.finditer(s):
        words = m.group(0).split()
        while words and words[0] in _NOT_NAMES:
            words.pop(0)
        start = m.end() - len(" ".join(words))
        kind = _kind_of_name(s, start, m.end()) if words and not _YEAR.fullmatch(words[0]) else None
        # A sentence's first word is capitalised anyway: a name there only when it is a known side or person.
        if kind and (start > 0 or words[0] in _SIDES or words[0] in _PEOPLE_NAMES):
            out.append((kind, start, m.end()))
    out += [("dir", m.start(), m.end()) for m in _DIRECTION.finditer(s)]
    return sorted(out, key=lambda t: t[1])


def swapped(s: str) -> list[str]:
    """``s`` with two of its slots of one kind exchanged, one variant per such pair (names of one list aside, and no
    sides, places or people at all in a sentence whose verb is symmetric: "met with", "clashed", "talks between")."""
    symmetric = bool(_SYMMETRIC.search(s))
    slots = [x for x in _slots(s) if not (symmetric and x[0] != "num")]
    out = []
    for (ka, a0, a1), (kb, b0, b1) in itertools.combinations(slots, 2):
        a, b = s[a0:a1], s[b0:b1]
        if ka != kb or a1 > b0 or a.lower() == b.lower() or s.count(a) > 1 or s.count(b) > 1:
            continue
        if kb == "num" and a.lower().rstrip("s") == b.lower().rstrip("s"):
            continue
        if ka != "num" and (_LIST_GAP.match(_CAPITALISED.sub("", s[a1:b0])) or len(s[a1:b0]) > 80):
            continue
        out.append(s[:a0] + b + s[a1:b0] + a + s[b1:])
    return out


def reworded(s: str, rng: random.Random) -> str:
    """A rewording of ``s`` that keeps every pairing: coordinated counts reordered, synonyms, a parenthesis dropped;
    ``s`` itself when none applies (the pair then differs only where the swap does)."""
    out = _COORDINATED.sub(lambda m: f"{m.group(3)}{m.group(2)}{m.group(1)}", s, count=1)
    for op in rng.sample([swap_synonyms, drop_parentheses], k=2):
        if rng.random() < 0.5:
            out = op(out, rng) or out
    return out


def build(
    reports: Path,
    held_out: Iterable[Path],
    fit: Iterable[Path],
    n: int,
    seed: int = 13,
    recipe_premises: frozenset[str] = frozenset(),
) -> Iterator[dict]:
    """Up to ``n`` premises, each with one swapped claim (REFUTES) and one reworded claim (SUPPORTS), drawn from the
    sentences of reports no held-out set cites that hold no fit claim's quote and are no premise of the recipe's own
    held-out pairs (``recipe_premises``, lower-cased)."""
    cited = {e["doc_id"] for p in held_out for c in read_jsonl(p) for e in c.get("evidence") or []}
    # Compared as ``sentences`` gives them: without endnote markers.
    quotes = [_NOTE.sub("", e["quote"]) for p in fit for c in read_jsonl(p) for e in c.get("evidence") or []]
    pool = []
    for r in read_jsonl(reports):
        if r["id"] in cited:
            continue
        for s in sentences(r["text"]):
            if s.strip().lower() in recipe_premises or any(q in s or s in q for q in quotes):
                continue
            if variants := swapped(s):
                pool.append((r["id"], s, variants))
    rng = random.Random(seed)
    for k, (doc, s, variants) in enumerate(rng.sample(pool, min(n, len(pool)))):
        yield {"id": f"swap-{k}-s", "doc_id": doc, "quote": s, "claim": reworded(s, rng), "label": "SUPPORTS"}
        yield {"id": f"swap-{k}-r", "doc_id": doc, "quote": s, "claim": rng.choice(variants), "label": "REFUTES"}


def main() -> None:
    """Write the swap pairs; the held-out and fit sets are read from this checkout, wherever it is run from."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=Path, required=True, help="the ISW reports (JSONL: id, text)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=1500, help="premises, each giving two pairs (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--recipe", type=Path, help="a recipe folder: its held-out pairs' premises are left out")
    args = ap.parse_args()
    data, own = args.reports.parent, Path(__file__).resolve().parents[2] / "benchmarks" / "data"
    held = sorted(own.glob("isw_holdout*.jsonl"))
    if not held:
        raise SystemExit(f"error: no held-out set in {own}: the pairs would not leave them out")
    fit = [data / "claims_dev.jsonl", data / "claims_train.jsonl", *sorted(own.glob("isw_fit*.jsonl"))]
    try:
        held_pairs = list(read_jsonl(args.recipe / "eval.jsonl.gz")) if args.recipe else []
    except (OSError, ValueError) as exc:
        raise SystemExit(f"error: {exc}: --recipe needs a recipe folder holding eval.jsonl.gz") from exc
    premises = frozenset(r["p"].strip().lower() for r in held_pairs)
    try:
        rows = list(build(args.reports, held, fit, args.n, args.seed, premises))
    except (OSError, ValueError, KeyError) as exc:
        raise SystemExit(
            f"error: {exc}: --reports needs the ISW reports (JSONL with id and text) beside the claim sets"
        ) from exc
    with args.out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(json.dumps({"pairs": len(rows), "out": str(args.out)}))


if __name__ == "__main__":
    main()
