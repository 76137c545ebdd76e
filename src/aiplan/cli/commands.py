"""The commands besides ``lint``: ``report``, ``rules``, ``explain``, ``schema``,
``config``, ``plugins``, ``server`` and ``init``.

:class:`aiplan.cli.main.AiplanGroup` imports this module only when one of them
runs or the command list is shown: ``aiplan lint``, the pre-commit hot path,
does not build their options (about 5 M instructions at every start-up).
"""

from __future__ import annotations

import os
import sys

import click

from aiplan.cli.common import (EXIT_INTERNAL, EXIT_USAGE, SEVERITIES, ConfigProblem, exit_code, explain_no_plans,
                               load_rules, resolve_targets, say, say_no_plans, settings_resolver,
                               split_values, stdin_paths)
from aiplan.cli.options import reports_usage_problems, settings_options, stdin_filename_option


def _plugin_option(command):
    """--plugin MODULE: for the commands that show rules and configuration, so that a
    module `aiplan lint --plugin` loads is listed, explained and configurable there too."""
    return click.option("--plugin", "plugin_modules", multiple=True, metavar="MODULE",
                        help="Also load this importable module as a plugin.")(command)


@click.command("report")
# readable=False: an unreadable plan is a PLAN008 finding and the run goes on, not a usage error.
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True, readable=False))
@click.option("--format", "output_format", type=click.Choice(["markdown", "html"]), default="markdown",
              show_default=True, help="markdown: for pull-request comments and the GitHub step summary; "
                                      "html: one self-contained page.")
@click.option("--output-file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Write the report to FILE (atomically) instead of standard output.")
@click.option("--select", multiple=True, help="Rule IDs or prefixes to enable (comma-separated).")
@click.option("--ignore", multiple=True, help="Rule IDs or prefixes to disable (comma-separated).")
@click.option("--no-plugins", is_flag=True, help="Do not load third-party plugins (built-in rules only).")
@_plugin_option
@settings_options
@stdin_filename_option
@reports_usage_problems
def report(paths, output_format, output_file, select, ignore, no_plugins, plugin_modules, config_file, isolated,
           policy_packs, stdin_filename):
    """A decision report for reviewers: per plan, the gaps and their evidence,
    the approach the framework points to beside the one chosen, the baseline
    against each target, whether the evaluation can resolve the change, and
    the findings by section; a portfolio table first for several plans.

    Exit status 0 whatever the findings (the report is for reading; `aiplan
    lint` is the gate), 2 on a usage or configuration error, 3 if a rule failed.
    """
    from aiplan.cli import outputs
    from aiplan.cli.report import decisions_for, render
    from aiplan.config.resolve import command_line_layer
    from aiplan.run.runner import RunResult

    paths = stdin_paths(paths, stdin_filename)
    rule_set = load_rules(no_plugins, plugin_modules)
    layer = command_line_layer(split_values(select), (), split_values(ignore), None)
    excluded: list = []
    _, targets, contexts = resolve_targets(rule_set, paths or (".",), layer, no_plugins=no_plugins,
                                            config_file=config_file, isolated=isolated, policy_packs=policy_packs,
                                            excluded=excluded, stdin_name=stdin_filename or "")
    if not targets:
        say_no_plans(paths or (".",), excluded)
        if not any(p == "-" or os.path.isfile(p) for p in paths):
            # As `aiplan lint`: an empty report over a wrong path would pass for a finished one.
            explain_no_plans(paths or (".",))
            sys.exit(EXIT_USAGE)
    if output_file:
        problem = outputs.check_output_file(output_file, [t.real_path for t in targets],
                                            [("--config", config_file),
                                             *(("--policy-pack", pack) for pack in policy_packs)])
        if problem:
            raise click.UsageError(problem)
    decisions, errors = decisions_for(targets, contexts)
    errors = list(rule_set.errors) + errors
    document = render(decisions, output_format)
    if output_file:
        problem = outputs.write_report(output_file, (document,))
        if problem:
            say(f"aiplan: {problem}")
            sys.exit(EXIT_USAGE)
    else:
        click.echo(document, nl=False)
    for error in errors:
        say(f"internal error: {error.describe()}")
    sys.exit(exit_code(RunResult(errors=errors)))


