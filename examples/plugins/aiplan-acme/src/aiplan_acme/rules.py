"""ACME: rules of Acme's AI governance that need code, not just a policy pack."""

from aiplan.api import Option, Severity, Violation, rule


@rule(
    "ACME001",
    "owner-outside-company-domain",
    Severity.WARNING,
    options=[Option("domain", str, "example.com", "The email domain of accountable owners.")],
)
def owner_outside_company_domain(plan, options):
    """The plan's owner is not an address in the company's email domain.

    Fires when `owner` is set and is not an email address ending in
    `@<domain>` (the `domain` option, case-insensitive). A plan without an
    `owner` is left to other rules.

    ## Why
    Acme routes incident pages and access reviews by email. An owner outside
    the company domain (a contractor's address, a personal mailbox) or a bare
    team name cannot be paged, and the plan has nobody accountable when the
    system misbehaves.

    ## Bad
    ```yaml
    aiplan: 1
    name: Support copilot
    owner: support-team
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Support copilot
    owner: support-platform@example.com
    gaps:
      knowledge: {present: false}
      behavior: {present: false}
      accuracy: {present: false}
    approach: prompt_engineering
    ```
    """
    owner = plan.string("owner")
    if owner is None:
        return
    domain = options["domain"].lower().lstrip("@")
    if owner.strip().lower().endswith("@" + domain) and owner.count("@") == 1:
        return
    yield Violation(
        f"`owner` is {owner!r}, not an address in the company domain @{domain}",
        f"Set `owner` to the accountable team's address, e.g. `owner: support-platform@{domain}`.",
        path=("owner",),
    )
