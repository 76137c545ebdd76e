"""Declarative policy packs: organisation rules in a YAML file, no Python.

    policy_pack: 1
    name: Acme security
    rules:
      - id: ORG001
        name: restricted-data-needs-owner-and-scoping
        severity: error
        message: plans handling restricted data must name an owner by email and scope retrieval by role
        fix: Set `owner` to a team address and `rag.access_control.scope_by` to include `user_role`.
        when:     # JSON Schema the plan must match for the rule to apply
          properties: {use_case: {properties: {data_sensitivity: {const: restricted}}, required: [data_sensitivity]}}
          required: [use_case]
        require:  # JSON Schema the plan must then satisfy
          required: [owner]
          properties: {owner: {type: string, format: email}}

A pack is read with aiplan's own YAML loader (the same resource limits as for
plans, duplicate keys are errors) and validated against
``schemas/policy-pack.schema.json``; every ``when``/``require`` must be a valid
draft 2020-12 JSON Schema whose ``$ref`` stays inside it. Any problem is a
:class:`ConfigError` (exit 2) naming the file, the line and the key. Loading a
pack never executes code: schemas are data, and messages use a fixed set of
placeholders, not format strings.

Checking the ``when``/``require`` schemas against the meta-schema needs
jsonschema, whose import costs more than linting a plan. A run with the results
cache passes a :class:`CheckedRecords` (``aiplan.run.cache.CheckedPacks``): a
pack whose exact bytes were found valid before, by the same aiplan, jsonschema
and Python, skips that check; every other check of the pack runs as always.

Each pack rule becomes a :class:`~aiplan.core.rule.Rule` whose ``plugin`` is
``pack:<file name>@<first 12 hex digits of the file's SHA-256>``, so the lint
context's fingerprint (and every cache keyed on it) changes with the pack.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any, Iterable, Iterator, Mapping, Protocol

from aiplan.core import ConfigError
from aiplan.core.digest import sha256
from aiplan.core.notation import quoted, quoted_visibly, yaml_block
from aiplan.core.paths import shown_path
from aiplan.core.records import Record
from aiplan.parse.loader import Limits, load_bytes, load_file
from aiplan.core.findings import Span, format_yaml_path
from aiplan.core.rule import CYCLE_CONSEQUENCE, Rule, make_rule, superseding_cycles
from aiplan.core.rule_ids import family_of
from aiplan.core.suggest import closest, did_you_mean_rule
from aiplan.policy.check import PLACEHOLDERS, PackCheck, placeholder_problems
from aiplan.schemas import PACK_SCHEMA, follow, load
from aiplan.schemas.validate import schema_errors

JSON_TYPES = ("string", "number", "integer", "boolean", "object", "array", "null")

# The catalogue's families (rules.md): reserved even before every family ships.
RESERVED_FAMILIES = frozenset(("PLAN", "GAP", "BASE", "FIT", "ACC", "RAG", "FT", "EVAL"))


class CheckedRecords(Protocol):
    """Which packs' schemas were found valid before (by their bytes' SHA-256)."""

    def holds(self, digest: str) -> bool: ...

    def record(self, digest: str) -> None: ...


class Pack(Record):
    """A loaded, validated policy pack."""

    path: str          # absolute
    shown: str         # as in messages
    name: str
    description: str
    digest: str        # SHA-256 of the file's bytes, hex
    rules: tuple[Rule, ...]
    # (rule ID, the ID its `superseded_by` names, "line:column" of that name): checked against
    # every rule of the run once all packs are loaded (supersession_problems).
    supersessions: tuple[tuple[str, str, str], ...] = ()

    @property
    def source(self) -> str:
        """The ``plugin`` stamp of its rules."""
        return f"pack:{os.path.basename(self.path)}@{self.digest[:12]}"


def _at(plan, path: tuple, at: str = "value") -> str:
    span, _ = plan.locate(path, at)
    return f"{span.line}:{span.column}"


def _schema_problems(plan, shown: str) -> list[str]:
    errors = schema_errors(plan.data, PACK_SCHEMA)
    if not errors:
        return []
    from aiplan.schemas.explain import PACK_VOICE, explain  # start-up: only a pack whose form is wrong needs its wording

    root = load(PACK_SCHEMA)
    problems = []
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        path = tuple(error.absolute_path)
        if error.validator == "pattern" and (path and path[-1] == "id" or len(path) > 1 and path[-2] == "superseded_by"):
            problems.append(f"{shown}:{_at(plan, path)}: `{format_yaml_path(path)}` is {quoted_visibly(error.instance)}; "
                            "a rule ID is capital letters followed by three digits, like ORG001")
            continue
        if error.validator == "pattern" and path and path[-1] == "name":
            problems.append(f"{shown}:{_at(plan, path)}: `{format_yaml_path(path)}` is {quoted_visibly(error.instance)}; "
                            "a rule name is lower-case words joined by hyphens, like owner-is-an-address")
            continue
        for violation in explain(error, root, PACK_VOICE):
            where = _at(plan, violation.path, violation.at)
            problems.append(f"{shown}:{where}: {violation.message}. {violation.fix}")
    return problems


def _refs(schema: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                yield path + (key,), value
            else:
                yield from _refs(value, path + (key,))
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _refs(value, path + (index,))


def _keywords(schema: Any, names: tuple[str, ...], path: tuple = ()) -> Iterator[tuple[tuple, str, Any]]:
    """Every ``(path, keyword, value)`` of the given keywords anywhere in ``schema``
    (a keyword's value that is a schema of its own, like a property named
    ``format``, is a dict and not reported)."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in names and not isinstance(value, (dict, list)):
                yield path + (key,), key, value
            else:
                yield from _keywords(value, names, path + (key,))
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _keywords(value, names, path + (index,))


