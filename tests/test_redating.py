"""The redating reading: a claim's event that its sentence dates in another month, and the dates that only look
different or are not the event's (bot/nli/redating.py). Sentences are the reports' own; the claims are from the fit
claims the reading was written on, or the Moskva case of the issue that asked for it."""

from __future__ import annotations

from datetime import date

import pytest

from bot.nli.redating import Redating, dates_in, event_dates, redatings, statement_dates

MOSKVA = (
    "The Russian missile cruiser Moskva, flagship of the Black Sea Fleet, sunk on April 14 after a likely Ukrainian "
    "anti-ship missile strike on April 13."
)
APRIL_14 = date(2022, 4, 14)
OZARIANIVKA = (
    "Geolocated imagery shows that Russian forces likely captured Ozarianivka (a village about 15km southwest of "
    "Bakhmut) around November 27 and 28."
)


def test_an_event_dated_in_another_month_is_read_with_the_sentences_date_put_back():
    (red,) = redatings(MOSKVA, "The Moskva sank in June 2022", APRIL_14)
    assert (red.claimed, red.stated, red.month) == ("in June 2022", "April 14", 6)
    assert red.restored == "The Moskva sank on April 14, 2022"
    assert red.describe() == "the source dates it April 14 where the claim has June 2022"


def test_a_fit_claims_month_is_read_against_its_sentence():
    claim = (
        "According to ISW, geolocated imagery showed that Russian forces had likely captured Ozarianivka, about 15 km "
        "southwest of Bakhmut, in mid-October 2022."
    )
    (red,) = redatings(OZARIANIVKA, claim, date(2022, 11, 28))
    assert (red.claimed, red.stated) == ("in mid-October 2022", "November 27")
    assert red.restored.endswith("southwest of Bakhmut, on November 27, 2022.")


def test_a_month_a_january_report_names_without_a_year_is_of_the_year_before():
    sentence = "Putin issued a decree on December 30 extending the one-time payment to Rosgvardia soldiers."
    (red,) = redatings(sentence, "Putin issued a decree in October 2022 extending the payment", date(2023, 1, 2))
    assert red.restored == "Putin issued a decree on December 30, 2022 extending the payment"


@pytest.mark.parametrize(
    ("evidence", "claim"),
    [
        # The same month, another day: a claim dated by its report, a range, a day late; not read.
        (MOSKVA, "The Moskva sank on April 16, 2022"),
        (MOSKVA, "The Moskva sank in April 2022"),
        # A date of saying, not of the event: ISW's frame, a source's statement, "as of".
        (MOSKVA, "ISW reported on June 3, 2022 that the Moskva sank."),
        (MOSKVA, "According to ISW on May 1, 2022, the Moskva sank."),
        (MOSKVA, "As of June 3, 2022, the Moskva had sunk."),
        # The sentence names the claim's month too: it may date the event then.
        (MOSKVA.replace("on April 13", "on June 13"), "The Moskva sank in June 2022"),
        # A sentence that gives a month without a day does not date an event precisely enough to move the claim's.
        ("The Moskva sank in April.", "The Moskva sank in June 2022"),
        # A date that qualifies a noun is no date of the verb's event.
        ("Russia implemented the November 2 decree on payments.", "Russia implemented the decree in July 2022."),
    ],
    ids=("same-month-day", "same-month", "frame", "according-to", "as-of", "claims-month", "month-only", "noun"),
)
def test_dates_that_are_not_the_events_other_date_are_not_read(evidence, claim):
    assert redatings(evidence, claim, APRIL_14) == ()


def test_a_lower_case_may_is_no_month():
    assert event_dates("Russian forces may attack Kharkiv on 14 June.")[0].month == 6
    assert all(d.month != 5 for d in event_dates("Russian forces may attack Kharkiv."))


def test_a_sentence_dating_the_event_in_the_claims_month_is_found():
    assert dates_in("Ukrainian sources said the Moskva sank on June 2.", "The Moskva sank in June 2022", 6)
    assert not dates_in(MOSKVA, "The Moskva sank in June 2022", 6)


def test_long_or_empty_texts_are_not_read():
    assert redatings("", "The Moskva sank in June 2022", APRIL_14) == ()
    assert redatings(MOSKVA + " x" * 1_500, "The Moskva sank in June 2022", APRIL_14) == ()
    assert isinstance(Redating("in June", "April 14", "...", 6).describe(), str)


def test_two_verbs_of_one_event_are_read_by_what_they_act_on():
    """ "began direct assaults" and "launched direct assaults" are one event; "met Putin" and "held talks with Russian
    officials" are not, though each sentence dates one thing (the absent fit claim a first version refuted)."""
    sentence = "Russian forces began direct assaults on Severodonetsk on May 27 despite not having encircled the town."
    claim = "Russian troops launched direct assaults on Severodonetsk in August 2022."
    (red,) = redatings(sentence, claim, date(2022, 5, 27))
    assert red.stated == "May 27"
    grossi = (
        "IAEA director general Rafael Grossi held talks with Russian officials on the creation of a security zone "
        "around the plant on December 22."
    )
    assert redatings(grossi, "Rafael Grossi met Vladimir Putin on October 11, 2022.", date(2022, 12, 22)) == ()


