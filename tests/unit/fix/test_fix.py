"""`aiplan lint --fix` and `--diff`: golden files, safety, writing, and the command line."""

import json
import os
import shutil
import stat
import subprocess

import pytest

from aiplan.core.findings import Edit, FileResult, Finding, Severity, TextEdit, Violation
from aiplan.fix.fixer import FixWriteError, apply_edits, fix_bytes, fix_file, unified_diff, write_fixed
from aiplan.lint.engine import lint_bytes
from aiplan.parse.loader import Limits
from aiplan.core.rule import rule
from aiplan.testing import build_context, fix_yaml, lint_yaml

from conftest import FIXTURES

GOLDEN = FIXTURES / "fix"
CASES = sorted(p.name[: -len(".in.yaml")] for p in GOLDEN.glob("*.in.yaml"))


def golden(name):
    return (GOLDEN / f"{name}.in.yaml").read_bytes(), (GOLDEN / f"{name}.out.yaml").read_bytes()


def copy_in(tmp_path, name, mode=0o644):
    target = tmp_path / f"{name}.aiplan.yaml"
    target.write_bytes((GOLDEN / f"{name}.in.yaml").read_bytes())
    os.chmod(target, mode)
    return target


def test_every_golden_case_has_an_expected_file():
    assert len(CASES) >= 15
    for name in CASES:
        assert (GOLDEN / f"{name}.out.yaml").exists(), name


def test_golden_files_are_stored_byte_exact():
    """git must not convert the CRLF and CR fixtures (see .gitattributes)."""
    assert b"\r\n" in (GOLDEN / "crlf.in.yaml").read_bytes()
    assert b"\n" not in (GOLDEN / "cr.in.yaml").read_bytes()
    assert (GOLDEN / "bom.in.yaml").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not (GOLDEN / "no-final-newline.in.yaml").read_bytes().endswith(b"\n")


# --------------------------------------------------------------------------
# Golden files through the command line


@pytest.mark.parametrize("name", CASES)
def test_fix_matches_golden_file_and_is_idempotent(cli, tmp_path, name):
    source, expected = golden(name)
    plan = copy_in(tmp_path, name, mode=0o640)
    first = cli("lint", "--fix", "--format", "json", plan)
    assert first.exit_code in (0, 1), first.output
    assert plan.read_bytes() == expected
    assert stat.S_IMODE(os.stat(plan).st_mode) == 0o640
    report = json.loads(first.stdout)
    assert report["summary"]["fixed"] == (0 if source == expected else report["summary"]["fixed"])
    assert (report["summary"]["fixed"] > 0) == (source != expected)

    # What was printed is the fixed file linted again.
    fresh = json.loads(cli("lint", "--format", "json", plan).stdout)
    assert report["findings"] == fresh["findings"]

    second = cli("lint", "--fix", "--format", "json", plan)
    assert plan.read_bytes() == expected
    assert json.loads(second.stdout)["summary"]["fixed"] == 0


@pytest.mark.parametrize("name", CASES)
def test_fix_from_stdin_prints_the_fixed_plan(cli, name):
    source, expected = golden(name)
    result = cli("lint", "--fix", "-", input=source)
    assert result.stdout_bytes == expected
    assert "Linted 1 file" in result.stderr


@pytest.mark.parametrize("name", CASES)
def test_diff_writes_nothing_and_exits_1_when_there_are_fixes(cli, tmp_path, name):
    source, expected = golden(name)
    plan = copy_in(tmp_path, name)
    result = cli("lint", "--diff", plan)
    assert plan.read_bytes() == source
    if source == expected:
        assert result.exit_code == 0 and result.stdout == ""
        assert "No fixes to apply." in result.stderr
    else:
        assert result.exit_code == 1
        # As git shows an absolute path: `a/tmp/...`, never `a//tmp/...` (patch -p1 from / applies it).
        shown = str(plan).lstrip("/")
        assert plan.is_absolute() and result.stdout.startswith(f"--- a/{shown}\n+++ b/{shown}\n@@ ")
        assert "Would fix" in result.stderr


