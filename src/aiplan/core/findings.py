"""Immutable records that flow from rules to the engine to the reporters."""

from __future__ import annotations

import enum
from dataclasses import field

from aiplan.core.notation import quoted_visibly
from aiplan.core.records import Record

from aiplan.core.rule_ids import root_cause_rank


# What introduces a fix hint after the message in every output (text, github, gitlab, junit,
# sarif, the reports, the language server): one spelling, lower case as ruff's and rustc's
# `help:`, so a grep or a log filter written against one format works on the others.
FIX_LABEL = "fix:"


class Severity(str, enum.Enum):
    """How serious a finding is. Ordered: ``INFO < WARNING < ERROR``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls(str(value).lower())
        except ValueError:
            raise ValueError(
                f"unknown severity {quoted_visibly(value)}; expected one of error, warning, info"
            ) from None

    def __str__(self) -> str:  # so f-strings print "error", not "Severity.ERROR"
        return self.value


_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}

# A YAML path from the document root: mapping keys are str, sequence indexes int.
YamlPath = tuple


class Span(Record):
    """A 1-based, inclusive-start region of a file. Columns count characters."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int = 1, column: int = 1) -> "Span":
        return cls(line, column, line, column)


class Edit(Record):
    """A change a rule proposes that a machine can apply safely (``aiplan lint --fix``).

    It gives the node at ``path`` (default: the violation's own path) the new
    ``value``: with ``at="key"`` the node's mapping key is renamed, otherwise
    its scalar value is replaced. The engine resolves it to exact text on the
    source (:class:`TextEdit`), keeping the scalar's quoting style and anchor,
    and drops it when that cannot be done safely (an alias, a tag, a block or
    multi-line scalar, a node reached through a merge key). Only rules declared
    ``fixable=True`` may propose edits; a violation's edits apply together or
    not at all.
    """

    value: str | int | float | bool | None
    at: str = "value"
    path: YamlPath | None = None


class TextEdit(Record):
    """An :class:`Edit` resolved on the source text: replace the characters from
    ``line:column`` up to (not including) ``end_line:end_column``, which read
    ``original``, with ``content``. Lines and columns are 1-based and count
    characters, like every :class:`Span`; a byte order mark is not counted."""

    line: int
    column: int
    end_line: int
    end_column: int
    original: str
    content: str

    def to_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "content": self.content,
        }


class RelatedLocation(Record):
    """Another place a finding is about, e.g. the line of a data file that backs
    (or contradicts) the plan's claim: SARIF shows it as a related location.

    A rule gives ``path`` relative to the plan's directory, as the plan names
    it; the engine makes it relative to where the plan is shown from.
    """

    path: str
    line: int
    message: str = ""

    def to_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "message": self.message}


class Violation(Record):
    """What a rule yields: a problem at a YAML path, in words a person can act on.

    ``path`` names the node the problem is about. When that node does not exist
    (a missing key), the engine reports the closest existing parent. ``at="key"``
    points at the mapping key instead of its value (unknown or duplicate keys);
    ``at="section"`` at the key of a section a rule finds lacking (``rag:``, above
    its block), or at the placeholder written in its place (``rag: TBD``).
    ``span`` overrides the location when a rule already knows it (parser errors).
    ``edits`` are what ``aiplan lint --fix`` may apply to resolve it (see :class:`Edit`).
    ``related`` are other places the problem is about (lines of the data files
    an evidence rule read), see :class:`RelatedLocation`.
    ``superseded_by`` names rules whose reported finding on the same YAML
    document makes this one violation redundant, beside the rule's own
    ``superseded_by`` (which covers all its violations): for a rule whose
    findings each speak for a different part of the plan. Each ID must be one
    the rule declares (``@rule(finding_superseded_by=...)`` or ``superseded_by``):
    otherwise the rule fails on that file (reported by name, exit code 3).
    """

    message: str
    fix: str
    path: YamlPath = ()
    at: str = "value"
    span: Span | None = None
    edits: tuple[Edit, ...] = ()
    related: tuple[RelatedLocation, ...] = ()
    superseded_by: tuple[str, ...] = ()


