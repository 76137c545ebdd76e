"""Configuration files: find them, read them, validate them, turn them into layers.

aiplan reads ``[tool.aiplan]`` in ``pyproject.toml`` or the whole of
``.aiplan.toml``. The file nearest above a linted plan applies (in one
directory ``.aiplan.toml`` wins over ``pyproject.toml``; a ``pyproject.toml``
without ``[tool.aiplan]`` is passed over), unless ``--config FILE`` names one
for the whole run or ``--isolated`` ignores them all.

Every file is validated against ``schemas/config.schema.json`` before use. A
problem is a :class:`ConfigError` (exit 2) whose message names the file, the
key and, for a misspelling, the closest valid name.

A file becomes :class:`Layer` records: its top-level settings, then one layer
per ``[[overrides]]`` entry. ``aiplan.config.resolve`` stacks the layers that
apply to a file (and the command line's on top) into its lint context.
"""

from __future__ import annotations

import math
import os
from dataclasses import field
from typing import Any, Iterable, Mapping

from aiplan.core import ConfigError
from aiplan.core.paths import shown_path
from aiplan.core.findings import Severity
from aiplan.core.globs import GlobError, compile_glob, matches
from aiplan.core.notation import dotted_key, quoted
from aiplan.core.numbers import counted
from aiplan.core.records import Record
from aiplan.fileio import FileTooLarge, read_regular
from aiplan.schemas import CONFIG_SCHEMA, load
from aiplan.schemas.validate import schema_errors

CONFIG_NAMES = (".aiplan.toml", "pyproject.toml")

# Configuration key -> aiplan.parse.loader.Limits field.
# The time budgets, in seconds (floats: TOML's nan and inf are refused by _non_finite_timeouts).
TIMEOUT_KEYS = {"rule-timeout": "rule_timeout", "file-timeout": "file_timeout"}
LIMIT_KEYS = {"max-file-size": "max_bytes", "max-depth": "max_depth", "max-alias-nodes": "max_alias_nodes",
              "max-documents": "max_documents", "max-findings": "max_findings",
              "max-evidence-bytes": "max_evidence_bytes", "max-evidence-files": "max_evidence_files",
              # Not loader limits: settings hands them to LintConfig.rule_timeout and file_timeout.
              **TIMEOUT_KEYS}


class Layer(Record):
    """One set of settings: a file's top level, one of its overrides, or the command line.

    ``select`` is ``None`` when the layer does not set it (the selection so far
    stands). ``file`` and ``prefix`` name the layer in messages:
    ``pyproject.toml: tool.aiplan.overrides[0]``.
    """

    file: str
    prefix: str = ""
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = None
    severity: Mapping[str, Severity] = field(default_factory=dict)
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    policy_packs: tuple[str, ...] = ()      # absolute paths
    limits: Mapping[str, float] = field(default_factory=dict)   # Limits field -> value (timeouts: seconds)
    paths: tuple[str, ...] = ()             # overrides only: glob patterns
    placeholders: tuple[str, ...] = ()      # the team's own placeholder words, as written
    input_fields: tuple[tuple[str, str], ...] = ()  # (glob of a data path as the plan names it, field)

    @property
    def where(self) -> str:
        return f"{self.file}: {self.prefix}" if self.prefix else self.file

    def key(self, name: str) -> str:
        """``pyproject.toml: `tool.aiplan.select``` for messages."""
        return f"{self.file}: `{self.prefix + '.' if self.prefix else ''}{name}`"


class ConfigFile(Record):
    path: str                   # absolute
    shown: str                  # as it appears in messages
    root: str                   # its directory: base of relative paths and patterns
    base: Layer
    exclude: tuple[str, ...] = ()
    overrides: tuple[Layer, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict)
    parent: "ConfigFile | None" = None     # the file named by `extend`

    def chain(self) -> list["ConfigFile"]:
        """This file and those it extends, the furthest first (the order their layers apply)."""
        out: list[ConfigFile] = []
        node: ConfigFile | None = self
        while node is not None:
            out.insert(0, node)
            node = node.parent
        return out

    def layers_for_path(self, path: str, is_dir: bool = False) -> tuple[tuple, tuple[Layer, ...]]:
        """Every layer of the chain that applies to ``path``, and a key naming the
        overrides applied (``((file, (index, ...)), ...)``) for caching."""
        key: list[tuple[str, tuple[int, ...]]] = []
        layers: list[Layer] = []
        for config in self.chain():
            indexes, chosen = config.layers_for(None if is_dir else config.relative(path))
            key.append((config.path, indexes))
            layers.extend(chosen)
        return tuple(key), tuple(layers)

    def layers_for(self, relative_path: str | None) -> tuple[tuple[int, ...], tuple[Layer, ...]]:
        """The overrides that apply to a path relative to :attr:`root`, as indexes and layers."""
        if relative_path is None:
            return (), (self.base,)
        chosen = tuple(i for i, o in enumerate(self.overrides) if matches(relative_path, o.paths))
        return chosen, (self.base,) + tuple(self.overrides[i] for i in chosen)

    def relative(self, path: str) -> str | None:
        """``path`` relative to :attr:`root` with ``/``, or ``None`` if outside it."""
        try:
            relative = os.path.relpath(os.path.abspath(path), self.root)
        except ValueError:
            return None
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            return None
        return relative.replace(os.sep, "/")


