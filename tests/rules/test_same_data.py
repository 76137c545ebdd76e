"""One notion of the data a plan names, across the FT and EVID rules: a glob of wildcards
alone is a path (Plan.file_path), "the same file" is one file once links and `..` are
resolved (metrics.same_file), and a glob or folder that matched one file names that file.

Links and the repository's own name cannot live in a rule fixture: the plans are set up here."""

import os
import pathlib

import pytest

from aiplan.testing import lint_yaml

PLAN = """
    aiplan: 1
    name: x
    approach: fine_tuning
    fine_tuning:
      dataset:
        path: {training}
        examples: 5
      evaluation:
        held_out:
          path: {held_out}
          size: 2
          disjoint_from_training: true
"""


def _records(path: pathlib.Path, inputs) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f'{{"prompt": "{text}", "completion": "a"}}\n' for text in inputs), encoding="utf-8")


@pytest.fixture
def repository(tmp_path):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    _records(root / "data" / "ft" / "train.jsonl", [f"question {n} about the invoice" for n in range(5)])
    return root


def _found(root, training, held_out, rules=("FT006", "EVID001", "EVID002")):
    found = lint_yaml(PLAN.format(training=training, held_out=held_out), select=list(rules), base_dir=str(root))
    return [(f.rule, f.line, f.message) for f in found]


@pytest.mark.parametrize("held_out, shown", [
    ("data/ft/link.jsonl", "`data/ft/link.jsonl`"),                    # a link to the training file
    ("../repo/data/ft/train.jsonl", "`../repo/data/ft/train.jsonl`"),  # out through the repository's name and back
    ("data/ft/../ft/link.jsonl", "`data/ft/../ft/link.jsonl`, that is `data/ft/link.jsonl`"),
])
def test_a_held_out_path_that_leads_to_the_training_file_is_ft006s_alone(repository, held_out, shown):
    os.symlink("train.jsonl", repository / "data" / "ft" / "link.jsonl")
    assert _found(repository, "data/ft/train.jsonl", held_out) == [(
        "FT006", 10, f"`fine_tuning.evaluation.held_out.path` is {shown}, which leads to the same file as the "
        "training data, through a link or `..` (`fine_tuning.dataset.path` is `data/ft/train.jsonl`): the model "
        "is evaluated on its own training data")]


def test_a_link_to_the_training_file_from_elsewhere_is_named_by_the_file_it_leads_to(repository):
    # The training path is written through a link as well: the message names the one file both lead to.
    os.symlink("ft", repository / "data" / "current")
    os.symlink("ft/train.jsonl", repository / "data" / "held_out.jsonl")
    [(rule, _line, message)] = _found(repository, "./data/current/train.jsonl", "data/held_out.jsonl")
    assert (rule, message) == ("FT006", (
        "`fine_tuning.evaluation.held_out.path` is `data/held_out.jsonl`, which leads to `data/ft/train.jsonl`, the "
        "same file as the training data, through a link or `..` (`fine_tuning.dataset.path` is "
        "`./data/current/train.jsonl`): the model is evaluated on its own training data"))


def test_a_copy_of_the_training_file_is_a_file_of_its_own_whose_overlap_is_measured(repository):
    # Near-identical to the link: the same bytes in another file. Not one file: EVID002 measures it.
    _records(repository / "data" / "held_out.jsonl", [f"question {n} about the invoice" for n in range(2)])
    assert [(rule, line) for rule, line, _ in _found(repository, "data/ft/train.jsonl", "data/held_out.jsonl")] \
        == [("EVID002", 12)]


def test_an_evaluation_set_linked_to_the_training_file_is_the_training_file_itself(repository):
    os.symlink("ft/train.jsonl", repository / "data" / "eval.jsonl")
    plan = PLAN.format(training="data/ft/train.jsonl", held_out="evals/held_out.jsonl") + """
    evaluation:
      eval_sets:
        - path: data/eval.jsonl
    """
    _records(repository / "evals" / "held_out.jsonl", ["a new question", "another new one"])
    found = lint_yaml(plan, select=["EVID002"], base_dir=str(repository))
    assert [(f.rule, f.line, f.message) for f in found] == [(
        "EVID002", 16, "the evaluation set `data/eval.jsonl` is the training data file itself "
        "(`fine_tuning.dataset.path` is `data/ft/train.jsonl`): every record of it was trained on")]


