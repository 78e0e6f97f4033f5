"""Load problems in the clerk's language: a row's validation error said in Chinese.

The loader reports every problem with its file, row and column; this module only words the
reason, through :func:`graphsvc.messages.validation_reason` (the model's own checks and the date
parser already speak Chinese), in the words a table calls for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphsvc.messages import validation_reason

__all__ = ["cell_problem"]


def cell_problem(detail: Mapping[str, Any], column: str) -> str:
    """One pydantic error detail (``ValidationError.errors()`` item) as a Chinese reason.

    Parameters
    ----------
    detail : mapping
        The error: ``type``, ``msg``, ``input``, ``ctx``.
    column : str
        The column as the file names it, to say which value is meant.

    Returns
    -------
    str
        The reason, without file, row or column (the caller gives those).
    """
    if detail.get("type") == "extra_forbidden":
        return "不是这张表的字段"
    return validation_reason(detail, column)
