"""Load problems in the clerk's language: pydantic's validation errors said in Chinese.

The loader reports every problem with its file, row and column; this module only words the
reason. A message it does not know is kept as written, behind a Chinese lead-in, so that nothing
is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["cell_problem"]

_DATE_FORMS = "应写作1990.05、1990.05.12或1990-05-12"
# Two English words in a row: a message nobody translated ("Excel" alone is no sentence).
_ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,} [A-Za-z]{2,}")

# English messages of graphsvc.dates and of the model's row checks → Chinese.
_VALUE_ERRORS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"^year (\d+) in .* is outside 1900–2100$"),
        lambda m: f"不是有效日期：年份{m[1]}不在1900–2100之间；{_DATE_FORMS}",
    ),
    (
        re.compile(r"^month (\d+) in .* is not 1–12$"),
        lambda m: f"不是有效日期：月份{m[1]}不在1–12之间；{_DATE_FORMS}",
    ),
    (
        re.compile(r"^day (\d+) in .* does not exist in (\d{4})-(\d{2})$"),
        lambda m: f"不是有效日期：{m[2]}年{int(m[3])}月没有{m[1]}日",
    ),
    (re.compile(r"^.* is not a date\b.*$"), lambda m: f"不是日期：{_DATE_FORMS}"),
    (re.compile(r"^(\S+) is before (\S+)$"), lambda m: f"{m[1]}早于{m[2]}"),
    (
        re.compile(r"^an annual assessment \(no 季度\) needs 等次$"),
        lambda m: "年度考核（未填季度）须填等次",
    ),
    (
        re.compile(r"^a quarterly assessment \(季度 given\) needs 星级$"),
        lambda m: "季度考核（已填季度）须填星级",
    ),
    (re.compile(r"^a cadre cannot be their own relative$"), lambda m: "干部不能是自己的亲属"),
)


def _value_error(message: str) -> str:
    message = message.removeprefix("Value error, ")
    for pattern, say in _VALUE_ERRORS:
        if match := pattern.match(message):
            return say(match)
    if _ENGLISH_WORDS.search(message):
        return f"取值无效：{message}"
    return message  # already said in Chinese (ID numbers)


def _choices(expected: object) -> str:
    values = re.findall(r"'([^']*)'", str(expected))
    return "、".join(values) if values else str(expected)


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
    kind = str(detail.get("type", ""))
    ctx: Mapping[str, Any] = detail.get("ctx") or {}
    given = detail.get("input")
    message = str(detail.get("msg", ""))
    if kind == "missing":
        return "必填项为空"
    if kind == "enum":
        return f"“{given}”不是{column}的可选值；可填：{_choices(ctx.get('expected'))}"
    if kind == "literal_error":
        return f"“{given}”不是{column}的可选值；可填：{_choices(ctx.get('expected'))}"
    if kind == "value_error":
        return _value_error(message)
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "不能为空"
        return f"太短：至少{ctx.get('min_length')}个字符"
    if kind == "string_too_long":
        return f"太长：最多{ctx.get('max_length')}个字符，这里有{len(str(given))}个"
    if kind == "string_pattern_mismatch":
        return f"格式不对：应符合{ctx.get('pattern')}"
    if kind in {"string_type", "string_sub_type"}:
        return "应为文本"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"应为整数，这里是“{given}”"
    if kind in {"float_parsing", "float_type", "decimal_parsing", "finite_number"}:
        return f"应为数字，这里是“{given}”"
    if kind in {"bool_parsing", "bool_type"}:
        return f"应填“是”或“否”，这里是“{given}”"
    if kind in {"date_parsing", "date_type", "date_from_datetime_parsing"}:
        return f"不是日期：{_DATE_FORMS}"
    bounds = {
        "greater_than_equal": ("ge", "不能小于"),
        "greater_than": ("gt", "应大于"),
        "less_than_equal": ("le", "不能大于"),
        "less_than": ("lt", "应小于"),
    }
    if kind in bounds:
        key, words = bounds[kind]
        bound = ctx.get(key)
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return f"{words}{bound}，这里是{given}"
    if kind == "extra_forbidden":
        return "不是这张表的字段"
    return f"取值无效：{message}"
