"""The ``aiplan`` command line. Imports stay inside commands: start-up is on the
pre-commit hot path."""

from __future__ import annotations

import os
import sys

import click

from aiplan import __version__
from aiplan.reporters import FORMATS

SEVERITIES = ("error", "warning", "info")
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _split(values) -> tuple[str, ...]:
    out: list[str] = []
    for value in values or ():
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(out)


def _use_colour(choice: str, stream) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _load_rule_set(no_plugins: bool, plugin_modules=()):
    from aiplan.plugins.manager import load_rule_set

    disabled = _split([os.environ.get("AIPLAN_DISABLE_PLUGINS", "")])
    return load_rule_set(entry_points=not no_plugins, disabled=disabled, extra_modules=plugin_modules)


class AiplanGroup(click.Group):
    """Maps every failure to the documented exit codes, never a traceback."""

    def main(self, *args, **kwargs):
        kwargs.setdefault("standalone_mode", True)
        try:
            return super().main(*args, **kwargs)
        except KeyboardInterrupt:  # pragma: no cover - needs a real signal
            click.echo("aiplan: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)

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


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--format", "output_format", type=click.Choice(list(FORMATS)), default=None,
              help="Output format (default: text; under GitHub Actions, text plus annotations).")
@click.option("--output-file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Write the --format report to FILE (atomically) and print the normal output.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Lowest severity that makes the run fail (exit 1). Default: error.")
@click.option("--select", multiple=True, help="Rule IDs or prefixes to enable (comma-separated), e.g. FT,RAG001.")
@click.option("--extend-select", multiple=True, help="Rule IDs or prefixes to enable on top of the selection.")
@click.option("--ignore", multiple=True, help="Rule IDs or prefixes to disable (comma-separated).")
@click.option("--color", "colour", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour the text output. NO_COLOR turns auto off.")
@click.option("--no-fix-hints", is_flag=True, help="Print findings without their fix hints.")
@click.option("--no-plugins", is_flag=True, help="Do not load third-party plugins (built-in rules only).")
@click.option("--plugin", "plugin_modules", multiple=True, metavar="MODULE",
              help="Also load this importable module as a plugin.")
@click.option("--fix", is_flag=True,
              help="Apply the safe fixes in place (fixable rules: see `aiplan rules`), then report what remains. "
                   "With -, the fixed plan goes to standard output and the report to standard error.")
@click.option("--diff", is_flag=True,
              help="Print the fixes as a unified diff instead of writing them; exit 1 if there are any.")
def lint(paths, output_format, output_file, fail_on, select, extend_select, ignore, colour, no_fix_hints,
         no_plugins, plugin_modules, fix, diff):
    """Lint plan files and directories (default: the current directory).

    Directories are searched for aiplan.yaml, aiplan.yml, *.aiplan.yaml and
    *.aiplan.yml. Use - to read a plan from standard input.

    Exit status: 0 no finding at or above --fail-on, 1 findings at or above it,
    2 usage or configuration error (or --fix could not write a file),
    3 internal error (a rule or plugin failed). With --diff: 1 if there are
    fixes to apply, else 0.
    """
    from aiplan.lint.config import ConfigError, LintConfig, validate_selectors
    from aiplan.lint.discovery import PathError, discover
    from aiplan.lint.engine import LintContext
    from aiplan.lint.findings import Severity
    from aiplan.lint.runner import lint_targets
    from aiplan.reporters import outputs

    rule_set = _load_rule_set(no_plugins, plugin_modules)
    ids = list(rule_set.rules)
    try:
        config = LintConfig(
            select=validate_selectors(_split(select), ids, "--select") or ("ALL",),
            extend_select=validate_selectors(_split(extend_select), ids, "--extend-select"),
            ignore=validate_selectors(_split(ignore), ids, "--ignore"),
            fail_on=Severity.parse(fail_on or "error"),
        )
        ctx = LintContext.build(rule_set.rules, config)
        targets = discover(paths or (".",), config.exclude)
    except (ConfigError, PathError) as exc:
        raise click.UsageError(str(exc)) from None

    if output_file:
        problem = outputs.check_output_file(output_file, [t.real_path for t in targets])
        if problem:
            raise click.UsageError(problem)

    if fix or diff:
        _fix(targets, ctx, rule_set, output_format=output_format, output_file=output_file, colour=colour,
             show_fix=not no_fix_hints, diff=diff, fail_on=config.fail_on)
    run = lint_targets(targets, ctx)
    run.errors.extend(rule_set.errors)
    outcome = outputs.emit(run, rule_set.rules, output_format=output_format, output_file=output_file,
                           colour=_use_colour(colour, sys.stdout), show_fix=not no_fix_hints,
                           no_targets=not targets, checked=ctx.enabled)
    click.echo(outcome.console, nl=False, color=outcome.keep_ansi)
    for warning in outcome.warnings:
        click.echo(f"aiplan: {warning}", err=True)
    sys.exit(EXIT_USAGE if outcome.report_failed else run.exit_code(config.fail_on))


def _fix(targets, ctx, rule_set, *, output_format, output_file, colour, show_fix, diff, fail_on):
    """`lint --fix` / `--diff`: fix, then report what remains; exits."""
    from aiplan.lint.discovery import STDIN
    from aiplan.lint.fix import fix_targets, unified_diff

    reads_stdin = any(t.real_path == STDIN for t in targets)
    stdin = sys.stdin.buffer.read() if reads_stdin else None
    run, fixes = fix_targets(targets, ctx, write=not diff, stdin=stdin)
    run.errors.extend(rule_set.errors)
    run.fixed = fixes.fixed
    if not targets:
        click.echo("No plan files found (aiplan.yaml, aiplan.yml, *.aiplan.yaml, *.aiplan.yml).", err=True)
    if diff:
        # stdout carries the diff alone, so it can be piped to `git apply` or `patch -p1`.
        changed = [(t, r) for t, r in fixes.results if r.changed]
        for target, result in changed:
            click.echo(unified_diff(target.display_path, result.original, result.fixed), nl=False)
        files = len(changed)
        if files:
            click.echo(f"Would fix {fixes.fixed} finding{'s' * (fixes.fixed != 1)} in {files} "
                       f"file{'s' * (files != 1)}.", err=True)
        else:
            click.echo("No fixes to apply.", err=True)
        for error in run.internal_errors:
            click.echo(f"internal error: {error.describe()}", err=True)
        sys.exit(EXIT_INTERNAL if run.internal_errors else EXIT_FINDINGS if files else EXIT_OK)

    # With `--fix -` standard output is the fixed plan: the report goes to standard error.
    report_stream = sys.stderr if reads_stdin else sys.stdout
    for target, result in fixes.results:
        if target.real_path == STDIN:
            sys.stdout.buffer.write(result.fixed)
            sys.stdout.buffer.flush()
    from aiplan.reporters import outputs

    outcome = outputs.emit(run, rule_set.rules, output_format=output_format, output_file=output_file,
                           colour=_use_colour(colour, report_stream), show_fix=show_fix,
                           no_targets=not targets, checked=ctx.enabled)
    click.echo(outcome.console, nl=False, err=reads_stdin, color=outcome.keep_ansi)
    for warning in outcome.warnings:
        click.echo(f"aiplan: {warning}", err=True)
    for path, reason in fixes.write_errors:
        click.echo(f"aiplan: fixes not written to {path}: {reason}", err=True)
    code = run.exit_code(fail_on)
    if (fixes.write_errors or outcome.report_failed) and code != EXIT_INTERNAL:
        code = EXIT_USAGE
    sys.exit(code)


@main.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--family", multiple=True, help="Only these families (comma-separated), e.g. FT,RAG.")
@click.option("--severity", type=click.Choice(SEVERITIES), default=None, help="Only rules of this default severity.")
@click.option("--no-plugins", is_flag=True, help="List built-in rules only.")
def list_rules(output_format, family, severity, no_plugins):
    """List every rule: ID, name, default severity and summary."""
    import json

    rule_set = _load_rule_set(no_plugins)
    families = {f.upper() for f in _split(family)}
    chosen = [
        r for r in rule_set.sorted()
        if (not families or r.family in families) and (severity is None or r.severity.value == severity)
    ]
    if output_format == "json":
        click.echo(json.dumps([
            {"id": r.id, "name": r.name, "severity": r.severity.value, "summary": r.summary,
             "family": r.family, "fixable": r.fixable, "plugin": r.plugin, "url": r.url,
             "options": {o.name: {"type": o.type.__name__, "default": o.default, "description": o.description}
                         for o in r.options}}
            for r in chosen
        ], indent=2))
        return
    width = max((len(r.name) for r in chosen), default=10)
    for r in chosen:
        fix = " (fixable)" if r.fixable else ""
        click.echo(f"{r.id:<8} {r.name:<{width}} {r.severity.value:<7} {r.summary}{fix}")
    for error in rule_set.errors:
        click.echo(f"internal error: {error.describe()}", err=True)


@main.command()
@click.argument("rule_id")
def explain(rule_id):
    """Show a rule's documentation: what, why, a failing and a passing example."""
    from aiplan.docs import render_rule_text
    from aiplan.lint.suggest import closest

    rule_set = _load_rule_set(False)
    wanted = rule_id.strip()
    by_name = {r.name: r for r in rule_set.rules.values()}
    found = rule_set.rules.get(wanted.upper()) or by_name.get(wanted.lower())
    if found is None:
        guess = closest(wanted, list(rule_set.rules) + list(by_name), cutoff=0.6)
        hint = f" Did you mean {guess}?" if guess else " Run `aiplan rules` for the list."
        raise click.UsageError(f"unknown rule {rule_id!r}.{hint}")
    click.echo(render_rule_text(found))


@main.command()
def schema():
    """Print the plan JSON Schema (draft 2020-12), for editors and other tools."""
    from importlib import resources

    click.echo(resources.files("aiplan.schemas").joinpath("plan.schema.json").read_text(encoding="utf-8"), nl=False)


@main.command()
@click.argument("path", required=False, default="aiplan.yaml", type=click.Path())
def init(path):
    """Write a commented starter plan to PATH (default aiplan.yaml); never overwrites."""
    from aiplan.starter import write_starter

    target = os.path.join(path, "aiplan.yaml") if os.path.isdir(path) else path
    try:
        write_starter(target)
    except FileExistsError:
        click.echo(f"aiplan: {target} already exists; not overwriting it.", err=True)
        sys.exit(EXIT_USAGE)
    except OSError as exc:
        click.echo(f"aiplan: cannot write {target}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"Wrote {target}. Fill it in, then run: aiplan lint {target}")


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="aiplan")