# --------------------------------------------------------------------------
# Finding the file


# A configuration file is a few kilobytes; anything near this is not one.
MAX_CONFIG_BYTES = 2 * 1024 * 1024


def _read_text(path: str) -> str:
    try:
        data = read_regular(path, MAX_CONFIG_BYTES)
    except FileTooLarge:
        raise ConfigError(f"{shown_path(path)}: the configuration file is over 2 MB; is it the right file?") from None
    except OSError as exc:
        raise ConfigError(f"{shown_path(path)}: cannot read the configuration: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{shown_path(path)}: the file is not UTF-8 (byte {exc.start}); TOML files are UTF-8") from None


def _parse_toml(path: str, text: str) -> dict:
    try:
        import tomllib  # start-up: only when a TOML configuration file is read (Python 3.11+)
    except ImportError:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]  # as above, on Python 3.10
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown_path(path)}: invalid TOML: {exc}") from None


def read_table(path: str) -> tuple[dict | None, str]:
    """The aiplan table of a configuration file and its key prefix, or ``(None, "")``
    for a ``pyproject.toml`` that has no ``[tool.aiplan]``."""
    text = _read_text(path)
    is_pyproject = os.path.basename(path) == "pyproject.toml"
    if is_pyproject and "aiplan" not in text:
        return None, ""        # cannot hold [tool.aiplan]; do not judge the rest of it
    data = _parse_toml(path, text)
    if not is_pyproject:
        tool = data.get("tool")
        if isinstance(tool, dict) and "aiplan" in tool:
            raise ConfigError(f"{shown_path(path)}: write the settings at the top level of this file, "
                              "without a [tool.aiplan] header (that header is for pyproject.toml)")
        return data, ""
    tool = data.get("tool")
    table = tool.get("aiplan") if isinstance(tool, dict) else None
    if table is None:
        return None, ""
    if not isinstance(table, dict):
        raise ConfigError(f"{shown_path(path)}: tool.aiplan must be a table ([tool.aiplan]), not {type(table).__name__}")
    return table, "tool.aiplan"


_UNKNOWN = object()


class ConfigFinder:
    """Finds the configuration file that governs a directory, remembering each
    directory's answer for the run (a run may lint thousands of plans)."""

    def __init__(self) -> None:
        self._dirs: dict[str, str | None] = {}

    def _in(self, directory: str) -> str | None:
        for name in CONFIG_NAMES:
            candidate = os.path.join(directory, name)
            if not os.path.isfile(candidate):
                continue
            if name == "pyproject.toml":
                try:
                    table, _ = read_table(candidate)
                except ConfigError:
                    return candidate   # it mentions aiplan but is broken: loading it says why
                if table is None:
                    continue
            return candidate
        return None

    def find(self, start: str) -> str | None:
        """The nearest configuration file in ``start`` (a directory) or above it."""
        # A folder already answered, as the resolver names it (absolute): no abspath (a
        # getcwd() and normpath) per plan of a run over thousands.
        known = self._dirs.get(start, _UNKNOWN)
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]
        directory = os.path.abspath(start)
        visited = []
        found = None
        while True:
            if directory in self._dirs:
                found = self._dirs[directory]
                break
            visited.append(directory)
            found = self._in(directory)
            if found is not None:
                break
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
        for seen in visited:
            self._dirs[seen] = found
        return found


# --------------------------------------------------------------------------
# Validating and reading it


def schema_problems(table: Any, shown: str, prefix: str, rule_ids: Iterable[str] = ()) -> list[str]:
    """Every problem of a configuration table, as messages naming file, key and fix."""
    # The committed checks decide, and list the errors as jsonschema would (aiplan.schemas.fast).
    errors = schema_errors(table, CONFIG_SCHEMA)
    if not errors:
        return list(_non_finite_timeouts(table, shown, prefix))
    from aiplan.schemas.explain import config_voice, explain  # start-up: only an invalid configuration is worded

    root = load(CONFIG_SCHEMA)
    voice = config_voice(prefix, tuple(rule_ids))
    problems: list[str] = []
    mistyped: set[tuple] = set()
    for error in sorted(errors,
                        key=lambda e: (list(map(str, e.absolute_path)), e.validator != "type")):
        path = tuple(error.absolute_path)
        if path in mistyped:
            continue   # one problem per key: a wrong type says it all
        if error.validator == "type":
            mistyped.add(path)
        problems.extend(f"{shown}: {problem.message}{problem.fix}" for problem in explain(error, root, voice))
    return problems + list(_non_finite_timeouts(table, shown, prefix))


