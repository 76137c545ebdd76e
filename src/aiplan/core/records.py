"""``Record``: the base of a slotted dataclass that is cheap to define.

``@dataclass(frozen=True, slots=True)`` writes the source of six methods per
class (``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``,
``__delattr__``) and compiles it when the module is imported: about 4 M
instructions a class, so the 31 records on the path of ``aiplan lint FILE``
cost more than a third of aiplan's own start-up (callgrind,
``bench/startup_profile.py``). A record is declared by deriving from
:class:`Record` (``class Span(Record):``, ``class Info(Record, frozen=False):``):
its metaclass makes the same dataclass without generated methods (``init``,
``repr`` and ``eq`` off) and gives it the ones below, compiled once into this
module's byte-code and shared by every record. Nor does it run ``dataclass()``
for a record of the common shape (no base class other than ``Record``, no
``ClassVar``): its fields are made as ``dataclass()`` makes them and the slotted
class is made once, from the class body, with its methods, instead of being made,
then made again with slots, then given methods one ``setattr`` at a time (about
0.3 M instructions a record: 10 M on that path); so a ``__class__`` cell, as
``super()`` uses, points at the class the ``class`` statement made.

What stays the same: the class is a real dataclass (``dataclasses.fields``,
``replace``, ``asdict`` and ``is_dataclass`` work), with ``__slots__``, field
defaults and ``default_factory``, ``__match_args__``, equality between
instances of the same class over the compared fields, ``repr`` over the shown
fields, and, for ``class X(Record)`` (frozen), hashing and ``FrozenInstanceError``
on assignment. ``class X(Record, frozen=False)`` is the mutable, unhashable variant
(``@dataclass(slots=True)``). A ``__post_init__`` runs after ``__init__``, as
in a dataclass (a frozen record sets fields there with ``object.__setattr__``).
Not supported, and refused when the class is defined: ``InitVar``,
keyword-only and ``init=False`` fields.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import _FIELD, MISSING, Field, FrozenInstanceError  # type: ignore[attr-defined]  # _FIELD: what fields() lists
from operator import attrgetter
from types import MemberDescriptorType
from typing import Any, Callable

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # Python 3.10: the decorator only informs type checkers

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda thing: thing

_set = object.__setattr__
_FIELD_OF: Any = Field  # called positionally, as dataclasses.field() calls it (typeshed types the arguments narrower)
# Field's arguments after the default, as dataclasses.field(default=...) passes them; Python 3.14
# added a last one, `doc`.
_FIELD_REST = (MISSING, True, True, None, True, None, MISSING) + ((None,) if "doc" in Field.__slots__ else ())


@dataclass_transform(frozen_default=True)  # type checkers see a dataclass (frozen unless frozen=False)
class _RecordType(type):
    """The metaclass of :class:`Record`: each record class made once, from its class body."""

    def __new__(mcls, name: str, bases: tuple, namespace: dict, frozen: bool = True) -> Any:
        # Record itself, or dataclasses making a derived record again with slots: a plain class.
        if "__slots__" in namespace:
            return super().__new__(mcls, name, bases, namespace)
        fields = _own_fields(namespace) if bases == (Record,) else None
        if fields is None:  # inheritance, ClassVar, InitVar, a mutable default: dataclasses decides
            return _make_with_dataclasses(super().__new__(mcls, name, bases, namespace), frozen)
        return _made(mcls, name, bases, namespace, fields, frozen)

    def __init__(cls, name: str, bases: tuple, namespace: dict, frozen: bool = True) -> None:
        super().__init__(name, bases, namespace)


class Record(metaclass=_RecordType):
    """The base of a record: ``class Span(Record):`` (immutable), ``class Info(Record, frozen=False):``."""

    __slots__ = ()


def _made(metaclass: Any, name: str, bases: tuple, namespace: dict, fields: list, frozen: bool) -> Any:
    """The slotted record class from its class body's ``namespace`` (changed) and fields."""
    names = tuple(f.name for f in fields)
    for field_name in names:
        namespace.pop(field_name, None)  # a slot replaces the class attribute that held the default
    namespace.update(__slots__=names, __match_args__=names, __dataclass_fields__={f.name: f for f in fields},
                     __dataclass_params__=_PARAMS[frozen])
    # Methods go in before the class is made: set afterwards, each would update the type's slots again.
    _describe(namespace, fields, frozen, "__post_init__" in namespace)
    record = type.__new__(metaclass, name, bases, namespace)
    if not namespace.get("__doc__"):
        record.__doc__ = record.__name__ + str(_SIGNATURE.__get__(None, record)).replace(" -> None", "")
    record._record_setters = _slot_setters(record)
    return record


