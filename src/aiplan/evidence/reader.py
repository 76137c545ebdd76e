"""The object the engine hands rules (``plan.evidence``): facts about named files.

Rules never open files. They ask the reader, which resolves the name relative
to the plan, reads the file once per lint (results are memoised by name and
settings), and:

* pauses the asking rule's time budget while it reads (reading is bounded by
  the byte budget, ``max-evidence-bytes``, not by ``rule-timeout``);
* reports what each result depends on (a content stamp of the bytes read) to
  ``record``, which the results cache keys on, so an unchanged data file is not
  read again while the plan is unchanged either.

Importing this module is cheap: the readers, and ``datasketch`` for near
duplicates, are imported only when a rule asks about a file.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Callable, ContextManager

DEFAULT_BYTE_BUDGET = 64 * 1024 * 1024
STAMP_PREFIX = "\x00evidence:"  # dependency key: cannot clash with a path a plan names


class EvidenceReader:
    """Facts about the data files one plan names, relative to ``base_dir``."""

    def __init__(self, base_dir: str, *, byte_budget: int = DEFAULT_BYTE_BUDGET,
                 pause: Callable[[], ContextManager] | None = None,
                 record: Callable[[tuple[str, str]], Any] | None = None,
                 input_fields: tuple[tuple[str, str], ...] = ()):
        self.base_dir = os.path.abspath(base_dir)
        self.byte_budget = byte_budget
        self._pause = pause or contextlib.nullcontext
        self._record = record
        self._input_fields = input_fields
        self._root: str | None = None
        self._memo: dict[tuple, Any] = {}

    @property
    def root(self) -> str:
        if self._root is None:
            from aiplan.evidence.files import repository_root  # start-up: readers load when asked

            self._root = repository_root(self.base_dir)
        return self._root

    def locate(self, name: str):
        """Where ``name`` points: a :class:`~aiplan.evidence.files.Location`."""
        key = ("locate", name)
        if key not in self._memo:
            from aiplan.evidence.files import locate  # start-up: readers load when asked

            self._memo[key] = locate(name, self.base_dir, self.root)
        return self._memo[key]

    def profile(self, name: str, settings=None):
        """The :class:`~aiplan.evidence.profile.Profile` of a local file (see :meth:`locate` first)."""
        from aiplan.evidence.profile import FileSettings, profile_file  # start-up: readers load when asked

        settings = self.settings_for(name, settings or FileSettings())
        key = ("profile", name, settings)
        if key not in self._memo:
            location = self.locate(name)
            with self._pause():
                result = profile_file(location.path, name, settings, self.byte_budget)
            self._note(name, result.stamp)
            self._memo[key] = result
        return self._memo[key]

    def overlap(self, training: tuple, evaluations: tuple, near_threshold: float | None = None, ngram: int = 2):
        """:class:`~aiplan.evidence.overlap.Contamination` of ``evaluations`` in ``training``:
        ``(name, settings)`` pairs of local files."""
        from aiplan.evidence.overlap import find_overlap  # start-up: readers load when asked

        training = (training[0], self.settings_for(*training))
        evaluations = tuple((name, self.settings_for(name, settings)) for name, settings in evaluations)
        key = ("overlap", training, evaluations, near_threshold, ngram)
        if key not in self._memo:
            resolve = lambda pair: (pair[0], self.locate(pair[0]).path, pair[1])  # noqa: E731
            with self._pause():
                result = find_overlap(resolve(training), [resolve(pair) for pair in evaluations],
                                      self.byte_budget, near_threshold, ngram)
            for name, stamp in result.stamps:
                self._note(name, stamp)
            self._memo[key] = result
        return self._memo[key]

    def settings_for(self, name: str, settings):
        """``settings`` with the configuration's `input-fields` applied when the plan sets no `input_field`."""
        if settings is None or settings.input_field or not self._input_fields:
            return settings
        from dataclasses import replace  # start-up: only when the configuration sets input-fields
        from fnmatch import fnmatchcase  # start-up: as above

        shown = os.path.normpath(name).replace(os.sep, "/")
        for pattern, field in self._input_fields:
            # fnmatch: `*` also matches `/`, so `data/*.jsonl` covers data/ft/train.jsonl too.
            if fnmatchcase(shown, os.path.normpath(pattern).replace(os.sep, "/")):
                return replace(settings, input_field=field)
        return settings

    def corpus(self, name: str):
        """The :class:`~aiplan.evidence.corpus.CorpusProfile` of RAG documents (a file, folder or glob)."""
        from aiplan.evidence.corpus import profile_corpus  # start-up: readers load when asked

        key = ("corpus", name)
        if key not in self._memo:
            with self._pause():
                result = profile_corpus(name, self.base_dir, self.root, self.byte_budget)
            for path, stamp in result.stamps:
                self._note(path, stamp)
            self._memo[key] = result
        return self._memo[key]

    def _note(self, name: str, stamp: str) -> None:
        if self._record is not None and stamp:
            self._record((STAMP_PREFIX + name, stamp))
