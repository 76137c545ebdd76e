"""JUnit XML and GitLab Code Quality reports."""

import json
import re
from dataclasses import replace
import xml.etree.ElementTree as ET

import pytest

from aiplan.core.findings import FileResult, InternalError, Severity
from aiplan.reporters import gitlab, junit
from aiplan.reporters.sources import Paths

from conftest import EXAMPLES
from ci_support import finding, rules, run_of

# Characters XML 1.0 allows (section 2.2).
XML_CHAR = re.compile("[\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*\\Z")


# -- JUnit

def test_junit_one_suite_per_file_one_case_per_checked_rule(cli):
    result = cli("lint", "--format", "junit", "--select", "BASE001,FT001,PLAN003",
                 EXAMPLES / "ticket-formatter.aiplan.yaml", EXAMPLES / "support-copilot.aiplan.yaml")
    assert result.exit_code == 1
    assert result.output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(result.output.encode("utf-8"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "2", "0")
    suites = root.findall("testsuite")
    names = [s.get("name") for s in suites]
    assert names[0].endswith("examples/support-copilot.aiplan.yaml")
    assert names[1].endswith("examples/ticket-formatter.aiplan.yaml")
    flawed = suites[1]
    assert (flawed.get("tests"), flawed.get("failures")) == ("3", "2")
    cases = {c.get("name"): c for c in flawed.findall("testcase")}
    assert set(cases) == {"BASE001 missing-prompt-baseline", "FT001 fine-tuning-without-held-out",
                          "PLAN003 unsupported-version"}
    failure = cases["BASE001 missing-prompt-baseline"].find("failure")
    assert failure.get("type") == "error"
    assert failure.get("message").startswith("line 16: approach is `fine_tuning`")
    assert ":16:13: BASE001 [error]" in failure.text and "fix: Finish" in failure.text
    assert cases["PLAN003 unsupported-version"].find("failure") is None
    assert all(c.find("failure") is None for c in suites[0].findall("testcase"))


def _cases(xml: str) -> dict[str, list[str]]:
    root = ET.fromstring(xml.encode("utf-8"))
    return {suite.get("name"): [case.get("name").split()[0] for case in suite.findall("testcase")]
            for suite in root.findall("testsuite")}


@pytest.mark.parametrize("fix", [False, True])
def test_junit_cases_are_the_rules_each_file_was_checked_with(cli, tmp_path, monkeypatch, fix):
    """Configuration overrides decide the rules per file; a file's suite lists its own."""
    import shutil

    monkeypatch.chdir(tmp_path)
    (tmp_path / "drafts").mkdir()
    for name in ("main.aiplan.yaml", "drafts/pilot.aiplan.yaml"):
        shutil.copy(EXAMPLES / "ticket-formatter.aiplan.yaml", tmp_path / name)
    (tmp_path / ".aiplan.toml").write_text(
        'select = ["BASE001", "FT"]\n[[overrides]]\npaths = ["drafts/**"]\nignore = ["FT"]\n')
    result = cli("lint", "--format", "junit", *(["--fix"] if fix else []))
    assert result.exit_code == 1
    from aiplan.plugins.manager import load_rule_set

    ft = sorted(rule_id for rule_id in load_rule_set(entry_points=False).rules if rule_id.startswith("FT"))
    assert _cases(result.output) == {"drafts/pilot.aiplan.yaml": ["BASE001"], "main.aiplan.yaml": ["BASE001", *ft]}


def test_junit_warnings_fail_info_goes_to_system_out():
    findings = (finding(severity=Severity.WARNING, line=2), finding(severity=Severity.ERROR, line=4),
                finding(rule="FT001", name="fine-tuning-without-held-out", severity=Severity.INFO))
    xml = junit.render(run_of(FileResult("p.aiplan.yaml", findings=findings)), rules(), checked=["BASE001", "FT001"])
    root = ET.fromstring(xml)
    [suite] = root.findall("testsuite")
    base, ft = suite.findall("testcase")
    [failure] = base.findall("failure")  # one failure element listing both
    assert failure.get("message").startswith("2 findings; first: line 2:") and failure.get("type") == "error"
    assert failure.text.count("BASE001") == 2
    assert ft.find("failure") is None and "FT001 [info]" in ft.find("system-out").text
    assert suite.get("failures") == "1"


def test_junit_internal_errors():
    run = run_of(FileResult("p.aiplan.yaml", errors=(InternalError("acme", "ACME001", "raised KeyError", "p.aiplan.yaml"),)),
                 errors=(InternalError("broken", "", "failed to load: ImportError"),))
    root = ET.fromstring(junit.render(run, rules(), checked=[]))
    assert root.get("errors") == "2"
    first, plugins = root.findall("testsuite")
    [case] = first.findall("testcase")
    assert case.get("name") == "ACME001" and case.find("error").get("type") == "internal-error"
    assert plugins.get("name") == "aiplan plugins" and plugins.find("testcase/error") is not None


@pytest.mark.parametrize("nasty", [
    "ends a CDATA ]]> section",
    "control \x00\x01\x08\x0b\x0c\x1b[31m\x7f and \x85 and \ufffe\uffff",
    "lone surrogates \ud800 \udfff and a pair \U0001f600",
    'quotes " \' & < > and line\r\nbreaks',
])
def test_junit_is_well_formed_whatever_the_messages_hold(nasty):
    run = run_of(FileResult(f"p{nasty}.aiplan.yaml", findings=(
        finding(message=nasty, fix=nasty, path=f"p{nasty}.aiplan.yaml"),
        finding(message=nasty, severity=Severity.INFO, rule="FT001", name="fine-tuning-without-held-out"))))
    xml = junit.render(run, rules())
    assert XML_CHAR.match(xml)
    root = ET.fromstring(xml.encode("utf-8"))
    failure = root.find("testsuite/testcase/failure")
    text = failure.text + failure.get("message")
    if "]]>" in nasty:
        assert "]]>" in text  # escaped on the way out, intact on the way in
    if "\x1b" in nasty:
        assert "\\x1b[31m" in text and "\\x00" in text and "\\ufffe" in text
    if "\ud800" in nasty:
        assert "\\ud800" in text and "\U0001f600" in text


# -- GitLab Code Quality

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def check_code_quality(issues) -> None:
    """GitLab's documented fields and their types."""
    assert isinstance(issues, list)
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["severity"] in GITLAB_SEVERITIES
        path = issue["location"]["path"]
        assert isinstance(path, str) and not path.startswith(("./", "/"))
        lines = issue["location"]["lines"]
        assert isinstance(lines["begin"], int) and lines["begin"] >= 1
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)


