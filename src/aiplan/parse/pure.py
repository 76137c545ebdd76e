"""ruamel.yaml's pure-Python parser, reading white space as libyaml does.

aiplan parses with libyaml (ruamel.yaml.clib) when it is installed and with
ruamel.yaml's pure-Python parser otherwise, or for a second opinion on a file
libyaml rejects (:func:`aiplan.parse.loader.parse_documents`). A plan must read
the same either way, yet the pure scanner refuses valid YAML that libyaml
reads; this scanner reads it as libyaml does, each difference one method:

* a tab is white space where YAML 1.2 allows it: after a value on its line
  (``a: b<TAB>``, ``key:<TAB>|``, ``---<TAB>x``), in a directive
  (``%YAML<TAB>1.2``), and inside or between the lines of a multi-line plain
  scalar, as long as it does not stand in for indentation;
* the empty lines that start a block scalar may hold more spaces than the
  first of them (``|`` then `` `` then ``  text``): only more than the text's
  first line is an error, which :mod:`aiplan.parse.conformance` reports;
* in a flow sequence, ``:`` right after a quoted key or a closing bracket is a
  value indicator even without a space (``[ "a":b ]``, YAML 1.2's JSON-like keys).

``tests/unit/parse/test_yaml_conformance.py`` runs the YAML test suite with both
parsers and checks that every case both read gives the same data.
"""

from __future__ import annotations

from typing import Any, Iterator

from ruamel.yaml import YAML
from ruamel.yaml.parser import Parser
from ruamel.yaml.scanner import Scanner, ScannerError
from ruamel.yaml.tokens import AnchorToken, TagToken, ValueToken

_BREAKS = "\r\n\x85\u2028\u2029"
_DOCUMENT_MARKERS = ("---", "...")
_END_SPACE_TAB = " \n\0\t\r\x85\u2028\u2029"
# What ends a JSON-like node in flow context: `:` right after it needs no space.
_JSON_NODE_ENDS = "\"']}"


class LibyamlScanner(Scanner):
    """ruamel.yaml's scanner with libyaml's reading of tabs, block scalars and JSON-like keys."""

    def scan_to_next_token(self) -> Any:
        """Skip white space, comments and line breaks. A tab is white space in flow
        context, and in block context where a simple key cannot start (after a value
        on its line): libyaml's rule. At the start of a line it is not (indentation)."""
        peek, forward = self.reader.peek, self.reader.forward
        if self.reader.index == 0 and peek() == "\uFEFF":
            forward()
        while True:
            while peek() == " " or (peek() == "\t" and (self.flow_level or not self.allow_simple_key)):
                forward()
            if peek() == "#":
                while peek() not in "\0" + _BREAKS:
                    forward()
            if not self.scan_line_break():
                return None
            if not self.flow_level:
                self.allow_simple_key = True

    def scan_yaml_directive_value(self, start_mark: Any) -> Any:
        """``%YAML<TAB>1.2``: blanks, not only spaces, separate the version."""
        while self.reader.peek() in " \t":
            self.reader.forward()
        return super().scan_yaml_directive_value(start_mark)

    def scan_plain_spaces(self, indent: int, start_mark: Any) -> Any:
        """The white space inside a plain scalar, line breaks folded. Tabs count as
        white space, except where they would stand in for indentation (a tab before
        column ``indent`` on a continuation line), which is an error as in libyaml."""
        peek, forward = self.reader.peek, self.reader.forward
        length = 0
        while peek(length) in " \t":
            length += 1
        whitespaces = self.reader.prefix(length)
        forward(length)
        if peek() not in _BREAKS:
            return [whitespaces] if whitespaces else []
        line_break = self.scan_line_break()
        self.allow_simple_key = True
        if self._at_document_marker():
            return None
        breaks = []
        while peek() in " \t" + _BREAKS:
            if peek() == " ":
                forward()
            elif peek() == "\t":
                if not self.flow_level and self.reader.column < indent:
                    raise ScannerError("while scanning a plain scalar", start_mark,
                                       "found a tab character that violates indentation", self.reader.get_mark())
                forward()
            else:
                breaks.append(self.scan_line_break())
                if self._at_document_marker():
                    return None
        chunks = []
        if line_break != "\n":
            chunks.append(line_break)
        elif not breaks:
            chunks.append(" ")
        chunks.extend(breaks)
        return chunks

    def _at_document_marker(self) -> bool:
        return self.reader.prefix(3) in _DOCUMENT_MARKERS and self.reader.peek(3) in _END_SPACE_TAB

    def scan_block_scalar_indentation(self) -> Any:
        """The leading empty lines of a block scalar with auto-detected indentation:
        their line breaks, the widest of them and where they end. ruamel.yaml also
        refuses a leading empty line wider than the first one, which YAML allows."""
        peek, forward = self.reader.peek, self.reader.forward
        chunks = []
        max_indent = 0
        end_mark = self.reader.get_mark()
        while peek() in " " + _BREAKS:
            if peek() != " ":
                chunks.append(self.scan_line_break())
                end_mark = self.reader.get_mark()
            else:
                forward()
                max_indent = max(max_indent, self.reader.column)
        return chunks, max_indent, end_mark

    def check_value(self) -> Any:
        """``:`` in a flow sequence right after a JSON-like node (``[ "a":b ]``) is a value indicator."""
        reader = self.reader
        if self.flow_level and self.flow_context[-1] == "[" and reader.pointer > 0 \
                and reader.buffer[reader.pointer - 1] in _JSON_NODE_ENDS:
            return True
        return super().check_value()


