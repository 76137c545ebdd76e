"""The ``aiplan`` command line. Imports stay inside commands: start-up is on the
pre-commit hot path."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from aiplan import __version__
from aiplan.cli.common import (EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, SEVERITIES,
                               ConfigProblem, Seconds, exit_code, explain_no_plans, load_rules, plugin_output_to_stderr,
                               resolve_targets, say, settings_options, split_values)
from aiplan.reporters import FORMATS


def _use_colour(choice: str, stream) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _tolerate_narrow_encodings() -> None:
    """Print what a terminal cannot encode as backslash escapes instead of
    failing: plans and file names hold any character, and CI runners often
    have an ASCII or Latin-1 locale."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a closed or exotic stream
                pass


def _open_cache(no_cache: bool, cache_dir: str | None):
    """The results cache for this run, or ``None`` when turned off."""
    from aiplan.run.cache import LintCache, cache_disabled_by_environment, default_cache_dir

    if no_cache or cache_disabled_by_environment():
        return None
    # Each entry keeps its file's part of the text report: a warm run prints it without decoding.
    return LintCache(cache_dir or default_cache_dir(), render=_cached_part)


def _cached_part(result, lines):
    from aiplan.reporters.text import cached_part  # start-up: only when a result is stored

    return cached_part(result, lines)


# The commands defined in aiplan.cli.commands, built only when asked for (see there).
LAZY_COMMANDS = ("config", "explain", "init", "plugins", "report", "rules", "schema", "server")


