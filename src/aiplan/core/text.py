"""Lines and positions in a plan's text: one definition for every position aiplan reports.

A line ends at CRLF, CR or LF, as YAML 1.2, editors and GitHub count lines.
NEL (U+0085) and the Unicode line and paragraph separators (U+2028, U+2029)
are characters inside a line, not breaks: both YAML parsers (YAML 1.1) take
them for breaks, so the loader has a text that holds one
(:func:`has_yaml11_breaks`) read with them as ordinary characters.
"""

from __future__ import annotations

import re

from aiplan.core.findings import Span

LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Breaks in YAML 1.1 only, ordinary characters in YAML 1.2 (and to editors).
YAML11_ONLY_BREAKS = "\x85\u2028\u2029"


# What str.splitlines also breaks lines at, and this module does not.
def lines_of(text: str) -> list[str]:
    """The lines of ``text`` without their breaks (CRLF, CR, LF), a last empty one after a
    final break: the one split behind every line aiplan shows or numbers."""
    # The usual file has LF line ends only: str.split is several times faster than the regex.
    return text.split("\n") if "\r" not in text else LINE_BREAK.split(text)


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` as every position aiplan reports numbers them, without the
    empty one after a final break."""
    lines = lines_of(text)
    if not lines[-1]:
        lines.pop()
    return lines


def has_yaml11_breaks(text: str) -> bool:
    """Whether a YAML 1.1 parser reads a line break in ``text`` where there is none."""
    # Three substring searches: each is a memchr, or nothing at all for a text
    # whose widest character is narrower (an ASCII plan); a regex character
    # class cost about 35 instructions a character.
    return "\x85" in text or "\u2028" in text or "\u2029" in text


def line_starts(text: str) -> list[int]:
    """The character offset at which each line starts (the first is 0)."""
    return [0] + [match.end() for match in LINE_BREAK.finditer(text)]


def line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index."""
    return SourceText(text).line_column(index)


class SourceText:
    """A text addressable by 1-based line and column, and back (the line table is built on first use)."""

    __slots__ = ("text", "_starts")

    def __init__(self, text: str):
        self.text = text
        self._starts: list[int] | None = None

    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = line_starts(self.text)
        return self._starts

    def offset(self, line: int, column: int) -> int | None:
        """The character offset of a 1-based line/column, or ``None`` if outside the text."""
        starts = self.starts()
        if not 1 <= line <= len(starts) or column < 1:
            return None
        start = starts[line - 1]
        end = starts[line] if line < len(starts) else len(self.text)
        offset = start + column - 1
        return offset if offset <= end else None

    def line_column(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of a character offset."""
        from bisect import bisect_right  # start-up: only findings ask where an offset is (bisect loads _bisect)

        starts = self.starts()
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def range(self, span: Span) -> tuple[int, int] | None:
        start = self.offset(span.line, span.column)
        end = self.offset(span.end_line, span.end_column)
        if start is None or end is None or end < start:
            return None
        return start, end
