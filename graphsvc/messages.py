"""Validation problems in the user's language: one pydantic error detail said in Chinese.

Both a loaded row (the loader gives file, row and column) and a policy file (the policy names
the setting) are validated by pydantic, whose own messages are English. This module words the
reason only; the caller says where. The model's own checks (``graphsvc.model``,
``graphsvc.dates``, ``graphsvc.id_number``) already raise Chinese ``ValueError`` messages, which
are passed on as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from graphsvc.dates import DATE_FORMS

__all__ = ["validation_reason"]

_BOUNDS = {
    "greater_than_equal": ("ge", "不能小于"),
    "greater_than": ("gt", "应大于"),
    "less_than_equal": ("le", "不能大于"),
    "less_than": ("lt", "应小于"),
}


def _choices(expected: object) -> str:
    values = re.findall(r"'([^']*)'", str(expected))
    return "、".join(values) if values else str(expected)


def validation_reason(detail: Mapping[str, Any], name: str, *, date_forms: str = DATE_FORMS) -> str:
    """One pydantic error detail (a ``ValidationError.errors()`` item) as a Chinese reason.

    Parameters
    ----------
    detail : mapping
        The error: ``type``, ``msg``, ``input``, ``ctx``.
    name : str
        The column or setting as the user knows it, to say which value is meant.
    date_forms : str
        How a date is written where the value came from: the cadre forms a file accepts by
        default; an HTTP parameter says ISO.

    Returns
    -------
    str
        The reason, without the place (the caller gives file, row, column or setting).
    """
    kind = str(detail.get("type", ""))
    ctx: Mapping[str, Any] = detail.get("ctx") or {}
    given = detail.get("input")
    message = str(detail.get("msg", ""))
    if kind == "missing":
        return "必填项为空"
    if kind in {"enum", "literal_error"}:
        return f"“{given}”不是{name}的可选值；可填：{_choices(ctx.get('expected'))}"
    if kind == "value_error":
        # Raised by the model's own checks, which speak Chinese already.
        return message.removeprefix("Value error, ")
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "不能为空"
        return f"太短：至少{ctx.get('min_length')}个字符"
    if kind == "string_too_long":
        return f"太长：最多{ctx.get('max_length')}个字符，这里有{len(str(given))}个"
    if kind == "string_pattern_mismatch":
        return f"格式不对：应符合{ctx.get('pattern')}，这里是“{given}”"
    if kind in {"string_type", "string_sub_type"}:
        return "应为文本"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"应为整数，这里是“{given}”"
    if kind in {"float_parsing", "float_type", "decimal_parsing", "finite_number"}:
        return f"应为数字，这里是“{given}”"
    if kind in {"bool_parsing", "bool_type"}:
        return f"应填“是”或“否”，这里是“{given}”"
    if kind in {"date_parsing", "date_type", "date_from_datetime_parsing"}:
        return f"不是日期：{date_forms}"
    if kind in {"list_type", "dict_type", "model_type", "model_attributes_type"}:
        return f"格式不对，这里是“{given}”"
    if kind == "too_short":
        return f"至少需要{ctx.get('min_length')}项，这里有{ctx.get('actual_length')}项"
    if kind == "too_long":
        return f"最多{ctx.get('max_length')}项，这里有{ctx.get('actual_length')}项"
    if kind in {"datetime_parsing", "datetime_type", "datetime_from_date_parsing"}:
        return f"不是时间：应写作ISO格式，如2026-11-01T09:30，这里是“{given}”"
    if kind == "json_invalid":
        return "不是有效的JSON"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        bound = ctx.get(key)
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return f"{words}{bound}，这里是{given}"
    if kind == "extra_forbidden":
        return f"无法识别“{name}”这一项"
    return f"取值无效：{message}"
