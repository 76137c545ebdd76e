"""``--format json``: one JSON document with a ``findings`` list (the output contract)."""

from __future__ import annotations

import json

from aiplan import __version__
from aiplan.reporters.logsafe import inert_json


def payload(run, rules) -> dict:
    return {
        "version": __version__,
        "findings": [finding.to_dict() for finding in run.findings],
        # Waived by inline suppressions: not failing, but visible with their reason.
        "suppressed": [dict(finding.to_dict(), justification=finding.justification)
                       for finding in run.suppressed],
        "errors": [
            {"plugin": e.plugin, "rule": e.rule, "path": e.path, "message": e.message}
            for e in run.internal_errors
        ],
        "summary": {
            "files": len(run.files),
            "findings": len(run.findings),
            "by_severity": run.counts(),
            "suppressed": len(run.suppressed),
            "internal_errors": len(run.internal_errors),
            "fixed": getattr(run, "fixed", None) or 0,
            "fixable": sum(1 for finding in run.findings if finding.fix_available),
        },
    }


def _with_baseline(document: dict, run) -> dict:
    baseline = getattr(run, "baseline", None)
    if baseline is not None:
        document["baseline"] = baseline.to_dict()
        document["summary"]["baselined"] = baseline.matched
    return document


def render(run, rules, **_options) -> str:
    # ensure_ascii keeps the document valid even for lone surrogates from a plan.
    document = json.dumps(_with_baseline(payload(run, rules), run), indent=2, ensure_ascii=True)
    return inert_json(document) + "\n"