class AiplanGroup(click.Group):
    """Maps every failure to the documented exit codes, never a traceback."""

    def list_commands(self, ctx):
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx, name):
        if name in LAZY_COMMANDS and name not in self.commands:
            from aiplan.cli.commands import COMMANDS

            return COMMANDS[name]
        return super().get_command(ctx, name)

    def main(self, *args, **kwargs):
        kwargs.setdefault("standalone_mode", True)
        _tolerate_narrow_encodings()
        try:
            return super().main(*args, **kwargs)
        except KeyboardInterrupt:  # pragma: no cover - needs a real signal
            click.echo("aiplan: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)

    def format_commands(self, ctx, formatter):
        """The command list with each command's whole first sentence: click cuts
        it at 45 characters, mid-phrase ("Print the effective configuration for PATH (a plan file or a...")."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("aiplan: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            sys.exit(EXIT_OK)
        except Exception as exc:
            if os.environ.get("AIPLAN_DEBUG"):
                raise
            click.echo(f"aiplan: internal error: {type(exc).__name__}: {exc} "
                       "(set AIPLAN_DEBUG=1 for a traceback, and please report it)", err=True)
            sys.exit(EXIT_INTERNAL)


@click.group(cls=AiplanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="aiplan")
def main():
    """Lint AI project plans: name the gap, measure the prompt baseline, then
    choose RAG, fine-tuning or both, with the evidence to back it."""


class LintCommand(click.Command):
    """``lint``, whose thirty parameters are made only when click needs them: a command line
    of long options and paths (what pre-commit and CI run) is parsed by
    :func:`fast_lint_parameters` into the values click would give, without click's parser."""

    _declared: list | None = None

    @property
    def params(self) -> list:
        declared = self._declared
        if declared is None:
            declared = self._declared = _lint_parameters()
        return declared

    @params.setter
    def params(self, value: list) -> None:
        self._declared = value or None  # click.Command.__init__ sets [] when given none: made on first use

    def parse_args(self, ctx, args):
        values = None if _click_must_parse(ctx) else fast_lint_parameters(args)
        if values is None:
            return super().parse_args(ctx, args)
        ctx.params.update(values)
        ctx.args = []
        return []


def _click_must_parse(ctx) -> bool:
    """Settings that change what click's parser would make of a command line (completion,
    defaults or environment variables given by an embedder, normalised option names)."""
    return bool(ctx.resilient_parsing or ctx.default_map or ctx.token_normalize_func or ctx.auto_envvar_prefix)


_FLAG, _SINGLE, _MULTIPLE = "flag", "single", "multiple"
_FILE = click.Path(dir_okay=False)
# The long options the fast path parses: (parameter name, kind, click type or None for text),
# each as _lint_parameters declares it (tests/unit/cli/test_lint_fast_path.py pins both, and
# that click parses every command line the fast path takes to the same values). -j, the
# timeouts, -h/--help and anything else go to click.
_FAST_OPTIONS = {
    "--format": ("output_format", _SINGLE, click.Choice(list(FORMATS))),
    "--output-file": ("output_file", _SINGLE, _FILE),
    "--sarif-include-suppressed": ("include_suppressed", _FLAG, None),
    "--fail-on": ("fail_on", _SINGLE, click.Choice(SEVERITIES)),
    "--select": ("select", _MULTIPLE, None),
    "--extend-select": ("extend_select", _MULTIPLE, None),
    "--ignore": ("ignore", _MULTIPLE, None),
    "--color": ("colour", _SINGLE, click.Choice(["auto", "always", "never"])),
    "--no-fix-hints": ("no_fix_hints", _FLAG, None),
    "--statistics": ("statistics", _FLAG, None),
    "--exit-zero": ("exit_zero", _FLAG, None),
    "--no-plugins": ("no_plugins", _FLAG, None),
    "--plugin": ("plugin_modules", _MULTIPLE, None),
    "--policy-pack": ("policy_packs", _MULTIPLE, _FILE),
    "--isolated": ("isolated", _FLAG, None),
    "--config": ("config_file", _SINGLE, _FILE),
    "--baseline": ("baseline_file", _SINGLE, _FILE),
    "--write-baseline": ("write_baseline_file", _SINGLE, _FILE),
    "--force-exclude": ("force_exclude", _FLAG, None),
    "--fix": ("fix", _FLAG, None),
    "--diff": ("diff", _FLAG, None),
    "--no-cache": ("no_cache", _FLAG, None),
    "--cache-dir": ("cache_dir", _SINGLE, click.Path(file_okay=False)),
}
_PATHS = click.Path(allow_dash=True, readable=False)
# What click gives each parameter that is not on the command line.
_LINT_DEFAULTS: dict[str, Any] = {
    "paths": (), "output_format": None, "output_file": None, "include_suppressed": False, "fail_on": None,
    "select": (), "extend_select": (), "ignore": (), "colour": "auto", "no_fix_hints": False, "statistics": False,
    "exit_zero": False, "no_plugins": False, "plugin_modules": (), "config_file": None, "isolated": False,
    "policy_packs": (), "baseline_file": None, "write_baseline_file": None, "force_exclude": False, "fix": False,
    "diff": False, "rule_timeout": None, "file_timeout": None, "run_timeout": None, "jobs": 0, "no_cache": False,
    "cache_dir": None,
}


def fast_lint_parameters(args: list[str]) -> dict | None:
    """The values click would pass ``lint`` for ``args``, or ``None`` for a command line
    this does not parse (click then does: its errors, help and every other option).

    Taken: paths, ``--``, and the long options of :data:`_FAST_OPTIONS` as ``--name value``
    or ``--name=value`` (flags bare), anywhere among the paths. Each value is converted by
    the click type its option declares; a value click would refuse, a value starting with
    ``-``, a missing value or an unknown option hands the whole command line to click.
    Building and running click's parser for thirty options costs more than the lint of a
    short plan's rules; this spares it on every pre-commit run.
    """
    given: dict[str, list] = {}
    paths: list[str] = []
    index, count = 0, len(args)
    while index < count:
        token = args[index]
        index += 1
        if token == "--":
            paths.extend(args[index:])
            break
        if token[:1] != "-" or token == "-":
            paths.append(token)
            continue
        name, equals, value = token.partition("=")
        spec = _FAST_OPTIONS.get(name)
        if spec is None:
            return None
        if spec[1] == _FLAG:
            if equals:
                return None
            given.setdefault(name, []).append(True)
            continue
        if not equals:
            if index == count:
                return None
            value = args[index]
            index += 1
        if value[:1] == "-" and len(value) > 1:
            return None
        given.setdefault(name, []).append(value)
    values: dict[str, Any] = dict(_LINT_DEFAULTS)
    try:
        values["paths"] = tuple(_PATHS.convert(path, None, None) for path in paths)
        for name, seen in given.items():
            parameter, kind, kind_type = _FAST_OPTIONS[name]
            if kind == _FLAG:
                values[parameter] = True
            elif kind == _MULTIPLE:
                values[parameter] = tuple(seen if kind_type is None else (kind_type.convert(v, None, None) for v in seen))
            else:
                values[parameter] = seen[-1] if kind_type is None else kind_type.convert(seen[-1], None, None)
    except click.BadParameter:
        return None
    return values


def _lint_parameters() -> list:
    """``lint``'s arguments and options in the order ``--help`` shows them: made when click
    parses a command line the fast path leaves to it, or shows help or completions
    (:class:`LintCommand`)."""
    # readable=False: an unreadable plan is a PLAN008 finding and the run goes on, not a usage error.
    @click.argument("paths", nargs=-1, type=click.Path(allow_dash=True, readable=False))
    @click.option("--format", "output_format", type=click.Choice(list(FORMATS)), default=None,
                  help="Output format (default: text; under GitHub Actions, text plus annotations).")
    @click.option("--output-file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
                  help="Write the --format report to FILE (atomically) and print the normal output.")
    @click.option("--sarif-include-suppressed", "include_suppressed", is_flag=True,
                  help="SARIF: also report findings waived inline or known to --baseline, marked as suppressed "
                       "(GitHub code scanning ignores the mark and would open alerts for them; see docs/ci.md).")
    @click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
                  help="Lowest severity that makes the run fail (exit 1). Default: error.")
    @click.option("--select", multiple=True, help="Rule IDs or prefixes to enable (comma-separated), e.g. FT,RAG001.")
    @click.option("--extend-select", multiple=True, help="Rule IDs or prefixes to enable on top of the selection.")
    @click.option("--ignore", multiple=True, help="Rule IDs or prefixes to disable (comma-separated).")
    @click.option("--color", "colour", type=click.Choice(["auto", "always", "never"]), default="auto",
                  show_default=True, help="Colour the text output. auto: on a terminal unless NO_COLOR is set; an explicit "
                       "`always` wins over NO_COLOR (a command-line choice is more specific than the environment).")
    @click.option("--no-fix-hints", is_flag=True, help="Print findings without their fix hints.")
    @click.option("--statistics", is_flag=True,
                  help="Print how many findings each rule has (and how many --fix can repair) instead of the findings.")
    @click.option("--exit-zero", is_flag=True,
                  help="Exit 0 even when findings reach --fail-on (usage errors still exit 2, internal errors 3).")
    @click.option("--no-plugins", is_flag=True, help="Do not load third-party plugins (built-in rules only).")
    @click.option("--plugin", "plugin_modules", multiple=True, metavar="MODULE",
                  help="Also load this importable module as a plugin.")
    @settings_options
    @click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False), metavar="FILE",
                  help="Report only findings not recorded in this baseline file.")
    @click.option("--write-baseline", "write_baseline_file", type=click.Path(dir_okay=False), metavar="FILE",
                  help="Record the current findings in this baseline file and exit 0 "
                       "(with --fix: the findings that remain after fixing).")
    @click.option("--force-exclude", is_flag=True,
                  help="Apply the configured `exclude` to files named on the command line too (for pre-commit).")
    @click.option("--fix", is_flag=True,
                  help="Apply the safe fixes in place (fixable rules: see `aiplan rules`), then report what remains. "
                       "With -, the fixed plan goes to standard output and the report to standard error.")
    @click.option("--diff", is_flag=True,
                  help="Print the fixes as a unified diff instead of writing them; exit 1 if there are any.")
    @click.option("--rule-timeout", type=Seconds(), default=None, metavar="SECONDS",
                  help="Stop a rule that runs longer than this on one document and report it as an "
                       "internal error (default 5; 0: no limit).")
    @click.option("--file-timeout", type=Seconds(), default=None, metavar="SECONDS",
                  help="Stop checking a file that takes longer than this, every phase included, and report it "
                       "as cut short (default 60; 0: no limit).")
    @click.option("--run-timeout", type=Seconds(), default=None, metavar="SECONDS",
                  help="Stop the run after this long; files not checked by then are reported as such "
                       "(default 600; 0: no limit).")
    @click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, metavar="N",
                  help="Processes to lint with (default 0: all cores; 1: serial). Small runs stay serial.")
    @click.option("--no-cache", is_flag=True, help="Neither read nor write the cache of results (also AIPLAN_NO_CACHE=1).")
    @click.option("--cache-dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
                  help="Where to keep the cache (default: .aiplan_cache here; also AIPLAN_CACHE_DIR).")
    def declared():
        """Only carries the parameters the decorators above attach."""

    return list(reversed(declared.__click_params__))  # as click.command() does


