"""The HTTP API over real HTTP (uvicorn on a free loopback port): validation, auth, limits, ingest, consistency."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
import uvicorn

from bot.api import create_app
from bot.service import open_engine
from bot.settings import Settings
from tests.helpers import free_port

TOKEN = "s3cret-token-for-tests"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("ingest-root")
    (root / "ok.txt").write_text(
        "date 2022-07-03\nRussian forces seized the remaining territory between Lysychansk "
        "and the Luhansk Oblast border on July 3."
    )
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("api-data"),
        ingest_token=TOKEN,
        ingest_roots=[root],
        rate_limit_per_minute=1000,
        allowed_origins=["http://allowed.test"],
        max_upload_bytes=200_000,
    )
    engine = open_engine(settings)
    port = free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(engine, with_ui=False), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", root, engine
    srv.should_exit = True
    thread.join(timeout=10)
    engine.store.close()


def test_verify_and_health(server):
    base, _, _ = server
    r = httpx.post(
        f"{base}/api/verify",
        json={"claim": "ISW assessed that Islamic State was most likely behind the Crocus City Hall attack"},
        timeout=60,
    )
    assert r.status_code == 200
    body = r.json()
    assert body["verdict"] in ("SUPPORTED", "NOT_ENOUGH_EVIDENCE") and body["citations"] and body["evidence_found"]
    assert set(body["citations"][0]) >= {
        "report_id",
        "title",
        "date",
        "url",
        "source",
        "quote",
        "start",
        "end",
        "score",
        "stance",
        "attribution",
    }
    assert {"embed_ms", "search_ms", "verify_ms", "total_ms"} <= set(body["timings"])
    h = httpx.get(f"{base}/api/health").json()
    assert h["status"] == "ok" and h["reports"] >= 1 and h["library"] == "local"
    ready = httpx.get(f"{base}/api/ready")  # one process over its own folder: always current
    assert ready.status_code == 200 and ready.json()["ready"] is True
    assert httpx.get(f"{base}/openapi.json").json()["paths"]["/api/verify"]


@pytest.mark.parametrize(
    ("payload", "status", "text"),
    [
        ({"claim": ""}, 422, "empty"),
        ({"claim": "x" * 2000}, 422, "over the limit"),
        ({"claim": "Kyiv", "as_of": "yesterday"}, 422, "not a date"),
        ({"claim": "Kyiv", "date_from": "2023-01-01", "date_to": "2022-01-01"}, 422, "after"),
        ({"claim": "Kyiv", "top_k": 999}, 422, "top_k"),
        ({}, 422, "claim"),
        ({"claim": 12}, 422, ""),
    ],
)
def test_verify_validation(server, payload, status, text):
    base, _, _ = server
    r = httpx.post(f"{base}/api/verify", json=payload, timeout=30)
    assert r.status_code == status
    assert isinstance(r.json()["detail"], str) and text in r.json()["detail"]  # one sentence, as the CLI words it
    assert "Traceback" not in r.text


def test_verify_body_limit_and_bad_json(server):
    base, _, _ = server
    r = httpx.post(
        f"{base}/api/verify",
        content=b'{"claim": "' + b"a" * 100_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413
    r = httpx.post(f"{base}/api/verify", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "not valid JSON" in r.json()["detail"]
    r = httpx.post(f"{base}/api/verify", json=["a claim"])
    assert r.status_code == 422 and "JSON object" in r.json()["detail"]
    r = httpx.post(f"{base}/api/verify", content=b'{"claim": "Kyiv"}', headers={"content-type": "text/plain"})
    assert r.status_code == 422 and "Content-Type" in r.json()["detail"]


def test_openapi_documents_the_body(server):
    base, _, _ = server
    op = httpx.get(f"{base}/openapi.json").json()["paths"]["/api/verify"]["post"]
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == {"claim", "as_of", "date_from", "date_to", "top_k"}
    assert schema["required"] == ["claim"]
    assert {"type": "string", "format": "date"} in schema["properties"]["as_of"]["anyOf"]
    assert {"type": "integer", "minimum": 1, "maximum": 50} in schema["properties"]["top_k"]["anyOf"]
    assert "422" in op["responses"]


def test_the_app_serves_the_widget_without_the_chat(server):
    base, _, _ = server
    js = httpx.get(f"{base}/widget.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    page = httpx.get(f"{base}/widget")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == "frame-ancestors 'self' http://allowed.test"
    assert f"{base}/widget.js" in httpx.get(f"{base}/widget/demo").text


def test_docs_pages_load_nothing_from_outside(server):
    """/docs and /redoc name only this server's assets (offline, a CDN URL is a blank page); the assets are served."""
    import re

    base, _, _ = server
    for page, asset in [("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")]:
        html = httpx.get(base + page).text
        urls = re.findall(r"""(?:src|href|url)\s*[=:]\s*['"]([^'"]+)['"]""", html)
        assert urls and all(u.startswith("/") for u in urls), (page, urls)
        assert "googleapis" not in html and "jsdelivr" not in html
        js = httpx.get(f"{base}/docs-assets/{asset}")
        assert js.status_code == 200 and len(js.content) > 100_000
    assert httpx.get(f"{base}/docs-assets/swagger-ui.css").status_code == 200
    assert httpx.get(f"{base}/docs-assets/consts.py").status_code == 404
    assert httpx.get(f"{base}/docs-assets/..%2F__init__.py").status_code == 404
    assert "/docs" not in httpx.get(f"{base}/openapi.json").json()["paths"]


