"""GET /api/health: is the server up, and how much does its library hold (for probes and dashboards)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from bot.api.deps import EngineDep

router = APIRouter(prefix="/api")


@router.get("/health")
def health(engine: EngineDep) -> dict[str, Any]:
    reports = engine.store.reports()  # not counts(): that one asks Chroma and walks the keyword rows
    return {
        "status": "ok",
        "reports": len(reports),
        "passages": sum(r.n_passages for r in reports),
        "verifier": engine.settings.verifier,
        "embedding_model": engine.settings.embedding_model,
    }
