"""Whether a claim is written in English: the library, the embedding model and the verifier all read English.

Why refuse rather than answer: a claim in another language shares almost no words with English reports, so what the
pipeline finds is noise (a Ukrainian claim was once "supported" by a URL fragment). Saying so plainly is better than a
verdict. Two checks, both cheap: the share of Latin letters, and, for Latin-script text, function words of other
languages with none of English's.
"""

from __future__ import annotations

import re
import unicodedata

from bot.text.lexicon import STOP_WORDS

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# English function words (the stop-words claims and reports share).
_ENGLISH = STOP_WORDS
# French, German, Spanish, Italian, Portuguese, Dutch, Polish function words that English does not use.
_OTHER = frozenset(
    [
        "les",
        "des",
        "une",
        "est",
        "dans",
        "pour",
        "avec",
        "sur",
        "qui",
        "que",
        "pas",
        "la",
        "le",
        "de",
        "du",
        "et",
        "ont",
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "mit",
        "von",
        "den",
        "dem",
        "ein",
        "eine",
        "auf",
        "haben",
        "sind",
        "wurde",
        "los",
        "las",
        "del",
        "por",
        "con",
        "una",
        "para",
        "el",
        "y",
        "fue",
        "sono",
        "della",
        "il",
        "di",
        "che",
        "non",
        "het",
        "een",
        "van",
        "zijn",
        "niet",
        "na",
        "nie",
        "jest",
        "się",
        "oraz",
    ]
)
MIN_LATIN_SHARE = 0.5


def script_of(text: str) -> str:
    """The Unicode script name of the text's letters, as 'LATIN', 'CYRILLIC'… (the most common one)."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            script = name.split(" ")[0] if name else "UNKNOWN"
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.get) if counts else "LATIN"


def looks_english(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    latin = sum(1 for ch in letters if unicodedata.name(ch, "").startswith("LATIN"))
    if latin / len(letters) < MIN_LATIN_SHARE:
        return False
    words = [w.lower() for w in _WORD.findall(text)]
    return not (len(words) >= 4 and len(_OTHER.intersection(words)) >= 2 and not _ENGLISH.intersection(words))
