"""GET /api/reports (what is indexed) and POST /api/reports (ingest uploads, a URL or a server path; token only)."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile
from fastapi.responses import JSONResponse

from bot.api.deps import EngineDep
from bot.api.guards import allowed_path, require_token
from bot.service import ingest

router = APIRouter(prefix="/api")
_ingest_lock = threading.Lock()  # one HTTP ingest at a time: the process's store has one writer


@router.get("/reports")
def list_reports(engine: EngineDep) -> list[dict[str, Any]]:
    return [r.__dict__ for r in engine.store.reports()]


@router.post(
    "/reports",
    dependencies=[Depends(require_token)],
    summary="Ingest uploaded files, a URL or a path",
    response_model=dict[str, Any],
)
def add_reports(
    engine: EngineDep,
    files: Annotated[list[UploadFile] | None, File()] = None,
    url: Annotated[str | None, Form()] = None,
    path: Annotated[str | None, Form()] = None,
) -> dict[str, Any] | JSONResponse:
    """Upload files, or name an http(s) URL or a server path inside the ingest roots; answers the ingest result.

    The status is 422 when nothing could be ingested, so a script sees the failure without reading the body.
    """
    settings = engine.settings
    with tempfile.TemporaryDirectory(prefix="claimcheck-upload-") as tmp:
        targets = _save_uploads(files or [], Path(tmp), settings.max_upload_bytes)
        if url:
            if not url.lower().startswith(("http://", "https://")):
                raise HTTPException(422, "url: only http(s) URLs can be ingested")
            targets.append(url)
        if path:
            targets.append(str(allowed_path(path, settings.ingest_roots)))
        if not targets:
            raise HTTPException(422, "nothing to ingest: send files, a url or a path")
        with _ingest_lock:
            result = ingest(engine, targets)
    out = result.to_dict()
    if result.errors and not (result.added or result.updated or result.unchanged):
        return JSONResponse(out, status_code=422)
    return out


def _save_uploads(files: list[UploadFile], folder: Path, limit: int) -> list[str]:
    """Uploads as files the loaders can read by name; reads at most one byte past the limit, then refuses (413)."""
    saved = []
    for f in files:
        name = Path(f.filename or "upload.txt").name or "upload.txt"
        data = f.file.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(413, f"{name}: over the limit of {limit:,} bytes")
        dest = folder / name
        dest.write_bytes(data)
        saved.append(str(dest))
    return saved
