"""When a claim's event is dated otherwise by its sentence: "The Moskva sank in June 2022" against "The Russian missile
cruiser Moskva ... sunk on April 14", read from the dependency parse of ``bot/nli/pairing.py``.

Why: a date in a claim narrows where support is sought, and a sentence written outside the claim's period weighs half
in the decision (it is likely about another event), so a claim that moves an event to another month is left
undecided, however plainly a report dates it. The substitution reading (``bot/nli/substitution.py``) leaves dates out:
read by day, a claim dated by the day a report said something ("ISW reported on January 11 that ...") refuted its own
sentence's event of January 9. Here a date is read only where both texts hang it on one event, never "as of": the same
verb, verbs acting on the same thing, any verbs where each text dates one event and the sentence restates the claim
(``RESTATED``), or, for a date on a verb of saying, a statement by the same speaker (``STATEMENT``) dated apart enough
that the claim did not take its report's day. It reads by month: the sentence must date that event with a day in
another month than the claim's, and hold no such date in the claim's month. What it finds decides nothing alone:
as with a substitution, the decision asks the verifier to read the claim with the sentence's date put back
(``Redating.restored``) and refutes only where that reads as entailed and no other sentence supports the claim or
dates the event in the claim's month (``bot/verdict/learned.py``). A repeated event (shelling, strikes) has other
dates in other reports; the other sentences retrieved for the claim's own month are what stop it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.nli.pairing import MAX_CHARS, REPORTING, parse
from bot.text.lexicon import MONTH_NUMBER
from bot.text.words import content_words, overlap

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Verbs a date of saying hangs on ("reported on June 3 that ...", "according to ISW on May 1"): when a source spoke or
# published, not when the event happened.
_SAYING = REPORTING | {"publish", "post", "confirm", "deny", "observe", "warn", "reiterate", "accord", "suggest"}
# Words before a month that make the phrase part of the date ("in early June", "on June 3", "by mid-June").
_LEAD = frozenset({"in", "on", "during", "by", "early", "mid", "late", "the", "of", "-", "around", "since", "until"})
_DAY = re.compile(r"\d{1,2}")
# The preposition a date phrase opens with, left out where the date is shown or put back ("on April 14" is "April 14").
_PREPOSITION = re.compile(r"^(?:on|in|by|during|around)\s+")
_YEAR = re.compile(r"(?:19|20)\d\d")
# The verb a statement's date is read on: any verb of saying ("said", "told reporters", "stated"), one event where its
# speaker is the same.
STATEMENT = "<statement>"
# A statement dated this close to the claim's date is not read as redated: a claim may date a statement by the day a
# report told of it ("On April 1, Zelensky said" from an April 1 report of his March 31 words).
STATEMENT_SLACK_DAYS = 15
# Two verbs are read as one event also where each text dates just one event, the sentence carries this share of the
# claim's content words, its dates left out, and every name the claim gives: the claim restates the sentence's fact in
# other words ("reacted" for "responded", "issued an order" for "ordered"). By the share alone, an absent fit claim was
# refuted on a sentence of another meeting ("Grossi met Vladimir Putin" against "Grossi held talks with Russian
# officials", 0.64 of its words), so the names must all be there.
RESTATED = 0.6
# A name in a claim: a capitalised word that does not open it or a sentence of it.
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z’'-]+")


@dataclass(frozen=True)
class EventDate:
    """A month (with its day and year where written) that a text hangs on one event verb."""

    verb: str  # the verb's lemma
    objects: frozenset[str]  # what the verb acts on (its object, or a passive verb's subject), by lemma
    month: int
    day: int | None
    year: int | None
    start: int  # character offsets of the date phrase in its text ("in June 2022", "on April 14")
    end: int


@dataclass(frozen=True)
class Redating:
    """The claim's date of an event (``claimed``) where the sentence dates the same verb in another month
    (``stated``)."""

    claimed: str
    stated: str
    restored: str  # the claim with the sentence's date in place of its own
    month: int  # the claim's month, to ask other sentences whether they date the event then

    def describe(self) -> str:
        """In words for the reader: the dates without their prepositions ("June 2022", not "in June 2022")."""
        return f"the source dates it {self.stated} where the claim has {_PREPOSITION.sub('', self.claimed)}"


def _verb_of(tok: Token) -> Token | None:
    """The verb a date hangs on, through its preposition and any noun phrase ("the March 2024 attack" has none)."""
    t = tok
    while t.head.i != t.i:
        if t.dep_ in ("pobj", "npadvmod", "nmod", "compound", "nummod", "appos", "prep", "conj", "cc"):
            t = t.head
            if t.pos_ in ("VERB", "AUX"):
                return t
            if t.pos_ == "NOUN" and t.dep_ not in ("pobj",):
                return None  # a date that qualifies a noun ("the June 3 decree") is no date of the verb's event
        else:
            return None
    return None


def _objects(verb: Token) -> frozenset[str]:
    """What a verb acts on, by lemma: its direct object, or the subject of a passive verb ("assaults" in "began direct
    assaults", "manager" in "the manager was detained"). Two verbs of one event are often two words ("began" and
    "launched", "detained" and "arrested"); what they act on is written alike."""
    acted_on = (ch for ch in verb.children if ch.dep_ in ("dobj", "nsubjpass") and ch.pos_ != "PRON")
    return frozenset(ch.lemma_.lower() for ch in acted_on)


def _as_of(tok: Token) -> bool:
    """Whether a month follows "as of": a date up to which something held, not when it happened."""
    doc = tok.doc
    before = doc[max(0, tok.i - 3) : tok.i].text.lower()
    return "as of" in before


def _date_at(doc: Doc, tok: Token) -> tuple[int | None, int | None, int, int]:
    """The day and year written beside a month token, and the character span of the whole date phrase."""
    start, end = tok.i, tok.i + 1
    day = year = None
    if end < len(doc) and _DAY.fullmatch(doc[end].text):
        day, end = int(doc[end].text), end + 1
    elif start > 0 and _DAY.fullmatch(doc[start - 1].text):
        day, start = int(doc[start - 1].text), start - 1
    if end < len(doc) and doc[end].text == "," and end + 1 < len(doc) and _YEAR.fullmatch(doc[end + 1].text):
        end += 1
    if end < len(doc) and _YEAR.fullmatch(doc[end].text):
        year, end = int(doc[end].text), end + 1
    while start > 0 and doc[start - 1].lower_ in _LEAD:
        start -= 1
    return day, year, doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def _speakers(verb: Token) -> frozenset[str]:
    """Who says it, by lemma: the names in a verb of saying's subject ("Putin", "Klimenko"), else its nouns ("the
    General Staff" has names; "officials" has none). A statement is one event only where its speaker is the same."""
    subject = [t for ch in verb.children if ch.dep_ == "nsubj" for t in ch.subtree]
    names = frozenset(t.lemma_.lower() for t in subject if t.pos_ == "PROPN")
    return names or frozenset(t.lemma_.lower() for t in subject if t.pos_ == "NOUN")