def test_ingest_needs_the_token(server):
    base, _, _ = server
    assert httpx.post(f"{base}/api/reports", data={"url": "https://example.org"}).status_code == 401
    bad = {"Authorization": "Bearer wrong"}
    assert httpx.post(f"{base}/api/reports", data={"url": "https://example.org"}, headers=bad).status_code == 401


def test_upload_ingest_and_listing(server):
    base, _, engine = server
    auth = {"Authorization": f"Bearer {TOKEN}"}
    files = {
        "files": (
            "kherson.md",
            b"---\ntitle: Kherson\ndate: 2022-11-11\n---\nUkrainian forces liberated Kherson City on November 11.",
            "text/markdown",
        )
    }
    r = httpx.post(f"{base}/api/reports", files=files, headers=auth, timeout=60)
    assert r.status_code == 200 and r.json()["added"] == ["kherson"]
    assert "kherson" in [x["id"] for x in httpx.get(f"{base}/api/reports").json()]
    before = engine.store.counts()
    bad = {"files": ("evil.txt", b"\x00\x01\x02" * 50, "text/plain")}
    r = httpx.post(f"{base}/api/reports", files=bad, headers=auth)
    assert r.status_code == 422 and "binary" in r.text
    big = {"files": ("big.txt", b"a" * 300_000, "text/plain")}
    assert httpx.post(f"{base}/api/reports", files=big, headers=auth).status_code == 413
    assert engine.store.counts() == before  # what failed changed nothing


def test_upload_errors_name_the_file_as_uploaded(server):
    base, _, _ = server
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for name, data, words in (
        ("report.pdf", b"%PDF-1.4\n this is no PDF at all \n%%EOF", "PDF"),
        ("report.pdf", b"\x00\x01\x02 not a pdf" * 20, "not a PDF"),
        ("notes.txt", b"\x00\x01\x02" * 50, "binary"),
    ):
        r = httpx.post(f"{base}/api/reports", files={"files": (name, data, "application/octet-stream")}, headers=auth)
        assert r.status_code == 422, r.text
        (err,) = r.json()["errors"]
        assert err["where"] == name and err["message"].startswith(f"{name}: ") and words in err["message"], err
        assert "claimcheck-upload-" not in r.text and "/tmp" not in r.text


