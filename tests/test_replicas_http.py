"""Two `claimcheck serve` replicas over one `chroma run` server, on loopback, as a deployment runs them: a report
ingested through one is cited by the other within the stated bound, both give the same reply, removal travels the same
way, concurrent uploads through both lose and duplicate nothing, and killing one under load leaves the other answering.
"""

from __future__ import annotations

import asyncio
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import chromadb
import httpx
import pytest

from benchmarks.load import TOKEN, Kill, bulletins, run
from tests.helpers import claimcheck_process

SYNC_INTERVAL = 1.0
# README, "Many replicas": a write is cited by every replica within the sync interval plus one sync. One sync of a
# few reports takes well under a second; the rest is slack for a busy 2-core CI machine.
BOUND_S = SYNC_INTERVAL + 4.0
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    from tests.helpers import chroma_server

    work = tmp_path_factory.mktemp("replicas")
    env = {
        "CLAIMCHECK_INGEST_TOKEN": TOKEN,
        "CLAIMCHECK_RATE_LIMIT_PER_MINUTE": "0",
        "CLAIMCHECK_SYNC_INTERVAL": str(SYNC_INTERVAL),
    }
    with ExitStack() as stack:
        url = stack.enter_context(chroma_server(work / "chroma"))
        env["CLAIMCHECK_CHROMA_URL"] = url
        one = stack.enter_context(claimcheck_process(work / "one", 300, **env))  # seeds the empty shared library
        two = stack.enter_context(claimcheck_process(work / "two", 300, **env))
        yield url, one, two


def upload(base: str, files: dict[str, str]) -> dict:
    r = httpx.post(
        f"{base}/api/reports",
        files=[("files", (name, text.encode(), "text/plain")) for name, text in files.items()],
        headers=AUTH,
        timeout=300,
    )
    assert r.status_code == 200, r.text
    return r.json()


def verify(base: str, claim: str) -> dict:
    r = httpx.post(f"{base}/api/verify", json={"claim": claim}, timeout=120)
    assert r.status_code == 200, r.text
    return r.json()


def wait_until(condition, seconds: float) -> float:
    """Seconds until ``condition()`` held; fails the test past ``seconds``."""
    t0 = time.monotonic()
    while not condition():
        if time.monotonic() - t0 > seconds:
            pytest.fail(f"not within {seconds:.1f} s")
        time.sleep(0.1)
    return time.monotonic() - t0


def same_reply(a: dict, b: dict) -> bool:
    def key(reply: dict) -> dict:
        return {k: v for k, v in reply.items() if k not in ("timings", "trace_id", "id")}

    return key(a) == key(b)


def test_both_replicas_are_ready_over_the_seeded_library(replicas):
    _, (one, _), (two, _) = replicas
    for base in (one, two):
        ready = httpx.get(f"{base}/api/ready").json()
        assert ready["ready"] and ready["library"] == "shared" and ready["reports"] >= 1
    assert httpx.get(f"{one}/api/reports").json() == httpx.get(f"{two}/api/reports").json()


def test_a_report_ingested_through_one_replica_is_cited_by_the_other(replicas):
    _, (one, _), (two, _) = replicas
    claim = "Ukrainian air defence shot down 31 Shahed drones over Odesa Oblast on 30 March 2024"
    text = "date 2024-03-30\nUkrainian air defence shot down 31 Shahed drones over Odesa Oblast on March 30, 2024."
    added = upload(one, {"odesa-drones.txt": text})["added"]
    assert len(added) == 1

    def cited() -> bool:
        return any(c["report_id"] == added[0] for c in verify(two, claim)["citations"])

    took = wait_until(cited, BOUND_S)
    assert took <= BOUND_S
    assert same_reply(verify(one, claim), verify(two, claim))

    r = httpx.delete(f"{two}/api/reports/{added[0]}", headers=AUTH)
    assert r.status_code == 200
    wait_until(lambda: all(c["report_id"] != added[0] for c in verify(one, claim)["citations"]), BOUND_S)
    assert added[0] not in {r["id"] for r in httpx.get(f"{one}/api/reports").json()}


