"""``--format junit``: JUnit XML, for CI systems that show test reports.

One ``<testsuite>`` per linted file and one ``<testcase>`` per rule checked
on it (``classname`` is the file, ``name`` the rule): the rules enabled for
that file, which its configuration and overrides decide. A rule with error or
warning findings in the file fails its test case: one ``<failure>`` listing
them all (most JUnit readers show one failure per case). Info findings are
listed in the case's ``<system-out>`` and do not fail it. A rule that crashed
on the file is an ``<error>``; plugins that failed to load get a suite of
their own.

Plan content can hold any character: text is escaped by the XML serialiser,
and characters XML 1.0 cannot carry at all (control characters, lone
surrogates, U+FFFE/U+FFFF) are written in visible escape notation, so the
report is always well-formed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from aiplan.core.findings import Severity
from aiplan.reporters.github import neutralise

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
FAILING = (Severity.ERROR, Severity.WARNING)


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 forbids written as ``\\xNN`` or ``\\uNNNN``."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def _element(tag: str, attributes: dict[str, object] | None = None, text: str | None = None) -> ET.Element:
    element = ET.Element(tag, {key: xml_text(str(value)) for key, value in (attributes or {}).items()})
    if text is not None:
        element.text = _inert(xml_text(text))
    return element


def _inert(text: str) -> str:
    """Text content as a CI log may show it: a bare CR (which XML parsers turn
    into a line break) written visibly, and lines that would start a GitHub
    Actions command (``::``, ``##[``) neutralised, since `--format junit` on
    standard output lands in the job log."""
    return neutralise(text.replace("\r", "\\r"))


def _describe(finding) -> str:
    line = f"{finding.path}:{finding.line}:{finding.column}: {finding.rule} [{finding.severity.value}] {finding.message}"
    return line + (f"\n    fix: {finding.fix}" if finding.fix else "")


def render(run, rules, *, checked=None, **_options) -> str:
    """Each file's test cases are the rules it was checked with
    (``FileResult.checked``); for a result that does not record them, the
    ``checked`` rule IDs (default: every rule)."""
    default_ids = sorted(checked) if checked is not None else sorted(rules)
    root = _element("testsuites", {"name": "aiplan"})
    totals = {"tests": 0, "failures": 0, "errors": 0}

    for file_result in sorted(run.files, key=lambda r: r.path):
        by_rule: dict[str, list] = {}
        for finding in sorted(file_result.findings, key=lambda f: f.sort_key()):
            by_rule.setdefault(finding.rule, []).append(finding)
        crashed: dict[str, list] = {}
        for error in file_result.errors:
            crashed.setdefault(error.rule, []).append(error)
        checked_ids = file_result.checked if file_result.checked is not None else default_ids
        rule_ids = sorted(set(checked_ids) | set(by_rule) | set(crashed))

        suite = _element("testsuite", {"name": file_result.path})
        counts = {"tests": 0, "failures": 0, "errors": 0}
        for rule_id in rule_ids:
            rule = rules.get(rule_id)
            name = f"{rule_id} {rule.name}" if rule is not None else rule_id
            case = _element("testcase", {"name": name, "classname": file_result.path,
                                         "file": file_result.path, "time": "0"})
            counts["tests"] += 1
            findings = by_rule.get(rule_id, [])
            failing = [f for f in findings if f.severity in FAILING]
            if failing:
                counts["failures"] += 1
                first = failing[0]
                summary = (f"{len(failing)} findings; first: line {first.line}: {first.message}"
                           if len(failing) > 1 else f"line {first.line}: {first.message}")
                case.append(_element("failure", {"message": summary, "type": _worst(failing).value},
                                     "\n".join(_describe(f) for f in failing)))
            for error in crashed.get(rule_id, []):
                counts["errors"] += 1
                case.append(_element("error", {"message": error.message, "type": "internal-error"}, error.describe()))
            info = [f for f in findings if f.severity not in FAILING]
            if info:
                case.append(_element("system-out", None, "\n".join(_describe(f) for f in info)))
            suite.append(case)
        _count(suite, counts, totals)
        root.append(suite)

    if run.errors:  # plugins that failed to load, before any file
        suite = _element("testsuite", {"name": "aiplan plugins"})
        counts = {"tests": 0, "failures": 0, "errors": 0}
        for error in run.errors:
            case = _element("testcase", {"name": f"load {error.plugin}", "classname": "aiplan.plugins", "time": "0"})
            case.append(_element("error", {"message": error.message, "type": "internal-error"}, error.describe()))
            counts["tests"] += 1
            counts["errors"] += 1
            suite.append(case)
        _count(suite, counts, totals)
        root.append(suite)

    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _count(suite: ET.Element, counts: dict[str, int], totals: dict[str, int]) -> None:
    for key in ("tests", "failures", "errors"):
        suite.set(key, str(counts[key]))
        totals[key] += counts[key]
    suite.set("skipped", "0")
    suite.set("time", "0")


def _worst(findings) -> Severity:
    return max((f.severity for f in findings), key=lambda s: s.rank)
