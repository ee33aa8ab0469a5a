"""GET /api/health (liveness: is the process up, what does its library hold) and GET /api/ready (readiness: has this
replica caught up with the shared library, keyword index included), for probes, load balancers and dashboards.

Why two: a replica whose library has lagged behind the shared one for long is alive (restarting it would not help)
but should not get traffic a load balancer can send elsewhere; health stays free of calls to the Chroma server,
readiness makes one.
"""

from __future__ import annotations

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
    """Ready while current with the shared library, or catching up within a few sync intervals (a stream of writes
    keeps every replica a sync behind; that is no reason to take them all out of the balancer). 503 once a replica
    has been behind longer than that, or cannot reach Chroma."""
    store = engine.store
    body: dict[str, Any] = {
        "library": "shared" if store.shared is not None else "local",
        "reports": len(store.reports()),
        "synced_stamp": store.synced_stamp,
        "skipped_reports": list(store.skipped),
    }
    try:
        behind = store.behind_seconds()
    except Exception as exc:  # the Chroma server is down or unreachable: not ready, and say why
        return JSONResponse({**body, "ready": False, "detail": f"the Chroma server cannot be reached ({exc})"}, 503)
    grace = 3 * engine.settings.sync_interval + 5
    ready = behind <= grace
    body.update(current=behind == 0, behind_seconds=round(behind, 1))
    if not ready:
        body["detail"] = f"behind the shared library for {behind:.0f} s (more than {grace:.0f} s); is it syncing?"
    return JSONResponse({**body, "ready": ready}, 200 if ready else 503)
