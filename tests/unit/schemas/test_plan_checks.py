"""The plan schema's checks are committed Python source (aiplan/schemas/plan_checks.py),
generated from plan.schema.json by aiplan.schemas.fast: current, and used without the JSON."""

from pathlib import Path

import aiplan.schemas.validate as validate_module
from aiplan.schemas import load, plan_checks
from aiplan.schemas.fast import PLAN_CHECKS_TITLE, generate, main
from aiplan.schemas.validate import schema_errors

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
