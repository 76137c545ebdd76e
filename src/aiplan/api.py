"""The stable surface for plugin authors.

    from aiplan.api import Edit, Option, Severity, Violation, hookimpl, rule
"""

from aiplan.core.findings import Edit, Severity, Violation
from aiplan.core.plan import Plan
from aiplan.core.rule import Option, Rule, rule
from aiplan.hooks import hookimpl

__all__ = ["Edit", "Option", "Plan", "Rule", "Severity", "Violation", "hookimpl", "rule"]
