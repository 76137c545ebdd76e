"""Pack rules evaluated by the fast validator report what jsonschema reports, byte for byte.

A pack rule's ``when`` and ``require`` schemas are evaluated by aiplan.schemas.fast when they
use only the keywords it implements (aiplan.policy.check.SchemaCheck), without importing
jsonschema (issue 17). jsonschema stays the reference: for every pack schema the tests and
documentation write (each pack in a string of the test tree, examples/policies/, the README
and docs/, and the schemas the pack tests write inline), for seeded mutations of those schemas
(other constants, types, patterns, required keys, `contains`, `$ref`s) and for plans (each plan
in a string of the test tree and examples/, seeded mutations of them, and plan-shaped data from
hypothesis), the errors (message, paths, keyword, values, schema, order) are the same, and so
are the findings a pack rule makes from them (what `aiplan lint` prints).
"""

from __future__ import annotations

import ast
import copy
import random
import re
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from aiplan.parse.loader import Limits, load_bytes
from aiplan.policy.check import PackCheck, SchemaCheck
from aiplan.schemas.fast import compile_errors, interpret_errors, supported
from conftest import EXAMPLES, ROOT, error_fields, nodes_with_paths

SEED = 17


def _yaml(text: str):
    loaded = load_bytes(text.encode("utf-8"), "x.yaml", Limits())
    if loaded.problems or len(loaded.documents) != 1:
        return None
    return loaded.documents[0].data


def _texts() -> list[tuple[str, str]]:
    """Every YAML text the tests, examples and documentation write: (label, text)."""
    texts = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and ":" in node.value:
                texts.append((f"{path.name}:{node.lineno}", textwrap.dedent(node.value)))
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for number, block in enumerate(re.findall(r"```yaml\n(.*?)```", path.read_text(encoding="utf-8"), re.S)):
            texts.append((f"{path.name} block {number}", block))
    for path in sorted((EXAMPLES / "policies").glob("*.yaml")) + sorted(EXAMPLES.glob("*.aiplan.yaml")):
        texts.append((path.name, path.read_text(encoding="utf-8")))
    return texts


def _collect():
    schemas: dict[str, tuple[str, object]] = {}
    plans: dict[str, tuple[str, object]] = {}
    for label, text in _texts():
        if "policy_pack" in text:
            data = _yaml(text)
            rules = data.get("rules") if isinstance(data, dict) else None
            for entry in rules if isinstance(rules, list) else ():
                for key in ("when", "require"):
                    if isinstance(entry, dict) and isinstance(entry.get(key), dict):
                        schemas.setdefault(repr(entry[key]), (f"{label} {key}", entry[key]))
        elif text.lstrip().startswith("aiplan:"):
            data = _yaml(text)
            if isinstance(data, dict):
                plans.setdefault(repr(data), (label, data))
        elif label.startswith("test_policy_packs.py") and text.startswith("{") and "require" not in text:
            data = _yaml(text)  # the inline schemas of the pack tests (`_pack_with`)
            if isinstance(data, dict):
                schemas.setdefault(repr(data), (label, data))
    return list(schemas.values()), list(plans.values())


def _valid(schema) -> bool:
    """Whether ``schema`` passes the meta-schema check (a pack would be refused otherwise)."""
    return Draft202012Validator(Draft202012Validator.META_SCHEMA).is_valid(schema)


COLLECTED, PLANS = _collect()
SCHEMAS = [(label, schema) for label, schema in COLLECTED if _valid(schema)]
FAST = [(label, schema) for label, schema in SCHEMAS if interpret_errors(schema) is not None]


_PATHS: dict = {}   # repr(schema) -> (jsonschema's validator, the fast lister): built once a schema


def _same(schema, instance, label: str) -> bool:
    """The fast and jsonschema paths agree on ``instance`` under ``schema``; whether it is invalid."""
    key = repr(schema)
    if key not in _PATHS:
        _PATHS[key] = (Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER),
                       interpret_errors(schema))
    validator, fast = _PATHS[key]
    reference = list(validator.iter_errors(instance))
    assert fast is not None, label
    listed = fast(instance)
    if listed is not None:
        assert error_fields(listed) == error_fields(reference), label
    return bool(reference)


