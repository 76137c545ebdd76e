"""Read a plan file and turn its YAML into data plus positions, within limits.

The parse runs once per file through ruamel.yaml's event stream: its C parser
(``ruamel.yaml.clib``, derived from libyaml) when installed, its pure-Python
parser otherwise. Building the tree from events ourselves, with an explicit
stack, is what lets us

* keep the start and end of every key, value and item (1-based line/column);
* report duplicate keys (PLAN004) instead of silently keeping one;
* stop at a nesting depth (PLAN007) before any recursion or slow scanning;
* share aliased nodes instead of copying them, and count what aliases would
  expand to so a billion-laughs document stops early (PLAN007);
* resolve scalars with the YAML 1.2 core schema into JSON-compatible values.
"""

from __future__ import annotations

import codecs
import os
import re
import sys
from dataclasses import field
from importlib.machinery import PathFinder
from typing import Any, Callable, Iterator

from aiplan.core.findings import Span, Violation
from aiplan.core.notation import quoted_visibly
from aiplan.core.plan import Plan, SpanTable, one_based
from aiplan.core.records import Record
# The rules whose findings the loader reports while reading and parsing.
from aiplan.core.rule_ids import DUPLICATE_KEY, RESOURCE_LIMIT, SYNTAX, UNREADABLE
from aiplan.core.text import YAML11_ONLY_BREAKS, SourceText, has_yaml11_breaks, line_column, lines_of
from aiplan.parse.conformance import BLOCK_CONTEXTS, Checker, Context, Misread, NonConforming
from aiplan.parse.events import ANCHOR, END, KIND, START, VALUE, converted, flat_events, restore
from aiplan.fileio import FileTooLarge, NotRegularFile, read_regular

# Duplicate keys reported per file, like the findings of any one rule
# (aiplan.lint.isolation.MAX_VIOLATIONS): 5 MB of `a: 1` lines would otherwise
# be a million findings.
MAX_DUPLICATES = 10_000


class Limits(Record):
    """Resource limits (PLAN007). Defaults suit any real plan by a wide margin."""

    max_bytes: int = 5 * 1024 * 1024
    max_depth: int = 64
    max_alias_nodes: int = 100_000
    # Each document is a plan of its own with its own findings: a file of
    # `---` lines would otherwise turn 5 MB into a million findings.
    max_documents: int = 1_000
    # Findings reported for one file; linting stops at the document that
    # reaches it. Output and memory stay bounded whatever the file holds.
    max_findings: int = 10_000
    # Bytes read from each data file a plan names (evidence rules); past it
    # the file is sampled (its first bytes) and findings say so.
    max_evidence_bytes: int = 64 * 1024 * 1024
    # Files of a glob or folder a plan names as one data set that are read; past
    # it the rest are not opened and findings say so.
    max_evidence_files: int = 1_000


class LoadProblem(Record):
    """A PLAN00x problem found by the loader, attributed to a document."""

    rule: str
    violation: Violation
    document: int = 0


class LoadResult(Record, frozen=False):
    documents: list[Plan] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    text: str | None = None


# --------------------------------------------------------------------------
# Reading and decoding


def read_file(path: str, limits: Limits) -> tuple[bytes | None, LoadProblem | None]:
    """Read a file's bytes, refusing what is not a readable regular file of sane size."""
    try:
        return read_regular(path, limits.max_bytes), None
    except NotRegularFile as exc:
        if exc.kind == "a directory":
            try:
                os.scandir(path).close()
            except OSError as error:  # found while searching for plans, but not readable
                return None, _unreadable(
                    f"cannot read the directory {path}: {error.strerror or error}; the plans in it were not linted",
                    "Make the directory readable, or exclude it in the configuration.")
        kind = exc.kind if exc.kind == "a directory" else f"not a regular file ({exc.kind[2:]})"
        return None, _unreadable(
            f"{path} is {kind}; only regular files are linted",
            "Name a plan file, or a directory to search for plans.",
        )
    except FileTooLarge as exc:
        size = f"the file is {exc.size:,} bytes, over" if exc.size is not None else "the file is over"
        return None, LoadProblem(
            RESOURCE_LIMIT,
            Violation(
                f"{size} the {limits.max_bytes:,}-byte limit; it was not parsed",
                "Split the plan, or raise the limit with `max-file-size` in the configuration if the file is genuine.",
            ),
        )
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        return None, _unreadable(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}",
                                 "Check that the path exists and is readable.")


def _unreadable(message: str, fix: str, span: Span | None = None) -> LoadProblem:
    return LoadProblem(UNREADABLE, Violation(message, fix, span=span))


_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)


