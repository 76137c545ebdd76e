"""Held-out and evaluation records that also occur in the training data.

The evaluation sets are indexed in memory (they are the small side); the
training file is streamed once, so memory grows with the evaluation sets and
never with the training set.

* Exact: the input sides are compared after :func:`~aiplan.evidence.records.normalise`
  (NFKC, case, whitespace), as a dictionary lookup per training record.
* Near: word n-gram sets (``\\w+`` words of the normalised input) with a
  Jaccard similarity at or above the threshold. Candidates come from MinHash
  locality-sensitive hashing (``datasketch``), queried only for training
  records that could reach the threshold at all: ``J(A, B) >= t`` needs
  ``|A & B| >= t * |A|``, so a training record sharing fewer n-grams than that
  with *all* evaluation records together is skipped without hashing. Every
  candidate's Jaccard is then computed exactly, so a reported pair is a real one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from aiplan.evidence.files import Unreadable, check_regular, content_stamp, open_data
from aiplan.evidence.formats import Stream, format_of, items
from aiplan.evidence.profile import FileSettings
from aiplan.evidence.records import normalise, sides

WORD = re.compile(r"\w+")
NUM_PERM = 128
FIRST = 5


@dataclass(frozen=True, slots=True)
class Overlap:
    """Records of one evaluation set found in the training data."""

    name: str
    records: int = 0                                   # evaluation records with an input side
    exact: int = 0                                     # of those, found exactly in training
    first_exact: tuple[tuple[int, int], ...] = ()      # (evaluation line, training line)
    near: int = 0                                      # found as near-duplicates only
    first_near: tuple[tuple[int, int, float], ...] = ()  # (evaluation line, training line, Jaccard)


@dataclass(frozen=True, slots=True)
class Contamination:
    """The result of one pass over the training file against every evaluation set."""

    training: str
    training_records: int = 0
    sampled: bool = False
    bytes_read: int = 0
    size: int = 0
    near_threshold: float | None = None
    overlaps: tuple[Overlap, ...] = ()
    unreadable: str = ""
    stamps: tuple[tuple[str, str], ...] = ()           # (name, content stamp) of every file read

    def overlap(self, name: str) -> Overlap | None:
        for item in self.overlaps:
            if item.name == name:
                return item
        return None


def shingles(normalised: str, size: int) -> frozenset[str]:
    """The word ``size``-grams of a normalised text (the whole text if it is shorter)."""
    words = WORD.findall(normalised)
    if len(words) <= size:
        return frozenset((" ".join(words),)) if words else frozenset()
    return frozenset(" ".join(words[i:i + size]) for i in range(len(words) - size + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def _records(path: str, name: str, settings: FileSettings, budget: int, state: Stream):
    """``(line, normalised input)`` of a file's well-formed records, then the hashing reader."""
    fmt = format_of(path, settings.format) or "jsonl"
    hashing, stream = (None, None) if fmt == "parquet" else open_data(path, name)
    state.format = fmt
    try:
        for item in items(stream, fmt, budget, state, path):
            if item.record is None:
                continue
            text, _output, _shape = sides(item.record, settings.input_field)
            if text is not None:
                yield item.line, normalise(text)
    finally:
        if stream is not None:
            stream.close()
        state.notes.append(content_stamp(path, hashing.count, hashing.sha256.hexdigest()) if hashing else "")


