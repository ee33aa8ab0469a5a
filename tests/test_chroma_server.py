"""The same store against a real `chroma run` server, started and stopped by the test."""

from __future__ import annotations

from index.ingest import ingest_reports
from index.store import Store
from tests.helpers import report


def test_ingest_and_search_through_a_chroma_server(chroma_url, tmp_path, embedder):
    with Store(tmp_path / "catalog", chroma_url=chroma_url) as store:
        reps = [
            report("a", "Russian forces captured Berdyansk on February 26.", date="2022-02-26"),
            report("b", "Ukrainian forces liberated Kherson City on November 11.", date="2022-11-11"),
        ]
        ingest_reports(store, reps, embedder.encode)
        assert store.counts() == {"reports": 2, "passages": 2, "chroma": 2, "keyword": 2}
        hits = store.dense_search(embedder.encode(["Kherson liberated"])[0], 2)
        assert hits[0][0].startswith("b:")
        assert store.dense_search(embedder.encode(["Kherson liberated"])[0], 2, date_to=20220301)[0][0].startswith("a:")
        ingest_reports(store, [report("a", "Changed text about Berdyansk.", date="2022-02-27")], embedder.encode)
        assert store.counts()["chroma"] == 2