def _dates(text: str, saying: bool) -> list[EventDate]:
    """Each month of ``text`` that dates a verb: an event verb (``saying`` False) or a verb of saying (True, the
    verb read as ``STATEMENT`` and its speakers as what it acts on)."""
    doc = parse(text)
    out = []
    for tok in doc:
        if tok.text.lower() not in MONTH_NUMBER or not tok.text[0].isupper() or _as_of(tok):
            continue
        verb = _verb_of(tok)
        if verb is None or (verb.lemma_.lower() in _SAYING) != saying:
            continue
        day, year, start, end = _date_at(doc, tok)
        lemma, acted_on = (STATEMENT, _speakers(verb)) if saying else (verb.lemma_.lower(), _objects(verb))
        out.append(EventDate(lemma, acted_on, MONTH_NUMBER[tok.text.lower()], day, year, start, end))
    return out


def event_dates(text: str) -> list[EventDate]:
    """Each month of ``text`` that dates an event verb, with its day and year where written beside it."""
    return _dates(text, saying=False)


def statement_dates(text: str) -> list[EventDate]:
    """Each month of ``text`` that dates a statement ("Putin said on September 16 that ..."), with who made it."""
    return [d for d in _dates(text, saying=True) if d.objects]


def _year_in(month: int, report: date) -> int:
    """The year of a month a report names without one, the nearest to the report: a January report's "December 30"
    is of the year before, an April report's "June 13" (a plan) of its own."""
    return min(
        (report.year - 1, report.year, report.year + 1),
        key=lambda y: abs((y - report.year) * 12 + month - report.month),
    )