def test_fix_with_diff_writes_nothing(cli, tmp_path):
    source, _ = golden("everything")
    plan = copy_in(tmp_path, "everything")
    result = cli("lint", "--fix", "--diff", plan)
    assert result.exit_code == 1
    assert plan.read_bytes() == source
    assert "Linted" not in result.stdout  # nothing but the diff


def test_diff_applies_with_git(tmp_path):
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    source, expected = golden("comments")
    (tmp_path / "plan.yaml").write_bytes(source)
    patch = unified_diff("plan.yaml", source, expected)
    (tmp_path / "fix.patch").write_text(patch)
    subprocess.run([git, "apply", "fix.patch"], cwd=tmp_path, check=True, capture_output=True)
    assert (tmp_path / "plan.yaml").read_bytes() == expected


def test_diff_marks_a_missing_final_newline():
    source, expected = golden("no-final-newline")
    patch = unified_diff("p.yaml", source, expected)
    assert patch.count("\\ No newline at end of file\n") == 2


def test_acceptance_plan_comes_out_fixed_and_otherwise_identical(cli, tmp_path):
    """Typos, comments, CRLF line endings and anchors: the issue's done criterion."""
    source, expected = golden("everything")
    assert b"\r\n" in source and b"&sensitivity" in source and b"# typo" in source
    plan = copy_in(tmp_path, "everything")
    result = cli("lint", "--fix", plan)
    assert result.exit_code == 0, result.output
    assert plan.read_bytes() == expected
    # What remains are policy findings the typos hid (no access control, no evaluation...),
    # none of them an error and none fixable (FT003 asks for the number of examples): every PLAN finding is gone.
    assert result.stdout.splitlines()[-1] == "Linted 1 file: 0 errors, 11 warnings, 1 info; none fails the run (fail-on: error); 8 fixed."
    assert not [line for line in result.stdout.splitlines() if " PLAN0" in line]
    # Only the misspelled tokens differ, line by line.
    changed = [(a, b) for a, b in zip(source.split(b"\r\n"), expected.split(b"\r\n")) if a != b]
    assert len(changed) == 8 and len(source.split(b"\r\n")) == len(expected.split(b"\r\n"))


# --------------------------------------------------------------------------
# Writing: permissions, links, read-only files, concurrent changes


@pytest.mark.parametrize("mode", [0o600, 0o644, 0o755, 0o664])
def test_fix_keeps_permissions(cli, tmp_path, mode):
    plan = copy_in(tmp_path, "crlf", mode=mode)
    cli("lint", "--fix", plan)
    assert stat.S_IMODE(os.stat(plan).st_mode) == mode
    assert plan.read_bytes() == golden("crlf")[1]
    assert [p.name for p in tmp_path.iterdir()] == [plan.name]  # no temporary file left behind


