"""Replicas over one `chroma run` server, at the store level: each replica is a ``Store`` with its own data folder, as
``claimcheck serve`` opens it. What one writes, the others see after a sync; concurrent writers of the same reports
take turns; a dead writer's lease is taken over. The HTTP-level test with two served replicas is
``tests/test_replicas_http.py``."""

from __future__ import annotations

import threading
import time

import chromadb
import pytest

from index import shared
from index.ingest import ingest_reports
from index.store import Store
from tests.helpers import make_reports, report


def shared_state(url: str, collection: str) -> dict:
    """What the server holds for a library, without who wrote it or when: equal for equal libraries."""
    from urllib.parse import urlparse

    u = urlparse(url)
    client = chromadb.HttpClient(host=u.hostname, port=u.port)
    passages = client.get_collection(collection).get(include=["documents", "metadatas", "embeddings"])
    reports = client.get_collection(f"{collection}-reports").get(include=["documents", "metadatas"])
    volatile = {"writer", "updated"}
    return {
        "passages": sorted(
            (pid, doc, tuple(sorted(meta.items())), tuple(round(float(x), 5) for x in vec))
            for pid, doc, meta, vec in zip(
                passages["ids"], passages["documents"], passages["metadatas"], passages["embeddings"]
            )
        ),
        "reports": sorted(
            (rid, doc, tuple(sorted((k, v) for k, v in meta.items() if k not in volatile)))
            for rid, doc, meta in zip(reports["ids"], reports["documents"], reports["metadatas"])
        ),
    }


def test_chroma_add_keeps_the_first_writer(chroma_url):
    """The lease rests on this: ``add`` of an existing id is ignored, so the first writer's row stays."""
    from urllib.parse import urlparse

    u = urlparse(chroma_url)
    meta = chromadb.HttpClient(host=u.hostname, port=u.port).get_or_create_collection("probe-meta")
    meta.add(ids=["lease:x"], embeddings=[[0.0]], metadatas=[{"owner": "first"}])
    meta.add(ids=["lease:x"], embeddings=[[0.0]], metadatas=[{"owner": "second"}])
    assert meta.get(ids=["lease:x"])["metadatas"] == [{"owner": "first"}]
    meta.delete(ids=["lease:x"], where={"owner": "second"})  # not the holder: nothing happens
    assert meta.get(ids=["lease:x"])["ids"] == ["lease:x"]


def test_a_report_written_through_one_replica_is_seen_by_the_other(chroma_url, tmp_path, embedder):
    with Store(tmp_path / "one", chroma_url) as one, Store(tmp_path / "two", chroma_url) as two:
        assert two.is_current()
        kherson = report("kherson", "Ukrainian forces liberated Kherson City on November 11.")
        ingest_reports(one, [kherson], embedder.encode)
        assert not two.is_current()  # the stamp moved: the readiness probe says so until the sync
        assert two.reports() == []
        assert two.sync()
        assert two.is_current()
        assert [r.id for r in two.reports()] == ["kherson"]
        assert two.keyword_search("Kherson liberated", 3) == one.keyword_search("Kherson liberated", 3)
        vector = embedder.encode(["Kherson was liberated"])[0]
        assert two.dense_search(vector, 3) == one.dense_search(vector, 3)
        assert two.dense_search(vector, 3, date_from=20220601, date_to=20220601) == one.dense_search(
            vector, 3, date_from=20220601, date_to=20220601
        )
        pid = two.dense_search(vector, 1)[0][0]
        assert two.passage_texts([pid]) == one.passage_texts([pid])
        assert not two.sync()  # nothing new: no work

        assert two.remove_reports(["kherson"]) == (["kherson"], [])
        assert one.sync()
        assert one.reports() == [] and one.keyword_search("Kherson", 3) == []
        assert one.counts() == {"reports": 0, "passages": 0, "chroma": 0, "keyword": 0}


