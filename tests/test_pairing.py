"""The pairing check (``bot/nli/pairing.py``): a claim that gives two of its sentence's slots each other's places is
caught, whatever the kind of slot; a faithful rewording, a reordered list, a passive or a title beside a name is not."""

import pytest

from bot.nli.pairing import swapped_pairing
from bot.nli.signals import mismatches

STRIKES = "Russian forces conducted thirty missile strikes and four airstrikes from February 27 to February 28."
ROUTE = "Satellite imagery showed Russian forces moving an S-300 system from Novorossiysk to Maysaf in Syria."
COMMAND = "Putin appointed Gerasimov to replace Surovikin as overall commander of Russian forces in Ukraine."
SIDES = "Ukrainian forces struck Russian concentrations near Enerhodar on October 23."


@pytest.mark.parametrize(
    ("evidence", "claim"),
    [
        (STRIKES, "Russian forces carried out four missile strikes and 30 airstrikes between February 27 and 28."),
        (ROUTE, "Russian forces moved an S-300 system from Maysaf to Novorossiysk."),
        (COMMAND, "Putin appointed Surovikin to replace Gerasimov as overall commander of Russian forces in Ukraine."),
        (SIDES, "Russian forces struck Ukrainian concentrations near Enerhodar on October 23."),
    ],
    ids=["counts", "route", "people", "sides"],
)
def test_a_swap_of_two_slots_is_caught_and_named(evidence, claim):
    found = swapped_pairing(evidence, claim)
    assert found is not None and "paired the other way round" in found
    assert found in mismatches(evidence, claim)


@pytest.mark.parametrize(
    ("evidence", "claim"),
    [
        (STRIKES, "Between February 27 and 28 Russia launched four airstrikes and thirty missile strikes."),
        (ROUTE, "An S-300 system was moved by Russian forces from Novorossiysk to Maysaf."),
        (COMMAND, "Putin named Gerasimov overall commander of Russian forces in Ukraine, replacing Surovikin."),
        (SIDES, "On October 23 Ukraine hit Russian concentrations near Enerhodar."),
        (
            "St. Petersburg governor Alexander Beglov met families of mobilized soldiers on November 29.",
            "Alexander Beglov, the governor of St. Petersburg, met families of mobilized soldiers on November 29.",
        ),
        (
            "Russian forces attacked Bakhmut on May 24 and Avdiivka on May 25.",
            "Russian forces attacked Avdiivka on May 25 and Bakhmut on May 24.",
        ),
    ],
    ids=["reordered-list", "passive", "reworded", "shortened", "title-beside-name", "dates"],
)
def test_a_faithful_claim_is_not_taken_for_a_swap(evidence, claim):
    assert swapped_pairing(evidence, claim) is None


def test_slots_the_sentence_lacks_are_no_swap():
    """A claim that names other people or numbers than its sentence is a different claim, for the verifier to read:
    a swap needs both slots in both."""
    assert swapped_pairing(COMMAND, "Putin appointed Lapin to replace Dvornikov as commander.") is None
    assert swapped_pairing(STRIKES, "Russian forces conducted five missile strikes and two airstrikes.") is None
