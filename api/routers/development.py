"""The cadre section's analyses: mentoring, teams, the pool, training, network, targets, a
cadre's path (一人一策) and the pipeline (超前研判), one GET each from the registry.

For analysts and admins. Results are cached per graph version and day.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query

from api.deps import AuditDep, CacheDep, PolicyDep, StoreDep, require
from api.schemas import ERRORS
from queries.analyses import ANALYSES, Analysis
from queries.development.data import DevelopmentData
from queries.selection.candidates import NotFound

router = APIRouter(tags=["development"], dependencies=[Depends(require("analyse"))])

AsOf = Annotated[
    date | None,
    Query(description="Day of the analysis (default today)", examples=["2026-11-01"]),
]


def _run(
    name: str,
    analysis: Analysis,
    store: StoreDep,
    policy: PolicyDep,
    cache: CacheDep,
    audit: AuditDep,
    as_of: date | None,
    given: dict[str, Any],
) -> Any:
    day = as_of or date.today()

    def compute() -> Any:
        data = cache.get(
            store,
            ("development", day),
            lambda: DevelopmentData.load(store, policy=policy, as_of=day),
            heavy=True,
        )
        try:
            return analysis.run(data, **given)
        except NotFound as error:
            raise HTTPException(status_code=404, detail=str(error)) from None
        except ValueError as error:
            raise HTTPException(status_code=422, detail=str(error)) from None

    audit.record(f"analysis:{name}")
    key = tuple(sorted((k, v) for k, v in given.items() if v is not None))
    return cache.get(store, (name, day, *key), compute)


def _endpoint(analysis: Analysis) -> Callable[..., Any]:
    """One GET endpoint: the analysis's parameters (a path segment or a query parameter
    each), then the day."""

    def endpoint(**kwargs: Any) -> Any:
        given = {p.name: kwargs[p.name] for p in analysis.params}
        return _run(
            analysis.name,
            analysis,
            kwargs["store"],
            kwargs["policy"],
            kwargs["cache"],
            kwargs["audit"],
            kwargs["as_of"],
            given,
        )

    own = [
        inspect.Parameter(
            p.name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[str, Path(description=p.help)]
            if p.in_path
            else Annotated[p.kind | None, Query(description=p.help, ge=p.minimum)],
            **({} if p.in_path else {"default": None}),
        )
        for p in analysis.params
    ]
    common = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind)
        for name, kind in (
            ("store", StoreDep),
            ("policy", PolicyDep),
            ("cache", CacheDep),
            ("audit", AuditDep),
        )
    ]
    day = inspect.Parameter("as_of", inspect.Parameter.KEYWORD_ONLY, annotation=AsOf, default=None)
    endpoint.__signature__ = inspect.Signature([*own, *common, day])  # type: ignore[attr-defined]
    endpoint.__name__ = analysis.name
    return endpoint


# One GET endpoint per analysis of the registry that has a path, all alike. The answer type
# is the route's response_model: the OpenAPI schema and what the audit walks to name the
# people shown.
for analysis in ANALYSES.values():
    if analysis.path is None:
        continue
    router.add_api_route(
        analysis.path,
        _endpoint(analysis),
        methods=["GET"],
        summary=analysis.summary,
        response_model=analysis.result_type,
        responses={404: ERRORS[404]} if analysis.params else {},
    )
