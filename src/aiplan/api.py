"""The stable surface for plugin authors.

    from aiplan.api import Edit, Option, Severity, Violation, hookimpl, rule
"""

from aiplan.lint.findings import Edit, Severity, Violation
from aiplan.lint.plan import Plan
from aiplan.lint.rule import Option, Rule, rule
from aiplan.plugins.hookspecs import hookimpl

__all__ = ["Edit", "Option", "Plan", "Rule", "Severity", "Violation", "hookimpl", "rule"]
