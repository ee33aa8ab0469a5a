"""Which slot of a claim its sentence fills with another of the same kind, in the same place: "killed two Polish
citizens" where the claim says five, "a training ground in Belgorod Oblast" where it says Kursk Oblast.

Why: a false claim that changes one number, name, side or date of its sentence is the commonest kind the project's
writers produce, and the verifier reads most of them as entailed or neutral, so the verdict stays undecided (over the
654 fit claims the shipped chain gave the 229 REFUTES claims 8 REFUTED verdicts). The dependency parse that
reads swapped pairings (``bot/nli/pairing.py``) also tells where each slot stands; a slot of the claim that the
sentence lacks, standing where the sentence puts another slot of the same kind that the claim lacks, is a
substitution. It decides nothing alone: a sentence about another event has other values in the same places ("captured
Soledar" against a claim about Bakhmut), so the decision asks the verifier to read the claim with the sentence's value
put back (``Substitution.restored``), and only a sentence that states that restored claim refutes
(``bot/verdict/learned.py``; held-out sets 28 and 29 judge it, benchmarks/data/README.md).

What is no substitution: the same value written otherwise (a spelling, "Kyiv-Perchesk" for "Kyiv Pechersk"; an
acronym, "ZNPP"; a name sharing a word with the other, "Russian Airborne" and "Airborne Forces"; a capital for its
country, "the Kremlin" and "Moscow"), a number inside a hyphenated word ("Forty-two"), a name standing only as what a
noun is "of" ("the village of Robotyne": many villages are), and a counted place inherited through a noun.
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

# Two spellings this alike are one name ("Zaporizhzhia" and "Zaprozhia"): report sentences misspell names.
SAME_SPELLING = 0.75
# Words that many names share ("Kursk Oblast" and "Belgorod Oblast" are two places): a name sharing only these with
# another is not the same.
_GENERIC = frozenset(
    {"oblast", "raion", "region", "krai", "district", "city", "republic", "people", "military", "forces", "force"}
    | {"army", "front", "direction", "axis", "river", "bay", "sea", "island", "ministry", "general", "staff"}
    | {"national", "guard", "federal", "service", "state", "council", "group", "brigade", "division", "regiment"}
    | {"battalion", "corps", "fleet", "combined", "arms", "the", "of", "and", "north", "south", "east", "west"}
    | {"northern", "southern", "eastern", "western", "central", "new", "saint", "st"}
)
# Places that stand for each other in reports: a capital for its country or government.
_METONYMS = (
    frozenset({"moscow", "kremlin", "russia"}),
    frozenset({"kyiv", "ukraine"}),
    frozenset({"tehran", "iran"}),
    frozenset({"minsk", "belarus"}),
    frozenset({"washington", "us", "united states"}),
    frozenset({"beijing", "china"}),
)


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


def _words(text: str) -> set[str]:
    """The words that tell a name from another (``_GENERIC`` left out)."""
    return set(re.findall(r"[a-z]+", text.lower())) - _GENERIC


def _initials(text: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z]+", text) if w[0].isupper()).upper()


def same_value(a: str, b: str) -> bool:
    """Whether two written slots may name one thing (a spelling, an acronym, a shared word, a capital for its
    country), so that one standing for the other is no substitution."""
    if difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= SAME_SPELLING:
        return True
    wa, wb = _words(a), _words(b)
    if wa & wb or any(x[:5] == y[:5] for x in wa for y in wb if len(x) >= 5 and len(y) >= 5):
        return True  # "Ukraine" and "Ukrainian General Staff"
    for short, long in ((a, b), (b, a)):
        if len(short) >= 2 and short.isupper() and _initials(long).startswith(short[:3]):
            return True  # "ZNPP", "AEI"
    return any(a.lower() in m and b.lower() in m for m in _METONYMS)


def _hyphenated(tok: Token) -> bool:
    """A number that is part of a hyphenated word ("Forty-two", "two-thirds"): the parse splits it."""
    doc = tok.doc
    return any(0 <= i < len(doc) and doc[i].text == "-" for i in (tok.i - 1, tok.i + 1))


def _claim_places(tokens: list[Token]) -> set[tuple[str, ...]]:
    """The places a slot holds that can tell one value from another: a verb's role, a preposition's end, the noun a
    number counts; not a count's place inherited through its noun, and not a name's "of" (``what is no
    substitution``)."""
    out = {p for p in places_of(tokens) if len(p) >= 2 and p[0] != COUNTED}
    if kind(tokens[0]) in ("name", "side"):
        out = {p for p in out if p[0] != "of"}
    return out


@lru_cache(maxsize=4096)
def substitutions(evidence: str, claim: str) -> tuple[Substitution, ...]:
    """Each slot of the claim that the sentence fills with another of the same kind in one of its places (at most one
    reading per claimed slot). Texts over ``MAX_CHARS`` are not read. Cached: a claim's candidates are asked once."""
    if not evidence.strip() or not claim.strip() or max(len(evidence), len(claim)) > MAX_CHARS:
        return ()
    in_evidence, in_claim = slots(parse(evidence)), slots(parse(claim))
    evidence_lower, claim_lower = evidence.lower(), claim.lower()
    stated_slots = {s: toks for s, toks in in_evidence.items() if s not in in_claim and not _hyphenated(toks[0])}
    written = [evidence[slice(*span(toks[0]))] for toks in in_evidence.values()]
    out = []
    for slot, tokens in in_claim.items():
        if slot in in_evidence or _hyphenated(tokens[0]):
            continue
        start, end = span(tokens[0])
        claimed = claim[start:end]
        if claimed.lower() in evidence_lower or any(same_value(claimed, w) for w in written):
            continue
        places = _claim_places(tokens)
        for other in stated_slots.values():
            stated = evidence[slice(*span(other[0]))]
            if kind(other[0]) != kind(tokens[0]) or stated.lower() in claim_lower:
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
