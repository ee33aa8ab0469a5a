"""A question reworded as the report sentences that answer it, searched beside it; its dates kept as the period.

Why these tests: reports state facts ("the Kremlin appointed Surovikin commander of …") and never ask "Who commanded
Russian forces in October 2022?"; searched alone, the question's words (and its dates, as words) rank polls and
hit lists above the appointment. The retrieval tests run over a fake keyword index where exactly that happens.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from bot.labels import Kind
from bot.request import CheckRequest
from bot.steps.answers import alignment, focus_words, rank
from bot.steps.plan import plan, rewrites
from bot.steps.search import retrieve
from bot.text.claim_dates import without_dates
from bot.text.lexicon import STOP_WORDS
from bot.trace import Query
from bot.verdict.candidates import Candidate
from index.search import PassageInfo
from tests.helpers import assert_satisfies_passage_search

QUESTION = "Who commanded Russian forces in Ukraine in October 2022?"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            QUESTION,
            [
                "commanded Russian forces in Ukraine",
                "commander of Russian forces in Ukraine",
                "appointed commander of Russian forces in Ukraine",
            ],
        ),
        ("Who heads Ukraine's Main Intelligence Directorate?", ["head of Ukraine's Main Intelligence Directorate"]),
        ("Who led the Wagner Group in 2022?", ["leader of the Wagner Group"]),
        ("Who is the financier of the Wagner Group?", ["the financier of the Wagner Group", "Wagner Group financier"]),
        ("When did the Moskva sink?", ["the Moskva sink sank sunk"]),  # the past a report writes, beside the base
        ("Which flagship of the Black Sea Fleet was sunk in April 2022?", ["flagship of the Black Sea Fleet was sunk"]),
        ("How many men did officials say it would impact?", ["officials say said it would impact men"]),
        ("Where did Russian forces retreat from on June 30, 2022?", ["Russian forces retreat from"]),
    ],
)
def test_a_question_is_reworded_as_the_sentences_that_answer_it(question, expected):
    found = rewrites(question)
    for text in expected:
        assert any(text in r for r in found), (text, found)
    assert not any(re.search(r"\b(?:2022|October|April|June)\b", r) for r in found)  # dates stay in the plan


@pytest.mark.parametrize(
    "text",
    [
        "Did Russian forces capture Kherson?",  # yes or no: nothing to reword
        "Russian forces captured Kherson in March 2022",
        "Who?",
    ],
)
def test_no_rewrite_without_a_wh_question(text):
    assert rewrites(text) == ()


def test_the_plan_searches_the_rewrites_and_keeps_the_question_s_dates_as_its_period():
    p = plan(CheckRequest.of(QUESTION))
    assert p.kind == Kind.QUESTION
    assert p.query.text == QUESTION and "commander of Russian forces in Ukraine" in p.query.rewrites
    assert p.query.texts == (QUESTION, *p.query.rewrites)
    assert p.query.prefer == (20221001, 20221110)  # October and the days after it rank higher
    assert p.period is not None and p.period[0].isoformat() == "2022-10-01"
    assert p.filters == {"as_of": None, "date_from": None, "date_to": None}  # a preference, no filter
    claim = plan(CheckRequest.of("Sergey Surovikin commanded Russian forces in Ukraine in October 2022"))
    assert claim.kind == Kind.CLAIM and claim.query.rewrites == (
        "Sergey Surovikin commanded Russian forces in Ukraine",
    )


def test_without_dates_drops_the_dates_the_plan_reads_and_keeps_the_rest():
    assert without_dates(QUESTION) == "Who commanded Russian forces in Ukraine?"
    assert without_dates("What happened as of 2022-06-05 near Izyum on 9 March 2022?") == "What happened near Izyum?"
    assert without_dates("How many were evacuated on May 16?") == "How many were evacuated on May 16?"  # no year


class WordIndex:
    """A fake keyword index: passages ranked by how many of the query's words (lower-cased, stop words aside) they
    hold; the dense side records the vectors it is given and finds nothing."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        self.passages = {pid: PassageInfo(pid, f"r-{pid}", 0, len(t), 20221010) for pid, t in texts.items()}
        self.vectors: list[np.ndarray] = []

    @staticmethod
    def _words(text: str) -> set[str]:
        return {w.lower() for w in re.findall(r"\w+", text)} - STOP_WORDS

    def dense_search(self, vector: np.ndarray, k: int, date_from: int = 0, date_to: int = 0) -> list[tuple[str, float]]:
        self.vectors.append(vector)
        return []

    def keyword_search(self, query: str, k: int, date_from: int = 0, date_to: int = 0) -> list[tuple[str, float]]:
        words = self._words(query)
        scored = [(pid, float(len(words & self._words(t)))) for pid, t in self.texts.items()]
        return sorted([s for s in scored if s[1] > 0], key=lambda s: -s[1])[:k]

    def passage_info(self, passage_id: str) -> PassageInfo | None:
        return self.passages.get(passage_id)


LIBRARY = {
    "poll": "Polls in October 2022 show that Russian support for the war in Ukraine is falling.",
    "lists": "Milbloggers in October 2022 published hit lists of Russian forces commanders in Ukraine.",
    "appointed": "The Kremlin appointed Army General Sergey Surovikin commander of Russian forces in Ukraine.",
}


def test_the_answering_passage_is_found_through_the_rewrites_only():
    index = WordIndex(LIBRARY)
    assert_satisfies_passage_search(index)
    query = plan(CheckRequest.of(QUESTION), top_k=2, candidates=3).query
    found = [h.passage_id for h in retrieve(index, query, np.zeros((len(query.texts), 4)))]
    assert "appointed" in found
    alone = [h.passage_id for h in retrieve(index, Query(QUESTION, top_k=2, candidates=3), np.zeros(4))]
    assert "appointed" not in alone  # the question's own words rank the poll and the hit lists first


def test_each_text_is_searched_with_its_own_vector_and_a_single_vector_searches_the_rewrites_by_keywords():
    index = WordIndex(LIBRARY)
    query = Query(QUESTION, rewrites=("commander of Russian forces in Ukraine", "appointed commander"))
    vectors = np.arange(12, dtype=np.float32).reshape(3, 4)
    retrieve(index, query, vectors)
    assert [v.tolist() for v in index.vectors] == vectors.tolist()
    index.vectors.clear()
    assert retrieve(index, query, vectors[0])[0].passage_id == "appointed"
    assert len(index.vectors) == 1


def _candidate(rid: str, text: str) -> Candidate:
    return Candidate(f"p-{rid}", rid, 0, len(text), text, 0.5, None, 0)  # type: ignore[arg-type]  # unread here


def test_a_question_s_dates_are_no_words_for_a_sentence_to_match():
    """ "since October 2017" says nothing about October 2022: the period weighs through the report's date instead."""
    assert focus_words(QUESTION) == {"commanded", "russian", "forces", "ukraine"}
    assert alignment(QUESTION, "Surovikin has served in the Aerospace Forces since October 2017.") == 0.25


def test_a_sentence_from_a_report_of_the_period_the_question_names_comes_first():
    text = "The Kremlin named Army General Sergey Surovikin the new commander of the Russian operation in Ukraine."
    later, then = _candidate("2023-01-11", text), _candidate("2022-10-08", text)
    assert rank(QUESTION, [later, then])[0].candidate is later  # a tie keeps the candidates' order
    ranked = rank(QUESTION, [later, then], outside_period={"2023-01-11"})
    assert ranked[0].candidate is then and ranked[0].span == "Sergey Surovikin" and ranked[0].score > ranked[1].score
