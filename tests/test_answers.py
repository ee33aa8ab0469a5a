"""A question's candidate sentences ranked as answers, and the answering span, on hand-written candidates.

The sentences are short excerpts of ISW reports (and the seed report) or written like them; each test pits the
sentence that answers against ones that share as many of the question's words without answering it.
"""

from __future__ import annotations

import pytest

from bot.reply import Citation
from bot.steps.answers import Wanted, answer_line, answer_type, best_span, rank
from bot.text.attribution import attribute
from bot.text.words import content_words, overlap
from bot.verdict.candidates import Candidate


def cands(question: str, texts: list[str]) -> list[Candidate]:
    """Candidates as the chain builds them: overlap with the question, best first (ties in the given order)."""
    words = content_words(question)
    out = [
        Candidate(f"p{i}", f"r{i}", 0, len(t), t, overlap(words, t), attribute(t, "ISW"), i)
        for i, t in enumerate(texts)
    ]
    return sorted(out, key=lambda c: -c.overlap)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who commanded Russian forces in October 2022?", Wanted.PERSON),
        ("Which commander took over in January 2023?", Wanted.PERSON),
        ("When did the Moskva sink?", Wanted.DATE),
        ("On what date did Putin announce mobilization?", Wanted.DATE),
        ("How many men will be mobilized?", Wanted.NUMBER),
        ("Where did Russian forces retreat from on June 30?", Wanted.PLACE),
        ("In which city is the Zaporizhzhia Nuclear Power Plant?", Wanted.PLACE),
        ("What nationality were the detainees?", Wanted.NATIONALITY),
        ("Which flagship of the Black Sea Fleet sank?", Wanted.ENTITY),
        ("Why did Russian forces withdraw from Kherson?", Wanted.OTHER),
        ("Did Russian forces capture Kherson?", Wanted.OTHER),
    ],
)
def test_the_question_says_what_it_asks_for(question, kind):
    assert answer_type(question) == kind


@pytest.mark.parametrize(
    ("question", "sentence", "span"),
    [
        (
            "Who did ISW think was behind the Crocus City Hall attack?",
            "ISW believes Islamic State is most likely responsible for the terrorist attack on Crocus City Hall.",
            "Islamic State",
        ),
        (  # the name after its ranks, not the Kremlin or the office
            "Who commanded Russian forces in Ukraine in October 2022?",
            "The Kremlin named the Russian Commander of the Aerospace Forces, Army General Sergey Surovikin, the new "
            "commander of the Russian operation in Ukraine.",
            "Sergey Surovikin",
        ),
        (  # not the man the question names, nor the district it names
            "Who replaced Alexander Lapin as commander of the Central Military District?",
            "Commander of the 8th Combined Arms Army of the Southern Military District (SMD) Lieutenant-General Andrey "
            "Mordvichev reportedly replaced Colonel-General Alexander Lapin as commander of the Central Military "
            "District (CMD).",
            "Andrey Mordvichev",
        ),
        (  # "Who VERBed?": the name right before that verb, not a titled name earlier in the sentence
            "Who recommended the withdrawal across the Dnipro River?",
            "Defense Minister Sergei Shoigu held a televised meeting on November 9, where Surovikin recommended the "
            "withdrawal and Shoigu accepted his decision.",
            "Surovikin",
        ),
        (  # a place before "to take" is not the subject of "took over"
            "Who took over as theater commander in January 2023?",
            "Commander-in-Chief of the Ground Forces, Oleg Salyukov, arrived in Belarus to take control of exercises.",
            "Oleg Salyukov",
        ),
        (
            "Who is the financier of the Wagner Group?",
            "Wagner financier Yevgeniy Prigozhin extravagantly praised Surovikin.",
            "Yevgeniy Prigozhin",
        ),
        (  # the first date not already in the question
            "When did the Moskva sink?",
            "The Russian missile cruiser Moskva, flagship of the Black Sea Fleet, sunk on April 14 after a likely "
            "Ukrainian anti-ship missile strike on April 13.",
            "April 14",
        ),
        (
            "When did Russian forces seize Lysychansk after June 30?",
            "Russian forces entered Lysychansk on June 30 and completed the seizure of the city on July 2.",
            "July 2",
        ),
        (  # not the day of a month, nor the endnote
            "How many men did Russian officials say partial mobilization would impact?",
            "On September 21 Russian officials claimed that partial mobilization will only impact 300,000 men.[1]",
            "300,000",
        ),
        (
            "How many people were killed in the missile strike on the Kramatorsk rail station?",
            "A Russian Tochka-U missile struck the Kramatorsk rail station, killing at least 50 and wounding around a "
            "hundred evacuees.",
            "at least 50",
        ),
        (
            "Where did Russian forces retreat from on June 30, 2022?",
            "Russian forces retreated from the Snake Island on June 30 following a Ukrainian missile campaign.",
            "Snake Island",
        ),
        (
            "In which city is the Zaporizhzhia Nuclear Power Plant located?",
            "Russian forces have seized the city of Enerhodar in which the ZNPP is located.",
            "Enerhodar",
        ),
        (
            "What nationality were the Crocus City Hall detainees, according to Russian sources?",
            "Russian sources generally claimed that all the detainees were Tajik nationals.",
            "Tajik",
        ),
        (  # no answer of the asked kind: no span
            "When did the Moskva sink?",
            "The Moskva was the flagship of the Black Sea Fleet.",
            "",
        ),
    ],
)
def test_the_answering_span(question, sentence, span):
    assert best_span(question, sentence) == span


