"""Property-based tests: random YAML, mutated plans and random bytes never
produce a traceback or an internal error, and a file's findings never depend
on the other files of the run.

The default run is small and deterministic (``derandomize``). For a long,
randomized run set ``AIPLAN_FUZZ_EXAMPLES``::

    AIPLAN_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py

Hypothesis then keeps failing examples in ``.hypothesis/`` and replays them
first on the next run.
"""

import io
import json
import os
import tempfile

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, FIXTURES

from aiplan import reporters
from aiplan.core.paths import Target
from aiplan.lint.engine import lint_bytes
from aiplan.parse.loader import load_text
from aiplan.run.runner import RunResult, lint_targets
from aiplan.testing import build_context

_LONG_RUN = "AIPLAN_FUZZ_EXAMPLES" in os.environ
FUZZ = settings(
    max_examples=int(os.environ.get("AIPLAN_FUZZ_EXAMPLES") or 120),
    deadline=None,
    derandomize=not _LONG_RUN,
    database=None if not _LONG_RUN else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)

CONTEXT = build_context()

# ---------------------------------------------------------------------------
# Strategies

YAML_SPECIALS = list(":-?[]{},#&*!|>'\"%@` \t\n\\~.") + ["\u2028", "\x85", "\ufeff", "é", "😀", "\u202e"]
characters = st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from(YAML_SPECIALS))
short_text = st.text(characters, max_size=24)
PLAN_KEYS = ["aiplan", "name", "owner", "status", "summary", "use_case", "gaps", "knowledge", "behavior",
             "accuracy", "present", "evidence", "baseline", "prompt_engineering", "results", "approach", "rag",
             "fine_tuning", "evaluation", "held_out", "dataset", "examples", "metrics", "targets", "<<"]
keys = st.one_of(st.sampled_from(PLAN_KEYS), short_text)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**15), 10**15), st.floats(), short_text,
    st.sampled_from(["rag", "fine_tuning", "hybrid", "prompt_engineering", "done", "yes", "1", "0x1F", ".inf"]),
)
documents = st.recursive(
    scalars, lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)
plan_like = st.dictionaries(st.sampled_from(PLAN_KEYS), documents, max_size=8).map(lambda d: {**d, "aiplan": 1})


@st.composite
def dumped(draw, data=st.one_of(documents, plan_like)):
    """``data`` written as YAML by ruamel.yaml, in a random style."""
    from ruamel.yaml import YAML

    value = draw(data)
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = draw(st.sampled_from([False, True, None]))
    yaml.width = draw(st.sampled_from([12, 40, 80, 4096]))
    sequence = draw(st.sampled_from([2, 4]))
    yaml.indent(mapping=draw(st.sampled_from([2, 4])), sequence=sequence, offset=sequence - 2)
    yaml.explicit_start = draw(st.booleans())
    stream = io.StringIO()
    try:
        yaml.dump(value, stream)
    except Exception:  # the emitter refuses a few exotic values; not what is tested here
        assume(False)
    return stream.getvalue()


def _plan_texts():
    paths = sorted(EXAMPLES.glob("*.yaml")) + sorted(FIXTURES.glob("**/pass*.yaml"))
    paths += sorted(FIXTURES.glob("plans/*.yaml"))
    return [p.read_text(encoding="utf-8") for p in paths]


PLAN_TEXTS = _plan_texts()


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, prefix + (index,))


def _replace(node, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[head] = _replace(node[head], rest, new)
    return copy


def _delete(node, path):
    parent = node
    for part in path[:-1]:
        parent = parent[part]
    parent = dict(parent) if isinstance(parent, dict) else list(parent)
    del parent[path[-1]]
    return _replace(node, path[:-1], parent)


@st.composite
def mutated_data(draw):
    """A valid plan with keys deleted, types swapped and unicode injected, as YAML."""
    from ruamel.yaml import YAML

    data = load_text(draw(st.sampled_from(PLAN_TEXTS))).documents[0].data
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(list(_paths(data))))
        action = draw(st.sampled_from(["delete", "swap", "unicode"]))
        if action == "delete" and path:
            data = _delete(data, path)
        elif action == "swap":
            data = _replace(data, path, draw(documents))
        else:
            data = _replace(data, path, draw(short_text) + "\u202e\x85😀" + draw(short_text))
    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, stream)
    return stream.getvalue()