def test_gitlab_report(cli, tmp_path, monkeypatch):
    import shutil

    shutil.copytree(EXAMPLES, tmp_path / "examples")
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path / "examples")
    result = cli("lint", "--format", "gitlab", ".")
    assert result.exit_code == 1
    issues = json.loads(result.output)
    check_code_quality(issues)
    # every finding of the examples (tests/e2e/test_examples.py pins them), as the JSON report counts them
    assert len(issues) == len(json.loads(cli("lint", "--format", "json", ".").output)["findings"])
    picked = [i for i in issues if i["check_name"] in ("PLAN002", "PLAN004", "BASE001", "FT001")]
    assert [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in picked] == [
        ("BASE001", "examples/contract-extractor.aiplan.yaml", 9),
        ("PLAN002", "examples/policy-search.aiplan.yaml", 15),
        ("PLAN002", "examples/policy-search.aiplan.yaml", 27),
        ("PLAN004", "examples/policy-search.aiplan.yaml", 35),
        ("BASE001", "examples/ticket-formatter.aiplan.yaml", 16),
        ("FT001", "examples/ticket-formatter.aiplan.yaml", 19),
    ]
    base = picked[4]
    assert base["severity"] == "major"
    assert base["description"].startswith("approach is `fine_tuning`")
    assert " fix: Finish the prompt-engineering baseline" in base["description"]
    assert {i["severity"] for i in issues} == {"major", "minor", "info"}
    # the same report again: the same fingerprints
    assert [i["fingerprint"] for i in json.loads(cli("lint", "--format", "gitlab", ".").output)] == \
        [i["fingerprint"] for i in issues]


