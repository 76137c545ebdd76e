"""How a rule is declared: metadata, options and the check, side by side.

A rule is a function decorated with :func:`rule`. Its docstring is its
documentation, with fixed sections (``aiplan explain`` and ``docs/rules.md`` are
generated from it)::

    @rule("FT003", "small-dataset", Severity.WARNING,
          options=[Option("min_examples", int, 500, "Fewest training examples accepted.")])
    def small_dataset(plan, options):
        '''Fine-tuning dataset has fewer examples than the minimum.

        ## Why
        ...
        ## Bad
        ```yaml
        ...
        ```
        ## Good
        ```yaml
        ...
        ```
        '''
        ...
        yield Violation(message, fix, path=("fine_tuning", "dataset", "examples"))

The check receives the :class:`~aiplan.core.plan.Plan` and the rule's resolved
options, and yields :class:`~aiplan.core.findings.Violation` records. It does no
I/O and never decides severity or location: the engine stamps those.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import field
from types import MappingProxyType
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from aiplan import REPOSITORY
from aiplan.core.findings import Severity, Violation
from aiplan.core.notation import kind, quoted, quoted_visibly
from aiplan.core.numbers import counted
from aiplan.core.records import Record
from aiplan.core.rule_ids import family_of
from aiplan.core.suggest import closest

# A built-in rule's section of docs/rules.md in the repository: the heading
# "### FT001 fine-tuning-without-held-out" has the anchor "ft001-fine-tuning-without-held-out".
DOCS_URL = REPOSITORY + "/blob/main/docs/rules.md#{anchor}"

# What a rule ID and a rule name may be, tested with str methods: as regular expressions
# (r"[A-Z][A-Z0-9]*[0-9]{3}\Z", r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z") they cost 0.7 M
# instructions to compile on every start (tests/unit/core/test_rule_id_and_name.py holds
# these to those expressions).
_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")
_ID_CHARACTERS = _CAPITALS | _DIGITS
_NAME_CHARACTERS = _LOWER | _DIGITS | {"-"}


def is_rule_id(text: str) -> bool:
    """Whether ``text`` is a rule ID: a capital letter, capitals and digits, three digits last (``FT001``)."""
    return (len(text) >= 4 and text[0] in _CAPITALS and _ID_CHARACTERS.issuperset(text)
            and _DIGITS.issuperset(text[-3:]))


def is_rule_name(text: str) -> bool:
    """Whether ``text`` is a rule name: lower-case words of letters and digits joined by single
    hyphens, the first word starting with a letter (``fine-tuning-without-held-out``)."""
    return (text[:1] in _LOWER and _NAME_CHARACTERS.issuperset(text) and not text.endswith("-")
            and "--" not in text)

if TYPE_CHECKING:  # typing's Callable costs about 0.2 M instructions at import; annotations are strings
    CheckFunction = Callable[..., Iterable[Violation]]


# An option's type in words, as configuration errors name what they expected.
_OPTION_TYPES: dict[type, str] = {int: "an integer", float: "a number", bool: "a boolean (`true` or `false`)",
                                  str: "a string"}


class Option(Record):
    """A configurable threshold of a rule, declared as data and validated centrally.

    ``type`` is ``int``, ``float``, ``bool`` or ``str`` (a ``float`` option also
    takes an integer; an ``int`` option takes a whole float, `500.0`, as the
    integer, as the configuration's limits do, and refuses `500.5`). ``minimum`` and ``maximum`` bound a numeric option,
    inclusively; ``None`` leaves that side open. Configured values are checked
    against the type and bounds before any plan is linted (exit code 2 with the
    option's name otherwise), and ``aiplan explain`` shows them.
    """

    name: str
    type: type
    default: Any
    description: str
    minimum: float | None = None
    maximum: float | None = None

    def validate(self, value: Any) -> Any:
        """Return ``value`` if it fits this option, else raise ``ValueError``."""
        if self.type is int:
            value = counted(value)
        expected = (int, float) if self.type is float else self.type
        if not isinstance(value, expected) or (isinstance(value, bool) and self.type is not bool):
            wanted = _OPTION_TYPES.get(self.type, self.type.__name__)
            shown, what = quoted(value), kind(value)
            raise ValueError(f"expected {wanted}, got {shown}" + (f" ({what})" if shown != what else ""))
        number = value if isinstance(value, (int, float)) else None  # bounds apply to numbers only
        if self.minimum is not None and number is not None and number < self.minimum:
            raise ValueError(f"must be at least {self.minimum}, got {quoted(value)}")
        if self.maximum is not None and number is not None and number > self.maximum:
            raise ValueError(f"must be at most {self.maximum}, got {quoted(value)}")
        return value


class Rule(Record):
    """A rule's identity, documentation and check. ``doc`` is the docstring as written
    (:meth:`sections` cleans it)."""

    id: str
    name: str
    severity: Severity
    summary: str
    doc: str
    check: CheckFunction | None
    options: tuple[Option, ...] = ()
    fixable: bool = False
    plugin: str = "aiplan"
    url: str = ""
    # Rules whose findings come from the loader (syntax errors, duplicates, limits)
    # have no check function; they are listed and documented like the others.
    tags: tuple[str, ...] = field(default=())
    # What the rule will ask of ``plan.evidence``, from its resolved options, so
    # that one read of a data file serves every rule (``("near", threshold, ngram)``).
    evidence_needs: Callable[[Mapping[str, Any]], tuple] | None = None
    # The rules whose finding names this rule's problem better: on a document where
    # one of them is reported, the engine drops this rule's findings (sorted IDs).
    superseded_by: tuple[str, ...] = ()
    # The rules that may supersede one of its findings alone (a Violation's own superseded_by),
    # declared so that its documentation can say so (sorted IDs).
    finding_superseded_by: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        return family_of(self.id)

    @property
    def third_party(self) -> bool:
        """Its check is a plugin's code: not one of aiplan's rules (plugin ``aiplan``)
        nor a policy pack's declarative check (``pack:...``, run by aiplan's code).
        The engine gives such a check a private copy of the plan's data."""
        return self.plugin != "aiplan" and not self.plugin.startswith("pack:")

    def resolve_options(self, configured: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults overlaid with configured values; raises ``ValueError`` naming the bad option."""
        values = {option.name: option.default for option in self.options}
        known = {option.name: option for option in self.options}
        for key, value in (configured or {}).items():
            if key not in known:
                close = closest(key, known, cutoff=0.6)
                hint = f"; did you mean {quoted(close)}?" if close else (
                    f"; it has {', '.join(sorted(known))}" if known else "; it has no options"
                )
                raise ValueError(f"rule {self.id} has no option {quoted_visibly(key)}{hint}")
            try:
                values[key] = known[key].validate(value)
            except ValueError as exc:
                raise ValueError(f"option {quoted_visibly(key)} of rule {self.id}: {exc}") from None
        return values

    def sections(self) -> dict[str, str]:
        """The docstring split into its sections: ``summary``, ``what``, ``why``, ``bad``, ``good``..."""
        return split_doc(self.doc)


class Catalogue(Mapping[str, Rule]):
    """Every rule of a run by ID, immutable: built once by the plugin manager and
    passed down; a policy pack's rules extend it into a new catalogue
    (:meth:`with_rules`), never change it."""

    __slots__ = ("_rules",)

    def __init__(self, rules: Mapping[str, Rule] | None = None):
        self._rules: Mapping[str, Rule] = MappingProxyType(dict(rules or {}))

    def __getitem__(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        return f"Catalogue({sorted(self._rules)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Contexts travel to worker processes; a mapping proxy does not pickle.
        return (Catalogue, (dict(self._rules),))

    def with_rules(self, rules: Iterable[Rule]) -> "Catalogue":
        """This catalogue plus ``rules`` (a rule of the same ID is replaced)."""
        added = {item.id: item for item in rules}
        return Catalogue({**self._rules, **added}) if added else self

    def sorted(self) -> list[Rule]:
        return [self._rules[key] for key in sorted(self._rules)]


def rule(
    id: str,
    name: str,
    severity: Severity | str,
    *,
    options: Iterable[Option] = (),
    fixable: bool = False,
    tags: Iterable[str] = (),
    reported_by: str | None = None,
    url: str | None = None,
    evidence_needs: Callable[[Mapping[str, Any]], tuple] | None = None,
    superseded_by: Iterable[str] = (),
    finding_superseded_by: Iterable[str] = (),
) -> Callable[[CheckFunction], Rule]:
    """Declare a rule. Use as a decorator on its check function.

    ``options`` declares the rule's configurable thresholds (:class:`Option`).
    ``fixable=True`` lets its violations carry edits (:class:`~aiplan.api.Edit`)
    that ``aiplan lint --fix`` applies; the edits of a rule not declared fixable
    are ignored. ``tags`` are shown in SARIF output. ``url`` is where the
    rule's documentation lives: findings link to it. Built-in rules default to
    their section of ``docs/rules.md`` in the repository; a plugin's rule has no URL unless it
    gives one (``aiplan explain`` documents it either way).

    ``reported_by`` (``"loader"`` or ``"engine"``) declares a rule whose
    findings aiplan itself reports while reading and parsing the file (syntax
    errors, duplicate keys, limits) or applying inline suppressions: the
    decorated function then only carries the documentation and never runs.

    ``evidence_needs(options)`` tells the engine, before any rule runs, what the
    check will ask ``plan.evidence`` (a tuple of requests: ``("near", threshold,
    ngram)`` for a near-duplicate search, ``("exact",)`` for the exact comparison
    of held-out and evaluation inputs with the training data), so that the
    training data is read once for every rule that needs it. Without any
    ``("exact",)`` request, FT009 reads no data and reports the overlap unmeasured.

    ``superseded_by`` names the rules whose finding makes this rule's finding
    redundant (``superseded_by=("FIT002",)``: retrieval planned for a behavior gap
    is the problem, not its missing citations). The rule still judges only its
    own condition; the engine drops its findings on a YAML document where a
    finding of a superseding rule is reported after the configuration and inline
    suppressions (a superseding rule that is off, or whose finding is waived,
    supersedes nothing), and before a ``--baseline`` is applied (a baselined
    finding still supersedes). ``aiplan explain`` shows the declaration.
    ``finding_superseded_by`` declares the rules a single finding of it may name
    in its own ``Violation(superseded_by=...)`` (one half of what it checks), so
    that ``aiplan explain`` shows them too.
    """

    def decorate(function: CheckFunction) -> Rule:
        check = None if reported_by else function
        # make_rule cleans the docstring (inspect.getdoc would clean it twice).
        return make_rule(id, name, severity, check, function.__doc__ or "",
                         options=options, fixable=fixable,
                         tags=tuple(tags) + ((reported_by,) if reported_by else ()), url=url,
                         evidence_needs=evidence_needs, superseded_by=superseded_by,
                         finding_superseded_by=finding_superseded_by)

    return decorate


def make_rule(
    id: str,
    name: str,
    severity: Severity | str,
    check: CheckFunction | None,
    doc: str,
    *,
    options: Iterable[Option] = (),
    fixable: bool = False,
    tags: Iterable[str] = (),
    plugin: str = "aiplan",
    url: str | None = None,
    evidence_needs: Callable[[Mapping[str, Any]], tuple] | None = None,
    superseded_by: Iterable[str] = (),
    finding_superseded_by: Iterable[str] = (),
) -> Rule:
    if not is_rule_id(id):
        raise ValueError(f"rule ID {quoted_visibly(id)} must be capital letters followed by three digits, like FT001")
    superseding, per_finding = (_superseding_ids(id, key, given) for key, given in
                                (("superseded_by", superseded_by), ("finding_superseded_by", finding_superseded_by)))
    if not is_rule_name(name):
        raise ValueError(f"rule name {quoted_visibly(name)} must be lower-case words joined by hyphens")
    # ``doc`` is kept as written: split_doc() cleans it when documentation is shown, so a
    # run that shows none does not clean sixty docstrings (about 17 M instructions).
    doc = doc or ""
    summary = first_line(doc) or name.replace("-", " ")
    # Positional, in Rule's field order: keywords make the record bind each field by name.
    return Rule(id, name, Severity.parse(severity) if not isinstance(severity, Severity) else severity,
                summary, doc, check, tuple(options), fixable, plugin,
                default_url(id, name) if url is None else url, tuple(tags), evidence_needs, superseding,
                per_finding)


def _superseding_ids(rule_id: str, key: str, given: Iterable[str] | str) -> tuple[str, ...]:
    """``given`` as sorted rule IDs (a single ID string is one), other than ``rule_id``; else ValueError."""
    superseding = (given,) if isinstance(given, str) else tuple(given)
    for other in superseding:
        if not isinstance(other, str) or not is_rule_id(other) or other == rule_id:
            raise ValueError(f"rule {rule_id}: {key} names {quoted_visibly(other)}; "
                             "it takes the IDs of other rules, like FIT002")
    return tuple(sorted(set(superseding)))


# What a cycle of `superseded_by` does, as the policy pack's and the plugin manager's errors say it.
CYCLE_CONSEQUENCE = ("each rule in it is hidden by the next one's finding, so which one is reported would be "
                     "arbitrary; remove one of these `superseded_by` entries to say which finding stands")


def superseding_cycles(declared: Iterable[tuple[str, str]], rules: Mapping[str, Rule]) -> list[tuple[str, ...]]:
    """Each cycle of `superseded_by` (over ``rules``) that goes through one of the ``declared``
    ``(rule ID, an ID its superseded_by names)`` entries, once per cycle, as the chain from the
    first such entry's rule back to it (``("ZED005", "ZED006", "ZED005")``), shortest first found."""
    cycles, seen = [], set()
    for rule_id, first in declared:
        chain = _shortest_chain(first, rule_id, rules)
        if chain is None or frozenset(chain) in seen:
            continue
        seen.add(frozenset(chain))
        cycles.append((rule_id, *chain))
    return cycles


def _shortest_chain(start: str, goal: str, rules: Mapping[str, Rule]) -> tuple[str, ...] | None:
    """The shortest chain of `superseded_by` from ``start`` to ``goal`` (both included), or ``None``."""
    parents: dict[str, str | None] = {start: None}
    frontier = [start]
    while frontier:
        following = []
        for current in frontier:
            if current == goal:
                chain: list[str] = []
                step: str | None = current
                while step is not None:
                    chain.append(step)
                    step = parents[step]
                return tuple(reversed(chain))
            item = rules.get(current)
            for other in item.superseded_by if item is not None else ():
                if other not in parents:
                    parents[other] = current
                    following.append(other)
        frontier = following
    return None


def default_url(rule_id: str, name: str) -> str:
    """The documentation URL of a built-in rule: its section of docs/rules.md."""
    return DOCS_URL.format(anchor=f"{rule_id.lower()}-{name}")


_SECTION = r"(?m)^##\s+(.+?)\s*$"  # compiled on first use (re's cache): off a clean plan's path


def first_line(doc: str) -> str:
    """The first line of ``inspect.cleandoc(doc)`` that is not blank, stripped: a rule's
    summary, without cleaning the whole docstring, nor splitting more of it than the
    lines up to the first with text (sixty rules' docstrings: about 3 M instructions)."""
    text_starts = len(doc) - len(doc.lstrip())
    line_ends = doc.find("\n", text_starts)
    for line in (doc if line_ends < 0 else doc[:line_ends]).expandtabs().splitlines():
        if line.strip():
            return line.strip()
    return ""


def split_doc(doc: str) -> dict[str, str]:
    """Split a rule docstring into ``summary``, ``what`` (text before the first
    heading) and one entry per ``## Heading`` (lower-cased)."""
    doc = inspect.cleandoc(doc or "")
    lines = doc.splitlines()
    summary = lines[0].strip() if lines else ""
    body = "\n".join(lines[1:])
    parts = re.split(_SECTION, body)
    sections = {"summary": summary, "what": parts[0].strip()}
    for heading, text in zip(parts[1::2], parts[2::2]):
        sections[heading.strip().lower()] = text.strip()
    return sections
