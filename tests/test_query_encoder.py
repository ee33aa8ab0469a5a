"""The ONNX query encoder: same vectors as sentence-transformers, cached once, refused or rebuilt when it must be."""

from __future__ import annotations

import numpy as np
import pytest

from index import query_encoder as qe
from index.embeddings import DEFAULT_MODEL, Embedder

TEXTS = [
    "Russian forces captured Kherson on March 2.",
    "Who does ISW think attacked Crocus City Hall?",
    "Zaporizhzhia — 1,250 km², «quotes»",
    "word " * 300,
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    qe.get_query_encoder.cache_clear()
    yield
    qe.get_query_encoder.cache_clear()


def test_export_gives_the_sentence_transformers_vectors(tmp_path, embedder):
    enc = qe.get_query_encoder(DEFAULT_MODEL, tmp_path)
    assert isinstance(enc, qe.OnnxEncoder)
    a, b = enc.encode(TEXTS), embedder.encode(TEXTS)
    assert a.shape == b.shape == (len(TEXTS), 384) and a.dtype == np.float32
    assert ((a * b).sum(axis=1) >= 0.99999).all()
    assert enc.encode([]).shape == (0, 384)


def test_the_export_is_made_once_and_reused(tmp_path, embedder, monkeypatch):
    qe.get_query_encoder(DEFAULT_MODEL, tmp_path)
    qe.get_query_encoder.cache_clear()
    monkeypatch.setattr(qe, "export", lambda *a: pytest.fail("exported twice"))
    assert isinstance(qe.get_query_encoder(DEFAULT_MODEL, tmp_path), qe.OnnxEncoder)
    assert [p.name for p in tmp_path.iterdir()] == [f"query-encoder-{qe.fingerprint(DEFAULT_MODEL)}"]


def test_an_export_that_disagrees_is_refused_for_good(tmp_path, embedder, monkeypatch):
    monkeypatch.setattr(qe, "agrees", lambda *a: False)
    assert isinstance(qe.get_query_encoder(DEFAULT_MODEL, tmp_path), Embedder)
    qe.get_query_encoder.cache_clear()
    monkeypatch.setattr(qe, "export", lambda *a: pytest.fail("tried again after a refusal"))
    assert isinstance(qe.get_query_encoder(DEFAULT_MODEL, tmp_path), Embedder)
    assert not any(p.name.startswith(".query-encoder-") for p in tmp_path.iterdir())  # no half-made export left


def test_an_export_that_fails_is_tried_again_by_the_next_process(tmp_path, embedder, monkeypatch):
    real_export = qe.export

    def broken(*a):
        raise RuntimeError("Module onnx is not installed!")

    monkeypatch.setattr(qe, "export", broken)
    assert isinstance(qe.get_query_encoder(DEFAULT_MODEL, tmp_path), Embedder)
    assert not list(tmp_path.iterdir())  # neither a refusal nor a half-made export
    qe.get_query_encoder.cache_clear()
    monkeypatch.setattr(qe, "export", real_export)
    assert isinstance(qe.get_query_encoder(DEFAULT_MODEL, tmp_path), qe.OnnxEncoder)


def test_a_damaged_cache_is_rebuilt(tmp_path, embedder):
    folder = tmp_path / f"query-encoder-{qe.fingerprint(DEFAULT_MODEL)}"
    folder.mkdir()
    (folder / "model.onnx").write_bytes(b"\x00not a model")
    enc = qe.get_query_encoder(DEFAULT_MODEL, tmp_path)
    assert isinstance(enc, qe.OnnxEncoder)
    assert float(enc.encode(TEXTS[:1])[0] @ embedder.encode(TEXTS[:1])[0]) >= 0.99999


def test_a_model_that_is_not_a_local_folder_keeps_sentence_transformers(tmp_path, monkeypatch):
    monkeypatch.setattr(qe, "get_embedder", lambda name: f"st:{name}")
    assert qe.get_query_encoder("some-org/some-hub-model", tmp_path) == "st:some-org/some-hub-model"
    assert qe.get_query_encoder(DEFAULT_MODEL, None) == f"st:{DEFAULT_MODEL}"
    assert not list(tmp_path.iterdir())


def test_an_unwritable_cache_folder_keeps_sentence_transformers(tmp_path, monkeypatch):
    monkeypatch.setattr(qe, "get_embedder", lambda name: f"st:{name}")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    assert qe.get_query_encoder(DEFAULT_MODEL, blocker / "models") == f"st:{DEFAULT_MODEL}"