@main.command(cls=LintCommand)
def lint(paths, output_format, output_file, include_suppressed, fail_on, select, extend_select, ignore, colour,
         no_fix_hints, statistics, exit_zero, no_plugins, plugin_modules, config_file, isolated, policy_packs,
         baseline_file, write_baseline_file,
         force_exclude, fix, diff, rule_timeout, file_timeout, run_timeout, jobs, no_cache, cache_dir):
    """Lint plan files and directories (default: the current directory).

    Directories are searched for aiplan.yaml, aiplan.yml, *.aiplan.yaml and
    *.aiplan.yml. Use - to read a plan from standard input. Settings come from
    the nearest pyproject.toml [tool.aiplan] or .aiplan.toml above each plan
    (see `aiplan config`), then from the options given here.

    Exit status: 0 no finding at or above --fail-on, 1 findings at or above it,
    2 usage or configuration error (or --fix could not write a file),
    3 internal error (a rule or plugin failed), 130 interrupted. With --diff:
    1 if there are fixes to apply, else 0.
    """
    from aiplan.run.runner import DEFAULT_RUN_TIMEOUT, lint_targets
    from aiplan.config.resolve import command_line_layer
    from aiplan.cli import outputs

    if diff and write_baseline_file:
        raise click.UsageError("--diff writes nothing, so it cannot write a baseline; use --fix --write-baseline "
                               "to record what remains after fixing")
    rule_set = load_rules(no_plugins, plugin_modules)
    layer = command_line_layer(split_values(select), split_values(extend_select), split_values(ignore), fail_on,
                               rule_timeout=rule_timeout, file_timeout=file_timeout)
    # The cache, when linting with it, also records the policy packs found valid (spares jsonschema next run).
    cache = None if fix or diff else _open_cache(no_cache, cache_dir)
    # The folders discovery lists: the existence checks of cached results answer from them.
    listings: dict = {}
    resolver, targets, contexts = resolve_targets(rule_set, paths or (".",), layer, listings=listings,
                                                   no_plugins=no_plugins,
                                                   config_file=config_file, isolated=isolated,
                                                   policy_packs=policy_packs, force_exclude=force_exclude,
                                                   checked_packs=cache.checked_packs() if cache is not None else None)
    if output_file:
        problem = outputs.check_output_file(output_file, [t.real_path for t in targets],
                                            [("--baseline", baseline_file), ("--config", config_file),
                                             *(("--policy-pack", pack) for pack in policy_packs)])
        if problem:
            raise click.UsageError(problem)
    report_stream, write_errors = sys.stdout, []
    if fix or diff:
        run, write_errors, to_stderr = _fix(targets, contexts.__getitem__, rule_set, diff=diff)
        report_stream = sys.stderr if to_stderr else sys.stdout
    else:
        with plugin_output_to_stderr():
            run = lint_targets(targets, contexts.__getitem__, cache=cache, jobs=jobs, listings=listings,
                               run_timeout=DEFAULT_RUN_TIMEOUT if run_timeout is None else run_timeout)
        run = run.with_errors(rule_set.errors)
    # What remains after --fix is recorded, filtered and reported like any run.
    if write_baseline_file:
        _write_baseline(run, write_baseline_file)
        _say_write_errors(write_errors)
        sys.exit(exit_code(run, write_errors=write_errors))
    if baseline_file:
        enabled = {t.display_path: ctx.enabled for t, ctx in contexts.items()}
        run = _apply_baseline(run, baseline_file, lambda path: enabled.get(path, ()))
    # Reports describe every rule of the run: plugins' and the policy packs' of each file.
    run_rules = rule_set.rules.with_rules(
        item for context in {id(c): c for c in contexts.values()}.values() for item in context.rules.values())
    outcome = outputs.emit(run, run_rules, output_format=output_format, output_file=output_file,
                           colour=_use_colour(colour, report_stream), show_fix=not no_fix_hints,
                           no_targets=not targets, statistics=statistics, gate=resolver.fail_on_for,
                           wrap=_terminal_width(report_stream), include_suppressed=include_suppressed,
                           exit_zero=exit_zero)
    for piece in outputs.batched(outcome.report()):  # written as it is made: memory stays flat
        # color=False makes click strip ANSI sequences with a regular expression over every
        # piece; a piece without an escape character has none to strip (found in C, at once).
        click.echo(piece, nl=False, err=report_stream is sys.stderr, color=outcome.keep_ansi or "\x1b" not in piece)
    for warning in outcome.warnings:
        say(f"aiplan: {warning}")
    if not targets:
        click.echo(outputs.NO_PLANS, nl=False, err=True)
    if not targets and not any(p == "-" or os.path.isfile(p) for p in paths):
        # A green run over nothing hides a wrong path or plan name (as ESLint does for a pattern).
        explain_no_plans(paths or (".",))
        sys.exit(EXIT_USAGE)
    _say_write_errors(write_errors)
    sys.exit(exit_code(run, fail_on=resolver.fail_on_for, exit_zero=exit_zero, report_failed=outcome.report_failed,
                       write_errors=write_errors))


