"""Hostile and broken input, end to end: every file gets a clear finding and the
run a documented exit code; nothing crashes, hangs, explodes in memory or runs
code from the plan."""

import codecs
import json
import os
import stat
import subprocess
import sys
import tracemalloc

import pytest

from conftest import EXAMPLES, GAPS_AND_APPROACH, counting_calls

from aiplan.parse import loader
from aiplan.lint.engine import lint_file
from aiplan.parse.loader import Limits, load_text
from aiplan.testing import build_context

FLAWED = (EXAMPLES / "ticket-formatter.aiplan.yaml").read_text(encoding="utf-8")


def billion_laughs(width=9, depth=9, prefix="aiplan: 1\nname: laughs\n"):
    lines = [prefix.rstrip("\n"), "l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, depth):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def findings(cli, *paths, args=()):
    result = cli("lint", "--format", "json", *args, *paths)
    document = json.loads(result.stdout)
    return result.exit_code, [(f["rule"], f["line"], f["column"]) for f in document["findings"]], document


@pytest.fixture(scope="module")
def context():
    return build_context()


# ---------------------------------------------------------------------------
# Limits (PLAN007)

def test_billion_laughs_is_plan007_fast_and_small(tmp_path, cli, context):
    plan = tmp_path / "laughs.aiplan.yaml"
    plan.write_text(billion_laughs())
    lint_file(str(plan), "laughs.aiplan.yaml", context)  # first use imports modules: not the bomb's memory
    tracemalloc.start()
    with counting_calls() as work:
        result = lint_file(str(plan), "laughs.aiplan.yaml", context)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert work.calls < 10_000, work.calls  # several times today's count; a blow-up is orders of magnitude more
    assert peak < 1_000_000, peak  # the expansion would be 9**9 = 387 million nodes
    assert [f.rule for f in result.findings] == ["PLAN007"]
    assert "alias" in result.findings[0].message and result.findings[0].line > 2
    code, found, _ = findings(cli, plan)
    assert code == 1 and [rule for rule, _, _ in found] == ["PLAN007"]


def test_aliases_just_under_the_limit_are_linted_without_expanding(context):
    # 9**5 = 59,049 nodes through aliases: allowed, and shared, not copied.
    text = billion_laughs(depth=5, prefix="aiplan: 1\nname: laughs\n" + GAPS_AND_APPROACH)
    from aiplan.lint.engine import lint_documents

    with counting_calls() as work:
        loaded = load_text(text)
        result = lint_documents(loaded, "p.aiplan.yaml", context)
    assert not loaded.problems
    top = loaded.documents[0].data["l4"]
    assert top[0] is top[1]  # one object, referenced nine times
    assert work.calls < 350_000, work.calls  # several times today's count; a blow-up is orders of magnitude more
    assert not result.errors
    assert {f.rule for f in result.findings} <= {"PLAN002"}


def test_a_float_tagged_huge_integer_is_a_non_finite_number_at_its_own_line(context):
    """`!!float` of an integer beyond the float range is `inf`, as `1e999` is: PLAN002 at the
    scalar, not PLAN001 "int too large to convert to float" at 1:1."""
    from aiplan.lint.engine import lint_documents

    text = "aiplan: 1\nname: n\ntargets:\n  latency_p95_ms: !!float 1" + "0" * 400 + "\n"
    result = lint_documents(load_text(text), "p.aiplan.yaml", context)
    found = [(f.rule, f.line, f.column) for f in result.findings if f.rule.startswith("PLAN")]
    assert ("PLAN002", 4, 19) in found and not any(rule == "PLAN001" for rule, _, _ in found)


def test_an_integer_past_pythons_digit_limit_is_plan007_at_its_own_line(context):
    """An integer of more digits than int() converts (4,300 by default) is PLAN007 at the
    scalar, saying how many, not PLAN001 "Exceeds the limit ..." at 1:1."""
    from aiplan.lint.engine import lint_documents

    text = "aiplan: 1\nname: n\nfine_tuning:\n  dataset:\n    examples: " + "9" * 4400 + "\n"
    result = lint_documents(load_text(text), "p.aiplan.yaml", context)
    found = [(f.rule, f.line, f.column) for f in result.findings]
    assert found == [("PLAN007", 5, 15)]
    assert "4,400 digits" in result.findings[0].message


def test_aliases_cannot_nest_past_the_depth_limit():
    # Each anchor nests the previous one 60 levels deeper: 12 small lines, 720 levels.
    lines = ["aiplan: 1"]
    for level in range(12):
        inner = f"*a{level - 1}" if level else "x"
        lines.append(f"a{level}: &a{level} " + "[" * 60 + inner + "]" * 60)
    result = load_text("\n".join(lines) + "\n")
    [problem] = result.problems
    assert problem.rule == "PLAN007" and "deeper than 64" in problem.violation.message
    assert problem.violation.span.line == 3


def test_nesting_of_100000_levels_is_plan007_not_recursion_error(tmp_path, cli):
    plan = tmp_path / "deep.aiplan.yaml"
    plan.write_text("[" * 100_000 + "]" * 100_000 + "\n")
    with counting_calls() as work:
        code, found, _ = findings(cli, plan)
    assert work.calls < 50_000, work.calls  # several times today's count; a blow-up is orders of magnitude more
    assert code == 1 and found == [("PLAN007", 1, 65)]


def test_deep_block_mapping_is_plan007(tmp_path, cli):
    plan = tmp_path / "deep.aiplan.yaml"
    plan.write_text("aiplan: 1\n" + "".join("  " * i + f"k{i}:\n" for i in range(200)))
    code, found, _ = findings(cli, plan)
    assert code == 1 and [r for r, _, _ in found] == ["PLAN007"]


def test_file_over_the_size_limit_is_not_read(tmp_path, cli):
    plan = tmp_path / "huge.aiplan.yaml"
    with open(plan, "wb") as handle:
        handle.truncate(6 * 1024 * 1024)  # sparse: costs no disk and is never read
    code, found, document = findings(cli, plan)
    assert code == 1 and found == [("PLAN007", 1, 1)]
    assert "5,242,880-byte limit" in document["findings"][0]["message"]
    assert [p.rule for p in loader.load_bytes(b"a: 1\n" * 100, limits=Limits(max_bytes=50)).problems] == ["PLAN007"]


def test_a_flood_of_documents_stops_at_the_limit(tmp_path, cli):
    plan = tmp_path / "many.aiplan.yaml"
    plan.write_text(("---\naiplan: 1\nname: x\n" + GAPS_AND_APPROACH) * 1_000 + "---\n" * 200_000)
    with counting_calls() as work:
        code, found, document = findings(cli, plan)
    assert work.calls < 14_000_000, work.calls  # several times today's count; a blow-up is orders of magnitude more
    assert code == 1 and found == [("PLAN007", 8001, 1)]
    assert "more than 1,000 YAML documents" in document["findings"][0]["message"]
    assert [p.rule for p in load_text("---\n" * 3, limits=Limits(max_documents=2)).problems][-1] == "PLAN007"


def test_long_lines_and_many_documents_are_fine(tmp_path, cli):
    plan = tmp_path / "long.aiplan.yaml"
    plan.write_text("aiplan: 1\nname: " + "x" * 1_000_000 + "\n" + GAPS_AND_APPROACH
                    + ("---\naiplan: 1\nname: y\n" + GAPS_AND_APPROACH) * 999)
    with counting_calls() as work:
        code, found, document = findings(cli, plan)
    assert work.calls < 14_000_000, work.calls  # several times today's count; a blow-up is orders of magnitude more
    assert code == 0 and found == [] and document["summary"]["files"] == 1


# ---------------------------------------------------------------------------
# Encodings and odd bytes

def encoded(encoding, bom=b""):
    return bom + FLAWED.encode(encoding)


@pytest.mark.parametrize("data", [
    pytest.param(encoded("utf-8", codecs.BOM_UTF8), id="utf-8-bom"),
    pytest.param(encoded("utf-16-le", codecs.BOM_UTF16_LE), id="utf-16-le-bom"),
    pytest.param(encoded("utf-16-be", codecs.BOM_UTF16_BE), id="utf-16-be-bom"),
    pytest.param(encoded("utf-16-le"), id="utf-16-le"),
    pytest.param(encoded("utf-16-be"), id="utf-16-be"),
    pytest.param(encoded("utf-32-le", codecs.BOM_UTF32_LE), id="utf-32-le-bom"),
    pytest.param(encoded("utf-32-be", codecs.BOM_UTF32_BE), id="utf-32-be-bom"),
    pytest.param(encoded("utf-32-le"), id="utf-32-le"),
    pytest.param(encoded("utf-32-be"), id="utf-32-be"),
    pytest.param(FLAWED.replace("\n", "\r\n").encode(), id="crlf"),
    pytest.param(FLAWED.replace("\n", "\r").encode(), id="lone-cr"),
])
def test_encodings_and_line_endings_lint_the_same(tmp_path, cli, data):
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_bytes(data)
    code, found, _ = findings(cli, plan)
    assert code == 1 and found == [("BASE001", 16, 13), ("FT001", 19, 1)]


@pytest.mark.parametrize("data, expected", [
    pytest.param(b"aiplan: 1\nname: caf\xe9\n", ("PLAN008", 2, 10), id="latin-1"),
    pytest.param(b"aiplan: 1\nname: x\x00y\n", ("PLAN008", 2, 8), id="nul"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), ("PLAN008", 1, 1), id="binary"),
    pytest.param(codecs.BOM_UTF16_LE + "aiplan: 1\n".encode("utf-16-le") + b"\x00\xd8", ("PLAN008", 2, 1),
                 id="utf-16-lone-surrogate"),
    pytest.param(b"aiplan: 1\nname: \xed\xa0\x80\n", ("PLAN008", 2, 7), id="utf-8-encoded-surrogate"),
    pytest.param(b"aiplan: 1\nname: a\x07b\n", ("PLAN001", 2, 8), id="control-character"),
    pytest.param(b"", ("PLAN003", 1, 1), id="empty"),
    pytest.param(b"# only a comment\n\n# and another\n", ("PLAN003", 1, 1), id="only-comments"),
    pytest.param(b"   \n\n", ("PLAN003", 1, 1), id="only-white-space"),
    pytest.param(b"---\n", ("PLAN003", 2, 1), id="empty-document"),  # where its (empty) content would be
    pytest.param(b"- a\n- b\n", ("PLAN003", 1, 1), id="a-list"),
    pytest.param(b"just text\n", ("PLAN003", 1, 1), id="a-scalar"),
    pytest.param(b"aiplan: 1\nname: [unclosed\n", ("PLAN001", 3, 1), id="truncated"),
])
def test_broken_input_gets_one_clear_finding(tmp_path, cli, data, expected):
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_bytes(data)
    code, found, document = findings(cli, plan)
    assert code == 1 and found == [expected], document["findings"]
    assert document["errors"] == []


