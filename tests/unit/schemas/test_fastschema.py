"""The compiled fast path agrees with jsonschema, the validator of record.

It says "valid" exactly when jsonschema finds no error, and otherwise lists
the errors jsonschema lists (messages, paths, keywords, values, schemas, in
order): on plan-like data, on mutations of valid plans, and on random schemas
built from the keyword subset it implements. It refuses (so jsonschema
decides) any schema using a keyword it does not implement.
"""

from __future__ import annotations

import copy
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from aiplan.schemas.fast import _KEYWORD_ERRORS, ANNOTATIONS, SUPPORTED, compile_errors, compile_schema, json_equal
from aiplan.parse.loader import load_file
from aiplan.schemas import load as load_schema
from aiplan.schemas.validate import validate
from conftest import EXAMPLES, FIXTURES, error_fields

SCHEMA = load_schema()
OFFICIAL = Draft202012Validator(SCHEMA)
FAST = compile_schema(SCHEMA)
LISTED = compile_errors(SCHEMA)
FAST_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _walk_keywords(schema, found: set[str]) -> None:
    """Every keyword used anywhere in ``schema`` (property names are not keywords)."""
    if not isinstance(schema, dict):
        return
    for key, value in schema.items():
        found.add(key)
        if key in ("properties", "$defs"):
            for sub in value.values():
                _walk_keywords(sub, found)
        elif key in ("items", "additionalProperties"):
            _walk_keywords(value, found)


def _property_names(schema, found: set[str]) -> None:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("properties", "$defs") and isinstance(value, dict):
                found.update(value)
            _property_names(value, found)
    elif isinstance(schema, list):
        for value in schema:
            _property_names(value, found)


def _enum_values(schema, found: set[str]) -> None:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "enum":
                found.update(v for v in value if isinstance(v, str))
            else:
                _enum_values(value, found)


NAMES: set[str] = set()
_property_names(SCHEMA, NAMES)
WORDS: set[str] = set()
_enum_values(SCHEMA, WORDS)
TEXT = st.sampled_from(sorted(NAMES | WORDS)) | st.text(max_size=4)

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-3, max_value=10**6)
    | st.sampled_from([0.0, 1.0, -1.0, 0.5, 2.5, math.inf, -math.inf, math.nan, 1e300])
    | TEXT
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(sorted(NAMES)) | st.text(max_size=3), children, max_size=5),
    max_leaves=25,
)


def _valid_plans() -> list[dict]:
    plans = []
    for path in sorted(EXAMPLES.glob("*.yaml")) + sorted(FIXTURES.glob("**/*.yaml")):
        for document in load_file(str(path)).documents:
            if isinstance(document.data, dict) and not list(OFFICIAL.iter_errors(document.data)):
                plans.append(document.data)
    return plans


VALID_PLANS = _valid_plans()


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, prefix + (index,))


@st.composite
def mutated_plans(draw):
    """A valid plan with a few random edits: values replaced, keys added or removed."""
    plan = copy.deepcopy(draw(st.sampled_from(VALID_PLANS)))
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        paths = list(_paths(plan))[1:]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = plan
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "add", "retype"]))
        last = path[-1]
        if action == "replace":
            parent[last] = draw(JSON_VALUES)
        elif action == "delete":
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(sorted(NAMES)))] = draw(JSON_VALUES)
        elif action == "retype":
            value = parent[last]
            parent[last] = draw(st.sampled_from([str(value), [value], {"value": value}, None, 1, 1.0, True]))
    return plan


def _agrees(instance) -> None:
    errors = list(OFFICIAL.iter_errors(instance))
    assert FAST(instance) is (not errors), json.dumps(instance, default=repr)[:500]
    # The fast path lists the same errors, in the same order.
    assert error_fields(LISTED(instance)) == error_fields(errors), json.dumps(instance, default=repr)[:500]


def test_shipped_schema_compiles():
    assert FAST is not None, "the fast path refuses the shipped schema: every plan would go to jsonschema"


