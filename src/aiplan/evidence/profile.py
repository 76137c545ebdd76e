"""One streaming pass over a data file -> :class:`Profile`: what it holds.

Memory is bounded whatever the file's size: records are counted, not kept;
duplicates are found in a hash sample that halves itself whenever it reaches
:data:`MAX_DUPLICATE_SAMPLE` distinct records (a record is kept when the low
bits of its hash are zero, so every copy of a kept record is kept too, and the
share of repeats in the sample estimates the file's). Past the byte budget the
pass stops at a record boundary and the profile says it is a sample.
"""

from __future__ import annotations

import hashlib
import os
from bisect import bisect_right
from typing import Callable

from aiplan.core.records import data_record
from aiplan.evidence.files import Unreadable, check_regular, content_stamp, open_data
from aiplan.evidence.formats import PARQUET_HINT, Stream, format_of, items
from aiplan.evidence.records import categories, normalise, sides

MAX_DUPLICATE_SAMPLE = 100_000
MAX_CATEGORIES = 1_000  # distinct category values kept (memory stays bounded; coverage needs a handful)
FIRST = 5  # examples kept of each kind of problem


@data_record
class FileSettings:
    """Per-file settings from the plan (``format``, ``input_field``, ``category_field``)."""

    format: str | None = None
    input_field: str | None = None
    category_field: str | None = None


@data_record
class Profile:
    """What one data file holds. Lines are 1-based (rows for Parquet)."""

    name: str
    format: str = ""
    records: int = 0                      # complete records (objects or rows), well-formed or not
    malformed: int = 0                    # lines that are not records (bad JSON, not an object...)
    first_malformed: tuple[tuple[int, str], ...] = ()
    misshapen: int = 0                    # records of no known shape
    first_misshapen: tuple[tuple[int, str], ...] = ()
    shapes: tuple[tuple[str, int], ...] = ()
    categorised: int = 0                  # records that carry a category field
    categories: tuple[tuple[str, int, int], ...] = ()   # (key, records, first line)
    duplicates: int = 0                   # repeats within the duplicate sample
    duplicate_sample: int = 0             # records in the duplicate sample
    duplicate_rate: int = 1               # one in this many records is in the sample
    first_duplicates: tuple[tuple[int, int], ...] = ()  # (line, line it repeats)
    sampled: bool = False
    bytes_read: int = 0
    size: int = 0
    unreadable: str = ""
    hint: str = ""
    missing_extra: bool = False           # unreadable only because an optional extra is not installed
    stamps: tuple[tuple[str, str], ...] = ()   # (file, content stamp: aiplan.evidence.files.content_stamp)
    shards: tuple[tuple[str, int], ...] = ()   # a data set of several files: (file, positions before it)

    def where(self, position: int) -> tuple[str, int]:
        """``(file, line)`` of a line position in this profile (see :func:`where`)."""
        return where(self.shards, self.name, position)

    @property
    def entries(self) -> int:
        """Records plus lines that should have been records: what a count claim is compared with."""
        return self.records + self.malformed

    @property
    def estimated_entries(self) -> int:
        """``entries``, extrapolated by bytes when the file was sampled."""
        if not self.sampled or not self.bytes_read or not self.size:
            return self.entries
        return round(self.entries * self.size / self.bytes_read)

    def category_count(self, key: str) -> tuple[int, int]:
        """``(records, first line)`` carrying category ``key`` (``(0, 0)`` if none)."""
        for name, count, line in self.categories:
            if name == key:
                return count, line
        return 0, 0


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def where(shards: tuple[tuple[str, int], ...], name: str, position: int) -> tuple[str, int]:
    """``(file, line)`` of a record position in a data set read as shards.

    A data set of several files numbers its records' lines on from one file to
    the next (``shards`` holds each file and the positions before it); a
    single file's positions are its lines.
    """
    if not shards:
        return name, position
    index = bisect_right([offset for _, offset in shards], position - 1) - 1
    shown, offset = shards[max(index, 0)]
    return shown, position - offset


def profile_parts(parts, name: str, settings: FileSettings, budget: int,
                  consumer: Callable[[int, str], object] | None = None) -> Profile:
    """Stream every file of a data set once, in order, within ``budget`` bytes in all.

    ``parts`` are ``(path, shown name)`` pairs: one for a file, several for
    shards (their lines are numbered on, see :func:`where`). ``consumer``, if
    given, receives ``(position, normalised input)`` of every well-formed
    record: the contamination check rides on the same pass.
    Never raises for bad data (it is described in the profile).
    """
    counts = _Counts(settings, consumer)
    shards: list[tuple[str, int]] = []
    stamps: list[tuple[str, str]] = []
    fmt_seen = ""
    size = bytes_read = 0
    sampled = False
    sharded = len(parts) > 1
    for number, (path, shown) in enumerate(parts):
        try:
            size += check_regular(path).st_size
        except Unreadable as problem:
            return _unreadable(name, format_of(path, settings.format) or "", problem, shown if sharded else "")
        if bytes_read >= budget:
            sampled = True  # later shards are not read at all
            continue
        offset = counts.last_line
        shards.append((shown, offset))
        try:
            fmt, state, stamp = _stream_one(path, shown, settings, budget - bytes_read, counts, offset)
        except Unreadable as problem:
            return _unreadable(name, format_of(path, settings.format) or "", problem, shown if sharded else "")
        fmt_seen = fmt_seen or fmt
        bytes_read += state.bytes_read
        sampled = sampled or state.sampled
        stamps.append((shown, stamp))
    return counts.profile(name, fmt_seen, sampled, bytes_read, size, tuple(stamps),
                          tuple(shards) if sharded else ())


