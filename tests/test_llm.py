"""The LLM path with LangChain's fake chat models: an invented citation, a misquote, a failing model, decomposition.
The verdict never comes from the LLM, and an answer that fails validation is replaced by the extractive one."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.engine import Engine
from bot.llm import Token, combine_verdicts, validate_answer
from bot.reply import PAIRING_CAUTION, Citation
from bot.service import open_engine
from bot.settings import Settings
from tests.helpers import citation

# Supported by the shipped chain on the seed report (tests/golden/seed.json, "seed-putin-law").
CLAIM = "On 23 March 2024 Putin signed a law releasing people who sign military contracts from criminal liability."


class FailingChatModel(FakeListChatModel):
    """A fake model whose every call fails, as an unreachable or timing-out server would."""

    def _call(self, *args, **kwargs):
        raise TimeoutError("model timed out")

    def _stream(self, *args, **kwargs):
        raise TimeoutError("model timed out")


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    data = tmp_path_factory.mktemp("llm-data")
    open_engine(Settings(data_dir=data)).store.close()  # seed once
    return data


def engine_with(library, responses: list[str] | None = None, model=None) -> Engine:
    """The LLM path's mechanics over the shipped decision's verdicts (decisive on the seed claims these tests use)."""
    e = open_engine(Settings(data_dir=library))
    e.chat_model = model or FakeListChatModel(responses=responses or [])
    return e


def cite(quote: str) -> Citation:
    return citation(quote)


def test_validation_drops_invented_markers_and_rejects_misquotes():
    cites = [cite("ISW believes Islamic State is most likely responsible.")]
    ok = validate_answer('ISW said "Islamic State is most likely responsible" [1] [7].', cites)
    assert ok.ok and "[7]" not in ok.text and "[1]" in ok.text and ok.notes
    bad = validate_answer('ISW said "Ukraine organised the attack" [1].', cites)
    assert not bad.ok


def test_combine_verdicts():
    assert combine_verdicts(["SUPPORTED", "SUPPORTED"]) == "SUPPORTED"
    assert combine_verdicts(["SUPPORTED", "REFUTED"]) == "REFUTED"
    assert combine_verdicts(["SUPPORTED", "CONFLICTING"]) == "CONFLICTING"
    assert combine_verdicts(["SUPPORTED", "NOT_ENOUGH_EVIDENCE"]) == "NOT_ENOUGH_EVIDENCE"


def test_llm_answer_is_used_when_valid(library):
    e = engine_with(
        library,
        [
            '["' + CLAIM + '"]',
            'ISW (2024-03-24) said Putin "signed a law on 23 March" [1].',
        ],
    )
    reply = e.check(CLAIM)
    assert reply.verdict == "SUPPORTED" and reply.answer_source == "llm" and reply.answer.endswith("[1].")
    e.store.close()


def test_an_invented_citation_is_removed(library):
    e = engine_with(library, ['["' + CLAIM + '"]', "Islamic State did it [1], says a secret CIA memo [9]."])
    reply = e.check(CLAIM)
    assert "[9]" not in reply.answer and any("[9]" in n for n in reply.notes)
    e.store.close()


def test_a_misquote_falls_back_to_the_extractive_answer(library):
    e = engine_with(library, ['["' + CLAIM + '"]', 'ISW wrote "Ukraine planned the attack" [1].'])
    reply = e.check(CLAIM)
    assert reply.answer_source == "extractive" and "Ukraine planned" not in reply.answer
    assert any("failed validation" in n for n in reply.notes)
    e.store.close()


def test_a_failing_model_falls_back_with_a_note(library):
    e = engine_with(library, model=FailingChatModel(responses=[""]))
    reply = e.check(CLAIM)
    assert reply.verdict == "SUPPORTED" and reply.answer_source == "extractive"
    assert reply.caution == PAIRING_CAUTION
    assert any("LLM unavailable" in n for n in reply.notes)
    e.store.close()


def test_compound_claims_are_decomposed_and_combined(library):
    parts = [CLAIM.rstrip("."), "ISW blamed Ukraine for the Crocus City Hall attack"]
    e = engine_with(library, ['["' + '", "'.join(parts) + '"]', "Mixed evidence [1]."])
    reply = e.check(" and ".join(parts))
    assert [s["claim"] for s in reply.subclaims] == parts
    assert reply.subclaims[0]["verdict"] == "SUPPORTED" and reply.subclaims[1]["verdict"] != "SUPPORTED"
    assert reply.verdict != "SUPPORTED" and reply.caution == ""  # the caution follows the combined verdict
    e.store.close()


def test_the_answer_streams_token_by_token(library):
    e = engine_with(library, ['["' + CLAIM + '"]', "Islamic State, per ISW [1]."])
    steps = list(e.stream_check(CLAIM))
    tokens = [s for s in steps if isinstance(s, Token)]
    assert len(tokens) > 3 and "".join(tokens) == "Islamic State, per ISW [1]."
    e.store.close()
