"""Mismatch signals on hand-written pairs, the combiner's fit/predict/save, the scorer it wraps, and calibration from
traces (with fake scores: these tests are about the logic, not the models)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bot.gold import GoldClaim
from bot.nli import signals as F
from bot.nli.combiner import FEATURE_NAMES, CombinedScorer, Combiner, coverage, features, load_verifier
from bot.nli.scorer import MODEL_DIR
from bot.steps.judge import score
from bot.text.claim_dates import mentioned_dates
from bot.training import calibrate
from bot.training.combiner_fit import fit
from bot.verdict.candidates import candidates
from bot.verdict.decision import Thresholds
from tests.helpers import FakeScorer


def sig(evidence: str, claim: str) -> dict[str, float]:
    return F.signals(evidence, claim).as_dict()


@pytest.mark.parametrize(
    "evidence, claim, name",
    [
        ("Russian forces have not captured Soledar.", "Russian forces captured Soledar.", "neg_evidence_only"),
        ("Russian forces failed to gain air superiority.", "Russia gained air superiority.", "neg_evidence_only"),
        ("Russian forces captured Soledar.", "Russian forces did not capture Soledar.", "neg_claim_only"),
        ("The strike killed at least 50 people.", "The strike killed about a dozen people.", "num_mismatch"),
        ("Forces advanced up to 40 km east of the city.", "Forces advanced 100 km east of the city.", "num_mismatch"),
        ("The strike killed many people.", "The strike killed 22 people.", "num_unsupported"),
        ("Shoigu said it has more than 1.251 million members.", "It has over 1.25 million members.", "num_match"),
        (
            "Putin said the call-up starts on November 1.",
            "Putin said the call-up starts on October 1.",
            "date_mismatch",
        ),
        ("The White House confirmed the report.", "The White House denied the report.", "antonym"),
        ("The explosion seriously damaged the bridge.", "The explosion left the bridge undamaged.", "antonym"),
        ("Attacks took place northwest of Kyiv.", "Attacks took place northeast of Kyiv.", "compass_mismatch"),
        (
            "Sources said the detainees were Tajik nationals.",
            "Sources said the detainees were Chechen.",
            "demonym_mismatch",
        ),
    ],
)
def test_each_signal_fires_on_its_case(evidence, claim, name):
    assert sig(evidence, claim)[name] == 1.0


@pytest.mark.parametrize(
    "evidence, claim",
    [
        # invented pairs in the way held-out claims flipped a fact (2026-12-05): another word form of each family
        ("Russian forces conducted unsuccessful attacks on the village.", "Russian attacks succeeded in taking it."),
        ("Ukrainian troops continued targeting Russian depots.", "Ukrainian troops stopped targeting Russian depots."),
        ("The regiment halted its advance near the river.", "The regiment kept advancing near the river."),
    ],
)
def test_opposite_polarity_families_read_as_opposite_wording(evidence, claim):
    assert sig(evidence, claim)["antonym"] == 1.0
    assert sig(claim, evidence)["antonym"] == 1.0


@pytest.mark.parametrize(
    "evidence, claim",
    [
        ("Ukrainian forces claimed to halt attacks out of Khomutovka.", "Ukrainian forces stopped attacks from there."),
        ("Russian forces continued attacks and stopped at the river.", "Russian forces continued attacks."),
        ("Russian troops kept up ground attacks.", "Russian troops continued ground attacks."),
    ],
)
def test_polarity_families_stay_quiet_on_the_same_polarity_or_both(evidence, claim):
    assert sig(evidence, claim)["antonym"] == 0.0


def test_a_retraction_negates_what_it_retracts():
    s = sig(
        "ISW mistakenly reported on April 14 that the cruiser Moskva was equipped with Kalibr missiles.",
        "ISW reported that the cruiser Moskva was equipped with Kalibr missiles.",
    )
    assert s["neg_evidence_only"] == 1.0


def test_signals_stay_quiet_on_a_faithful_paraphrase():
    s = sig(
        "Russian forces advancing east out of Crimea captured Berdyansk, 70km west of Mariupol, on February 26.",
        "On February 26, 2022, Russian troops from Crimea took Berdyansk, about 70 km west of Mariupol.",
    )
    assert {k: v for k, v in s.items() if v and k != "num_match"} == {}
    assert s["num_match"] == 1.0


def test_a_negation_counts_only_where_its_clause_touches_the_claim():
    claim = "Shoigu said Russia would not send conscripts to combat zones."
    # The "no" belongs to a clause about something else; both texts negate the same thing.
    quote = (
        "We have no independent confirmation of these reports, but Shoigu stated that Russia would not deploy "
        "conscripts to combat zones."
    )
    assert F.negations(quote) == 2 and F.negations(quote, about=claim) == 1
    assert sig(quote, claim)["neg_evidence_only"] == 0.0 and sig(quote, claim)["neg_claim_only"] == 0.0
    # An unrelated negation beside an unnegated claim does not make a contradiction either ...
    assert (
        sig("Ukraine did not comment, and Russian forces captured Soledar.", "Russian forces captured Soledar.")[
            "neg_evidence_only"
        ]
        == 0.0
    )
    # ... while a clause-final denial, whose object came before it, still counts.
    assert (
        sig(
            "Russian sources claimed that Russian forces captured Soledar, which Ukrainian officials denied.",
            "Russian forces captured Soledar.",
        )["neg_evidence_only"]
        == 1.0
    )
    assert F.negations("Energoatom prepared reactor no. 6 for shutdown.") == 0
    # In a two-sentence candidate, a negation in the sentence that is not about the claim does not count, even where
    # it shares a word with it; nor does one whose clause goes on about something else.
    two = (
        "A spokesperson said none of the men detained for the attack were local residents. Analysts assess that "
        "the militia is most likely responsible for the attack on the stadium."
    )
    assert F.negations(two, about="Analysts assessed that the militia was most likely behind the stadium attack.") == 0
    assert (
        F.negations(
            "Russian forces captured Soledar and did not advance on Bakhmut.", about="Russian forces captured Soledar."
        )
        == 0
    )
    # 'gain' and 'gained' are the same word to the scope check.
    assert F.negations("Russian forces failed to gain ground.", about="Russia gained ground.") == 1


def test_two_negations_of_the_same_thing_cancel():
    # The source's "did not" sits in a clause cut from its subject at "but"; both sides still negate the attacks.
    but = sig(
        "The 5th Brigade's armored units kept gathering near the Dnipro river crossing at Kherson but did not "
        "launch any major attacks.",
        "The 5th Brigade's armored units gathering near the Dnipro river crossing at Kherson did not carry out "
        "any major attacks.",
    )
    assert but["neg_claim_only"] == 0.0 and but["neg_evidence_only"] == 0.0
    # A second negation in the sentence negates something else ("lack coherent plans"), so it is not counted against
    # a claim that shares the first one.
    paid = sig(
        "Reports that workers have not been paid for their work suggest that administrations lack coherent "
        "plans and financial backing from the government to employ workers on projects.",
        "Workers had reportedly not been paid for their work.",
    )
    assert paid["neg_evidence_only"] == 0.0 and paid["neg_claim_only"] == 0.0
    # Sharing only the verb is not the same thing: the claim's negation still stands against the source.
    assert (
        sig(
            "Russian forces captured the town but did not capture the bridge.",
            "Russian forces did not capture the town.",
        )["neg_claim_only"]
        == 1.0
    )
    # And a one-sided negation still fires.
    assert (
        sig("Russian forces have not captured the town.", "Russian forces captured the town.")["neg_evidence_only"]
        == 1.0
    )


def test_a_negation_inside_a_rejected_claim_is_not_the_sources():
    quote = (
        "Satellite images showed the strike destroyed at least eight jets at the airfield, contradicting official "
        "claims that the blasts did not damage any jets."
    )
    # A flat claim the source affirms: the rejected "did not damage" must not read as the source negating it.
    assert sig(quote, "The strike on the airfield destroyed at least eight jets.")["neg_evidence_only"] == 0.0
    # A claim that reports the rejected negation: the two negations balance, no signal either way.
    reported = sig(quote, "Officials claimed the blasts did not damage any jets at the airfield.")
    assert reported["neg_evidence_only"] == 0.0 and reported["neg_claim_only"] == 0.0
    # A denial is still a negation when what it denies is affirmative ...
    denied = "The governor denied claims that the troops captured the town."
    assert F.negation_cues(denied, about="The troops captured the town.") == (1, 0)
    assert sig(denied, "The troops captured the town.")["neg_evidence_only"] == 1.0
    # ... and a denied negation is two negations that go together.
    assert F.negation_cues(
        "The governor denied reports that the troops had not captured the town.", about="The troops captured the town."
    ) == (0, 2)


def test_numbers_skip_dates_and_years_and_read_words():
    assert F.numbers("On June 12, 2022, 3 brigades and a dozen tanks and 1,351 troops") == [3.0, 1351.0, 12.0]
    assert mentioned_dates("on March 16 and 2 May, in April") == ({(3, 16), (5, 2)}, {4})
    # Endnote markers are not quantities: a claim's number the sentence never gives is unsupported, not contradicted.
    assert F.numbers("A missile struck the station, killing many.[11] Officials said") == []
    # Ordinals name a position, not a quantity: "the 300th day" does not contradict "about three hours".
    assert F.numbers("on the 300th day of the war, the 2nd Army Corps and the 21st brigade") == []
    assert (
        sig("He visited the front on the 300th day of the war.", "The visit lasted about three hours.")["num_mismatch"]
        == 0.0
    )
    s = sig("A missile struck the station, killing many civilians.[11]", "The strike killed 22 civilians.")
    assert s["num_unsupported"] == 1.0 and s["num_mismatch"] == 0.0


def test_coverage_and_feature_rows():
    assert coverage("Russian forces captured Kherson.", "Russian forces captured Kherson.") == 1.0
    x = features([("a b", "c d"), ("e", "f")], np.array([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]]))
    assert x.shape == (2, len(FEATURE_NAMES)) and np.isclose(x[0, 0], np.log(0.2))


def planted(n: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A fake dataset: the label is written into feature 0 (and 4 for contradictions) plus noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = rng.normal(size=(n, len(FEATURE_NAMES)))
    x[:, 0] += 2.5 * (y == 0)
    x[:, 4] += 2.5 * (y == 2)
    return x, y


def test_fit_learns_a_planted_signal_and_round_trips(tmp_path):
    x, y = planted()
    model = fit(x, y, c=1.0)
    xt, yt = planted(300, seed=1)
    p = model.predict(xt)
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-5)
    assert (p.argmax(axis=1) == yt).mean() > 0.7  # chance is 1/3
    model.save(tmp_path / "c.json")
    again = Combiner.load(tmp_path / "c.json")
    assert np.allclose(again.predict(xt), p, atol=1e-4)
    bad = json.loads((tmp_path / "c.json").read_text()) | {"names": ["other"]}
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    with pytest.raises(ValueError, match="do not match"):
        Combiner.load(tmp_path / "bad.json")


def test_fit_keeps_the_direction_of_evidence_whatever_the_data_say():
    """Mismatches never argue for the claim; an unverifiable number never argues for either side."""
    x, y = planted()
    names = list(FEATURE_NAMES)
    unsupported, negation = names.index("num_unsupported"), names.index("neg_evidence_only")
    x[:, unsupported] = (y == 2).astype(float)  # data in which an unstated number "means" contradiction
    x[:, negation] = (y == 0).astype(float)  # ... and a negation in the evidence "means" entailment
    model = fit(x, y, c=10.0)
    assert model.weights[2, unsupported] <= 0 and model.weights[0, unsupported] <= 0
    assert model.weights[0, negation] <= 0 and model.weights[2, negation] >= 0


def test_combined_scorer_wraps_any_base_scorer():
    x, y = planted()
    scorer = CombinedScorer(FakeScorer({("p", "h"): (0.9, 0.05, 0.05)}), fit(x, y))
    out = scorer.score([("p", "h"), ("q", "r")])
    assert out.shape == (2, 3) and np.allclose(out.sum(axis=1), 1.0, atol=1e-5)
    assert scorer.name == "fake+combiner" and scorer.score([]).shape == (0, 3)


def test_load_verifier_settings(tmp_path):
    shipped = load_verifier("shipped", "shipped")
    assert isinstance(shipped, CombinedScorer) == (MODEL_DIR / "combiner.json").exists()
    assert not isinstance(load_verifier("shipped", "off"), CombinedScorer)
    with pytest.raises(FileNotFoundError):
        load_verifier("shipped", str(tmp_path / "missing.json"))


def test_shipped_combiner_matches_this_code_and_keeps_clear_pairs():
    """The verdict step's probabilities (cross-encoder + shipped combiner) on unambiguous pairs written here.

    Report-style pairs, which share most of their words as the sentences the verdict reads do, keep their label. The
    short SNLI-style pairs keep theirs under the bare network; through the combiner they may only lose decisiveness,
    never turn into the opposite stance: the combiner is fitted on retrieved candidates, where a contradiction between
    sentences sharing few words is mostly noise, so it pulls such pairs towards neutral (since the 2026-12-05 refit,
    "Nobody is playing an instrument" against a guitarist reads 0.41 contradiction, 0.49 neutral).
    """
    from tests.helpers import CLEAR

    path = MODEL_DIR / "combiner.json"
    if not path.exists():
        pytest.skip("no shipped combiner")
    model = Combiner.load(path)
    assert model.meta and model.meta["claims"]  # fitted on traced dev claims, with its measurements
    report_style = [
        ("Russian forces captured Kherson on March 2.", "Russian forces captured Kherson.", "entailment"),
        ("Russian forces captured Kherson on March 2.", "Russian forces failed to capture Kherson.", "contradiction"),
        ("Forces advanced up to 40 km east of the city.", "Forces advanced 100 km east of the city.", "contradiction"),
        ("Russian forces have not captured Soledar.", "Russian forces captured Soledar.", "contradiction"),
        (
            "The White House confirmed that Iranian personnel are in Crimea.",
            "The White House denied that Iranian personnel are in Crimea.",
            "contradiction",
        ),
        (
            "Russian forces captured Berdyansk, 70 km west of Mariupol, on February 26.",
            "On February 26 Russian troops took Berdyansk, about 70 km west of Mariupol.",
            "entailment",
        ),
    ]
    names = ("entailment", "neutral", "contradiction")
    combined = load_verifier("shipped", "shipped")
    probs = combined.score([(p, h) for p, h, _ in report_style])
    assert [names[i] for i in probs.argmax(axis=1)] == [lab for *_, lab in report_style]

    bare = load_verifier("shipped", "off").score([(p, h) for p, h, _ in CLEAR])
    assert [names[i] for i in bare.argmax(axis=1)] == [lab for *_, lab in CLEAR]
    opposite = {"entailment": "contradiction", "contradiction": "entailment", "neutral": None}
    read = [names[i] for i in combined.score([(p, h) for p, h, _ in CLEAR]).argmax(axis=1)]
    assert not [(h, r) for (_, h, lab), r in zip(CLEAR, read) if r == opposite[lab]]


# ---------------------------------------------------------------------------- calibration from traces
def traced(
    dataset: str, claim: str, label: str, sentences: list[str], evidence: list[dict], table: dict
) -> calibrate.Traced:
    passages = [
        (f"r{i}:0-{len(s)}", f"r{i}" if dataset == "isw" else f"scifact-{i}", 0, s, "ISW")
        for i, s in enumerate(sentences)
    ]
    cands = [c for c in candidates(claim, passages, min_overlap=0.0) if c.start == 0 and c.end == len(c.text)]
    cands = score(claim, cands, FakeScorer(table))
    base = [c.probs for c in cands]
    t = calibrate.Traced(
        dataset,
        GoldClaim(claim, claim, label, evidence),
        cands,
        {c.report_id: "2022-06-01" for c in cands},
        base=[p.copy() for p in base],
    )
    t.x = features([(c.text, claim) for c in cands], np.asarray(base))
    t.y = calibrate.candidate_labels(t)
    return t


def test_candidate_labels_follow_the_gold_data():
    claim = "Russian forces captured Soledar."
    gold = "Russian forces have not captured Soledar despite false claims."
    other = "Wagner fighters attacked near Soledar."
    t = traced("isw", claim, "REFUTES", [gold, other], [{"date": "2022-06-01", "quote": gold}], {})
    labels = {c.text: y for c, y in zip(t.cands, t.y)}
    assert labels[gold] == 2 and labels[other] is None  # another ISW sentence may say the same: unknown
    t = traced("isw", claim, "REFUTES", [gold], [{"date": "2023-01-01", "quote": gold}], {})
    assert t.y == [None]  # the quote is gold only in the report of its date
    t = traced("scifact", claim, "SUPPORTS", [gold, other], [{"quote": gold, "doc_id": 0}], {})
    assert sorted(y for y in t.y) == [0, 1]  # SciFact rationales are exhaustive: the rest is neutral
    t = traced("isw", claim, "NOT_ENOUGH_INFO", [gold, other], [], {})
    assert t.y == [1, 1]


def test_evaluate_reports_every_view_on_the_same_traces():
    rng = np.random.default_rng(0)
    items = []
    for i in range(40):
        label = ("SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO")[i % 3]
        claim = f"Unit {i} captured the town of Alpha{i}."
        gold = (
            f"Unit {i} captured the town of Alpha{i} on June 1."
            if label == "SUPPORTS"
            else f"Unit {i} failed to capture the town of Alpha{i}."
        )
        noise = f"Unit {i} moved supplies toward Alpha{i} yesterday."
        p = {"SUPPORTS": (0.8, 0.1, 0.1), "REFUTES": (0.3, 0.2, 0.5)}.get(label, (0.1, 0.8, 0.1))
        table = {(gold, claim): p, (noise, claim): tuple(rng.dirichlet([1, 3, 1]))}
        ev = [{"date": "2022-06-01", "quote": gold, "doc_id": 0}] if label != "NOT_ENOUGH_INFO" else []
        items.append(traced("isw" if i % 2 else "scifact", claim, label, [gold, noise], ev, table))
    report = calibrate.evaluate(items, Thresholds(), folds=4)
    for name in ("isw", "scifact"):
        entry = report[name]
        assert {
            "cross_encoder_only",
            "combiner_cross_fitted",
            "combiner_cross_dataset",
            "pairs_cross_encoder_only",
            "pairs_combiner_cross_fitted",
        } <= set(entry)
        assert entry["cross_encoder_only"]["n"] == 20
        assert 0.0 <= entry["combiner_cross_fitted"]["accuracy"] <= 1.0
    model = calibrate.fit_traced(items)
    assert model.meta["C"] in calibrate.C_GRID and model.meta["claims"] == {"isw": 20, "scifact": 20}
    # the traces are left as they were: base probabilities back on every candidate
    assert all(np.allclose(c.probs, b) for t in items for c, b in zip(t.cands, t.base))


def test_a_combiner_fitted_on_another_verifier_is_not_applied(tmp_path, monkeypatch, caplog):
    """The shipped combiner carries the sha256 of the verifier.onnx it was fitted on; a retrained model without a
    refit combiner must get the bare cross-encoder, with a warning, not silently mismatched weights."""
    from bot.nli import combiner as combiner_module

    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "verifier.onnx").symlink_to(MODEL_DIR / "verifier.onnx")
    x, y = planted()
    model = fit(x, y)
    model.meta = {"verifier_sha256": combiner_module.model_fingerprint(folder)}
    model.save(folder / "combiner.json")
    monkeypatch.setattr(combiner_module, "MODEL_DIR", folder)
    load_verifier.cache_clear()
    try:
        assert isinstance(load_verifier("shipped", "shipped"), CombinedScorer)
        model.meta = {"verifier_sha256": "0" * 64}
        model.save(folder / "combiner.json")
        load_verifier.cache_clear()
        with caplog.at_level("WARNING"):
            assert not isinstance(load_verifier("shipped", "shipped"), CombinedScorer)
        assert "fitted on another verifier.onnx" in caplog.text
    finally:
        load_verifier.cache_clear()


def test_mismatches_are_described_for_readers():
    out = F.mismatches("The strike killed at least 50 people on April 8.", "The strike killed about a dozen people.")
    assert out == ["a number differs"]
    assert F.mismatches("Russian forces captured Kherson.", "Russian forces captured Kherson.") == []
