"""A question's answer, extractive: its candidate sentences ranked by how well they answer it, and the answering span.

Why: a question ("Who commanded Russian forces in October 2022?") gets no verdict, and a reader takes the first
citation as the answer. Overlap with the question's words alone ranks sentences that merely talk about the subject
(opinions on the commander, a list of deputies) as high as the one that states the fact. A sentence that answers holds
an answer of the kind the question asks for (who: a name; when: a date; how many: a number; where: a place) that the
question does not already contain, and states it rather than forecasting it.

How (cheap, no model): the question's wh-type is read from its opening words; each sentence is scored by the share of
the question's content words it holds (crudely stemmed, irregular verbs folded: "sink" meets "sunk"; each word weighted
by how few of the candidates hold it), plus the quality of its best answer span of that type (for "Who VERBed?", a
name right before that verb), less a little for hedged wording, for two-sentence candidates and for holding none of
the names the question gives. The span is what the reply's answer line names. Measured in BENCHMARKS.md (questions).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from bot.reply import Citation
from bot.text.claim_dates import YEAR, without_dates
from bot.text.lexicon import MONTH_PATTERN, NATIONALITIES
from bot.text.words import content_words
from bot.verdict.candidates import Candidate
from index.sentences import sentence_spans


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class Wanted(StrEnum):
    """What a question asks for."""

    PERSON = "person"  # or an organisation: "who"
    DATE = "date"
    NUMBER = "number"
    PLACE = "place"
    NATIONALITY = "nationality"
    ENTITY = "entity"  # "what" / "which" of anything else
    OTHER = "other"  # why, how, yes or no: no span to look for


_PLACE_NOUNS = r"city|town|village|settlement|oblast|region|province|country|river|island|area|raion|district|plant"
_PERSON_NOUNS = (
    r"person|man|woman|commander|general|official|officer|leader|minister|spokesperson|head|group|organization|"
    r"organisation|unit|brigade|party|outlet|milblogger|channel"
)
_TYPES = [
    (re.compile(r"^\s*how\s+(?:many|much|long|large|big)\b", re.I), Wanted.NUMBER),
    (re.compile(r"^\s*(?:when\b|(?:on|in)?\s*(?:what|which)\s+(?:date|day|month|year|time)\b)", re.I), Wanted.DATE),
    (
        re.compile(rf"^\s*(?:where\b|(?:in|at|from|to|near)?\s*(?:what|which)\s+(?:{_PLACE_NOUNS})\b)", re.I),
        Wanted.PLACE,
    ),
    (
        re.compile(r"^\s*(?:what|which)\s+(?:nationality|nationalities|ethnicity|citizenship)\b", re.I),
        Wanted.NATIONALITY,
    ),
    (re.compile(rf"^\s*(?:who|whom|whose|(?:what|which)\s+(?:{_PERSON_NOUNS})\b)", re.I), Wanted.PERSON),
    (re.compile(r"^\s*(?:what|which)\b", re.I), Wanted.ENTITY),
]
# "Who replaced Lapin?": the answer is the subject of the question's verb, so it comes before that verb in a sentence.
_WHO_DID = re.compile(r"^\s*who\s+(?!(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could)\b)(\w+)", re.I)
# Words of a question that say what kind of answer it wants, not what it is about.
_QUESTION_WORDS = _words(
    "who whom whose what which when where why how many much long large big think thought believe believed say said "
    "according date day month year time city town person nationality would will could should can may"
)
# Hedges, conditions and forecasts: a sentence that answers states what happened ("will take over" in a report of an
# announcement is no hedge, so a plain "will" is not one either).
_HEDGED = re.compile(r"\b(?:would|could|may|might|if|unlikely|will likely|likely will|expected to)\b", re.I)
# Irregular forms folded together, so a question's "sink" or "took over" meets a report's "sunk" or "take over".
_IRREGULAR = {
    "sank": "sink", "sunk": "sink", "took": "take", "taken": "take", "became": "become", "led": "lead", "won": "win",
    "fell": "fall", "fallen": "fall", "began": "begin", "begun": "begin", "held": "hold", "fought": "fight",
    "struck": "strike", "hit": "strike", "lost": "lose", "left": "leave", "sent": "send", "made": "make",
    "shot": "shoot", "killed": "kill", "killing": "kill", "seized": "seize", "brought": "bring", "gave": "give",
    "given": "give", "went": "go", "gone": "go", "ran": "run", "rose": "rise", "withdrew": "withdraw",
    "withdrawn": "withdraw", "said": "say", "told": "tell", "met": "meet", "chose": "choose", "chosen": "choose",
}  # fmt: skip

_MONTH = rf"(?:{MONTH_PATTERN})"
_DATE = re.compile(
    rf"\b(?:(?:early|mid|late)[- ])?{_MONTH}(?:\s+\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?\b)?(?:,?\s+\d{{4}})?"
    rf"|\b\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?\s+{_MONTH}(?:\s+\d{{4}})?\b"
)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds|thousands|dozens|a dozen|"
    r"a hundred|a thousand"
)
_NUMBER = re.compile(
    r"(?:\b(?:at least|more than|over|about|around|approximately|nearly|almost|up to|roughly|some)\s+)?"
    r"(?:(?<![\w\[.,])\d[\d,]*(?:\.\d+)?(?!\d|\]|st\b|nd\b|rd\b|th\b|-\w)(?:\s+(?:thousand|million|billion))?"
    rf"|\b(?:{_NUMBER_WORDS})\b)",
    re.I,
)
# A run of capitalised words (names of people, organisations, places), with the small words names carry inside.
_CAPS = re.compile(
    r"(?<![\w’'-])(?:[A-Z][\w’'.-]*|[A-Z]{2,})(?:(?: +(?:of|the|de|del|al|bin|von|van))* +[A-Z][\w’'.-]*)*"
)
_MONTH_WORD = re.compile(rf"\s+(?={_MONTH}\b)")
# Ranks and roles that precede a person's name ("Army General Sergey Surovikin", "Wagner financier Prigozhin").
_TITLES = _words(
    "army general colonel lieutenant major admiral marshal commander commander-in-chief president prime minister "
    "deputy head chief director director-general spokesperson spokesman secretary governor mayor advisor adviser "
    "ambassador leader chairman financier founder milblogger blogger propagandist official journalist "
    "colonel-general lieutenant-general major-general general-lieutenant mr dr"
)
_ROLE_BEFORE = re.compile(r"\b(?:" + "|".join(sorted(_TITLES)) + r")\s*,?\s*$", re.I)
# Words that describe a name without being it: read past at the start of a run.
_DESCRIPTORS = _words("the a an russian ukrainian belarusian us uk american british former acting then current")
# Capitalised words that are not an answer on their own: adjectives of nationality, calendar words, report voice.
_NOT_NAMES = _words(
    "russian ukrainian belarusian american british western russia ukraine the this these that it isw kremlin's "
    "a an monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december"
) | {n.lower() for n in NATIONALITIES}
# Words that make a name an institution or a place rather than a person.
_GENERIC = _words(
    "oblast city raion krai ministry forces force army district military group staff general defense defence "
    "federation republic government administration council committee command directorate service"
)
_PLACE_WORDS = _words("oblast city raion krai island plant station bridge river region village town")
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|at|from|into|near|to|toward|towards|outside|around|across|of|over|on)\s+(?:the\s+)?|"
    r"\b(?:city|town|village|settlement)\s+of\s+)$",
    re.I,
)
_CONNECTORS = _words("of the de del al bin von van")
# After a name that opens a sentence comes its verb ("Kadyrov also accused", "Putin has"), not "that" or "the".
_FOLLOWED_BY_VERB = re.compile(
    r"\s+(?:(?:\w+ly|also)\s+)?(?:[a-z]+ed|[a-z]+s|has|had|will|may|might|can|could|would|said|told)\b"
)
# Words after a number that do not name what it counts ("killing at least 50 and wounding …").
_NOT_COUNTED = _words("and or of to in on at by for from with per were was are is have has had who which that the a an")
_SUFFIX = re.compile(r"(?:ing|ed|es|s)$")
_POSSESSIVE = re.compile(r"[’']s$")
_NOUN_ENDING = re.compile(r"(?:er|or|ion|ment|ance|ence)s?$")
_COUNTED = re.compile(
    r"how\s+(?:many|much)\s+(.+?)(?=\s+(?:did|do|does|were|was|are|is|have|has|had|will|would|could|in|on|at)\b|\?|$)",
    re.I,
)
_NATIONALITY = re.compile(r"\b(?:" + "|".join(NATIONALITIES) + r")\b")

# A sentence holding an answer of the asked type outweighs one that only shares more of the question's words (up to
# half of them); hedged wording and a two-sentence candidate count a little against.
TYPE_WEIGHT = 0.5
HEDGE_PENALTY = 0.1
PAIR_PENALTY = 0.1
MISSING_NAME_PENALTY = 0.2  # a sentence holding none of the names the question gives is about something else
OFF_PERIOD_PENALTY = 0.2  # "Who commanded X in October 2022?": a report written at another time speaks of another
SUBJECT_BONUS = 0.4
MAX_QUALITY = 1.0 + SUBJECT_BONUS  # a titled name right before the question's verb
SUBJECT_NEAR = 12  # characters between a name and the question's verb for the name to be read as its subject


@dataclass(frozen=True)
class Ranked:
    """A candidate sentence with its score as an answer (0 to 1) and its answering span ("" when none was found)."""

    candidate: Candidate
    score: float
    span: str


def answer_type(question: str) -> Wanted:
    """What the question asks for, from its opening words."""
    for pattern, kind in _TYPES:
        if pattern.match(question):
            return kind
    return Wanted.OTHER


def focus_words(question: str) -> set[str]:
    """The question's content words, less those that only say what kind of answer is wanted and its dates (the period
    it names weighs through ``rank``'s ``outside_period``, not as words a sentence may repeat)."""
    return content_words(without_dates(question)) - _QUESTION_WORDS


