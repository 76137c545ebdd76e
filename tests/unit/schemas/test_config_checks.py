"""The configuration schema's checks are committed Python source (aiplan/schemas/config_checks.py),
generated from config.schema.json by aiplan.schemas.fast: current, used without the JSON, and a lint
in a repository with a valid `.aiplan.toml` imports neither jsonschema nor the explainer (issue 17)."""

import json
import subprocess
import sys
from pathlib import Path

import aiplan.schemas.validate as validate_module
from aiplan.schemas import CONFIG_SCHEMA, config_checks, follow, load
from aiplan.schemas.fast import CONFIG_CHECKS_TITLE, generate, main
from aiplan.schemas.validate import schema_errors

VALID = {"select": ["ALL"], "ignore": ["EVID"], "severity": {"FT003": "error"},
         "overrides": [{"paths": ["experiments/**"], "rules": {"FT003": {"min_examples": 2000}}}]}


def test_the_committed_checks_are_current():
    assert Path(config_checks.__file__).read_text(encoding="utf-8") == generate(load(CONFIG_SCHEMA),
                                                                                  CONFIG_CHECKS_TITLE), (
        "config.schema.json changed: run `python -m aiplan.schemas.fast` and commit src/aiplan/schemas/config_checks.py")
    assert main(["--check"]) == 0


def test_the_check_names_a_stale_file(tmp_path, monkeypatch, capsys):
    import aiplan.schemas.fast as fast_module

    monkeypatch.setattr(fast_module, "COMMITTED", ((CONFIG_SCHEMA, str(tmp_path / "missing.py"), "title"),))
    assert main(["--check"]) == 1
    assert "missing.py is out of date" in capsys.readouterr().err


def test_a_valid_configuration_is_validated_without_loading_the_schema(monkeypatch):
    def no_json(name=None):
        raise AssertionError("the configuration schema's JSON was loaded for a valid configuration")

    validate_module._fast_errors.cache_clear()
    monkeypatch.setattr(validate_module, "load", no_json)
    try:
        assert schema_errors(VALID, CONFIG_SCHEMA) == ()
        # A configuration the checks doubt needs the schema, for the errors' wording.
        monkeypatch.undo()
        errors = schema_errors({**VALID, "select": ["FT 3"]}, CONFIG_SCHEMA)
        assert [error.validator for error in errors] == ["pattern"]
    finally:
        validate_module._fast_errors.cache_clear()


def test_every_pointer_names_a_node_of_the_schema():
    for pointer, check in config_checks.CHECKS.items():
        node = follow(load(CONFIG_SCHEMA), pointer)
        assert isinstance(node, (dict, bool)) and callable(check), pointer


PROBE = """
import json, sys
from aiplan.cli.main import main
try:
    main(["lint", "--no-cache", "--format", "json", *sys.argv[1:]], prog_name="aiplan")
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "loaded": sorted(m for m in ("jsonschema", "aiplan.schemas.explain")
                                                 if m in sys.modules)}), file=sys.stderr)
"""

CONFIG = """\
extend-select = ["ACC"]
exclude = ["drafts", "archive/**"]
fail-on = "warning"
placeholders = ["to be confirmed"]

[severity]
FT003 = "error"

[rules.FT003]
min_examples = 2000

[[overrides]]
paths = ["experiments/**"]
ignore = ["EVAL"]
severity = { FT005 = "info" }
"""

PLAN = """\
aiplan: 1
name: Ticket formatter
owner: support-tools@example.com
approach: prompt_engineering
"""


def _probe(tmp_path, config: str) -> tuple[dict, str]:
    (tmp_path / ".aiplan.toml").write_text(config)
    (tmp_path / "plan.aiplan.yaml").write_text(PLAN)
    done = subprocess.run([sys.executable, "-c", PROBE, "plan.aiplan.yaml"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    return json.loads(done.stderr.strip().splitlines()[-1]), done.stderr


def test_a_lint_with_a_valid_configuration_imports_no_jsonschema(tmp_path):
    outcome, stderr = _probe(tmp_path, CONFIG)
    assert outcome["code"] in (0, 1), stderr  # linted, under the configuration
    assert outcome["loaded"] == [], stderr


def test_an_invalid_configuration_is_explained_without_jsonschema(tmp_path):
    outcome, stderr = _probe(tmp_path, CONFIG.replace('"warning"', '"warn"').replace("FT003 =", "'FT 003' ="))
    assert outcome["code"] == 2
    assert "`fail-on` is 'warn'; expected one of error, warning, info" in stderr
    assert "`severity` has the key 'FT 003', which is not a rule ID; did you mean FT003?" in stderr
    assert outcome["loaded"] == ["aiplan.schemas.explain"], stderr
