"""The one explainer of JSON-Schema errors: an error in, violations a person can act on out.

An error is a ``jsonschema.ValidationError`` or, for a plan, the fast
validator's :class:`aiplan.schemas.fast.SchemaError`, which has the attributes
read here (``absolute_path``, ``schema_path``, ``validator``,
``validator_value``, ``instance``, ``schema``, ``message``) with the same values.

Three kinds of document are checked against a schema, and each speaks to its
reader in its own voice: a plan (PLAN002, and a policy pack's own form: what is
expected, with a hint that shows YAML to write and a safe fix where there is
one), a configuration file (what is expected, a did-you-mean appended), and a
policy pack's ``require`` schema judging a plan (what the policy requires). The
facts of an error (which node, which keys are missing or unknown, what was
found and what is wanted) are worked out once, by keyword, in :data:`_FACTS`;
a :class:`Voice` holds the words, one template per kind of problem, and the
hints.
"""

from __future__ import annotations

import functools
import re
from dataclasses import field, replace
from typing import Any, Callable, Iterator, Mapping

from aiplan.core.findings import Edit, Violation, format_yaml_path
from aiplan.core.suggest import closest, did_you_mean_rule, safe_replacement
from aiplan.core.notation import dotted_key, flow, kind, plain, quoted, quoted_visibly, yaml_scalar
from aiplan.core.records import Record
from aiplan.schemas import PLAN_SCHEMA, load, resolve
from aiplan.schemas.fast import NotJson, is_type, json_equal

TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "empty (null)",
}
_BOUNDS = {"minimum": "at least", "exclusiveMinimum": "more than", "maximum": "at most",
           "exclusiveMaximum": "less than", "minItems": "at least", "maxItems": "at most",
           "minLength": "at least", "maxLength": "at most"}


class Fact(Record):
    """One problem found in an error: its kind (a key of :attr:`Voice.words`), the
    node it is about, and the values its words may name."""

    kind: str
    path: tuple
    fields: Mapping[str, Any] = field(default_factory=dict)
    at: str = "value"


class Voice(Record):
    """How one kind of document names its nodes and words its problems.

    ``words``: kind of problem -> message template (``{where}`` is the node as
    :attr:`name` renders it; the other fields are a :class:`Fact`'s); an error
    with a kind not in it is worded as ``other``. ``hint``: the fix hint of a
    fact and any safe edits; ``type_names``: JSON types in words; ``names``:
    what a ``pattern`` or a property name stands for (rule IDs), for a did-you-mean.
    """

    words: Mapping[str, str]
    name: Callable[[tuple], str]
    hint: Callable[["Fact", Any, dict, "Voice"], tuple[str, tuple[Edit, ...]]] = lambda *_: ("", ())
    type_names: Mapping[str, str] = field(default_factory=lambda: TYPE_NAMES)
    names: tuple[str, ...] = ()
    fixes: bool = False             # whether its problems carry the edits `--fix` may make
    document: str = "the plan"      # the whole document, in a sentence (a key missing at its root)
    show: Callable[[Any], str] = quoted   # a value found in the document, in a sentence

    def wanted(self, types: Any) -> str:
        return " or ".join(self.type_names.get(t, t) for t in ([types] if isinstance(types, str) else types))


def explain(error, root: dict, voice: "Voice | None" = None,
            placeholder: tuple[str, ...] | None = None) -> Iterator[Violation]:
    """Every violation one jsonschema ``error`` stands for, in ``voice`` (the plan's by default).

    ``placeholder``: the value at the error's node is placeholder text (`TBD`, `none`;
    :mod:`aiplan.core.placeholders`), and these are the rules that ask for it when it is
    missing. A type error there is a value not given yet, worded so, and superseded by
    those rules (their finding, with their hint, is the one reported), unless the text has
    one typed reading (`no` where a boolean belongs, a slip ``--fix`` repairs)."""
    voice = voice or PLAN_VOICE
    for fact in facts(error, root, voice):
        owners: tuple[str, ...] = ()
        if placeholder is not None and fact.kind == "type" and "placeholder" in voice.words \
                and _typed_replacement(error.instance, error.validator_value) is None:
            fact, owners = replace(fact, kind="placeholder"), placeholder
        message = voice.words[fact.kind].format(where=voice.name(fact.path), **fact.fields)
        hint, edits = voice.hint(fact, error, root, voice)
        yield Violation(message, hint, path=fact.path, at=fact.at, edits=edits, superseded_by=owners)


