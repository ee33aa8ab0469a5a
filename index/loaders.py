"""Files, folders and URLs -> Reports. Every failure is a LoadError with a message a user can act on.

Formats: .txt/.md (front matter or a leading ``date YYYY-MM-DD`` header), .html (main text via trafilatura), .pdf
(pypdf text layer), .jsonl and .csv (one report per row; bad rows are reported by line and the good ones kept).
"""

from __future__ import annotations

import csv
import hashlib
import io
import ipaddress
import json
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlparse

from index.report import LoadError, Report, make_id, normalise_date

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf", ".jsonl", ".csv"}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_FRONT_MATTER = re.compile(r"\A\s*---\s*\n(.*?)\n---\s*\n", re.S)
_HEADER_LINE = re.compile(r"^\s*(title|date|url|source|link)\s*[:=]?\s+(.+?)\s*$", re.I)
_LEADING_DATE = re.compile(r"\A\s*date[:\s]+(\d{4}-\d{2}-\d{2})\s*", re.I)
_SOURCE_LINE = re.compile(r"^\s*Source:\s*(.+?)\s*$", re.M)


@dataclass
class LoadIssue:
    """A problem with one part of a source (a JSONL line, a CSV row) that did not stop the rest."""

    where: str
    message: str


@dataclass
class LoadOptions:
    max_bytes: int = DEFAULT_MAX_BYTES
    allow_private_urls: bool = False
    url_timeout: float = 15.0
    max_redirects: int = 5


def load(target: str, options: LoadOptions | None = None, issues: list[LoadIssue] | None = None) -> Iterator[Report]:
    """Reports from a path (file or folder) or an http(s) URL; partial problems go to ``issues``."""
    options = options or LoadOptions()
    issues = issues if issues is not None else []
    if re.match(r"^https?://", target, re.I):
        yield from load_url(target, options)
        return
    path = Path(target)
    if not path.exists():
        raise LoadError(f"{target}: no such file or folder")
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        for f in files:
            try:
                yield from load_file(f, options, issues)
            except LoadError as exc:
                issues.append(LoadIssue(str(f), str(exc)))
        return
    yield from load_file(path, options, issues, origin=target)


def load_file(path: Path, options: LoadOptions, issues: list[LoadIssue], origin: str = "") -> Iterator[Report]:
    """Reports from one file; messages name it as ``origin`` (the path as the user typed it) or else ``path``."""
    origin = origin or str(path)
    size = path.stat().st_size
    if size == 0:
        raise LoadError(f"{origin}: the file is empty")
    if size > options.max_bytes:
        raise LoadError(f"{origin}: {size:,} bytes is over the limit of {options.max_bytes:,} bytes")
    data = path.read_bytes()
    yield from parse_bytes(data, path.name, path.suffix.lower(), issues, origin=origin)


def parse_bytes(
    data: bytes, name: str, suffix: str, issues: list[LoadIssue], origin: str = "", url: str = ""
) -> Iterator[Report]:
    """Dispatch on the suffix, but check the content agrees (a .txt that is really a PDF or binary is refused)."""
    origin = origin or name
    if not data.strip():
        raise LoadError(f"{origin}: the file is empty")
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        if data[:5] != b"%PDF-":
            raise LoadError(f"{origin}: named .pdf but is not a PDF")
        yield _pdf(data, name, origin, url)
        return
    text = _decode(data, origin)
    stem = Path(name).stem
    if suffix == ".jsonl":
        yield from _jsonl(text, origin, issues)
    elif suffix == ".csv":
        yield from _csv(text, origin, issues)
    elif suffix in HTML_SUFFIXES or re.match(r"\s*(<!doctype html|<html)", text[:200], re.I):
        yield _html(text, stem, origin, url)
    elif suffix in TEXT_SUFFIXES or not suffix:
        yield _text(text, stem, origin, url)
    else:
        raise LoadError(f"{origin}: unsupported file type {suffix!r} (use one of {', '.join(sorted(SUFFIXES))})")