def _terminal_width(stream) -> int | None:
    """The width to wrap messages at on a terminal; ``None`` (no wrapping) for
    pipes, files and CI logs, which keep each message on one line."""
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return None
    import shutil

    return max(shutil.get_terminal_size((100, 24)).columns, 40)


def _say_write_errors(write_errors) -> None:
    """Name the files --fix could not write (they make the exit code 2 unless a rule failed)."""
    for path, reason in write_errors:
        say(f"aiplan: fixes not written to {path}: {reason}")


def _fix(targets, contexts, rule_set, *, diff):
    """`lint --fix` / `--diff`. With --diff, print the diff and exit. With --fix,
    write the fixes (a fixed standard input goes to standard output) and return
    the run of what remains, the files that could not be written, and whether
    the report must go to standard error (standard output carries a plan)."""
    from aiplan.core.paths import STDIN
    from aiplan.fix.fixer import fix_targets, unified_diff
    from aiplan.reporters.text import visible
    from aiplan.cli import outputs

    stdin_target = next((t for t in targets if t.real_path == STDIN), None)
    reads_stdin = stdin_target is not None
    # Never more than one byte past the size limit, as when linting: `aiplan lint --fix -`
    # fed an endless stream must end (with PLAN007), not exhaust memory.
    limit = contexts(stdin_target).config.limits.max_bytes if reads_stdin else 0
    stdin = sys.stdin.buffer.read(limit + 1) if reads_stdin else None
    if stdin is not None and len(stdin) > limit and not diff:
        # What `--fix -` prints replaces the plan in an editor: never a partial document.
        click.echo(f"aiplan: standard input is over the {limit:,}-byte limit (`max-file-size`); "
                   "nothing was fixed and nothing is printed", err=True)
        sys.exit(EXIT_USAGE)
    with plugin_output_to_stderr():
        run, fixes = fix_targets(targets, contexts, write=not diff, stdin=stdin)
    run = run.with_errors(rule_set.errors)
    for target, result in fixes.results:
        if result.stopped:
            left = sum(1 for finding in result.after.findings if finding.edits)
            say(f"aiplan: {target.display_path}: fixing {result.stopped}; "
                 f"{left} fixable finding{'s' * (left != 1)} left unfixed")
    if diff:
        if not targets:
            click.echo(outputs.NO_PLANS, nl=False, err=True)
        # stdout carries the diff alone, so it can be piped to `git apply` or `patch -p1`.
        changed = [(t, r) for t, r in fixes.results if r.changed]
        for target, result in changed:
            click.echo(unified_diff(visible(target.display_path), result.original, result.fixed), nl=False)
        files = len(changed)
        if files:
            # Counted as the lint summary counts them (the findings marked [*]), and
            # apart, those the fixes revealed, so the two numbers can be compared.
            shown = fixes.fixed - fixes.revealed
            more = f" (and {fixes.revealed} more that these fixes reveal)" if fixes.revealed else ""
            click.echo(f"Would fix {shown} finding{'s' * (shown != 1)}{more} in {files} "
                       f"file{'s' * (files != 1)}.", err=True)
        else:
            click.echo("No fixes to apply.", err=True)
        for error in run.internal_errors:
            say(f"internal error: {error.describe()}")
        sys.exit(exit_code(run, fixes_pending=bool(files)))

    for target, result in fixes.results:
        if target.real_path == STDIN:
            sys.stdout.buffer.write(result.fixed)
            sys.stdout.buffer.flush()
    return run, fixes.write_errors, reads_stdin


