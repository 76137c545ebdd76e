"""The parsed plan as rules see it: plain data plus the position of every node.

Rules read values through the typed accessors, which return ``None`` (or an
empty container) instead of raising when a plan has the wrong shape: a plan
with schema violations still gets its policy checked, and a rule never crashes
because ``gaps`` turned out to be a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field, replace
from typing import Any, Callable, Iterator

from aiplan.core.findings import Edit, Span, Violation, YamlPath
from aiplan.core.notation import quoted
from aiplan.core.placeholders import is_placeholder, is_placeholder_path, is_placeholder_text, says_nothing
from aiplan.core.records import Record

_MISSING = object()
_UNREAD = object()

# The approaches that add retrieval, training, or either to a prompted model.
RAG_APPROACHES = ("rag", "hybrid")
FINE_TUNING_APPROACHES = ("fine_tuning", "hybrid")
BEYOND_PROMPTING = ("rag", "fine_tuning", "hybrid")
GAPS = ("knowledge", "behavior", "accuracy")


def _at(node: Any, keys: tuple) -> Any:
    """The value at ``keys`` below ``node``, or ``_MISSING`` if a step is absent or
    of the wrong type: :meth:`Plan.get` and the typed readings, about 200 times a plan."""
    for key in keys:
        if type(node) is dict and type(key) is str:  # the usual step, without isinstance
            node = node.get(key, _MISSING)
            if node is _MISSING:
                return node
        elif isinstance(key, int):
            if not isinstance(node, list) or not -len(node) <= key < len(node):
                return _MISSING
            node = node[key]
        elif isinstance(node, dict):  # a plugin's read-only copy, a str subclass key
            node = node.get(key, _MISSING)
            if node is _MISSING:
                return node
        else:
            return _MISSING
    return node


def one_based(position: tuple) -> tuple:
    """A recorded position as the ``(line, column, end_line, end_column)`` tuple (1-based)
    it stands for: either that tuple, or one that starts with a start and an end mark
    (0-based ``line`` and ``column``): a parser's event (parse/events.py's START and
    END), or a collection's ``(start, end)`` marks. The loader records those as they
    are and converts one only when a finding or a :class:`SpanTable` read needs it."""
    start = position[0]
    if type(start) is int:
        return position
    end = position[1]
    return (start.line + 1, start.column + 1, end.line + 1, end.column + 1)


class SpanTable(Mapping):
    """YAML path -> :class:`Span`, stored compactly and read-only.

    The loader records a position for every key and value of every plan; a
    Span object for each would cost more than building the node itself, and
    almost none is ever read. Positions are kept as ``(line, column, end_line,
    end_column)`` tuples, or as tuples that start with a start and an end mark (0-based
    ``line`` and ``column``: see :func:`one_based`), and become a Span when read. Reads and iteration
    behave as for a ``dict`` of Spans; rules cannot move or delete positions.
    """

    __slots__ = ("_positions",)

    def __init__(self, positions: dict | None = None):
        self._positions = positions if positions is not None else {}

    def __getitem__(self, path: YamlPath) -> Span:
        position = self._positions[path]
        if type(position) is Span:
            return position
        return Span(*one_based(position))

    def __contains__(self, path: object) -> bool:
        return path in self._positions

    def __iter__(self) -> Iterator[YamlPath]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)

    def __repr__(self) -> str:
        return f"SpanTable({dict(self.items())!r})"


class Plan(Record):
    """One YAML document of a plan file, as the engine hands it to rules: built
    once, complete (``dataclasses.replace`` makes a variant), never changed.

    ``data`` is JSON-compatible (dict with str keys, list, str, int, float, bool,
    None). ``value_spans`` and ``key_spans`` map YAML paths to positions (a
    ``dict`` or a :class:`SpanTable` of :class:`Span`).

    A plugin's rule reads ``data`` as a read-only copy: its mappings and lists
    are ``dict`` and ``list`` for every read, but changing one raises (the rule
    is reported, exit 3); ``copy.deepcopy(plan.data)`` gives a copy to change.

    ``placeholders`` are a team's own placeholder words (the `placeholders`
    setting, normalised), read as missing in addition to the built-in ones
    (:mod:`aiplan.core.placeholders`).
    """

    data: Any
    value_spans: Mapping[YamlPath, Span]
    key_spans: Mapping[YamlPath, Span]
    path: str = "<string>"
    document: int = 0
    file_exists: Callable[[str], bool] | None = field(default=None, repr=False)
    # What the data files the plan names hold (aiplan.evidence.reader.EvidenceReader),
    # handed in by the engine; None when evidence is off or the plan has no directory.
    evidence: Any = field(default=None, repr=False)
    placeholders: frozenset[str] = field(default=frozenset(), repr=False)
    # The document as its author wrote it, when ``data`` is a reading with schema
    # slips repaired (aiplan.schemas.repair): messages quote what the plan says.
    written: Any = field(default=None, repr=False)
    # jsonschema's errors for ``data`` (aiplan.schemas.validate.schema_errors), listed
    # once by the engine for PLAN002 and the repaired reading; None: not listed yet.
    schema_errors: Any = field(default=None, repr=False)
    # What several rules derive from the plan (aiplan.rules.metrics), worked out once
    # (:meth:`derive`). Every Plan starts with its own, a ``replace`` variant too.
    derived: Any = field(default=None, repr=False, compare=False)
    # The values the accessors found, by key path: rules ask about a third of a plan's
    # paths again (``gaps.<gap>.present`` about seventeen times a plan).
    read: Any = field(default=None, repr=False, compare=False)
    # Whether ``data`` holds `.nan`, `.inf` or `-.inf`, as the loader noted while resolving
    # its scalars (aiplan.schemas.validate.schema_errors); None: not known, looked for.
    non_finite: bool | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "derived", {})
        object.__setattr__(self, "read", {})

    def _at(self, keys: tuple) -> Any:
        """The value at ``keys`` (``_MISSING`` if a step is absent or of the wrong type),
        walked once per plan: :meth:`get` and the typed readings, about 140 times a plan."""
        read = self.read
        try:
            value = read.get(keys, _UNREAD)
        except TypeError:  # a plugin's unhashable key: walk without remembering
            return _at(self.data, keys)
        if value is _UNREAD:
            value = read[keys] = _at(self.data, keys)
        return value

    def derive(self, compute: Callable[["Plan"], Any]) -> Any:
        """``compute(self)``, computed once for this plan and shared by every rule that
        asks: ``compute`` reads nothing but the plan and returns an immutable value."""
        derived = self.derived
        if compute not in derived:
            derived[compute] = compute(self)
        return derived[compute]

    # -- reading values -----------------------------------------------------

    def as_written(self, *keys: str | int) -> Any:
        """The value at ``keys`` as the author wrote it (`RAG` where the rules
        read `rag`); the same as :meth:`get` when nothing was repaired."""
        if self.written is None:
            return self.get(*keys)
        return replace(self, data=self.written, written=None).get(*keys)

    def get(self, *keys: str | int, default: Any = None) -> Any:
        """The value at ``keys``, or ``default`` if any step is absent or of the wrong type."""
        value = self._at(keys)
        return default if value is _MISSING else value

    def has(self, *keys: str | int) -> bool:
        """Whether the key exists (even with a null value)."""
        return self.get(*keys, default=_MISSING) is not _MISSING

    def mapping(self, *keys: str | int) -> dict | None:
        """The mapping at ``keys``, or ``None`` if absent or not a mapping."""
        value = self._at(keys)
        return value if isinstance(value, dict) else None

    def sequence(self, *keys: str | int) -> list:
        """The list at ``keys``, or an empty list if absent or not a list."""
        value = self._at(keys)
        return value if isinstance(value, list) else []

    def string(self, *keys: str | int) -> str | None:
        """The string at ``keys``, or ``None`` if absent or not a string."""
        value = self._at(keys)
        return value if isinstance(value, str) else None

    def number(self, *keys: str | int) -> int | float | None:
        """The number at ``keys``, or ``None``. Booleans are not numbers, nor are `.nan` and
        `.inf`: no count, duration or rate is one (PLAN002 reports them)."""
        value = self._at(keys)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        if isinstance(value, float) and value - value != 0.0:  # nan - nan and inf - inf are nan
            return None
        return value

    def boolean(self, *keys: str | int) -> bool | None:
        """The boolean at ``keys``, or ``None`` if absent or not ``true``/``false``."""
        value = self._at(keys)
        return value if isinstance(value, bool) else None

    def text(self, *keys: str | int) -> str | None:
        """A string with content, stripped; ``None`` if absent, blank, placeholder
        text (`TBD`, `none`, `-`, ...) or not a string."""
        value = self._at(keys)  # not self.string(): the rules' most frequent question, one call less
        if not isinstance(value, str) or not value.strip() or is_placeholder_text(value, self.placeholders):
            return None
        return value.strip()

    def file_path(self, *keys: str | int) -> str | None:
        """A path or glob the plan writes, stripped, as :meth:`text` reads a text, except that
        a glob of wildcards alone (`*`, `**/*`) is a path, not placeholder text."""
        value = self._at(keys)
        if not isinstance(value, str) or not value.strip() or is_placeholder_path(value, self.placeholders):
            return None
        return value.strip()

    def placeholder(self, *keys: str | int) -> str | None:
        """The placeholder text at ``keys`` (`TBD`, `n/a`, `<fill in>`), stripped, for
        messages to quote; ``None`` if the value is anything else."""
        value = self.get(*keys)
        return value.strip() if is_placeholder(value, self.placeholders) else None

    def is_blank(self, *keys: str | int) -> bool:
        """Whether the value says nothing: absent, null, a blank string, placeholder
        text, or a mapping or list whose values all say nothing (`{}`, `[]`, `{model: TBD}`)."""
        return says_nothing(self.get(*keys), self.placeholders)

    def entries(self, *keys: str | int) -> list[tuple[int, dict]]:
        """``(index, mapping)`` for every mapping in the list at ``keys``.

        Entries of another type are skipped (the schema reports them); the index
        is the entry's position in the list, for building its YAML path.
        """
        return [(index, item) for index, item in enumerate(self.sequence(*keys)) if isinstance(item, dict)]

    @property
    def approach(self) -> str | None:
        """The plan's ``approach`` if it is a string, else ``None``."""
        # Read directly, not through string(): asked about forty times a plan (includes_rag, ...).
        data = self.data
        value = data.get("approach") if isinstance(data, dict) else None
        return value if isinstance(value, str) else None

    @property
    def includes_rag(self) -> bool:
        """The approach is ``rag`` or ``hybrid``."""
        return self.approach in RAG_APPROACHES

    @property
    def includes_fine_tuning(self) -> bool:
        """The approach is ``fine_tuning`` or ``hybrid``."""
        return self.approach in FINE_TUNING_APPROACHES

    @property
    def beyond_prompting(self) -> bool:
        """The approach is a known one other than ``prompt_engineering``.

        An absent or unknown approach (a schema finding) is not beyond prompting:
        rules about a chosen approach stay quiet until one is chosen.
        """
        return self.approach in BEYOND_PROMPTING

    def gap_present(self, gap: str) -> bool | None:
        """``True``/``False`` when the gap is stated, ``None`` when not stated."""
        return self.boolean("gaps", gap, "present")

    def path_exists(self, relative: str) -> bool | None:
        """Whether a path the plan names exists next to it; ``None`` if unknown.

        The engine supplies the check (rules do no I/O themselves).
        """
        if self.file_exists is None:
            return None
        return self.file_exists(relative)

    # -- locating nodes -----------------------------------------------------

    def locate(self, path: YamlPath, at: str = "value") -> tuple[Span, YamlPath]:
        """The span of the node at ``path`` and the path actually located.

        A path that does not exist resolves to its closest existing parent, shown
        at that parent's key (``evaluation:``) so the reader sees where to add it,
        or at its value when that is placeholder text (``corpus: TBD``).
        ``at="section"`` is the key, or the value if it is placeholder text.
        """
        path = tuple(path)
        if at == "section":
            # A section is shown at its key (`rag:`, above its block), but placeholder text written
            # in its place (`rag: TBD`) is shown where it is written, as every placeholder is.
            at = "value" if path in self.value_spans and self.placeholder(*path) is not None else "key"
        if path in self.value_spans or (at == "key" and path in self.key_spans):
            if at == "key" and path in self.key_spans:
                return self.key_spans[path], path
            return self.value_spans[path], path
        probe = path
        while probe:
            probe = probe[:-1]
            if probe in self.key_spans:
                if probe in self.value_spans and self.placeholder(*probe) is not None:
                    # A key missing under placeholder text (`corpus: TBD`) is shown at the
                    # placeholder, where it is written, as every placeholder is.
                    return self.value_spans[probe], probe
                return self.key_spans[probe], probe
            if probe in self.value_spans:
                # A whole collection would span many lines: point at where it starts.
                span = self.value_spans[probe]
                return Span.point(span.line, span.column), probe
        return Span.point(1, 1), ()


