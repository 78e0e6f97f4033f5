"""Validating a table a column at a time: the fast path of :mod:`loaders.validate`.

A row of the input is a flat record whose fields are validated independently of each
other (each field's type, its ``BeforeValidator`` and its bounds), then checked by the
model's ``after`` validators (an end date not before its start ...). So instead of
one pydantic model per row, each *distinct* value of a column is validated once with
that field's own type adapter, and the model's ``after`` validators run on the values
of each row. Columns repeat a lot (dates, vocabularies, flags), so a province's
millions of cells need a few hundred thousand validations.

This path only *accepts* rows. A row with any cell it cannot accept, a row whose cells
do not line up with the header, or one an ``after`` validator refuses, is handed back
to the exact per-row path, which writes the problem down as the clerk reads it. The
values of an accepted row are exactly what the model would have produced
(``tests/test_load_columns.py`` holds the two paths equal).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from types import SimpleNamespace, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from annotated_types import MaxLen, MinLen
from numpy.typing import NDArray
from pydantic import BeforeValidator, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from graphsvc.model import Record, keeps_text

__all__ = ["Accepted", "ColumnPlan", "accept_rows", "column_plan"]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _plain(value: Any) -> Any:
    """A value as it is stored: an enum as its text."""
    return value.value if isinstance(value, Enum) else value


@dataclass(frozen=True)
class _FieldPlan:
    name: str
    validate: Callable[[Any], Any]  # raises ValidationError
    required: bool
    default: Any  # the stored form (enum text), None when the field has no value by default
    text_length: tuple[int, float] | None  # a plain text field: its length bounds


def _text_length(info: FieldInfo) -> tuple[int, float] | None:
    """Length bounds of a field that is plain text (``str``, an ``Id``), else ``None``."""
    annotation: Any = info.annotation
    metadata: list[Any] = list(info.metadata)
    if get_origin(annotation) in (Union, UnionType):
        inner = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(inner) != 1:
            return None
        annotation = inner[0]
    if get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        metadata.extend(extra)
    if annotation is not str:
        return None
    shortest, longest = 0, math.inf
    while metadata:
        item = metadata.pop()
        if isinstance(item, FieldInfo):
            metadata.extend(item.metadata)
        elif isinstance(item, MinLen):
            shortest = item.min_length
        elif isinstance(item, MaxLen):
            longest = item.max_length
        elif not (isinstance(item, BeforeValidator) and keeps_text(item.func)):
            return None
    return shortest, longest


@dataclass(frozen=True)
class ColumnPlan:
    """How to validate one model's fields column by column."""

    model: type[Record]
    fields: tuple[_FieldPlan, ...]
    after: tuple[Callable[[Any], Any], ...]  # the model's ``after`` validators


def _adapter(model: type[Record], info: FieldInfo) -> TypeAdapter[Any]:
    annotation: Any = info.annotation
    if info.metadata:
        annotation = Annotated[(annotation, *info.metadata)]
    config = model.model_config
    # Only the settings that act on a single value carry over from the model.
    return TypeAdapter(
        annotation, config={"str_strip_whitespace": config.get("str_strip_whitespace", False)}
    )


@cache
def column_plan(model: type[Record]) -> ColumnPlan:
    """The per-field adapters and ``after`` validators of ``model`` (built once per model)."""
    fields = []
    for name, info in model.model_fields.items():
        adapter = _adapter(model, info)
        default = (
            None if info.is_required() else _plain(info.get_default(call_default_factory=True))
        )
        fields.append(
            _FieldPlan(
                name, adapter.validate_python, info.is_required(), default, _text_length(info)
            )
        )
    decorators = model.__pydantic_decorators__.model_validators.values()
    after = tuple(dec.func for dec in decorators if dec.info.mode == "after")
    if any(dec.info.mode != "after" for dec in decorators):
        raise TypeError(f"{model.__name__}: only 'after' model validators can run by columns")
    return ColumnPlan(model, tuple(fields), after)


