"""Every rule's fixture plans: ``tests/fixtures/rules/<RULE>/*.aiplan.yaml``.

Each fixture states what it must produce in header comments, one per finding:
``# expect: FT001 7:3``; or ``# expect: none`` for a plan that must stay clean.
The fixture is linted with only its rule selected, so a passing variant proves
the rule stays quiet and a failing one proves it fires at the right node. A rule
that depends on another rule being enabled names it, ``# with: EVID002``; only
the fixture's own rule's findings are compared.
"""

import pathlib
import re

import pytest

from aiplan.config.selection import LintConfig, build_context
from aiplan.lint.engine import lint_file
from aiplan.plugins.manager import load_rule_set

RULE_FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "rules"
EXPECT = re.compile(r"^#\s*expect:\s*(.+?)\s*$", re.MULTILINE)
OPTIONS = re.compile(r"^#\s*options:\s*(\{.*\})\s*$", re.MULTILINE)
WITH = re.compile(r"^#\s*with:\s*([A-Z0-9, ]+)", re.MULTILINE)


def selection(path: pathlib.Path, rule_id: str) -> tuple[str, ...]:
    """The fixture's rule and the rules it says it needs enabled beside it."""
    extra = WITH.search(path.read_text(encoding="utf-8"))
    return (rule_id, *(extra.group(1).replace(",", " ").split() if extra else ()))


def _fixtures():
    return [pytest.param(path, id=f"{path.parent.name}/{path.name}")
            for path in sorted(RULE_FIXTURES.glob("*/*.aiplan.yaml"))]


def _expected(path: pathlib.Path):
    text = path.read_text(encoding="utf-8")
    expected = []
    for line in EXPECT.findall(text):
        if line == "none":
            continue
        rule, position = line.split()
        row, column = position.split(":")
        expected.append((rule, int(row), int(column)))
    options = OPTIONS.search(text)
    import json

    return sorted(expected), (json.loads(options.group(1)) if options else {})


@pytest.fixture(scope="module")
def rules():
    return load_rule_set(entry_points=False).rules


@pytest.mark.parametrize("path", _fixtures())
def test_fixture(path, rules):
    rule_id = path.parent.name
    assert rule_id in rules, f"fixture folder {rule_id} names no rule"
    expected, options = _expected(path)
    assert EXPECT.search(path.read_text(encoding="utf-8")), f"{path} has no '# expect:' line"
    ctx = build_context(rules, LintConfig(select=selection(path, rule_id),
                                          rule_options={rule_id: options} if options else {}))
    result = lint_file(str(path), path.name, ctx)
    assert not result.errors, result.errors
    own = [f for f in result.findings if f.rule == rule_id]
    got = sorted((f.rule, f.line, f.column) for f in own)
    assert got == expected
    for finding in own:
        assert finding.message and finding.fix, finding


def test_every_rule_has_failing_and_passing_fixtures(rules):
    missing = []
    # Every built-in rule (the catalogue as the code declares it; its names, severities and
    # options are pinned by tests/snapshots/rules.txt and explain.txt).
    for rule_id in rules:
        folder = RULE_FIXTURES / rule_id
        names = [p.name for p in folder.glob("*.aiplan.yaml")]
        if not any(n.startswith("fail") for n in names) or not any(n.startswith("pass") for n in names):
            missing.append(rule_id)
    # PLAN007/PLAN008 need generated inputs (bombs, binary files): tested in test_loader.
    assert sorted(set(missing) - {"PLAN007", "PLAN008"}) == []