def test_concurrent_uploads_through_both_replicas_lose_and_duplicate_nothing(replicas):
    url, (one, _), (two, _) = replicas
    texts = {
        f"front-{i}.txt": f"date 2024-04-{i + 1:02d}\n"
        + " ".join(f"Bulletin {i}, line {j}: Russian forces attacked near Chasiv Yar position {j}." for j in range(30))
        for i in range(6)
    }
    names = sorted(texts)
    halves = [{n: texts[n] for n in names[:4]}, {n: texts[n] for n in names[2:]}]  # two files go to both
    results: list[dict] = [{}, {}]
    threads = [
        threading.Thread(target=lambda i=i, base=base: results.__setitem__(i, upload(base, halves[i])))
        for i, base in enumerate((one, two))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    written = sorted(rid for r in results for rid in r["added"] + r["updated"])
    assert len(written) == len(set(written)) == 6  # each report written once, by one replica

    def listed(base: str) -> dict[str, int]:
        return {r["id"]: r["n_passages"] for r in httpx.get(f"{base}/api/reports").json()}

    wait_until(lambda: listed(one) == listed(two) and set(written) <= set(listed(one)), BOUND_S)
    host, port = url.rsplit(":", 1)
    passages = chromadb.HttpClient(host=host.removeprefix("http://"), port=int(port)).get_collection(
        "claimcheck-passages"
    )
    assert passages.count() == sum(listed(one).values())  # no passage twice, none missing


def test_the_deploy_proxy_config_spreads_the_api_and_keeps_the_chat_on_one_replica(replicas, tmp_path):
    """deploy/nginx.conf, as compose runs it, with its upstream servers swapped for the two loopback replicas."""
    import shutil
    import subprocess

    from tests.helpers import ROOT, free_port, wait_for_http

    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed (.ci/run installs it): the proxy recipe is not exercised")
    _, (one, _), (two, _) = replicas
    servers = "".join(f"    server {b.removeprefix('http://')} max_fails=1 fail_timeout=10s;\n" for b in (one, two))
    snippet = (ROOT / "deploy" / "nginx.conf").read_text()
    assert snippet.count("    server claimcheck:7860 max_fails=1 fail_timeout=10s;\n") == 2
    port = free_port()
    snippet = snippet.replace("    server claimcheck:7860 max_fails=1 fail_timeout=10s;\n", servers)
    snippet = snippet.replace("listen 80;", f"listen 127.0.0.1:{port};")
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{\naccess_log off;\nclient_body_temp_path {tmp_path}/body;\nproxy_temp_path {tmp_path}/proxy;\n"
        f"{snippet}\n}}\n"
    )
    proc = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")])
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for_http(f"{base}/api/ready", 20), (tmp_path / "logs" / "error.log").read_text()
        reply = verify(base, "ISW assessed that Islamic State was most likely behind the Crocus City Hall attack")
        assert reply["citations"]
        page = httpx.get(f"{base}/", timeout=30)
        assert page.status_code == 200 and "gradio" in page.text.lower()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_killing_one_replica_under_load_leaves_the_other_answering(replicas):
    _, (one, proc_one), (two, _) = replicas
    result = asyncio.run(run([one, two], clients=8, seconds=16, lib=bulletins(), kill=Kill(one, proc_one.pid, 10.0)))
    assert result["in_flight_at_kill"] > 0  # the kill did land under load
    assert result["errors"] == 0  # the checks in flight on the killed replica were repeated on the other
    assert result["ingest_status"] == 200 and result["cited_reports_all_listed"]
    assert result["served_per_replica"][1] > 0
    assert httpx.get(f"{two}/api/ready").json()["ready"]
