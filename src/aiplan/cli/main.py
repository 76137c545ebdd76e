"""The ``aiplan`` command line. Imports stay inside commands: start-up is on the
pre-commit hot path."""

from __future__ import annotations

import sys

import click

from aiplan import __version__
from aiplan.cli.common import EXIT_INTERRUPTED, SEVERITIES, end_command, exit_after
from aiplan.cli.lint import fast_lint_parameters, lint_plans, tolerate_narrow_encodings
from aiplan.cli.options import Seconds, reports_usage_problems, settings_options, stdin_filename_option
from aiplan.reporters import FORMATS


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
        tolerate_narrow_encodings()
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
        except (KeyboardInterrupt, Exception) as exc:
            end_command(exc)


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
                  help="Print how many findings each rule has (and how many --fix can repair) instead of the findings "
                       "(text formats; another --format needs --output-file).")
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
    @stdin_filename_option
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
@reports_usage_problems
def lint(paths, output_format, output_file, include_suppressed, fail_on, select, extend_select, ignore, colour,
         no_fix_hints, statistics, exit_zero, no_plugins, plugin_modules, config_file, isolated, policy_packs,
         baseline_file, write_baseline_file,
         force_exclude, stdin_filename, fix, diff, rule_timeout, file_timeout, run_timeout, jobs, no_cache, cache_dir):
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
    lint_plans(paths, output_format, output_file, include_suppressed, fail_on, select, extend_select, ignore, colour,
               no_fix_hints, statistics, exit_zero, no_plugins, plugin_modules, config_file, isolated, policy_packs,
               baseline_file, write_baseline_file, force_exclude, fix, diff, rule_timeout, file_timeout, run_timeout,
               jobs, no_cache, cache_dir, stdin_filename=stdin_filename)


def run() -> None:
    """The ``aiplan`` command (and ``python -m aiplan``) through click: :func:`main`, then a
    quick exit (:func:`aiplan.cli.common.exit_after`). Tests and embedders call :func:`main`, which returns normally. The console
    script is :func:`aiplan.cli.run`, which calls this.
    """
    exit_after(lambda: main(prog_name="aiplan"))


if __name__ == "__main__":  # pragma: no cover
    run()