def plan_for_rules(document: Plan, file_exists: Callable[[str], bool] | None, evidence: Any,
                   placeholders: frozenset[str], schema_errors: Any) -> Plan:
    """A loaded ``document`` as the engine hands it to the rules: ``replace(document,
    file_exists=..., evidence=..., placeholders=..., schema_errors=...)``, built positionally, in
    field order (``replace`` binds every field by name: about 70 k instructions against 30 k, per
    document). Not a method: plugins read :class:`Plan`'s methods as their API."""
    return Plan(document.data, document.value_spans, document.key_spans, document.path, document.document,
                file_exists, evidence, placeholders, document.written, schema_errors, None, None,
                document.non_finite)


SUPPORTED_VERSIONS = (1,)


def version_problem(data: Any) -> tuple[bool, "Violation | None"]:
    """Whether a document is a plan to lint as v1, and what is wrong with its version.

    Returns ``(lint_it, violation)``. A document that is not a mapping, or has
    no ``aiplan`` key, is not linted further. ``aiplan: "1"`` is clearly meant
    as version 1: it is reported and linted anyway.
    """
    if not isinstance(data, dict):
        if data is None:
            return False, Violation(
                "the document is empty; a plan starts with `aiplan: 1`",
                "Add `aiplan: 1` and the plan's fields, or remove the empty document.",
            )
        kind = "a list" if isinstance(data, list) else f"a single value ({type(data).__name__})"
        return False, Violation(
            f"the document is {kind}, not a plan mapping with an `aiplan` key",
            "A plan is a mapping that starts with `aiplan: 1`; run `aiplan init` for a starter plan.",
        )
    if "aiplan" not in data:
        return False, Violation(
            "no `aiplan` key: this YAML document is not marked as an AI project plan",
            "Add `aiplan: 1` as the first line of the plan, or stop passing this file to aiplan.",
        )
    version = data["aiplan"]
    if isinstance(version, int) and not isinstance(version, bool) and version in SUPPORTED_VERSIONS:
        return True, None
    if version in ("1", 1.0) and not isinstance(version, bool):
        kind = "a string" if isinstance(version, str) else "a float"
        return True, Violation(
            f"`aiplan` is {quoted(version)} ({kind}); the format version is the integer 1",
            "Write `aiplan: 1` without quotes or decimals.",
            path=("aiplan",),
            edits=(Edit(1),),
        )
    return False, Violation(
        f"`aiplan` is {quoted(version)}; this aiplan supports format version 1 only",
        "Set `aiplan: 1` (the plan format of this linter), or upgrade aiplan if the plan uses a newer format.",
        path=("aiplan",),
    )
