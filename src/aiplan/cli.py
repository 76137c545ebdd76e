"""The ``aiplan`` command line. Imports stay inside commands: start-up is on the
pre-commit hot path."""

from __future__ import annotations

import os
import sys

import click

from aiplan import __version__

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


class AiplanGroup(click.Group):
    """Maps every failure to the documented exit codes, never a traceback."""

    def main(self, *args, **kwargs):
        kwargs.setdefault("standalone_mode", True)
        _tolerate_narrow_encodings()
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
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
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
@click.option("--rule-timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="Stop a rule that runs longer than this on one document and report it as an "
                   "internal error (default 5; 0: no limit).")
def lint(paths, output_format, fail_on, select, extend_select, ignore, colour, no_fix_hints,
         no_plugins, plugin_modules, rule_timeout):
    """Lint plan files and directories (default: the current directory).

    Directories are searched for aiplan.yaml, aiplan.yml, *.aiplan.yaml and
    *.aiplan.yml. Use - to read a plan from standard input.

    Exit status: 0 no finding at or above --fail-on, 1 findings at or above it,
    2 usage or configuration error, 3 internal error (a rule or plugin failed),
    130 interrupted.
    """
    from aiplan.lint.config import ConfigError, LintConfig, validate_selectors
    from aiplan.lint.discovery import PathError, discover
    from aiplan.lint.engine import LintContext
    from aiplan.lint.findings import Severity
    from aiplan.lint.runner import lint_targets
    from aiplan import reporters

    rule_set = _load_rule_set(no_plugins, plugin_modules)
    ids = list(rule_set.rules)
    try:
        config = LintConfig(
            select=validate_selectors(_split(select), ids, "--select") or ("ALL",),
            extend_select=validate_selectors(_split(extend_select), ids, "--extend-select"),
            ignore=validate_selectors(_split(ignore), ids, "--ignore"),
            fail_on=Severity.parse(fail_on or "error"),
            **({"rule_timeout": rule_timeout or None} if rule_timeout is not None else {}),
        )
        ctx = LintContext.build(rule_set.rules, config)
        targets = discover(paths or (".",), config.exclude)
    except (ConfigError, PathError) as exc:
        raise click.UsageError(str(exc)) from None

    run = lint_targets(targets, ctx)
    run.errors.extend(rule_set.errors)
    use_colour = _use_colour(colour, sys.stdout)
    if output_format == "text":
        text = reporters.get("text").render(run, rule_set.rules, colour=use_colour,
                                            show_fix=not no_fix_hints)
        if not targets:
            text = "No plan files found (aiplan.yaml, aiplan.yml, *.aiplan.yaml, *.aiplan.yml).\n" + text
    else:
        text = reporters.get(output_format).render(run, rule_set.rules)
    click.echo(text, nl=False, color=use_colour if output_format == "text" else False)
    sys.exit(run.exit_code(config.fail_on))


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
