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
    internal errors of the run."""
    from aiplan.lint.engine import _exists_beside, lint_documents
    from aiplan.parse.loader import load_bytes, read_file
    from aiplan.reporters.decision import ALPHA, POWER, decide

    decisions, errors = [], []
    for target in targets:
        ctx = contexts[target]
        limits = ctx.config.limits
        if target.real_path == STDIN:
            data, problem = sys.stdin.buffer.read(limits.max_bytes + 1), None
            beside = os.path.join(os.getcwd(), STDIN)
        else:
            data, problem = read_file(target.real_path, limits)
            beside = target.real_path
        if problem is not None:
            from aiplan.parse.loader import LoadResult

            loaded = LoadResult(problems=[problem])
        else:
            loaded = load_bytes(data, target.display_path, limits)
        # The documents as the rules read them: with the team's own placeholder words.
        documents = [replace(plan, placeholders=ctx.config.placeholders) for plan in loaded.documents]
        # The plan's directory, as `aiplan lint` gives it: the evidence rules read
        # the data files it names from there (without it they would stay silent).
        result = lint_documents(loaded, target.display_path, ctx, _exists_beside(beside),
                                base_dir=os.path.dirname(os.path.abspath(beside)))
        errors.extend(result.errors)
        options = ctx.options.get("EVAL004", {})
        decisions += decide(result, documents, alpha=options.get("alpha", ALPHA), power=options.get("power", POWER))
    return decisions, errors


def render(decisions, output_format: str) -> str:
    from aiplan.reporters import report_html, report_markdown

    return (report_html if output_format == "html" else report_markdown).render(decisions)
