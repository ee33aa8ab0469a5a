"""Who a sentence says made a statement: 'Russian sources claimed', 'ISW assesses', 'Irina Volk ... said'.

Why: a claim that X happened is not supported by a sentence saying that someone *claimed* X. A sentence with no
speaker is in the report's own voice (for an ISW report: ISW's assessment).

How, without a parser: the speaker is the subject of a speech verb ("claimed", "stated that", "have reported") when
everything before the verb reads as a noun phrase (no other verb, no clause word, not an adjective alone), or the
subject of the sentence when a speech verb is joined to its predicate ("visited … and stated"), or the phrase after
"according to" when it names someone, or a closing ", X said". Openers are read past first ("Details:", "As ISW
reported on October 28,", "In a statement on June 5,"). Anything else is the report's own voice: a fragment such as
"ISW cannot independently verify either of these" is never a speaker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

# Verbs that introduce what someone said, wrote or published. "Strong" ones do so whatever their subject; "weak" ones
# also describe evidence ("footage confirmed", "this suggests") and need a subject that can speak.
_STRONG = (
    "claim|claims|claimed|allege|alleges|alleged|assert|asserts|asserted|report|reports|reported|say|says|said|"
    "state|states|stated|announce|announces|announced|accuse|accuses|accused|deny|denies|denied|insist|insists|"
    "insisted|warn|warns|warned|argue|argues|argued|tell|tells|told|assess|assesses|assessed|believe|believes|"
    "believed|estimate|estimates|estimated|note|notes|noted|declare|declares|declared|admit|admits|admitted|"
    "reiterate|reiterates|reiterated|acknowledge|acknowledges|acknowledged|blame|blames|blamed|write|writes|wrote|"
    "add|adds|added|relay|relays|relayed|explain|explains|explained|emphasize|emphasizes|emphasized|emphasise|"
    "emphasises|emphasised|stress|stresses|stressed|threaten|threatens|threatened|promise|promises|promised|"
    "predict|predicts|predicted|forecast|forecasts|forecasted|speculate|speculates|speculated|discuss|discusses|"
    "discussed|amplify|amplifies|amplified|complain|complains|complained|boast|boasts|boasted|vow|vows|vowed|"
    "urge|urges|urged|praise|praises|praised|criticize|criticizes|criticized|criticise|criticises|criticised|"
    "condemn|condemns|condemned|demand|demands|demanded|repeat|repeats|repeated|specify|specifies|specified|"
    "reveal|reveals|revealed|highlight|highlights|highlighted|lament|laments|lamented|maintain that|maintained that|"
    "called on|called for|calls on|calls for"
)
_WEAK = (
    "confirm|confirms|confirmed|indicate|indicates|indicated|suggest|suggests|suggested|post|posts|posted|publish|"
    "publishes|published|circulate|circulates|circulated|share|shares|shared|show|shows|showed|release|releases|"
    "released|imply|implies|implied"
)
_STRONG_WORDS = frozenset(v.split()[0] for v in _STRONG.split("|"))  # "called on" -> "called", checked below
_WEAK_WORDS = frozenset(_WEAK.split("|"))
_NEEDS_NEXT = {"maintain": {"that"}, "maintained": {"that"}, "called": {"on", "for"}, "calls": {"on", "for"}}
_WORD = re.compile(r"[A-Za-z]+")
# What may stand between a subject and its speech verb: "have also", "did not", "continued to", "openly".
_VERB_GROUP = re.compile(
    r"(?:\b(?:has|have|had)\s+|\b(?:did|does|do|has|have|had)\s+not\s+)?"
    r"(?:\b(?:also|\w+ly|again|then|previously|further|later|once|still|even|never|both|all|each)\s+){0,2}"
    r"(?:\b(?:continued|continues|continue|began|begins|started|starts|attempted|sought|went on)\s+to\s+)?$",
    re.I,
)
# Openers read past: headings ("Details:", "2) Kharkiv axis:"), endnote markers, connectives, and a fronted phrase
# closed by a comma ("As ISW reported on October 28,", "In a retrospective on the 100th day of the war,").
_HEADING = re.compile(r"^(?:\d+\)\s*)?[A-Z][\w’'-]*(?:\s+[\w’'-]+){0,3}:\s+")
_NOTES = re.compile(r"^(?:\[\d+\]\s*)+")
_CONNECTIVE = re.compile(
    r"^(?:Furthermore|Additionally|However|Meanwhile|Moreover|Separately|Also|Similarly|Notably|Nevertheless|"
    r"Instead|Still|Yet|Overall|Likewise|Conversely|Indeed|Further|But|And|In addition|At the same time|"
    r"For example|For instance|By contrast|In contrast|In turn|In particular),?\s+",
)
_FRONTED = re.compile(
    r"^(?:On|In|As|After|Following|During|Since|Before|While|Although|Though|Whereas|Amid|Amidst|Despite|Earlier|"
    r"Later|Late|Early|Throughout|Between|From|At|By|Within|Over|Around|When|Once|Speaking|Commenting|Writing|"
    r"Responding|Citing|Referring)\b[^,;:.]{1,140},\s+"
)
# "As the US DoD official noted on April 8, …": the opener names the speaker (unless it is the report's author).
_AS_SAID = re.compile(
    rf"^As (?P<who>[^,;:]{{2,120}}?)\s+(?:has\s+|have\s+|had\s+)?(?:\w+ly\s+)?(?P<verb>{_STRONG})\b[^,;:]{{0,40}},\s"
)
_ACCORDING = re.compile(r"\baccording to (?P<who>[^,;:]{2,120}?)(?=\s*(?:[,;:.]|\[\d|$|\s+on\s+[A-Z]|\s+that\b))", re.I)
_TRAILING = re.compile(
    r"(?:,|[,.!?]?[”\"])\s+(?P<who>[^,;:”\"]{2,100}?)\s+(?:has\s+|have\s+)?(?:\w+ly\s+)?"
    r"(?P<verb>said|says|reported|reports|stated|states|claimed|claims|added|noted|wrote|announced|alleged)"
    r"(?:\s+(?:on|in)\s+[^,;.]{1,30})?\s*[.!?]?(?:\[\d+\])*\s*$"
)

_ISW = r"(?:ISW|Institute for the Study of War|Critical Threats Project|CTP)"
_SELF = re.compile(rf"\b{_ISW}\b")
# ISW as the speaker itself ("ISW", "the ISW", "Experts at the Institute for the Study of War (ISW)"), not ISW
# mentioned inside another speaker's phrase ("Russian milbloggers, citing ISW").
_ISW_SPEAKS = re.compile(
    rf"^(?:the\s+)?(?:(?:\w+\s+){{1,2}}(?:at|of|from)\s+(?:the\s+)?)?{_ISW}(?:\s+and\s+{_ISW})?\b(?:\s*\([^)]*\))?$",
    re.I,
)
_WE = {"we", "our"}
_PRONOUNS = {"he", "she", "they", "it"}
_AUX = {
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will", "would", "can", "cannot",
    "could", "may", "might", "must", "shall", "should", "did", "does", "do", "not", "there", "here", "likely",
    "it's", "won't", "don't", "didn't", "isn't", "aren't", "wasn't", "weren't", "hasn't", "haven't",
}  # fmt: skip
_CLAUSE = {
    "that", "which", "who", "whom", "whose", "because", "if", "when", "while", "although", "though", "whereas",
    "since", "until", "unless", "where", "after", "before", "as", "despite", "amid", "so", "than", "but",
}  # fmt: skip
# Past tenses and other verbs that do not end in -ed: one of them before the speech verb means a clause, not a name.
_VERBS = {
    "made", "took", "began", "struck", "fought", "held", "sent", "led", "lost", "won", "became", "went", "came",
    "saw", "gave", "kept", "left", "met", "ran", "shot", "brought", "built", "hit", "set", "put", "cut", "sought",
    "drew", "rose", "fell", "grew", "spent", "paid", "bought", "caught", "thought", "felt", "found", "stood",
    "withdrew", "broke", "spoke", "chose", "drove", "flew", "threw", "continue", "continues", "remain", "remains",
    "appear", "appears", "seem", "seems", "seek", "seeks", "make", "makes", "take", "takes", "get", "gets", "got",
    "launch", "launches", "conduct", "conducts", "advance", "advances", "prepare", "prepares", "plan", "plans",
}  # fmt: skip
# Adjectives ending in -ed that open names ("unnamed sources", "detained residents").
_ADJECTIVES = {
    "unnamed", "unidentified", "unconfirmed", "unverified", "detained", "exiled", "armed", "occupied", "mobilized",
    "mobilised", "alleged", "retired", "united", "appointed", "installed", "backed", "based", "affiliated",
    "imprisoned", "jailed", "sanctioned", "wounded", "captured", "elected", "designated", "aligned", "embedded",
    "related", "named", "self-proclaimed", "so-called",
}  # fmt: skip
# Adjectives that cannot end a speaker's name ("Initial Ukrainian claims to have sunk…" has no speaker).
_NOT_HEAD = {
    "initial", "several", "some", "many", "multiple", "other", "western", "first", "new", "recent", "earlier",
    "previous", "the", "a", "an", "of", "for", "to", "in", "at", "on", "from", "and", "or", "with", "by", "its",
    "their", "his", "her", "this", "these", "those", "that", "such", "any", "each", "both", "all",
}  # fmt: skip
# Things that show or suggest but do not speak.
_NOT_SPEAKERS = {
    "footage", "imagery", "image", "images", "video", "videos", "photo", "photos", "photograph", "photographs",
    "satellite", "evidence", "data", "map", "maps", "claim", "claims", "report", "reports", "statement",
    "statements", "assessment", "assessments", "strike", "strikes", "attack", "attacks", "this", "these", "that",
    "those", "which", "such", "standards", "standard", "curricula", "plan", "plans", "reasons", "rules", "law",
    "decree", "order", "orders", "figures", "numbers", "analysis", "activity", "situation", "fact",
}  # fmt: skip
# Heads that can speak: a weak verb ("confirmed", "posted") or "according to" needs one, or a capitalised name.
_SPEAKER_NOUNS = {
    "source", "sources", "official", "officials", "authorities", "authority", "milblogger", "milbloggers",
    "blogger", "bloggers", "channel", "channels", "outlet", "outlets", "media", "journalist", "journalists",
    "reporter", "reporters", "correspondent", "spokesperson", "spokesman", "spokeswoman", "governor", "mayor",
    "head", "chief", "staff", "commander", "minister", "ministry", "president", "leader", "leadership",
    "adviser", "advisor", "deputy", "representative", "representatives", "ambassador", "government", "military",
    "forces", "troops", "intelligence", "service", "services", "administration", "command", "propagandist",
    "propagandists", "commentator", "commentators", "analyst", "analysts", "expert", "experts", "residents",
    "resident", "witnesses", "witness", "servicemen", "soldiers", "personnel", "politician", "politicians",
    "parliamentarian", "lawmaker", "lawmakers", "council", "committee", "agency", "press", "newspaper", "website",
    "account", "accounts", "user", "users", "prosecutor", "prosecutors", "officer", "officers", "member",
    "members", "organization", "organisation", "group", "center", "centre", "people", "person",
}  # fmt: skip
_NATION_ADJECTIVES = {
    "russian", "ukrainian", "belarusian", "american", "british", "chechen", "moldovan", "iranian", "georgian",
    "syrian", "chinese", "polish", "western", "pro-russian", "pro-kremlin", "pro-ukrainian", "pro-war", "kremlin",
}  # fmt: skip
_ASIDE = re.compile(
    r",\s*(?:however|though|meanwhile|moreover|furthermore|in turn|for (?:its|his|her|their) part)$", re.I
)
_AFTER_QUOTE = re.compile(r"[,.!?][”\"]\s+")
_PREPOSITIONS_ING = {"including", "following", "according", "regarding", "during", "concerning", "excluding"}
_QUOTES = "“”\"‘’'"


# The speaker of a report's own voice when the report names no source (a JSONL row without one).
UNNAMED_SOURCE = "the report"


@dataclass(frozen=True)
class Attribution:
    speaker: str
    verb: str
    third_party: bool  # True when someone other than the report's author made the statement


@lru_cache(maxsize=8192)  # a candidate sentence is attributed again for each adjacent pair it opens
def attribute(sentence: str, report_source: str = "") -> Attribution:
    """The speaker of ``sentence``; the report's own voice (``report_source``) when none is named."""
    own = Attribution(report_source or UNNAMED_SOURCE, "", False)
    body = _NOTES.sub("", sentence.strip())
    opener = _as_said(body)
    body = _opening_read_past(body)
    found = _subject_speaker(body) or opener or _according_to(body) or _trailing(body)
    if found is None:
        return own
    who, verb = found
    if _is_self(who, report_source):
        return Attribution(report_source or who, verb, False)
    if who.lower() in _PRONOUNS:
        return Attribution("a speaker named earlier in the report", verb, True)
    return Attribution(who[0].upper() + who[1:], verb, True)


