"""Plugin rules read a read-only copy of the plan (issue 18, item 11)."""

import copy
import json
import pickle

import pytest

from aiplan.lint.isolation import PlanIsReadOnly, ReadOnlyDict, ReadOnlyList, read_only_data
from aiplan.parse.loader import load_text

TEXT = "aiplan: 1\nbase: &b {k: [1, {x: y}]}\none: *b\ntwo: *b\nlist: [a, b]\n"


def test_reads_like_the_plan_and_keeps_alias_sharing():
    data = load_text(TEXT).documents[0].data
    view = read_only_data(data)
    assert view == data and isinstance(view, dict) and isinstance(view["list"], list)
    assert json.dumps(view, sort_keys=True) == json.dumps(data, sort_keys=True)
    assert view["one"] is view["two"] is view["base"]  # shared as the YAML shares it, copied once
    assert view is not data and view["base"] is not data["base"]
    assert read_only_data("scalar") == "scalar" and read_only_data(None) is None


@pytest.mark.parametrize("change", [
    lambda d: d.__setitem__("a", 1), lambda d: d.__delitem__("list"), lambda d: d.update(a=1),
    lambda d: d.setdefault("a", 1), lambda d: d.pop("list"), lambda d: d.popitem(), lambda d: d.clear(),
    lambda d: d.__ior__({"a": 1}),
    lambda d: d["list"].append(1), lambda d: d["list"].extend([1]), lambda d: d["list"].insert(0, 1),
    lambda d: d["list"].pop(), lambda d: d["list"].remove("a"), lambda d: d["list"].sort(),
    lambda d: d["list"].reverse(), lambda d: d["list"].clear(), lambda d: d["list"].__setitem__(0, 1),
    lambda d: d["list"].__delitem__(0), lambda d: d["list"].__iadd__([1]), lambda d: d["list"].__imul__(2),
    lambda d: d["base"]["k"][1].__setitem__("x", "z"),
])
def test_every_change_is_refused(change):
    data = load_text(TEXT).documents[0].data
    view = read_only_data(data)
    with pytest.raises(PlanIsReadOnly):
        change(view)
    assert view == data


def test_a_rules_own_copies_are_plain_and_changeable():
    view = read_only_data(load_text(TEXT).documents[0].data)
    for mine in (copy.deepcopy(view), copy.copy(view), view.copy(), dict(view), pickle.loads(pickle.dumps(view))):
        assert type(mine) is dict and mine == view
        mine["new"] = 1
    deep = copy.deepcopy(view)
    assert type(deep["list"]) is list and type(deep["base"]["k"][1]) is dict
    deep["list"].append("c")
    assert type(copy.copy(view["list"])) is list and type(view["list"][:]) is list
    assert type(view) is ReadOnlyDict and type(view["list"]) is ReadOnlyList and "new" not in view


def test_the_plan_as_written_is_read_only_too():
    # `approach: RAG` is read as `rag`; the text as written (Plan.written) is shared with
    # the PLAN rules, so a plugin must not be able to change it either.
    from aiplan.api import Severity, Violation, rule
    from aiplan.testing import lint_yaml

    @rule("ACME009", "changes-the-written-plan", Severity.WARNING)
    def changes_the_written_plan(plan, options):
        """Tries to change the plan as written."""
        assert plan.approach == "rag" and plan.as_written("approach") == "RAG"
        plan.written["approach"] = "rag"
        yield Violation("changed", "f")

    import dataclasses

    plugin_rule = dataclasses.replace(changes_the_written_plan, plugin="acme")
    with pytest.raises(AssertionError, match="ACME009"):
        lint_yaml("aiplan: 1\nname: x\napproach: RAG\n", select=["ACME009"], rules=[plugin_rule])
