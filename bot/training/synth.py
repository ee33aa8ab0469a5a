"""Synthetic in-domain (evidence, claim, label) pairs made from a report library, FactCC-style.

Why: generic NLI dev sets teach a small model little about claims that *paraphrase* a report sentence with one fact
changed. Every entailed claim here is a rephrasing (clause cut, synonyms, date and number formats, reordering,
attribution to ISW), and every contradiction and neutral claim is made *from such a rephrasing*, so lexical overlap
never gives the label away: only the changed fact (actor, negation, number, date, place, antonym) or the missing
support (a claim restated as fact, an extra clause, a same-topic sentence) does.

Pure standard library, deterministic for a given seed, so it runs anywhere the training runs.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from bot.text.lexicon import ANTONYMS, MONTH_PATTERN, MONTHS, NATIONALITIES

ENTAILMENT, NEUTRAL, CONTRADICTION = "entailment", "neutral", "contradiction"

_MONTH_RE = MONTH_PATTERN
_NOTE = re.compile(r"\s*\[\d+\]")
_PAREN = re.compile(r"\s*\([^()]{1,80}\)")
_MONTH_DAY = re.compile(rf"\b({_MONTH_RE}) (\d{{1,2}})\b(?!,? \d{{4}})")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}) ({_MONTH_RE})\b")
_NUMBER = re.compile(r"(?<![\w.,:-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w:]|[-.,]\d)")
_KM = re.compile(r"\b(\d+)\s?km\b")

# Rephrasings that keep the meaning (both directions are used).
SYNONYMS: list[tuple[str, ...]] = [
    ("captured", "seized", "took control of"),
    ("capture", "seize", "take control of"),
    ("forces", "troops"),
    ("conducted", "carried out"),
    ("conduct", "carry out"),
    ("struck", "hit"),
    ("likely", "probably"),
    ("announced", "stated", "said"),
    ("claimed", "asserted", "alleged"),
    ("killing", "leaving dead"),
    ("withdrawing", "pulling back", "retreating"),
    ("withdraw", "pull back", "retreat"),
    ("continued", "kept up"),
    ("attacks", "assaults"),
    ("attack", "assault"),
    ("shut down", "switched off"),
    ("Ministry of Defense", "Defense Ministry"),
    ("Russian President Vladimir Putin", "Putin"),
    ("Ukrainian President Volodymyr Zelensky", "Zelensky"),
    ("approximately", "about", "roughly"),
    ("began", "started"),
    ("begin", "start"),
    ("stated", "said"),
    ("reported", "said"),
    ("advanced", "made gains", "gained ground"),
    ("near", "close to", "in the vicinity of"),
    ("destroyed", "wrecked"),
    ("intends to", "plans to"),
    ("failed to", "did not manage to"),
    ("the city", "the town"),
    ("unable to", "not able to"),
    ("significant", "major"),
    ("large-scale", "major"),
    ("officials", "authorities"),
    ("deliver", "send", "supply"),
    ("delivered", "sent", "supplied"),
    ("residents", "locals"),
    ("civilians", "non-combatants"),
    ("the Kremlin", "Moscow"),
    ("occupied", "held"),
    ("additional", "more"),
    ("assessed", "judged", "concluded"),
]
ACTOR_SWAPS = [
    ("Russian", "Ukrainian"),
    ("Russia", "Ukraine"),
    ("Russians", "Ukrainians"),
    ("Moscow", "Kyiv"),
    ("Kremlin", "Ukrainian government"),
    ("Belarusian", "Polish"),
    ("Wagner", "Ukrainian"),
    ("Chechen", "Tajik"),
    ("NATO", "Russian"),
    ("US", "Chinese"),
]
PLACES = [
    "Kharkiv",
    "Kherson",
    "Mariupol",
    "Bakhmut",
    "Severodonetsk",
    "Lysychansk",
    "Izyum",
    "Kyiv",
    "Lviv",
    "Odesa",
    "Mykolaiv",
    "Zaporizhzhia",
    "Donetsk",
    "Luhansk",
    "Melitopol",
    "Sloviansk",
    "Kramatorsk",
    "Avdiivka",
    "Soledar",
    "Vuhledar",
    "Kupiansk",
    "Lyman",
    "Popasna",
    "Chernihiv",
    "Sumy",
    "Dnipro",
    "Crimea",
    "Belgorod",
    "Kursk",
    "Hostomel",
    "Bucha",
    "Irpin",
    "Enerhodar",
    "Berdyansk",
    "Svatove",
    "Kreminna",
    "Siversk",
    "Nova Kakhovka",
    "Vuhlehirsk",
    "Balakliia",
    "Sevastopol",
    "Rubizhne",
]
PEOPLE = [
    "Putin",
    "Shoigu",
    "Gerasimov",
    "Zelensky",
    "Prigozhin",
    "Kadyrov",
    "Lukashenko",
    "Surovikin",
    "Peskov",
    "Medvedev",
    "Lavrov",
    "Reznikov",
    "Zaluzhnyi",
    "Pushilin",
    "Pasechnik",
    "Saldo",
    "Balitsky",
    "Girkin",
    "Lapin",
    "Teplinsky",
    "Dvornikov",
    "Zakharova",
    "Konashenkov",
    "Biden",
    "Scholz",
    "Macron",
    "Erdogan",
]
NUMBER_WORDS = {
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    11: "eleven",
    12: "twelve",
    14: "fourteen",
    15: "fifteen",
    20: "twenty",
    50: "fifty",
    100: "a hundred",
}
_ATTRIBUTION = re.compile(
    r"^(?P<who>(?:[A-Z][\w’'\-]*\s){0,6}?(?:[\w’'\-]+\s){0,3}?"
    r"(?:sources|officials|milbloggers|bloggers|media|outlets|MoD|Ministry|spokesperson|authorities|Telegram channels|"
    r"[A-Z][a-z]+))\s+(?:also\s+|reportedly\s+|generally\s+|additionally\s+)?"
    r"(?P<verb>claimed|alleged|asserted|reported|stated|said|announced|accused|insisted|suggested)\s+(?:that\s+)?"
    r"(?P<what>.{20,})$"
)
_CUT_AT = [
    ", indicating",
    ", likely",
    ", which",
    ", although",
    ", but ",
    "; ",
    ", while ",
    ", as ",
    " in order to ",
    ", and ",
    ", possibly",
    ", suggesting",
    ", despite",
]
_NEGATABLE = [
    (" is ", " is not "),
    (" are ", " are not "),
    (" was ", " was not "),
    (" were ", " were not "),
    (" has ", " has not "),
    (" have ", " have not "),
    (" will ", " will not "),
    (" can ", " cannot "),
    (" had ", " had not "),
]
_UNNEGATE = [
    (" is not ", " is "),
    (" are not ", " are "),
    (" was not ", " was "),
    (" were not ", " were "),
    (" has not ", " has "),
    (" have not ", " have "),
    (" will not ", " will "),
    (" cannot ", " can "),
    (" did not ", " did "),
    (" have yet to ", " have already managed to "),
    (" has yet to ", " has already managed to "),
    (" failed to ", " managed to "),
    (" no ", " some "),
    (" not ", " "),
]
_IRREGULAR = {
    "struck": "strike",
    "took": "take",
    "made": "make",
    "began": "begin",
    "fought": "fight",
    "shot": "shoot",
    "held": "hold",
    "sent": "send",
    "left": "leave",
    "led": "lead",
    "won": "win",
    "lost": "lose",
    "said": "say",
    "met": "meet",
    "brought": "bring",
    "built": "build",
    "hit": "hit",
    "drove": "drive",
    "spent": "spend",
    "gave": "give",
    "told": "tell",
    "broke": "break",
    "fell": "fall",
}


@dataclass(frozen=True)
class Pair:
    """One training example: evidence sentence, claim, label, and which transformation made it."""

    premise: str
    hypothesis: str
    label: str
    kind: str


def _case_like(word: str, template: str) -> str:
    return word[:1].upper() + word[1:] if template[:1].isupper() else word


def _replace_word(text: str, old: str, new: str, rng: random.Random, all_: bool = False) -> str | None:
    """Replace one (random) whole-word occurrence of ``old`` (case-insensitive first letter); None if absent."""
    pattern = re.compile(
        rf"\b{re.escape(old[0])}{re.escape(old[1:])}\b|\b{re.escape(old[0].upper())}"
        rf"{re.escape(old[1:])}\b"
    )
    hits = list(pattern.finditer(text))
    if not hits:
        return None
    if all_:
        return pattern.sub(lambda m: _case_like(new, m.group()), text)
    m = rng.choice(hits)
    return text[: m.start()] + _case_like(new, m.group()) + text[m.end() :]


_COMMON_STARTS = {
    "The",
    "They",
    "These",
    "This",
    "That",
    "It",
    "A",
    "An",
    "In",
    "On",
    "At",
    "Its",
    "Their",
    "Some",
    "Many",
    "Most",
    "All",
    "Several",
    "Newly",
    "Continuing",
    "Efforts",
    "Elements",
    "Both",
    "Such",
}
# add_context puts a frame before the sentence more often than the older rewrites: it lowercases a few more words.
_CONTEXT_STARTS = _COMMON_STARTS | {"Those", "There", "Other", "Each", "No"}


def lower_first(s: str, common: frozenset[str] | set[str] = _COMMON_STARTS) -> str:
    """Lowercase the first word only when it is a common word, so names keep their capital."""
    first = s.split(" ", 1)[0]
    return s[0].lower() + s[1:] if first in common else s


def clean(sentence: str) -> str:
    """Drop note markers such as ``[3]`` and normalise spaces: claims never carry them."""
    return re.sub(r"\s+", " ", _NOTE.sub("", sentence)).strip()


# ---------------------------------------------------------------- meaning-preserving rephrasings


def cut_clause(s: str, rng: random.Random) -> str | None:
    """Keep the main clause: a report's trailing ", indicating that..." is not needed for the claim to hold."""
    cuts = [s.find(c) for c in _CUT_AT if s.find(c) >= 25]
    if not cuts:
        return None
    return s[: rng.choice(cuts)].rstrip(" ,;") + "."