def _pointer(schema: Any, pointer: str) -> bool:
    try:
        follow(schema, pointer)
    except LookupError:
        return False
    return True


def _json_schema_problems(plan, shown: str, index: int, key: str, schema: Any, vouched: bool = False) -> list[str]:
    """What is wrong with a rule's ``when`` or ``require`` schema. ``vouched``: the pack's
    bytes passed the meta-schema and format checks before (:class:`CheckedRecords`), so
    jsonschema is not imported for them; the checks of ``$id``, anchors and ``$ref`` run."""
    base = ("rules", index, key)
    where = format_yaml_path(base)
    problems = []
    checked_formats = None
    if not vouched:
        from jsonschema import Draft202012Validator  # heavy (~245 M instructions): only for a pack not checked before
        from jsonschema.exceptions import SchemaError  # with the line above

        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            path = base + tuple(exc.path)
            inner = format_yaml_path(tuple(exc.path)) or "its top level"
            detail = exc.message
            if exc.path and exc.path[-1] == "type" and isinstance(exc.instance, str):
                guess = closest(exc.instance, JSON_TYPES, cutoff=0.6)
                detail = (f"{quoted_visibly(exc.instance)} is not a JSON Schema type"
                          + (f"; did you mean {quoted(guess)}?" if guess else f"; use one of {', '.join(JSON_TYPES)}"))
            problems.append(f"{shown}:{_at(plan, path)}: `{where}` is not a valid JSON Schema "
                            f"(draft 2020-12): at {inner}: {detail}")
            return problems
        checked_formats = Draft202012Validator.FORMAT_CHECKER.checkers
    for path, keyword, value in _keywords(schema, ("format", "$id", "id", "$anchor", "$dynamicAnchor")):
        if keyword == "format":
            # A vouched pack's formats were all checked ones (or it would not have been recorded).
            if checked_formats is not None and value not in checked_formats:
                checked = ", ".join(sorted(checked_formats))
                problems.append(f"{shown}:{_at(plan, base + path)}: `{where}` uses `format: {value}`, which aiplan "
                                f"cannot check (it would accept anything); checked formats: {checked}; "
                                "use `pattern` for the others")
        elif len(path) > 1 and keyword in ("$id", "id"):
            problems.append(f"{shown}:{_at(plan, base + path)}: `{where}` has a nested `{keyword}`, which changes "
                            "what `$ref` inside it means; a pack's schemas keep one base (remove it)")
        elif keyword in ("$anchor", "$dynamicAnchor"):
            problems.append(f"{shown}:{_at(plan, base + path)}: `{where}` uses `{keyword}`; refer to "
                            "definitions by JSON pointer instead (like `#/$defs/email`)")
    for path, ref in _refs(schema):
        if ref != "#" and ref.startswith("#") and not ref.startswith("#/"):
            problems.append(f"{shown}:{_at(plan, base + path)}: `{where}` refers to the anchor {quoted_visibly(ref)}; refer "
                            "to definitions by JSON pointer instead (like `#/$defs/email`)")
        elif not ref.startswith("#"):
            problems.append(f"{shown}:{_at(plan, base + path)}: `{where}` refers to {quoted_visibly(ref)}; a pack must be "
                            "self-contained: `$ref` may only point inside the schema (like `#/$defs/email`)")
        elif not _pointer(schema, ref[1:]):
            problems.append(f"{shown}:{_at(plan, base + path)}: `{where}` refers to {quoted_visibly(ref)}, which does not "
                            "exist in the schema")
    return problems


