"""Explicit mismatch signals between an evidence sentence and a claim: negation, numbers, dates, antonyms, actors.

Why: the cross-encoder misses exactly the facts that make a paraphrased claim false ("drove back about 100 km" against
"up to 40 km", "had captured" against "have not captured"), and calls many true paraphrases contradictions. These
signals are cheap, transparent and model-free; the combiner (``combiner.py``) weighs them together with the
cross-encoder's probabilities and the embedding similarity. Every signal is a number in [0, 1] (or a small count)
computed from the two texts alone, so it is the same at training and at answer time.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot.nli.pairing import swapped_pairing
from bot.nli.redating import redatings
from bot.nli.substitution import substitutions
from bot.text.claim_dates import DAY_OR_MONTH, YEAR, mentioned_dates
from bot.text.lexicon import ANTONYMS, COMPASS, MONTH_NUMBER, NATIONALITIES, POLARITY_FAMILIES, WORD_NUMBERS

# "no." is the abbreviation of number ("reactor no. 6"), not a negation.
_NEGATION = re.compile(
    r"\b(?:not|no(?!\.)|never|none|nothing|neither|nor|without|cannot|can't|won't|didn't|doesn't|don't|isn't|aren't|"
    r"wasn't|weren't|hasn't|haven't|hadn't|failed|fails|fail|unable|yet to|denied|denies|deny|refused|refuses|"
    r"unconfirmed|unlikely|rather than|instead of|falsely|false|mistakenly|erroneously|incorrectly|wrongly|lack|lacks|"
    r"lacked|absence)\b",
    re.I,
)
_NOTE_MARK = re.compile(r"\[\d+\]")  # ISW's endnote markers, kept in report text
# An ordinal ("the 300th day", "the 2nd Army Corps") names a position, not a quantity.
_NUM = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?!\d|st\b|nd\b|rd\b|th\b)"
    r"(?:\s*(million|thousand|billion|hundred))?",
    re.I,
)
_WORD_NUM = re.compile(r"\b(" + "|".join(WORD_NUMBERS) + r")\b", re.I)
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_DEMONYMS = {d.lower() for d in NATIONALITIES} | {
    "russian",
    "ukrainian",
    "american",
    "german",
    "british",
    "french",
    "belarusian",
    "iranian",
    "chechen",
    "polish",
    "turkish",
}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Where a negation's scope ends: clause punctuation, a sentence end or a contrastive conjunction.
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_CLAUSE_END = re.compile(
    rf"[,;:()\[\]—–]|{_SENTENCE_END.pattern}|\b(?:but|while|although|though|whereas|however)\b", re.I
)
# A rejected claim: "contradicting Russian claims that", "denied reports that". A negation inside what follows is the
# rejected claim's, not the source's: "contradicting claims that the explosions did not damage any aircraft" says they
# did.
_REJECTION = re.compile(
    r"\b(?:contradict\w*|refut\w*|den(?:y|ies|ied|ying)|dismiss\w*|reject\w*|debunk\w*|disprov\w*)\s+"
    r"(?:[\w'’-]+\s+){0,4}?(?:claims?|reports?|statements?|assertions?|allegations?|narratives?)\s+that\b",
    re.I,
)
# Long function words that say nothing of what a clause is about.
_FUNCTION_WORDS = {
    "that",
    "this",
    "these",
    "those",
    "with",
    "from",
    "have",
    "been",
    "were",
    "would",
    "will",
    "their",
    "they",
    "them",
    "which",
    "also",
    "into",
    "than",
    "there",
    "what",
    "when",
    "where",
    "about",
    "such",
    "other",
    "only",
    "very",
    "more",
    "most",
    "some",
    "could",
    "should",
    "being",
    "does",
    "just",
}

# What a negation negates, for the scope checks: the first content words after it in its clause. "administrations
# lack coherent plans and financial backing ..." negates the plans, not the "work" mentioned ten words later.
_WINDOW = 6

FEATURES = (
    "neg_evidence_only",
    "neg_claim_only",
    "num_mismatch",
    "num_unsupported",
    "num_match",
    "date_mismatch",
    "antonym",
    "compass_mismatch",
    "demonym_mismatch",
    "names_missing",
)

# What a reader is told when a signal fires on a cited sentence (the counts and shares are not shown).
DESCRIPTIONS = {
    "neg_evidence_only": "the source negates what the claim asserts",
    "neg_claim_only": "the claim negates what the source asserts",
    "num_mismatch": "a number differs",
    "num_unsupported": "the claim's number is not in the source",
    "date_mismatch": "a date differs",
    "antonym": "opposite wording (such as confirmed / denied)",
    "compass_mismatch": "a direction differs",
    "demonym_mismatch": "a nationality differs",
}


def _antonym_map() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a, b in ANTONYMS:
        if " " in a or " " in b:
            continue
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    for a, b in (("north", "south"), ("east", "west")):  # compass terms have their own signal
        out.pop(a, None), out.pop(b, None)
    return out


_ANTONYM = _antonym_map()


def _opposite_families(
    claim: AbstractSet[str], evidence: AbstractSet[str], a: frozenset[str], b: frozenset[str]
) -> bool:
    """The claim speaks only in family ``a`` where the sentence speaks only in family ``b``."""
    return bool(claim & a) and not claim & b and bool(evidence & b) and not evidence & a


def _stem_list(text: str) -> list[str]:
    """Five-letter prefixes of the content words, in order; two match when one begins the other ('gain' / 'gained')."""
    return [w.lower()[:5] for w in _WORD.findall(text) if len(w) > 3 and w.lower() not in _FUNCTION_WORDS]


def _stems(text: str) -> set[str]:
    """The set of ``_stem_list``."""
    return set(_stem_list(text))


def _shared(stems: AbstractSet[str], wanted: AbstractSet[str]) -> int:
    """How many of ``stems`` meet a stem of ``wanted`` (one beginning the other)."""
    return sum(1 for a in stems if any(a.startswith(b) or b.startswith(a) for b in wanted))


def _rejected_spans(text: str) -> list[tuple[int, int, int]]:
    """(frame start, claim start, claim end) of each rejected claim: the claim runs from the frame's "that" to the end
    of its sentence."""
    out = []
    for m in _REJECTION.finditer(text):
        end = _SENTENCE_END.search(text, m.end())
        out.append((m.start(), m.end(), end.start() if end else len(text)))
    return out


@dataclass(frozen=True)
class _Cue:
    """One negation cue: where it is, what it negates (the first content words after it, in its clause), whether it
    bears on the other text (``counted``) and whether it sits inside a claim the text rejects (``framed``)."""

    start: int
    window: frozenset[str]
    counted: bool
    framed: bool


def _cues(text: str, about: str | None = None) -> list[_Cue]:
    """Every negation cue of ``text`` (see ``negation_cues`` for which count)."""
    found = list(_NEGATION.finditer(text))
    if not found:
        return []
    bounds = [0] + [m.end() for m in _CLAUSE_END.finditer(text)] + [len(text)]
    clauses = list(itertools.pairwise(bounds))
    wanted = _stems(about) if about is not None else set()
    shared = [_shared(_stems(text[a:b]), wanted) for a, b in clauses]
    most = max(shared, default=0)
    scoped = []  # (start, window, counted)
    for m in found:
        k = min(bisect.bisect_right(bounds, m.start()) - 1, len(clauses) - 1)
        rest = _stem_list(text[m.end() : clauses[k][1]])
        window = frozenset(rest[:_WINDOW])
        scoped.append(
            (m.start(), window, about is None or not rest or (_shared(window, wanted) > 0 and 2 * shared[k] >= most))
        )
    counted = [start for start, _, ok in scoped if ok]
    framed: set[int] = set()
    for frame, start, end in _rejected_spans(text):
        inside = {c for c in counted if start <= c < end}
        if inside:  # a rejected negation; a rejecting cue over it ("denied claims that ... not") goes with it
            framed |= inside | {c for c in counted if frame <= c < start}
    return [_Cue(start, window, ok, start in framed) for start, window, ok in scoped]


def negation_cues(text: str, about: str | None = None) -> tuple[int, int]:
    """(cues the text asserts, cues inside a claim it rejects); with ``about``, only cues that bear on ``about``.

    Why: ISW sentences often carry a negation that has nothing to do with the claim ("We have no independent
    confirmation of these assessments, but Shoigu's statement that Russia would not deploy conscripts ..."; or, in a
    two-sentence candidate, "... said none of the individuals ... were Russian citizens. ISW believes Islamic State is
    most likely responsible ..."). Counted over the whole text, such a "no" made a faithful quote read as "the source
    negates the claim". A cue counts when what it negates (the first ``_WINDOW`` content words after it, within its
    clause: up to punctuation, a sentence end or a contrastive conjunction) holds a content word of ``about`` *and*
    its clause is about what ``about`` says (shares at least half as many of its content words as the clause that
    shares most); or when the rest of its clause holds no content word at all (a clause-final "..., which officials
    denied."), as the unscoped count did.
    A cue inside a rejected claim ("contradicting Russian claims that the explosions did not damage any aircraft"),
    and the rejecting word itself where it is a cue ("denied"), are counted apart: the source asserts the opposite
    of the rejected negation, or reports that someone made it; which of the two matters depends on the claim.
    """
    cues = [c for c in _cues(text, about) if c.counted]
    framed = sum(c.framed for c in cues)
    return len(cues) - framed, framed


def negations(text: str, about: str | None = None) -> int:
    """Negation cues in ``text`` that it asserts (see ``negation_cues``)."""
    return negation_cues(text, about)[0]


def _negation_signal(evidence: str, claim: str) -> tuple[float, float]:
    """(the source negates what the claim asserts, the claim negates what the source asserts).

    A cue inside a claim the source rejects can balance a negation of the claim (the claim "Russia said the blasts did
    not damage aircraft" against "contradicting Russian claims that the explosions did not damage any aircraft": the
    source reports that negation) but never makes the source read as negating the claim (the flat claim "the attack
    destroyed eight aircraft" against the same sentence: the source affirms it). Two negations of the same thing, one
    on each side, cancel first (``_matched``).
    """
    ev, cl = _cues(evidence, about=claim), _cues(claim, about=evidence)
    ev_matched, cl_matched = _matched(ev, cl)
    ne = sum(c.counted and not c.framed and c.start not in ev_matched for c in ev)
    nc = sum(c.counted and not c.framed and c.start not in cl_matched for c in cl)
    ne_framed, nc_framed = sum(c.counted and c.framed for c in ev), sum(c.counted and c.framed for c in cl)
    ne += min(ne_framed, max(0, nc - ne))
    nc += min(nc_framed, max(0, ne - nc))
    return float(ne > nc), float(nc > ne)


def _same_content(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two negations' windows name the same thing: two shared content words, or the whole of a one-word window.

    One shared word is not enough: "captured the town but did not capture the bridge" and "did not capture the town"
    share only the verb, and the claim's negation must still stand against the source.
    """
    return bool(a and b) and _shared(a, b) >= min(2, len(a), len(b))


def _matched(ev: list[_Cue], cl: list[_Cue]) -> tuple[set[int], set[int]]:
    """Positions of the evidence's and the claim's cues that cancel out: a negation on each side, of the same thing,
    says the same.

    Why: "continued assembling in Berdyansk but did not make any major assaults" and "did not launch any major
    assault" both negate the assault, yet only the claim's cue was counted (the source's clause, cut at "but", had
    lost its subject), so a faithful paraphrase read as "the claim negates what the source asserts". A counted cue
    pairs with a cue on the other side, counted or not, that negates the same content (``_same_content``); each cue
    pairs once, and cues inside a rejected claim are left to the framing rule.
    """
    matched: tuple[set[int], set[int]] = (set(), set())  # evidence, claim
    for own, side, far, other in ((1, cl, 0, ev), (0, ev, 1, cl)):
        for c in side:
            if not c.counted or c.framed or c.start in matched[own]:
                continue
            match = next(
                (
                    o
                    for o in other
                    if o.start not in matched[far] and not o.framed and _same_content(c.window, o.window)
                ),
                None,
            )
            if match is not None:
                matched[own].add(c.start)
                matched[far].add(match.start)
    return matched


def _strip_dates(text: str) -> str:
    """Remove dates, years and endnote markers, so 'June 12', '2022' or '[3]' are not counted as quantities."""
    return YEAR.sub(" ", DAY_OR_MONTH.sub(" ", _NOTE_MARK.sub(" ", text)))


def numbers(text: str) -> list[float]:
    """Quantities in ``text`` (digits, 'about a dozen', '1.25 million'), dates and years excluded."""
    body = _strip_dates(text)
    out = []
    for m in _NUM.finditer(body):
        value = float(m.group(1).replace(",", ""))
        if m.group(2):
            value *= _SCALE[m.group(2).lower()]
        out.append(value)
    for m in _WORD_NUM.finditer(body):
        out.append(float(WORD_NUMBERS[m.group(1).lower()]))
    return out


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.02 * max(abs(a), abs(b), 1.0)


def _words(text: str) -> set[str]:
    return {w.lower().strip("'’") for w in _WORD.findall(text)}


def _names(claim: str) -> set[str]:
    """Capitalised words other than the first (names of people, places, units), months and 'ISW' aside."""
    tokens = _WORD.findall(claim)[1:]
    return {t.lower() for t in tokens if t[0].isupper() and len(t) > 2} - set(MONTH_NUMBER) - {"isw"}


@dataclass(frozen=True)
class Signals:
    """The mismatch signals of one (evidence, claim) pair, in ``FEATURES`` order."""

    values: tuple[float, ...]

    def as_dict(self) -> dict[str, float]:
        return dict(zip(FEATURES, self.values))


@lru_cache(maxsize=4096)
def signals(evidence: str, claim: str) -> Signals:
    """Compute every signal in ``FEATURES`` for one pair (cached: the combiner, the verdict's features and the
    citations' mismatch notes all read the same pairs of one check)."""
    neg_evidence_only, neg_claim_only = _negation_signal(evidence, claim)
    ev_nums, cl_nums = numbers(evidence), numbers(claim)
    unmatched = [n for n in cl_nums if not any(_close(n, e) for e in ev_nums)]
    num_mismatch = float(bool(unmatched) and bool(ev_nums))
    num_unsupported = float(bool(unmatched) and not ev_nums)
    num_match = float(bool(cl_nums) and not unmatched)

    ev_days, ev_months = mentioned_dates(evidence)
    cl_days, cl_months = mentioned_dates(claim)
    ev_all_months = ev_months | {m for m, _ in ev_days}
    cl_all_months = cl_months | {m for m, _ in cl_days}
    day_clash = bool(cl_days and ev_days and not (cl_days & ev_days))
    month_clash = bool(cl_all_months and ev_all_months and not (cl_all_months & ev_all_months))
    date_mismatch = float(day_clash or month_clash)

    ew, cw = _words(evidence), _words(claim)
    antonym = float(
        any(w not in ew and (_ANTONYM.get(w, set()) - cw) & ew for w in cw)
        or any(("un" + w) in ew and ("un" + w) not in cw for w in cw)
        or any(w.startswith("un") and w[2:] in ew and w[2:] not in cw for w in cw if len(w) > 4)
        or any(_opposite_families(cw, ew, a, b) or _opposite_families(cw, ew, b, a) for a, b in POLARITY_FAMILIES)
    )
    cl_compass, ev_compass = cw & COMPASS, ew & COMPASS
    compass_mismatch = float(bool(cl_compass and ev_compass and not (cl_compass & ev_compass)))
    cl_dem, ev_dem = cw & _DEMONYMS, ew & _DEMONYMS
    demonym_mismatch = float(bool(cl_dem - ev_dem) and bool(ev_dem - cl_dem))
    names = _names(claim)
    names_missing = sum(1 for n in names if n not in ew) / len(names) if names else 0.0
    return Signals(
        (
            neg_evidence_only,
            neg_claim_only,
            num_mismatch,
            num_unsupported,
            num_match,
            date_mismatch,
            antonym,
            compass_mismatch,
            demonym_mismatch,
            names_missing,
        )
    )


def mismatches(evidence: str, claim: str, written: str | None = None) -> list[str]:
    """Plain-language differences between a cited sentence and the claim, for the reader (``DESCRIPTIONS``);
    ``written``, the report's ISO date, dates what the sentence names without a year (``bot/nli/redating.py``)."""
    values = signals(evidence, claim).as_dict()
    swap = swapped_pairing(evidence, claim)
    named = [s.describe() for s in substitutions(evidence, claim)]
    if written:
        named += [r.describe() for r in redatings(evidence, claim, date.fromisoformat(written))]
    return [text for name, text in DESCRIPTIONS.items() if values[name] >= 1.0] + ([swap] if swap else []) + named
