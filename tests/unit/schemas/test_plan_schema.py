"""Tests for the v1 plan JSON Schema (src/aiplan/schemas/plan.schema.json).

These use jsonschema and ruamel.yaml directly, not the linter, so they pin the
schema itself: it is a valid draft 2020-12 schema, it accepts the complete
example plan of the spec, every property is documented, it stays within the
keyword subset the in-house validator supports, and typical mistakes are
reported at the offending node.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

HERE = Path(__file__).resolve().parents[2]
SCHEMA_PATH = HERE.parent / "src" / "aiplan" / "schemas" / "plan.schema.json"
SPEC_COMPLETE = HERE / "fixtures" / "plans" / "spec_complete.aiplan.yaml"

# The keywords the in-house validator supports (plus the root identification keywords).
ALLOWED_KEYWORDS = {
    "type", "enum", "const", "properties", "required", "additionalProperties", "items",
    "minimum", "$ref", "$defs", "title", "description", "default", "examples", "minLength",
    # hover text for the YAML language server, derived from description (aiplan.schemas.reference)
    "markdownDescription",
}
ROOT_ONLY_KEYWORDS = {"$schema", "$id"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def complete_plan() -> dict:
    return YAML(typ="safe").load(SPEC_COMPLETE.read_text(encoding="utf-8"))


def walk(node: dict, where: str = "#"):
    """Yield (location, subschema) for every subschema below `node`, reached
    through properties, items and $defs (the node itself is not yielded)."""
    for name, sub in node.get("properties", {}).items():
        loc = f"{where}/properties/{name}"
        yield loc, sub
        yield from walk(sub, loc)
    if isinstance(node.get("items"), dict):
        loc = f"{where}/items"
        yield loc, node["items"]
        yield from walk(node["items"], loc)
    for name, sub in node.get("$defs", {}).items():
        loc = f"{where}/$defs/{name}"
        yield loc, sub
        yield from walk(sub, loc)


def errors_of(validator: Draft202012Validator, instance) -> list:
    return sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))


# (1) -------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12(schema: dict) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("https://")
    assert schema["title"] and schema["description"]
    Draft202012Validator.check_schema(schema)


# (2) -------------------------------------------------------------------------


def test_spec_complete_plan_is_valid(validator: Draft202012Validator, complete_plan: dict) -> None:
    errors = errors_of(validator, complete_plan)
    assert errors == [], [f"{list(e.absolute_path)}: {e.message}" for e in errors]


# (3) -------------------------------------------------------------------------


def test_every_property_has_title_and_description(schema: dict) -> None:
    nodes = list(walk(schema))
    assert len(nodes) > 50  # sanity: the walk really went down the tree
    missing = [
        loc for loc, sub in nodes
        if not (isinstance(sub.get("title"), str) and sub["title"].strip()
                and isinstance(sub.get("description"), str) and sub["description"].strip())
    ]
    assert missing == []


# Extra guards on the schema's shape --------------------------------------------


def test_only_supported_keywords(schema: dict) -> None:
    bad = sorted(set(schema) - ALLOWED_KEYWORDS - ROOT_ONLY_KEYWORDS)
    for loc, sub in walk(schema):
        bad += [f"{loc}: {key}" for key in sorted(set(sub) - ALLOWED_KEYWORDS)]
    assert bad == []


def test_refs_point_into_defs(schema: dict) -> None:
    for loc, sub in walk(schema):
        if "$ref" in sub:
            prefix = "#/$defs/"
            assert sub["$ref"].startswith(prefix), loc
            assert sub["$ref"][len(prefix):] in schema["$defs"], loc


def test_objects_are_closed(schema: dict) -> None:
    """Every object with fixed keys rejects unknown keys; only `cleaning` (str or free-form map) is open."""
    nodes = [("#", schema), *walk(schema)]
    open_objects = [
        loc for loc, sub in nodes
        if "properties" in sub and sub.get("additionalProperties") is not False
    ]
    assert open_objects == []
    cleaning = schema["properties"]["rag"]["properties"]["data_pipeline"]["properties"]["cleaning"]
    assert cleaning["type"] == ["string", "object"]
    assert "additionalProperties" not in cleaning


# (4) -------------------------------------------------------------------------


def _set(path: list, value):
    def mutate(plan: dict) -> None:
        node = plan
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return mutate


def _delete(path: list):
    def mutate(plan: dict) -> None:
        node = plan
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return mutate


def _rename(path: list, new_key: str):
    def mutate(plan: dict) -> None:
        node = plan
        for key in path[:-1]:
            node = node[key]
        node[new_key] = node.pop(path[-1])
    return mutate


BROKEN_VARIANTS = [
    # id, mutation, expected absolute_path of an error, expected validator keyword
    ("unknown-top-level-key", _set(["stakeholders"], ["cfo"]), [], "additionalProperties"),
    ("misspelled-nested-key", _rename(["gaps", "knowledge", "evidence"], "evidance"),
     ["gaps", "knowledge"], "additionalProperties"),
    ("wrong-enum-approach", _set(["approach"], "finetuning"), ["approach"], "enum"),
    ("wrong-type-examples", _set(["fine_tuning", "dataset", "examples"], "many"),
     ["fine_tuning", "dataset", "examples"], "type"),
    ("missing-present-in-gap", _delete(["gaps", "knowledge", "present"]),
     ["gaps", "knowledge"], "required"),
    ("missing-name", _delete(["name"]), [], "required"),
    ("negative-effort-weeks", _set(["rag", "data_pipeline", "effort_weeks"], -2),
     ["rag", "data_pipeline", "effort_weeks"], "minimum"),
    ("aiplan-as-string", _set(["aiplan"], "1"), ["aiplan"], "type"),
]


@pytest.mark.parametrize(
    ("mutate", "expected_path", "expected_validator"),
    [pytest.param(m, p, v, id=i) for i, m, p, v in BROKEN_VARIANTS],
)
def test_broken_variant_reports_offending_path(
    validator: Draft202012Validator,
    complete_plan: dict,
    mutate,
    expected_path: list,
    expected_validator: str,
) -> None:
    plan = copy.deepcopy(complete_plan)
    mutate(plan)
    errors = errors_of(validator, plan)
    seen = [(list(e.absolute_path), e.validator) for e in errors]
    assert (expected_path, expected_validator) in seen, seen


def test_quality_review_accepts_bool_and_str(validator: Draft202012Validator, complete_plan: dict) -> None:
    for value in (True, False, "two reviewers per example"):
        plan = copy.deepcopy(complete_plan)
        plan["fine_tuning"]["dataset"]["quality_review"] = value
        assert errors_of(validator, plan) == []
    plan = copy.deepcopy(complete_plan)
    plan["fine_tuning"]["dataset"]["quality_review"] = 3
    assert [list(e.absolute_path) for e in errors_of(validator, plan)] == [
        ["fine_tuning", "dataset", "quality_review"]
    ]


def test_cleaning_accepts_free_form_map(validator: Draft202012Validator, complete_plan: dict) -> None:
    plan = copy.deepcopy(complete_plan)
    plan["rag"]["data_pipeline"]["cleaning"] = {"strip": ["nav", "footer"], "dedupe": True}
    assert errors_of(validator, plan) == []


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize("path", [("targets", "latency_p95_ms"), ("fine_tuning", "dataset", "examples")])
def test_non_finite_numbers_are_refused(value, path) -> None:
    """JSON has no NaN or infinity: the validator of record (and the fast path, which defers to it)
    refuses `.nan` and `.inf` for a `number` and an `integer` alike, and accepts a finite value."""
    from aiplan.schemas.validate import schema_errors

    def plan(leaf):
        data = {"aiplan": 1, "name": "n"}
        node = data
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = leaf
        return data

    errors = schema_errors(plan(value))
    assert [(tuple(error.absolute_path), error.validator) for error in errors] == [(path, "type")]
    assert schema_errors(plan(7)) == ()
