"""Plan's own bookkeeping: the document the engine hands to the rules, and the values
its accessors remember (``Plan.read``)."""

from __future__ import annotations

import dataclasses
from dataclasses import replace

from aiplan.core.plan import Plan, plan_for_rules
from aiplan.parse.loader import load_text

TEXT = "aiplan: 1\nname: Support copilot\ngaps:\n  knowledge:\n    present: true\nrag:\n  corpus: [a, b]\n"


def _document() -> Plan:
    return replace(load_text(TEXT, "plan.aiplan.yaml").documents[0], written={"aiplan": 1}, path="p.yaml", document=2)


def test_plan_for_rules_is_replace_of_those_fields_field_by_field():
    document = _document()

    def exists(_path: str) -> bool:
        return True

    made = plan_for_rules(document, exists, "reader", frozenset({"tbd"}), ("error",))
    expected = replace(document, file_exists=exists, evidence="reader", placeholders=frozenset({"tbd"}),
                       schema_errors=("error",))
    for item in dataclasses.fields(Plan):
        if item.compare:
            assert getattr(made, item.name) == getattr(expected, item.name), item.name
    assert made.derived == {} and made.read == {} and made.derived is not document.derived


def test_remembered_values_are_those_of_the_walk():
    plan = _document()
    for _ in range(2):  # the second time from what the first remembered
        assert plan.boolean("gaps", "knowledge", "present") is True
        assert plan.get("gaps", "knowledge", "evidence", default="absent") == "absent"
        assert plan.string("rag", "corpus", 1) == "b"
        assert plan.get("rag", "corpus", -1) == "b" and plan.get("rag", "corpus", 2) is None
        assert plan.text("name", 0) is None and plan.mapping("name") is None
    assert plan.get("rag", "corpus", ["odd"]) is None  # a plugin's unhashable key is walked, not remembered
    assert replace(plan, data={"name": "other"}).text("name") == "other"  # a variant remembers its own
