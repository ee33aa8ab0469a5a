"""Loaders: every format, and every kind of bad file gets a clear LoadError (or a per-line issue) instead of a crash."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from index.loaders import LoadIssue, LoadOptions, check_url, load
from index.report import LoadError
from tests.helpers import SEEDS, free_port


def test_seed_report_header_is_parsed():
    (r,) = list(load(str(SEEDS)))
    assert r.date == "2024-03-24" and r.date_int == 20240324
    assert r.source == "ISW"
    assert r.text.startswith("Experts at the Institute for the Study of War")  # front matter is not text
    assert r.title == "ISW: Islamic State most likely responsible for the Crocus City Hall attack"
    assert r.url.startswith("https://www.understandingwar.org/")
    assert "ISW believes Islamic State is most likely responsible" in r.text


def test_markdown_front_matter(tmp_path):
    f = tmp_path / "note.md"
    f.write_text(
        "---\ntitle: A note\ndate: 2022-05-01\nurl: https://example.org/n\nsource: Reuters\n---\nBody text here."
    )
    (r,) = list(load(str(f)))
    assert (r.title, r.date, r.url, r.source, r.text) == (
        "A note",
        "2022-05-01",
        "https://example.org/n",
        "Reuters",
        "Body text here.",
    )


def test_html_main_text_only(tmp_path):
    f = tmp_path / "page.html"
    body = " ".join(["Russian forces shelled the city of Kharkiv on Tuesday, officials said."] * 5)
    f.write_text(
        f"<html><head><title>Kharkiv shelled</title></head><body><nav>Home | About | Login</nav>"
        f"<article><h1>Kharkiv shelled</h1><p>{body}</p></article><footer>Copyright</footer></body></html>"
    )
    (r,) = list(load(str(f)))
    assert "Kharkiv" in r.text and "Login" not in r.text


def test_pdf_text_layer_and_pdf_without_text(tmp_path):
    from reportlab.pdfgen import canvas

    good = tmp_path / "good.pdf"
    c = canvas.Canvas(str(good))
    c.drawString(72, 720, "Russian forces captured Berdyansk on February 26.")
    c.save()
    (r,) = list(load(str(good)))
    assert "Berdyansk" in r.text
    blank = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(blank))
    c.rect(10, 10, 100, 100)
    c.save()
    with pytest.raises(LoadError, match="no text layer"):
        list(load(str(blank)))


def test_isw_jsonl_loads_as_it_is():
    from tests.helpers import need_shared_data

    path = need_shared_data() / "isw-2022" / "reports.jsonl"
    reports = list(load(str(path)))
    assert len(reports) == 330
    assert reports[0].id.startswith("isw-2022-") and reports[0].date and reports[0].url.startswith("http")


def test_jsonl_bad_lines_are_reported_with_line_numbers(tmp_path):
    f = tmp_path / "mixed.jsonl"
    f.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": "Good one."}),
                "{not json",
                json.dumps([1, 2]),
                json.dumps({"id": "b"}),
                json.dumps({"id": "c", "text": "Good two.", "date": "2022-01-02"}),
            ]
        )
    )
    issues: list[LoadIssue] = []
    reports = list(load(str(f), issues=issues))
    assert [r.id for r in reports] == ["a", "c"]
    assert [i.where.rsplit(":", 1)[1] for i in issues] == ["2", "3", "4"]


def test_csv_rows(tmp_path):
    f = tmp_path / "r.csv"
    f.write_text('id,title,date,text\nx1,One,2022-03-01,"First, with a comma."\nx2,Two,2022-03-02,\n')
    issues: list[LoadIssue] = []
    reports = list(load(str(f), issues=issues))
    assert [r.id for r in reports] == ["x1"] and reports[0].text == "First, with a comma."
    assert issues and issues[0].where.endswith(":3")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"   \n\n  ", "empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("latin1.txt", "Caf\xe9 au lait".encode("latin-1"), "UTF-8"),
        ("fake.pdf", b"just text pretending", "not a PDF"),
        ("broken.pdf", b"%PDF-1.4\n garbage garbage", "PDF"),
        ("table.xlsx", b"PK\x03\x04 zip", "unsupported"),
        ("nothing.jsonl", b"{bad\n{worse\n", "no valid report"),
        ("notext.csv", b"id,title\n1,x\n", "text"),
    ],
)
def test_bad_files_raise_clear_errors(tmp_path, name, data, message):
    f = tmp_path / name
    f.write_bytes(data)
    with pytest.raises(LoadError, match=message):
        list(load(str(f)))


def test_size_limit(tmp_path):
    f = tmp_path / "big.txt"
    f.write_text("x" * 5000)
    with pytest.raises(LoadError, match="over the limit"):
        list(load(str(f), LoadOptions(max_bytes=1000)))


def test_missing_path():
    with pytest.raises(LoadError, match="no such file"):
        list(load("/nonexistent/claimcheck/file.txt"))


def test_folder_keeps_going_past_bad_files(tmp_path):
    (tmp_path / "a.txt").write_text("date 2022-01-01 A fine report.")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02" * 100)
    issues: list[LoadIssue] = []
    reports = list(load(str(tmp_path), issues=issues))
    assert [r.id for r in reports] == ["a"] and len(issues) == 1 and "binary" in issues[0].message


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://[::1]/x",
        "http://169.254.169.254/latest",
        "file:///etc/passwd",
        "ftp://example.org/x",
    ],
)
def test_ssrf_refused(url):
    with pytest.raises(LoadError):
        check_url(url, allow_private=False)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif self.path == "/slow":
            import time

            time.sleep(3)
            self.send_response(200)
            self.end_headers()
        else:
            body = (
                b"<html><body><article><p>"
                + b"Ukrainian forces liberated Kherson city on November 11. " * 5
                + b"</p></article></body></html>"
            )
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def local_site():
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


def test_url_fetch_timeout_loop_and_success(local_site):
    opts = LoadOptions(allow_private_urls=True, url_timeout=1.0)
    (r,) = list(load(f"{local_site}/page", opts))
    assert "Kherson" in r.text and r.url.endswith("/page")
    with pytest.raises(LoadError, match="too many redirects"):
        list(load(f"{local_site}/loop", opts))
    with pytest.raises(LoadError, match="timed out"):
        list(load(f"{local_site}/slow", opts))
    with pytest.raises(LoadError, match="private or local"):
        list(load(f"{local_site}/page", LoadOptions()))


def test_reports_are_counted_up_front_where_that_is_cheap(tmp_path):
    from index.ingest import Progress, count_reports

    lib = tmp_path / "lib"
    (lib / ".hidden").mkdir(parents=True)
    (lib / "a.txt").write_text("x")
    (lib / "b.pdf").write_bytes(b"%PDF-")
    (lib / "notes.bin").write_bytes(b"skipped in a folder")
    (lib / ".hidden" / "c.txt").write_text("x")
    (lib / "rows.jsonl").write_text('{"text": "a"}\n\n{"text": "b"}\n{"text": "c"}\n')
    assert count_reports([str(lib)]) == 5  # 2 files + 3 non-blank lines
    assert count_reports([str(lib / "rows.jsonl"), "https://example.org/r", str(tmp_path / "missing")]) == 4
    (lib / "rows.csv").write_text("text\na\n")
    assert count_reports([str(lib)]) is None  # a CSV row may span lines: an honest unknown

    p = Progress(total=4)
    p.started -= 2.0  # one report in two seconds
    p.advance(1, 10)
    snap = p.snapshot()
    assert (snap["done"], snap["total"], snap["percent"], snap["passages"]) == (1, 4, 25.0, 10)
    assert snap["rate"] == pytest.approx(0.5, rel=0.05) and snap["eta_s"] == pytest.approx(6.0, rel=0.05)
    assert Progress().snapshot()["percent"] is None
    p.finish()
    assert p.snapshot()["eta_s"] == 0.0


def test_a_file_is_named_as_typed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "broken.pdf").write_bytes(b"%PDF-1.4 nothing here")
    with pytest.raises(LoadError, match=r"^\./docs//broken\.pdf: "):
        list(load("./docs//broken.pdf"))
