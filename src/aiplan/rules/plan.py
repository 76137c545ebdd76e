"""PLAN: the document itself. Syntax, schema, version, duplicates, suppressions, limits.

PLAN001, PLAN004, PLAN007 and PLAN008 are found while the file is read and
parsed (``aiplan.parse.loader``), PLAN003 by the engine's version gate
(``aiplan.core.plan.version_problem``: a document that is not a v1 plan gets no
other rule, even when PLAN003 itself is not selected), PLAN005 and PLAN006 while
the engine applies the inline suppressions (``aiplan.lint.suppressions``); they
are declared here so that they are listed, documented, selected and configured
like every other rule. Their IDs are declared once, in ``aiplan.core.rule_ids``.
"""

from __future__ import annotations

from aiplan.core import rule_ids
from aiplan.core.findings import Severity
from aiplan.core.rule import rule
from aiplan.schemas.validate import validate


@rule(rule_ids.SYNTAX, "yaml-syntax-error", Severity.ERROR, reported_by="loader")
def yaml_syntax_error(plan, options):
    """The file is not valid YAML.

    The parser stopped at the reported line and column. Documents before that
    point are linted; the broken document and everything after it are not,
    and the message says so when other documents follow.

    An alias whose anchor is missing (`*bo` without `&bo` before it in the
    same document) breaks only its own document: the message says where an
    earlier document defines the anchor (anchors do not cross `---`), and
    the other documents of the file are linted.

    ## Why
    A plan nobody can parse records no decision. Reviewers read YAML as text and
    may not notice that tools, including this linter, cannot read it at all.

    ## Bad
    ```yaml
    aiplan: 1
    name: Support copilot
    gaps:
      knowledge: {present: false}
      behavior: {present: false}
      accuracy: {present: false}
    approach: [prompt_engineering
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Support copilot
    gaps:
      knowledge: {present: false}
      behavior: {present: false}
      accuracy: {present: false}
    approach: prompt_engineering
    ```
    """


# The rules that ask for a value when a plan leaves it as placeholder text where a number, a
# boolean, a mapping or a list belongs (`examples: TBD`, `held_out: none`), by its key path (`[]`:
# any item of a list). Their finding quotes the placeholder, at it, with their hint; PLAN002's
# is superseded on a document where one of them is reported. A value no rule asks for (or whose
# rules do not apply to the plan, or are off) is PLAN002's. tests/rules/test_typed_placeholders.py
# holds this table to every typed field of the schema.
PLACEHOLDER_OWNERS = {
    "gaps": ("GAP001",),
    "gaps.knowledge": ("GAP001", "GAP003"), "gaps.behavior": ("GAP001", "GAP003"),
    "gaps.accuracy": ("GAP001", "GAP003"),
    "gaps.knowledge.present": ("GAP001", "GAP003"), "gaps.behavior.present": ("GAP001", "GAP003"),
    "gaps.accuracy.present": ("GAP001", "GAP003"),
    "baseline": ("BASE001",),
    "baseline.prompt_engineering": ("BASE001",),
    "baseline.prompt_engineering.techniques": ("BASE003",),
    "baseline.prompt_engineering.results": ("BASE002",),
    "baseline.prompt_engineering.results[]": ("BASE002",),
    "baseline.prompt_engineering.results[].value": ("BASE002",),
    "rag": ("FIT007",),
    "rag.corpus": ("RAG010",),
    "rag.corpus.sources": ("RAG010",),
    "rag.data_pipeline": ("RAG001",),
    "rag.data_pipeline.effort_weeks": ("RAG005",),
    "rag.data_pipeline.chunking": ("RAG002", "RAG003"),
    "rag.data_pipeline.embedding": ("RAG002",),
    "rag.data_pipeline.indexing": ("RAG002",),
    "rag.retrieval": ("RAG009",),
    "rag.retrieval.evaluation": ("RAG009",),
    "rag.retrieval.evaluation.metrics": ("RAG009",),
    "rag.access_control": ("RAG007",),
    "rag.access_control.scope_by": ("RAG007",),
    "rag.citations": ("RAG008",),
    "fine_tuning": ("FIT007",),
    "fine_tuning.task": ("FT007",),
    "fine_tuning.dataset": ("FT003", "FT004"),
    "fine_tuning.dataset.examples": ("FT003",),
    "fine_tuning.evaluation": ("FT001",),
    "fine_tuning.evaluation.held_out": ("FT001",),
    "fine_tuning.evaluation.held_out.covers": ("FT002",),
    "fine_tuning.evaluation.held_out.disjoint_from_training": ("FT009",),
    "evaluation": ("EVAL001", "ACC001"),
    "evaluation.metrics": ("EVAL001", "ACC001"),
    "evaluation.metrics[]": ("EVAL001",),
    "evaluation.metrics[].target": ("EVAL002", "ACC001"),
    "evaluation.eval_sets": ("ACC001",),
}


def placeholder_owners(path: tuple) -> tuple[str, ...]:
    """The rules that ask for the value at ``path`` (:data:`PLACEHOLDER_OWNERS`), maybe none."""
    key = "".join("[]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")
    return PLACEHOLDER_OWNERS.get(key, ())