def test_a_glob_that_matched_one_file_names_that_file_in_messages_and_related_locations(repository):
    _records(repository / "evals" / "held.jsonl", ["question 1 about the invoice", "a new question"])
    [finding] = lint_yaml(PLAN.format(training="data/ft/*.jsonl", held_out="evals/*.jsonl"),
                          select=["EVID002"], base_dir=str(repository))
    assert finding.line == 12  # the plan's `disjoint_from_training: true`
    assert finding.message.endswith("; first: evals/held.jsonl:1 = data/ft/train.jsonl:2")
    assert [(r.path, r.line) for r in finding.related] == [("evals/held.jsonl", 1), ("data/ft/train.jsonl", 2)]


@pytest.mark.parametrize("training, rules, expected", [
    # `**/*` matches the held-out file as well: FT006's leak, and EVID001 counts without it.
    ("'**/*'", ("FT006", "EVID001"), [("FT006", 10), ("EVID001", 7)]),
    # `*` matches no data file beside the plan: nothing to count, and FT009 says why nothing was measured.
    ("'*'", ("FT009", "EVID001", "EVID002"), [("FT009", 9)]),
])
def test_a_glob_of_wildcards_alone_is_a_path_for_the_evidence_rules_too(repository, training, rules, expected):
    _records(repository / "evals" / "held.jsonl", ["a new question", "another new one"])
    plan = PLAN.format(training=training, held_out="evals/held.jsonl").replace("examples: 5", "examples: 40")
    if "FT009" in rules:
        plan = plan.replace("disjoint_from_training: true", "covers: [target_task]")
    found = lint_yaml(plan, select=list(rules), base_dir=str(repository))
    assert sorted((f.rule, f.line) for f in found) == sorted(expected)
    if "FT009" in rules:
        assert found[0].message.endswith("nothing measured it (`*` matches no data file)")
    else:
        [count] = [f for f in found if f.rule == "EVID001"]
        assert count.message.startswith("`fine_tuning.dataset.examples` is 40 but **/* holds 5 records besides "
                                        "the held-out set evals/held.jsonl (2 records), which it also matches (FT006)")


def test_a_placeholder_path_is_still_no_path(repository):
    # Near-identical to `*`: `TBD` is placeholder text, not a glob. Nothing is read or reported.
    assert _found(repository, "TBD", "evals/held.jsonl", rules=("EVID001", "EVID002", "FT006")) == []


def test_the_fix_for_a_held_out_link_to_the_training_file_names_another_path(repository):
    """`data/ft/held_out.jsonl` is where the hint would move held-out examples beside the training
    file: when that is the link itself, the hint must name somewhere else."""
    os.symlink("train.jsonl", repository / "data" / "ft" / "held_out.jsonl")
    found = lint_yaml(PLAN.format(training="data/ft/train.jsonl", held_out="data/ft/held_out.jsonl"),
                      select=["FT006"], base_dir=str(repository))
    assert [f.rule for f in found] == ["FT006"]
    assert "data/ft/held_out.jsonl`" not in found[0].fix.split("move them to", 1)[1]


def test_a_held_out_folder_that_links_to_the_training_folder_is_the_same_folder(repository):
    """Was "leads to the same file" and "Split the held-out examples out of the training file"."""
    os.symlink("ft", repository / "data" / "held")
    [(rule, line, message)] = _found(repository, "data/ft/", "data/held/")
    assert (rule, line) == ("FT006", 10)
    assert message.startswith("`fine_tuning.evaluation.held_out.path` is `data/held/`, which leads to the same "
                              "folder as the training data, through a link or `..`")
    [finding] = lint_yaml(PLAN.format(training="data/ft/", held_out="data/held/"), select=["FT006"],
                          base_dir=str(repository))
    assert "training file" not in finding.fix and finding.fix.startswith("Keep the held-out examples outside")


@pytest.mark.parametrize("training", ["data/ft/", "'data/ft/*.jsonl'"])
def test_a_held_out_link_into_the_training_folder_is_ft006s_not_a_measured_overlap(repository, training):
    """A held-out file that is a link to a file of the training folder or glob is the training
    data, as one written inside the folder is: FT006 alone (was EVID002's "100% overlap")."""
    os.symlink("ft/train.jsonl", repository / "data" / "held.jsonl")
    kind = "folder" if training.endswith("/") else "glob"
    found = _found(repository, training, "data/held.jsonl", rules=("FT006", "EVID001", "EVID002", "EVID003", "FT009"))
    assert found == [(
        "FT006", 10, "`fine_tuning.evaluation.held_out.path` is `data/held.jsonl`, which leads to "
        f"`data/ft/train.jsonl`, a file of the training data's {kind}, through a link or `..` "
        f"(`fine_tuning.dataset.path` is `{training.strip(chr(39))}`): the model is evaluated on its own training data")]


