"""The project's ISW claim sets (benchmarks/data/) are what their README says: balanced, each quote verbatim in the
report of its date, and no report of a held-out set cited by the dev claims, by another held-out set or by the fit
set."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.common import HELD_OUT_SETS
from index.jsonl import read_jsonl
from tests.helpers import ROOT, need_shared_data

SETS = HELD_OUT_SETS


def _rows(path: Path) -> list[dict]:
    return list(read_jsonl(path))


def _cited(rows: list[dict]) -> set[str]:
    return {e["date"] for r in rows for e in r["evidence"]}


SIZES = {
    "isw_holdout.jsonl": 30,
    "isw_holdout2.jsonl": 30,
    "isw_holdout3.jsonl": 30,
    "isw_holdout4.jsonl": 60,
    "isw_holdout5.jsonl": 60,
    "isw_holdout6.jsonl": 45,
    "isw_holdout7.jsonl": 90,
    "isw_holdout8.jsonl": 90,
    "isw_holdout9.jsonl": 90,
    "isw_holdout10.jsonl": 90,
    "isw_holdout11.jsonl": 90,
    "isw_holdout12.jsonl": 90,
    "isw_holdout13.jsonl": 90,
    "isw_holdout14.jsonl": 90,
    "isw_holdout15.jsonl": 180,
    "isw_holdout16.jsonl": 180,
    "isw_holdout17.jsonl": 180,
    "isw_holdout18.jsonl": 240,
    "isw_holdout19.jsonl": 180,
    "isw_holdout20.jsonl": 162,
    "isw_holdout21.jsonl": 122,
    "isw_holdout22.jsonl": 156,
    "isw_holdout23.jsonl": 156,
    "isw_holdout24.jsonl": 156,
    "isw_holdout25.jsonl": 156,
    "isw_holdout26.jsonl": 156,
    "isw_holdout27.jsonl": 156,
    "isw_holdout28.jsonl": 132,
    "isw_holdout29.jsonl": 120,
    "isw_holdout30.jsonl": 120,
    "isw_holdout31.jsonl": 120,
    "isw_holdout32.jsonl": 120,
    "isw_holdout33.jsonl": 120,
    "isw_holdout34.jsonl": 144,
    "isw_holdout35.jsonl": 144,
    "isw_holdout36.jsonl": 144,
    "isw_holdout37.jsonl": 144,
    "isw_holdout38.jsonl": 144,
    "isw_holdout39.jsonl": 144,
    "isw_holdout40.jsonl": 144,
    "isw_holdout41.jsonl": 144,
    "isw_holdout42.jsonl": 144,
    "isw_holdout43.jsonl": 144,
    "isw_holdout44.jsonl": 144,
    "isw_holdout45.jsonl": 144,
    "isw_holdout46.jsonl": 144,
    "isw_holdout47.jsonl": 120,
    "isw_holdout48.jsonl": 144,
    "isw_holdout49.jsonl": 120,
    "isw_holdout50.jsonl": 144,
    "isw_holdout51.jsonl": 120,
    "isw_holdout52.jsonl": 144,
    "isw_holdout53.jsonl": 120,
    "isw_holdout54.jsonl": 144,
    "isw_holdout55.jsonl": 120,
}
# Sets drawn to judge one check, not balanced by label: (SUPPORTS, REFUTES, NOT_ENOUGH_INFO). Sets 21-27 hold a true
# and a swapped claim on binding paragraphs or sentences and a true claim on others; sets 28 and 29 a true and a false
# claim on each drawn sentence and fewer absent claims (benchmarks/data/README.md).
LABEL_COUNTS = (
    {"isw_holdout21.jsonl": (85, 37, 0)}
    | {f"isw_holdout{n}.jsonl": (96, 60, 0) for n in range(22, 28)}
    | {"isw_holdout28.jsonl": (48, 48, 36), "isw_holdout29.jsonl": (48, 48, 24), "isw_holdout30.jsonl": (48, 48, 24)}
    | {"isw_holdout31.jsonl": (48, 48, 24), "isw_holdout32.jsonl": (48, 48, 24)}
    | {"isw_holdout33.jsonl": (48, 48, 24), "isw_holdout34.jsonl": (60, 60, 24)}
    | {"isw_holdout35.jsonl": (60, 60, 24), "isw_holdout36.jsonl": (60, 60, 24)}
    | {"isw_holdout37.jsonl": (60, 60, 24), "isw_holdout38.jsonl": (60, 60, 24)}
    | {"isw_holdout39.jsonl": (60, 60, 24), "isw_holdout40.jsonl": (60, 60, 24)}
    | {"isw_holdout41.jsonl": (60, 60, 24), "isw_holdout42.jsonl": (60, 60, 24)}
    | {"isw_holdout43.jsonl": (60, 60, 24), "isw_holdout44.jsonl": (60, 60, 24)}
    | {"isw_holdout45.jsonl": (60, 60, 24), "isw_holdout46.jsonl": (60, 60, 24)}
    | {"isw_holdout47.jsonl": (48, 48, 24), "isw_holdout48.jsonl": (60, 60, 24)}
    | {"isw_holdout49.jsonl": (48, 48, 24), "isw_holdout50.jsonl": (60, 60, 24)}
    | {"isw_holdout51.jsonl": (48, 48, 24), "isw_holdout52.jsonl": (60, 60, 24)}
    | {"isw_holdout53.jsonl": (48, 48, 24), "isw_holdout54.jsonl": (60, 60, 24)}
    | {"isw_holdout55.jsonl": (48, 48, 24)}
)
# Sets drawn from every report, fit files' and written pairs' reports included, once the held-out side ran out: they
# quote no sentence a fit claim or a written pair quotes (tested below), so neither the decision nor the network saw
# their evidence.
SHARES_FIT_REPORTS = {f"isw_holdout{n}.jsonl" for n in range(21, 56)}
# Sets written after the period's reports ran out: they reuse reports of earlier held-out sets (never of a fit file).
REUSES_HELD_OUT_REPORTS = {f"isw_holdout{n}.jsonl" for n in range(7, 56)}


def test_the_held_out_sets_are_the_listed_ones():
    assert [p.name for p in SETS] == list(SIZES)


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_a_set_is_balanced_and_well_formed(path: Path):
    rows = _rows(path)
    n = SIZES[path.name]
    assert len({r["id"] for r in rows}) == len(rows) == n
    counts = tuple(sum(r["label"] == label for r in rows) for label in ("SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO"))
    assert counts == LABEL_COUNTS.get(path.name, (n // 3,) * 3)
    for r in rows:
        assert (r["label"] == "NOT_ENOUGH_INFO") == (not r["evidence"]), r["id"]


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_quotes_are_verbatim_and_reports_are_new(path: Path):
    data = need_shared_data() / "isw-2022"
    reports = {r["date"]: r["text"] for r in read_jsonl(data / "reports.jsonl")}
    rows = _rows(path)
    for r in rows:
        for e in r["evidence"]:
            assert e["quote"] in reports[e["date"]], r["id"]
    if path.name not in SHARES_FIT_REPORTS:
        assert not _cited(rows) & _cited(_rows(data / "claims_dev.jsonl"))
    for other in SETS:
        if other != path and not {path.name, other.name} & REUSES_HELD_OUT_REPORTS:
            assert not _cited(rows) & _cited(_rows(other))


def test_the_verifier_benchmark_reads_their_gold_pairs_and_tests_pairs_exactly():
    from benchmarks.verifier_heldout import HOLDOUT, gold_rows, mcnemar

    rows = gold_rows(HOLDOUT)
    assert len(rows) == 60 and sum(r["y"] == 0 for r in rows) == 30 and {r["y"] for r in rows} == {0, 2}
    # Hand-computed: 0 against 5 discordant pairs, p = 2 * (1/2)^5; 1 against 1 caps at 1.
    assert mcnemar([False] * 5 + [True], [True] * 6) == {"only_first_right": 0, "only_second_right": 5, "p": 0.0625}
    assert mcnemar([True, False], [False, True])["p"] == 1.0
    assert mcnemar([True], [True]) == {"only_first_right": 0, "only_second_right": 0, "p": 1.0}


def test_pooled_gold_pairs_are_scored_and_compared_with_each_model_before(tmp_path: Path):
    """benchmarks.verifier_heldout: the second model's pooled score names the first's, with the exact test."""
    import numpy as np

    from benchmarks.verifier_heldout import pooled_scores

    class FakeScorer:
        """Reads every pair as entailment, or every pair as contradiction."""

        def __init__(self, label: int):
            self.label = label

        def score(self, pairs):
            out = np.full((len(pairs), 3), 0.1)
            out[:, self.label] = 0.8
            return out

    rows = [{"p": "q", "h": "c", "y": 0}] * 3 + [{"p": "q", "h": "d", "y": 2}]
    right: dict[str, list[bool]] = {}
    first = pooled_scores(FakeScorer(0), rows, "a", right)
    second = pooled_scores(FakeScorer(2), rows, "b", right)
    assert (first["correct"], first["two_way_correct"], first["vs"]) == (3, 3, {})
    assert second["correct"] == 1 and second["vs"]["a"] == {"only_first_right": 1, "only_second_right": 3, "p": 0.625}


def test_two_way_reading_ignores_neutral_and_breaks_ties_towards_entailment():
    from benchmarks.verifier_heldout import two_way_right

    probs = [[0.2, 0.7, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.5, 0.1, 0.4]]
    # Hand-read: rows 0-1 are neutral by argmax and still count by e against c; row 1 ties e and c and reads
    # entailment; row 2 has c > e, row 3 e > c.
    assert two_way_right(probs, [0, 0, 0, 2]) == [True, True, False, False]
    assert two_way_right(probs, [2, 2, 2, 0]) == [False, False, True, True]


@pytest.mark.parametrize("name", sorted(REUSES_HELD_OUT_REPORTS))
def test_a_set_reusing_reports_quotes_no_sentence_an_earlier_set_quotes(name: str):
    """A set written on reports of earlier sets asks about other facts of them: no quote overlaps an earlier one."""
    quotes = [e["quote"] for r in _rows(ROOT / "benchmarks" / "data" / name) for e in r["evidence"]]
    earlier = [e["quote"] for p in SETS if p.name != name for r in _rows(p) for e in r["evidence"]]
    assert quotes
    for q in quotes:
        assert not any(q in e or e in q for e in earlier), q


FIT = ROOT / "benchmarks" / "data" / "isw_fit.jsonl"
FIT2 = ROOT / "benchmarks" / "data" / "isw_fit2.jsonl"
FIT3 = ROOT / "benchmarks" / "data" / "isw_fit3.jsonl"


def test_the_fit_set_is_balanced_verbatim_and_shares_no_report_with_a_held_out_set():
    """The decision is fitted on isw_fit.jsonl: were one of its reports cited by a held-out set, the held-out figures
    would no longer be held out."""
    rows = _rows(FIT)
    assert len({r["id"] for r in rows}) == len(rows) == 90
    assert [sum(r["label"] == label for r in rows) for label in ("SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO")] == [30] * 3
    for r in rows:
        assert (r["label"] == "NOT_ENOUGH_INFO") == (not r["evidence"]), r["id"]
    for other in SETS:
        if other.name not in SHARES_FIT_REPORTS:
            assert not _cited(rows) & _cited(_rows(other)), other.name
    data = need_shared_data() / "isw-2022"
    reports = {r["date"]: r["text"] for r in read_jsonl(data / "reports.jsonl")}
    for r in rows:
        for e in r["evidence"]:
            assert e["quote"] in reports[e["date"]], r["id"]


@pytest.mark.parametrize("name", [f"isw_holdout{n}.jsonl" for n in range(4, 21)])
def test_the_later_sets_share_no_report_with_any_file_a_decision_is_fitted_on(name: str):
    """Sets 1-3 came before claims_train.jsonl and share 5 of its reports (benchmarks/data/README.md says so); the
    later sets were drawn so that no fit file reaches them."""
    data = need_shared_data() / "isw-2022"
    cited = _cited(_rows(ROOT / "benchmarks" / "data" / name))
    for fit in (data / "claims_dev.jsonl", data / "claims_train.jsonl", FIT, FIT2, FIT3):
        assert not cited & _cited(_rows(fit)), fit.name


@pytest.mark.parametrize("name", sorted(SHARES_FIT_REPORTS))
def test_a_set_on_fit_reports_quotes_no_sentence_a_fit_claim_quotes(name: str):
    data = need_shared_data() / "isw-2022"
    quotes = [e["quote"] for r in _rows(ROOT / "benchmarks" / "data" / name) for e in r["evidence"]]
    fits = (data / "claims_dev.jsonl", data / "claims_train.jsonl", FIT, FIT2, FIT3)
    fitted = [e["quote"] for f in fits for r in _rows(f) for e in r["evidence"]]
    assert quotes
    for q in quotes:
        assert not any(q in e or e in q for e in fitted), q


def test_a_pooled_run_splits_into_its_sets(tmp_path: Path):
    """benchmarks.holdout_table: each claim of a pooled run counts in its own set's row and in the pool's."""
    from benchmarks.holdout_table import groups, row

    ids = groups()
    four, seven = sorted(ids["set 4"])[:2], sorted(ids["set 7"])[:1]
    rows = [
        {"id": four[0], "gold": "SUPPORTS", "pred": "SUPPORTS", "confidence": 0.9, "evidence_first": True},
        {"id": four[1], "gold": "REFUTES", "pred": "SUPPORTS", "confidence": 0.8, "evidence_first": False},
        {"id": seven[0], "gold": "NOT_ENOUGH_INFO", "pred": "REFUTES", "confidence": 0.7},
    ]
    set4 = row([r for r in rows if r["id"] in ids["set 4"]])
    assert (set4["n"], set4["SUPPORTS_given"], set4["SUPPORTS_right"], set4["evidence_at_1"]) == (2, 2, 1, 0.5)
    pooled = row(rows)
    assert (pooled["REFUTES_given"], pooled["REFUTES_right"], pooled["absent_claims_decided"]) == (1, 0, 1.0)


def test_quote_at_1_asks_for_the_gold_sentence_not_only_its_report():
    """benchmarks.holdout_table's quote@1: the first citation holds the gold sentence (endnote markers, quotation marks
    and spacing aside), or is one sentence of a two-sentence gold quote; another sentence of the same report is not."""
    from benchmarks.holdout_table import quote_first, row

    gold = ["Russian forces captured Berdyansk on February 26.[12] Ukrainian officials confirmed it."]

    def cited(quote: str) -> dict:
        return {"citations": [{"quote": quote}]}

    assert quote_first(cited("Earlier: Russian  forces captured Berdyansk on February 26. Later more."), gold)
    assert quote_first(cited("Russian forces captured Berdyansk on February 26."), gold)
    assert quote_first(
        cited("Russian forces captured “Berdyansk” on February 26[3]."),
        ['Russian forces captured "Berdyansk" on February 26.'],
    )
    # a citation that starts inside the gold sentence counts too (the gold quote opens with a heading)
    heading = [
        "2) Kharkiv axis: Russian forces will likely envelop Kharkiv in the next 24 hours after failing to enter."
    ]
    assert quote_first(cited("Russian forces will likely envelop Kharkiv in the next 24 hours after failing."), heading)
    assert not quote_first(cited("Ukrainian forces held Mariupol on February 26 against heavy shelling."), gold)
    assert not quote_first({"citations": []}, gold) and not quote_first(cited(gold[0]), [])
    assert not quote_first(cited(""), gold)  # an empty quote is in every text, and is no citation
    assert not quote_first(
        cited("Ukrainian forces held Mariupol, St. Petersburg said."), ["He flew to St. Petersburg."]
    )
    # only the first citation counts
    assert not quote_first({"citations": [{"quote": "Another sentence entirely here."}, {"quote": gold[0]}]}, gold)
    rows = [
        {"id": "a", "gold": "SUPPORTS", "pred": "NOT_ENOUGH_INFO", "confidence": 0.5, **cited(gold[0])},
        {"id": "b", "gold": "REFUTES", "pred": "NOT_ENOUGH_INFO", "confidence": 0.5, **cited("Nothing of it.")},
        {"id": "c", "gold": "NOT_ENOUGH_INFO", "pred": "NOT_ENOUGH_INFO", "confidence": 0.5, **cited("Nothing.")},
    ]
    quotes = {"a": gold, "b": gold}
    assert row(rows, quotes)["quote_at_1"] == 0.5 and row(rows)["quote_at_1"] is None  # absent claims not counted


PAIRS = ROOT / "benchmarks" / "data" / "isw_pairs_train.jsonl"


def test_the_written_training_pairs_are_triples_on_one_verbatim_quote():
    """The verifier's second stage trains on these: each quote has one claim it states, one it contradicts, one it
    leaves open, so only meaning separates them."""
    rows = _rows(PAIRS)
    assert len({r["id"] for r in rows}) == len(rows) >= 300
    for k in range(0, len(rows), 3):
        triple = rows[k : k + 3]
        assert [r["label"] for r in triple] == ["SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO"], triple[0]["id"]
        assert len({(r["quote"], r["doc_id"]) for r in triple}) == 1, triple[0]["id"]
    data = need_shared_data() / "isw-2022"
    reports = {r["id"]: r["text"] for r in read_jsonl(data / "reports.jsonl")}
    for r in rows:
        assert r["quote"] in reports[r["doc_id"]], r["id"]


SHIPPED_STAGE_PAIRS = 1950  # writers 1-23: the shipped second stage's pairs (docs/MODEL_CARD.md rebuilds it from them)


def test_the_shipped_stages_pairs_are_the_files_first_lines():
    """The model card rebuilds the shipped stage from the file's first 1,950 lines: later writers are appended after."""
    writer = [int(r["id"].split("-")[1]) for r in _rows(PAIRS)]
    assert max(writer[:SHIPPED_STAGE_PAIRS]) == 23 and min(writer[SHIPPED_STAGE_PAIRS:], default=24) >= 24