def test_a_following_replica_catches_up_by_itself(chroma_url, tmp_path, embedder):
    with Store(tmp_path / "one", chroma_url) as one, Store(tmp_path / "two", chroma_url) as two:
        two.follow(every=0.2)
        ingest_reports(one, [report("izyum", "Ukrainian forces recaptured Izyum on September 10.")], embedder.encode)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not two.reports():
            time.sleep(0.1)
        assert [r.id for r in two.reports()] == ["izyum"]
        assert two.keyword_search("Izyum", 1)[0][0].startswith("izyum:")


def test_a_new_replica_starts_from_the_shared_library(chroma_url, tmp_path, embedder):
    reps = make_reports(6)
    with Store(tmp_path / "one", chroma_url) as one:
        ingest_reports(one, reps, embedder.encode)
        expected = {r.id: r.n_passages for r in one.reports()}
    with Store(tmp_path / "late", chroma_url) as late:  # synced on open, keyword index built from the mirror
        assert {r.id: r.n_passages for r in late.reports()} == expected
        assert late.counts()["keyword"] == sum(expected.values())
        assert late.report_text(reps[0].id) == reps[0].text


def test_concurrent_ingests_of_overlapping_reports_equal_one_clean_ingest(chroma_url, tmp_path, embedder):
    reps = make_reports(12)
    halves = [reps[:8], reps[4:]]  # four reports in both
    stores = [Store(tmp_path / f"r{i}", chroma_url) for i in range(2)]
    results, failures = [None, None], []

    def run(i: int) -> None:
        try:
            results[i] = ingest_reports(stores[i], halves[i], embedder.encode, batch_passages=16)
        except Exception as exc:  # surfaced below, with the thread's name
            failures.append((i, exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    written = sorted(rid for r in results for rid in r.added + r.updated)
    assert written == sorted(r.id for r in reps)  # each report written once; the other replica found it written
    with Store(tmp_path / "clean", chroma_url, collection="clean-passages") as clean:
        ingest_reports(clean, reps, embedder.encode)
    assert shared_state(chroma_url, "claimcheck-passages") == shared_state(chroma_url, "clean-passages")
    for s in stores:
        s.sync()
        assert sorted(r.id for r in s.reports()) == sorted(r.id for r in reps)
        s.close()


def test_a_dead_writers_lease_is_taken_over(chroma_url, tmp_path, monkeypatch):
    with Store(tmp_path / "one", chroma_url) as one, Store(tmp_path / "two", chroma_url) as two:
        monkeypatch.setattr(shared, "LEASE_SECONDS", 0.5)
        held = one.shared.lease("r")
        assert held.__enter__() is True  # held, and never released: the writer "dies"
        with two.shared.lease("r", wait=0) as got:
            assert got is False  # still live
        time.sleep(0.6)
        with two.shared.lease("r", wait=5) as got:
            assert got is True


def test_repair_leaves_another_replicas_ingest_in_progress_alone(chroma_url, tmp_path, embedder):
    rep = report("busy", "Russian forces shelled Kharkiv on May 3.")
    with Store(tmp_path / "one", chroma_url) as one, Store(tmp_path / "two", chroma_url) as two:
        with one.writing("busy"):
            one.begin_report(rep)  # pending, lease held: an ingest in progress on replica one
            assert two.repair() == []
            assert two.stored_hash("busy") == (rep.content_hash, "pending")
        assert two.repair() == ["busy"]  # lease free, still pending: a killed ingest, cleaned up
        assert two.stored_hash("busy") is None


def test_a_library_built_before_sharing_is_adopted(chroma_url, tmp_path, embedder):
    """A catalog kept locally against this server (before report rows were shared) is published, not dropped."""
    from urllib.parse import urlparse

    with Store(tmp_path / "one", chroma_url) as one:
        ingest_reports(one, make_reports(2), embedder.encode)
    u = urlparse(chroma_url)
    client = chromadb.HttpClient(host=u.hostname, port=u.port)
    client.delete_collection("claimcheck-passages-reports")
    client.delete_collection("claimcheck-passages-meta")
    with Store(tmp_path / "one", chroma_url) as again:
        assert sorted(r.id for r in again.reports()) == ["r000", "r001"]
    with Store(tmp_path / "two", chroma_url) as two:
        assert sorted(r.id for r in two.reports()) == ["r000", "r001"]


def test_a_library_of_another_embedding_model_is_refused(chroma_url, tmp_path, embedder):
    from index.catalog import StoreCorrupt

    with Store(tmp_path / "one", chroma_url) as one:
        ingest_reports(one, make_reports(1), embedder.encode)
    with pytest.raises(StoreCorrupt, match="embedding model"):
        Store(tmp_path / "two", chroma_url, embedding_model="another-model")


def test_a_writer_that_lost_its_lease_writes_nothing_more(chroma_url, tmp_path, monkeypatch):
    """A write that stalled past the lease (a pause, a huge report) must not mix its rows with its successor's."""
    from index.store import LeaseLost

    rep = report("slow", "Russian forces shelled Kharkiv on May 3.")
    with Store(tmp_path / "one", chroma_url) as one, Store(tmp_path / "two", chroma_url) as two:
        monkeypatch.setattr(shared, "LEASE_SECONDS", 0.5)
        with one.shared.lease("slow"):
            one.begin_report(rep)
            time.sleep(0.6)  # stalled: the lease expires
            with two.shared.lease("slow", wait=5) as got:
                assert got  # taken over
                with pytest.raises(LeaseLost):
                    one.complete_report(rep, [])
        assert one.stored_hash("slow") == (rep.content_hash, "pending")  # never marked complete by the loser


def test_a_lost_announcement_is_caught_by_a_full_comparison(chroma_url, tmp_path, embedder, monkeypatch):
    with Store(tmp_path / "one", chroma_url) as one, Store(tmp_path / "two", chroma_url) as two:

        def down() -> None:
            raise ConnectionError("the Chroma server went away for a moment")

        monkeypatch.setattr(one.shared, "bump", down)
        monkeypatch.setattr(time, "sleep", lambda s: None)  # the announcement's retries, without their waits
        with pytest.raises(ConnectionError):
            ingest_reports(one, [report("quiet", "Ukrainian forces struck a ferry in Chornomorsk.")], embedder.encode)
        assert one.stored_hash("quiet")[1] == "complete"  # written, but never announced
        assert two.is_current() and two.reports() == []  # the stamp did not move
        assert two.sync()  # what the follower does every ``full_every`` polls whatever the stamp says
        assert [r.id for r in two.reports()] == ["quiet"]


def test_a_folder_built_without_a_server_is_not_published_to_one(chroma_url, tmp_path, embedder):
    """Its passages are in its own embedded Chroma, not on the server: publishing its reports would list reports no
    replica can search. They leave the mirror, and ingesting them again puts them on the server (no re-embedding)."""
    reps = make_reports(2)
    with Store(tmp_path / "one") as embedded:
        ingest_reports(embedded, reps, embedder.encode)
    with Store(tmp_path / "one", chroma_url) as one:
        assert one.reports() == []
        result = ingest_reports(one, reps, embedder.encode)
        assert sorted(result.added) == ["r000", "r001"] and result.embedded == 0
        assert one.counts()["chroma"] == one.counts()["passages"] > 0


def test_readiness_tolerates_catching_up_but_not_a_stuck_replica(chroma_url, tmp_path, embedder):
    with Store(tmp_path / "one", chroma_url) as one, Store(tmp_path / "two", chroma_url) as two:
        assert two.behind_seconds() == 0.0
        ingest_reports(one, [report("new", "Ukrainian forces liberated Lyman on October 1.")], embedder.encode)
        assert 0.0 < two.behind_seconds() < 5  # behind since its last check: catching up
        two.synced_at -= 600  # as if its follower had been stuck for ten minutes
        assert two.behind_seconds() > 600
        two.sync()
        assert two.behind_seconds() == 0.0
