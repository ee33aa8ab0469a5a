"""The same store against a real `chroma run` server, started and stopped by the test."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.ingest import ingest_reports
from index.store import Store
from tests.helpers import free_port, report, wait_for_http


@pytest.fixture
def chroma_server(tmp_path):
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(exe).exists():
        pytest.skip("the chroma CLI is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    if not wait_for_http(f"{url}/api/v2/heartbeat", 30):
        proc.kill()
        pytest.fail("chroma run did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_ingest_and_search_through_a_chroma_server(chroma_server, tmp_path, embedder):
    with Store(tmp_path / "catalog", chroma_url=chroma_server) as store:
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
