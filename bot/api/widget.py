"""The embeddable widget: /widget.js (launcher + iframe), /widget (the compact chat), /widget/demo (a test page).

Embedding is governed by ``allowed_origins``: the /widget page carries ``frame-ancestors 'self' <origins>`` (set by
``guards.FrameAncestors``), so a site not on the list cannot frame it, and CORS admits only those origins. The page
talks to POST /api/verify, not to the Gradio chat, so the app mounts it with or without the chat.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

STATIC = Path(__file__).parents[1] / "static"

router = APIRouter(include_in_schema=False)


@router.get("/widget.js")
def widget_js() -> FileResponse:
    return FileResponse(
        STATIC / "widget.js", media_type="application/javascript", headers={"Cache-Control": "public, max-age=300"}
    )


@router.get("/widget")
def widget_page() -> FileResponse:
    return FileResponse(STATIC / "widget.html", media_type="text/html")


@router.get("/widget/demo")
def widget_demo(request: Request) -> HTMLResponse:
    src = escape(str(request.base_url).rstrip("/") + "/widget.js", quote=True)
    return HTMLResponse(f"""<!doctype html><html><head><meta charset="utf-8"><title>claimcheck widget demo</title>
</head><body><h1>A page with the claimcheck widget</h1><p>Click the button in the corner.</p>
<script src="{src}" data-title="Check a claim"></script></body></html>""")