def detect_encoding(data: bytes) -> tuple[str, int]:
    """The encoding of a YAML stream and the length of its BOM (YAML 1.2, 5.2)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    # Without a BOM, YAML says the first character is ASCII: its zero bytes tell.
    head = data[:4]
    if len(head) >= 4 and head[:3] == b"\0\0\0" and head[3]:
        return "utf-32-be", 0
    if len(head) >= 4 and head[0] and head[1:4] == b"\0\0\0":
        return "utf-32-le", 0
    if len(head) >= 2 and head[0] == 0 and head[1]:
        return "utf-16-be", 0
    if len(head) >= 2 and head[0] and head[1] == 0:
        return "utf-16-le", 0
    return "utf-8", 0


# Reports show the lines of files up to this size, read again (a file over the
# loader's limit, 5 MB by default, has only a PLAN007 finding).
SHOWN_SOURCE_LIMIT = 8 * 1024 * 1024


def text_lines(data: bytes) -> list[str]:
    """The lines of ``data`` as the loader numbers them (every YAML line break ends
    one), undecodable bytes replaced: what reports show a flagged line from."""
    encoding, bom = detect_encoding(data)
    return lines_of(data[bom:].decode(encoding, errors="replace"))


def decode(data: bytes) -> tuple[str | None, LoadProblem | None]:
    """Decode bytes to text, or explain why they are not a text file."""
    encoding, bom = detect_encoding(data)
    try:
        text = data[bom:].decode(encoding)
    except UnicodeDecodeError as exc:
        good = data[bom : bom + exc.start].decode(encoding, errors="replace")
        line, column = line_column(good, len(good))
        return None, _unreadable(
            f"the file is not valid {encoding.upper()}: byte {exc.start + bom} (0x{exc.object[exc.start]:02X}) cannot be decoded",
            "Save the plan as UTF-8 text.",
            Span.point(line, column),
        )
    nul = text.find("\0")
    if nul >= 0:
        line, column = line_column(text, nul)
        return None, _unreadable(
            "the file contains NUL characters; it looks binary, not a YAML plan",
            "Save the plan as UTF-8 text; NUL bytes are not allowed in YAML.",
            Span.point(line, column),
        )
    return text, None




# --------------------------------------------------------------------------
# Scalars: the YAML 1.2 core schema

_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))
_INF = frozenset((".inf", ".Inf", ".INF"))  # after a sign or none
_NAN = frozenset((".nan", ".NaN", ".NAN"))
_NUMBER_START = frozenset("-+.0123456789")
_MAYBE_NOT_STR = _NUMBER_START | frozenset("~nNtTfF")
_TAG = "tag:yaml.org,2002:"
# The Python types a scalar with one of these core-schema tags resolves to.
_TAG_TYPES: dict[str, type | tuple[type, ...]] = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}


def resolve_plain(text: str) -> Any:
    """Type a plain (unquoted, untagged) scalar the way a YAML 1.2 loader does."""
    if text and text[0] not in _MAYBE_NOT_STR:
        return text
    if text.isdigit() and text.isascii():  # the usual number, unsigned decimal digits, before the tests below
        return int(text)
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text[0] not in _NUMBER_START:  # `null`, `true` and `false` were the words to type
        return text
    if _decimal_digits(_unsigned(text)):
        return int(text)
    base = _integer_base(text)
    if base:
        number = int(text[2:], base)
        # int() reads any number of octal or hex digits, but an integer past Python's limit on
        # decimal digits cannot be written out (messages, fingerprints, JSON): str() raises the
        # ValueError a decimal one does, and the loader reports both alike (_long_integer).
        limit = _digit_limit()
        if limit and len(text) > limit // 2:
            str(number)
        return number
    if _is_float(text):
        return float(text)
    if _unsigned(text) in _INF:
        return float("-inf") if text[0] == "-" else float("inf")
    if text in _NAN:
        return float("nan")
    return text


# The core schema's int and float forms, tested with str methods: as regular expressions
# (r"[-+]?[0-9]+\Z", r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z") they cost
# 1 M instructions to compile on every start; tests/unit/parse/test_core_schema_numbers.py
# holds them to those expressions.
def _unsigned(text: str) -> str:
    """``text`` without one leading sign."""
    return text[1:] if text[:1] in ("-", "+") else text


def _decimal_digits(text: str) -> bool:
    """Whether ``text`` is one or more of the ASCII digits 0-9 (``str.isdigit`` takes ``²`` and ``٣`` too)."""
    return text.isdigit() and text.isascii()


def _integer_base(text: str) -> int:
    """8 or 16 when ``text`` is a core-schema octal (`0o17`) or hexadecimal (`0x1F`) integer, else 0."""
    if len(text) > 2 and text[0] == "0":
        if text[1] == "o" and all(c in "01234567" for c in text[2:]):
            return 8
        if text[1] == "x" and all(c in "0123456789abcdefABCDEF" for c in text[2:]):
            return 16
    return 0


def _digit_limit() -> int:
    """Python's limit on the decimal digits of an integer it converts (``sys.get_int_max_str_digits``,
    4,300 by default; 0: none, as before Python 3.10.7)."""
    return getattr(sys, "get_int_max_str_digits", lambda: 0)()


def _is_float(text: str) -> bool:
    """Whether ``text`` is a core-schema float: a sign, digits with at most one point and at least
    one digit, then an exponent (``e`` or ``E``, a sign, digits), each but the digits optional."""
    mantissa, marker, exponent = _unsigned(text).replace("E", "e").partition("e")
    if marker and not _decimal_digits(_unsigned(exponent)):
        return False
    whole, point, fraction = mantissa.partition(".")
    if not point:
        return _decimal_digits(whole)
    return bool(whole or fraction) and (not whole or _decimal_digits(whole)) and (
        not fraction or _decimal_digits(fraction))


def _to_float(number: int | float) -> float:
    """``number`` as a float: an integer beyond the float range (`!!float 1e400` written out in
    digits) is infinite, as `1e999` is, not an overflow."""
    try:
        return float(number)
    except OverflowError:
        return float("-inf") if number < 0 else float("inf")


def resolve_scalar(value: str, tag: str | None, plain: bool) -> Any:
    if tag is None or tag == "?":
        return resolve_plain(value) if plain else value
    if tag.startswith(_TAG):
        kind = tag[len(_TAG):]
        if kind == "str":
            return value
        try:
            resolved = resolve_plain(value)
        except ValueError:  # more digits than Python converts to an int (sys.get_int_max_str_digits)
            if kind != "float":
                raise  # an integer: the loader reports it (_long_integer)
            # float() reads any number of digits: past the float range infinite, as `1e999` is;
            # an octal or hex integer past the digit limit is far past it.
            if _integer_base(value):
                return float("inf")
            return float(value) or 0.0  # `-0` is 0, as the integer it spells
        expected = _TAG_TYPES.get(kind)
        typed = expected is not None and isinstance(resolved, expected) and not (kind != "bool" and isinstance(resolved, bool))
        if typed:
            return _to_float(resolved) if kind == "float" else resolved
        return value
    # Non-specific "!" and local tags carry no type we understand: keep the text.
    return value


# --------------------------------------------------------------------------
# Events to data


# The C parser is libyaml 0.1.7. It rejects some valid YAML that ruamel's
# pure-Python parser reads (JSON-style `{"a"\n: b}`, anchors like `&a:`, empty
# keys, reserved directives, ...), and the reverse. When the C parser rejects a
# file, the pure parser gets a second opinion and the file is rejected only if
# both reject it. The pure parser reads about half a megabyte a second, so the
# second opinion is only asked for files no larger than this (real plans are a
# few kilobytes): a large hostile file costs at most about half a second more.
SECOND_OPINION_MAX_CHARS = 256 * 1024


def _pure_events(text: str) -> Iterator[Any]:
    from aiplan.parse import pure  # heavy (~30 ms, ruamel.yaml): only without libyaml or for a second opinion

    if has_yaml11_breaks(text):
        return _read_as_yaml12(text, lambda parsed: converted(pure.events(parsed)))
    return converted(pure.events(text))


def _c_parser():
    # Asked twice a file: once imported, the module is taken from sys.modules (an import
    # statement costs about 7 k instructions even then); None there means blocked.
    extension = sys.modules.get("_ruamel_yaml")
    if extension is not None:
        return extension.CParser
    try:
        from _ruamel_yaml import CParser  # type: ignore[import-not-found]  # optional: ruamel.yaml's C extension (libyaml)
    except ImportError:  # pragma: no cover - depends on the installation
        return None
    return CParser


_IMPORTED_C_PARSER = _c_parser


def c_parser_available() -> bool:
    """Whether plans are read with libyaml (``_c_parser`` finds it) or the pure parser,
    whose syntax-error wording differs: part of the results cache's scope. Answered
    without importing the binding (~20 ms: it loads all of ruamel.yaml), which a run
    served from the cache never needs: the installed module is looked up on the import
    path instead. A ``_c_parser`` replaced at run time (tests, forcing the pure parser)
    is asked."""
    if _c_parser is not _IMPORTED_C_PARSER:
        return _c_parser() is not None
    if "_ruamel_yaml" in sys.modules:  # already imported (or blocked with None)
        return sys.modules["_ruamel_yaml"] is not None
    return PathFinder.find_spec("_ruamel_yaml") is not None


def _event_source(text: str, flat: bool = False) -> Iterator[tuple]:
    """The events of ``text`` as tuples (aiplan.parse.events); ``flat``: the C extension
    makes them so (:func:`flat_events` is in force), else its objects are converted."""
    CParser = _c_parser()
    if CParser is None:  # pragma: no cover - depends on the installation
        return _pure_events(text)
    if has_yaml11_breaks(text):
        return _read_as_yaml12(text, lambda parsed: _c_events(CParser, parsed, flat))
    return _c_events(CParser, text, flat)


def _c_events(CParser: Any, text: str, flat: bool) -> Iterator[tuple]:
    # The parser's own get_event, called until it returns None: no generator
    # frame between the parser and the builder (it is the per-event hot path).
    events = iter(CParser(text).get_event, None)
    return events if flat else converted(events)


def _read_as_yaml12(text: str, parse: Callable[[str], Iterator[Any]]) -> Iterator[Any]:
    """The events of ``text`` read with NEL, U+2028 and U+2029 as the ordinary characters
    they are in YAML 1.2 (in comments, scalars, anchors), not as the line breaks both
    parsers take them for (YAML 1.1). The parser reads a copy with each replaced by a
    character that ``text`` neither holds nor escapes (:func:`_stand_ins`), so offsets, and
    lines and columns (aiplan.core.text), stay those of ``text``; the events and the
    parser's errors get the characters back."""
    stand_ins = _stand_ins(text)
    if stand_ins is None:
        raise _Abort(_no_stand_in(text))
    back = {ord(stand_in): original for original, stand_in in stand_ins.items()}
    try:
        for event in parse(text.translate({ord(original): stand_in for original, stand_in in stand_ins.items()})):
            if event[KIND] in _NODE_KINDS:  # the anchor, and a scalar's value
                event = tuple(written.translate(back) if field in (ANCHOR, VALUE) and isinstance(written, str)
                              else written for field, written in enumerate(event))
            yield event
    except Exception as exc:
        # The pure parser quotes the character it found with repr(): `'\ue000'`.
        escapes = [(repr(stand_in)[1:-1], repr(original)[1:-1]) for original, stand_in in stand_ins.items()]
        for name in ("problem", "context"):
            written = getattr(exc, name, None)
            if isinstance(written, str):
                written = written.translate(back)
                for escaped, original in escapes:
                    written = written.replace(escaped, original)
                setattr(exc, name, written)
        raise


