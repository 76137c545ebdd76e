"""`aiplan init --approach`: every starter parses, matches the schema, passes
yamllint's default configuration, carries the schema modeline, and its
findings are exactly what a team must fill in: filled in, it lints clean."""

import json
import re
from importlib import resources

import pytest

from aiplan.starter import APPROACHES, SCHEMA_URL, starter_plan
from aiplan.testing import lint_yaml

# What linting the untouched starter asks for: the framework's next steps.
STILL_TO_FILL_IN = {
    "prompt_engineering": set(),
    "rag": {"GAP002", "BASE001", "PLAN002", "RAG002", "EVAL003"},
    "fine_tuning": {"GAP002", "BASE001", "PLAN002", "FT001", "FT003", "FT004", "FT007", "FT010", "EVAL003"},
    "hybrid": {"GAP002", "BASE001", "PLAN002", "RAG002", "FT001", "FT003", "FT004", "FT007", "FT010", "EVAL003"},
}

# A starter states none of the team's facts (reviews 11 and 12): the number of examples,
# the evaluation set's size and the weeks planned are TBD placeholders where a number belongs.
# FT003 asks for the number of examples (round 13); the others no rule asks for while the
# weeks of both are TBD, so they are the schema's placeholder findings (each with its hint).
_PIPELINE_WEEKS = ["`rag.data_pipeline.effort_weeks` is 'TBD', a placeholder",
                   "`rag.retrieval.effort_weeks` is 'TBD', a placeholder"]
_EVAL_SIZE = "`evaluation.eval_sets[0].size` is 'TBD', a placeholder"
SCHEMA_FINDINGS = {"rag": [*_PIPELINE_WEEKS, _EVAL_SIZE],
                   "fine_tuning": [_EVAL_SIZE],
                   "hybrid": [*_PIPELINE_WEEKS, _EVAL_SIZE]}

HELD_OUT = """held_out:
      size: 600
      path: data/ft/held_out.jsonl
      covers: [target_task, adjacent_behaviors]
      disjoint_from_training: true"""


def filled_in(text: str) -> str:
    """The starter as a team completes it: facts instead of TBD, the baseline measured."""
    text = text.replace("evidence: TBD", "evidence: measured on 100 real questions")
    text = text.replace("      model: TBD", "      model: text-embedding-3-large")  # the embedding model
    text = text.replace("data_pipeline:\n    # owner:", "data_pipeline:\n    owner: data-eng\n    # owner:")
    text = text.replace("effort_weeks: TBD  # weeks planned: at", "effort_weeks: 4  # weeks planned: at")
    text = text.replace("effort_weeks: TBD", "effort_weeks: 2").replace("size: TBD", "size: 800")
    text = text.replace("model: TBD", "model: claude-sonnet").replace("quality_review: TBD", "quality_review: two reviewers")
    text = text.replace("status: in_progress", "status: done")
    text = text.replace("examples: TBD", "examples: 4200").replace("path: TBD", "path: data/ft/train.jsonl")
    text = text.replace("description: TBD", "description: turn a draft reply into the ticket JSON format")
    text = text.replace("held_out: TBD", HELD_OUT)
    return re.sub(r"^    # (results:|  - metric:|    value:|    eval_set:)", r"    \1", text, flags=re.MULTILINE)


@pytest.mark.parametrize("approach", APPROACHES)
def test_starter_matches_the_schema_and_asks_for_what_is_missing(approach):
    text = starter_plan(approach)
    found = lint_yaml(text, file_exists=lambda path: False)
    schema = [f.message for f in found if f.rule.startswith("PLAN")]
    assert len(schema) == len(SCHEMA_FINDINGS.get(approach, [])), schema
    assert all(m.startswith(want) for m, want in zip(schema, SCHEMA_FINDINGS.get(approach, []))), schema
    assert {f.rule for f in found} == STILL_TO_FILL_IN[approach]
    assert f"approach: {approach}\n" in text


@pytest.mark.parametrize("approach", APPROACHES)
def test_filled_in_starter_lints_clean(approach):
    found = lint_yaml(filled_in(starter_plan(approach)), file_exists=lambda path: True)
    assert found == [], [(f.rule, f.line, f.message) for f in found]


