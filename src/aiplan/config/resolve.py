"""The effective settings of each linted file, as one lint context.

For a plan the layers stack in this order, each on top of the last:

1. the top level of its configuration file (the nearest one above it, or
   ``--config``; none with ``--isolated``), preceded by the file it ``extend``s
   and that file's matching overrides (and so on up the chain);
2. each of that file's ``[[overrides]]`` whose ``paths`` match it, in order;
3. the command line (``--select``, ``--extend-select``, ``--ignore``,
   ``--fail-on``, ``--policy-pack``).

Rule selection follows ruff: a layer with ``select`` starts the selection
afresh; ``extend-select`` and ``ignore`` adjust the selection so far, the most
specific selector winning within a layer. Severities, rule options and limits
merge key by key, later layers winning; ``fail-on`` is the last one set;
policy packs accumulate.

Every configuration file is checked against the rules once, when first used:
unknown rule IDs, selectors that match nothing and unknown or mistyped rule
options are a :class:`ConfigError` naming the file, the key and the closest
valid name. When plugins are turned off (``--no-plugins``,
``AIPLAN_DISABLE_PLUGINS``) the rules they would provide are unknown, so
those names only produce warnings: the escape hatch must not break the
configuration.

Contexts are cached per distinct (configuration file, overrides applied), so
a run over thousands of plans builds a handful.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any, Iterable, Mapping

from aiplan.config.selection import (DEFAULT_FILE_TIMEOUT, DEFAULT_RULE_TIMEOUT, ConfigError, LintConfig,
                                     build_context, enabled_by_layers, validate_selectors)
from aiplan.config.files import ConfigFile, ConfigFinder, Layer, load_config, shown_path
from aiplan.core.globs import matches
from aiplan.core.notation import quoted_visibly, toml, toml_key
from aiplan.core.paths import SLASH_ONLY, STDIN, Target, at_or_below
from aiplan.lint.context import LintContext
from aiplan.core.findings import Severity
from aiplan.parse.loader import Limits
from aiplan.core.rule import Catalogue, Rule
from aiplan.core.rule_ids import canonical_rule_id, family_of
from aiplan.core.suggest import did_you_mean_rule
from aiplan.plugins.manager import unknown_superseders
from aiplan.core.placeholders import normalise_words
from aiplan.core.records import Record

COMMAND_LINE = "command line"


def command_line_layer(select=(), extend_select=(), ignore=(), fail_on: str | None = None,
                       rule_timeout: float | None = None, file_timeout: float | None = None) -> Layer:
    """The layer of the command line's options (``select`` empty: not given)."""
    # As typed (errors echo it); the Resolver upper-cases a copy for matching.
    typed = lambda values: tuple(str(v).strip() for v in values if str(v).strip())  # noqa: E731
    return Layer(
        file=COMMAND_LINE,
        select=typed(select) or None,
        extend_select=typed(extend_select),
        ignore=typed(ignore),
        fail_on=Severity.parse(fail_on) if fail_on else None,
        limits={key: value for key, value in (("rule_timeout", rule_timeout), ("file_timeout", file_timeout))
                if value is not None},
    )


def _canonical(selectors: tuple[str, ...]) -> tuple[str, ...]:
    """Selectors as matched: stripped and upper-case (:func:`canonical_rule_id`)."""
    return tuple(canonical_rule_id(selector) for selector in selectors)