# Where stand-ins are looked for, in this order (ranges of code points, end excluded): the
# private-use areas, then every other character both parsers read as an ordinary one. Not
# ASCII or Latin-1 (indicators, and what `\x85` or `\_` escapes write), not the breaks
# themselves, the surrogates, the byte order mark or the non-characters U+FFFE, U+FFFF.
_STAND_IN_RANGES = (
    (0xE000, 0xF900), (0xF0000, 0xFFFFE), (0x100000, 0x10FFFE),
    (0x100, 0x2028), (0x202A, 0xD800), (0xF900, 0xFEFF), (0xFF00, 0xFFFE), (0x10000, 0xF0000),
)
# `\uE000` or `\U000F0000`: a double-quoted scalar's escape writes that code point. Any
# such text counts, in a quoted scalar or not: a stand-in is only ruled out for nothing.
_CODE_POINT_ESCAPE = r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))"  # compiled on first use (re's cache): off a clean plan's path


def _stand_ins(text: str) -> dict[str, str] | None:
    """A stand-in for each YAML 1.1-only break ``text`` holds: a character absent from
    ``text`` and not written there as an escape, so none can be mistaken for another;
    ``None`` if there are too few such characters (a text of over a million different
    characters). Linear in the text: its characters and escapes are collected once."""
    present = set(text)
    taken = set(map(ord, present))
    taken.update(int(short or long, 16) for short, long in re.findall(_CODE_POINT_ESCAPE, text))
    originals = [original for original in YAML11_ONLY_BREAKS if original in present]
    stand_ins: dict[str, str] = {}
    for start, end in _STAND_IN_RANGES:
        for code in range(start, end):
            # Each candidate passed over is a character of the text or an escape in it:
            # the loop runs at most len(taken) + 3 times.
            if code in taken:
                continue
            stand_ins[originals[len(stand_ins)]] = chr(code)
            if len(stand_ins) == len(originals):
                return stand_ins
    return None


def _no_stand_in(text: str) -> LoadProblem:
    index = min(found for found in (text.find(char) for char in YAML11_ONLY_BREAKS) if found >= 0)
    line, column = line_column(text, index)
    name = _BREAK_NAMES[text[index]]
    return LoadProblem(RESOURCE_LIMIT, Violation(
        f"cannot read this plan as YAML 1.2: it holds the character {name} at line {line}, column {column}, which "
        "the YAML parser must be given as another character, and every character it could be given is already in the plan",
        f"Replace the {name} with a line feed or a space, or remove the characters the plan does not need.",
        span=Span.point(line, column),
    ))


# The events whose field ANCHOR is an anchor (and a scalar's VALUE its value).
_NODE_KINDS = frozenset(("ScalarEvent", "AliasEvent", "MappingStartEvent", "SequenceStartEvent"))

# How messages name the YAML 1.1-only breaks.
_BREAK_NAMES = {"\x85": "NEL (U+0085)", "\u2028": "LINE SEPARATOR (U+2028)", "\u2029": "PARAGRAPH SEPARATOR (U+2029)"}


class _Abort(Exception):
    """Stop parsing the file: a resource limit was reached."""

    def __init__(self, problem: LoadProblem):
        super().__init__(problem.violation.message)
        self.problem = problem


class _Frame:
    __slots__ = (
        "container", "path", "is_map", "key", "key_span", "has_key", "start",
        "flow", "last_end", "size", "anchor", "merges", "discard", "is_key", "height", "key_path",
    )

    def __init__(self, container, path, is_map, span, flow, anchor, is_key):
        self.container = container
        self.path = path          # None: do not record positions (keys, duplicates)
        self.is_map = is_map
        self.key = None
        self.key_span = None
        self.has_key = False
        self.start = span         # the start event: where the collection starts is its START mark
        self.flow = flow
        self.last_end = span      # the position of the last child so far (or the start event): it ends at its END mark
        self.size = 1
        self.anchor = anchor
        self.merges = None
        self.discard = False      # the pending key duplicates an earlier one
        self.is_key = is_key
        self.height = 0           # levels of collections below this one, aliases expanded
        # The pending key's path when it is an ordinary new key (not `<<`, no duplicate)
        # with positions recorded: its value then takes the scalar's short path.
        self.key_path = None


