"""A small compiled validator: is a plan valid, and if not, jsonschema's errors.

jsonschema is the validator of record: every PLAN002 message is worded from
errors as it lists them. It is also the largest cost of linting a plan (about
1 ms a plan, and about 60 ms to import), while most plans are valid. This
module compiles the plan schema into nested closures for the keyword subset
the schema uses, and answers one question: is this instance *certainly* valid?

* ``True``: it is valid; jsonschema would report no error (the differential
  test in ``tests/unit/schemas/test_fastschema.py`` checks this against jsonschema).
* ``False``: it may be invalid; :func:`compile_errors` lists its errors as
  jsonschema lists them (:class:`SchemaError`: same messages, paths, keywords
  and order; the same differential test), walking only the subtrees the
  compiled checks doubt.

A wrong ``False`` costs only time, never correctness, so the checks err that
way: a value of a type outside JSON's (a ``dict`` subclass, a ``Decimal``)
makes the answer ``False``, and its errors are jsonschema's to list. A schema
that uses any keyword outside :data:`SUPPORTED` cannot be compiled
(:func:`compile_schema` returns ``None``) and jsonschema validates every
instance: a new keyword can make linting slower, never silently more permissive.

Semantics are JSON Schema draft 2020-12 as jsonschema implements them: ``1.0``
is an integer, ``true`` is not a number, ``enum``/``const`` compare like
jsonschema's ``equal`` (``1`` does not equal ``true``), ``minimum`` compares
with ``<`` (so NaN passes), ``minLength`` counts code points, and ``$ref`` is
applied alongside its sibling keywords.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Iterator

from aiplan.core.records import data_record
from aiplan.schemas import follow as follow_pointer

Check = Callable[[Any], bool]

# Keywords that change what is valid, and that this module implements.
SUPPORTED = frozenset((
    "type", "enum", "const", "properties", "required", "additionalProperties",
    "items", "minimum", "minLength", "$ref",
))
# Keywords with no effect on validity (annotations and structure).
ANNOTATIONS = frozenset((
    "$schema", "$id", "$defs", "$comment", "title", "description", "default",
    "examples", "deprecated", "readOnly", "writeOnly",
    # The YAML language server's rich hover text (see aiplan.schemas.reference).
    "markdownDescription",
))
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


class Unsupported(ValueError):
    """The schema uses something this module does not implement."""


class _NotJson(Exception):
    """The instance holds a value of a type outside JSON's: let jsonschema decide."""


# Python type -> JSON kind. Exact types only: subclasses are not JSON values here.
_OBJECT, _ARRAY, _STRING, _INT, _FLOAT, _BOOL, _NULL = range(7)
_KINDS = {dict: _OBJECT, list: _ARRAY, str: _STRING, int: _INT, float: _FLOAT, bool: _BOOL, type(None): _NULL}
_TYPE_KINDS = {
    "object": (_OBJECT,),
    "array": (_ARRAY,),
    "string": (_STRING,),
    "integer": (_INT,),  # and integral floats, handled apart
    "number": (_INT, _FLOAT),
    "boolean": (_BOOL,),
    "null": (_NULL,),
}


def _kind(value: Any) -> int:
    kind = _KINDS.get(type(value))
    if kind is None:
        raise _NotJson
    return kind


def _always(_value: Any) -> bool:
    return True


def _never(_value: Any) -> bool:
    return False


def _unbool(value: Any, true=object(), false=object()) -> Any:
    if value is True:
        return true
    if value is False:
        return false
    return value