def _judge_value(plan: _FieldPlan, cell: Any) -> tuple[Any, int]:
    """A cell's stored value (the default when blank) and its status (0 fine, 1 refused)."""
    if _blank(cell):
        return plan.default, int(plan.required)
    try:
        return _plain(plan.validate(cell)), 0
    except ValidationError:
        return None, 1


# Every character Python's str.strip() removes (a superset of what pydantic strips).
_SPACE = (
    r"[\t-\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}"
    r"\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
)
_SPACED = f"^{_SPACE}|{_SPACE}$"


def _arrow_column(
    plan: _FieldPlan, cells: pa.ChunkedArray
) -> tuple[NDArray[Any], NDArray[np.int8]]:
    """A column read by Arrow (text, no nulls): the same as :func:`_validated_column`, with
    hashing done by Arrow in C. Each distinct cell is judged once and becomes one Python
    value, shared by every row that has it (an id repeated down a relation table is one
    string in memory)."""
    encoded = pc.dictionary_encode(cells).combine_chunks()
    distinct = encoded.dictionary
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    if plan.text_length is not None:
        values, status = _text_values(plan, distinct, plan.text_length)
    else:
        judged = [_judge_value(plan, cell) for cell in distinct.to_pylist()]
        values = np.empty(len(judged), dtype=object)
        values[:] = [value for value, _ in judged]
        status = np.fromiter((bad for _, bad in judged), dtype=np.int8, count=len(judged))
    return values[codes], status[codes]


def _text_values(
    plan: _FieldPlan, distinct: pa.Array, bounds: tuple[int, float]
) -> tuple[NDArray[Any], NDArray[np.int8]]:
    """Distinct text cells of a plain text field: a cell with no space around it is its own
    value (Python strips every character pydantic strips, and more), checked for length;
    blanks and cells with space around them are judged by the field."""
    spaced = pc.match_substring_regex(distinct, _SPACED).to_numpy(zero_copy_only=False)
    lengths = pc.utf8_length(distinct).to_numpy(zero_copy_only=False)
    as_is = ~spaced & (lengths > 0)
    values = np.empty(len(distinct), dtype=object)
    values[:] = distinct.to_pylist()
    status = np.zeros(len(distinct), dtype=np.int8)
    status[as_is & ((lengths < bounds[0]) | (lengths > bounds[1]))] = 1
    values[status == 1] = None
    for index in np.flatnonzero(~as_is).tolist():
        values[index], status[index] = _judge_value(plan, values[index])
    return values, status


def _validated_column(
    plan: _FieldPlan, cells: Sequence[Any] | pa.ChunkedArray, all_text: bool
) -> tuple[NDArray[Any], NDArray[np.int8]]:
    """Each cell's stored value and status (0 fine, 1 refused), each distinct cell judged once."""
    if isinstance(cells, pa.ChunkedArray):
        return _arrow_column(plan, cells)
    if all_text and plan.text_length is not None:
        return _text_column(plan, cells, plan.text_length)
    if all_text:
        # Text cells (CSV): pandas hashes the column in C; None becomes code -1.
        codes, uniques = pd.factorize(np.asarray(cells, dtype=object), use_na_sentinel=True)
        judged = [_judge_value(plan, cell) for cell in uniques]
        judged.append(_judge_value(plan, None))  # code -1 (a missing cell) picks the last
        values = np.empty(len(judged), dtype=object)
        values[:] = [value for value, _ in judged]
        status = np.fromiter((bad for _, bad in judged), dtype=np.int8, count=len(judged))
        return values[codes], status[codes]
    # Workbook or request cells mix types: 1, 1.0 and True are equal keys, so key on the type.
    memo: dict[Any, tuple[Any, int]] = {}
    out_values = np.empty(len(cells), dtype=object)
    out_status = np.zeros(len(cells), dtype=np.int8)
    for index, cell in enumerate(cells):
        try:
            key = (type(cell), cell)
            found = memo.get(key)
            if found is None:
                found = memo[key] = _judge_value(plan, cell)
        except TypeError:  # unhashable: judged alone
            found = _judge_value(plan, cell)
        out_values[index], out_status[index] = found
    return out_values, out_status