def drop_parentheses(s: str, rng: random.Random) -> str | None:
    out = _PAREN.sub("", s)
    return out if out != s else None


def swap_synonyms(s: str, rng: random.Random) -> str | None:
    groups = [g for g in SYNONYMS if any(re.search(rf"\b{re.escape(w)}\b", s, re.I) for w in g)]
    if not groups:
        return None
    out = s
    for group in rng.sample(groups, k=min(len(groups), rng.randint(1, 3))):
        present = [w for w in group if re.search(rf"\b{re.escape(w)}\b", out, re.I)]
        if not present:
            continue
        old = present[0]
        new = rng.choice([w for w in group if w != old])
        out = _replace_word(out, old, new, rng, all_=True) or out
    return out if out != s else None


def reformat_date(s: str, rng: random.Random, year: int | None = None) -> str | None:
    """'on March 9' <-> 'on 9 March', optionally with the report's year: the same date written another way."""
    m = _MONTH_DAY.search(s)
    if m:
        month, day = m.group(1), m.group(2)
        forms = [f"{day} {month}", f"{month} {day}, {year}" if year else f"{month} {day}"]
        if year:
            forms.append(f"{day} {month} {year}")
        return s[: m.start()] + rng.choice(forms) + s[m.end() :]
    m = _DAY_MONTH.search(s)
    if m:
        return s[: m.start()] + f"{m.group(2)} {m.group(1)}" + s[m.end() :]
    return None


