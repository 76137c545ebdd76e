"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array with one issue per finding: ``description`` (message and fix),
``check_name`` (the rule ID), ``fingerprint``, ``severity`` and ``location``
(``path`` relative to the repository root, without ``./``, and ``lines``).
GitLab compares fingerprints between the source and target branches to tell
new issues from fixed ones, so they must be unique in a report and must not
change when unrelated lines move: they hash the file, the rule, the YAML path
and the flagged line's text (see :mod:`aiplan.reporters.sources`).
"""

from __future__ import annotations

import hashlib
import json

from aiplan.lint.findings import Severity, format_yaml_path

# GitLab's scale is info, minor, major, critical, blocker.
SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def _fingerprint(path: str, finding, line_hash: str | None, fallback_seen: dict) -> str:
    if line_hash is None:
        # No text to hash (standard input): the finding's own words, numbered.
        key = "\0".join((finding.rule, format_yaml_path(finding.yaml_path), finding.message))
        fallback_seen[key] = fallback_seen.get(key, 0) + 1
        line_hash = f"{key}\0{fallback_seen[key]}"
    key = "\0".join(("aiplan", path, line_hash))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def payload(run, rules, *, paths=None) -> list[dict]:
    from aiplan.reporters.sources import Paths, line_fingerprints

    paths = paths or Paths.for_run()
    findings = run.findings
    line_hashes = line_fingerprints(findings, paths)
    fallback_seen: dict = {}
    issues = []
    for index, finding in enumerate(findings):
        path = paths.relative(finding.path) or finding.path
        lines = {"begin": finding.line}
        if finding.end_line > finding.line:
            lines["end"] = finding.end_line
        issues.append({
            "description": finding.message + (f" Fix: {finding.fix}" if finding.fix else ""),
            "check_name": finding.rule,
            "fingerprint": _fingerprint(path, finding, line_hashes.get(index), fallback_seen),
            "severity": SEVERITIES[finding.severity],
            "location": {"path": path, "lines": lines},
        })
    return issues


def render(run, rules, *, paths=None, **_options) -> str:
    return json.dumps(payload(run, rules, paths=paths), indent=2, ensure_ascii=True) + "\n"
