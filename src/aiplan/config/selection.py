"""Which rules run, at which severity and with which options, and when the run fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from aiplan.core.findings import Severity
from aiplan.parse.loader import Limits
from aiplan.core.suggest import closest


# Seconds one rule may run on one document (`rule-timeout`, `--rule-timeout`).
DEFAULT_RULE_TIMEOUT = 5.0
# Seconds one file may take, every phase included (`file-timeout`, `--file-timeout`).
DEFAULT_FILE_TIMEOUT = 60.0


class ConfigError(ValueError):
    """A usage or configuration error: exit code 2."""


@dataclass(frozen=True, slots=True)
class LintConfig:
    """The effective settings for linting one file."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    severity: Mapping[str, Severity] = field(default_factory=dict)
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    limits: Limits = Limits()
    exclude: tuple[str, ...] = ()
    # Seconds one rule may take on one document before it is stopped and
    # reported as an internal error (exit 3); None or 0: no limit.
    rule_timeout: float | None = DEFAULT_RULE_TIMEOUT
    # Seconds one file may take from reading to the last fix attempt; a file
    # that runs out is reported as cut short (PLAN007, exit 3). None: no limit.
    file_timeout: float | None = DEFAULT_FILE_TIMEOUT
    # A team's own placeholder words (`placeholders`), normalised: read as
    # missing like the built-in ones of aiplan.core.placeholders.
    placeholders: frozenset[str] = frozenset()


def _matches(selector: str, rule_id: str) -> bool:
    return selector == "ALL" or rule_id.startswith(selector)


def _specificity(selector: str) -> int:
    return 0 if selector == "ALL" else len(selector)


def is_enabled(rule_id: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """ruff's model: the most specific matching selector wins; on a tie, ignore wins."""
    chosen = max((_specificity(s) for s in select if _matches(s, rule_id)), default=-1)
    if chosen < 0:
        return False
    dropped = max((_specificity(s) for s in ignore if _matches(s, rule_id)), default=-1)
    return chosen > dropped


def validate_selectors(selectors: Iterable[str], rule_ids: Iterable[str], where: str) -> tuple[str, ...]:
    """Upper-case the selectors and reject any that match no rule."""
    rule_ids = list(rule_ids)
    families = sorted({r.rstrip("0123456789") for r in rule_ids})
    out = []
    for raw in selectors:
        selector = str(raw).strip().upper()
        if not selector:
            continue
        if selector != "ALL" and not any(r.startswith(selector) for r in rule_ids):
            guess = closest(selector, rule_ids + families, cutoff=0.6)
            hint = f"; did you mean {guess}?" if guess else f"; rule families are {', '.join(families)}"
            raise ConfigError(f"{where}: {selector!r} matches no rule{hint}")
        out.append(selector)
    return tuple(out)


def enabled_rule_ids(config: LintConfig, rule_ids: Iterable[str]) -> frozenset[str]:
    select = tuple(config.select) + tuple(config.extend_select)
    return frozenset(r for r in rule_ids if is_enabled(r, select, config.ignore))