def test_plan_content_is_never_executed(tmp_path, cli, monkeypatch):
    marker = tmp_path / "pwned"
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text(
        "aiplan: 1\n"
        f"name: !!python/object/apply:os.system ['touch {marker}']\n"
        f"owner: !!python/object/new:subprocess.Popen [['touch', '{marker}']]\n"
        "status: !!python/name:os.system\n"
        + GAPS_AND_APPROACH
    )
    monkeypatch.chdir(tmp_path)
    code, found, _ = findings(cli, plan)
    assert not marker.exists()
    assert code == 1 and all(rule.startswith(("PLAN", "BASE")) for rule, _, _ in found)


def test_endless_stdin_stops_at_the_size_limit():
    with subprocess.Popen(["cat", "/dev/zero"], stdout=subprocess.PIPE) as source:
        proc = subprocess.run([sys.executable, "-m", "aiplan", "lint", "--format", "json", "-"], stdin=source.stdout,
                              capture_output=True, text=True, timeout=60, env=dict(os.environ, NO_COLOR="1"))
        source.kill()
    document = json.loads(proc.stdout)
    assert proc.returncode == 1 and [f["rule"] for f in document["findings"]] == ["PLAN007"]
    assert "more than 5,242,880 bytes" in document["findings"][0]["message"]