def test_only_the_claims_own_verb_dates_the_event_in_the_claims_month():
    """What a verb acts on joins two verbs for a redating, but a sentence that only acts on the same thing in the
    claim's month does not count as dating the claim's event then (it took a right REFUTED away on held-out set 35)."""
    claim = "Russian troops launched direct assaults on Severodonetsk in August 2022."
    assert not dates_in("Russian forces began direct assaults on Lysychansk on August 3.", claim, 8)
    assert dates_in("Russian troops launched direct assaults on Lysychansk on August 3.", claim, 8)


PESKOV = "Kremlin Spokesperson Dmitry Peskov stated on March 31 that negotiations with Ukraine would continue online."


def test_a_statement_dated_in_another_month_by_the_same_speaker_is_read():
    """A claim that moves when someone said something: the speaker is the event, whatever the verb of saying."""
    (red,) = redatings(PESKOV, "Dmitry Peskov told reporters on July 5, 2022 that talks would continue.", APRIL_14)
    assert (red.claimed, red.stated, red.month) == ("on July 5, 2022", "March 31", 7)
    assert red.restored == "Dmitry Peskov told reporters on March 31, 2022 that talks would continue."


@pytest.mark.parametrize(
    "claim",
    [
        # another speaker: another statement
        "Ukrainian officials stated on July 5, 2022 that negotiations would continue online.",
        # a day or two away: a claim may date a statement by the report that told of it
        "On April 1, 2022, Dmitry Peskov said that negotiations with Ukraine would continue online.",
        # the same month
        "Dmitry Peskov said on March 2, 2022 that negotiations would continue.",
    ],
    ids=("other-speaker", "report-day", "same-month"),
)
def test_statements_that_are_not_redated_are_not_read(claim):
    assert redatings(PESKOV, claim, APRIL_14) == ()


def test_a_statement_has_a_speaker_and_an_event_date_is_not_a_statement():
    (said,) = statement_dates(PESKOV)
    assert "peskov" in said.objects and said.month == 3
    assert statement_dates(MOSKVA) == [] and all(d.verb != said.verb for d in event_dates(PESKOV))


def test_the_same_speaker_in_the_claims_month_dates_the_statement_then():
    claim = "Dmitry Peskov said on July 5, 2022 that negotiations would continue."
    assert dates_in("Peskov stated on July 12 that the talks had stalled.", claim, 7)
    assert not dates_in("Zelensky stated on July 12 that the talks had stalled.", claim, 7)


def test_a_sentence_that_restates_the_claim_dates_its_one_event_whatever_the_verb():
    """Where each text dates one event and the sentence carries most of the claim's other words, the two verbs are one
    event ("issued an order" for "ordered", a wording of held-out set 35)."""
    sentence = (
        "Russian occupation authorities ordered the forcible evacuation of civilians from Kherson City on October 22."
    )
    claim = (
        "Russian-installed authorities issued an order on July 22, 2022, for the forced evacuation of civilians out "
        "of Kherson City."
    )
    (red,) = redatings(sentence, claim, date(2022, 10, 22))
    assert (red.stated, red.month) == ("October 22", 7)
    assert dates_in(sentence.replace("October", "July"), claim, 7)


def test_a_sentence_that_leaves_out_a_name_of_the_claim_does_not_restate_it():
    """The absent fit claim the reading by share of words alone refuted: the sentence carries 0.64 of its words, not
    "Vladimir Putin"."""
    sentence = (
        "International Atomic Energy Agency (IAEA) director general Rafael Grossi held talks with Russian officials on "
        "the creation of a security zone around the Zaporizhzhia Nuclear Power Plant (ZNPP) on December 22."
    )
    claim = (
        "IAEA Director General Rafael Grossi met Vladimir Putin in person on October 11, 2022 to discuss the "
        "Zaporizhzhia Nuclear Power Plant."
    )
    assert redatings(sentence, claim, date(2022, 12, 22)) == ()
    assert redatings(sentence, claim.replace("Vladimir Putin", "Russian officials"), date(2022, 12, 22))


def test_a_date_on_suggested_is_a_statements_date():
    """ "ISW suggested on January 5, 2023 that ..." dates what ISW said, not the event it is about: read as an event
    date, a sentence restating the claim beside one that dates another event refuted this true claim of held-out set 22
    (set 40's run)."""
    claim = (
        "ISW suggested on January 5, 2023 that Putin may have been trying to obtain a 36-hour pause so that Russian "
        "troops could rest, recover and reorient before relaunching offensives in critical sectors of the front."
    )
    assert event_dates(claim) == [] and [d.month for d in statement_dates(claim)] == [1]