def test_the_fixtures_are_many_and_most_schemas_take_the_fast_path():
    assert len(SCHEMAS) >= 20 and len(PLANS) >= 100, (len(SCHEMAS), len(PLANS))
    assert len(FAST) >= len(SCHEMAS) // 2, [label for label, schema in SCHEMAS if (label, schema) not in FAST]
    examples = [entry[key] for name in ("security.yaml", "governance.yaml")
                for entry in _yaml((EXAMPLES / "policies" / name).read_text(encoding="utf-8"))["rules"]
                for key in ("when", "require")]
    assert len(examples) == 12 and all(interpret_errors(schema) is not None for schema in examples)


def test_every_fixture_schema_on_every_fixture_plan():
    invalid = 0
    for label, schema in FAST:
        for plan_label, plan in PLANS:
            invalid += _same(schema, plan, f"{label} on {plan_label}")
    assert invalid >= len(FAST) * len(PLANS) // 10, "the comparison must see plans that break the schemas"


OTHER_VALUES = ["x", "", "restricted", "user_role", "tenant", 0, 1, -1, 2.5, 1.0, True, False, None, [],
                ["user_role"], ["tenant", "user_role"], [1, True], {}, {"scope_by": ["x"]}, "a@b.co"]


def _mutate_plan(plan, rng: random.Random):
    plan = copy.deepcopy(plan)
    for _ in range(rng.randint(1, 3)):
        nodes = [(path, node) for path, node in nodes_with_paths(plan) if path]
        if not nodes:
            break
        path, node = rng.choice(nodes)
        parent = plan
        for part in path[:-1]:
            parent = parent[part]
        kind = rng.choice(["other", "delete", "empty", "append"])
        if kind == "other":
            parent[path[-1]] = copy.deepcopy(rng.choice(OTHER_VALUES))
        elif kind == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif kind == "empty" and isinstance(node, (list, dict, str)):
            parent[path[-1]] = type(node)()
        elif kind == "append" and isinstance(node, list):
            node.append(copy.deepcopy(rng.choice(OTHER_VALUES)))
    return plan


def _mutate_schema(schema, rng: random.Random):
    schema = copy.deepcopy(schema)
    objects = [node for path, node in nodes_with_paths(schema)
               if isinstance(node, dict) and not (path and path[-1] in ("properties", "$defs"))]
    for _ in range(rng.randint(1, 2)):
        node = rng.choice(objects)
        kind = rng.choice(["const", "enum", "type", "pattern", "required", "contains", "minLength", "ref", "false"])
        if kind == "const":
            node["const"] = copy.deepcopy(rng.choice(OTHER_VALUES))
        elif kind == "enum":
            node["enum"] = copy.deepcopy(rng.sample(OTHER_VALUES, 3))
        elif kind == "type":
            node["type"] = rng.choice(["string", "array", "object", ["string", "null"], "integer", "number", "boolean"])
        elif kind == "pattern":
            node["pattern"] = rng.choice(["^[a-z]+$", "@", "^$", "x|y", "\\d"])
        elif kind == "required":
            node["required"] = rng.sample(["owner", "name", "status", "rag", "use_case", "approach"], 2)
        elif kind == "contains":
            node["contains"] = rng.choice([{"const": "user_role"}, {"type": "string", "minLength": 3}, True, False])
        elif kind == "minLength":
            node["minLength"] = rng.choice([0, 1, 10])
        elif kind == "ref":
            schema.setdefault("$defs", {})["picked"] = {"type": "string", "minLength": 2}
            node["$ref"] = "#/$defs/picked"
        elif kind == "false" and "properties" in node and node["properties"]:
            node["properties"][rng.choice(sorted(node["properties"]))] = False
    return schema


