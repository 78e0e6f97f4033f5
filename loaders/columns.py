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

The values come out as typed Arrow columns (one a field), which the loader hands to the
stores as they are: no Python object is made per row. The model's ``after`` validators run
once per distinct combination of the fields they read (``HoldsPost``: start and end).
"""

from __future__ import annotations

import dis
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from types import CodeType, SimpleNamespace, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from annotated_types import MaxLen, MinLen
from numpy.typing import NDArray
from pydantic import BeforeValidator, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from graphsvc.id_number import normalize_id_number
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
    shape: str | None = None  # and the form (a regex) a cell must have to be taken as it is


# Before-validators that give back a text cell unchanged when it has their form (Arrow's
# regex, ASCII digits: stricter than Python's, so a cell it passes the validator passes too).
_TEXT_SHAPES: dict[Callable[[Any], Any], str] = {normalize_id_number: r"^[0-9]{17}[0-9X]$"}


def _text_shape(info: FieldInfo) -> str | None:
    """The form a text field's cells keep as they are, when its validator has one."""
    pending: list[Any] = [info.annotation, *info.metadata]
    while pending:
        item = pending.pop()
        if get_origin(item) in (Union, UnionType, Annotated):
            pending.extend(get_args(item))
        elif isinstance(item, FieldInfo):
            pending.extend(item.metadata)
        elif isinstance(item, BeforeValidator) and item.func in _TEXT_SHAPES:
            return _TEXT_SHAPES[item.func]
    return None


def _text_length(info: FieldInfo) -> tuple[int, float] | None:
    """Length bounds of a field that is plain text (``str``, an ``Id``, or text a validator
    keeps when it has the right form), else ``None``."""
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
        elif not (
            isinstance(item, BeforeValidator)
            and (keeps_text(item.func) or item.func in _TEXT_SHAPES)
        ):
            return None
    return shortest, longest


@dataclass(frozen=True)
class ColumnPlan:
    """How to validate one model's fields column by column."""

    model: type[Record]
    fields: tuple[_FieldPlan, ...]
    after: tuple[Callable[[Any], Any], ...]  # the model's ``after`` validators
    after_reads: tuple[str, ...]  # the fields they read (all, when that cannot be told)


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
                name,
                adapter.validate_python,
                info.is_required(),
                default,
                _text_length(info),
                _text_shape(info),
            )
        )
    decorators = model.__pydantic_decorators__.model_validators.values()
    after = tuple(dec.func for dec in decorators if dec.info.mode == "after")
    if any(dec.info.mode != "after" for dec in decorators):
        raise TypeError(f"{model.__name__}: only 'after' model validators can run by columns")
    names = tuple(model.model_fields)
    reads: set[str] = set()
    for check in after:
        found = fields_read(check, frozenset(names))
        reads |= set(names) if found is None else found
    return ColumnPlan(model, tuple(fields), after, tuple(name for name in names if name in reads))


def fields_read(check: Callable[[Any], Any], fields: frozenset[str]) -> frozenset[str] | None:
    """The fields an ``after`` validator reads (``self.start`` ...), from its bytecode; ``None``
    when it may read more than plain attributes show (``self`` passed on, a method called,
    a nested function), so that every field must count."""
    code: CodeType = getattr(check, "__code__", None)  # type: ignore[assignment]
    if code is None or code.co_argcount < 1:
        return None
    if any(isinstance(const, CodeType) for const in code.co_consts) or code.co_cellvars:
        return None
    me = code.co_varnames[0]
    instructions = list(dis.get_instructions(code))
    read: set[str] = set()
    for index, instruction in enumerate(instructions):
        argument = instruction.argval
        names = argument if isinstance(argument, tuple) else (argument,)
        if me not in names or instruction.opname in {"LOAD_GLOBAL", "LOAD_ATTR", "LOAD_METHOD"}:
            continue
        following = instructions[index + 1] if index + 1 < len(instructions) else None
        if instruction.opname != "LOAD_FAST" or following is None:
            return None
        if following.opname == "LOAD_ATTR" and following.argval in fields:
            read.add(following.argval)
        elif following.opname != "RETURN_VALUE":
            return None
    return frozenset(read)


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
    plan: _FieldPlan, cells: pa.ChunkedArray, kind: pa.DataType | None
) -> tuple[pa.Array, NDArray[np.int8]]:
    """A column read by Arrow (text, no nulls): the same as :func:`_validated_column`, done
    by Arrow in C. Text is taken as it is where it can be (:func:`_text_values`); any other
    field has each distinct cell judged once and its typed value taken for every row."""
    if plan.text_length is not None:
        return _text_values(plan, cells.combine_chunks(), plan.text_length)
    return _distinct_judged(plan, cells, kind)