@click.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--family", multiple=True,
              help="Only these families, prefixes or IDs (comma-separated, as --select takes them), e.g. FT,RAG.")
@click.option("--severity", type=click.Choice(SEVERITIES), default=None, help="Only rules of this default severity.")
@click.option("--no-plugins", is_flag=True, help="List built-in rules only.")
@_plugin_option
@settings_options
def list_rules(output_format, family, severity, no_plugins, plugin_modules, config_file, isolated, policy_packs):
    """List every rule: ID, name, default severity and summary.

    Includes the rules of installed plugins and of the policy packs that the
    configuration of the current directory (or --policy-pack) names.
    """
    import json

    from aiplan.config.selection import ConfigError, selected_by, validate_selectors

    rule_set = load_rules(no_plugins, plugin_modules)
    catalogue = _catalogue(rule_set, no_plugins, config_file, isolated, policy_packs)
    try:
        # One selection model: an unknown family is the usage error `aiplan lint --select` makes of it.
        selectors = validate_selectors(split_values(family), catalogue, "--family")
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    picked = selected_by(selectors, catalogue) if selectors else catalogue
    chosen = [
        r for r in (catalogue[key] for key in sorted(catalogue))
        if r.id in picked and (severity is None or r.severity.value == severity)
    ]
    if output_format == "json":
        click.echo(json.dumps([
            {"id": r.id, "name": r.name, "severity": r.severity.value, "summary": r.summary,
             "family": r.family, "fixable": r.fixable, "plugin": r.plugin, "url": r.url,
             "superseded_by": list(r.superseded_by),
             "finding_superseded_by": list(r.finding_superseded_by),
             "options": {o.name: {"type": o.type.__name__, "default": o.default, "description": o.description}
                         for o in r.options}}
            for r in chosen
        ], indent=2))
    else:
        click.echo(_listing(chosen), nl=False)
        if not chosen:
            click.echo("No rule matches.", err=True)
    # A plugin that failed is said in either format, and fails the command as in `aiplan plugins`.
    for error in rule_set.errors:
        say(f"internal error: {error.describe()}")
    if rule_set.errors:
        sys.exit(EXIT_INTERNAL)


def _listing(rules) -> str:
    """The text listing of ``rules``: one line each, ID, name, default severity and summary."""
    width = max((len(r.name) for r in rules), default=10)
    return "".join(f"{r.id:<8} {r.name:<{width}} {r.severity.value:<7} {r.summary}{' (fixable)' * r.fixable}\n"
                   for r in rules)


def _catalogue(rule_set, no_plugins, config_file, isolated, policy_packs):
    """Every rule usable here: plugins' and those of the policy packs configured for the current directory."""
    from aiplan.config.selection import ConfigError

    resolver = settings_resolver(rule_set, no_plugins=no_plugins, config_file=config_file, isolated=isolated,
                         policy_packs=policy_packs)
    try:
        catalogue = resolver.catalogue(os.getcwd())
    except ConfigError as exc:
        raise ConfigProblem.of(exc) from None
    _say_warnings(resolver)
    return catalogue


def _say_warnings(resolver) -> None:
    """The configuration's and the rule set's warnings (a `superseded_by` naming no rule...),
    as `aiplan lint` says them, from the same checks, for the commands that list rules."""
    for warning in resolver.warnings:
        say(f"aiplan: warning: {warning}")