def test_endless_stdin_with_fix_stops_at_the_size_limit():
    with subprocess.Popen(["cat", "/dev/zero"], stdout=subprocess.PIPE) as source:
        proc = subprocess.run([sys.executable, "-m", "aiplan", "lint", "--fix", "--format", "json", "-"],
                              stdin=source.stdout, capture_output=True, timeout=60, env=dict(os.environ, NO_COLOR="1"))
        source.kill()
    # An editor would write back what `--fix -` prints: over the limit, nothing is printed.
    assert proc.returncode == 2 and proc.stdout == b""
    assert b"standard input is over the 5,242,880-byte limit" in proc.stderr


def test_stdin_with_binary_garbage(cli):
    result = cli("lint", "--format", "json", "-", input=b"\x00\xff\xfe garbage")
    document = json.loads(result.stdout)
    assert result.exit_code == 1 and [f["rule"] for f in document["findings"]] == ["PLAN008"]


# ---------------------------------------------------------------------------
# Paths: missing, empty, unreadable, loops, FIFOs and devices

def test_missing_path_is_a_usage_error(cli, tmp_path):
    result = cli("lint", tmp_path / "nope.aiplan.yaml")
    assert result.exit_code == 2 and "no such file or directory" in result.output
    assert "Traceback" not in result.output


