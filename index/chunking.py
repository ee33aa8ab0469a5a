"""Sentence-aware passages that remember where they sit in their report (character offsets).

Why offsets: a citation is only trustworthy if ``report.text[start:end]`` *is* the quote; passages and the sentences
inside them are always slices of the stored report text, never re-typed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from index.sentences import sentence_spans


@dataclass(frozen=True)
class Passage:
    """A run of whole sentences of one report: ``text == report_text[start:end]``."""

    id: str
    report_id: str
    start: int
    end: int
    text: str

    @property
    def content_hash(self) -> str:
        return hashlib.sha1(self.text.encode("utf-8", "surrogatepass")).hexdigest()


def chunk(report_id: str, text: str, max_chars: int = 700, overlap_sentences: int = 1) -> list[Passage]:
    """Greedy packing of sentences up to ``max_chars``, overlapping by whole sentences so no fact is cut in two.

    A single sentence longer than ``max_chars`` becomes its own passage (it is never split mid-sentence).
    """
    spans = sentence_spans(text)
    passages: list[Passage] = []
    i = 0
    while i < len(spans):
        j = i
        while j + 1 < len(spans) and spans[j + 1][1] - spans[i][0] <= max_chars:
            j += 1
        start, end = spans[i][0], spans[j][1]
        passages.append(Passage(f"{report_id}:{start}-{end}", report_id, start, end, text[start:end]))
        if j + 1 >= len(spans):
            break
        i = max(i + 1, j + 1 - overlap_sentences)
    return passages