class Finding(Record):
    """A violation stamped by the engine with its rule, severity and location."""

    rule: str
    name: str
    severity: Severity
    message: str
    fix: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    document: int = 0
    yaml_path: YamlPath = ()
    url: str = ""
    fix_available: bool = False
    # Set on findings an inline suppression waived: the reason it gives.
    # Suppressed findings live in FileResult.suppressed, never in findings.
    justification: str = ""
    # What `aiplan lint --fix` would change; fix_available is true exactly when there are edits.
    edits: tuple[TextEdit, ...] = ()
    # Identity without line numbers (aiplan.core.fingerprint): baselines and
    # CI deduplication match findings across edits by it.
    fingerprint: str = ""
    # Other places the finding is about (data-file lines an evidence rule read).
    related: tuple[RelatedLocation, ...] = ()
    # Rules that supersede this finding alone (Violation.superseded_by); the engine applies it.
    superseded_by: tuple[str, ...] = ()

    def sort_key(self) -> tuple:
        """The one order of findings, in every report: by file and document, the
        document's root causes first (it cannot be read, parsed or validated:
        :data:`aiplan.core.rule_ids.ROOT_CAUSES`), then by line and column."""
        return (self.path, self.document, root_cause_rank(self.rule), self.line, self.column,
                self.rule, self.message)

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "fix": self.fix,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "document": self.document,
            "yaml_path": format_yaml_path(self.yaml_path),
            "url": self.url,
            "fix_available": self.fix_available,
            "edits": [edit.to_dict() for edit in self.edits],
            "fingerprint": self.fingerprint,
            **({"related": [item.to_dict() for item in self.related]} if self.related else {}),
        }


class InternalError(Record):
    """A rule or plugin that failed. Reported by name; never ends the run."""

    plugin: str
    rule: str
    message: str
    path: str = ""

    def describe(self) -> str:
        where = f" on {self.path}" if self.path else ""
        rule = f" rule {self.rule}" if self.rule else ""
        return f"plugin {self.plugin!r}{rule} failed{where}: {self.message}"


class FileResult(Record):
    """Everything the engine learned about one file."""

    path: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[InternalError, ...] = ()
    suppressed: tuple[Finding, ...] = field(default=())
    documents: int = 0
    # The rule IDs enabled for this file (its own configuration and overrides
    # decide), sorted: what a JUnit report lists as test cases. None: not recorded.
    checked: tuple[str, ...] | None = None

    def tally(self) -> "Tally":
        """How many findings of each severity, fixable and suppressed: what the summary
        line and the exit code need (a result read from the cache has it without decoding
        its findings: :class:`aiplan.run.codec.CachedResult`)."""
        counts = [0, 0, 0, 0, len(self.suppressed)]
        for finding in self.findings:
            counts[_TALLY_INDEX[finding.severity]] += 1
            counts[3] += finding.fix_available
        return tuple(counts)  # type: ignore[return-value]

    def failing(self, threshold: Severity) -> int:
        """How many findings are at ``threshold`` or above."""
        return sum(self.tally()[:tallied_from(threshold)])


# A FileResult's tally: (errors, warnings, info, fixable, suppressed).
Tally = tuple[int, int, int, int, int]
TALLIED = (Severity.ERROR, Severity.WARNING, Severity.INFO)
_TALLY_INDEX = {severity: index for index, severity in enumerate(TALLIED)}
# By threshold: how many of a tally's first counts are of findings at it or above.
_TALLIED_FROM = {severity: index + 1 for index, severity in enumerate(TALLIED)}


def tallied_from(threshold: Severity) -> int:
    """How many of a :data:`Tally`'s first counts are of findings at ``threshold`` or above:
    ``sum(tally[:tallied_from(threshold)])`` fail it (:meth:`FileResult.failing`)."""
    return _TALLIED_FROM[threshold]


def format_yaml_path(path: YamlPath) -> str:
    """Render ``("rag", "corpus", "sources", 0, "name")`` as ``rag.corpus.sources[0].name``."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            text = str(part)
            if out:
                out.append(".")
            out.append(text)
    return "".join(out)
