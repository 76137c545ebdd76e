"""Decide what one ``aiplan lint`` run prints and writes.

* ``--format F`` alone: the F report on standard output.
* ``--output-file FILE``: the ``--format`` report (text by default) goes to
  FILE, written atomically, and the console shows the normal output, as if no
  format had been chosen. ``--format sarif --output-file x.sarif`` writes
  SARIF to the file and prints the text report.
* Under GitHub Actions (``GITHUB_ACTIONS=true``) the normal output is the text
  report followed by one annotation per finding; the text report is
  neutralised (:func:`aiplan.reporters.neutralise`) wherever it is printed.
  When ``GITHUB_STEP_SUMMARY`` names a file, a Markdown summary is appended
  to it, whatever the format.
* Under pre-commit (``PRE_COMMIT=1``), whose parallel batches each run aiplan:
  the console shows the findings without a summary line, and the batches of
  one pre-commit run share one step summary section
  (:func:`aiplan.reporters.github_summary.write_section`).
"""

from __future__ import annotations

import os
from dataclasses import field
from typing import Any, Callable, Iterable, Iterator, Mapping

from aiplan import reporters
from aiplan.core.records import Record

NO_PLANS = "No plan files found (aiplan.yaml, aiplan.yml, *.aiplan.yaml, *.aiplan.yml): `aiplan init` writes one; a file named on the command line is linted whatever its name.\n"


class Outcome(Record):
    """What the command prints, and what went wrong writing files."""

    # Makes the console output in pieces, written as they come (:func:`batched`):
    # a report of many findings is never held whole in memory.
    report: Callable[[], Iterator[str]]
    # For click.echo's ``color``: when false, click strips ANSI sequences. Only
    # plain text may lose them (it has none of its own, it shows plan content
    # visibly); reports for programs must reach standard output byte for byte.
    keep_ansi: bool
    # Messages for standard error. ``report_failed`` means the --output-file
    # report was not written: a usage error (exit 2), since CI relies on it.
    warnings: tuple[str, ...] = field(default=())
    report_failed: bool = False

    @property
    def console(self) -> str:
        """The console output as one string."""
        return "".join(self.report())


def in_github_actions(environ: Mapping[str, str]) -> bool:
    return environ.get("GITHUB_ACTIONS") == "true"


def check_output_file(output_file: str, linted_paths: Iterable[str],
                      inputs: Iterable[tuple[str, str | None]] = ()) -> str | None:
    """Why ``output_file`` cannot take the report, before any linting: it is a
    directory, its directory is missing, or it is one of the plans being linted
    or another file the run reads (``inputs``: ``(option, path)`` pairs, such as
    the ``--baseline`` file). A report must never replace a user's file."""
    target = os.path.abspath(output_file)
    if os.path.isdir(target):
        return f"--output-file {output_file}: is a directory"
    parent = os.path.dirname(target)
    if not os.path.isdir(parent):
        return f"--output-file {output_file}: directory {parent} does not exist"
    for path in linted_paths:
        if _same_file(path, target):
            return f"--output-file {output_file}: is one of the files being linted; choose another path"
    for what, input_path in inputs:
        if input_path and _same_file(input_path, target):
            return f"--output-file {output_file}: is the {what} file; choose another path"
    return None


def _same_file(path: str, target: str) -> bool:
    return path != "-" and os.path.exists(path) and os.path.exists(target) and os.path.samefile(path, target)


# The formats for people: the console shows them, and under GitHub Actions
# they are neutralised and followed by annotations.
TEXT_FORMATS = ("text", "concise")


def _text(run, rules, *, name: str = "text", colour: bool, options: Mapping[str, Any],
          wrap: int | None = None) -> Iterator[str]:
    if options.get("no_targets") and not run.internal_errors:
        # Not "Linted 0 files: no findings.": the run did not pass. The command says
        # "No plan files found" on standard error (NO_PLANS), as `aiplan report` does.
        return
    yield from reporters.stream(name, run, rules, colour=colour, wrap=wrap, **options)


def _report(name: str, run, rules, options: Mapping[str, Any]) -> Iterator[str]:
    if name in TEXT_FORMATS:
        return _text(run, rules, name=name, colour=False, options=options)
    return reporters.stream(name, run, rules, **options)


