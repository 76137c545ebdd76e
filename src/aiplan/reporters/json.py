"""``--format json``: one JSON document with a ``findings`` list (the output contract)."""

from __future__ import annotations

import json

from aiplan import __version__


def payload(run, rules) -> dict:
    return {
        "version": __version__,
        "findings": [finding.to_dict() for finding in run.findings],
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


def render(run, rules, **_options) -> str:
    # ensure_ascii keeps the document valid even for lone surrogates from a plan.
    return json.dumps(payload(run, rules), indent=2, ensure_ascii=True) + "\n"
