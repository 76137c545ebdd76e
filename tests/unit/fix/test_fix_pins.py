"""Exact text of what --fix writes and --diff prints, and of the reasons it
refuses to write (surviving mutants of issue 13)."""

import os
import stat

import pytest

from aiplan.core.findings import FileResult
from aiplan.fix.fixer import FixResult, FixWriteError, unified_diff, write_fixed
from aiplan.lint.edits import render_scalar


@pytest.mark.parametrize("original, old, new, expected", [
    ("'1'", "1", 1, "1"),                  # quotes dropped: the fix makes it a number
    ('"1.50"', "1.50", 1.5, "1.50"),       # a string that spells the number keeps its digits
    ('"1.50"', "1.50", 2.5, "2.5"),
    ('"2"', "2", 2.0, "2.0"),              # same value, other type: written as the new type
    ("'1'", "1", True, "true"),
    ("'1'", "1", False, "false"),
    ("'1'", "1", None, "null"),
    ("&a '1'", "1", 7, "&a 7"),            # the anchor stays
    ("'1'", "1", float("inf"), None),      # not a plain YAML number: no fix
    ("'1'", "1", float("nan"), None),
])
def test_a_non_string_replacement_is_written_plain(original, old, new, expected):
    assert render_scalar(original, old, new) == expected


def test_unified_diff_of_a_file_without_a_final_line_break():
    assert unified_diff("plan.aiplan.yaml", b"a: 1\nb: 2", b"a: 1\nb: 3") == (
        "--- a/plan.aiplan.yaml\n+++ b/plan.aiplan.yaml\n@@ -1,2 +1,2 @@\n a: 1\n"
        "-b: 2\n\\ No newline at end of file\n+b: 3\n\\ No newline at end of file\n")


def test_unified_diff_keeps_carriage_returns_and_strips_the_leading_slash():
    assert unified_diff("/tmp/plan.aiplan.yaml", b"a: 1\rb: 2\r", b"a: 1\rb: 3\r") == (
        "--- a/tmp/plan.aiplan.yaml\n+++ b/tmp/plan.aiplan.yaml\n@@ -1,2 +1,2 @@\n a: 1\r-b: 2\r+b: 3\r")


def test_unified_diff_reads_utf16_and_replaces_undecodable_bytes():
    before, after = "a: é\n".encode("utf-16"), "a: è\n".encode("utf-16")
    assert unified_diff("p", before, after).splitlines()[-2:] == ["-a: é", "+a: è"]
    assert unified_diff("p", b"a: \xff\n", b"a: 1\n").splitlines()[-2:] == ["-a: \ufffd", "+a: 1"]


def _result(original: bytes, fixed: bytes) -> FixResult:
    return FixResult(original, fixed, FileResult("p"), FileResult("p"))


def test_write_fixed_keeps_the_permissions(tmp_path):
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_bytes(b"a: 1\n")
    os.chmod(plan, 0o640)
    write_fixed(str(plan), _result(b"a: 1\n", b"a: 2\n"))
    assert plan.read_bytes() == b"a: 2\n"
    assert stat.S_IMODE(plan.stat().st_mode) == 0o640


@pytest.mark.parametrize("mode", [0o444, 0o445, 0o555])
def test_write_fixed_refuses_a_file_nobody_may_write(tmp_path, mode):
    # Checked on the mode bits, so that it holds for root too.
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_bytes(b"a: 1\n")
    os.chmod(plan, mode)
    with pytest.raises(FixWriteError) as raised:
        write_fixed(str(plan), _result(b"a: 1\n", b"a: 2\n"))
    assert str(raised.value) == "it is read-only"
    assert plan.read_bytes() == b"a: 1\n"


def test_write_fixed_refuses_what_is_no_longer_a_regular_file(tmp_path):
    plan = tmp_path / "p.aiplan.yaml"
    plan.mkdir()
    with pytest.raises(FixWriteError) as raised:
        write_fixed(str(plan), _result(b"a: 1\n", b"a: 2\n"))
    assert str(raised.value) == "it is not a regular file any more"


def test_write_fixed_refuses_a_file_changed_since_it_was_read(tmp_path):
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_bytes(b"a: 1\n# edited\n")
    with pytest.raises(FixWriteError) as raised:
        write_fixed(str(plan), _result(b"a: 1\n", b"a: 2\n"))
    assert str(raised.value) == "it changed on disk while aiplan was fixing it; run aiplan again"


def test_write_fixed_reports_a_missing_file_by_its_system_message(tmp_path):
    with pytest.raises(FixWriteError) as raised:
        write_fixed(str(tmp_path / "gone.aiplan.yaml"), _result(b"a: 1\n", b"a: 2\n"))
    assert str(raised.value) == os.strerror(2)
