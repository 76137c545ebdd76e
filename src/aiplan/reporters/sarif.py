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
GitHub code scanning ignores SARIF's ``suppressions`` and ``baselineState``
(they are not in its supported subset): a suppressed result becomes an open
alert. So by default the report holds only the findings that count, as the
text report does: findings waived inline and, with ``--baseline``, the ones
the baseline records are left out. ``--sarif-include-suppressed`` adds them
for readers that honour suppressions (the SARIF viewers, Azure DevOps): an
``inSource`` suppression with the comment's reason, an ``external`` one naming
the baseline, and with ``--baseline`` a ``baselineState`` on every result.

GitHub rejects a run over :data:`MAX_RESULTS` results: the report keeps the
most severe ones and says so in a ``toolExecutionNotification`` (and aiplan on
standard error). Every region has an end. Columns count Unicode code points
(``columnKind``), like every aiplan column.
"""

from __future__ import annotations

import json
import os
import pathlib
from typing import Any
from urllib.parse import quote

from aiplan import __version__
from aiplan.core.findings import FIX_LABEL, Finding, Severity, format_yaml_path
from aiplan.docs import render_rule_markdown, render_rule_text
from aiplan.reporters import inert_json
from aiplan.reporters.sources import Paths, line_fingerprints, linted_lines

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# aiplan's own partial fingerprint: Finding.fingerprint, the key baselines and
# --format json use (rule, YAML path, flagged node's content; no line numbers).
FINGERPRINT_KEY = "aiplanFingerprint/v1"


def _rule_descriptor(rule) -> dict:
    sections = rule.sections()
    summary = rule.summary  # the docstring's first line (sections()["summary"] too), or the name's words
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
        "properties": {"tags": _tags(rule)[:MAX_TAGS]},
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


def region(finding, line_length: int | None = None) -> dict:
    """1-based, always with an end (SARIF's ``endColumn`` is exclusive, like
    ours). A point (a missing key reported at its closest parent) covers the
    rest of its line when the line's length is known, else it is an empty
    region at the point."""
    out = {"startLine": max(1, finding.line), "startColumn": max(1, finding.column)}
    if (finding.end_line, finding.end_column) > (finding.line, finding.column):
        out["endLine"] = finding.end_line
        out["endColumn"] = max(1, finding.end_column)
    else:
        out["endLine"] = out["startLine"]
        end = line_length + 1 if line_length is not None else out["startColumn"]
        out["endColumn"] = max(out["startColumn"], end)
    return out


def _message(finding) -> str:
    return finding.message + (f"\n{FIX_LABEL} {finding.fix}" if finding.fix else "")


def _result(finding, rule_index: dict, paths, line_hash: str | None, suppression: dict | None,
            baseline_state: str | None, line_length=lambda finding: None) -> dict:
    result = {
        "ruleId": finding.rule,
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    result["level"] = LEVELS[finding.severity]
    result["message"] = {"text": _message(finding)}
    result["locations"] = [{
        "physicalLocation": {"artifactLocation": artifact_location(finding.path, paths), "region": region(finding, line_length(finding))},
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


# GitHub code scanning rejects a run with more results or rules than this
# (https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit),
# and keeps at most this many tags per rule.
MAX_RESULTS = 25_000
MAX_RULES = 25_000
MAX_TAGS = 20
AUTOMATION_ID = "aiplan/"


def information_uri() -> str | None:
    """The project's page, as the installed package's metadata names it
    (``[project.urls]`` in pyproject.toml): the repository if it names one."""
    try:
        from importlib.metadata import PackageNotFoundError, metadata  # ~25 ms: only for SARIF
    except ImportError:  # pragma: no cover
        return None
    try:
        entries = metadata("aiplan").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    return project_page(entries)


def project_page(entries: list[str]) -> str | None:
    """Of ``Project-URL`` entries (``label, url``), the https page to link: the first of
    repository, source, homepage and documentation it names (labels in any case), else
    the first https URL."""
    urls: dict[str, str] = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        if url.strip().startswith("https://"):
            urls[label.strip().lower()] = url.strip()
    for label in ("repository", "source", "homepage", "documentation"):
        if label in urls:
            return urls[label]
    return next(iter(urls.values()), None)


def _entries(run, include_suppressed: bool) -> list[tuple]:
    """``(finding, suppression, baseline state)`` for every result the report holds.

    By default only the findings that count: GitHub code scanning ignores
    ``suppressions`` and ``baselineState`` and would open an alert for a
    finding waived inline or known to the baseline. With ``include_suppressed``
    those are results too, marked suppressed (``inSource`` with the comment's
    reason; ``external`` naming the baseline), and with ``--baseline`` every
    result has a ``baselineState`` (``unchanged`` for what the baseline
    records, ``new`` otherwise: it never records waived findings)."""
    baseline = run.baseline
    if not include_suppressed:
        return [(finding, None, None) for finding in run.findings]
    new = "new" if baseline is not None else None
    entries: list[tuple[Finding, dict[str, str] | None, str | None]] = [
        (finding, None, new) for finding in run.findings]
    for finding in sorted(run.suppressed, key=lambda f: f.sort_key()):
        suppression = {"kind": "inSource"}
        if finding.justification:
            suppression["justification"] = finding.justification
        entries.append((finding, suppression, new))
    if baseline is not None:
        waiver = {"kind": "external", "justification": f"recorded in the baseline {baseline.file}"}
        entries += [(finding, waiver, "unchanged") for finding in baseline.known]
    return entries


def _cap(entries: list[tuple], limit: int) -> list[tuple]:
    """At most ``limit`` entries: the most severe (unsuppressed before
    suppressed, then file order), kept in their order."""
    if len(entries) <= limit:
        return entries
    ranked = sorted(range(len(entries)),
                    key=lambda i: (entries[i][1] is not None, -entries[i][0].severity.rank, i))
    kept = sorted(ranked[:limit])
    return [entries[i] for i in kept]


def cap_note(total: int, kept: int) -> str | None:
    """What a capped report says, in the run and on the console."""
    if total <= kept:
        return None
    return (f"SARIF report capped: {total - kept} of {total} results left out, because GitHub code scanning "
            f"rejects a run with more than {MAX_RESULTS:,} results; kept the {kept:,} most severe. "
            "The text or JSON report lists every finding.")


def overflow(run, *, include_suppressed: bool = False, limit: int | None = None) -> str | None:
    """The console note for a report :func:`payload` would cap, or ``None``."""
    total = len(_entries(run, include_suppressed))
    return cap_note(total, min(total, MAX_RESULTS if limit is None else limit))


# GitHub Advanced Security for Azure DevOps wants the pipeline in automationDetails;
# the agent exposes it in these predefined variables.
_AZURE_PIPELINE = {
    "buildDefinitionId": "SYSTEM_DEFINITIONID",
    "buildDefinitionName": "BUILD_DEFINITIONNAME",
    "phaseId": "SYSTEM_PHASEID",
    "phaseName": "SYSTEM_PHASENAME",
}
_AZURE_PREFIX = "azuredevops/pipeline/build/"


def automation_details(environ=None) -> dict:
    """``runAutomationDetails``: GitHub derives the analysis category from
    the id (up to its last ``/``); under Azure Pipelines, the pipeline as
    GitHub Advanced Security for Azure DevOps requires it."""
    environ = os.environ if environ is None else environ
    values = {key: environ.get(variable, "") for key, variable in _AZURE_PIPELINE.items()}
    if environ.get("TF_BUILD", "").lower() != "true" or not all(values.values()):
        return {"id": AUTOMATION_ID}
    return {"id": f"{_AZURE_PREFIX}{values['buildDefinitionName']}/{AUTOMATION_ID}",
            "properties": {_AZURE_PREFIX + key: value for key, value in values.items()}}


def _fallback_descriptor(finding) -> dict:
    # A finding whose rule the run does not know (a rule set changed under a
    # cache?): still described, so every result has a rule.
    level = LEVELS[finding.severity]
    return {"id": finding.rule, "name": finding.name or finding.rule,
            "shortDescription": {"text": finding.name or finding.rule},
            "fullDescription": {"text": finding.name or finding.rule},
            "help": {"text": finding.rule, "markdown": finding.rule},
            "defaultConfiguration": {"level": level}, "properties": {"tags": ["aiplan"]}}


def payload(run, rules, *, paths=None, include_suppressed: bool = False, limit: int | None = None,
            environ=None) -> dict:
    """The SARIF log. ``rules`` must hold every rule of the run, policy packs'
    included; a finding of any other rule gets a minimal descriptor."""
    paths = paths or Paths.for_run()
    all_entries = _entries(run, include_suppressed)
    entries = _cap(all_entries, MAX_RESULTS if limit is None else limit)

    descriptors = {rule_id: _rule_descriptor(rules[rule_id]) for rule_id in rules}
    for finding, _, _ in entries:
        if finding.rule not in descriptors:
            descriptors[finding.rule] = _fallback_descriptor(finding)
    ordered = [descriptors[key] for key in sorted(descriptors)]
    if len(ordered) > MAX_RULES:  # keep the rules results refer to
        used = {finding.rule for finding, _, _ in entries}
        ordered = [d for d in ordered if d["id"] in used][:MAX_RULES]
    rule_index = {descriptor["id"]: index for index, descriptor in enumerate(ordered)}

    lines_of = linted_lines(run, paths)
    fingerprints = line_fingerprints([finding for finding, _, _ in entries], lines_of)

    def line_length(finding) -> int | None:
        lines = lines_of(finding.path)
        if lines is None or not 0 < finding.line <= len(lines):
            return None
        return len(lines[finding.line - 1])

    results = [_result(finding, rule_index, paths, fingerprints.get(index), suppression, state, line_length)
               for index, (finding, suppression, state) in enumerate(entries)]

    notifications: list[dict[str, Any]] = []
    for error in run.internal_errors:
        notification: dict[str, Any] = {"level": "error", "message": {"text": error.describe()}}
        if error.rule:
            rule_ref: dict[str, Any] = {"id": error.rule}
            if error.rule in rule_index:
                rule_ref["index"] = rule_index[error.rule]
            notification["associatedRule"] = rule_ref
        if error.path:
            notification["locations"] = [{"physicalLocation": {"artifactLocation": artifact_location(error.path, paths)}}]
        notifications.append(notification)
    failed = bool(notifications)
    note = cap_note(len(all_entries), len(entries))
    if note:
        notifications.append({"level": "warning", "message": {"text": note},
                              "descriptor": {"id": "aiplan/results-capped"}})

    invocation: dict[str, Any] = {"executionSuccessful": not failed}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    driver: dict[str, Any] = {
        "name": "aiplan",
        "fullName": f"aiplan {__version__} (policy-as-code linter for AI project plans)",
        "version": __version__,
        "semanticVersion": __version__,
    }
    uri = information_uri()
    if uri:
        driver["informationUri"] = uri
    driver["rules"] = ordered
    sarif_run = {
        "tool": {"driver": driver},
        "automationDetails": automation_details(environ),
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if note:
        sarif_run["properties"] = {"resultsCapped": {"total": len(all_entries), "kept": len(entries)}}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [sarif_run]}


def render(run, rules, *, paths=None, include_suppressed: bool = False, **_options) -> str:
    # ensure_ascii keeps the document valid UTF-8 even for lone surrogates from a path.
    document = json.dumps(payload(run, rules, paths=paths, include_suppressed=include_suppressed),
                          indent=2, ensure_ascii=True)
    return inert_json(document) + "\n"