def test_seeded_mutations_of_plans_and_schemas_agree():
    rng = random.Random(SEED)
    cases = 0
    invalid = 0
    for label, schema in FAST:
        variants = [schema] + [_mutate_schema(schema, rng) for _ in range(3)]
        for number, variant in enumerate(variants):
            assert supported(variant) == (compile_errors(variant) is not None), variant
            if not _valid(variant) or interpret_errors(variant) is None:
                continue
            for plan_label, plan in rng.sample(PLANS, 8):
                mutant = _mutate_plan(plan, rng)
                invalid += _same(variant, mutant, f"{label} variant {number} (seed {SEED}) on {plan_label}: "
                                                  f"{variant!r} / {mutant!r}")
                cases += 1
    assert cases >= 500 and invalid >= cases // 10, (cases, invalid)


# Plan-shaped data from hypothesis, against the example packs' schemas and their neighbours.

KEYS = sorted({key for _, schema in FAST for path, _ in nodes_with_paths(schema) for key in path
               if isinstance(key, str) and not key.startswith("$")} - {"properties", "required"})
WORDS = st.sampled_from(["restricted", "internal", "user_role", "tenant", "rag", "hybrid", "in_production",
                         "approved", "per_release", "a@b.co", "team", "", "two reviewers per example"])
SCALARS = st.none() | st.booleans() | st.sampled_from([0, 1, -1, 1.0, 2.5]) | WORDS
VALUES = st.recursive(SCALARS, lambda children: st.lists(children, max_size=3)
                      | st.dictionaries(st.sampled_from(KEYS) | WORDS, children, max_size=4), max_leaves=12)
PLAN_DATA = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PLAN_DATA, st.integers(0, 1000))
def test_plan_shaped_data_agrees(plan, pick):
    label, schema = FAST[pick % len(FAST)]
    _same(schema, plan, f"{label}: {plan!r}")


# What a rule reports: the findings are the same whichever path evaluated its schemas.

def _reference_check(monkeypatch):
    """SchemaCheck as it is with the fast path turned off: jsonschema evaluates everything."""
    import aiplan.policy.check as check_module

    monkeypatch.setattr(check_module, "interpret_errors", lambda schema: None)


class _Plan:
    """What a pack rule reads of a plan: its data, and a value by path (None if absent), as Plan.get."""

    def __init__(self, data):
        self.data = data

    def get(self, *path):
        node = self.data
        for part in path:
            try:
                node = node[part] if isinstance(node, (dict, list)) else None
            except (KeyError, IndexError, TypeError):
                return None
        return node


def _findings(check: PackCheck, data) -> list:
    return [(v.message, v.fix, v.path) for v in check(_Plan(data), {})]


@pytest.mark.parametrize("message", ["`{path}` is {value}; {detail}", "the plan breaks the policy",
                                     "{name}: {detail} ({{literal}})"])
def test_findings_are_the_same_on_both_paths(monkeypatch, message):
    rng = random.Random(SEED)
    pairs = [(when, require) for _, when in [(None, None), *FAST[:2]] for _, require in FAST]
    plans = [plan for _, plan in PLANS] + [_mutate_plan(plan, rng) for _, plan in PLANS]
    checks = [PackCheck("ORG001", when, require, message, "Fix `{path}`.") for when, require in pairs]
    fast = [[_findings(check, plan) for plan in plans] for check in checks]
    assert all(isinstance(check.validators()[1], SchemaCheck) and check.validators()[1].fast for check in checks)
    _reference_check(monkeypatch)
    checks = [PackCheck("ORG001", when, require, message, "Fix `{path}`.") for when, require in pairs]
    reference = [[_findings(check, plan) for plan in plans] for check in checks]
    assert not any(check.validators()[1].fast for check in checks)
    assert fast == reference
    assert sum(bool(found) for row in fast for found in row) >= len(checks) * len(plans) // 10


