"""Data files as streams of records, each with the line it starts on.

Formats: JSON Lines, JSON arrays (read element by element, never whole), CSV
and TSV (a header row names the fields), any of them ``.gz``-compressed, and
Parquet through the optional ``aiplan[parquet]`` extra (its "line" is the row
number). The format comes from the suffix (``.jsonl``, ``.ndjson``, ``.json``,
``.csv``, ``.tsv``, ``.parquet``; ``.gz`` is looked through) or from the
plan's ``format`` setting; a ``.json`` file that does not start with ``[`` is
read as JSON Lines.

Every reader stops at a record boundary once ``budget`` bytes have been read
and says so (``Stream.sampled``): memory stays bounded whatever the file's size.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from dataclasses import field
from typing import Iterator

from aiplan.core.notation import quoted_visibly
from aiplan.core.records import Record
from aiplan.evidence.files import Unreadable

FORMATS = ("jsonl", "json", "csv", "tsv", "parquet")
SUFFIX_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl", ".json": "json",
                  ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".parquet": "parquet", ".pq": "parquet"}
# A line (or JSON element) longer than this is reported, not read: memory stays bounded.
MAX_RECORD_BYTES = 16 * 1024 * 1024
def _limit() -> str:
    return f"{MAX_RECORD_BYTES // (1024 * 1024)} MB" if MAX_RECORD_BYTES >= 1024 * 1024 else f"{MAX_RECORD_BYTES:,} bytes"


PARQUET_HINT = "Install the Parquet extra: `pip install 'aiplan[parquet]'`, or convert the file to JSON Lines."


def format_of(path: str, declared: str | None = None) -> str | None:
    """The format named by the plan, else by the suffix (``.gz`` looked through); ``None`` if unknown."""
    if declared:
        return declared.lower() if declared.lower() in FORMATS else None
    lower = path.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    for suffix, name in SUFFIX_FORMATS.items():
        if lower.endswith(suffix):
            return name
    return None


class Item(Record, frozen=False):
    """One record (a JSON object or a CSV row as a dict), or why a line is not one."""

    line: int
    record: dict | None = None
    problem: str = ""


class Stream(Record, frozen=False):
    """What a reader learned while streaming: filled in as it goes."""

    format: str
    sampled: bool = False
    bytes_read: int = 0
    notes: list[str] = field(default_factory=list)
    lines: int = 0        # lines read (JSON Lines), once the reading has ended


def items(stream_bytes, fmt: str, budget: int, state: Stream, path: str = "") -> Iterator[Item]:
    """The records of a binary stream in format ``fmt``, within ``budget`` bytes."""
    if fmt == "jsonl":
        return _json_lines(stream_bytes, budget, state)
    if fmt == "json":
        head = stream_bytes.peek(64)[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"["):
            state.format = "jsonl"
            return _json_lines(stream_bytes, budget, state)
        return _json_array(stream_bytes, budget, state)
    if fmt in ("csv", "tsv"):
        return _delimited(stream_bytes, "\t" if fmt == "tsv" else ",", budget, state)
    if fmt == "parquet":
        return _parquet(path, budget, state)
    raise Unreadable(f"has a format aiplan does not read ({fmt})",
                     "Use JSON Lines, JSON, CSV or TSV, or set `format:` for the file in the plan.")


def json_lines_of(stream_bytes, fmt: str, budget: int, state: Stream) -> Iterator[tuple[int, bytes]] | None:
    """The numbered lines of a JSON Lines stream (see :func:`lines`, and
    :func:`json_line` for each), or ``None`` when ``fmt`` is read otherwise."""
    if fmt == "json":
        head = stream_bytes.peek(64)[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
        if head.startswith(b"["):
            return None
        state.format = fmt = "jsonl"
    return lines(stream_bytes, budget, state) if fmt == "jsonl" else None


def lines(stream, budget: int, state: Stream) -> Iterator[tuple[int, bytes]]:
    """``(line number, bytes)`` of each line; over-long lines become ``b"\\x00"`` markers."""
    number = 0
    readline = stream.readline
    while True:
        if state.bytes_read >= budget:
            if stream.peek(1):
                state.sampled = True
            return
        line = readline(MAX_RECORD_BYTES)
        if not line:
            return
        number += 1
        state.lines = number
        state.bytes_read += len(line)
        if len(line) >= MAX_RECORD_BYTES and not line.endswith(b"\n"):
            while True:  # skip the rest of the over-long line
                rest = readline(1 << 20)
                state.bytes_read += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, b"\x00"
            continue
        yield number, line


def _json_lines(stream, budget: int, state: Stream) -> Iterator[Item]:
    for number, line in lines(stream, budget, state):
        item = json_line(number, line)
        if item is not None:
            yield item


def json_line(number: int, line: bytes, starts_file: bool = True) -> Item | None:
    """The record of one JSON Lines line, or why it is not one; ``None`` for a blank line.
    ``starts_file``: line 1 is the file's first (a byte order mark there is skipped)."""
    if line == b"\x00":
        return Item(number, problem=f"the line is longer than {_limit()}")
    if number == 1 and starts_file and line.startswith(codecs.BOM_UTF8):
        line = line[3:]
    if not line.strip():
        return None
    try:
        value = json.loads(line)
    except UnicodeDecodeError:
        return Item(number, problem="the line is not valid UTF-8")
    except ValueError as exc:
        return Item(number, problem=f"not valid JSON ({_json_reason(exc)})")
    except RecursionError:
        return Item(number, problem="JSON nested too deeply to read")
    if isinstance(value, dict):
        return Item(number, value)
    return Item(number, problem=f"a JSON {_json_type(value)}, not an object")


