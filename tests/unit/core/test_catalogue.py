"""core.rule.Catalogue: the run's rules by ID, built once and extended, never changed."""

from __future__ import annotations

import pickle

import pytest

from aiplan.core.findings import Severity
from aiplan.core.rule import Catalogue, make_rule
from aiplan.plugins.manager import load_rule_set


def _rule(rule_id, plugin="pack:x.yaml@0"):
    return make_rule(rule_id, "a-name", Severity.WARNING, None, "Summary.", plugin=plugin)


def test_the_plugin_catalogue_is_immutable():
    rules = load_rule_set(entry_points=False).rules
    assert isinstance(rules, Catalogue) and "PLAN002" in rules
    with pytest.raises(TypeError):
        rules["ORG001"] = _rule("ORG001")


def test_extending_returns_a_new_catalogue_and_keeps_the_order():
    base = Catalogue({"A001": _rule("A001"), "B001": _rule("B001")})
    extended = base.with_rules([_rule("C001"), _rule("A001", plugin="pack:y.yaml@1")])
    assert list(base) == ["A001", "B001"] and base["A001"].plugin == "pack:x.yaml@0"
    assert list(extended) == ["A001", "B001", "C001"] and extended["A001"].plugin == "pack:y.yaml@1"
    assert base.with_rules([]) is base
    assert [item.id for item in extended.sorted()] == ["A001", "B001", "C001"]


def test_a_catalogue_pickles_as_its_rules_do():
    rules = Catalogue({"A001": _rule("A001"), "B001": _rule("B001")})
    copy = pickle.loads(pickle.dumps(rules))
    assert isinstance(copy, Catalogue) and dict(copy) == dict(rules)