def test_fix_through_a_symlink_writes_the_target_and_keeps_the_link(cli, tmp_path):
    real = copy_in(tmp_path, "comments")
    (tmp_path / "linked").mkdir()
    link = tmp_path / "linked" / "plan.aiplan.yaml"
    link.symlink_to(real)
    cli("lint", "--fix", link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == golden("comments")[1]


def test_fix_refuses_a_read_only_file(cli, tmp_path):
    plan = copy_in(tmp_path, "comments", mode=0o444)
    result = cli("lint", "--fix", plan)
    assert result.exit_code == 2
    assert "fixes not written" in result.stderr and "read-only" in result.stderr
    assert plan.read_bytes() == golden("comments")[0]
    # The report is about the file as it is: its findings are still there.
    assert result.stdout.splitlines()[-1].endswith("; 3 not fixed automatically.")


def test_fix_refuses_when_the_file_changed_since_it_was_read(cli, tmp_path, monkeypatch):
    import aiplan.fix.fixer as fix_module

    plan = copy_in(tmp_path, "comments")
    edited_meanwhile = b"aiplan: 1\nname: edited in an editor meanwhile\n"
    original = fix_module.fix_bytes

    def fix_then_someone_saves(*args, **kwargs):
        result = original(*args, **kwargs)
        plan.write_bytes(edited_meanwhile)
        return result

    monkeypatch.setattr(fix_module, "fix_bytes", fix_then_someone_saves)
    result = cli("lint", "--fix", plan)
    assert result.exit_code == 2
    assert "changed on disk" in result.stderr
    assert plan.read_bytes() == edited_meanwhile


def test_write_fixed_raises_for_a_changed_file(tmp_path):
    plan = copy_in(tmp_path, "crlf")
    result = fix_file(str(plan), "plan", build_context())
    assert result.changed
    plan.write_bytes(plan.read_bytes() + b"# appended\n")
    with pytest.raises(FixWriteError, match="changed on disk"):
        write_fixed(str(plan), result)


def test_fix_reports_unreadable_files_and_goes_on(cli, tmp_path):
    good = copy_in(tmp_path, "comments")
    binary = tmp_path / "binary.aiplan.yaml"
    binary.write_bytes(b"aiplan: 1\n\x00\x01")
    result = cli("lint", "--fix", "--format", "json", good, binary)
    assert good.read_bytes() == golden("comments")[1]
    assert binary.read_bytes() == b"aiplan: 1\n\x00\x01"
    rules = [f["rule"] for f in json.loads(result.stdout)["findings"]]
    assert "PLAN008" in rules


@pytest.mark.parametrize("unreadable", ["too large", "a directory"])
def test_fix_file_reports_a_file_it_cannot_read_and_fixes_nothing(tmp_path, unreadable):
    # The branch of fix_file before any decoding: read_file refuses the file.
    if unreadable == "too large":
        plan = copy_in(tmp_path, "comments")
        ctx = build_context(limits=Limits(max_bytes=16))
        expected = ("PLAN007", "over the 16-byte limit; it was not parsed")
    else:
        plan = tmp_path / "folder.aiplan.yaml"
        plan.mkdir()
        ctx = build_context()
        expected = ("PLAN008", "is a directory; only regular files are linted")
    original = plan.read_bytes() if plan.is_file() else None
    result = fix_file(str(plan), "plan.aiplan.yaml", ctx)
    assert (result.original, result.fixed) == (b"", b"")
    assert not result.changed and result.applied == () and result.revealed == 0
    assert result.before is result.after
    [finding] = result.after.findings
    assert finding.rule == expected[0] and expected[1] in finding.message
    assert finding.path == "plan.aiplan.yaml"
    if original is not None:
        assert plan.read_bytes() == original


def test_fix_on_the_command_line_leaves_a_file_over_the_size_limit_alone(cli, tmp_path):
    plan = copy_in(tmp_path, "comments")
    config = tmp_path / "aiplan.toml"
    config.write_text("max-file-size = 16\n")
    before = plan.read_bytes()
    result = cli("lint", "--fix", "--config", config, "--format", "json", plan)
    assert plan.read_bytes() == before
    assert result.exit_code == 1
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["PLAN007"]


# --------------------------------------------------------------------------
# Safety: a fix that breaks YAML or adds findings is not applied


def _with_extra_edit(lint, edit_for, persistent=False):
    """A linter that adds a finding proposing ``edit_for(text)`` while its target text is
    present; with ``persistent`` the finding stays (without an edit) once it is gone."""

    def wrapped(data: bytes) -> FileResult:
        result = lint(data)
        edit = edit_for(data.decode())
        if edit is None and not persistent:
            return result
        where = (edit.line, edit.column, edit.end_line, edit.end_column) if edit else (1, 1, 1, 1)
        extra = Finding("PLAN002", "schema-violation", Severity.ERROR, "synthetic", "fix", result.path,
                        *where, edits=(edit,) if edit else (), fix_available=edit is not None)
        return FileResult(result.path, result.findings + (extra,), result.errors, documents=result.documents)

    return wrapped


def _edit_of(text, needle, content):
    for number, line in enumerate(text.split("\n"), 1):
        column = line.find(needle)
        if column >= 0:
            return TextEdit(number, column + 1, number, column + 1 + len(needle), needle, content)
    return None


@pytest.mark.parametrize("content", ['"unclosed', "[rag", "rag: rag", "rag\nname: x"])
def test_an_edit_that_breaks_yaml_is_not_applied(content):
    ctx = build_context()
    source = b"aiplan: 1\nname: Safe\napproach: finetuning\nstatus: approved\n"
    lint = _with_extra_edit(lambda b: lint_bytes(b, "p", ctx), lambda t: _edit_of(t, "approved", content))
    result = fix_bytes(source, lint)
    assert result.fixed == source.replace(b"finetuning", b"fine_tuning")
    assert any(f.message == "synthetic" for f in result.after.findings)  # the finding stays


def test_an_edit_that_adds_a_finding_is_not_applied():
    ctx = build_context()
    source = b"aiplan: 1\nname: Safe\nowner: team\nsummary: text\n"
    # Renaming `summary` to `owner` would duplicate a key (PLAN004).
    lint = _with_extra_edit(lambda b: lint_bytes(b, "p", ctx), lambda t: _edit_of(t, "summary", "owner"))
    result = fix_bytes(source, lint)
    assert result.fixed == source and not result.applied


def test_a_fix_that_does_not_resolve_its_finding_is_not_applied():
    ctx = build_context()
    source = b"aiplan: 1\nname: Safe\nowner: team\n"
    lint = _with_extra_edit(lambda b: lint_bytes(b, "p", ctx), lambda t: _edit_of(t, "team", "crew"),
                            persistent=True)
    result = fix_bytes(source, lint)
    assert result.fixed == source and not result.applied


@rule("ACME001", "owner-rename", Severity.WARNING, fixable=True)
def rename_owner_to_name(plan, options):
    """Proposes renaming `owner` to `name`, which already exists: never safe.

    ## Why
    Tests the fixer's guard against duplicate keys.
    """
    if plan.has("owner"):
        yield Violation("owner", "rename", path=("owner",), at="key", edits=(Edit("name", at="key"),))


@rule("ACME002", "undeclared-fix", Severity.WARNING)
def undeclared_fix(plan, options):
    """Proposes an edit without declaring `fixable=True`: the edit is ignored.

    ## Why
    `aiplan rules` must not hide that a rule changes files.
    """
    yield Violation("name", "rename", path=("name",), edits=(Edit("Renamed"),))


def test_plugin_fix_that_would_duplicate_a_key_is_refused():
    ctx = build_context(rules=[rename_owner_to_name, undeclared_fix])
    source = b"aiplan: 1\nname: Plan\nowner: team\n"
    result = fix_bytes(source, lambda b: lint_bytes(b, "p", ctx))
    assert result.fixed == source
    by_rule = {f.rule: f for f in result.after.findings}
    assert by_rule["ACME001"].fix_available  # offered, but refused when tried
    assert not by_rule["ACME002"].fix_available and not by_rule["ACME002"].edits


def test_a_renamed_key_may_reveal_problems_under_it():
    """`held_0ut` hid its contents from the schema; after the rename its own typo is fixed too."""
    ctx = build_context()
    source = (b"aiplan: 1\nname: Reveal\nfine_tuning:\n  evaluation:\n    held_0ut:\n"
              b"      sise: 600\n      covers: [target-task]\n")
    before = lint_bytes(source, "p", ctx)
    assert [f.yaml_path[-1] for f in before.findings if f.fix_available] == ["held_0ut"]
    result = fix_bytes(source, lambda b: lint_bytes(b, "p", ctx))
    assert result.fixed == (source.replace(b"held_0ut", b"held_out").replace(b"sise", b"size")
                            .replace(b"target-task", b"target_task"))
    assert len(result.applied) == 3
    assert not [f for f in result.after.findings if f.rule == "PLAN002"]


def test_policy_rules_read_a_fixable_enum_as_fixed():
    """`approach: finetuning` is one PLAN002 finding; the policy rules read it as
    `fine_tuning` already (as --fix will write it), so BASE001 shows before and after."""
    ctx = build_context()
    source = b"aiplan: 1\nname: Reveal\napproach: finetuning\n"
    result = fix_bytes(source, lambda b: lint_bytes(b, "p", ctx))
    assert result.fixed == b"aiplan: 1\nname: Reveal\napproach: fine_tuning\n"
    assert "BASE001" in {f.rule for f in result.after.findings}
    assert "BASE001" in {f.rule for f in result.before.findings}
    assert "PLAN002" not in {f.rule for f in result.after.findings}


def test_a_misspelled_key_is_not_also_missing_and_its_fix_is_kept():
    """`held_0ut` is one PLAN002 finding: FT001 reads it as `held_out`, so a waiver of
    FT001 is unused already (PLAN006), and fixing the typo keeps only that."""
    ctx = build_context(select=["PLAN", "FT001"])
    source = (b"aiplan: 1\nname: x\napproach: fine_tuning\nfine_tuning:\n"
              b"  evaluation:  # aiplan: ignore[FT001] -- the eval team owns the held-out set\n"
              b"    held_0ut:\n      size: 600\n")
    before = lint_bytes(source, "p", ctx)
    assert [(f.rule, f.line) for f in before.findings] == [("PLAN002", 6), ("PLAN006", 5)]  # root cause first
    result = fix_bytes(source, lambda b: lint_bytes(b, "p", ctx))
    assert result.fixed == source.replace(b"held_0ut", b"held_out")
    assert [(f.rule, f.line) for f in result.after.findings] == [("PLAN006", 5)]


def test_a_finding_waived_inline_is_not_fixed():
    ctx = build_context(select=["PLAN"])
    source = b"aiplan: 1\nname: x\napproach: finetuning  # aiplan: ignore[PLAN002] -- legacy value, on purpose\n"
    result = fix_bytes(source, lambda b: lint_bytes(b, "p", ctx))
    assert result.fixed == source and not result.applied
    assert [f.rule for f in result.after.suppressed] == ["PLAN002"] and result.after.findings == ()
    # and it does not claim otherwise
    [waived] = result.after.suppressed
    assert not waived.fix_available and waived.edits == ()


def test_an_aliased_node_is_fixed_once_at_its_anchor():
    ctx = build_context()
    source = (b"aiplan: 1\nname: Alias\nuse_case:\n  data_sensitivity: &s Confidential\n"
              b"rag:\n  corpus:\n    sources:\n      - name: a\n        sensitivity: *s\n")
    before = lint_bytes(source, "p", ctx)
    fixable = [f for f in before.findings if f.fix_available]
    assert [f.yaml_path for f in fixable] == [("use_case", "data_sensitivity")]  # never the alias
    result = fix_bytes(source, lambda b: lint_bytes(b, "p", ctx))
    assert result.fixed == source.replace(b"&s Confidential", b"&s confidential")
    assert not [f for f in result.after.findings if f.rule == "PLAN002"]


def test_fix_bytes_leaves_undecodable_input_alone():
    ctx = build_context()
    source = b"aiplan: 1\nname: caf\xe9\n"
    result = fix_bytes(source, lambda b: lint_bytes(b, "p", ctx))
    assert result.fixed == source and not result.changed


# --------------------------------------------------------------------------
# Applying edits


def test_apply_edits_back_to_front_on_one_line():
    text = "a: {x: one, y: two}\r\n"
    edits = [TextEdit(1, 16, 1, 19, "two", "second"), TextEdit(1, 8, 1, 11, "one", "1st")]
    new, starts = apply_edits(text, edits)
    assert new == "a: {x: 1st, y: second}\r\n"
    assert starts == [15, 7]


def test_apply_edits_rejects_mismatches_and_overlaps():
    with pytest.raises(ValueError):
        apply_edits("a: b\n", [TextEdit(1, 4, 1, 5, "c", "d")])
    with pytest.raises(ValueError):
        apply_edits("a: bc\n", [TextEdit(1, 4, 1, 6, "bc", "x"), TextEdit(1, 5, 1, 6, "c", "y")])


# --------------------------------------------------------------------------
# What the command line shows


def test_rules_listing_marks_fixable_rules(cli):
    text = cli("rules", "--family", "PLAN").stdout
    fixable = {line.split()[0] for line in text.splitlines() if line.endswith("(fixable)")}
    assert fixable == {"PLAN002", "PLAN003"}
    listed = {r["id"]: r["fixable"] for r in json.loads(cli("rules", "--format", "json").stdout)}
    assert listed["PLAN002"] and listed["PLAN003"] and not listed["PLAN001"]
    assert "fixable" in cli("explain", "PLAN002").stdout.splitlines()[0]


def test_json_findings_carry_fix_available_and_edits(cli, tmp_path):
    plan = copy_in(tmp_path, "unfixable")
    findings = json.loads(cli("lint", "--format", "json", plan).stdout)["findings"]
    by_message = {f["message"]: f for f in findings}
    status = by_message["`baseline.prompt_engineering.status` is 'not started'; expected one of not_started, in_progress, done"]
    assert status["fix_available"] is True
    assert status["edits"] == [{"line": 16, "column": 13, "end_line": 16, "end_column": 27,
                                "content": "&s not_started"}]
    evidance = by_message["unknown key `evidance` in `gaps.knowledge`"]
    assert evidance["fix_available"] is False and evidance["edits"] == []


def test_lint_summary_counts_fixable_findings(cli, tmp_path):
    plan = copy_in(tmp_path, "crlf")
    result = cli("lint", plan)
    assert result.stdout.splitlines()[-1].endswith("; 4 fixable with --fix [*].")
    assert result.stdout.count(" [*] ") == 4   # each fixable finding is marked
    assert plan.read_bytes() == golden("crlf")[0]


@pytest.mark.parametrize("name", ["crlf", "quoting", "everything", "anchors-aliases"])
def test_diff_counts_the_findings_the_summary_calls_fixable(cli, tmp_path, name):
    """--diff counts as the lint summary does; fixes that only reveal further
    fixable findings (a renamed key's misspelled child) are counted apart."""
    import re

    plan = copy_in(tmp_path, name)
    summary = cli("lint", plan).stdout.splitlines()[-1]
    fixable = int(re.search(r"(\d+) fixable with --fix", summary).group(1))
    diff = cli("lint", "--diff", plan)
    would = re.search(r"Would fix (\d+) findings?(?: \(and (\d+) more that these fixes reveal\))? in 1 file",
                      diff.stderr)
    assert would and int(would.group(1)) == fixable, (summary, diff.stderr)
    fixed = cli("lint", "--fix", plan).stdout.splitlines()[-1]
    assert f"; {fixable + int(would.group(2) or 0)} fixed." in fixed


def test_fix_from_stdin_over_the_size_limit_prints_nothing_and_exits_2(cli, tmp_path, monkeypatch):
    # An editor writes back what `--fix -` prints: a truncated plan would destroy the file.
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".aiplan.toml").write_text("max-file-size = 200\n")
    source = "aiplan: 1\nname: big\n" + "".join(f"# comment line {i}\n" for i in range(50))
    result = cli("lint", "--fix", "-", input=source)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "standard input is over the 200-byte limit" in result.stderr


