"""A plugin for the reporter tests (``--plugin name_echo_plugin``): it repeats the
plan's ``name`` in its message, so whatever a plan author writes there reaches
every output format verbatim."""

from aiplan.api import Severity, Violation, hookimpl, rule


@rule("ECHO001", "plan-name", Severity.WARNING, url="https://example.com/aiplan-rules/echo001")
def plan_name(plan, options):
    """Repeats the plan's name (test plugin).

    ## Why
    The reporter tests need plan content in a message, unchanged.
    """
    name = plan.string("name")
    if name:
        yield Violation(f"the plan is called {name}", "Rename it, e.g. `name: Support copilot, v2`.", path=("name",))


@hookimpl
def aiplan_rules():
    return [plan_name]