# Pieces are gathered up to this size before a write: few system calls, little memory.
_WRITE_SIZE = 1 << 16


def batched(pieces: Iterable[str], size: int = _WRITE_SIZE) -> Iterator[str]:
    """``pieces`` joined into strings of about ``size`` characters (a larger
    piece passes whole), in order."""
    pending: list[str] = []
    length = 0
    for piece in pieces:
        pending.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(pending)
            pending, length = [], 0
    if pending:
        yield "".join(pending)


def _encode(text: str) -> bytes:
    try:
        # A path from an undecodable file name gets its original bytes back.
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace")


def write_report(output_file: str, pieces: Iterable[str]) -> str | None:
    """Write a report to ``output_file`` atomically (``--output-file`` of every
    command); what went wrong, or ``None``."""
    from aiplan.fileio import atomic_write  # CLI start-up: tempfile only with --output-file

    try:
        atomic_write(output_file, (_encode(piece) for piece in batched(pieces)))
    except OSError as exc:
        return f"cannot write {output_file}: {exc.strerror or exc}"
    return None


def emit(run, rules, *, output_format: str | None, output_file: str | None, colour: bool,
         show_fix: bool = True, no_targets: bool = False, checked: Iterable[str] | None = None,
         environ: Mapping[str, str] | None = None, statistics: bool = False, gate=None,
         wrap: int | None = None, include_suppressed: bool = False, exit_zero: bool = False) -> Outcome:
    """``statistics``, ``gate`` and ``wrap`` shape the text formats (see
    :func:`aiplan.reporters.text.render`); ``wrap`` applies to the console only."""
    environ = os.environ if environ is None else environ
    actions = in_github_actions(environ)
    options = {"show_fix": show_fix, "no_targets": no_targets,
               "checked": sorted(checked) if checked is not None else None,
               "statistics": statistics, "gate": gate, "include_suppressed": include_suppressed,
               "exit_zero": exit_zero}
    warnings: list[str] = []
    if output_format == "sarif":
        from aiplan.reporters import sarif

        note = sarif.overflow(run, include_suppressed=include_suppressed)
        if note:
            warnings.append(note)
    report_failed = False

    if output_file:
        problem = write_report(output_file, _report(output_format or "text", run, rules, options))
        if problem:
            warnings.append(problem)
            report_failed = True
        console_format = None
    else:
        console_format = output_format

    # pre-commit runs the hook as parallel batches, each printing its own output
    # when the hook fails: findings only, no per-batch summary or notes.
    hook = environ.get("PRE_COMMIT") == "1"
    if console_format is None or console_format in TEXT_FORMATS:
        text_options = dict(options, summary=not hook)
        keep_ansi = colour
        if actions:
            from aiplan.reporters import github  # CLI start-up: only on GitHub Actions

            annotate = console_format is None
            if annotate:
                keep_ansi = True  # annotations carry plan text as the toolkit would

            def console() -> Iterator[str]:
                # The text report is neutralised already, whatever the environment.
                yield from _text(run, rules, name=console_format or "text", colour=colour,
                                 options=text_options, wrap=wrap)
                if annotate:
                    yield reporters.get("github").render(run, rules)
                    if not hook:
                        yield github.overflow_note(run)
        else:
            def console() -> Iterator[str]:
                return _text(run, rules, name=console_format or "text", colour=colour,
                             options=text_options, wrap=wrap)
    else:
        def console() -> Iterator[str]:
            return _report(console_format, run, rules, options)
        keep_ansi = True

    summary_path = environ.get("GITHUB_STEP_SUMMARY", "")
    if actions and summary_path:
        from aiplan.reporters import github_summary  # CLI start-up: only on GitHub Actions

        try:
            key = github_summary.section_key(environ)
            if key is None or not github_summary.write_section(summary_path, run, rules, key, environ):
                markdown = github_summary.render(run, rules, budget=github_summary.budget_for(summary_path))
                github_summary.append(summary_path, markdown)
        except OSError as exc:
            warnings.append(f"cannot append to the step summary {summary_path}: {exc.strerror or exc}")
    return Outcome(console, keep_ansi, tuple(warnings), report_failed)