def _json_reason(exc: ValueError) -> str:
    message = getattr(exc, "msg", None) or str(exc)
    column = getattr(exc, "colno", None)
    message = message.rstrip(": ")
    if message.endswith(" at"):
        message = message[:-3]
    return f"{message} at column {column}" if column else message


def _json_type(value) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")


def _json_array(stream, budget: int, state: Stream) -> Iterator[Item]:
    """Elements of a top-level JSON array, decoded one at a time from a sliding buffer."""
    text = _SlidingText(stream, state)
    try:
        text.skip_space()
        if not text.startswith("["):
            return  # callers only come here for a "[" file
        text.position += 1
        first = True
        while True:
            text.skip_space()
            if text.at_end():
                yield Item(text.line, problem="the JSON array is not closed (the file ends inside it)")
                return
            if text.startswith("]"):
                return
            if not first:
                if not text.startswith(","):
                    found = text.buffer[text.position]
                    yield Item(text.line, problem=f"not valid JSON (expected ',' or ']' but found {quoted_visibly(found)})")
                    return
                text.position += 1
                text.skip_space()
            if state.bytes_read >= budget and text.pending() < MAX_RECORD_BYTES:
                state.sampled = True
                return
            start_line = text.line
            value, problem = text.decode_value()
            if problem is not None:
                yield problem
                return
            first = False
            if isinstance(value, dict):
                yield Item(start_line, value)
            else:
                yield Item(start_line, problem=f"a JSON {_json_type(value)}, not an object")
    except _Stop as stop:
        yield Item(text.line, problem=stop.reason)