def _write_baseline(run, path) -> None:
    from aiplan.run.baseline import BaselineError, write_baseline

    try:
        written = write_baseline(path, run)
    except BaselineError as exc:
        raise ConfigProblem.of(exc) from None
    say(f"aiplan: wrote {path}: {written.describe()}")
    for error in run.internal_errors:
        say(f"internal error: {error.describe()}")


def _apply_baseline(run, path, enabled_for):
    from aiplan.run.baseline import BaselineError, apply_baseline, read_baseline

    try:
        baseline = read_baseline(path)
    except BaselineError as exc:
        raise ConfigProblem.of(exc) from None
    return apply_baseline(run, baseline, enabled_for)


def run() -> None:
    """The ``aiplan`` command (and ``python -m aiplan``): :func:`main`, then a quick exit.

    Tearing the interpreter down (freeing every module and object one by one)
    takes about 15 ms, a sixth of a pre-commit run, and achieves nothing for a
    process that is about to end. So once the command is done, the output is
    flushed, ``atexit`` handlers run as usual, and the process exits at once.
    Tests and embedders call :func:`main`, which returns normally. The console
    script is :func:`aiplan.cli.run`, which calls this.
    """
    try:
        main(prog_name="aiplan")
        code: object = EXIT_OK
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = EXIT_OK
    elif not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`aiplan lint | head`): nothing left to say
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
