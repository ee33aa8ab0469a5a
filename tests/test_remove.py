"""Removing reports: the CLI's exit codes and messages, the three parts of the index in step afterwards, the keyword
side silent about a removed report at once, and a removal killed mid-way leaving the report whole or gone."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from index.ingest import ingest_reports
from index.store import Store
from tests.helpers import ROOT, ids_of, make_reports


def _parts_agree(store: Store) -> dict[str, list[str]]:
    ids = ids_of(store)
    assert ids["chroma"] == ids["catalog"] == ids["keyword"], ids
    return ids


def _has(ids: dict[str, list[str]], rid: str) -> dict[str, bool]:
    return {part: any(p.startswith(f"{rid}:") for p in found) for part, found in ids.items()}


def test_the_keyword_side_stops_returning_a_removed_report_at_once(store, embedder):
    ingest_reports(store, make_reports(4), embedder.encode)
    assert any(p.startswith("r001:") for p, _ in store.keyword_search("Kherson position", 50))
    assert store.remove_reports(["r001", "nope"]) == (["r001"], ["nope"])
    assert not any(p.startswith("r001:") for p, _ in store.keyword_search("Kherson position", 50))
    assert not any(p.startswith("r001:") for p, _ in store.dense_search(embedder.encode(["Kherson"])[0], 50))
    ids = _parts_agree(store)
    assert not any(_has(ids, "r001").values()) and all(_has(ids, "r002").values())
    assert store.report_info("r001") is None and store.stored_hash("r001") is None


def test_remove_through_the_cli(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    for r in make_reports(3):
        (lib / f"{r.id}.txt").write_text(f"date {r.date}\n{r.text}")
    data = tmp_path / "d"
    cli = [sys.executable, "-m", "bot.cli", "--data-dir", str(data)]
    subprocess.run([*cli, "ingest", "--quiet", str(lib)], cwd=ROOT, check=True, capture_output=True, timeout=300)
    p = subprocess.run([*cli, "remove", "r001"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and "removed r001" in p.stdout, p.stderr
    p = subprocess.run([*cli, "remove", "r001", "r002"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and "removed r002" in p.stdout
    assert "not in the library: r001" in p.stderr and "Traceback" not in p.stderr
    with Store(data) as s:
        ids = _parts_agree(s)
        assert [r.id for r in s.reports()] == ["r000"] and all(_has(ids, "r000").values())


# Runs in a child process: removes r001 with the Chroma delete (or the catalog mark) held up half-way, so the test
# can kill it there. ``where`` is "chroma" (after the mark, with half of the report's Chroma rows deleted) or "mark"
# (before anything is written).
_CHILD = """
import sys, time
from pathlib import Path
from index.store import Store

data, where, marker = sys.argv[1], sys.argv[2], Path(sys.argv[3])
store = Store(data)

def hold():
    marker.write_text("held")
    while True:
        time.sleep(1)

if where == "chroma":
    def half_then_hold(report_id):
        rows = store.dense.collection.get(where={"report_id": report_id}, include=[])["ids"]
        store.dense.collection.delete(ids=rows[: len(rows) // 2])
        hold()
    store.dense.delete_report = half_then_hold
else:
    store.catalog.mark_removing = lambda report_id: hold()
store.remove_reports(["r001"])
"""


@pytest.mark.parametrize(("where", "gone"), [("chroma", True), ("mark", False)])
def test_a_killed_removal_leaves_the_report_whole_or_gone(tmp_path, embedder, where, gone):
    data = tmp_path / "data"
    with Store(data) as s:
        ingest_reports(s, make_reports(3, sentences=30), embedder.encode)
        before = _parts_agree(s)
    assert sum(p.startswith("r001:") for p in before["chroma"]) >= 4
    marker = tmp_path / "held"
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(data), where, str(marker)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    t0 = time.time()
    while not marker.exists() and proc.poll() is None and time.time() - t0 < 120:
        time.sleep(0.05)
    assert marker.exists(), proc.stderr.read().decode() if proc.stderr else ""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with sqlite3.connect(data / "catalog.sqlite3") as db:
        status = db.execute("SELECT status FROM reports WHERE id='r001'").fetchone()
    assert status == (("removing",) if gone else ("complete",))  # the kill landed where it was meant to
    with Store(data) as s:  # reopening finishes a marked removal
        ids = _parts_agree(s)
        assert set(_has(ids, "r001").values()) == {not gone}
        assert s.stored_hash("r001") is None if gone else s.stored_hash("r001")[1] == "complete"
        if not gone:
            assert ids == before
        s.repair()
        assert _parts_agree(s) == ids