def _opening_read_past(body: str) -> str:
    for _ in range(3):
        before = body
        heading = _HEADING.match(body)
        if heading and not any(_speech_verbs(heading.group())):  # "Details:", but not "Rybar wrote:"
            body = body[heading.end() :]
        body = _CONNECTIVE.sub("", body, count=1)
        body = _FRONTED.sub("", body, count=1)
        if body == before:
            break
    return body


def _subject_speaker(body: str) -> tuple[str, str] | None:
    """The subject of the first speech verb that the sentence opens with, directly or joined by 'and'/'but'."""
    for start, end, verb in _speech_verbs(body):
        near = body[max(0, start - 60) : start]
        group = _VERB_GROUP.search(near)
        group_start = start - len(group.group()) if group else start
        # "“We will retake it,” Zelensky said": the speaker follows the quotation
        prefix = _ASIDE.sub("", _AFTER_QUOTE.split(body[:group_start])[-1].rstrip(" ,"))
        if group and " not " in f" {group.group().lower()}":  # "did not specify": the report says what was not said
            continue
        if verb[0].isupper() and start > 0:  # a name ("Notes", "State Duma"), not a verb
            continue
        if not _text_follows(body[end:], verb):
            continue
        must_speak = verb.lower() in _WEAK_WORDS
        if _is_speaker(prefix, must_speak):
            return prefix, verb.lower()
        joined = re.search(r"\s(?:and|but)(?:\s+(?:also|then|later|\w+ly))?$", prefix)
        if joined:  # "Moisyuk visited the frontlines … and stated …": the speaker is the sentence's subject
            subject = _sentence_subject(prefix[: joined.start()])
            if subject and _is_speaker(subject, must_speak):
                return subject, verb.lower()
    return None


