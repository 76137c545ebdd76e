"""Lint results as plain tuples: how they cross process boundaries and sit in the cache.

Pickling the frozen dataclasses of :mod:`aiplan.core.findings` goes through
``dataclasses``' generic ``__setstate__`` (several microseconds a finding,
most of the cost of reading a warm cache). This codec writes each record as a
list ``[class name, field values...]`` of builtin values, which ``marshal``
reads and writes at C speed, and rebuilds it with the class's own constructor.

* Only the record classes defined in :mod:`aiplan.core.findings` (dataclasses
  and enums) are known: decoding never resolves any other name, so a crafted
  cache file cannot make it call anything else.
* Equal strings of decoded results are shared through the ``strings`` table a
  caller passes in: ten thousand plans with the same rule messages keep one copy.
* A value the codec does not know (a type a plugin smuggled into a record)
  makes :func:`encode` return ``None``: that result is then simply not cached,
  and travels between processes by pickle.

Lists are the tags: a record is ``[name, *fields]``, an enum member
``[name, value]``, and a real list ``["", *items]``; tuples, strings, numbers,
booleans and ``None`` stand for themselves.
"""

from __future__ import annotations

from dataclasses import MISSING, fields, is_dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from aiplan.core import findings as _findings
from aiplan.core.findings import FileResult

_PLAIN = frozenset((str, int, float, bool, type(None)))


class Unencodable(ValueError):
    """A value the codec does not represent."""


@lru_cache(maxsize=None)
def record_classes() -> dict[str, Any]:
    """Name -> class of every record a lint result may contain (an Enum or a dataclass)."""
    known: dict[str, Any] = {}
    for name, value in vars(_findings).items():
        if not isinstance(value, type) or value.__module__ != _findings.__name__:
            continue
        if issubclass(value, Enum):
            known[name] = value
        elif is_dataclass(value) and all(f.init and f.kw_only is not True for f in fields(value)):
            known[name] = value  # rebuilt positionally: every field must be an __init__ argument
    return known


@lru_cache(maxsize=None)
def _field_names(cls: Any) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def layout() -> list:
    """The shape of every record class: stored data is only valid for the same shape."""
    shape = []
    for name, cls in sorted(record_classes().items()):
        if issubclass(cls, Enum):
            shape.append([name, [member.value for member in cls]])
        else:
            shape.append([name, [[f.name, str(f.type), f.default is MISSING] for f in fields(cls)]])
    return shape


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple:
        return tuple(_encode(item) for item in value)
    if kind is list:
        return ["", *(_encode(item) for item in value)]
    name = kind.__name__
    if record_classes().get(name) is not kind:
        raise Unencodable(f"{kind.__module__}.{kind.__qualname__}")
    if isinstance(value, Enum):
        return [name, _encode(value.value)]
    return [name, *(_encode(getattr(value, field)) for field in _field_names(kind))]


def encode(result: FileResult) -> list | None:
    """``result`` as builtin values, or ``None`` if it holds something unknown."""
    try:
        return _encode(result)
    except (Unencodable, RecursionError):
        return None


def _decoder(strings: dict):
    classes = record_classes()
    share = strings.setdefault

    def decode(value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return share(value, value)
        if kind in _PLAIN:
            return value
        if kind is tuple:
            try:  # plain values only (a record inside is a list): share the whole tuple
                return share(value, value)
            except TypeError:
                return tuple([decode(item) for item in value])
        if kind is not list or not value or type(value[0]) is not str:
            raise ValueError(f"not an encoded value: {kind.__name__}")
        tag = value[0]
        if tag == "":
            return [decode(item) for item in value[1:]]
        cls = classes.get(tag)
        if cls is None:
            raise ValueError(f"unknown record {tag!r}")
        if issubclass(cls, Enum):
            return cls(decode(value[1]))
        # Most fields are strings and numbers: handled here, without a call each.
        return cls(*[
            share(item, item) if type(item) is str else item if type(item) in _PLAIN else decode(item)
            for item in value[1:]
        ])

    return decode


def decode(payload: Any, strings: dict | None = None) -> FileResult:
    """The result ``payload`` encodes; ``ValueError``/``TypeError`` if it is not one."""
    result = _decoder({} if strings is None else strings)(payload)
    if not isinstance(result, FileResult):
        raise ValueError("not a file result")
    return result