def test_directory_without_plans_is_a_usage_error(cli, tmp_path):
    # A green run over nothing would hide a wrong path: exit 2, as ESLint does for an unmatched pattern.
    (tmp_path / "notes.yaml").write_text("a: 1\naiplan_version: 1\n")
    result = cli("lint", tmp_path)
    assert result.exit_code == 2
    assert result.stdout == ""  # as `aiplan report`: the message is not part of the report
    assert result.stderr == "No plan files found (aiplan.yaml, aiplan.yml, *.aiplan.yaml, *.aiplan.yml): `aiplan init` writes one; a file named on the command line is linted whatever its name.\n"
    for command in (("lint", "--format", "json"), ("report",)):
        other = cli(*command, tmp_path)
        assert other.exit_code == 2 and other.stderr.startswith("No plan files found") and "No plan" not in other.stdout


def test_directory_without_plans_names_the_yaml_files_that_look_like_plans(cli, tmp_path, monkeypatch):
    plans = tmp_path / "plans"
    (plans / "drafts").mkdir(parents=True)
    (plans / "support.yaml").write_text("# a plan\naiplan: 1\nname: Support\n")
    (plans / "drafts" / "search.yml").write_text("---\n'aiplan': 1\n")
    (plans / "nested.yaml").write_text("config:\n  aiplan: 1\n")   # not at the top level
    (plans / "notes.txt").write_text("aiplan: 1\n")                 # not YAML by name
    monkeypatch.chdir(tmp_path)
    result = cli("lint", "plans/")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1:] == [
        "aiplan: plans/drafts/search.yml looks like a plan: name it search.aiplan.yaml or pass it explicitly",
        "aiplan: plans/support.yaml looks like a plan: name it support.aiplan.yaml or pass it explicitly",
    ]
    named = cli("lint", "plans/support.yaml")   # passed explicitly, it is linted
    assert named.exit_code in (0, 1) and "Linted 1 file" in named.stdout


def test_named_files_all_excluded_are_not_an_error(cli, tmp_path, monkeypatch):
    # pre-commit names files; when the configuration excludes all of them there is nothing to do.
    (tmp_path / ".aiplan.toml").write_text('exclude = ["drafts"]\n')
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "x.aiplan.yaml").write_text("aiplan: 1\n")
    monkeypatch.chdir(tmp_path)
    result = cli("lint", "--force-exclude", "drafts/x.aiplan.yaml")
    assert result.exit_code == 0, result.output


def test_directories_nested_past_the_recursion_limit(cli, tmp_path, monkeypatch):
    depth = sys.getrecursionlimit() + 200
    folder = tmp_path / "deep"
    folder.mkdir()
    monkeypatch.chdir(folder)  # build the tree step by step: os.makedirs recurses per level too
    for _ in range(depth):
        os.mkdir("d")
        os.chdir("d")
    with open("aiplan.yaml", "w") as handle:
        handle.write(FLAWED)
    os.chdir(tmp_path)
    try:
        code, found, document = findings(cli, "deep")
        assert code == 1 and found == [("BASE001", 16, 13), ("FT001", 19, 1)]
        assert document["findings"][0]["path"].count("/") == depth + 1
    finally:
        _remove_deep(folder, depth)


def _remove_deep(folder, depth):
    """shutil.rmtree recurses per level too; undo the tree bottom-up."""
    here = os.getcwd()
    os.chdir(folder)
    for _ in range(depth):
        os.chdir("d")
    os.remove("aiplan.yaml")
    for _ in range(depth):
        os.chdir("..")
        os.rmdir("d")
    os.chdir(here)