def _non_finite_timeouts(table: Any, shown: str, prefix: str) -> Iterable[str]:
    """A timeout of nan or inf (TOML has both): JSON Schema's ``minimum`` cannot reject NaN
    (every comparison with it is false), so the schema lets them through and this says so."""
    if not isinstance(table, dict):
        return
    for where, entry in _tables(table):
        for key in TIMEOUT_KEYS:
            value = entry.get(key) if isinstance(entry, dict) else None
            if isinstance(value, float) and not math.isfinite(value) and not value < 0:  # -inf: below `minimum`
                yield (f"{shown}: `{dotted_key(prefix, where + [key])}` is {quoted(value)}; "
                       "it must be a finite number of seconds (0 turns the budget off)")


def _tables(table: dict) -> list[tuple[list, Any]]:
    """The top table, then each override, each with its path (how a message names a key in it)."""
    overrides = table.get("overrides")
    return [([], table)] + [(["overrides", number], entry)
                            for number, entry in enumerate(overrides if isinstance(overrides, list) else ())]


def _as_typed(values) -> tuple[str, ...]:
    """Selectors as written, stripped (errors echo them); the resolver upper-cases them
    for matching once they are validated (Resolver._clean)."""
    return tuple(str(v).strip() for v in values)


def _layer(table: Mapping[str, Any], file: str, prefix: str, root: str) -> Layer:
    return Layer(
        file=file,
        prefix=prefix,
        select=_as_typed(table["select"]) if "select" in table else None,
        extend_select=_as_typed(table.get("extend-select", ())),
        ignore=_as_typed(table.get("ignore", ())),
        fail_on=Severity.parse(table["fail-on"]) if "fail-on" in table else None,
        severity={k: Severity.parse(v) for k, v in table.get("severity", {}).items()},
        rule_options={k: dict(v) for k, v in table.get("rules", {}).items()},
        policy_packs=tuple(os.path.normpath(os.path.join(root, p)) for p in table.get("policy-packs", ())),
        limits={LIMIT_KEYS[k]: table[k] if k in TIMEOUT_KEYS else counted(table[k])
                for k in LIMIT_KEYS if k in table},
        paths=tuple(table.get("paths", ())),
        placeholders=tuple(table.get("placeholders", ())),
        input_fields=tuple((str(k), str(v)) for k, v in table.get("input-fields", {}).items()),
    )


def load_config(path: str, rule_ids: Iterable[str] = (), _extended_by: tuple[str, ...] = ()) -> ConfigFile:
    """Read and validate one configuration file (and those it extends). Raises :class:`ConfigError`."""
    path = os.path.abspath(path)
    shown = shown_path(path)
    if not os.path.lexists(path):
        via = f" (named by `extend` in {shown_path(_extended_by[-1])})" if _extended_by else ""
        raise ConfigError(f"{shown}: no such configuration file{via}")
    table, prefix = read_table(path)
    if table is None:
        raise ConfigError(f"{shown}: has no [tool.aiplan] table")
    problems = schema_problems(table, shown, prefix, rule_ids)
    root = os.path.dirname(path)
    overrides = []
    if not problems:
        for number, entry in enumerate(table.get("overrides", ())):
            for pattern in entry["paths"]:
                try:
                    compile_glob(pattern)
                except GlobError as exc:
                    problems.append(f"{shown}: `{dotted_key(prefix, ['overrides', number, 'paths'])}`: {exc}")
            overrides.append(_layer(entry, shown, dotted_key(prefix, ["overrides", number]), root))
        for pattern in table.get("exclude", ()):
            try:
                compile_glob(pattern)
            except GlobError as exc:
                problems.append(f"{shown}: `{dotted_key(prefix, ['exclude'])}`: {exc}")
        for where, entry in _tables(table):
            for pattern in entry.get("input-fields", {}):
                try:
                    compile_glob(str(pattern))
                except GlobError as exc:
                    problems.append(f"{shown}: `{dotted_key(prefix, where + ['input-fields'])}`: {exc}")
    if problems:
        raise ConfigError.of(problems)
    parent = None
    if "extend" in table:
        target = os.path.normpath(os.path.join(root, table["extend"]))
        if target in _extended_by + (path,):
            cycle = " -> ".join(shown_path(p) for p in _extended_by + (path, target))
            raise ConfigError(f"{shown}: `{dotted_key(prefix, ['extend'])}` makes a cycle: {cycle}")
        parent = load_config(target, rule_ids, _extended_by + (path,))
    return ConfigFile(
        path=path,
        shown=shown,
        root=root,
        base=_layer(table, shown, prefix, root),
        exclude=tuple(table.get("exclude", ())),
        overrides=tuple(overrides),
        raw=table,
        parent=parent,
    )
