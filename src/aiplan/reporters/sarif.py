"""``--format sarif``: SARIF 2.1.0, as GitHub code scanning accepts it.

One run. ``tool.driver.rules`` describes every rule of the run (documentation
from the rule's docstring, default level, tags); each finding is a result with
its rule, level, message (with the fix hint), a location relative to the
repository root (``uriBaseId: %SRCROOT%``) with a 1-based region, and
``partialFingerprints`` that do not change when unrelated lines move: GitHub's
``primaryLocationLineHash`` (the flagged line's text with the finding's
identity, numbered by occurrence; see :mod:`aiplan.reporters.sources`) and
``aiplanFingerprint/v1``, the finding's line-free ``fingerprint`` as baselines
and JSON output have it.
Findings an inline suppression waived are results too, carrying an
``inSource`` suppression with its justification, so code scanning shows them
as dismissed rather than as fixed. With ``--baseline``, the findings the
baseline hides are results with an ``external`` suppression naming it, and
every result has a ``baselineState``: ``unchanged`` for those the baseline
records, ``new`` for the others. Columns count Unicode code points
(``columnKind``), like every aiplan column.
"""

from __future__ import annotations

import json
import os
import pathlib
from urllib.parse import quote

from aiplan import REPOSITORY as INFORMATION_URI
from aiplan import __version__
from aiplan.core.findings import Severity, format_yaml_path

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# aiplan's own partial fingerprint: Finding.fingerprint, the key baselines and
# --format json use (rule, YAML path, flagged node's content; no line numbers).
FINGERPRINT_KEY = "aiplanFingerprint/v1"


def _rule_descriptor(rule) -> dict:
    from aiplan.docs import render_rule_markdown, render_rule_text

    sections = rule.sections()
    summary = sections.get("summary") or rule.summary
    descriptor = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": sections.get("what") or summary},
        "help": {
            "text": render_rule_text(rule),
            "markdown": render_rule_markdown(rule) + (f"\n[Documentation]({rule.url})\n" if rule.url else ""),
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": _tags(rule)},
    }
    if rule.url:
        descriptor["helpUri"] = rule.url
    return descriptor


def _tags(rule) -> list[str]:
    tags = ["aiplan", rule.family.lower(), *rule.tags]
    if rule.plugin != "aiplan":
        tags.append(f"plugin:{rule.plugin}")
    return list(dict.fromkeys(tags))


def _path_bytes(path: str) -> bytes:
    """The file name's bytes: undecodable names come back as they were
    (surrogateescape); a lone surrogate from elsewhere is kept as its UTF-8-style
    bytes rather than failing the whole report."""
    try:
        return os.fsencode(path)
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogatepass")


def artifact_location(display_path: str, paths) -> dict:
    """A relative URI from the repository root when the file is inside it, an
    absolute ``file:`` URI otherwise. Bytes that are not URI characters are
    percent-encoded (from the file name's bytes, so undecodable names work)."""
    relative = paths.relative(display_path)
    if relative is not None:
        return {"uri": quote(_path_bytes(relative), safe="/"), "uriBaseId": SRCROOT}
    absolute = paths.absolute(display_path)
    if absolute is None:  # standard input has no artifact to point at
        return {"uri": "stdin"}
    return {"uri": pathlib.Path(absolute).as_uri()}


def region(finding) -> dict:
    """1-based; SARIF's ``endColumn`` is exclusive, like ours. A point (an empty
    span) gets no end: SARIF then takes the region to the end of the line."""
    out = {"startLine": max(1, finding.line), "startColumn": max(1, finding.column)}
    if (finding.end_line, finding.end_column) > (finding.line, finding.column):
        out["endLine"] = finding.end_line
        out["endColumn"] = max(1, finding.end_column)
    return out


def _message(finding) -> str:
    return finding.message + (f"\nFix: {finding.fix}" if finding.fix else "")


def _result(finding, rule_index: dict, paths, line_hash: str | None, suppression: dict | None,
            baseline_state: str | None) -> dict:
    result = {
        "ruleId": finding.rule,
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    result["level"] = LEVELS[finding.severity]
    result["message"] = {"text": _message(finding)}
    result["locations"] = [{
        "physicalLocation": {"artifactLocation": artifact_location(finding.path, paths), "region": region(finding)},
    }]
    yaml_path = format_yaml_path(finding.yaml_path)
    if yaml_path:
        result["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": yaml_path, "kind": "member"}]
    if finding.related:  # the data-file lines an evidence rule names (aiplan.core.findings.RelatedLocation)
        result["relatedLocations"] = [{
            "id": index,
            "physicalLocation": {"artifactLocation": artifact_location(item.path, paths),
                                 "region": {"startLine": max(1, item.line)}},
            **({"message": {"text": item.message}} if item.message else {}),
        } for index, item in enumerate(finding.related)]
    fingerprints = {}
    if line_hash is not None:
        fingerprints["primaryLocationLineHash"] = line_hash
    if finding.fingerprint:
        fingerprints[FINGERPRINT_KEY] = finding.fingerprint
    if fingerprints:
        result["partialFingerprints"] = fingerprints
    if suppression is not None:
        result["suppressions"] = [suppression]
    if baseline_state is not None:
        result["baselineState"] = baseline_state
    properties = {"document": finding.document}
    if finding.url:
        properties["url"] = finding.url
    result["properties"] = properties
    return result


def payload(run, rules, *, paths=None) -> dict:
    from aiplan.reporters.sources import Paths, line_fingerprints

    paths = paths or Paths.for_run()
    ordered_rules = [rules[key] for key in sorted(rules)]
    rule_index = {rule.id: index for index, rule in enumerate(ordered_rules)}

    baseline = getattr(run, "baseline", None)
    # Each result: the finding, its suppression, and with --baseline whether the
    # baseline records it ("unchanged") or not ("new"; it never records waived ones).
    new = "new" if baseline is not None else None
    entries = [(finding, None, new) for finding in run.findings]
    for finding in sorted(run.suppressed, key=lambda f: f.sort_key()):
        suppression = {"kind": "inSource"}
        if finding.justification:
            suppression["justification"] = finding.justification
        entries.append((finding, suppression, new))
    if baseline is not None:
        waiver = {"kind": "external", "justification": f"recorded in the baseline {baseline.file}"}
        entries += [(finding, waiver, "unchanged") for finding in baseline.known]
    fingerprints = line_fingerprints([finding for finding, _, _ in entries], paths)
    results = [_result(finding, rule_index, paths, fingerprints.get(index), suppression, state)
               for index, (finding, suppression, state) in enumerate(entries)]

    notifications = []
    for error in run.internal_errors:
        notification = {"level": "error", "message": {"text": error.describe()}}
        if error.rule:
            rule_ref = {"id": error.rule}
            if error.rule in rule_index:
                rule_ref["index"] = rule_index[error.rule]
            notification["associatedRule"] = rule_ref
        if error.path:
            notification["locations"] = [{"physicalLocation": {"artifactLocation": artifact_location(error.path, paths)}}]
        notifications.append(notification)

    invocation = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "aiplan",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(rule) for rule in ordered_rules],
            }},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render(run, rules, *, paths=None, **_options) -> str:
    # ensure_ascii keeps the document valid UTF-8 even for lone surrogates from a path.
    return json.dumps(payload(run, rules, paths=paths), indent=2, ensure_ascii=True) + "\n"
