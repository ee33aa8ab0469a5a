"""Sentence splitting that returns character spans, so every quote can be sliced verbatim from its report."""

from __future__ import annotations

import re

# Abbreviations that end in a period without ending a sentence (case-sensitive tails).
_ABBREV = {
    "U.S",
    "U.K",
    "U.N",
    "E.U",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Gen",
    "Col",
    "Lt",
    "Maj",
    "Capt",
    "Sgt",
    "Adm",
    "Cmdr",
    "St",
    "Jr",
    "Sr",
    "No",
    "Nos",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "approx",
    "est",
    "Fig",
    "al",
    "Inc",
    "Ltd",
    "Co",
    "Corp",
    "Prof",
    "Rep",
    "Sen",
    "Gov",
    "Pres",
    "Lt.-Gen",
    "Col.-Gen",
    "Maj.-Gen",
}
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?:\[\d+\])*(?=\s+|$)|\n\s*\n|\n(?=\s*[-*•\d])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.\-]*)\.$")


def _is_abbreviation(text: str, end: int) -> bool:
    """True when the period at ``text[end-1]`` closes an abbreviation or an initial, not a sentence."""
    m = _WORD_BEFORE.search(text, max(0, end - 20), end)
    if not m:
        return False
    word = m.group(1)
    if word in _ABBREV or word.rstrip(".") in _ABBREV:
        return True
    return len(word) == 1 and word.isupper()  # an initial such as "J. Smith"


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences; returns (start, end) offsets into ``text`` with edges trimmed."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for m in _BOUNDARY.finditer(text, start, end):
        stop = m.end()
        if text[m.start()] == "." and m.group().startswith(".") and _is_abbreviation(text, m.start() + 1):
            continue
        _append_trimmed(text, cursor, stop, spans)
        cursor = stop
    _append_trimmed(text, cursor, end, spans)
    return spans


def _append_trimmed(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        spans.append((a, b))


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings (convenience for callers that need no offsets)."""
    return [text[a:b] for a, b in sentence_spans(text)]
