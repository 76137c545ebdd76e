"""``aiplan lint --fix`` and ``--diff``: apply the fixes rules propose, safely.

A fix is a surgical text edit on the parser's positions (see
:mod:`aiplan.lint.edits`), so every byte it does not touch stays as it was:
comments, blank lines, key order, quoting, indentation, flow or block style,
anchors and aliases, document markers, line endings, the final newline, the
byte order mark and the encoding.

Fixes are applied in rounds. Each round applies every fix that does not
overlap another, lints the result again, and keeps it only if

* the document count is unchanged and no new internal error appeared,
* every fixed finding is gone, and
* no new finding of the PLAN rules about the document's form (YAML syntax,
  schema, version, duplicate keys, limits) appeared, except inside a key the
  fix renamed: renaming ``held_0ut`` to ``held_out`` lets the schema see what
  is under it for the first time.

Findings of the policy rules may change: a fix that makes a value readable
(``approach: finetuning`` -> ``fine_tuning``) lets the rules judge it. Those
findings were the plan's all along; they are reported as what remains. So
may those about suppression comments (PLAN005, PLAN006): a fix that resolves
a finding someone had waived leaves the waiver unused, which is worth
reporting, not a reason to keep the typo.

When a round is rejected, its fixes are tried one at a time and any that is
rejected on its own is not tried again. Rounds repeat until nothing is left
to fix, so the result is stable: fixing it again changes nothing.
"""

from __future__ import annotations

import difflib
import os
import stat
import time
from collections import Counter
from dataclasses import field
from functools import partial
from typing import TYPE_CHECKING, Callable, Iterable

from aiplan.core.budget import Budget, Watchdog
from aiplan.core.findings import FileResult, Finding, TextEdit
from aiplan.core.paths import STDIN, Target
from aiplan.core.records import Record
from aiplan.core.rule_ids import FORM_FAMILY, NO_REASON, UNUSED_SUPPRESSION, family_of
from aiplan.fileio import FileTooLarge, atomic_write, read_regular, remove_stale_temporaries
from aiplan.core.text import LINE_BREAK, SourceText
from aiplan.lint.engine import LintContext, lint_bytes, lint_file
from aiplan.parse.loader import LoadResult, decode, detect_encoding, load_bytes, read_file
from aiplan.run.runner import RunResult, with_stdin_lines

if TYPE_CHECKING:
    from aiplan.run.runner import ContextSource

# Rules about the document's form (FORM_FAMILY): a fix may never add findings of these,
# except the PLAN rules about suppression comments, which judge the comments.
NOT_FORM = frozenset((NO_REASON, UNUSED_SUPPRESSION))
# Enough for any real plan; each round fixes or rules out at least one finding.
MAX_ROUNDS = 200
# Lints of the whole file one fix run may make (each candidate batch or single
# fix is linted again): with thousands of findings, trying fixes one by one
# would otherwise run for hours. What is left stays reported, fixable.
MAX_FIX_ATTEMPTS = 200


class FixWriteError(Exception):
    """Fixes could not be written to a file; the file is left as it was."""


class FixResult(Record):
    """The outcome of fixing one input."""

    original: bytes
    fixed: bytes
    before: FileResult
    after: FileResult
    applied: tuple[Finding, ...] = ()
    # Why fixing stopped before every fix was tried ("" if it did not).
    stopped: str = ""

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    @property
    def revealed(self) -> int:
        """Applied fixes of findings the first lint did not report: a fix
        revealed them (renaming ``knowlege`` lets the schema see the misspelled
        ``evidance`` inside it). The rest are the findings marked fixable."""
        reported = Counter(_signature(f) for f in self.before.findings)
        count = 0
        for finding in self.applied:
            signature = _signature(finding)
            if reported[signature]:
                reported[signature] -= 1
            else:
                count += 1
        return count


