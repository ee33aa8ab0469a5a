"""What the chat shows, without a browser: the example claims it offers, the chat bubble, the evidence timeline.
(tests/test_browser.py drives the same pieces in Chromium.)"""

from __future__ import annotations

import re

import pytest

from bot.reply import Citation, Reply
from tests.helpers import SEEDS, citation


@pytest.mark.parametrize(
    "sentence",
    [
        "Karolina Hird, Riley Bailey, Grace Mappes, George Barros, and Frederick W. Kagan",
        "Mason Clark, George Barros, and Kateryna Stepanenko",
        "Russian Offensive Campaign Assessment, January 23, 2023",
        "January 24, 9:30 pm ET",
        "Click here to see ISW’s interactive map of the Russian invasion of Ukraine.",
        "This map is updated daily alongside the static maps present in this report.",
        "ISW is publishing an abbreviated campaign update today, January 22.",
        "Source: ISW",
        "Details: Russian authorities claimed to have detained four perpetrators of the attack on the venue.",
        "To quote the ISW’s Key Takeaways on 23 March:",
        "They have also been less successful so far than the forces advancing from Crimea.",
        "Ukrainian officials have noted that these attacks are conducted by small assault groups near Vuhledar.",
        "See https://www.understandingwar.org/backgrounder/russian-offensive-campaign-assessment for details.",
        "Who was behind the attack on Crocus City Hall in Moscow Oblast in March 2024?",
        "Russian forces " + "advanced slowly along the line of contact and " * 6 + "took Bakhmut.",
    ],
)
def test_report_furniture_is_no_example(sentence):
    from bot.ui import checkable_claim

    assert checkable_claim(sentence) is None


@pytest.mark.parametrize(
    ("sentence", "claim"),
    [
        ("Ukrainian forces recaptured Irpin, northwest of Kyiv, on March 28.", None),
        ("Russian sources generally claimed that all the detainees were Tajik nationals.", None),
        (
            "A coalition of NATO member states reportedly will send Ukraine modern main battle tanks.[1]",
            "A coalition of NATO member states reportedly will send Ukraine modern main battle tanks.",
        ),
        (
            "[2] Russian forces entered major Ukrainian cities—including Kyiv and Kherson—on February 25.",
            "Russian forces entered major Ukrainian cities—including Kyiv and Kherson—on February 25.",
        ),
    ],
)
def test_sentences_that_state_an_event_are_examples(sentence, claim):
    from bot.ui import checkable_claim

    assert checkable_claim(sentence) == (claim or sentence)


def test_examples_of_the_seed_library_are_its_claims():
    """Picked from the seed report as the chat picks them: checkable sentences of it, never its "Source:" line."""
    from bot.ui import _examples
    from index.loaders import load

    reports = [r for p in sorted(SEEDS.glob("*.txt")) for r in load(str(p))]

    class Library:  # the two store methods the picker reads
        def reports(self):
            return reports

        def report_text(self, report_id):
            return next(r.text for r in reports if r.id == report_id)

    examples = _examples(type("Engine", (), {"store": Library()})())
    assert len(examples) == 4
    for e in examples:
        assert any(e in r.text for r in reports) and len(e) <= 220
        assert not e.startswith(("Source", "Details", "To quote", "date"))
    assert any("Islamic State" in e for e in examples)


def _cite(day: str | None, stance: str = "supports", quote: str = "Russian forces captured Kherson.") -> Citation:
    return citation(quote, day, stance, report_id=f"r{day}")


def _marks(svg: str) -> list[tuple[float, float]]:
    found = re.findall(r'<circle class="cc-mark"[^>]* cx="([\d.]+)" cy="([\d.]+)"', svg)
    return [(float(x), float(y)) for x, y in found]


