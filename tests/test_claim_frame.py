"""The fact a claim states, read without the frame in the library's own voice (``bot/text/claim_frame.py``)."""

from __future__ import annotations

import pytest

from bot.text.claim_frame import fact_of


@pytest.mark.parametrize(
    ("claim", "fact"),
    [
        (
            "ISW reported on February 24, 2022 that Russian columns had driven 150 kilometers into Ukraine.",
            "Russian columns had driven 150 kilometers into Ukraine.",
        ),
        (
            "ISW assessed in mid-August 2022 that Wagner fighters were spearheading operations around Bakhmut.",
            "Wagner fighters were spearheading operations around Bakhmut.",
        ),
        (
            "According to ISW's March 16, 2022 report, Mariupol's Drama Theater was empty of civilians.",
            "Mariupol's Drama Theater was empty of civilians.",
        ),
        (
            "According to ISW, on March 2, 2022 Russian forces set up supply camps.",
            "On March 2, 2022 Russian forces set up supply camps.",
        ),
        (
            "On September 12, 2022, ISW assessed that the morale of Russian forces was improving.",
            "The morale of Russian forces was improving.",
        ),
        (
            "In its November 13, 2022 assessment, ISW said that Russia held the momentum in the war.",
            "Russia held the momentum in the war.",
        ),
        (
            "The Institute for the Study of War noted on May 1, 2022 that Ukrainian forces retook Udy.",
            "Ukrainian forces retook Udy.",
        ),
        (
            "Russian forces shelled Kharkiv on May 3, 2022, ISW reported.",
            "Russian forces shelled Kharkiv on May 3, 2022.",
        ),
        (
            "Russian forces shelled Kharkiv, according to ISW's May 3, 2022 assessment.",
            "Russian forces shelled Kharkiv.",
        ),
    ],
)
def test_a_frame_in_the_librarys_voice_is_left_out(claim: str, fact: str) -> None:
    assert fact_of(claim) == fact


@pytest.mark.parametrize(
    "claim",
    [
        # another speaker's claim is a different claim from the fact it reports
        "Russian sources claimed on March 4, 2022 that Ukrainian forces shelled Donetsk City.",
        "In late June 2022, Ukrainian sources reported that Russian authorities might annex occupied areas.",
        # "it" would stand for nothing
        "ISW said in March 2022 that it could not verify claims about Nagorno-Karabakh.",
        # the frame is the fact ("ISW cited X's claim")
        "On September 13, 2022, ISW cited a Russian milblogger's claim that Ukrainian troops crossed the Oskil River.",
        # no frame
        "The Moskva sank in April 2022.",
        "ISW reported.",
        "",
    ],
)
def test_anything_else_is_read_whole(claim: str) -> None:
    assert fact_of(claim) == claim


def test_the_verifier_reads_the_fact_and_everything_else_the_whole_claim() -> None:
    """``judge.score`` hands the scorer the fact; the candidates, and so the dates, signals and pairing check that
    read ``plan.claim``, are untouched."""
    import numpy as np

    from bot.steps.judge import score
    from bot.text.attribution import attribute
    from bot.verdict.candidates import Candidate

    class RecordingScorer:  # a fake: records what it is asked to read
        name = "fake"

        def __init__(self) -> None:
            self.pairs: list[tuple[str, str]] = []

        def score(self, pairs):
            self.pairs.extend(pairs)
            return np.tile(np.array([[0.2, 0.6, 0.2]], dtype=np.float32), (len(pairs), 1))

    claim = "ISW reported on May 3, 2022 that Russian forces shelled Kharkiv."
    text = "Russian forces shelled Kharkiv on May 3."
    cand = Candidate("p", "r", 0, len(text), text, 1.0, attribute(text, "ISW"), 0)
    fake = RecordingScorer()
    scored = score(claim, [cand], fake)
    assert fake.pairs == [("Russian forces shelled Kharkiv on May 3.", "Russian forces shelled Kharkiv.")]
    assert scored[0].text == cand.text