def test_an_edit_saved_while_the_fix_is_being_written_is_kept(tmp_path, monkeypatch):
    from aiplan import fileio

    plan = copy_in(tmp_path, "crlf")
    result = fix_file(str(plan), "plan", build_context())
    assert result.changed
    edited_meanwhile = b"aiplan: 1\nname: saved while the temporary file was written\n"
    real_fsync = fileio.os.fsync

    def editor_saves_during_the_write(fd):
        plan.write_bytes(edited_meanwhile)
        real_fsync(fd)

    monkeypatch.setattr(fileio.os, "fsync", editor_saves_during_the_write)
    with pytest.raises(FixWriteError, match="changed on disk"):
        write_fixed(str(plan), result)
    assert plan.read_bytes() == edited_meanwhile
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".aiplan-")] == []  # no temporary left


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root may give files away")
def test_fix_as_root_keeps_the_files_owner_and_group(tmp_path):
    plan = copy_in(tmp_path, "crlf")
    os.chown(plan, 4321, 8765)
    result = fix_file(str(plan), "plan", build_context())
    write_fixed(str(plan), result)
    info = os.stat(plan)
    assert (info.st_uid, info.st_gid) == (4321, 8765)
    assert plan.read_bytes() == result.fixed


def test_a_temporary_left_by_a_killed_fix_is_removed_by_the_next(cli, tmp_path):
    import subprocess

    plan = copy_in(tmp_path, "comments")
    ended = subprocess.Popen(["true"])
    ended.wait()  # a process that has ended, like one killed with kill -9 mid-write
    stale = tmp_path / f".aiplan-{ended.pid}-abcd_123.tmp"
    stale.write_bytes(b"aiplan: 1\nname: half writ")
    running = tmp_path / f".aiplan-{os.getpid()}-efgh_456.tmp"  # a concurrent run still writing
    running.write_bytes(b"aiplan: 1\n")
    unrelated = tmp_path / ".aiplan-notes.tmp"
    unrelated.write_bytes(b"not ours")
    result = cli("lint", "--fix", plan)
    assert result.exit_code in (0, 1), result.output
    assert not stale.exists()
    assert running.exists() and unrelated.exists()