def _distinct_judged(
    plan: _FieldPlan, cells: pa.Array | pa.ChunkedArray, kind: pa.DataType | None
) -> tuple[pa.Array, NDArray[np.int8]]:
    """Each distinct cell judged once by the field; values and status taken for every cell."""
    encoded = pc.dictionary_encode(cells)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    judged = [_judge_value(plan, cell) for cell in encoded.dictionary.to_pylist()]
    values = pa.array([value for value, _ in judged], kind)
    status = np.fromiter((bad for _, bad in judged), dtype=np.int8, count=len(judged))
    codes = encoded.indices
    return values.take(codes), status[codes.to_numpy(zero_copy_only=False)]


def _text_values(
    plan: _FieldPlan, cells: pa.Array, bounds: tuple[int, float]
) -> tuple[pa.Array, NDArray[np.int8]]:
    """Text cells of a plain text field: a cell with no space around it (and of the field's
    form) is its own value (Python strips every character pydantic strips, and more), checked
    for length, all in C and without hashing (ids are mostly distinct); the other cells,
    blanks and cells with space around them, are judged by the field, each distinct one once."""
    spaced = pc.match_substring_regex(cells, _SPACED).to_numpy(zero_copy_only=False)
    lengths = pc.utf8_length(cells).to_numpy(zero_copy_only=False)
    as_is = ~spaced & (lengths >= max(bounds[0], 1)) & (lengths <= bounds[1])
    if plan.shape is not None:
        as_is &= pc.match_substring_regex(cells, plan.shape).to_numpy(zero_copy_only=False)
    status = np.zeros(len(cells), dtype=np.int8)
    if as_is.all():
        return cells, status
    # A cell too short or too long is refused by the field as well (its length bound).
    odd = pa.array(~as_is)
    values, status[~as_is] = _distinct_judged(plan, cells.filter(odd), pa.string())
    return pc.replace_with_mask(cells, odd, values), status


def _validated_column(
    plan: _FieldPlan,
    cells: Sequence[Any] | pa.ChunkedArray,
    all_text: bool,
    kind: pa.DataType | None,
) -> tuple[pa.Array, NDArray[np.int8]]:
    """Each cell's stored value (typed, null for none) and status (0 fine, 1 refused), each
    distinct cell judged once."""
    if isinstance(cells, pa.ChunkedArray):
        return _arrow_column(plan, cells, kind)
    values, status = _python_column(plan, cells, all_text)
    return pa.array(values, kind), status


def _python_column(
    plan: _FieldPlan, cells: Sequence[Any], all_text: bool
) -> tuple[NDArray[Any], NDArray[np.int8]]:
    """Cells as Python values (read by rows, a workbook's, a request's): values and status."""
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
    """A plain text column: a cell with no surrounding space (and of the field's form) is its
    own value (Python strips every character pydantic strips, and more), checked for length.
    The rest, blanks and cells with space around them, are judged one by one."""
    column = pd.Series(cells, dtype=object)
    lengths = column.str.len().fillna(0).to_numpy()
    as_is = (column.str.strip() == column).fillna(False).to_numpy(dtype=bool) & (lengths > 0)
    if plan.shape is not None:  # (a cell with a line break at its end is not as_is above)
        as_is &= column.str.match(plan.shape).fillna(False).to_numpy(dtype=bool)
    values = column.to_numpy(dtype=object, copy=True)
    status = np.zeros(len(column), dtype=np.int8)
    status[as_is & ((lengths < bounds[0]) | (lengths > bounds[1]))] = 1
    values[status == 1] = None
    for index in np.flatnonzero(~as_is).tolist():
        values[index], status[index] = _judge_value(plan, cells[index])
    return values, status


