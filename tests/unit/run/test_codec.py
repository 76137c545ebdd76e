"""Results survive the codec exactly; anything it does not know is refused."""

from __future__ import annotations

import marshal
from dataclasses import FrozenInstanceError, fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiplan.run import codec
from aiplan.core.findings import FileResult, Finding, RelatedLocation, Severity, TextEdit
from aiplan.testing import build_context, lint_yaml
from conftest import EXAMPLES, FIXTURES

TEXT = st.text(max_size=40)
PATHS = st.lists(st.one_of(TEXT, st.integers(min_value=0, max_value=50)), max_size=5).map(tuple)


@st.composite
def findings(draw):
    values = {}
    for field in fields(Finding):
        if field.name == "severity":
            values[field.name] = draw(st.sampled_from(list(Severity)))
        elif field.name == "yaml_path":
            values[field.name] = draw(PATHS)
        elif field.type in ("int",):
            values[field.name] = draw(st.integers(min_value=0, max_value=10**6))
        elif field.type in ("bool",):
            values[field.name] = draw(st.booleans())
        elif field.type in ("str",):
            values[field.name] = draw(TEXT)
        # other fields keep their defaults
    return Finding(**values)


@settings(max_examples=200, deadline=None)
@given(st.lists(findings(), max_size=5), st.lists(findings(), max_size=2), st.integers(min_value=0, max_value=9))
def test_round_trip_through_marshal(found, suppressed, documents):
    result = FileResult("plans/a.aiplan.yaml", tuple(found), (), tuple(suppressed), documents)
    payload = codec.encode(result)
    assert payload is not None
    assert codec.decode(marshal.loads(marshal.dumps(payload))) == result
    assert codec.result_decoder()(marshal.loads(marshal.dumps(payload))) == result


DECODERS = {"sharing": lambda payload: codec.decode(payload, {}), "shard": codec.result_decoder()}


@pytest.mark.parametrize("decoder", DECODERS)
def test_equal_tuples_of_other_types_stay_apart(decoder):
    def result(path):
        return FileResult("a", (Finding("R001", "n", Severity.ERROR, "m", "f", "a", 1, 1, 1, 1, yaml_path=path),))

    for paths in [((1,), (True,)), ((True,), (1.0,)), (("a", 1), ("a", True))]:
        decoded = [DECODERS[decoder](codec.encode(result(path))).findings[0].yaml_path for path in paths]
        assert [list(map(type, path)) for path in decoded] == [list(map(type, path)) for path in paths]


def test_real_results_round_trip():
    for path in sorted(EXAMPLES.glob("*.yaml")) + sorted(FIXTURES.glob("rules/*/*.yaml")):
        found = lint_yaml(path.read_text(), path=str(path), dedent=False)
        result = FileResult(str(path), tuple(found), (), (), 1)
        decoded = codec.decode(marshal.loads(marshal.dumps(codec.encode(result))))
        assert decoded == result == codec.result_decoder()(marshal.loads(marshal.dumps(codec.encode(result))))
        assert all(type(f.severity) is Severity and type(f.yaml_path) is tuple for f in decoded.findings)


def test_equal_strings_are_shared():
    finding = Finding("R001", "name", Severity.ERROR, "message " * 10, "fix " * 10, "a", 1, 1, 1, 1)
    payload = codec.encode(FileResult("a", (finding, finding), (), (), 1))
    strings: dict = {}
    one = codec.decode(marshal.loads(marshal.dumps(payload)), strings)
    two = codec.decode(marshal.loads(marshal.dumps(payload)), strings)
    assert one.findings[0].message is two.findings[1].message


def test_unknown_values_are_not_encoded():
    class Other:
        pass

    finding = Finding("R001", "name", Severity.ERROR, "m", "f", "a", 1, 1, 1, 1, yaml_path=(Other(),))
    assert codec.encode(FileResult("a", (finding,), (), (), 1)) is None


@pytest.mark.parametrize("payload", [
    ["Popen", "touch", "/tmp/x"],          # not a record class
    ["Finding", "too", "few"],              # wrong arity
    ["Severity", "fatal"],                  # not a member
    ["Span", 1, 2, 3, 4],                   # a record, not a result
    {"not": "a result"},
    ["FileResult", compile("1", "x", "eval"), (), (), (), 1],  # a code object is data only
])
def test_malformed_payloads_are_refused(payload):
    with pytest.raises((ValueError, TypeError)):
        codec.decode(payload)
    with pytest.raises((ValueError, TypeError)):
        codec.result_decoder()(payload)


def test_layout_names_every_field():
    layout = dict((name, shape) for name, shape in codec.layout())
    assert [field[0] for field in layout["Finding"]] == [f.name for f in fields(Finding)]
    assert layout["Severity"] == ["info", "warning", "error"]
    assert build_context()  # the built-in rules' results use only these records


@pytest.mark.parametrize("decoder", DECODERS)
def test_decoded_records_are_the_ones_their_constructors_make(decoder):
    edit = TextEdit(3, 5, 3, 9, "true", "false")
    finding = Finding("R001", "name", Severity.WARNING, "m", "f", "a", 3, 5, 3, 9, yaml_path=("rag", 0),
                      fix_available=True, edits=(edit,), related=(RelatedLocation("data.jsonl", 2, "here"),))
    result = FileResult("a", (finding, finding), (), (finding,), 1, ("R001", "R002"))
    decoded = DECODERS[decoder](marshal.loads(marshal.dumps(codec.encode(result))))
    assert decoded == result and hash(decoded.findings[0]) == hash(finding)
    assert type(decoded.findings[0].edits[0]) is TextEdit and decoded.findings[0].severity is Severity.WARNING
    with pytest.raises(FrozenInstanceError):
        decoded.findings[0].line = 4
    # Fewer fields than the record has: its constructor fills in the defaults.
    assert DECODERS[decoder](["FileResult", "a", (["Finding", *codec.encode(finding)[1:11]],)]) == FileResult(
        "a", (Finding(*[getattr(finding, f.name) for f in fields(Finding)][:10]),))
