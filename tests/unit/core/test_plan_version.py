"""The version gate (PLAN003) names the value it saw in the plan's notation, not Python's."""

import pytest

from aiplan.core.plan import version_problem


@pytest.mark.parametrize("version, shown", [
    (2, "2"), ("2", "'2'"), (True, "true"), (None, "null"), ([1], "a list"), ({"v": 1}, "a mapping"),
    ("it's", "'it's'"),
])
def test_an_unsupported_version_is_quoted_as_the_plan_writes_it(version, shown):
    lint_it, violation = version_problem({"aiplan": version})
    assert lint_it is False
    assert violation.message == f"`aiplan` is {shown}; this aiplan supports format version 1 only"


@pytest.mark.parametrize("version, shown", [("1", "'1' (a string)"), (1.0, "1.0 (a float)")])
def test_a_version_meant_as_1_is_linted_and_reported(version, shown):
    lint_it, violation = version_problem({"aiplan": version})
    assert lint_it is True
    assert violation.message == f"`aiplan` is {shown}; the format version is the integer 1"


def test_version_1_passes():
    assert version_problem({"aiplan": 1}) == (True, None)