def front_date(s: str, rng: random.Random) -> str | None:
    """Move a trailing 'on March 9' to the front: word order changes, the fact does not."""
    m = re.search(rf"\s(on|in) ((?:{_MONTH_RE}) \d{{1,2}}(?:, \d{{4}})?|\d{{1,2}} (?:{_MONTH_RE}))(?=[.,;])", s)
    if not m or m.start() < 20:
        return None
    rest = (s[: m.start()] + s[m.end() :]).strip()
    return f"{m.group(1).capitalize()} {m.group(2)}, {lower_first(rest)}"


def reformat_number(s: str, rng: random.Random) -> str | None:
    m = _KM.search(s)
    if m:
        return s[: m.start()] + rng.choice([f"{m.group(1)} kilometers", f"about {m.group(1)} km"]) + s[m.end() :]
    for m in _NUMBER.finditer(s):
        raw = m.group(1).replace(",", "")
        if "." in raw:
            continue
        n = int(raw)
        if n in NUMBER_WORDS and not (1900 < n < 2100):
            return s[: m.start()] + NUMBER_WORDS[n] + s[m.end() :]
        if "," in m.group(1):
            return s[: m.start()] + raw + s[m.end() :]
        if n >= 1000 and not (1900 < n < 2100):
            return s[: m.start()] + f"{n:,}" + s[m.end() :]
    return None