def facts(error, root: dict, voice: Voice) -> Iterator[Fact]:
    """The problems of one error, before they are put into words; an error the
    voice has no words for is one ``other`` problem, in jsonschema's words."""
    path = tuple(error.absolute_path)
    if "propertyNames" in error.schema_path and "property_name" in voice.words:
        yield Fact("property_name", path, {"value": voice.show(error.instance)})
        return
    handler = _FACTS.get(error.validator)
    found = handler(error, path, resolve(error.schema, root), root, voice) if handler else None
    if found is None or any(fact.kind not in voice.words for fact in found):
        yield Fact("other", path, {"detail": error.message})
        return
    yield from found


def _named(error, candidates: list, message: Callable[[Any], str]) -> list:
    """The candidates ``error`` is about: jsonschema (and the fast validator) raise one
    error per missing key, naming it in the message, with the keyword's whole list as
    ``validator_value``; every candidate if the message names none of them."""
    named = [candidate for candidate in candidates if error.message == message(candidate)]
    return named or candidates


def _required(error, path, schema, root, voice):
    if not isinstance(error.instance, dict):
        return None
    missing = [key for key in error.validator_value if key not in error.instance]
    return [Fact("required", path + (key,), {"key": key, "owner": voice.name(path) if path else voice.document,
                                             "under": voice.name(path)})
            for key in _named(error, missing, lambda key: f"{key!r} is a required property")]


def _dependent_required(error, path, schema, root, voice):
    if not isinstance(error.instance, dict):
        return None
    missing = [(trigger, key) for trigger, needed in error.validator_value.items() if trigger in error.instance
               for key in needed if key not in error.instance]
    return [Fact("dependent_required", path + (key,), {"trigger": voice.name(path + (trigger,))})
            for trigger, key in _named(error, missing, lambda pair: f"{pair[1]!r} is a dependency of {pair[0]!r}")]


def _additional(error, path, schema, root, voice):
    if not isinstance(error.instance, dict):
        return None
    known = list(schema.get("properties", {}))
    parent = f"in {voice.name(path)}" if path else "at the top level"
    # Worked out once per mapping: a rename is safe only if no other key of it wants the same name.
    renames = safe_renames(error.instance, known) if voice.fixes else {}
    out = []
    for key in error.instance:
        if key in known:
            continue
        guess = closest(key, known)
        rename = renames.get(key)
        value_fix = None
        if rename is not None:
            fits, value_fix = _fits(error.instance[key], schema["properties"][rename], root)
            if not fits:
                rename = None  # renamed, its value would be wrong in its turn: a hint, no fix
        fields = {"key": key, "known": ", ".join(known), "parent": parent, "guess": guess, "rename": rename,
                  "value_fix": value_fix}
        home = misplaced_home(key, path, root) if not guess and "misplaced" in voice.words else None
        if home is not None:
            out.append(Fact("misplaced", path + (key,), {**fields, "home": key_path(home), "home_path": home},
                            at="key"))
        else:
            out.append(Fact("unknown", path + (key,), fields, at="key"))
    return out


def _type(error, path, schema, root, voice):
    value, kind_ = voice.show(error.instance), kind(error.instance)
    # A mapping or a list is quoted as its kind already: `a mapping`, not `a mapping (a mapping)`.
    seen = value if value == kind_ else f"{value} ({kind_})"
    return [Fact("type", path, {"value": value, "kind": kind_, "seen": seen,
                                "wanted": voice.wanted(error.validator_value)})]


def _enum(error, path, schema, root, voice):
    return [Fact("enum", path, {"value": voice.show(error.instance),
                                "allowed": ", ".join(str(v) for v in error.validator_value),
                                "allowed_quoted": ", ".join(quoted(v) for v in error.validator_value)})]


def _const(error, path, schema, root, voice):
    return [Fact("const", path, {"value": voice.show(error.instance), "wanted": quoted(error.validator_value)})]