def _unreadable(name: str, fmt: str, problem: Unreadable, shard: str) -> Profile:
    reason = f"has a file, {shard}, that {problem.reason}" if shard else problem.reason
    return Profile(name, fmt, unreadable=reason, hint=problem.hint, missing_extra=problem.hint == PARQUET_HINT)


def _stream_one(path: str, shown: str, settings: FileSettings, budget: int, counts: "_Counts", offset: int):
    """Feed one file's records to ``counts`` (lines numbered after ``offset``):
    ``(format, stream state, content stamp)``. Raises :class:`Unreadable`."""
    fmt = format_of(path, settings.format) or "jsonl"  # unknown suffix: JSON Lines; bad lines are reported
    if fmt == "parquet":
        hashing, stream = None, None
        if not _has_parquet():
            raise Unreadable("is a Parquet file and the Parquet extra is not installed", PARQUET_HINT)
    else:
        hashing, stream = open_data(path, shown)
    state = Stream(fmt)
    try:
        for item in items(stream, fmt, budget, state, path):
            item.line += offset
            counts.add(item)
    except (OSError, EOFError) as exc:  # a truncated .gz, a read error midway
        counts.malformed += 1
        if len(counts.first_malformed) < FIRST:
            counts.first_malformed.append((counts.last_line + 1, f"the file cannot be read past here ({exc})"))
    finally:
        if stream is not None:
            stream.close()
    if hashing is not None:
        stamp = content_stamp(path, hashing.count, hashing.sha256.hexdigest())
    else:
        stamp = content_stamp(path, os.stat(path).st_size, _file_sha256(path))
    # The next shard's lines start after this one's last (one more for a trailing partial line).
    counts.last_line = max(counts.last_line, offset) + 1
    return state.format, state, stamp


def _has_parquet() -> bool:
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def _file_sha256(path: str) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


class _Counts:
    """The running tallies of one pass (mutable while streaming, frozen into a Profile)."""

    def __init__(self, settings: FileSettings, consumer: Callable[[int, str], object] | None = None):
        self.settings = settings
        self.consumer = consumer
        self.records = 0
        self.malformed = 0
        self.first_malformed: list[tuple[int, str]] = []
        self.misshapen = 0
        self.first_misshapen: list[tuple[int, str]] = []
        self.shapes: dict[str, int] = {}
        self.categorised = 0
        self.categories: dict[str, list[int]] = {}
        self.sample: dict[int, list[int]] = {}    # hash -> [first line, copies]
        self.mask = 0
        self.first_duplicates: list[tuple[int, int]] = []
        self.last_line = 0

    def add(self, item) -> None:
        self.last_line = item.line
        if item.record is None:
            self.malformed += 1
            if len(self.first_malformed) < FIRST:
                self.first_malformed.append((item.line, item.problem))
            return
        self.records += 1
        record = item.record
        text, output, shape = sides(record, self.settings.input_field)
        if text is None:
            self.misshapen += 1
            if len(self.first_misshapen) < FIRST:
                self.first_misshapen.append((item.line, shape))
        else:
            self.shapes[shape] = self.shapes.get(shape, 0) + 1
            normalised = normalise(text)
            self._duplicate(item.line, normalised + "\x1f" + normalise(output or ""))
            if self.consumer is not None:
                self.consumer(item.line, normalised)
        has_field, keys = categories(record, self.settings.category_field)
        if has_field:
            self.categorised += 1
            for key in set(keys):
                entry = self.categories.get(key)
                if entry is None:
                    if len(self.categories) < MAX_CATEGORIES:
                        self.categories[key] = [1, item.line]
                else:
                    entry[0] += 1

    def _duplicate(self, line: int, text: str) -> None:
        digest = _hash(text)
        if digest & self.mask:
            return
        entry = self.sample.get(digest)
        if entry is not None:
            entry[1] += 1
            if len(self.first_duplicates) < FIRST:
                self.first_duplicates.append((line, entry[0]))
            return
        self.sample[digest] = [line, 1]
        if len(self.sample) > MAX_DUPLICATE_SAMPLE:
            self.mask = (self.mask << 1) | 1
            self.sample = {h: e for h, e in self.sample.items() if not h & self.mask}
            self.first_duplicates = [pair for pair in self.first_duplicates
                                     if not _hash_line_dropped(pair, self.sample)]

    def profile(self, name: str, fmt: str, sampled: bool, bytes_read: int, size: int,
                stamps: tuple[tuple[str, str], ...], shards: tuple[tuple[str, int], ...]) -> Profile:
        copies = [entry[1] for entry in self.sample.values()]
        return Profile(
            name=name, format=fmt, records=self.records,
            malformed=self.malformed, first_malformed=tuple(self.first_malformed),
            misshapen=self.misshapen, first_misshapen=tuple(self.first_misshapen),
            shapes=tuple(sorted(self.shapes.items())),
            categorised=self.categorised,
            categories=tuple(sorted((key, entry[0], entry[1]) for key, entry in self.categories.items())),
            duplicates=sum(c - 1 for c in copies), duplicate_sample=sum(copies),
            duplicate_rate=self.mask + 1, first_duplicates=tuple(self.first_duplicates),
            sampled=sampled, bytes_read=bytes_read, size=size, stamps=stamps, shards=shards,
        )


def _hash_line_dropped(pair: tuple[int, int], sample: dict) -> bool:
    """Whether the duplicate pair's original left the sample (its first line is no longer kept)."""
    return not any(entry[0] == pair[1] for entry in sample.values())