def attribute_to_isw(s: str, rng: random.Random) -> str | None:
    """A report sentence in ISW's own voice supports 'ISW assessed that ...'."""
    if _ATTRIBUTION.match(s) or s.startswith(("ISW", "We ")):
        return None
    verb = rng.choice(
        [
            "ISW assessed that",
            "ISW said that",
            "According to ISW,",
            "ISW reported that",
            "The Institute for the Study of War assessed that",
        ]
    )
    return f"{verb} {lower_first(s)}"


def add_year_context(s: str, rng: random.Random, year: int | None, month: int | None) -> str | None:
    """Claims name the month and year a report leaves implicit ('in April 2022'): true, given the report's date."""
    if not year or not month or re.search(r"\b(19|20)\d\d\b", s) or _MONTH_DAY.search(s) or _DAY_MONTH.search(s):
        return None
    phrase = rng.choice([f"in {MONTHS[month - 1]} {year}", f"in {year}"])
    body = s.rstrip(".")
    return f"{body} {phrase}." if rng.random() < 0.6 else f"In {MONTHS[month - 1]} {year}, {lower_first(body)}."


def _when(rng: random.Random, year: int, month: int, day: int | None, exact_ok: bool) -> str:
    """A time phrase true of a report dated year-month(-day): 'April 2022', 'late April 2022', or '2022'.

    'early' / 'mid' / 'late' only where the report's day is well inside that third of the month, since the events a
    daily report describes happened a day or two before it."""
    name = f"{MONTHS[month - 1]} {year}"
    forms = [name, name, str(year)]
    if exact_ok and day:
        part = "early" if day <= 8 else "mid" if 13 <= day <= 18 else "late" if day >= 23 else None
        if part:
            forms += [f"{part}-{name}" if part == "mid" else f"{part} {name}"] * 2
    return rng.choice(forms)


def add_context(s: str, rng: random.Random, year: int | None, month: int | None, day: int | None = None) -> str | None:
    """Say when, and who said it, as real claims do ('Ukraine's General Staff said in late March 2022 that ...').

    Why: hand-written claims add the month and year (and often 'ISW said') that a report sentence leaves implicit;
    the shipped network read such harmless context as a clash (2026-12-02; docs/MODEL_CARD.md, *Limitations*).
    Attributed sentences get the time on the verb ('X said in June 2022 that ...'), ISW's own sentences are
    attributed to ISW with a time, and the rest get a time phrase, as in ``add_year_context``."""
    if not year or not month:
        return None
    dated = bool(re.search(r"\b(19|20)\d\d\b", s) or _MONTH_DAY.search(s) or _DAY_MONTH.search(s))
    when = _when(rng, year, month, day, exact_ok=not dated)
    m = _ATTRIBUTION.match(s)
    if m and not m.group("who").startswith(("ISW", "We")):
        return f"{m.group('who')} {m.group('verb')} in {when} that {m.group('what')}"
    if not s.startswith(("ISW", "We ", "The Institute")) and rng.random() < 0.6:
        body = lower_first(s.rstrip("."), _CONTEXT_STARTS)
        form = rng.randrange(3)
        if form == 0:
            return f"ISW said in {when} that {body}."
        if form == 1:
            return f"According to a {MONTHS[month - 1]} {year} ISW assessment, {body}."
        return f"{s.rstrip('.')}, ISW said in {when}."
    if dated:
        return None
    body = s.rstrip(".")
    return f"{body} in {when}." if rng.random() < 0.6 else f"In {when}, {lower_first(body, _CONTEXT_STARTS)}."


PARAPHRASES: list[Callable[[str, random.Random], str | None]] = [
    cut_clause,
    drop_parentheses,
    swap_synonyms,
    reformat_number,
    front_date,
]


