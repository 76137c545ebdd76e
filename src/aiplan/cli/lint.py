"""``aiplan lint`` itself, without click: the values of its options in, output and an exit
(``sys.exit``) out. :mod:`aiplan.cli.main` declares it to click; a command line the fast path
parses (:func:`fast_lint_parameters`, what pre-commit and CI run) runs it from
:func:`aiplan.cli.run` without importing click at all. Imports stay inside functions:
start-up is on the pre-commit hot path."""

from __future__ import annotations

import os
import sys
from typing import Any

from aiplan.cli.common import (EXIT_USAGE, SEVERITIES, ConfigProblem, UsageProblem, exit_code, explain_no_plans,
                               load_rules, plugin_output_to_stderr, resolve_targets, say, say_no_plans,
                               split_values, stdin_paths)
from aiplan.cli.terminal import echo, is_terminal
from aiplan.reporters import FORMATS


def _use_colour(choice: str, stream) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return is_terminal(stream)


def tolerate_narrow_encodings() -> None:
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


_FLAG, _SINGLE, _MULTIPLE = "flag", "single", "multiple"
# What a click.Path(dir_okay=False), a click.Path(file_okay=False) and a click.IntRange(min=0) accept.
FILE, FOLDER, COUNT = "file", "folder", "count"
# The long options the fast path parses: (parameter name, kind, what its click type accepts:
# a tuple of choices, FILE, FOLDER, COUNT, or None for any text),
# each as _lint_parameters declares it (tests/unit/cli/test_lint_fast_path.py pins both, and
# that click parses every command line the fast path takes to the same values). The
# timeouts, -h/--help and anything else go to click.
FAST_OPTIONS = {
    "--format": ("output_format", _SINGLE, tuple(FORMATS)),
    "--output-file": ("output_file", _SINGLE, FILE),
    "--sarif-include-suppressed": ("include_suppressed", _FLAG, None),
    "--fail-on": ("fail_on", _SINGLE, SEVERITIES),
    "--select": ("select", _MULTIPLE, None),
    "--extend-select": ("extend_select", _MULTIPLE, None),
    "--ignore": ("ignore", _MULTIPLE, None),
    "--color": ("colour", _SINGLE, ("auto", "always", "never")),
    "--no-fix-hints": ("no_fix_hints", _FLAG, None),
    "--statistics": ("statistics", _FLAG, None),
    "--exit-zero": ("exit_zero", _FLAG, None),
    "--no-plugins": ("no_plugins", _FLAG, None),
    "--plugin": ("plugin_modules", _MULTIPLE, None),
    "--policy-pack": ("policy_packs", _MULTIPLE, FILE),
    "--isolated": ("isolated", _FLAG, None),
    "--config": ("config_file", _SINGLE, FILE),
    "--baseline": ("baseline_file", _SINGLE, FILE),
    "--write-baseline": ("write_baseline_file", _SINGLE, FILE),
    "--force-exclude": ("force_exclude", _FLAG, None),
    "--stdin-filename": ("stdin_filename", _SINGLE, None),
    "--fix": ("fix", _FLAG, None),
    "--diff": ("diff", _FLAG, None),
    "--no-cache": ("no_cache", _FLAG, None),
    "--cache-dir": ("cache_dir", _SINGLE, FOLDER),
    "--jobs": ("jobs", _SINGLE, COUNT),
}
# The short options the fast path parses, as the long option they stand for: `-j N` or `-jN`.
FAST_SHORT_OPTIONS = {"-j": "--jobs"}
# What click gives each parameter that is not on the command line.
LINT_DEFAULTS: dict[str, Any] = {
    "paths": (), "output_format": None, "output_file": None, "include_suppressed": False, "fail_on": None,
    "select": (), "extend_select": (), "ignore": (), "colour": "auto", "no_fix_hints": False, "statistics": False,
    "exit_zero": False, "no_plugins": False, "plugin_modules": (), "config_file": None, "isolated": False,
    "policy_packs": (), "baseline_file": None, "write_baseline_file": None, "force_exclude": False, "fix": False,
    "diff": False, "rule_timeout": None, "file_timeout": None, "run_timeout": None, "jobs": 0, "no_cache": False,
    "cache_dir": None, "stdin_filename": None,
}


