"""Every output format, byte for byte, over the shipped examples and a
representative set of test fixtures (issue 13: tests that pin what is said).

The expected outputs are committed under ``tests/snapshots/``. When an output
changes on purpose, regenerate them and read the diff before committing::

    pytest tests/e2e/test_output_snapshots.py --update-snapshots
    git diff tests/snapshots/

(``AIPLAN_UPDATE_SNAPSHOTS=1`` does the same.) Commands run in-process from the
repository's root with relative paths, so outputs hold no temporary paths; the
only thing normalised is aiplan's own version, which the JSON, SARIF and HTML
reports state. Nothing in an output may depend on the time or the machine: a
snapshot that differs between two runs is a bug in the output, not in the test.
"""

import re

import pytest

from aiplan import __version__
from aiplan.plugins.manager import load_rule_set
from conftest import ROOT

# Beside the examples: real-looking plans (YAML and JSON), and fixtures for the
# findings about the document itself (syntax, schema, version, duplicate key,
# waivers, invalid waivers), which every format renders in its own way.
FIXTURES = (
    "tests/fixtures/plans/judgement",
    "tests/fixtures/plans/judgement-b/live-order-status.aiplan.json",
    "tests/fixtures/rules/PLAN001/fail-flow.aiplan.yaml",
    "tests/fixtures/rules/PLAN002/fail-typos.aiplan.yaml",
    "tests/fixtures/rules/PLAN003/fail-version-2.aiplan.yaml",
    "tests/fixtures/rules/PLAN004/fail-duplicate.aiplan.yaml",
    "tests/fixtures/rules/PLAN005/fail-no-reason.aiplan.yaml",
    "tests/fixtures/rules/PLAN005/pass-with-reason.aiplan.yaml",
    "tests/fixtures/rules/PLAN006/fail-unknown-rule.aiplan.yaml",
    "tests/fixtures/rules/FT006/fail-same-file.aiplan.yaml",
)
PLANS = ("examples", *FIXTURES)
# Serial and without third-party plugins: what is pinned is aiplan's own output.
LINT = ("lint", "--no-plugins", "-j", "1")

_VERSION = re.compile(r'(?<=aiplan )%s\b|(?<="version": ")%s(?=")|(?<="semanticVersion": ")%s(?=")'
                      % ((re.escape(__version__),) * 3))


def normalise(text: str) -> str:
    """aiplan's version -> ``<version>``: a release must not rewrite every snapshot."""
    return _VERSION.sub("<version>", text)


@pytest.fixture
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


LINT_CASES = {
    # snapshot name: (arguments after LINT, expected exit code)
    **{f"lint.{fmt}": (("--format", fmt, *PLANS), 1)
       for fmt in ("text", "concise", "json", "github", "sarif", "junit", "gitlab")},
    "lint.statistics": (("--statistics", *PLANS), 1),
    "lint.no-fix-hints": (("--no-fix-hints", *FIXTURES), 1),
    "lint.fail-on-warning": (("--fail-on", "warning", "--format", "concise", *FIXTURES), 1),
    "lint.clean": (("examples/support-copilot.aiplan.yaml",), 0),
    # Named one by one: the fix fixtures do not have plan-like names.
    "lint.diff": (("--diff", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests/fixtures/fix").glob("*.in.yaml"))), 1),
}

SUFFIX = {"json": ".json", "sarif": ".sarif", "junit": ".xml", "gitlab": ".json"}


def _file_name(name: str) -> str:
    fmt = name.split(".", 1)[1]
    return name + SUFFIX.get(fmt, ".txt")


@pytest.mark.parametrize("name", sorted(LINT_CASES))
def test_lint_output(name, cli, at_root, snapshot):
    arguments, exit_code = LINT_CASES[name]
    result = cli(*LINT, *arguments)
    snapshot(_file_name(name), normalise(result.output))
    assert result.exit_code == exit_code


def test_github_actions_console_and_step_summary(cli, at_root, tmp_path, snapshot):
    """Under GitHub Actions: the text report, one annotation per finding and the
    Markdown step summary appended to $GITHUB_STEP_SUMMARY."""
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    result = cli(*LINT, *PLANS, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    snapshot("lint.actions-console.txt", normalise(result.output))
    snapshot("lint.step-summary.md", summary.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_report(fmt, cli, at_root, snapshot):
    result = cli("report", "--no-plugins", "--format", fmt, *PLANS)
    assert result.exit_code == 0
    snapshot(f"report.{'md' if fmt == 'markdown' else 'html'}", normalise(result.output))


def test_report_of_one_plan(cli, at_root, snapshot):
    """One plan: no portfolio table."""
    result = cli("report", "--no-plugins", "examples/support-copilot.aiplan.yaml")
    assert result.exit_code == 0
    snapshot("report.one-plan.md", normalise(result.output))


def test_explain_every_rule(cli, snapshot):
    """``aiplan explain`` for every built-in rule, read from the catalogue."""
    rules = load_rule_set(entry_points=False).rules
    pieces = []
    for rule_id in sorted(rules):
        result = cli("explain", rule_id)
        assert result.exit_code == 0, (rule_id, result.output)
        pieces.append(f"$ aiplan explain {rule_id}\n{result.output}")
    snapshot("explain.txt", "\n".join(pieces))


def test_rules_listing(cli, snapshot):
    result = cli("rules", "--no-plugins")
    assert result.exit_code == 0
    snapshot("rules.txt", result.output)
