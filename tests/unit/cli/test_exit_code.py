"""cli.common.exit_code, the one place an exit code is decided: every branch and their order."""

from __future__ import annotations

import dataclasses

import pytest

from aiplan.cli.common import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, exit_code
from aiplan.core.findings import FileResult, InternalError, Severity

from ci_support import finding, run_of

WARNING = FileResult("a.aiplan.yaml", findings=(finding(path="a.aiplan.yaml", severity=Severity.WARNING),))
CLEAN = FileResult("b.aiplan.yaml")
FAILED = InternalError("acme", "ACME001", "raised KeyError", "a.aiplan.yaml")


def fail_on(severity):
    return lambda path: severity


@pytest.mark.parametrize("run, options, code", [
    (run_of(CLEAN), {"fail_on": fail_on(Severity.INFO)}, EXIT_OK),
    (run_of(WARNING), {"fail_on": fail_on(Severity.ERROR)}, EXIT_OK),
    (run_of(WARNING), {"fail_on": fail_on(Severity.WARNING)}, EXIT_FINDINGS),
    (run_of(WARNING, CLEAN), {"fail_on": lambda path: Severity.INFO if path == "b.aiplan.yaml" else Severity.ERROR},
     EXIT_OK),  # each file's own threshold
    (run_of(WARNING), {}, EXIT_OK),  # no threshold: findings never fail (report, --write-baseline)
    (run_of(WARNING), {"fail_on": fail_on(Severity.INFO), "exit_zero": True}, EXIT_OK),
    (run_of(WARNING, errors=(FAILED,)), {"fail_on": fail_on(Severity.INFO), "exit_zero": True}, EXIT_INTERNAL),
    (run_of(CLEAN, errors=(FAILED,)), {}, EXIT_INTERNAL),
    (run_of(CLEAN, errors=(FAILED,)), {"report_failed": True}, EXIT_USAGE),
    (run_of(CLEAN), {"fixes_pending": True}, EXIT_FINDINGS),
    (run_of(CLEAN), {"write_errors": [("a.aiplan.yaml", "read-only")]}, EXIT_USAGE),
    (run_of(WARNING), {"fail_on": fail_on(Severity.INFO), "write_errors": [("a", "x")]}, EXIT_USAGE),
    (run_of(CLEAN, errors=(FAILED,)), {"write_errors": [("a", "x")]}, EXIT_INTERNAL),
])
def test_exit_code(run, options, code):
    assert exit_code(run, **options) == code


def test_a_run_result_is_immutable_and_transformed_into_new_ones():
    run = run_of(WARNING)
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.errors = ()
    more = run.with_errors([FAILED])
    assert more.errors == (FAILED,) and run.errors == () and more.files == run.files == (WARNING,)
