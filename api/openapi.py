"""The OpenAPI document says the errors the service answers, in the shape it answers them.

Every error is an :class:`api.schemas.ErrorOut` (``detail`` and ``errors``, in Chinese). The
document FastAPI writes by itself declares its own validation error (``HTTPValidationError``,
``detail`` a list) that the service never sends; :func:`document_errors` replaces it and
declares, on every operation, each error status it can answer:

- 401 and 503 (its audit entry cannot be written) on every operation that needs a token;
  403 where a role may lack the permission;
- 422 where there are parameters or a body; 400 where there is a body (malformed JSON, a
  multipart body that cannot be parsed);
- what an operation declares itself (404 where a record may be missing, 413 and 503 on
  uploads, 503 where the graph store is read).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from api.schemas import ERRORS

__all__ = ["document_errors"]

_ERROR = {"$ref": "#/components/schemas/ErrorOut"}
_DEFAULT_ERRORS = ("HTTPValidationError", "ValidationError")


def _calls(dependant: Dependant) -> list[Any]:
    found = [dependant.call]
    for sub in dependant.dependencies:
        found.extend(_calls(sub))
    return found


def _statuses(operation: dict[str, Any], calls: list[Any]) -> set[int]:
    """The error statuses an operation can answer: from its parameters and body (in the
    document) and from what its route depends on (a token, a permission)."""
    names = {str(getattr(call, "__qualname__", "")) for call in calls}
    statuses = set()
    if "get_principal" in names:
        statuses |= {401, 503}  # 503: the call's audit entry cannot be written
    if any(name.startswith("require.") for name in names):
        statuses.add(403)
    parameters = operation.get("parameters", [])
    body = "requestBody" in operation
    if parameters or body:
        statuses.add(422)
    if body:
        statuses.add(400)
    return statuses


def _error_response(status: int) -> dict[str, Any]:
    return {
        "description": str(ERRORS[status]["description"]),
        "content": {"application/json": {"schema": _ERROR}},
    }


def document_errors(app: FastAPI, *, prefix: str) -> None:
    """Make ``app``'s OpenAPI document declare its errors as they are answered."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        calls = {
            (context.path_format, method.lower()): _calls(context.dependant)
            for context in iter_route_contexts(app.routes)
            if isinstance(context.original_route, APIRoute)
            and (context.path_format or "").startswith(prefix)
            for method in context.methods or ()
        }
        for path, operations in document.get("paths", {}).items():
            for method, operation in operations.items():
                if (path, method) not in calls:
                    continue
                responses: dict[str, Any] = operation.setdefault("responses", {})
                declared = {int(code) for code in responses if code.isdigit()}
                for status in sorted(_statuses(operation, calls[path, method]) | declared):
                    if status < 400:
                        continue
                    if status not in ERRORS:
                        raise ValueError(f"{path}: no error description for status {status}")
                    responses[str(status)] = _error_response(status)
                operation["responses"] = dict(sorted(responses.items()))
        schemas = document.get("components", {}).get("schemas", {})
        for name in _DEFAULT_ERRORS:
            schemas.pop(name, None)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
