"""One flawed plan with a hostile name through every CI format: each output
must follow its specification (the per-format tests go into detail)."""

import json
import xml.etree.ElementTree as ET

from conftest import EXAMPLES
from test_reporter_github import runner_parse, toolkit_issue
from test_reporter_junit_gitlab import XML_CHAR, check_code_quality
from test_reporter_sarif import check_code_scanning_contract, validate

NAME = "Ticket formatter 100%,\r\n::set-output name=leak::x, a:b ]]> \x1b[31m"


def test_every_format_for_one_hostile_flawed_plan(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    text = (EXAMPLES / "ticket-formatter.aiplan.yaml").read_text()
    quoted = json.dumps(NAME)  # a JSON string is a valid YAML double-quoted scalar
    (tmp_path / "plan.aiplan.yaml").write_text(text.replace("name: Ticket formatter", f"name: {quoted}"))

    def run(fmt):
        result = cli("lint", "--plugin", "name_echo_plugin", "--format", fmt, "plan.aiplan.yaml")
        assert result.exit_code == 1, result.output
        return result.output

    annotations = run("github").splitlines()
    assert len(annotations) == 3
    echo = [line for line in annotations if line.startswith("::warning ")][0]
    assert echo == toolkit_issue(
        "warning", f"the plan is called {NAME}\nfix: Rename it, e.g. `name: Support copilot, v2`.",
        title="ECHO001 plan-name", file="plan.aiplan.yaml", start_line=3, end_line=3, start_column=7,
        end_column=7 + len(quoted))
    for line in annotations:
        assert runner_parse(line)[0] in ("error", "warning")

    document = json.loads(run("sarif"))
    validate(document)
    check_code_scanning_contract(document)
    assert {r["ruleId"] for r in document["runs"][0]["results"]} == {"BASE001", "FT001", "ECHO001"}

    xml = run("junit")
    assert XML_CHAR.match(xml)
    root = ET.fromstring(xml.encode())
    assert root.get("failures") == "3"

    issues = json.loads(run("gitlab"))
    check_code_quality(issues)
    assert [i["check_name"] for i in issues] == ["ECHO001", "BASE001", "FT001"]
