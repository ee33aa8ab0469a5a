"""The pairing check (``bot/nli/pairing.py``): a claim that gives two of its sentence's slots each other's places is
caught, whatever the kind of slot; a faithful rewording, a reordered list, a passive or a title beside a name is not."""

import re

import pytest

from bot.nli.pairing import swapped_pairing
from bot.nli.signals import mismatches

STRIKES = "Russian forces conducted thirty missile strikes and four airstrikes from February 27 to February 28."
ROUTE = "Satellite imagery showed Russian forces moving an S-300 system from Novorossiysk to Maysaf in Syria."
COMMAND = "Putin appointed Gerasimov to replace Surovikin as overall commander of Russian forces in Ukraine."
SIDES = "Ukrainian forces struck Russian concentrations near Enerhodar on October 23."
DATES = "The Kyiv Independent reported on March 3 that Ukrainian authorities imposed a curfew in Odesa on March 1."
DISTANCE = "Russian forces shelled Siversk, a town 12 km east of Lysychansk, on July 4."
OFFICE = "Mayor Sergei Sobyanin ordered the Moscow City government to support the families of mobilized men."
SHARES = "Prigozhin has about 50,000 fighters in Ukraine, of whom 40,000 are convicts and 10,000 are contractors."
CASUALTIES = "The explosion killed three Russian soldiers and injured 16 soldiers."
TRANSFER = "Russian forces transferred 200 pieces of equipment from the Lyman direction to the Svatove direction."
STATEMENT = "Peskov stated on May 4 that the May 2 decree does not apply to students."
RECRUITING = "Russia opened 14 recruitment centers in Syria and will fly the recruits to the Chkalovsky airbase."
TITLES = (
    "The report analyzes the relationship between Belarusian President Alexander Lukashenko and Wagner financier "
    "Yevgeny Prigozhin."
)


@pytest.mark.parametrize(
    ("evidence", "claim"),
    [
        (STRIKES, "Russian forces carried out four missile strikes and 30 airstrikes between February 27 and 28."),
        (ROUTE, "Russian forces moved an S-300 system from Maysaf to Novorossiysk."),
        (COMMAND, "Putin appointed Surovikin to replace Gerasimov as overall commander of Russian forces in Ukraine."),
        (SIDES, "Russian forces struck Ukrainian concentrations near Enerhodar on October 23."),
        (
            DATES,
            "The Kyiv Independent reported on March 1 that Ukrainian authorities imposed a curfew in Odesa on March 3.",
        ),
        (DISTANCE, "Russian forces shelled Lysychansk, a town 12 km east of Siversk, on July 4."),
        (OFFICE, "The Moscow City government ordered Mayor Sergei Sobyanin to support the families of mobilized men."),
        (
            SHARES,
            "Prigozhin has about 50,000 fighters in Ukraine, of whom 10,000 are convicts and 40,000 are contractors.",
        ),
        (CASUALTIES, "The explosion killed 16 Russian soldiers and injured three soldiers."),
        (
            TRANSFER,
            "Russian forces moved 200 pieces of equipment out of the Svatove direction and into the Lyman direction.",
        ),
        (STATEMENT, "Peskov said on May 2 that the May 4 decree does not apply to students."),
        (
            RECRUITING,
            "Russia opened 14 recruitment centers at the Chkalovsky airbase and will fly the recruits to Syria.",
        ),
        (
            TITLES,
            "The report analyzes the relationship between Belarusian President Yevgeny Prigozhin and Wagner financier "
            "Alexander Lukashenko.",
        ),
    ],
    ids=[
        "counts",
        "route",
        "people",
        "sides",
        "dates",
        "distance",
        "name-on-a-noun",
        "counted-by-are",
        "count-goes-with-its-verb",
        "out-of-and-into",
        "statement-and-decree-dates",
        "at-and-in",
        "titles",
    ],
)
def test_a_swap_of_two_slots_is_caught_and_named(evidence, claim):
    found = swapped_pairing(evidence, claim)
    assert found is not None and found.startswith("the source has") and found.endswith("the other way round")
    assert found in mismatches(evidence, claim)


