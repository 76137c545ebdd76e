"""What a data file's records are, as the evidence rules count them and hint at them: a
trainer reads records, not lines, and a hint never asks for a change another rule then
reports (review 11)."""

import json
import pathlib

from aiplan.testing import lint_yaml


def _write(path: pathlib.Path, lines) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


def _record(n: int, category: str | None = None) -> str:
    record = {"prompt": f"question {n} about the invoice", "completion": f"answer {n}"}
    if category:
        record["category"] = category
    return json.dumps(record)


COVERS_PLAN = """
    aiplan: 1
    name: x
    approach: fine_tuning
    fine_tuning:
      evaluation:
        held_out:
          path: data/held_out.jsonl
          covers: [target_task, adjacent_behaviors, general_capability]
"""


def test_evid004_asks_only_for_records_of_a_required_area(tmp_path):
    # Removing `adjacent_behaviors` from `covers` would trade EVID004 for FT002: the hint asks
    # for the records. `general_capability` is optional: removing the claim is a fair way out.
    _write(tmp_path / "data" / "held_out.jsonl", (_record(n, "target_task") for n in range(5)))
    found = lint_yaml(COVERS_PLAN, select=["EVID004"], base_dir=str(tmp_path))
    assert [f.fix for f in found] == [
        "Add held-out records tagged `adjacent_behaviors` to data/held_out.jsonl.",
        "Add held-out records tagged `general_capability` to data/held_out.jsonl, "
        "or remove `general_capability` from `covers`.",
    ]


def test_evid004_following_the_hint_clears_it_without_ft002(tmp_path):
    _write(tmp_path / "data" / "held_out.jsonl",
           [_record(n, "target_task") for n in range(5)] + [_record(9, "adjacent_behaviors"),
                                                            _record(10, "general_capability")])
    assert lint_yaml(COVERS_PLAN, select=["EVID004", "FT002"], base_dir=str(tmp_path)) == []


COUNT_PLAN = """
    aiplan: 1
    name: x
    approach: fine_tuning
    fine_tuning:
      dataset:
        path: data/train.jsonl
        examples: {examples}
"""


def _mixed(root: pathlib.Path) -> None:
    """400 records, then 100 lines of prose."""
    _write(root / "data" / "train.jsonl",
           [_record(n) for n in range(400)] + [f"note {n}: not a record" for n in range(100)])


def test_evid001_counts_records_not_the_lines_that_are_not(tmp_path):
    _mixed(tmp_path)
    assert lint_yaml(COUNT_PLAN.format(examples=400), select=["EVID001"], base_dir=str(tmp_path)) == []


def test_evid001_never_proposes_a_count_of_unreadable_lines(tmp_path):
    _mixed(tmp_path)
    [finding] = lint_yaml(COUNT_PLAN.format(examples=500), select=["EVID001"], base_dir=str(tmp_path))
    assert finding.message == ("`fine_tuning.dataset.examples` is 500 but data/train.jsonl holds 400 records and "
                               "100 lines that are not a record (EVID005): more than 5% apart")
    assert finding.fix.startswith("Set `examples: 400` to what the file holds")


def test_a_file_without_a_record_is_evid007s_error_only(tmp_path):
    # 50 lines of prose: no count to compare with (EVID001) and no second report of the lines (EVID005).
    _write(tmp_path / "data" / "train.jsonl", (f"line {n} of a story" for n in range(50)))
    found = lint_yaml(COUNT_PLAN.format(examples=50), select=["EVID001", "EVID005", "EVID007"],
                      base_dir=str(tmp_path))
    assert [(f.rule, f.severity.value, f.message) for f in found] == [(
        "EVID007", "error",
        "`fine_tuning.dataset.path` names data/train.jsonl, which holds no records: none of its 50 lines is a "
        "record (first: data/train.jsonl:1: not valid JSON (Expecting value at column 1))")]


def test_a_binary_held_out_file_is_evid007s_error_only(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "held_out.jsonl").write_bytes(bytes(range(256)) * 4)
    found = lint_yaml(COVERS_PLAN, select=["EVID004", "EVID005", "EVID007"], base_dir=str(tmp_path))
    assert [(f.rule, f.message) for f in found] == [(
        "EVID007", "`fine_tuning.evaluation.held_out.path` names data/held_out.jsonl, which holds no records: "
        "it is binary, not text (it holds NUL bytes)")]
