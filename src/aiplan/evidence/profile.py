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
import heapq
import os
from bisect import bisect_right
from typing import Any, Callable

from aiplan.core.records import Record
from aiplan.evidence.files import Unreadable, check_regular, content_stamp, file_status, open_data, unreadable_stamp
from aiplan.evidence import split
from aiplan.evidence.formats import PARQUET_HINT, Stream, format_of, items, json_line, json_lines_of, lines
from aiplan.evidence.records import categories, chat_line, normalise, sides
from aiplan.evidence.split import Child, can_split, split_point

MAX_DUPLICATE_SAMPLE = 100_000
MAX_CATEGORIES = 1_000  # distinct category values kept (memory stays bounded; coverage needs a handful)
FIRST = 5  # examples kept of each kind of problem


class FileSettings(Record):
    """Per-file settings from the plan (``format``, ``input_field``, ``category_field``)."""

    format: str | None = None
    input_field: str | None = None
    category_field: str | None = None


class Profile(Record):
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
    files_matched: int = 0                # past the file cap: how many files the glob or folder matched
                                          # (``size`` is then estimated: the files read, scaled to them all)

    def where(self, position: int) -> tuple[str, int]:
        """``(file, line)`` of a line position in this profile (see :func:`where`)."""
        return where(self.shards, self.name, position)

    @property
    def entries(self) -> int:
        """Records plus lines that should have been records: what the lines of a file amount to."""
        return self.records + self.malformed

    @property
    def estimated_records(self) -> int:
        """``records``, extrapolated by bytes when the file was sampled: what a count claim is
        compared with (a trainer reads records; the lines that are not records are EVID005's)."""
        if not self.sampled or not self.bytes_read or not self.size:
            return self.records
        return round(self.records * self.size / self.bytes_read)

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
                  consumer: Callable[[int, str], object] | None = None, max_files: int | None = None) -> Profile:
    """Stream every file of a data set once, in order, within ``budget`` bytes in all.

    ``parts`` are ``(path, shown name)`` pairs: one for a file, several for
    shards (their lines are numbered on, see :func:`where`); past ``max_files``
    of them the rest are not opened (the profile is then a sample and says how
    many files there were). ``consumer``, if given, receives ``(position,
    normalised input)`` of every well-formed record: the contamination check
    rides on the same pass. Never raises for bad data (it is described in the profile).
    """
    files_matched = 0
    if max_files is not None and len(parts) > max_files:
        files_matched, parts = len(parts), parts[:max_files]
    counts = _Counts(settings, consumer)
    shards: list[tuple[str, int]] = []
    stamps: list[tuple[str, str]] = []
    fmt_seen = ""
    size = bytes_read = 0
    sampled = False
    # Capped to one file: still one of several. A glob or folder that matched one file is
    # read as that file, and its lines are named by that file, not by the glob.
    sharded = len(parts) > 1 or bool(files_matched) or (len(parts) == 1 and parts[0][1] != name)
    for number, (path, shown) in enumerate(parts):
        try:
            size += check_regular(path).st_size
        except Unreadable as problem:
            return _unreadable(name, format_of(path, settings.format) or "", problem, shown if sharded else "",
                               tuple(stamps) + ((shown, unreadable_stamp(path, budget)),))
        if bytes_read >= budget:
            sampled = True  # later shards are not read at all
            continue
        offset = counts.last_line
        shards.append((shown, offset))
        try:
            fmt, state, stamp = _stream_one(path, shown, settings, budget - bytes_read, counts, offset)
        except Unreadable as problem:
            return _unreadable(name, format_of(path, settings.format) or "", problem, shown if sharded else "",
                               tuple(stamps) + ((shown, unreadable_stamp(path, budget)),))
        fmt_seen = fmt_seen or fmt
        bytes_read += state.bytes_read
        sampled = sampled or state.sampled
        stamps.append((shown, stamp))
    if files_matched:  # the unopened files are taken to be like the opened ones (not even stat'ed)
        size = round(size * files_matched / len(parts))
    return counts.profile(name, fmt_seen, sampled or bool(files_matched), bytes_read, size, tuple(stamps),
                          tuple(shards) if sharded else (), files_matched)


