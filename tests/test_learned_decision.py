"""The learned decision's files and the threshold rule that makes its confidence a promise: the shipped and the opt-in
decisions load, are fitted on what their meta says, and a threshold is the least probability above which held-out
verdicts reached the target precision."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bot.labels import Verdict
from bot.settings import Settings
from bot.training.fit_decision import MIN_DECISIVE, TracedClaim, choose_threshold, fit_decision
from bot.verdict.candidates import Scored, candidates
from bot.verdict.decision import Decision
from bot.verdict.features import FEATURES
from bot.verdict.learned import (
    BASE_DECISION,
    ISW_DECISION,
    REDATED_REFUTED,
    SUBSTITUTION_CANDIDATES,
    SUBSTITUTION_REFUTED,
    SWAP_REFUTED,
    LearnedDecision,
    SourceGatedDecision,
    named_decision,
)


@pytest.mark.parametrize(
    ("path", "claims", "target"), [(BASE_DECISION, 174, 0.90), (ISW_DECISION, 654, 0.95)], ids=("base", "isw")
)
def test_each_decision_file_loads_with_the_claims_it_was_fitted_on(path, claims, target):
    decision = LearnedDecision.load(path)
    assert decision.meta["claims"] == claims
    assert decision.meta["target_precision"] == target
    for verdict in (Verdict.SUPPORTED, Verdict.REFUTED):
        assert 0.5 < decision.threshold(verdict) <= 1.0 + 1e-6


def test_the_default_is_the_654_claim_decision_for_isw_reports_and_the_174_claim_decision_for_the_rest():
    assert Settings().decision == "shipped"
    base, isw = LearnedDecision.load(BASE_DECISION), LearnedDecision.load(ISW_DECISION)
    # Over the shipped verifier neither verdict of the 174-claim decision reached 0.90 on its folds: it decides nothing.
    assert base.threshold(Verdict.SUPPORTED) > 1.0 and base.threshold(Verdict.REFUTED) > 1.0
    assert isw.threshold(Verdict.SUPPORTED) < 1.0 and isw.threshold(Verdict.REFUTED) < 1.0
    shipped = named_decision("shipped", lambda rid: "ISW").__self__
    assert isinstance(shipped, SourceGatedDecision) and shipped.inner.thresholds == isw.thresholds
    assert shipped.fallback.__self__.thresholds == base.thresholds
    assert named_decision("isw", lambda rid: "ISW").__self__.inner.thresholds == isw.thresholds
    refuted_only = named_decision("isw-refuted", lambda rid: "ISW").__self__
    assert refuted_only.inner.threshold(Verdict.SUPPORTED) > 1.0
    assert refuted_only.inner.threshold(Verdict.REFUTED) == isw.threshold(Verdict.REFUTED)
    assert named_decision("base", lambda rid: "ISW").__self__.thresholds == base.thresholds
    # Behind the gate: a claim resting on a report of another source gets the 174-claim decision, which decides nothing.
    refuted_elsewhere = named_decision("isw-refuted", lambda rid: "Reuters").__self__
    assert refuted_elsewhere.fallback.__self__.thresholds == base.thresholds
    assert named_decision("no-such-name", lambda rid: "") is None


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
    # Pooled repeats ask for proportionally more verdicts: over at least ten, 0.85 is never reached (0.80 at ten).
    assert choose_threshold(p, pred, y, 0, 0.80, least=10) == pytest.approx(0.81)
    assert choose_threshold(p, pred, y, 0, 0.85, least=10) > 1.0


def test_repeated_cross_validation_pools_its_draws_and_is_reproducible():
    # 90 invented claims in 30 report groups: feature 0 leans to SUPPORTS, feature 1 to REFUTES, with noise.
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], 30)
    x = rng.normal(size=(90, 2)) + np.eye(3, 2)[y] * 2.0
    traced = [TracedClaim(None, (), x[i], int(y[i]), f"report-{i % 30}") for i in range(90)]  # type: ignore[arg-type]
    one, p_one = fit_decision(traced)
    pooled, p_pooled = fit_decision(traced, repeats=4)
    assert one.meta["repeats"] == 1 and pooled.meta["repeats"] == 4
    assert p_one.shape == p_pooled.shape == (90, 3) and np.allclose(p_pooled.sum(axis=1), 1.0)
    # the first draw is the single cross-validation's draw: the same folds, the same C
    assert np.allclose(p_one.argmax(axis=1), p_pooled.argmax(axis=1))
    again, _ = fit_decision(traced, repeats=4)
    assert again.thresholds == pooled.thresholds and again.temperature == pooled.temperature


def test_thresholds_are_certified_on_written_claims_alone():
    # 90 written claims in 30 report groups where REFUTES cannot be told from NOT ENOUGH INFO, and 60 synthetic
    # REFUTES claims that feature 1 marks plainly: counted in, they would certify a REFUTED threshold that the written
    # claims never earn.
    from bot.gold import GoldClaim
    from bot.labels import GoldLabel
    from bot.training.date_moved import MOVED_SUFFIX

    rng = np.random.default_rng(0)
    y = np.concatenate([np.repeat([0, 1, 2], 30), np.ones(60, dtype=int)])
    x = rng.normal(size=(150, 2))
    x[:30, 0] += 3.0
    x[90:, 1] += 4.0

    def traced(suffix: str) -> list[TracedClaim]:
        out = []
        for i in range(150):
            gold = GoldClaim(f"c{i}" + (suffix if i >= 90 else ""), "claim", GoldLabel.REFUTES, [])
            out.append(TracedClaim(gold, (), x[i], int(y[i]), f"report-{i % 30}"))
        return out

    marked, _ = fit_decision(traced(MOVED_SUFFIX), repeats=2)
    unmarked, _ = fit_decision(traced(""), repeats=2)
    assert marked.threshold(Verdict.REFUTED) > 1.0
    assert unmarked.threshold(Verdict.REFUTED) < 1.0
    assert marked.threshold(Verdict.SUPPORTED) < 1.0
    assert (marked.meta["claims"], marked.meta["date_moved"]) == (90, 60)


def test_a_decision_reads_the_features_it_was_fitted_on(tmp_path):
    # A decision fitted before features were added names fewer of them: it reads its own columns of a full row, the
    # same probabilities as from that subset alone, and one naming a feature this code lacks is refused.
    import json

    shipped = json.loads(ISW_DECISION.read_text())
    names = shipped["features"]
    assert set(names) <= set(FEATURES)
    decision = LearnedDecision.load(ISW_DECISION)
    row = np.random.default_rng(0).uniform(size=len(FEATURES))
    subset = row[[FEATURES.index(f) for f in names]]
    z = ((subset - decision.mean) / decision.scale) @ decision.weights.T + decision.bias
    expected = np.exp(z / decision.temperature) / np.exp(z / decision.temperature).sum()
    assert np.allclose(decision.probabilities(row[None, :])[0], expected)
    saved = tmp_path / "decision.json"
    decision.save(saved)
    assert LearnedDecision.load(saved).features == tuple(names)
    saved.write_text(json.dumps(shipped | {"features": [*names[:-1], "no_such_feature"]}))
    with pytest.raises(ValueError, match="no_such_feature"):
        LearnedDecision.load(saved)
    saved.write_text(json.dumps(shipped | {"features": names[:-1]}))
    with pytest.raises(ValueError, match="weights of shape"):
        LearnedDecision.load(saved)


def test_the_engine_decides_with_the_named_decision(tmp_path):
    from bot.service import open_engine

    for spec in ("shipped", "isw-refuted", "isw", "base"):
        engine = open_engine(Settings(data_dir=tmp_path / spec, decision=spec), seed=False)
        try:
            decider = engine.decider.__self__
            if spec == "base":
                assert decider.meta["claims"] == 174
            else:
                assert isinstance(decider, SourceGatedDecision) and decider.inner.meta["claims"] == 654
                assert decider.fallback.__self__.meta["claims"] == 174
                assert decider.source_of("no-such-report") == ""
                assert (decider.inner.threshold(Verdict.SUPPORTED) > 1.0) == (spec == "isw-refuted")
                assert decider.inner.threshold(Verdict.REFUTED) < 1.0
        finally:
            engine.store.close()


def _scored(rid: str, text: str, probs: tuple[float, float, float]) -> Scored:
    """The candidate sentence ``text`` of report ``rid``, scored ``probs`` by a fake verifier."""
    (cand,) = candidates(text, [("p-" + rid, rid, 0, text, "")])[:1]
    return Scored.of(cand, np.asarray(probs, dtype=np.float32))


class _Fixed:
    """A fake inner decision that returns one given Decision."""

    def __init__(self, decision: Decision) -> None:
        self.decision = decision

    def decide(self, claim: str, scored) -> Decision:
        """The given decision, whatever the claim."""
        return self.decision


SOURCES = {"isw-1": "Institute for the Study of War (ISW)", "isw-2": "ISW", "news-1": "Reuters", "sci-1": "SciFact"}


@pytest.mark.parametrize(
    ("support", "related", "inner_kept"),
    [
        (["isw-1"], ["isw-1"], True),  # decisive, resting on an ISW report
        (["isw-1", "isw-2"], ["isw-1"], True),
        (["news-1"], ["news-1"], False),  # decisive on a news item: the fallback decides
        (["isw-1", "sci-1"], ["isw-1"], False),  # resting partly on another kind of report
        ([], ["sci-1"], False),  # undecided, leading with a scientific abstract
        ([], ["isw-2"], True),
    ],
)
def test_the_source_gate_keeps_the_inner_decision_only_on_reports_of_its_kind(support, related, inner_kept):
    text = "Russian forces captured Kherson on March 2."
    s = [_scored(rid, text, (0.9, 0.05, 0.05)) for rid in support]
    r = [_scored(rid, text, (0.3, 0.4, 0.3)) for rid in related]
    verdict = Verdict.SUPPORTED if support else Verdict.NOT_ENOUGH_EVIDENCE
    inner = Decision(verdict, 0.9, s, [], r)
    fallback = Decision(Verdict.NOT_ENOUGH_EVIDENCE, 0.5, [], [], r)
    gate = SourceGatedDecision(_Fixed(inner), lambda claim, scored: fallback, SOURCES.__getitem__)
    assert gate.decide(text, s + r) is (inner if inner_kept else fallback)


def test_only_keeps_the_named_verdicts_thresholds_and_puts_the_others_out_of_reach():
    isw = LearnedDecision.load(ISW_DECISION)
    refuted_only = isw.only(Verdict.REFUTED)
    assert refuted_only.threshold(Verdict.REFUTED) == isw.threshold(Verdict.REFUTED)
    assert refuted_only.threshold(Verdict.SUPPORTED) > 1.0
    assert refuted_only.weights is isw.weights and refuted_only.temperature == isw.temperature


def test_an_undecided_inner_decision_yields_to_a_decisive_fallback():
    text = "Russian forces captured Kherson on March 2."
    lead = _scored("isw-1", text, (0.3, 0.4, 0.3))
    refute = _scored("news-1", text, (0.05, 0.05, 0.9))
    inner = Decision(Verdict.NOT_ENOUGH_EVIDENCE, 0.6, [], [], [lead])
    decisive = Decision(Verdict.REFUTED, 0.9, [], [refute], [lead])
    gate = SourceGatedDecision(_Fixed(inner), lambda claim, scored: decisive, SOURCES.__getitem__)
    assert gate.decide(text, [lead, refute]) is decisive


def test_a_mistyped_decision_name_is_refused_with_the_names_that_exist(tmp_path):
    from bot.service import open_engine

    engine = open_engine(Settings(data_dir=tmp_path, decision="isw_refuted"), seed=False)
    try:
        with pytest.raises(ValueError, match="isw-refuted"):
            _ = engine.decider
        assert (
            named_decision("shipped", str).__self__.inner.thresholds
            == named_decision("isw", str).__self__.inner.thresholds
        )
    finally:
        engine.store.close()


def _constant(bias: tuple[float, float, float], threshold: float) -> LearnedDecision:
    """A decision whose probabilities ignore the features (only ``bias`` counts), both thresholds at ``threshold``."""
    return LearnedDecision(
        weights=np.zeros((3, len(FEATURES))),
        bias=np.array(bias),
        mean=np.zeros(len(FEATURES)),
        scale=np.ones(len(FEATURES)),
        thresholds={"SUPPORTED": threshold, "REFUTED": threshold},
    )


def _sure_of_support() -> LearnedDecision:
    """A decision that says SUPPORTED, whatever the features, wherever a supporting sentence is found."""
    return _constant((5.0, 0.0, 0.0), 0.5)


def test_a_sentence_whose_slots_the_claim_swaps_refutes_it_where_it_would_have_supported_it():
    """The verifier reads "five helicopters and three jets" against "five jets, three helicopters" as entailed (0.98);
    the decision must not pass that on as SUPPORTED: where it was sure enough to say SUPPORTED, the sentence refutes
    the claim (the same facts paired otherwise); below that it neither decides nor leans."""
    sure = _sure_of_support()
    quote = "Ukrainian forces shot down 10 Russian aircraft, including five jets and three helicopters, on March 16."
    s = _scored("isw-1", quote, (0.98, 0.01, 0.01))
    faithful = sure.decide("Ukraine shot down three helicopters and five jets on March 16.", [s])
    assert faithful.verdict == Verdict.SUPPORTED and faithful.support == [s]
    swapped = sure.decide("Ukraine shot down five helicopters and three jets on March 16.", [s])
    assert swapped.verdict == Verdict.REFUTED and swapped.refute == [s] and swapped.support == []
    assert swapped.confidence == SWAP_REFUTED
    unsure = replace(sure, thresholds={"SUPPORTED": 0.999, "REFUTED": 0.999})
    held = unsure.decide("Ukraine shot down five helicopters and three jets on March 16.", [s])
    assert held.verdict == Verdict.NOT_ENOUGH_EVIDENCE and held.lean is None


def test_a_read_swap_does_not_refute_a_claim_another_sentence_supports_without_one():
    """The parse can be wrong: where another retrieved sentence supports the claim as strongly and holds no swap, the
    swap read in the best one decides nothing."""
    sure = _sure_of_support()
    claim = "Ukraine shot down five helicopters and three jets on March 16."
    swapped = _scored(
        "isw-1", "Ukrainian forces shot down five jets and three helicopters on March 16.", (0.98, 0.01, 0.01)
    )
    faithful = _scored("isw-2", "On March 16 Ukraine downed five helicopters and three jets.", (0.97, 0.02, 0.01))
    alone = sure.decide(claim, [swapped])
    assert alone.verdict == Verdict.REFUTED and alone.slot_read and alone.refute == [swapped]
    both = sure.decide(claim, [swapped, faithful])
    assert both.verdict != Verdict.REFUTED


class _FakeReader:
    """A fake verifier that reads every pair as entailed with one given probability, and keeps what it was asked."""

    name = "fake-reader"

    def __init__(self, entail: float) -> None:
        self.entail = entail
        self.asked: list[tuple[str, str]] = []

    def score(self, pairs):
        self.asked += list(pairs)
        return np.array([[self.entail, 1.0 - self.entail, 0.0] for _ in pairs])


POLAND = (
    "The Polish Foreign Ministry stated on November 15 that a Russian-made missile killed two Polish citizens in the "
    "border village of Przewodow."
)
FIVE_KILLED = (
    "Poland's Foreign Ministry said the missile that hit Przewodow on November 15, 2022 killed five Polish citizens."
)


def _undecided(reader: _FakeReader | None) -> LearnedDecision:
    """A decision that, by its features, never decides: only a substitution can."""
    return _constant((0.0, 0.0, 5.0), 0.999).with_reader(reader)


def test_a_sentence_stating_the_claim_with_another_value_refutes_it():
    """The verifier leaves "killed five" against "killed two" open (0.2 entailed); read with the sentence's value put
    back, the claim is entailed, so the sentence states the claim's fact with another number: REFUTED, that sentence
    first, at the stated confidence."""
    reader = _FakeReader(0.8)
    s = _scored("isw-1", POLAND, (0.2, 0.7, 0.1))
    d = _undecided(reader).decide(FIVE_KILLED, [s])
    assert d.verdict == Verdict.REFUTED and d.refute == [s] and d.support == [] and d.slot_read
    assert d.confidence == SUBSTITUTION_REFUTED
    assert reader.asked == [(s.text, FIVE_KILLED.replace("five", "two"))]


def test_a_substitution_decides_nothing_where_the_restored_claim_is_not_entailed():
    s = _scored("isw-1", POLAND, (0.2, 0.7, 0.1))
    assert _undecided(_FakeReader(0.5)).decide(FIVE_KILLED, [s]).verdict == Verdict.NOT_ENOUGH_EVIDENCE
    # Entailed, but no more than the claim itself: the sentence does not tell the two values apart.
    even = _scored("isw-1", POLAND, (0.85, 0.1, 0.05))
    assert _undecided(_FakeReader(0.8)).decide(FIVE_KILLED, [even]).verdict != Verdict.REFUTED


def test_a_substitution_decides_nothing_where_another_sentence_states_the_claims_value():
    """Two sentences, two values in one place: the reports disagree or speak of two events; nothing is decided."""
    s = _scored("isw-1", POLAND, (0.2, 0.7, 0.1))
    other = _scored("isw-2", POLAND.replace("two Polish", "five Polish"), (0.3, 0.6, 0.1))
    assert _undecided(_FakeReader(0.8)).decide(FIVE_KILLED, [s, other]).verdict == Verdict.NOT_ENOUGH_EVIDENCE


def test_a_substitution_is_read_only_with_a_reader_and_only_in_the_first_candidates():
    s = _scored("isw-1", POLAND, (0.2, 0.7, 0.1))
    assert _undecided(None).decide(FIVE_KILLED, [s]).verdict == Verdict.NOT_ENOUGH_EVIDENCE
    unrelated = [_scored(f"isw-{i}", f"Shelling continued near Kharkiv on day {i}.", (0.1, 0.8, 0.1)) for i in range(9)]
    late = [*unrelated[:SUBSTITUTION_CANDIDATES], s]
    assert _undecided(_FakeReader(0.8)).decide(FIVE_KILLED, late).verdict == Verdict.NOT_ENOUGH_EVIDENCE


def test_the_engine_gives_its_verifier_to_the_isw_decision():
    reader = _FakeReader(0.8)
    gated = named_decision("shipped", lambda rid: "ISW", reader).__self__
    assert gated.inner.reader is reader and gated.fallback.__self__.reader is None


MOSKVA = (
    "The Russian missile cruiser Moskva, flagship of the Black Sea Fleet, sunk on April 14 after a likely Ukrainian "
    "anti-ship missile strike on April 13."
)
MOSKVA_IN_JUNE = "The Moskva sank in June 2022"


def _written(s: Scored, written: str | None) -> Scored:
    """``s`` as from a report written on ``written``."""
    return Scored.of(replace(s, written=written), s.probs)


def test_a_sentence_dating_the_claims_event_in_another_month_refutes_it():
    """Read with the sentence's date put back, the claim is entailed: the April report dates the sinking, so a claim
    moving it to June is REFUTED on that sentence, the dates named."""
    reader = _FakeReader(0.8)
    s = _written(_scored("isw-1", MOSKVA, (0.1, 0.3, 0.6)), "2022-04-14")
    d = _undecided(reader).decide(MOSKVA_IN_JUNE, [s])
    assert d.verdict == Verdict.REFUTED and d.refute == [s] and d.slot_read and d.confidence == REDATED_REFUTED
    assert reader.asked == [(s.text, "The Moskva sank on April 14, 2022")]


def test_a_redating_decides_nothing_where_another_sentence_dates_the_event_in_the_claims_month_or_none_is_dated():
    s = _written(_scored("isw-1", MOSKVA, (0.1, 0.3, 0.6)), "2022-04-14")
    june = _written(
        _scored("isw-2", "Ukrainian sources said the Moskva sank on June 2.", (0.3, 0.4, 0.3)), "2022-06-03"
    )
    assert _undecided(_FakeReader(0.8)).decide(MOSKVA_IN_JUNE, [s, june]).verdict == Verdict.NOT_ENOUGH_EVIDENCE
    undated = _written(s, None)  # a report whose date is unknown: the year of "April 14" is not known either
    assert _undecided(_FakeReader(0.8)).decide(MOSKVA_IN_JUNE, [undated]).verdict == Verdict.NOT_ENOUGH_EVIDENCE
    assert _undecided(_FakeReader(0.5)).decide(MOSKVA_IN_JUNE, [s]).verdict == Verdict.NOT_ENOUGH_EVIDENCE


def test_the_date_relation_of_the_most_aligned_sentence_is_a_feature():
    # The most aligned sentence's report written outside the claim's period, before it, or within its own days: what
    # tells a claim whose event the library dates elsewhere from a true dated claim.
    from dataclasses import replace as with_fields

    from bot.verdict.features import claim_features

    claim = "Russian forces struck Kremenchuk on June 27, 2022."
    top = _scored("isw-1", "Russian forces struck a shopping centre in Kremenchuk on June 27.", (0.9, 0.05, 0.05))
    other = _scored("isw-2", "Fighting continued near Bakhmut.", (0.1, 0.1, 0.8))
    names = ("top_off_period", "top_predates", "top_own_days")

    def relation(first: Scored) -> list[float]:
        row = claim_features(claim, [first, other])
        return [row[FEATURES.index(n)] for n in names]

    assert relation(with_fields(top, dated=True)) == [0.0, 0.0, 1.0]
    assert relation(with_fields(top, off_period=True, predates=True)) == [1.0, 1.0, 0.0]
    # Only the most aligned sentence counts: the same marks on a less aligned one change nothing.
    row = claim_features(claim, [top, with_fields(other, off_period=True)])
    assert [row[FEATURES.index(n)] for n in names] == [0.0, 0.0, 0.0]
