"""The keyword index's delta: new passages rank exactly as if indexed with the rest; changed, deleted and reopened
libraries stay in step; the whole index is rebuilt only when the delta outgrows its share."""

from __future__ import annotations

import shutil

import pytest

from index import keywords
from index.ingest import ingest_reports
from index.keywords import KeywordIndex
from index.store import Store
from tests.helpers import report

TEXTS = [
    "Russian forces captured Berdyansk on February 26 after a short fight near the port.",
    "Ukrainian forces shelled Russian positions near Kharkiv and Izyum.",
    "Berdyansk port was struck twice; Berdyansk burned through the night.",
    "Russian forces advanced toward Mariupol from the west, Russian sources said.",
]


@pytest.mark.parametrize("query", ["Berdyansk port", "Russian forces Russian positions", "captured Mariupol"])
def test_a_delta_passage_scores_exactly_as_if_it_had_been_indexed(query):
    main = KeywordIndex.build(["a", "b", "c", "d"], TEXTS, {})
    full = dict(main.search(query, 4))
    # The same texts under other ids in the delta, scored with the main index's statistics: identical scores.
    both = main.with_delta(["a2", "b2", "c2", "d2"], TEXTS, frozenset())
    found = dict(both.search(query, 8))
    assert full and {k + "2": v for k, v in full.items()} == pytest.approx(
        {k: v for k, v in found.items() if k.endswith("2")}, rel=1e-5
    )


def test_stale_rows_are_skipped_and_a_word_new_to_the_main_index_is_found():
    main = KeywordIndex.build(["a", "b"], TEXTS[:2], {})
    index = main.with_delta(["a"], ["Kremlin spokesperson Peskov denied the report."], frozenset({"a"}))
    assert [pid for pid, _ in index.search("Berdyansk", 5)] == []  # "a" changed: its old words are gone
    assert [pid for pid, _ in index.search("Peskov", 5)] == ["a"]


def _hits(store: Store, query: str) -> set[str]:
    return {pid.split(":")[0] for pid, _ in store.keyword_search(query, 10)}


def test_ingest_updates_keywords_by_delta_and_a_reopen_keeps_them(tmp_path, embedder, monkeypatch):
    data = tmp_path / "d"
    base = [report(f"r{i}", text, date=f"2022-03-0{i + 1}") for i, text in enumerate(TEXTS)]
    with Store(data) as s:
        ingest_reports(s, base, embedder.encode)
        built = s.keywords.index
        ingest_reports(s, [report("r9", "Wagner Group fighters entered Soledar.", date="2022-03-09")], embedder.encode)
        assert s.keywords.index.model is built.model and s.keywords.index.delta_ids  # no rebuild for one report
        assert _hits(s, "Soledar Wagner") == {"r9"}
        ingest_reports(
            s, [report("r0", "Russian forces withdrew from Kyiv Oblast.", date="2022-03-01")], embedder.encode
        )  # r0 changed: its old words must go, its new ones come
        assert "r0" not in _hits(s, "captured Berdyansk") and _hits(s, "withdrew Kyiv") == {"r0"}
        assert s.delete_report("r2")
        assert "r2" not in _hits(s, "Berdyansk burned")
        before = {q: _hits(s, q) for q in ("Soledar", "withdrew Kyiv", "Berdyansk", "Kharkiv")}
        assert sorted(s.keyword_ids()) == sorted(s.catalog.passages)
    with Store(data) as s:  # the delta is rebuilt from the catalog on open
        assert s.keywords.index.delta_ids and {q: _hits(s, q) for q in before} == before
        assert sorted(s.keyword_ids()) == sorted(s.catalog.passages)
        monkeypatch.setattr(keywords, "DELTA_MIN", 0)  # past its share, the next ingest rebuilds the whole index
        ingest_reports(s, [report("r8", "Drones struck Sevastopol.", date="2022-03-08")], embedder.encode)
        assert not s.keywords.index.delta_ids and not s.keywords.index.stale and _hits(s, "Sevastopol drones") == {"r8"}
        assert {q: _hits(s, q) for q in before} == before


def test_save_and_load_round_trip_and_a_stamp_without_its_files_means_rebuild(tmp_path):
    index = KeywordIndex.build(["a", "b"], TEXTS[:2], {"r": "h1"})
    index.save(tmp_path)
    index.save(tmp_path)  # a second build replaces the first; the old files go
    assert len([d for d in tmp_path.iterdir() if d.is_dir()]) == 1
    again = KeywordIndex.load(tmp_path)
    assert again is not None and again.reports == {"r": "h1"}
    assert again.search("Berdyansk", 2) == index.search("Berdyansk", 2)
    for d in tmp_path.iterdir():
        if d.is_dir():
            shutil.rmtree(d)
    assert KeywordIndex.load(tmp_path) is None  # the caller rebuilds