def _unreadable(name: str, fmt: str, problem: Unreadable, shard: str, stamps: tuple) -> Profile:
    """``stamps``: what was seen, the unreadable file's included, so that fixing it invalidates cached results."""
    reason = f"has a file, {shard}, that {problem.reason}" if shard else problem.reason
    missing_extra = problem.hint == PARQUET_HINT
    # A missing extra is recorded as such (its install is seen); the file is not what failed.
    return Profile(name, fmt, unreadable=reason, hint=problem.hint, missing_extra=missing_extra,
                   stamps=() if missing_extra else stamps)


def _stream_one(path: str, shown: str, settings: FileSettings, budget: int, counts: "_Counts", offset: int):
    """Feed one file's records to ``counts`` (lines numbered after ``offset``):
    ``(format, stream state, content stamp)``. Raises :class:`Unreadable`.

    A large JSON Lines file is read in two processes when it can be
    (:mod:`aiplan.evidence.split`): the second half's tallies are merged in,
    with the result of one pass."""
    fmt = format_of(path, settings.format) or "jsonl"  # unknown suffix: JSON Lines; bad lines are reported
    before = file_status(path)  # an edit while the file is read must show in its stamp
    cut = _split_at(path, fmt, budget, counts)
    if fmt == "parquet":
        hashing, stream = None, None
        if not _has_parquet():
            raise Unreadable("is a Parquet file and the Parquet extra is not installed", PARQUET_HINT)
    else:
        hashing, stream = open_data(path, shown, end=cut)
    child = _start_child(lambda: _read_rest(path, shown, settings, budget, counts.consumer, cut)) if cut else None
    state = Stream(fmt)
    digest = ""
    second_half = cut is not None
    try:
        try:
            numbered = json_lines_of(stream, fmt, budget if cut is None else cut, state) if stream is not None else None
            if numbered is not None:
                counts.add_json_lines(numbered, offset)
            else:
                for item in items(stream, fmt, budget, state, path):
                    item.line += offset
                    counts.add(item)
        except (OSError, EOFError) as exc:  # a truncated .gz, a read error midway
            _cannot_read_past(counts, exc)
            second_half = False  # one pass would have stopped here too
        if second_half and cut is not None:
            rest = child.result() if child is not None else None
            child = None
            if rest is None:  # the child could not start, failed or died: read its half here
                rest = _read_rest(path, shown, settings, budget, counts.consumer, cut)
            assert hashing is not None
            digest = f"{hashing.sha256.hexdigest()}@{cut}+{_merge_rest(counts, state, rest, offset + state.lines)}"
    finally:
        if child is not None:
            child.stop()
        if stream is not None:
            stream.close()
    if digest:
        stamp = content_stamp(path, state.bytes_read, digest, before)
    elif hashing is not None:
        stamp = content_stamp(path, hashing.count, hashing.sha256.hexdigest(), before)
    else:
        stamp = content_stamp(path, os.stat(path).st_size, _file_sha256(path), before)
    # The next shard's lines start after this one's last (one more for a trailing partial line).
    counts.last_line = max(counts.last_line, offset) + 1
    return state.format, state, stamp


def _start_child(work: Callable[[], Any]) -> Child | None:
    try:
        return Child(work)
    except OSError:  # no process to be had (EAGAIN, ENOMEM): this one reads it all
        return None


def _cannot_read_past(counts: "_Counts", exc: BaseException) -> None:
    counts.malformed += 1
    if len(counts.first_malformed) < FIRST:
        counts.first_malformed.append((counts.last_line + 1, f"the file cannot be read past here ({exc})"))