def test_shipped_schema_uses_only_supported_keywords():
    used: set[str] = set()
    _walk_keywords(SCHEMA, used)
    assert used <= SUPPORTED | ANNOTATIONS, f"unsupported by the fast path: {sorted(used - SUPPORTED - ANNOTATIONS)}"


def test_every_valid_plan_is_known_valid():
    assert VALID_PLANS
    for plan in VALID_PLANS:
        assert FAST(plan) is True


@FAST_SETTINGS
@given(mutated_plans())
def test_mutated_plans_agree_with_jsonschema(plan):
    _agrees(plan)


@FEWER
@given(st.fixed_dictionaries({"aiplan": st.just(1), "name": TEXT}, optional={
    name: JSON_VALUES for name in ("owner", "status", "use_case", "gaps", "baseline", "approach", "rag",
                                   "fine_tuning", "targets", "evaluation", "summary")
}))
def test_plan_shaped_data_agrees_with_jsonschema(plan):
    _agrees(plan)


@FEWER
@given(JSON_VALUES)
def test_any_json_value_agrees_with_jsonschema(value):
    _agrees(value)


# Random schemas from the supported subset, against random instances.

TYPES = ["object", "array", "string", "integer", "number", "boolean", "null"]
# A NaN is a new float each time, as in real use: a document's NaN is never the schema's own
# object, and jsonschema's `equal` starts with `is`, so one shared `math.nan` in a schema and
# an instance would count as equal there but not in the generated checks (which write NaN as
# `float('nan')`). Equal by identity is a coincidence no plan can produce.
SMALL_VALUES = st.recursive(
    st.none() | st.booleans() | st.sampled_from([0, 1, 2, -1, 0.0, 1.0, 1.5]) | st.builds(float, st.just("nan"))
    | st.sampled_from(["", "a", "b"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["a", "b", "c"]), children, max_size=3),
    max_leaves=8,
)


def _schemas():
    leaf = st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(TYPES) | st.lists(st.sampled_from(TYPES), min_size=1, max_size=3, unique=True),
        "enum": st.lists(SMALL_VALUES, min_size=1, max_size=3),
        "const": SMALL_VALUES,
        "minimum": st.sampled_from([0, 1, -1, 0.5]),
        "minLength": st.integers(min_value=0, max_value=2),
        "maximum": st.sampled_from([0, 1, -1, 0.5]),
        "pattern": st.sampled_from(["^a", "b$", "[^\\s]", "^(a|b)+$", ""]),
        "minItems": st.integers(min_value=0, max_value=2),
        "uniqueItems": st.booleans(),
        "$ref": st.just("#/$defs/thing"),
    }) | st.booleans()
    return st.recursive(leaf, lambda children: st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(TYPES),
        "properties": st.dictionaries(st.sampled_from(["a", "b", "c"]), children, max_size=3),
        "required": st.lists(st.sampled_from(["a", "b", "c"]), max_size=2, unique=True),
        "additionalProperties": children,
        "propertyNames": children,
        "items": children,
        "title": st.just("annotations never change validity"),
    }), max_leaves=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_schemas(), st.lists(SMALL_VALUES, min_size=1, max_size=5), st.sampled_from([{"type": "integer"}, {"enum": ["a", 1]}, True]))
def test_random_schemas_agree_with_jsonschema(schema, instances, thing):
    root = {"$defs": {"thing": thing}}
    root.update(schema) if isinstance(schema, dict) else root.update({"allOf": [schema]})
    if "allOf" in root:  # boolean root schema: test it directly
        root = schema
    fast = compile_schema(root)
    assert fast is not None, root
    official = Draft202012Validator(root)
    listed = compile_errors(root)
    for instance in instances:
        assert fast(instance) is official.is_valid(instance), (root, instance)
        assert error_fields(listed(instance)) == error_fields(official.iter_errors(instance)), (root, instance)


def test_every_compiled_keyword_lists_its_errors():
    assert set(_KEYWORD_ERRORS) == SUPPORTED


