"""Evaluation metrics on small hand-computed cases, and the verdict -> label mapping."""

from bot.evaluate import VERDICT_TO_LABEL, GoldClaim, accuracy, citation_is_gold, confusion, macro_f1, per_class

GOLD = ["SUPPORTS", "SUPPORTS", "REFUTES", "REFUTES", "NOT_ENOUGH_INFO", "NOT_ENOUGH_INFO"]
PRED = ["SUPPORTS", "REFUTES", "REFUTES", "REFUTES", "SUPPORTS", "NOT_ENOUGH_INFO"]


def test_label_mapping():
    assert VERDICT_TO_LABEL == {"SUPPORTED": "SUPPORTS", "REFUTED": "REFUTES",
                                "NOT_ENOUGH_EVIDENCE": "NOT_ENOUGH_INFO", "CONFLICTING": "NOT_ENOUGH_INFO"}


def test_accuracy_and_confusion():
    assert accuracy(GOLD, PRED) == round(4 / 6, 4)
    c = confusion(GOLD, PRED)
    assert c["SUPPORTS"] == {"SUPPORTS": 1, "REFUTES": 1, "NOT_ENOUGH_INFO": 0}
    assert c["NOT_ENOUGH_INFO"] == {"SUPPORTS": 1, "REFUTES": 0, "NOT_ENOUGH_INFO": 1}


def test_per_class_and_macro_f1():
    pc = per_class(GOLD, PRED)
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
