"""GET /api/reports (what is indexed), POST /api/reports (ingest uploads, a URL or a server path; token only), with
``?async=true`` a job whose progress GET /api/reports/jobs/{job_id} answers, and DELETE /api/reports/{id}."""

from __future__ import annotations

import shutil
import tempfile
import threading
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, UploadFile
from fastapi.responses import JSONResponse

from bot.api.deps import EngineDep
from bot.api.guards import allowed_path, require_token
from bot.service import ingest, remove
from index.ingest import IngestResult, Progress

router = APIRouter(prefix="/api")
_ingest_lock = threading.Lock()  # one HTTP ingest or removal at a time: the process's store has one writer
MAX_JOBS = 100  # finished jobs kept for polling, oldest forgotten first


class _Job:
    def __init__(self) -> None:
        self.id = uuid.uuid4().hex
        self.state = "queued"  # queued -> running -> done | failed
        self.progress = Progress()
        self.result: dict[str, Any] | None = None

    def status(self) -> dict[str, Any]:
        return {"job_id": self.id, "state": self.state, **self.progress.snapshot(), "result": self.result}


_jobs: OrderedDict[str, _Job] = OrderedDict()
_jobs_lock = threading.Lock()


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
    run_async: Annotated[
        bool, Query(alias="async", description="answer 202 with a job_id at once; poll /api/reports/jobs/{job_id}")
    ] = False,
) -> dict[str, Any] | JSONResponse:
    """Upload files, or name an http(s) URL or a server path inside the ingest roots; answers the ingest result.

    The status is 422 when nothing could be ingested, so a script sees the failure without reading the body. With
    ``?async=true`` the answer is 202 ``{"job_id": ...}`` at once and the job's progress (done, total, percent, rate,
    ETA) and, once done, its result are at GET /api/reports/jobs/{job_id}.
    """
    settings = engine.settings
    tmp = Path(tempfile.mkdtemp(prefix="claimcheck-upload-"))
    try:
        targets = _save_uploads(files or [], tmp, settings.max_upload_bytes)
        if url:
            if not url.lower().startswith(("http://", "https://")):
                raise HTTPException(422, "url: only http(s) URLs can be ingested")
            targets.append(url)
        if path:
            targets.append(str(allowed_path(path, settings.ingest_roots)))
        if not targets:
            raise HTTPException(422, "nothing to ingest: send files, a url or a path")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if run_async:
        job = _new_job()
        threading.Thread(target=_run_job, args=(engine, job, targets, tmp), daemon=True, name="ingest-job").start()
        return JSONResponse({"job_id": job.id, "status_url": f"/api/reports/jobs/{job.id}"}, status_code=202)
    try:
        with _ingest_lock:
            result = ingest(engine, targets)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = _public(result, tmp)
    if _failed(result):
        return JSONResponse(out, status_code=422)
    return out


@router.get("/reports/jobs/{job_id}", dependencies=[Depends(require_token)], summary="Progress of an ingest job")
def job_status(job_id: str) -> dict[str, Any]:
    """``state`` (queued, running, done, failed), ``done`` of ``total`` reports (total null when it could not be
    counted up front), ``percent``, ``rate`` (reports/s), ``eta_s``, and ``result`` once done (as the synchronous
    POST answers it)."""
    with _jobs_lock:
        job = _jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no ingest job {job_id!r} (finished jobs are kept for the last {MAX_JOBS})")
    return job.status()


@router.delete("/reports/{report_id}", dependencies=[Depends(require_token)], summary="Remove a report")
def delete_report(engine: EngineDep, report_id: str) -> dict[str, Any]:
    """Remove a report from the catalog, Chroma and the keyword index; 404 when the library has no such id."""
    with _ingest_lock:
        removed, _ = remove(engine.store, [report_id])
    if not removed:
        raise HTTPException(404, f"no report {report_id!r} in the library (GET /api/reports lists the ids)")
    return {"removed": removed}


def _new_job() -> _Job:
    job = _Job()
    with _jobs_lock:
        _jobs[job.id] = job
        while len(_jobs) > MAX_JOBS:
            oldest = next(iter(_jobs))
            if _jobs[oldest].state not in ("done", "failed"):
                break
            _jobs.pop(oldest)
    return job


def _run_job(engine, job: _Job, targets: list[str], tmp: Path) -> None:
    try:
        with _ingest_lock:
            job.state = "running"
            result = ingest(engine, targets, tracker=job.progress)
        job.result = _public(result, tmp)
        job.state = "failed" if _failed(result) else "done"
    except Exception as exc:  # the job's status carries it; the thread must not die silently
        job.progress.finish()
        job.result = {"errors": [{"where": "", "message": f"internal error ({exc.__class__.__name__})"}]}
        job.state = "failed"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _failed(result: IngestResult) -> bool:
    return bool(result.errors) and not (result.added or result.updated or result.unchanged)


def _public(result: IngestResult, tmp: Path) -> dict[str, Any]:
    """The result as answered: uploads are named as the user named them, never by the server's temporary folder."""
    out = result.to_dict()
    prefix = str(tmp) + "/"
    for err in out["errors"]:
        err["where"] = err["where"].replace(prefix, "")
        err["message"] = err["message"].replace(prefix, "")
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
