"""IDs of the rules about the document itself (the PLAN family), declared once.

Their documentation and severity are in :mod:`aiplan.rules.plan`; the loader,
the engine, the suppressions and the fixer report or recognise them by these names.
"""

from __future__ import annotations

FORM_FAMILY = "PLAN"


def canonical_rule_id(written: str) -> str:
    """A rule ID or selector as written in a configuration file, on the command line or in a
    suppression comment, as it is matched: stripped and upper-case (``ft003`` is FT003), in
    `select`, `ignore`, `[severity]` and `[rules.ID]` alike. Rules declare theirs in capitals."""
    return written.strip().upper()


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

# The problems of the document itself that other findings may follow from (it
# cannot be read, parsed or validated as written): every report lists a
# document's findings with these first (aiplan.core.findings.Finding.sort_key).
# Suppression bookkeeping (PLAN005, PLAN006) is about comments, not a cause.
ROOT_CAUSES = frozenset({SYNTAX, SCHEMA, VERSION, DUPLICATE_KEY, RESOURCE_LIMIT, UNREADABLE})


def root_cause_rank(rule_id: str) -> int:
    """0 for a finding other findings of its document may follow from, 1 otherwise."""
    return 0 if rule_id in ROOT_CAUSES else 1
