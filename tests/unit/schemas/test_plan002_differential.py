"""PLAN002 from the fast validator's errors is PLAN002 from jsonschema's, byte for byte.

jsonschema stays the reference here: for every plan of the examples and of the
test fixtures (the snapshots lint those) and for a seeded set of mutations of
the valid ones (wrong types, missing required keys, unknown and misplaced
keys, enumeration misses, numbers below a minimum, several at once and
nested), the violations the one explainer words from the fast validator's
errors equal those it words from jsonschema's (message, hint, path, key or
value, edits, order, count), and so do the repairs the policy rules read the
plan with.
"""

from __future__ import annotations

import copy
import random

from aiplan.parse.loader import load_file
from aiplan.schemas import load as load_schema
from aiplan.schemas.repair import _repairs
from aiplan.schemas.validate import plan_validator, schema_errors, validate
from conftest import EXAMPLES, FIXTURES, nodes_with_paths

SCHEMA = load_schema()
REFERENCE = plan_validator()  # jsonschema, with a plan's numbers finite
SEED = 17
MUTANTS_PER_PLAN = 6


def _documents() -> list[tuple[str, object]]:
    out = []
    for path in sorted(EXAMPLES.glob("*.yaml")) + sorted(FIXTURES.glob("**/*.yaml")):
        for document in load_file(str(path)).documents:
            out.append((f"{path.name}#{document.document}", document.data))
    return out


DOCUMENTS = _documents()
VALID = [data for _, data in DOCUMENTS if isinstance(data, dict) and not list(REFERENCE.iter_errors(data))]


def _schema_at(path: tuple) -> dict:
    """The (resolved) subschema of the node at ``path``; ``{}`` off the schema."""
    from aiplan.schemas import resolve

    schema = resolve(SCHEMA, SCHEMA)
    for part in path:
        schema = resolve(schema.get("items", {}) if isinstance(part, int) else schema.get("properties", {}).get(part, {}),
                         SCHEMA)
    return schema


KEYS = sorted({key for path, _ in nodes_with_paths(SCHEMA) for key in path if isinstance(key, str) and not key.startswith("$")})
OTHER_TYPES = ["600", "yes", 3, 2.5, True, None, [], ["x"], {}, {"present": True}, "TBD", ""]


def _other(rng: random.Random):
    return copy.deepcopy(rng.choice(OTHER_TYPES))


def _mutate(plan: dict, rng: random.Random) -> dict:
    """``plan`` with one to three edits of the kinds a person makes."""
    plan = copy.deepcopy(plan)
    for _ in range(rng.randint(1, 3)):
        nodes = [(path, node) for path, node in nodes_with_paths(plan) if path]
        if not nodes:
            break  # a short plan whose every key an earlier edit deleted: the empty plan is the mutant
        path, node = rng.choice(nodes)
        parent = plan
        for part in path[:-1]:
            parent = parent[part]
        last, schema = path[-1], _schema_at(path)
        kind = rng.choice(["type", "delete", "unknown", "misplaced", "enum", "below", "nested"])
        if kind == "type":
            parent[last] = _other(rng)
        elif kind == "delete" and isinstance(parent, dict):
            del parent[last]
        elif kind == "unknown" and isinstance(parent, dict) and isinstance(last, str):
            typo = last[:-1] + last[-1] * 2 if rng.random() < 0.5 else last.replace("_", "")
            parent[typo] = parent.pop(last) if rng.random() < 0.5 else node
        elif kind == "misplaced" and isinstance(parent, dict):
            parent[rng.choice(KEYS)] = _other(rng)
        elif kind == "enum" and "enum" in schema:
            word = str(rng.choice(schema["enum"]))
            parent[last] = rng.choice([word.upper(), word.replace("_", ""), word[:-1], word + "s", "other"])
        elif kind == "below" and "minimum" in schema:
            parent[last] = schema["minimum"] - rng.choice([1, 0.5])
        elif kind == "nested" and isinstance(node, dict):  # a mistake one level further down
            node[rng.choice(KEYS)] = {rng.choice(KEYS): _other(rng)}
    return plan


def _mutants() -> list[dict]:
    rng = random.Random(SEED)
    return [_mutate(plan, rng) for plan in VALID for _ in range(MUTANTS_PER_PLAN)]


MUTANTS = _mutants()


def _violations(data, errors) -> list:
    placeholder = lambda path: False  # noqa: E731  (the engine's placeholder test does not depend on the errors)
    return list(validate(data, skip=frozenset(("aiplan",)), placeholder=placeholder, errors=errors))


def _same(data, label: str) -> int:
    fast = schema_errors(data)
    reference = tuple(REFERENCE.iter_errors(data))
    assert _violations(data, fast) == _violations(data, reference), label
    if isinstance(data, dict):
        assert _repairs(fast) == _repairs(reference), label
    return len(reference)


def test_every_example_and_fixture_gets_the_same_plan002_findings():
    invalid = sum(bool(_same(data, label)) for label, data in DOCUMENTS)
    assert invalid >= 10, "the fixtures hold PLAN002 cases: the comparison must see some"


def test_every_plan002_fixture_is_compared():
    compared = {label.split("#")[0] for label, _ in DOCUMENTS}
    plan002 = sorted((FIXTURES / "rules" / "PLAN002").glob("*.yaml"))
    assert plan002 and {path.name for path in plan002} <= compared


def test_seeded_mutations_of_valid_plans_get_the_same_plan002_findings():
    assert len(MUTANTS) >= 200
    invalid = 0
    for number, plan in enumerate(MUTANTS):
        invalid += bool(_same(plan, f"mutant {number} (seed {SEED})"))
    assert invalid >= len(MUTANTS) // 2, "most mutations must break the plan, or the comparison proves little"
