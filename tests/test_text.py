"""Sentence spans, passages and claim dates: the offsets every citation depends on."""

from datetime import date

from bot.text.claim_dates import dated_to_period, off_period, parse_claim_dates
from index.chunking import chunk
from index.sentences import sentence_spans

TEXT = (
    "Gen. Valery Gerasimov met U.S. officials on Jan. 5. Russian forces advanced 5 km near Bakhmut.[3] "
    "Ukrainian forces repelled assaults.\n\nA new paragraph starts here. It has two sentences."
)


def test_sentence_spans_are_slices_and_respect_abbreviations():
    spans = sentence_spans(TEXT)
    sents = [TEXT[a:b] for a, b in spans]
    assert sents[0] == "Gen. Valery Gerasimov met U.S. officials on Jan. 5."
    assert sents[1] == "Russian forces advanced 5 km near Bakhmut.[3]"
    assert len(sents) == 5
    assert all(s == s.strip() for s in sents)


def test_chunks_are_verbatim_whole_sentences_with_overlap():
    text = " ".join(f"Sentence number {i} says something about town {i}." for i in range(60))
    passages = chunk("r1", text, max_chars=300)
    assert len(passages) > 5
    for p in passages:
        assert text[p.start : p.end] == p.text
        assert p.text.endswith(".") and p.text[0].isupper()
        assert len(p.text) <= 300
    covered = set()
    for p in passages:
        covered.update(range(p.start, p.end))
    assert max(covered) == len(text) - 1
    assert passages[1].start < passages[0].end  # one sentence of overlap


def test_a_sentence_longer_than_the_limit_is_kept_whole():
    text = "Short one. " + "word " * 200 + "end. Last one."
    passages = chunk("r", text, max_chars=100)
    assert any(len(p.text) > 100 for p in passages)
    assert all(text[p.start : p.end] == p.text for p in passages)


def test_claim_dates():
    d = parse_claim_dates("As of June 12, 2022, Russian forces had taken full control of Severodonetsk.")
    assert d.as_of == date(2022, 6, 12)
    d = parse_claim_dates("The April 2022 missile strike on Kramatorsk killed about a dozen people.")
    assert d.as_of is None and d.window == (date(2022, 4, 1), date(2022, 4, 30))
    assert parse_claim_dates("on 9 March 2022 the Kremlin admitted it").window == (date(2022, 3, 9),) * 2
    assert parse_claim_dates("Russia attacked Ukraine").window is None
    assert parse_claim_dates("as of February 30, 2022 nothing").as_of is None  # impossible date ignored


def test_a_report_is_dated_to_the_claims_own_days_or_the_day_after():
    day = (date(2022, 5, 20), date(2022, 5, 20))
    assert dated_to_period("2022-05-20", day) and dated_to_period("2022-05-21", day)  # the next day's report tells it
    assert not dated_to_period("2022-05-22", day) and not dated_to_period("2022-05-19", day)
    month = (date(2022, 9, 1), date(2022, 9, 30))
    assert dated_to_period("2022-09-05", month) and not dated_to_period("2022-10-07", month)
    assert not dated_to_period("2022-05-20", (date(2022, 1, 1), date(2022, 12, 31)))  # a year is no day of its own
    assert not dated_to_period("2022-05-20", None) and not dated_to_period(None, day)
    assert not dated_to_period("not a date", day)


def test_off_period_sentences():
    day = (date(2022, 8, 9), date(2022, 8, 9))
    later = "Russian forces struck energy infrastructure with drones."
    assert off_period(later, "2022-10-11", day)  # written two months on, about something else
    assert not off_period("The August 9 attack destroyed eight aircraft.", "2022-10-11", day)  # restates the event
    assert not off_period(later, "2022-08-10", day) and not off_period(later, "2022-08-19", day)  # within the grace
    assert off_period(later, "2022-08-20", day)
    assert not off_period(later, "2022-10-11", (date(2022, 1, 1), date(2022, 12, 31)))  # a year: any report may sum up
    assert not off_period(later, "2022-10-11", None) and not off_period(later, None, day)
    assert not off_period(later, "not a date", day)


def test_a_month_a_report_names_is_of_the_report_s_year():
    """A January 2023 report's "January 22" is not the January 2024 a claim is about; a January 2023 report's
    "December" is December 2022."""
    jan_2024 = (date(2024, 1, 1), date(2024, 1, 31))
    said = "Macron stated he would not rule out sending Ukraine Leclerc tanks on January 22."
    assert off_period(said, "2023-01-24", jan_2024)
    dec_2022 = (date(2022, 12, 1), date(2022, 12, 31))
    assert not off_period("Russian forces struck Kherson in December.", "2023-01-20", dec_2022)
    assert off_period(
        "Russian forces struck Kherson in December.", "2023-01-20", (date(2021, 12, 1), date(2021, 12, 31))
    )
