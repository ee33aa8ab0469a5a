"""The swap pairs for the verifier's training: which slots are exchanged, which are left alone, and where the
sentences may come from (never a held-out report, never a fit claim's quote)."""

from __future__ import annotations

import json
import random

from bot.training.domain import claim_rows
from bot.training.swaps import build, reworded, swapped

JETS = "Ukrainian forces shot down 10 Russian aircraft, including five jets and three helicopters, on March 16, 2022."


def test_two_counts_or_two_sides_are_exchanged():
    variants = swapped(JETS)
    assert (
        "Ukrainian forces shot down 10 Russian aircraft, including three jets and five helicopters, on March 16, 2022."
        in variants
    )
    assert (
        "Russian forces shot down 10 Ukrainian aircraft, including five jets and three helicopters, on March 16, 2022."
        in variants
    )
    assert all("March 16, 2022" in v for v in variants)  # a day of a month and a year are dates, not counts


def test_origin_and_destination_are_exchanged_but_items_of_one_list_are_not():
    route = "Satellite imagery shows Russian forces moving an S-300 system from Maysaf, Syria to Novorossiysk, Russia."
    assert (
        "Satellite imagery shows Russian forces moving an S-300 system from Novorossiysk, Syria to Maysaf, Russia."
        in (swapped(route))
    )
    assert swapped("Russian forces attacked near Bakhmut, Soledar, and Avdiivka on Tuesday.") == []  # all places
    assert swapped("ISW draws on Russian, Ukrainian, and Western reporting and social media.") == []


def test_a_rewording_keeps_every_pairing():
    out = reworded(JETS, random.Random(1))
    assert "including three helicopters and five jets, on March 16" in out and "10 Russian aircraft" in out
    # Coordinated counts are reordered only when each is one word long: longer phrases would be garbled.
    longer = "They reported 39 air and nine missile strikes near Bakhmut on Tuesday."
    assert "39 air and nine missile strikes" in reworded(longer, random.Random(1))


def test_a_symmetric_relation_is_never_swapped():
    assert swapped("Ukrainian forces and Russian forces clashed near Bakhmut on Tuesday.") == []
    assert swapped("President Putin met with Lukashenko in Minsk on Friday.") == []


def test_pairs_come_only_from_reports_no_held_out_set_cites_and_never_from_a_fit_quote(tmp_path):
    reports = tmp_path / "reports.jsonl"
    held, fit = tmp_path / "held.jsonl", tmp_path / "fit.jsonl"
    texts = {
        "r-held": "Russian forces shelled Kharkiv from Belgorod on March 3 with ten rockets and four drones.",
        "r-fit": "Ukrainian forces struck Melitopol from Zaporizhzhia with six missiles and two drones yesterday.",
        "r-train": "Russian forces moved 12 tanks and 40 trucks from Belgorod toward Kupiansk on Friday night.",
    }
    reports.write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in texts.items()))
    held.write_text(json.dumps({"evidence": [{"doc_id": "r-held", "quote": texts["r-held"]}]}) + "\n")
    fit.write_text(json.dumps({"evidence": [{"doc_id": "r-fit", "quote": texts["r-fit"]}]}) + "\n")
    rows = list(build(reports, [held], [fit], n=10))
    assert {r["doc_id"] for r in rows} == {"r-train"}
    assert [r["label"] for r in rows] == ["SUPPORTS", "REFUTES"]
    assert rows[1]["claim"] != rows[1]["quote"] and sorted(rows[1]["claim"].split()) == sorted(rows[1]["quote"].split())
    out = tmp_path / "swaps.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert [r["y"] for r in claim_rows([out])] == [0, 2]  # the stage reads them as written pairs
    # A premise of the recipe's own held-out pairs stays out of training.
    assert list(build(reports, [held], [fit], n=10, recipe_premises=frozenset({texts["r-train"].lower()}))) == []
