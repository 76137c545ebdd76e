"""``aiplan report``: lint the plans, then build the decision report.

Each file is read once: its bytes go to the loader for the plan documents the
report describes and to the engine for the findings, with the file's own
lint context (configuration, overrides, policy packs).
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace

from aiplan.run.discovery import STDIN

FORMATS = ("markdown", "html")


def decisions_for(targets, contexts) -> tuple[list, list]:
    """The decisions of every plan in ``targets`` (in target order) and the
    internal errors of the run. When a third-party plugin's rule is enabled the
    plans are linted in a forked child, as by ``aiplan lint``: a plugin that
    crashes the interpreter is reported with the file and the rule."""
    from aiplan.core.budget import Budget
    from aiplan.reporters.decision import decide
    from aiplan.run.pool import run_ordered
    from aiplan.run.runner import crashed_result, runs_plugin_code

    # Standard input is read here, never in a child.
    stdin = {target: sys.stdin.buffer.read(contexts[target].config.limits.max_bytes + 1)
             for target in targets if target.real_path == STDIN}
    traced: list = [None]  # the child's trace (what it is doing), for a crash report

    def one(index: int):
        target = targets[index]
        ctx = contexts[target]
        budget = Budget(rule_seconds=ctx.config.rule_timeout, file_seconds=ctx.config.file_timeout, trace=traced[0])
        return _decisions_of(target, ctx, stdin.get(target), budget)

    def crashed(index: int, how: str, last: str):
        target = targets[index]
        result = crashed_result(target, contexts[target], how, last)
        return decide(result, []), list(result.errors)

    isolate = runs_plugin_code(contexts[target] for target in targets)
    done = run_ordered(one, len(targets), 1, isolate=isolate, init=lambda trace: traced.__setitem__(0, trace),
                       on_crash=crashed)
    decisions, errors = [], []
    for found, failed in done:
        decisions += found
        errors += failed
    return decisions, errors


def _decisions_of(target, ctx, data: bytes | None, budget) -> tuple[list, list]:
    from aiplan.lint.engine import exists_beside, lint_documents
    from aiplan.parse.loader import LoadResult, load_bytes, read_file
    from aiplan.reporters.decision import ALPHA, POWER, decide

    limits = ctx.config.limits
    if target.real_path == STDIN:
        problem = None
        beside = os.path.join(target.folder, STDIN)  # --stdin-filename's folder, as `aiplan lint -` reads it
    else:
        data, problem = read_file(target.real_path, limits)
        beside = target.real_path
    if data is None:  # unreadable: `problem` says why
        loaded = LoadResult(problems=[problem] if problem is not None else [])
    else:
        loaded = load_bytes(data, target.display_path, limits)
    # The documents as the rules read them: with the team's own placeholder words.
    documents = [replace(plan, placeholders=ctx.config.placeholders) for plan in loaded.documents]
    # The plan's directory, as `aiplan lint` gives it: the evidence rules read
    # the data files it names from there (without it they would stay silent).
    result = lint_documents(loaded, target.display_path, ctx, exists_beside(beside),
                            base_dir=os.path.dirname(os.path.abspath(beside)), clock=budget.for_file())
    options = ctx.options.get("EVAL004", {})
    return (decide(result, documents, alpha=options.get("alpha", ALPHA), power=options.get("power", POWER)),
            list(result.errors))


def render(decisions, output_format: str) -> str:
    from aiplan.reporters import report_html, report_markdown

    return (report_html if output_format == "html" else report_markdown).render(decisions)
