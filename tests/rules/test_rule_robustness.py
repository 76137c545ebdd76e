"""The policy rules never crash on a plan of the wrong shape.

A plan with schema violations still gets its policy checked, so every rule
must cope with any value at any key: the complete plan of the spec is mutated
(a node replaced by a value of another type, or removed) under each approach,
and every rule runs on the result without an internal error.
"""

import copy
import json

from hypothesis import HealthCheck, given, settings, strategies as st
from ruamel.yaml import YAML

from aiplan.lint.engine import lint_documents
from aiplan.parse.loader import load_text
from aiplan.testing import build_context

from conftest import FIXTURES

CONTEXT = build_context()
COMPLETE = YAML(typ="safe").load((FIXTURES / "plans" / "spec_complete.aiplan.yaml").read_text(encoding="utf-8"))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, prefix + (index,))


PATHS = [path for path in _paths(COMPLETE) if path and path != ("aiplan",)]

scalars = (st.none() | st.booleans() | st.integers(-10, 10_000)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
           | st.sampled_from(["", "  ", "done", "high", "weekly", "on_change", "knowledge", "latency", "TBD"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(["name", "path", "present", "metric", "value", "target",
                                                         "covers", "size", "x"]), inner, max_size=3),
                      max_leaves=6)
mutation = st.tuples(st.sampled_from(PATHS), st.booleans(), values)


def _apply(plan, path, remove, value):
    parent = plan
    for key in path[:-1]:
        if isinstance(parent, dict) and key in parent:
            parent = parent[key]
        elif isinstance(parent, list) and isinstance(key, int) and key < len(parent):
            parent = parent[key]
        else:
            return
    last = path[-1]
    if isinstance(parent, dict) and last in parent:
        if remove:
            del parent[last]
        else:
            parent[last] = value
    elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        if remove:
            del parent[last]
        else:
            parent[last] = value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(approach=st.sampled_from(["rag", "fine_tuning", "hybrid", "prompt_engineering", "RAG"]),
       mutations=st.lists(mutation, min_size=1, max_size=4))
def test_rules_survive_any_shape(approach, mutations):
    plan = copy.deepcopy(COMPLETE)
    plan["approach"] = approach
    for path, remove, value in mutations:
        _apply(plan, path, remove, value)
    # JSON is YAML; `file_exists` makes EVAL003 look at every path it finds.
    loaded = load_text(json.dumps(plan, indent=1), "plan.json")
    result = lint_documents(loaded, "plan.json", CONTEXT, lambda path: False)
    assert not result.errors, [error.describe() for error in result.errors]