def fast_lint_parameters(args: list[str]) -> dict | None:
    """The values click would pass ``lint`` for ``args``, or ``None`` for a command line
    this does not parse (click then does: its errors, help and every other option).

    Taken: paths, ``--``, the long options of :data:`FAST_OPTIONS` as ``--name value``
    or ``--name=value`` (flags bare) and the short ones of :data:`FAST_SHORT_OPTIONS` as
    ``-j value`` or ``-jvalue``, anywhere among the paths. Each value is checked as
    the click type its option declares would check it; a value click might refuse, a value starting with
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
        if token[1] != "-" and token[:2] in FAST_SHORT_OPTIONS:
            # click reads what follows `-j` as its value (`-j=1` is the value "=1").
            name, value = FAST_SHORT_OPTIONS[token[:2]], token[2:]
            equals = "=" if value else ""
        else:
            name, equals, value = token.partition("=")
        spec = FAST_OPTIONS.get(name)
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
    values: dict[str, Any] = dict(LINT_DEFAULTS)
    # click.Path(allow_dash=True, readable=False) accepts every path as it is.
    values["paths"] = tuple(paths)
    for name, seen in given.items():
        parameter, kind, accepts = FAST_OPTIONS[name]
        if kind == _FLAG:
            values[parameter] = True
            continue
        if accepts is not None and not all(_accepted(value, accepts) for value in seen):
            return None
        if accepts == COUNT:
            seen = [int(value) for value in seen]
        values[parameter] = tuple(seen) if kind == _MULTIPLE else seen[-1]
    return values


def _accepted(value: str, accepts) -> bool:
    """Whether click's type would take ``value`` as it is: a ``Choice`` takes one of its choices
    exactly; ``Path(dir_okay=False)`` anything but an existing folder, ``Path(file_okay=False)``
    anything but an existing non-folder, and either only a path that does not exist or that this
    process may read (click's ``readable=True``); ``IntRange(min=0)`` a count. Anything else (a choice in other case, an
    unreadable file, say) goes to click, which words the error."""
    if accepts == FILE:
        return not os.path.isdir(value) and (not os.path.exists(value) or os.access(value, os.R_OK))
    if accepts == FOLDER:
        return not os.path.exists(value) or (os.path.isdir(value) and os.access(value, os.R_OK))
    if accepts == COUNT:
        # Plain ASCII digits, which int() reads as click's IntRange does; signs, spaces,
        # underscores, other digits and numbers past int()'s digit limit go to click.
        return value.isascii() and value.isdigit() and len(value) < 100
    return value in accepts


def lint_plans(paths, output_format, output_file, include_suppressed, fail_on, select, extend_select, ignore, colour,
               no_fix_hints, statistics, exit_zero, no_plugins, plugin_modules, config_file, isolated, policy_packs,
               baseline_file, write_baseline_file,
               force_exclude, fix, diff, rule_timeout, file_timeout, run_timeout, jobs, no_cache, cache_dir,
               stdin_filename=None):
    """Run ``lint`` with the values click would pass it (``aiplan lint --help`` documents them); ends
    with ``sys.exit``. A command line that cannot run raises :class:`UsageProblem` (click shows it
    with the usage line), a broken configuration :class:`ConfigProblem`."""
    from aiplan.core.paths import STDIN
    from aiplan.run.runner import DEFAULT_RUN_TIMEOUT, lint_targets
    from aiplan.config.resolve import command_line_layer
    from aiplan.cli import outputs

    if diff and write_baseline_file:
        raise UsageProblem("--diff writes nothing, so it cannot write a baseline; use --fix --write-baseline "
                           "to record what remains after fixing")
    if statistics and output_format not in (None, *outputs.TEXT_FORMATS) and not output_file:
        # Refused rather than dropped, as ruff refuses formats it has no statistics for: a
        # program reading the report would otherwise get the findings it meant to count.
        raise UsageProblem(f"--statistics replaces the text report, so it cannot shape --format {output_format}; "
                           f"drop --statistics, or add --output-file FILE to write the {output_format} report "
                           "there and print the statistics")
    paths = stdin_paths(paths, stdin_filename)
    rule_set = load_rules(no_plugins, plugin_modules)
    layer = command_line_layer(split_values(select), split_values(extend_select), split_values(ignore), fail_on,
                               rule_timeout=rule_timeout, file_timeout=file_timeout)
    # The cache, when linting with it, also records the policy packs found valid (spares jsonschema next run).
    cache = None if fix or diff else _open_cache(no_cache, cache_dir)
    # The folders discovery lists: the existence checks of cached results answer from them.
    listings: dict = {}
    excluded: list = []
    resolver, targets, contexts = resolve_targets(rule_set, paths or (".",), layer, listings=listings,
                                                   excluded=excluded,
                                                   no_plugins=no_plugins,
                                                   config_file=config_file, isolated=isolated,
                                                   policy_packs=policy_packs, force_exclude=force_exclude,
                                                   stdin_name=stdin_filename or "",
                                                   checked_packs=cache.checked_packs() if cache is not None else None)
    if output_file:
        problem = outputs.check_output_file(output_file, [t.real_path for t in targets],
                                            [("--baseline", baseline_file), ("--config", config_file),
                                             *(("--policy-pack", pack) for pack in policy_packs)])
        if problem:
            raise UsageProblem(problem)
    report_stream, write_errors = sys.stdout, []
    if fix and not diff and any(target.real_path == STDIN for target, _ in excluded):
        # Excluded (--force-exclude with --stdin-filename): an editor replaces its buffer with what
        # --fix prints, so the plan goes back as it came, as ruff does.
        sys.stdout.buffer.write(sys.stdin.buffer.read())
        sys.stdout.buffer.flush()
        report_stream = sys.stderr
    if fix or diff:
        run, write_errors, to_stderr = _fix(targets, contexts.__getitem__, rule_set, diff=diff,
                                            no_plans=lambda: say_no_plans(paths or (".",), excluded))
        report_stream = sys.stderr if to_stderr else report_stream
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
        # color=False makes echo strip ANSI sequences with a regular expression over every
        # piece; a piece without an escape character has none to strip (found in C, at once).
        echo(piece, nl=False, err=report_stream is sys.stderr, color=outcome.keep_ansi or "\x1b" not in piece)
    for warning in outcome.warnings:
        say(f"aiplan: {warning}")
    if not targets:
        say_no_plans(paths or (".",), excluded)
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
    if not is_terminal(stream):
        return None
    import shutil

    return max(shutil.get_terminal_size((100, 24)).columns, 40)


def _say_write_errors(write_errors) -> None:
    """Name the files --fix could not write (they make the exit code 2 unless a rule failed)."""
    for path, reason in write_errors:
        say(f"aiplan: fixes not written to {path}: {reason}")


def _fix(targets, contexts, rule_set, *, diff, no_plans):
    """`lint --fix` / `--diff`. With --diff, print the diff and exit. With --fix,
    write the fixes (a fixed standard input goes to standard output) and return
    the run of what remains, the files that could not be written, and whether
    the report must go to standard error (standard output carries a plan)."""
    from aiplan.core.paths import STDIN
    from aiplan.fix.fixer import fix_targets, unified_diff
    from aiplan.reporters.text import visible

    stdin_target = next((t for t in targets if t.real_path == STDIN), None)
    reads_stdin = stdin_target is not None
    # Never more than one byte past the size limit, as when linting: `aiplan lint --fix -`
    # fed an endless stream must end (with PLAN007), not exhaust memory.
    limit = contexts(stdin_target).config.limits.max_bytes if reads_stdin else 0
    stdin = sys.stdin.buffer.read(limit + 1) if reads_stdin else None
    if stdin is not None and len(stdin) > limit and not diff:
        # What `--fix -` prints replaces the plan in an editor: never a partial document.
        echo(f"aiplan: standard input is over the {limit:,}-byte limit (`max-file-size`); "
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
            no_plans()
        # stdout carries the diff alone, so it can be piped to `git apply` or `patch -p1`.
        changed = [(t, r) for t, r in fixes.results if r.changed]
        for target, result in changed:
            echo(unified_diff(visible(target.display_path), result.original, result.fixed), nl=False)
        files = len(changed)
        if files:
            # Counted as the lint summary counts them (the findings marked [*]), and
            # apart, those the fixes revealed, so the two numbers can be compared.
            shown = fixes.fixed - fixes.revealed
            more = f" (and {fixes.revealed} more that these fixes reveal)" if fixes.revealed else ""
            echo(f"Would fix {shown} finding{'s' * (shown != 1)}{more} in {files} "
                       f"file{'s' * (files != 1)}.", err=True)
        else:
            echo("No fixes to apply.", err=True)
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
