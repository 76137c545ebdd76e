"""SARIF as its consumers read it: GitHub code scanning's documented limits and
properties, and the Microsoft SARIF multitool's GitHub and Azure DevOps rules."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from aiplan.core.findings import FileResult, Severity
from aiplan.reporters import sarif
from aiplan.reporters.sources import Paths

from conftest import EXAMPLES, ROOT
from ci_support import finding, rules, run_of
from test_reporter_sarif import check_code_scanning_contract, validate

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SECURITY_PACK = EXAMPLES / "policies" / "security.yaml"
RESTRICTED = """\
aiplan: 1
name: HR assistant
owner: people-team
status: in_production
use_case:
  data_sensitivity: restricted
  multi_tenant: true
approach: rag
rag:
  access_control:
    scope_by: [document_type]
"""


def test_policy_pack_rules_are_described_like_plugin_rules(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "hr.aiplan.yaml").write_text(RESTRICTED)
    result = cli("lint", "--isolated", "--select", "SEC", "--policy-pack", SECURITY_PACK, "--format", "sarif", ".")
    document = json.loads(result.output)
    validate(document)
    check_code_scanning_contract(document)   # every result has a ruleIndex pointing at its rule
    [run] = document["runs"]
    results = run["results"]
    assert {r["ruleId"] for r in results} == {"SEC001", "SEC002", "SEC003"}
    by_id = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    sec002 = by_id["SEC002"]
    assert "Retrieval over restricted data is scoped by the user's role." in sec002["help"]["text"]
    assert any(tag.startswith("plugin:pack:security.yaml@") for tag in sec002["properties"]["tags"])


def test_a_finding_of_an_unknown_rule_still_gets_a_descriptor():
    run = run_of(FileResult("p", findings=(finding(rule="ZZZ001", name="mystery"),)))
    document = sarif.payload(run, rules(), paths=Paths("/r", "/r"))
    validate(document)
    check_code_scanning_contract(document)


def _many(count: int, severity_of) -> list:
    return [finding(line=index + 1, end_line=index + 1, severity=severity_of(index)) for index in range(count)]


def test_the_limit_is_githubs():
    assert sarif.MAX_RESULTS == 25_000   # GitHub rejects a run with more results


def test_results_are_capped_at_github_limit_keeping_the_most_severe(monkeypatch):
    # The limit made small (the rule, not the size, is under test: 25,001 findings took seconds).
    limit = 5
    monkeypatch.setattr(sarif, "MAX_RESULTS", limit)
    # one over the limit: four info findings and two errors at the end of the file
    findings = _many(limit + 1, lambda i: Severity.ERROR if i >= limit - 1 else Severity.INFO)
    run = run_of(FileResult("p", findings=tuple(findings)))
    document = sarif.payload(run, rules(), paths=Paths("/r", "/r"))
    [result_run] = document["runs"]
    results = result_run["results"]
    assert len(results) == limit
    assert [r["level"] for r in results] == ["note", "note", "note", "error", "error"]   # errors kept, in file order
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results]
    assert lines == [1, 2, 3, 5, 6]   # the last info finding was left out
    [note] = result_run["invocations"][0]["toolExecutionNotifications"]
    assert note == {"level": "warning", "descriptor": {"id": "aiplan/results-capped"}, "message": {"text": (
        "SARIF report capped: 1 of 6 results left out, because GitHub code scanning rejects a run with more than "
        "5 results; kept the 5 most severe. The text or JSON report lists every finding.")}}
    assert result_run["invocations"][0]["executionSuccessful"] is True
    assert result_run["properties"]["resultsCapped"] == {"total": limit + 1, "kept": limit}
    assert sarif.overflow(run) == note["message"]["text"]


def test_at_the_limit_nothing_is_left_out(monkeypatch):
    monkeypatch.setattr(sarif, "MAX_RESULTS", 5)
    run = run_of(FileResult("p", findings=tuple(_many(5, lambda i: Severity.WARNING))))
    document = sarif.payload(run, rules(), paths=Paths("/r", "/r"))
    [result_run] = document["runs"]
    assert len(result_run["results"]) == 5
    assert "toolExecutionNotifications" not in result_run["invocations"][0]
    assert "properties" not in result_run and sarif.overflow(run) is None


def test_cap_note_reaches_the_console(monkeypatch, tmp_path):
    """The command prints the cap note on standard error (small limit: the rule, not the size, is under test)."""
    from aiplan.cli import outputs

    run = run_of(FileResult("p", findings=tuple(_many(3, lambda i: Severity.ERROR))))
    monkeypatch.setattr(sarif, "MAX_RESULTS", 2)
    outcome = outputs.emit(run, rules(), output_format="sarif", output_file=str(tmp_path / "r.sarif"),
                           colour=False, environ={})
    assert any("1 of 3 results left out" in warning for warning in outcome.warnings)


def test_run_identifies_the_tool_for_github_and_azure_devops():
    document = sarif.payload(run_of(), rules(), paths=Paths("/r", "/r"))
    [run] = document["runs"]
    driver = run["tool"]["driver"]
    assert run["automationDetails"]["id"].endswith("/")   # GitHub: the category is the id up to its last "/"
    assert driver["fullName"].startswith("aiplan ") and driver["version"] in driver["fullName"]
    for rule in driver["rules"]:
        assert len(rule["properties"]["tags"]) <= sarif.MAX_TAGS


def test_information_uri_is_the_projects_url_from_pyproject():
    """The one URL pyproject.toml's [project.urls] gives (the repository when it names one)."""
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"].get("urls", {})
    lowered = {label.lower(): url for label, url in urls.items()}
    expected = next((lowered[label] for label in ("repository", "source", "homepage", "documentation")
                     if label in lowered), None)
    assert sarif.information_uri() == expected
    document = sarif.payload(run_of(), rules(), paths=Paths("/r", "/r"))
    assert document["runs"][0]["tool"]["driver"].get("informationUri") == expected