@pytest.mark.parametrize(
    "days",
    [
        ["2022-03-01", "2022-03-01", "2022-03-01", "2022-03-01"],  # the same day
        ["2022-03-01", "2022-03-02", "2022-03-02", "2022-09-30"],  # close days on a long axis
        ["2022-03-01", "2022-03-01", "2022-03-02", "2022-03-03"],
    ],
)
def test_timeline_draws_every_dated_source_apart(days):
    from bot.render import timeline_svg

    cites = [_cite(d, s) for d, s in zip(days, ["supports", "supports", "contradicts", "supports"])]
    svg = timeline_svg([*cites, _cite(None)])  # the undated one has no place on a date axis
    marks = _marks(svg)
    assert len(marks) == 4
    assert all(abs(a[0] - b[0]) >= 12 or abs(a[1] - b[1]) >= 12 for i, a in enumerate(marks) for b in marks[i + 1 :])


def test_timeline_labels_stay_inside_the_drawing():
    from bot.render import TIMELINE_W, timeline_svg

    svg = timeline_svg([_cite("2022-02-24"), _cite("2023-01-25", "contradicts"), _cite("2022-06-01", "related")])
    assert 'viewBox="0 0 560 ' in svg and 'width="100%"' in svg  # scales to a narrow column instead of clipping
    right = re.search(r'<text x="([\d.]+)"[^>]*text-anchor="end">2023-01-25</text>', svg)
    assert right and float(right.group(1)) <= TIMELINE_W - 10
    assert re.search(r'text-anchor="start">2022-02-24</text>', svg)
    assert len(_marks(svg)) == 3
    assert timeline_svg([_cite("2022-02-24")]) == ""  # one source: nothing to lay out over time


def test_chat_bubble_is_the_verdict_and_a_short_answer():
    from bot.render import chat_text

    long_quote = "Russian forces <b>captured</b> Kherson " + "after heavy fighting in the city " * 20 + "on March 2."
    cites = [_cite("2022-03-02", quote=long_quote), _cite("2022-03-03"), _cite("2022-03-04")]
    reply = Reply(
        claim="Russian forces captured Kherson",
        kind="claim",
        verdict="SUPPORTED",
        confidence=0.91,
        evidence_found=True,
        answer="\n".join(["Supported (confidence 0.91).", *[c.quote for c in cites]]),
        citations=cites,
    )
    text = chat_text(reply)
    assert text.startswith("Supported (confidence 0.91). Check the quote: the verifier cannot tell which number")
    assert "&lt;b&gt;captured&lt;/b&gt;" in text and "<b>" not in text
    assert len(text) < 450 and "[2]" not in text and "3 passages" in text


def test_the_users_message_is_text_not_markup():
    from bot.render import user_text

    assert user_text('<b>bold</b> <img src=x onerror="alert(1)">\nnext') == (
        "&lt;b&gt;bold&lt;/b&gt; &lt;img src=x onerror=&quot;alert(1)&quot;&gt;<br>next"
    )


@pytest.mark.parametrize("verdict", ["REFUTED", "CONFLICTING", "NOT_ENOUGH_EVIDENCE", None])
def test_only_supported_carries_the_pairing_caution(verdict):
    from bot.reply import PAIRING_CAUTION, caution_for, status_line

    assert caution_for("SUPPORTED") == PAIRING_CAUTION and PAIRING_CAUTION in status_line(
        "claim", "SUPPORTED", 0.95, True
    )
    assert caution_for(verdict) == ""
    assert PAIRING_CAUTION not in status_line("claim" if verdict else "question", verdict, 0.95, True)


def test_an_llm_answer_in_the_chat_keeps_the_caution():
    from bot.render import chat_text
    from bot.reply import PAIRING_CAUTION

    reply = Reply(
        claim="Russian forces captured Kherson",
        kind="claim",
        verdict="SUPPORTED",
        confidence=0.95,
        evidence_found=True,
        answer="Supported: Russian forces captured Kherson [1].",
        citations=[_cite("2022-03-02")],
        answer_source="llm",
    )
    assert chat_text(reply).endswith(PAIRING_CAUTION)
