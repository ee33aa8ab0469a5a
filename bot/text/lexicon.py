"""Word lists the answer-time signals and the training generator share: months, numbers, compass directions, antonyms,
nationalities, stop-words.

Why one place: the mismatch signals must read a changed month, antonym or nationality exactly as the generator that
taught the verifier wrote them; two copies drift apart silently.
"""

from __future__ import annotations

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# "january" -> 1: claims and reports write months in any case.
MONTH_NUMBER = {m.lower(): i for i, m in enumerate(MONTHS, 1)}
# The month names as a regex alternation (capitalised, as reports write them; compile with re.I for any case).
MONTH_PATTERN = "|".join(MONTHS)
# Numbers written as words, with their values: the mismatch signals and the pairing check read "thirty" as 30 alike.
WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "dozen": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
}
# Compass directions: "10 km west of Bakhmut" relates two places, "eastern Kherson" names a part of one; the mismatch
# signals read a changed direction, the pairing check a direction as a relation.
COMPASS = frozenset(
    {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"}
    | {"northern", "southern", "eastern", "western", "northeastern", "northwestern", "southeastern", "southwestern"}
)

# Changes that flip the truth of a statement (both directions are used).
ANTONYMS: list[tuple[str, str]] = [
    ("advanced", "retreated"),
    ("advance", "retreat"),
    ("captured", "lost"),
    ("gained", "lost"),
    ("confirmed", "denied"),
    ("confirm", "deny"),
    ("increased", "decreased"),
    ("increase", "decrease"),
    ("successful", "unsuccessful"),
    ("succeeded", "failed"),
    ("offensive", "defensive"),
    ("north", "south"),
    ("east", "west"),
    ("northeast", "southwest"),
    ("northwest", "southeast"),
    ("northern", "southern"),
    ("eastern", "western"),
    ("first", "last"),
    ("likely", "unlikely"),
    ("accepted", "rejected"),
    ("allowed", "banned"),
    ("won", "lost"),
    ("began", "ended"),
    ("supported", "opposed"),
    ("larger", "smaller"),
    ("before", "after"),
    ("more", "fewer"),
    ("higher", "lower"),
    ("strengthened", "weakened"),
    ("improved", "worsened"),
    ("expanded", "reduced"),
    ("arrived", "departed"),
    ("opened", "closed"),
    ("approved", "vetoed"),
    ("praised", "criticized"),
    ("lauded", "condemned"),
    ("agreed", "refused"),
    ("resumed", "halted"),
    ("intensified", "scaled back"),
    ("imminent", "remote"),
    ("early", "late"),
    ("entered", "left"),
    ("released", "detained"),
    ("rose", "fell"),
    ("most", "least"),
    ("all", "none of"),
    ("successfully", "unsuccessfully"),
    ("failed", "managed"),
    ("unable", "able"),
    ("retaken", "abandoned"),
]

# Word families of opposite polarity: whether an action succeeded or failed, and whether it went on or stopped. A
# claim that uses one family where the sentence uses only the other says the opposite ("attacks succeeded in
# capturing X" against "unsuccessful attacks on X"; "stopped targeting" against "continued targeting"), whatever the
# word form. Added 2026-12-05: four of the six false claims the ISW-fitted decision SUPPORTED on held-out sets 1-6
# turned on such a pair, and the pair list above matches single word forms only.
POLARITY_FAMILIES: list[tuple[frozenset[str], frozenset[str]]] = [
    (
        frozenset({"succeed", "succeeded", "succeeds", "success", "successful", "successfully", "managed", "manages"}),
        frozenset({"fail", "failed", "fails", "failure", "unsuccessful", "unsuccessfully", "unable"}),
    ),
    (
        frozenset({"continue", "continued", "continues", "continuing", "kept", "keeps", "resumed", "resumes"}),
        frozenset({"stop", "stopped", "stops", "ceased", "ceases", "halted", "halts", "suspended", "abandoned"}),
    ),
]
NATIONALITIES = [
    "Tajik",
    "Chechen",
    "Uzbek",
    "Kyrgyz",
    "Belarusian",
    "Iranian",
    "Syrian",
    "Dagestani",
    "Georgian",
    "Kazakh",
    "Serbian",
    "Polish",
    "Moldovan",
    "Armenian",
    "Chinese",
    "North Korean",
    "Turkish",
]

# Function words that say nothing about what a claim is about: left out when claim and sentence words are compared.
STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "not",
        "no",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "as",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "their",
        "there",
        "than",
        "then",
        "into",
        "over",
        "under",
        "about",
        "after",
        "before",
        "during",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "some",
        "such",
        "also",
        "very",
        "more",
        "most",
        "other",
        "s",
    }
)