def _matches(error, path, schema, root, voice):
    requirement = PATTERN_WORDS.get(error.validator_value, f"which does not match {error.validator_value}")
    return [Fact(error.validator, path, {"value": voice.show(error.instance), "limit": error.validator_value,
                                         "requirement": requirement})]


def _unique(error, path, schema, root, voice):
    seen: list = []
    for item in error.instance if isinstance(error.instance, list) else ():
        if any(json_equal(item, other) for other in seen):  # jsonschema's equality: true is not 1
            return [Fact("uniqueItems", path, {"value": voice.show(error.instance), "item": voice.show(item)})]
        seen.append(item)
    return [Fact("uniqueItems", path, {"value": voice.show(error.instance), "item": "the same value"})]


def _bound(error, path, schema, root, voice):
    return [Fact(error.validator, path, {"value": voice.show(error.instance), "bound": _BOUNDS[error.validator],
                                         "limit": error.validator_value})]


def _size(error, path, schema, root, voice):
    count = len(error.instance) if isinstance(error.instance, (list, str)) else "?"
    unit = "items" if error.validator.endswith("Items") else "characters"
    return [Fact(error.validator, path, {"count": count, "unit": unit, "bound": _BOUNDS[error.validator],
                                         "limit": error.validator_value})]


def _contains(error, path, schema, root, voice):
    wanted = error.validator_value
    item = "an item the policy requires"
    if isinstance(wanted, dict):
        if "const" in wanted:
            item = quoted(wanted["const"])
        elif "enum" in wanted:
            item = "one of " + ", ".join(quoted(v) for v in wanted["enum"])
        elif "pattern" in wanted:
            item = f"an item matching {wanted['pattern']}"
    return [Fact("contains", path, {"item": item})]


def _plain_fact(error, path, schema, root, voice):
    return [Fact(str(error.validator), path, {"value": voice.show(error.instance)})]


def _one_of(error, path, schema, root, voice):
    # jsonschema gives no context when the instance fails `oneOf` by matching several alternatives.
    if error.context:
        return _plain_fact(error, path, schema, root, voice)
    from jsonschema.validators import validator_for  # heavy (issue 17): only for a oneOf matched twice

    checker = validator_for(root)(root)
    count = sum(checker.evolve(schema=alternative).is_valid(error.instance) for alternative in error.validator_value)
    return [Fact("oneOf_many", path, {"value": quoted(error.instance), "count": count,
                                      "total": len(error.validator_value)})]


# JSON-Schema keyword -> the facts of an error of that keyword (None: say it in jsonschema's words).
_FACTS: dict[Any, Callable] = {
    "required": _required,
    "dependentRequired": _dependent_required,
    "additionalProperties": _additional,
    "type": _type,
    "enum": _enum,
    "const": _const,
    "pattern": _matches,
    "format": _matches,
    "contains": _contains,
    "minimum": _bound, "exclusiveMinimum": _bound, "maximum": _bound, "exclusiveMaximum": _bound,
    "minItems": _size, "maxItems": _size, "minLength": _size, "maxLength": _size,
    "uniqueItems": _unique, "not": _plain_fact, "anyOf": _plain_fact, "oneOf": _one_of,
    None: _plain_fact,  # the `false` schema
}


# --------------------------------------------------------------------------
# A plan (PLAN002) and a policy pack's own form


def key_path(path: tuple) -> str:
    return format_yaml_path(path) or "the document root"


_YAML11_BOOLEANS = {"yes": True, "no": False, "on": True, "off": False, "y": True, "n": False}


