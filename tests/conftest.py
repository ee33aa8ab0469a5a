"""Shared fixtures. Real Chroma (temporary folders), the real MiniLM embedder (loaded once per session); the helpers
they use live in ``tests/helpers.py``."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def embedder():
    from index.embeddings import get_embedder

    return get_embedder()


@pytest.fixture
def store(tmp_path):
    from index.store import Store

    s = Store(tmp_path / "data")
    yield s
    s.close()


@pytest.fixture
def chroma_url(tmp_path):
    """A real ``chroma run`` server for this test, in its own folder."""
    from tests.helpers import chroma_server

    with chroma_server(tmp_path / "chroma-server") as url:
        yield url
