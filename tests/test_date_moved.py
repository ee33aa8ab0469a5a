"""The date-moved false claims the decision can be fitted on (``bot/training/date_moved.py``)."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from bot.gold import GoldClaim
from bot.labels import GoldLabel
from bot.text.lexicon import MONTHS
from bot.training.date_moved import LIBRARY_MONTHS, MIN_SHIFT, MOVED_SUFFIX, date_moved_claims, move_month
from bot.training.fit_decision import TracedClaim


def _when(text: str) -> tuple[int, int]:
    month = next(MONTHS.index(m) + 1 for m in MONTHS if re.search(rf"\b{m}\b", text))
    year = re.search(r"\b20\d\d\b", text)
    return (int(year.group()) if year else 2022), month


@pytest.mark.parametrize("seed", range(20))
def test_the_month_moves_at_least_two_months_within_the_library(seed: int) -> None:
    claim = "Russian forces struck Kremenchuk on June 27, 2022, killing at least 18 people."
    moved = move_month(claim, random.Random(seed))
    assert moved is not None
    assert "June" not in moved
    target = _when(moved)
    assert target in LIBRARY_MONTHS
    assert abs(LIBRARY_MONTHS.index(target) - LIBRARY_MONTHS.index((2022, 6))) >= MIN_SHIFT
    # Everything but the date is kept.
    assert re.sub(r"\w+ \d+, 20\d\d", "D", moved) == re.sub(r"\w+ \d+, 20\d\d", "D", claim)


def test_every_mention_of_the_month_moves_and_the_year_follows() -> None:
    claim = "On January 9, 2023 Wagner claimed Soledar; by mid-January 2023 ISW assessed the claim premature."
    for seed in range(20):
        moved = move_month(claim, random.Random(seed))
        assert moved is not None and "January" not in moved
        # January 2023 is the library's last month: any move goes back into 2022.
        assert "2023" not in moved and moved.count("2022") == 2


def test_a_day_past_28_is_kept_valid_in_any_month() -> None:
    for seed in range(20):
        moved = move_month("The referendum ended on March 31, 2022.", random.Random(seed))
        assert moved is not None and re.search(r"\b(29|30|31)\b", moved) is None


@pytest.mark.parametrize(
    "claim",
    [
        "Russian forces withdrew from Kyiv Oblast.",  # no month
        "Fighting moved from March to April 2022.",  # two months
        "ISW said the March 2024 attack was the Islamic State's.",  # outside the library
        "The deal of July 2022 was extended in November 2023.",  # two years
    ],
)
def test_claims_without_one_month_of_the_library_are_left_alone(claim: str) -> None:
    assert move_month(claim, random.Random(0)) is None


def test_only_true_claims_give_a_false_copy_that_keeps_their_evidence() -> None:
    evidence = [{"doc_id": "isw-2022-06-27", "date": "2022-06-27", "quote": "Russian forces struck Kremenchuk."}]
    claims = [
        GoldClaim("t1", "Russian forces struck Kremenchuk on June 27, 2022.", GoldLabel.SUPPORTS, evidence),
        GoldClaim("f1", "Ukrainian forces struck Kremenchuk on June 27, 2022.", GoldLabel.REFUTES, evidence),
        GoldClaim("n1", "A ferry sank in the Dnipro in June 2022.", GoldLabel.NOT_ENOUGH_INFO, []),
        GoldClaim("t2", "Russian forces struck Kremenchuk.", GoldLabel.SUPPORTS, evidence),
    ]
    moved = date_moved_claims(claims)
    assert [c.id for c in moved] == ["t1" + MOVED_SUFFIX]
    assert moved[0].label == GoldLabel.REFUTES and moved[0].evidence == evidence
    assert "June" not in moved[0].claim
    # Traced, the copy is marked synthetic (fitted on, reported apart); its true claim is not.
    traced = [TracedClaim(c, (), np.zeros(1), 0, "g") for c in (claims[0], moved[0])]
    assert [t.synthetic for t in traced] == [False, True]
