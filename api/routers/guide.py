"""``GET /browser-guide``: the graphsvc guide for Neo4j Browser (``:play URL``), open to all.

The guide holds the saved queries and the style, no personal data. Browser fetches it
from its own origin (the Neo4j server's), so the answer allows any origin; Browser
sends ``pragma`` and ``cache-control`` headers, so the preflight is answered too.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse

from queries.browser_guide import browser_guide_html

GUIDE_PATH = "/browser-guide"
_CORS = {"Access-Control-Allow-Origin": "*"}

router = APIRouter(tags=["browser guide"])


@router.get(
    GUIDE_PATH,
    response_class=HTMLResponse,
    summary="Neo4j Browser guide: saved queries and style (open, no token)",
    description="In Neo4j Browser run `:play http://HOST:PORT/browser-guide`.",
)
def browser_guide() -> HTMLResponse:
    return HTMLResponse(browser_guide_html(), headers=_CORS)


@router.options(GUIDE_PATH, include_in_schema=False)
def browser_guide_preflight() -> Response:
    return Response(
        status_code=204,
        headers=_CORS
        | {
            "Access-Control-Allow-Methods": "GET, OPTIONS",
            "Access-Control-Allow-Headers": "*",
            "Access-Control-Max-Age": "600",
        },
    )