def _unreadable(tmp_path):
    plan = tmp_path / "secret.aiplan.yaml"
    plan.write_text(FLAWED)
    plan.chmod(0)
    return plan


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads files whatever their permissions; the simulated test covers this")
def test_unreadable_file_is_plan008(cli, tmp_path):
    plan = _unreadable(tmp_path)
    try:
        code, found, document = findings(cli, tmp_path)
    finally:
        plan.chmod(0o644)
    assert code == 1 and found == [("PLAN008", 1, 1)]
    assert "Permission denied" in document["findings"][0]["message"]


def test_unreadable_file_is_plan008_simulated(cli, tmp_path, monkeypatch):
    plan = tmp_path / "secret.aiplan.yaml"
    plan.write_text(FLAWED)
    (tmp_path / "other.aiplan.yaml").write_text(FLAWED)

    real_read = loader.read_regular

    def refuse(path, *args, **kwargs):
        if str(path).endswith("secret.aiplan.yaml"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path, *args, **kwargs)

    monkeypatch.setattr(loader, "read_regular", refuse)
    code, found, document = findings(cli, tmp_path)
    assert code == 1
    messages = {f["path"].rsplit("/", 1)[-1]: f for f in document["findings"]}
    assert messages["secret.aiplan.yaml"]["rule"] == "PLAN008"
    assert "Permission denied" in messages["secret.aiplan.yaml"]["message"]
    assert ("BASE001", 16, 13) in found  # the other file is still linted


def _refuse_reading(monkeypatch, name):
    """Make ``name`` unreadable as it is to a user without permission: ``access()``
    says no and opening it fails (root reads files whatever their mode)."""
    real_open, real_access = os.open, os.access

    def refuse_open(path, *args, **kwargs):
        if os.fspath(path).endswith(name):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)

    def no_access(path, mode, *args, **kwargs):
        return False if os.fspath(path).endswith(name) else real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse_open)
    monkeypatch.setattr(os, "access", no_access)


def test_an_unreadable_file_named_on_the_command_line_is_plan008_and_the_run_goes_on(cli, tmp_path, monkeypatch):
    (tmp_path / "secret.aiplan.yaml").write_text(FLAWED)
    (tmp_path / "other.aiplan.yaml").write_text(FLAWED)
    _refuse_reading(monkeypatch, "secret.aiplan.yaml")
    monkeypatch.chdir(tmp_path)
    code, found, document = findings(cli, "secret.aiplan.yaml", "other.aiplan.yaml")
    assert code == 1
    by_file = {}
    for finding in document["findings"]:
        by_file.setdefault(finding["path"], []).append(finding)
    [unreadable] = by_file["secret.aiplan.yaml"]
    assert unreadable["rule"] == "PLAN008" and "Permission denied" in unreadable["message"]
    assert {f["rule"] for f in by_file["other.aiplan.yaml"]} == {"BASE001", "FT001"}  # still linted
    report = cli("report", "secret.aiplan.yaml", "other.aiplan.yaml")
    assert report.exit_code == 0 and "PLAN008" in report.stdout and "other.aiplan.yaml" in report.stdout


def _as_nobody():
    """The command prefix that runs a program as an unprivileged user, or why there is none."""
    import shutil

    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None, "not root: the permission tests run as this user (see test_unreadable_file_is_plan008)"
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None, "setpriv is not installed"
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run([*prefix, sys.executable, "-c", "import aiplan"], capture_output=True)
    if probe.returncode != 0:
        return None, f"cannot run aiplan as uid 65534 here: {probe.stderr.decode(errors='replace')[-200:]}"
    return prefix, ""