class _DocumentBuilder:
    """Builds one document's data and positions from parser events."""

    def __init__(self, index: int, limits: Limits, problems: list[LoadProblem],
                 earlier_anchors: dict[str, tuple[int, int]] | None = None):
        self.index = index
        self.limits = limits
        self.problems = problems
        # anchor -> (document index, line) of the anchors earlier documents define:
        # only to explain an alias that expects one to cross `---`.
        self.earlier_anchors = earlier_anchors or {}
        self.stack: list[_Frame] = []
        # anchor -> (value, span, expanded size, height in collection levels)
        self.anchors: dict[str, tuple[Any, tuple, int, int]] = {}
        # Positions as plain (line, column, end_line, end_column) tuples: a Span
        # object per node would cost more than building the node; SpanTable
        # makes the Span when a position is actually read.
        self.value_spans: dict[tuple, tuple] = {}
        self.key_spans: dict[tuple, tuple] = {}
        self.root: Any = None
        self.alias_nodes = 0
        # Whether a scalar resolved to `.nan`, `.inf` or `-.inf` (Plan.non_finite).
        self.non_finite = False

    # positions of the child about to be added to the top frame
    def _child_path(self):
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top.path is None:
            return None
        if top.is_map:
            if not top.has_key:
                return None  # a collection used as a mapping key
            if top.discard or (top.key == "<<" and top.merges is not None):
                return None
            return top.path + (top.key,)
        return top.path + (len(top.container),)

    def scalar(self, event) -> None:
        # The hot path: most events are scalars. Attribute reads are hoisted,
        # the common untagged case skips resolve_scalar's dispatch, and an
        # ordinary key or value in a collection is recorded here, inline, with
        # what _set_key and _add would do for it.
        # The event stands for the position until one is read (one_based): its marks are
        # kept, without a tuple made (and freed) for each of the ~200 scalars of a plan.
        span = event
        _start, _end, _kind, anchor, tag, text, style = event
        if style == '"' and not text.isascii() and re.search(_SURROGATE, text):
            text = _join_surrogates(text, Span(*one_based(span)))
        value: Any
        stack = self.stack
        if stack:
            top = stack[-1]
            if top.is_map and not top.has_key:
                # A mapping key: keep its source text so every key is a JSON string.
                if anchor:
                    # An alias can make this value a node of the data: it counts for non_finite.
                    value = text if tag == "!" else resolve_scalar(text, tag, not style)
                    if type(value) is float and value - value != 0.0:
                        self.non_finite = True
                    self.anchors[anchor] = (value, span, 1, 0)
                path = top.path
                if path is not None and text != "<<" and text not in top.container:
                    # key_span is read only for a `<<` key: not set here.
                    top.key, top.has_key, top.discard = text, True, False
                    path = top.key_path = path + (text,)
                    self.key_spans[path] = span
                    return
                self._set_key(top, text, span, not style and tag is None)
                return
        if tag is None:
            if style or (text and text[0] not in _MAYBE_NOT_STR):  # resolve_plain's first test, without the call
                value = text
            else:
                value = self.plain(text)
        elif tag == "!":
            value = text
        else:
            value = resolve_scalar(text, tag, not style)
            if type(value) is float and value - value != 0.0:
                self.non_finite = True
        if stack and not anchor:
            if top.is_map:
                path = top.key_path
                if path is not None:
                    top.size += 1
                    top.last_end = span
                    top.has_key = False
                    top.container[top.key] = value
                    self.value_spans[path] = span
                    return
            elif top.path is not None:
                top.size += 1
                top.last_end = span
                self.value_spans[top.path + (len(top.container),)] = span
                top.container.append(value)
                return
        self._add(value, span, 1, anchor)

    def plain(self, text: str) -> Any:
        """The value of the plain scalar ``text`` (:func:`resolve_plain`)."""
        value = resolve_plain(text)
        # `.nan`, `.inf`, `1e999`: noted here, so schema_errors need not walk the plan
        # for them. A plain scalar typed as text is returned as it is: no more to ask.
        if value is not text and type(value) is float and value - value != 0.0:
            self.non_finite = True
        return value

    def alias(self, event) -> None:
        name = event[ANCHOR]
        span = event  # stands for its position until one is read, as a scalar's does (one_based)
        if name not in self.anchors:
            if name in self.earlier_anchors:
                document, line = self.earlier_anchors[name]
                raise _Syntax(
                    f"found undefined alias *{name}: the anchor `&{name}` is defined in document {document + 1} "
                    f"(line {line}), and anchors do not cross `---`; this document was not linted, the documents that parse were",
                    f"Repeat the value here, or define the anchor `&{name}` again in this document "
                    f"(document {self.index + 1}) before using `*{name}`.",
                    Span(*one_based(span)),
                )
            raise _Syntax(
                f"found undefined alias *{name}",
                "Define the anchor `&" + str(name) + "` before using `*" + str(name) + "` (an alias cannot refer to its own enclosing node).",
                Span(*one_based(span)),
            )
        value, _, size, height = self.anchors[name]
        self.alias_nodes += size
        if self.alias_nodes > self.limits.max_alias_nodes:
            raise _Abort(LoadProblem(RESOURCE_LIMIT, Violation(
                f"aliases expand to more than {self.limits.max_alias_nodes:,} nodes (alias *{name}); "
                "the document looks like an alias bomb and was not linted",
                "Replace nested anchors and aliases with plain values; a plan never needs this much repetition.",
                span=Span(*one_based(span)),
            ), self.index))
        top = self.stack[-1] if self.stack else None
        if top is not None and top.is_map and not top.has_key:
            key = value if isinstance(value, str) else _key_text(value)
            self._set_key(top, key, span, False)
            return
        if len(self.stack) + height > self.limits.max_depth:
            # Nesting through aliases: each alias is small, the tree it builds is not.
            raise _Abort(LoadProblem(RESOURCE_LIMIT, Violation(
                f"alias *{name} nests the document deeper than {self.limits.max_depth} levels; "
                "the rest of the file was not linted",
                "Replace nested anchors and aliases with plain values; a plan needs only a few levels.",
                span=Span(*one_based(span)),
            ), self.index))
        self._add(value, span, size, None, height=height)

    def start_collection(self, event, is_map: bool) -> None:
        if len(self.stack) >= self.limits.max_depth:
            raise _Abort(LoadProblem(RESOURCE_LIMIT, Violation(
                f"the document nests deeper than {self.limits.max_depth} levels; the rest of the file was not linted",
                "Flatten the structure; a plan needs only a few levels. Raise `max-depth` in the configuration only for a genuine need.",
                span=Span(*one_based(event)),
            ), self.index))
        _start, _end, _kind, anchor, _tag, flow = event
        is_key = False
        path: tuple | None = ()
        stack = self.stack
        if stack:
            top = stack[-1]
            # The child's path, as _child_path() computes it, with the key path the
            # pending key already has when it is an ordinary one, and an item's inline.
            if not top.is_map:
                path = top.path
                if path is not None:
                    path = path + (len(top.container),)
            elif not top.has_key:
                is_key = True
                path = None
            else:
                path = top.key_path
                if path is None:
                    path = self._child_path()
        stack.append(_Frame({} if is_map else [], path, is_map, event, bool(flow), anchor, is_key))

    def end_collection(self, event) -> None:
        stack = self.stack
        frame = stack.pop()
        if frame.merges:  # only a mapping's are ever set
            self._apply_merges(frame)
        # Its start and end marks (the end event's, or its last child's in block style), as a
        # position that one_based reads when a finding or a SpanTable read needs it.
        span = (frame.start[START], (event if frame.flow else frame.last_end)[END])
        if frame.is_key:
            if frame.anchor:
                self.anchors[frame.anchor] = (frame.container, span, frame.size, frame.height + 1)
            top = stack[-1]
            self._set_key(top, _key_text(frame.container), span, False)
            return
        height = frame.height + 1
        if stack and not frame.anchor:
            # What _add does for a collection under an ordinary key or in a list, inline,
            # as scalar() does for a scalar.
            top = stack[-1]
            if top.is_map:
                path = top.key_path
                if path is not None:
                    top.size += frame.size
                    if height > top.height:
                        top.height = height
                    top.last_end = span
                    top.has_key = False
                    top.container[top.key] = frame.container
                    self.value_spans[path] = span
                    return
            elif top.path is not None:
                top.size += frame.size
                if height > top.height:
                    top.height = height
                top.last_end = span
                self.value_spans[top.path + (len(top.container),)] = span
                top.container.append(frame.container)
                return
        self._add(frame.container, span, frame.size, frame.anchor, height=height)

    def _apply_merges(self, frame: _Frame) -> None:
        container = frame.container
        for source, span in frame.merges:
            for key, value in source.items():
                if key not in container:
                    container[key] = value
                    if frame.path is not None:
                        self.key_spans[frame.path + (key,)] = span
                        self.value_spans[frame.path + (key,)] = span

    def _set_key(self, frame: _Frame, key: str, span: tuple, plain: bool) -> None:
        frame.key = key
        frame.key_span = span
        frame.has_key = True
        frame.discard = False
        frame.key_path = None  # its value takes _add's general path
        if plain and key == "<<":
            frame.merges = frame.merges if frame.merges is not None else []
            return
        if key in frame.container:
            frame.discard = True
            # The file's problems so far are its duplicates (anything else ends the parse).
            reported = len(self.problems)
            if frame.path is not None and reported >= MAX_DUPLICATES:
                if reported == MAX_DUPLICATES:
                    self.problems.append(LoadProblem(DUPLICATE_KEY, Violation(
                        f"more than {MAX_DUPLICATES:,} duplicate keys in this file; only the first "
                        f"{MAX_DUPLICATES:,} are reported",
                        "Remove the duplicates reported above, then lint again to see the rest.",
                        span=Span(*one_based(span)),
                    ), self.index))
            elif frame.path is not None:
                first = self.key_spans.get(frame.path + (key,))
                where = f" (first defined on line {one_based(first)[0]})" if first else ""
                self.problems.append(LoadProblem(DUPLICATE_KEY, Violation(
                    f"duplicate key `{key}`{where}; YAML loaders keep only one of the values, so the other is silently lost",
                    f"Remove one of the `{key}` entries, or merge their contents into one.",
                    span=Span(*one_based(span)),
                ), self.index))
        elif frame.path is not None:
            self.key_spans[frame.path + (key,)] = span

    def _add(self, value: Any, span: tuple, size: int, anchor, height: int = 0) -> None:
        if anchor:
            self.anchors[anchor] = (value, span, size, height)
        if not self.stack:
            self.root = value
            self.value_spans[()] = span
            return
        top = self.stack[-1]
        top.size += size
        if height > top.height:
            top.height = height
        top.last_end = span
        # The child's path, as _child_path() computes it (inlined: this runs for every node).
        path = top.path
        if not top.is_map:
            if path is not None:
                path = path + (len(top.container),)
            top.container.append(value)
        else:
            key = top.key
            merging = key == "<<" and top.merges is not None
            if path is not None:
                path = None if (not top.has_key or top.discard or merging) else path + (key,)
            top.has_key = False
            if merging and top.key_span is not None and _is_merge_value(value):
                sources = value if isinstance(value, list) else [value]
                top.merges.extend((source, span) for source in sources)
                return
            if merging and not top.discard:
                # Not a mapping: keep `<<` as an ordinary key so the schema reports it.
                if path is None and top.path is not None:
                    path = top.path + (key,)
                    self.key_spans[path] = top.key_span
            if top.discard:
                return
            top.container[key] = value
        if path is not None:
            self.value_spans[path] = span

    def document(self, path: str) -> Plan:
        # Positionally, every field in order, as core.plan.plan_for_rules makes a plan: a keyword
        # makes the record bind each field by name (records._bind), about twice the work.
        return Plan(self.root, SpanTable(self.value_spans), SpanTable(self.key_spans), path, self.index,
                    None, None, frozenset(), None, None, None, None, self.non_finite)


