"""Writing to the terminal without importing click: :func:`echo` does what ``click.echo``
does for the calls aiplan makes (tests/unit/cli/test_lint_without_click.py pins it against click's). Importing click is the
largest single cost of a pre-commit run before the first finding; ``lint``'s fast path
(:mod:`aiplan.cli.lint`) runs without it."""

from __future__ import annotations

import codecs
import re
import sys

# click's own expression for an ANSI escape sequence (click._compat._ansi_re).
_ANSI = re.compile(r"\033\[[0-?]*[ -/]*[@-~]")


def echo(message: str = "", *, nl: bool = True, err: bool = False, color: bool | None = None) -> None:
    """``click.echo(message, nl=nl, err=err, color=color)`` for a ``str`` message: written to
    standard output or error, ANSI sequences stripped unless ``color`` (``None``: unless the
    stream is a terminal), then flushed. A stream click would re-wrap (:func:`streams_are_plain`)
    is left to ``click.echo`` itself, so a click-free run only ever writes to plain ones."""
    stream = sys.stderr if err else sys.stdout
    if not _plain(stream):
        import click  # only for a stream click re-wraps: the fast path never writes to one

        click.echo(message, nl=nl, err=err, color=color)
        return
    out = message + "\n" if nl else message
    if not out:
        stream.flush()
        return
    if not color if color is not None else not is_terminal(stream):
        out = _ANSI.sub("", out)
    stream.write(out)
    stream.flush()


def is_terminal(stream) -> bool:
    """Whether ``stream`` is a terminal: the one test of colour, wrapping and :func:`echo`."""
    try:
        return bool(stream.isatty())
    except Exception:  # as click's isatty: a stream that cannot say (none, closed) is not a terminal
        return False


def streams_are_plain() -> bool:
    """Whether click would write to ``sys.stdout`` and ``sys.stderr`` as they are: text streams
    with an encoding that is not ASCII and an error handler (click re-wraps any other in UTF-8)."""
    return _plain(sys.stdout) and _plain(sys.stderr)


def _plain(stream) -> bool:
    encoding, errors = getattr(stream, "encoding", None), getattr(stream, "errors", None)
    if not isinstance(encoding, str) or errors is None or not hasattr(stream, "buffer"):
        return False
    try:
        return codecs.lookup(encoding).name != "ascii"
    except LookupError:
        return False
