"""Rule documentation, generated from each rule's docstring and metadata.

``aiplan explain`` and ``docs/rules.md`` both come from here, so the docs can
never drift from the code.
"""

from __future__ import annotations

import os
import sys
import textwrap
from typing import Iterable

from aiplan.core.rule import Rule
from aiplan.fileio import atomic_write
from aiplan.rules import FAMILY_TITLES, builtin_rules

_ORDER = ("why", "bad", "good")
_TITLES = {"why": "Why it matters", "bad": "Fails", "good": "Passes"}


def _family_titles() -> dict[str, str]:
    return FAMILY_TITLES


def _family_label(item: Rule) -> str:
    title = _family_titles().get(item.family) if item.plugin == "aiplan" else None
    return f"{item.family}: {title}" if title else item.family


def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _bounds(option) -> str:
    minimum, maximum = getattr(option, "minimum", None), getattr(option, "maximum", None)
    if minimum is not None and maximum is not None:
        return f"{_show(minimum)} to {_show(maximum)}"
    if minimum is not None:
        return f"at least {_show(minimum)}"
    if maximum is not None:
        return f"at most {_show(maximum)}"
    return ""


def _options_text(item: Rule) -> str:
    if not item.options:
        return "None."
    lines = []
    for o in item.options:
        bounds = _bounds(o)
        lines.append(f"- {o.name} ({o.type.__name__}, default {_show(o.default)}"
                     f"{', ' + bounds if bounds else ''}): {o.description}")
    return "\n".join(lines)


def _options_markdown(item: Rule) -> str:
    if not item.options:
        return "None."
    rows = ["| option | type | default | allowed | description |", "|---|---|---|---|---|"]
    for o in item.options:
        description = o.description.replace("|", "\\|")
        rows.append(f"| `{o.name}` | {o.type.__name__} | `{_show(o.default)}` | {_bounds(o) or 'any'} "
                    f"| {description} |")
    return "\n".join(rows)


def render_rule_text(item: Rule) -> str:
    """Terminal rendering for ``aiplan explain``."""
    sections = item.sections()
    lines = [f"{item.id} {item.name} ({item.severity.value}{', fixable' if item.fixable else ''})", ""]
    lines.append(sections.get("summary", item.summary))
    if sections.get("what"):
        lines += ["", sections["what"]]
    for key in _ORDER:
        if sections.get(key):
            lines += ["", _TITLES[key] + ":", _indent(sections[key])]
    for key, text in sections.items():
        if key not in ("summary", "what", "options", *_ORDER) and text:
            lines += ["", key.capitalize() + ":", _indent(text)]
    lines += ["", "Options:", _indent(_options_text(item))]
    if item.superseded_by:
        lines += ["", "Superseded by:", _indent(textwrap.fill(_superseded_text(item), 74))]
    if item.plugin == "aiplan":
        origin = "built in"
    elif item.plugin.startswith("pack:"):
        origin = f"policy pack {item.plugin[len('pack:'):]}"
    else:
        origin = f"plugin {item.plugin}"
    lines += ["", f"Family: {_family_label(item)}"] + ([f"Documentation: {item.url}"] if item.url else []) \
        + [f"Provided by: {origin}"]
    return "\n".join(lines)


def _superseded_text(item: Rule) -> str:
    """What ``superseded_by`` means for this rule (the engine applies it: lint.engine.without_superseded)."""
    others = " or ".join(f"`{other}`" for other in item.superseded_by)
    return (f"{', '.join(f'`{other}`' for other in item.superseded_by)}: {item.id} is not reported on a YAML "
            f"document where {others} is reported, one finding per problem. Turned off or waived inline, "
            f"{others} supersedes nothing; hidden by `--baseline`, it still does.")


def _indent(text: str) -> str:
    return "\n".join(("  " + line) if line.strip() else "" for line in text.splitlines())


def render_rule_markdown(item: Rule, level: int = 2) -> str:
    """One rule's section of the reference; ``level`` is its heading level."""
    sections = item.sections()
    head, sub = "#" * level, "#" * (level + 1)
    out = [f"{head} {item.id} {item.name}", ""]
    out.append(f"*Default severity:* `{item.severity.value}` · *Fixable:* {'yes' if item.fixable else 'no'}"
               f" · *Family:* `{item.family}`" + (f" · *URL:* <{item.url}>" if item.url else ""))
    out += ["", f"**{sections.get('summary', item.summary)}**"]
    if sections.get("what"):
        out += ["", sections["what"]]
    for key in _ORDER:
        if sections.get(key):
            out += ["", f"{sub} {_TITLES[key]}", "", sections[key]]
    out += ["", f"{sub} Options", "", _options_markdown(item), ""]
    if item.superseded_by:
        out += [f"{sub} Superseded by", "", _superseded_text(item), ""]
    return "\n".join(out)