def fix_bytes(data: bytes, lint: Callable[[bytes], FileResult], *,
              parse: Callable[[bytes], LoadResult] | None = None) -> FixResult:
    """Apply every safe fix to ``data``; ``lint`` lints bytes (one file's context).

    ``parse`` loads bytes into a :class:`~aiplan.parse.loader.LoadResult`; it is
    needed only to tell where a renamed key now is (default: :func:`load_bytes`).
    """
    before = lint(data)
    decoded = _decode(data)
    if decoded is None or not any(f.edits for f in before.findings):
        return FixResult(data, data, before, before)
    text, encode = decoded
    parse = parse or load_bytes

    current_text, current = text, before
    applied: list[Finding] = []
    ruled_out: set = set()
    attempts = [0]
    stopped = ""

    def attempt(batch):
        attempts[0] += 1
        return _attempt(current_text, current, batch, encode, lint, parse)

    for _ in range(MAX_ROUNDS):
        batch = _batch(current_text, [f for f in current.findings if f.edits and _key(f) not in ruled_out])
        if not batch:
            break
        if attempts[0] >= MAX_FIX_ATTEMPTS or _out_of_time(current):
            stopped = (f"stopped after {attempts[0]} attempts (the limit is {MAX_FIX_ATTEMPTS})"
                       if attempts[0] >= MAX_FIX_ATTEMPTS else "stopped when the file's time budget ran out")
            break
        outcome = attempt(batch)
        if outcome is not None:
            current_text, current = outcome
            applied.extend(batch)
            continue
        # Something in the batch is unsafe: find it by trying the fixes one by one.
        for finding in batch:
            if attempts[0] >= MAX_FIX_ATTEMPTS:
                break
            outcome = attempt([finding])
            if outcome is None:
                ruled_out.add(_key(finding))
                continue
            current_text, current = outcome
            applied.append(finding)
            break
    fixed = encode(current_text)
    return FixResult(data, fixed, before, current, tuple(applied), stopped)


def _out_of_time(result: FileResult) -> bool:
    """Whether linting this version was cut short by the file's time budget."""
    return any(e.plugin == "aiplan" and not e.rule and e.message.startswith("checking stopped") for e in result.errors)


def fix_one(data: bytes, before: FileResult, finding: Finding, lint: Callable[[bytes], FileResult], *,
            parse: Callable[[bytes], LoadResult] | None = None) -> bytes | None:
    """``data`` with only ``finding``'s edits applied, if the checks of
    :func:`fix_bytes` accept them on their own; else ``None``. ``before`` is
    ``lint(data)`` and ``finding`` one of its findings (an editor's quick fix)."""
    decoded = _decode(data)
    if decoded is None or not finding.edits or finding not in before.findings:
        return None
    text, encode = decoded
    outcome = _attempt(text, before, [finding], encode, lint, parse or load_bytes)
    return None if outcome is None else encode(outcome[0])


# --------------------------------------------------------------------------
# Text


def _decode(data: bytes) -> tuple[str, Callable[[str], bytes]] | None:
    """The text the loader sees, and how to turn edited text back into bytes in
    the same encoding with the same byte order mark. ``None`` if the bytes would
    not come back identical (then the file is not touched)."""
    encoding, bom_length = detect_encoding(data)
    text, _ = decode(data)
    if text is None:  # then the second item says why
        return None
    bom = data[:bom_length]

    def encode(new_text: str) -> bytes:
        return bom + new_text.encode(encoding)

    try:
        if encode(text) != data:
            return None
    except UnicodeEncodeError:  # lone surrogates from UTF-16: nothing to fix there
        return None
    return text, encode


def _range(source: SourceText, edit: TextEdit) -> tuple[int, int] | None:
    start = source.offset(edit.line, edit.column)
    end = source.offset(edit.end_line, edit.end_column)
    if start is None or end is None or end < start or source.text[start:end] != edit.original:
        return None
    return start, end


def _batch(text: str, candidates: list[Finding]) -> list[Finding]:
    """The candidates whose edits fit the text and overlap no earlier candidate's."""
    source = SourceText(text)
    taken: list[tuple[int, int]] = []
    batch = []
    for finding in sorted(candidates, key=lambda f: (f.line, f.column, f.rule)):
        found = [_range(source, edit) for edit in finding.edits]
        ranges = [r for r in found if r is not None]
        if len(ranges) != len(found):
            continue
        if any((start < t_end and t_start < end) or start == t_start
               for start, end in ranges for t_start, t_end in taken):
            continue  # next round, once the other fix is in
        taken.extend(ranges)
        batch.append(finding)
    return batch


def apply_edits(text: str, edits: Iterable[TextEdit]) -> tuple[str, list[int]]:
    """Apply non-overlapping edits back to front. Returns the new text and,
    for each edit in the order given, where its replacement starts in it."""
    source = SourceText(text)
    placed = []
    for index, edit in enumerate(edits):
        where = _range(source, edit)
        if where is None:
            raise ValueError(f"edit at {edit.line}:{edit.column} does not match the text")
        placed.append((where[0], where[1], index, edit.content))
    placed.sort()
    for (_, end, _, _), (start, _, _, _) in zip(placed, placed[1:]):
        if start < end:
            raise ValueError("overlapping edits")
    pieces = []
    position = 0
    shift = 0
    starts = [0] * len(placed)
    for start, end, index, content in placed:
        pieces.append(text[position:start])
        starts[index] = start + shift
        pieces.append(content)
        shift += len(content) - (end - start)
        position = end
    pieces.append(text[position:])
    return "".join(pieces), starts