def alignment(question: str, sentence: str, weights: dict[str, float] | None = None) -> float:
    """Share of the question's focus words found in ``sentence``, compared by crude stems; with ``weights`` (stem ->
    weight), a weighted share."""
    wanted = {_stem(w) for w in focus_words(question) or content_words(question)}
    if not wanted:
        return 0.0
    weights = weights or {}
    total = sum(weights.get(w, 1.0) for w in wanted)
    return sum(weights.get(w, 1.0) for w in wanted & _stems(sentence)) / total


def discriminating_weights(question: str, sentences: list[str]) -> dict[str, float]:
    """Each focus word weighted by how few of ``sentences`` hold it (log(1 + n / df)): a word every candidate holds
    ("Russian", "forces") tells them apart less than one only the answer holds ("took over")."""
    stems = [_stems(s) for s in sentences]
    n = len(sentences)
    wanted = {_stem(w) for w in focus_words(question) or content_words(question)}
    return {w: math.log(1 + n / max(1, sum(w in s for s in stems))) for w in wanted}


def question_names(question: str) -> set[str]:
    """Stems of the names a question gives ("Kramatorsk", "Lapin"): capitalised words after its first."""
    return {_stem(w) for w in re.findall(r"(?<=\s)[A-Z][\w’'-]+", question) if w.lower() not in _NOT_NAMES}


