"""The index with a real Chroma: idempotent, incremental and resumable ingest, date filters, keyword index in step,
one owning process per data directory."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.chunking import chunk
from index.ingest import ingest_reports
from index.store import DataDirInUse, Store
from tests.helpers import ROOT, assert_satisfies_passage_search, ids_of, make_reports, report


def test_ingest_is_idempotent(store, embedder):
    reps = make_reports(5)
    first = ingest_reports(store, reps, embedder.encode)
    assert len(first.added) == 5 and first.passages > 0
    before = ids_of(store)
    second = ingest_reports(store, reps, embedder.encode)
    assert second.unchanged == [r.id for r in reps] and second.passages == 0 and second.embedded == 0
    assert ids_of(store) == before
    assert before["chroma"] == before["catalog"] == before["keyword"]


def test_changed_report_replaces_all_its_passages(store, embedder):
    reps = make_reports(3)
    ingest_reports(store, reps, embedder.encode)
    old_ids = {p for p in ids_of(store)["chroma"] if p.startswith("r001:")}
    changed = report("r001", "A completely different text. It is much shorter now.", date="2022-02-02")
    res = ingest_reports(store, [changed], embedder.encode)
    assert res.updated == ["r001"]
    now = ids_of(store)
    assert not old_ids & set(now["chroma"])
    assert [p for p in now["chroma"] if p.startswith("r001:")] == ["r001:0-52"]
    assert now["chroma"] == now["catalog"] == now["keyword"]
    meta = store.dense.collection.get(ids=["r001:0-52"], include=["metadatas"])["metadatas"][0]
    assert meta["date_int"] == 20220202 and meta["date"] == "2022-02-02"  # no stale metadata merged in


def test_replacing_and_deleting_after_a_reopen_keeps_parts_in_step(tmp_path, embedder):
    # The per-report passage lists are rebuilt from the catalog on open; a replace or delete must use them.
    with Store(tmp_path / "d") as s:
        ingest_reports(s, make_reports(4), embedder.encode)
        others = [p for p in ids_of(s)["catalog"] if p.startswith(("r000:", "r003:"))]
    with Store(tmp_path / "d") as s:
        ingest_reports(s, [report("r001", "Short new text about Lyman.", date="2022-03-03")], embedder.encode)
        assert s.delete_report("r002")
        s.rebuild_keyword_index()
        ids = ids_of(s)
        assert ids["chroma"] == ids["catalog"] == ids["keyword"]
        assert [p for p in ids["catalog"] if p.startswith("r001:")] == ["r001:0-27"]
        assert not any(p.startswith("r002:") for p in ids["catalog"])
        assert [p for p in ids["catalog"] if p.startswith(("r000:", "r003:"))] == others and others


def test_unchanged_text_is_not_embedded_twice(store, embedder):
    calls = []

    def counting(texts):
        calls.append(len(texts))
        return embedder.encode(texts)

    reps = make_reports(2)
    ingest_reports(store, reps, counting)
    # Same text under a new title: the report is re-indexed, but its passages come from the embedding cache.
    retitled = [report(r.id, r.text, date=r.date, title="new title") for r in reps]
    res = ingest_reports(store, retitled, counting)
    assert res.updated == ["r000", "r001"] and res.embedded == 0 and len(calls) == 1


def test_date_filters_dense_and_keyword(store, embedder):
    ingest_reports(store, make_reports(12), embedder.encode)
    vec = embedder.encode(["forces near Bakhmut fought"])[0]
    for hits in (
        store.dense_search(vec, 50, date_from=20220301, date_to=20220531),
        store.keyword_search("forces near Bakhmut fought", 50, date_from=20220301, date_to=20220531),
    ):
        assert hits
        assert all(20220301 <= store.passage_info(pid).date_int <= 20220531 for pid, _ in hits)


def test_a_narrow_date_filter_is_searched_exactly(store, embedder):
    # 30 later reports about the query's subject crowd the unfiltered over-fetch; the one report in range is found by
    # brute force over the cached vectors, with the same passages Chroma's own filtered search returns.
    later = [
        report(
            f"l{i:02d}",
            f"Russian forces shelled Bakhmut again on day {i}. Shelling of Bakhmut continued.",
            date=f"2023-0{1 + i % 9}-{1 + i % 28:02d}",
        )
        for i in range(30)
    ]
    early = report(
        "e", "Ukrainian officials reported artillery fire near Bakhmut. Farmers planted wheat.", date="2022-06-01"
    )
    ingest_reports(store, [*later, early], embedder.encode)
    vec = embedder.encode(["Russian forces shelled Bakhmut"])[0]
    over_fetch = store.dense.nearest(vec, 16, None)
    assert all(store.passage_info(p).report_id != "e" for p, _ in over_fetch)  # the unfiltered over-fetch misses it
    exact = store.dense.exact(vec, 2, 0, 20221231)
    assert exact and {store.passage_info(p).report_id for p, _ in exact} == {"e"}
    assert store.dense_search(vec, 2, date_to=20221231) == exact
    chroma = store.dense.nearest(vec, 2, {"date_int": {"$lte": 20221231}})
    assert [p for p, _ in chroma] == [p for p, _ in exact]
    assert all(abs(a - b) < 1e-4 for (_, a), (_, b) in zip(chroma, exact))
    assert store.dense.exact(vec, 2, 0, 20221231, limit=0) is None  # too many in range: Chroma's filter instead
    assert store.dense.exact(vec, 2, 20300101, 0) == []


def test_a_passage_without_a_cached_vector_falls_back_to_chromas_filter(store, embedder):
    ingest_reports(
        store,
        [report(f"l{i:02d}", f"Russian forces shelled Bakhmut on day {i}.", date="2023-03-01") for i in range(30)],
        embedder.encode,
    )
    odd = report("odd", "Artillery fire near Bakhmut was reported.", date="2022-05-05")
    passages = chunk(odd.id, odd.text)
    store.begin_report(odd)  # written as the scale benchmark does: vectors straight to Chroma, none in the cache
    store.add_passages(odd, passages, embedder.encode([p.text for p in passages]))
    store.complete_report(odd, passages)
    vec = embedder.encode(["Russian forces shelled Bakhmut"])[0]
    assert store.dense.exact(vec, 2, 0, 20221231) is None
    assert [store.passage_info(p).report_id for p, _ in store.dense_search(vec, 2, date_to=20221231)] == ["odd"]


def test_undated_reports_never_pass_a_date_filter(store, embedder):
    ingest_reports(store, [report("u", "Undated text about Bakhmut fighting.", date=None)], embedder.encode)
    vec = embedder.encode(["Bakhmut fighting"])[0]
    assert store.dense_search(vec, 5) and not store.dense_search(vec, 5, date_to=20300101)
    assert store.keyword_search("Bakhmut", 5) and not store.keyword_search("Bakhmut", 5, date_from=19000101)


def test_delete_keeps_parts_in_step(store, embedder):
    ingest_reports(store, make_reports(3), embedder.encode)
    assert store.delete_report("r002")
    store.rebuild_keyword_index()
    ids = ids_of(store)
    assert ids["chroma"] == ids["catalog"] == ids["keyword"] and not any(p.startswith("r002") for p in ids["chroma"])


def test_the_store_satisfies_the_search_protocol(store):
    assert_satisfies_passage_search(store)


def test_a_second_process_gets_a_clear_in_use_error(tmp_path):
    data = tmp_path / "data"
    with Store(data):
        t0 = time.time()
        proc = subprocess.run(
            [sys.executable, "-c", f"from index.store import Store; Store({str(data)!r})"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert time.time() - t0 < 30
        assert proc.returncode != 0 and "is in use by another claimcheck process" in proc.stderr
    with pytest.raises(DataDirInUse), Store(data):
        Store(data)


def test_corrupt_catalog_names_the_folder(tmp_path):
    from index.store import StoreCorrupt

    data = tmp_path / "data"
    data.mkdir()
    (data / "catalog.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreCorrupt, match="rebuild"):
        Store(data)


def _write_library(folder: Path, n: int) -> None:
    folder.mkdir()
    for r in make_reports(n, sentences=30):
        (folder / f"{r.id}.txt").write_text(f"date {r.date}\n{r.text}")


def _ids_in(data: Path) -> dict[str, list[str]]:
    with Store(data) as s:
        s.repair()
        return ids_of(s)


def kill_trials(tmp_path: Path, trials: int, seed: int = 7) -> None:
    lib = tmp_path / "lib"
    _write_library(lib, 60)
    clean = tmp_path / "clean"
    cli = [sys.executable, "-m", "bot.cli"]
    subprocess.run(
        [*cli, "--data-dir", str(clean), "ingest", "--quiet", str(lib)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    expected = _ids_in(clean)
    assert len(expected["chroma"]) > 100
    rng = random.Random(seed)
    interrupted = 0
    for trial in range(trials):
        data = tmp_path / f"killed{trial}"
        proc = subprocess.Popen(
            [*cli, "--data-dir", str(data), "ingest", str(lib)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        )
        assert proc.stderr is not None
        os.set_blocking(proc.stderr.fileno(), False)
        t0, started = time.time(), None
        delay = rng.uniform(0.0, 3.0)
        while proc.poll() is None and time.time() - t0 < 120:
            raw = proc.stderr.read()
            chunk = raw.decode(errors="ignore") if raw else ""
            if started is None and "passages" in chunk:
                started = time.time()
            if started is not None and time.time() - started >= delay:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
        proc.wait(timeout=30)
        interrupted += _complete_reports(data) < 60
        rerun = subprocess.run(
            [*cli, "--data-dir", str(data), "ingest", "--quiet", str(lib)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert rerun.returncode == 0, rerun.stderr
        assert _ids_in(data) == expected, f"trial {trial}: killed after {delay:.2f}s differs from a clean ingest"
    assert interrupted >= max(1, trials // 2), f"only {interrupted} of {trials} kills landed mid-ingest"


def _complete_reports(data: Path) -> int:
    import sqlite3

    if not (data / "catalog.sqlite3").exists():
        return 0
    with sqlite3.connect(data / "catalog.sqlite3") as db:
        return db.execute("SELECT count(*) FROM reports WHERE status='complete'").fetchone()[0]


def test_killed_ingest_reruns_to_the_same_index(tmp_path):
    kill_trials(tmp_path, trials=3)


@pytest.mark.slow
def test_killed_ingest_twenty_trials(tmp_path):
    kill_trials(tmp_path, trials=20, seed=11)
