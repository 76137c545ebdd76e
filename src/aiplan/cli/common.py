"""What the commands share: the exit codes and the one function that decides
them, loading the rules, resolving settings and targets, and messages on
standard error. :mod:`aiplan.cli.main` (the group and ``lint``) and
:mod:`aiplan.cli.commands` (the other commands) both import it; imports stay
inside functions: start-up is on the pre-commit hot path."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from aiplan.cli.terminal import echo

SEVERITIES = ("error", "warning", "info")
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def exit_after(command) -> None:
    """Run ``command`` (which ends with ``sys.exit``), then end the process at once.

    Tearing the interpreter down (freeing every module and object one by one)
    takes about a sixth of a pre-commit run and achieves nothing for a process
    that is about to end. So once the command is done, the output is flushed,
    ``atexit`` handlers run as usual, and the process exits with the command's code.
    """
    try:
        command()
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


def end_command(exc: BaseException) -> NoReturn:
    """End ``aiplan`` as it ends when a command raised ``exc``, on click's path (the group's
    ``invoke``) and on ``lint``'s click-free path alike: an interrupt says so and exits 130, a
    closed output pipe exits 0, a :class:`ConfigProblem` is shown as click shows its own errors
    (exit 2), and anything else is an internal error (exit 3) in one line, or its traceback
    when ``AIPLAN_DEBUG`` is set."""
    if isinstance(exc, KeyboardInterrupt):
        echo("aiplan: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if isinstance(exc, BrokenPipeError):
        sys.exit(EXIT_OK)
    if isinstance(exc, ConfigProblem):
        exc.show()
        sys.exit(exc.exit_code)
    if os.environ.get("AIPLAN_DEBUG"):
        raise exc
    echo(f"aiplan: internal error: {type(exc).__name__}: {exc} "
         "(set AIPLAN_DEBUG=1 for a traceback, and please report it)", err=True)
    sys.exit(EXIT_INTERNAL)


def exit_code(run, *, fail_on=None, fixes_pending: bool = False, exit_zero: bool = False,
              report_failed: bool = False, write_errors=()) -> int:
    """The exit code of a command that ran (a usage or configuration error before
    running exits 2 through click): 2 if the ``--output-file`` report could not
    be written; 3 if a rule or plugin failed; 1 if a finding reaches its file's
    threshold (``fail_on(path)``, a severity; ``None``: findings never fail the
    command, as for ``report`` and ``--write-baseline``) or ``--diff`` has fixes
    to apply (``fixes_pending``); else 0. ``exit_zero`` turns 1 into 0; files
    ``--fix`` could not write (``write_errors``) make it 2 unless a rule failed."""
    if report_failed:
        code = EXIT_USAGE
    elif run.internal_errors:
        code = EXIT_INTERNAL
    elif fixes_pending or (fail_on is not None and any(
            any(result.tally()[:3]) and result.failing(fail_on(result.path)) for result in run.files)):
        code = EXIT_FINDINGS
    else:
        code = EXIT_OK
    if exit_zero and code == EXIT_FINDINGS:
        code = EXIT_OK
    if write_errors and code != EXIT_INTERNAL:
        code = EXIT_USAGE
    return code


def split_values(values) -> tuple[str, ...]:
    """The items of repeatable, comma-separated options (``--select FT,RAG001 --select PE``)."""
    out: list[str] = []
    for value in values or ():
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(out)


def plugin_output_to_stderr():
    """While plugins run (import, registration, rules), what they print goes to
    standard error: standard output carries the report (JSON, SARIF, JUnit...)."""
    import contextlib  # start-up: cheap, only for commands that run plugins

    return contextlib.redirect_stdout(sys.stderr)


def load_rules(no_plugins: bool, plugin_modules=()):
    """The run's rules: built-in, installed plugins' (unless turned off) and ``--plugin`` modules'."""
    from aiplan.plugins.manager import disabled_by_environment, load_rule_set

    with plugin_output_to_stderr():
        return load_rule_set(entry_points=not no_plugins, disabled=disabled_by_environment(),
                             extra_modules=plugin_modules)


class UsageProblem(Exception):
    """A command line that cannot run: click reports it as a ``UsageError`` (the usage line, exit 2)."""


def stdin_paths(paths: tuple, stdin_filename: str | None) -> tuple:
    """The paths of a command given ``--stdin-filename`` (``None``: not given), which names
    the plan read from standard input: standard input when no path is given; a command line
    that reads no standard input, or names it nothing, is a :class:`UsageProblem`."""
    if stdin_filename is None:
        return paths
    from aiplan.core.paths import STDIN

    paths = paths or (STDIN,)
    if STDIN not in paths:
        raise UsageProblem("--stdin-filename names the plan read from standard input; add - to the paths "
                           "to read it")
    if not stdin_filename or stdin_filename == STDIN:
        raise UsageProblem(f"--stdin-filename needs the path the plan stands for, not {stdin_filename!r}")
    return paths


