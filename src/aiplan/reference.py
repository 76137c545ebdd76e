"""``docs/plugins.md``, generated from the hook specifications and the plugin API.

Every hook in :mod:`aiplan.plugins.hookspecs`, and every name plugin authors
use from :mod:`aiplan.api` and :mod:`aiplan.testing`, is documented from its
own signature and docstring, so the guide cannot drift from the code: a test
fails when ``docs/plugins.md`` differs from what this module renders.

    python -m aiplan.reference docs/plugins.md           # write it
    python -m aiplan.reference --check docs/plugins.md   # exit 1 if stale
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from typing import Any, Callable

from aiplan import api, testing
from aiplan.core import rule as rule_module
from aiplan.fileio import atomic_write
from aiplan.plugins import hookspecs

DEFAULT_PATH = "docs/plugins.md"

_PACKAGING = """\
## Packaging, loading and turning plugins off

A plugin is an installed distribution that declares an entry point in the
`aiplan` group; the entry point's name is the plugin's name, its value the
module implementing the hooks:

```toml
# pyproject.toml of the plugin distribution
[project]
name = "aiplan-acme"
version = "1.0.0"
dependencies = ["aiplan"]

[project.entry-points.aiplan]
acme = "aiplan_acme"
```

`examples/plugins/aiplan-acme/` in aiplan's repository is a complete plugin
distribution, with its rule, documentation and tests.

* aiplan loads installed entry points and modules named with `--plugin MODULE`
  only; nothing is ever imported from the repository being linted.
* `aiplan plugins` lists every plugin with its version and rules (and the ones
  that are turned off or failed to load); `aiplan rules` and
  `aiplan explain RULE` include plugin rules.
* A plugin that fails to load, a hook that raises and a rule that raises or
  yields something other than a `Violation` are reported by plugin and rule
  name (exit code 3); the other rules' findings are still reported.
* `AIPLAN_DISABLE_PLUGINS=acme,other` turns named plugins off and
  `--no-plugins` turns all third-party plugins off: the escape hatch when one
  breaks. Configuration that names their rules then only warns.
* Rule IDs are global: a plugin uses a prefix of its own (`ACME001`). A
  collision with a built-in rule or another plugin is reported and the later
  rule is not loaded. Policy packs may not reuse a plugin's IDs either.
* Rules must be picklable (module-level functions decorated with `rule`),
  because runs may lint files in worker processes.
"""


_QUOTED_ANNOTATION = re.compile(r"(: |-> )'([^']*)'")


def _signature(name: str, function: Callable) -> str:
    """``name(arg: type = default) -> type``, annotations unquoted, ``-> None`` of classes dropped."""
    try:
        text = str(inspect.signature(function))
    except (TypeError, ValueError):  # pragma: no cover - builtins without signatures
        return f"{name}(...)"
    text = _QUOTED_ANNOTATION.sub(lambda m: m.group(1) + m.group(2), text)
    if inspect.isclass(function) and text.endswith(" -> None"):
        text = text[: -len(" -> None")]
    return f"{name}{text}"


def _doc(obj: Any) -> str:
    return inspect.cleandoc(inspect.getdoc(obj) or "").strip()


def _first_paragraph(obj: Any) -> str:
    return _doc(obj).split("\n\n")[0].replace("\n", " ").strip()


def _hookspecs() -> list[tuple[str, Callable, dict]]:
    marker = f"{hookspecs.PROJECT}_spec"
    found = [(name, value, getattr(value, marker)) for name, value in vars(hookspecs).items()
             if callable(value) and hasattr(value, marker)]
    return sorted(found, key=lambda item: item[0])


def _hook_section() -> list[str]:
    out = ["## Hook specifications", ""]
    out.append("Implement a hook by defining a function of the same name, decorated with "
               "`aiplan.api.hookimpl`, in the plugin's module. Every hook is listed here.")
    for name, function, options in _hookspecs():
        out += ["", f"### `{name}`", "", "```python", "from aiplan.api import hookimpl", "",
                "@hookimpl", f"def {_signature(name, function)}:", "    ...", "```", ""]
        calling = "the first non-None result wins" if options.get("firstresult") else \
            "every plugin's implementation is called and each result is used"
        out.append(f"*Calling convention:* {calling}"
                   + ("; historic (late registrations are called too)." if options.get("historic") else "."))
        out += ["", _doc(function)]
    return out


def _api_section() -> list[str]:
    out = ["## Declaring rules: `aiplan.api`", "",
           "`from aiplan.api import Edit, Option, Plan, Rule, Severity, Violation, hookimpl, rule` is the "
           "stable surface for plugin authors.", ""]
    out += ["### How a rule is written", "", _doc(rule_module), ""]
    out += [f"### `{_signature('rule', api.rule)}`", "", _doc(api.rule), ""]
    for cls in (api.Option, api.Violation, api.Edit):
        out += [f"### `{_signature(cls.__name__, cls)}`", "", _doc(cls), ""]
    out += ["### `Severity`", "", _first_paragraph(api.Severity), "",
            ", ".join(f"`Severity.{member.name}` (`{member.value}`)" for member in api.Severity), ""]
    out += ["### `Plan`: what a rule's check receives", "", _doc(api.Plan), ""]
    for name, member in inspect.getmembers(api.Plan):
        if name.startswith("_"):
            continue
        if isinstance(member, property):
            out.append(f"- `{name}` (property): {_first_paragraph(member.fget)}")
        elif inspect.isfunction(member):
            text = _first_paragraph(member) or "."
            out.append(f"- `{_signature(name, member).replace('(self, ', '(').replace('(self)', '()')}`: {text}")
    return out + [""]


def _testing_section() -> list[str]:
    out = ["## Testing rules: `aiplan.testing`", "", _doc(testing), ""]
    for name in ("lint_yaml", "codes", "fix_yaml", "build_context"):
        function = getattr(testing, name)
        out += [f"### `{_signature(name, function)}`", "", _doc(function), ""]
    return out


def render() -> str:
    out = [
        "# Writing aiplan plugins",
        "",
        "<!-- Generated by `python -m aiplan.reference` from src/aiplan/plugins/hookspecs.py "
        "and the docstrings of aiplan.api and aiplan.testing. Do not edit by hand. -->",
        "",
        "Plugins add rules to aiplan. Organisation rules that only need to check the shape of a "
        "plan are often simpler as a policy pack (YAML and JSON Schema, no code; see the README).",
        "",
        _doc(hookspecs),
        "",
    ]
    out += _hook_section() + [""]
    out += _api_section()
    out += _testing_section()
    out += [_PACKAGING]
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aiplan.reference")
    parser.add_argument("path", nargs="?", default=DEFAULT_PATH)
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        try:
            with open(args.path, encoding="utf-8") as handle:
                current = handle.read()
        except OSError:
            current = None
        if current != text:
            print(f"{args.path} is out of date; run: python -m aiplan.reference {args.path}",
                  file=sys.stderr)
            return 1
        return 0
    atomic_write(args.path, text.encode("utf-8"))
    print(f"wrote {args.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
