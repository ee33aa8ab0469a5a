"""NLI scorers: (evidence, claim) pairs -> probabilities of entailment, neutral and contradiction.

Why an interface: the verdict step must not care which model scores pairs. The default is the shipped int8 ONNX
cross-encoder (no torch, no network); a setting names any Hugging Face NLI cross-encoder instead; tests register
fakes. Models load once per process (``load_scorer`` is cached), never per request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

MODEL_DIR = Path(__file__).parent / "model"
LABELS = ("entailment", "neutral", "contradiction")


class NLIScorer(Protocol):
    """Anything that turns (premise, hypothesis) pairs into rows of [entailment, neutral, contradiction]."""

    name: str

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray: ...


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class OnnxScorer:
    """The shipped cross-encoder: int8 ONNX + a fast tokenizer, batched by length to cut padding."""

    def __init__(self, model_dir: Path = MODEL_DIR, batch_size: int = 32, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text())
        self.max_length = int(config.get("max_length", 256))
        order = [config["id2label"][str(i)] for i in range(3)]
        self._perm = [order.index(label) for label in LABELS]
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_length, strategy="longest_first")
        self.tokenizer.no_padding()
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(model_dir / "verifier.onnx"), opts,
                                            providers=["CPUExecutionProvider"])
        self.batch_size = batch_size
        self.name = f"onnx:{model_dir.name}"
        self._lock = threading.Lock()  # tokenizer truncation settings are shared state

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros((0, 3), dtype=np.float32)
        with self._lock:
            encs = self.tokenizer.encode_batch([(p, h) for p, h in pairs])
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        out = np.zeros((len(pairs), 3), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            types = np.zeros_like(ids)
            mask = np.zeros_like(ids)
            for row, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[row, :n], types[row, :n], mask[row, :n] = encs[i].ids, encs[i].type_ids, 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            logits = self.session.run(["logits"], feeds)[0]
            out[idx] = _softmax(logits.astype(np.float32))[:, self._perm]
        return out


class HFScorer:
    """Any Hugging Face sequence-classification NLI model, by name or path (needs torch and transformers)."""

    def __init__(self, name_or_path: str, batch_size: int = 16) -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(name_or_path)
        self.model = AutoModelForSequenceClassification.from_pretrained(name_or_path).eval()
        id2label = {int(k): v.lower() for k, v in self.model.config.id2label.items()}
        self._perm = [next(i for i, v in id2label.items() if v.startswith(label[:4])) for label in LABELS]
        self.batch_size = batch_size
        self.name = f"hf:{name_or_path}"

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        rows = []
        with self._torch.no_grad():
            for s in range(0, len(pairs), self.batch_size):
                chunk = pairs[s:s + self.batch_size]
                enc = self.tokenizer([p for p, _ in chunk], [h for _, h in chunk], truncation=True,
                                     padding=True, return_tensors="pt")
                rows.append(self._torch.softmax(self.model(**enc).logits, dim=-1).numpy()[:, self._perm])
        return np.concatenate(rows) if rows else np.zeros((0, 3), dtype=np.float32)


@lru_cache(maxsize=4)
def load_scorer(spec: str = "") -> NLIScorer:
    """'' or 'shipped' -> the shipped ONNX model; a folder holding verifier.onnx -> that; else a HF model name/path."""
    if spec in ("", "shipped"):
        return OnnxScorer(MODEL_DIR)
    path = Path(spec)
    if (path / "verifier.onnx").exists():
        return OnnxScorer(path)
    return HFScorer(spec)


def nli_probs(premise: str, claim: str, scorer: NLIScorer | None = None) -> dict[str, float]:
    """One pair as {'entailment': p, 'neutral': p, 'contradiction': p}, summing to 1."""
    row = (scorer or load_scorer()).score([(premise, claim)])
    return {label: float(p) for label, p in zip(LABELS, row[0])}
