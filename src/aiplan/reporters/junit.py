"""``--format junit``: JUnit XML, for CI systems that show test reports.

Valid against the Jenkins xUnit plugin's ``junit-10.xsd`` (the schema strict
consumers use; ``tests/specs/junit-10.xsd``): no attribute outside it.

One ``<testsuite>`` per linted file and one ``<testcase>`` per rule checked
on it (``classname`` is the file, ``name`` the rule), the rules that report
root causes (:data:`aiplan.core.rule_ids.ROOT_CAUSES`) first: the rules enabled for
that file, which its configuration and overrides decide. A rule with error or
warning findings in the file fails its test case: one ``<failure>`` listing
them all (most JUnit readers show one failure per case). Info findings are
listed in the case's ``<system-out>`` and do not fail it. A rule whose only
findings were waived inline is ``<skipped>`` with the comment's reason. When a
file holds no plan to check (a YAML syntax error, an unreadable or oversized
file), only the rules that read the file itself ran: every other rule is
``<skipped>``, never reported as passed. A rule that crashed on the file is an
``<error>``; plugins that failed to load get a suite of their own.

Plan content can hold any character: text is escaped by the XML serialiser;
characters XML 1.0 cannot carry at all (control characters, lone surrogates,
U+FFFE/U+FFFF) and those that break viewers (line and paragraph separators,
bidirectional and invisible formatting characters) are written in the visible
escape notation of the text report, so the report is always well-formed and
every attribute is one line. Lines never start a CI log command
(``aiplan.reporters``, log-safe output).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from aiplan.core.findings import FIX_LABEL, Severity
from aiplan.core.rule_ids import VERSION as VERSION_RULE
from aiplan.core.rule_ids import root_cause_rank
from aiplan.reporters import inert_xml

# What XML 1.0 forbids, and what breaks viewers: C0/C1 controls (but tab and
# line feed, which the serialiser writes as references in attributes), NEL,
# invisible and bidirectional formatting, line and paragraph separators, BOM.
_ESCAPED = re.compile(
    "[^\t\n\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
    "|[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)
FAILING = (Severity.ERROR, Severity.WARNING)
# The rules that read the file itself (the loader's): they run even when there is no plan.
_FILE_TAG = "loader"


def xml_text(text: str) -> str:
    """``text`` with every character of :data:`_ESCAPED` written as ``\\xNN`` or ``\\uNNNN``."""
    return _ESCAPED.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def _element(tag: str, attributes: dict[str, object] | None = None, text: str | None = None) -> ET.Element:
    element = ET.Element(tag, {key: xml_text(str(value)) for key, value in (attributes or {}).items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _describe(finding) -> str:
    line = f"{finding.path}:{finding.line}:{finding.column}: {finding.rule} [{finding.severity.value}] {finding.message}"
    return line + (f"\n    {FIX_LABEL} {finding.fix}" if finding.fix else "")


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
        # the rules whose findings are root causes first, as every report lists them
        rule_ids = sorted(set(checked_ids) | set(by_rule) | set(crashed), key=lambda r: (root_cause_rank(r), r))

        waived: dict[str, list] = {}
        for finding in file_result.suppressed:
            waived.setdefault(finding.rule, []).append(finding)
        unchecked = _no_plan_checked(file_result)
        reason = _not_checked_reason(file_result) if unchecked else ""

        suite = _element("testsuite", {"name": file_result.path})
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for rule_id in rule_ids:
            rule = rules.get(rule_id)
            name = f"{rule_id} {rule.name}" if rule is not None else rule_id
            case = _element("testcase", {"name": name, "classname": file_result.path, "time": "0"})
            counts["tests"] += 1
            findings = by_rule.get(rule_id, [])
            failing = [f for f in findings if f.severity in FAILING]
            ran = not unchecked or rule_id in by_rule or rule_id in crashed or (
                rule is not None and _FILE_TAG in rule.tags)
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
            if not ran:
                counts["skipped"] += 1
                case.append(_element("skipped", {"message": reason}))
            elif rule_id in waived and not failing and rule_id not in crashed:
                counts["skipped"] += 1
                first = waived[rule_id][0]
                case.append(_element("skipped", {"message": _waiver(first, len(waived[rule_id])), "type": "waived"},
                                     "\n".join(_describe(f) + f"\n    waived: {f.justification or '(no reason given)'}"
                                               for f in waived[rule_id])))
            out = [_describe(f) for f in findings if f.severity not in FAILING]
            if failing and rule_id in waived:
                out += [_describe(f) + f"\n    waived: {f.justification or '(no reason given)'}" for f in waived[rule_id]]
            if out:
                case.append(_element("system-out", None, "\n".join(out)))
            suite.append(case)
        _count(suite, counts, totals)
        root.append(suite)

    if run.errors:  # plugins that failed to load, before any file
        suite = _element("testsuite", {"name": "aiplan plugins"})
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
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
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + inert_xml(ET.tostring(root, encoding="unicode")) + "\n"


def _count(suite: ET.Element, counts: dict[str, int], totals: dict[str, int]) -> None:
    for key in ("tests", "failures", "errors"):
        suite.set(key, str(counts[key]))
        totals[key] += counts[key]
    # junit-10.xsd has `skipped` on a suite, not on <testsuites>.
    suite.set("skipped", str(counts["skipped"]))
    suite.set("time", "0")


def _no_plan_checked(file_result) -> bool:
    """Whether no document of the file was a plan the rules ran on: none could
    be read, or each one's version check stopped it (a PLAN003 finding that no
    fix resolves: not a mapping, no `aiplan` key, an unsupported version)."""
    if file_result.documents == 0:
        return True
    stopped = {f.document for f in file_result.findings if f.rule == VERSION_RULE and not f.edits}
    return len(stopped) >= file_result.documents


def _not_checked_reason(file_result) -> str:
    problems = sorted({f.rule for f in file_result.findings})
    because = f" (see {', '.join(problems)})" if problems else ""
    return f"not checked: {file_result.path} holds no plan that could be read{because}"


def _waiver(finding, count: int) -> str:
    reason = finding.justification or "no reason given"
    more = f" (and {count - 1} more)" if count > 1 else ""
    return f"waived by an inline suppression: {reason}{more}"


def _worst(findings) -> Severity:
    return max((f.severity for f in findings), key=lambda s: s.rank)