def test_unreadable_files_and_directories_as_an_unprivileged_user():
    import shutil
    import tempfile

    prefix, why = _as_nobody()
    if prefix is None:
        pytest.skip(why)
    top = tempfile.mkdtemp(prefix="aiplan-perm-")  # pytest's tmp_path is private to root
    try:
        os.chmod(top, 0o755)
        for name in ("secret.aiplan.yaml", "other.aiplan.yaml", "team/aiplan.yaml", "closed/aiplan.yaml"):
            path = os.path.join(top, name)
            os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(FLAWED)
            os.chmod(path, 0o644)
        os.chmod(os.path.join(top, "team"), 0o755)
        os.chmod(os.path.join(top, "secret.aiplan.yaml"), 0)
        os.chmod(os.path.join(top, "closed"), 0)
        env = dict(os.environ, NO_COLOR="1", AIPLAN_NO_CACHE="1", HOME=top, XDG_CACHE_HOME=top)

        def lint(*paths):
            proc = subprocess.run([*prefix, sys.executable, "-m", "aiplan", "lint", "--format", "json", *paths],
                                  capture_output=True, text=True, env=env, cwd=top, timeout=60)
            assert proc.stdout.startswith("{"), proc.stderr
            return proc.returncode, {(f["path"], f["rule"]) for f in json.loads(proc.stdout)["findings"]}

        code, found = lint("secret.aiplan.yaml", "other.aiplan.yaml")
        assert code == 1 and ("secret.aiplan.yaml", "PLAN008") in found and ("other.aiplan.yaml", "BASE001") in found
        code, found = lint(".")
        assert code == 1 and ("closed", "PLAN008") in found and ("secret.aiplan.yaml", "PLAN008") in found
        assert ("team/aiplan.yaml", "BASE001") in found and ("other.aiplan.yaml", "FT001") in found
    finally:
        for folder in ("closed",):
            os.chmod(os.path.join(top, folder), 0o755)
        shutil.rmtree(top)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_symlink_loops_do_not_hang(cli, tmp_path):
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "back").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "team" / "self").symlink_to(tmp_path / "team" / "self")
    (tmp_path / "loop.aiplan.yaml").symlink_to(tmp_path / "loop.aiplan.yaml")
    (tmp_path / "team" / "good.aiplan.yaml").write_text(FLAWED)
    with counting_calls() as work:
        code, found, document = findings(cli, tmp_path)
    assert work.calls < 75_000, work.calls  # several times today's count; a blow-up is orders of magnitude more
    assert code == 1
    by_file = {f["path"].rsplit("/", 1)[-1]: f["rule"] for f in document["findings"]}
    assert by_file["loop.aiplan.yaml"] == "PLAN008"
    assert document["summary"]["files"] == 2
    named = cli("lint", "--format", "json", tmp_path / "loop.aiplan.yaml")
    assert named.exit_code == 1 and "PLAN008" in named.stdout


def _run(*args, timeout=20, **kwargs):
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "aiplan", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=timeout, **kwargs)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_named_or_found_does_not_hang(tmp_path):
    fifo = tmp_path / "pipe.aiplan.yaml"
    os.mkfifo(fifo)
    proc = _run("lint", "--format", "json", fifo)  # a reader that opened it would block forever
    document = json.loads(proc.stdout)
    assert proc.returncode == 1 and [f["rule"] for f in document["findings"]] == ["PLAN008"]
    assert "not a regular file" in document["findings"][0]["message"]
    assert "Traceback" not in proc.stderr
    proc = _run("lint", "--format", "json", tmp_path)
    assert proc.returncode == 1 and "PLAN008" in proc.stdout


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_device_named_on_the_command_line(device):
    if not os.path.exists(device) or stat.S_ISREG(os.stat(device).st_mode):
        pytest.skip(f"{device} is not a device here")
    proc = _run("lint", "--format", "json", device)
    document = json.loads(proc.stdout)
    assert proc.returncode == 1 and [f["rule"] for f in document["findings"]] == ["PLAN008"]
    assert "Traceback" not in proc.stderr


def test_odd_file_names(cli, tmp_path, monkeypatch):
    names = ["new\nline.aiplan.yaml", "esc\x1b[31m.aiplan.yaml", "::error::x.aiplan.yaml", "sp ace,comma.aiplan.yaml"]
    for name in names:
        (tmp_path / name).write_text(FLAWED)
    raw = os.fsencode(tmp_path) + b"/bad\xff.aiplan.yaml"
    with open(raw, "wb") as handle:
        handle.write(FLAWED.encode())
    result = cli("lint", tmp_path)
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "bad\\udcff.aiplan.yaml" in result.output
    assert "new\\nline.aiplan.yaml\n  16:13 error BASE001" in result.output
    assert all(not line.startswith("::") for line in result.output.splitlines())
    concise = cli("lint", "--format", "concise", tmp_path).output
    assert "new\\nline.aiplan.yaml:16:13" in concise
    monkeypatch.chdir(tmp_path)  # now the paths start the lines as given
    for output_format in ("text", "concise"):
        result = cli("lint", "--format", output_format, ".")
        assert all(not line.lstrip().startswith(("::", "##[")) for line in result.output.splitlines())
        assert ("./::error::x.aiplan.yaml:16:13: BASE001" if output_format == "concise"
                else "./::error::x.aiplan.yaml\n  16:13 error BASE001") in result.output
    document = json.loads(cli("lint", "--format", "json", tmp_path).stdout)
    assert document["summary"]["files"] == 5


