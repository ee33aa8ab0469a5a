"""The API's documentation pages, /docs (Swagger UI) and /redoc (ReDoc), served with no request leaving the server.

Why not FastAPI's own pages: they load Swagger UI, ReDoc, a favicon and Google Fonts from CDNs, so offline (the
setting claimcheck is built for) they are blank. The same pages are built here by FastAPI's ``get_swagger_ui_html``
and ``get_redoc_html``, pointed at the copies that the ``fastapi-offline`` package ships (Swagger UI, Apache-2.0;
ReDoc, MIT; the package itself, MIT) and served from ``/docs-assets``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse

ASSETS_URL = "/docs-assets"
ASSETS = Path(str(files("fastapi_offline") / "static"))
_SERVED = {"swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png"}

# ReDoc's sidebar shows a logo from its CDN; this policy keeps the browser from even asking (the page needs nothing
# from elsewhere: its script, styles, fonts and the OpenAPI document are all served here).
_SAME_ORIGIN_ONLY = (
    "<meta http-equiv=\"Content-Security-Policy\" content=\"img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'\">"
)

router = APIRouter(include_in_schema=False)


def _local_only(page: HTMLResponse) -> HTMLResponse:
    html = bytes(page.body).decode().replace("<head>", "<head>" + _SAME_ORIGIN_ONLY, 1)
    return HTMLResponse(html)


def _urls(request: Request) -> tuple[str, str]:
    """The OpenAPI document's URL and the assets' base, under whatever prefix the app is mounted at."""
    root = request.scope.get("root_path", "").rstrip("/")
    return root + request.app.openapi_url, root + ASSETS_URL


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    openapi, assets = _urls(request)
    app: FastAPI = request.app
    page = get_swagger_ui_html(
        openapi_url=openapi,
        title=f"{app.title} - Swagger UI",
        swagger_js_url=f"{assets}/swagger-ui-bundle.js",
        swagger_css_url=f"{assets}/swagger-ui.css",
        swagger_favicon_url=f"{assets}/favicon.png",
        oauth2_redirect_url="/docs/oauth2-redirect",
    )
    return _local_only(page)


@router.get("/docs/oauth2-redirect")
def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    openapi, assets = _urls(request)
    page = get_redoc_html(
        openapi_url=openapi,
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{assets}/redoc.standalone.js",
        redoc_favicon_url=f"{assets}/favicon.png",
        with_google_fonts=False,
    )
    return _local_only(page)


@router.get(ASSETS_URL + "/{name}")
def asset(name: str) -> FileResponse:
    """Only the four named files: the folder is a package's, and nothing else in it is ours to serve."""
    if name not in _SERVED:
        raise HTTPException(404, "no such asset")
    return FileResponse(ASSETS / name, headers={"Cache-Control": "public, max-age=86400"})
