"""The learned decision's files and the threshold rule that makes its confidence a promise: the shipped and the opt-in
decisions load, are fitted on what their meta says, and a threshold is the least probability above which held-out
verdicts reached the target precision."""

from __future__ import annotations

import numpy as np
import pytest

from bot.labels import Verdict
from bot.settings import Settings
from bot.training.fit_decision import MIN_DECISIVE, choose_threshold
from bot.verdict.learned import NAMED_DECISIONS, SHIPPED_DECISION, LearnedDecision


@pytest.mark.parametrize(("name", "claims"), [("shipped", 174), ("isw", 264)])
def test_each_named_decision_loads_with_the_claims_it_was_fitted_on(name, claims):
    decision = LearnedDecision.load(NAMED_DECISIONS[name])
    assert decision.meta["claims"] == claims
    assert decision.meta["target_precision"] == 0.90
    for verdict in (Verdict.SUPPORTED, Verdict.REFUTED):
        assert 0.5 < decision.threshold(verdict) <= 1.0 + 1e-6


def test_the_default_is_the_shipped_decision_and_isw_is_only_an_opt_in():
    assert NAMED_DECISIONS["shipped"] == SHIPPED_DECISION
    assert Settings().decision == "shipped"
    assert Settings(decision="isw").decision == "isw"
    shipped, isw = (LearnedDecision.load(NAMED_DECISIONS[n]) for n in ("shipped", "isw"))
    assert shipped.threshold(Verdict.SUPPORTED) > 1.0  # no SUPPORTED from the shipped one (BENCHMARKS.md)
    assert isw.threshold(Verdict.SUPPORTED) < 0.9


def test_a_threshold_is_the_least_probability_with_the_target_precision_over_enough_verdicts():
    # Ten SUPPORTED verdicts by falling probability; the 4th and 8th are wrong.
    p_s = np.array([0.99, 0.97, 0.95, 0.93, 0.91, 0.89, 0.87, 0.85, 0.83, 0.81])
    p = np.stack([p_s, 1 - p_s, np.zeros(10)], axis=1)
    pred = np.zeros(10, dtype=int)
    y = np.array([0, 0, 0, 2, 0, 0, 0, 1, 0, 0])
    # Precision over the top n: 1, 1, 1, .75, .8, .83, .86, .75, .78, .8; with at least MIN_DECISIVE (5) verdicts.
    assert MIN_DECISIVE == 5
    assert choose_threshold(p, pred, y, 0, 0.80) == pytest.approx(0.81)
    assert choose_threshold(p, pred, y, 0, 0.85) == pytest.approx(0.87)
    assert choose_threshold(p, pred, y, 0, 0.90) > 1.0  # never reached over five or more: never decisive


@pytest.mark.parametrize(("spec", "claims"), [("shipped", 174), ("isw", 264)])
def test_the_engine_decides_with_the_named_decision(tmp_path, spec, claims):
    from bot.service import open_engine

    engine = open_engine(Settings(data_dir=tmp_path, decision=spec), seed=False)
    try:
        assert engine.decider.__self__.meta["claims"] == claims
    finally:
        engine.store.close()