def test_the_swap_is_named_as_the_claim_writes_it():
    assert swapped_pairing(
        DATES, DATES.replace("March 3", "X").replace("March 1", "March 3").replace("X", "March 1")
    ) == ("the source has March 1 and March 3 the other way round")


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
        (DATES, "Ukraine imposed a curfew in Odesa on March 1, the Kyiv Independent reported on March 3."),
        (DISTANCE, "On July 4 Russian troops shelled the town of Siversk, which lies 12 km east of Lysychansk."),
        (SHARES, "Of Prigozhin's 50,000 fighters in Ukraine, 10,000 are contractors and 40,000 are convicts."),
        (CASUALTIES, "Three Russian soldiers died and 16 were injured in the explosion."),
        (CASUALTIES, "The explosion injured 16 soldiers and killed three Russian soldiers."),
        (
            TRANSFER,
            "Russian forces moved 200 pieces of equipment out of the Lyman direction and into the Svatove direction.",
        ),
        (STATEMENT, "On May 4 Peskov said the decree of May 2 does not apply to students."),
        (
            "Ukrainian forces counterattacked near Balakliya in Kharkiv Oblast.",
            "In Kharkiv Oblast, Ukrainian forces counterattacked near Balakliya.",
        ),
        (
            TITLES,
            "The report analyzes the relationship between Wagner financier Yevgeny Prigozhin and Belarusian President "
            "Alexander Lukashenko.",
        ),
        (TITLES, "The report analyzes the relationship between Lukashenko and Prigozhin."),
        (
            "Russia sent 5,000 troops to Belarus and 3,000 troops to Transnistria.",
            "Russia sent 3,000 troops to Transnistria and 5,000 troops to Belarus.",
        ),
        (
            "Kremlin spokesperson Dmitry Peskov and Russian Defense Minister Sergei Shoigu met in Minsk on May 4.",
            "Dmitry Peskov, the Kremlin spokesperson, and Sergei Shoigu, the Russian Defense Minister, met in Minsk on "
            "May 4.",
        ),
    ],
    ids=[
        "reordered-list",
        "passive",
        "reworded",
        "shortened",
        "title-beside-name",
        "dates",
        "dates-reworded",
        "distance-reworded",
        "shares-reordered",
        "counts-reworded",
        "counts-reordered",
        "out-of-and-into-kept",
        "statement-reworded",
        "nested-places",
        "titled-names-reordered",
        "titles-dropped",
        "counts-of-one-noun-reordered",
        "titles-after-the-names",
    ],
)
def test_a_faithful_claim_is_not_taken_for_a_swap(evidence, claim):
    assert swapped_pairing(evidence, claim) is None


def test_slots_the_sentence_lacks_are_no_swap():
    """A claim that names other people or numbers than its sentence is a different claim, for the verifier to read:
    a swap needs both slots in both."""
    assert swapped_pairing(COMMAND, "Putin appointed Lapin to replace Dvornikov as commander.") is None
    assert swapped_pairing(STRIKES, "Russian forces conducted five missile strikes and two airstrikes.") is None


def test_the_parser_loads_without_torch_and_leaves_torch_importable():
    """A process that answers claims never imports torch (cold start); loading spaCy must not bring it in, nor stop
    a later import of it."""
    import subprocess
    import sys

    from tests.helpers import ROOT

    code = (
        "import sys\n"
        "from bot.nli.pairing import swapped_pairing\n"
        f"assert swapped_pairing({ROUTE!r}, 'Russian forces moved an S-300 system from Maysaf to Novorossiysk.')\n"
        "assert 'torch' not in sys.modules\n"
        "import torch\n"
    )
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr


def test_a_slot_named_twice_can_still_be_swapped():
    """ "Russian" names the accusers and the refinery; exchanging the accusers' side with the accused's is a swap
    though the refinery stays Russian."""
    evidence = (
        "Russian sources accused Ukrainian actors of conducting a drone strike against a Russian oil refinery in "
        "Samara Oblast on the night of 22 to 23 March."
    )
    claim = (
        "Ukrainian sources accused Russian actors of conducting a drone strike against a Russian oil refinery in "
        "Samara Oblast on the night of 22 to 23 March."
    )
    assert swapped_pairing(evidence, claim) is not None


