"""Immutable records that flow from rules to the engine to the reporters."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


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
                f"unknown severity {value!r}; expected one of error, warning, info"
            ) from None

    def __str__(self) -> str:  # so f-strings print "error", not "Severity.ERROR"
        return self.value


_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}

# A YAML path from the document root: mapping keys are str, sequence indexes int.
YamlPath = tuple


@dataclass(frozen=True, slots=True)
class Span:
    """A 1-based, inclusive-start region of a file. Columns count characters."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int = 1, column: int = 1) -> "Span":
        return cls(line, column, line, column)


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule yields: a problem at a YAML path, in words a person can act on.

    ``path`` names the node the problem is about. When that node does not exist
    (a missing key), the engine reports the closest existing parent. ``at="key"``
    points at the mapping key instead of its value (unknown or duplicate keys).
    ``span`` overrides the location when a rule already knows it (parser errors).
    """

    message: str
    fix: str
    path: YamlPath = ()
    at: str = "value"
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Finding:
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
    # Identity without line numbers (aiplan.lint.fingerprint): baselines and
    # CI deduplication match findings across edits by it.
    fingerprint: str = ""

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule, self.document, self.message)

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
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True, slots=True)
class InternalError:
    """A rule or plugin that failed. Reported by name; never ends the run."""

    plugin: str
    rule: str
    message: str
    path: str = ""

    def describe(self) -> str:
        where = f" on {self.path}" if self.path else ""
        rule = f" rule {self.rule}" if self.rule else ""
        return f"plugin {self.plugin!r}{rule} failed{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class FileResult:
    """Everything the engine learned about one file."""

    path: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[InternalError, ...] = ()
    suppressed: tuple[Finding, ...] = field(default=())
    documents: int = 0


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
