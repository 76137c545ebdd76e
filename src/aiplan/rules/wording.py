"""How the built-in rules quote a plan's values and key paths in their messages.

Messages name what this plan says, in the plan's own notation: YAML scalars as
they would be written (`true`, `0.9`, `weekly`), key paths in the dotted form
of the format spec (`rag.corpus.sources[0].name`).
"""

from __future__ import annotations

from typing import Any, Iterable

from aiplan.core.findings import format_yaml_path
from aiplan.core.notation import flow, show


def code(value: Any) -> str:
    """A value in backticks, as messages quote it."""
    return f"`{show(value)}`"


def dotted(*path: str | int) -> str:
    """``dotted("rag", "corpus", "sources", 0)`` -> ``rag.corpus.sources[0]``."""
    return format_yaml_path(tuple(path))


def listing(items: Iterable[str], conjunction: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``: each item already formatted."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def quoted_listing(items: Iterable[Any], conjunction: str = "and") -> str:
    """Like :func:`listing`, each item in backticks."""
    return listing((code(item) for item in items), conjunction)


def source_label(source: dict, index: int) -> str:
    """How a corpus source is named in a message: its `name`, else its position."""
    name = source.get("name")
    if isinstance(name, str) and name.strip():
        return f"source {code(name.strip())}"
    return f"source `{dotted('rag', 'corpus', 'sources', index)}`"


def absence(plan, *path: str | int) -> str:
    """How a value that says nothing is described, quoting what the plan wrote:
    ``is not set``, ``is empty``, ``is `TBD`, a placeholder``, ``is `false```,
    ``is an empty list``, ``says nothing (`{model: TBD}`)``; ``is not set
    (`rag.corpus` is `TBD`, a placeholder)`` when a section above it is a placeholder."""
    if not plan.has(*path):
        return "is not set" + placeholder_above(plan, *path)
    value = plan.get(*path)
    if value is None or (isinstance(value, str) and not value.strip()):
        return "is empty"
    if value is False:
        return "is `false`"
    placeholder = plan.placeholder(*path)
    if placeholder is not None:
        return f"is {code(placeholder)}, a placeholder"
    if value == {}:
        return "is an empty mapping"
    if value == []:
        return "is an empty list"
    if plan.is_blank(*path):
        return f"says nothing ({code(value)})"
    return f"is {code(value)}"


def placeholder_above(plan, *path: str | int) -> str:
    """`` (`rag.corpus` is `TBD`, a placeholder)`` when a section above ``path`` is
    placeholder text (written where the section's mapping belongs), else ``""``."""
    for end in range(len(path) - 1, 0, -1):
        placeholder = plan.placeholder(*path[:end])
        if placeholder is not None:
            return f" (`{dotted(*path[:end])}` is {code(placeholder)}, a placeholder)"
    return ""


def approach_shown(plan) -> str:
    """The plan's `approach` in backticks as its author wrote it (`RAG`, where the
    rules read the repaired `rag`): messages quote what the plan says."""
    written = plan.as_written("approach")
    return code(written.strip() if isinstance(written, str) and written.strip() else plan.approach)


def completed_list(items: Any, missing: Iterable[str]) -> str:
    """The flow list a hint proposes: the plan's own names (blank entries and non-strings left
    out, so the list stays valid YAML), then the ``missing`` ones, each once."""
    kept = [item for item in items if isinstance(item, str) and item.strip()] if isinstance(items, (list, tuple)) else []
    return flow(list(dict.fromkeys([*kept, *missing])))