@click.command()
@click.argument("rule_id")
@click.option("--no-plugins", is_flag=True, help="Do not load third-party plugins.")
@_plugin_option
@settings_options
def explain(rule_id, no_plugins, plugin_modules, config_file, isolated, policy_packs):
    """Show a rule's documentation: what, why, a failing and a passing example.
    RULE_ID is an ID (FT001) or a name (fine-tuning-without-held-out); a family
    (FT) lists its rules.

    Plugin rules and the rules of configured policy packs are documented too.
    """
    from aiplan.docs import render_rule_text
    from aiplan.core.notation import quoted_visibly
    from aiplan.core.suggest import closest

    rules = _catalogue(load_rules(no_plugins, plugin_modules), no_plugins, config_file, isolated, policy_packs)
    wanted = rule_id.strip()
    by_name = {r.name: r for r in rules.values()}
    found = rules.get(wanted.upper()) or by_name.get(wanted.lower())
    if found is not None:
        click.echo(render_rule_text(found))
        return
    family = [rules[key] for key in sorted(rules) if rules[key].family == wanted.upper()]
    if family:
        # A family is no rule, but what was meant is plain: its rules, as `aiplan rules --family` lists them.
        click.echo(_listing(family), nl=False)
        click.echo(f"{wanted.upper()} is a rule family: `aiplan explain {family[0].id}` shows one rule's "
                   f"documentation; `aiplan rules --family {wanted.upper()}` lists the family.", err=True)
        return
    guess = closest(wanted, list(rules) + list(by_name), cutoff=0.6)
    families = ", ".join(sorted({r.family for r in rules.values()}))
    hint = f" Did you mean {guess}?" if guess else f" Rule families are {families}; `aiplan rules` lists every rule."
    raise click.UsageError(f"unknown rule {quoted_visibly(rule_id)}.{hint}")


@click.command()
@click.argument("which", required=False, default="plan", type=click.Choice(["plan", "config", "policy-pack"]))
def schema(which):
    """Print a JSON Schema (draft 2020-12), for editors and other tools:
    the plan format (default), the configuration, or policy packs."""
    from aiplan import schemas

    name = {"plan": schemas.PLAN_SCHEMA, "config": schemas.CONFIG_SCHEMA, "policy-pack": schemas.PACK_SCHEMA}[which]
    click.echo(schemas.source(name), nl=False)


@click.command("config")
@click.argument("path", required=False, default=".", type=click.Path(allow_dash=True, readable=False))
@click.option("--format", "output_format", type=click.Choice(["toml", "json"]), default="toml", show_default=True)
@click.option("--no-plugins", is_flag=True, help="Do not load third-party plugins.")
@_plugin_option
@settings_options
def show_config(path, output_format, no_plugins, plugin_modules, config_file, isolated, policy_packs):
    """Print the effective configuration for PATH (a plan file or a directory;
    default: the current directory): which file and overrides apply, and the
    resulting selection, severities, options, packs and limits."""
    import json

    from aiplan.config.selection import ConfigError
    from aiplan.config.resolve import describe, render_text

    if path != "-" and not os.path.lexists(path):
        raise click.UsageError(f"{path}: no such file or directory")
    resolver = settings_resolver(load_rules(no_plugins, plugin_modules), no_plugins=no_plugins, config_file=config_file,
                         isolated=isolated, policy_packs=policy_packs)
    try:
        described = describe(resolver, path)
    except ConfigError as exc:
        raise ConfigProblem.of(exc) from None
    for warning in resolver.warnings:
        say(f"aiplan: warning: {warning}")
    if output_format == "json":
        click.echo(json.dumps(described, indent=2))
    else:
        click.echo(render_text(described), nl=False)


@click.command("plugins")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--no-plugins", is_flag=True, help="Load no third-party plugin (they are listed as disabled).")
@_plugin_option
@settings_options
def list_plugins(output_format, no_plugins, plugin_modules, config_file, isolated, policy_packs):
    """List plugins with their versions and rules, and the policy packs
    configured for the current directory. Installed plugins that are turned
    off (--no-plugins, AIPLAN_DISABLE_PLUGINS) or failed to load are listed too."""
    import json

    from aiplan.plugins.listing import describe_plugins, render_plugins
    from aiplan.plugins.manager import disabled_by_environment

    from aiplan.config.selection import ConfigError

    rule_set = load_rules(no_plugins, plugin_modules)
    resolver = settings_resolver(rule_set, no_plugins=no_plugins, config_file=config_file, isolated=isolated,
                         policy_packs=policy_packs)
    try:
        resolver.catalogue(os.getcwd())
    except ConfigError as exc:
        raise ConfigProblem.of(exc) from None
    _say_warnings(resolver)
    described = describe_plugins(rule_set, resolver.loaded_packs(), no_plugins=no_plugins,
                                 disabled=disabled_by_environment())
    if output_format == "json":
        click.echo(json.dumps(described, indent=2))
    else:
        click.echo(render_plugins(described), nl=False)
    if rule_set.errors:
        sys.exit(EXIT_INTERNAL)