def _doc(entry: dict, pack_name: str, shown: str) -> str:
    summary = entry.get("summary") or entry["message"].replace("{{", "{").replace("}}", "}")
    parts = [summary.strip().splitlines()[0]]
    if entry.get("description"):
        parts.append(entry["description"].strip())
    parts.append(f"Declared in the policy pack {quoted_visibly(pack_name)} ({shown}).")
    if entry.get("why"):
        parts.append("## Why\n" + entry["why"].strip())
    if entry.get("when") is not None:
        parts.append("## Applies when\nThe plan matches this JSON Schema:\n```yaml\n"
                     + "\n".join(yaml_block(entry["when"])) + "\n```")
    parts.append("## Requires\nThe plan satisfies this JSON Schema:\n```yaml\n"
                 + "\n".join(yaml_block(entry["require"])) + "\n```")
    examples = entry.get("examples") or {}
    for key, title in (("bad", "Bad"), ("good", "Good")):
        if examples.get(key):
            parts.append(f"## {title}\n```yaml\n{examples[key].rstrip()}\n```")
    return "\n\n".join(parts)


def load_pack(path: str, reserved_families: Iterable[str] = (), shown: str | None = None,
              checked: CheckedRecords | None = None) -> Pack:
    """Read, validate and compile a policy pack file. Raises :class:`ConfigError`.
    ``checked``: the packs found valid before (see the module's docstring)."""
    path = os.path.abspath(path)
    shown = shown or shown_path(path)
    if not os.path.lexists(path):
        raise ConfigError(f"{shown}: no such policy pack")
    return _compile(load_file(path, Limits(), shown), path, shown, reserved_families, checked)


def parse_pack(text: str, name: str = "pack.yaml", reserved_families: Iterable[str] = ()) -> Pack:
    """Validate and compile a policy pack given as YAML text (for tests)."""
    loaded = load_bytes(text.encode("utf-8"), name, Limits())
    return _compile(loaded, os.path.abspath(name), name, reserved_families)


