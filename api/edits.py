"""An editor's change to the cadre section's ledger (a pairing made, ended or undone; a cadre
entering or leaving the pool), for the API and the workbench alike.

``queries.development.ledger`` builds the row and checks what the loader cannot; the row is
then written through the loader's validation, all or nothing. Reading the current record and
writing the change happen under the app's write lock, so two editors never both end the
same pairing or both enter the same cadre.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request

from graphsvc.stores import GraphStore
from loaders.load import LoadFailed, load_records

__all__ = ["LoadFailed", "problems_text", "write_change"]


def write_change(
    request: Request,
    store: GraphStore,
    table: str,
    build: Callable[[], dict[str, Any]],
    *,
    source: str,
) -> int:
    """Build the row and write it, one writer at a time; the graph version after the write.

    Raises
    ------
    queries.development.ledger.EditRefused
        The change cannot be made (says why); nothing was written.
    LoadFailed
        The row failed the loader's validation; nothing was written.
    """
    with request.app.state.write_lock:
        row = build()
        load_records(store, table, [row], source=source)
        return store.version()


def problems_text(failure: LoadFailed) -> str:
    """The loader's problems with a change, in one Chinese sentence."""
    return "数据校验未通过，未写入：" + "；".join(str(issue) for issue in failure.issues[:5])
