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
  Payloads read from a cache shard need no table (:func:`result_decoder`):
  ``marshal`` wrote each string once per shard and reads it back as one object.
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
from typing import Any, Callable

from aiplan.core import findings as _findings
from aiplan.core.findings import FileResult
from aiplan.core.records import field_setters

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
    if type(result) is CachedResult:
        return result.encoded()
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
            try:
                hash(value)  # plain values only (a record inside is a list)
            except TypeError:
                return tuple([decode(item) for item in value])
            # One object for equal tuples of strings only: (1,), (True,) and (1.0,) are equal keys.
            return share(value, value) if all(type(item) is str for item in value) else value
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


_EMPTY = ()  # most tuple fields of a finding (edits, related, ...) are empty: kept without a call


def _record_maker(cls: Any) -> "tuple[Callable[[list, Callable], Any], int] | None":
    """``(make, fields)``: ``make(value, decode)`` makes the record ``cls`` from its encoded
    ``[name, *fields]`` as its ``__init__`` would (object.__new__, then each field's slot
    setter: :func:`aiplan.core.records.field_setters`), each field as it is when it is a
    plain value, else through ``decode``. ``None`` for a class made by calling it.

    ``make`` is written out for the class's number of fields and compiled once a run per
    class: a loop over the fields costs a warm run over 10,000 plans about 2% more. Its
    source holds positions only, no name or value from a class or a payload."""
    setters = field_setters(cls)
    if setters is None:
        return None
    lines = ["def make(value, decode):", "    record = new(cls)"]
    for index in range(len(setters)):
        lines += [f"    item = value[{index + 1}]",
                  f"    set{index}(record, item if type(item) in plain or item is empty else decode(item))"]
    lines.append("    return record")
    namespace = {"new": object.__new__, "cls": cls, "plain": _PLAIN, "empty": _EMPTY,
                 **{f"set{index}": setter for index, setter in enumerate(setters)}}
    exec(compile("\n".join(lines), f"<aiplan.run.codec: make {cls.__name__}>", "exec"), namespace)
    return namespace["make"], len(setters)


def _plain_decoder():
    """A decoder that keeps strings as they come: for payloads read with
    ``marshal`` from one file, whose equal strings are one object already.
    A record is made as its ``__init__`` makes it, without calling it
    (:func:`_record_maker`): a warm run decodes tens of thousands of findings."""
    classes = record_classes()
    plain = _PLAIN
    # By tag: the class, and its maker and number of fields (None: an Enum, or a record made by calling it).
    known: dict[str, tuple[Any, Any]] = {}
    members: dict[tuple[str, Any], Any] = {}  # Enum members: calling the Enum class costs a Python call

    def decode(value: Any) -> Any:
        kind = type(value)
        if kind in plain:
            return value
        if kind is tuple:
            if not value:
                return value
            if type(value[0]) is not list:  # strings and numbers (a YAML path, rule IDs): as it is
                try:
                    hash(value)
                    return value
                except TypeError:  # a record further on
                    pass
            return tuple([item if type(item) in plain else decode(item) for item in value])
        if kind is not list or not value or type(value[0]) is not str:
            raise ValueError(f"not an encoded value: {kind.__name__}")
        tag = value[0]
        if tag == "":
            return [item if type(item) in plain else decode(item) for item in value[1:]]
        made = known.get(tag)
        if made is None:
            cls = classes.get(tag)
            if cls is None:
                raise ValueError(f"unknown record {tag!r}")
            made = known[tag] = (cls, None if issubclass(cls, Enum) else _record_maker(cls))
        cls, maker = made
        if maker is not None and len(value) == maker[1] + 1:
            return maker[0](value, decode)
        if issubclass(cls, Enum):
            key = (tag, value[1])
            member = members.get(key)
            if member is None:
                member = members[key] = cls(decode(value[1]))
            return member
        # Another number of fields: the constructor fills in defaults, or refuses them.
        return cls(*[item if type(item) in plain else decode(item) for item in value[1:]])

    return decode


def decode(payload: Any, strings: dict | None = None) -> FileResult:
    """The result ``payload`` encodes; ``ValueError``/``TypeError`` if it is not one.
    ``strings``: a table through which equal strings of every result decoded with
    it become one object (results that crossed from a worker by pickle)."""
    return _checked((_decoder({} if strings is None else strings))(payload))


def result_decoder() -> Callable[[Any], FileResult]:
    """:func:`decode` for many payloads read with ``marshal`` from cache shards,
    whose equal strings are one object already: strings are kept as they come."""
    decode = _plain_decoder()
    return lambda payload: _checked(decode(payload))