def test_the_lister_walks_only_the_subtrees_the_checks_doubt():
    """A valid sibling is skipped: a value outside JSON's types there would send the plan to jsonschema."""
    from decimal import Decimal

    root = {"properties": {"good": {"type": "object"}, "bad": {"type": "string"}}}
    listed = compile_errors(root)
    assert [error.message for error in listed({"good": {"n": Decimal(1)}, "bad": 1})] == ["1 is not of type 'string'"]
    assert listed({"good": "x", "bad": Decimal(1)}) is None  # doubted, outside JSON: jsonschema decides


# Refusals: whatever the fast path does not implement goes to jsonschema.

@pytest.mark.parametrize("keyword, value", [
    ("maxLength", 3), ("exclusiveMinimum", 0), ("format", "email"),
    ("oneOf", [{"type": "string"}]), ("anyOf", [{"type": "string"}]), ("allOf", [{"type": "string"}]),
    ("not", {"type": "string"}), ("patternProperties", {"^x": {}}), ("prefixItems", [{}]),
    ("maxItems", 1), ("if", {}), ("unevaluatedProperties", False),
    ("dependentRequired", {}), ("$dynamicRef", "#x"), ("minContains", 2), ("maxContains", 1),
    # Supported keywords in forms the fast path does not take.
    ("pattern", "(unclosed"), ("pattern", 3), ("maximum", "3"), ("minItems", True), ("uniqueItems", 1),
    ("propertyNames", ["string"]), ("contains", ["string"]),
])
def test_unsupported_keyword_anywhere_refuses(keyword, value):
    schema = copy.deepcopy(SCHEMA)
    schema["properties"]["rag"]["properties"]["citations"][keyword] = value
    assert compile_schema(schema) is None


def test_unsupported_forms_refuse():
    assert compile_schema({"items": [{"type": "string"}]}) is None  # draft-4 tuple form
    assert compile_schema({"$ref": "other.json#/x"}) is None
    assert compile_schema({"$ref": "#/$defs/missing"}) is None
    assert compile_schema({"type": "any"}) is None
    assert compile_schema({"$schema": "http://json-schema.org/draft-07/schema#"}) is None
    assert compile_schema({"properties": {"a": {"$id": "inner"}}}) is None


def test_values_outside_json_are_never_known_valid():
    from collections import OrderedDict
    from decimal import Decimal

    assert FAST(OrderedDict(aiplan=1, name="x")) is False
    assert FAST({"aiplan": 1, "name": "x", "targets": {"latency_p95_ms": Decimal(-1)}}) is False
    assert FAST({"aiplan": 1, "name": "x", 3: "y"}) is False
    # Nor are their errors listed: jsonschema, the validator of record, lists them.
    assert LISTED(OrderedDict(aiplan=1, name="x")) is None
    assert LISTED({"aiplan": 1, "name": "x", "targets": {"latency_p95_ms": Decimal(-1)}}) is None
    assert LISTED({"aiplan": 1, "name": "x", 3: "y"}) is None


@pytest.mark.parametrize("name, pointer", [("a/b", "#/$defs/a~1b"), ("t~x", "#/$defs/t~0x"),
                                           ("~1", "#/$defs/~01")])
def test_a_ref_is_followed_as_json_schema_follows_it(name, pointer):
    # Escaped names, read by aiplan.schemas.follow (the one JSON-pointer reading), as by jsonschema.
    schema = {"$defs": {name: {"type": "string"}, "other": {"type": "integer"}}, "$ref": pointer}
    check = compile_schema(schema)
    assert check is not None
    for instance in ("text", 3):
        assert check(instance) is Draft202012Validator(schema).is_valid(instance)


def test_recursive_ref():
    schema = {"$defs": {"node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}},
                                 "additionalProperties": False}}, "$ref": "#/$defs/node"}
    fast = compile_schema(schema)
    assert fast({"next": {"next": {}}}) is True
    assert fast({"next": {"next": {"other": 1}}}) is False