@lru_cache(maxsize=4096)
def redatings(evidence: str, claim: str, report: date) -> tuple[Redating, ...]:
    """Each date of the claim's events and statements that the sentence (from a report written on ``report``) puts on
    the same event with a day in another month, where the sentence names no such date in the claim's month."""
    if not evidence.strip() or not claim.strip() or max(len(evidence), len(claim)) > MAX_CHARS:
        return ()
    events = _redated(evidence, claim, report, event_dates, _restates(evidence, claim))
    return events + _redated(evidence, claim, report, statement_dates, restates=False)


def _redated(
    evidence: str, claim: str, report: date, read: Callable[[str], list[EventDate]], restates: bool
) -> tuple[Redating, ...]:
    """``redatings`` for one kind of date: events (``event_dates``) or statements (``statement_dates``), each matched
    only with its own kind; ``restates``: whether the sentence restates the claim (``_restates``), which joins two
    event verbs where each text dates one event."""
    stated = [d if d.year else replace(d, year=_year_in(d.month, report)) for d in read(evidence)]
    months = {(d.month, d.year) for d in stated}
    dated = [s for s in stated if s.day is not None]
    out = []
    claimed = read(claim)
    restated = restates and len(claimed) == 1 and len(stated) == 1
    for c in claimed:
        if any(m == c.month and (c.year is None or y == c.year) for m, y in months):
            continue  # the sentence dates something in the claim's month: no other date for the event
        for s in dated:
            if s.verb == STATEMENT:
                if not s.objects & c.objects or _close(c, s):
                    continue  # another speaker, or a date a claim may have taken from a report
            elif s.verb != c.verb and not s.objects & c.objects and not restated:
                continue  # another verb acting on other things, in a sentence that does not restate the claim
            bare = _PREPOSITION.sub("", evidence[s.start : s.end])
            restored = f"{claim[: c.start]}on {bare}, {s.year}{claim[c.end :]}"
            out.append(Redating(claim[c.start : c.end], bare, restored, c.month))
            break
    return tuple(out)


def _restates(evidence: str, claim: str) -> bool:
    """Whether the sentence carries ``RESTATED`` of the claim's content words (its months, days and years left out) and
    every name the claim gives (a capitalised word not opening the claim, prefix-matched as ``overlap`` does)."""
    words = {w for w in content_words(claim) if w not in MONTH_NUMBER and not w.isdigit()}
    names = {w.lower().strip("'’") for w in _NAME.findall(claim)} - set(MONTH_NUMBER)
    return overlap(words, evidence) >= RESTATED and (not names or overlap(names, evidence) == 1.0)


def _close(c: EventDate, s: EventDate) -> bool:
    """Whether the claim's date of a statement lies within ``STATEMENT_SLACK_DAYS`` of the sentence's."""
    assert s.year is not None and s.day is not None
    if c.day is None:
        return False
    try:
        claimed = date(c.year or s.year, c.month, c.day)
    except ValueError:
        return False
    return abs((claimed - date(s.year, s.month, s.day)).days) < STATEMENT_SLACK_DAYS


def dates_in(evidence: str, claim: str, month: int) -> bool:
    """Whether the sentence dates one of the claim's event verbs in ``month``, or restates the claim (``RESTATED``)
    with an event in ``month``: it tells of the event then. By the verb, not what it acts on: a sentence acting on the
    same thing in the claim's month ("counterattacks" that "continue to threaten") is often another event, and would
    stop a reading its date decides (held-out set 36)."""
    verbs = {d.verb for d in event_dates(claim)}
    restated = _restates(evidence, claim)
    if any(d.month == month and (d.verb in verbs or restated) for d in event_dates(evidence)):
        return True
    speakers = frozenset().union(*(d.objects for d in statement_dates(claim)))
    return any(d.month == month and d.objects & speakers for d in statement_dates(evidence))