# --------------------------------------------------------------------------
# Deciding whether a fix is safe


def _signature(finding: Finding) -> tuple:
    """What a finding is, independent of where columns moved to."""
    return (finding.rule, finding.document, tuple(finding.yaml_path), finding.message)


def _key(finding: Finding) -> tuple:
    return _signature(finding) + (tuple((e.original, e.content) for e in finding.edits),)


def _attempt(text, current: FileResult, batch: list[Finding], encode, lint, parse):
    """Apply ``batch`` to ``text``; the new text and its result if that is safe, else ``None``."""
    edits = [edit for finding in batch for edit in finding.edits]
    try:
        new_text, starts = apply_edits(text, edits)
        data = encode(new_text)
    except (ValueError, UnicodeEncodeError):
        return None
    result = lint(data)
    if not _acceptable(current, result, batch, lambda: _renamed(data, new_text, starts, parse)):
        return None
    return new_text, result


def _acceptable(before: FileResult, after: FileResult, batch: list[Finding],
                renamed: Callable[[], dict[int, list[tuple]]]) -> bool:
    if after.documents != before.documents:
        return False
    old_errors = Counter((e.plugin, e.rule, e.message) for e in before.errors)
    if Counter((e.plugin, e.rule, e.message) for e in after.errors) - old_errors:
        return False
    old = Counter(_signature(f) for f in before.findings)
    new = Counter(_signature(f) for f in after.findings)
    fixed = Counter(_signature(f) for f in batch)
    for signature, count in fixed.items():
        if new[signature] > old[signature] - count:
            return False  # the fix did not remove its own finding
    added = new - old
    appeared = [f for f in after.findings if about_form(f) and added[_signature(f)] > 0]
    if not appeared:
        return True
    inside = renamed()
    # Below a renamed key: errors the rename revealed. At the key itself: only one a fix of its
    # own resolves (`aproach: Rag` renamed, then `Rag` made `rag`), never a value left wrong.
    return all(_under(tuple(f.yaml_path), inside.get(f.document, ()))
               or (f.edits and tuple(f.yaml_path) in inside.get(f.document, ())) for f in appeared)


def about_form(finding: Finding) -> bool:
    """Whether a finding is about the document's form (a fix may never add one)."""
    return family_of(finding.rule) == FORM_FAMILY and finding.rule not in NOT_FORM


def _under(path: tuple, parents: Iterable[tuple]) -> bool:
    return any(len(path) > len(parent) and path[:len(parent)] == parent for parent in parents)


def _renamed(data: bytes, text: str, starts: list[int], parse: Callable[[bytes], LoadResult]) -> dict[int, list[tuple]]:
    """Per document, the paths of keys an edit now begins: the keys that were renamed."""
    source = SourceText(text)
    positions = {source.line_column(offset) for offset in starts}
    found: dict[int, list[tuple]] = {}
    for plan in parse(data).documents:
        for path, span in plan.key_spans.items():
            if (span.line, span.column) in positions:
                found.setdefault(plan.document, []).append(path)
    return found


# --------------------------------------------------------------------------
# Files


def fix_file(real_path: str, display_path: str, ctx: LintContext, watchdog: Watchdog | None = None) -> FixResult:
    """Read a plan file and compute its fixes (nothing is written)."""
    data, _ = read_file(real_path, ctx.config.limits)
    base_dir = os.path.dirname(os.path.abspath(real_path))
    lint = _linter(display_path, ctx, base_dir, _shared_budget(ctx, watchdog))
    if data is None:
        # Unreadable or too large: the engine reports it; there is nothing to fix.
        result = lint_file(real_path, display_path, ctx)
        return FixResult(b"", b"", result, result)
    return fix_bytes(data, lint, parse=partial(_parse_as, display_path, ctx))


def _parse_as(display_path: str, ctx: LintContext, data: bytes) -> LoadResult:
    """What ``fix_bytes`` re-parses fixed bytes with: the file's own path and limits."""
    return load_bytes(data, display_path, ctx.config.limits)


def _shared_budget(ctx: LintContext, watchdog: Watchdog | None = None) -> Budget:
    """One file budget for every lint of a fix run: fixing is a phase of the file."""
    seconds = ctx.config.file_timeout
    return Budget(rule_seconds=ctx.config.rule_timeout, file_seconds=seconds, watchdog=watchdog,
                  file_deadline=time.monotonic() + seconds if seconds else None)


def _linter(display_path: str, ctx: LintContext, base_dir: str | None,
            budget: Budget | None = None) -> Callable[[bytes], FileResult]:
    def lint(data: bytes) -> FileResult:
        return lint_bytes(data, display_path, ctx, base_dir=base_dir, budget=budget)

    return lint


