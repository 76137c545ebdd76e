"""The one place that builds the plugin manager and assembles the rule set.

Order: hook specs, then installed entry points (group ``aiplan``), then the
built-in rules, then ``check_pending()``. Only installed distributions and
modules a user names explicitly are loaded, never anything found in the
repository being linted.
"""

from __future__ import annotations

import importlib
import os
import sys
from importlib.machinery import PathFinder
from dataclasses import field, replace
from typing import Any, Iterable, Mapping, cast

import pluggy

from aiplan.core.findings import InternalError
from aiplan import __version__
from aiplan import rules as builtin_rules
from aiplan.core.records import Record
from aiplan.core.rule import CYCLE_CONSEQUENCE, Catalogue, Rule, default_url, superseding_cycles
from aiplan.fileio import read_regular
from aiplan.core.suggest import did_you_mean_rule

ENTRY_POINT_GROUP = "aiplan"
BUILTIN = "aiplan"
DISABLE_VARIABLE = "AIPLAN_DISABLE_PLUGINS"


def disabled_by_environment(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The installed plugins ``AIPLAN_DISABLE_PLUGINS`` turns off: entry-point names,
    comma-separated, blanks ignored; sorted, each once. ``environ``: ``os.environ``."""
    value = (os.environ if environ is None else environ).get(DISABLE_VARIABLE, "")
    return tuple(sorted({name.strip() for name in value.split(",") if name.strip()}))


class PluginInfo(Record, frozen=False):
    name: str
    version: str
    module: str
    rules: list[str] = field(default_factory=list)
    builtin: bool = False


def _builtin_info() -> PluginInfo:
    """The built-in rules' entry in a run's plugin list (a new one each time: the record is mutable)."""
    return PluginInfo(BUILTIN, __version__, builtin_rules.__name__, builtin=True)


class RuleSet(Record, frozen=False):
    """Every rule available in this run (the run's one :class:`Catalogue`), plus what went wrong assembling it."""

    rules: Catalogue
    plugins: list[PluginInfo]
    errors: list[InternalError]
    # No installed plugin is turned off (--no-plugins, AIPLAN_DISABLE_PLUGINS): a rule ID that
    # neither these rules nor the run's policy packs have is no rule at all, not a plugin's.
    complete: bool = True

    def sorted(self) -> list[Rule]:
        return self.rules.sorted()


def build_plugin_manager(
    *,
    entry_points: bool = True,
    disabled: Iterable[str] = (),
    extra_modules: Iterable[str] = (),
) -> tuple[pluggy.PluginManager, list[PluginInfo], list[InternalError]]:
    """Build the manager. Plugins that fail to load are reported, not raised."""
    from aiplan.plugins import hookspecs  # start-up: only a run with a plugin to load builds the manager

    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    infos: list[PluginInfo] = []
    errors: list[InternalError] = []
    disabled = {name.strip() for name in disabled if name.strip()}

    if entry_points:
        for entry_point, version in installed_entry_points():
            if entry_point.name in disabled or entry_point.name == BUILTIN:
                continue
            try:
                plugin = entry_point.load()
                manager.register(plugin, name=entry_point.name)
            except (Exception, SystemExit) as exc:  # a broken plugin (even one calling sys.exit) must not end the run
                errors.append(InternalError(entry_point.name, "", f"failed to load: {_failure(exc)}"))
                continue
            infos.append(PluginInfo(entry_point.name, version, entry_point.value))

    for module_name in extra_modules:
        try:
            module = importlib.import_module(module_name)
            manager.register(module, name=module_name)
        except (Exception, SystemExit) as exc:
            errors.append(InternalError(module_name, "", f"failed to load: {_failure(exc)}"))
            continue
        infos.append(PluginInfo(module_name, _module_version(module), module_name))

    manager.register(builtin_rules, name=BUILTIN)
    infos.insert(0, _builtin_info())
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as exc:
        errors.append(InternalError(getattr(exc.plugin, "__name__", str(exc.plugin)), "", str(exc)))
    return manager, infos, errors


def collect_rules(
    manager: pluggy.PluginManager,
    infos: list[PluginInfo],
    errors: list[InternalError],
    extra_rules: Iterable[Rule] = (),
    complete: bool = True,
) -> RuleSet:
    """Call every plugin's ``aiplan_rules`` on its own, so one failure stays its own."""
    hooks = [(impl.plugin_name, impl.function) for impl in manager.hook.aiplan_rules.get_hookimpls()]
    return _collect(hooks, infos, errors, extra_rules, complete)


def _collect(hooks: list[tuple[str, Any]], infos: list[PluginInfo], errors: list[InternalError],
             extra_rules: Iterable[Rule], complete: bool = True) -> RuleSet:
    """The rule set from each plugin's ``aiplan_rules`` function, ``hooks`` as ``(plugin name, function)``;
    ``complete``: no installed plugin is turned off (see :attr:`RuleSet.complete`)."""
    rules: dict[str, Rule] = {}
    by_name = {info.name: info for info in infos}
    # Built-ins first: their IDs are the public contract and win a collision.
    for plugin_name, function in sorted(hooks, key=lambda hook: (hook[0] != BUILTIN, hook[0])):
        try:
            # A hook returns whatever the plugin wrote; a non-iterable raises here and is reported.
            contributed = list(cast(Iterable[Any], function() or ()))
        except (Exception, SystemExit) as exc:
            errors.append(InternalError(plugin_name, "", f"aiplan_rules() raised {_failure(exc)}"))
            continue
        for item in contributed:
            if not isinstance(item, Rule):
                errors.append(InternalError(plugin_name, "", f"aiplan_rules() returned {item!r}, not a Rule"))
                continue
            item = _stamp_plugin(item, plugin_name)
            existing = rules.get(item.id)
            if existing is not None:
                errors.append(InternalError(
                    plugin_name, item.id,
                    f"rule ID {item.id} is already defined by plugin {existing.plugin!r}; "
                    f"the rule from {plugin_name!r} was not loaded",
                ))
                continue
            rules[item.id] = item
            if plugin_name in by_name:
                by_name[plugin_name].rules.append(item.id)
    for item in extra_rules:
        if item.id in rules:
            errors.append(InternalError(
                item.plugin, item.id,
                f"rule ID {item.id} is already defined by plugin {rules[item.id].plugin!r}",
            ))
            continue
        rules[item.id] = item
    for info in infos:
        info.rules.sort()
    errors.extend(_cycles(rules))
    return RuleSet(Catalogue(rules), infos, errors, complete)


def _by_plugin(item: Rule) -> bool:
    """Whether ``item`` is a plugin's rule (built-in included), not a policy pack's: the
    pack checks its own `superseded_by` (aiplan.policy.pack), each entry where it is written."""
    return "policy-pack" not in item.tags


def _cycles(rules: Mapping[str, Rule]) -> list[InternalError]:
    """A problem of the plugin for each cycle of `superseded_by` through its rules, as a policy
    pack's cycle is an error: the engine would keep one finding of the cycle by ID, an order no
    plugin stated. A cycle through a pack's rule is that pack's (it needs the pack to close)."""
    declared = [(item.id, other) for item in rules.values() if item.plugin != BUILTIN and _by_plugin(item)
                for other in item.superseded_by]
    if not declared:
        return []
    return [InternalError(rules[chain[0]].plugin, chain[0],
                          f"`superseded_by` closes a cycle ({' -> '.join(chain)}): {CYCLE_CONSEQUENCE}")
            for chain in superseding_cycles(sorted(declared), rules)]


def unknown_superseders(rules: Mapping[str, Rule], among: Iterable[str] | None = None) -> list[str]:
    """A warning about the plugin for each ID a rule's ``superseded_by`` or ``finding_superseded_by``
    names that is no rule of ``rules`` (the whole run's: built-in, plugins' and every policy pack's):
    it supersedes nothing, silently (a typo, a renamed rule, a rule of a plugin not installed). The
    rule itself runs as written, so this is no failure of it. Of the plugins' rules ``among``
    (default: all), by rule ID; a pack's own entries are the pack's errors."""
    problems = []
    for rule_id in sorted(rules if among is None else set(among) & set(rules)):
        item = rules[rule_id]
        if not _by_plugin(item):
            continue
        for key, named in (("superseded_by", item.superseded_by), ("finding_superseded_by", item.finding_superseded_by)):
            for other in named:
                if other not in rules:
                    problems.append(
                        f"plugin {item.plugin!r} rule {rule_id}: `{key}` names {other}, which is no rule of aiplan, "
                        f"its plugins or the policy packs in use: it supersedes nothing and the rule runs without it"
                        + did_you_mean_rule(other, [r for r in rules if r != rule_id], same_family=True))
    return problems


def load_rule_set(
    *,
    entry_points: bool = True,
    disabled: Iterable[str] = (),
    extra_modules: Iterable[str] = (),
    extra_rules: Iterable[Rule] = (),
) -> RuleSet:
    """Build the plugin manager and collect all rules: the usual entry point.

    With no plugin to load (none installed or entry points off, and no module named), the
    built-in rules' hook is called as the manager would call it, alone, without building the
    manager: registering and validating the built-in module in pluggy cost about 2.4 M
    instructions on every start, for a manager that would hold nothing else.
    """
    if not extra_modules and not (entry_points and group_may_exist(ENTRY_POINT_GROUP)):
        builtin = [_builtin_info()]
        # With entry points off (--no-plugins), an ID no rule here has may be an installed plugin's.
        return _collect([(BUILTIN, builtin_rules.aiplan_rules)], builtin, [], extra_rules, entry_points)
    disabled = tuple(disabled)
    manager, infos, errors = build_plugin_manager(
        entry_points=entry_points, disabled=disabled, extra_modules=extra_modules
    )
    # Turning off a plugin that is not installed hides no rule.
    turned_off = {name.strip() for name in disabled if name.strip()}
    complete = entry_points and not (turned_off and turned_off & {ep.name for ep, _ in installed_entry_points()})
    return collect_rules(manager, infos, errors, extra_rules, complete)


def _failure(exc: BaseException) -> str:
    """What a plugin raised (``sys.exit()`` included), even if its text cannot be rendered."""
    try:
        text = str(exc)
    except Exception:  # a plugin's exception whose __str__ raises
        text = "<unprintable>"
    if isinstance(exc, SystemExit):
        return f"called sys.exit({text}); a plugin must not end the run"
    return f"{type(exc).__name__}: {text}"


def _stamp_plugin(item: Rule, plugin_name: str) -> Rule:
    """The rule as ``plugin_name`` contributes it. aiplan's documentation site has
    pages for the built-in rules only: a plugin rule keeps a URL it was given and
    loses the default one, which would be a dead link in every report."""
    if plugin_name != BUILTIN and item.url == default_url(item.id, item.name):
        item = replace(item, url="")
    if item.plugin == plugin_name:
        return item
    return replace(item, plugin=plugin_name)


def installed_entry_points():
    """``(entry point, its distribution's version)`` for each installed aiplan plugin."""
    # importlib.metadata costs ~25 ms to import: ask it only when a
    # distribution may declare an aiplan entry point at all.
    if not group_may_exist(ENTRY_POINT_GROUP):
        return
    from importlib.metadata import entry_points  # see above

    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(entry_point, "dist", None)
        version = getattr(dist, "version", "") if dist is not None else ""
        yield entry_point, version or ""


def _module_version(module) -> str:
    return str(getattr(module, "__version__", "") or "")


# -- the pre-scan ------------------------------------------------------------
# Answer "could any installed distribution declare an ``aiplan`` entry point?"
# without importing :mod:`importlib.metadata`.
#
# Importing ``importlib.metadata`` (and the ``email`` and ``zipfile`` machinery
# behind it) costs a pre-commit run about 25 ms, more than linting a plan does,
# and almost every environment has no aiplan plugin at all. This scan reads the
# ``entry_points.txt`` of every distribution on ``sys.path`` directly (a few
# hundred microseconds) and only says "no" when it is sure:
#
# * it looks in the same places as ``importlib.metadata``'s path finder
#   (``*.dist-info`` and ``*.egg-info`` directories of each ``sys.path`` entry,
#   ``EGG-INFO`` inside an ``.egg`` entry) and matches a section header the way
#   ``importlib.metadata`` parses it;
# * a ``sys.path`` entry that is a file (a zip archive), or an import hook that
#   provides distributions of its own, makes it answer "maybe".
#
# On "maybe", the caller asks ``importlib.metadata``, which stays the authority
# on which entry points exist.


def group_may_exist(group: str, paths: Iterable[str] | None = None) -> bool:
    """``False`` only if no distribution on ``paths`` (default ``sys.path``)
    declares an entry point in ``group``."""
    if _foreign_distribution_finders():
        return True
    for entry in sys.path if paths is None else paths:
        if not isinstance(entry, str):
            return True
        base = entry or "."
        try:
            names = os.listdir(base)
        except NotADirectoryError:
            return True  # a zip archive: importlib.metadata can read it, we do not try
        except OSError:
            continue
        # Names, not DirEntry objects, and a folder without any "-info" name (the standard
        # library's, hundreds of names) skipped by one test in C instead of one per name.
        if "-info" not in "\0".join(names).lower():
            continue
        base_is_egg = base.lower().endswith(".egg")
        for name in names:
            low = name.lower()
            if low.endswith((".dist-info", ".egg-info")) or (base_is_egg and low == "egg-info"):
                if _declares(os.path.join(base, name, "entry_points.txt"), group):
                    return True
    return False


def _foreign_distribution_finders() -> bool:
    """Whether an import hook other than the standard path finder provides distributions."""
    return any(
        finder is not PathFinder and hasattr(finder, "find_distributions")
        for finder in sys.meta_path
    )


_MAX_ENTRY_POINTS_BYTES = 1024 * 1024


def _declares(path: str, group: str) -> bool:
    try:
        text = read_regular(path, _MAX_ENTRY_POINTS_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    if group not in text:
        return False
    # importlib.metadata's Sectioned.read: stripped lines, `[name]` headers.
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]") and line.strip("[]") == group:
            return True
    return False
