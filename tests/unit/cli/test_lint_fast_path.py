"""``lint``'s fast path (issue 17, the pre-commit case): the command lines it parses get the
values click's own parser gives, every other one goes to click, and a pre-commit run does
not build click's thirty options at all."""

import itertools
import json
import random
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from aiplan.cli.lint import COUNT, FAST_OPTIONS, FAST_SHORT_OPTIONS, FILE, FOLDER, LINT_DEFAULTS, fast_lint_parameters
from aiplan.cli.main import lint, main


def _declared():
    return {option: param for param in lint.params for option in (*param.opts, *param.secondary_opts)}


def _info(accepts):
    """The click type whose checks the fast path makes for ``accepts`` (a FAST_OPTIONS entry)."""
    kind_type = {None: click.STRING, FILE: click.Path(dir_okay=False), FOLDER: click.Path(file_okay=False),
                 COUNT: click.IntRange(min=0)}.get(
        accepts) if not isinstance(accepts, tuple) else click.Choice(list(accepts))
    return kind_type.to_info_dict()


def test_each_fast_option_is_declared_as_the_fast_path_reads_it():
    declared = _declared()
    for option, (name, kind, accepts) in FAST_OPTIONS.items():
        param = declared[option]
        assert param.name == name and param.expose_value
        assert (param.is_flag, param.multiple) == (kind == "flag", kind == "multiple"), option
        assert param.nargs == 1 and param.callback is None and not param.envvar
        if kind != "flag":
            assert param.type.to_info_dict() == _info(accepts), option
    for short, long in FAST_SHORT_OPTIONS.items():
        assert declared[short] is declared[long] and short in declared[short].opts
    paths = next(param for param in lint.params if param.name == "paths")
    # Every path as it is (the fast path checks none).
    assert paths.type.to_info_dict() == click.Path(allow_dash=True, readable=False).to_info_dict() and paths.nargs == -1
    assert set(LINT_DEFAULTS) == {param.name for param in lint.params if param.expose_value}


def _click_parse(argv):
    """What click's own parser makes of ``argv`` (the fast path bypassed), or the error it raises."""
    parent = click.Context(main, info_name="aiplan")
    ctx = click.Context(lint, info_name="lint", parent=parent)
    try:
        with ctx.scope(cleanup=False):
            click.Command.parse_args(lint, ctx, list(argv))
    except (click.UsageError, click.exceptions.Exit) as exc:  # Exit: --help shown
        return exc
    return ctx.params


def test_defaults_are_clicks():
    assert _click_parse([]) == LINT_DEFAULTS == fast_lint_parameters([])


@pytest.fixture
def places(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "file.yaml").write_text("aiplan: 1\n")
    return tmp_path


# Tokens the command lines are made of: every fast option with good and bad values, options
# only click parses, paths (missing, a folder, a file, standard input), `--`, and odd shapes.
TOKENS = [
    "--ignore", "EVID", "--ignore=EVID,FT", "--select", "FT", "--select=", "--extend-select", "RAG001",
    "--cache-dir", "folder", "--cache-dir=file.yaml", "--cache-dir=new", "--cache-dir=other", "--no-cache", "--config", "file.yaml",
    "--config=folder", "--config=missing.toml", "--config=other.toml", "--policy-pack", "file.yaml", "--policy-pack=folder",
    "--format", "json", "--format=sarif", "--format=json", "--format=JSON", "--fail-on", "warning", "--fail-on=fatal",
    "--color", "never", "--color=always", "--color=sometimes", "--output-file", "out.json", "--output-file=folder",
    "--baseline", "base.json", "--write-baseline=file.yaml", "--plugin", "mod", "--no-plugins", "--isolated",
    "--force-exclude", "--fix", "--diff", "--fix=yes", "--statistics", "--exit-zero", "--no-fix-hints",
    "--sarif-include-suppressed", "-j", "1", "--jobs=2", "-j2", "-j=1", "-jx", "--jobs", "0", "007", "+1", "1_0",
    " 3", "-1", "--jobs=", "--rule-timeout", "5", "--help", "-h", "--bogus",
    "--ignor", "file.yaml", "folder", "missing.yaml", "-", "--", "-x", "plan one.yaml", "",
]