class _SlidingText:
    """The decoded text of a byte stream, read a megabyte at a time; what was
    consumed is dropped, and ``line`` counts the lines passed."""

    def __init__(self, stream, state: Stream):
        self.stream = stream
        self.state = state
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
        self.buffer = ""
        self.position = 0
        self.line = 1
        self.exhausted = False

    def more(self) -> bool:
        """Read the next chunk; False once the stream has nothing more."""
        if self.exhausted:
            return False
        chunk = self.stream.read(1 << 20)
        self.state.bytes_read += len(chunk)
        try:
            decoded = self.decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            raise _Stop("the file is not valid UTF-8") from None
        if not chunk:
            self.exhausted = True
        self.buffer = self.buffer[self.position:] + decoded
        self.position = 0
        return bool(chunk) or bool(decoded)

    def at_end(self) -> bool:
        return self.position >= len(self.buffer)

    def startswith(self, character: str) -> bool:
        return not self.at_end() and self.buffer[self.position] == character

    def pending(self) -> int:
        return len(self.buffer) - self.position

    def skip_space(self) -> None:
        while True:
            buffer = self.buffer
            while self.position < len(buffer) and buffer[self.position] in " \t\r\n":
                if buffer[self.position] == "\n":
                    self.line += 1
                self.position += 1
            if self.position < len(buffer) or not self.more():
                return

    def decode_value(self) -> tuple[object, Item | None]:
        """The JSON value at the position, moving past it and reading more as
        needed; or the problem (at the element's line) that stops the file."""
        start_line = self.line
        while True:
            try:
                value, end = _JSON_DECODER.raw_decode(self.buffer, self.position)
                break
            except RecursionError:
                return None, Item(start_line, problem="JSON nested too deeply to read")
            except json.JSONDecodeError as exc:
                if self.pending() > MAX_RECORD_BYTES:
                    return None, Item(start_line, problem=f"a JSON element longer than {_limit()}")
                if not self.more():
                    return None, Item(start_line + self.buffer.count("\n", self.position, exc.pos),
                                      problem=f"not valid JSON ({_json_reason(exc)})")
        self.line += self.buffer.count("\n", self.position, end)
        self.position = end
        return value, None


_JSON_DECODER = json.JSONDecoder()


class _Stop(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _BudgetedLines(io.RawIOBase):
    """A stream that ends at the first line boundary past ``budget`` bytes (for CSV)."""

    def __init__(self, stream, budget: int, state: Stream):
        self._stream = stream
        self._budget = budget
        self._state = state

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._state.bytes_read >= self._budget:
            if self._stream.peek(1):
                self._state.sampled = True
            return 0
        data = self._stream.readline(min(len(buffer), MAX_RECORD_BYTES))
        buffer[:len(data)] = data
        self._state.bytes_read += len(data)
        return len(data)


def _delimited(stream, delimiter: str, budget: int, state: Stream) -> Iterator[Item]:
    text = io.TextIOWrapper(io.BufferedReader(_BudgetedLines(stream, budget, state)),
                            encoding="utf-8-sig", errors="strict", newline="")
    csv.field_size_limit(MAX_RECORD_BYTES)
    reader = csv.reader(text, delimiter=delimiter)
    header: list[str] | None = None
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip() for cell in row]
                continue
            if len(row) != len(header):
                yield Item(line, problem=f"{len(row)} fields where the header has {len(header)}")
                continue
            yield Item(line, dict(zip(header, row)))
    except UnicodeDecodeError:
        yield Item(start, problem="the file is not valid UTF-8")
    except csv.Error as exc:
        yield Item(start, problem=f"not valid {'TSV' if delimiter == chr(9) else 'CSV'} ({exc})")


def _parquet(path: str, budget: int, state: Stream) -> Iterator[Item]:
    try:
        import pyarrow.parquet as parquet  # the optional aiplan[parquet] extra
    except ImportError:
        raise Unreadable("is a Parquet file and the Parquet extra is not installed", PARQUET_HINT) from None
    try:
        handle = parquet.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own error types for damaged files
        raise Unreadable(f"is not a readable Parquet file ({exc})", "Check that the file is complete.") from None
    row = 0
    for batch in handle.iter_batches(batch_size=4096):
        if state.bytes_read >= budget:
            state.sampled = True
            return
        state.bytes_read += batch.nbytes
        for record in batch.to_pylist():
            row += 1
            yield Item(row, record if isinstance(record, dict) else None)
