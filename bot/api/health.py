"""GET /api/health (liveness: is the process up, what does its library hold) and GET /api/ready (readiness: has this
replica caught up with the shared library, keyword index included), for probes, load balancers and dashboards.

Why two: a replica whose library lags behind the shared one is alive (restarting it would not help) but should not get
traffic a load balancer can send elsewhere; health stays free of calls to the Chroma server, readiness makes one.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bot.api.deps import EngineDep

router = APIRouter(prefix="/api")


@router.get("/health")
def health(engine: EngineDep) -> dict[str, Any]:
    reports = engine.store.reports()  # not counts(): that one asks Chroma and walks the keyword rows
    return {
        "status": "ok",
        "reports": len(reports),
        "passages": sum(r.n_passages for r in reports),
        "library": "shared" if engine.store.shared is not None else "local",
        "verifier": engine.settings.verifier,
        "embedding_model": engine.settings.embedding_model,
    }


@router.get("/ready", responses={503: {"description": "behind the shared library, or its Chroma server unreachable"}})
def ready(engine: EngineDep) -> JSONResponse:
    store = engine.store
    body: dict[str, Any] = {
        "library": "shared" if store.shared is not None else "local",
        "reports": len(store.reports()),
        "synced_stamp": store.synced_stamp,
        "synced_seconds_ago": round(time.time() - store.synced_at, 1),
    }
    try:
        current = store.is_current()
    except Exception as exc:  # the Chroma server is down or unreachable: not ready, and say why
        return JSONResponse({**body, "ready": False, "detail": f"the Chroma server cannot be reached ({exc})"}, 503)
    if not current:
        body["detail"] = "the shared library has changed since this replica's last sync; it is catching up"
    return JSONResponse({**body, "ready": current}, 200 if current else 503)
