"""Query embeddings without torch: the sentence-transformers model exported once to ONNX and cached beside the index.

Why: importing sentence-transformers (torch, transformers, scikit-learn) took 15 of the 16 s from process start to
a first answer on 2 cores, and a query needs one forward pass of a small encoder. The export is the same network in
fp32, so its vectors equal the sentence-transformers ones (within 1e-6): queries still meet the passages that
sentence-transformers embedded at ingest. It is made the first time a process needs it (that process loads
sentence-transformers once more), checked against sentence-transformers on probe texts before use, and cached under
``cache_dir`` keyed by the model's files. A model whose export disagrees keeps sentence-transformers for good (a
marker says so); one that fails to export (a missing package, a full disk) keeps it for this process only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from index.embeddings import Embedder, get_embedder, resolve_model_path
from index.onnx_runner import SequenceRunner, export_onnx

log = logging.getLogger(__name__)
EXPORT_VERSION = 1
_MIN_COSINE = 0.99999
PROBES = (
    "Russian forces captured Berdyansk on February 26, 2022.",
    "Did ISW assess that Ukraine attacked Crocus City Hall?",
    "Ünïcode, digits 1,234.5 and — dashes",
    "long " * 400,  # past the model's maximum length: truncation must match too
)


class Encoder(Protocol):
    """What the chain needs of a query embedder."""

    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


class OnnxEncoder:
    """An exported sentence-transformers model: one text per run (no padding), normalised float32 vectors."""

    def __init__(self, folder: Path) -> None:
        config = json.loads((folder / "config.json").read_text())
        self.name, self.dim = config["name"], int(config["dim"])
        # All cores for one query (onnxruntime's default), idle threads not spinning on the verifier's cores after.
        self._runner = SequenceRunner(
            folder / "model.onnx", folder / "tokenizer.json", int(config["max_length"]), "embedding"
        )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = np.asarray([self._runner.run(enc) for enc in self._runner.encode(texts)], dtype=np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)


def fingerprint(name: str) -> str | None:
    """A key for the model's files (None for a model that is not a local folder: nothing stable to key on)."""
    path = Path(resolve_model_path(name))
    if not path.is_dir():
        return None
    h = hashlib.sha256(f"{EXPORT_VERSION}|{name}|{path.resolve()}".encode())
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        st = f.stat()
        h.update(f"|{f.relative_to(path)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def export(embedder: Embedder, folder: Path) -> None:
    """Write model.onnx, tokenizer.json and config.json for ``embedder``'s model into ``folder``.

    Why fp32, where the verifier's export is int8: a query's vector must equal the one sentence-transformers would
    give (``agrees``), since the passages it is compared with were embedded by sentence-transformers at ingest.
    """
    import torch

    st = embedder.model

    class _Forward(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.st = st

        def forward(self, input_ids, attention_mask, token_type_ids):
            feats = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
            return self.st(feats)["sentence_embedding"]

    folder.mkdir(parents=True, exist_ok=True)
    export_onnx(_Forward().eval(), st.tokenizer(["a query"], return_tensors="pt"), folder / "model.onnx", "embedding")
    (folder / "tokenizer.json").write_text(st.tokenizer.backend_tokenizer.to_str())
    (folder / "config.json").write_text(
        json.dumps({"name": embedder.name, "dim": embedder.dim, "max_length": int(st.max_seq_length)}, indent=1)
    )


def agrees(onnx: Encoder, reference: Encoder) -> bool:
    """True when both give the same vectors (cosine ≥ 0.99999) on ``PROBES``."""
    a, b = onnx.encode(list(PROBES)), reference.encode(list(PROBES))
    return a.shape == b.shape and bool(((a * b).sum(axis=1) >= _MIN_COSINE).all())


@lru_cache(maxsize=4)
def get_query_encoder(name: str, cache_dir: Path | None) -> Encoder:
    """The process-wide query encoder: the cached ONNX export where there is (or can be) one, else
    sentence-transformers."""
    key = fingerprint(name) if cache_dir is not None else None
    if key is None:
        return get_embedder(name)
    folder = Path(cache_dir) / f"query-encoder-{key}"
    if (folder / "model.onnx").exists():
        try:
            return OnnxEncoder(folder)
        except Exception as err:  # a damaged cache: fall through and rebuild it
            log.warning("query encoder cache at %s unusable (%s): rebuilding", folder, err)
            shutil.rmtree(folder, ignore_errors=True)
    refused = Path(cache_dir) / f"query-encoder-{key}.refused"
    embedder = get_embedder(name)
    if refused.exists():
        return embedder
    try:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".query-encoder-", dir=cache_dir))
    except OSError as err:  # a read-only data folder: answer all the same
        log.warning("cannot cache a query encoder in %s (%s): using sentence-transformers", cache_dir, err)
        return embedder
    try:
        export(embedder, tmp)
        made = OnnxEncoder(tmp)  # holds the model in memory: usable after the folder moves
        if agrees(made, embedder):
            # Atomic: a reader sees the whole export or none. OSError: another process got there first (as good).
            with contextlib.suppress(OSError):
                os.replace(tmp, folder)
            return made
        # A property of the model, not of this machine: do not export it again.
        log.warning("the ONNX export of %s disagrees with sentence-transformers: not used", name)
        with contextlib.suppress(OSError):
            refused.write_text("the export's vectors differ from sentence-transformers'")
    except Exception as err:  # e.g. a missing package: the next process tries again
        log.warning("no ONNX query encoder for %s (%s): using sentence-transformers", name, err)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return embedder
