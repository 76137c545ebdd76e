"""``--format github``: GitHub Actions workflow commands (annotations).

Each finding becomes one line, exactly as GitHub's toolkit (``@actions/core``,
``command.ts``) would print it for ``core.error(message, properties)``::

    ::error title=T,file=F,line=L,endLine=L2,col=C,endColumn=C2::MESSAGE

Properties come in that order and empty or zero values are left out. The
message escapes ``%``, CR and LF; property values also escape ``:`` and
``,``. Escaping is what keeps plan content from injecting a workflow command:
after it, a line holds no line break and the only ``::`` separators are ours.

The human-readable log printed beside the annotations is neutralised by the
text reporter (:func:`aiplan.reporters.neutralise`), since the runner
reads any line starting with ``::`` and any ``##[`` as a command.
"""

# No `from __future__ import annotations`: it would bind the name `annotations`,
# which is this module's function (every annotation here is valid at run time).
import re
from typing import Iterable, Mapping

from aiplan.core.findings import FIX_LABEL, Finding, Severity
from aiplan.reporters import neutralise_hashes
from aiplan.reporters.sources import Paths

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
# GitHub keeps this many annotations of each kind per step; the rest only reach the log.
ANNOTATION_LIMIT = 10

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def escape_data(value: object) -> str:
    """toolkit ``escapeData``: the message after the ``::`` separator."""
    return _command_value(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: object) -> str:
    """toolkit ``escapeProperty``: a ``key=value`` before the separator."""
    return (
        _command_value(value)
        .replace("%", "%25")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
        .replace(":", "%3A")
        .replace(",", "%2C")
    )


def _command_value(value: object) -> str:
    # toolkit toCommandValue: strings as they are, null/undefined as "", numbers as JSON.
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def command(name: str, properties: Mapping[str, object], message: str) -> str:
    """One workflow command line (without its line break), as toolkit's
    ``Command.toString()`` builds it. Falsy property values are left out."""
    line = "::" + name
    if properties:
        line += " " + ",".join(f"{key}={escape_property(value)}" for key, value in properties.items() if value)
    # The toolkit has no escape for "#": plan content's "##[" and "##vso[" (read
    # anywhere in a line by older runners and by Azure Pipelines) get the visible
    # notation of the text report instead.
    return _node_string(neutralise_hashes(line + "::" + escape_data(message)))


def _node_string(text: str) -> str:
    # Node writes a lone surrogate as U+FFFD; doing the same keeps the bytes identical
    # (and encodable): a path from an undecodable file name can hold one.
    return _SURROGATE.sub("\ufffd", text)


def annotation(finding: Finding, file: str | None) -> str:
    """The annotation for one finding. ``file`` is its path from the repository
    root (``None`` for standard input: the annotation then has no location)."""
    located = file is not None
    properties = {
        "title": f"{finding.rule} {finding.name}",
        "file": file,
        "line": finding.line if located else None,
        "endLine": finding.end_line if located else None,
        # GitHub ignores columns on an annotation that spans lines.
        "col": finding.column if located and finding.end_line == finding.line else None,
        "endColumn": finding.end_column if located and finding.end_line == finding.line else None,
    }
    message = finding.message + (f"\n{FIX_LABEL} {finding.fix}" if finding.fix else "")
    return command(COMMANDS[finding.severity], properties, message)


def annotations(findings: Iterable[Finding], paths=None) -> list[str]:
    paths = paths or Paths.for_run()
    out = []
    for finding in findings:
        file = paths.relative(finding.path) or paths.absolute(finding.path)  # both None for standard input
        out.append(annotation(finding, file))
    return out


def internal_error_annotation(error) -> str:
    return command("error", {"title": "aiplan internal error"}, error.describe())


def render(run, rules, *, paths=None, **_options) -> str:
    lines = annotations(run.findings, paths)
    lines += [internal_error_annotation(error) for error in run.internal_errors]
    return "".join(line + "\n" for line in lines)


def overflow_note(run) -> str:
    """A log line for each kind of annotation GitHub will not all show."""
    counts = run.counts()
    notes = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        count = counts[severity.value]
        if count > ANNOTATION_LIMIT:
            kind = COMMANDS[severity]
            notes.append(
                f"GitHub shows the first {ANNOTATION_LIMIT} {kind} annotations of a step; "
                f"all {count} {severity.value} findings are listed in the log above."
            )
    return "".join(note + "\n" for note in notes)
