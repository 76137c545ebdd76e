"""`aiplan rules`, `aiplan plugins` and `aiplan explain` say the warnings `aiplan lint` says about
the rule set (a plugin rule's `superseded_by` naming no rule), from the same check."""

import pytest

TYPO_PLUGIN = '''
from aiplan.api import Severity, hookimpl, rule


@rule("ACME001", "acme", Severity.WARNING, superseded_by=("{superseder}",))
def acme(plan, options):
    """A toy rule.

    ## Why
    Tests.
    """
    return iter(())


@hookimpl
def aiplan_rules():
    return [acme]
'''

WARNING = ("aiplan: warning: plugin '{module}' rule ACME001: `superseded_by` names FIT077, which is no rule of "
           "aiplan, its plugins or the policy packs in use: it supersedes nothing and the rule runs without it; "
           "did you mean FIT007?")


@pytest.mark.parametrize("command", [("rules",), ("rules", "--format", "json"), ("plugins",), ("explain", "ACME001")])
@pytest.mark.parametrize("superseder, warned", [("FIT077", True), ("FIT007", False)])
def test_a_superseder_that_names_no_rule_is_said_where_rules_are_listed(cli, tmp_path, monkeypatch, command,
                                                                        superseder, warned):
    module = f"superseding_plugin_{superseder.lower()}"  # one module per plugin text: imported once a run
    (tmp_path / f"{module}.py").write_text(TYPO_PLUGIN.replace("{superseder}", superseder), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    result = cli(*command, "--plugin", module)
    assert result.exit_code == 0, result.output
    assert (WARNING.format(module=module) in result.output) is warned
    assert ("aiplan: warning:" in result.output) is warned