def _text_column(
    plan: _FieldPlan, cells: Sequence[Any], bounds: tuple[int, float]
) -> tuple[NDArray[Any], NDArray[np.int8]]:
    """A plain text column: a cell with no surrounding space is its own value (Python strips
    every character pydantic strips, and more), checked for length. The rest, blanks and
    cells with space around them, are judged one by one."""
    column = pd.Series(cells, dtype=object)
    lengths = column.str.len().fillna(0).to_numpy()
    as_is = (column.str.strip() == column).fillna(False).to_numpy(dtype=bool) & (lengths > 0)
    values = column.to_numpy(dtype=object, copy=True)
    status = np.zeros(len(column), dtype=np.int8)
    status[as_is & ((lengths < bounds[0]) | (lengths > bounds[1]))] = 1
    values[status == 1] = None
    for index in np.flatnonzero(~as_is).tolist():
        values[index], status[index] = _judge_value(plan, cells[index])
    return values, status


def _present(values: NDArray[Any]) -> NDArray[np.bool_]:
    """Which cells hold a value (not ``None``)."""
    missing: NDArray[np.bool_] = np.equal(values, None)  # type: ignore[call-overload]
    return ~missing


def _row_dicts(names: list[str], arrays: list[NDArray[Any]], count: int) -> list[dict[str, Any]]:
    """One dict a row, leaving out ``None``: full columns are zipped in C, sparse ones added."""
    present = {name: _present(array) for name, array in zip(names, arrays, strict=True)}
    full = [(n, a) for n, a in zip(names, arrays, strict=True) if present[n].all()]
    rows = (
        [
            dict(zip([n for n, _ in full], cells, strict=True))
            for cells in zip(*[a for _, a in full], strict=True)
        ]
        if full
        else [{} for _ in range(count)]
    )
    for name, array in zip(names, arrays, strict=True):
        if any(name == n for n, _ in full):
            continue
        for index in np.flatnonzero(present[name]).tolist():
            rows[index][name] = array[index]
    return rows


@dataclass
class Accepted:
    """What :func:`accept_rows` found: each row's values (meaningful for accepted rows only),
    the fields kept apart from them, and the rows the exact path must judge."""

    rows: list[dict[str, Any]]
    apart: dict[str, NDArray[Any]]
    judged: list[int]


def accept_rows(
    plan: ColumnPlan,
    columns: Mapping[str, Sequence[Any] | pa.ChunkedArray],
    count: int,
    *,
    all_text: bool = False,
    apart: Sequence[str] = (),
) -> Accepted:
    """Validate ``count`` rows given as columns (field name → cells; absent fields are blank).

    A column is a list of cells, or Arrow's text array for a CSV file read by columns.
    ``all_text``: every cell is a ``str`` or ``None`` (as read from CSV), which allows
    hashing whole columns at once. Each row's stored values are enums as their text,
    ``None`` left out; the ``apart`` fields (required ones: a node's id, a relation's ends)
    are not in them but in arrays of their own.
    """
    names: list[str] = []
    arrays: list[NDArray[Any]] = []
    refused = np.zeros(count, dtype=np.int8)
    for field in plan.fields:
        if field.name in columns:
            values, status = _validated_column(field, columns[field.name], all_text)
            refused |= status
        elif field.required:
            return Accepted([{} for _ in range(count)], {}, list(range(count)))
        elif field.default is None:
            continue
        else:
            values = np.empty(count, dtype=object)
            values[:] = [field.default] * count
        names.append(field.name)
        arrays.append(values)
    kept = {name: array for name, array in zip(names, arrays, strict=True) if name in apart}
    rows = _row_dicts(
        [name for name in names if name not in kept],
        [array for name, array in zip(names, arrays, strict=True) if name not in kept],
        count,
    )
    if plan.after:
        empty = dict.fromkeys(field.name for field in plan.fields)
        for index in np.flatnonzero(refused == 0).tolist():
            ends = {name: array[index] for name, array in kept.items()}
            view = SimpleNamespace(**(empty | rows[index] | ends))
            try:
                for check in plan.after:
                    check(view)
            except (ValueError, AssertionError):
                refused[index] = 1
    return Accepted(rows, kept, np.flatnonzero(refused).tolist())