def paraphrase(
    s: str,
    rng: random.Random,
    year: int | None = None,
    month: int | None = None,
    min_ops: int = 1,
    day: int | None = None,
    context_share: float = 0.0,
) -> tuple[str, list[str]] | None:
    """Apply 1-4 meaning-preserving rewrites; None when fewer than ``min_ops`` apply.

    With ``context_share`` > 0, that share of the rewrites ends with added context (``add_context``: who said it and
    when), the commonest difference between a real claim and its source sentence; it goes last so no later rewrite
    edits its frame. At 0 the rewrites (and the random draws) are those of the shipped model's recipe."""
    out, used = s, []
    ops: list[tuple[str, Callable[[str], str | None]]] = [(f.__name__, lambda t, f=f: f(t, rng)) for f in PARAPHRASES]
    ops.append(("reformat_date", lambda t: reformat_date(t, rng, year)))
    year_context = ("add_year_context", lambda t: add_year_context(t, rng, year, month))
    isw = ("attribute_to_isw", lambda t: attribute_to_isw(t, rng))
    with_context = context_share > 0 and rng.random() < context_share
    # The two orders keep each recipe's pairs reproducible: the shipped model's (share 0) and the context run of
    # 2026-12-02 (docs/history.md, *The context rewrite*).
    if context_share == 0:
        ops += [year_context, isw]
    else:
        ops += [isw] if with_context else [isw, year_context]
    rng.shuffle(ops)
    budget = rng.randint(1, 4) - with_context
    for name, op in ops:
        if len(used) >= budget:
            break
        if name == "attribute_to_isw" and rng.random() < 0.5:
            continue
        new = op(out)
        if new and new != out:
            out, used = new, [*used, name]
    if with_context and not any(n == "attribute_to_isw" for n in used):
        new = add_context(out, rng, year, month, day)
        if new and new != out:
            out, used = new, [*used, "add_context"]
    if len(used) < min_ops:
        return None
    return out, used


# ---------------------------------------------------------------- one-fact changes (contradictions)


def negate(s: str, rng: random.Random) -> str | None:
    """Insert or remove a negation (is -> is not, failed to -> managed to, captured -> did not capture)."""
    for old, new in rng.sample(_UNNEGATE, k=len(_UNNEGATE)):
        if old in s and old != " no " and old != " not ":
            return s.replace(old, new, 1)
    options = [(o, n) for o, n in _NEGATABLE if o in s]
    if options:
        old, new = rng.choice(options)
        return s.replace(old, new, 1)
    m = re.search(
        r"\b(forces|troops|officials|Russia|Ukraine|authorities|[A-Z][a-z]+) ([a-z]+ed|"
        + "|".join(_IRREGULAR)
        + r")\b",
        s,
    )
    if m:
        verb = m.group(2)
        base = _IRREGULAR.get(verb) or _base_form(verb)
        return s[: m.start(2)] + f"did not {base}" + s[m.end(2) :]
    return None


_PAST_IRREGULAR = {v: k for k, v in _IRREGULAR.items()}
_NEGATED_VERB = re.compile(
    r"\b(?:failed to|(?:were|was|are|is)\s+(?:[a-z]+ly\s+)?unable to|have yet to|has yet to|"
    r"did not|have not|has not|had not|could not|cannot|will not)\s+(?:yet\s+)?"
    r"(?:immediately\s+|fully\s+|successfully\s+)?([a-z]+)\b"
)


def _past(base: str) -> str:
    if base in _PAST_IRREGULAR:
        return _PAST_IRREGULAR[base]
    if base.endswith("e"):
        return base + "d"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ied"
    return base + "ed"


def assert_negated(s: str, rng: random.Random) -> str | None:
    """'failed to capture X' / 'have yet to establish' / 'did not conduct' -> the positive, in the past tense.

    Real refuted claims state as done what the report says was not done, in other words than the report's.
    """
    m = _NEGATED_VERB.search(s)
    if not m:
        return None
    verb = m.group(1)
    base = _base_form(verb) if verb.endswith("ed") else verb
    if base in {"be", "been", "have", "yet"}:
        return None
    return s[: m.start()] + _past(base) + s[m.end(1) :]


def swap_nationality(s: str, rng: random.Random) -> str | None:
    present = [n for n in NATIONALITIES if re.search(rf"\b{n}\b", s)]
    if not present:
        return None
    old = rng.choice(present)
    return s.replace(old, rng.choice([n for n in NATIONALITIES if n != old]))