def json_equal(one: Any, two: Any) -> bool:
    """jsonschema's ``equal`` for JSON values: ``True`` is not ``1``, ``1.0`` is ``1``."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(json_equal(a, b) for a, b in zip(one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return len(one) == len(two) and all(k in two and json_equal(v, two[k]) for k, v in one.items())
    return _unbool(one) == _unbool(two)


class _Compiler:
    def __init__(self, root: Any):
        self.root = root
        self.refs: dict[str, Check] = {}
        self.pending: dict[str, Any] = {}
        # id(subschema) -> (subschema, its check), for :func:`compile_subschemas`.
        self.by_schema: dict[int, tuple[Any, Check]] = {}

    def ref(self, pointer: str) -> Check:
        if not isinstance(pointer, str) or not pointer.startswith("#/") or "%" in pointer:
            raise Unsupported(f"$ref {pointer!r}: only local JSON pointers (#/...) are supported")
        if pointer not in self.refs and pointer not in self.pending:
            try:
                node = follow_pointer(self.root, pointer[1:])  # the one JSON-pointer reading (aiplan.schemas)
            except LookupError:
                raise Unsupported(f"$ref {pointer!r} does not resolve") from None
            self.pending[pointer] = node
            self.refs[pointer] = self.compile(node, nested=True)
            del self.pending[pointer]
        refs = self.refs

        def follow(value: Any) -> bool:  # looked up at call time: recursive schemas work
            return refs[pointer](value)

        return follow

    def compile(self, schema: Any, nested: bool = True) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise Unsupported(f"a schema must be an object or a boolean, not {type(schema).__name__}")
        unknown = set(schema) - SUPPORTED - ANNOTATIONS
        if unknown:
            raise Unsupported(f"keyword(s) {', '.join(sorted(unknown))} not supported by the fast path")
        if nested and "$id" in schema:
            raise Unsupported("$id below the root changes the base URI; not supported")
        if "$schema" in schema and schema["$schema"] != DRAFT_2020_12:
            raise Unsupported(f"$schema {schema['$schema']!r}: only draft 2020-12 is supported")
        for name, sub in (schema.get("$defs") or {}).items():
            if not isinstance(sub, (dict, bool)):
                raise Unsupported(f"$defs/{name} is not a schema")

        checks: list[Check] = []
        if "type" in schema:
            checks.append(self.type_check(schema["type"]))
        if "enum" in schema:
            checks.append(self.enum_check(schema["enum"]))
        if "const" in schema:
            constant = schema["const"]
            checks.append(lambda value: json_equal(value, constant))
        if "minimum" in schema:
            checks.append(self.minimum_check(schema["minimum"]))
        if "minLength" in schema:
            checks.append(self.min_length_check(schema["minLength"]))
        if "items" in schema:
            checks.append(self.items_check(schema["items"]))
        if {"properties", "required", "additionalProperties"} & set(schema):
            checks.append(self.object_check(schema))
        if "$ref" in schema:
            checks.append(self.ref(schema["$ref"]))
        check = _all(checks)
        self.by_schema[id(schema)] = (schema, check)
        return check

    @staticmethod
    def type_check(types: Any) -> Check:
        names = [types] if isinstance(types, str) else types
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise Unsupported(f"type {types!r}")
        kinds: set[int] = set()
        for name in names:
            if name not in _TYPE_KINDS:
                raise Unsupported(f"type {name!r}")
            kinds.update(_TYPE_KINDS[name])
        allowed = frozenset(kinds)
        integral_floats = "integer" in names and _FLOAT not in allowed

        def check(value: Any) -> bool:
            kind = _kind(value)
            if kind in allowed:
                return True
            return integral_floats and kind == _FLOAT and value.is_integer()

        return check

    @staticmethod
    def enum_check(values: Any) -> Check:
        if not isinstance(values, list):
            raise Unsupported("enum must be a list")
        if all(isinstance(v, str) for v in values):
            allowed = frozenset(values)

            def check_strings(value: Any) -> bool:
                return _kind(value) == _STRING and value in allowed

            return check_strings

        def check(value: Any) -> bool:
            _kind(value)
            return any(json_equal(option, value) for option in values)

        return check

    @staticmethod
    def minimum_check(minimum: Any) -> Check:
        if isinstance(minimum, bool) or not isinstance(minimum, (int, float)):
            raise Unsupported(f"minimum {minimum!r}")

        def check(value: Any) -> bool:
            kind = _kind(value)
            if kind == _INT or kind == _FLOAT:
                return not value < minimum
            return True

        return check

    @staticmethod
    def min_length_check(length: Any) -> Check:
        if isinstance(length, bool) or not isinstance(length, int):
            raise Unsupported(f"minLength {length!r}")

        def check(value: Any) -> bool:
            return _kind(value) != _STRING or len(value) >= length

        return check

    def items_check(self, items: Any) -> Check:
        if not isinstance(items, (dict, bool)):
            raise Unsupported("items must be a schema (draft 2020-12)")
        item = self.compile(items)

        def check(value: Any) -> bool:
            if _kind(value) != _ARRAY:
                return True
            for element in value:
                if not item(element):
                    return False
            return True

        return check

    def object_check(self, schema: dict) -> Check:
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        additional = schema.get("additionalProperties", True)
        if not isinstance(properties, dict):
            raise Unsupported("properties must be an object")
        if not isinstance(required, list) or not all(isinstance(k, str) for k in required):
            raise Unsupported("required must be a list of strings")
        compiled = {name: self.compile(sub) for name, sub in properties.items()}
        lookup = compiled.get
        needed = tuple(required)
        other = None if additional is True else self.compile(additional)

        def check(value: Any) -> bool:
            if _kind(value) != _OBJECT:
                return True
            for key in needed:
                if key not in value:
                    return False
            for key, element in value.items():
                sub = lookup(key) if type(key) is str else None
                if sub is not None:
                    if not sub(element):
                        return False
                elif type(key) is not str:
                    raise _NotJson
                elif other is not None and not other(element):
                    return False
            return True

        return check


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks

        def both(value: Any) -> bool:
            return first(value) and second(value)

        return both
    bound = tuple(checks)

    def every(value: Any) -> bool:
        for check in bound:
            if not check(value):
                return False
        return True

    return every


def compile_schema(schema: Any) -> Check | None:
    """A function that returns ``True`` only for instances valid under ``schema``;
    ``None`` if the schema uses something the fast path does not implement."""
    compiled = compile_subschemas(schema)
    return None if compiled is None else functools.partial(compiled, schema)


def compile_subschemas(schema: Any) -> Callable[[Any, Any], bool] | None:
    """``valid_under(subschema, instance)``: ``True`` only if ``instance`` is valid
    under ``subschema``, one of the schema objects found in ``schema`` (``$ref``
    resolved against ``schema``); ``False`` for any other object. The error
    lister (:func:`compile_errors`) skips every subtree it finds valid.
    ``None`` as for :func:`compile_schema`."""
    compiler = _Compiler(schema)
    try:
        compiler.compile(schema, nested=False)
    except (Unsupported, RecursionError):
        return None
    lookup = compiler.by_schema.get

    def valid_under(subschema: Any, instance: Any) -> bool:
        if subschema is True or subschema is False:
            return subschema
        compiled = lookup(id(subschema))
        if compiled is None or compiled[0] is not subschema:
            return False
        try:
            return compiled[1](instance)
        except (_NotJson, RecursionError):
            return False

    return valid_under


# --------------------------------------------------------------------------
# The errors of an instance the checks doubt, as jsonschema lists them


@data_record
class SchemaError:
    """One way an instance breaks a schema: what the explainer
    (:mod:`aiplan.schemas.explain`) and the repaired reading read of a
    ``jsonschema.ValidationError``, with the values jsonschema gives them for an
    error of the validated instance (``schema_path`` is then absolute too)."""

    message: str
    validator: Any          # the keyword; None for the `false` schema
    validator_value: Any
    instance: Any
    schema: Any             # the schema object holding the keyword
    absolute_path: tuple
    schema_path: tuple


class _Lister:
    """jsonschema's ``iter_errors`` (draft 2020-12, version 4) for the keywords
    compiled above: keywords in the schema's order, its messages, ``$ref`` absent
    from the schema path. A subtree the compiled checks find valid holds no error
    and is skipped; a value outside JSON's types raises :class:`_NotJson`."""

    def __init__(self, root: Any, valid_under: Callable[[Any, Any], bool]):
        self.root = root
        self.valid_under = valid_under

    def errors(self, schema: Any, instance: Any, path: tuple, at: tuple) -> Iterator[SchemaError]:
        if schema is True:
            return
        if schema is False:
            yield SchemaError(f"False schema does not allow {instance!r}", None, None, instance, schema, path, at)
            return
        for keyword, value in schema.items():
            keyword_errors = _KEYWORD_ERRORS.get(keyword)
            if keyword_errors is not None:
                yield from keyword_errors(self, value, instance, schema, path, at)

    def below(self, schema: Any, instance: Any, path: tuple, at: tuple, step: tuple, schema_step: tuple = ()
              ) -> Iterator[SchemaError]:
        """The errors of a value under a subschema (``step`` below ``path``), if the checks doubt it.
        As in jsonschema, the `false` schema's error stays at the parent's path."""
        if schema is False:
            yield from self.errors(schema, instance, path, at)
        elif not self.valid_under(schema, instance):
            yield from self.errors(schema, instance, path + step, at + schema_step)


