"""The policy rules read a plan with its one-reading schema mistakes repaired."""

from aiplan.parse.loader import load_text
from aiplan.schemas.repair import read_as_repaired
from aiplan.testing import lint_yaml

PLAN = """\
aiplan: 1
name: Ticket formatter
gaps:
  knowledge: {present: no}
  behavior: {present: yes, evidance: 31 of 100 replies broke the schema}
  accuracy: {present: maybe}
approach: Fine-Tuning
fine_tuning:
  purpose: behavior
  held_out:
    size: "600"
    covers: [target_task, adjacent_behaviors]
  dataset: {examples: "4200"}
"""


def _plan(text=PLAN):
    return load_text(text, "p.aiplan.yaml").documents[0]


def test_repaired_values_keys_and_places():
    plan = _plan()
    reading = read_as_repaired(plan)
    assert reading.gap_present("knowledge") is False and reading.gap_present("behavior") is True
    assert reading.get("gaps", "accuracy", "present") == "maybe"          # no one reading: as written
    assert reading.text("gaps", "behavior", "evidence") == "31 of 100 replies broke the schema"
    assert reading.approach == "fine_tuning"
    assert reading.get("fine_tuning", "evaluation", "held_out", "size") == 600
    assert reading.number("fine_tuning", "dataset", "examples") == 4200
    assert not reading.has("fine_tuning", "held_out")
    assert plan.get("gaps", "behavior", "present") == "yes" and plan.has("fine_tuning", "held_out")  # untouched


def test_findings_on_moved_nodes_point_at_what_the_author_wrote():
    plan = _plan()
    reading = read_as_repaired(plan)
    span, located = reading.locate(("fine_tuning", "evaluation", "held_out", "size"))
    assert (span.line, located) == (11, ("fine_tuning", "evaluation", "held_out", "size"))
    span, _ = reading.locate(("gaps", "behavior", "evidence"), at="key")
    assert (span.line, span.column) == (5, 28)


def test_a_valid_plan_is_read_as_it_is():
    plan = _plan("aiplan: 1\nname: x\napproach: rag\n")
    assert read_as_repaired(plan) is plan


def test_one_mistake_one_finding():
    found = sorted((f.rule, f.line) for f in lint_yaml(PLAN))
    rules = {rule for rule, _ in found}
    assert not rules & {"GAP001", "GAP002", "GAP003", "FT001"}, found
    assert [line for rule, line in found if rule == "PLAN002"] == [4, 5, 5, 6, 7, 10, 13]


def test_the_right_key_already_there_wins():
    text = PLAN.replace("  held_out:\n", "  evaluation:\n    held_out: {size: 50}\n  held_out:\n")
    reading = read_as_repaired(_plan(text))
    assert reading.get("fine_tuning", "evaluation", "held_out") == {"size": 50}


def test_a_repaired_plan_is_not_searched_for_nan_again(monkeypatch):
    # The loader noted that the plan holds no `.nan` or `.inf`; its repaired values are decimal
    # numbers, booleans and names: the repaired copy's errors are listed without searching it.
    import aiplan.schemas.validate as validate_module

    searched = []
    original = validate_module.holds_non_finite
    monkeypatch.setattr(validate_module, "holds_non_finite", lambda data: searched.append(data) or original(data))
    plan = _plan()
    assert plan.non_finite is False
    assert read_as_repaired(plan).get("fine_tuning", "evaluation", "held_out", "size") == 600
    assert searched == []


def test_values_shared_by_aliases_are_copied_once():
    text = "aiplan: 1\nname: x\ngaps:\n  knowledge: &gap {present: yes}\n  behavior: *gap\napproach: rag\n"
    plan = _plan(text)
    reading = read_as_repaired(plan)
    assert reading.get("gaps", "knowledge") == {"present": True}
    assert reading.data["gaps"]["knowledge"] is reading.data["gaps"]["behavior"]
    assert plan.data["gaps"]["knowledge"] == {"present": "yes"}  # the plan as written, untouched