def test_the_sentence_that_states_the_appointment_comes_before_talk_about_commanders():
    """The chain's own order put the milblogger hit-list first: it shares more of the question's words."""
    q = "Who commanded Russian forces in Ukraine in October 2022?"
    hit_list = (
        "Russian milbloggers accused individual generals and military commanders of the Russian forces in Ukraine of "
        "developing a hit list of milbloggers in October 2022."
    )
    appointment = (
        "The Kremlin named the Russian Commander of the Aerospace Forces, Army General Sergey Surovikin, the new "
        "commander of the Russian operation in Ukraine."
    )
    cs = cands(q, [hit_list, appointment])
    assert cs[0].text == hit_list  # the order before ranking
    ranked = rank(q, cs)
    assert ranked[0].candidate.text == appointment and ranked[0].span == "Sergey Surovikin"
    assert ranked[0].score > ranked[1].score


def test_a_stated_date_comes_before_a_forecast_and_before_a_sentence_without_one():
    q = "When did Russian forces capture Soledar?"
    forecast = "Russian forces could capture Soledar in the coming days, though Ukrainian forces still hold positions."
    no_date = "Russian forces’ capture of Soledar is not an operationally significant development."
    stated = "Russian forces captured Soledar on January 11 after weeks of fighting."
    ranked = rank(q, cands(q, [forecast, no_date, stated]))
    assert [r.candidate.text for r in ranked] == [stated, no_date, forecast]
    assert ranked[0].span == "January 11" and ranked[1].span == ""


def test_a_number_question_prefers_the_count_of_what_it_counts():
    q = "How many wounded Ukrainian servicemen were evacuated from the Azovstal Steel Plant?"
    other_count = "Ukrainian servicemen held the Azovstal Steel Plant for 82 days before the evacuation."
    count = (
        "Russian and Ukrainian authorities negotiated the evacuation of 264 wounded Ukrainian servicemen from the "
        "Azovstal plant."
    )
    ranked = rank(q, cands(q, [other_count, count]))
    assert ranked[0].candidate.text == count and ranked[0].span == "264"


def test_a_question_of_another_kind_keeps_the_order_by_wording():
    q = "Why did Russian forces withdraw from the west bank of the Dnipro?"
    texts = [
        "Russian forces withdrew from the west bank of the Dnipro because Ukrainian strikes cut their supply lines.",
        "Russian forces withdrew across the Dnipro on November 9.",
    ]
    cs = cands(q, texts)
    ranked = rank(q, cs)
    assert [r.candidate for r in ranked] == cs and all(r.span == "" for r in ranked)


