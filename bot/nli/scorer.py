"""NLI scorers: (evidence, claim) pairs -> probabilities of entailment, neutral and contradiction.

Why an interface: the verdict step must not care which model scores pairs. The default is the shipped int8 ONNX
cross-encoder (no torch, no network); a setting names any Hugging Face NLI cross-encoder instead; tests register
fakes. Models load once per process (``load_scorer`` is cached), never per request.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from index.onnx_runner import SequenceRunner

MODEL_DIR = Path(__file__).parent / "model"
LABELS = ("entailment", "neutral", "contradiction")


class NLIScorer(Protocol):
    """Anything that turns (premise, hypothesis) pairs into rows of [entailment, neutral, contradiction]."""

    name: str

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray: ...


def _usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class OnnxScorer:
    """The shipped cross-encoder: int8 ONNX + a fast tokenizer, one pair per run (``index.onnx_runner`` says why: a
    pair's probabilities must not depend on what else the search returned).

    Why pairs in parallel and one thread per run: a single pair is too small to split well across cores, and an idle
    intra-op pool spins on the cores the query embedder needs next (embedding took twice as long after a verify).
    ``workers`` pairs run at once (default: the usable cores), each on one thread.
    """

    def __init__(self, model_dir: Path = MODEL_DIR, workers: int | None = None) -> None:
        config = json.loads((model_dir / "config.json").read_text())
        order = [config["id2label"][str(i)] for i in range(3)]
        self._perm = [order.index(label) for label in LABELS]
        self._runner = SequenceRunner(
            model_dir / "verifier.onnx",
            model_dir / "tokenizer.json",
            int(config.get("max_length", 256)),
            "logits",
            threads=1,
        )
        self._pool = ThreadPoolExecutor(max_workers=workers or _usable_cores(), thread_name_prefix="nli")
        self.name = f"onnx:{model_dir.name}"

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros((0, 3), dtype=np.float32)
        encs = self._runner.encode([(p, h) for p, h in pairs])
        logits = np.stack(list(self._pool.map(self._runner.run, encs))).astype(np.float32)
        return _softmax(logits)[:, self._perm]


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
                chunk = pairs[s : s + self.batch_size]
                enc = self.tokenizer(
                    [p for p, _ in chunk], [h for _, h in chunk], truncation=True, padding=True, return_tensors="pt"
                )
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