class ConfigProblem(Exception):
    """A broken configuration file or policy pack: exit 2, no usage banner (:meth:`show`)."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, problems: tuple[str, ...] = (), head: str = ""):
        super().__init__(message)
        self.message = message
        self.problems = problems
        self.head = head

    @classmethod
    def of(cls, error: Exception) -> "ConfigProblem":
        return cls(str(error), getattr(error, "problems", ()), getattr(error, "head", ""))

    def show(self) -> None:
        if not self.problems:
            say(f"aiplan: configuration error: {self.message}")
            return
        # One problem a line; each escaped on its own, so no text from a file can start a line.
        say(f"aiplan: configuration error: {self.head}:")
        for problem in self.problems:
            say(f"  {problem}")


def plugins_disabled(no_plugins: bool) -> bool:
    """Whether some plugin is turned off, so rule IDs nobody provides are tolerated in configuration."""
    from aiplan.plugins.manager import disabled_by_environment

    return no_plugins or bool(disabled_by_environment())


def settings_resolver(rule_set, *, no_plugins=False, config_file=None, isolated=False, policy_packs=(), cli_layer=None,
                      checked_packs=None):
    """The per-file settings of this run (configuration files, overrides, packs, options);
    ``checked_packs``: the results cache's record of packs found valid before."""
    from aiplan.config.selection import ConfigError
    from aiplan.config.resolve import Resolver

    try:
        return Resolver(rule_set.rules, cli=cli_layer, config_path=config_file, isolated=isolated,
                        cli_packs=policy_packs, lenient=plugins_disabled(no_plugins), checked_packs=checked_packs,
                        complete=rule_set.complete)
    except ConfigError as exc:
        raise ConfigProblem.of(exc) from None


def say(message: str) -> None:
    """A message on standard error, with control characters, line breaks and
    escape sequences from file names or exception text shown visibly: a path
    holding a newline and `::error` must not start a CI workflow command."""
    from aiplan.reporters.text import visible  # start-up: only when there is something to say

    echo(visible(message), err=True)


def say_no_plans(paths, excluded=()) -> None:
    """Say why ``paths`` gave no plan to lint: the plans the configuration's ``exclude`` kept
    out, each with the pattern (``excluded``: ``(target, reason)`` from :func:`resolve_targets`),
    else "No plan files found" and a folder named like a plan file (``d.aiplan.yaml/``: searched
    as the folder it is)."""
    from aiplan.cli.outputs import NO_PLANS
    from aiplan.run.discovery import is_plan_name

    if not excluded:
        echo(NO_PLANS, nl=False, err=True)
        for path in paths:
            if os.path.isdir(path) and is_plan_name(os.path.basename(os.path.normpath(path))):
                say(f"aiplan: {path}: a directory (named like a plan file): searched for plan files, and "
                    "none is in it")
        return
    named = [(target, reason) for target, reason in excluded if target.explicit]
    for target, reason in named:
        say(f"aiplan: nothing to lint: {target.display_path} is excluded by {reason} (--force-exclude "
            "applies `exclude` to files named on the command line too)")
    found = len(excluded) - len(named)
    if found:
        reasons = sorted({reason for target, reason in excluded if not target.explicit})
        say(f"aiplan: nothing to lint: the {found} plan file{'s' * (found != 1)} found "
            f"{'are' if found != 1 else 'is'} excluded by {', '.join(reasons)}")


def explain_no_plans(paths) -> None:
    """Name the YAML files under ``paths`` that look like plans (a top-level
    ``aiplan`` key) but are not named like one, so the user knows what to rename."""
    from aiplan.run.discovery import plan_lookalikes

    for path in plan_lookalikes(paths):
        stem = os.path.basename(path).rsplit(".", 1)[0]
        say(f"aiplan: {path} looks like a plan: name it {stem}.aiplan.yaml or pass it explicitly")


def resolve_targets(rule_set, paths, layer, force_exclude=False, listings=None, stdin_name="", excluded=None,
                    **settings):
    """The files to lint and each one's lint context. Every configuration that applies
    is read and checked before anything is linted: a broken one exits 2. ``listings``: a
    dict that keeps what discovery listed (:func:`aiplan.run.discovery.discover`);
    ``excluded``: a list that gets each file the configuration's ``exclude`` keeps out, with
    what excludes it (``(target, reason)``, :meth:`aiplan.config.resolve.Resolver.excluded_by`)."""
    from aiplan.config.selection import ConfigError
    from aiplan.run.discovery import PathError, discover

    resolver = settings_resolver(rule_set, cli_layer=layer, **settings)
    linked: list = []
    try:
        targets = discover(paths, linked, listings, stdin_name)
    except PathError as exc:
        raise UsageProblem(str(exc)) from None
    try:
        for path in paths:
            resolver.resolve_path(path)
        kept = []
        for target in targets:
            reason = resolver.excluded_by(target, force=force_exclude)
            if reason is None:
                kept.append(target)
            elif excluded is not None:
                excluded.append((target, reason))
        targets = kept
        contexts = {target: resolver.context_for(target) for target in targets}
    except ConfigError as exc:
        raise ConfigProblem.of(exc) from None
    try:
        resolver.check_command_line()
    except ConfigError as exc:
        raise UsageProblem(str(exc)) from None
    resolver.check_coverage(paths)
    for warning in resolver.warnings:
        say(f"aiplan: warning: {warning}")
    for link in linked:  # as ruff names what it did not check: a folder whose plans were not linted
        if not resolver.is_excluded(link, force=True):
            say(f"aiplan: warning: {link.display_path}: not searched: a symbolic link to a directory (links are "
                f"not followed); name it on the command line to lint its plans")
    return resolver, targets, contexts
