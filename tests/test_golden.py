"""The bot answers as it did before the restructuring: every recorded claim gets the same verdict, confidence (3
places), kind and citations (report, offsets, stance) as in tests/golden/.

Why: the restructuring must not change behaviour, and the unit tests pin only a few replies each. The golden files
were recorded from the frozen tree with ``python -m tests.golden record`` (see tests/golden.py); they are never
re-recorded from the code under test to make this pass. A failure lists each claim id whose reply changed, with the
recorded and the current record.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.golden import (
    ISW_GOLDEN,
    SEED_GOLDEN,
    check_all,
    close_engine,
    differences,
    isw_cases,
    load,
    open_golden_engine,
    read_isw_claims,
    seed_cases,
)
from tests.helpers import ROOT, need_shared_data


def _assert_unchanged(before: dict[str, dict], after: dict[str, dict], what: str) -> None:
    diffs = differences(before, after)
    if diffs:
        message = f"{len(diffs)} of {len(before)} {what} replies differ from the recording:\n" + "\n".join(diffs)
        pytest.fail(message, pytrace=False)


def test_a_confidence_is_compared_within_the_cpu_tolerance_and_everything_else_exactly():
    record = {
        "verdict": "NOT_ENOUGH_EVIDENCE",
        "confidence": 0.486,
        "kind": "claim",
        "citations": [["r", 1, 2, "related"]],
    }
    assert differences({"c": record}, {"c": record | {"confidence": 0.483}}) == []
    assert differences({"c": record}, {"c": record | {"confidence": 0.476}}) == []  # exactly 0.01 apart
    assert differences({"c": record}, {"c": record | {"confidence": 0.475}})[0].startswith("c (confidence)")
    assert differences({"c": record}, {"c": record | {"verdict": "SUPPORTED"}})[0].startswith("c (verdict)")
    assert differences({"c": record}, {"c": record | {"citations": [["r", 1, 3, "related"]]}})
    assert differences({"c": record}, {}) and differences({}, {"c": record})


@pytest.fixture(scope="module")
def seed_engine(tmp_path_factory):
    """A fresh index of the seeds only, as the seed golden file was recorded on."""
    engine = open_golden_engine(tmp_path_factory.mktemp("golden-seeded"), seed=True)
    yield engine
    close_engine(engine)


def test_the_seed_recording_covers_every_seed_case():
    assert sorted(load(SEED_GOLDEN)) == sorted(cid for cid, _, _ in seed_cases())


def test_every_seed_reply_is_unchanged_since_the_recording(seed_engine):
    _assert_unchanged(load(SEED_GOLDEN), check_all(seed_engine, seed_cases()), "seed")


def _isw_index() -> Path:
    folder = Path(os.environ.get("CLAIMCHECK_GOLDEN_ISW_DIR") or ROOT / "runs" / "isw")
    if not folder.is_dir() or not any(folder.iterdir()):
        pytest.skip(
            f"no ISW index at {folder}: build it with `claimcheck --data-dir runs/isw ingest --quiet seeds "
            "../shared/data/isw-2022/reports.jsonl` or set CLAIMCHECK_GOLDEN_ISW_DIR"
        )
    return folder


@pytest.mark.slow
def test_every_isw_dev_reply_is_unchanged_since_the_recording():
    claims = need_shared_data() / "isw-2022" / "claims_dev.jsonl"
    folder = _isw_index()
    cases = list(isw_cases(read_isw_claims(claims)))
    before = load(ISW_GOLDEN)
    assert sorted(before) == sorted(cid for cid, _, _ in cases), "claims_dev.jsonl no longer matches the recording"
    engine = open_golden_engine(folder, seed=False)
    try:
        after = check_all(engine, cases)
    finally:
        close_engine(engine)
    _assert_unchanged(before, after, "ISW dev")