def find_overlap(training: tuple[str, str, FileSettings], evaluations: Iterable[tuple[str, str, FileSettings]],
                 budget: int, near_threshold: float | None = None, ngram: int = 2) -> Contamination:
    """Compare ``evaluations`` (``(name, path, settings)`` each) with ``training``.

    ``near_threshold`` ``None`` checks exact matches only.
    """
    train_name, train_path, train_settings = training
    exact_index: dict[str, list[tuple[int, int]]] = {}      # normalised input -> [(set, record)]
    lines: list[list[int]] = []                              # per set: line of each record
    grams: list[list[frozenset]] = []
    names: list[str] = []
    stamps: list[tuple[str, str]] = []
    for set_index, (name, path, settings) in enumerate(evaluations):
        state = Stream("")
        set_lines: list[int] = []
        set_grams: list[frozenset] = []
        try:
            check_regular(path)
            for line, text in _records(path, name, settings, budget, state):
                exact_index.setdefault(text, []).append((set_index, len(set_lines)))
                set_lines.append(line)
                if near_threshold is not None:
                    set_grams.append(shingles(text, ngram))
        except (Unreadable, OSError, EOFError):
            pass  # EVID005 reports unreadable files; what was read is still compared
        if state.notes and state.notes[-1]:
            stamps.append((name, state.notes[-1]))
        names.append(name)
        lines.append(set_lines)
        grams.append(set_grams)

    first_exact: list[dict[int, int]] = [{} for _ in names]           # record -> training line
    first_near: list[dict[int, tuple[int, float]]] = [{} for _ in names]
    lsh = None
    vocabulary: set[str] = set()
    if near_threshold is not None and any(grams):
        lsh, minhash = _lsh(grams, near_threshold)
        for set_grams in grams:
            for item in set_grams:
                vocabulary.update(item)

    state = Stream("")
    records = 0
    try:
        check_regular(train_path)
        for line, text in _records(train_path, train_name, train_settings, budget, state):
            records += 1
            hits = exact_index.get(text)
            if hits is not None:
                for set_index, record in hits:
                    first_exact[set_index].setdefault(record, line)
            if lsh is None:
                continue
            mine = shingles(text, ngram)
            if not mine or len(mine & vocabulary) < near_threshold * len(mine):
                continue
            for key in lsh.query(minhash(mine)):
                set_index, record = key
                if record in first_exact[set_index] or record in first_near[set_index]:
                    continue
                theirs = grams[set_index][record]
                similarity = jaccard(mine, theirs)
                if similarity >= near_threshold and hits is None:
                    first_near[set_index][record] = (line, similarity)
    except Unreadable as problem:
        return Contamination(train_name, unreadable=problem.reason)
    except (OSError, EOFError):
        pass  # a truncated training file: what was read is compared
    if state.notes and state.notes[-1]:
        stamps.append((train_name, state.notes[-1]))

    overlaps = []
    for set_index, name in enumerate(names):
        exact = sorted((lines[set_index][r], t) for r, t in first_exact[set_index].items())
        near = sorted((lines[set_index][r], t, round(j, 2)) for r, (t, j) in first_near[set_index].items()
                      if r not in first_exact[set_index])
        overlaps.append(Overlap(name, len(lines[set_index]), len(exact), tuple(exact[:FIRST]),
                                len(near), tuple(near[:FIRST])))
    size = 0
    try:
        size = check_regular(train_path).st_size
    except Unreadable:
        pass
    return Contamination(train_name, records, state.sampled, state.bytes_read, size, near_threshold,
                         tuple(overlaps), stamps=tuple(stamps))


def _lsh(grams: list[list[frozenset]], threshold: float):
    """A MinHash LSH index of every evaluation record, and the function that hashes a gram set."""
    from datasketch import MinHash, MinHashLSH  # heavy (numpy, scipy): only for near duplicates

    template = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32")
    permutations = template.permutations

    def minhash(gram_set: frozenset) -> "MinHash":
        value = MinHash(num_perm=NUM_PERM, permutations=permutations, scheme="affine32")
        value.update_batch([gram.encode("utf-8", "surrogatepass") for gram in gram_set])
        return value

    # A lower LSH threshold than the reported one: more candidates (recall), and
    # each is checked with the exact Jaccard (precision).
    lsh = MinHashLSH(threshold=max(0.1, threshold - 0.15), num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for set_index, set_grams in enumerate(grams):
            for record, gram_set in enumerate(set_grams):
                if gram_set:
                    session.insert((set_index, record), minhash(gram_set), check_duplication=False)
    return lsh, minhash