@pytest.mark.parametrize("training, what", [
    ("data/ft/", "a folder inside the training data's folder"),
    ("'data/ft/**/*.jsonl'", "a folder whose files the training data's glob matches"),
])
def test_a_held_out_folder_linked_to_a_folder_inside_the_training_data_is_ft006s_alone(repository, training, what):
    """A held-out folder that is a link to a subfolder of the training folder (or to one the
    training glob reaches into) holds training examples: the same leak as a held-out link to
    one training file, FT006 alone (was EVID002's "100% overlap")."""
    # Five training records in all, as the plan claims.
    _records(repository / "data" / "ft" / "train.jsonl", [f"question {n} about the invoice" for n in range(3)])
    _records(repository / "data" / "ft" / "part" / "held.jsonl", ["a question about refunds", "one about returns"])
    os.symlink("ft/part", repository / "data" / "held")
    found = _found(repository, training, "data/held/", rules=("FT006", "EVID001", "EVID002", "EVID003", "FT009"))
    assert found == [(
        "FT006", 10, "`fine_tuning.evaluation.held_out.path` is `data/held/`, which leads to "
        f"`data/ft/part/`, {what}, through a link or `..` "
        f"(`fine_tuning.dataset.path` is `{training.strip(chr(39))}`): the model is evaluated on its own training data")]


@pytest.mark.parametrize("training, target", [
    ("'data/ft/*.jsonl'", "ft/part"),   # the glob does not reach into the subfolder
    ("data/ft/", "evals"),              # a folder beside the training data
])
def test_a_held_out_folder_linked_to_a_folder_the_training_data_does_not_hold_is_no_leak(repository, training, target):
    _records(repository / "data" / target / "held.jsonl", ["a question about refunds", "one about returns"])
    os.symlink(target, repository / "data" / "held")
    assert _found(repository, training, "data/held/", rules=("FT006", "EVID001", "EVID002", "EVID003", "FT009")) == []


@pytest.mark.parametrize("training, holds", [("data/ft/", "folder holds"), ("'data/ft/*.jsonl'", "glob matches")])
def test_a_training_file_that_links_to_the_held_out_file_is_ft006s_alone(repository, training, holds):
    """The reverse of a held-out link into the training data: a training file that is a link to
    the held-out file. Read through the link, the held-out examples are training data: FT006
    alone (was EVID002's "100% overlap"), and its hint removes the link, not the held-out file."""
    _records(repository / "data" / "ft" / "train.jsonl", [f"question {n} about the invoice" for n in range(3)])
    _records(repository / "evals" / "held.jsonl", ["a question about refunds", "one about returns"])
    os.symlink("../../evals/held.jsonl", repository / "data" / "ft" / "part2.jsonl")
    [finding] = lint_yaml(PLAN.format(training=training, held_out="evals/held.jsonl"),
                          select=["FT006", "EVID001", "EVID002", "EVID003", "FT009"], base_dir=str(repository))
    assert (finding.rule, finding.line, finding.message) == (
        "FT006", 10, "`fine_tuning.evaluation.held_out.path` is `evals/held.jsonl`, which the training data's "
        f"{holds} through `data/ft/part2.jsonl`, a link to it (`fine_tuning.dataset.path` is "
        f"`{training.strip(chr(39))}`): the model is evaluated on its own training data")
    assert finding.fix == ("Remove the link `data/ft/part2.jsonl` from the training data, so that the held-out "
                           "examples are not trained on.")


def test_a_training_file_that_is_a_copy_of_the_held_out_file_is_a_measured_overlap(repository):
    """Near-identical: the same records in a file of their own are EVID002's, not FT006's."""
    _records(repository / "data" / "ft" / "train.jsonl", [f"question {n} about the invoice" for n in range(3)])
    _records(repository / "evals" / "held.jsonl", ["a question about refunds", "one about returns"])
    _records(repository / "data" / "ft" / "part2.jsonl", ["a question about refunds", "one about returns"])
    assert [rule for rule, _, _ in _found(repository, "data/ft/", "evals/held.jsonl")] == ["EVID002"]


def test_a_training_link_to_another_file_beside_the_held_out_file_is_no_leak(repository):
    _records(repository / "data" / "ft" / "train.jsonl", [f"question {n} about the invoice" for n in range(3)])
    _records(repository / "evals" / "held.jsonl", ["a question about refunds", "one about returns"])
    _records(repository / "evals" / "more.jsonl", ["a question about shipping", "one about stock"])
    os.symlink("../../evals/more.jsonl", repository / "data" / "ft" / "part2.jsonl")
    assert _found(repository, "data/ft/", "evals/held.jsonl") == []
