"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array with one issue per finding: ``description`` (message and fix),
``check_name`` (the rule ID), ``fingerprint``, ``severity`` and ``location``
(``path`` relative to the repository root, without ``./``, and ``lines``).
GitLab compares fingerprints between the source and target branches to tell
new issues from fixed ones, so they must be unique in a report and must not
change when unrelated lines move: each hashes the file, the finding's
line-free identity (``Finding.fingerprint``: rule, YAML path, flagged node's
content; see :func:`aiplan.reporters.sources.identity`) and its occurrence
among identical findings of the file.
"""

from __future__ import annotations

import hashlib
import json

from aiplan.core.findings import FIX_LABEL, Severity
from aiplan.reporters import inert_json
from aiplan.reporters.sources import Paths, identity, occurrences
from aiplan.reporters.text import visible

# GitLab's scale is info, minor, major, critical, blocker.
SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def fingerprint(path: str, finding, occurrence: int) -> str:
    """The issue's fingerprint: ``path`` is the file from the repository root."""
    key = "\0".join(("aiplan", path, identity(finding), str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def description(finding) -> str:
    """Message and fix on one plain line, as Code Quality shows it: line breaks,
    tabs and control characters from plan values in the text report's visible
    notation, runs of spaces collapsed."""
    text = finding.message + (f" {FIX_LABEL} {finding.fix}" if finding.fix else "")
    return " ".join(visible(text).split())


def payload(run, rules, *, paths=None) -> list[dict]:
    paths = paths or Paths.for_run()
    findings = run.findings
    numbers = occurrences(findings, identity)
    issues = []
    for index, finding in enumerate(findings):
        path = paths.relative(finding.path) or finding.path
        lines = {"begin": finding.line}
        if finding.end_line > finding.line:
            lines["end"] = finding.end_line
        issues.append({
            "description": description(finding),
            "check_name": finding.rule,
            "fingerprint": fingerprint(path, finding, numbers[index]),
            "severity": SEVERITIES[finding.severity],
            "location": {"path": path, "lines": lines},
        })
    return issues


def render(run, rules, *, paths=None, **_options) -> str:
    return inert_json(json.dumps(payload(run, rules, paths=paths), indent=2, ensure_ascii=True)) + "\n"
