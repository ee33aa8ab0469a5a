"""The substitution reading: a number or side of the claim that its sentence fills with another, in the same place,
and the values that only look different or are not read (bot/nli/substitution.py). Sentences are the reports' own,
from the fit claims the reading was written on, and a review's faithful rewordings."""

from __future__ import annotations

import pytest

from bot.nli.substitution import Substitution, holds, same_side, substitutions

POLAND = (
    "The Polish Foreign Ministry stated on November 15 that a “Russian-made missile” killed two Polish citizens in the "
    "border village of Przewodow.[8]"
)
POLAND_CLAIM = (
    "Poland's Foreign Ministry said the missile that hit Przewodow on November 15, 2022 killed five Polish citizens."
)


def test_a_number_in_the_place_of_the_claims_number_is_read_with_the_claim_restored():
    (sub,) = substitutions(POLAND, POLAND_CLAIM)
    assert (sub.claimed, sub.stated) == ("five", "two")
    assert sub.restored == POLAND_CLAIM.replace("five", "two")
    assert sub.describe() == "the source has two where the claim has five"


def test_a_side_in_the_place_of_the_claims_is_read():
    subs = substitutions(
        "The US State Department called on Russian forces to cease all military activity surrounding the "
        "Zaporizhzhia Nuclear Power Plant.",
        "The US State Department called on Ukrainian forces to cease military activity around the Zaporizhzhia "
        "Nuclear Power Plant.",
    )
    assert [(s.claimed, s.stated) for s in subs] == [("Ukrainian", "Russian")]


def test_a_number_is_read_as_a_whole_word():
    """ "5" is not written in "March 15": the claim's five civilians stand where the sentence has three."""
    subs = substitutions(
        "Russian forces killed 3 civilians in Kharkiv on March 15.", "Russian forces killed 5 civilians in Kharkiv."
    )
    assert [(s.claimed, s.stated) for s in subs] == [("5", "3")]


@pytest.mark.parametrize(
    ("evidence", "claim"),
    [
        # The same value written otherwise: an acronym, a misspelling, a capital for its government.
        (
            "Russian authorities detained the general director of the ZNPP, Ihor Murashov, on September 30.[7]",
            "On September 30, 2022, Russian authorities detained Ihor Murashov, the general director of the "
            "Zaporizhzhia Nuclear Power Plant.",
        ),
        (
            "Russian forces in Crimea are advancing directly north towards Zaprozhia, entering Velyka Bilozerka and "
            "Tokmak, approximately 80km south of Zaprozhia.",
            "ISW reported on February 26, 2022 that Russian troops had reached Tokmak and Velyka Bilozerka, about "
            "80 km south of Zaporizhzhia.",
        ),
        (
            "Gerasimov attempted to revive a debunked narrative that the Kremlin invaded Ukraine to preempt a "
            "fictitious planned Ukrainian attack.",
            "Gerasimov tried to revive the debunked narrative that Moscow invaded Ukraine to head off a fictitious "
            "planned Ukrainian attack.",
        ),
        # A number inside a hyphenated word is no count of its own.
        (
            "Forty-two states, including all European Union members, released a joint statement on August 14.",
            "On August 14, 2022, 42 states, among them every European Union member, issued a joint statement.",
        ),
        # A name that is only what a noun is "of": many villages are.
        (
            "Russian forces likely captured the frontline village of Blahodatne on the Mykolaiv-Kherson line.",
            "Ukrainian forces recaptured the village of Robotyne in Zaporizhia Oblast in August 2023.",
        ),
        # The claim's value is in the sentence: whatever else it has, nothing was put in its place.
        (POLAND.replace("two Polish", "five Polish"), POLAND_CLAIM),
        # Names are not read: other names for the same place are too many to list (a review's rewordings).
        (
            "Russian forces struck Mykolaiv with Kalibr missiles.",
            "Russian forces struck Nikolaev with Kalibr missiles.",
        ),
        ("The UK announced new sanctions against Russia on Friday.", "Britain announced new sanctions on Friday."),
        (
            "A fratricidal altercation between mobilized servicemen at a training ground in Belgorod Oblast on October "
            "15 is likely a consequence of the Kremlin’s continual failures.",
            "The altercation between mobilized Russian servicemen on October 15, 2022 took place at a training ground "
            "in Kursk Oblast.",
        ),
        # Dates are not read: a claim dates the report, a sentence the event, and days come in ranges.
        (
            "A Russian news source reported on December 18 and 19 that children from Skadovsk were taken to Crimea.",
            "ISW reported on December 19, 2022 that a Russian news source said children from Skadovsk were taken.",
        ),
        # A number that is part of a larger one.
        ("Russian forces fired 4,000 shells on Avdiivka.", "Russian forces fired four thousand shells on Avdiivka."),
        ("Russian forces fired 1.5 million shells in 2023.", "Russian forces fired 1,500,000 shells in 2023."),
    ],
    ids=(
        "acronym",
        "spelling",
        "capital",
        "hyphenated",
        "village-of",
        "same-value",
        "transliteration",
        "country-name",
        "another-oblast",
        "date-range",
        "four-thousand",
        "million",
    ),
)
def test_values_that_only_look_different_are_no_substitution(evidence, claim):
    assert substitutions(evidence, claim) == ()


def test_same_side_knows_spellings_only():
    assert same_side("Ukrainian", "Ukranian")
    assert not same_side("Russian", "Ukrainian")
    assert not same_side("Polish", "Romanian")


def test_a_sentence_holds_the_claims_value_where_the_claim_puts_it():
    assert holds(POLAND.replace("two Polish", "five Polish"), POLAND_CLAIM, "5")
    assert not holds(POLAND, POLAND_CLAIM, "5")
    assert not holds("Five days later the ministry spoke again.", POLAND_CLAIM, "5")  # five, but of days


def test_long_or_empty_texts_are_not_read():
    assert substitutions("", POLAND_CLAIM) == ()
    assert substitutions(POLAND + " x" * 1_500, POLAND_CLAIM) == ()
    assert isinstance(Substitution("5", "five", "two", "...").describe(), str)