@rule(rule_ids.SCHEMA, "schema-violation", Severity.ERROR, fixable=True,
      finding_superseded_by=sorted({owner for owners in PLACEHOLDER_OWNERS.values() for owner in owners}))
def schema_violation(plan, options):
    """The plan breaks the v1 JSON Schema.

    Every violation is reported on its own, at the offending node: a wrong type,
    an unknown enumeration value, an unknown key (with the closest known key as
    a hint) or a missing required key (at the closest existing parent). The
    schema ships with aiplan (`aiplan schema` prints it) and editors can use it
    for completion.

    `aiplan lint --fix` repairs what has exactly one unambiguous reading: a
    misspelled key with one close known key at that place (`evidance` ->
    `evidence`, `held_0ut` -> `held_out`), unless that key is already there; an
    enumeration value written as an alias or with one close match
    (`finetuning`, `fine-tuning`, `Fine Tuning` -> `fine_tuning`; `RAG` ->
    `rag`); a quoted number where a number belongs (`size: "600"` -> `600`);
    and `yes`/`no`/`on`/`off` where a boolean belongs (-> `true`/`false`).

    Placeholder text where a number, a boolean, a mapping or a list belongs
    (`examples: TBD`, `present: TBD`, `data_pipeline: TBD`, `held_out: none`,
    `sources: n/a`; see docs/placeholders.md) is not a wrong type but a value
    not given yet, reported once, at the placeholder: by the rule that asks for
    that value, quoting the placeholder, with its hint (FT003 for `examples`,
    EVAL002 for a metric's `target`, GAP003 for a gap's `present`, RAG001,
    FT001, EVAL001 for sections, ...); where no rule asks for it, or none that
    does applies to the plan or is on, by PLAN002, as a placeholder with the
    kind of value needed (`` `rag.retrieval.top_k` is 'TBD', a placeholder;
    expected an integer``). `yes`/`no` where a boolean belongs are read as
    booleans, not placeholders. A YAML null (`examples:` or `~`) is not
    placeholder text: PLAN002 reports it as the wrong type.

    A plan's numbers are finite, as JSON's are: `.nan`, `.inf` and `-.inf` where
    a number or an integer belongs (a count, a duration, a rate, a target) are
    the wrong type, and the rules read them as no number at all.

    ## Why
    The policy rules read the plan by its fixed field names. A misspelled key
    (`evidance`, `held_0ut`) is not a harmless typo: the rules cannot see the
    value, so the plan looks as if it never stated it.

    ## Bad
    ```yaml
    aiplan: 1
    name: Support copilot
    approach: Prompt Engineering
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidance: Replies ignore the ticket template in 30% of 200 sampled tickets.
      accuracy:
        present: false
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Support copilot
    approach: prompt_engineering
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidence: Replies ignore the ticket template in 30% of 200 sampled tickets.
      accuracy:
        present: false
    ```
    """
    # `aiplan` itself is PLAN003's business: report its problems once, there. Placeholder
    # text where a typed value belongs is a value not given yet: the rule that asks for it says so.
    yield from validate(plan.data, skip=frozenset(("aiplan",)), errors=plan.schema_errors,
                        placeholder=lambda path: placeholder_owners(path) if plan.placeholder(*path) is not None
                        else None)


@rule(rule_ids.VERSION, "unsupported-version", Severity.ERROR, fixable=True, reported_by="engine")
def unsupported_version(plan, options):
    """The document has no `aiplan` key, or a format version this aiplan does not support.

    `aiplan: 1` marks a YAML document as an AI project plan in format version 1.
    A file named on the command line or found by its plan-like name that is not
    marked so gets this finding, and no other rule runs on that document.
    `aiplan lint --fix` turns `aiplan: "1"` and `aiplan: 1.0` into `aiplan: 1`.

    ## Why
    The version says which rules apply. Without it a plan cannot be told from
    any other YAML file, and a plan written for another format would be judged
    by the wrong rules.

    ## Bad
    ```yaml
    name: Support copilot
    gaps:
      knowledge: {present: false}
      behavior: {present: false}
      accuracy: {present: false}
    approach: prompt_engineering
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Support copilot
    gaps:
      knowledge: {present: false}
      behavior: {present: false}
      accuracy: {present: false}
    approach: prompt_engineering
    ```
    """


@rule(rule_ids.DUPLICATE_KEY, "duplicate-key", Severity.ERROR, reported_by="loader")
def duplicate_key(plan, options):
    """A mapping repeats a key.

    Reported at the repeated key, naming the line of the first one. aiplan keeps
    the first value for its other rules.

    ## Why
    YAML loaders silently keep one of the two values (which one depends on the
    tool), so one of the team's statements is lost without anybody noticing,
    typically a whole section pasted twice with different content.

    ## Bad
    ```yaml
    aiplan: 1
    name: Support copilot
    gaps:
      knowledge: {present: false}
      behavior: {present: false}
      accuracy: {present: false}
    approach: rag
    approach: prompt_engineering
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Support copilot
    gaps:
      knowledge: {present: false}
      behavior: {present: false}
      accuracy: {present: false}
    approach: prompt_engineering
    ```
    """


