"""End to end on the seed library with the shipped verifier: verdicts, verbatim quotes, retrieved-only citations."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.request import InputError
from bot.service import open_engine
from bot.settings import Settings


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    e = open_engine(Settings(data_dir=tmp_path_factory.mktemp("seeded")))
    yield e
    e.store.close()


def test_seeds_are_ingested_on_first_open(engine: Engine):
    assert [r.date for r in engine.store.reports()] == ["2024-03-24"]


ISLAMIC_STATE = "ISW assessed that Islamic State was most likely behind the Crocus City Hall attack"


def test_isw_islamic_state_claim_leads_with_its_verbatim_quote_and_is_never_refuted(engine: Engine):
    reply = engine.check(ISLAMIC_STATE)
    assert reply.verdict != "REFUTED" and reply.evidence_found
    expected = "ISW believes Islamic State is most likely responsible for the terrorist attack on Crocus City Hall."
    assert reply.citations[0].quote == expected
    for c in reply.citations:
        assert engine.store.report_text(c.report_id)[c.start : c.end] == c.quote
        assert c.date == "2024-03-24" and c.attribution


@pytest.mark.xfail(
    strict=True,
    reason="known limit (BENCHMARKS.md): an undecided reply leads with the sentence its lean rests on, here a Kremlin "
    "sentence the verifier reads as a contradiction; leading with the passage most about the claim instead lost more "
    "gold first citations than it gained on held-out sets 1-32",
)
def test_the_attackers_claim_leads_with_irina_volks_statement(engine: Engine):
    reply = engine.check("The attackers were Russian citizens")
    assert reply.verdict != "SUPPORTED" and reply.evidence_found
    assert "Irina Volk" in reply.citations[0].quote


@pytest.mark.xfail(
    strict=True,
    reason="known limit (BENCHMARKS.md): the shipped verifier reads 'was behind the attack' as contradicting 'is "
    "responsible for the attack', so this true claim leans REFUTED, undecided",
)
def test_isw_islamic_state_claim_does_not_lean_refuted(engine: Engine):
    assert engine.check(ISLAMIC_STATE).lean != "REFUTED"


def test_ukraine_blame_claim_is_never_supported(engine: Engine):
    reply = engine.check("ISW blamed Ukraine for the Crocus City Hall attack")
    assert reply.verdict in ("REFUTED", "NOT_ENOUGH_EVIDENCE")


def test_citations_come_only_from_retrieved_passages(engine: Engine):
    trace = engine.trace("Irina Volk said none of the suspects were Russian citizens")
    spans = [(h.report_id, h.start, h.end) for h in trace.evidence.hits]
    reply = engine.check("Irina Volk said none of the suspects were Russian citizens")
    for c in reply.citations:
        assert any(r == c.report_id and s <= c.start and c.end <= e for r, s, e in spans)


def test_questions_get_passages_not_a_verdict(engine: Engine):
    reply = engine.check("Who does ISW think attacked Crocus City Hall?")
    assert reply.kind == "question" and reply.verdict is None
    assert "Islamic State" in reply.citations[0].quote


def test_claim_about_a_later_period_than_any_report_is_not_enough_evidence(engine: Engine):
    reply = engine.check("Islamic State attacked Crocus City Hall again in August 2025")
    assert reply.verdict == "NOT_ENOUGH_EVIDENCE"
    assert not any(c.stance == "supports" for c in reply.citations)  # a March 2024 report cannot attest August 2025


def test_with_the_rules_a_claims_period_is_a_hard_filter(tmp_path):
    engine = open_engine(Settings(data_dir=tmp_path / "rules", decision="rules"))
    reply = engine.check("Islamic State attacked Crocus City Hall again in August 2025")
    assert reply.verdict == "NOT_ENOUGH_EVIDENCE" and reply.filters["date_from"] == "2025-08-01"
    engine.store.close()


def test_date_filters_exclude_evidence(engine: Engine):
    reply = engine.check("Islamic State attacked Crocus City Hall", as_of="2023-01-01")
    assert reply.citations == [] and reply.verdict == "NOT_ENOUGH_EVIDENCE"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"claim": ""}, "empty"),
        ({"claim": "   \n\t "}, "empty"),
        ({"claim": "x" * 5000}, "over the limit"),
        ({"claim": "?!…"}, "no words"),
        ({"claim": "ok claim", "as_of": "2022-13-45"}, "not a date"),
        ({"claim": "ok claim", "date_from": "2023-01-02", "date_to": "2022-01-01"}, "after"),
        ({"claim": "ok claim", "top_k": 0}, "top_k"),
        ({"claim": None}, "text"),
    ],
)
def test_bad_requests_raise_input_errors(engine: Engine, kwargs, message):
    with pytest.raises(InputError, match=message):
        engine.check(**kwargs)


def test_control_characters_and_mixed_scripts_are_handled(engine: Engine):
    reply = engine.check("Islamic\x00 State \x07 attacked Крокус City Hall 🎵")
    assert "\x00" not in reply.claim and reply.kind == "claim"


def test_citations_name_the_differences_they_show(engine: Engine):
    reply = engine.check("Russian sources claimed that all the detainees were Chechen nationals")
    tajik = [c for c in reply.citations if "Tajik" in c.quote]
    assert tajik and "a nationality differs" in tajik[0].mismatches
    assert reply.verdict != "SUPPORTED"
    question = engine.check("Who were the detainees?")
    assert question.citations and all(not c.mismatches for c in question.citations)


def test_sentences_from_outside_the_claims_period_are_marked(engine: Engine):
    # The seed report is dated 2024-03-24: two weeks after March 10, beyond the grace; the same week as March 22.
    early = engine.trace("On March 10, 2024, Islamic State attacked Crocus City Hall.").judgement.candidates
    assert early and any(c.off_period for c in early)
    assert all(c.off_period == ("March" not in c.text) for c in early)  # a sentence naming March may restate it
    assert not any(
        c.off_period
        for c in engine.trace("On March 22, 2024, Islamic State attacked Crocus City Hall.").judgement.candidates
    )
    as_of = engine.trace("As of April 30, 2024, Islamic State had attacked Crocus City Hall.").judgement.candidates
    assert as_of and not any(c.off_period for c in as_of)  # a state 'as of' a day: earlier reports all speak to it


def test_no_quote_opens_with_an_endnote_marker_left_alone_at_a_paragraphs_end(tmp_path):
    """ISW's 22 March 2022 report ends a paragraph with "… borders.” [28]"; the splitter cuts "[28]" off as a sentence,
    and a pair opening with it was quoted as "[28]" plus the next paragraph, beside that paragraph's own sentence."""
    import json

    from tests.helpers import need_shared_data

    reports = need_shared_data() / "isw-2022" / "reports.jsonl"
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    row = next(r for r in map(json.loads, reports.open()) if r["id"] == "isw-2022-03-22")
    (seeds / "report.jsonl").write_text(json.dumps(row) + "\n")
    engine = open_engine(Settings(data_dir=tmp_path / "data", seeds_dir=seeds))
    try:
        reply = engine.check("Russian forces captured Kherson in early March 2022")
        assert reply.citations
        spans = [(c.report_id, c.start, c.end) for c in reply.citations]
        assert len(spans) == len(set(spans))
        for c in reply.citations:
            assert not c.quote.startswith("[") and engine.store.report_text(c.report_id)[c.start : c.end] == c.quote
        assert any(c.quote.startswith("Ukrainian forces additionally published a map") for c in reply.citations)
    finally:
        engine.store.close()
