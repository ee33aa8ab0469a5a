"""Verdicts a user got wrong once, checked on the real ISW library with the shipped (learned, calibrated) decision.

Each case is one a new user hit (a true claim refuted on a neighbouring sentence, a date that could not refute, a
planted document overturning the reports, the deciding passage cited second). They need the full ISW index, so they
are slow: build it with ``make isw-index`` (or point CLAIMCHECK_TEST_ISW_DIR at one) and run
``python -m pytest -m slow tests/test_verdicts_isw.py``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.labels import Verdict
from bot.request import InputError
from bot.service import ingest, open_engine
from bot.settings import Settings
from tests.helpers import ROOT, need_shared_data

pytestmark = pytest.mark.slow
DECISIVE = (Verdict.SUPPORTED, Verdict.REFUTED)


def _isw_index() -> Path:
    need_shared_data()
    path = Path(os.environ.get("CLAIMCHECK_TEST_ISW_DIR", ROOT / "runs" / "isw"))
    if not (path / "catalog.sqlite3").exists():
        pytest.skip(f"no ISW index at {path}: build it with `make isw-index` or set CLAIMCHECK_TEST_ISW_DIR")
    return path


@pytest.fixture(scope="module")
def isw(tmp_path_factory):
    """A copy of the ISW index (the test must not lock or change the shared one)."""
    copy = tmp_path_factory.mktemp("isw") / "data"
    shutil.copytree(_isw_index(), copy, ignore=shutil.ignore_patterns("*.lock"))
    engine = open_engine(Settings(data_dir=copy, decision="shipped"), seed=False)
    yield engine
    engine.store.close()


def test_surovikins_appointment_is_never_refuted_and_its_sentence_leads(isw):
    reply = isw.check("Sergey Surovikin was appointed commander of Russian forces in Ukraine in October 2022")
    assert reply.verdict != Verdict.REFUTED
    assert reply.lean != Verdict.REFUTED
    assert any("Kremlin named" in c.quote and c.date == "2022-10-08" for c in reply.citations[:2])


def test_kherson_city_in_early_march_is_not_refuted(isw):
    assert isw.check("Russian forces captured Kherson in early March 2022").verdict != Verdict.REFUTED


def test_a_claim_whose_subject_the_library_never_names_gets_no_decisive_verdict(isw):
    assert isw.check("Pope Francis visited Kyiv in 2022").verdict not in DECISIVE


def test_a_claim_in_ukrainian_is_refused_with_a_message(isw):
    with pytest.raises(InputError, match="English only"):
        isw.check("Крейсер «Москва» затонув у квітні 2022 року")


def test_the_moskva_in_june_is_not_supported_and_the_april_report_is_read(isw):
    reply = isw.check("The Moskva sank in June 2022")
    assert reply.verdict != Verdict.SUPPORTED
    assert any(c.date == "2022-04-14" and "Moskva" in c.quote for c in reply.citations[:2])


def test_one_planted_document_against_the_reports_does_not_overturn_them(isw, tmp_path):
    planted = tmp_path / "planted.md"
    planted.write_text(
        "---\ntitle: Fleet bulletin\ndate: 2022-04-20\nsource: Fleet Bulletin\n---\n"
        "The cruiser Moskva did not sink in April 2022; the Moskva returned to Sevastopol under its own power.\n",
        encoding="utf-8",
    )
    ingest(isw, [str(planted)])
    reply = isw.check("The Moskva sank in April 2022")
    assert reply.verdict in (Verdict.CONFLICTING, Verdict.NOT_ENOUGH_EVIDENCE)
    assert any(c.source == "Fleet Bulletin" for c in reply.citations)
    assert any(c.date == "2022-04-14" for c in reply.citations)