def _speech_verbs(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) of each speech verb in ``text`` (a word-set lookup: a long regex alternation is slow)."""
    lower = text.lower()
    words = _WORD.findall(lower)
    pos = 0
    for i, w in enumerate(words):
        start = lower.index(w, pos)
        pos = start + len(w)
        if w not in _STRONG_WORDS and w not in _WEAK_WORDS:
            continue
        if w not in _NEEDS_NEXT:
            yield start, pos, text[start:pos]
        elif i + 1 < len(words) and words[i + 1] in _NEEDS_NEXT[w]:
            end = lower.index(words[i + 1], pos) + len(words[i + 1])
            yield start, end, text[start:end]


def _text_follows(rest: str, verb: str) -> bool:
    """A verb is followed by what it says; a word ending the sentence ("these claims.") is a noun."""
    rest = rest.lstrip()
    if not rest or rest[0] in ".;?!)[":
        return False
    nxt = rest.split(None, 1)[0].strip(",").lower()
    return not (verb.lower().endswith("s") and nxt in _AUX - {"likely", "there", "here"})


def _sentence_subject(clause: str) -> str | None:
    """The noun phrase a clause opens with: the words before its first verb (a past tense, an auxiliary)."""
    words = clause.split()
    for k in range(1, min(len(words), 22)):
        nxt = words[k].strip(",").lower()
        if _is_verb(nxt) and not _is_verb(words[k - 1].strip(",").lower()):
            return " ".join(words[:k]).rstrip(",")
        if nxt.endswith("ly") and k + 1 < len(words) and _is_verb(words[k + 1].strip(",").lower()):
            return " ".join(words[:k]).rstrip(",")
    return None


def _is_verb(word: str) -> bool:
    if word in _AUX - {"there", "here"} or word in _VERBS:
        return True
    return word.endswith("ed") and "-" not in word and word not in _ADJECTIVES and len(word) > 3


def _is_speaker(phrase: str, must_speak: bool = False) -> bool:
    """Whether ``phrase`` reads as a speaker's name or description rather than a fragment of a clause.

    ``must_speak``: the phrase must end in a name or a noun for someone who speaks ("sources", "channel"), as the
    subject of a weak verb or the object of "according to" must ("footage confirmed", "according to Russian
    standards" name no one)."""
    if not phrase or len(phrase) > 160 or re.search(r"[;:]|\s[—–-]\s", phrase):
        return False
    bare = re.sub(r"\([^()]*\)", " ", phrase)  # "(MoD)", "(ISW)": asides do not count as words
    if "(" in bare or ")" in bare:
        return False
    words = [w.strip(_QUOTES + ",") for w in bare.split()]
    words = [w for w in words if w]
    if not words or len(words) > 22:
        return False
    lower = [w.lower() for w in words]
    if len(words) == 1 and (lower[0] in _PRONOUNS or lower[0] in _WE):
        return True
    for w in lower:
        if w in _AUX or w in _CLAUSE or w in _VERBS or w in _WE or w in _PRONOUNS:
            return False
        if w in _PREPOSITIONS_ING or ("-" not in w and w not in _ADJECTIVES and w.endswith("ed") and len(w) > 4):
            return False
    head, head_raw = lower[-1], words[-1]
    if head in _NOT_HEAD or head in _NOT_SPEAKERS or head.endswith(("’s", "'s", "s’", "s'")):
        return False
    if head in _NATION_ADJECTIVES or (head_raw[0].isupper() and head.endswith("ian") and len(words) < 3):
        return False  # "Initial Ukrainian claims to have sunk…": an adjective, not a speaker
    return not must_speak or head in _SPEAKER_NOUNS or head_raw[0].isupper()


def _as_said(body: str) -> tuple[str, str] | None:
    m = _AS_SAID.match(body)
    if not m or not _is_speaker(m.group("who")) or _SELF.search(m.group("who")):
        return None
    return m.group("who"), m.group("verb").lower()


def _according_to(body: str) -> tuple[str, str] | None:
    m = _ACCORDING.search(body)
    if not m:
        return None
    who = m.group("who").strip().rstrip(".")
    return (who, "according to") if _is_speaker(who, must_speak=True) else None


def _trailing(body: str) -> tuple[str, str] | None:
    """A closing ', X said.' or '…,” X said.'"""
    m = _TRAILING.search(body)
    if not m:
        return None
    who = re.sub(r"^as\s+", "", m.group("who").strip(), flags=re.I)
    return (who, m.group("verb").lower()) if _is_speaker(who) else None


def _is_self(who: str, report_source: str) -> bool:
    """The report's author speaking of itself: 'we', its own name, or ISW in an ISW report (or one of no source)."""
    words = who.lower().split()
    if words and words[0] in _WE:
        return True
    src = report_source.strip().lower()
    if src and (who.lower() == src or who.lower().removeprefix("the ") == src.removeprefix("the ")):
        return True
    return bool(_ISW_SPEAKS.match(who)) and (not src or bool(_SELF.search(report_source)))


def claim_is_attributed(claim: str) -> bool:
    """True when the claim itself is about what someone said ('Shoigu claimed...', '...according to ISW')."""
    return bool(_CLAIM_VERBS.search(claim))


_CLAIM_VERBS = re.compile(
    r"\b(?:claimed|claims|claim|alleged|alleges|asserted|asserts|reported|reports|said|says|stated|states|announced|"
    r"announces|accused|accuses|denied|denies|confirmed|confirms|insisted|insists|suggested|suggests|warned|warns|"
    r"argued|argues|told|tells|posted|posts|published|publishes|assessed|assesses|believes|believed|estimated|"
    r"estimates|noted|notes|indicated|indicates|declared|declares|admitted|admits|according to|allegedly|reportedly)\b",
    re.I,
)
