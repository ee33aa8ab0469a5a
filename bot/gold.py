"""Labelled claims: the ISW claim sets (claims_dev / claims_train / the held-out sets) and SciFact, read into one shape.

Why apart from evaluation: calibration and the verdict's fitting read the same files, and the golden tests too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.labels import GoldLabel
from index.jsonl import read_jsonl


@dataclass(frozen=True)
class GoldClaim:
    id: str
    claim: str
    label: GoldLabel
    evidence: list[dict]  # [{"date": "YYYY-MM-DD" | None, "quote": str, "doc_id"?: str}]
    as_of: str | None = None


def read_claims(path: Path) -> list[GoldClaim]:
    """claims_dev.jsonl layout: id, claim, label, evidence[{doc_id, date, quote}], as_of."""
    return [
        GoldClaim(str(c["id"]), c["claim"], GoldLabel(c["label"]), c.get("evidence") or [], c.get("as_of"))
        for c in read_jsonl(path)
    ]


def scifact_claims(folder: Path) -> list[GoldClaim]:
    """SciFact dev in the unified layout; gold evidence = rationale sentences (abstracts are undated)."""
    out = []
    for c in read_jsonl(folder / "eval_dev_unified.jsonl"):
        ev = [
            {"date": None, "quote": s, "doc_id": e["doc_id"]}
            for e in c.get("gold_evidence", [])
            for s in e.get("sentences", [])
        ]
        out.append(GoldClaim(str(c["id"]), c["claim"], GoldLabel(c["label"]), ev))
    return out


def scifact_corpus_jsonl(folder: Path, out: Path) -> Path:
    """SciFact abstracts as report JSONL (id scifact-DOC, title, text) for ingest."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as dst:
        for d in read_jsonl(folder / "corpus.jsonl"):
            row = {
                "id": f"scifact-{d['doc_id']}",
                "title": d["title"],
                "text": " ".join(d["abstract"]),
                "source": "SciFact",
            }
            dst.write(json.dumps(row) + "\n")
    return out