def _own_fields(own: Any) -> list | None:
    """The record's fields, made as ``dataclass()`` makes them, from its class body ``own``
    for a class of the common shape (no base class, no ``ClassVar``/``InitVar``/``KW_ONLY``,
    immutable defaults, every field an ``__init__`` argument), or ``None`` for any other."""
    fields = []
    for name, annotation in own.get("__annotations__", {}).items():
        if type(annotation) is not str or "ClassVar" in annotation or "InitVar" in annotation or "KW_ONLY" in annotation:
            return None
        value = own.get(name, MISSING)
        # Field(...) as dataclasses.field(default=value) makes it, without that call's keyword handling.
        made: Any = value if isinstance(value, Field) else _FIELD_OF(value, *_FIELD_REST)
        if (not made.init or made.kw_only is True
                or (made.default is not MISSING and type(made.default).__hash__ is None)):
            return None
        made.name, made.type, made.kw_only, made._field_type = name, annotation, False, _FIELD
        fields.append(made)
    return fields


def _describe(namespace: dict, fields: Any, frozen: bool, post_init: bool) -> None:
    """Put what the shared methods read (names in order, defaults, compared and shown
    fields) and the shared methods the class does not define into ``namespace``."""
    namespace["__record_defaults__"] = tuple([(f.name, f.default, f.default_factory) for f in fields])
    namespace["__record_key__"] = _key(tuple([f.name for f in fields if f.compare]))
    namespace["__record_repr__"] = tuple([f.name for f in fields if f.repr])
    namespace["__signature__"] = _SIGNATURE
    for name, method in _METHODS[frozen, post_init]:
        if namespace.get(name) is None:
            namespace[name] = method


def _make_with_dataclasses(cls: Any, frozen: bool) -> Any:
    # An undocumented dataclass gets its signature as docstring. dataclass() would take it from
    # object.__init__'s text signature, which inspect parses with tokenize (its first use compiles
    # a 20 kB pattern: about 25 M instructions); it is written below from the record's own signature.
    documented = bool(cls.__dict__.get("__doc__"))
    if not documented:
        cls.__doc__ = cls.__name__
    cls = dataclasses.dataclass(cls, init=False, repr=False, eq=False, frozen=frozen, slots=True)
    fields = dataclasses.fields(cls)
    if len(fields) != len(cls.__dataclass_fields__) or not all(f.init and f.kw_only is not True for f in fields):
        raise TypeError(f"{cls.__qualname__}: every field of a record is a positional __init__ argument")
    own = cls.__dict__
    namespace = dict(own)
    _describe(namespace, fields, frozen, hasattr(cls, "__post_init__"))
    for name, value in namespace.items():
        if name not in own or own[name] is not value:
            setattr(cls, name, value)
    if not documented:
        cls.__doc__ = cls.__name__ + str(_SIGNATURE.__get__(None, cls)).replace(" -> None", "")
    cls._record_setters = _slot_setters(cls)
    return cls


class _Signature:
    """``inspect.signature(cls)`` of a record: its fields, as a generated ``__init__``
    shows them (the shared one takes ``*args, **kwargs``). Computed when asked: only
    documentation (``aiplan.reference``, ``help()``) asks."""

    def __get__(self, instance: Any, owner: Any) -> Any:
        import inspect  # start-up: only when documentation asks

        parameters = [
            inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                              default=(_FACTORY if factory is not MISSING else
                                       inspect.Parameter.empty if default is MISSING else default),
                              annotation=owner.__dataclass_fields__[name].type)
            for name, default, factory in owner.__record_defaults__
        ]
        return inspect.Signature(parameters, return_annotation=None)


class _Params:
    """A record's ``__dataclass_params__``, made when asked: only ``dataclass()`` asks, for a
    class derived from a record. Made at import, the frozen one's generated methods would
    cost about what a record saves."""

    def __init__(self, frozen: bool) -> None:
        self.frozen = frozen

    def __get__(self, instance: Any, owner: Any) -> Any:
        prototype: Any = type("Params", (), {"__doc__": "Params"})
        return dataclasses.dataclass(init=False, repr=False, eq=False, frozen=self.frozen)(prototype).__dataclass_params__


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"  # what a generated dataclass __init__ shows for a default_factory


_SIGNATURE = _Signature()
_PARAMS = {False: _Params(False), True: _Params(True)}
_FACTORY = _Factory()


def field_setters(cls: Any) -> tuple[Callable[[Any, Any], None], ...] | None:
    """For a record whose ``__init__`` only sets its fields (the shared one: no
    ``__post_init__``), each field's slot setter, in ``__init__``'s order: a decoder that
    makes thousands of records (``aiplan.run.codec``) makes one as ``__init__`` would,
    ``object.__new__(cls)`` then ``setter(record, value)`` for every field, in about
    half the instructions (no call through ``__init__``, no ``object.__setattr__``
    looking each name up). ``None`` for any other class: call it."""
    if getattr(cls, "__init__", None) is not _init:
        return None
    return cls._record_setters


