"""Output formats. Each module has ``render(run, rules, **options) -> str``.

Imported lazily by name, so a run pays only for the format it prints.
"""

from __future__ import annotations

import importlib

FORMATS = {
    "text": "aiplan.reporters.text",
    "concise": "aiplan.reporters.concise",
    "json": "aiplan.reporters.json",
    "github": "aiplan.reporters.github",
    "sarif": "aiplan.reporters.sarif",
    "junit": "aiplan.reporters.junit",
    "gitlab": "aiplan.reporters.gitlab",
}


def get(name: str):
    return importlib.import_module(FORMATS[name])
