"""Helpers the tests and benchmarks share: paths, the shared-data guard, ports and HTTP polling, a fake scorer, a
report factory. Imported as ``tests.helpers`` (never ``conftest``, which pytest owns and loads on its own)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
SEEDS = ROOT / "seeds"


def need_shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"../shared/data is absent ({SHARED_DATA}): this test needs the shared evaluation data")
    return SHARED_DATA


def wait_for_http(url: str, seconds: float = 60) -> bool:
    """Poll ``url`` until it answers 200 (a server a test or benchmark started); False when time runs out."""
    import time

    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeScorer:
    """A fake NLI scorer: looks the (premise, claim) pair up in a table; unknown pairs are neutral."""

    name = "fake"

    def __init__(self, table: dict[tuple[str, str], Sequence[float]] | None = None) -> None:
        self.table = table or {}

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        return np.array([self.table.get(p, (0.05, 0.9, 0.05)) for p in pairs], dtype=np.float32)


def report(rid: str, text: str, date: str | None = "2022-06-01", title: str = "", source: str = "test"):
    from index.report import Report

    return Report(id=rid, title=title or rid, date=date, url=f"https://example.org/{rid}", source=source, text=text)


@contextmanager
def claimcheck_server(data_dir: Path, wait_seconds: float = 120, **env: str) -> Iterator[str]:
    """A real ``claimcheck serve`` in its own process (a server thread would share the GIL with its clients), on a
    free loopback port, over ``data_dir`` with extra CLAIMCHECK_* settings; yields its base URL, stops it after."""
    with claimcheck_process(data_dir, wait_seconds, **env) as (base, _):
        yield base


@contextmanager
def claimcheck_process(data_dir: Path, wait_seconds: float = 120, **env: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """``claimcheck_server`` with its process too (tests that kill a replica); yields (base URL, process)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=dict(os.environ, CLAIMCHECK_DATA_DIR=str(data_dir), **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        if not wait_for_http(f"{base}/api/health", wait_seconds):
            raise RuntimeError(f"claimcheck serve did not answer on {base} within {wait_seconds:.0f} s")
        yield base, server
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)


@contextmanager
def chroma_server(folder: Path, wait_seconds: float = 30) -> Iterator[str]:
    """A real ``chroma run`` over ``folder`` on a free loopback port; yields its URL, stops it after. Skips the test
    when the chroma CLI is not installed."""
    import shutil

    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(exe).exists():
        pytest.skip("the chroma CLI is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_for_http(f"{url}/api/v2/heartbeat", wait_seconds):
            raise RuntimeError(f"chroma run did not answer on {url} within {wait_seconds:.0f} s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def citation(quote: str, day: str | None = "2024-03-24", stance: str = "supports", report_id: str = "r"):
    """A citation built by hand, for tests of what is done with citations (rendering, validation)."""
    from bot.reply import Citation

    return Citation(
        report_id=report_id,
        title="t",
        date=day,
        url="",
        source="ISW",
        quote=quote,
        start=0,
        end=len(quote),
        score=0.9,
        stance=stance,
        attribution="ISW",
        context=quote,
    )


# Pairs any usable NLI model reads right: a smoke test of the shipped verifier and of the combiner over it.
CLEAR = [
    ("A man is playing a guitar on stage.", "A man is playing an instrument.", "entailment"),
    ("A man is playing a guitar on stage.", "Nobody is playing an instrument.", "contradiction"),
    ("A man is playing a guitar on stage.", "The man is a famous singer.", "neutral"),
    ("Russian forces captured Kherson on March 2.", "Russian forces captured Kherson.", "entailment"),
    ("Russian forces captured Kherson on March 2.", "Russian forces failed to capture Kherson.", "contradiction"),
    ("Two children are swimming in a lake.", "Two kids are in the water.", "entailment"),
    ("Two children are swimming in a lake.", "The children are sleeping in bed.", "contradiction"),
]


TOWNS = ["Bakhmut", "Kherson", "Izyum", "Lyman", "Soledar", "Avdiivka", "Kupiansk", "Svatove", "Kreminna", "Siversk"]


def make_reports(n: int, sentences: int = 12):
    """``n`` small dated reports about towns, for store and ingest tests."""
    out = []
    for i in range(n):
        town = TOWNS[i % len(TOWNS)]
        text = " ".join(
            f"Report {i} sentence {j}: forces near {town} fought over position {j * 7 + i}." for j in range(sentences)
        )
        out.append(report(f"r{i:03d}", text, date=f"2022-{1 + i % 12:02d}-{1 + i % 28:02d}"))
    return out


def ids_of(store) -> dict[str, list[str]]:
    return {
        "chroma": sorted(store.dense.collection.get(include=[])["ids"]),
        "catalog": sorted(store.catalog.passages),
        "keyword": sorted(store.keyword_ids()),
    }


def assert_satisfies_passage_search(index: object) -> None:
    import inspect

    from index.search import PassageSearch

    """``index`` has every method of the protocol, with the protocol's parameter names, order and defaults."""
    assert isinstance(index, PassageSearch)
    for name, method in inspect.getmembers(PassageSearch, inspect.isfunction):
        if name.startswith("_"):
            continue
        wanted = [(p.name, p.default) for p in inspect.signature(method).parameters.values()][1:]  # without self
        got = [(p.name, p.default) for p in inspect.signature(getattr(index, name)).parameters.values()]
        assert got == wanted, f"{type(index).__name__}.{name}"
