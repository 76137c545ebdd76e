"""``aiplan plugins``: what contributes rules to this run, and what does not."""

from __future__ import annotations

from typing import Iterable

from aiplan.plugins.manager import BUILTIN, DISABLE_VARIABLE, installed_entry_points


def describe_plugins(rule_set, packs: Iterable, *, no_plugins: bool, disabled: Iterable[str]) -> dict:
    """Plugins (loaded, disabled, failed) and policy packs, as data."""
    disabled = set(disabled)
    failures = {e.plugin: e.message for e in rule_set.errors if not e.rule}
    rows = []
    for info in rule_set.plugins:
        rows.append({
            "name": info.name, "version": info.version, "module": info.module,
            "status": "built in" if info.builtin else "loaded", "rules": sorted(info.rules),
        })
    loaded = {info.name for info in rule_set.plugins}
    for entry_point, version in installed_entry_points():
        name = entry_point.name
        if name in loaded or name == BUILTIN:
            continue
        if name in failures:
            status, reason = "failed", failures.pop(name)
        elif no_plugins:
            status, reason = "disabled", "--no-plugins"
        elif name in disabled:
            status, reason = "disabled", DISABLE_VARIABLE
        else:
            continue
        rows.append({"name": name, "version": version, "module": entry_point.value,
                     "status": status, "reason": reason, "rules": []})
    for name, message in sorted(failures.items()):   # --plugin modules that failed
        rows.append({"name": name, "version": "", "module": name, "status": "failed",
                     "reason": message, "rules": []})
    rows[1:] = sorted(rows[1:], key=lambda row: row["name"])
    return {
        "plugins": rows,
        "policy_packs": [
            {"name": pack.name, "path": pack.shown, "source": pack.source, "rules": [r.id for r in pack.rules]}
            for pack in packs
        ],
        "errors": [error.describe() for error in rule_set.errors],
    }


def render_plugins(described: dict) -> str:
    lines = []
    for row in described["plugins"]:
        version = f" {row['version']}" if row["version"] else ""
        head = f"{row['name']}{version} ({row['status']}"
        head += f": {row['reason']})" if row.get("reason") else ")"
        lines.append(f"{head}  module {row['module']}")
        if row["rules"]:
            lines.append(f"    rules: {', '.join(row['rules'])}")
    if described["policy_packs"]:
        lines.append("")
        lines.append("Policy packs:")
        for pack in described["policy_packs"]:
            lines.append(f"{pack['name']} ({pack['path']}, {pack['source']})")
            lines.append(f"    rules: {', '.join(pack['rules'])}")
    for error in described["errors"]:
        lines.append(f"internal error: {error}")
    return "\n".join(lines) + "\n"
