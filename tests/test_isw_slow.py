"""Integration over the real ISW library (330 reports + the seed): the gold report must be among the top-3 citations
for the SUPPORTS/REFUTES claims of claims_dev.jsonl. Slow (a full ingest, ~5 minutes on 2 cores)."""

from __future__ import annotations

import pytest

from bot.evaluate import run_claims, summarise
from bot.gold import read_claims
from bot.service import ingest, open_engine
from bot.settings import Settings
from tests.helpers import need_shared_data

pytestmark = pytest.mark.slow


def test_gold_report_in_top3_for_supported_and_refuted_claims(tmp_path):
    data = need_shared_data()
    engine = open_engine(Settings(data_dir=tmp_path / "isw"))
    result = ingest(engine, [str(data / "isw-2022" / "reports.jsonl")])
    assert len(result.added) == 330 and not result.errors
    claims = [c for c in read_claims(data / "isw-2022" / "claims_dev.jsonl") if c.label != "NOT_ENOUGH_INFO"]
    metrics, _ = summarise(engine, list(run_claims(engine, claims)))
    print(f"gold report in top-3 for {metrics['evidence_recall']:.2%} of {len(claims)} claims")
    assert metrics["evidence_recall"] >= 0.9
    assert metrics["fabricated"] == 0
    engine.store.close()
