"""Lint many files: the edge of the engine where paths become results."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Callable, Iterable, Union

from aiplan.lint.engine import LintContext, lint_bytes, lint_file
from aiplan.lint.findings import FileResult, Finding, InternalError, Severity
from aiplan.lint.discovery import STDIN, Target


@dataclass(slots=True)
class RunResult:
    files: list[FileResult] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    # Findings `--fix` resolved; None when the run did not fix (see aiplan.lint.fix).
    fixed: int | None = None
    # Set by aiplan.baseline.apply_baseline: what a --baseline file hid, and its stale entries.
    baseline: object | None = None

    @property
    def findings(self) -> list[Finding]:
        out = [f for result in self.files for f in result.findings]
        out.sort(key=Finding.sort_key)
        return out

    @property
    def suppressed(self) -> list[Finding]:
        return [f for result in self.files for f in result.suppressed]

    @property
    def internal_errors(self) -> list[InternalError]:
        return list(self.errors) + [e for result in self.files for e in result.errors]

    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    def exit_code(self, fail_on: Severity) -> int:
        if self.internal_errors:
            return 3
        if any(f.severity.rank >= fail_on.rank for f in self.findings):
            return 1
        return 0


def lint_target(target: Target, ctx: LintContext, stdin: bytes | None = None) -> FileResult:
    if target.real_path == STDIN:
        # Never more than one byte past the size limit: `cat /dev/zero | aiplan lint -` must end.
        data = stdin if stdin is not None else sys.stdin.buffer.read(ctx.config.limits.max_bytes + 1)
        return lint_bytes(data, target.display_path, ctx, base_dir=os.getcwd())
    return lint_file(target.real_path, target.display_path, ctx)


# The context for each file: one for the whole run, or resolved per file
# (configuration files and per-path overrides make it differ between files).
ContextSource = Union[LintContext, Callable[[Target], LintContext]]


def lint_targets(targets: Iterable[Target], contexts: ContextSource, stdin: bytes | None = None) -> RunResult:
    resolve = contexts if callable(contexts) else (lambda _target: contexts)
    result = RunResult()
    for target in targets:
        result.files.append(lint_target(target, resolve(target), stdin))
    return result
