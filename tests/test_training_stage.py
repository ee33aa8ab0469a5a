"""The second training stage on written ISW pairs (bot/training/domain.py): what it trains on and what it refuses."""

from __future__ import annotations

import gzip
import json

import pytest

from bot.training.domain import LABEL_OF_CLAIM, SOURCE, build_stage, claim_rows
from index.jsonl import read_jsonl


def _write_jsonl(path, rows, gz=False):
    opener = gzip.open if gz else open
    with opener(path, "wt", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
    return path


def _written(path, quote="Russian forces captured Izyum on April 1."):
    claims = [
        {"id": "dom-1-01-s", "claim": "Russia took Izyum on April 1, 2022.", "label": "SUPPORTS", "quote": quote},
        {"id": "dom-1-01-r", "claim": "Ukraine took Izyum on April 1, 2022.", "label": "REFUTES", "quote": quote},
        {"id": "dom-1-01-n", "claim": "Russia lost 40 tanks at Izyum.", "label": "NOT_ENOUGH_INFO", "quote": quote},
    ]
    return _write_jsonl(path, claims)


def _fake_recipe(folder, n=50, held=()):
    folder.mkdir()
    _write_jsonl(
        folder / "train.jsonl.gz",
        [{"p": f"premise {i}", "h": f"claim {i}", "y": i % 3, "src": "fake_nli", "w": 1.0} for i in range(n)],
        gz=True,
    )
    _write_jsonl(folder / "eval.jsonl.gz", [{"p": p, "h": h, "y": 0, "set": "fake_eval"} for p, h in held], gz=True)
    return folder


def test_each_written_claim_is_a_pair_with_its_quote_as_premise_and_its_label_as_the_networks(tmp_path):
    rows = claim_rows([_written(tmp_path / "w.jsonl")])
    assert [r["y"] for r in rows] == [0, 2, 1]  # entailment, contradiction, neutral
    assert {r["p"] for r in rows} == {"Russian forces captured Izyum on April 1."}
    assert {r["src"] for r in rows} == {SOURCE}
    assert set(LABEL_OF_CLAIM) == {"SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO"}


def test_a_claim_without_a_quote_or_with_an_unknown_label_is_refused(tmp_path):
    bad = _write_jsonl(tmp_path / "bad.jsonl", [{"id": "x", "claim": "c", "label": "SUPPORTS", "quote": ""}])
    with pytest.raises(ValueError, match="x: needs a quote"):
        claim_rows([bad])
    odd = _write_jsonl(tmp_path / "odd.jsonl", [{"id": "y", "claim": "c", "label": "TRUE", "quote": "q"}])
    with pytest.raises(ValueError, match="y: needs a quote"):
        claim_rows([odd])


def test_the_stage_repeats_the_written_pairs_mixes_in_recipe_pairs_and_keeps_the_recipes_held_out_sets(tmp_path):
    recipe = _fake_recipe(tmp_path / "recipe", n=50, held=[("p", "h")])
    counts = build_stage([_written(tmp_path / "w.jsonl")], recipe, tmp_path / "out", replay=20, repeat=3, seed=1)
    rows = list(read_jsonl(tmp_path / "out" / "train.jsonl.gz"))
    assert len(rows) == counts["train"] == 3 * 3 + 20
    assert sum(r["src"] == SOURCE for r in rows) == 9
    assert sum(r["src"] == "fake_nli" for r in rows) == 20
    assert (tmp_path / "out" / "eval.jsonl.gz").read_bytes() == (recipe / "eval.jsonl.gz").read_bytes()
    assert json.loads((tmp_path / "out" / "stage.json").read_text())["written_by_label"] == {"0": 1, "1": 1, "2": 1}
    again = build_stage([_written(tmp_path / "w.jsonl")], recipe, tmp_path / "again", replay=20, repeat=3, seed=1)
    assert again == counts
    assert list(read_jsonl(tmp_path / "again" / "train.jsonl.gz")) == rows  # the same seed, the same order


def test_a_written_pair_that_sits_in_the_recipes_held_out_sets_is_refused(tmp_path):
    quote = "Russian forces captured Izyum on April 1."
    recipe = _fake_recipe(tmp_path / "recipe", held=[(quote, "Russia took Izyum on April 1, 2022.")])
    with pytest.raises(ValueError, match="1 written pairs are in the recipe's held-out sets"):
        build_stage([_written(tmp_path / "w.jsonl", quote)], recipe, tmp_path / "out", replay=5, repeat=1)


def test_the_recipe_mixes_written_pairs_in_repeated_after_deduplication(tmp_path):
    from bot.training import recipe

    lib = tmp_path / "lib.jsonl"
    lib.write_text(
        '{"id": "r", "date": "2022-03-01", "text": "Russian forces captured Berdyansk on February 26. '
        'Ukrainian forces repelled assaults near Kharkiv on March 1."}\n'
    )
    counts = recipe.build(
        tmp_path, [lib], tmp_path / "out", natural=False, written=[_written(tmp_path / "w.jsonl")], written_repeat=2
    )
    rows = list(read_jsonl(tmp_path / "out" / "train.jsonl.gz"))
    assert sum(r["src"] == SOURCE for r in rows) == 6  # three written pairs, twice each: not collapsed by dedup
    assert counts["by_source"][SOURCE] == 6 and counts["written_repeat"] == 2


def test_a_broken_written_pairs_file_is_refused_with_its_file_and_line_and_writes_nothing(tmp_path):
    import subprocess
    import sys

    from tests.helpers import ROOT

    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "claim": "c", "label": "SUPPORTS", "quote": "q"}\n{broken\n')
    with pytest.raises(ValueError, match=r"broken.jsonl:2: not a JSON line"):
        claim_rows([broken])
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"claim": "Kyiv café"}\n'.encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8 text"):
        claim_rows([latin])
    recipe = _fake_recipe(tmp_path / "recipe")
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "bot.training.domain", "--pairs", broken, "--recipe", recipe, "--out", out],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1 and "broken.jsonl:2: not a JSON line" in run.stderr and "Traceback" not in run.stderr
    assert not out.exists()
