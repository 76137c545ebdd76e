"""Which rules run, at which severity and with which options, and when the run fails."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from aiplan.core import ConfigError
from aiplan.core.rule import Rule
from aiplan.core.rule_ids import canonical_rule_id, family_of
from aiplan.core.notation import quoted_visibly
from aiplan.core.suggest import did_you_mean_rule
from aiplan.lint.context import DEFAULT_FILE_TIMEOUT, DEFAULT_RULE_TIMEOUT, LintConfig, LintContext

__all__ = ["ConfigError", "DEFAULT_FILE_TIMEOUT", "DEFAULT_RULE_TIMEOUT", "LintConfig", "build_context", "enabled_by_layers",
           "enabled_rule_ids", "selected_by", "validate_selectors"]


def _best(selectors: Iterable[str], rule_id: str) -> int:
    """How specific the most specific selector matching ``rule_id`` is (-1: none matches).
    Selectors come upper-cased: by :func:`validate_selectors` (configuration files), the
    resolver (the command line) or whoever builds a :class:`LintConfig`."""
    best = -1  # a loop, not max() over a generator: called twice per rule and layer at every start
    for selector in selectors:
        if selector == "ALL":
            best = max(best, 0)
        elif len(selector) > best and rule_id.startswith(selector):
            best = len(selector)
    return best


def enabled_by_layers(rule_ids: Iterable[str], layers: Iterable[Any]) -> frozenset[str]:
    """The rules enabled once every layer's selection is applied in order.

    A layer is anything with ``select`` (``None``: not given), ``extend_select``
    and ``ignore``: a configuration :class:`~aiplan.config.files.Layer` or a
    :class:`LintConfig`. Within a layer ruff's model applies: the most specific
    matching selector wins, and on a tie ``ignore`` wins.
    """
    rule_ids = list(rule_ids)
    enabled = set(rule_ids)          # the default selection is ALL
    for layer in layers:
        if layer.select is not None:
            chosen = tuple(layer.select) + tuple(layer.extend_select)
            enabled = {r for r in rule_ids if _best(chosen, r) > _best(layer.ignore, r)}
            continue
        if not layer.extend_select and not layer.ignore:
            continue  # selects nothing and ignores nothing: every rule stays as it is
        for rule_id in rule_ids:
            add, drop = _best(layer.extend_select, rule_id), _best(layer.ignore, rule_id)
            if add < 0 and drop < 0:
                continue
            if add > drop:
                enabled.add(rule_id)
            else:
                enabled.discard(rule_id)
    return frozenset(enabled)


def validate_selectors(selectors: Iterable[str], rule_ids: Iterable[str], where: str) -> tuple[str, ...]:
    """Upper-case the selectors and reject any that match no rule."""
    rule_ids = list(rule_ids)
    families = sorted({family_of(r) for r in rule_ids})
    out = []
    for raw in selectors:
        selector = canonical_rule_id(str(raw))
        if not selector:
            continue
        if selector != "ALL" and not any(r.startswith(selector) for r in rule_ids):
            hint = did_you_mean_rule(selector, rule_ids + families, f"; rule families are {', '.join(families)}")
            # The error quotes what the user wrote (`it's`, not `IT'S`): matching ignores case, the echo does not.
            raise ConfigError(f"{where}: {quoted_visibly(str(raw).strip())} matches no rule{hint}")
        out.append(selector)
    return tuple(out)


def selected_by(selectors: Iterable[str], rule_ids: Iterable[str]) -> frozenset[str]:
    """The rules ``selectors`` (upper-cased, as :func:`validate_selectors` returns them) pick
    as ``--select`` picks them: ``ALL``, a family, a prefix or an ID."""
    selectors = tuple(selectors)
    return frozenset(r for r in rule_ids if _best(selectors, r) >= 0)


def enabled_rule_ids(config: LintConfig, rule_ids: Iterable[str]) -> frozenset[str]:
    return enabled_by_layers(rule_ids, [config])


def build_context(rules: Mapping[str, Rule], config: LintConfig,
                  enabled: frozenset[str] | None = None) -> LintContext:
    """Resolve severities and options (and, unless ``enabled`` is given, the
    selection) of ``rules`` under ``config``; raises :class:`ConfigError` (exit 2)."""
    if enabled is None:
        enabled = enabled_rule_ids(config, rules)
    severities = {rid: config.severity.get(rid, r.severity) for rid, r in rules.items()}
    for rule_id in config.rule_options:
        if rule_id not in rules:
            raise ConfigError(f"options given for unknown rule {rule_id}")
    options: dict[str, Mapping[str, Any]] = {}
    for rule_id, item in rules.items():
        try:
            options[rule_id] = item.resolve_options(config.rule_options.get(rule_id))
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    return LintContext(rules, enabled, severities, options, config)
