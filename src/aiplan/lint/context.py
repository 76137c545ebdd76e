"""What the engine needs to lint a file: the settings and the resolved rules.

Both records are built by :mod:`aiplan.config` (``selection.build_context``,
``resolve.Resolver``); the engine only reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from aiplan import __version__
from hashlib import sha256
from aiplan.core.findings import Severity
from aiplan.core.rule import Rule
from aiplan.parse.loader import Limits

# Seconds one rule may run on one document (`rule-timeout`, `--rule-timeout`).
DEFAULT_RULE_TIMEOUT = 5.0
# Seconds one file may take, every phase included (`file-timeout`, `--file-timeout`).
DEFAULT_FILE_TIMEOUT = 60.0


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
    # `input-fields`: (glob of a data path as a plan names it, input field), first match wins.
    input_fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class LintContext:
    """Everything needed to lint a file, resolved once per configuration."""

    rules: Mapping[str, Rule]
    enabled: frozenset[str]
    severities: Mapping[str, Severity]
    options: Mapping[str, Mapping[str, Any]]
    config: LintConfig = field(default_factory=LintConfig)
    # Whether rules may read the data files a plan names (``plan.evidence``).
    # An editor integration linting on every keystroke turns it off
    # (``dataclasses.replace(ctx, evidence=False)``) and reads evidence on save.
    evidence: bool = True

    def fingerprint(self) -> str:
        """A stable digest of everything that decides this context's findings:
        aiplan's version, every rule (ID, plugin, severity, options, enabled)
        the limits and the team's placeholder words. Caches key on it."""
        state = {
            "aiplan": __version__,
            "rules": [
                [rid, r.plugin, r.name, self.severities[rid].value, rid in self.enabled,
                 sorted((k, repr(v)) for k, v in self.options.get(rid, {}).items())]
                for rid, r in sorted(self.rules.items())
            ],
            "limits": repr(self.config.limits),
            "placeholders": sorted(self.config.placeholders),
            "input_fields": [list(pair) for pair in self.config.input_fields],
            "evidence": self.evidence,
        }
        return sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()

    def checks(self) -> list[Rule]:
        """Enabled rules that have a check, in ID order (deterministic)."""
        return [self.rules[r] for r in sorted(self.enabled) if self.rules[r].check is not None]