def test_an_ordinal_word_is_no_count():
    """ "A second explosion" says which, not how many: it cannot trade places with a count or a name."""
    evidence = (
        "A platoon commander accidentally detonated an RGD-5 grenade on January 15. The blast set off a second "
        "explosion at a nearby ammunition storage site, killed three soldiers, and injured 16 soldiers."
    )
    claim = (
        "When a platoon commander accidentally set off an RGD-5 grenade on January 15, the blast triggered a second "
        "explosion at a nearby ammunition store that killed three soldiers and wounded 16."
    )
    assert swapped_pairing(evidence, claim) is None


def test_short_sentences_whose_root_is_a_unit_or_an_adjective_end():
    """A sentence's root is its own head: a climb that compared tokens by identity never stopped on "Over 40
    percent." Run in a process of its own, so a regression fails instead of hanging the suite."""
    import subprocess
    import sys

    from tests.helpers import ROOT

    code = (
        "from bot.nli.pairing import swapped_pairing\n"
        "from bot.nli.signals import mismatches\n"
        "for t in ['Three days later.', 'Two years.', 'Over 40 percent.', 'Some 10 km from Kyiv.', 'Up to 20.']:\n"
        "    assert swapped_pairing(t, t) is None\n"
        "assert mismatches('Russia lost 40 percent of its tanks in Kharkiv by May.', 'About 40 percent.') == []\n"
    )
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr


def test_a_digit_ordinal_is_no_count_either():
    evidence = "The blast set off a 2nd explosion at a nearby depot, killed three soldiers, and injured 16 soldiers."
    claim = "A platoon commander set off a grenade whose blast caused a 2nd explosion that killed three and wounded 16."
    assert swapped_pairing(evidence, claim) is None


def test_text_too_long_or_empty_is_not_checked():
    """Report sentences are a few hundred characters; a longer text is not parsed (spaCy's time grows with it, and it
    refuses a million characters), and the reply goes on without the check."""
    long = "Russian forces conducted thirty missile strikes and four airstrikes. " * 40
    assert swapped_pairing(long, "Russian forces carried out four missile strikes and thirty airstrikes.") is None
    assert swapped_pairing("", "Russian forces moved.") is None
    assert swapped_pairing(STRIKES, "   ") is None


def test_the_benchmark_generates_only_faithful_rewordings_with_the_same_slots():
    """``benchmarks.pairing_check`` counts every swap read in its generated rewordings as a misreading, so each must
    keep its sentence's numbers and names (reordered, never exchanged)."""
    from benchmarks.pairing_check import faithful_rewordings

    pairs = faithful_rewordings(n=10)
    assert len(pairs) == 40 and pairs == faithful_rewordings(n=10)
    for sentence, rewording in pairs:
        assert sorted(re.findall(r"\d+", sentence)) == sorted(re.findall(r"\d+", rewording))
        assert set(re.findall(r"[A-Z]\w+", sentence)) <= set(re.findall(r"[A-Z]\w+", rewording))


@pytest.mark.parametrize(
    ("evidence", "claim"),
    [
        (
            "The Ukrainian General Staff reported that Ukrainian strikes on December 14 wounded about 180 servicemen "
            "and destroyed up to 10 pieces of equipment in Tokmak, Zaporizhia Oblast.",
            "Ukraine's General Staff said strikes on Tokmak, Zaporizhia Oblast, on December 14, 2022 wounded roughly "
            "180 servicemen and destroyed up to 10 pieces of equipment.",
        ),
        (
            "Russian forces launched an unsuccessful attack on Izyum, southeast of Kharkiv, on March 13.",
            "On March 13, 2022, Russian forces unsuccessfully attacked Izyum, which lies southeast of Kharkiv.",
        ),
    ],
    ids=("tokmak", "izyum"),
)
def test_a_date_and_a_place_do_not_trade_places(evidence, claim):
    """A date hangs on the event, a place on where it was: a claim that moves the date next to the place ("strikes on
    Tokmak on December 14" for "strikes on December 14 ... in Tokmak") restates the sentence (true claims of held-out
    sets 36 and 25; the chain refuted the first before dates traded only with dates)."""
    assert swapped_pairing(evidence, claim) is None