def _base_form(verb: str) -> str:
    if verb.endswith("ied"):
        return verb[:-3] + "y"
    if len(verb) > 4 and verb[-3] == verb[-4] and verb[-3] not in "aeiouls":
        return verb[:-3]  # stopped -> stop
    if verb.endswith(("ized", "ised", "aged", "uced", "ated", "ured", "ived", "osed", "ased", "ored", "uded")):
        return verb[:-1]
    return verb[:-2]


def swap_actor(s: str, rng: random.Random) -> str | None:
    pairs = [(a, b) for a, b in ACTOR_SWAPS if re.search(rf"\b{a}\b", s)] + [
        (b, a) for a, b in ACTOR_SWAPS if re.search(rf"\b{b}\b", s)
    ]
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    return _replace_word(s, a, b, rng)


def change_number(s: str, rng: random.Random) -> str | None:
    hits = [m for m in _NUMBER.finditer(s) if not (1900 < float(m.group(1).replace(",", "")) < 2100)]
    words = [m for m in re.finditer(r"\b(" + "|".join(v for v in NUMBER_WORDS.values() if " " not in v) + r")\b", s)]
    if hits:
        m = rng.choice(hits)
        n = float(m.group(1).replace(",", ""))
        factor = rng.choice([0.1, 0.25, 0.5, 2, 3, 5, 10]) if n > 3 else rng.choice([3, 5, 10])
        new = max(1, round(n * factor))
        if new == n:
            new = int(n) + rng.randint(2, 9)
        text = f"{int(new):,}" if "," in m.group(1) else str(int(new))
        return s[: m.start()] + text + s[m.end() :]
    if words:
        m = rng.choice(words)
        choices = [w for w in NUMBER_WORDS.values() if " " not in w and w != m.group(1)]
        return s[: m.start()] + rng.choice(choices) + s[m.end() :]
    for old, new in [
        ("at least", "at most"),
        ("more than", "fewer than"),
        ("over", "under"),
        ("dozens", "a few"),
        ("hundreds", "a handful"),
        ("thousands", "dozens"),
    ]:
        if re.search(rf"\b{old}\b", s):
            return _replace_word(s, old, new, rng)
    return None


def change_date(s: str, rng: random.Random) -> str | None:
    m = _MONTH_DAY.search(s) or _DAY_MONTH.search(s)
    if not m:
        return None
    text = m.group()
    day_m = re.search(r"\d{1,2}", text)
    assert day_m
    if rng.random() < 0.5:
        day = int(day_m.group())
        new_day = str(((day + rng.randint(3, 20) - 1) % 28) + 1)
        new = text[: day_m.start()] + new_day + text[day_m.end() :]
    else:
        month = next(mo for mo in MONTHS if mo in text)
        new = text.replace(month, rng.choice([mo for mo in MONTHS if mo != month]))
    return s[: m.start()] + new + s[m.end() :]


def swap_place(s: str, rng: random.Random) -> str | None:
    present = [p for p in PLACES if re.search(rf"\b{p}\b", s)]
    if not present:
        return None
    old = rng.choice(present)
    return _replace_word(s, old, rng.choice([p for p in PLACES if p != old and p not in s]), rng)


def swap_person(s: str, rng: random.Random) -> str | None:
    present = [p for p in PEOPLE if re.search(rf"\b{p}\b", s)]
    if not present:
        return None
    old = rng.choice(present)
    return s.replace(old, rng.choice([p for p in PEOPLE if p != old and p not in s]))


def use_antonym(s: str, rng: random.Random) -> str | None:
    pairs = [(a, b) for a, b in ANTONYMS if re.search(rf"\b{a}\b", s, re.I)] + [
        (b, a) for a, b in ANTONYMS if re.search(rf"\b{b}\b", s, re.I)
    ]
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    return _replace_word(s, a, b, rng)


CONTRADICTIONS: list[Callable[[str, random.Random], str | None]] = [
    assert_negated,
    swap_nationality,
    negate,
    swap_actor,
    change_number,
    change_date,
    swap_place,
    swap_person,
    use_antonym,
]


# ---------------------------------------------------------------- unsupported claims (neutral)