def _split_at(path: str, fmt: str, budget: int, counts: "_Counts") -> int | None:
    """Where to cut a JSON Lines file read in two processes, or ``None`` to read it in one."""
    if fmt not in ("jsonl", "json") or path.lower().endswith(".gz") or not can_split():
        return None
    if counts.consumer is not None and not getattr(counts.consumer, "splits", False):
        return None  # a consumer whose findings are not merged (see aiplan.evidence.overlap._Compare)
    try:
        to_read = min(os.stat(path).st_size, budget)
        if to_read < split.SPLIT_MIN_BYTES:
            return None
        if fmt == "json":
            with open(path, "rb") as handle:
                if handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
                    return None  # a JSON array: read element by element, in one pass
    except OSError:
        return None
    return split_point(path, to_read)


def _read_rest(path: str, shown: str, settings: FileSettings, budget: int, consumer, cut: int) -> tuple:
    """Read a JSON Lines file from ``cut`` (a line start) on, within ``budget`` bytes
    counted from the file's start, into fresh tallies: builtin values for :func:`_merge_rest`."""
    fresh = consumer.fresh() if consumer is not None else None
    counts = _Counts(settings, fresh)
    hashing, stream = open_data(path, shown, start=cut)
    state = Stream("jsonl")
    try:
        counts.add_json_lines(lines(stream, budget - cut, state), 0, starts_file=False)
    except (OSError, EOFError) as exc:
        _cannot_read_past(counts, exc)
    finally:
        stream.close()
    # The digest names the end of what was hashed: reads are buffered, so it can pass what was used.
    return (counts.snapshot(), None if fresh is None else fresh.snapshot(), state.bytes_read, state.sampled,
            state.lines, f"{hashing.sha256.hexdigest()}@{cut + hashing.count}")


def _merge_rest(counts: "_Counts", state: Stream, rest: tuple, shift: int) -> str:
    """Merge :func:`_read_rest`'s result into the first half's; the second half's SHA-256."""
    tallies, found, bytes_read, sampled, line_count, digest = rest
    counts.merge(tallies, shift)
    consumer: Any = counts.consumer  # one that `splits` (see _split_at): it merges what its copy found
    if found is not None:
        consumer.merge(found, shift)
    state.bytes_read += bytes_read
    state.sampled = sampled
    state.lines += line_count
    return digest


