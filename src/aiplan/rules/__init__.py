"""The built-in rules, registered through the same hook as third-party plugins.

One module per rule family. Each module defines its rules at module level with
the :func:`aiplan.lint.rule.rule` decorator; this package collects them.
"""

from __future__ import annotations

import importlib

from aiplan.lint.rule import Rule
from aiplan.plugins.hookspecs import hookimpl

FAMILY_MODULES = (
    "aiplan.rules.plan",
    "aiplan.rules.baseline",
    "aiplan.rules.fine_tuning",
    "aiplan.rules.suppressions",
)


def builtin_rules() -> list[Rule]:
    found: list[Rule] = []
    for name in FAMILY_MODULES:
        module = importlib.import_module(name)
        found.extend(value for value in vars(module).values() if isinstance(value, Rule))
    return sorted(found, key=lambda item: item.id)


@hookimpl
def aiplan_rules():
    return builtin_rules()