def _by_rule_id(layer: Layer, name: str, table: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The entries of a table keyed by rule ID (`severity`, `rules`), as written; two keys that
    name one rule (`ft003` and `FT003`: IDs match in any case, as in `select`) are an error."""
    seen: dict[str, str] = {}
    for written in table:
        first = seen.setdefault(canonical_rule_id(written), written)
        if first != written:
            raise ConfigError(f"{_key(layer, name)}: {quoted_visibly(first)} and {quoted_visibly(written)} both name "
                              f"rule {canonical_rule_id(written)}; keep one of them")
    return list(table.items())


def _key(layer: Layer, name: str) -> str:
    return f"--{name}" if layer.file == COMMAND_LINE else layer.key(name)


class Resolved(Record):
    """What applies to one file, and why."""

    config: ConfigFile | None
    overrides: tuple[Layer, ...]      # the [[overrides]] applied, of the whole chain
    layers: tuple[Layer, ...]
    packs: tuple[Any, ...]            # aiplan.policy.pack.Pack
    context: LintContext
    key: tuple = ()                   # ((config file, (override index, ...)), ...): the cache key


class Resolver:
    """Resolves the lint context of each target; raises :class:`ConfigError` (exit 2)."""

    def __init__(self, rules: Mapping[str, Rule], *, cli: Layer | None = None, config_path: str | None = None,
                 isolated: bool = False, cli_packs: Iterable[str] = (), lenient: bool = False,
                 checked_packs: Any = None, complete: bool = True):
        # The run's catalogue, as the plugin manager built it: extended per configuration, never copied.
        self.base_rules = rules if isinstance(rules, Catalogue) else Catalogue(rules)
        # The command line's selectors as typed (its errors echo them), and made canonical once for
        # matching, as _clean does a configuration file's (selection._best compares as is).
        self.cli_typed = cli or command_line_layer()
        typed = self.cli_typed
        self.cli = replace(typed, select=None if typed.select is None else _canonical(typed.select),
                           extend_select=_canonical(typed.extend_select), ignore=_canonical(typed.ignore))
        self.isolated = isolated
        self.lenient = lenient
        # Every installed plugin's rules are in ``rules`` (RuleSet.complete): an ID a plugin rule's
        # `superseded_by` names that neither they nor the packs have is no rule at all.
        self.complete = complete
        self.warnings: list[str] = []
        self.finder = ConfigFinder()
        self.cli_packs = tuple(os.path.abspath(p) for p in cli_packs)
        # aiplan.policy.pack.CheckedRecords (the results cache's), or None: every pack checked in full.
        self.checked_packs = checked_packs
        self._packs: dict[str, Any] = {}
        self._checked: dict[str | None, tuple[ConfigFile | None, Catalogue]] = {}
        self._resolved: dict[tuple, Resolved] = {}
        self.fail_on_by_path: dict[str, Severity] = {}
        self._matched: dict[str, set[int]] = {}
        # The absolute path of each folder plans were named in, as given: os.path.abspath
        # calls getcwd(), twice per plan over a run of thousands without this.
        self._folders: dict[str, str] = {}
        self.explicit = load_config(config_path, self.base_rules) if config_path and not isolated else None

    # -- configuration files -------------------------------------------------

    def config_path_for(self, directory: str) -> str | None:
        if self.isolated:
            return None
        if self.explicit is not None:
            return self.explicit.path
        return self.finder.find(directory)

    def _builtin_families(self) -> set[str]:
        return {r.family for r in self.base_rules.values() if r.plugin == "aiplan"}

    def pack(self, path: str):
        """A policy pack, loaded once per run."""
        from aiplan.policy.pack import load_pack  # packs are rare: spares hashlib and importlib.resources

        if path not in self._packs:
            self._packs[path] = load_pack(path, self._builtin_families(), checked=self.checked_packs)
        return self._packs[path]

    def _pack_paths(self, config: ConfigFile | None) -> list[tuple[str, str]]:
        """Every pack a configuration can use, with where it is named."""
        out: list[tuple[str, str]] = []
        layers = [layer for c in config.chain() for layer in (c.base,) + c.overrides] if config else []
        for layer in layers:
            out.extend((p, layer.key("policy-packs")) for p in layer.policy_packs)
        out.extend((p, "--policy-pack") for p in self.cli_packs)
        return out

    def checked(self, config_path: str | None) -> tuple[ConfigFile | None, Catalogue]:
        """The configuration file, validated against every rule it can see, and those rules."""
        if config_path in self._checked:
            return self._checked[config_path]
        if config_path is None:
            config = None
        elif self.explicit is not None and config_path == self.explicit.path:
            config = self.explicit
        else:
            config = load_config(config_path, self.base_rules)
        added: dict[str, Rule] = {}
        packs = []
        for path, where in self._pack_paths(config):
            try:
                pack = self.pack(path)
            except ConfigError as exc:
                raise exc.named_in(where) from None
            packs.append((pack, where))
            for item in pack.rules:
                existing = added.get(item.id, self.base_rules.get(item.id))
                if existing is not None and existing.plugin != item.plugin:
                    raise ConfigError(
                        f"{pack.shown}: rule ID {item.id} collides with {item.id} from {_source(existing)}; "
                        "rename one of them (pack rules need IDs of their own)")
                added[item.id] = item
        rules = self.base_rules.with_rules(added.values())
        for pack, where in packs:
            if pack.supersessions:
                from aiplan.policy.pack import supersession_cycles, supersession_problems  # packs are rare (as in pack())

                for problem in supersession_problems(pack, rules):
                    self._unknown(f"{problem} (named in {where})")
                cycles = supersession_cycles(pack, rules)
                if cycles:
                    raise ConfigError(f"{cycles[0]} (named in {where})")
        if self.complete:
            # Known only now: a plugin rule may be superseded by a pack's rule.
            for warning in unknown_superseders(rules, self.base_rules):
                if warning not in self.warnings:
                    self.warnings.append(warning)
        if config is not None:
            config = self._clean_file(config, rules)
        self._checked[config_path] = (config, rules)
        return config, rules

    def _clean_file(self, config: ConfigFile, rules: Mapping[str, Rule]) -> ConfigFile:
        return replace(
            config,
            base=self._clean(config.base, rules),
            overrides=tuple(self._clean(o, rules) for o in config.overrides),
            parent=self._clean_file(config.parent, rules) if config.parent is not None else None,
        )

    def check_command_line(self) -> None:
        """The command line's selectors must match a rule of some configuration in the run."""
        ids = sorted({rule_id for _, rules in self._checked.values() for rule_id in rules} or self.base_rules)
        for name, values in (("select", self.cli_typed.select), ("extend-select", self.cli_typed.extend_select),
                             ("ignore", self.cli_typed.ignore)):
            validate_selectors(values or (), ids, f"--{name}")

    def _unknown(self, message: str) -> None:
        if not self.lenient:
            raise ConfigError(message)
        self.warnings.append(message + " (ignored: plugins are disabled, so their rules are unknown)")

    def _clean(self, layer: Layer, rules: Mapping[str, Rule]) -> Layer:
        """Check a layer against the rules; drop what is unknown when lenient."""
        ids = list(rules)

        def selectors(values, name):
            kept = []
            for value in values or ():
                try:
                    kept.extend(validate_selectors([value], ids, _key(layer, name)))
                except ConfigError as exc:
                    self._unknown(str(exc))
            return tuple(kept)

        select = selectors(layer.select, "select") if layer.select is not None else None
        severity = {}
        for written, value in _by_rule_id(layer, "severity", layer.severity):
            rule_id = canonical_rule_id(written)
            if rule_id in rules:
                severity[rule_id] = value
            else:
                self._unknown(f"{_key(layer, 'severity.' + written)}: no rule {written}{did_you_mean_rule(rule_id, ids)}")
        options = {}
        for written, values in _by_rule_id(layer, "rules", layer.rule_options):
            rule_id = canonical_rule_id(written)
            if rule_id not in rules:
                self._unknown(f"{_key(layer, 'rules.' + written)}: no rule {written}{did_you_mean_rule(rule_id, ids)}")
                continue
            try:
                rules[rule_id].resolve_options(values)
            except ValueError as exc:
                raise ConfigError(f"{_key(layer, 'rules.' + written)}: {exc}") from None
            options[rule_id] = values
        return replace(layer, select=select, extend_select=selectors(layer.extend_select, "extend-select"),
                       ignore=selectors(layer.ignore, "ignore"), severity=severity, rule_options=options)

    # -- per target ----------------------------------------------------------

    def resolve_path(self, path: str, is_dir: bool | None = None) -> Resolved:
        """What applies to ``path`` (a file, a directory, or ``-``); ``is_dir``: whether
        it is a directory, when the caller knows (else the file system is asked)."""
        if path == STDIN:
            directory, is_dir = os.getcwd(), True
        else:
            if is_dir is None:
                is_dir = os.path.isdir(path)
            directory = path if is_dir else self._folder_of(path)
        config, rules = self.checked(self.config_path_for(directory))
        key, layers = config.layers_for_path(path, is_dir) if config is not None else ((), ())
        if key not in self._resolved:
            applied = tuple(layer for layer in layers if layer.paths)
            self._resolved[key] = replace(self._build(config, applied, layers + (self.cli,), rules), key=key)
        return self._resolved[key]

    def _build(self, config, applied, layers, all_rules) -> Resolved:
        pack_paths: list[str] = []
        for layer in layers:
            pack_paths.extend(p for p in layer.policy_packs if p not in pack_paths)
        pack_paths.extend(p for p in self.cli_packs if p not in pack_paths)
        packs = tuple(self.pack(p) for p in pack_paths)
        rules = self.base_rules.with_rules(all_rules[item.id] for pack in packs for item in pack.rules)

        severity: dict[str, Severity] = {}
        options: dict[str, dict[str, Any]] = {}
        limits: dict[str, int] = {}
        fail_on = Severity.ERROR
        placeholders: list[str] = []
        input_fields: tuple[tuple[str, str], ...] = ()
        for layer in layers:
            input_fields = layer.input_fields + input_fields  # a later layer's patterns are tried first
            placeholders.extend(word for word in layer.placeholders if word not in placeholders)
            severity.update({k: v for k, v in layer.severity.items() if k in rules})
            for rule_id, values in layer.rule_options.items():
                if rule_id in rules:
                    options.setdefault(rule_id, {}).update(values)
            limits.update(layer.limits)
            if layer.fail_on is not None:
                fail_on = layer.fail_on
        enabled = enabled_by_layers(rules, layers)
        # The rule time budget sits beside the resource limits in configuration
        # (`rule-timeout`), but it is the engine's, not the loader's; 0 means none.
        rule_timeout = limits.pop("rule_timeout", DEFAULT_RULE_TIMEOUT)
        file_timeout = limits.pop("file_timeout", DEFAULT_FILE_TIMEOUT)
        lint_config = LintConfig(
            rule_timeout=rule_timeout or None,
            file_timeout=file_timeout or None,
            placeholders=normalise_words(placeholders),
            input_fields=input_fields,
            select=tuple(sorted(enabled)),
            fail_on=fail_on,
            severity=severity,
            rule_options=options,
            limits=replace(Limits(), **limits),
            exclude=config.exclude if config is not None else (),
        )
        # The selection is the layers' (exact IDs in `select`: prefix matching must not widen it).
        context = build_context(rules, lint_config, enabled)
        return Resolved(config, applied, tuple(layers), packs, context)

    def _folder_of(self, file_path: str) -> str:
        """``os.path.dirname(os.path.abspath(file_path))``, once per folder (the working
        directory does not change during a run)."""
        # The text up to the last separator names the folder (os.path.split, without its
        # normalising: equal text, equal folder); with another separator (Windows), os.path.split.
        if SLASH_ONLY:
            slash = file_path.rfind("/") + 1
            given, name = file_path[:slash], file_path[slash:]
        else:
            given, name = os.path.split(file_path)
        if name in ("", os.curdir, os.pardir):  # its folder is not the one it names
            return os.path.dirname(os.path.abspath(file_path))
        folder = self._folders.get(given)
        if folder is None:
            folder = self._folders[given] = os.path.dirname(os.path.abspath(file_path))
        return folder

    def context_for(self, target: Target) -> LintContext:
        # A plan discovery listed is no folder: no stat per plan (a warm run over thousands).
        resolved = self.resolve_path(target.settings_path, False if target.listed or target.stdin_name else None)
        self.fail_on_by_path[target.display_path] = resolved.context.config.fail_on
        if resolved.config is not None and target.settings_path != STDIN:
            for file, indexes in resolved.key:
                self._matched.setdefault(file, set()).update(indexes)
        return resolved.context

    def check_coverage(self, searched: Iterable[str]) -> None:
        """Warn about settings that silently do nothing in this run: an override whose
        paths matched no plan although its whole configuration's directory was searched,
        and files linted with no rule enabled."""
        roots = [os.path.abspath(p) for p in searched if p != STDIN and os.path.isdir(p)]
        files = {c.path: c for top, _ in self._checked.values() if top is not None for c in top.chain()}
        for config in files.values():
            if not config.overrides:
                continue
            if not any(at_or_below(config.root, r) for r in roots):
                continue   # only part of its scope was linted: nothing to conclude
            matched = self._matched.get(config.path, set())
            for index, override in enumerate(config.overrides):
                if index not in matched:
                    self.warnings.append(
                        f"{override.where} (paths = {list(override.paths)}) matches no plan file; its paths "
                        f"are relative to the directory of {config.shown}")
        cli_selects = self.cli.select is not None or self.cli.extend_select or self.cli.ignore
        for resolved in self._resolved.values():
            if not resolved.context.enabled and not cli_selects and resolved.config is not None:
                self.warnings.append(f"no rule is enabled for the plans {resolved.config.shown} governs "
                                     "(check `select` and `ignore`); they are not checked at all")

    def is_excluded(self, target: Target, force: bool = False) -> bool:
        """A file its configuration excludes. Files named on the command line are
        linted anyway unless ``force`` (``--force-exclude``, for pre-commit)."""
        return self.excluded_by(target, force) is not None

    def excluded_by(self, target: Target, force: bool = False) -> str | None:
        """What excludes ``target`` (see :meth:`is_excluded`), as messages name it: the pattern
        and the key that holds it (``'drafts' (.aiplan.toml: `exclude`)``); ``None``: not excluded."""
        if (target.explicit and not force) or target.settings_path == STDIN:
            return None
        config, _ = self.checked(self.config_path_for(self._folder_of(target.settings_path)))
        if config is None:
            return None
        for link in config.chain():
            relative = link.relative(target.settings_path)
            if link.exclude and relative is not None and matches(relative, link.exclude):
                pattern = next(p for p in link.exclude if matches(relative, (p,)))
                return f"{quoted_visibly(pattern)} ({link.base.key('exclude')})"
        return None

    def catalogue(self, directory: str = ".") -> Catalogue:
        """Every rule usable under ``directory``: plugins plus every pack its configuration names."""
        _, rules = self.checked(self.config_path_for(directory))
        return rules

    def loaded_packs(self) -> list:
        """The policy packs read so far, by path."""
        return [self._packs[path] for path in sorted(self._packs)]

    def fail_on_for(self, path: str) -> Severity:
        """The lowest severity that fails the run for the file shown as ``path``."""
        return self.fail_on_by_path.get(path, self.cli.fail_on or Severity.ERROR)


def _source(item: Rule) -> str:
    if item.plugin.startswith("pack:"):
        return f"policy pack {item.plugin[5:]}"
    return "aiplan's built-in rules" if item.plugin == "aiplan" else f"plugin {item.plugin!r}"


# --------------------------------------------------------------------------
# `aiplan config`


def _selectors(chosen: Iterable[str], rule_ids: Iterable[str]) -> list[str]:
    """The fewest selectors naming exactly ``chosen`` among ``rule_ids``: a family
    (`FT`) when all of its rules are chosen and its prefix names no other rule,
    else the rule IDs."""
    chosen, rule_ids = set(chosen), sorted(rule_ids)
    families: dict[str, list[str]] = {}
    for rule_id in rule_ids:
        families.setdefault(family_of(rule_id), []).append(rule_id)
    out: list[str] = []
    for family, members in sorted(families.items()):
        named = [r for r in rule_ids if r.startswith(family)]
        if named == members and all(r in chosen for r in members):
            out.append(family)
        else:
            out.extend(r for r in members if r in chosen)
    return out


def _selection(layers: Iterable[Layer], enabled: Iterable[str], rule_ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """``(select, ignore)`` that reproduce the selection in a configuration file
    anywhere, in the form the layers chose it: from ``ALL`` less what is ignored
    (rules added later are then on, as by default), or the families and rules
    chosen (rules of other families added later stay off)."""
    rule_ids = sorted(rule_ids)
    last = next((layer.select for layer in reversed(tuple(layers)) if layer.select is not None), None)
    if last is None or "ALL" in last:
        return ["ALL"], _selectors(set(rule_ids) - set(enabled), rule_ids)
    return _selectors(enabled, rule_ids), []


def describe(resolver: Resolver, path: str) -> dict:
    """The effective configuration for ``path``, as data (``aiplan config``)."""
    resolved = resolver.resolve_path(path)
    ctx = resolved.context
    config = resolved.config
    enabled = sorted(ctx.enabled)
    disabled = sorted(set(ctx.rules) - ctx.enabled)
    limits = ctx.config.limits
    select, ignore = _selection(resolved.layers, ctx.enabled, ctx.rules)
    return {
        "path": path,
        "config-file": config.shown if config is not None else None,
        "table": (config.base.prefix or "(top level)") if config is not None else None,
        "extends": [c.shown for c in reversed(config.chain()[:-1])] if config is not None else [],
        "overrides-applied": [
            {"file": layer.file, "key": layer.prefix, "paths": list(layer.paths)} for layer in resolved.overrides
        ],
        "fail-on": ctx.config.fail_on.value,
        "exclude": list(config.exclude) if config is not None else [],
        "inherited-exclude": {c.shown: list(c.exclude) for c in config.chain()[:-1] if c.exclude}
        if config is not None else {},
        "policy-packs": [
            {"path": shown_path(p.path), "name": p.name, "source": p.source, "rules": [r.id for r in p.rules]}
            for p in resolved.packs
        ],
        "max-file-size": limits.max_bytes,
        "max-depth": limits.max_depth,
        "max-alias-nodes": limits.max_alias_nodes,
        "max-documents": limits.max_documents,
        "max-findings": limits.max_findings,
        "max-evidence-bytes": limits.max_evidence_bytes,
        "max-evidence-files": limits.max_evidence_files,
        "rule-timeout": ctx.config.rule_timeout or 0,
        "file-timeout": ctx.config.file_timeout or 0,
        "placeholders": sorted(ctx.config.placeholders),
        "input-fields": dict(ctx.config.input_fields),
        "select": select,
        "ignore": ignore,
        "enabled": enabled,
        "disabled": disabled,
        "severity": {
            rid: {"severity": ctx.severities[rid].value, "default": ctx.rules[rid].severity.value}
            for rid in sorted(ctx.rules) if ctx.severities[rid] != ctx.rules[rid].severity
        },
        "rules": {rid: dict(ctx.options[rid]) for rid in sorted(ctx.options) if ctx.options[rid]},
    }


def render_text(described: dict) -> str:
    """``aiplan config`` as TOML: the effective values, with where they come from as comments."""
    d = described
    lines = [f"# Effective aiplan configuration for {d['path']}"]
    if d["config-file"]:
        table = d["table"].strip("()")  # "(top level)" is already parenthesised for JSON readers
        lines.append(f"# Configuration file: {d['config-file']} ({table})")
    else:
        lines.append("# Configuration file: none (defaults)")
    for extended in d["extends"]:
        lines.append(f"# ...which extends: {extended}")
    for applied in d["overrides-applied"]:
        lines.append(f"# Override applied: {applied['file']}: {applied['key']} (paths = {toml(applied['paths'])})")
    lines.append("")
    lines.append(f"fail-on = {toml(d['fail-on'])}")
    lines.append(f"exclude = {toml(d['exclude'])}")
    for file, patterns in d["inherited-exclude"].items():
        lines.append(f"#   and, relative to {file}: {toml(patterns)}")
    lines.append(f"policy-packs = {toml([p['path'] for p in d['policy-packs']])}")
    for pack in d["policy-packs"]:
        lines.append(f"#   {pack['path']}: {pack['name']} ({pack['source']}): {', '.join(pack['rules'])}")
    for key in ("max-file-size", "max-depth", "max-alias-nodes", "max-documents", "max-findings",
                "max-evidence-bytes", "max-evidence-files", "rule-timeout", "file-timeout"):
        lines.append(f"{key} = {toml(d[key])}")
    lines.append(f"placeholders = {toml(d['placeholders'])}  # in addition to the built-in words")
    if d["input-fields"]:
        lines.append("input-fields = { " + ", ".join(f"{toml(k)} = {toml(v)}" for k, v in d["input-fields"].items()) + " }")
    total = len(d["enabled"]) + len(d["disabled"])
    lines.append(f"# {len(d['enabled'])} of {total} rules enabled")
    # This output is itself a valid .aiplan.toml: `select` and `ignore` reproduce the selection,
    # by families where whole families are chosen, so rules added later follow the same choice.
    lines.append(f"select = {toml(d['select'])}")
    lines.append(f"ignore = {toml(d['ignore'])}")
    lines.append(f"# enabled: {toml(d['enabled'])}")
    lines.append(f"# not selected: {toml(d['disabled'])}")
    if d["severity"]:
        lines += ["", "[severity]"]
        for rule_id, item in d["severity"].items():
            lines.append(f"{rule_id} = {toml(item['severity'])}  # default: {item['default']}")
    for rule_id, options in d["rules"].items():
        lines += ["", f"[rules.{rule_id}]"]
        lines.extend(f"{toml_key(k)} = {toml(v)}" for k, v in options.items())
    return "\n".join(lines) + "\n"
