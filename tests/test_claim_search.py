"""A dated claim is searched without its dates too.

Why: searched as words, a claim's date ("June 2022") ranks the reports that name that month, so a claim that moves an
event to another month never meets the report that dates it, and nothing can refute it by that date. The claim's own
text still searches its period, where support is sought.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bot.request import CheckRequest
from bot.steps.plan import plan, undated
from bot.steps.search import retrieve
from bot.text.claim_dates import parse_claim_dates
from index.search import PassageInfo
from tests.test_question_rewrite import WordIndex

CLAIM = "The Moskva sank in June 2022"


def test_a_dated_claim_is_also_searched_without_its_dates():
    assert undated(CLAIM, parse_claim_dates(CLAIM).window) == ("The Moskva sank",)
    lead = "On September 11, 2022, footage showed Russian forces hauling grain from Starobilsk"
    assert undated(lead, parse_claim_dates(lead).window) == (
        "footage showed Russian forces hauling grain from Starobilsk",
    )
    assert undated("Russian forces captured Kherson", None) == ()
    p = plan(CheckRequest.of(CLAIM), period_is_filter=False)
    assert p.query.texts == (CLAIM, "The Moskva sank")
    assert plan(CheckRequest.of("The Moskva sank")).query.rewrites == ()


def test_the_report_that_dates_the_event_in_another_month_is_found():
    library = {
        "june-appeal": "In June 2022 the parents of the Moskva conscripts published an appeal.",
        "june-lawyers": "In June 2022 the Kremlin assigned lawyers to families of the Moskva crew.",
        "april": "The cruiser Moskva sank on April 14 after a strike.",
    }
    index = WordIndex(library)
    dates = {"june-appeal": 20220621, "june-lawyers": 20220607, "april": 20220414}
    index.passages = {pid: PassageInfo(pid, f"r-{pid}", 0, len(t), dates[pid]) for pid, t in library.items()}
    query = plan(CheckRequest.of(CLAIM), top_k=3, candidates=2, period_is_filter=False).query
    found = [h.passage_id for h in retrieve(index, query, np.zeros((len(query.texts), 4)))]
    assert "april" in found
    alone = [h.passage_id for h in retrieve(index, replace(query, rewrites=()), np.zeros(4))]
    assert "april" not in alone  # the claim's month words rank both June reports above it, every time
