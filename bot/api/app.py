"""``create_app``: the routers, their guards, the error handlers and the chat, assembled in one place.

Order matters twice: CORS is added last so it wraps everything (a refused preflight never reaches a route), and the
chat is mounted at / after every router, because a mount at / catches any path not matched before it.
"""

from __future__ import annotations

import logging

from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from bot.api import docs, health, reports, verify, widget
from bot.api.guards import BodyLimit, FrameAncestors, RateLimiter
from bot.engine import Engine
from bot.request import InputError
from index.shared import LeaseTimeout

log = logging.getLogger("claimcheck.api")


def create_app(engine: Engine, with_ui: bool = True) -> FastAPI:
    settings = engine.settings
    app = FastAPI(
        title="claimcheck",
        version="0.1.0",
        description="Check claims against dated reports; verdicts with verbatim citations.",
        docs_url=None,  # FastAPI's pages load their assets from CDNs; bot/api/docs.py serves them offline
        redoc_url=None,
    )
    app.state.engine = engine
    app.add_middleware(BodyLimit, upload_limit=settings.max_upload_bytes)
    app.add_middleware(FrameAncestors, origins=settings.allowed_origins)
    if settings.allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Content-Type", "Authorization"],
        )
    app.add_exception_handler(InputError, _refused)
    app.add_exception_handler(LeaseTimeout, _busy)
    app.add_exception_handler(Exception, _unexpected)
    app.include_router(verify.router, dependencies=[Depends(RateLimiter(settings.rate_limit_per_minute))])
    app.include_router(health.router)
    app.include_router(reports.router)
    app.include_router(widget.router)
    app.include_router(docs.router)
    if with_ui:
        from bot.ui import mount_ui  # Gradio takes seconds to import; the API alone does without it

        mount_ui(app, engine)
    return app


async def _refused(request: Request, exc: Exception) -> JSONResponse:
    """A request the user must fix: 422 with the one sentence that says what to fix, as every door words it."""
    return JSONResponse({"detail": str(exc)}, status_code=422)


async def _busy(request: Request, exc: Exception) -> JSONResponse:
    """Another replica kept writing the same report past the wait: nothing was lost, the client may retry."""
    return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "5"})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """No stack trace to the user; the log keeps it."""
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "internal error; the server log has the details"}, status_code=500)