def test_async_ingest_reports_progress_until_done(server):
    base, _, _ = server
    auth = {"Authorization": f"Bearer {TOKEN}"}
    files = [
        (
            "files",
            (
                f"town{i}.txt",
                f"date 2022-06-0{i}\nShelling hit town {i} near Izyum on June {i}.".encode(),
                "text/plain",
            ),
        )
        for i in range(1, 4)
    ] + [("files", ("broken.pdf", b"%PDF-1.4 nothing", "application/pdf"))]
    r = httpx.post(f"{base}/api/reports?async=true", files=files, headers=auth, timeout=60)
    assert r.status_code == 202, r.text
    job = r.json()["job_id"]
    assert httpx.get(f"{base}/api/reports/jobs/{job}").status_code == 401
    assert httpx.get(f"{base}/api/reports/jobs/nosuchjob", headers=auth).status_code == 404
    seen = []
    for _ in range(600):
        status = httpx.get(f"{base}/api/reports/jobs/{job}", headers=auth).json()
        seen.append(status)
        if status["state"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert status["state"] == "done", status
    assert set(status) >= {"done", "total", "percent", "rate", "eta_s", "result"}
    assert status["done"] == status["total"] == 3 and status["percent"] == 100.0 and status["eta_s"] == 0.0
    assert sorted(status["result"]["added"]) == ["town1", "town2", "town3"]
    assert status["result"]["errors"][0]["where"] == "broken.pdf"
    assert all(s["total"] in (4, 3) for s in seen if s["state"] == "running")  # counted up front: 4 files


def test_delete_a_report(server):
    base, _, engine = server
    auth = {"Authorization": f"Bearer {TOKEN}"}
    files = {"files": ("lyman.txt", b"date 2022-10-01\nUkrainian forces liberated Lyman on October 1.", "text/plain")}
    assert httpx.post(f"{base}/api/reports", files=files, headers=auth, timeout=60).json()["added"] == ["lyman"]
    assert engine.store.keyword_search("Lyman liberated", 5)[0][0].startswith("lyman:")
    assert httpx.delete(f"{base}/api/reports/lyman").status_code == 401
    r = httpx.delete(f"{base}/api/reports/lyman", headers=auth)
    assert r.status_code == 200 and r.json() == {"removed": ["lyman"]}
    assert "lyman" not in [x["id"] for x in httpx.get(f"{base}/api/reports").json()]
    assert not [pid for pid, _ in engine.store.keyword_search("Lyman liberated", 50) if pid.startswith("lyman:")]
    r = httpx.delete(f"{base}/api/reports/lyman", headers=auth)
    assert r.status_code == 404 and "no report 'lyman'" in r.json()["detail"]
    c = engine.store.counts()
    assert c["passages"] == c["chroma"] == c["keyword"]


def test_path_ingest_is_confined_to_the_roots(server):
    base, root, _ = server
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert (
        httpx.post(f"{base}/api/reports", data={"path": str(root / "ok.txt")}, headers=auth, timeout=60).status_code
        == 200
    )
    for path in [str(root / ".." / "etc"), "/etc/passwd", str(root) + "/../../"]:
        assert httpx.post(f"{base}/api/reports", data={"path": path}, headers=auth).status_code == 403


def test_url_ingest_refuses_private_addresses(server):
    base, _, _ = server
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = httpx.post(f"{base}/api/reports", data={"url": "http://127.0.0.1:1/secret"}, headers=auth)
    assert r.status_code == 422 and "private or local" in r.text
    r = httpx.post(f"{base}/api/reports", data={"url": "file:///etc/passwd"}, headers=auth)
    assert r.status_code == 422


def test_cors_and_frame_ancestors(server):
    base, _, _ = server
    ok = httpx.options(
        f"{base}/api/verify", headers={"Origin": "http://allowed.test", "Access-Control-Request-Method": "POST"}
    )
    assert ok.headers.get("access-control-allow-origin") == "http://allowed.test"
    no = httpx.options(
        f"{base}/api/verify", headers={"Origin": "http://evil.test", "Access-Control-Request-Method": "POST"}
    )
    assert no.headers.get("access-control-allow-origin") is None
    delete = httpx.options(
        f"{base}/api/reports/r1", headers={"Origin": "http://allowed.test", "Access-Control-Request-Method": "DELETE"}
    )  # an embedding site's admin page may remove reports (with the token)
    assert delete.status_code == 200 and "DELETE" in delete.headers["access-control-allow-methods"]
    csp = httpx.get(f"{base}/api/health").headers["content-security-policy"]
    assert csp == "frame-ancestors 'self'"


def test_rate_limit(tmp_path):
    from bot.api import RateLimiter

    limiter = RateLimiter(3)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b") and RateLimiter(0).allow("a")


def test_concurrent_requests_all_answer(server):
    base, _, _ = server
    import concurrent.futures as cf

    claims = [
        "Islamic State attacked Crocus City Hall",
        "Russian sources said the detainees were Tajik",
        "Who is Irina Volk?",
        "Putin signed a law on 23 March",
    ] * 4
    with cf.ThreadPoolExecutor(8) as pool:
        codes = list(
            pool.map(lambda c: httpx.post(f"{base}/api/verify", json={"claim": c}, timeout=120).status_code, claims)
        )
    assert codes == [200] * len(claims)


def test_the_token_never_reaches_the_logs(server, caplog):
    import logging

    base, _, _ = server
    with caplog.at_level(logging.DEBUG):
        httpx.post(
            f"{base}/api/reports", data={"url": "http://127.0.0.1:1/x"}, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        httpx.post(
            f"{base}/api/reports",
            data={"url": "http://127.0.0.1:1/x"},
            headers={"Authorization": "Bearer not-the-token"},
        )
    assert TOKEN not in caplog.text and "not-the-token" not in caplog.text


def test_a_report_another_replica_keeps_writing_answers_503_and_loses_nothing(server, monkeypatch):
    """With replicas, a report whose write lease another replica held past the wait: 503 with Retry-After, and the
    library is as it was."""
    from bot.api import reports
    from index.shared import LeaseTimeout

    base, _, engine = server
    before = [r.id for r in engine.store.reports()]

    def busy(*args, **kwargs):
        raise LeaseTimeout("report 'x' is being written by another replica; try again later")

    monkeypatch.setattr(reports, "ingest", busy)
    r = httpx.post(
        f"{base}/api/reports",
        files=[("files", ("x.txt", b"date 2022-07-04\nA report.", "text/plain"))],
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert r.status_code == 503 and r.headers["retry-after"] == "5" and "another replica" in r.json()["detail"]
    assert [r.id for r in engine.store.reports()] == before
