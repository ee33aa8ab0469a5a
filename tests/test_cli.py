"""The console script as a user runs it: real processes, exit codes, JSON shapes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT


def run(*args: str, data_dir=None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "bot.cli"]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    return subprocess.run([*cmd, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cli-data")


def test_ask_json_on_the_seeds(data_dir):
    p = run(
        "ask",
        "ISW assessed that Islamic State was most likely behind the Crocus City Hall attack",
        "--json",
        data_dir=data_dir,
    )
    assert p.returncode == 0, p.stderr
    reply = json.loads(p.stdout)
    assert reply["verdict"] in ("SUPPORTED", "NOT_ENOUGH_EVIDENCE")  # its lean: tests/test_chain.py
    assert "Islamic State" in reply["citations"][0]["quote"]
    p = run("ask", "ISW blamed Ukraine for the Crocus City Hall attack", "--json", data_dir=data_dir)
    assert json.loads(p.stdout)["verdict"] != "SUPPORTED"


def test_a_later_process_answers_without_loading_torch(data_dir):
    """Cold start: once a process has exported the query encoder, the next ones need neither torch nor
    sentence-transformers to answer (their import was most of the time to a first answer)."""
    assert run("ask", "Crocus City Hall", data_dir=data_dir).returncode == 0  # seeds in, export made
    code = (
        "import json, sys\n"
        "from bot.service import open_engine\nfrom bot.settings import Settings\n"
        "r = open_engine(Settings(data_dir=sys.argv[1])).check("
        "'ISW assessed that Islamic State was most likely behind the Crocus City Hall attack')\n"
        "print(json.dumps([r.verdict, 'torch' in sys.modules, 'sentence_transformers' in sys.modules]))"
    )
    p = subprocess.run(
        [sys.executable, "-c", code, str(data_dir)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert p.returncode == 0, p.stderr
    verdict, torch_loaded, st_loaded = json.loads(p.stdout)
    assert verdict in ("SUPPORTED", "NOT_ENOUGH_EVIDENCE") and not torch_loaded and not st_loaded


def test_ask_text_output_and_reports(data_dir):
    p = run("ask", "Russian sources claimed the detainees were Tajik nationals", data_dir=data_dir)
    assert p.returncode == 0 and "said by:" in p.stdout
    p = run("reports", data_dir=data_dir)
    assert "2024-03-24" in p.stdout and "1 reports" in p.stdout


def test_ask_prints_what_differs_under_a_passage_as_the_chat_does(data_dir):
    p = run(
        "ask",
        "Putin signed a law on 25 March that frees people who are called up for mobilisation from criminal liability",
        data_dir=data_dir,
    )
    assert p.returncode == 0 and "differs from the claim: a date differs" in p.stdout


def test_a_claim_that_swaps_two_sides_of_its_sentence_is_refuted_with_the_swap_named(data_dir):
    """The seed report: "Russian sources accused Ukrainian actors of ... a drone strike against a Russian oil
    refinery"; the verifier reads the claim with the sides exchanged as entailed, the pairing check does not."""
    claim = (
        "Ukrainian sources accused Russian actors of reportedly conducting a successful drone strike against a Russian "
        "oil refinery in Samara Oblast on the night of 22 to 23 March."
    )
    p = run("ask", "--json", claim, data_dir=data_dir)
    assert p.returncode == 0, p.stderr
    reply = json.loads(p.stdout)
    first = reply["citations"][0]
    assert reply["verdict"] == "REFUTED" and first["stance"] == "contradicts"
    assert first["score"] == reply["confidence"]
    assert any("the other way round" in m for m in first["mismatches"])


def test_ask_a_question_prints_its_answer_before_the_passages(data_dir):
    """The README's question example, as a user types it: the answer span and its sentence open the reply."""
    p = run("ask", "Who did ISW think was behind the Crocus City Hall attack?", data_dir=data_dir)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].startswith("ANSWER (question)")
    opening = "Answer: Islamic State — “ISW believes Islamic State is most likely responsible"
    assert lines[1].startswith(opening), lines[1]


def test_ask_shows_a_confidence_only_beside_a_decisive_verdict(data_dir):
    for claim in ("Penguins nest on the roof of the Kremlin", "ISW blamed Ukraine for the Crocus City Hall attack"):
        p = run("ask", claim, data_dir=data_dir)
        assert p.returncode == 0, p.stderr
        first = p.stdout.splitlines()[0]
        verdict = first.split()[0]
        assert ("confidence" in first) == (verdict in ("SUPPORTED", "REFUTED")), first
        if verdict == "NOT_ENOUGH_EVIDENCE":
            assert "Not enough evidence" in first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ask", ""), "empty"),
        (("ask", "x" * 3000), "over the limit"),
        (("ask", "Kyiv", "--as-of", "2022-02-30"), "not a date"),
    ],
)
def test_bad_input_exit_code_and_message(data_dir, args, message):
    p = run(*args, data_dir=data_dir)
    assert p.returncode == 2 and message in p.stderr and "Traceback" not in p.stderr


def test_ingest_reports_problems_and_keeps_good_files(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "good.txt").write_text("date 2022-05-09\nPutin gave a Victory Day speech in Moscow on May 9.")
    (lib / "bad.txt").write_bytes(b"\xff\xfe\x00\x00binary")
    p = run("ingest", "--json", str(lib), data_dir=tmp_path / "d")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["added"] == ["good"] and len(out["errors"]) == 1
    assert list((tmp_path / "d" / "models").glob("query-encoder-*/model.onnx"))  # the next `ask` needs no torch
    p = run("ingest", str(tmp_path / "missing.txt"), data_dir=tmp_path / "d")
    assert p.returncode == 1 and "no such file" in p.stderr


def test_ingest_shows_a_total_percentage_rate_and_eta(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    for i in range(1, 4):
        (lib / f"r{i}.txt").write_text(f"date 2022-05-0{i}\nRussian forces shelled Kharkiv on May {i}.")
    p = run("ingest", str(lib), data_dir=tmp_path / "d")
    assert p.returncode == 0, p.stderr
    final = p.stderr.replace("\r", "\n").strip().splitlines()[-1]
    assert "100%" in final and "3/3" in final and "reports/s" in final and "<00:00" in final and "3 passages" in final


def test_nli_json_schema():
    p = run("nli", "Russian forces captured Kherson on March 2.", "Russian forces captured Kherson.", "--json")
    probs = json.loads(p.stdout)
    assert set(probs) == {"entailment", "neutral", "contradiction"}
    assert abs(sum(probs.values()) - 1) < 1e-4


def test_calibrate_needs_an_index_folder():
    p = run("calibrate")
    assert p.returncode == 2 and "--isw" in p.stderr


def test_a_bad_setting_is_named_without_a_traceback(tmp_path):
    env = {**os.environ, "CLAIMCHECK_MAX_SENTENCES": "0"}
    p = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--data-dir", str(tmp_path / "d"), "ask", "Kyiv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "CLAIMCHECK_MAX_SENTENCES" in p.stderr and "greater than or equal to 1" in p.stderr
    assert not (tmp_path / "d").exists()  # nothing was created or changed
