"""Step one: a request understood. Claim or question, the date filters the claim's own dates imply, the query.

Why: reports are dated and facts change. "As of D" keeps evidence dated on or before D; a claim about a period can
only be attested by reports written from its start on (a report cannot describe what happened after it was written);
and reports written during the period rank a little higher.

A question is also reworded as the report sentences that answer it are written (``rewrites``): reports state facts
("Army General Sergey Surovikin, the new commander of the Russian operation in Ukraine"), they do not ask "Who
commanded Russian forces in October 2022?", and the question's wording alone, dense or keywords, misses them. A
dated claim is searched without its dates too (``undated``), so a report that dates its event otherwise can be read.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.labels import Kind
from bot.request import CheckRequest
from bot.text.claim_dates import GRACE, parse_claim_dates, to_int, without_dates
from bot.trace import Plan, Query

_QUESTION = re.compile(
    r"^\s*(who|what|when|where|why|how|which|whose|whom|did|does|do|is|are|was|were|has|have|"
    r"had|can|could|will|would|should)\b",
    re.I,
)


def undated(claim: str, window: tuple[date, date] | None) -> tuple[str, ...]:
    """A dated claim without its dates, searched beside it: the date's words ("June 2022") rank the reports that name
    that month, and a claim that moves an event to another month then never meets the report that dates it."""
    if window is None:
        return ()
    bare = without_dates(claim).strip(" ,;:")
    return (bare,) if bare and bare != claim else ()


def kind_of(claim: str) -> Kind:
    return Kind.QUESTION if claim.endswith("?") or _QUESTION.match(claim) else Kind.CLAIM


def plan(
    req: CheckRequest, top_k: int = 8, max_per_report: int = 2, candidates: int = 40, period_is_filter: bool = True
) -> Plan:
    """The plan for ``req``; ``top_k`` applies when the request names none.

    ``period_is_filter``: whether the period a claim names keeps out reports written before it. The hand-set rules
    need that (they cannot tell an earlier report contradicting the claim's date from one about another event); the
    learned decision reads such reports as able to contradict, never to support (``Candidate.predates``), so that
    "the Moskva sank in June 2022" can be refuted by the April report of its sinking. Dates the user gives (as of,
    from, to) always stay hard filters.
    """
    kind = kind_of(req.claim)
    understood = parse_claim_dates(req.claim)
    as_of = req.as_of or understood.as_of
    date_to = min(d for d in (as_of, req.date_to) if d) if (as_of or req.date_to) else None
    date_from = req.date_from
    notes = []
    point_in_time = understood.as_of is not None and understood.window == (understood.as_of, understood.as_of)
    if period_is_filter and kind == Kind.CLAIM and understood.window and not req.date_from and not point_in_time:
        # A report cannot attest an event that happened after it was written.
        date_from = understood.window[0]
        notes.append(f"Only reports dated from {date_from.isoformat()} on can speak to a claim about that period.")
    if date_from and date_to and date_from > date_to:
        date_from = None
    filters = {
        "as_of": as_of.isoformat() if as_of else None,
        "date_from": date_from.isoformat() if date_from else None,
        "date_to": date_to.isoformat() if date_to else None,
    }
    period = understood.window if not point_in_time else None
    query = Query(
        req.claim,
        to_int(date_from),
        to_int(date_to),
        prefer=_preferred_window(understood.window, as_of),
        top_k=req.top_k or top_k,
        max_per_report=max_per_report,
        candidates=candidates,
        rewrites=rewrites(req.claim) if kind == Kind.QUESTION else undated(req.claim, understood.window),
    )
    return Plan(req, kind, filters, tuple(notes), period, query)


def _preferred_window(window: tuple[date, date] | None, as_of: date | None) -> tuple[int, int]:
    """Reports written during (or just after) the claim's period, or in the days up to 'as of', rank higher."""
    if as_of:
        return to_int(as_of - timedelta(days=10)), to_int(as_of)
    if window:
        return to_int(window[0]), to_int(window[1] + GRACE)
    return 0, 0


# The opening of a question: an optional preposition, the wh-word and, for "what"/"which"/"how many", what it asks
# about ("which flagship of the Black Sea Fleet"), up to the auxiliary that follows it, if any.
_AUX = r"did|does|do|is|are|was|were|has|have|had|will|would|can|could|should"
_OPENING = re.compile(
    r"^\s*(?:(?:in|on|at|from|to|by|for|of|near|with|under)\s+)?"
    r"(?P<wh>who|whom|whose|when|where|why|what|which|how(?:\s+(?:many|much|long|large|big|far|often))?)\b"
    r"(?P<rest>.*)$",
    re.I | re.S,
)
_AUX_WORD = re.compile(rf"\b(?P<aux>{_AUX})\b", re.I)
# "Who commanded X?" is answered by "the commander of X" or "X commander Y" (and "appointed commander of X"): the
# person a role verb asks for is named by the role's noun. Forms: base, -s, -ed (irregular ones as written).
_ROLE_OF_VERB = {
    "command": "commander", "lead": "leader", "head": "head", "direct": "director", "govern": "governor",
    "found": "founder", "finance": "financier", "chair": "chairman", "run": "head", "own": "owner",
    "represent": "representative", "advise": "adviser",
}  # fmt: skip
_IRREGULAR_VERB_FORMS = {"led": "lead", "leads": "lead", "ran": "run", "runs": "run"}
# Past forms of the irregular verbs questions ask with "did" ("When did the Moskva sink?"): a report writes "sank" or
# "sunk", which neither keywords (stemmed) nor the question's "sink" meet.
_PAST = {
    "sink": "sank sunk", "take": "took taken", "become": "became", "lead": "led", "win": "won", "fall": "fell fallen",
    "begin": "began begun", "hold": "held", "fight": "fought", "strike": "struck", "lose": "lost", "leave": "left",
    "send": "sent", "make": "made", "shoot": "shot", "bring": "brought", "give": "gave given", "go": "went gone",
    "run": "ran", "rise": "rose risen", "withdraw": "withdrew withdrawn", "say": "said", "tell": "told", "meet": "met",
    "choose": "chose chosen", "blow": "blew blown", "break": "broke broken", "build": "built", "buy": "bought",
    "catch": "caught", "drive": "drove driven", "fly": "flew flown", "freeze": "froze frozen", "get": "got",
    "hit": "hit", "keep": "kept", "know": "knew known", "lay": "laid", "lie": "lay lain", "put": "put",
    "seek": "sought", "sell": "sold", "set": "set", "shut": "shut", "speak": "spoke spoken", "spend": "spent",
    "stand": "stood", "steal": "stole stolen", "swear": "swore sworn", "teach": "taught", "think": "thought",
    "throw": "threw thrown", "undertake": "undertook undertaken", "write": "wrote written",
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z][\w’'-]*")


def rewrites(question: str) -> tuple[str, ...]:
    """``question`` reworded as the sentences that answer it are written; () when it is no wh-question.

    The opening (wh-word, what it asks about, the auxiliary) and the dates the plan already prefers are dropped, and
    the rest put in statement order: "When did the Moskva sink?" -> "the Moskva sink sank sunk" (the past forms of an
    irregular verb added); "Which flagship was sunk in April 2022?" -> "flagship was sunk". A question about who
    holds a role asks with the role's verb or noun, and is answered by the noun before or after the name:
    "Who commanded Russian forces in Ukraine?" and "Who heads X?" -> also "commander of Russian forces in Ukraine" and
    "appointed commander of Russian forces in Ukraine"; "Who is the financier of the Wagner Group?" -> also "Wagner
    Group financier".
    """
    m = _OPENING.match(question.strip().rstrip("?").strip())
    if not m:
        return ()
    wh, rest = m.group("wh").lower(), _tidy(without_dates(m.group("rest")))
    aux = _AUX_WORD.search(rest)
    about, aux_word = "", ""
    if aux and (wh.startswith(("what", "which", "how")) or not rest[: aux.start()].strip()):
        about, aux_word, rest = rest[: aux.start()].strip(), aux.group("aux").lower(), rest[aux.end() :].strip()
    if not rest:
        return ()
    if aux_word in ("did", "does", "do"):
        # "did Russian officials say X" -> "Russian officials say said X"; what was asked about follows ("men").
        statement = _tidy(" ".join([_with_past(rest) if aux_word == "did" else rest, about]))
    else:
        statement = _tidy(" ".join([about, aux_word if about else "", rest]))
    out = [statement]
    if wh == "who":
        out += _role_forms(rest, aux_word)
    out = [q for q in dict.fromkeys(out) if q and q.lower() != question.lower()]
    return tuple(out)


def _role_forms(rest: str, aux_word: str) -> list[str]:
    """'commanded X' -> 'commander of X', 'appointed commander of X'; 'the financier of X' -> 'X financier'."""
    words = rest.split()
    if not aux_word and words:
        verb = words[0].lower()
        base = _IRREGULAR_VERB_FORMS.get(verb) or next(
            (b for b in _ROLE_OF_VERB if verb in (b, b + "s", b + "es", b + "ed", b + "d")), None
        )
        if base and len(words) > 1:
            obj = " ".join(words[1:])
            role = _ROLE_OF_VERB[base]
            return [f"{role} of {obj}", f"appointed {role} of {obj}"]
        return []
    if aux_word in ("is", "was", "are", "were"):
        m = re.match(r"^(?:the\s+)?(?P<role>[\w’'-]+(?:\s+[\w’'-]+)?)\s+of\s+(?:the\s+)?(?P<of>.+)$", rest, re.I)
        if m:
            return [f"{m.group('of')} {m.group('role')}", f"appointed {m.group('role')} of {m.group('of')}"]
        role = re.sub(r"^(?:the|a|an)\s+", "", rest, flags=re.I)
        return [f"appointed {role}"] if role != rest or len(role.split()) > 1 else []
    return []


def _with_past(rest: str) -> str:
    """Irregular verbs of ``rest`` followed by their past forms ('the Moskva sink' -> 'the Moskva sink sank sunk')."""
    return _WORD.sub(lambda w: f"{w.group()} {_PAST[w.group()]}" if w.group() in _PAST else w.group(), rest)


def _tidy(text: str) -> str:
    return re.sub(r"\s+([,.;:])", r"\1", re.sub(r"\s+", " ", text)).strip(" ,;:")