def _checked(result: Any) -> FileResult:
    if not isinstance(result, FileResult):
        raise ValueError("not a file result")
    return result


_FILE_SLOTS = tuple((name, FileResult.__dict__[name]) for name in FileResult.__match_args__)


def _decoded_field(name: str) -> property:
    slot = FileResult.__dict__[name]

    def get(self: "CachedResult") -> Any:
        if _PAYLOAD.__get__(self) is not None:
            self._materialise()
        return slot.__get__(self)

    return property(get, doc=f"The result's {name}, decoded when first read.")


class CachedResult(FileResult):
    """A result read from the cache whose fields are decoded when one is first read.

    A warm run prints what it found without ever reading most results' findings: the
    summary and the exit code need only their :meth:`tally` (stored with the entry), the
    text report the file's part as the cold run rendered it (:meth:`shown`, stored with the
    entry under the options that shape it). Anything else reads a field and gets the
    decoded value, so every other report and transformation sees the same result as a
    :class:`FileResult`: it is equal to one with the same fields, hashes alike, and
    ``dataclasses.replace``, ``copy`` and ``pickle`` make a plain :class:`FileResult`.

    The payload comes from an authenticated shard of this code's scope (its layout is
    part of it): decoding it later cannot meet anything this encoder did not write.
    """

    # _printed: (tally, rendering key, text), as the cache stores it (aiplan.run.cache.Shown).
    __slots__ = ("_payload", "_decode", "_printed")

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        # Called as a record class is (replace, copy, pickle): a plain result of those fields.
        return FileResult(*args, **kwargs)

    @classmethod
    def of(cls, path: str, payload: list, decode: Callable[[Any], FileResult],
           printed: "tuple[tuple, Any, str]") -> "CachedResult":
        """The result ``payload`` encodes (its path ``path``, no errors: the caller checked)
        with what the cache stored to print it: ``(tally, rendering key, text)``."""
        # One made per cached plan (ten thousand in a warm run): the slots' setters are bound once.
        made = _NEW(cls)
        _SET_PATH(made, path)
        _SET_ERRORS(made, ())
        _SET_PAYLOAD(made, payload)
        _SET_DECODE(made, decode)
        _SET_PRINTED(made, printed)
        return made

    def _materialise(self) -> None:
        decoded = _DECODE.__get__(self)(_PAYLOAD.__get__(self))
        for name, slot in _FILE_SLOTS:
            slot.__set__(self, getattr(decoded, name))
        _PAYLOAD.__set__(self, None)

    findings = _decoded_field("findings")
    suppressed = _decoded_field("suppressed")
    documents = _decoded_field("documents")
    checked = _decoded_field("checked")

    # The slot read as an attribute: a specialised load, an eighth of its __get__ called (tally:
    # three times per result in a warm run's summary and exit code). Type checkers take a
    # record's annotations for fields, so the slot has none: hence the ignores.
    def tally(self) -> tuple:
        return self._printed[0]  # type: ignore[attr-defined]

    def shown(self, key: Any) -> str | None:
        """The file's part of a report rendered under ``key`` (see
        :func:`aiplan.reporters.text.render_key`), if the cache kept that one."""
        printed = self._printed  # type: ignore[attr-defined]
        return printed[2] if printed[1] == key else None

    def encoded(self) -> list | None:
        """The result as :func:`encode` gives it."""
        payload = _PAYLOAD.__get__(self)
        if payload is not None:
            return payload
        return encode(FileResult(*[getattr(self, name) for name, _ in _FILE_SLOTS]))

    def __eq__(self, other: Any) -> Any:
        if not isinstance(other, FileResult):
            return NotImplemented
        return _RECORD_KEY(self) == _RECORD_KEY(other)

    __hash__ = FileResult.__hash__


_PATH, _ERRORS = FileResult.__dict__["path"], FileResult.__dict__["errors"]
_RECORD_KEY = FileResult.__dict__["__record_key__"]  # the compared fields (aiplan.core.records)
_PAYLOAD, _DECODE, _PRINTED = (CachedResult.__dict__[name] for name in CachedResult.__slots__)
_NEW = object.__new__
_SET_PATH, _SET_ERRORS, _SET_PAYLOAD, _SET_DECODE, _SET_PRINTED = (
    slot.__set__ for slot in (_PATH, _ERRORS, _PAYLOAD, _DECODE, _PRINTED))