@dataclass
class Accepted:
    """What :func:`accept_rows` found: each field's stored values as a typed column (null:
    no value; meaningful for accepted rows only) and the rows the exact path must judge."""

    columns: dict[str, pa.Array]
    judged: list[int]
    apart_names: tuple[str, ...] = ()

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Each row's values but the ``apart`` fields, ``None`` left out (slow: for tests)."""
        names = [name for name in self.columns if name not in self.apart_names]
        lists = [self.columns[name].to_pylist() for name in names]
        count = len(next(iter(self.columns.values()))) if self.columns else 0
        return [
            {name: cells[index] for name, cells in zip(names, lists, strict=True)
             if cells[index] is not None}
            for index in range(count)
        ]  # fmt: skip

    @property
    def apart(self) -> dict[str, NDArray[Any]]:
        """The ``apart`` fields (a node's id, a relation's ends), as arrays."""
        return {
            name: np.array(self.columns[name].to_pylist(), dtype=object)
            for name in self.apart_names
            if name in self.columns
        }


def accept_rows(
    plan: ColumnPlan,
    columns: Mapping[str, Sequence[Any] | pa.ChunkedArray],
    count: int,
    *,
    all_text: bool = False,
    apart: Sequence[str] = (),
    types: Mapping[str, pa.DataType] | None = None,
) -> Accepted:
    """Validate ``count`` rows given as columns (field name → cells; absent fields are blank).

    A column is a list of cells, or Arrow's text array for a CSV file read by columns.
    ``all_text``: every cell is a ``str`` or ``None`` (as read from CSV), which allows
    hashing whole columns at once. ``types``: each field's Arrow type (inferred from the
    values when not given).
    The stored values are enums as their text, null for no value; the ``apart`` fields
    (required ones: a node's id, a relation's ends) are left out of :attr:`Accepted.rows`.
    """
    kinds = types or {}
    found: dict[str, pa.Array] = {}
    refused = np.zeros(count, dtype=np.int8)
    for field in plan.fields:
        kind = kinds.get(field.name)  # None: inferred from the values
        if field.name in columns:
            values, status = _validated_column(field, columns[field.name], all_text, kind)
            refused |= status
        elif field.required:
            return Accepted({}, list(range(count)), tuple(apart))
        elif field.default is None:
            continue
        else:
            values = pa.repeat(pa.scalar(field.default, kind), count)
        found[field.name] = values
    if plan.after and count:
        _check_after(plan, found, refused)
    return Accepted(found, np.flatnonzero(refused).tolist(), tuple(apart))


def _check_after(plan: ColumnPlan, columns: dict[str, pa.Array], refused: NDArray[np.int8]) -> None:
    """Run the model's ``after`` validators once per distinct combination of the fields they
    read, among the rows accepted so far; mark the rows they refuse."""
    rows = np.flatnonzero(refused == 0)
    if not len(rows):
        return
    # One integer a row for the combination of the fields read: their codes, mixed radix.
    combined = np.zeros(len(rows), dtype=np.int64)
    for name in plan.after_reads:
        if name not in columns:
            continue
        encoded = pc.dictionary_encode(columns[name])
        codes = pc.fill_null(encoded.indices, -1).to_numpy()[rows].astype(np.int64) + 1
        # Renumbered after each field, so the codes stay below the number of rows.
        combined = pd.factorize(combined * (len(encoded.dictionary) + 1) + codes)[0]
    groups = combined.astype(np.int64)
    first = np.full(int(groups.max()) + 1, len(rows), dtype=np.int64)
    np.minimum.at(first, groups, np.arange(len(rows)))
    shown = pa.array(rows[first])
    values = {name: column.take(shown).to_pylist() for name, column in columns.items()}
    empty = dict.fromkeys(field.name for field in plan.fields)
    bad = np.zeros(len(first), dtype=bool)
    for group in range(len(first)):
        view = SimpleNamespace(**(empty | {name: cells[group] for name, cells in values.items()}))
        try:
            for check in plan.after:
                check(view)
        except (ValueError, AssertionError):
            bad[group] = True
    refused[rows[bad[groups]]] = 1
