"""What the engine needs to lint a file: the settings and the resolved rules.

Both records are built by :mod:`aiplan.config` (``selection.build_context``,
``resolve.Resolver``); the engine only reads them.
"""

from __future__ import annotations

import marshal
from dataclasses import field
from operator import itemgetter
from typing import Any, Mapping

from aiplan import __version__
from aiplan.core.digest import blake2b_256  # not hashlib: see aiplan.core.digest
from aiplan.core.findings import Severity
from aiplan.core.records import Record
from aiplan.core.rule import Rule
from aiplan.parse.loader import Limits

# Seconds one rule may run on one document (`rule-timeout`, `--rule-timeout`).
DEFAULT_RULE_TIMEOUT = 5.0
# Seconds one file may take, every phase included (`file-timeout`, `--file-timeout`).
DEFAULT_FILE_TIMEOUT = 60.0


class LintConfig(Record):
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


class LintContext(Record):
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
    # The rule calls every document makes, worked out once from the fields above
    # (``__post_init__``, so a ``replace`` variant has its own): see :meth:`steps`.
    prepared: tuple = field(default=(), repr=False, compare=False)
    # The enabled rule IDs in order, which every file's result records (``FileResult.checked``).
    checked: tuple[str, ...] = field(default=(), repr=False, compare=False)
    # What the enabled rules will ask of the data files a plan names (``Rule.evidence_needs``).
    evidence_needs: frozenset = field(default=frozenset(), repr=False, compare=False)

    def __post_init__(self) -> None:
        checked = tuple(sorted(self.enabled))
        checks = [self.rules[r] for r in checked if self.rules[r].check is not None]
        steps = tuple(RuleStep(item, f"running rule {item.id}", item.family == "PLAN", item.third_party,
                               self.options.get(item.id, {}))
                      for item in checks)
        object.__setattr__(self, "prepared", steps)
        object.__setattr__(self, "checked", checked)
        object.__setattr__(self, "evidence_needs", _evidence_needs(steps))

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
        # marshal (format 0: no back-references, so equal states give equal bytes), not JSON: no
        # sets, a dict of fixed key order, and json is not imported for it (about 5 M instructions
        # at every cached start); a quarter of repr's instructions for the same state.
        try:
            data = marshal.dumps(state, 0)
        except ValueError:  # a plugin names a rule by a str subclass (an Enum member): marshal takes built-in types only
            data = repr(state).encode()
        return blake2b_256(data).hexdigest()

    def steps(self) -> tuple["RuleStep", ...]:
        """What the engine calls for each document: the enabled rules that have a
        check, in ID order (deterministic), each with what its call needs."""
        return self.prepared


def _evidence_needs(steps: tuple["RuleStep", ...]) -> frozenset:
    needs: set[tuple] = set()
    for step in steps:
        if step.rule.evidence_needs is not None:
            try:
                needs.update(step.rule.evidence_needs(step.options))
            except Exception:  # a plugin's bad declaration: its rule then reads on its own when it asks
                continue
    return frozenset(needs)


class RuleStep(tuple):
    """One rule call of every document, as the engine makes it: ``(rule, phase,
    judges_form, third_party, options)``, a tuple with named fields. Not a
    ``NamedTuple``: defining one compiles its ``__new__`` from source, about 0.7 M
    instructions at every start (callgrind), for a record the engine unpacks."""

    __slots__ = ()

    def __new__(cls, rule: Rule, phase: str, judges_form: bool, third_party: bool,
                options: Mapping[str, Any]) -> "RuleStep":
        return tuple.__new__(cls, (rule, phase, judges_form, third_party, options))

    def __getnewargs__(self) -> tuple:  # pickled with its context, rebuilt through __new__
        return tuple(self)

    rule = property(itemgetter(0))
    phase = property(itemgetter(1), doc="named in a report if time runs out in the call")
    judges_form = property(itemgetter(2), doc="a PLAN rule reads the document as written, others the repaired reading")
    third_party = property(itemgetter(3), doc="a plugin's code (Rule.third_party): it reads a private copy of the plan")
    options = property(itemgetter(4))