def write_fixed(real_path: str, result: FixResult) -> None:
    """Write the fixed bytes over the file, atomically, unless it changed since it was read.

    A symbolic link is followed: the file it points to is rewritten and the link
    stays. Permissions are kept. A file without write permission is refused
    rather than replaced (replacing a read-only file by renaming would succeed).
    """
    target = os.path.realpath(real_path)
    try:
        info = os.stat(target)
        if not stat.S_ISREG(info.st_mode):
            raise FixWriteError("it is not a regular file any more")
        if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
            raise FixWriteError("it is read-only")
        def unchanged() -> None:
            if _read_current(target, len(result.original)) != result.original:
                raise FixWriteError("it changed on disk while aiplan was fixing it; run aiplan again")

        unchanged()  # before writing anything, and again just before the rename
        atomic_write(target, result.fixed, before_replace=unchanged)  # keeps the file's mode
    except FixWriteError:
        raise
    except OSError as exc:
        raise FixWriteError(exc.strerror or str(exc)) from None


def _read_current(path: str, limit: int) -> bytes | None:
    """The file's bytes as they are now, just before it is replaced (``None``
    if it grew past the size limit)."""
    try:
        return read_regular(path, limit)
    except FileTooLarge:
        return None


# --------------------------------------------------------------------------
# Diffs


def unified_diff(display_path: str, before: bytes, after: bytes) -> str:
    """A unified diff of two versions of a file (``a/`` and ``b/`` paths, like git:
    an absolute path loses its leading slash, ``a/tmp/x``, not ``a//tmp/x``)."""
    old = _diff_lines(before)
    new = _diff_lines(after)
    out = []
    shown = display_path.lstrip("/")
    for line in difflib.unified_diff(old, new, f"a/{shown}", f"b/{shown}"):
        if line.endswith(("\n", "\r")):
            out.append(line)
        else:  # the file's last line has no line break
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _diff_lines(data: bytes) -> list[str]:
    decoded = _decode(data)
    text = decoded[0] if decoded is not None else data.decode("utf-8", errors="replace")
    lines = []
    position = 0
    for match in LINE_BREAK.finditer(text):
        lines.append(text[position:match.end()])
        position = match.end()
    if position < len(text):
        lines.append(text[position:])
    return lines


# --------------------------------------------------------------------------
# Many files


class FixRun(Record, frozen=False):
    """What ``--fix``/``--diff`` did to every input."""

    results: list[tuple["Target", FixResult]] = field(default_factory=list)
    write_errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def fixed(self) -> int:
        return sum(len(result.applied) for _, result in self.results)

    @property
    def revealed(self) -> int:
        """How many of :attr:`fixed` the first lint had not reported (see :attr:`FixResult.revealed`)."""
        return sum(result.revealed for _, result in self.results)


def fix_targets(targets: Iterable[Target], contexts: ContextSource, *, write: bool,
                stdin: bytes | None = None) -> tuple[RunResult, FixRun]:
    """Fix every target. Returns the :class:`~aiplan.run.runner.RunResult` of
    what remains and the :class:`FixRun`. With ``write`` the fixed files are
    written (standard input never is: the caller prints it)."""
    targets = list(targets)
    resolve = contexts if callable(contexts) else (lambda _target: contexts)
    files = []
    fixes = FixRun()
    cleaned: set[str] = set()
    stdin_fixed = None  # what the report's code frames show for standard input: what remains
    with Watchdog() as watchdog:  # one timer for the whole run, as when linting
        for target in targets:
            ctx = resolve(target)
            if target.real_path == STDIN:
                data = stdin if stdin is not None else b""
                lint = _linter(target.display_path, ctx, target.folder, _shared_budget(ctx, watchdog))
                result = fix_bytes(data, lint, parse=partial(_parse_as, target.display_path, ctx))
                stdin_fixed = result.fixed
            else:
                result = fix_file(target.real_path, target.display_path, ctx, watchdog)
                if write and result.changed:
                    directory = os.path.dirname(os.path.realpath(target.real_path))
                    if directory not in cleaned:  # what a killed earlier run left beside its plans
                        cleaned.add(directory)
                        remove_stale_temporaries(directory)
                    try:
                        write_fixed(target.real_path, result)
                    except FixWriteError as exc:
                        fixes.write_errors.append((target.display_path, str(exc)))
                        result = FixResult(result.original, result.original, result.before, result.before)
            fixes.results.append((target, result))
            files.append(result.after)
    return with_stdin_lines(RunResult(files=tuple(files), fixed=fixes.fixed), targets, stdin_fixed), fixes