def _plan_hint(fact: Fact, error, root: dict, voice: "Voice") -> tuple[str, tuple[Edit, ...]]:
    """What to write instead, as YAML, and the edit ``--fix`` may make where the intent is unambiguous."""
    schema = resolve(error.schema, root)
    path = tuple(error.absolute_path)
    where = key_path(path)
    leaf = str(path[-1]) if path and isinstance(path[-1], str) else where
    instance = error.instance
    if fact.kind in ("unknown", "misplaced"):
        key, guess, rename = fact.fields["key"], fact.fields["guess"], fact.fields["rename"]
        # The value a renamed key needs (`aproach: Rag` -> `approach: rag`) is part of the same fix,
        # so the fix is offered only where both edits can be made (not on a tagged `!!str Rag`).
        value_fix = fact.fields.get("value_fix")
        edits = () if rename is None else (Edit(rename, at="key"),) + (
            (Edit(value_fix),) if value_fix is not None else ())
        if guess:
            return f"Did you mean `{guess}`? Rename `{key}` to it.", edits
        if fact.kind == "misplaced":
            home = fact.fields["home_path"]
            return (f"Move `{key}` and everything under it to `{key_path(home)}`"
                    f"{' (under `' + key_path(home[:-1]) + '`)' if len(home) > 1 else ' (the top level)'}."), edits
        return f"Remove `{key}` or move it where it belongs; keys allowed here: {fact.fields['known']}.", edits
    if fact.kind == "required":
        key = fact.fields["key"]
        sub = resolve(schema.get("properties", {}).get(key, {}), root)
        return f"Add {_example(sub, key, root)} {'under `' + where + '`' if path else 'at the top level'}.", ()
    if fact.kind == "type":
        return _type_hint(error, schema, root, where, leaf, bool(path) and isinstance(path[-1], int))
    if fact.kind == "placeholder":
        example = _example(schema, leaf, root, item=bool(path) and isinstance(path[-1], int))
        return f"Replace the placeholder with {fact.fields['wanted']} once it is known, e.g. {example}.", ()
    if fact.kind == "enum":
        allowed = [str(v) for v in error.validator_value]
        guess = closest(instance, allowed)
        if not guess:
            return f"Use one of {', '.join(allowed)}.", ()
        # The guess as YAML to paste: the enum's own value, so `3` stays a number and `yes` is quoted.
        written = yaml_scalar(dict(zip(allowed, error.validator_value)).get(guess, guess))
        replacement = safe_replacement(instance, allowed)
        # Where to write it, and a key with its value (never a dotted path as a key).
        if path and isinstance(path[-1], int):
            fix = f"Did you mean '{guess}'? Change this item of `{format_yaml_path(tuple(path[:-1]))}` to `{written}`."
        elif len(path) > 1:
            fix = f"Did you mean '{guess}'? Under `{format_yaml_path(tuple(path[:-1]))}`, set `{leaf}: {written}`."
        else:
            fix = f"Did you mean '{guess}'? Change it to `{leaf}: {written}`."
        return fix, (Edit(replacement),) if replacement is not None else ()
    if fact.kind == "minimum":
        return f"Set `{where}` to {error.validator_value} or more.", ()
    if fact.kind == "minLength":
        return f"Give `{where}` a value, e.g. {_example(schema, leaf, root)}.", ()
    if fact.kind == "const":
        return f"Set `{where}` to {plain(error.validator_value)}.", ()
    return f"Change `{where}` to match the plan format.", ()


def _type_hint(error, schema, root, where, leaf, item) -> tuple[str, tuple[Edit, ...]]:
    instance, expected = error.instance, error.validator_value
    fix = f"Change `{where}` to {PLAN_VOICE.wanted(expected)}, e.g. {_example(schema, leaf, root, item=item)}."
    if isinstance(instance, str) and instance.lower() in _YAML11_BOOLEANS and "boolean" in str(expected):
        word = "true" if _YAML11_BOOLEANS[instance.lower()] else "false"
        fix = f"YAML 1.2 reads {quoted(instance)} as text, not a boolean: write `{leaf}: {word}`."
    elif isinstance(instance, str) and ("integer" in str(expected) or "number" in str(expected)):
        if instance.strip().replace(".", "", 1).replace("_", "").isdigit():
            fix = f"Remove the quotes: write `{leaf}: {instance.strip().replace('_', '')}`."
    replacement = _typed_replacement(instance, expected)
    return fix, (Edit(replacement),) if replacement is not None else ()


