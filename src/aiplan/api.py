"""The stable surface for plugin authors.

    from aiplan.api import Option, Severity, Violation, hookimpl, rule
"""

from aiplan.lint.findings import Severity, Violation
from aiplan.lint.plan import Plan
from aiplan.lint.rule import Option, Rule, rule
from aiplan.plugins.hookspecs import hookimpl

__all__ = ["Option", "Plan", "Rule", "Severity", "Violation", "hookimpl", "rule"]