def test_the_written_training_pairs_share_no_report_with_a_held_out_set_and_no_quote_with_any_set():
    """Trained on, they must leave every held-out set held out, and the fit files' claims unseen by the network the
    decision is fitted over."""
    data = need_shared_data() / "isw-2022"
    rows = _rows(PAIRS)
    reports = {r["doc_id"] for r in rows}
    for other in SETS:
        if other.name not in SHARES_FIT_REPORTS:  # those share reports but no quote (below)
            assert not reports & {e["doc_id"] for c in _rows(other) for e in c["evidence"]}, other.name
    quotes = {r["quote"] for r in rows}
    for other in [*SETS, FIT, data / "claims_dev.jsonl", data / "claims_train.jsonl"]:
        for c in _rows(other):
            for e in c.get("evidence") or []:
                assert not any(e["quote"] in q or q in e["quote"] for q in quotes), (other.name, c["id"])


FIT_LABELS = {FIT2: (50, 50, 50), FIT3: (70, 90, 80)}  # SUPPORTS, REFUTES, NOT_ENOUGH_INFO


@pytest.mark.parametrize("path", list(FIT_LABELS), ids=lambda p: p.name)
def test_the_later_fit_sets_are_verbatim_and_quote_no_training_pair(path: Path):
    """These are fitted over a network trained on the written pairs: none of their quotes may be one of the pairs'."""
    rows = _rows(path)
    counts = tuple(sum(r["label"] == label for r in rows) for label in ("SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO"))
    assert len({r["id"] for r in rows}) == len(rows) == sum(counts) and counts == FIT_LABELS[path]
    pairs = {r["quote"] for r in _rows(PAIRS)}
    data = need_shared_data() / "isw-2022"
    reports = {r["id"]: r["text"] for r in read_jsonl(data / "reports.jsonl")}
    for r in rows:
        assert (r["label"] == "NOT_ENOUGH_INFO") == (not r["evidence"]), r["id"]
        for e in r["evidence"]:
            assert e["quote"] in reports[e["doc_id"]], r["id"]
            assert not any(e["quote"] in q or q in e["quote"] for q in pairs), r["id"]
