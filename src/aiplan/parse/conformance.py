"""YAML 1.2 rules that the parsers we use do not enforce, checked on their events.

ruamel.yaml.clib's C parser is libyaml 0.1.7, and ruamel's pure-Python parser
shares its ancestry. Both accept some documents that the YAML 1.2 spec and the
official YAML test suite reject. Each check below is one such rule, applied to
the event stream (with the source text for what events do not carry), so it
costs a few reads of the event's fields (aiplan.parse.events) and one look at each line of multi-line
flow content:

* a comment must be separated from what precedes it by white space
  (``key: "value"# no``, ``[a, b]#no``, ``[a,#no``, ``>#no``, ``%YAML 1.2#no``);
* a directive (``%YAML``, ``%TAG``) may only follow a document that was ended
  with ``...``;
* every continuation line of a flow collection or a multi-line flow scalar
  inside a block collection must be indented more than that block collection
  (and tabs do not count as indentation);
* ``-``, ``?`` and ``:`` start a plain scalar only when followed by a "safe"
  character (``[-]`` and ``[-, -]`` are errors);
* a tag shorthand in block context cannot contain ``,[]{}`` (``- !!str, x``);
* with auto-detected indentation, no leading empty line of a block scalar may
  hold more spaces than its first line of text.

A line that starts with the closing ``]`` or ``}`` of a flow collection is
deliberately not held to the indentation rule: libyaml, PyYAML and ruamel.yaml
all accept ``key: [\\n  a,\\n]``, and plans written that way are common.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from aiplan.core.notation import quoted_visibly
from aiplan.core.text import LINE_BREAK
from aiplan.parse.events import ANCHOR, END, EXPLICIT, START, TAG, TAGS, VERSION

if TYPE_CHECKING:
    from array import array

_FLOW_INDICATORS = frozenset(",[]{}")
# Compiled on first use (re's cache), for a document with a %YAML directive: most have none.
_YAML_DIRECTIVE_COMMENT = r"^%YAML[ \t]+[^ \t\r\n#]*#"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|\Z)")
_BREAK = LINE_BREAK
_SPACES = re.compile(r" *")
_BLANKS = re.compile(r"[ \t]*")


def _run_end(run: re.Pattern[str], text: str, start: int) -> int:
    """Where the run of ``run``'s characters starting at ``start`` ends."""
    match = run.match(text, start)
    return match.end() if match is not None else start  # a `*` pattern always matches


class NonConforming(Exception):
    """The stream breaks a YAML 1.2 rule the parser let through."""

    def __init__(self, message: str, fix: str, line: int, column: int):
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.line = line        # 1-based
        self.column = column    # 1-based


class Misread(NonConforming):
    """libyaml read valid YAML differently from the YAML 1.2 spec (an anchor
    holding ``:``, ``&an:chor``, cut at the ``:``): the loader reads the file
    with the pure-Python parser instead (this is reported only for a file too
    large to be read a second time)."""


# An anchor or alias name as YAML 1.2 reads it (ns-anchor-char): up to a space, a tab, a
# line break (CR or LF only: NEL, U+2028, U+2029 and NBSP are characters of the name, not
# Python's `\s`), a byte order mark or a flow indicator. Both readers already refuse the
# other non-printable characters.
_ANCHOR_NAME = "[^ \t\r\n\ufeff,\\[\\]{}]*"  # compiled on first use (re's cache): off a clean plan's path


class Context:
    """An open collection: block with its indentation, or flow. Only a pending one is
    ever changed (its indentation, once its first child shows it)."""

    __slots__ = ("flow", "indent", "pending", "start")

    def __init__(self, flow: bool, indent: int, pending: bool = False, start: int = 0):
        self.flow = flow
        self.indent = indent      # block: the collection's indentation; flow: the enclosing block's
        self.pending = pending    # block with properties: indentation taken from the first child
        self.start = start        # flow: index of the opening bracket


# The context of a block collection without properties at each column below 128: never
# changed once pushed (it is not pending), so one object serves every collection there
# instead of one made for each (about 40 a plan).
BLOCK_CONTEXTS = tuple(Context(False, column) for column in range(128))


def block_context(column: int) -> Context:
    """The context of a block collection without properties starting at ``column``."""
    return BLOCK_CONTEXTS[column] if column < 128 else Context(False, column)