def test_diff_headers_and_messages_show_hostile_file_names_visibly(cli, tmp_path, monkeypatch):
    folder = tmp_path / "x\n::error file=a::forged\x1b[31m\x07"
    folder.mkdir()
    plan = copy_in(folder, "comments")
    monkeypatch.chdir(tmp_path)
    result = cli("lint", "--diff", plan.relative_to(tmp_path))
    assert result.stdout.startswith("--- a/x\\n::error file=a::forged\\x1b[31m\\x07/")
    assert not any(line.startswith("::") for line in result.stdout.splitlines())
    assert "\x1b" not in result.stdout.splitlines()[0] and "\x07" not in result.stdout

    plan.chmod(0o444)  # a write error names the file on standard error
    written = cli("lint", "--fix", plan.relative_to(tmp_path))
    assert not any(line.startswith("::") for line in written.stderr.splitlines())
    assert "\x1b" not in written.stderr and "\x07" not in written.stderr
    assert "x\\n::error" in written.stderr


def test_fixing_work_per_file_is_bounded_and_what_is_left_is_reported(cli, tmp_path, monkeypatch):
    from aiplan.fix import fixer

    source, _ = golden("comments")
    ctx = build_context()
    before = fixer.lint_bytes(source, "plan", ctx)
    assert sum(1 for f in before.findings if f.edits) >= 2
    lints = []

    def lint_where_no_fix_helps(data):
        # Every fix leaves its finding: each batch is rejected and the fixes are
        # tried one by one, each costing a lint of the whole file.
        lints.append(1)
        return before

    monkeypatch.setattr(fixer, "MAX_FIX_ATTEMPTS", 3)
    result = fix_bytes(source, lint_where_no_fix_helps)
    assert len(lints) == 1 + 3  # the first lint, then three attempts: no more
    assert result.stopped == "stopped after 3 attempts (the limit is 3)"
    assert result.fixed == source

    monkeypatch.setattr(fixer, "MAX_FIX_ATTEMPTS", 0)
    plan = copy_in(tmp_path, "comments")
    written = cli("lint", "--fix", plan)
    assert "fixing stopped after 0 attempts (the limit is 0);" in written.stderr
    assert "fixable findings left unfixed" in written.stderr


