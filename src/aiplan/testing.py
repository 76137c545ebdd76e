"""Helpers for testing rules, for aiplan itself and for plugin and policy-pack authors.

A complete test module for a plugin rule::

    from aiplan.api import Severity, Violation, rule
    from aiplan.testing import codes, fix_yaml, lint_yaml

    @rule("ACME001", "owner-is-an-address", Severity.WARNING)
    def owner_is_an_address(plan, options):
        '''The plan's owner is not an email address.'''
        owner = plan.string("owner")
        if owner and "@" not in owner:
            yield Violation(f"`owner` is {owner!r}, not an address",
                            "Set `owner` to a team address.", path=("owner",))

    PLAN = "aiplan: 1\\nname: Support copilot\\nowner: support-team\\n"

    def test_owner_is_an_address():
        findings = lint_yaml(PLAN, select=["ACME001"], rules=[owner_is_an_address])
        assert codes(findings) == [("ACME001", 3, 8)]
        # The rule has no fix: fix_yaml returns the plan unchanged.
        assert fix_yaml(PLAN, select=["ACME001"], rules=[owner_is_an_address]) == PLAN

A policy pack is tested the same way, by path::

    findings = lint_yaml(PLAN, select=["ORG"], packs=["policies/organisation.yaml"])

Inline suppressions in the YAML apply as in a real run (waived findings are
not returned). Everything runs in-process, without configuration files.
"""

from __future__ import annotations

import textwrap
from typing import Any, Iterable, Mapping

from aiplan.config.selection import LintConfig, build_context as _context
from aiplan.core.findings import Finding, Severity
from aiplan.core import ConfigError
from aiplan.core.placeholders import normalise_words
from aiplan.core.rule import Rule
from aiplan.fix.fixer import fix_bytes
from aiplan.lint.engine import LintContext, exists_in, lint_bytes, lint_documents
from aiplan.parse.loader import Limits, load_text
from aiplan.plugins.manager import load_rule_set, unknown_superseders
from aiplan.policy.pack import load_pack, parse_pack, supersession_cycles, supersession_problems


def build_context(
    *,
    select: Iterable[str] = ("ALL",),
    ignore: Iterable[str] = (),
    rules: Iterable[Rule] = (),
    options: Mapping[str, Mapping[str, Any]] | None = None,
    severity: Mapping[str, str] | None = None,
    plugins: bool = False,
    limits: Limits = Limits(),
    packs: Iterable[str] = (),
    placeholders: Iterable[str] = (),
) -> LintContext:
    """A lint context with the built-in rules plus ``rules`` (installed plugins if
    ``plugins``) plus the rules of the policy packs in ``packs`` (file paths, or
    YAML text when the string holds a line break). ``placeholders`` are extra
    placeholder words, as the `placeholders` setting gives them."""
    loaded = [_pack(pack) for pack in packs]
    given = list(rules)
    rule_set = load_rule_set(entry_points=plugins, extra_rules=given + [item for pack in loaded for item in pack.rules])
    # The rules under test name no rule missing here (a pack's are checked below, as a pack error).
    errors = [e.describe() for e in rule_set.errors] + unknown_superseders(rule_set.rules, {item.id for item in given})
    if errors:
        raise AssertionError("; ".join(errors))
    problems = [problem for pack in loaded for find in (supersession_problems, supersession_cycles)
                for problem in find(pack, rule_set.rules)]
    if problems:
        raise ConfigError("\n".join(problems))
    config = LintConfig(
        select=tuple(s.upper() for s in select),
        ignore=tuple(s.upper() for s in ignore),
        rule_options={k: dict(v) for k, v in (options or {}).items()},
        severity={k: Severity.parse(v) for k, v in (severity or {}).items()},
        limits=limits,
        placeholders=normalise_words(placeholders),
    )
    return _context(rule_set.rules, config)


def _pack(source):
    text = str(source)
    return parse_pack(text) if "\n" in text else load_pack(text)


def lint_yaml(text: str, *, path: str = "plan.aiplan.yaml", dedent: bool = True,
              file_exists=None, base_dir: str | None = None, **context_options: Any) -> list[Finding]:
    """Lint a YAML string and return its findings, sorted.

    ``base_dir`` is the directory the plan is taken to live in: the paths it
    names are checked (EVAL003) and read (the EVID rules) relative to it.

    Keyword arguments are those of :func:`build_context` (``select``,
    ``ignore``, ``rules``, ``options``, ``severity``, ``plugins``, ``limits``,
    ``packs``, ``placeholders``).
    Raises ``AssertionError`` if a rule failed, so a broken rule fails its test.
    """
    ctx = build_context(**context_options)
    if dedent:
        text = textwrap.dedent(text).lstrip("\n")
    if base_dir is not None and file_exists is None:
        file_exists = exists_in(base_dir)  # the engine's check: a glob exists when it matches something
    result = lint_documents(load_text(text, path, ctx.config.limits), path, ctx, file_exists, base_dir)
    if result.errors:
        raise AssertionError("; ".join(e.describe() for e in result.errors))
    return list(result.findings)


def fix_yaml(text: str, *, path: str = "plan.aiplan.yaml", dedent: bool = True, **context_options: Any) -> str:
    """What ``aiplan lint --fix`` makes of a YAML string (for testing a rule's fixes).

    Keyword arguments are those of :func:`build_context`.
    """
    ctx = build_context(**context_options)
    if dedent:
        text = textwrap.dedent(text).lstrip("\n")
    result = fix_bytes(text.encode("utf-8"), lambda data: lint_bytes(data, path, ctx))
    return result.fixed.decode("utf-8")


def codes(findings: Iterable[Finding]) -> list[tuple[str, int, int]]:
    """``(rule, line, column)`` of each finding: the usual thing to assert on."""
    return [(f.rule, f.line, f.column) for f in findings]
