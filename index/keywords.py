"""Keyword (BM25) search over passages: a bm25s index of the library plus a small delta of what came in since.

Why a delta: bm25s has no incremental update, and rebuilding the whole index after every ingest took about a minute
at 145k passages (about three at 1.45M), so a one-report upload waited for it. Passages ingested since the last
full build are kept in a small inverted index and scored with the *main* index's statistics (document count,
document frequencies, mean length, same k1 and b), so their scores rank together with the main index's exactly as
if they had been part of it when it was built. The index remembers the content hash of every report it holds, so a
report changed since is re-read into the delta and its old rows are skipped (``stale``); deleted passages are
filtered out by the caller. ``needs_rebuild`` says when the delta has grown too large for all this to hold.
"""

from __future__ import annotations

import json
import math
import shutil
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

K1, B = 1.5, 0.75  # bm25s defaults (method "lucene"); the delta scores with the same formula
DELTA_MIN = 500  # passages a delta may always hold
DELTA_SHARE = 0.05  # ... or this share of the main index, whichever is larger; past it, rebuild


def tokenize(texts: list[str]):
    """bm25s tokens: English stop words removed, Snowball-stemmed where PyStemmer is installed."""
    import bm25s

    try:
        import Stemmer

        stemmer = Stemmer.Stemmer("english")
    except ImportError:  # PyStemmer is optional: plain tokens still work
        stemmer = None
    return bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)


def _token_lists(tokens) -> list[list[str]]:
    """bm25s's Tokenized (ids + vocabulary) as lists of token strings."""
    words = {i: w for w, i in tokens.vocab.items()}
    return [[words[i] for i in doc] for doc in tokens.ids]


@dataclass
class KeywordIndex:
    """The main bm25s index (rows ``ids``) and the delta (``delta_ids``) scored with the main index's statistics."""

    model: object | None = None  # bm25s.BM25
    ids: list[str] = field(default_factory=list)
    avgdl: float = 1.0
    reports: dict[str, str] = field(default_factory=dict)  # report id -> content hash, as indexed in the main index
    delta_ids: list[str] = field(default_factory=list)
    stale: frozenset[str] = frozenset()  # main rows of reports changed or deleted since the build
    _postings: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # token -> [(delta row, tf)]
    _delta_len: list[int] = field(default_factory=list)

    @classmethod
    def build(cls, ids: list[str], texts: list[str], reports: dict[str, str]) -> KeywordIndex:
        """A full index over ``texts`` (rows in ``ids`` order) of the reports ``reports`` (id -> content hash)."""
        import bm25s

        if not ids:
            return cls(reports=dict(reports))
        tokens = tokenize(texts)
        model = bm25s.BM25(k1=K1, b=B)
        model.index(tokens, show_progress=False)
        avgdl = sum(len(doc) for doc in tokens.ids) / len(ids)
        return cls(model, list(ids), avgdl or 1.0, dict(reports))

    def save(self, folder: Path) -> None:
        """Write the main index into a new sub-folder, then (atomically, last) the stamp that names that sub-folder,
        its rows and reports; then remove older builds. A kill at any point leaves a stamp and the files it names."""
        folder.mkdir(parents=True, exist_ok=True)
        name = f"index-{uuid.uuid4().hex[:12]}"
        if self.model is not None:
            self.model.save(str(folder / name))
        tmp = folder / "rows.json.tmp"
        tmp.write_text(json.dumps({"dir": name, "ids": self.ids, "avgdl": self.avgdl, "reports": self.reports}))
        tmp.replace(folder / "rows.json")
        for old in folder.iterdir():
            if old.is_dir() and old.name != name and old.name.startswith("index"):
                shutil.rmtree(old, ignore_errors=True)
        (folder / "generation.json").unlink(missing_ok=True)  # the stamp of the layout before the delta

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex | None:
        """The saved main index, or None when missing, unreadable or from an older layout (then rebuild)."""
        import bm25s

        try:
            saved = json.loads((folder / "rows.json").read_text())
            ids, avgdl, reports = list(saved["ids"]), float(saved["avgdl"]), dict(saved["reports"])
            model = bm25s.BM25.load(str(folder / saved["dir"])) if ids else None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if model is not None and model.scores.get("num_docs") != len(ids):
            return None
        return cls(model, ids, avgdl, reports)

    def with_delta(self, ids: list[str], texts: list[str], stale: frozenset[str]) -> KeywordIndex:
        """This main index with ``ids``/``texts`` as its delta and its ``stale`` rows skipped (replacing any
        previous delta)."""
        postings: dict[str, list[tuple[int, int]]] = {}
        lengths = []
        for row, words in enumerate(_token_lists(tokenize(texts)) if ids else []):
            lengths.append(len(words))
            for word, tf in Counter(words).items():
                postings.setdefault(word, []).append((row, tf))
        return KeywordIndex(self.model, self.ids, self.avgdl, self.reports, list(ids), stale, postings, lengths)

    def needs_rebuild(self, delta: int, stale: int) -> bool:
        """True when the main index no longer describes the library well: too many new, changed or removed rows."""
        if self.model is None:
            return delta > 0
        budget = max(DELTA_MIN, DELTA_SHARE * len(self.ids))
        return delta > budget or stale > budget

    def search(self, query: str, n: int) -> list[tuple[str, float]]:
        """The ``n`` best (passage id, BM25 score) of main and delta together, best first."""
        tokens = tokenize([query])
        words = _token_lists(tokens)[0]
        if not words or n <= 0:
            return []
        out: list[tuple[str, float]] = []
        if self.model is not None and self.ids:
            docs, scores = self.model.retrieve(tokens, k=min(n, len(self.ids)), show_progress=False, n_threads=1)
            out += [
                (self.ids[int(i)], float(s))
                for i, s in zip(docs[0], scores[0])
                if s > 0 and self.ids[int(i)] not in self.stale
            ]
        if self.delta_ids and self.model is not None:  # (a delta only exists beside a main index)
            out += self._delta_scores(words)
        out.sort(key=lambda item: -item[1])
        return out[:n]

    def _delta_scores(self, words: list[str]) -> list[tuple[str, float]]:
        """BM25 (Lucene idf, Robertson tf) of the delta rows, with the main index's N, df and mean length."""
        vocab, indptr, n_docs = self.model.vocab_dict, self.model.scores["indptr"], len(self.ids)
        scores: dict[int, float] = {}
        for word in words:
            posting = self._postings.get(word)
            if not posting:
                continue
            if word in vocab:
                t = vocab[word]
                df = int(indptr[t + 1] - indptr[t])
            else:  # a word the main index never saw: its frequency in the delta stands in
                df = len(posting)
            idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
            for row, tf in posting:
                norm = K1 * ((1 - B) + B * self._delta_len[row] / self.avgdl)
                scores[row] = scores.get(row, 0.0) + idf * tf / (norm + tf)
        return [(self.delta_ids[row], s) for row, s in scores.items() if s > 0]
