"""POST /api/verify: a claim (or a question) and its filters in, the engine's Reply out.

Why the body is read by hand rather than declared as a ``CheckRequest`` parameter: ``CheckRequest.of`` turns every
problem (a bad date, an empty or over-long claim, top_k outside 1-50) into one sentence, answered as 422
``{"detail": "..."}`` exactly as the CLI and the chat word it; FastAPI's own validation would answer with its list of
errors instead. The body's schema is still documented from ``CheckRequest``, through ``openapi_extra``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from bot.api.deps import EngineDep
from bot.reply import Reply
from bot.request import CheckRequest, InputError

router = APIRouter(prefix="/api")

_FIELDS = ("claim", "as_of", "date_from", "date_to", "top_k")  # what a script sends; the API keeps no conversation


def _body_doc() -> dict[str, Any]:
    """``CheckRequest``'s schema, narrowed to the fields this endpoint reads, as the operation's request body."""
    schema = CheckRequest.model_json_schema()
    schema["properties"] = {k: v for k, v in schema["properties"].items() if k in _FIELDS}
    schema["description"] = "A claim (or a question) and optional filters on the evidence's dates."
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


async def check_request(request: Request, engine: EngineDep) -> CheckRequest:
    """The JSON body as a validated request; any problem is an ``InputError`` (422 with its message).

    Only a JSON content type is read (or none), as FastAPI does for a declared body: a text/plain POST, which a
    browser sends cross-origin without a CORS preflight, never reaches the engine.
    """
    media_type = request.headers.get("content-type", "application/json").partition(";")[0].strip().lower()
    if not media_type.endswith(("/json", "+json")):
        raise InputError('send the body as JSON (Content-Type: application/json): {"claim": "..."}')
    try:
        body = await request.json()
    except ValueError:
        raise InputError('the body is not valid JSON; send {"claim": "..."}') from None
    if not isinstance(body, dict):
        raise InputError('the body must be a JSON object: {"claim": "..."}')
    return CheckRequest.of(**{k: body.get(k) for k in _FIELDS}, max_claim_chars=engine.settings.max_claim_chars)


_REFUSED = {
    422: {
        "description": "The request needs fixing; `detail` says how, in one sentence",
        "content": {"application/json": {"example": {"detail": "as_of: 'yesterday' is not a date; use YYYY-MM-DD"}}},
    }
}


@router.post(
    "/verify",
    summary="Check a claim (or answer a question) with cited evidence",
    openapi_extra=_body_doc(),
    responses=_REFUSED,
)
def verify(req: Annotated[CheckRequest, Depends(check_request)], engine: EngineDep) -> Reply:
    return engine.check(req.claim, as_of=req.as_of, date_from=req.date_from, date_to=req.date_to, top_k=req.top_k)
