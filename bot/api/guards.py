"""What stands in front of the routes: body limits, framing rules, rate limiting, the ingest token, the path allow-list.

Why here and not in each router: the limits and framing rules are app-wide middleware, and the per-route guards are
dependencies a router names in its decorators, so a route's protection reads off its declaration.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque
from pathlib import Path

from fastapi import HTTPException, Request, Response
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.types import ASGIApp

from bot.api.deps import EngineDep

VERIFY_BODY_LIMIT = 64 * 1024


class BodyLimit(BaseHTTPMiddleware):
    """Refuse oversized bodies by Content-Length before reading them (uploads get the ingest limit)."""

    def __init__(self, app: ASGIApp, upload_limit: int) -> None:
        super().__init__(app)
        self.upload_limit = upload_limit

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        limit = self.upload_limit if request.url.path.startswith("/api/reports") else VERIFY_BODY_LIMIT
        length = request.headers.get("content-length")
        if request.url.path.startswith("/api/") and length and length.isdigit() and int(length) > limit:
            return JSONResponse({"detail": f"request body over the limit of {limit:,} bytes"}, status_code=413)
        return await call_next(request)


class FrameAncestors(BaseHTTPMiddleware):
    """Only configured origins may frame the widget; nobody may frame the rest."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        super().__init__(app)
        self.origins = origins

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        allowed = " ".join(["'self'", *self.origins]) if request.url.path.startswith("/widget") else "'self'"
        response.headers["Content-Security-Policy"] = f"frame-ancestors {allowed}"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


class RateLimiter:
    """A sliding one-minute window per client; ``limit`` 0 turns it off. Used as a dependency: 429 when over."""

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

    def __call__(self, request: Request) -> None:
        if not self.allow(request.client.host if request.client else "?"):
            raise HTTPException(429, "too many requests; try again in a minute")


def require_token(request: Request, engine: EngineDep) -> None:
    """Ingest writes to the library, so it needs the configured bearer token (compared in constant time)."""
    settings = engine.settings
    token = settings.ingest_token.get_secret_value() if settings.ingest_token else ""
    if not token:
        raise HTTPException(403, "ingest over HTTP is off: set CLAIMCHECK_INGEST_TOKEN to enable it")
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(value.encode(), token.encode()):
        raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})


def allowed_path(raw: str, roots: list[Path]) -> Path:
    """A server path is only readable inside a configured ingest root (no traversal, no symlink escape)."""
    if not roots:
        raise HTTPException(403, "ingest from server paths is off: set CLAIMCHECK_INGEST_ROOTS")
    target = Path(raw).expanduser().resolve()
    for root in roots:
        if target.is_relative_to(Path(root).expanduser().resolve()):
            return target
    raise HTTPException(403, f"{raw}: outside the allowed ingest roots")