@pytest.mark.parametrize("approach", APPROACHES)
def test_starter_has_every_section_its_approach_needs(approach):
    from ruamel.yaml import YAML

    plan = YAML(typ="safe").load(starter_plan(approach))
    needed = {"aiplan", "name", "owner", "status", "use_case", "gaps", "baseline", "approach", "evaluation"}
    needed |= {"rag": {"rag"}, "fine_tuning": {"fine_tuning"}, "hybrid": {"rag", "fine_tuning"}}.get(approach, set())
    assert needed <= set(plan)
    assert set(plan["gaps"]) == {"knowledge", "behavior", "accuracy"}


@pytest.mark.parametrize("approach", APPROACHES)
def test_starter_passes_yamllint_default_configuration(approach):
    yamllint = pytest.importorskip("yamllint", reason="yamllint is in the test extra: pip install -e '.[test]'")
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    problems = list(linter.run(starter_plan(approach), YamlLintConfig("extends: default")))
    assert problems == [], [(p.line, p.rule, p.desc) for p in problems]
    assert yamllint


@pytest.mark.parametrize("approach", APPROACHES)
def test_starter_names_the_plan_schema_for_editors(approach):
    lines = starter_plan(approach).splitlines()
    modeline = f"# yaml-language-server: $schema={SCHEMA_URL}"
    assert modeline in lines[:3]
    # The URL is the schema this package ships, in the repository pyproject.toml names.
    assert SCHEMA_URL.endswith("/main/src/aiplan/schemas/plan.schema.json")
    schema = json.loads(resources.files("aiplan.schemas").joinpath("plan.schema.json").read_text(encoding="utf-8"))
    assert schema["$id"] == SCHEMA_URL   # the schema names itself by the address editors fetch it from


def test_every_shipped_schema_is_identified_by_its_address_in_the_repository():
    from aiplan import REPOSITORY

    raw = REPOSITORY.replace("https://github.com/", "https://raw.githubusercontent.com/")
    for name in ("plan.schema.json", "config.schema.json", "policy-pack.schema.json"):
        schema = json.loads(resources.files("aiplan.schemas").joinpath(name).read_text(encoding="utf-8"))
        assert schema["$id"] == f"{raw}/main/src/aiplan/schemas/{name}"


def test_default_starter_is_the_prompt_engineering_one():
    assert starter_plan() == starter_plan("prompt_engineering")
    with pytest.raises(ValueError, match="unknown approach"):
        starter_plan("finetuning")


@pytest.mark.parametrize("approach", APPROACHES)
def test_cli_init_approach(cli, tmp_path, approach):
    target = tmp_path / f"{approach}.aiplan.yaml"
    result = cli("init", "--approach", approach, target)
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == starter_plan(approach)
    linted = cli("lint", target)
    assert linted.exit_code == (0 if approach == "prompt_engineering" else 1)
    assert cli("init", "--approach", "finetuning", tmp_path / "x.yaml").exit_code == 2


def test_cli_init_warns_when_the_name_is_not_found_by_directory_runs(cli, tmp_path):
    odd = cli("init", tmp_path / "support.yaml")
    assert odd.exit_code == 0 and "name it support.aiplan.yaml to have it found" in odd.stderr
    assert cli("lint", tmp_path).exit_code == 2   # indeed not found
    found = cli("init", tmp_path / "support.aiplan.yaml")
    assert found.exit_code == 0 and "note:" not in found.stderr


@pytest.mark.parametrize("written", ["RAG", "Fine_Tuning", "HYBRID"])
def test_cli_init_approach_in_any_case(cli, tmp_path, written):
    target = tmp_path / "p.aiplan.yaml"
    result = cli("init", "--approach", written, target)
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == starter_plan(written.lower())


def _commented_keys(text: str):
    """(key path, comment) for each key of a starter: its trailing comment and the
    `# one of: ...` line just above it; "[]" marks a step into a list's items."""
    stack: list[tuple[int, str]] = []
    above: list[str] = []
    for line in text.splitlines():
        if line.strip().startswith("#"):
            if line.strip().startswith("# one of:"):
                above.append(line.strip()[1:])
            continue
        match = re.match(r"^( *)(- )?([a-z_]+):([^#]*)(?:#(.*))?$", line)
        if not match:
            above = []
            continue
        indent = len(match[1]) + (2 if match[2] else 0)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if match[2]:
            stack.append((indent - 1, "[]"))
        path = tuple(key for _, key in stack) + (match[3],)
        yield path, " ".join(above + [match[5] or ""])
        above = []
        stack.append((indent, match[3]))


