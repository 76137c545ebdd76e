"""How --fix is wired: one time budget per file shared by every lint of its fix run, the
file's own path and limits when re-parsing, standard input, write errors, and an editor's
quick fix of one finding (`fix_one`). Pins what the mutation run of issue 13 showed untested."""

import dataclasses
import time

import pytest

from aiplan.core.budget import Watchdog
from aiplan.core.paths import STDIN, Target
from aiplan.fix import fixer
from aiplan.fix.fixer import FixResult, FixWriteError, fix_one, fix_targets, unified_diff, write_fixed
from aiplan.lint.engine import lint_bytes
from aiplan.parse.loader import Limits
from aiplan.testing import build_context

# Renaming `held_0ut` lets the schema see `sise` under it for the first time: a fix that is
# accepted only when the re-parse finds the renamed key (the fixer's `parse`).
REVEAL = (b"aiplan: 1\nname: Reveal\nfine_tuning:\n  evaluation:\n    held_0ut:\n"
          b"      sise: 600\n      covers: [target_task]\n")
TWO_FIXES = b"aiplan: 1\nname: Two\napproach: finetuning\nuse_case:\n  data_sensitivity: Confidential\n"


def _context(**config):
    ctx = build_context()
    return dataclasses.replace(ctx, config=dataclasses.replace(ctx.config, **config))


@pytest.fixture
def recorded(monkeypatch):
    """Every lint and re-parse the fixer makes, with what it passed."""
    calls = {"lint": [], "parse": []}
    real_lint, real_parse = fixer.lint_bytes, fixer.load_bytes

    def lint(data, display_path, ctx, **options):
        calls["lint"].append((display_path, options))
        return real_lint(data, display_path, ctx, **options)

    def parse(data, *args):
        calls["parse"].append(args)
        return real_parse(data, *args)

    monkeypatch.setattr(fixer, "lint_bytes", lint)
    monkeypatch.setattr(fixer, "load_bytes", parse)
    return calls


def test_every_lint_of_a_files_fix_run_shares_one_budget_and_the_runs_watchdog(tmp_path, recorded):
    plan = tmp_path / "plan.aiplan.yaml"
    plan.write_bytes(REVEAL)
    limits = Limits(max_findings=9_999)
    ctx = _context(rule_timeout=7.0, file_timeout=50.0, limits=limits)
    started = time.monotonic()
    run, fixes = fix_targets([Target(str(plan), "shown.aiplan.yaml", True)], ctx, write=False)
    finished = time.monotonic()

    assert fixes.results[0][1].fixed == REVEAL.replace(b"held_0ut", b"held_out").replace(b"sise", b"size")
    assert len(recorded["lint"]) >= 3  # the first lint and one per round
    budgets = {id(options["budget"]): options["budget"] for _, options in recorded["lint"]}
    [budget] = budgets.values()
    assert isinstance(budget.watchdog, Watchdog)
    assert (budget.rule_seconds, budget.file_seconds) == (7.0, 50.0)
    # One deadline for the whole fix run, set when it started.
    assert started + 50.0 <= budget.file_deadline <= finished + 50.0
    assert {(shown, options["base_dir"]) for shown, options in recorded["lint"]} == {
        ("shown.aiplan.yaml", str(tmp_path))}
    # The renamed key is found by re-parsing with the file's own path and limits.
    assert recorded["parse"] and set(recorded["parse"]) == {("shown.aiplan.yaml", limits)}
    assert run.fixed == 2 and run.files == (fixes.results[0][1].after,)


