"""The object the engine hands rules (``plan.evidence``): facts about named files.

Rules never open files. They ask the reader, which resolves the name relative
to the plan, reads the file once per lint (results are memoised by name and
settings), and:

* pauses the asking rule's time budget while it reads (reading is bounded by
  the byte budget, ``max-evidence-bytes``, not by ``rule-timeout``);
* reports what each result depends on to ``record``, which the results cache
  keys on, so an unchanged data file is not read again while the plan is
  unchanged either: a content stamp of the bytes read, and for every name it
  is asked about, whatever it found: whether the path exists (through
  ``exists``, the engine's check, which the cache answers from one listing per
  folder), and which files a glob or folder names (an empty listing too). So a
  missing file that appears, or a document added to an empty folder, is seen
  on the next run whichever rules asked.

The engine imports this module when a rule first asks about a file. The readers
of each kind of data (profiles, overlap, RAG documents), the results store's
codec and ``datasketch`` for near duplicates are imported when first needed: a
plan asks for some of them only.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import replace
from hashlib import sha256
from typing import Any, Callable, ContextManager

from aiplan.core.globs import GlobError, compile_glob, is_glob
from aiplan.core.paths import normalise_plan_path, resolves_below
# Every question a rule asks starts by locating a file (evidence.files, which imports hashlib).
from aiplan.evidence.files import (REMOTE_SCHEME, is_within, listing_stamp, locate, named_path, repository_root,
                                  stamp_holds)

DEFAULT_BYTE_BUDGET = 64 * 1024 * 1024
DEFAULT_FILE_CAP = 1_000
STAMP_PREFIX = "\x00evidence:"  # dependency key: cannot clash with a path a plan names
LISTING_PREFIX = "\x00listing:"  # dependency key of a glob or folder: which files it matched
EXTRA_PREFIX = "\x00extra:"  # dependency key of an optional extra a result found missing
STORE_FORMAT = "evidence-v2"


class EvidenceReader:
    """Facts about the data files one plan names, relative to ``base_dir``.

    ``near`` lists the ``(threshold, ngram)`` near-duplicate searches the
    enabled rules will ask for: the training data's one streaming pass runs
    them all. ``measures_overlap``: whether an enabled rule asked for the exact
    comparison (``("exact",)``). ``store`` (``get(key)``/``put(key, value)``, see
    :class:`aiplan.run.cache.EvidenceStore`) keeps each data file's results
    across runs, keyed by the file's content stamp and the settings, so a plan
    edit does not read unchanged data again.
    """

    def __init__(self, base_dir: str, *, byte_budget: int = DEFAULT_BYTE_BUDGET, file_cap: int = DEFAULT_FILE_CAP,
                 pause: Callable[[], ContextManager] | None = None,
                 record: Callable[[tuple[str, str]], Any] | None = None,
                 exists: Callable[[str], bool] | None = None,
                 input_fields: tuple[tuple[str, str], ...] = (),
                 near: tuple[tuple[float, int], ...] = (), store: Any = None,
                 measures_overlap: bool = True):
        self.base_dir = os.path.abspath(base_dir)
        # Whether an enabled rule (EVID002) compares held-out and training data: when
        # none does, FT009 reads nothing and says the overlap was not measured.
        self.measures_overlap = measures_overlap
        self.byte_budget = byte_budget
        self.file_cap = file_cap   # files of a glob or folder read as one data set, at most
        self._pause = pause or contextlib.nullcontext
        self._record = record
        # The engine's check of a path the plan names: with ``record``, the cache records its answer.
        self._exists = exists
        self._input_fields = input_fields
        self._near = tuple(sorted(set(near)))
        self._store = store
        self._root: str | None = None
        self._memo: dict[tuple, Any] = {}

    @property
    def root(self) -> str:
        if self._root is None:
            self._root = repository_root(self.base_dir)
        return self._root

    def locate(self, name: str):
        """Where ``name`` points: a :class:`~aiplan.evidence.files.Location`."""
        key = ("locate", name)
        if key not in self._memo:
            where = self._memo[key] = locate(name, self.base_dir, self.root)
            # A glob or folder: which data files it matches. A path outside the repository (a link
            # out of it) is located again: replaced by a file of the repository, it still exists.
            # So is a dangling link: EVAL003 names its target, which may change while it stays missing.
            self._depends_on_path(name, where.path, lambda: listing_stamp(where, self.base_dir),
                                  where.kind == "outside" or bool(where.link_target))
        return self._memo[key]

    def _depends_on_path(self, name: str, path: str, listing: Callable[[], str], listed: bool = False) -> None:
        """Record whether the path ``name`` exists, present or absent, and ``listing()``
        (what a glob or folder names, an empty listing too) when it is one, when the
        existence check cannot answer for it, or when it ``listed`` files."""
        if self._record is None or REMOTE_SCHEME.match(name):  # a URL: nothing on disk decides it
            return
        if self._exists is None or is_glob(name) or name.startswith("~"):  # answered by locating it again
            self._record((LISTING_PREFIX + name, listing()))
            return
        self._exists(name)  # records (name, whether it exists): a missing file that appears is seen
        if listed or os.path.isdir(path):
            self._record((LISTING_PREFIX + name, listing()))

    def shown(self, path: str) -> str:
        """How a message names the file at the absolute ``path``: relative to the plan, with ``/``."""
        return os.path.relpath(path, self.base_dir).replace(os.sep, "/")

    def parts(self, name: str) -> tuple[tuple[str, str], ...]:
        """``(path, name shown)`` of each file ``name`` points at: itself, or its shards."""
        where = self.locate(name)
        if where.kind == "shards":
            return tuple((path, self.shown(path)) for path in where.parts)
        return ((where.path, name),)

    def outside(self, path: str) -> bool:
        """Whether the absolute ``path`` (a folder ending in a separator too), links followed,
        lies outside the repository holding the plan (:func:`~aiplan.evidence.files.locate`'s
        rule): named, its files would not be read."""
        return not is_within(path.rstrip(os.sep) or os.sep, self.root)

    def skipped(self, name: str) -> tuple[str, ...]:
        """The names shown of the files of the glob or folder ``name`` that are links out of
        the repository: matched but not read (see :attr:`Location.skipped`)."""
        return tuple(self.shown(path) for path in self.locate(name).skipped)

    def same_file(self, first: str, second: str) -> str | None:
        """The file (or folder, shown ending in `/`) both names point at, shown relative to the plan, when they are
        one once links and `..` are resolved (`data/t.jsonl`, `../repo/data/t.jsonl`, a link to
        it), else ``None``. Globs are compared by their spelling only (metrics.same_path).
        Where each name resolves is recorded: a link pointed elsewhere is seen on the next run."""
        found = []
        for name in (first, second):
            where = self.locate(name)
            if where.kind not in ("local", "shards") or is_glob(name):
                return None
            if self._record is not None:
                self._record((LISTING_PREFIX + name, listing_stamp(where, self.base_dir, resolved=True)))
            found.append(os.path.realpath(where.path))
        if found[0] != found[1]:
            return None
        return self.shown(found[0]) + ("/" if os.path.isdir(found[0]) else "")  # a folder shown as one

    def leads_into(self, data_name: str, name: str) -> str | None:
        """:meth:`shown_part` for a ``name`` that resolves, links followed, into the folder the
        data set ``data_name`` starts from (:func:`~aiplan.core.paths.resolves_below`), else
        ``None``: a held-out path that leads into the training data (FT006). Where ``name``
        resolves is recorded: a link pointed elsewhere is seen on the next run.

        A ``name`` that is a folder (a link to a folder below the training folder, or to one the
        training glob reaches into) leads into the data set when one of its data files is one of
        the data set's: its held-out examples are training examples, as a held-out file's are. It
        is shown as the folder it leads to, ending in `/`."""
        key = ("leads_into", data_name, name)
        if key not in self._memo:  # asked by every rule that lists the plan's data (data_claims)
            where = self.locate(name)
            if where.kind in ("local", "shards") and self._record is not None:
                self._record((LISTING_PREFIX + name, listing_stamp(where, self.base_dir, resolved=True)))
            found = None
            if resolves_below(self.base_dir, name, data_name):
                found = (self._folder_part(data_name, where) if where.kind == "shards"
                         else self.shown_part(data_name, name))
            self._memo[key] = found
        return self._memo[key]

    def linked_from(self, data_name: str, name: str) -> str | None:
        """The name shown of a file of the glob or folder ``data_name`` that is a symbolic link to
        the file ``name`` points at, when ``name`` lies apart from the data set (a training file
        `train/part2.jsonl` -> `../heldout/eval.jsonl`), else ``None``: read through the link, the
        held-out file is training data, the same leak as a held-out link into the training data
        (FT006). Only links are resolved: a file of the walk that is no link lies below the folder
        it starts from (the walk follows no linked folder). Where ``name`` resolves is recorded."""
        key = ("linked_from", data_name, name)
        if key not in self._memo:
            where = self.locate(name)
            found = None
            if where.kind == "local" and not is_glob(name) and self.locate(data_name).kind == "shards" \
                    and not resolves_below(self.base_dir, name, data_name):
                if self._record is not None:
                    self._record((LISTING_PREFIX + name, listing_stamp(where, self.base_dir, resolved=True)))
                real = os.path.realpath(where.path)
                found = next((shown for path, shown in self.parts(data_name)
                              if os.path.islink(path) and os.path.realpath(path) == real), None)
            self._memo[key] = found
        return self._memo[key]

    def _folder_part(self, data_name: str, where) -> str | None:
        """The folder ``where`` (a located folder of data files) leads to, shown ending in `/`,
        when one of its data files is one of the files of the data set ``data_name``, else ``None``."""
        if is_glob(where.name) or self.locate(data_name).kind != "shards":
            return None
        files = {os.path.realpath(path) for path, _ in self.parts(data_name)}
        if not any(os.path.realpath(path) in files for path in where.parts):
            return None
        return self.shown(os.path.realpath(where.path)) + "/"

    def shown_part(self, data_name: str, name: str) -> str | None:
        """The name shown for the file ``name`` points at when it is one of the
        files of the data set ``data_name`` (a glob or folder), else ``None``."""
        key = ("shown_part", data_name, name)
        if key in self._memo:  # asked by every rule that lists the plan's data (FT006's leak test)
            return self._memo[key]
        where = self.locate(name)
        found = None
        if where.kind == "local" and self.locate(data_name).kind == "shards":
            real = os.path.realpath(where.path)
            found = next((shown for path, shown in self.parts(data_name) if os.path.realpath(path) == real), None)
        self._memo[key] = found
        return found

    def profile(self, name: str, settings=None):
        """The :class:`~aiplan.evidence.profile.Profile` of local data (see :meth:`locate` first)."""
        from aiplan.evidence.profile import FileSettings, profile_parts  # heavy (75 M instructions): data files only

        settings = self.settings_for(name, settings or FileSettings())
        key = ("profile", name, settings)
        if key not in self._memo:
            parts = self.parts(name)
            self._memo[key] = self._stored(
                ("profile", name, [p for p, _ in parts], _fields(settings)),
                parts, lambda: profile_parts(parts, name, settings, self.byte_budget, max_files=self.file_cap))
        return self._memo[key]

    def training_pass(self, training: tuple, evaluations: tuple):
        """The :class:`~aiplan.evidence.overlap.TrainingPass` of the training data
        against ``evaluations``: ``(name, settings)`` pairs of local data. One
        streaming pass over the training data feeds its profile, the exact
        overlap and every near-duplicate search the reader was told of."""
        return self._pass(training, evaluations, self._near)

    def overlap(self, training: tuple, evaluations: tuple, near_threshold: float | None = None, ngram: int = 2):
        """:class:`~aiplan.evidence.overlap.Contamination` of ``evaluations`` in ``training``:
        ``(name, settings)`` pairs of local files. Served by :meth:`training_pass`
        when the reader was told of this near-duplicate search, else by a pass of its own."""
        if near_threshold is None:
            return self.training_pass(training, evaluations).exact
        spec = (near_threshold, ngram)
        result = self._pass(training, evaluations, self._near if spec in self._near else (spec,))
        return result.near_for(*spec)

    def _pass(self, training: tuple, evaluations: tuple, near: tuple):
        from aiplan.evidence.overlap import training_pass  # heavy (93 M instructions): fine-tuning data only

        training = (training[0], self.settings_for(*training))
        evaluations = tuple((name, self.settings_for(name, settings)) for name, settings in evaluations)
        key = ("pass", training, evaluations, near)
        if key not in self._memo:
            named = lambda pair: (pair[0], self.parts(pair[0]), pair[1])  # noqa: E731
            every = self.parts(training[0]) + tuple(part for name, _ in evaluations for part in self.parts(name))
            self._memo[key] = self._stored(
                ("pass", [[name, [p for p, _ in self.parts(name)], _fields(settings)]
                          for name, settings in (training,) + evaluations], [list(spec) for spec in near]),
                every, lambda: training_pass(named(training), [named(pair) for pair in evaluations],
                                             self.byte_budget, near, self.file_cap))
            # The evaluation sets were profiled while being indexed: asked later, they are not read again.
            for (name, settings), profile in zip(evaluations, self._memo[key].evaluations):
                self._memo.setdefault(("profile", name, settings), profile)
        return self._memo[key]

    def _stored(self, what: tuple, parts: tuple, compute: Callable[[], Any]):
        """``compute()``'s result, from the store when the files it read are unchanged;
        their content stamps are recorded for the plan's cached result either way."""
        shown_paths = {shown: path for path, shown in parts}
        store_key = None
        if self._store is not None:
            store_key = sha256(json.dumps([STORE_FORMAT, self.byte_budget, self.file_cap, what]).encode()).hexdigest()
            result = self._load(store_key)
            if result is not None:
                self._note_all(_stamps_of(result))
                self._note_extras(result)
                return result
        with self._pause():
            result = compute()
        stamps = _stamps_of(result)
        self._note_all(stamps)
        self._note_extras(result)
        if store_key is not None and stamps and all(shown in shown_paths for shown, _ in stamps):
            from aiplan.evidence.stored import to_builtin  # heavy (115 M instructions): only with the results cache

            try:
                self._store.put(store_key, ([[shown_paths[shown], stamp] for shown, stamp in stamps],
                                            to_builtin(result)))
            except (OSError, ValueError):
                pass  # the store never fails a lint
        return result

    def _load(self, store_key: str):
        from aiplan.evidence.stored import from_builtin  # start-up: only with the results cache (as to_builtin)

        try:
            entry = self._store.get(store_key)
            if entry is None:
                return None
            stamps, value = entry
            if not all(stamp_holds(path, stamp) for path, stamp in stamps):
                return None
            return from_builtin(value)
        except (OSError, ValueError, TypeError):
            return None

    def settings_for(self, name: str, settings):
        """``settings`` with the configuration's `input-fields` applied when the plan sets no `input_field`."""
        if settings is None or settings.input_field or not self._input_fields:
            return settings
        shown = normalise_plan_path(name, keep_folder=False)
        for pattern, field in self._input_fields:
            # The configuration's glob syntax: `*` stays within a folder, `**` spans folders.
            try:
                if compile_glob(pattern).fullmatch(shown):
                    return replace(settings, input_field=field)
            except GlobError:  # refused when the configuration is read; never fails a lint
                continue
        return settings

    def corpus_skipped(self, name: str) -> tuple[str, ...]:
        """The absolute paths of the RAG documents of a glob or folder ``name`` that are links
        out of the repository (not read; EVID008 names them)."""
        return self._documents(name)[2]

    def _documents(self, name: str) -> tuple[list[str], str, tuple[str, ...]]:
        """:func:`~aiplan.evidence.corpus.sorted_documents` of ``name``, walked once per run."""
        from aiplan.evidence.corpus import sorted_documents  # RAG documents only, as in corpus()

        key = ("corpus-documents", name)
        if key not in self._memo:
            inside, why, outside = sorted_documents(name, self.base_dir, self.root)
            self._memo[key] = (inside, why, tuple(outside))
        return self._memo[key]

    def corpus(self, name: str):
        """The :class:`~aiplan.evidence.corpus.CorpusProfile` of RAG documents (a file, folder or glob)."""
        from aiplan.evidence.corpus import NOTHING_THERE, documents_stamp, profile_corpus  # 19 M instructions: RAG documents only

        key = ("corpus", name)
        if key not in self._memo:
            inside, why, skipped = self._documents(name)
            listed = (inside, why)
            named = named_path(name, self.base_dir)
            # A document added to a glob or folder (an empty one too) changes the result, and so
            # does anything at a path that named none (outside the repository): it is listed again.
            self._depends_on_path(name, named, lambda: documents_stamp(listed[0], self.base_dir, listed[1], skipped),
                                  bool(listed[0]) or listed[1] not in ("", NOTHING_THERE))
            parts = tuple((path, self.shown(path)) for path in listed[0])
            self._memo[key] = self._stored(
                ("corpus", name, list(listed[0])), parts,
                lambda: profile_corpus(name, self.base_dir, self.root, self.byte_budget, listed))
        return self._memo[key]

    def _note_extras(self, result) -> None:
        """A result that says an optional extra is not installed holds only while it is not."""
        if self._record is None:
            return
        profiles = (result, getattr(result, "profile", None)) + tuple(getattr(result, "evaluations", ()))
        if any(getattr(profile, "missing_extra", False) for profile in profiles):
            self._record((EXTRA_PREFIX + "pyarrow", "extra:absent"))  # aiplan[parquet]
        if getattr(result, "pdfs_unread", 0):
            self._record((EXTRA_PREFIX + "pdfplumber", "extra:absent"))  # aiplan[pdf]

    def _note_all(self, stamps) -> None:
        for name, stamp in stamps:
            self._note(name, stamp)

    def _note(self, name: str, stamp: str) -> None:
        if self._record is not None and stamp:
            self._record((STAMP_PREFIX + name, stamp))


def _fields(settings) -> list:
    return [settings.format, settings.input_field, settings.category_field]


def _stamps_of(result) -> tuple:
    """The ``(name shown, content stamp)`` of every file a result read."""
    profile = getattr(result, "profile", None)
    if profile is not None:  # a training pass: its contamination results name every file
        return result.exact.stamps or profile.stamps
    return getattr(result, "stamps", ())