def spans(sentence: str, question: str) -> list[tuple[str, float]]:
    """Answers of the asked type in ``sentence`` that the question does not already hold, each with a quality (1 for a
    plain answer of the type; more for a name right before the question's verb, less for a doubtful one)."""
    kind, asked = answer_type(question), _stems(question)
    if kind == Wanted.DATE:
        found = [(m.group(), 1.0 if re.search(r"\d", m.group()) else 0.5) for m in _DATE.finditer(sentence)]
        return [(s, q) for s, q in found if not _stems(s) <= asked]
    if kind == Wanted.NUMBER:
        return _numbers(sentence, question, asked)
    if kind == Wanted.NATIONALITY:
        return [(m.group(), 1.0) for m in _NATIONALITY.finditer(sentence) if _stem(m.group()) not in asked]
    if kind in (Wanted.PERSON, Wanted.PLACE, Wanted.ENTITY):
        return _names(sentence, kind, asked, _subject_limit(question, sentence))
    return []


def best_span(question: str, sentence: str) -> str:
    """The answering span of ``sentence`` for ``question`` ("" when it holds none of the asked type)."""
    found = spans(sentence, question)
    return max(found, key=lambda f: f[1])[0] if found else ""


def rank(question: str, candidates: list[Candidate], outside_period: Collection[str] = ()) -> list[Ranked]:
    """``candidates`` best answer first: alignment with the question, an answer of the asked type, stated plainly.

    ``outside_period``: the reports written outside the period the question names (none when it names none); their
    sentences count a little less, since who held a post or what happened then is best told by a report of then.
    Ties keep the candidates' own order (their overlap with the question, then retrieval rank).
    """
    weights = discriminating_weights(question, [c.text for c in candidates])
    names = question_names(question)
    out = []
    for c in candidates:
        found = spans(c.text, question)
        span, quality = max(found, key=lambda f: f[1]) if found else ("", 0.0)
        score = alignment(question, c.text, weights) + TYPE_WEIGHT * quality
        score -= HEDGE_PENALTY * bool(_HEDGED.search(c.text)) + PAIR_PENALTY * (len(sentence_spans(c.text)) > 1)
        score -= MISSING_NAME_PENALTY * bool(names and not names & _stems(c.text))
        score -= OFF_PERIOD_PENALTY * (c.report_id in outside_period)
        out.append(Ranked(c, round(max(0.0, score) / (1 + TYPE_WEIGHT * MAX_QUALITY), 4), span))  # in [0, 1]
    return sorted(out, key=lambda r: -r.score)  # stable: ties keep the candidates' order


