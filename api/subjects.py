"""The people in a response, found from its declared type.

Every field that holds a cadre's id is typed ``CadreId`` (``queries.results``). The
audit middleware walks each JSON answer through its route's ``response_model`` and
names every ``CadreId`` value it meets, so a route cannot forget a person it showed:
mentees, mentors who are cadres, relatives, incumbents, holders, candidates, pool
members ... wherever the type says so.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel
from typing_extensions import is_typeddict

from queries.results import CadreRef

__all__ = ["cadre_ids"]


def cadre_ids(kind: Any, value: Any) -> list[str]:
    """Every cadre id in ``value`` (parsed JSON) at a place that ``kind`` marks ``CadreId``,
    in order of appearance, each once."""
    return list(dict.fromkeys(_walk(kind, value)))


def _walk(kind: Any, value: Any) -> Iterator[str]:
    if value is None or kind is Any or not _may_hold(kind):
        return  # nothing of this type can name a person: its value is not walked
    origin = typing.get_origin(kind)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(kind)
        if any(isinstance(m, CadreRef) for m in metadata):
            if isinstance(value, str):
                yield value
            return
        yield from _walk(base, value)
    elif origin in (typing.Union, types.UnionType):
        # Parsed JSON does not say which arm it came from: every arm that fits is walked.
        for arm in typing.get_args(kind):
            yield from _walk(arm, value)
    elif origin in (typing.NotRequired, typing.Required):
        yield from _walk(typing.get_args(kind)[0], value)
    elif isinstance(value, Mapping) and (is_typeddict(kind) or _is_model(kind)):
        for key, field in _fields(kind):
            if key in value:
                yield from _walk(field, value[key])
    elif isinstance(value, Mapping) and origin is not None and _is_mapping(origin):
        key_kind, value_kind = (*typing.get_args(kind), Any, Any)[:2]
        for key, item in value.items():
            yield from _walk(key_kind, key)
            yield from _walk(value_kind, item)
    elif isinstance(value, list) and origin is not None and _is_sequence(origin):
        args = typing.get_args(kind)
        if origin is tuple and args and args[-1] is not Ellipsis:
            for item_kind, item in zip(args, value, strict=False):
                yield from _walk(item_kind, item)
        else:
            item_kind = args[0] if args else Any
            for item in value:
                yield from _walk(item_kind, item)


# By the type object's id (hashing a nested typing form costs more than the answer), with
# the type itself kept so that its id is not reused.
_MAY_HOLD: dict[int, tuple[Any, bool]] = {}


def _may_hold(kind: Any) -> bool:
    """Whether a value of type ``kind`` can hold a ``CadreId`` anywhere inside (cached per
    type): a profile's many lists of plain records are then skipped, not walked."""
    known = _MAY_HOLD.get(id(kind))
    if known is not None and known[0] is kind:
        return known[1]
    _MAY_HOLD[id(kind)] = (kind, True)  # meanwhile (a type that contains itself): it may
    found = _holds(kind)
    _MAY_HOLD[id(kind)] = (kind, found)
    return found


def _holds(kind: Any) -> bool:
    if kind is Any:
        return False
    origin = typing.get_origin(kind)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(kind)
        return any(isinstance(m, CadreRef) for m in metadata) or _may_hold(base)
    if is_typeddict(kind) or _is_model(kind):
        return any(_may_hold(field) for _, field in _fields(kind))
    if origin is None:
        return False  # a plain type: str, int, a date ...
    return any(_may_hold(arg) for arg in typing.get_args(kind) if arg is not Ellipsis)


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _is_mapping(origin: Any) -> bool:
    return isinstance(origin, type) and issubclass(origin, Mapping)


def _is_sequence(origin: Any) -> bool:
    return origin in (list, tuple, set, frozenset) or (
        isinstance(origin, type) and origin.__module__ == "collections.abc"
    )


@cache
def _fields(kind: Any) -> tuple[tuple[str, Any], ...]:
    """(JSON key, type with its ``Annotated`` marks) for each field of a TypedDict or model."""
    if _is_model(kind):
        found = []
        for name, info in kind.model_fields.items():
            # pydantic keeps a field's own Annotated marks apart from its annotation
            field_kind = info.annotation
            if info.metadata:
                field_kind = typing.Annotated[(field_kind, *info.metadata)]
            found.append((info.serialization_alias or info.alias or name, field_kind))
        return tuple(found)
    hints = typing.get_type_hints(kind, include_extras=True)
    return tuple(hints.items())