def test_a_flood_of_problems_is_cut_per_rule(context):
    from aiplan.lint.isolation import MAX_VIOLATIONS

    roomy = build_context(limits=Limits(max_findings=10 * MAX_VIOLATIONS))
    text = "aiplan: 1\n" + "".join(f"unknown{i}: x\n" for i in range(MAX_VIOLATIONS + 500))
    with counting_calls() as work:
        result = lint_file_text(text, roomy)
    assert work.calls < 50_000_000, work.calls  # several times today's count; a blow-up is orders of magnitude more
    assert not result.errors
    schema = [f for f in result.findings if f.rule == "PLAN002"]
    assert len(schema) == MAX_VIOLATIONS + 1
    assert any(f"more than {MAX_VIOLATIONS:,} problems" in f.message for f in schema)


# The cut works the same at any cap: a small one keeps the flood small, so the test does
# little work (its profiler multiplies it) and runs with no time limit, bounded by its count.
FLOOD_CAP = 300


@pytest.mark.parametrize("text", [
    pytest.param("aiplan: 1\n" + "a: 1\n" * (3 * FLOOD_CAP), id="duplicate-keys"),
    pytest.param(("---\naiplan: 1\n" + "".join(f"k{i}: 1\n" for i in range(100))) * 9, id="unknown-keys-in-many-documents"),
    pytest.param("- x\n---\n" * 27 + "aiplan: 1\n" + "".join(f"k{i}: 1\n" for i in range(2 * FLOOD_CAP)), id="mixed"),
])
def test_a_flood_of_findings_is_cut_per_file(text):
    capped = build_context(limits=Limits(max_findings=FLOOD_CAP))
    with counting_calls() as work:
        result = lint_file_text(text, capped)
    assert work.calls < 5_000_000, work.calls  # several times today's count; a blow-up is orders of magnitude more
    assert not result.errors
    assert len(result.findings) == FLOOD_CAP + 1
    note = result.findings[-1]
    assert note.rule == "PLAN007" and f"more than {FLOOD_CAP:,} findings" in note.message
    assert note.line >= result.findings[-2].line


def test_the_documented_cap_on_findings_per_file_is_the_default():
    from conftest import ROOT

    [row] = [line for line in (ROOT / "docs" / "limits.md").read_text(encoding="utf-8").splitlines()
             if line.startswith("| findings per file |")]
    assert f"| {Limits().max_findings:,} |" in row  # the cut itself is tested above, at a smaller cap


def lint_file_text(text, context):
    """Lint ``text`` with no time limit: a loaded machine must not fail a flood test, whose
    work is bounded by its count of calls instead."""
    from aiplan.core.budget import Budget
    from aiplan.lint.engine import lint_bytes

    return lint_bytes(text.encode("utf-8"), "flood.aiplan.yaml", context, budget=Budget())


def test_an_unreadable_directory_is_a_finding_not_silence(cli, tmp_path, monkeypatch):
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "secret").mkdir()
    (tmp_path / "team" / "secret" / "x.aiplan.yaml").write_text(FLAWED)
    (tmp_path / "team" / "ok.aiplan.yaml").write_text(FLAWED)
    real_scandir = os.scandir

    def refuse(path="."):
        if str(path).endswith("secret"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    monkeypatch.chdir(tmp_path)
    result = cli("lint", "--no-cache", "--format", "json", "team")
    assert result.stdout.startswith("{"), result.output
    document = json.loads(result.stdout)
    assert result.exit_code == 1
    [unreadable] = [f for f in document["findings"] if f["path"] == "team/secret"]
    assert unreadable["rule"] == "PLAN008" and "Permission denied" in unreadable["message"]
    assert "the plans in it were not linted" in unreadable["message"]
    assert any(f["path"] == "team/ok.aiplan.yaml" for f in document["findings"])
