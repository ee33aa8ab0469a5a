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
import threading
import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from index.embeddings import Embedder, get_embedder, resolve_model_path

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
        import onnxruntime as ort
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        self.name, self.dim = config["name"], int(config["dim"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(config["max_length"]))
        self.tokenizer.no_padding()
        opts = ort.SessionOptions()
        opts.inter_op_num_threads = 1
        # Idle pool threads must not spin on the cores the verifier needs right after.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(folder / "model.onnx"), opts, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self.session.get_inputs()}
        self._lock = threading.Lock()  # tokenizer truncation settings are shared state

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            encs = self.tokenizer.encode_batch(list(texts))
        rows = []
        for enc in encs:
            ids = np.asarray([enc.ids], dtype=np.int64)
            feeds = {
                "input_ids": ids,
                "attention_mask": np.ones_like(ids),
                "token_type_ids": np.asarray([enc.type_ids], dtype=np.int64),
            }
            rows.append(self.session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0][0])
        vecs = np.asarray(rows, dtype=np.float32)
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
    """Write model.onnx (fp32), tokenizer.json and config.json for ``embedder``'s model into ``folder``."""
    import torch

    st = embedder.model

    class _Forward(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.st = st

        def forward(self, input_ids, attention_mask, token_type_ids):
            feats = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
            return self.st(feats)["sentence_embedding"]

    enc = st.tokenizer(["a query"], return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    args = tuple(enc[n] if n in enc else torch.zeros_like(enc["input_ids"]) for n in names)
    folder.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():  # the tracer's notes on branches it fixed; ``agrees`` checks the result
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Forward().eval(),
            args,
            str(folder / "model.onnx"),
            input_names=names,
            output_names=["embedding"],
            opset_version=17,
            dynamo=False,
            dynamic_axes={n: {0: "batch", 1: "seq"} for n in names} | {"embedding": {0: "batch"}},
        )
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