def test_gitlab_fingerprints_stable_when_lines_move_and_unique_per_file(tmp_path):
    plan = tmp_path / "p.aiplan.yaml"
    lines = ["aiplan: 1", "name: x", "approach: rag", "approach: rag"]
    plan.write_text("\n".join(lines) + "\n")
    paths = Paths(str(tmp_path), str(tmp_path))
    twins = (finding(line=3, path="p.aiplan.yaml"), finding(line=4, path="p.aiplan.yaml"))
    before = gitlab.payload(run_of(FileResult("p.aiplan.yaml", findings=twins)), rules(), paths=paths)
    check_code_quality(before)
    plan.write_text("# moved\n" + "\n".join(lines) + "\n")
    moved = (finding(line=4, path="p.aiplan.yaml"), finding(line=5, path="p.aiplan.yaml"))
    after = gitlab.payload(run_of(FileResult("p.aiplan.yaml", findings=moved)), rules(), paths=paths)
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
    # another file with the same content: other fingerprints
    (tmp_path / "q.aiplan.yaml").write_text(plan.read_text())
    elsewhere = tuple(replace(f, path="q.aiplan.yaml") for f in moved)
    other = gitlab.payload(run_of(FileResult("q.aiplan.yaml", findings=elsewhere)), rules(), paths=paths)
    assert not {i["fingerprint"] for i in other} & {i["fingerprint"] for i in after}


def test_gitlab_fingerprints_follow_the_finding_not_its_line(cli, tmp_path, monkeypatch):
    """An issue keeps its fingerprint when a list item is inserted above it and when
    a comment on its line changes; GitLab then shows it as neither new nor fixed."""
    monkeypatch.chdir(tmp_path)
    plan = tmp_path / "p.aiplan.yaml"
    text = ("aiplan: 1\nname: x\nevaluation:\n  metrics:{inserted}\n    - name: latency_p95_ms{comment}\n"
            "---\naiplan: 1\nname: x\nevaluation:\n  metrics:\n    - name: latency_p95_ms\n")

    def issues(**parts):
        plan.write_text(text.format(**{"inserted": "", "comment": "", **parts}))
        found = json.loads(cli("lint", "--format", "gitlab", "--select", "EVAL002", "p.aiplan.yaml").output)
        check_code_quality(found)
        return found

    before = issues()
    assert [i["location"]["lines"]["begin"] for i in before] == [5, 11]   # the same finding in two plans
    after = issues(inserted="\n    - name: accuracy\n      target: 0.9", comment="   # owned by SRE")
    assert [i["location"]["lines"]["begin"] for i in after] == [7, 13]
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]


def test_gitlab_severity_mapping_and_stdin():
    findings = (finding(severity=Severity.ERROR, path="-"), finding(severity=Severity.WARNING, path="-", line=5),
                finding(severity=Severity.INFO, path="-", line=5, end_line=7))
    issues = gitlab.payload(run_of(FileResult("-", findings=findings)), rules(), paths=Paths("/r", "/r"))
    check_code_quality(issues)
    assert [i["severity"] for i in issues] == ["major", "minor", "info"]
    assert issues[2]["location"]["lines"] == {"begin": 5, "end": 7}


@pytest.mark.parametrize("name", ["text", "concise", "json", "github", "sarif", "junit", "gitlab"])
def test_every_format_spells_the_fix_hint_label_alike(cli, name):
    output = cli("lint", "--format", name, EXAMPLES / "ticket-formatter.aiplan.yaml").output
    assert "Fix:" not in output and "FIX:" not in output
    if name not in ("concise", "json"):  # concise has no hints; JSON keeps the hint in its own field
        assert "fix: " in output.replace("%0A", "\n").replace("\\n", "\n")