def _schema_enums():
    from aiplan.schemas import load, resolve

    root = load()
    enums: dict[tuple, set] = {}

    def walk(node, path):
        node = resolve(node, root)
        if "enum" in node:
            enums[path] = set(node["enum"])
        for key, child in node.get("properties", {}).items():
            walk(child, path + (key,))
        if isinstance(node.get("items"), dict):
            walk(node["items"], path + ("[]",))

    walk(root, ())
    return enums


@pytest.mark.parametrize("approach", APPROACHES)
def test_every_value_a_starter_comment_lists_is_valid_for_its_key(approach):
    enums = _schema_enums()
    every_value = set().union(*enums.values())
    listed = 0
    for path, comment in _commented_keys(starter_plan(approach)):
        named = set(re.findall(r"[a-z_]+", comment)) & every_value
        if path not in enums or not named:
            continue
        listed += 1
        # Exactly the schema's values: none it refuses (`on_change` for a source), none left out.
        assert named == enums[path], (path, comment)
    assert listed >= (4 if approach == "prompt_engineering" else 5)


def test_the_comment_check_catches_a_value_the_schema_refuses():
    text = starter_plan("rag").replace("# one of: static,", "# one of: on_change, static,")
    enums = _schema_enums()
    bad = [path for path, comment in _commented_keys(text)
           if path in enums and "on_change" in comment and "on_change" not in enums[path]]
    assert bad == [("rag", "corpus", "sources", "[]", "update_frequency")]


@pytest.mark.parametrize("approach", ["fine_tuning", "hybrid"])
def test_fine_tuning_starter_asserts_no_facts_about_the_data(approach):
    """Filling in only the evidence, the baseline, the model and the review is not
    enough (review 11): the data's size, file and held-out set are still reported."""
    text = filled_in(starter_plan(approach))
    for fact, left in (("examples: 4200", "examples: TBD"), (HELD_OUT, "held_out: TBD")):
        found = lint_yaml(text.replace(fact, left), file_exists=lambda path: True)
        assert [f.rule for f in found] == (["FT003"] if "examples" in fact else ["FT001"]), fact
    from ruamel.yaml import YAML

    plan = YAML(typ="safe").load(starter_plan(approach))["fine_tuning"]
    assert plan["dataset"]["examples"] == "TBD" and plan["evaluation"]["held_out"] == "TBD"
    assert plan["task"]["description"] == "TBD"


@pytest.mark.parametrize("name", ["x.json", "plan.aiplan.JSON"])
def test_cli_init_refuses_a_json_path(cli, tmp_path, name):
    """A .json name would hold YAML (review 11): refused, exit 2, nothing written."""
    result = cli("init", "--approach", "rag", tmp_path / name)
    assert result.exit_code == 2
    assert "JSON cannot hold comments" in result.stderr and ".aiplan.yaml" in result.stderr
    assert not (tmp_path / name).exists()


def test_cli_init_writes_a_yaml_path_whose_folder_ends_in_json(cli, tmp_path):
    folder = tmp_path / "plans.json"
    folder.mkdir()
    result = cli("init", folder)
    assert result.exit_code == 0, result.output
    assert (folder / "aiplan.yaml").is_file()


@pytest.mark.parametrize("approach", APPROACHES)
def test_every_tbd_of_a_starter_is_reported_with_a_hint(approach):
    """A starter asserts no fact about the team (review 12: no evaluation size, pipeline owner,
    weeks or embedding model of its own): what it leaves to the team is TBD, and each TBD is a
    finding on its line that says what to write there."""
    # The baseline's model is asked for once the baseline is marked done (BASE002): until then
    # BASE001 asks to finish it, so the starter is linted as a team that finished it would.
    text = starter_plan(approach).replace("status: in_progress", "status: done")
    tbd_lines = {number for number, line in enumerate(text.splitlines(), 1) if re.search(r":\s+TBD\b", line)}
    found = lint_yaml(text, file_exists=lambda path: True)
    # On the TBD's line, or on its parent's when the rule judges the mapping (`embedding: {model: TBD}`).
    reported = {line for f in found if f.fix for line in (f.line, f.line + 1)}
    assert tbd_lines <= reported, sorted(tbd_lines - reported)
    for fact in ("size: 300", "owner: data-eng", "effort_weeks: 4", "effort_weeks: 2", "model: text-embedding"):
        assert fact not in text.replace("# owner:", "").replace("e.g. text-embedding", "")