PLAN_VOICE = Voice(
    words={
        "unknown": "unknown key `{key}` {parent}",
        "misplaced": "`{key}` does not belong {parent}; it belongs at `{home}`",
        "required": "{owner} lacks the required key `{key}`",
        "type": "{where} is {seen}; expected {wanted}",
        "placeholder": "{where} is {value}, a placeholder; expected {wanted}",
        "enum": "{where} is {value}; expected one of {allowed}",
        "minimum": "{where} is {value}; it must be at least {limit}",
        "minLength": "{where} is empty",
        "const": "{where} is {value}; expected {wanted}",
        "oneOf_many": "{where} matches {count} of its {total} alternative forms; it must match exactly one",
        "other": "{where}: {detail}",
    },
    name=lambda path: f"`{key_path(path)}`",
    hint=_plan_hint,
    fixes=True,
    show=lambda value: yaml_scalar(value) if isinstance(value, float) and value - value != 0.0 else quoted(value),
)


# A policy pack's own form: worded as a plan's, of the pack; nothing in it is fixed.
PACK_VOICE = replace(PLAN_VOICE, fixes=False, document="the policy pack")


# --------------------------------------------------------------------------
# Hints that show YAML: a small value the schema accepts, from its examples


def _sample(schema: dict, root: dict | None, depth: int = 0) -> Any:
    """A small value that satisfies ``schema``, from its examples where it has them; ``None`` if unknown."""
    if root is not None:
        schema = resolve(schema, root)
    if "enum" in schema:
        return schema["enum"][0]
    examples = schema.get("examples")
    if examples:
        return examples[0]
    kind_ = schema.get("type")
    if kind_ == "object" and depth < 2:
        return _sample_mapping(schema, root, depth + 1) or None
    if kind_ == "array" and depth < 2:
        item = _sample(schema.get("items", {}), root, depth + 1)
        return [item] if item is not None else None
    return {"boolean": True, "integer": 1, "number": 1}.get(kind_) if isinstance(kind_, str) else None


def _sample_mapping(schema: dict, root: dict | None, depth: int = 0) -> dict:
    """The required keys, then the first few others, each with a sample value."""
    properties = schema.get("properties", {})
    required = [key for key in schema.get("required", []) if key in properties]
    chosen = required + [key for key in properties if key not in required][: max(0, 2 - len(required))]
    out = {}
    for key in chosen:
        value = _sample(properties[key], root, depth)
        if value is not None:
            out[key] = value
    return out


def _example(schema: dict, key: str, root: dict | None = None, item: bool = False) -> str:
    """A YAML snippet that would satisfy ``schema``, for fix hints (``item``: a list entry)."""
    lead = "- " if item else f"{key}: "
    if "enum" in schema:
        return f"`{lead}{yaml_scalar(schema['enum'][0])}` (one of {', '.join(map(yaml_scalar, schema['enum']))})"
    if "const" in schema:
        return f"`{lead}{yaml_scalar(schema['const'])}`"
    kind_ = schema.get("type")
    if kind_ == "object":
        sample = _sample_mapping(schema, root)
        required = [name for name in schema.get("required", []) if name in schema.get("properties", {})]
        needs = f" (it needs {', '.join(f'`{name}:`' for name in required)})" if required else ""
        if sample:
            return f"`{lead}{flow(sample)}`{needs}"
        return f"`{lead}{{}}` as a mapping{needs}"
    examples = schema.get("examples")
    if examples:
        return f"`{lead}{flow(examples[0])}`"
    if kind_ == "array":
        sample = _sample(schema, root)
        return f"`{lead}{flow(sample)}`" if sample else f"`{lead}[]` as a list"
    if kind_ == "boolean":
        return f"`{key}: true` or `{key}: false`"
    if kind_ in ("integer", "number"):  # a value the bounds allow (`effort_weeks: 1`), not a bare key
        low, high = schema.get("minimum", 1), schema.get("maximum", max(schema.get("minimum", 1), 1))
        return f"`{lead}{yaml_scalar(min(max(1, low), high))}`"
    return f"`{lead.rstrip()}`"


# --------------------------------------------------------------------------
# Misplaced keys and safe fixes (`aiplan lint --fix`): only where the intent is unambiguous


def _homes(schema: dict, root: dict, prefix: tuple, out: dict, depth: int = 0) -> None:
    """Record, for every key of every mapping (not through lists), the paths where it is a property."""
    schema = resolve(schema, root)
    for name, sub in schema.get("properties", {}).items():
        out.setdefault(name, []).append(prefix + (name,))
        if depth < 8:
            _homes(sub, root, prefix + (name,), out, depth + 1)


