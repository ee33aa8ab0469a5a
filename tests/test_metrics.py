"""Evaluation metrics on small hand-computed cases, and the verdict -> label mapping."""

from bot.evaluate import GOLD_LABELS, citation_is_gold
from bot.gold import GoldClaim
from bot.labels import GOLD_OF_VERDICT
from bot.metrics import accuracy, confusion, ece_if_calibrated, expected_calibration_error, macro_f1, per_class

GOLD = ["SUPPORTS", "SUPPORTS", "REFUTES", "REFUTES", "NOT_ENOUGH_INFO", "NOT_ENOUGH_INFO"]
PRED = ["SUPPORTS", "REFUTES", "REFUTES", "REFUTES", "SUPPORTS", "NOT_ENOUGH_INFO"]


def test_label_mapping():
    assert GOLD_OF_VERDICT == {
        "SUPPORTED": "SUPPORTS",
        "REFUTED": "REFUTES",
        "NOT_ENOUGH_EVIDENCE": "NOT_ENOUGH_INFO",
        "CONFLICTING": "NOT_ENOUGH_INFO",
    }


def test_accuracy_and_confusion():
    assert accuracy(GOLD, PRED) == round(4 / 6, 4)
    c = confusion(GOLD, PRED, GOLD_LABELS)
    assert c["SUPPORTS"] == {"SUPPORTS": 1, "REFUTES": 1, "NOT_ENOUGH_INFO": 0}
    assert c["NOT_ENOUGH_INFO"] == {"SUPPORTS": 1, "REFUTES": 0, "NOT_ENOUGH_INFO": 1}


def test_per_class_and_macro_f1():
    pc = per_class(GOLD, PRED, GOLD_LABELS)
    # SUPPORTS: tp 1, fp 1, fn 1 -> P 0.5 R 0.5 F1 0.5; REFUTES: tp 2, fp 1, fn 0 -> P 2/3 R 1 F1 0.8;
    # NEI: tp 1, fp 0, fn 1 -> P 1 R 0.5 F1 2/3
    assert pc["SUPPORTS"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert pc["REFUTES"]["f1"] == 0.8 and pc["REFUTES"]["precision"] == round(2 / 3, 4)
    assert pc["NOT_ENOUGH_INFO"]["f1"] == round(2 / 3, 4)
    assert macro_f1(GOLD, PRED) == round((0.5 + 0.8 + 0.6667) / 3, 4)
    assert macro_f1(["SUPPORTS"], ["REFUTES"]) == 0.0


def test_citation_matching_by_date_and_quote():
    gold = GoldClaim("x", "c", "SUPPORTS", [{"date": "2022-03-09", "quote": "The Kremlin admitted it."}])
    text = "Intro. The  Kremlin admitted it. More."
    assert citation_is_gold({"date": "2022-03-09"}, gold, text)
    assert not citation_is_gold({"date": "2022-03-10"}, gold, text)
    assert not citation_is_gold({"date": "2022-03-09"}, gold, "Something else entirely.")


def test_threshold_fit_reports_fitted_and_cross_validated_accuracy():
    from bot.evaluate import cross_validated_fit
    from bot.steps.judge import score
    from bot.verdict.candidates import candidates
    from bot.verdict.decision import Thresholds
    from tests.helpers import FakeScorer

    claim = "Russian forces captured Berdyansk on February 26."
    sent = "Russian forces captured Berdyansk on February 26."
    traces = []
    for i, (label, probs) in enumerate([("SUPPORTS", (0.45, 0.5, 0.05)), ("REFUTES", (0.05, 0.1, 0.85))] * 4):
        cs = candidates(claim, [(f"p{i}", f"r{i}", 0, sent, "ISW")])
        cs = score(claim, cs, FakeScorer({(c.text, claim): probs for c in cs}))
        traces.append((claim, label, cs))
    out = cross_validated_fit(traces, Thresholds())
    assert out["accuracy_on_fitted_claims"] == 1.0  # entail 0.4 separates them; the default 0.5 would not
    assert out["thresholds"]["entail"] == 0.4 and 0 <= out["accuracy_2fold_cv"] <= 1


def test_expected_calibration_error_by_hand():
    # Hand-computed: bin 0.9 holds two verdicts stated at 0.9, one right (|0.9 - 0.5| = 0.4, weight 2/4); bin 0.3 holds
    # two stated at 0.3, both wrong (|0.3 - 0| = 0.3, weight 2/4): 0.2 + 0.15.
    assert expected_calibration_error([0.9, 0.9, 0.3, 0.3], [True, False, False, False]) == 0.35
    assert expected_calibration_error([1.0, 0.0], [True, False]) == 0.0
    assert expected_calibration_error([], []) == 0.0


def test_the_calibrated_floor_matches_the_exact_expectation_and_shrinks_with_more_claims():
    # Four verdicts stated at 0.5: k right of 4 is binomial, ECE = |0.5 - k/4|, so the exact mean is
    # (2 * 0.5 * 1 + 2 * 0.25 * 4) / 16 = 0.1875, and 90% of draws sit at or below 0.5 (P(ECE <= 0.25) = 14/16).
    floor = ece_if_calibrated([0.5] * 4, draws=4000)
    assert abs(floor["mean"] - 0.1875) < 0.01 and floor["p90"] == 0.5
    assert ece_if_calibrated([0.5] * 4) == ece_if_calibrated([0.5] * 4)  # fixed seed: the same figure every run
    few, many = ece_if_calibrated([0.7] * 40), ece_if_calibrated([0.7] * 4000)
    assert many["mean"] < few["mean"] / 5
    assert ece_if_calibrated([]) == {"mean": 0.0, "p90": 0.0}
