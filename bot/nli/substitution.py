"""Which number or side of a claim its sentence fills with another, in the same place: "killed two Polish citizens"
where the claim says five, "the missile strike on Polish territory" where it says Romanian.

Why: a false claim that changes one number, name, side or date of its sentence is the commonest kind the project's
writers produce, and the verifier reads most of them as entailed or neutral, so the verdict stays undecided (over the
654 fit claims the shipped chain gave the 229 REFUTES claims 8 REFUTED verdicts). The dependency parse that reads
swapped pairings (``bot/nli/pairing.py``) also tells where each slot stands; a slot of the claim that the sentence
lacks, standing where the sentence puts another slot of the same kind that the claim lacks, is a substitution. It
decides nothing alone: a sentence about another event has other values in the same places, so the decision asks the
verifier to read the claim with the sentence's value put back (``Substitution.restored``), and only a sentence that
states that restored claim refutes (``bot/verdict/learned.py``; held-out sets 28 and 29 judged it,
benchmarks/data/README.md).

Names and dates are not read (2026-12-06, after a review). A name has other names for the same thing ("Nikolaev"
and "Mykolaiv", "Britain" and "the UK", "NATO" and "the North Atlantic Alliance", "the Kremlin" and "Putin"), the
verifier reads the claim in the sentence's own spelling as entailed and the user's as not, and no list of aliases is
ever complete: 13 of 85 faithful rewordings written by the reviewer were refuted. A claim's date is often the day a
report said something ("ISW reported on January 11 that ...") where the sentence dates the event ("on January 9"),
and a sentence gives days as ranges ("December 18 and 19"): read by month and day, dates refuted 4 true claims of the
fit files and read sets. Numbers are compared by value, and sides (Russian, Ukrainian, Polish) are a closed set a
user writes as the reports do.
Also no substitution: a number that is part of a larger one ("four thousand", "1.5 million") or of a hyphenated word
("Forty-two"), the claim's value written in the sentence, a spelling of the same side, a count's place inherited
through its noun, and a side standing only as what a noun is "of".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.nli.pairing import COUNTED, MAX_CHARS, kind, parse, places_of, slots, span

if TYPE_CHECKING:
    from spacy.tokens import Token

# The kinds of slot read: each has one written form per value, or a closed set of them (``the module's docstring``).
READ = frozenset({"number", "side"})
# Two spellings of a side this alike are one ("Ukrainian" and "Ukranian"): report sentences misspell.
SAME_SPELLING = 0.75
# Words that make a number part of a larger one: "four thousand", "1.5 million", "a dozen".
_SCALE = frozenset({"hundred", "thousand", "million", "billion", "trillion", "dozen", "dozens"})


@dataclass(frozen=True)
class Substitution:
    """A slot of the claim (``claimed``) where the sentence has another (``stated``)."""

    slot: str  # the claimed slot's normal form (``pairing.slots``)
    claimed: str  # as the claim writes it
    stated: str  # as the sentence writes it
    restored: str  # the claim with the sentence's value in place of its own

    def describe(self) -> str:
        """In words for the reader."""
        return f"the source has {self.stated} where the claim has {self.claimed}"


def same_side(a: str, b: str) -> bool:
    """Whether two written sides are one spelled otherwise."""
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= SAME_SPELLING


def _unreadable(tok: Token) -> bool:
    """A number the parse splits or that only labels: part of a hyphenated word ("Forty-two"), of a larger number
    ("four thousand", "1.5 million"), or a label ("#2")."""
    doc = tok.doc
    near = [doc[i] for i in (tok.i - 1, tok.i + 1) if 0 <= i < len(doc)]
    if any(t.text in ("-", "–", "—", "#") for t in near):
        return True  # "Forty-two", "Supporting Effort #2—Southern Axis"
    return kind(tok) == "number" and any(t.lower_ in _SCALE or (t.like_num and t.pos_ == "NUM") for t in near)


def _written_in(value: str, text: str) -> bool:
    """Whether ``value`` is written in ``text`` as a whole word ("5" is not in "15", "US" is not in "Russian")."""
    return re.search(rf"(?<![\w.,]){re.escape(value)}(?![\w]|[.,]\d)", text, re.IGNORECASE) is not None


def _claim_places(tokens: list[Token]) -> set[tuple[str, ...]]:
    """The places a slot holds that can tell one value from another: a verb's role, a preposition's end, the noun a
    number counts; not a count's place inherited through its noun, and not a side's "of"."""
    out = {p for p in places_of(tokens) if len(p) >= 2 and p[0] != COUNTED}
    if kind(tokens[0]) == "side":
        out = {p for p in out if p[0] != "of"}
    return out


@lru_cache(maxsize=4096)
def substitutions(evidence: str, claim: str) -> tuple[Substitution, ...]:
    """Each number or side of the claim that the sentence fills with another of the same kind in one of its
    places (at most one reading per claimed slot). Texts over ``MAX_CHARS`` are not read. Cached: a claim's candidates
    are asked once."""
    if not evidence.strip() or not claim.strip() or max(len(evidence), len(claim)) > MAX_CHARS:
        return ()
    in_evidence, in_claim = slots(parse(evidence)), slots(parse(claim))
    stated_slots = {
        s: toks
        for s, toks in in_evidence.items()
        if s not in in_claim and kind(toks[0]) in READ and not _unreadable(toks[0])
    }
    sides = [evidence[slice(*span(toks[0]))] for toks in in_evidence.values() if kind(toks[0]) == "side"]
    out = []
    for slot, tokens in in_claim.items():
        what = kind(tokens[0])
        if slot in in_evidence or what not in READ or _unreadable(tokens[0]):
            continue
        start, end = span(tokens[0])
        claimed = claim[start:end]
        if _written_in(claimed, evidence) or (what == "side" and any(same_side(claimed, s) for s in sides)):
            continue
        places = _claim_places(tokens)
        for other in stated_slots.values():
            stated = evidence[slice(*span(other[0]))]
            if kind(other[0]) != what or _written_in(stated, claim):
                continue
            if places & _claim_places(other):
                out.append(Substitution(slot, claimed, stated, claim[:start] + stated + claim[end:]))
                break
    return tuple(out)


def holds(evidence: str, claim: str, slot: str) -> bool:
    """Whether the sentence puts the claim's ``slot`` in a place the claim gives it: then the claim's value is stated
    there, whatever another sentence says."""
    if max(len(evidence), len(claim)) > MAX_CHARS:
        return False
    found, in_claim = slots(parse(evidence)), slots(parse(claim))
    if slot not in found or slot not in in_claim:
        return False
    return bool({p for p in places_of(found[slot]) if len(p) >= 2} & places_of(in_claim[slot]))
