"""Output formats. Each module has ``render(run, rules, **options) -> str``;
those whose reports grow with the findings also have ``stream`` (the same text
in pieces, written as they are made).

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


def stream(name: str, run, rules, **options):
    """The ``name`` report in pieces: streamed where the format can, else whole."""
    module = get(name)
    if hasattr(module, "stream"):
        return module.stream(run, rules, **options)
    return iter((module.render(run, rules, **options),))
