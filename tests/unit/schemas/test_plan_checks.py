"""The plan schema's checks are committed Python source (aiplan/schemas/plan_checks.py),
generated from plan.schema.json by aiplan.schemas.fast: current, and used without the JSON."""

import sys
from pathlib import Path

import aiplan.schemas.validate as validate_module
from aiplan.schemas import load, plan_checks
from aiplan.schemas.fast import PLAN_CHECKS_TITLE, generate, main
from aiplan.schemas.validate import schema_errors
from conftest import EXAMPLES

VALID = {"aiplan": 1, "name": "Ticket formatter", "approach": "prompt_engineering",
         "gaps": {"behavior": {"present": True, "evidence": "Replies ignore the template."}}}


def test_the_committed_checks_are_current():
    assert Path(plan_checks.__file__).read_text(encoding="utf-8") == generate(load(), PLAN_CHECKS_TITLE), (
        "plan.schema.json changed: run `python -m aiplan.schemas.fast` and commit src/aiplan/schemas/plan_checks.py")
    assert main(["--check"]) == 0


def test_a_valid_plan_is_validated_without_loading_the_schema(monkeypatch):
    def no_json(name=None):
        raise AssertionError("the plan schema's JSON was loaded for a valid plan")

    validate_module._fast_errors.cache_clear()
    monkeypatch.setattr(validate_module, "load", no_json)
    try:
        assert schema_errors(VALID) == ()
        # A plan the checks doubt needs the schema, for the errors' wording.
        monkeypatch.undo()
        assert [error.validator for error in schema_errors({**VALID, "approach": "finetuning"})] == ["enum"]
    finally:
        validate_module._fast_errors.cache_clear()


def test_every_pointer_names_a_node_of_the_schema():
    from aiplan.schemas import follow

    for pointer, check in plan_checks.CHECKS.items():
        node = follow(load(), pointer)
        assert isinstance(node, (dict, bool)) and callable(check), pointer


def _containers(value) -> int:
    if isinstance(value, dict):
        return 1 + sum(_containers(item) for item in value.values())
    if isinstance(value, list):
        return 1 + sum(_containers(item) for item in value)
    return 0


def test_a_valid_plan_costs_a_call_a_mapping_not_a_value():
    """The checks of a mapping's scalar values (and lists of them) are written in its function:
    a valid plan is checked with at most one call for each mapping or list, not one or two
    (its kind read by `json_kind`) for each of its ~150 values."""
    from aiplan.parse.loader import load_file

    checked = 0
    for path in sorted(EXAMPLES.glob("**/*.aiplan.yaml")):
        for plan in load_file(str(path)).documents:
            if not plan_checks.CHECKS[""](plan.data):
                continue
            calls = []
            sys.setprofile(lambda frame, event, arg: calls.append(frame.f_code.co_name) if event == "call" else None)
            try:
                assert plan_checks.CHECKS[""](plan.data) is True
            finally:
                sys.setprofile(None)
            assert len(calls) <= _containers(plan.data), (path, calls)
            checked += 1
    assert checked >= 3
