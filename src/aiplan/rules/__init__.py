"""The built-in rules, registered through the same hook as third-party plugins.

One module per rule family. Each module defines its rules at module level with
the :func:`aiplan.core.rule.rule` decorator; this package collects them.
"""

from __future__ import annotations

import importlib

from aiplan.core.rule import Rule
from aiplan.hooks import hookimpl

FAMILY_MODULES = (
    "aiplan.rules.plan",
    "aiplan.rules.gaps",
    "aiplan.rules.baseline",
    "aiplan.rules.fit",
    "aiplan.rules.accuracy",
    "aiplan.rules.rag",
    "aiplan.rules.fine_tuning",
    "aiplan.rules.evaluation",
    "aiplan.rules.evidence",
)

# The built-in families in the order of the framework (and of the rule reference).
FAMILY_TITLES = {
    "PLAN": "the document itself",
    "GAP": "clarify the problem first",
    "BASE": "prompt engineering before either",
    "FIT": "the approach matches the gap",
    "ACC": "the accuracy gap needs evaluation infrastructure",
    "RAG": "the data pipeline decides retrieval quality",
    "FT": "fine-tuning learns whatever it is given",
    "EVAL": "measure before and after",
    "EVID": "claims checked against the data they name",
}


def builtin_rules() -> list[Rule]:
    found: list[Rule] = []
    for name in FAMILY_MODULES:
        module = importlib.import_module(name)
        found.extend(value for value in vars(module).values() if isinstance(value, Rule))
    return sorted(found, key=lambda item: item.id)


@hookimpl
def aiplan_rules():
    return builtin_rules()