def test_fixing_stops_when_the_files_time_budget_runs_out(cli, tmp_path):
    plan = copy_in(tmp_path, "comments")
    # A budget that has run out before the first lint: nothing is tried, nothing written.
    result = cli("lint", "--fix", "--file-timeout", "0.000001", plan)
    assert plan.read_bytes() == golden("comments")[0]
    assert result.exit_code == 3


def test_a_rename_whose_value_cannot_be_rewritten_with_it_is_no_fix():
    # The renamed key's value needs its own change (`Prompt_Engineering`): one fix makes both edits,
    # offered only where both can be made. A tagged scalar is never rewritten, so no [*] for it.
    tagged = "aiplan: 1\nname: x\naproach: !!str Prompt_Engineering\n"
    (finding,) = lint_yaml(tagged, select=["PLAN002"])
    assert not finding.edits and fix_yaml(tagged, select=["PLAN002"]) == tagged
    # Its near twin, untagged: fixable, in one fix.
    plain = "aiplan: 1\nname: x\naproach: Prompt_Engineering\n"
    (finding,) = lint_yaml(plain, select=["PLAN002"])
    assert len(finding.edits) == 2
    assert fix_yaml(plain, select=["PLAN002"]) == "aiplan: 1\nname: x\napproach: prompt_engineering\n"