def _slot_setters(cls: Any) -> tuple[Callable[[Any, Any], None], ...] | None:
    """Each field's slot setter, in ``__init__``'s order (``None`` if a field is not a slot)."""
    setters = []
    for name in cls.__match_args__:
        slot = next((klass.__dict__[name] for klass in cls.__mro__ if name in klass.__dict__), None)
        if type(slot) is not MemberDescriptorType:
            return None
        setters.append(slot.__set__)
    return tuple(setters)


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    # Each field set through its slot's setter, kept on the class (_slot_setters), rather than by
    # object.__setattr__, which looks each name up on the type: records are made per node and finding.
    cls = type(self)
    setters = cls._record_setters
    if setters is None:  # pragma: no cover - every record's fields are slots
        names = cls.__match_args__
        values = _bind(cls, args, kwargs) if kwargs or len(args) != len(names) else args
        for name, value in zip(names, values):
            _set(self, name, value)
        return
    values = _bind(cls, args, kwargs) if kwargs or len(args) != len(setters) else args
    for setter, value in zip(setters, values):
        setter(self, value)


def _init_then_post(self: Any, *args: Any, **kwargs: Any) -> None:
    # _init's body, not a call through *args to it (a Plan is made per document).
    cls = type(self)
    setters = cls._record_setters
    if setters is None:  # pragma: no cover - every record's fields are slots
        _init(self, *args, **kwargs)
    else:
        values = _bind(cls, args, kwargs) if kwargs or len(args) != len(setters) else args
        for setter, value in zip(setters, values):
            setter(self, value)
    self.__post_init__()


def _bind(cls: Any, args: tuple, kwargs: dict) -> list:
    """Every field's value from positional and keyword arguments and the defaults,
    refusing what a generated ``__init__`` would refuse, with the same ``TypeError``."""
    spec = cls.__record_defaults__
    if len(args) > len(spec):
        raise TypeError(f"{cls.__qualname__}.__init__() takes {len(spec) + 1} positional arguments "
                        f"but {len(args) + 1} were given")
    values = list(args)
    missing = []
    for name, default, factory in spec[len(args):]:
        if name in kwargs:
            values.append(kwargs.pop(name))
        elif default is not MISSING:
            values.append(default)
        elif factory is not MISSING:
            values.append(factory())
        else:
            missing.append(name)
    if kwargs:
        name = next(iter(kwargs))
        taken = any(name == item[0] for item in spec[:len(args)])
        raise TypeError(f"{cls.__qualname__}.__init__() got "
                        + (f"multiple values for argument {name!r}" if taken
                           else f"an unexpected keyword argument {name!r}"))
    if missing:
        raise TypeError(f"{cls.__qualname__}.__init__() missing {len(missing)} required argument"
                        f"{'s' if len(missing) > 1 else ''}: {', '.join(repr(name) for name in missing)}")
    return values


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_repr__)
    return f"{type(self).__qualname__}({shown})"


def _key(names: tuple[str, ...]) -> Any:
    """The tuple of a record's compared fields, which equality and hashing compare: from
    two fields on, one ``attrgetter`` call (C) instead of a list of ``getattr``s (a run
    hashes each file's ``Target`` three times: 30,000 over 10,000 plans)."""
    if len(names) >= 2:
        return attrgetter(*names)  # a tuple, for two names or more
    return staticmethod(lambda record: tuple([getattr(record, name) for name in names]))  # a class attribute: not bound


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    key = self.__record_key__
    return key(self) == key(other)


def _hash(self: Any) -> int:
    return hash(self.__record_key__(self))


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _reduce(self: Any) -> tuple:
    # Pickle and copy rebuild through __init__: restoring slots one by one would assign to a frozen record.
    return type(self), tuple([getattr(self, name) for name in self.__match_args__])


# The shared methods of a record by (frozen, has __post_init__): a mutable record is compared
# by value and so unhashable, as @dataclass(eq=True) makes it.
_METHODS: dict[tuple[bool, bool], tuple[tuple[str, Callable | None], ...]] = {
    (frozen, post_init): (("__init__", _init_then_post if post_init else _init), ("__repr__", _repr), ("__eq__", _eq),
                          *((("__setattr__", _frozen_setattr), ("__delattr__", _frozen_delattr),
                             ("__hash__", _hash), ("__reduce__", _reduce)) if frozen else (("__hash__", None),)))
    for frozen in (False, True) for post_init in (False, True)
}
