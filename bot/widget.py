"""The embeddable widget: /widget.js (launcher + iframe), /widget (the compact chat), /widget/demo (a test page).

Embedding is governed by ``allowed_origins``: the /widget page carries ``frame-ancestors 'self' <origins>`` (set by
the API's middleware), so a site not on the list cannot frame it, and CORS admits only those origins.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse

from bot.chain import Engine

STATIC = Path(__file__).parent / "static"


def add_widget_routes(app: FastAPI, engine: Engine) -> None:
    @app.get("/widget.js", include_in_schema=False)
    def widget_js() -> FileResponse:
        return FileResponse(
            STATIC / "widget.js", media_type="application/javascript", headers={"Cache-Control": "public, max-age=300"}
        )

    @app.get("/widget", include_in_schema=False)
    def widget_page() -> FileResponse:
        return FileResponse(STATIC / "widget.html", media_type="text/html")

    @app.get("/widget/demo", include_in_schema=False)
    def widget_demo(request: Request) -> HTMLResponse:
        src = escape(str(request.base_url).rstrip("/") + "/widget.js", quote=True)
        return HTMLResponse(f"""<!doctype html><html><head><meta charset="utf-8"><title>claimcheck widget demo</title>
</head><body><h1>A page with the claimcheck widget</h1><p>Click the button in the corner.</p>
<script src="{src}" data-title="Check a claim"></script></body></html>""")