def test_is_valid_stops_at_the_first_error_and_agrees_with_jsonschema(monkeypatch):
    """`when` asks yes or no: the fast path's first error answers it as jsonschema's is_valid does."""
    import datetime

    plans = [plan for _, plan in PLANS] + [{"due": datetime.date(2024, 1, 1)}]
    for label, schema in FAST:
        check, official = SchemaCheck(schema), Draft202012Validator(schema)   # the fast path takes no `format`
        assert [check.is_valid(plan) for plan in plans] == [official.is_valid(plan) for plan in plans], label
    _reference_check(monkeypatch)
    check = SchemaCheck(FAST[0][1])
    assert not check.fast
    official = Draft202012Validator(FAST[0][1])
    assert [check.is_valid(plan) for plan in plans] == [official.is_valid(plan) for plan in plans]


def test_a_value_outside_json_types_goes_to_jsonschema():
    import datetime

    check = SchemaCheck({"properties": {"due": {"type": "string"}}, "required": ["due"]})
    assert check.fast
    errors = check.errors({"due": datetime.date(2024, 1, 1)})
    assert [error.message for error in errors] == ["datetime.date(2024, 1, 1) is not of type 'string'"]
    assert type(errors[0]).__module__.startswith("jsonschema")


def test_schemas_the_fast_path_lacks_go_to_jsonschema():
    for schema in ({"properties": {"owner": {"format": "email"}}}, {"anyOf": [{"required": ["a"]}]},
                   {"properties": {"x": {"maxLength": 2}}}, {"contains": {"const": 1}, "minContains": 2}):
        check = SchemaCheck(schema)
        assert not check.fast
        assert error_fields(check.errors({})) == error_fields(Draft202012Validator(schema).iter_errors({}))


_FORMS = [("maxLength", 3), ("exclusiveMinimum", 0), ("format", "email"), ("oneOf", [{"type": "string"}]),
          ("anyOf", [{"type": "string"}]), ("not", {"type": "string"}), ("if", {}), ("minContains", 2),
          ("pattern", "(unclosed"), ("pattern", 3), ("maximum", "3"), ("minimum", True), ("minItems", True),
          ("minLength", 1.5), ("uniqueItems", 1), ("propertyNames", ["string"]), ("contains", ["string"]),
          ("contains", {"const": 1}), ("contains", False), ("items", [{"type": "string"}]), ("items", True),
          ("type", []), ("type", "text"), ("type", ["string", "null"]), ("enum", "x"), ("enum", [1, "a", None]),
          ("const", {"a": [1.5, None]}), ("required", ["a", 1]), ("required", "a"), ("properties", []),
          ("additionalProperties", {"type": "string"}), ("additionalProperties", 1), ("$id", "inner"),
          ("$ref", "#"), ("$ref", "#/$defs/missing"), ("$ref", "#/$defs/a%20b"), ("$ref", "#/$defs/a"),
          ("$ref", "other.json#/x"), ("$schema", "http://json-schema.org/draft-07/schema#"), ("title", 3)]


@pytest.mark.parametrize("keyword, value", _FORMS)
def test_the_support_walk_agrees_with_the_generator(keyword, value):
    """interpret_errors takes exactly the schemas compile_errors takes (the walk does not generate source)."""
    schema = {"$defs": {"a": {"type": "string"}}, "properties": {"x": {keyword: value}}}
    assert supported(schema) == (compile_errors(schema) is not None)
    root = {"$defs": {"a": {"type": "string"}}, keyword: value}
    assert supported(root) == (compile_errors(root) is not None)


def test_the_support_walk_agrees_on_every_schema_aiplan_ships_and_the_tests_write():
    from aiplan.schemas import CONFIG_SCHEMA, PACK_SCHEMA, PLAN_SCHEMA, load

    for schema in [load(PLAN_SCHEMA), load(CONFIG_SCHEMA), load(PACK_SCHEMA), *(s for _, s in COLLECTED)]:
        assert supported(schema) == (compile_errors(schema) is not None), schema


def test_a_schema_that_refers_to_itself_ends_in_jsonschema_quickly():
    looping = {"$defs": {"a": {"$ref": "#/$defs/a"}}, "properties": {"x": {"$ref": "#/$defs/a"}}}
    assert interpret_errors(looping)({"x": 1}) is None   # RecursionError: jsonschema decides