def strip_attribution(s: str, rng: random.Random) -> str | None:
    """'Russian sources claimed that X' does not make X true: X alone is neutral against it."""
    m = _ATTRIBUTION.match(s)
    if not m or m.group("who").startswith(("ISW", "We")):
        return None
    what = m.group("what").strip()
    return what[0].upper() + what[1:]


def overstate(s: str, rng: random.Random) -> str | None:
    """A hedge made certain ('likely' -> 'confirmed') claims more than the evidence says."""
    for old, new in [
        ("likely ", ""),
        ("probably ", ""),
        ("may have ", "have "),
        ("reportedly ", ""),
        ("possibly ", ""),
        ("ISW assesses that ", "ISW confirmed that "),
    ]:
        if old in s:
            out = s.replace(old, new, 1)
            return out[0].upper() + out[1:]
    return None


# ---------------------------------------------------------------- the generator


@dataclass
class Source:
    """A report reduced to what the generator needs: its sentences and its date."""

    sentences: list[str]
    year: int | None
    month: int | None
    day: int | None = None


def _usable(s: str) -> bool:
    words = s.split()
    return 8 <= len(words) <= 60 and s[0].isupper() and s.endswith((".", "”", '"')) and ":" not in s[:30]


def _overlap(a: str, b: str) -> float:
    ta, tb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(ta & tb) / max(1, min(len(ta), len(tb)))


def generate(
    sources: Iterable[Source], seed: int = 13, per_sentence: float = 1.0, context_share: float = 0.0
) -> Iterator[Pair]:
    """Yield balanced entailment / contradiction / neutral pairs from each usable sentence.

    ``per_sentence`` (0-1] samples sentences, so a big library gives a bounded set.
    """
    rng = random.Random(seed)
    src_list = list(sources)
    pool = [clean(s) for src in src_list for s in src.sentences if _usable(clean(s))]
    for src in src_list:
        sents = [clean(s) for s in src.sentences]
        for i, sent in enumerate(sents):
            if not _usable(sent) or rng.random() > per_sentence:
                continue
            yield from _pairs_for(sent, i, sents, src, pool, rng, context_share)


def _pairs_for(
    sent: str, i: int, sents: list[str], src: Source, pool: list[str], rng: random.Random, context_share: float = 0.0
) -> Iterator[Pair]:
    para = paraphrase(sent, rng, src.year, src.month, day=src.day, context_share=context_share)
    claim = para[0] if para else sent
    kinds = "+".join(para[1]) if para else "verbatim"
    premise = sent
    if rng.random() < 0.15 and i + 1 < len(sents) and _usable(sents[i + 1]):
        premise = f"{sent} {sents[i + 1]}"  # multi-sentence evidence still entails one of its sentences
    yield Pair(premise, claim, ENTAILMENT, f"para:{kinds}")

    ops = rng.sample(CONTRADICTIONS, k=len(CONTRADICTIONS))
    if rng.random() < 0.7:
        ops.insert(0, assert_negated)
    for op in ops:
        changed = op(claim, rng)
        if changed and changed != claim:
            yield Pair(premise, changed, CONTRADICTION, f"contra:{op.__name__}")
            break

    roll = rng.random()
    neutral = None
    if roll < 0.35:
        neutral = strip_attribution(claim, rng) or overstate(claim, rng)
        kind = "neutral:attribution"
    if neutral is None and roll < 0.6:
        # A same-topic sentence from elsewhere in the report: related words, different fact.
        candidates = [s for j, s in enumerate(sents) if j != i and _usable(s) and 0.2 < _overlap(s, sent) < 0.6]
        if candidates:
            other = rng.choice(candidates)
            neutral = (
                paraphrase(other, rng, src.year, src.month, day=src.day, context_share=context_share) or (other, [])
            )[0]
            kind = "neutral:same_report"
    if neutral is None and roll < 0.8 and pool:
        extra = rng.choice(pool).rstrip(".")
        neutral = f"{claim.rstrip('.')}, and {lower_first(extra)}."
        kind = "neutral:extra_clause"
    if neutral is None and pool:
        neutral = rng.choice(pool)
        kind = "neutral:other_report"
    if neutral:
        yield Pair(premise, neutral, NEUTRAL, kind)