def test_standard_input_is_fixed_with_the_same_wiring_and_the_working_directory(tmp_path, monkeypatch, recorded):
    monkeypatch.chdir(tmp_path)
    limits = Limits(max_findings=9_999)
    ctx = _context(rule_timeout=7.0, file_timeout=50.0, limits=limits)
    started = time.monotonic()
    run, fixes = fix_targets([Target(STDIN, "piped.aiplan.yaml", True)], ctx, write=True, stdin=REVEAL)
    finished = time.monotonic()

    [(target, result)] = fixes.results
    assert target.real_path == STDIN
    assert result.original == REVEAL and len(result.applied) == 2
    [budget] = {id(options["budget"]): options["budget"] for _, options in recorded["lint"]}.values()
    assert isinstance(budget.watchdog, Watchdog)
    assert (budget.rule_seconds, budget.file_seconds) == (7.0, 50.0)
    assert started + 50.0 <= budget.file_deadline <= finished + 50.0
    assert {(shown, options["base_dir"]) for shown, options in recorded["lint"]} == {
        ("piped.aiplan.yaml", str(tmp_path))}
    assert set(recorded["parse"]) == {("piped.aiplan.yaml", limits)}
    assert list(tmp_path.iterdir()) == []  # standard input is never written anywhere


def test_without_a_file_timeout_the_fix_run_has_no_deadline(tmp_path, recorded):
    plan = tmp_path / "plan.aiplan.yaml"
    plan.write_bytes(TWO_FIXES)
    fix_targets([Target(str(plan), "plan.aiplan.yaml", True)], _context(file_timeout=None), write=False)
    assert {options["budget"].file_deadline for _, options in recorded["lint"]} == {None}


def test_standard_input_without_bytes_is_an_empty_plan():
    # A context rather than a function choosing one per target is used for every target.
    ctx = build_context()
    run, fixes = fix_targets([Target(STDIN, "-", True)], ctx, write=False, stdin=None)
    [(_, result)] = fixes.results
    assert (result.original, result.fixed, result.applied) == (b"", b"", ())
    assert result.before.findings == lint_bytes(b"", "-", ctx).findings
    assert run.fixed == 0


def test_a_file_that_cannot_be_written_is_reported_as_it_was_read(tmp_path):
    plan = tmp_path / "plan.aiplan.yaml"
    plan.write_bytes(TWO_FIXES)
    plan.chmod(0o444)
    run, fixes = fix_targets([Target(str(plan), "plan.aiplan.yaml", True)], build_context(), write=True)
    assert fixes.write_errors == [("plan.aiplan.yaml", "it is read-only")]
    [(_, result)] = fixes.results
    assert (result.original, result.fixed, result.applied) == (TWO_FIXES, TWO_FIXES, ())
    assert result.before is result.after and result.before.findings
    assert [f.rule for f in result.before.findings].count("PLAN002") == 2  # its fixable findings remain
    assert run.files == (result.before,) and run.fixed == 0 and fixes.fixed == 0
    assert plan.read_bytes() == TWO_FIXES


def test_each_directory_is_cleaned_of_stale_temporaries_once(tmp_path, monkeypatch):
    cleaned = []
    monkeypatch.setattr(fixer, "remove_stale_temporaries", cleaned.append)
    targets = []
    for name in ("a", "b"):
        plan = tmp_path / f"{name}.aiplan.yaml"
        plan.write_bytes(TWO_FIXES)
        targets.append(Target(str(plan), plan.name, True))
    fix_targets(targets, lambda target: build_context(), write=True)
    assert cleaned == [str(tmp_path)]
    assert all((tmp_path / target.display_path).read_bytes() != TWO_FIXES for target in targets)


# --------------------------------------------------------------------------
# Writing and diffs


def test_a_write_failure_without_a_system_message_is_reported_by_its_text(tmp_path, monkeypatch):
    plan = tmp_path / "plan.aiplan.yaml"
    plan.write_bytes(b"a: 1\n")

    def fail(*args, **kwargs):
        raise OSError("the disk said no")

    monkeypatch.setattr(fixer, "atomic_write", fail)
    with pytest.raises(FixWriteError) as raised:
        write_fixed(str(plan), FixResult(b"a: 1\n", b"a: 2\n", None, None))
    assert str(raised.value) == "the disk said no"