def _has_parquet() -> bool:
    try:
        import pyarrow.parquet  # noqa: F401 - the optional aiplan[parquet] extra: is it installed?
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
        self.last_line = 0

    def add_json_lines(self, numbered, offset: int, starts_file: bool = True) -> None:
        """Add the records of numbered JSON Lines lines (line numbers after ``offset``).

        A line holding the common chat record takes a fast path
        (:func:`~aiplan.evidence.records.chat_line`: only its strings are
        decoded) with exactly the effect :meth:`add` has; any other line is
        decoded whole. The per-file settings that change what a record is turn
        the fast path off.
        """
        fast = self.settings.input_field is None and self.settings.category_field is None
        shapes, consumer, duplicate = self.shapes, self.consumer, self._duplicate
        for number, line in numbered:
            pair = chat_line(line) if fast else None
            if pair is None:
                item = json_line(number, line, starts_file)
                if item is not None:
                    item.line += offset
                    self.add(item)
                continue
            # What add() does for a chat record with no other field (so no category field).
            position = self.last_line = number + offset
            self.records += 1
            shapes["chat"] = shapes.get("chat", 0) + 1
            normalised = normalise(pair[0])
            duplicate(position, normalised + "\x1f" + normalise(pair[1]))
            if consumer is not None:
                consumer(position, normalised)

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
        if entry is not None:  # [first line, copies, the first FIRST lines that repeat it...]
            entry[1] += 1
            if len(entry) < 2 + FIRST:
                entry.append(line)
            return
        self.sample[digest] = [line, 1]
        self._bound_sample()

    def _bound_sample(self) -> None:
        """Halve the sample until it holds at most MAX_DUPLICATE_SAMPLE records: the
        mask is then the smallest one that fits the data read, whatever its order."""
        while len(self.sample) > MAX_DUPLICATE_SAMPLE:
            self.mask = (self.mask << 1) | 1
            self.sample = {h: e for h, e in self.sample.items() if not h & self.mask}

    def snapshot(self) -> tuple:
        """The tallies as builtin values (sent from a forked reader, see :meth:`merge`)."""
        return (self.records, self.malformed, self.first_malformed, self.misshapen, self.first_misshapen,
                self.shapes, self.categorised, self.categories, self.sample, self.mask, self.last_line)

    def merge(self, snapshot: tuple, shift: int) -> None:
        """Add the tallies of the data that follows what was read here (its lines
        numbered from 1, so shifted by ``shift``): the result is the one a single
        pass over both would give. Duplicates: the sample of each part holds every
        record whose hash has no bit of its mask set, so both are filtered with the
        larger mask and joined (copies summed, first lines from here), then bounded
        again. Categories are exact below MAX_CATEGORIES distinct values."""
        (records, malformed, first_malformed, misshapen, first_misshapen, shapes, categorised, found,
         sample, mask, last_line) = snapshot
        self.records += records
        self.malformed += malformed
        self.first_malformed = (self.first_malformed + [(line + shift, why) for line, why in first_malformed])[:FIRST]
        self.misshapen += misshapen
        self.first_misshapen = (self.first_misshapen + [(line + shift, why) for line, why in first_misshapen])[:FIRST]
        for shape, count in shapes.items():
            self.shapes[shape] = self.shapes.get(shape, 0) + count
        self.categorised += categorised
        for key, (count, line) in sorted(found.items(), key=lambda item: item[1][1]):
            entry = self.categories.get(key)
            if entry is not None:
                entry[0] += count
            elif len(self.categories) < MAX_CATEGORIES:
                self.categories[key] = [count, line + shift]
        self.mask = max(self.mask, mask)
        merged = {h: e for h, e in self.sample.items() if not h & self.mask}
        for digest, entry in sample.items():
            if digest & self.mask:
                continue
            later = [line + shift for line in entry[:1] + entry[2:]]
            mine = merged.get(digest)
            if mine is None:
                merged[digest] = [later[0], entry[1]] + later[1:FIRST + 1]
            else:
                mine[1] += entry[1]
                mine[2:] = (mine[2:] + later)[:FIRST]
        self.sample = merged
        self._bound_sample()
        if last_line:
            self.last_line = last_line + shift

    def profile(self, name: str, fmt: str, sampled: bool, bytes_read: int, size: int,
                stamps: tuple[tuple[str, str], ...], shards: tuple[tuple[str, int], ...],
                files_matched: int = 0) -> Profile:
        copies = [entry[1] for entry in self.sample.values()]
        # The first repeats in line order, each with the line it repeats.
        repeats = heapq.nsmallest(FIRST, ((line, entry[0]) for entry in self.sample.values() for line in entry[2:]))
        return Profile(
            name=name, format=fmt, records=self.records,
            malformed=self.malformed, first_malformed=tuple(self.first_malformed),
            misshapen=self.misshapen, first_misshapen=tuple(self.first_misshapen),
            shapes=tuple(sorted(self.shapes.items())),
            categorised=self.categorised,
            categories=tuple(sorted((key, entry[0], entry[1]) for key, entry in self.categories.items())),
            duplicates=sum(c - 1 for c in copies), duplicate_sample=sum(copies),
            duplicate_rate=self.mask + 1, first_duplicates=tuple(repeats),
            sampled=sampled, bytes_read=bytes_read, size=size, stamps=stamps, shards=shards,
            files_matched=files_matched,
        )