@click.command()
@click.option("--stdio", is_flag=True, help="Speak over standard input and output (the default and only transport).")
@click.option("--no-plugins", is_flag=True, help="Do not load third-party plugins (built-in rules only).")
@_plugin_option
@settings_options
def server(stdio, no_plugins, plugin_modules, config_file, isolated, policy_packs):
    """Run the language server (LSP over standard input and output) for editors:
    the findings of `aiplan lint` while you type, fixes, waivers and rule
    documentation on hover. Needs the `server` extra (pygls).
    Set-up for VS Code, Neovim and Helix: docs/editors.md."""
    from aiplan.server import MISSING_EXTRA, server_available

    if not server_available():
        click.echo(f"aiplan: {MISSING_EXTRA}", err=True)
        sys.exit(EXIT_USAGE)
    from aiplan.server import serve
    from aiplan.server.session import ServerSettings

    serve(ServerSettings(config_file=config_file, isolated=isolated, policy_packs=tuple(policy_packs),
                         no_plugins=no_plugins, plugin_modules=tuple(plugin_modules)))


@click.command()
@click.argument("path", required=False, default="aiplan.yaml", type=click.Path())
@click.option("--approach", type=click.Choice(["prompt_engineering", "rag", "fine_tuning", "hybrid"], case_sensitive=False),
              default="prompt_engineering", show_default=True,
              help="Write the sections this approach needs, with TBD where your team's facts go.")
def init(path, approach):
    """Write a commented starter plan to PATH (default aiplan.yaml); never overwrites.

    PATH is a YAML file (aiplan.yaml or NAME.aiplan.yaml, to be found by directory
    runs); a .json PATH is refused, since the starter's comments are its guide.
    The prompt_engineering starter lints clean. The others hold every section
    their approach needs: `aiplan lint` then lists what is left to fill in
    (the evidence of each gap, the baseline's results, the retrieval pipeline's weeks and
    embedding model, the fine-tuning data, the evaluation set's size, the files named).
    """
    from aiplan.starter import write_starter

    target = os.path.join(path, "aiplan.yaml") if os.path.isdir(path) else path
    if target.lower().endswith(".json"):
        # The starter is its comments (what goes where, the allowed values), and
        # JSON has none: a plan is YAML (docs/plan-reference.md), so say which name to use
        # rather than write YAML under a .json name.
        stem = os.path.basename(target)[:-len(".json")] or "aiplan"
        say(f"aiplan: {target}: the starter is commented YAML and JSON cannot hold comments; "
            f"name it {stem}.aiplan.yaml (or aiplan.yaml) instead.")
        sys.exit(EXIT_USAGE)
    try:
        write_starter(target, approach)
    except FileExistsError:
        say(f"aiplan: {target} already exists; not overwriting it.")
        sys.exit(EXIT_USAGE)
    except OSError as exc:
        say(f"aiplan: cannot write {target}: {exc.strerror or exc}")
        sys.exit(EXIT_USAGE)
    click.echo(f"Wrote {target}. Fill it in, then run: aiplan lint {target}")
    from aiplan.run.discovery import is_plan_name

    name = os.path.basename(target)
    if not is_plan_name(name):
        # Only a named file is linted under another name: directory runs, the
        # pre-commit hook and the GitHub Action would pass this one over.
        stem = name.rsplit(".", 1)[0] if name.endswith((".yaml", ".yml")) else name
        click.echo(f"aiplan: note: `aiplan lint DIR`, the pre-commit hook and the GitHub Action only find "
                   f"aiplan.yaml and *.aiplan.yaml; name it {stem}.aiplan.yaml to have it found.", err=True)


COMMANDS = {command.name: command for command in (report, list_rules, explain, schema, show_config, list_plugins,
                                                  server, init)}