def _is_type(instance: Any, name: str) -> bool:
    kind = _kind(instance)
    return kind in _TYPE_KINDS[name] or (name == "integer" and kind == _FLOAT and instance.is_integer())


def _type_errors(lister, types, instance, schema, path, at):
    names = [types] if isinstance(types, str) else types
    if not any(_is_type(instance, name) for name in names):
        shown = ", ".join(repr(name) for name in names)
        yield SchemaError(f"{instance!r} is not of type {shown}", "type", types, instance, schema, path, at + ("type",))


def _enum_errors(lister, values, instance, schema, path, at):
    _kind(instance)
    if not any(json_equal(value, instance) for value in values):
        yield SchemaError(f"{instance!r} is not one of {values!r}", "enum", values, instance, schema, path, at + ("enum",))


def _const_errors(lister, constant, instance, schema, path, at):
    _kind(instance)
    if not json_equal(instance, constant):
        yield SchemaError(f"{constant!r} was expected", "const", constant, instance, schema, path, at + ("const",))


def _minimum_errors(lister, minimum, instance, schema, path, at):
    if _kind(instance) in (_INT, _FLOAT) and instance < minimum:
        yield SchemaError(f"{instance!r} is less than the minimum of {minimum!r}", "minimum", minimum, instance,
                          schema, path, at + ("minimum",))


