"""PLAN005 and PLAN006: the inline suppressions themselves.

The engine finds these while it applies suppression comments
(``aiplan.lint.suppressions``); they are declared here so that they are listed,
documented, selected and configured like every other rule. Neither can be
suppressed inline: turn them off with ``ignore`` in the configuration.
"""

from __future__ import annotations

from aiplan.lint.findings import Severity
from aiplan.lint.rule import rule


@rule("PLAN005", "suppression-without-reason", Severity.WARNING, reported_by="engine")
def suppression_without_reason(plan, options):
    """An inline suppression comment gives no reason.

    A suppression is written `# aiplan: ignore[RULE,...] -- reason` on the
    finding's line (or alone on the line above it), or
    `# aiplan: ignore-file[RULE,...] -- reason` anywhere in the document. The
    finding is still suppressed, but the missing reason is reported at the
    comment. Text after the rule list that is not introduced by ` -- ` does not
    count as a reason; the message quotes it so the fix is one edit.

    ## Why
    A waiver is a decision, and a decision without its reason cannot be
    reviewed, audited or revisited. The reason also travels: it appears in the
    SARIF output as the suppression's justification, where auditors see what
    was waived and why.

    ## Bad
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      dataset:
        examples: 300  # aiplan: ignore[FT003]
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      dataset:
        examples: 300  # aiplan: ignore[FT003] -- pilot uses 300 reviewed examples
    ```
    """


@rule("PLAN006", "unused-suppression", Severity.INFO, reported_by="engine")
def unused_suppression(plan, options):
    """An inline suppression matched no finding.

    Reported at the comment, once per rule it names that suppressed nothing:
    the rule found nothing on that line (`ignore`) or in that document
    (`ignore-file`), the rule ID is not one aiplan knows (with the closest ID
    as a hint), or the comment is not a suppression aiplan can parse (no rule
    list, a misspelled directive). Suppressions of rules that are turned off in
    the run are not judged. PLAN005 and PLAN006 cannot be suppressed inline;
    naming them is reported here.

    ## Why
    A suppression that waives nothing is dead weight at best. At worst it waits
    silently for the next finding on that line and hides it without anybody
    deciding to, and a misspelled one gives a false sense that a finding was
    dealt with.

    ## Bad
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      dataset:
        examples: 4200  # aiplan: ignore[FT003] -- pilot dataset
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      dataset:
        examples: 4200
    ```
    """
