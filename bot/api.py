"""The HTTP app: thin routes over the engine, plus the chat (Gradio, at /) and the widget.

POST /api/verify, GET /api/health, GET /api/reports, POST /api/reports (bearer token; off when none is set).
Guards: request body limits, per-client rate limiting, CORS and frame-ancestors for configured origins only.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
import threading
import time
from collections import defaultdict, deque
from pathlib import Path

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.middleware.base import BaseHTTPMiddleware

from bot.answer import Reply
from bot.chain import Engine
from bot.request import InputError
from bot.service import ingest as run_ingest

VERIFY_BODY_LIMIT = 64 * 1024
log = logging.getLogger("claimcheck.api")


class VerifyRequest(BaseModel):
    claim: str = Field(
        description="the claim to check, or a question",
        examples=["ISW assessed that Islamic State was most likely behind the Crocus City Hall attack"],
    )
    as_of: str | None = Field(None, description="only evidence dated on or before YYYY-MM-DD")
    date_from: str | None = Field(None, description="only evidence dated on or after YYYY-MM-DD")
    date_to: str | None = Field(None, description="only evidence dated on or before YYYY-MM-DD")
    top_k: int | None = Field(None, description="passages to weigh, 1-50")


class IngestURL(BaseModel):
    url: str | None = None
    path: str | None = None


class RateLimiter:
    """A sliding one-minute window per client; ``limit`` 0 turns it off."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        if not self.limit:
            return True
        now = time.monotonic()
        with self._lock:
            q = self._hits[client]
            while q and now - q[0] > 60:
                q.popleft()
            if len(q) >= self.limit:
                return False
            q.append(now)
            return True


class BodyLimit(BaseHTTPMiddleware):
    """Refuse oversized bodies by Content-Length before reading them (uploads get the ingest limit)."""

    def __init__(self, app, upload_limit: int) -> None:
        super().__init__(app)
        self.upload_limit = upload_limit

    async def dispatch(self, request: Request, call_next):
        limit = self.upload_limit if request.url.path.startswith("/api/reports") else VERIFY_BODY_LIMIT
        length = request.headers.get("content-length")
        if request.url.path.startswith("/api/") and length and length.isdigit() and int(length) > limit:
            return JSONResponse({"detail": f"request body over the limit of {limit:,} bytes"}, status_code=413)
        return await call_next(request)


class FrameAncestors(BaseHTTPMiddleware):
    """Only configured origins may frame the widget; nobody may frame the rest."""

    def __init__(self, app, origins: list[str]) -> None:
        super().__init__(app)
        self.origins = origins

    async def dispatch(self, request: Request, call_next):
        response = await call_next(request)
        allowed = " ".join(["'self'", *self.origins]) if request.url.path.startswith("/widget") else "'self'"
        response.headers["Content-Security-Policy"] = f"frame-ancestors {allowed}"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def create_app(engine: Engine, with_ui: bool = True) -> FastAPI:
    settings = engine.settings
    app = FastAPI(
        title="claimcheck",
        version="0.1.0",
        description="Check claims against dated reports; verdicts with verbatim citations.",
    )
    app.state.engine = engine
    limiter = RateLimiter(settings.rate_limit_per_minute)
    write_lock = threading.Lock()
    app.add_middleware(BodyLimit, upload_limit=settings.max_upload_bytes)
    app.add_middleware(FrameAncestors, origins=settings.allowed_origins)
    if settings.allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Authorization"],
        )

    def rate_limited(request: Request) -> None:
        client = request.client.host if request.client else "?"
        if not limiter.allow(client):
            raise HTTPException(429, "too many requests; try again in a minute")

    def require_token(request: Request) -> None:
        token = settings.ingest_token.get_secret_value() if settings.ingest_token else ""
        if not token:
            raise HTTPException(403, "ingest over HTTP is off: set CLAIMCHECK_INGEST_TOKEN to enable it")
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(value.encode(), token.encode()):
            raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})

    @app.post(
        "/api/verify",
        response_model=Reply,
        dependencies=[Depends(rate_limited)],
        summary="Check a claim (or answer a question) with cited evidence",
    )
    def verify(body: VerifyRequest) -> Reply:
        try:
            return engine.check(
                body.claim, as_of=body.as_of, date_from=body.date_from, date_to=body.date_to, top_k=body.top_k
            )
        except InputError as exc:
            raise HTTPException(422, str(exc)) from None

    @app.get("/api/health")
    def health() -> dict:
        reports = engine.store.reports()  # not counts(): that one asks Chroma and walks the keyword rows
        return {
            "status": "ok",
            "reports": len(reports),
            "passages": sum(r.n_passages for r in reports),
            "verifier": engine.settings.verifier,
            "embedding_model": engine.settings.embedding_model,
        }

    @app.get("/api/reports")
    def list_reports() -> list[dict]:
        return [r.__dict__ for r in engine.store.reports()]

    @app.post("/api/reports", dependencies=[Depends(require_token)], summary="Ingest uploaded files, a URL or a path")
    def add_reports(
        files: list[UploadFile] | None = File(None), url: str | None = Form(None), path: str | None = Form(None)
    ) -> dict:
        targets: list[str] = []
        with tempfile.TemporaryDirectory(prefix="claimcheck-upload-") as tmp:
            for f in files or []:
                name = Path(f.filename or "upload.txt").name or "upload.txt"
                data = f.file.read(settings.max_upload_bytes + 1)
                if len(data) > settings.max_upload_bytes:
                    raise HTTPException(413, f"{name}: over the limit of {settings.max_upload_bytes:,} bytes")
                dest = Path(tmp) / name
                dest.write_bytes(data)
                targets.append(str(dest))
            if url:
                if not url.lower().startswith(("http://", "https://")):
                    raise HTTPException(422, "url: only http(s) URLs can be ingested")
                targets.append(url)
            if path:
                targets.append(str(_allowed_path(path, settings.ingest_roots)))
            if not targets:
                raise HTTPException(422, "nothing to ingest: send files, a url or a path")
            with write_lock:
                result = run_ingest(engine, targets)
        out = result.to_dict()
        if result.errors and not (result.added or result.updated or result.unchanged):
            return JSONResponse(out, status_code=422)
        return out

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:  # no stack trace to the user
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"detail": "internal error; the server log has the details"}, status_code=500)

    if with_ui:
        from bot.ui import mount_ui

        mount_ui(app, engine)
    return app


def _allowed_path(raw: str, roots: list[Path]) -> Path:
    """A server path is only readable inside a configured ingest root (no traversal, no symlink escape)."""
    if not roots:
        raise HTTPException(403, "ingest from server paths is off: set CLAIMCHECK_INGEST_ROOTS")
    target = Path(raw).expanduser().resolve()
    for root in roots:
        if target.is_relative_to(Path(root).expanduser().resolve()):
            return target
    raise HTTPException(403, f"{raw}: outside the allowed ingest roots")
