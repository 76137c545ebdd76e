"""IDs of the rules about the document itself (the PLAN family), declared once.

Their documentation and severity are in :mod:`aiplan.rules.plan`; the loader,
the engine, the suppressions and the fixer report or recognise them by these names.
"""

from __future__ import annotations

FORM_FAMILY = "PLAN"


def family_of(rule_id: str) -> str:
    """The family of a rule ID: its letters (``FT`` for ``FT001``, ``ECHO`` for ``ECHO001``)."""
    return rule_id.rstrip("0123456789")

SYNTAX = "PLAN001"            # invalid YAML (the loader)
SCHEMA = "PLAN002"            # the plan schema (a rule like any other)
VERSION = "PLAN003"           # no or unsupported `aiplan:` version (the engine's gate)
DUPLICATE_KEY = "PLAN004"     # a repeated mapping key (the loader)
NO_REASON = "PLAN005"         # a suppression comment without a reason (the engine)
UNUSED_SUPPRESSION = "PLAN006"  # a suppression that matched nothing (the engine)
RESOURCE_LIMIT = "PLAN007"    # a limit was reached (the loader and the engine)
UNREADABLE = "PLAN008"        # the file cannot be read or decoded (the loader)
