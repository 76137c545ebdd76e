"""JUnit XML as strict consumers read it: the Jenkins xUnit plugin's junit-10.xsd
(tests/specs/junit-10.xsd), skipped rules, waived findings, one-line attributes."""

import xml.etree.ElementTree as ET

import pytest

from aiplan.core.findings import FileResult, InternalError, Severity
from aiplan.reporters import junit

from conftest import EXAMPLES, ROOT
from ci_support import finding, rules, run_of

xmlschema = pytest.importorskip("xmlschema")
SCHEMA = xmlschema.XMLSchema(str(ROOT / "tests" / "specs" / "junit-10.xsd"))


def validate(xml: str) -> ET.Element:
    SCHEMA.validate(xml)
    return ET.fromstring(xml.encode("utf-8"))


def test_the_schema_rejects_what_strict_consumers_would():
    """The check can fail: a `file` attribute on a test case is outside junit-10.xsd."""
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        SCHEMA.validate('<testsuites><testsuite name="a" tests="1" failures="0" errors="0">'
                        '<testcase name="r" file="x"/></testsuite></testsuites>')


def test_examples_report_validates(cli):
    result = cli("lint", "--format", "junit", EXAMPLES)
    assert result.exit_code == 1
    root = validate(result.output)
    assert int(root.get("tests")) > 0 and int(root.get("failures")) > 0


def test_a_plan_with_a_syntax_error_reports_the_rules_as_skipped(cli, tmp_path):
    plan = tmp_path / "broken.aiplan.yaml"
    plan.write_text("aiplan: 1\nname: [unclosed\n")
    root = validate(cli("lint", "--format", "junit", plan).output)
    [suite] = root.findall("testsuite")
    cases = {case.get("name").split()[0]: case for case in suite.findall("testcase")}
    assert cases["PLAN001"].find("failure") is not None   # the syntax error itself
    passed = [rule for rule, case in cases.items() if len(case) == 0]
    skipped = [rule for rule, case in cases.items() if case.find("skipped") is not None]
    # only the rules that read the file itself ran and passed; no plan rule claims to have passed
    assert passed and all(rule.startswith("PLAN") for rule in passed)
    assert {"BASE001", "FT001", "GAP001", "RAG001"} <= set(skipped)
    message = cases["BASE001"].find("skipped").get("message")
    assert message.startswith("not checked: ") and "PLAN001" in message
    assert suite.get("skipped") == str(len(skipped)) and suite.get("failures") == "1"


@pytest.mark.parametrize("text", ["aiplan: 2\nname: from the future\napproach: rag\n", "- a list\n",
                                  "name: no version key\napproach: rag\n"])
def test_a_document_the_version_check_stops_reports_the_rules_as_skipped(cli, tmp_path, text):
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text(text)
    root = validate(cli("lint", "--format", "junit", plan).output)
    cases = {case.get("name").split()[0]: case for case in root.iter("testcase")}
    assert cases["PLAN003"].find("failure") is not None
    assert cases["BASE001"].find("skipped") is not None and "PLAN003" in cases["BASE001"].find("skipped").get("message")


def test_a_quoted_version_is_linted_and_skips_nothing(cli, tmp_path):
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text('aiplan: "1"\nname: x\napproach: rag\n')
    root = validate(cli("lint", "--format", "junit", plan).output)
    assert root.find(".//skipped") is None
    cases = {case.get("name").split()[0]: case for case in root.iter("testcase")}
    assert cases["BASE001"].find("failure") is not None


def test_a_valid_plan_skips_nothing(cli):
    root = validate(cli("lint", "--format", "junit", EXAMPLES / "support-copilot.aiplan.yaml").output)
    assert root.find(".//skipped") is None
    assert root.find("testsuite").get("skipped") == "0"


def test_waived_findings_are_skipped_with_their_reason(cli, tmp_path):
    plan = tmp_path / "p.aiplan.yaml"
    lines = (EXAMPLES / "ticket-formatter.aiplan.yaml").read_text().splitlines()
    lines[15] += "  # aiplan: ignore[BASE001] -- baseline run in the parent plan"   # BASE001's line
    plan.write_text("\n".join(lines) + "\n")
    root = validate(cli("lint", "--format", "junit", "--select", "BASE001,FT001", plan).output)
    cases = {case.get("name").split()[0]: case for case in root.iter("testcase")}
    skipped = cases["BASE001"].find("skipped")
    assert skipped is not None and cases["BASE001"].find("failure") is None
    assert skipped.get("message") == "waived by an inline suppression: baseline run in the parent plan"
    assert skipped.get("type") == "waived"
    assert cases["FT001"].find("failure") is not None


def test_a_waived_finding_beside_a_failing_one_is_listed_in_the_output():
    run = run_of(FileResult("p.aiplan.yaml", documents=1, findings=(finding(line=4),),
                            suppressed=(finding(line=9, justification="known"),)))
    root = validate(junit.render(run, rules(), checked=["BASE001"]))
    [case] = root.iter("testcase")
    assert case.find("failure") is not None and case.find("skipped") is None
    assert "waived: known" in case.find("system-out").text


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\u202e", "\ufeff", "\r"])
def test_separators_in_attributes_are_escaped(separator):
    message = f"name is `a{separator}b`"
    run = run_of(FileResult(f"p{separator}.aiplan.yaml", documents=1, findings=(finding(message=message),)))
    xml = junit.render(run, rules(), checked=["BASE001"])
    assert separator not in xml
    root = validate(xml)
    failure = root.find(".//failure")
    assert failure.get("message") == f"line 3: name is `a\\u{ord(separator):04x}b`" or \
        failure.get("message") == f"line 3: name is `a\\x{ord(separator):02x}b`"


def test_internal_errors_and_plugin_failures_validate():
    run = run_of(FileResult("p.aiplan.yaml", documents=1,
                            errors=(InternalError("acme", "FT001", "raised KeyError", "p.aiplan.yaml"),)),
                 errors=(InternalError("broken", "", "failed to load"),))
    root = validate(junit.render(run, rules(), checked=["FT001"]))
    assert [e.get("type") for e in root.iter("error")] == ["internal-error", "internal-error"]


def test_info_only_rule_passes_and_validates():
    run = run_of(FileResult("p.aiplan.yaml", documents=1, findings=(finding(severity=Severity.INFO),)))
    root = validate(junit.render(run, rules(), checked=["BASE001"]))
    [case] = root.iter("testcase")
    assert case.find("failure") is None and "BASE001" in case.find("system-out").text