# `LibyamlParser._empty_mark`: an empty value is placed where the next token starts.
_NEXT_TOKEN = object()


class LibyamlParser(Parser):
    """ruamel.yaml's parser placing nodes where libyaml does, so that a finding
    points at the same line and column whichever parser read the plan:

    * a node with properties starts at its first property (``!tag &anchor value``
      starts at ``!tag``; ruamel starts it at the anchor);
    * an empty value in a block mapping (``key:``) is right after its ``:`` (ruamel
      places it after the next token, often on the next line);
    * an empty key or value in a flow mapping (``{a: , b}``) is where the next
      token starts.
    """

    _empty_mark: Any = None

    def parse_node(self, block: bool = False, indentless_sequence: bool = False) -> Any:
        first = self.scanner.peek_token()
        event = super().parse_node(block, indentless_sequence)
        if isinstance(first, (AnchorToken, TagToken)):
            event.start_mark = first.start_mark
        return event

    def process_empty_scalar(self, mark: Any, comment: Any = None) -> Any:
        if self._empty_mark is _NEXT_TOKEN:
            mark = self.scanner.peek_token().start_mark
        elif self._empty_mark is not None:
            mark = self._empty_mark
        return super().process_empty_scalar(mark, comment)

    def _placing_empty(self, mark: Any, parse: Any, *args: Any) -> Any:
        self._empty_mark = mark
        try:
            return parse(*args)
        finally:
            self._empty_mark = None

    def parse_block_mapping_value(self) -> Any:
        value = self.scanner.peek_token() if self.scanner.check_token(ValueToken) else None
        return self._placing_empty(value and value.end_mark, super().parse_block_mapping_value)

    def parse_flow_mapping_key(self, first: Any = False) -> Any:
        return self._placing_empty(_NEXT_TOKEN, super().parse_flow_mapping_key, first)

    def parse_flow_mapping_value(self) -> Any:
        return self._placing_empty(_NEXT_TOKEN, super().parse_flow_mapping_value)


def events(text: str) -> Iterator[Any]:
    """The parse events of ``text`` from the pure-Python parser, read as libyaml reads them."""
    yaml = YAML(typ="safe", pure=True)
    yaml.Scanner = LibyamlScanner
    yaml.Parser = LibyamlParser
    return iter(yaml.parse(text))
