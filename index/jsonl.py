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
    """The objects of a ``.jsonl`` (or ``.jsonl.gz``) file, one a line; blank lines are skipped.

    A line that is not JSON, or a file that is not UTF-8 text, raises ``ValueError`` naming the file and the line, so
    a training or evaluation run over a hand-edited file says where it is broken."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    n = 0
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                n += 1  # the line being read, named if it is broken
                if line.strip():
                    yield json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}:{n}: not a JSON line ({exc.msg})") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text (after line {n})") from exc
