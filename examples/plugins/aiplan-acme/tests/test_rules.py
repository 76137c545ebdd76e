"""Tests of the plugin's rule with aiplan's test helper."""

from aiplan.testing import codes, lint_yaml

from aiplan_acme.rules import owner_outside_company_domain


def test_owner_outside_the_domain_is_flagged_at_the_owner():
    findings = lint_yaml(
        """
        aiplan: 1
        name: Support copilot
        owner: support-team
        """,
        select=["ACME001"],
        rules=[owner_outside_company_domain],
    )
    assert codes(findings) == [("ACME001", 3, 8)]
    assert "'support-team'" in findings[0].message


def test_owner_in_the_configured_domain_passes():
    plan = "aiplan: 1\nname: x\nowner: ml@acme.example\n"
    assert lint_yaml(plan, select=["ACME001"], rules=[owner_outside_company_domain],
                     options={"ACME001": {"domain": "acme.example"}}) == []
    assert lint_yaml(plan, select=["ACME001"], rules=[owner_outside_company_domain]) != []