def _min_length_errors(lister, length, instance, schema, path, at):
    if _kind(instance) == _STRING and len(instance) < length:
        yield SchemaError(f"{instance!r} {'should be non-empty' if length == 1 else 'is too short'}", "minLength",
                          length, instance, schema, path, at + ("minLength",))


def _required_errors(lister, required, instance, schema, path, at):
    if _kind(instance) == _OBJECT:
        for key in required:
            if key not in instance:
                yield SchemaError(f"{key!r} is a required property", "required", required, instance, schema, path,
                                  at + ("required",))


def _properties_errors(lister, properties, instance, schema, path, at):
    if _kind(instance) == _OBJECT:
        for name, subschema in properties.items():
            if name in instance:
                yield from lister.below(subschema, instance[name], path, at + ("properties",), (name,), (name,))


def _additional_errors(lister, additional, instance, schema, path, at):
    if _kind(instance) != _OBJECT:
        return
    properties = schema.get("properties", {})
    if any(type(key) is not str for key in instance):
        raise _NotJson
    # A set, built as jsonschema builds it: errors under a schema come in its order.
    extras = set(key for key in instance if key not in properties)
    if isinstance(additional, dict):
        for extra in extras:
            yield from lister.below(additional, instance[extra], path, at + ("additionalProperties",), (extra,))
    elif not additional and extras:
        listed = sorted(extras, key=str)
        unexpected = f"{', '.join(repr(key) for key in listed)} {'was' if len(listed) == 1 else 'were'} unexpected"
        yield SchemaError(f"Additional properties are not allowed ({unexpected})", "additionalProperties", additional,
                          instance, schema, path, at + ("additionalProperties",))


def _items_errors(lister, items, instance, schema, path, at):
    if _kind(instance) != _ARRAY or not instance:
        return
    if items is False:
        rest = instance[0] if len(instance) == 1 else instance[:]
        yield SchemaError(f"Expected at most 0 items but found {len(instance)} extra: {rest!r}", "items", items,
                          instance, schema, path, at + ("items",))
        return
    for index, element in enumerate(instance):
        yield from lister.below(items, element, path, at + ("items",), (index,))


def _ref_errors(lister, pointer, instance, schema, path, at):
    yield from lister.below(follow_pointer(lister.root, pointer[1:]), instance, path, at, ())


# Keyword -> its errors: one entry for every keyword of SUPPORTED (a test checks).
_KEYWORD_ERRORS: dict[str, Callable[..., Iterator[SchemaError]]] = {
    "type": _type_errors, "enum": _enum_errors, "const": _const_errors, "minimum": _minimum_errors,
    "minLength": _min_length_errors, "required": _required_errors, "properties": _properties_errors,
    "additionalProperties": _additional_errors, "items": _items_errors, "$ref": _ref_errors,
}


def compile_errors(schema: Any) -> Callable[[Any], tuple[SchemaError, ...] | None] | None:
    """``errors(instance)``: the errors jsonschema lists for ``instance`` under
    ``schema``, in its order (``()`` when valid, decided by the compiled checks);
    ``None`` for an instance holding a value outside JSON's types (ask
    jsonschema). ``None`` as for :func:`compile_schema`."""
    valid_under = compile_subschemas(schema)
    if valid_under is None:
        return None
    lister = _Lister(schema, valid_under)

    def errors(instance: Any) -> tuple[SchemaError, ...] | None:
        if valid_under(schema, instance):
            return ()
        try:
            return tuple(lister.errors(schema, instance, (), ()))
        except (_NotJson, RecursionError):
            return None

    return errors
