"""A plugin whose rule always fails (``--plugin crashing_rule_plugin``): the
language server's tests check that a failing rule is reported, not fatal."""

from aiplan.api import Severity, hookimpl, rule


@rule("CRASH001", "always-fails", Severity.WARNING, url="https://example.com/aiplan-rules/crash001")
def always_fails(plan, options):
    """Fails on every plan (test plugin).

    ## Why
    A rule with a bug must not take the editor's language server down.
    """
    raise RuntimeError("this rule is broken on purpose")


@hookimpl
def aiplan_rules():
    return [always_fails]
