"""The text and JSON reports are written as they are made (issue 17: memory
must not grow with the findings printed), and streaming changes no byte: the
JSON document is exactly ``json.dumps(document, indent=2, ensure_ascii=True)``,
the text report exactly its whole-string rendering."""

import json

import pytest

from aiplan.cli import outputs
from aiplan.core.findings import FileResult, Finding, InternalError, Severity, TextEdit
from aiplan.fileio import atomic_write
from aiplan.reporters import json as json_report
from aiplan.reporters import text
from aiplan.run.runner import RunResult


def finding(path, line, rule="FT003", severity=Severity.WARNING, **kwargs):
    return Finding(rule=rule, name="small-dataset", severity=severity, message=kwargs.pop("message", f"message {rule}"),
                   fix=kwargs.pop("fix", "fix: add\n  size: 1000"), path=path, line=line, column=3,
                   end_line=line, end_column=9, **kwargs)


def sample_run(files: int = 3) -> RunResult:
    results = []
    for index in range(files):
        path = f"team-{index}/plan.aiplan.yaml"
        results.append(FileResult(path=path, findings=(
            finding(path, 4, "BASE001", Severity.ERROR, yaml_path=("baseline", "status"), fingerprint="ab12"),
            finding(path, 9, message="names é, 日本, a lone \udc80 and ##[error] here", fix_available=True,
                    edits=(TextEdit(9, 3, 9, 9, "finetu", "fine_tuning"),), yaml_path=("data", 0, "size")),
            finding(path, 12, "EVAL001", Severity.INFO, url="https://example.invalid/EVAL001"),
        ), suppressed=(finding(path, 2, "FIT003", justification="reviewed"),), documents=1))
    return RunResult(files=results, errors=[InternalError("acme", "ACME001", "raised KeyError", "x.aiplan.yaml")])


def whole_json(run) -> str:
    """What the JSON report was before it was streamed: the whole document at once."""
    document = json_report._document(run)
    document["findings"] = list(document["findings"])
    document["suppressed"] = list(document["suppressed"])
    return json_report.inert_json(json.dumps(document, indent=2, ensure_ascii=True)) + "\n"


@pytest.mark.parametrize("run", [sample_run(), sample_run(0), RunResult(files=[FileResult("a.aiplan.yaml")])],
                         ids=["findings", "no-files", "clean"])
def test_json_stream_is_byte_for_byte_the_indented_document(run):
    pieces = list(json_report.stream(run, {}))
    assert "".join(pieces) == whole_json(run)
    assert json_report.render(run, {}) == whole_json(run)
    if run.findings:
        assert "#\\u0023[error]" in json_report.render(run, {})  # made inert per piece as before
        assert len(pieces) > len(run.findings)  # one piece (at least) per finding, not one document


@pytest.mark.parametrize("value", [
    {}, [], {"a": []}, {"a": {}}, {"a": [1, 2.5, None, True, "x\ny"], "b": {"c": {"d": [[], [{}]]}}},
    {"n": 1e100, "t": (1, "two")}, {1: "int key", "s": [{"k": 2}]},
])
def test_json_chunks_match_json_dumps_for_any_nesting(value):
    expected = json.dumps(value, indent=2, ensure_ascii=True)
    assert "".join(json_report.chunks(value)) == expected
    assert "".join(json_report.chunks({"wrapped": json_report.Items(lambda: [value, value])})) == json.dumps(
        {"wrapped": [value, value]}, indent=2, ensure_ascii=True)


@pytest.mark.parametrize("options", [{}, {"concise": True}, {"statistics": True}, {"summary": False},
                                     {"show_fix": False, "colour": True}])
def test_text_stream_pieces_hold_whole_lines_and_join_to_the_report(options):
    run = sample_run()
    pieces = list(text.stream(run, {}, **options))
    assert all(piece.endswith("\n") for piece in pieces)
    assert "".join(pieces) == text.render(run, {}, **options)


def test_full_text_report_is_one_piece_per_file_then_the_summary():
    run = sample_run(4)
    pieces = list(text.stream(run, {}))
    assert len(pieces) == 5
    assert [piece.strip().splitlines()[0] for piece in pieces[:4]] == [f"team-{i}/plan.aiplan.yaml" for i in range(4)]
    assert pieces[-1].strip().startswith("internal error:") and "Linted 4 files" in pieces[-1]


def test_an_empty_run_without_summary_prints_nothing():
    assert list(text.stream(RunResult(), {}, summary=False)) == []


def test_batched_joins_pieces_in_order_and_passes_a_large_piece_whole():
    pieces = ["a" * 10, "b" * 10, "c" * 100, "d"]
    batches = list(outputs.batched(pieces, size=15))
    assert batches == ["a" * 10 + "b" * 10, "c" * 100, "d"]
    assert list(outputs.batched([], size=15)) == []


def test_emit_writes_the_output_file_from_pieces(tmp_path):
    run = sample_run(50)
    target = tmp_path / "report.json"
    outcome = outputs.emit(run, {}, output_format="json", output_file=str(target), colour=False, environ={})
    assert not outcome.report_failed
    assert target.read_bytes() == whole_json(run).encode("ascii")
    assert "Linted 50 files" in outcome.console


def test_atomic_write_takes_pieces(tmp_path):
    target = tmp_path / "out.txt"
    atomic_write(str(target), (piece for piece in (b"one\n", b"two\n")))
    assert target.read_bytes() == b"one\ntwo\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary file left