def _decode(data: bytes, origin: str) -> str:
    if b"\x00" in data[:4096]:
        raise LoadError(f"{origin}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"{origin}: not valid UTF-8 (byte {exc.start}); convert it to UTF-8 first") from None
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 8:
        raise LoadError(f"{origin}: looks like a binary file, not text")
    return text


def _text(text: str, stem: str, origin: str, url: str = "") -> Report:
    meta: dict[str, str] = {}
    m = _FRONT_MATTER.match(text)
    if m:
        for line in m.group(1).splitlines():
            k, _, v = line.partition(":")
            if v.strip():
                meta[k.strip().lower()] = v.strip().strip("\"'")
        text = text[m.end() :]
    else:
        lead = _LEADING_DATE.match(text)
        if lead:
            meta["date"] = lead.group(1)
            text = text[lead.end() :]
        else:
            lines = text.split("\n")
            while lines and (hm := _HEADER_LINE.match(lines[0])) and len(lines[0]) < 300:
                meta[hm.group(1).lower()] = hm.group(2)
                lines.pop(0)
            text = "\n".join(lines)
    body = text.strip()
    if not body:
        raise LoadError(f"{origin}: no text after the header")
    src = _SOURCE_LINE.search(body[:2000])
    return Report(
        id=make_id(meta.get("id", "") or stem),
        title=meta.get("title") or _title_from(body),
        date=normalise_date(meta.get("date")),
        url=meta.get("url") or meta.get("link") or url,
        source=meta.get("source") or (src.group(1) if src else "") or stem,
        text=body,
    )


def _title_from(body: str) -> str:
    first = re.split(r"(?<=[.!?])\s|\n", body.strip(), maxsplit=1)[0]
    return first[:120] + ("…" if len(first) > 120 else "")


def _html(text: str, stem: str, origin: str, url: str = "") -> Report:
    import trafilatura

    body = trafilatura.extract(text, include_comments=False, include_tables=False, favor_precision=True) or ""
    meta = trafilatura.extract_metadata(text)
    if not body.strip():
        raise LoadError(f"{origin}: no main text found in the HTML")
    return Report(
        id=make_id(stem),
        title=(meta.title if meta and meta.title else _title_from(body)),
        date=normalise_date(meta.date if meta else None),
        url=url or (meta.url if meta and meta.url else ""),
        source=(meta.sitename if meta and meta.sitename else stem),
        text=body.strip(),
    )


def _pdf(data: bytes, name: str, origin: str, url: str = "") -> Report:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise LoadError(f"{origin}: unreadable PDF ({exc})") from None
    body = "\n\n".join(p.strip() for p in pages if p.strip())
    if not body:
        raise LoadError(f"{origin}: the PDF has no text layer (scanned?); OCR it first")
    info = reader.metadata or {}
    raw_date = str(info.get("/CreationDate", ""))[2:10] if info.get("/CreationDate") else None
    return Report(
        id=make_id(Path(name).stem),
        title=str(info.get("/Title") or _title_from(body)),
        date=normalise_date(raw_date),
        url=url,
        source=str(info.get("/Author") or Path(name).stem),
        text=body,
    )


def report_from_row(row: dict, where: str) -> Report:
    """A JSONL/CSV row with at least ``text``; id, title, date, url and source are optional."""
    text = row.get("text") or row.get("body") or row.get("content")
    if not isinstance(text, str) or not text.strip():
        raise LoadError(f"{where}: no 'text' field")
    rid = str(row.get("id") or "").strip()
    return Report(
        id=make_id(rid) if rid else make_id("row", hashlib.sha1(text.encode()).hexdigest()[:16]),
        title=str(row.get("title") or _title_from(text)),
        date=normalise_date(row.get("date")),
        url=str(row.get("url") or ""),
        source=str(row.get("source") or ""),
        text=text.strip(),
    )


def _jsonl(text: str, origin: str, issues: list[LoadIssue]) -> Iterator[Report]:
    good = 0
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{origin}:{n}"
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise LoadError(f"{where}: not a JSON object")
            yield report_from_row(row, where)
            good += 1
        except json.JSONDecodeError as exc:
            issues.append(LoadIssue(where, f"malformed JSON ({exc.msg})"))
        except LoadError as exc:
            issues.append(LoadIssue(where, str(exc)))
    if not good:
        raise LoadError(f"{origin}: no valid report lines")


def _csv(text: str, origin: str, issues: list[LoadIssue]) -> Iterator[Report]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "text" not in [f.strip().lower() for f in reader.fieldnames]:
        raise LoadError(f"{origin}: a CSV needs a 'text' column (and optionally id, title, date, url, source)")
    good = 0
    for n, row in enumerate(reader, 2):
        try:
            yield report_from_row({(k or "").strip().lower(): v for k, v in row.items()}, f"{origin}:{n}")
            good += 1
        except LoadError as exc:
            issues.append(LoadIssue(f"{origin}:{n}", str(exc)))
    if not good:
        raise LoadError(f"{origin}: no valid report rows")


def check_url(url: str, allow_private: bool) -> None:
    """Refuse non-http(s) schemes and hosts that resolve to loopback/private/link-local addresses (no SSRF)."""
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LoadError(f"{url}: only http(s) URLs can be ingested")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except socket.gaierror:
        raise LoadError(f"{url}: the host could not be resolved") from None
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if (
            ip.is_private
            or ip.is_loopback
            or ip.is_link_local
            or ip.is_reserved
            or ip.is_multicast
            or ip.is_unspecified
        ):
            raise LoadError(
                f"{url}: refers to a private or local address ({ip}); refused "
                "(set CLAIMCHECK_ALLOW_PRIVATE_URLS=true to allow)"
            )


def load_url(url: str, options: LoadOptions) -> Iterator[Report]:
    """GET with a timeout, a size cap and redirects followed by hand, so every hop passes the SSRF check."""
    import httpx

    current = url
    with httpx.Client(timeout=options.url_timeout, follow_redirects=False) as client:
        for _ in range(options.max_redirects + 1):
            check_url(current, options.allow_private_urls)
            try:
                with client.stream("GET", current, headers={"User-Agent": "claimcheck"}) as resp:
                    if resp.is_redirect:
                        current = urljoin(current, resp.headers.get("location", ""))
                        continue
                    if resp.status_code >= 400:
                        raise LoadError(f"{url}: HTTP {resp.status_code}")
                    body = bytearray()
                    for chunk in resp.iter_bytes():
                        body.extend(chunk)
                        if len(body) > options.max_bytes:
                            raise LoadError(f"{url}: larger than the limit of {options.max_bytes:,} bytes")
                    ctype = resp.headers.get("content-type", "")
            except httpx.TimeoutException:
                raise LoadError(f"{url}: timed out after {options.url_timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise LoadError(f"{url}: could not fetch ({exc.__class__.__name__})") from None
            suffix = ".pdf" if "pdf" in ctype else ".html" if "html" in ctype else Path(urlparse(current).path).suffix
            name = make_id(urlparse(current).netloc + urlparse(current).path)
            yield from parse_bytes(bytes(body), name, suffix.lower() or ".txt", [], origin=url, url=url)
            return
    raise LoadError(f"{url}: too many redirects (more than {options.max_redirects})")