# -- the Microsoft SARIF multitool (npm @microsoft/sarif-multitool), when installed


def _multitool() -> str | None:
    configured = os.environ.get("AIPLAN_SARIF_MULTITOOL")
    if configured:
        return configured
    found = shutil.which("sarif-multitool")
    if found:
        return found
    local = ROOT / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
    return str(local) if local.exists() else None


# SARIF2006 fetches every URI over HTTP: tests never reach the network.
OFFLINE_CONFIG = """\
<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" Type="Driver.RuleEnabledState" />
  </Properties>
</Properties>
"""


AZURE_PIPELINE = {"TF_BUILD": "True", "SYSTEM_DEFINITIONID": "12", "BUILD_DEFINITIONNAME": "plans-ci",
                  "SYSTEM_PHASEID": "3f1c2a4e-0000-4000-8000-000000000001", "SYSTEM_PHASENAME": "Lint"}


def test_automation_details_name_the_azure_pipeline_only_there():
    assert sarif.automation_details({}) == {"id": "aiplan/"}
    assert sarif.automation_details(dict(AZURE_PIPELINE, SYSTEM_PHASENAME="")) == {"id": "aiplan/"}
    details = sarif.automation_details(AZURE_PIPELINE)
    assert details["id"] == "azuredevops/pipeline/build/plans-ci/aiplan/"
    assert details["properties"]["azuredevops/pipeline/build/buildDefinitionId"] == "12"


@pytest.mark.parametrize("environment", [{}, AZURE_PIPELINE], ids=["github", "azure-pipelines"])
def test_multitool_github_and_azure_devops_rules(cli, tmp_path, monkeypatch, environment):
    tool = _multitool()
    if tool is None:
        pytest.skip("the SARIF multitool is not installed (npm install @microsoft/sarif-multitool, "
                    "or set AIPLAN_SARIF_MULTITOOL)")
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES, repo / "plans")
    (repo / ".git").mkdir()
    monkeypatch.chdir(repo)
    report = tmp_path / "aiplan.sarif"
    cli("lint", "--format", "sarif", "--sarif-include-suppressed", "--output-file", report, "plans", env=environment)
    config = tmp_path / "offline.xml"
    config.write_text(OFFLINE_CONFIG)
    out = tmp_path / "validation.sarif"
    completed = subprocess.run(
        [tool, "validate", "--rule-kind", "Sarif;Gh;Ado", "--level", "Error;Warning;Note", "--config", str(config),
         "--output", str(out), str(report)],
        capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    validation = json.loads(out.read_text(encoding="utf-8-sig"))
    problems = [(r["ruleId"], r["message"]) for run in validation["runs"] for r in run["results"]
                if r.get("level", "warning") in ("error", "warning")]
    if not environment:   # outside Azure Pipelines, only GHAzDO's pipeline details can be missing
        problems = [p for p in problems if p[0] not in ("GHAzDO1019", "GHAzDO1020")]
    assert problems == []
    # What remains are notes we do not act on: message arguments and snippets (SARIF2002/2010/2011),
    # version control provenance (SARIF2003), Pascal-case rule names (ours are the slugs `aiplan explain` takes).
    notes = {r["ruleId"] for run in validation["runs"] for r in run["results"]} - {"GHAzDO1019", "GHAzDO1020"}
    assert notes <= {"SARIF2002", "SARIF2003", "SARIF2010", "SARIF2011", "SARIF2012"}