# Compiled on first use (re's cache), for a non-ASCII double-quoted scalar: a class of
# code points past 255 costs about 2 M instructions to compile, on every start.
_SURROGATE = "[\ud800-\udfff]"


def _join_surrogates(text: str, span: Span) -> str:
    """``"\\ud83d\\ude00"`` is how JSON writes 😀: join such pairs into the
    character. A lone surrogate is no character at all (the C parser rejects
    it too), and would break every output format downstream."""
    try:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError as exc:
        lone = text[exc.start // 2]
        raise _Syntax(
            f"invalid YAML: the escape \\u{ord(lone):04x} is half of a UTF-16 surrogate pair, not a character",
            "Write the character itself, or its `\\U` escape with eight hex digits (`\\U0001F600`).",
            span,
        ) from None


def _is_merge_value(value: Any) -> bool:
    if isinstance(value, dict):
        return True
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _key_text(value: Any) -> str:
    """A string for a complex (collection) key, so data stays JSON-compatible."""
    import json  # start-up: a collection as a key is rare (off a clean plan's path)

    try:
        return json.dumps(value, sort_keys=True, default=str)
    except (ValueError, TypeError, RecursionError):
        return repr(type(value).__name__)


class _SkippedDocument:
    """Stands in for the builder of a document that cannot be built (an undefined
    alias): its events are still checked, and the next document is built as usual."""

    # No open collection and no positions: _read takes its general path for every event.
    stack: tuple = ()
    key_spans = value_spans = None

    def scalar(self, event) -> None:
        pass

    def alias(self, event) -> None:
        pass

    def start_collection(self, event, is_map: bool) -> None:
        pass

    def end_collection(self, event) -> None:
        pass


class _Syntax(Exception):
    """Only this document cannot be built: the parser reads on, the other documents are linted.
    ``rule``: PLAN001, or PLAN007 for a limit of the reader's (:func:`_long_integer`)."""

    def __init__(self, message: str, fix: str, span: Span, rule: str = SYNTAX):
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.span = span
        self.rule = rule

    def problem(self, document: int) -> LoadProblem:
        return LoadProblem(self.rule, Violation(self.message, self.fix, span=self.span), document)


def _long_integer(event: Any) -> _Syntax | None:
    """The problem of a scalar that resolves to an integer of more digits than Python converts
    (``sys.get_int_max_str_digits``, 4,300 by default: the conversion's cost grows faster than
    the digits), or ``None`` when ``event`` is not one (its ``ValueError`` is another's)."""
    limit = _digit_limit()
    if event[KIND] != "ScalarEvent" or not limit:
        return None
    text = event[VALUE]
    base = _integer_base(text)
    if base:  # its decimal digits, from its bits: the number cannot be written out to count them
        digits = int(int(text[2:], base).bit_length() * 0.30103) + 1  # log10(2): at least the true count
        written = f"the {'octal' if base == 8 else 'hexadecimal'} integer has about {digits:,} decimal digits"
    elif _decimal_digits(_unsigned(text)):
        digits = len(_unsigned(text))
        written = f"the integer has {digits:,} digits"
    else:
        return None
    if digits <= limit:
        return None
    return _Syntax(
        f"{written}, more than the {limit:,} the YAML reader converts "
        "(Python's limit on the digits of an integer); the document holding it was not linted",
        f"Write the number with at most {limit:,} digits (as a float in exponent notation, "
        f"`1e{digits - 1}`, if it is that large), or quote it if it is text.",
        Span(*one_based(event)), RESOURCE_LIMIT,
    )


def _unbuilt(exc: Exception, event: Any) -> _Syntax:
    """Why the current document cannot be built: ``exc`` is :class:`_Syntax` or the
    ``ValueError`` of an integer past Python's digit limit; any other error is raised again."""
    syntax = exc if isinstance(exc, _Syntax) else _long_integer(event)
    if syntax is None:
        raise exc  # not a scalar's digits: reported as the parser's own errors are
    return syntax


def parse_documents(text: str, path: str = "<string>", limits: Limits = Limits()) -> LoadResult:
    """Parse every YAML document of ``text``. Never raises for bad input."""
    # libyaml's rejection stands alone in a file too large for the pure parser's second opinion.
    c_parser = _c_parser() is not None
    alone = len(text) > SECOND_OPINION_MAX_CHARS and c_parser
    # The C extension's events as tuples, while this file is read (aiplan.parse.events).
    extension = sys.modules.get("_ruamel_yaml") if c_parser else None
    saved = None
    try:  # the swap inside the try: a signal during it is undone with the rest
        saved = flat_events(extension) if extension is not None else None
        result, verdict = _build(_event_source(text, saved is not None), text, path, limits, alone)
    finally:
        restore(extension, saved)
    if verdict is not None and not alone and c_parser:
        second, pure_verdict = _build(_pure_events(text), text, path, limits)
        if pure_verdict is None or verdict is _MISREAD:
            return second  # what the pure parser alone would say, as without the C extension
    return result


def _count_document(index: int, limits: Limits, event: Any) -> None:
    """Stop at the document past ``max-documents`` (``index`` is 0-based)."""
    if index >= limits.max_documents:
        raise _Abort(LoadProblem(RESOURCE_LIMIT, Violation(
            f"the file holds more than {limits.max_documents:,} YAML documents; the rest were not linted",
            "Split the plans into several files, or raise `max-documents` in the configuration.",
            span=Span(*one_based(event)),
        ), index))


def _built(builder: _DocumentBuilder, path: str, earlier_anchors: dict[str, tuple[int, int]]) -> Plan:
    """The finished document; its anchors are remembered for the documents after it."""
    for name, (_value, span, _size, _height) in builder.anchors.items():
        earlier_anchors[name] = (builder.index, one_based(span)[0])
    return builder.document(path)


# Why the parser's reading cannot stand (`_build`'s verdict): it rejected the text, or misread it.
_REJECTED = "rejected"
_MISREAD = "misread"


class _Documents:
    """The documents of one stream as :func:`_read` builds them: the builder of the current
    one, its index, and what happens at the events that start and end one."""

    __slots__ = ("result", "path", "limits", "check", "builder", "index", "earlier_anchors")

    def __init__(self, result: LoadResult, path: str, limits: Limits, check: Checker):
        self.result = result
        self.path = path
        self.limits = limits
        self.check = check
        # Replaced at every DocumentStartEvent, which parsers emit before any node.
        self.builder: _DocumentBuilder | _SkippedDocument = _SkippedDocument()
        self.index = 0
        self.earlier_anchors: dict[str, tuple[int, int]] = {}

    def other(self, event: tuple, kind: str) -> _DocumentBuilder | _SkippedDocument:
        """Check and build from an event that is neither a scalar nor a collection's start or
        end; returns the builder of the document the events after it belong to."""
        if kind == "AliasEvent":
            self.check.alias(event)
            self.builder.alias(event)
        elif kind == "DocumentStartEvent":
            self.check.document_start(event)
            _count_document(self.index, self.limits, event)
            self.builder = _DocumentBuilder(self.index, self.limits, self.result.problems, self.earlier_anchors)
        elif kind == "DocumentEndEvent":
            self.check.document_end(event)
            if isinstance(self.builder, _DocumentBuilder):
                self.result.documents.append(_built(self.builder, self.path, self.earlier_anchors))
            self.builder = _SkippedDocument()
            self.index += 1
        return self.builder

    def skip(self, exc: _Syntax) -> _SkippedDocument:
        """Report why the current document cannot be built; the parser read on fine, so
        its events are still checked and the documents after it built."""
        self.result.problems.append(exc.problem(self.index))
        self.builder = _SkippedDocument()
        return self.builder


def _read(events: Iterator[Any], documents: _Documents) -> NonConforming | None:
    """Check and build every event of ``events`` into ``documents``; returns the first
    YAML rule the parser let through that the stream breaks (``None`` if none).

    This runs for every event of every file. The ordinary scalar (a key, or a value under
    an ordinary key or in a list, without anchor or tag, in a collection whose positions
    are recorded) is checked and built here, inline, with what Checker.scalar and
    _DocumentBuilder.scalar would do for it: no call, the innermost open collection
    (``top``) and the builder's tables kept in locals between events."""
    check = documents.check
    max_depth = documents.limits.max_depth
    # A _DocumentBuilder whenever `top` is set (a _SkippedDocument has no open collection,
    # no tables): the inline paths below run only then.
    builder: Any = documents.builder
    stack: Any = builder.stack
    top: _Frame | None = None  # stack[-1], kept in step with every event that opens or closes one
    key_spans: Any = builder.key_spans
    value_spans: Any = builder.value_spans
    for event in events:
        kind = event[2]  # KIND
        try:
            if kind == "ScalarEvent":
                _start, _end, _kind, anchor, tag, text, style = event
                if anchor is not None or tag is not None or top is None or top.path is None:
                    check.scalar(event)
                    builder.scalar(event)
                    continue
                # Checker.scalar's common case, without the call: a plain scalar
                # without properties in block context has nothing to check.
                if style or not check.plain_block:
                    check.scalar(event)
                    if style == '"' and not text.isascii():  # surrogate pairs to join
                        builder.scalar(event)
                        continue
                if top.is_map and not top.has_key:
                    if text == "<<" or text in top.container:
                        builder._set_key(top, text, event, not style)
                    else:
                        # The event stands for the position until one is read (one_based).
                        top.key, top.has_key, top.discard = text, True, False
                        path = top.key_path = top.path + (text,)
                        key_spans[path] = event
                else:
                    value = text if style or (text and text[0] not in _MAYBE_NOT_STR) else builder.plain(text)
                    if not top.is_map:
                        top.size += 1
                        top.last_end = event
                        container = top.container
                        value_spans[top.path + (len(container),)] = event
                        container.append(value)
                    elif top.key_path is None:
                        builder._add(value, event, 1, None)
                    else:
                        top.size += 1
                        top.last_end = event
                        top.has_key = False
                        top.container[top.key] = value
                        value_spans[top.key_path] = event
            elif kind == "MappingEndEvent" or kind == "SequenceEndEvent":
                contexts = check.stack
                if contexts and not contexts[-1].flow:
                    # Checker.collection_end's block case, without the call: only popped.
                    contexts.pop()
                    check.plain_block = bool(contexts) and not (contexts[-1].flow or contexts[-1].pending)
                else:
                    check.collection_end(event)
                if top is None or top.merges or top.is_key or top.anchor or len(stack) < 2:
                    builder.end_collection(event)
                    top = stack[-1] if stack else None
                else:
                    # _DocumentBuilder.end_collection for a collection under a key or in a list.
                    stack.pop()
                    frame, top = top, stack[-1]
                    span = (frame.start[0], (event if frame.flow else frame.last_end)[1])  # START, END
                    height = frame.height + 1
                    path = top.key_path if top.is_map else (
                        None if top.path is None else top.path + (len(top.container),))
                    if path is None:
                        builder._add(frame.container, span, frame.size, None, height=height)
                    else:
                        top.size += frame.size
                        top.height = height if height > top.height else top.height
                        top.last_end = span
                        if top.is_map:
                            top.has_key = False
                            top.container[top.key] = frame.container
                        else:
                            top.container.append(frame.container)
                        value_spans[path] = span
            elif kind == "MappingStartEvent" or kind == "SequenceStartEvent":
                # Checker.collection_start's common case, without the call: a block
                # collection without properties in block context is only pushed.
                if check.plain_block and not event[5] and event[4] is None and event[3] is None:  # FLOW, TAG, ANCHOR
                    column = event[0].column
                    check.stack.append(BLOCK_CONTEXTS[column] if column < 128 else Context(False, column))
                else:
                    check.collection_start(event)
                if top is None or top.path is None or len(stack) >= max_depth or (
                        top.is_map and (not top.has_key or top.key_path is None)):
                    builder.start_collection(event, kind == "MappingStartEvent")
                else:
                    # _DocumentBuilder.start_collection under an ordinary key or in a list.
                    is_map = kind == "MappingStartEvent"
                    stack.append(_Frame({} if is_map else [], top.key_path if top.is_map else top.path + (len(top.container),),
                                        is_map, event, bool(event[5]), event[3], False))  # FLOW, ANCHOR
                top = stack[-1] if stack else None
            else:
                builder = documents.other(event, kind)
                stack = builder.stack
                top = stack[-1] if stack else None
                key_spans, value_spans = builder.key_spans, builder.value_spans
        except NonConforming as exc:
            return exc
        except (_Syntax, ValueError) as exc:
            builder = documents.skip(_unbuilt(exc, event))
            stack, top = builder.stack, None
    return None


def _build(events: Iterator[Any], text: str, path: str, limits: Limits,
           alone: bool = False) -> tuple[LoadResult, str | None]:
    """Build the documents from ``events``; also say whether the parser itself rejected
    (``_REJECTED``) or misread (``_MISREAD``) the text, ``None`` if its reading stands.
    ``alone``: libyaml's rejection will not be checked by the pure parser (:func:`_syntax_problem`)."""
    result = LoadResult([], [], text)  # positionally: see _DocumentBuilder.document
    problems = result.problems
    documents = _Documents(result, path, limits, Checker(text))
    try:
        broken = _read(events, documents)
        if broken is not None:
            # Reported only once the parser has read the rest of the document without an error
            # of its own: for an unclosed `[`, the parser's "expected ',' or ']'" says more than ours.
            for event in events:
                if event[2] == "DocumentEndEvent":  # KIND
                    break
            raise broken
    except _Abort as abort:
        problems.append(abort.problem)
    except _Syntax as exc:
        problems.append(exc.problem(documents.index))
    except NonConforming as exc:
        problems.append(LoadProblem(SYNTAX, Violation(exc.message, exc.fix, span=Span.point(exc.line, exc.column)),
                                    documents.index))
        # A misread is libyaml's, not the plan's: parse_documents asks the pure parser then.
        return result, _MISREAD if isinstance(exc, Misread) else None
    except Exception as exc:  # the parser's own errors: ruamel's MarkedYAMLError and friends
        problems.append(_syntax_problem(exc, text, documents.index, alone))
        return result, _REJECTED
    return result, None


_HINTS = (
    ("found character '\\t'", "Indent with spaces; YAML does not allow tabs for indentation."),
    ("mapping values are not allowed", "Check the indentation of this line, or quote a value that contains `: `."),
    ("did not find expected ',' or ']'", "Close the flow sequence with `]` and separate its items with commas."),
    ("did not find expected ',' or '}'", "Close the flow mapping with `}` and separate its entries with commas."),
    ("found unexpected end of stream", "Close the quoted string or bracket that is still open at the end of the file."),
    ("could not find expected ':'", "Add `: ` after the key, or join a wrapped line to the one above it."),
    ("did not find expected key", "Align this key with its siblings; the indentation does not match the mapping it belongs to."),
    ("did not find expected '-' indicator", "Align this item with the other `- ` items of the list."),
    ("found undefined alias", "Define the anchor `&name` before using `*name`."),
    ("control characters are not allowed", "Remove the control character; YAML allows only printable characters."),
    ("found unknown escape character", "Use a valid escape in the double-quoted string, or switch to single quotes."),
)


def _at(mark) -> tuple[int, int]:
    """A parser mark's 1-based line and column."""
    return mark.line + 1, mark.column + 1


# A `---` line that starts a later document.
_DOCUMENT_MARKER = r"(?m)^---(?:[ \t]|$)"  # compiled on first use (re's cache): off a clean plan's path


def _syntax_problem(exc: Exception, text: str, index: int, alone: bool = False) -> LoadProblem:
    """The PLAN001 problem of the parser's error ``exc``; ``alone``: libyaml's, with no
    second opinion from the pure parser (the file is too large)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if mark is not None:
        span = Span.point(*_at(mark))
    elif (position := getattr(exc, "position", None)) is not None:  # ReaderError
        span = Span.point(*line_column(text, min(int(position), len(text))))
        problem = getattr(exc, "reason", None) or str(exc)
    else:
        span = Span.point(1, 1)
        problem = str(exc) or type(exc).__name__
    message = f"invalid YAML: {problem or str(exc)}"
    context_mark = getattr(exc, "context_mark", None)
    if context and context_mark is not None and context_mark is not mark:
        context_line, context_column = _at(context_mark)
        message += f" ({context} at line {context_line}, column {context_column})"
    elif context:
        message += f" ({context})"
    offset = getattr(mark, "index", None)
    if isinstance(offset, int) and re.compile(_DOCUMENT_MARKER).search(text, min(max(offset, 0), len(text))):
        # The parser stops at its first error: a reader must not take the silence after it for a pass.
        message += "; the documents after it in this file were not linted"
    fix = "Fix the YAML syntax at this position."
    haystack = f"{problem} {exc}"
    if isinstance(offset, int) and 0 <= offset < len(text) and text[offset] == "\t":
        haystack = "found character '\\t' " + haystack
    for needle, hint in _HINTS:
        if needle in haystack:
            fix = hint
            break
    unread = _libyaml_anchor_char(context, text, offset) if alone else None
    if unread is not None:
        # Valid YAML 1.2 the pure parser reads in a smaller file: say so, not that the plan is wrong.
        name = _BREAK_NAMES.get(text[unread]) or f"character {quoted_visibly(text[unread])} (U+{ord(text[unread]):04X})"
        line, column = line_column(text, unread)
        kind = "alias" if "alias" in str(context) else "anchor"
        message += (f"; the {name} at line {line}, column {column} is allowed in an {kind} name in YAML 1.2, but this "
                    f"file is over {SECOND_OPINION_MAX_CHARS // 1024} KiB, so it is read with libyaml alone, which "
                    "allows only ASCII letters, digits, `_` and `-` there (aiplan's slower pure-Python parser, "
                    "which reads it, re-reads only smaller files)")
        fix = (f"Name the {kind} with ASCII letters, digits, `_` and `-` only, at its `&` and at every `*` that "
               f"uses it; or split the file into files of at most {SECOND_OPINION_MAX_CHARS // 1024} KiB.")
    elif isinstance(offset, int) and has_yaml11_breaks(text):
        cause = _yaml11_break_before(text, offset)
        if cause is not None:
            # A YAML 1.1 plan breaking lines with NEL reads as one long line in YAML 1.2:
            # the parser's complaint is about its symptom, the character is the cause.
            name = _BREAK_NAMES[text[cause]]
            line, column = line_column(text, cause)
            message += (f"; the {name} at line {line}, column {column} is a line break only in YAML 1.1: "
                        "aiplan reads YAML 1.2, where it is an ordinary character of the line")
            fix = f"Replace the {name} at line {line}, column {column} with a line feed if it is meant to end the line."
    return LoadProblem(SYNTAX, Violation(message, fix, span=span), index)


def _libyaml_anchor_char(context: Any, text: str, offset: Any) -> int | None:
    """Where libyaml stopped scanning an anchor or alias name at a non-ASCII character,
    which YAML 1.2 allows there (libyaml takes only ASCII letters, digits, `_`, `-`);
    ``None`` for any other error."""
    if not (isinstance(context, str) and context.startswith(("while scanning an anchor", "while scanning an alias"))):
        return None
    if not isinstance(offset, int) or not 0 <= offset < len(text) or text[offset].isascii():
        return None
    from ruamel.yaml.compat import check_anchorname_char  # only on this error path: what the pure parser reads

    # NEL, U+2028 and U+2029 reach the pure parser as stand-ins it reads (_read_as_yaml12).
    return offset if text[offset] in YAML11_ONLY_BREAKS or check_anchorname_char(text[offset]) else None


def _yaml11_break_before(text: str, offset: int) -> int | None:
    """The last YAML 1.1-only break at or before ``offset`` on its line or the line before
    (where a parser's error about a misplaced line is reported), ``None`` if there is none."""
    offset = min(max(offset, 0), len(text))
    source = SourceText(text)
    line, _column = source.line_column(offset)
    start = source.starts()[max(line - 2, 0)]
    found = max(text.rfind(char, start, offset + 1) for char in YAML11_ONLY_BREAKS)
    return found if found >= 0 else None


def load_text(text: str, path: str = "<string>", limits: Limits = Limits()) -> LoadResult:
    return parse_documents(text, path, limits)


def load_bytes(data: bytes, path: str = "<string>", limits: Limits = Limits()) -> LoadResult:
    if len(data) > limits.max_bytes:
        return LoadResult(problems=[LoadProblem(RESOURCE_LIMIT, Violation(
            f"the input is more than {limits.max_bytes:,} bytes (the size limit); it was not parsed",
            "Split the plan, or raise the limit with `max-file-size` in the configuration.",
        ))])
    text, problem = decode(data)
    if text is None:  # then `problem` says why
        return LoadResult(problems=[problem] if problem is not None else [])
    return parse_documents(text, path, limits)


def load_file(path: str, limits: Limits = Limits(), display_path: str | None = None) -> LoadResult:
    data, problem = read_file(path, limits)
    if data is None:  # then `problem` says why
        return LoadResult(problems=[problem] if problem is not None else [])
    return load_bytes(data, display_path or path, limits)