@rule(rule_ids.NO_REASON, "suppression-without-reason", Severity.WARNING, reported_by="engine")
def suppression_without_reason(plan, options):
    """An inline suppression comment gives no reason.

    A suppression is written `# aiplan: ignore[RULE,...] -- reason` on the
    finding's line (or alone on the line above it), or
    `# aiplan: ignore-file[RULE,...] -- reason` anywhere in the document. The
    finding is still suppressed, but the missing reason is reported at the
    comment. Text after the rule list that is not introduced by ` -- ` does not
    count as a reason; the message quotes it so the fix is one edit. Nor does a
    placeholder (`TBD`, `none`, or the `<reason>` that the editor's "waive"
    action writes).

    ## Why
    A waiver is a decision, and a decision without its reason cannot be
    reviewed, audited or revisited. The reason also travels: it appears in the
    SARIF output as the suppression's justification, where auditors see what
    was waived and why.

    ## Bad
    ```yaml
    aiplan: 1
    name: Ticket formatter
    gaps:
      knowledge: {present: false}
      behavior: {present: true}  # aiplan: ignore[GAP002]
      accuracy: {present: false}
    approach: prompt_engineering
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Ticket formatter
    gaps:
      knowledge: {present: false}
      behavior: {present: true}  # aiplan: ignore[GAP002] -- evidence is in review DOC-214, not public
      accuracy: {present: false}
    approach: prompt_engineering
    ```
    """


@rule(rule_ids.UNUSED_SUPPRESSION, "unused-suppression", Severity.INFO, reported_by="engine")
def unused_suppression(plan, options):
    """An inline suppression matched no finding.

    Reported at the comment, once per rule it names that suppressed nothing:
    the rule found nothing on that line (`ignore`) or in that document
    (`ignore-file`), for example once the problem it waived is fixed; the rule ID is not one aiplan knows (with the closest ID
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
    gaps:
      knowledge: {present: false}
      behavior:
        present: true  # aiplan: ignore[GAP02] -- evidence is in review DOC-214, not public
      accuracy: {present: false}
    approach: prompt_engineering
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Ticket formatter
    gaps:
      knowledge: {present: false}
      behavior: {present: true}  # aiplan: ignore[GAP002] -- evidence is in review DOC-214, not public
      accuracy: {present: false}
    approach: prompt_engineering
    ```
    """


@rule(rule_ids.RESOURCE_LIMIT, "resource-limit", Severity.ERROR, reported_by="loader")
def resource_limit(plan, options):
    """The file exceeds a limit: size, nesting depth, alias expansion, documents, findings or an integer's digits.

    The defaults are 5 MB per file, 64 levels of nesting (counting the levels
    an alias brings in, so chained anchors cannot nest deeper), 100,000 nodes
    produced by aliases, 1,000 documents per file and 10,000 findings per file;
    each can be raised in the configuration (`max-file-size`, `max-depth`,
    `max-alias-nodes`, `max-documents`, `max-findings`). The file, or the rest
    of it from the reported point, is not linted. An integer of more digits
    than Python converts (4,300 unless `PYTHONINTMAXSTRDIGITS` says otherwise;
    for an octal or hexadecimal integer, the decimal digits of its value) is
    reported at the number, and the document holding it is not linted.

    ## Why
    aiplan runs in CI on files anyone can write in a pull request. A
    "billion laughs" document of nested anchors, or a deeply nested one, would
    otherwise exhaust memory or time and take the whole CI job down. No real
    plan comes near these limits.

    ## Bad
    ```yaml
    aiplan: 1
    name: Alias bomb
    # six lines that would expand to over half a million nodes
    a: &a [x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Support copilot
    gaps:
      knowledge: {present: false}
      behavior: {present: false}
      accuracy: {present: false}
    approach: prompt_engineering
    ```
    """


@rule(rule_ids.UNREADABLE, "unreadable-file", Severity.ERROR, reported_by="loader")
def unreadable_file(plan, options):
    """The file cannot be read or decoded (permissions, encoding, binary content).

    Plans are UTF-8 text (UTF-16 and UTF-32 with or without a byte order mark
    are accepted too, as YAML allows). A file that cannot be opened (missing
    permission, a symbolic-link loop), that is not a regular file (a FIFO,
    socket or device is never opened, so it cannot hang the run), that does not
    decode, or that contains NUL bytes gets this finding instead of a crash.

    ## Why
    A plan that tools cannot read is as good as absent; saying so precisely
    (which byte, which permission) lets the author fix it in one step.

    ## Bad
    ```text
    a file saved as Latin-1 with "café" in it, or a binary file named plan.aiplan.yaml
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Café copilot   # saved as UTF-8
    gaps:
      knowledge: {present: false}
      behavior: {present: false}
      accuracy: {present: false}
    approach: prompt_engineering
    ```
    """
