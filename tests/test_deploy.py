"""The deployment recipe (deploy/) agrees with the code it deploys: every setting it sets exists, the replicas' health
check is the readiness probe, and the proxy, the image and compose name the same service and port. (The proxy config
itself runs over two live replicas in tests/test_replicas_http.py.)"""

from __future__ import annotations

import re

import yaml

from bot.settings import Settings
from tests.helpers import ROOT

DEPLOY = ROOT / "deploy"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_every_claimcheck_setting_the_recipe_sets_exists():
    fields = {f"CLAIMCHECK_{name.upper()}" for name in Settings.model_fields}
    env = compose()["services"]["claimcheck"]["environment"]
    dockerfile = re.findall(r"^ENV (CLAIMCHECK_\w+)=", (DEPLOY / "Dockerfile").read_text(), re.M)
    assert set(env) | set(dockerfile) <= fields
    assert env["CLAIMCHECK_CHROMA_URL"] == "http://chroma:8000"
    chroma = compose()["services"]["chroma"]["command"]
    assert chroma[:2] == ["chroma", "run"] and chroma[chroma.index("--port") + 1] == "8000"


def test_replicas_are_checked_for_readiness_and_served_on_the_port_the_proxy_names():
    services = compose()["services"]
    assert "/api/ready" in " ".join(services["claimcheck"]["healthcheck"]["test"])
    assert services["claimcheck"]["deploy"]["replicas"] >= 2
    assert '"--port", "7860"' in (DEPLOY / "Dockerfile").read_text()
    upstreams = re.findall(r"^\s*server (\S+);?\s*max_fails", (DEPLOY / "nginx.conf").read_text(), re.M)
    assert upstreams and set(upstreams) == {"claimcheck:7860"}
    assert (ROOT / ".dockerignore").read_text().count(".venv")
