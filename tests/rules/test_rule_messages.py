"""The exact words of every rule's findings on its fixtures (issue 13: tests
that pin what is said, not only that something is said).

``tests/fixtures/rules/<RULE>/`` holds a fixture for each branch of a rule, and
``test_rule_fixtures.py`` checks where each finding is. This test pins what it
says: message, fix hint, span and the edits ``--fix`` would make, for every
fixture of the rule, in ``tests/snapshots/messages/<RULE>.txt``. A change to an
alternative branch of a message or hint fails here, with a readable diff. When a
wording changes on purpose::

    pytest tests/rules/test_rule_messages.py --update-snapshots
    git diff tests/snapshots/messages/
"""

import pytest

from aiplan.config.selection import LintConfig, build_context
from aiplan.lint.engine import lint_file
from aiplan.plugins.manager import load_rule_set
from test_rule_fixtures import RULE_FIXTURES, _expected, selection


def _rule_folders():
    return sorted(path.name for path in RULE_FIXTURES.iterdir() if path.is_dir())


def render(rule_id: str, rules) -> str:
    lines = []
    for path in sorted(RULE_FIXTURES.joinpath(rule_id).glob("*.aiplan.yaml")):
        _, options = _expected(path)
        ctx = build_context(rules, LintConfig(select=selection(path, rule_id),
                                              rule_options={rule_id: options} if options else {}))
        result = lint_file(str(path), path.name, ctx)
        lines.append(f"# {path.name}")
        for finding in (f for f in result.findings if f.rule == rule_id):
            lines.append(f"{finding.line}:{finding.column}-{finding.end_line}:{finding.end_column} "
                         f"{finding.rule} {finding.severity} at {finding.yaml_path!r}")
            lines.append(f"  message: {finding.message}")
            lines.append(f"  fix: {finding.fix}")
            for edit in finding.edits:
                lines.append(f"  edit {edit.line}:{edit.column}-{edit.end_line}:{edit.end_column} "
                             f"{edit.original!r} -> {edit.content!r}")
            for related in finding.related:
                lines.append(f"  related {related.path}:{related.line} {related.message}")
        for error in result.errors:
            lines.append(f"  internal error: {error.describe()}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def rules():
    return load_rule_set(entry_points=False).rules


@pytest.mark.parametrize("rule_id", _rule_folders())
def test_rule_messages(rule_id, rules, snapshot):
    snapshot(f"messages/{rule_id}.txt", render(rule_id, rules))