@functools.lru_cache(maxsize=None)
def _key_homes(name: str = PLAN_SCHEMA) -> dict:
    out: dict[str, list[tuple]] = {}
    _homes(load(name), load(name), (), out)
    return {key: sorted(set(paths)) for key, paths in out.items()}


def misplaced_home(key: str, path: tuple, root: dict) -> tuple | None:
    """Where an unknown key at ``path`` belongs, if the schema has exactly one place
    for it: below ``path`` first (`fine_tuning.held_out` -> `fine_tuning.evaluation.held_out`),
    then anywhere in the plan (`rag.multi_tenant` -> `use_case.multi_tenant`). Paths
    inside lists are not proposed (which entry would it be?)."""
    if not isinstance(key, str) or any(isinstance(part, int) for part in path):
        return None
    anywhere = _key_homes(PLAN_SCHEMA).get(key, []) if root is load(PLAN_SCHEMA) else []
    below = [home for home in anywhere if home[:len(path)] == path]
    if len(below) == 1:
        return below[0]
    if below:
        return None
    return anywhere[0] if len(anywhere) == 1 else None


def _fits(value: Any, schema: Any, root: dict) -> tuple[bool, str | None]:
    """Whether a key renamed to the subschema's can keep ``value``, or have it fixed with it,
    and the value to write then (``None``: as it is): of a type its `type` allows, and in its
    `enum` or safely replaced by one of it (what the fixer accepts at the renamed key itself);
    what it does not say is not judged."""
    schema = resolve(schema, root) if isinstance(schema, dict) else {}
    types, allowed = schema.get("type"), schema.get("enum")
    try:
        if types is not None and not any(is_type(value, name) for name in ([types] if isinstance(types, str) else types)):
            return False, None
    except (NotJson, KeyError):  # a value outside JSON's types, an unknown type name: not judged here
        return True, None
    if isinstance(allowed, list) and not any(json_equal(value, option) for option in allowed):
        replacement = safe_replacement(value, [str(option) for option in allowed])
        return replacement is not None, replacement
    return True, None


def safe_renames(instance: dict, known: list[str]) -> dict[str, str]:
    """Unknown key -> the known key to rename it to, where that is safe: one
    unambiguous candidate, not already present, and wanted by no other unknown
    key of the same mapping (either rename would make a duplicate key)."""
    wanted: dict[str, list[str]] = {}
    for key in instance:
        if key in known:
            continue
        target = safe_replacement(key, known)
        if target is not None and target not in instance:
            wanted.setdefault(target, []).append(key)
    return {keys[0]: target for target, keys in wanted.items() if len(keys) == 1}



def _typed_replacement(instance: Any, expected: Any) -> Any:
    """The typed value a string clearly meant where the schema wants another
    type: a quoted decimal number (`"600"`) for an integer or number, a YAML 1.1
    boolean word (`yes`, `off`) for a boolean. ``None`` when there is none."""
    if not isinstance(instance, str):
        return None
    kinds = [expected] if isinstance(expected, str) else list(expected or ())
    if "boolean" in kinds and instance.lower() in _YAML11_BOOLEANS:
        return _YAML11_BOOLEANS[instance.lower()]
    # Decimal notation only: `"0x1F"` or `"1e3"` may not mean what YAML would make of them.
    match = _DECIMAL.fullmatch(instance)
    if match is None:
        return None
    if "integer" in kinds and not match.group(1):
        return int(instance)
    if "number" in kinds:
        return int(instance) if not match.group(1) else float(instance)
    return None


_DECIMAL = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?")


# --------------------------------------------------------------------------
# A policy pack's `require` schema judging a plan


def _policy_name(path: tuple) -> str:
    return f"`{format_yaml_path(path)}`" if path else "the plan"


