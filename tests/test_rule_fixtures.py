"""Every rule's fixture plans: ``tests/fixtures/rules/<RULE>/*.aiplan.yaml``.

Each fixture states what it must produce in header comments, one per finding:
``# expect: FT001 7:3``; or ``# expect: none`` for a plan that must stay clean.
The fixture is linted with only its rule selected, so a passing variant proves
the rule stays quiet and a failing one proves it fires at the right node.
"""

import pathlib
import re

import pytest

from aiplan.lint.config import LintConfig
from aiplan.lint.engine import LintContext, lint_file
from aiplan.plugins.manager import load_rule_set

RULE_FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "rules"
EXPECT = re.compile(r"^#\s*expect:\s*(.+?)\s*$", re.MULTILINE)
OPTIONS = re.compile(r"^#\s*options:\s*(\{.*\})\s*$", re.MULTILINE)


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
    ctx = LintContext.build(rules, LintConfig(select=(rule_id,), rule_options={rule_id: options} if options else {}))
    result = lint_file(str(path), path.name, ctx)
    assert not result.errors, result.errors
    got = sorted((f.rule, f.line, f.column) for f in result.findings)
    assert got == expected
    for finding in result.findings:
        assert finding.message and finding.fix, finding


def test_every_rule_has_failing_and_passing_fixtures(rules):
    missing = []
    for rule_id in rules:
        folder = RULE_FIXTURES / rule_id
        names = [p.name for p in folder.glob("*.aiplan.yaml")]
        if not any(n.startswith("fail") for n in names) or not any(n.startswith("pass") for n in names):
            missing.append(rule_id)
    # PLAN007/PLAN008 need generated inputs (bombs, binary files): tested in test_loader.
    assert sorted(set(missing) - {"PLAN007", "PLAN008"}) == []