def answer_line(question: str, first: Citation) -> str:
    """'Answer: Islamic State — “<sentence>” (ISW, 2024-03-24)': the span (when found), the sentence that answers
    first, and who said it, where and when."""
    span = best_span(question, first.quote)
    where = first.source or first.title
    who = first.attribution if first.attribution in ("", where) else f"{first.attribution}, in {where}"
    head = f"Answer: {span} — " if span else "Answer: "
    return f"{head}“{first.quote}” ({who or where}, {first.date or 'undated'})"


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """A crude stem: irregular forms folded, then -ing/-ed/-s cut and five letters kept ('killing' meets 'killed',
    'commanded' meets 'commander')."""
    word = word.lower().strip("'’")
    word = _IRREGULAR.get(word, word)
    return _SUFFIX.sub("", word)[:5] if len(word) > 4 else word


@lru_cache(maxsize=4096)  # a candidate's text is read for the weights, its alignment and its names
def _stems(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in content_words(text))


def _subject_limit(question: str, sentence: str) -> int | None:
    """For 'Who VERBed …?', where the sentence uses that verb: names after it are not its subject."""
    m = _WHO_DID.match(question)
    if not m:
        return None
    verb = _stem(m.group(1))
    for w in re.finditer(r"[A-Za-z’']+", sentence):
        word = w.group()
        # "commanded", not "Commander"; not "to take" ("arrived in Belarus to take control" has no subject before it)
        finite = word.islower() and not _NOUN_ENDING.search(word) and not sentence[: w.start()].endswith("to ")
        if finite and _stem(word) == verb:
            return w.start()
    return None


def _numbers(sentence: str, question: str, asked: set[str]) -> list[tuple[str, float]]:
    """Counts: not a day of a month, a year, an endnote or an ordinal; better next to the counted thing."""
    counted = _COUNTED.search(question)  # "how many wounded Ukrainian servicemen were …": what is counted
    units = {_stem(w) for w in counted.group(1).split()} - {""} if counted else set()
    out = []
    for m in _NUMBER.finditer(sentence):
        text = m.group().strip()
        before, after = sentence[max(0, m.start() - 12) : m.start()], sentence[m.end() : m.end() + 40]
        if re.search(rf"{_MONTH}\s*$", before) or re.match(rf"\s*{_MONTH}\b", after):
            continue  # a day of a month
        if YEAR.fullmatch(text) or (_stem(text) in asked and not re.search(r"\d", text)):
            continue
        following = re.findall(r"[A-Za-z]+", after)[:3]
        near = {_stem(w) for w in following + re.findall(r"[A-Za-z]+", before)[-2:]}
        if {_stem(w) for w in following} & units:
            quality = 1.0  # "264 wounded servicemen" for "how many wounded servicemen"
        elif following and following[0].islower() and following[0] not in _NOT_COUNTED:
            quality = 0.4  # a count of something else: "82 days"
        else:
            quality = 0.7 if near & asked else 0.5
        out.append((text, quality))
    return out


