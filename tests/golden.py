"""Golden replies: what the bot answers today, so a change that should not move any reply (a restructuring) can be
compared claim by claim, and one that should is seen in full. Re-record (``python -m tests.golden record``) only when a
change of replies is meant, and say why in the commit.

Why a plain module (not a test file): the same code records the golden files (run against the frozen tree, with
``PYTHONPATH`` pointing at it first) and reads them back in ``tests/test_golden.py``, so the two can never disagree
on what a "record" is. It uses only the public API that outlives the restructuring: ``open_engine``, ``Settings``,
``Engine.check`` and the Reply's fields.

A record keeps what a user relies on and that is stable from run to run: the verdict, the confidence rounded to 3
places (compared within ``CONFIDENCE_TOLERANCE``: the int8 verifier's kernels differ by CPU), the kind, and each
citation as ``[report_id, start, end, stance]``. Timings, answer wording and scores of cited sentences are left out
(timings change every run; the rest follows from the kept fields or is presentation).

Record (from the repository root of the frozen tree's checkout, so ``bot`` resolves to it)::

    python -m tests.golden record --out tests/golden/seed.json
    python -m tests.golden record --data-dir runs/isw --out tests/golden/isw_dev.json \\
        --claims ../shared/data/isw-2022/claims_dev.jsonl

The ISW part compares replies over an index built on the machine that recorded them: an index rebuilt on another CPU
embeds passages a little differently, so a few dense neighbours, citation orders and confidences move (on
2026-12-05, 5 of 77 ISW dev replies between an AMD and an Intel machine; no verdict). Re-record it on a new machine
before a change that should move nothing. The seed part indexes one report and holds across machines.

Claim texts of the shared data are never stored here (the data must not be copied into the repository): the ISW
golden file keeps ids, and the test reads the texts from ``../shared/data``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
SEED_GOLDEN = GOLDEN_DIR / "seed.json"
ISW_GOLDEN = GOLDEN_DIR / "isw_dev.json"
ISW_CLAIMS = ROOT.parent / "shared" / "data" / "isw-2022" / "claims_dev.jsonl"
AS_OF_SUFFIX = "@as_of"

# (id, claim or question, as_of). The README's examples first, then claims about the seed report (seeds/): true,
# false, reported speech, a question, a claim the seed says nothing about, and date filters that exclude the seed.
SEED_CLAIMS: list[tuple[str, str, str | None]] = [
    (
        "readme-islamic-state",
        "ISW assessed that Islamic State was most likely behind the Crocus City Hall attack",
        None,
    ),
    ("readme-severodonetsk", "As of June 12, 2022, Russian forces had taken full control of Severodonetsk.", None),
    ("readme-kherson-as-of", "Russian forces captured Kherson", "2022-03-05"),
    ("readme-ukraine-blame", "ISW blamed Ukraine for the Crocus City Hall attack", "2024-12-31"),
    ("readme-berdyansk-dated", "Russian forces captured Berdyansk on 26 February 2022", None),
    ("readme-berdyansk", "Russian forces captured Berdyansk", None),
    (
        "seed-detained-four",
        "Russian authorities claimed to have detained four perpetrators of the Crocus City Hall attack.",
        None,
    ),
    ("seed-death-toll", "Russian authorities say the Crocus City Hall attack killed at least 133 civilians.", None),
    ("seed-tajik", "Russian sources claimed that all the detainees were Tajik nationals.", None),
    (
        "seed-russian-citizens-false",
        "Irina Volk said the people who carried out the Crocus City Hall attack were Russian citizens.",
        None,
    ),
    (
        "seed-kremlin-accused-false",
        "The Kremlin formally accused Ukraine of involvement in the Crocus City Hall attack.",
        None,
    ),
    ("seed-s400-delay", "Russia is reportedly delaying the delivery of two S-400 air defence systems to India.", None),
    ("seed-s400-five-false", "Russia delivered five S-400 air defence systems to India ahead of schedule.", None),
    (
        "seed-putin-law",
        "On 23 March 2024 Putin signed a law releasing people who sign military contracts from criminal liability.",
        None,
    ),
    ("seed-avdiivka", "Russian forces made confirmed advances near Avdiivka.", None),
    (
        "seed-samara-refinery",
        "A drone strike hit a Russian oil refinery in Samara Oblast on the night of 22 March.",
        None,
    ),
    ("seed-question-who", "Who was responsible for the Crocus City Hall attack?", None),
    ("seed-question-volk", "What did Irina Volk say about the attackers?", None),
    ("seed-unrelated", "The Eiffel Tower was closed to visitors for a week in July 2023 because of a strike.", None),
    ("seed-before-report", "ISW believes Islamic State is responsible for the Crocus City Hall attack.", "2024-03-01"),
]


def record_of(reply) -> dict:
    """The comparable part of a Reply: verdict, confidence (3 places), kind, [report_id, start, end, stance]s."""
    return {
        "verdict": _plain(reply.verdict),
        "confidence": round(float(reply.confidence), 3),
        "kind": _plain(reply.kind),
        "citations": [[str(c.report_id), int(c.start), int(c.end), _plain(c.stance)] for c in reply.citations],
    }


def _plain(value: object) -> str | None:
    """An enum member as its value: the words a client sees in the JSON, whatever type carries them in Python."""
    value = getattr(value, "value", value)
    return None if value is None else str(value)


def load(path: Path) -> dict[str, dict]:
    """The records of a golden file, keyed by claim id."""
    return json.loads(Path(path).read_text(encoding="utf-8"))["records"]


def save(path: Path, records: dict[str, dict], recorded_from: str = "") -> None:
    """Sorted keys and fixed indentation: a re-recording that changes nothing gives the identical file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"recorded_from": recorded_from, "records": dict(sorted(records.items()))}
    text = json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def read_isw_claims(path: Path) -> list[tuple[str, str, str | None]]:
    """(id, claim, gold as_of) from a claims JSONL in the shared data layout (what ``claimcheck eval`` reads)."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                c = json.loads(line)
                out.append((str(c["id"]), c["claim"], c.get("as_of") or None))
    return out


def isw_cases(claims: Iterable[tuple[str, str, str | None]]) -> Iterator[tuple[str, str, str | None]]:
    """Each claim as a user types it (no filter, as ``claimcheck eval`` does), and again with its gold as_of if any
    (as ``claimcheck eval --use-as-of`` does)."""
    for cid, text, as_of in claims:
        yield cid, text, None
        if as_of:
            yield cid + AS_OF_SUFFIX, text, as_of


def seed_cases() -> list[tuple[str, str, str | None]]:
    return list(SEED_CLAIMS)


@contextmanager
def clean_environment() -> Iterator[None]:
    """No CLAIMCHECK_* variable may reach the Settings: an LLM endpoint or another verifier in a developer's shell
    would change the replies and show up as false differences."""
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("CLAIMCHECK_")}
    try:
        yield
    finally:
        os.environ.update(saved)


def open_golden_engine(data_dir: Path, seed: bool):
    """The engine as the golden files were recorded: default settings but the data folder."""
    from bot.service import open_engine
    from bot.settings import Settings

    with clean_environment():
        return open_engine(Settings(data_dir=Path(data_dir)), seed=seed)


def close_engine(engine) -> None:
    """Release the data folder (one owning process); tolerant of where the restructuring puts the close."""
    closer = getattr(engine, "close", None) or getattr(getattr(engine, "store", None), "close", None)
    if closer is not None:
        closer()


def check_all(engine, cases: Iterable[tuple[str, str, str | None]]) -> dict[str, dict]:
    """One record per case id; a case whose check raises is recorded as its error, so it is compared too."""
    out = {}
    for cid, text, as_of in cases:
        try:
            out[cid] = record_of(engine.check(text, as_of=as_of))
        except Exception as exc:  # an error reply is part of the behaviour being recorded
            out[cid] = {"error": type(exc).__name__}
    return out


# onnxruntime's int8 kernels differ by instruction set (AVX2 against AVX-512 VNNI / AMX), and with them the verifier's
# probabilities: the same tree gave seed confidences 0.001-0.003 apart on an AMD (AVX2) and an Intel (AMX) machine
# (2026-12-05). A verdict, a citation or a confidence moved by more than this is still a difference.
CONFIDENCE_TOLERANCE = 0.01


def _same(key: str, b: object, a: object) -> bool:
    """Whether a record's field is unchanged: exactly, except a confidence, which may move by the CPU tolerance
    (compared at the records' 3 places, so 0.486 against 0.476 is within 0.01)."""
    if key == "confidence" and isinstance(b, float) and isinstance(a, float):
        return round(abs(b - a), 3) <= CONFIDENCE_TOLERANCE
    return b == a


def differences(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """One entry per claim id whose record differs (or is missing on either side): the fields that differ, then the
    record before and after."""
    lines = []
    for cid in sorted(set(before) | set(after)):
        b, a = before.get(cid), after.get(cid)
        keys = set(b or {}) | set(a or {})
        fields = sorted(k for k in keys if not _same(k, (b or {}).get(k), (a or {}).get(k)))
        if b is None or a is None or fields:
            lines.append(
                f"{cid} ({', '.join(fields)}):\n  before {json.dumps(b, sort_keys=True, ensure_ascii=False)}"
                f"\n  after  {json.dumps(a, sort_keys=True, ensure_ascii=False)}"
            )
    return lines


def _source_label() -> str:
    """The commit of the tree ``bot`` was imported from, so a golden file says what code it recorded."""
    import bot

    where = Path(bot.__file__).resolve().parent
    try:
        rev = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(where), "status", "--porcelain", "--untracked-files=no", "--", "bot", "index", "seeds"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + (" (modified)" if dirty else "")


def record(data_dir: Path | None, out: Path, claims: Path | None) -> dict[str, dict]:
    """Check every case and write the golden file. Seed set: a fresh, empty data folder (the seeds are ingested on
    open). Claims file: an index already built (nothing is ingested)."""
    import bot

    print(f"bot from {Path(bot.__file__).resolve().parent}", file=sys.stderr)
    if claims is None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(data_dir) if data_dir else Path(tmp) / "seeded"
            if folder.exists() and any(folder.iterdir()):
                raise SystemExit(f"{folder} is not empty: the seed set is recorded on a fresh index")
            engine = open_golden_engine(folder, seed=True)
            try:
                records = check_all(engine, seed_cases())
            finally:
                close_engine(engine)
    else:
        if data_dir is None or not Path(data_dir).exists():
            raise SystemExit("--data-dir: the built index to check the claims on")
        engine = open_golden_engine(Path(data_dir), seed=False)
        try:
            records = check_all(engine, isw_cases(read_isw_claims(claims)))
        finally:
            close_engine(engine)
    save(out, records, _source_label())
    print(f"{len(records)} records -> {out}", file=sys.stderr)
    return records


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.golden", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="check the cases and write a golden file")
    rec.add_argument("--data-dir", type=Path, help="index folder (seed set: empty or absent; default a temp folder)")
    rec.add_argument("--out", type=Path, required=True, help="golden JSON file to write")
    rec.add_argument("--claims", type=Path, help="claims JSONL (shared data layout); without it, the seed set")
    args = parser.parse_args(argv)
    if args.command == "record":
        record(args.data_dir, args.out, args.claims)


if __name__ == "__main__":
    main()
