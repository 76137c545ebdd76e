"""Held-out and evaluation records that also occur in the training data.

The evaluation sets are indexed in memory (they are the small side); the
training data is streamed once, in the same pass that profiles it
(:func:`training_pass`), so memory grows with the evaluation sets and never
with the training set, and every check on the training data shares one read.

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
from typing import Any, Callable, Iterable

from aiplan.core.records import Record
from aiplan.evidence.profile import FileSettings, Profile, profile_parts, where

WORD = re.compile(r"\w+")
NUM_PERM = 128
FIRST = 5


class Overlap(Record):
    """Records of one evaluation set found in the training data. Lines are
    positions (see :func:`~aiplan.evidence.profile.where`): :meth:`where` names the file."""

    name: str
    records: int = 0                                   # evaluation records with an input side
    exact: int = 0                                     # of those, found exactly in training
    first_exact: tuple[tuple[int, int], ...] = ()      # (evaluation line, training line)
    near: int = 0                                      # found as near-duplicates only
    first_near: tuple[tuple[int, int, float], ...] = ()  # (evaluation line, training line, Jaccard)
    shards: tuple[tuple[str, int], ...] = ()           # the set's files, when it is several

    def where(self, position: int) -> tuple[str, int]:
        return where(self.shards, self.name, position)


class Contamination(Record):
    """The result of one pass over the training data against every evaluation set."""

    training: str
    training_records: int = 0
    sampled: bool = False
    bytes_read: int = 0
    size: int = 0
    near_threshold: float | None = None
    overlaps: tuple[Overlap, ...] = ()
    unreadable: str = ""
    stamps: tuple[tuple[str, str], ...] = ()           # (name, content stamp) of every file read
    training_shards: tuple[tuple[str, int], ...] = ()  # the training data's files, when it is several
    ngram: int = 2
    files_matched: int = 0                             # past the file cap: the training files matched

    def overlap(self, name: str) -> Overlap | None:
        for item in self.overlaps:
            if item.name == name:
                return item
        return None

    def where(self, position: int) -> tuple[str, int]:
        """``(file, line)`` of a training position."""
        return where(self.training_shards, self.training, position)


class TrainingPass(Record):
    """Everything one streaming pass over the training data measured: its
    profile, the exact overlap with every evaluation set, and the near
    duplicates for each requested ``(threshold, ngram)``."""

    profile: Profile
    exact: Contamination
    near: tuple[tuple[tuple[float, int], Contamination], ...] = ()
    evaluations: tuple[Profile, ...] = ()     # the evaluation sets' profiles, read while indexing them

    def near_for(self, threshold: float, ngram: int) -> Contamination | None:
        for spec, result in self.near:
            if spec == (threshold, ngram):
                return result
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


Parts = tuple[tuple[str, str], ...]   # (path, name shown) of each file of a data set


class _NearSearch:
    """Near-duplicate candidates for one ``(threshold, ngram)``: the LSH index of the evaluation records."""

    def __init__(self, threshold: float, ngram: int, grams: list[list[frozenset]]):
        self.threshold = threshold
        self.ngram = ngram
        self.grams = grams
        self.first: list[dict[int, tuple[int, float]]] = [{} for _ in grams]
        self.vocabulary: set[str] = set()
        self.lsh: Any = None   # datasketch's MinHashLSH, when there is anything to index
        self.minhash: Callable[[frozenset], Any] | None = None
        if any(grams):
            self.lsh, self.minhash = _lsh(grams, threshold)
            for set_grams in grams:
                for item in set_grams:
                    self.vocabulary.update(item)

    def add(self, position: int, text: str, exact_found: list[dict[int, int]], exact_hit: bool) -> None:
        if self.lsh is None or self.minhash is None:
            return
        mine = shingles(text, self.ngram)
        if not mine or len(mine & self.vocabulary) < self.threshold * len(mine):
            return
        for set_index, record in self.lsh.query(self.minhash(mine)):
            if record in exact_found[set_index] or record in self.first[set_index]:
                continue
            similarity = jaccard(mine, self.grams[set_index][record])
            if similarity >= self.threshold and not exact_hit:
                self.first[set_index][record] = (position, similarity)


def training_pass(training: tuple[str, Parts, FileSettings], evaluations: Iterable[tuple[str, Parts, FileSettings]],
                  budget: int, near_specs: tuple[tuple[float, int], ...] = (),
                  max_files: int | None = None) -> TrainingPass:
    """One streaming pass over the training data (``(name, parts, settings)``)
    feeding its profile, the exact overlap with every evaluation set and the
    near duplicates for each ``(threshold, ngram)`` in ``near_specs``.

    The evaluation sets are read first and indexed (memory grows with them);
    the training data is streamed once and dropped record by record.
    """
    train_name, train_parts, train_settings = training
    exact_index: dict[str, list[tuple[int, int]]] = {}      # normalised input -> [(set, record)]
    ngrams = sorted({ngram for _, ngram in near_specs})
    lines: list[list[int]] = []                              # per set: position of each record
    grams: dict[int, list[list[frozenset]]] = {ngram: [] for ngram in ngrams}
    names: list[str] = []
    set_shards: list[tuple] = []
    set_profiles: list[Profile] = []
    stamps: list[tuple[str, str]] = []
    for set_index, (name, parts, settings) in enumerate(evaluations):
        set_lines: list[int] = []
        set_grams: dict[int, list[frozenset]] = {ngram: [] for ngram in ngrams}

        def index(position: int, text: str, set_index=set_index, set_lines=set_lines, set_grams=set_grams) -> None:
            exact_index.setdefault(text, []).append((set_index, len(set_lines)))
            set_lines.append(position)
            for ngram, kept in set_grams.items():
                kept.append(shingles(text, ngram))

        # An unreadable set is EVID005's to report; what was read of it is still compared.
        read = profile_parts(parts, name, settings, budget, index, max_files)
        stamps.extend(read.stamps)
        set_profiles.append(read)
        names.append(name)
        lines.append(set_lines)
        set_shards.append(read.shards)
        for ngram in ngrams:
            grams[ngram].append(set_grams[ngram])

    searches = [_NearSearch(threshold, ngram, grams[ngram]) for threshold, ngram in near_specs]
    compare = _Compare(exact_index, len(names), searches)
    profile = profile_parts(train_parts, train_name, train_settings, budget, compare, max_files)
    first_exact = compare.first_exact
    stamps.extend(profile.stamps)

    def contamination(search: _NearSearch | None) -> Contamination:
        if profile.unreadable:
            return Contamination(train_name, unreadable=profile.unreadable)
        overlaps = []
        for set_index, name in enumerate(names):
            exact = sorted((lines[set_index][r], t) for r, t in first_exact[set_index].items())
            near = [] if search is None else sorted(
                (lines[set_index][r], t, round(j, 2)) for r, (t, j) in search.first[set_index].items()
                if r not in first_exact[set_index])
            overlaps.append(Overlap(name, len(lines[set_index]), len(exact), tuple(exact[:FIRST]),
                                    len(near), tuple(near[:FIRST]), set_shards[set_index]))
        return Contamination(train_name, profile.records - profile.misshapen, profile.sampled, profile.bytes_read,
                             profile.size, None if search is None else search.threshold, tuple(overlaps),
                             stamps=tuple(stamps), training_shards=profile.shards,
                             ngram=2 if search is None else search.ngram, files_matched=profile.files_matched)

    return TrainingPass(profile, contamination(None),
                        tuple(((s.threshold, s.ngram), contamination(s)) for s in searches), tuple(set_profiles))


class _Compare:
    """What the training pass does with each training record's normalised
    input: look it up among the evaluation records, exactly and nearly.

    A file read in two processes (:mod:`aiplan.evidence.split`) compares its
    second half in a :meth:`fresh` copy (the index shared, nothing found yet)
    whose :meth:`snapshot` is merged in: the first training position of each
    evaluation record, as one pass would find it. Only without near-duplicate
    searches (``splits``): their index (numpy, ``datasketch``) would be held
    by both processes, past the memory the check is allowed.
    """

    def __init__(self, exact_index: dict[str, list[tuple[int, int]]], sets: int, searches: list[_NearSearch]):
        self.exact_index = exact_index
        self.first_exact: list[dict[int, int]] = [{} for _ in range(sets)]   # record -> training position
        self.searches = searches
        self.splits = not searches

    def __call__(self, position: int, text: str) -> None:
        hits = self.exact_index.get(text)
        if hits is not None:
            for set_index, record in hits:
                self.first_exact[set_index].setdefault(record, position)
        for search in self.searches:
            search.add(position, text, self.first_exact, hits is not None)

    def fresh(self) -> "_Compare":
        return _Compare(self.exact_index, len(self.first_exact), [])

    def snapshot(self) -> list[dict[int, int]]:
        return self.first_exact

    def merge(self, first_exact: list[dict[int, int]], shift: int) -> None:
        """Add what a fresh copy found in the records after these (positions shifted by ``shift``)."""
        for kept, later in zip(self.first_exact, first_exact):
            for record, position in later.items():
                kept.setdefault(record, position + shift)


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
