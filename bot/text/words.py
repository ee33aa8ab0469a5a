"""Words of a claim and of a sentence, compared: the content words, their overlap, and normalised text for matching.

Why one module: which words count as a claim's content decides which sentences are read at all (candidates), how
close a citation is to the claim (its rank) and one of the combiner's features; each must count them the same way.
"""

from __future__ import annotations

import re

from bot.text.lexicon import STOP_WORDS

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+|\d[\d,.]*")


def content_words(text: str) -> set[str]:
    """Lower-cased words and numbers of ``text`` less the stop-words (possessives and trailing punctuation cut)."""
    return {w.lower().strip("'’").rstrip(".,") for w in WORD.findall(text)} - STOP_WORDS


def overlap(claim_words: set[str], sentence: str) -> float:
    """Share of the claim's content words (prefix-matched, so 'captured' meets 'capture') found in the sentence."""
    return overlaps((claim_words,), sentence)[0]


def overlaps(word_sets: tuple[set[str], ...], sentence: str) -> tuple[float, ...]:
    """``overlap`` of each of ``word_sets`` with one sentence, its words read once (candidates compare every sentence
    with a claim's words both with and without its dates)."""
    words = content_words(sentence)
    stems = {w[:5] for w in words}
    return tuple(sum(1 for w in ws if w in words or w[:5] in stems) / len(ws) if ws else 0.0 for ws in word_sets)


def fold_quotes(text: str) -> str:
    """Lower case, typographic quotes made plain and whitespace collapsed: for 'is this quote in that text' checks
    that must not fail on a curly apostrophe or a line break."""
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("“", '"').replace("”", '"')).strip().lower()


def loose_key(text: str) -> str:
    """Letters and digits only, lower case, single spaces: for matching a hand-copied quote to a sentence whatever its
    punctuation."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower().replace("’", "'")).strip()