POLICY_VOICE = Voice(
    words={
        "required": "{where} is missing",
        "dependent_required": "{trigger} is set but {where} is missing",
        "unknown": "{where} is not allowed by the policy",
        "const": "{where} is {value}; the policy requires {wanted}",
        "enum": "{where} is {value}; the policy allows {allowed_quoted}",
        "type": "{where} is {seen}; the policy requires {wanted}",
        "pattern": "{where} is {value}, which does not match {limit}",
        "format": "{where} is {value}, not a valid {limit}",
        "contains": "{where} does not include {item}",
        "minimum": "{where} is {value}; the policy requires {bound} {limit}",
        "exclusiveMinimum": "{where} is {value}; the policy requires {bound} {limit}",
        "maximum": "{where} is {value}; the policy requires {bound} {limit}",
        "exclusiveMaximum": "{where} is {value}; the policy requires {bound} {limit}",
        "minItems": "{where} has {count} {unit}; the policy requires {bound} {limit}",
        "maxItems": "{where} has {count} {unit}; the policy requires {bound} {limit}",
        "minLength": "{where} has {count} {unit}; the policy requires {bound} {limit}",
        "maxLength": "{where} has {count} {unit}; the policy requires {bound} {limit}",
        "not": "{where} is {value}, which the policy forbids",
        "anyOf": "{where} matches none of the alternatives the policy allows",
        "oneOf": "{where} matches none of the alternatives the policy allows",
        "oneOf_many": "{where} matches {count} of the {total} alternatives the policy allows; it must match exactly one",
        "None": "{where} is not allowed by the policy",
        "other": "{where}: {detail}",
    },
    name=_policy_name,
    type_names={**TYPE_NAMES, "null": "null"},
)


# --------------------------------------------------------------------------
# A configuration file


def _config_hint(fact: Fact, error, root: dict, voice: Voice) -> tuple[str, tuple[Edit, ...]]:
    """A configuration problem's did-you-mean, appended to its message."""
    if fact.kind == "unknown":
        known = fact.fields["known"].split(", ") if fact.fields["known"] else []
        guess = closest(fact.fields["key"], known, cutoff=0.6)
        return (f"; did you mean `{guess}`?" if guess else f"; valid keys here: {fact.fields['known']}"), ()
    if fact.kind == "property_name":
        return did_you_mean_rule(error.instance, voice.names, " (rule IDs look like FT003)"), ()
    if fact.kind == "enum":
        guess = closest(error.instance, [str(v) for v in error.validator_value])
        return (f"; did you mean '{guess}'?" if guess else ""), ()
    if fact.kind == "pattern":
        return did_you_mean_rule(error.instance, voice.names), ()
    return "", ()


# A schema `pattern` -> what a value that fails it is not, in words (the shipped schemas' patterns).
PATTERN_WORDS = {
    "^(ALL|[A-Za-z][A-Za-z0-9]*)(?![\\s\\S])": "not a rule ID or prefix (like FT003, FT or ALL)",
    "^[A-Z][A-Z0-9]*[0-9]{3}(?![\\s\\S])": "not a rule ID (like FT003)",
    "^[A-Za-z][A-Za-z0-9]*[0-9]{3}(?![\\s\\S])": "not a rule ID (like FT003)",
    "[^\\s]": "not a word (a placeholder needs a character that is not a space)",
}


_CONFIG_WORDS = {
    "unknown": "unknown key {where}",
    "property_name": "{where} has the key {value}, which is not a rule ID",
    "type": "{where} is {seen}; expected {wanted}",
    "enum": "{where} is {value}; expected one of {allowed}",
    "pattern": "{where} is {value}, {requirement}",
    "required": "{under} lacks the required key `{key}`",
    "uniqueItems": "{where} lists {item} twice",
    "minimum": "{where} is {value}; it must be {bound} {limit}",
    "maximum": "{where} is {value}; it must be {bound} {limit}",
    "minItems": "{where} is empty",
    "minLength": "{where} is empty",
    "oneOf_many": "{where} matches {count} of its {total} alternative forms; it must match exactly one",
    "other": "{where}: {detail}",
}


def config_voice(prefix: str, rule_ids: tuple[str, ...] = ()) -> Voice:
    """The configuration's voice: keys named from the file's table (``tool.aiplan.select``),
    mappings called tables, and rule IDs proposed for a misspelled one."""
    return Voice(words=_CONFIG_WORDS, name=lambda path: f"`{dotted_key(prefix, path)}`", hint=_config_hint,
                 type_names={**TYPE_NAMES, "object": "a table"}, names=tuple(rule_ids), show=quoted_visibly)