def _compile(loaded, path: str, shown: str, reserved_families: Iterable[str],
             checked: CheckedRecords | None = None) -> Pack:
    if loaded.problems:
        problem = loaded.problems[0]
        span = problem.violation.span or Span.point(1, 1)
        raise ConfigError(f"{shown}:{span.line}:{span.column}: the policy pack cannot be read: "
                          f"{problem.violation.message}. {problem.violation.fix}")
    if len(loaded.documents) != 1 or not isinstance(loaded.documents[0].data, dict):
        raise ConfigError(f"{shown}: a policy pack is one YAML mapping with `policy_pack: 1` and `rules`")
    plan = loaded.documents[0]
    problems = _schema_problems(plan, shown)
    if problems:
        raise _pack_error(shown, problems)

    data = plan.data
    digest = sha256((loaded.text or "").encode("utf-8", "surrogatepass")).hexdigest()
    # A pack using `format` is evaluated by jsonschema anyway (the fast validator has no formats),
    # and which formats jsonschema checks depends on optional packages: it is checked in full.
    # `records`: where this pack's verdict is looked up and recorded (None: nowhere).
    records = None if checked is None or any(
        True for entry in data["rules"] for key in ("when", "require") if key in entry
        for _ in _keywords(entry[key], ("format",))) else checked
    vouched = records is not None and records.holds(digest)
    reserved = RESERVED_FAMILIES | frozenset(reserved_families)
    seen: dict[str, int] = {}
    for index, entry in enumerate(data["rules"]):
        rule_id = entry["id"]
        family = family_of(rule_id)
        if family in reserved:
            problems.append(f"{shown}:{_at(plan, ('rules', index, 'id'))}: rule ID {rule_id} uses the built-in "
                            f"prefix {family}; pack rules need a prefix of their own (like ORG001)")
        if rule_id in seen:
            first = _at(plan, ("rules", seen[rule_id], "id"))
            problems.append(f"{shown}:{_at(plan, ('rules', index, 'id'))}: rule ID {rule_id} is declared twice "
                            f"in this pack (first at {first})")
        seen.setdefault(rule_id, index)
        for key in ("message", "fix"):
            for bad in placeholder_problems(entry[key]):
                where = _at(plan, ("rules", index, key))
                if bad.startswith("an unmatched"):
                    problems.append(f"{shown}:{where}: `rules[{index}].{key}` has {bad}")
                    continue
                guess = closest(bad, PLACEHOLDERS, cutoff=0.6)
                hint = f"did you mean {{{guess}}}?" if guess else f"use {', '.join('{' + p + '}' for p in PLACEHOLDERS)}"
                problems.append(f"{shown}:{where}: `rules[{index}].{key}` has the unknown placeholder "
                                f"{{{bad}}}; {hint}")
        for key in ("when", "require"):
            if key in entry:
                problems.extend(_json_schema_problems(plan, shown, index, key, entry[key], vouched))
        for position, other in enumerate(entry.get("superseded_by", ())):
            if other == rule_id:
                problems.append(f"{shown}:{_at(plan, ('rules', index, 'superseded_by', position))}: "
                                f"`rules[{index}].superseded_by` names the rule itself ({rule_id}); "
                                "name the other rules whose finding makes this one redundant")
    if problems:
        raise _pack_error(shown, problems)
    if records is not None and not vouched:
        records.record(digest)

    name = data.get("name") or os.path.basename(path)
    source = f"pack:{os.path.basename(path)}@{digest[:12]}"
    rules = []
    supersessions: list[tuple[str, str, str]] = []
    for index, entry in enumerate(data["rules"]):
        check = PackCheck(entry["id"], entry.get("when"), entry["require"], entry["message"], entry["fix"])
        item = make_rule(entry["id"], entry["name"], entry["severity"], check,
                         _doc(entry, name, shown), plugin=source, tags=("policy-pack",),
                         superseded_by=entry.get("superseded_by", ()))
        # Pack rules are documented by `aiplan explain`, not on aiplan's website.
        rules.append(replace(item, url=""))
        supersessions.extend((entry["id"], other, _at(plan, ("rules", index, "superseded_by", position)))
                             for position, other in enumerate(entry.get("superseded_by", ())))
    return Pack(path, shown, name, data.get("description", ""), digest, tuple(rules), tuple(supersessions))


def supersession_problems(pack: Pack, known: Iterable[str]) -> list[str]:
    """What ``pack``'s `superseded_by` lists name that is no rule in ``known`` (the
    run's rules: built-in, plugins' and every pack's), as pack errors read."""
    known = sorted(set(known))
    problems = []
    for rule_id, other, where in pack.supersessions:
        if other not in known:
            problems.append(f"{pack.shown}:{where}: rule {rule_id}'s `superseded_by` names {other}, which is no rule "
                            "of aiplan, its plugins or the policy packs in use"
                            + did_you_mean_rule(other, known, "; `aiplan rules` lists them", same_family=True))
    return problems


def supersession_cycles(pack: Pack, rules: Mapping[str, Rule]) -> list[str]:
    """Each cycle of `superseded_by` through a rule of ``pack`` (the run's ``rules``: built-in,
    plugins' and every pack's), as pack errors read: rules that each make the other redundant
    leave the engine to keep one of them by ID, an order the pack never stated. Once per cycle,
    at the `superseded_by` entry of its first rule in this pack."""
    where_of = {(rule_id, other): where for rule_id, other, where in reversed(pack.supersessions)}
    return [f"{pack.shown}:{where_of[(chain[0], chain[1])]}: rule {chain[0]}'s `superseded_by` closes a cycle "
            f"({' -> '.join(chain)}): {CYCLE_CONSEQUENCE}"
            for chain in superseding_cycles([(rule_id, other) for rule_id, other, _ in pack.supersessions], rules)]


def _pack_error(shown: str, problems: list[str]) -> ConfigError:
    return ConfigError.of(problems, head=f"{shown}: invalid policy pack")
