"""JSON Lines reading, one definition for the loaders' neighbours: evaluation, training, benchmarks and tests.

Why here, in ``index/``: it is the lowest layer (``bot/`` imports ``index/``, never the reverse), and the standalone
training script can import it with the standard library alone.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path


def read_jsonl(path: str | Path) -> Iterator[dict]:
    """The objects of a ``.jsonl`` (or ``.jsonl.gz``) file, one a line; blank lines are skipped."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)