def test_json_equal_matches_jsonschema():
    from jsonschema._utils import equal

    cases = [(1, True), (0, False), (1, 1.0), ([1], [True]), ({"a": 1}, {"a": 1.0}), ("1", 1), (None, None),
             (math.nan, math.nan), ([], {}), ({"a": [1, {"b": False}]}, {"a": [1, {"b": 0}]})]
    for one, two in cases:
        assert json_equal(one, two) is equal(one, two), (one, two)


def test_validate_reports_the_same_errors_with_and_without_the_fast_path(monkeypatch):
    import aiplan.schemas.validate as schema_module

    invalid = {"aiplan": 1, "name": "", "approach": "finetuning", "gaps": {"knowledge": {"evidance": "x"}}}
    with_fast = [(v.message, v.path) for v in validate(invalid)]
    monkeypatch.setattr(schema_module, "_fast_errors", lambda name=None: None)
    without = [(v.message, v.path) for v in validate(invalid)]
    assert with_fast == without and len(with_fast) >= 3


@pytest.mark.parametrize("schema, instance", [
    ({"minimum": 0}, 0), ({"minimum": 0}, -1), ({"minimum": 0}, -0.5), ({"minimum": 0.5}, 0.5),
    ({"minimum": 0}, math.nan), ({"minimum": 0}, True), ({"minimum": 0}, "-1"),
    ({"type": "integer"}, 1.0), ({"type": "integer"}, 1.5), ({"type": "integer"}, True), ({"type": "integer"}, math.inf),
    ({"type": "number"}, False), ({"type": "number"}, math.nan), ({"type": "boolean"}, 0),
    ({"type": ["string", "object"]}, []), ({"type": ["string", "object"]}, {}), ({"type": "null"}, None),
    ({"minLength": 1}, ""), ({"minLength": 1}, "😀"), ({"minLength": 2}, "😀"), ({"minLength": 1}, 5),
    ({"enum": [1]}, True), ({"enum": [1]}, 1.0), ({"enum": ["a"]}, ["a"]), ({"const": {"a": [1]}}, {"a": [1.0]}),
    ({"required": ["a"]}, []), ({"required": ["a"]}, {"a": None}), ({"additionalProperties": False}, {"x": 1}),
    ({"properties": {"a": False}}, {"b": 1}), ({"properties": {"a": False}}, {"a": 1}), ({"items": False}, []),
    ({"items": False}, [1]), ({"items": {"type": "string"}}, "not a list"),
    ({"maximum": 1}, 1), ({"maximum": 1}, 1.5), ({"maximum": 1}, math.nan), ({"maximum": 1}, True),
    ({"maximum": 0.5}, math.inf), ({"pattern": "^a"}, "ba"), ({"pattern": "a"}, "ba"), ({"pattern": "[^\\s]"}, " \t"),
    ({"pattern": "^a"}, 1), ({"minItems": 1}, []), ({"minItems": 2}, [1]), ({"minItems": 1}, {}),
    ({"uniqueItems": True}, [1, 1.0]), ({"uniqueItems": True}, [1, True]), ({"uniqueItems": True}, [True, True]),
    ({"uniqueItems": True}, [[1], [True]]), ({"uniqueItems": True}, [{"a": 1}, {"a": 1.0}]),
    ({"uniqueItems": True}, ["a", 1, "a"]), ({"uniqueItems": True}, [math.nan, math.nan]),
    ({"uniqueItems": False}, [1, 1]), ({"uniqueItems": True}, "aa"),
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, {"ab": 1, "A": 2, "1": 3}), ({"propertyNames": False}, {"a": 1}),
    ({"propertyNames": False}, {}), ({"propertyNames": {"minLength": 2}}, {"ab": 1, "c": 2}),
    ({"propertyNames": {"$ref": "#/$defs/n"}, "$defs": {"n": {"minLength": 2}}}, {"a": 1, "bb": 2}),
    # A keyword of one kind under a type allowing several: tested by the value's exact type.
    ({"type": ["string", "null"], "minLength": 2}, None), ({"type": ["string", "null"], "minLength": 2}, "a"),
    ({"type": ["integer", "string"], "minimum": 2}, "a"), ({"type": ["integer", "string"], "minimum": 2}, 1.0),
    ({"type": ["integer", "string"], "minimum": 2}, 3), ({"type": "integer", "minimum": 2}, 2.0),
    ({"type": "integer", "enum": ["a"]}, 1), ({"type": ["array", "string"], "items": {"type": "string"}}, "abc"),
    ({"type": ["array", "string"], "items": {"type": "string"}}, ["a", 1]), ({"type": "array", "items": False}, [1]),
    # Checks written in a mapping's function: its values', lists of lists, other keys'.
    ({"type": "object", "properties": {"a": {"type": "array", "items": {"type": "array", "items": {
        "type": "string", "minLength": 1}}}}}, {"a": [["x"], [""]]}),
    ({"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}}, {"a": 2, "b": 0}),
    ({"type": "object", "properties": {}, "additionalProperties": False}, {}),
    ({"type": "object", "properties": {}, "additionalProperties": False}, {"a": 1}),
    ({"type": "object", "properties": {"a": True, "b": {}}, "additionalProperties": False}, {"a": [], "b": 1}),
    ({"type": "object", "required": ["a", "a"], "properties": {"a": {"type": "null"}}}, {"a": None}),
    # A schema that is only a $ref is checked by its target's function (one call, not two).
    ({"$defs": {"o": {"type": "object", "required": ["x"]}, "r": {"$ref": "#/$defs/o"}},
      "properties": {"a": {"$ref": "#/$defs/r"}}}, {"a": {}}),
    ({"$defs": {"o": {"type": "object", "required": ["x"]}, "r": {"$ref": "#/$defs/o"}},
      "properties": {"a": {"$ref": "#/$defs/r"}}}, {"a": {"x": 1}}),
])
def test_edge_cases_agree_with_jsonschema(schema, instance):
    official = Draft202012Validator(schema)
    assert compile_schema(schema)(instance) is official.is_valid(instance)
    assert error_fields(compile_errors(schema)(instance)) == error_fields(official.iter_errors(instance))


def test_one_finding_for_one_wrong_value_on_both_paths(monkeypatch):
    import aiplan.schemas.validate as schema_module

    # `7` in `covers` breaks the item's type and its enum: one mistake, one finding.
    plan = {"aiplan": 1, "name": {"first": "x"}, "approach": "fine_tuning",
            "fine_tuning": {"evaluation": {"held_out": {"covers": ["target_task", 7]}}}}
    with_fast = [(v.message, v.path) for v in validate(plan)]
    monkeypatch.setattr(schema_module, "_fast_errors", lambda name=None: None)
    assert [(v.message, v.path) for v in validate(plan)] == with_fast
    messages = dict((path, message) for message, path in with_fast)
    assert messages[("name",)] == "`name` is a mapping; expected a string"
    covers = ("fine_tuning", "evaluation", "held_out", "covers", 1)
    assert [path for _, path in with_fast].count(covers) == 1
    assert messages[covers] == "`fine_tuning.evaluation.held_out.covers[1]` is 7 (an integer); expected a string"


def test_the_packages_json_kinds_are_the_generators():
    # The generated checks number kinds with aiplan.schemas.json_kind; the generator writes them as fast's constants.
    import aiplan.schemas.fast as fast_module
    from aiplan.schemas import NotJson, json_kind

    constants = (fast_module._OBJECT, fast_module._ARRAY, fast_module._STRING, fast_module._INT, fast_module._FLOAT,
                 fast_module._BOOL, fast_module._NULL)
    assert [json_kind(value) for value in ({}, [], "", 1, 1.5, True, None)] == list(constants) == list(range(7))
    assert fast_module.NotJson is NotJson
    with pytest.raises(NotJson):
        json_kind((1,))