@st.composite
def mutated_text(draw):
    """A valid plan's text, truncated, spliced, with lines dropped or repeated."""
    text = draw(st.sampled_from(PLAN_TEXTS))
    for _ in range(draw(st.integers(1, 3))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["truncate", "insert", "delete", "duplicate-line", "drop-line"]))
        lines = text.splitlines(keepends=True)
        if action == "truncate":
            text = text[:position]
        elif action == "insert":
            text = text[:position] + draw(st.text(characters, min_size=1, max_size=8)) + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 40)):]
        elif lines:
            index = draw(st.integers(0, len(lines) - 1))
            lines[index:index + 1] = [lines[index]] * (2 if action == "duplicate-line" else 0)
            text = "".join(lines)
    return text


any_text = st.one_of(dumped(), mutated_data(), mutated_text(), st.text(characters, max_size=200))
any_bytes = st.one_of(any_text.map(lambda t: t.encode("utf-8")), st.binary(max_size=600),
                      any_text.map(lambda t: t.encode("utf-16")))

# ---------------------------------------------------------------------------
# Properties


def check(result):
    assert not result.errors, [e.describe() for e in result.errors]
    for finding in result.findings:
        assert finding.rule in CONTEXT.rules
        assert finding.line >= 1 and finding.column >= 1 and finding.end_line >= finding.line
        assert isinstance(finding.message, str) and finding.message
    run = RunResult(files=[result])
    json.loads(reporters.get("json").render(run, CONTEXT.rules))
    reporters.get("text").render(run, CONTEXT.rules).encode("utf-8")


@FUZZ
@given(dumped())
def test_random_yaml_documents(text):
    result = lint_bytes(text.encode("utf-8"), "random.aiplan.yaml", CONTEXT)
    check(result)
    # ruamel.yaml wrote it, so it is YAML: no PLAN001 unless the C parser itself disagrees.
    if any(f.rule == "PLAN001" for f in result.findings):
        from aiplan.parse.loader import _event_source

        with pytest.raises(Exception):
            for _ in _event_source(text):
                pass


@FUZZ
@given(mutated_data())
def test_mutated_plans(text):
    check(lint_bytes(text.encode("utf-8"), "mutated.aiplan.yaml", CONTEXT))


@FUZZ
@given(mutated_text())
def test_damaged_plan_files(text):
    check(lint_bytes(text.encode("utf-8"), "damaged.aiplan.yaml", CONTEXT))


@FUZZ
@given(st.one_of(st.binary(max_size=2000), st.text(characters, max_size=300).map(lambda t: t.encode("utf-8"))))
def test_random_bytes(data):
    check(lint_bytes(data, "bytes.aiplan.yaml", CONTEXT))


@FUZZ
@given(st.lists(any_bytes, min_size=2, max_size=4))
def test_findings_do_not_depend_on_the_other_files(contents):
    with tempfile.TemporaryDirectory(prefix="aiplan-fuzz-") as folder:
        targets = []
        for number, data in enumerate(contents):
            path = os.path.join(folder, f"plan{number}.aiplan.yaml")
            with open(path, "wb") as handle:
                handle.write(data)
            targets.append(Target(path, f"plan{number}.aiplan.yaml", True))
        together = lint_targets(targets, CONTEXT)
        alone = [lint_targets([target], CONTEXT).files[0] for target in targets]
        reversed_run = lint_targets(list(reversed(targets)), CONTEXT).files[::-1]
    for combined, single, backwards in zip(together.files, alone, reversed_run):
        check(single)
        assert combined.findings == single.findings == backwards.findings
        assert combined.errors == single.errors == backwards.errors
