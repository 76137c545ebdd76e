"""Baselines: adopt aiplan in a repository with findings, then allow no new ones.

``aiplan lint --write-baseline aiplan-baseline.json`` records today's findings;
``aiplan lint --baseline aiplan-baseline.json`` then reports only findings that
are not in it. The file is JSON, sorted and stable (rewriting it for the same
findings gives the same bytes), so it is reviewed like code and shrinks in
small diffs::

    {
      "aiplan_baseline": 1,
      "findings": [
        {
          "count": 1,
          "fingerprint": "1f0c...",
          "message": "approach is `rag` but the plan has no `baseline.prompt_engineering`: ...",
          "path": "plans/search.aiplan.yaml",
          "rule": "BASE001",
          "yaml_path": "baseline.prompt_engineering"
        }
      ]
    }

An entry matches a finding by its file (relative to the baseline's directory),
rule and fingerprint (``aiplan.core.fingerprint``: the YAML path and the
flagged node's content, no line numbers), so edits elsewhere in the plan do
not resurface it. Findings are matched first on the message too, then without
it, so a reworded message after an upgrade still matches. ``count`` records how
many identical findings the entry covers.

Entries that match nothing any more are *stale*: reported, so the file can
shrink, but they never fail the run. Only entries for files linted in this run
(or deleted since) and for rules enabled for them are judged.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import field, replace
from typing import Callable, Iterable

from aiplan.core.findings import format_yaml_path
from aiplan.core.fingerprint import normalise_message
from aiplan.core.paths import STDIN, shown_path
from aiplan.core.records import Record
from aiplan.fileio import atomic_write, read_regular

FORMAT_KEY = "aiplan_baseline"
FORMAT_VERSION = 1


class BaselineError(ValueError):
    """A baseline file that cannot be read or written: exit 2."""


class Entry(Record):
    path: str
    rule: str
    yaml_path: str
    fingerprint: str
    message: str
    count: int = 1

    def sort_key(self) -> tuple:
        return (self.path, self.rule, self.yaml_path, self.fingerprint, self.message)

    def to_dict(self) -> dict:
        return {"path": self.path, "rule": self.rule, "yaml_path": self.yaml_path,
                "fingerprint": self.fingerprint, "message": self.message, "count": self.count}


class Baseline(Record, frozen=False):
    path: str                     # absolute
    entries: list[Entry] = field(default_factory=list)

    @property
    def root(self) -> str:
        return os.path.dirname(self.path)


class BaselineOutcome(Record):
    """What applying a baseline did, for the reporters: how many findings it
    matched (``known``, hidden from the run, for reports that show them as
    such) and its stale entries."""

    file: str
    matched: int
    stale: tuple[Entry, ...]
    known: tuple = ()

    def to_dict(self) -> dict:
        return {"file": self.file, "matched": self.matched, "stale": [e.to_dict() for e in self.stale]}


class Written(Record):
    findings: int
    files: int
    kept: int

    def describe(self) -> str:
        text = f"{self.findings} finding{'s' * (self.findings != 1)} in {self.files} file{'s' * (self.files != 1)}"
        if self.kept:
            text += f", plus {self.kept} kept for files not linted in this run"
        return text


# A baseline is read whole; 64 MiB holds hundreds of thousands of entries.
MAX_BASELINE_BYTES = 64 * 1024 * 1024


def baseline_key(display_path: str, root: str) -> str:
    """A finding's file as the baseline records it: relative to the baseline's directory."""
    if display_path == STDIN:
        return STDIN
    relative = os.path.relpath(os.path.abspath(display_path), root)
    return relative.replace(os.sep, "/")


def read_baseline(path: str) -> Baseline:
    shown = shown_path(path)
    try:
        raw = read_regular(path, MAX_BASELINE_BYTES)
    except FileNotFoundError:
        raise BaselineError(f"{shown}: no such baseline file; create it with "
                            f"`aiplan lint --write-baseline {shown}`") from None
    except OSError as exc:
        raise BaselineError(f"{shown}: cannot read the baseline: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(f"{shown}: not a valid JSON baseline: {exc}") from None
    if not isinstance(data, dict) or data.get(FORMAT_KEY) != FORMAT_VERSION or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{shown}: not an aiplan baseline (expected an object with "
                            f"`\"{FORMAT_KEY}\": {FORMAT_VERSION}` and a `findings` list)")
    entries = []
    for index, item in enumerate(data["findings"]):
        try:
            entry = Entry(
                path=_text(item, "path"), rule=_text(item, "rule"), yaml_path=_text(item, "yaml_path", True),
                fingerprint=_text(item, "fingerprint"), message=_text(item, "message", True),
                count=item.get("count", 1),
            )
        except (TypeError, KeyError, AttributeError) as exc:
            raise BaselineError(f"{shown}: findings[{index}] is malformed: {exc}") from None
        if not isinstance(entry.count, int) or isinstance(entry.count, bool) or entry.count < 1:
            raise BaselineError(f"{shown}: findings[{index}].count must be a positive integer")
        entries.append(entry)
    return Baseline(os.path.abspath(path), entries)


def _text(item: dict, key: str, empty_ok: bool = False) -> str:
    value = item[key]
    if not isinstance(value, str) or (not value and not empty_ok):
        raise TypeError(f"`{key}` must be a {'' if empty_ok else 'non-empty '}string")
    return value


def _entries_for(findings: Iterable, root: str) -> list[Entry]:
    counts: Counter[tuple[str, str, str, str, str]] = Counter()
    for finding in findings:
        counts[(baseline_key(finding.path, root), finding.rule, format_yaml_path(finding.yaml_path),
                finding.fingerprint, normalise_message(finding.message))] += 1
    return [Entry(path, rule, yaml_path, fingerprint, message, count)
            for (path, rule, yaml_path, fingerprint, message), count in counts.items()]


def render(entries: Iterable[Entry]) -> bytes:
    ordered = sorted(entries, key=Entry.sort_key)
    document = {FORMAT_KEY: FORMAT_VERSION, "findings": [e.to_dict() for e in ordered]}
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=True) + "\n").encode("utf-8")


def write_baseline(path: str, run) -> Written:
    """Record the run's findings. Entries of an existing baseline for files this run
    did not lint (and that still exist) are kept, so linting part of a repository
    never drops the rest of its baseline."""
    root = os.path.dirname(os.path.abspath(path))
    entries = _entries_for(run.findings, root)
    linted = {baseline_key(result.path, root) for result in run.files}
    kept: list[Entry] = []
    if os.path.lexists(path):
        try:
            previous = read_baseline(path)
        except BaselineError as exc:
            raise BaselineError(f"{exc}; refusing to overwrite it (remove it or choose another file)") from None
        kept = [e for e in previous.entries
                if e.path not in linted and e.path != STDIN and os.path.isfile(os.path.join(root, e.path))]
    try:
        atomic_write(path, render(entries + kept))
    except OSError as exc:
        raise BaselineError(f"{shown_path(path)}: cannot write the baseline: {exc.strerror or exc}") from None
    return Written(sum(e.count for e in entries), len({e.path for e in entries}), sum(e.count for e in kept))


def apply_baseline(run, baseline: Baseline, enabled_for: Callable[[str], Iterable[str]] | None = None):
    """``run`` without the findings the baseline records, its ``baseline`` saying what
    matched and which entries are stale (a :class:`BaselineOutcome`). ``enabled_for(display_path)`` gives the rules enabled for
    a file, so entries of rules that did not run are not called stale."""
    root = baseline.root
    remaining = [e.count for e in baseline.entries]
    exact: dict[tuple, list[int]] = {}
    loose: dict[tuple, list[int]] = {}
    for index, entry in enumerate(baseline.entries):
        exact.setdefault((entry.path, entry.rule, entry.fingerprint, normalise_message(entry.message)), []).append(index)
        loose.setdefault((entry.path, entry.rule, entry.fingerprint), []).append(index)

    def take(table: dict, key: tuple) -> bool:
        for index in table.get(key, ()):
            if remaining[index] > 0:
                remaining[index] -= 1
                return True
        return False

    known = []
    kept_by_file = []
    for result in run.files:
        key_path = baseline_key(result.path, root)
        unmatched = []
        for finding in result.findings:
            if take(exact, (key_path, finding.rule, finding.fingerprint, normalise_message(finding.message))):
                known.append(finding)
            else:
                unmatched.append(finding)
        kept = []
        for finding in unmatched:
            if take(loose, (key_path, finding.rule, finding.fingerprint)):
                known.append(finding)
            else:
                kept.append(finding)
        kept_by_file.append(replace(result, findings=tuple(kept)))
    linted = {baseline_key(result.path, root): result.path for result in run.files}
    stale = []
    for index, entry in enumerate(baseline.entries):
        if remaining[index] <= 0:
            continue
        if entry.path in linted:
            if enabled_for is not None and entry.rule not in set(enabled_for(linted[entry.path])):
                continue
        elif entry.path == STDIN or os.path.exists(os.path.join(root, entry.path)):
            continue    # not linted in this run: nothing is known about it
        stale.append(replace(entry, count=remaining[index]))
    known.sort(key=lambda f: f.sort_key())
    outcome = BaselineOutcome(shown_path(baseline.path), len(known), tuple(stale), tuple(known))
    return replace(run, files=tuple(kept_by_file), baseline=outcome)
