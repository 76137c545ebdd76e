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
jsonschema's ``equal`` (``1`` does not equal ``true``), ``minimum`` and
``maximum`` compare with ``<`` and ``>`` (so NaN passes), ``minLength`` counts
code points, ``pattern`` is Python's ``re.search``, ``uniqueItems`` is
jsonschema's ``uniq`` (:func:`unique_items`), ``propertyNames`` checks each key
as a string, and ``$ref`` is applied alongside its sibling keywords.
"""

from __future__ import annotations

import functools
import math
import re
import sys
from itertools import islice
from typing import Any, Callable, Iterator

from aiplan.core.records import Record
from aiplan.schemas import CONFIG_SCHEMA, PACK_SCHEMA, PLAN_SCHEMA, NotJson, json_equal, json_kind, load, unique_items
from aiplan.schemas import follow as follow_pointer

Check = Callable[[Any], bool]

# Keywords that change what is valid, and that this module implements.
SUPPORTED = frozenset((
    "type", "enum", "const", "properties", "required", "additionalProperties",
    "items", "minimum", "minLength", "$ref",
    # The configuration schema's too (aiplan.schemas.config_checks).
    "pattern", "uniqueItems", "minItems", "maximum", "propertyNames",
    # Policy packs' rule schemas (aiplan.policy.check), beside the keywords above.
    "contains",
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


# Python type -> JSON kind (aiplan.schemas.json_kind, which the generated checks import from there).
_OBJECT, _ARRAY, _STRING, _INT, _FLOAT, _BOOL, _NULL = range(7)
_TYPE_KINDS = {
    "object": (_OBJECT,),
    "array": (_ARRAY,),
    "string": (_STRING,),
    "integer": (_INT,),  # and integral floats, handled apart
    "number": (_INT, _FLOAT),
    "boolean": (_BOOL,),
    "null": (_NULL,),
}


def always(_value: Any) -> bool:
    return True


def never(_value: Any) -> bool:
    return False


class _Generator:
    """Python source of one function per schema object of a schema, each returning
    ``True`` only for an instance valid under it (``False`` or ``NotJson`` for a value
    outside JSON's types), and ``CHECKS``: JSON pointer -> function (``""``: the root).

    Written as a hand-written check would be, for the valid instance that is the usual
    case: a typed value's kind is its exact Python type (``type(value) is str``: a
    subclass fails), a mapping's keys are compared with its properties' names in one
    pass, and the checks of a scalar, or a list of scalars, are written in place of a
    call in their parent's function (each subschema keeps its own function, which the
    error lister asks for). ``json_kind`` reads the kind only of values a schema without
    ``type`` bounds."""

    def __init__(self, root: Any):
        self.root = root
        self.names: dict[int, str] = {}          # id(schema object) -> its function's name
        self.checks: list[tuple[str, str]] = []  # (pointer, name), as generated
        self.functions: list[str] = []
        self.leaves: dict[str, str] = {}         # body of a function that calls no other -> its name
        self.defined: set[str] = set()

    def name(self, schema: Any, pointer: str) -> str:
        """The function checking ``schema`` (found at ``pointer``), generated on first use."""
        if schema is True:
            return "always"
        if schema is False:
            return "never"
        if not isinstance(schema, dict):
            raise Unsupported(f"a schema must be an object or a boolean, not {type(schema).__name__}")
        if id(schema) in self.names:
            return self.names[id(schema)]
        name = self.names[id(schema)] = f"_v{len(self.names)}"
        body = self.body(schema, pointer)
        if "_v" not in body:  # a leaf: one function for all leaves alike (most are "a string")
            name = self.names[id(schema)] = self.leaves.setdefault(body, name)
        if name not in self.defined:
            self.defined.add(name)
            comment = "" if "_v" not in body else f"  # {pointer or '(root)'}"
            self.functions.append(f"def {name}(value):{comment}\n{body}")
        self.checks.append((pointer, name))
        return name

    def body(self, schema: dict, pointer: str) -> str:
        unknown = set(schema) - SUPPORTED - ANNOTATIONS
        if unknown:
            raise Unsupported(f"keyword(s) {', '.join(sorted(unknown))} not supported by the fast path")
        if pointer and "$id" in schema:
            raise Unsupported("$id below the root changes the base URI; not supported")
        if "$schema" in schema and schema["$schema"] != DRAFT_2020_12:
            raise Unsupported(f"$schema {schema['$schema']!r}: only draft 2020-12 is supported")
        for key, sub in (schema.get("$defs") or {}).items():
            if not isinstance(sub, (dict, bool)):
                raise Unsupported(f"$defs/{key} is not a schema")
        return "\n".join("    " + line for line in [*self.tests(schema, pointer, "value", 0), "return True"])

    def tests(self, schema: dict, pointer: str, value: str, depth: int) -> list[str]:
        """Lines that return ``False`` unless ``value`` (a local name) is valid under ``schema``,
        the schema object at ``pointer``: a function's body, or written inline in its parent's
        (what a valid plan needs most is to be spared a call for each of its ~150 values)."""
        # In the order jsonschema's verdict does not depend on, and the cheap checks first.
        lines: list[str] = []
        kinds: frozenset[int] | None = None  # the kinds `value` can have past the type check; None: any
        if "type" in schema:
            test, kinds = self.type_check(schema["type"], value)
            lines += [f"if {test}:", "    return False"]
        kind = f"kind_{depth}" if depth else "kind"
        test_of = functools.partial(_kind_test, value, kind, kinds)
        if "enum" in schema:
            lines += self.enum_check(schema["enum"], value, test_of)
        if "const" in schema:
            lines += [f"if not json_equal({value}, {_literal(schema['const'])}):", "    return False"]
        lines += self.bound_checks(schema, value, test_of)
        if "items" in schema:
            lines += self.items_check(schema["items"], pointer, value, depth, test_of)
        if "propertyNames" in schema:
            lines += self.names_check(schema["propertyNames"], pointer, value, depth, test_of)
        if "contains" in schema:
            lines += self.contains_check(schema["contains"], pointer, value, depth, test_of)
        if {"properties", "required", "additionalProperties"} & set(schema):
            lines += self.object_check(schema, pointer, value, depth, test_of)
        if "$ref" in schema:
            lines += self.check_of(self.target(schema["$ref"]), pointer, value, depth)
        # Without a type, a value outside JSON's types raises NotJson where a keyword asks its kind.
        uses_kind = any(re.search(rf"\b{kind} (==|!=) ", line) for line in lines)
        return [f"{kind} = json_kind({value})", *lines] if uses_kind else lines

    def check_of(self, target: tuple[Any, str], pointer: str, value: str, depth: int) -> list[str]:
        """The lines checking ``value`` under a subschema, ``target``: (schema, its pointer); its
        function is generated (the error lister asks for it) and called, or its tests inlined."""
        schema, at = target
        name = self.name(schema, at)
        if name == "always":
            return []
        if name == "never":
            return ["return False"]
        if _inlined(schema, self.root):
            return self.tests(schema, at, value, depth + 1)
        return [f"if not {self.callee(schema, name)}({value}):", "    return False"]

    def callee(self, schema: dict, name: str) -> str:
        """The function to call for ``schema``: for a schema that is only a ``$ref``, its target's
        (one call, not two), once that function is written."""
        while set(schema) <= ANNOTATIONS | {"$ref"} and "$ref" in schema:
            target = follow_pointer(self.root, schema["$ref"][1:])
            if not isinstance(target, dict) or self.names.get(id(target)) not in self.defined:
                break
            schema, name = target, self.names[id(target)]
        return name

    def target(self, pointer: Any) -> tuple[Any, str]:
        if not isinstance(pointer, str) or not pointer.startswith("#/") or "%" in pointer:
            raise Unsupported(f"$ref {pointer!r}: only local JSON pointers (#/...) are supported")
        try:
            node = follow_pointer(self.root, pointer[1:])  # the one JSON-pointer reading (aiplan.schemas)
        except LookupError:
            raise Unsupported(f"$ref {pointer!r} does not resolve") from None
        return node, pointer[1:]

    @staticmethod
    def bound_checks(schema: dict, value: str, test_of: Callable) -> list[str]:
        """The checks of the keywords that bound one kind of value (numbers, strings, arrays)."""
        lines: list[str] = []
        if "minimum" in schema:
            minimum = schema["minimum"]
            if isinstance(minimum, bool) or not isinstance(minimum, (int, float)):
                raise Unsupported(f"minimum {minimum!r}")
            lines += _when(test_of(_INT, _FLOAT), f"{value} < {_literal(minimum)}")
        if "maximum" in schema:
            maximum = schema["maximum"]
            if isinstance(maximum, bool) or not isinstance(maximum, (int, float)):
                raise Unsupported(f"maximum {maximum!r}")
            lines += _when(test_of(_INT, _FLOAT), f"{value} > {_literal(maximum)}")
        if "minLength" in schema:
            length = schema["minLength"]
            if isinstance(length, bool) or not isinstance(length, int):
                raise Unsupported(f"minLength {length!r}")
            lines += _when(test_of(_STRING), f"len({value}) < {length}") if length > 0 else []
        if "pattern" in schema:
            pattern = schema["pattern"]
            if not isinstance(pattern, str):
                raise Unsupported(f"pattern {pattern!r}")
            try:
                re.compile(pattern)
            except re.error:
                raise Unsupported(f"pattern {pattern!r} is not a Python regular expression") from None
            lines += _when(test_of(_STRING), f"re.search({pattern!r}, {value}) is None")
        if "minItems" in schema:
            count = schema["minItems"]
            if isinstance(count, bool) or not isinstance(count, int):
                raise Unsupported(f"minItems {count!r}")
            lines += _when(test_of(_ARRAY), f"len({value}) < {count}") if count > 0 else []
        if "uniqueItems" in schema:
            if not isinstance(schema["uniqueItems"], bool):
                raise Unsupported(f"uniqueItems {schema['uniqueItems']!r}")
            lines += _when(test_of(_ARRAY), f"not unique_items({value})") if schema["uniqueItems"] else []
        return lines

    @staticmethod
    def type_check(types: Any, value: str) -> tuple[str, frozenset[int]]:
        """The test that ``value`` is not of ``types``, by its exact Python type (a value outside
        JSON's types, a subclass too, fails it), and the kinds a value passing it can have."""
        names = [types] if isinstance(types, str) else types
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise Unsupported(f"type {types!r}")
        kinds: set[int] = set()
        for type_name in names:
            if type_name not in _TYPE_KINDS:
                raise Unsupported(f"type {type_name!r}")
            kinds.update(_TYPE_KINDS[type_name])
        tests = [f"{value} is not None" if kind == _NULL else f"type({value}) is not {_PYTHON_TYPES[kind]}"
                 for kind in sorted(kinds)]
        if "integer" in names and _FLOAT not in kinds:  # 1.0 is an integer
            tests.append(f"not (type({value}) is float and {value}.is_integer())")
            kinds.add(_FLOAT)
        return " and ".join(tests), frozenset(kinds)

    def enum_check(self, values: Any, value: str, test_of: Callable) -> list[str]:
        if not isinstance(values, list):
            raise Unsupported("enum must be a list")
        if all(isinstance(v, str) for v in values):
            test = test_of(_STRING)
            if test is None:  # no value of the kinds the type allows is one of the strings
                return ["return False"]
            string = "" if test == "" else f"type({value}) is not str or "
            return [f"if {string}{value} not in {_literal(values, set)}:", "    return False"]
        return [f"if not any(json_equal(option, {value}) for option in {_literal(values)}):", "    return False"]

    def items_check(self, items: Any, pointer: str, value: str, depth: int, test_of: Callable) -> list[str]:
        if not isinstance(items, (dict, bool)):
            raise Unsupported("items must be a schema (draft 2020-12)")
        item = f"item_{depth}"
        check = self.check_of((items, pointer + "/items"), pointer, item, depth)
        if not check:
            return []
        if check == ["return False"]:
            return _when(test_of(_ARRAY), value)
        return _within(test_of(_ARRAY), [f"for {item} in {value}:", *_indented(check)])

    def names_check(self, names: Any, pointer: str, value: str, depth: int, test_of: Callable) -> list[str]:
        if not isinstance(names, (dict, bool)):
            raise Unsupported("propertyNames must be a schema")
        key = f"key_{depth}"
        check = self.check_of((names, pointer + "/propertyNames"), pointer, key, depth)
        if not check:
            return []
        if check == ["return False"]:
            return _when(test_of(_OBJECT), value)
        return _within(test_of(_OBJECT), [f"for {key} in {value}:", *_indented(check)])

    def contains_check(self, contains: Any, pointer: str, value: str, depth: int, test_of: Callable) -> list[str]:
        # minContains and maxContains are not in SUPPORTED: at least one item must match.
        if not isinstance(contains, (dict, bool)):
            raise Unsupported("contains must be a schema")
        check = self.name(contains, pointer + "/contains")
        if check == "always":
            return _when(test_of(_ARRAY), f"not {value}")
        if check == "never":
            return _when(test_of(_ARRAY), "True")
        item = f"item_{depth}"
        return _when(test_of(_ARRAY), f"not any({check}({item}) for {item} in {value})")

    def object_check(self, schema: dict, pointer: str, value: str, depth: int, test_of: Callable) -> list[str]:
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        additional = schema.get("additionalProperties", True)
        if not isinstance(properties, dict):
            raise Unsupported("properties must be an object")
        if not isinstance(required, list) or not all(isinstance(k, str) for k in required):
            raise Unsupported("required must be a list of strings")
        if test_of(_OBJECT) is None:  # still generated: the error lister asks for every subschema's check
            for key, sub in properties.items():
                self.name(sub, f"{pointer}/properties/{_escaped(key)}")
            if additional is not True:
                self.name(additional, pointer + "/additionalProperties")
            return []
        key, element = f"key_{depth}", f"element_{depth}"
        lines = _when("", " or ".join(f"{_literal(name)} not in {value}" for name in dict.fromkeys(required)))
        # One pass over the plan's keys, each compared with the schema's names (most mappings have
        # a few): no table lookup, and the check of a simple value written in place of a call.
        branches: list[str] = []
        for name, sub in properties.items():
            check = self.check_of((sub, f"{pointer}/properties/{_escaped(name)}"), pointer, element, depth)
            branches += [f"{'elif' if branches else 'if'} {key} == {_literal(name)}:", *_indented(check or ["pass"])]
        other = [] if additional is True else self.check_of((additional, pointer + "/additionalProperties"),
                                                            pointer, element, depth)
        if other == ["return False"]:  # a key that is not a string is none of the names either
            branches += ["else:", "    return False"] if branches else ["if True:", "    return False"]
        else:
            branches += [f"{'elif' if branches else 'if'} type({key}) is not str:", "    return False"]
            branches += ["else:", *_indented(other)] if other else []
        if branches == ["if True:", "    return False"]:
            lines += _when("", f"{value}")
        else:
            lines += [f"for {key}, {element} in {value}.items():", *_indented(branches)]
        return _within(test_of(_OBJECT), lines)

    def module(self, title: str) -> str:
        root = self.name(self.root, "")
        if root in ("always", "never"):  # a boolean schema
            self.checks.append(("", root))
        checks = "CHECKS = {\n" + "".join(f"    {_literal(p)}: {n},\n" for p, n in self.checks) + "}"
        text = "\n".join([*self.functions, checks])
        used = [h for h in ("NotJson", "always", "json_equal", "json_kind", "never", "unique_items")
                if re.search(rf"\b{h}\b", text)]
        # The helpers checks use come from the package, so a valid instance never imports this module.
        shared = [h for h in used if h in ("NotJson", "json_equal", "json_kind", "unique_items")]
        imports = [h for h in used if h not in shared]
        kinds = ", ".join(f"{number} {kind}" for number, kind in enumerate(_KIND_NAMES))
        return "\n".join([
            f'"""{title}"""',
            "",
            "# Generated by `python -m aiplan.schemas.fast`: do not edit."
            + (f" Kinds (aiplan.schemas.json_kind): {kinds}." if "json_kind" in used else ""),
            "",
            *(["import re", ""] if "re.search(" in text else []),
            *([f"from aiplan.schemas import {', '.join(shared)}"] if shared else []),
            *([f"from aiplan.schemas.fast import {', '.join(imports)}"] if imports else []),
            *(["", ""] if used or "re.search(" in text else [""]),
            *(function + "\n\n" for function in self.functions),
            checks,
            "",
        ])


_PYTHON_TYPES = {_OBJECT: "dict", _ARRAY: "list", _STRING: "str", _INT: "int", _FLOAT: "float", _BOOL: "bool"}
# The keywords whose subschemas make a schema's checks a function of their own, called, never inlined.
_CALLED = frozenset(("properties", "required", "additionalProperties", "propertyNames", "contains"))


def _kind_test(value: str, kind: str, kinds: frozenset[int] | None, *wanted: int) -> str | None:
    """The test that ``value`` is of one of the kinds ``wanted``: ``""`` when its type check
    already says it is, ``None`` when it says it is not; ``kinds``: what the type check allows
    (``None``: no type check, the kind is read by ``json_kind`` into the local ``kind``)."""
    if kinds is None:
        tests = [f"{kind} == {number}" for number in wanted]
    elif kinds <= set(wanted):
        return ""
    elif not kinds & set(wanted):
        return None
    else:
        tests = [f"{value} is None" if number == _NULL else f"type({value}) is {_PYTHON_TYPES[number]}"
                 for number in wanted]
    return tests[0] if len(tests) == 1 else f"({' or '.join(tests)})"


def _when(test: str | None, condition: str) -> list[str]:
    """``return False`` if ``condition`` holds of a value passing ``test`` (see :func:`_kind_test`)."""
    if test is None or not condition:
        return []
    if test:
        condition = f"{test} and ({condition})" if " or " in condition else f"{test} and {condition}"
    return [f"if {condition}:", "    return False"]


def _within(test: str | None, lines: list[str]) -> list[str]:
    """``lines`` run only for a value passing ``test`` (see :func:`_kind_test`)."""
    if test is None or not lines:
        return []
    return lines if not test else [f"if {test}:", *_indented(lines)]


def _indented(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


def _escaped(key: str) -> str:
    """A property name as a JSON pointer's step."""
    return key.replace("~", "~0").replace("/", "~1")


def _inlined(schema: Any, root: Any, levels: int = 2) -> bool:
    """Whether a subschema's checks are written in its parent's function rather than called:
    a scalar's, or a list of scalars' (a mapping's checks stay a function: one call a mapping)."""
    if not isinstance(schema, dict):
        return True
    if _CALLED & set(schema) or (levels == 0 and ("items" in schema or "$ref" in schema)):
        return False
    if "items" in schema and not _inlined(schema["items"], root, levels - 1):
        return False
    return "$ref" not in schema or _inlined(follow_pointer(root, schema["$ref"][1:]), root, levels - 1)


def _literal(value: Any, container: type = tuple) -> str:
    """A JSON value as Python source that evaluates to an equal value (``container``
    ``set``: a list as a set display, which an ``in`` test makes a constant frozenset)."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({str(value)!r})"  # json.loads reads NaN and Infinity
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        items = [_literal(v) for v in value]
        if container is set and items:
            return "{" + ", ".join(items) + "}"
        bracket = "[]" if isinstance(value, list) and container is not set else "()"
        return bracket[0] + ", ".join(items) + ("," if bracket == "()" and len(items) == 1 else "") + bracket[1]
    if value is None or isinstance(value, (str, int, float)):
        return repr(value)
    raise Unsupported(f"{value!r} is not a JSON value")


def generate(schema: Any, title: str = "Compiled checks of a JSON Schema.") -> str:
    """The Python source of ``schema``'s checks (see :class:`_Generator`); :class:`Unsupported`
    if it uses something the fast path does not implement."""
    return _Generator(schema).module(title)


def compile_checks(schema: Any) -> dict[str, Check] | None:
    """``schema``'s checks by JSON pointer, generated and run now (the plan schema's are
    committed: aiplan.schemas.plan_checks); ``None`` if the fast path cannot compile it."""
    try:
        namespace: dict[str, Any] = {}
        exec(compile(generate(schema), "<aiplan.schemas.fast>", "exec"), namespace)  # noqa: S102  (our own source)
    except (Unsupported, RecursionError):
        return None
    return namespace["CHECKS"]


def _valid_under(schema: Any, checks: dict[str, Check]) -> Callable[[Any, Any], bool]:
    by_id = {}
    for pointer, check in checks.items():
        node = follow_pointer(schema, pointer)
        by_id[id(node)] = (node, check)
    lookup = by_id.get

    def valid_under(subschema: Any, instance: Any) -> bool:
        if subschema is True or subschema is False:
            return subschema
        compiled = lookup(id(subschema))
        if compiled is None or compiled[0] is not subschema:
            return False
        try:
            return compiled[1](instance)
        except (NotJson, RecursionError):
            return False

    return valid_under


def compile_schema(schema: Any) -> Check | None:
    """A function that returns ``True`` only for instances valid under ``schema``;
    ``None`` if the schema uses something the fast path does not implement."""
    compiled = compile_subschemas(schema)
    return None if compiled is None else functools.partial(compiled, schema)


def compile_subschemas(schema: Any) -> Callable[[Any, Any], bool] | None:
    """``valid_under(subschema, instance)``: ``True`` only if ``instance`` is valid
    under ``subschema``, one of the schema objects found in ``schema`` (``$ref``
    resolved against ``schema``); ``False`` for any other object. The error
    lister skips every subtree it finds valid. ``None`` as for :func:`compile_schema`."""
    checks = compile_checks(schema)
    return None if checks is None else _valid_under(schema, checks)


# --------------------------------------------------------------------------
# The errors of an instance the checks doubt, as jsonschema lists them


class SchemaError(Record):
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
    and is skipped; a value outside JSON's types raises :class:`NotJson`."""

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


def is_type(instance: Any, name: str) -> bool:
    """Whether ``instance`` is of the JSON Schema type ``name`` (raises for a value outside JSON's types)."""
    kind = json_kind(instance)
    return kind in _TYPE_KINDS[name] or (name == "integer" and kind == _FLOAT and instance.is_integer())


def _type_errors(lister, types, instance, schema, path, at):
    names = [types] if isinstance(types, str) else types
    if not any(is_type(instance, name) for name in names):
        shown = ", ".join(repr(name) for name in names)
        yield SchemaError(f"{instance!r} is not of type {shown}", "type", types, instance, schema, path, at + ("type",))


def _enum_errors(lister, values, instance, schema, path, at):
    json_kind(instance)
    if not any(json_equal(value, instance) for value in values):
        yield SchemaError(f"{instance!r} is not one of {values!r}", "enum", values, instance, schema, path, at + ("enum",))


def _const_errors(lister, constant, instance, schema, path, at):
    json_kind(instance)
    if not json_equal(instance, constant):
        yield SchemaError(f"{constant!r} was expected", "const", constant, instance, schema, path, at + ("const",))


def _minimum_errors(lister, minimum, instance, schema, path, at):
    if json_kind(instance) in (_INT, _FLOAT) and instance < minimum:
        yield SchemaError(f"{instance!r} is less than the minimum of {minimum!r}", "minimum", minimum, instance,
                          schema, path, at + ("minimum",))


def _maximum_errors(lister, maximum, instance, schema, path, at):
    if json_kind(instance) in (_INT, _FLOAT) and instance > maximum:
        yield SchemaError(f"{instance!r} is greater than the maximum of {maximum!r}", "maximum", maximum, instance,
                          schema, path, at + ("maximum",))


def _pattern_errors(lister, pattern, instance, schema, path, at):
    if json_kind(instance) == _STRING and re.search(pattern, instance) is None:
        yield SchemaError(f"{instance!r} does not match {pattern!r}", "pattern", pattern, instance, schema, path,
                          at + ("pattern",))


def _min_items_errors(lister, count, instance, schema, path, at):
    if json_kind(instance) == _ARRAY and len(instance) < count:
        yield SchemaError(f"{instance!r} {'should be non-empty' if count == 1 else 'is too short'}", "minItems",
                          count, instance, schema, path, at + ("minItems",))


def _unique_items_errors(lister, unique, instance, schema, path, at):
    if unique and json_kind(instance) == _ARRAY and not unique_items(instance):
        yield SchemaError(f"{instance!r} has non-unique elements", "uniqueItems", unique, instance, schema, path,
                          at + ("uniqueItems",))


def _property_names_errors(lister, names, instance, schema, path, at):
    # As in jsonschema, a key's errors are at the mapping's path: the key is their instance.
    if json_kind(instance) == _OBJECT:
        for key in instance:
            yield from lister.below(names, key, path, at + ("propertyNames",), ())


def _min_length_errors(lister, length, instance, schema, path, at):
    if json_kind(instance) == _STRING and len(instance) < length:
        yield SchemaError(f"{instance!r} {'should be non-empty' if length == 1 else 'is too short'}", "minLength",
                          length, instance, schema, path, at + ("minLength",))


def _required_errors(lister, required, instance, schema, path, at):
    if json_kind(instance) == _OBJECT:
        for key in required:
            if key not in instance:
                yield SchemaError(f"{key!r} is a required property", "required", required, instance, schema, path,
                                  at + ("required",))


def _properties_errors(lister, properties, instance, schema, path, at):
    if json_kind(instance) == _OBJECT:
        for name, subschema in properties.items():
            if name in instance:
                yield from lister.below(subschema, instance[name], path, at + ("properties",), (name,), (name,))


def _additional_errors(lister, additional, instance, schema, path, at):
    if json_kind(instance) != _OBJECT:
        return
    properties = schema.get("properties", {})
    if any(type(key) is not str for key in instance):
        raise NotJson
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
    if json_kind(instance) != _ARRAY or not instance:
        return
    if items is False:
        rest = instance[0] if len(instance) == 1 else instance[:]
        yield SchemaError(f"Expected at most 0 items but found {len(instance)} extra: {rest!r}", "items", items,
                          instance, schema, path, at + ("items",))
        return
    for index, element in enumerate(instance):
        yield from lister.below(items, element, path, at + ("items",), (index,))


def _contains_errors(lister, contains, instance, schema, path, at):
    if json_kind(instance) != _ARRAY:
        return
    # An item matches when it has no error; a value outside JSON's types raises NotJson (jsonschema decides).
    if not any(next(iter(lister.below(contains, element, (), (), ())), None) is None for element in instance):
        yield SchemaError(f"{instance!r} does not contain items matching the given schema", "contains", contains,
                          instance, schema, path, at + ("contains",))


def _ref_errors(lister, pointer, instance, schema, path, at):
    yield from lister.below(follow_pointer(lister.root, pointer[1:]), instance, path, at, ())


# Keyword -> its errors: one entry for every keyword of SUPPORTED (a test checks).
_KEYWORD_ERRORS: dict[str, Callable[..., Iterator[SchemaError]]] = {
    "type": _type_errors, "enum": _enum_errors, "const": _const_errors, "minimum": _minimum_errors,
    "minLength": _min_length_errors, "required": _required_errors, "properties": _properties_errors,
    "additionalProperties": _additional_errors, "items": _items_errors, "$ref": _ref_errors,
    "maximum": _maximum_errors, "pattern": _pattern_errors, "minItems": _min_items_errors,
    "uniqueItems": _unique_items_errors, "propertyNames": _property_names_errors, "contains": _contains_errors,
}


def _json_value(value: Any) -> bool:
    """Whether ``value`` is made of JSON's types only (what :func:`_literal` can write)."""
    if isinstance(value, dict):
        return all(type(key) is str and _json_value(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_json_value(item) for item in value)
    return value is None or isinstance(value, (str, int, float))


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# What each supported keyword's value must be for the lister to take it (as the generator requires).
_KEYWORD_FORMS: dict[str, Callable[[Any], bool]] = {
    "type": lambda value: (value in _TYPE_KINDS if isinstance(value, str) else isinstance(value, list) and bool(value)
                           and all(isinstance(name, str) and name in _TYPE_KINDS for name in value)),
    "enum": lambda value: isinstance(value, list) and _json_value(value),
    "const": _json_value,
    "minimum": lambda value: isinstance(value, (int, float)) and not isinstance(value, bool),
    "maximum": lambda value: isinstance(value, (int, float)) and not isinstance(value, bool),
    "minLength": _count, "minItems": _count,
    "uniqueItems": lambda value: isinstance(value, bool),
    "required": lambda value: isinstance(value, list) and all(isinstance(key, str) for key in value),
    "properties": lambda value: isinstance(value, dict),
    "$defs": lambda value: isinstance(value, dict),
    "$schema": lambda value: value == DRAFT_2020_12,
}


def _pattern_compiles(pattern: Any) -> bool:
    try:
        re.compile(pattern)
    except (re.error, TypeError, RecursionError):
        return False
    return isinstance(pattern, str)


def supported(root: Any) -> bool:
    """Whether the fast path implements everything ``root`` uses: what :func:`generate` accepts
    (a test holds the two to the same answer), found by a walk instead of generating source."""
    seen: set[int] = set()
    pending: list[tuple[Any, bool]] = [(root, True)]
    while pending:
        node, at_root = pending.pop()
        if node is True or node is False:
            continue
        if not isinstance(node, dict):
            return False
        if id(node) in seen:
            continue
        seen.add(id(node))
        if not set(node) <= SUPPORTED | ANNOTATIONS or (not at_root and "$id" in node):
            return False
        for keyword, value in node.items():
            form = _KEYWORD_FORMS.get(keyword)
            if form is not None and not form(value):
                return False
        if "pattern" in node and not _pattern_compiles(node["pattern"]):
            return False
        for keyword in ("items", "propertyNames", "contains", "additionalProperties"):
            if keyword in node:
                if not isinstance(node[keyword], (dict, bool)):
                    return False
                pending.append((node[keyword], False))
        pending.extend((sub, False) for sub in node.get("properties", {}).values())
        for sub in node.get("$defs", {}).values():
            if not isinstance(sub, (dict, bool)):
                return False
        if "$ref" in node:
            pointer = node["$ref"]
            if not isinstance(pointer, str) or not pointer.startswith("#/") or "%" in pointer:
                return False
            try:
                pending.append((follow_pointer(root, pointer[1:]), False))
            except LookupError:
                return False
    return True


def interpret_errors(schema: Any) -> Callable[..., tuple[SchemaError, ...] | None] | None:
    """``errors(instance)`` as :func:`compile_errors` lists them, walking ``schema`` instead of
    generating and compiling its checks (about 2 M instructions a small schema): for the
    schemas of a policy pack, read afresh by each run and evaluated on a few plans.
    ``errors(instance, first=True)`` stops at the first error: enough to answer yes or no.
    ``None`` if the fast path does not implement something ``schema`` uses."""
    if not supported(schema):
        return None
    memo: dict[tuple[int, int], bool] = {}   # (subschema, value) -> valid: for one instance's errors

    def valid_under(subschema: Any, instance: Any) -> bool:
        if subschema is True or subschema is False:
            return subschema
        key = (id(subschema), id(instance))
        known = memo.get(key)
        if known is None:
            # NotJson and RecursionError go up to errors(): jsonschema decides (caught here, a
            # schema that refers to itself would be walked again at every level below the limit).
            known = memo[key] = next(iter(lister.errors(subschema, instance, (), ())), None) is None
        return known

    lister = _Lister(schema, valid_under)

    def errors(instance: Any, first: bool = False) -> tuple[SchemaError, ...] | None:
        memo.clear()   # ids are of this instance's values, alive until it returns
        try:
            found = lister.errors(schema, instance, (), ())
            return tuple(islice(found, 1) if first else found)
        except (NotJson, RecursionError):
            return None
        finally:
            memo.clear()

    return errors


def compile_errors(schema: Any) -> Callable[[Any], tuple[SchemaError, ...] | None] | None:
    """``errors(instance)`` for ``schema`` (see :func:`errors_lister`); ``None`` as for :func:`compile_schema`."""
    checks = compile_checks(schema)
    return None if checks is None else errors_lister(checks, lambda: schema)


def errors_lister(checks: dict[str, Check], schema: Callable[[], Any]
                  ) -> Callable[..., tuple[SchemaError, ...] | None]:
    """``errors(instance)``: the errors jsonschema lists for ``instance`` under the
    schema ``checks`` were generated from, in its order (``()`` when valid, decided by
    the checks); ``None`` for an instance holding a value outside JSON's types (ask
    jsonschema). ``schema()`` gives the schema, asked for only when the checks doubt.
    ``errors(instance, doubted=True)``: the caller ran the checks and they doubted."""
    valid = checks[""]
    listers: list[_Lister] = []  # the one lister, made on the first doubt

    def errors(instance: Any, doubted: bool = False) -> tuple[SchemaError, ...] | None:
        try:
            if not doubted and valid(instance):
                return ()
        except (NotJson, RecursionError):
            pass
        if not listers:
            root = schema()
            listers.append(_Lister(root, _valid_under(root, checks)))
        lister = listers[0]
        try:
            return tuple(lister.errors(lister.root, instance, (), ()))
        except (NotJson, RecursionError):
            return None

    return errors


_KIND_NAMES = ("object", "array", "string", "integer", "number (not integer)", "boolean", "null")


def main(argv: list[str] | None = None) -> int:
    """``python -m aiplan.schemas.fast [--check]``: write or check the committed checks
    (:data:`COMMITTED`: aiplan/schemas/plan_checks.py, config_checks.py and pack_checks.py)."""
    import argparse  # only for `python -m aiplan.schemas.fast`
    import os  # only for `python -m aiplan.schemas.fast`

    from aiplan.fileio import atomic_write  # only for `python -m aiplan.schemas.fast`

    parser = argparse.ArgumentParser(prog="python -m aiplan.schemas.fast")
    parser.add_argument("--check", action="store_true", help="fail if the committed checks are out of date")
    args = parser.parse_args(argv)
    stale = 0
    for schema_name, module, title in COMMITTED:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), module)
        text = generate(load(schema_name), title)
        if not args.check:
            atomic_write(path, text.encode("utf-8"))
            continue
        try:
            with open(path, encoding="utf-8") as handle:
                current = handle.read() == text
        except FileNotFoundError:
            current = False
        if not current:
            print(f"{path} is out of date; run: python -m aiplan.schemas.fast", file=sys.stderr)
            stale += 1
    return 1 if stale else 0


PLAN_CHECKS_TITLE = ("The plan schema's checks (plan.schema.json), compiled by aiplan.schemas.fast: the common\n"
                     "path validates a plan without loading the schema's JSON or compiling anything.")
CONFIG_CHECKS_TITLE = ("The configuration schema's checks (config.schema.json), compiled by aiplan.schemas.fast:\n"
                       "a valid .aiplan.toml or [tool.aiplan] is validated without the schema's JSON or jsonschema.")
PACK_CHECKS_TITLE = ("The policy-pack schema's checks (policy-pack.schema.json), compiled by aiplan.schemas.fast:\n"
                     "a valid policy pack's form is validated without the schema's JSON or jsonschema.")
# The shipped schemas whose checks are committed source: (schema, module beside this one, its docstring).
COMMITTED = ((PLAN_SCHEMA, "plan_checks.py", PLAN_CHECKS_TITLE), (CONFIG_SCHEMA, "config_checks.py", CONFIG_CHECKS_TITLE),
             (PACK_SCHEMA, "pack_checks.py", PACK_CHECKS_TITLE))


if __name__ == "__main__":
    raise SystemExit(main())