class Checker:
    """Checks one stream: the loader calls the method for each event before it
    builds from the event. This runs on every event of every file, so the
    common cases (a plain scalar or a collection in block context) return
    after a few field reads."""

    def __init__(self, text: str):
        self.text = text
        self.stack: list[Context] = []
        self.documents = 0
        self.last_end_explicit = True
        self.last_end_index = 0
        self._starts: array | None = None
        # True while the innermost open collection is a block one with a known
        # indentation: then a plain scalar without properties needs no check
        # (the loader reads this before calling scalar(): most events are such).
        self.plain_block = False

    # -- helpers on the source text -----------------------------------------
    # Line starts are found by bisection in a table built on first use, so a
    # hostile file (one huge line, or only CR breaks) stays linear.

    def _line_starts(self) -> array:
        if self._starts is None:
            from array import array  # start-up: positions only where a plan breaks a rule (with bisect, 1.5 M)

            self._starts = array("q", [0, *(match.end() for match in _BREAK.finditer(self.text))])
        return self._starts

    def _char(self, index: int) -> str:
        return self.text[index] if 0 <= index < len(self.text) else ""

    def _line_start(self, index: int) -> int:
        from bisect import bisect_right  # start-up: see _line_starts

        starts = self._line_starts()
        return starts[bisect_right(starts, index) - 1]

    def _leading_spaces(self, start: int) -> int:
        return _run_end(_SPACES, self.text, start) - start

    def _position(self, index: int) -> tuple[int, int]:
        from bisect import bisect_right  # start-up: see _line_starts

        starts = self._line_starts()
        line = bisect_right(starts, index)
        return line, index - starts[line - 1] + 1

    def _fail(self, index: int, message: str, fix: str):
        line, column = self._position(index)
        raise NonConforming(message, fix, line, column)

    def _block_indent(self) -> int:
        """Indentation of the innermost enclosing block collection (-1 at document level)."""
        return self.stack[-1].indent if self.stack else -1

    # -- one method per event kind -------------------------------------------

    def document_start(self, event: tuple) -> None:
        start, end = self.last_end_index, event[END].index
        if event[VERSION] or event[TAGS]:
            if self.documents and not self.last_end_explicit:
                directive = self._first_directive(start, end)
                self._fail(directive, "invalid YAML: a directive (`%...`) follows a document that was not ended with `...`",
                           "End the previous document with a `...` line before the directive, or remove the directive.")
        match = self.text.find("%YAML", start, end) >= 0 and re.compile(
            _YAML_DIRECTIVE_COMMENT, re.MULTILINE).search(self.text, start, end)
        if match:
            self._fail(match.end() - 1, "invalid YAML: a comment in the %YAML directive is not separated by a space",
                       "Put a space before `#`.")

    def document_end(self, event: tuple) -> None:
        self.documents += 1
        self.last_end_explicit = bool(event[EXPLICIT])
        self.last_end_index = event[END].index
        self.stack.clear()
        self.plain_block = False

    def _push(self, context: Context) -> None:
        self.stack.append(context)
        self.plain_block = not (context.flow or context.pending)

    def scalar(self, event: tuple) -> None:
        start_mark, end_mark, _kind, anchor, tag, value, style = event
        if self.plain_block and not style and tag is None and anchor is None:
            # The common case: a plain scalar in block context. The parser
            # itself holds it to every rule here (`-`, `?` and `:` followed by
            # a space are indicators there; a less indented line ends it).
            return
        top = self.stack[-1] if self.stack else None
        start, end = start_mark.index, end_mark.index
        in_flow = self._enter(top, start, event)
        if style in ("'", '"'):
            if self._char(end) == "#":
                self._comment_without_space(end)
        elif style in ("|", ">"):
            self._check_block_scalar(start)
            return
        elif value and value[0] in "-?:":
            self._check_plain_indicator(self._skip_properties(start), value, in_flow)
        if top is not None and start_mark.line != end_mark.line:
            self._check_continuation_lines(start, end)
        if in_flow:
            self._check_after_flow_entry(end)

    def alias(self, event: tuple) -> None:
        self._check_anchor_name(event[START].index, event[ANCHOR])
        top = self.stack[-1] if self.stack else None
        if top is not None and (top.flow or top.pending):
            if self._enter(top, event[START].index, event):
                self._check_after_flow_entry(event[END].index)

    def collection_start(self, event: tuple) -> None:
        start_mark, end_mark, _kind, anchor, tag, flow = event
        if self.plain_block and not flow and tag is None and anchor is None:
            self.stack.append(block_context(start_mark.column))  # block in block: nothing to check
            return
        top = self.stack[-1] if self.stack else None
        start, end = start_mark.index, end_mark.index
        self._enter(top, start, event)
        if flow:
            if self._char(end) == "#":
                self._comment_without_space(end)
            self._push(Context(True, self._block_indent(), start=end - 1))
        else:
            has_properties = bool(anchor) or tag is not None
            self._push(Context(False, start_mark.column, pending=True) if has_properties else block_context(start_mark.column))

    def collection_end(self, event: tuple) -> None:
        stack = self.stack  # _pop, inline: once for every collection
        context = stack.pop() if stack else None
        self.plain_block = bool(stack) and not (stack[-1].flow or stack[-1].pending)
        if context is not None and context.flow:
            end = event[END].index
            if self._char(end) == "#":
                self._comment_without_space(end)
            if self.stack and self.stack[-1].flow:
                self._check_after_flow_entry(end)

    def _enter(self, top: Context | None, start: int, event: tuple) -> bool:
        """Checks common to every node; returns whether it is in flow context."""
        if top is not None and top.pending:
            top.indent = self._leading_spaces(self._line_start(start))
            top.pending = False
            self.plain_block = True
        if event[ANCHOR] is not None:
            self._check_anchor_name(self._anchor_at(start), event[ANCHOR])
        in_flow = top is not None and top.flow
        if in_flow:
            self._check_line_indent(start)
        elif event[TAG]:
            self._check_tag(start)
        return in_flow

    def _first_directive(self, start: int, end: int) -> int:
        for match in re.finditer(r"^%", self.text[start:end], re.MULTILINE):
            return start + match.start()
        return start

    # -- the individual rules ------------------------------------------------

    def _comment_without_space(self, index: int) -> None:
        self._fail(index, "invalid YAML: a comment must be separated from the preceding value by a space",
                   "Put a space before `#`, or quote the text if `#` belongs to the value.")

    def _check_after_flow_entry(self, end: int) -> None:
        """``[a,#comment`` : the `,` after an entry cannot be followed by `#`."""
        index = _run_end(_BLANKS, self.text, end)
        if self._char(index) == "," and self._char(index + 1) == "#":
            self._comment_without_space(index + 1)

    def _check_plain_indicator(self, index: int, value: str, in_flow: bool) -> None:
        """``-``, ``?`` and ``:`` start a plain scalar only when a "safe" character follows."""
        if self._char(index - 1) == "?":
            return  # `[?-]`: both parsers read `?` as a key indicator there; not this rule's business
        following = self._char(index + 1)
        if following in ("", " ", "\t", "\r", "\n") or (in_flow and following in _FLOW_INDICATORS):
            shown = "the end of the line" if following in ("", "\r", "\n") else quoted_visibly(following)
            self._fail(index, f"invalid YAML: `{self._char(index)}` followed by {shown} cannot start a plain scalar",
                       f"Quote the value: write \"{value}\".")

    def _check_block_scalar(self, start: int) -> None:
        index = self._skip_properties(start)
        if self._char(index) not in ("|", ">"):
            return
        index += 1
        explicit_indent = False
        while self._char(index) and self._char(index) in "0123456789+-":
            explicit_indent = explicit_indent or self._char(index).isdigit()
            index += 1
        if self._char(index) == "#":
            self._comment_without_space(index)
        if not explicit_indent:
            self._check_leading_empty_lines(index)

    def _check_leading_empty_lines(self, index: int) -> None:
        """With auto-detected indentation, no leading empty line of a block scalar
        may hold more spaces than its first non-empty line (YAML 1.2, 8.1.1.1)."""
        match = _BREAK.search(self.text, index)
        if match is None:
            return
        widest, widest_at = -1, 0
        for line in _LINE.finditer(self.text, match.end()):
            if line.start() >= len(self.text):
                return
            spaces = self._leading_spaces(line.start())
            if self._char(line.start() + spaces) not in ("", "\r", "\n"):
                if self._block_indent() < spaces < widest:
                    self._fail(widest_at, f"invalid YAML: an empty line at the start of this block scalar has {widest} "
                               f"spaces, more than its first line of text ({spaces})",
                               "Remove the trailing spaces from the empty lines at the start of the block scalar.")
                return
            if spaces > widest:
                widest, widest_at = spaces, line.start()

    def _check_anchor_name(self, index: int, name: str) -> None:
        """``&name`` or ``*name`` at ``index`` must be the whole name the source holds
        there: libyaml ends a name at a character other than a letter, digit, ``-``
        or ``_``, where YAML 1.2 ends it only at white space or a flow indicator."""
        if self._char(index) not in ("&", "*"):
            return
        written = re.compile(_ANCHOR_NAME).match(self.text, index + 1)
        if written is not None and written.group() != name:
            raise Misread(f"cannot read the name `{written.group()}`: libyaml, aiplan's YAML parser, ends it at "
                          f"`{written.group()[len(name):len(name) + 1]}` and reads `{name}`",
                          "Name anchors with letters, digits, `-` and `_` only.", *self._position(index))

    def _anchor_at(self, index: int) -> int:
        """Where the anchor among the properties starting at ``index`` is (``index`` if none)."""
        start = index
        while self._char(index) in ("!", "&"):
            if self._char(index) == "&":
                return index
            while self._char(index) and self._char(index) not in " \t\r\n":
                index += 1
            while self._char(index) in (" ", "\t", "\r", "\n"):
                index += 1
        return start

    def _skip_properties(self, index: int) -> int:
        while self._char(index) in ("!", "&"):
            while self._char(index) and self._char(index) not in " \t\r\n":
                index += 1
            while self._char(index) in (" ", "\t", "\r", "\n"):
                index += 1
        return index

    def _check_tag(self, start: int) -> None:
        index = start
        while self._char(index) in ("!", "&"):
            token_end = index
            while self._char(token_end) and self._char(token_end) not in " \t\r\n":
                token_end += 1
            token = self.text[index:token_end]
            if token.startswith("!") and not token.startswith("!<"):
                bad = next((c for c in token if c in _FLOW_INDICATORS), None)
                if bad is not None:
                    self._fail(index + token.index(bad),
                               f"invalid YAML: the tag `{token}` contains `{bad}`, which a tag cannot contain here",
                               "Separate the tag from the value with a space, or write the tag as `!<...>`.")
            index = token_end
            while self._char(index) in (" ", "\t"):
                index += 1

    def _check_line_indent(self, index: int) -> None:
        """A flow entry that starts a line must be indented more than the enclosing block."""
        line_start = index
        while line_start > 0 and self.text[line_start - 1] in " \t":
            line_start -= 1
        if line_start > 0 and self.text[line_start - 1] not in "\r\n":
            return  # not the first thing on its line
        if self._char(index) in ("]", "}"):
            return  # see the module docstring
        self._indent_at(line_start, self._block_indent(), self.stack[-1].start)

    def _check_continuation_lines(self, start: int, end: int) -> None:
        threshold = self._block_indent()
        if threshold < 0:
            return
        first = True
        for match in _LINE.finditer(self.text, start, end):
            if first:
                first = False
                continue
            if match.start() >= end:
                break
            self._indent_at(match.start(), threshold)

    def _indent_at(self, line_start: int, threshold: int, bracket: int | None = None) -> None:
        if threshold < 0:
            return
        spaces = self._leading_spaces(line_start)
        index = line_start + spaces
        while self._char(index) == "\t":
            index += 1
        if self._char(index) in ("", "#", "\r", "\n"):
            return  # blank or comment-only lines carry no indentation
        if spaces <= threshold:
            tabs = " (tabs do not count as indentation)" if self._char(line_start + spaces) == "\t" else ""
            indent = f"{threshold + 1} space{'s' * (threshold != 0)}"
            if bracket is not None:
                line, column = self._position(bracket)
                opener = self._char(bracket)
                closer = "]" if opener == "[" else "}"
                where = f"inside the `{opener}` opened at line {line}, column {column}, "
                fix = f"Close the `{opener}` with `{closer}` where the list or mapping ends, or indent this line by at least {indent}."
            else:
                where = "a continuation of a multi-line value, "
                fix = f"Indent the continuation lines by at least {indent}, or write the value on one line."
            self._fail(line_start + spaces,
                       f"invalid YAML: this line is {where}indented {spaces} space{'s' * (spaces != 1)}{tabs}; "
                       f"it must be indented more than the block it belongs to ({threshold})",
                       fix)
