"""Per-file and per-run time budgets: every phase is covered, and a file cut
short says so in every format; it never reads as clean."""

import json

import pytest

from conftest import EXAMPLES

FLAWED = (EXAMPLES / "ticket-formatter.aiplan.yaml").read_text()

LOOPING_PLUGIN = """\
from aiplan.api import Severity, hookimpl, rule


@rule("ACME001", "acme-loops", Severity.WARNING)
def loops(plan, options):
    \"\"\"Never returns.\"\"\"
    while True:
        pass
    yield


@hookimpl
def aiplan_rules():
    return [loops]
"""


@pytest.fixture
def looping(tmp_path, monkeypatch):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "acme_loops.py").write_text(LOOPING_PLUGIN)
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delitem(__import__("sys").modules, "acme_loops", raising=False)
    plans = tmp_path / "plans"
    plans.mkdir()
    return plans


def _json(result):
    return json.loads(result.stdout)


def test_a_file_over_its_budget_is_reported_as_cut_short_never_clean(cli, looping):
    (looping / "a.aiplan.yaml").write_text(FLAWED)
    # The rule itself has no limit: only the file's budget can stop it.
    result = cli("lint", "--format", "json", "--plugin", "acme_loops", "--rule-timeout", "0",
                 "--file-timeout", "0.2", str(looping))
    document = _json(result)
    assert result.exit_code == 3
    [finding] = document["findings"]
    assert finding["rule"] == "PLAN007" and finding["severity"] == "error"
    assert finding["message"] == ("aiplan stopped checking this file when its time budget of 0.2 s "
                                  "(`file-timeout`) ran out, while running rule ACME001; its findings are unknown")
    [error] = document["errors"]
    assert "checking stopped" in error["message"]


@pytest.mark.parametrize("output_format, expected", [
    ("text", "PLAN007"), ("sarif", '"ruleId": "PLAN007"'), ("junit", "PLAN007"),
    ("gitlab", "PLAN007"), ("github", "PLAN007"),
])
def test_cut_short_shows_in_every_format(cli, looping, output_format, expected):
    (looping / "a.aiplan.yaml").write_text(FLAWED)
    result = cli("lint", "--format", output_format, "--plugin", "acme_loops", "--rule-timeout", "0",
                 "--file-timeout", "0.1", str(looping))
    assert result.exit_code == 3
    assert expected in result.stdout and "time budget" in result.stdout


def test_the_cut_short_finding_cannot_be_configured_away(cli, looping):
    (looping / "a.aiplan.yaml").write_text(FLAWED)
    result = cli("lint", "--format", "json", "--plugin", "acme_loops", "--rule-timeout", "0",
                 "--ignore", "PLAN007", "--file-timeout", "0.1", str(looping))
    assert [f["rule"] for f in _json(result)["findings"]] == ["PLAN007"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_run_budget_stops_every_remaining_file(cli, looping, jobs):
    for number in range(60):  # enough for -j 2 to use worker processes
        (looping / f"p{number:02d}.aiplan.yaml").write_text(FLAWED)
    result = cli("lint", "--format", "json", "--no-cache", "-j", jobs, "--plugin", "acme_loops",
                 "--rule-timeout", "0", "--file-timeout", "0", "--run-timeout", "0.3", str(looping))
    document = _json(result)
    assert result.exit_code == 3
    by_file = {}
    for finding in document["findings"]:
        by_file.setdefault(finding["path"], []).append(finding)
    assert len(by_file) == 60  # no file reads as clean
    for findings in by_file.values():
        assert [f["rule"] for f in findings] == ["PLAN007"]
        assert "the run's time budget (`--run-timeout`)" in findings[0]["message"]


def test_suppression_scanning_is_under_the_file_budget(cli, tmp_path, monkeypatch):
    from aiplan.lint import suppressions

    plan = tmp_path / "a.aiplan.yaml"
    plan.write_text(FLAWED + "# aiplan: ignore[FT001] -- x\n")

    def stuck(*args):
        while True:
            pass

    monkeypatch.setattr(suppressions, "scan", stuck)
    result = cli("lint", "--format", "json", "--file-timeout", "0.2", str(plan))
    [finding] = _json(result)["findings"]
    assert "while reading suppression comments" in finding["message"]


def test_parsing_is_under_the_file_budget(cli, tmp_path, monkeypatch):
    from aiplan.parse import loader

    plan = tmp_path / "a.aiplan.yaml"
    plan.write_text(FLAWED)

    def stuck(*args, **kwargs):
        while True:
            pass

    monkeypatch.setattr(loader, "_build", stuck, raising=False)
    monkeypatch.setattr(loader, "load_bytes", stuck)
    from aiplan.lint import engine

    monkeypatch.setattr(engine, "load_bytes", stuck)
    monkeypatch.setattr(engine, "load_file", stuck)
    result = cli("lint", "--format", "json", "--file-timeout", "0.2", str(plan))
    [finding] = _json(result)["findings"]
    assert "while reading and parsing the file" in finding["message"]