def test_unified_diff_of_one_line_without_a_line_break():
    assert unified_diff("Xplan.yaml", b"a: 1", b"a: 2") == (
        "--- a/Xplan.yaml\n+++ b/Xplan.yaml\n@@ -1 +1 @@\n"
        "-a: 1\n\\ No newline at end of file\n+a: 2\n\\ No newline at end of file\n")


# --------------------------------------------------------------------------
# An editor's quick fix: one finding's edits alone


def _findings(ctx, data):
    before = lint_bytes(data, "p", ctx)
    return before, [f for f in before.findings if f.edits]


def test_fix_one_applies_only_the_chosen_findings_edits():
    ctx = build_context()
    before, [approach, sensitivity] = _findings(ctx, TWO_FIXES)
    lint = lambda data: lint_bytes(data, "p", ctx)  # noqa: E731
    assert fix_one(TWO_FIXES, before, approach, lint) == TWO_FIXES.replace(b"finetuning", b"fine_tuning")
    assert fix_one(TWO_FIXES, before, sensitivity, lint) == TWO_FIXES.replace(b"Confidential", b"confidential")


def test_fix_one_keeps_the_encoding_and_byte_order_mark():
    ctx = build_context()
    data = "\ufeffaiplan: 1\nname: Two\napproach: finetuning\n".encode("utf-16-le")
    before, [approach] = _findings(ctx, data)
    fixed = fix_one(data, before, approach, lambda b: lint_bytes(b, "p", ctx))
    assert fixed == "\ufeffaiplan: 1\nname: Two\napproach: fine_tuning\n".encode("utf-16-le")


def test_fix_one_re_parses_to_accept_a_rename_that_reveals_findings():
    ctx = build_context()
    before, [held_out] = _findings(ctx, REVEAL)
    lint = lambda data: lint_bytes(data, "p", ctx)  # noqa: E731
    renamed = REVEAL.replace(b"held_0ut", b"held_out")
    assert fix_one(REVEAL, before, held_out, lint) == renamed
    parsed = []
    assert fix_one(REVEAL, before, held_out, lint,
                   parse=lambda data: parsed.append(data) or fixer.load_bytes(data)) == renamed
    assert parsed == [renamed]
    # A parse that finds no renamed key: the new finding under it is not accepted.
    assert fix_one(REVEAL, before, held_out, lint, parse=lambda data: fixer.load_bytes(b"")) is None


def test_fix_one_declines_what_it_cannot_or_may_not_fix():
    ctx = build_context()
    before, [approach, _] = _findings(ctx, TWO_FIXES)
    lint = lambda data: lint_bytes(data, "p", ctx)  # noqa: E731
    unfixable = next(f for f in before.findings if not f.edits)
    assert fix_one(TWO_FIXES, before, unfixable, lint) is None
    # A finding of another lint (the text changed since): not this text's to fix.
    other = dataclasses.replace(approach, line=approach.line + 1)
    assert fix_one(TWO_FIXES, before, other, lint) is None
    # Bytes that would not come back identical are never touched.
    undecodable = TWO_FIXES + b"# caf\xe9\n"
    assert fix_one(undecodable, before, approach, lint) is None
    # A fix that does not remove its finding is refused.
    assert fix_one(TWO_FIXES, before, approach, lambda data: before) is None


# --------------------------------------------------------------------------
# Renamed keys


@pytest.mark.parametrize("path, parents, expected", [
    (("a", "b"), [("a",)], True),
    (("a", "b", "c"), [("x",), ("a", "b")], True),
    (("a",), [("a",)], False),          # the renamed key itself is not under it
    (("b", "c"), [("a",)], False),
    (("a",), [("a", "b")], False),
    (("a", "b"), [], False),
])
def test_a_finding_is_under_a_renamed_key_only_strictly_below_it(path, parents, expected):
    assert fixer._under(path, parents) is expected

