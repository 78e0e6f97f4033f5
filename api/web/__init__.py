"""The committee workbench: server-rendered pages in Chinese under ``/``.

The pages read through the same queries, roles, masking, cache and audit as the
API; people sign in with a password (``graphsvc user create``) and get a session
cookie. :func:`install` adds the pages to the app built by ``api.app``.
"""

from __future__ import annotations

from fastapi import FastAPI

__all__ = ["install"]


def install(app: FastAPI, *, api_prefix: str = "/api/v1") -> None:
    """Add the workbench pages, their static files, error pages and page audit to ``app``."""
    from api.web.site import install_site

    install_site(app, api_prefix=api_prefix)
