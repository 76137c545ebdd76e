"""One order of findings in every report (core.findings.Finding.sort_key): a
document's root causes (it cannot be read, parsed or validated) first, then by
line and column; the text report adds severity and family on top."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from aiplan.core.findings import Finding, Severity
from aiplan.core.rule_ids import ROOT_CAUSES, root_cause_rank

# Two schema slips (lines 9 and 15) below findings on lines 1-13.
PLAN = """\
aiplan: 1
name: Order
approach: rag
gaps:
  knowledge:
    present: true
    evidence: The model does not know our policies.
baseline:
  status: done
rag:
  corpus:
    sources:
      - name: policies
        format: pdf
        sizze: 3
"""
# The same plan without the slips: nothing to put first.
CLEAN_FORM = PLAN.replace("baseline:\n  status: done\n", "baseline:\n  prompt_engineering:\n    status: done\n"
                          ).replace("        sizze: 3\n", "")


def rules_in(fmt, output):
    if fmt == "concise":
        return re.findall(r":\d+:\d+: ([A-Z]+\d+) \[", output)
    if fmt == "github":
        return re.findall(r"^::\w+ title=([A-Z]+\d+) ", output, re.M)
    if fmt == "json":
        return [f["rule"] for f in json.loads(output)["findings"]]
    if fmt == "sarif":
        return [r["ruleId"] for r in json.loads(output)["runs"][0]["results"]]
    if fmt == "gitlab":
        return [f["check_name"] for f in json.loads(output)]
    if fmt == "text":
        return re.findall(r"^  \d+:\d+ \w+ ([A-Z]+\d+) ", output, re.M)
    assert fmt == "junit"
    cases = ET.fromstring(output).iter("testcase")
    return [c.get("name").split()[0] for c in cases if c.find("failure") is not None or c.find("system-out") is not None]


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "sarif", "github", "gitlab", "junit"])
def test_every_format_lists_root_causes_first(cli, tmp_path, fmt):
    plan = tmp_path / "order.aiplan.yaml"
    plan.write_text(PLAN)
    rules = rules_in(fmt, cli("lint", "--format", fmt, plan).output)
    count = sum(1 for rule in rules if rule in ROOT_CAUSES)
    assert count and rules[:count] == ["PLAN002"] * count and len(rules) > count
    assert all(rule not in ROOT_CAUSES for rule in rules[count:])


@pytest.mark.parametrize("fmt", ["concise", "json", "sarif", "github", "gitlab"])
def test_without_a_root_cause_findings_keep_line_order(cli, tmp_path, fmt):
    plan = tmp_path / "order.aiplan.yaml"
    plan.write_text(CLEAN_FORM)
    rules = rules_in(fmt, cli("lint", "--format", fmt, plan).output)
    assert rules and "PLAN002" not in rules
    lines = [f["line"] for f in json.loads(cli("lint", "--format", "json", plan).output)["findings"]]
    assert lines == sorted(lines)


def finding(rule, line, document=0, path="a.yaml"):
    return Finding(rule=rule, name="n", severity=Severity.WARNING, message="m", fix="f", path=path,
                   line=line, column=1, end_line=line, end_column=2, document=document)


def test_sort_key_is_per_document_root_cause_then_position():
    findings = [finding("RAG001", 2), finding("PLAN002", 30), finding("PLAN006", 1), finding("FT001", 50, 1),
                finding("PLAN001", 60, 1), finding("GAP001", 1, path="b.yaml")]
    ordered = [(f.path, f.document, f.rule) for f in sorted(findings, key=Finding.sort_key)]
    assert ordered == [("a.yaml", 0, "PLAN002"), ("a.yaml", 0, "PLAN006"), ("a.yaml", 0, "RAG001"),
                       ("a.yaml", 1, "PLAN001"), ("a.yaml", 1, "FT001"), ("b.yaml", 0, "GAP001")]


def test_suppression_bookkeeping_is_not_a_root_cause():
    assert root_cause_rank("PLAN002") == 0 and root_cause_rank("PLAN001") == 0
    assert root_cause_rank("PLAN006") == 1 and root_cause_rank("PLAN005") == 1 and root_cause_rank("ACME001") == 1
