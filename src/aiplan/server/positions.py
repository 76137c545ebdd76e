"""Positions as the Language Server Protocol counts them.

aiplan and the protocol break lines alike (``\\r\\n``, ``\\r``, ``\\n``: the one
definition in :mod:`aiplan.core.text`); they differ in columns. aiplan counts
characters from 1, the protocol counts code units of the encoding the client
and server agreed on (UTF-16 unless the client offers another) from 0. Both
sides meet at character offsets into the text: :class:`~aiplan.core.text.SourceText`
turns aiplan's line and column into an offset, :class:`LineIndex` turns an
offset into the protocol's line and character and back.
"""

from __future__ import annotations

import bisect

from aiplan.core.text import line_starts

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def _units(text: str, encoding: str) -> int:
    """How many code units of ``encoding`` ``text`` takes."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", errors="surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


class LineIndex:
    """Offsets into ``text`` to and from protocol positions ``(line, character)``."""

    __slots__ = ("text", "encoding", "_starts")

    def __init__(self, text: str, encoding: str = UTF16):
        self.text = text
        self.encoding = encoding
        self._starts = line_starts(text)

    def _line_end(self, line: int) -> int:
        """Where ``line``'s content ends (before its line break)."""
        if line + 1 < len(self._starts):
            end = self._starts[line + 1]
            return end - (2 if self.text.startswith("\r\n", end - 2) else 1)
        return len(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        """The protocol position of a character offset (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        offset = min(offset, self._line_end(line))
        return line, _units(self.text[start:offset], self.encoding)

    def offset(self, line: int, character: int) -> int:
        """The character offset of a protocol position; past the end of a line
        means its end, past the last line the end of the text (as the protocol says)."""
        if line < 0:
            return 0
        if line >= len(self._starts):
            return len(self.text)
        start, end = self._starts[line], self._line_end(line)
        if self.encoding == UTF32 or self.text[start:end].isascii():
            return min(start + max(character, 0), end)
        counted = 0
        for index in range(start, end):
            if counted >= character:
                return index
            counted += _units(self.text[index], self.encoding)
        return end

    def line_text(self, line: int) -> str:
        """The content of a protocol line, without its line break."""
        if not 0 <= line < len(self._starts):
            return ""
        return self.text[self._starts[line]:self._line_end(line)]