def test_two_sentences_count_a_little_against_one_that_answers_alone():
    q = "When did the Moskva sink?"
    one = "The Moskva sunk on April 14."
    pair = "The Moskva sunk on April 14. Russian officials denied any damage."
    ranked = rank(q, cands(q, [pair, one]))
    assert ranked[0].candidate.text == one


def test_the_answer_line_names_the_span_the_sentence_and_who_said_it():
    cite = Citation(
        report_id="seed",
        title="Crocus",
        date="2024-03-24",
        url="",
        source="ISW",
        quote="ISW believes Islamic State is most likely responsible for the terrorist attack on Crocus City Hall.",
        start=0,
        end=10,
        score=1.0,
        stance="related",
        attribution="ISW",
    )
    q = "Who did ISW think was behind the Crocus City Hall attack?"
    assert answer_line(q, cite) == f"Answer: Islamic State — “{cite.quote}” (ISW, 2024-03-24)"
    said = cite.model_copy(
        update={"quote": "Russian sources claimed the detainees were Tajik.", "attribution": "Russian sources"}
    )
    assert answer_line("Why were they detained?", said) == (
        "Answer: “Russian sources claimed the detainees were Tajik.” (Russian sources, in ISW, 2024-03-24)"
    )


def test_a_sentence_without_the_names_the_question_gives_is_about_something_else():
    """ "5 people" names what the question counts, but in Dnipro: the Kramatorsk sentence answers."""
    q = "How many people were killed in Kramatorsk?"
    elsewhere = "Russian missile strikes killed at least 5 people in Dnipro City."
    kramatorsk = "A Russian missile struck the Kramatorsk rail station, killing at least 50 and wounding a hundred."
    ranked = rank(q, cands(q, [elsewhere, kramatorsk]))
    assert ranked[0].candidate.text == kramatorsk and ranked[0].span == "at least 50"


def test_compose_cites_a_question_s_best_answer_first_with_a_score_between_0_and_1():
    from bot.labels import Kind
    from bot.steps.compose import citations_for

    q = "When did Russian forces capture Soledar?"
    texts = [
        "Russian forces could capture Soledar in the coming days, though Ukrainian forces still hold positions.",
        "Russian forces captured Soledar on January 11 after weeks of fighting.",
    ]
    cs = cands(q, texts)
    cited = citations_for(None, cs, Kind.QUESTION, question=q)
    assert cited[0][0].text == texts[1] and cited[0][1] == "related"
    assert all(0.0 <= s <= 1.0 for _, _, s in cited) and cited[0][2] > cited[1][2]
    assert [c.text for c, _, _ in citations_for(None, cs, Kind.QUESTION)] == [c.text for c in cs]  # no question


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from bot.service import open_engine
    from bot.settings import Settings

    engine = open_engine(Settings(data_dir=tmp_path_factory.mktemp("seeded")))
    yield engine
    engine.store.close()


@pytest.mark.parametrize(
    ("question", "span", "quote"),
    [
        (
            "Who did ISW think was behind the Crocus City Hall attack?",
            "Islamic State",
            "ISW believes Islamic State is most likely responsible for the terrorist attack on Crocus City Hall.",
        ),
        (
            "How many perpetrators did Russian authorities claim to have detained?",
            "four",
            "Russian authorities claimed to have detained four perpetrators",
        ),
    ],
)
def test_the_reply_to_a_question_opens_with_its_answer(seeded, question, span, quote):
    reply = seeded.check(question)
    first_line = reply.answer.split("\n", 1)[0]
    assert first_line.startswith(f"Answer: {span} — “") and first_line.endswith("2024-03-24)")
    assert quote in reply.citations[0].quote and reply.citations[0].quote in first_line
