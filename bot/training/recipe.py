"""The verifier's training recipe: which labelled pairs, how many of each, how labels map, which sets stay held out.

Why a recipe in code: every shipped model must be rebuildable from ``../shared/data`` and a report library with one
command, and the choice of data is the part that decides quality (see MODEL_CARD.md for the measured runs).

Labels: 0 entailment, 1 neutral, 2 contradiction, 3 "not entailment" (neutral *or* contradiction; a partial label
used for 2-way sets where the two cannot be told apart, trained with -log(p_neutral + p_contradiction)), 4 "not
contradiction" (entailment *or* neutral, -log(p_entailment + p_neutral); for pairs known only not to clash).
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from bot.training.domain import claim_rows, pair_key
from bot.training.synth import Source, generate
from index.jsonl import read_jsonl
from index.sentences import split_sentences

LABELS = {"entailment": 0, "neutral": 1, "contradiction": 2, "not_entailment": 3, "not_contradiction": 4}

# (file under nli/, how many pairs at most (None = all), label override for not_entailment, weight)
# Template-generated sets (IMPPRES, Breaking NLI, MED, DNC, ConjNLI-adv) are capped: narrow and skewed.
NLI_SETS: list[tuple[str, int | None, str | None, float]] = [
    ("3way/snli_dev.jsonl", None, None, 1.0),
    ("3way/snli_test.jsonl", None, None, 1.0),
    ("3way/cad_snli_train.jsonl", None, None, 1.0),
    ("3way/cad_snli_dev.jsonl", None, None, 1.0),
    ("3way/cad_snli_test.jsonl", None, None, 1.0),
    ("3way/sick_train.jsonl", None, None, 1.0),
    ("3way/sick_trial.jsonl", None, None, 1.0),
    ("3way/anli_r2_dev.jsonl", None, None, 2.0),
    ("3way/anli_r3_dev.jsonl", None, None, 2.0),
    ("3way/conjnli_dev.jsonl", None, None, 1.0),
    ("3way/conjnli_adv_train.jsonl", 5000, None, 0.5),
    ("3way/healthver_dev.jsonl", None, None, 1.5),
    ("3way/fever_symmetric_dev.jsonl", None, None, 1.5),
    ("3way/wice_dev.jsonl", None, None, 1.5),
    # Added 2026-12-03: LingNLI train (crowd-written, MNLI-style), the full MNLI dev-matched set (so MNLI-matched is
    # no longer held out: report mismatched) and Fool Me Twice dev (Wikipedia claims written to fool a verifier, labels
    # entailment / contradiction only: no longer held out either).
    ("3way/lingnli_train.jsonl", None, None, 1.0),
    ("3way/mnli_dev_matched_full.jsonl", None, None, 1.0),
    ("3way/fm2_dev.jsonl", None, None, 1.5),
    ("3way/imppres_implicature.jsonl", 1500, None, 0.5),
    ("3way/imppres_presupposition.jsonl", 1500, None, 0.5),
    ("3way/breaking_nli_test.jsonl", 1500, None, 0.5),
    ("3way/med_all.jsonl", 1500, None, 0.5),
    ("3way/dnc_nli-comparatives_all.jsonl", None, None, 0.5),
    ("3way/dnc_nli-negation_all.jsonl", None, None, 0.5),
    ("3way/dnc_nli-prepositions_all.jsonl", None, None, 0.5),
    ("3way/dnc_nli-quantification_all.jsonl", None, None, 0.5),
    ("3way/dnc_nli-spatial_all.jsonl", None, None, 0.5),
    # FEVER-RTE's not_entailment mixes REFUTES and NOT ENOUGH INFO: partial label.
    ("2way/fever_rte_dev.jsonl", None, "not_entailment", 1.0),
    # COVID-Fact's negatives are counter-claims written against the evidence: contradictions.
    ("2way/covidfact_train.jsonl", None, "contradiction", 1.0),
    # RTE merges neutral and contradiction.
    ("2way/rte_glue_train.jsonl", None, "not_entailment", 1.0),
    ("2way/dnc_factuality_dev.jsonl", 1000, "not_entailment", 0.5),
    ("2way/dnc_megaveridicality_train.jsonl", 1000, "not_entailment", 0.5),
    ("2way/dnc_verbnet_train.jsonl", 500, "not_entailment", 0.5),
    ("2way/dnc_sentiment_train.jsonl", 500, "not_entailment", 0.5),
]
# Held out: never trained on, reported in the model card. Not the MNLI dev-matched sample: the full dev-matched set it
# comes from is trained on. LingNLI val keeps only its rows whose premise is not an MNLI dev-matched one (eval_rows).
EVAL_SETS: dict[str, str] = {
    "mnli_mismatched": "3way/mnli_dev_mismatched_sample1k.jsonl",
    "lingnli_val": "3way/lingnli_val.jsonl",
    "anli_r1": "3way/anli_r1_dev.jsonl",
    "sick_test": "3way/sick_test.jsonl",
    "healthver_test": "3way/healthver_test.jsonl",
    "fever_symmetric_test": "3way/fever_symmetric_test.jsonl",
    "wice_test": "3way/wice_test.jsonl",
}
SYNTH_WEIGHT = 1.5
SCIFACT_WEIGHT = 1.5


def _row(premise: str, hypothesis: str, label: str, source: str, weight: float) -> dict:
    return {"p": premise, "h": hypothesis, "y": LABELS[label], "src": source, "w": weight}


def nli_rows(data: Path, rng: random.Random) -> list[dict]:
    rows: list[dict] = []
    for rel, cap, not_ent, weight in NLI_SETS:
        path = data / "nli" / rel
        if not path.exists():
            continue
        items = list(read_jsonl(path))
        rng.shuffle(items)
        for item in items[:cap]:
            label = item["label"]
            if label == "not_entailment":
                label = not_ent or "not_entailment"
            if label in LABELS:
                rows.append(_row(item["premise"], item["hypothesis"], label, Path(rel).stem, weight))
    return rows


def _scifact_corpus(data: Path) -> dict[int, list[str]]:
    return {int(d["doc_id"]): d["abstract"] for d in read_jsonl(data / "scifact" / "corpus.jsonl")}


def scifact_train_rows(data: Path, rng: random.Random) -> list[dict]:
    """Rationale sentences -> SUPPORT/CONTRADICT pairs; other sentences of the cited abstracts -> NEUTRAL."""
    path = data / "scifact" / "claims_train.jsonl"
    if not path.exists():
        return []
    corpus = _scifact_corpus(data)
    rows = []
    for claim in read_jsonl(path):
        used: set[tuple[int, int]] = set()
        for doc_id, sets in (claim.get("evidence") or {}).items():
            abstract = corpus.get(int(doc_id), [])
            for ev in sets:
                sents = [abstract[i] for i in ev["sentences"] if i < len(abstract)]
                if not sents:
                    continue
                label = "entailment" if ev["label"] == "SUPPORT" else "contradiction"
                rows.append(_row(" ".join(sents), claim["claim"], label, "scifact_train", SCIFACT_WEIGHT))
                used.update((int(doc_id), i) for i in ev["sentences"])
        for doc_id in claim.get("cited_doc_ids", []):
            abstract = corpus.get(int(doc_id), [])
            others = [i for i in range(len(abstract)) if (int(doc_id), i) not in used]
            for i in rng.sample(others, k=min(2, len(others))):
                rows.append(_row(abstract[i], claim["claim"], "neutral", "scifact_train", SCIFACT_WEIGHT))
    return rows


def library_sources(paths: Iterable[Path]) -> list[tuple[str, Source]]:
    """Reports from JSONL (one report a line, with text and date) or text files, as synthetic-data sources."""
    out = []
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            if f.suffix == ".jsonl":
                for rep in read_jsonl(f):
                    out.append((str(rep.get("id")), _source(rep.get("text", ""), rep.get("date"))))
            elif f.suffix in {".txt", ".md"}:
                text = f.read_text(encoding="utf-8", errors="replace")
                m = re.search(r"\b(\d{4})-(\d{2})-\d{2}\b", text[:200])
                out.append((f.name, _source(text, m.group() if m else None)))
    return out


def _source(text: str, date: str | None) -> Source:
    year = int(date[:4]) if date else None
    month = int(date[5:7]) if date else None
    day = int(date[8:10]) if date and len(date) >= 10 and date[8:10].isdigit() else None
    return Source(split_sentences(text), year, month, day)


def synthetic_rows(
    sources: list[tuple[str, Source]],
    seed: int,
    per_sentence: float,
    held_out_every: int = 20,
    context_share: float = 0.0,
) -> tuple[list[dict], list[dict]]:
    """Synthetic pairs; every ``held_out_every``-th report goes to a validation set instead (no report in both)."""
    train_src = [s for i, (_, s) in enumerate(sources) if i % held_out_every]
    val_src = [s for i, (_, s) in enumerate(sources) if not i % held_out_every]
    train = [
        _row(p.premise, p.hypothesis, p.label, "synth:" + p.kind.split(":")[1].split("+")[0], SYNTH_WEIGHT)
        for p in generate(train_src, seed=seed, per_sentence=per_sentence, context_share=context_share)
    ]
    val = [
        _row(p.premise, p.hypothesis, p.label, "synth_val", 1.0)
        for p in generate(val_src, seed=seed + 1, per_sentence=per_sentence, context_share=context_share)
    ]
    return train, val


def eval_rows(data: Path) -> dict[str, list[dict]]:
    """Held-out evaluation sets, each a list of rows (claims_dev and SciFact dev included)."""
    sets: dict[str, list[dict]] = {}
    for name, rel in EVAL_SETS.items():
        path = data / "nli" / rel
        if path.exists():
            sets[name] = [
                _row(r["premise"], r["hypothesis"], r["label"], name, 1.0)
                for r in read_jsonl(path)
                # LingNLI val marks the premises MNLI dev-matched shares: trained on, so not held out.
                if r["label"] in LABELS and not r.get("premise_in_mnli_dev")
            ]
    claims = data / "isw-2022" / "claims_dev.jsonl"
    if claims.exists():
        mapping = {"SUPPORTS": "entailment", "REFUTES": "contradiction"}
        sets["claims_dev_gold"] = [
            _row(" ".join(e["quote"] for e in c["evidence"]), c["claim"], mapping[c["label"]], "claims_dev", 1.0)
            for c in read_jsonl(claims)
            if c["label"] in mapping
        ]
    sets.update(_scifact_dev(data))
    return sets


def _scifact_dev(data: Path) -> dict[str, list[dict]]:
    path = data / "scifact" / "eval_dev_unified.jsonl"
    if not path.exists():
        return {}
    corpus = _scifact_corpus(data)
    rows = []
    for c in read_jsonl(path):
        if c["label"] == "NOT_ENOUGH_INFO":
            # NEI against the cited abstract's sentence that shares the most words with the claim: a hard neutral.
            words = set(re.findall(r"\w+", c["claim"].lower()))
            sents = [s for d in c.get("cited_doc_ids", []) for s in corpus.get(int(d), [])]
            if sents:
                best = max(sents, key=lambda s: len(words & set(re.findall(r"\w+", s.lower()))))
                rows.append(_row(best, c["claim"], "neutral", "scifact_dev", 1.0))
        else:
            label = "entailment" if c["label"] == "SUPPORTS" else "contradiction"
            for ev in c["gold_evidence"]:
                rows.append(_row(" ".join(ev["sentences"]), c["claim"], label, "scifact_dev", 1.0))
    return {"scifact_dev": rows}


def dedup(rows: list[dict]) -> list[dict]:
    seen, out = set(), []
    for r in rows:
        key = pair_key(r)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def build(
    data: Path,
    library: list[Path],
    out: Path,
    seed: int = 13,
    per_sentence: float = 0.6,
    natural: bool = True,
    limit: int | None = None,
    context_share: float = 0.0,
    written: Iterable[Path] = (),
    written_repeat: int = 6,
) -> dict:
    """Write train.jsonl.gz, eval.jsonl.gz and recipe.json into ``out``; returns the counts.

    ``written``: claims written about the library's sentences (``bot.training.domain``), each pair repeated
    ``written_repeat`` times after deduplication, since a few hundred pairs among 150,000 are otherwise barely seen in
    a run that stops before one epoch."""
    rng = random.Random(seed)
    rows = (nli_rows(data, rng) + scifact_train_rows(data, rng)) if natural else []
    synth_train, synth_val = synthetic_rows(library_sources(library), seed, per_sentence, context_share=context_share)
    rows = dedup(rows + synth_train) + claim_rows(list(written)) * written_repeat
    evals = eval_rows(data)
    held = {pair_key(r) for rs in evals.values() for r in rs}
    rows = [r for r in rows if pair_key(r) not in held]
    rng.shuffle(rows)
    rows = rows[:limit] if limit else rows
    evals["synth_val"] = synth_val[:3000]
    out.mkdir(parents=True, exist_ok=True)
    with gzip.open(out / "train.jsonl.gz", "wt", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    with gzip.open(out / "eval.jsonl.gz", "wt", encoding="utf-8") as fh:
        for name, rs in evals.items():
            for r in rs:
                fh.write(json.dumps({**r, "set": name}, ensure_ascii=False) + "\n")
    counts = {
        "train": len(rows),
        "by_source": dict(Counter(r["src"] for r in rows).most_common()),
        "by_label": dict(Counter(r["y"] for r in rows)),
        "eval": {k: len(v) for k, v in evals.items()},
        "seed": seed,
        "per_sentence": per_sentence,
        "context_share": context_share,
        "written": [str(p) for p in written],
        "written_repeat": written_repeat,
    }
    (out / "recipe.json").write_text(json.dumps(counts, indent=1))
    return counts