def test_the_fast_path_gives_clicks_values_or_leaves_the_command_line_to_click(places):
    rng = random.Random(17)
    lines = [[token] for token in TOKENS] + [list(pair) for pair in itertools.product(TOKENS, repeat=2)]
    lines += [rng.choices(TOKENS, k=rng.randint(3, 9)) for _ in range(1000)]
    taken = 0
    for argv in lines:
        fast = fast_lint_parameters(list(argv))
        reference = _click_parse(argv)
        if isinstance(reference, Exception):
            assert fast is None, argv
        elif fast is not None:
            assert fast == reference, argv
            taken += 1
    assert taken > len(lines) // 10  # it does take the common shapes


@pytest.mark.parametrize("argv", [
    ["--ignore", "EVID", "--cache-dir", "folder", "file.yaml"],
    ["--ignore=EVID", "file.yaml", "missing.yaml", "--no-cache"],
    ["--format", "json", "--fail-on", "info", "--", "--not-an-option", "-"],
    ["--force-exclude", "--config", "file.yaml", "--policy-pack", "file.yaml", "--select", "FT", "--select", "PE"],
    ["-j", "1", "--no-cache", "--ignore", "EVID", "folder"], ["-j2", "--jobs=0", "file.yaml"], ["--jobs", "007"],
    [],
])
def test_pre_commit_and_ci_command_lines_take_the_fast_path(places, argv):
    assert fast_lint_parameters(argv) == _click_parse(argv)


@pytest.mark.parametrize("argv", [
    ["--ignore"], ["--rule-timeout", "5", "file.yaml"], ["--help"], ["--fix=1"], ["--ignore", "-x"], ["--cache-dir=file.yaml"],
    ["-j=1"], ["-j", "+1"], ["--jobs", "1_0"], ["-j", "-1"], ["-j", "9" * 5000],
])
def test_what_the_fast_path_leaves_to_click(places, argv):
    assert fast_lint_parameters(argv) is None


def test_errors_and_help_are_clicks(places):
    runner = CliRunner()
    for argv, code, text in ((["--cache-dir", "file.yaml"], 2, "Invalid value for '--cache-dir'"),
                             (["--bogus"], 2, "No such option '--bogus'"), (["--ignore"], 2, "requires an argument"),
                             (["--help"], 0, "--cache-dir DIR")):
        done = runner.invoke(main, ["lint", *argv])
        assert done.exit_code == code and text in done.output, (argv, done.output)


PROBE = """
import json, sys
from aiplan.cli.main import lint, main
try:
    main(["lint", *sys.argv[1:]], prog_name="aiplan")
except SystemExit:
    pass
print(json.dumps(lint._declared is None), file=sys.stderr)
"""


def test_a_pre_commit_run_does_not_build_clicks_options(places):
    for argv, fast in ((["--ignore", "EVID", "--cache-dir", "cache", "file.yaml"], True), (["--rule-timeout", "5", "file.yaml"], False)):
        done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=places,
                              timeout=120)
        assert json.loads(done.stderr.strip().splitlines()[-1]) is fast, done.stderr


@pytest.mark.parametrize("option, make", [("--config", "file"), ("--output-file", "file"), ("--cache-dir", "folder")])
def test_a_path_this_process_may_not_read_goes_to_click(tmp_path, monkeypatch, option, make):
    """click's Path is readable=True: an existing path ``os.access`` refuses is click's error to word
    (forced here through ``os.access``: the tests may run as root, who may read anything)."""
    from aiplan.cli import lint as fast

    path = tmp_path / "p"
    path.mkdir() if make == "folder" else path.write_text("")
    assert fast.fast_lint_parameters([option, str(path), "plans"]) is not None
    monkeypatch.setattr(fast.os, "access", lambda *args, **kwargs: False)
    assert fast.fast_lint_parameters([option, str(path), "plans"]) is None
    assert fast.fast_lint_parameters([option, str(tmp_path / "absent"), "plans"]) is not None  # click checks only what exists