def _by_family(rules: Iterable[Rule]) -> list[tuple[str, list[Rule]]]:
    """Rules grouped by family: the framework's order first, then any others alphabetically."""
    order = list(_family_titles())
    groups: dict[str, list[Rule]] = {}
    for item in sorted(rules, key=lambda r: r.id):
        groups.setdefault(item.family, []).append(item)
    keys = sorted(groups, key=lambda f: (order.index(f) if f in order else len(order), f))
    return [(family, groups[family]) for family in keys]


def render_reference(rules: Iterable[Rule]) -> str:
    """The whole ``docs/rules.md``."""
    groups = _by_family(rules)
    titles = _family_titles()
    head = [
        "# Rule reference",
        "",
        "<!-- Generated by `python -m aiplan.docs docs/rules.md` from the rules' docstrings and metadata. "
        "Do not edit by hand. -->",
        "",
        "Every rule encodes a step of the decision framework: name the gap, measure a prompt-engineering "
        "baseline, choose the approach that fits the gap, then plan its data and its evaluation. "
        "`aiplan rules` lists the rules (`--family`, `--severity`, `--format json`) and `aiplan explain RULE` "
        "prints a section of this page, offline. Each finding of a built-in rule links to its section "
        "here (`docs/rules.md#<id>-<name>`, for example `#ft001-fine-tuning-without-held-out`).",
        "",
        "Severities are defaults: configuration can change them per rule. Options are set per rule and "
        "checked against the types and bounds shown.",
        "",
        "A rule may be *superseded by* another (its section says so): on a YAML document where a finding "
        "of the superseding rule is reported, the superseded rule's findings are not, so one problem is "
        "one finding (retrieval planned for a behavior gap is FIT002's finding, not also RAG009's "
        "unmeasured retrieval). What counts is what is reported after the configuration and inline "
        "suppressions: with FIT002 turned off (`ignore` in the configuration, `--ignore`, a `--select` "
        "without it) or its finding waived (`# aiplan: ignore[FIT002] -- reason`), the superseded rules "
        "report again, since the team has accepted FIT002's judgement, not theirs. A finding hidden by "
        "`--baseline` still supersedes: the baseline records known findings, and a baseline written "
        "today must leave today's run clean. Plugin rules declare it the same way "
        "(`superseded_by=(...)` in `@rule`, see docs/plugins.md), and so do policy packs "
        "(`superseded_by: [...]`, see docs/policy-packs.md).",
        "",
        "| ID | name | severity | summary |",
        "|---|---|---|---|",
    ]
    for _, members in groups:
        head += [f"| [{r.id}](#{r.id.lower()}-{r.name}) | {r.name} | {r.severity.value} | {r.summary} |"
                 for r in members]
    body = []
    for family, members in groups:
        title = titles.get(family)
        body += [f"## {family}: {title}" if title else f"## {family}", ""]
        body += [render_rule_markdown(r, level=3) for r in members]
    return "\n".join(head) + "\n\n" + "\n".join(body)


def main(argv: list[str] | None = None) -> int:
    """``python -m aiplan.docs [--check] [PATH]``: write or check docs/rules.md."""
    import argparse  # only for `python -m aiplan.docs`

    parser = argparse.ArgumentParser(prog="python -m aiplan.docs")
    parser.add_argument("path", nargs="?", default="docs/rules.md")
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    args = parser.parse_args(argv)
    text = render_reference(builtin_rules())
    if args.check:
        try:
            with open(args.path, encoding="utf-8") as handle:
                current = handle.read()
        except OSError:
            current = None
        if current != text:
            print(f"{args.path} is out of date; run: python -m aiplan.docs {args.path}", file=sys.stderr)
            return 1
        return 0
    os.makedirs(os.path.dirname(args.path) or ".", exist_ok=True)
    atomic_write(args.path, text.encode("utf-8"))
    print(f"wrote {args.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