def _names(sentence: str, kind: Wanted, asked: set[str], subject_end: int | None) -> list[tuple[str, float]]:
    """Capitalised names not in the question. For 'who', a person's name after a title or role scores best, then
    other names of several words, then single words, then institutions; for 'where', a name after a preposition of
    place ('from the Snake Island')."""
    out = []
    for m in _CAPS.finditer(sentence):
        before = sentence[max(0, m.start() - 40) : m.start()]
        words = [_POSSESSIVE.sub("", w.strip(",.’'")) for w in _MONTH_WORD.split(m.group())[0].split()]
        if len(words) == 1 and _sentence_initial(before) and not _FOLLOWED_BY_VERB.match(sentence, m.end()):
            continue  # "At", "Considering": capitalised only because a sentence starts there
        name, titled = _name_in(words)
        titled = titled or bool(_ROLE_BEFORE.search(before))
        lowered = [w.lower() for w in name]
        if not name or all(w in _NOT_NAMES for w in lowered) or _stem(lowered[-1]) in asked:
            continue  # nothing, a nationality or a month, or the question's own subject ("Alexander Lapin")
        if all(_stem(w) in asked or w in _GENERIC for w in lowered):
            continue
        if kind == Wanted.PERSON:
            quality = _person_quality(lowered, titled)
            if subject_end is not None and m.start() > subject_end:
                quality -= 0.3  # after the question's verb: its object, not its subject
            elif subject_end is not None:  # before it: its subject when right before ("Gerasimov will take over")
                near = subject_end - m.end() <= SUBJECT_NEAR and not _PLACE_BEFORE.search(before)
                quality += SUBJECT_BONUS if near else -0.1
        elif kind == Wanted.PLACE:
            after_preposition = bool(_PLACE_BEFORE.search(before))
            if not (after_preposition or any(w in _PLACE_WORDS for w in lowered)):
                continue
            quality = 1.0 if after_preposition else 0.7
        else:
            quality = 0.8 if len(name) > 1 else 0.6
        if any(_stem(w) in asked for w in lowered):
            quality -= 0.3  # part of it is in the question ("Central Military District")
        out.append((" ".join(name), round(quality, 2)))
    return out


def _person_quality(name: list[str], titled: bool) -> float:
    """A titled person's name 1.0, another name of several words 0.8, one word 0.6, an institution 0.5."""
    if any(w in _GENERIC for w in name):
        return 0.5
    return 1.0 if titled else 0.8 if len(name) > 1 else 0.6


def _name_in(words: list[str]) -> tuple[list[str], bool]:
    """The name in a run of capitalised words and whether a title precedes it: 'Chief of the General Staff Army General
    Valery Gerasimov' -> (['Valery', 'Gerasimov'], True); 'the Southern Military District' -> the district."""
    lowered = [w.lower() for w in words]
    last_title = max((i for i, w in enumerate(lowered) if w in _TITLES), default=None)
    if last_title is not None and last_title < len(words) - 1:
        rest = lowered[last_title + 1 :]
        if not any(w in _GENERIC or w in _CONNECTORS for w in rest):
            return words[last_title + 1 :], True
    lead = 0
    while lead < len(words) - 1 and lowered[lead] in _DESCRIPTORS | _TITLES | _CONNECTORS:
        lead += 1
    return [w for w in words[lead:] if w], False


def _sentence_initial(before: str) -> bool:
    return not before.strip() or bool(re.search(r"(?:[.!?:]\s*|\n\s*)$", before))
