"""Declarative policy packs: loading, validation, checking, configuration and the CLI."""

import json
import pickle
import textwrap

import pytest

from aiplan.config.selection import ConfigError
from aiplan.policy.pack import load_pack, parse_pack
from aiplan.testing import codes, lint_yaml
from conftest import EXAMPLES, GAPS_AND_APPROACH, ROOT

SECURITY = EXAMPLES / "policies" / "security.yaml"
GOVERNANCE = EXAMPLES / "policies" / "governance.yaml"

RESTRICTED = """\
aiplan: 1
name: HR assistant
owner: people-team
status: in_production
use_case:
  data_sensitivity: restricted
  multi_tenant: true
approach: rag
rag:
  access_control:
    scope_by: [document_type]
fine_tuning:
  dataset:
    quality_review: true
"""

PACK = """\
policy_pack: 1
name: Test pack
rules:
  - id: ORG001
    name: owner-is-an-address
    severity: warning
    message: "`{path}` is {value}; owners are email addresses"
    fix: "Set `owner` to an address."
    when: {required: [owner]}
    require:
      properties:
        owner: {type: string, format: email}
"""


def test_example_packs_flag_the_nodes_their_schemas_are_about():
    findings = lint_yaml(RESTRICTED, dedent=False, select=["SEC", "GOV"], packs=[SECURITY, GOVERNANCE])
    assert codes(findings) == [("GOV002", 1, 1), ("SEC001", 3, 8), ("SEC002", 11, 15), ("SEC003", 11, 15),
                               ("GOV003", 14, 21)]
    by_rule = {f.rule: f for f in findings}
    assert by_rule["SEC001"].message.endswith("`owner` is 'people-team', which does not match ^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")
    assert by_rule["SEC002"].message.endswith("`rag.access_control.scope_by` does not include 'user_role'")
    assert by_rule["GOV002"].message == "`evaluation` is null; systems in production are evaluated per change or per release"
    assert by_rule["GOV002"].yaml_path == ("evaluation",)
    assert by_rule["SEC001"].severity.value == "error" and by_rule["GOV003"].severity.value == "warning"


def test_rule_does_not_apply_when_the_plan_does_not_match_when():
    plan = RESTRICTED.replace("restricted", "internal").replace("multi_tenant: true", "multi_tenant: false")
    assert lint_yaml(plan, dedent=False, select=["SEC"], packs=[SECURITY]) == []


def test_clean_example_plan_passes_the_example_packs():
    text = (EXAMPLES / "support-copilot.aiplan.yaml").read_text()
    assert lint_yaml(text, dedent=False, select=["SEC", "GOV"], packs=[SECURITY, GOVERNANCE]) == []


def test_format_email_is_asserted_and_placeholders_render():
    [finding] = lint_yaml("aiplan: 1\nname: x\nowner: someone\n", select=["ORG"], packs=[PACK])
    assert finding.message == "`owner` is 'someone'; owners are email addresses"
    assert (finding.line, finding.column) == (3, 8)
    assert lint_yaml("aiplan: 1\nname: x\nowner: a@example.com\n", select=["ORG"], packs=[PACK]) == []


ROOT_PACK = PACK.replace("owner-is-an-address", "status-or-owner").replace(
    """    when: {required: [owner]}
    require:
      properties:
        owner: {type: string, format: email}
""", """    require: {oneOf: [{required: [status]}, {required: [owner]}]}
""").replace("Set `owner` to an address.", "Keep either `{path}` or `owner`.")


def test_placeholders_at_the_plan_root_say_what_the_plan_is():
    [finding] = lint_yaml("aiplan: 1\nname: x\nowner: me\nstatus: draft\n", select=["ORG"], packs=[ROOT_PACK])
    assert finding.message == "the plan is a mapping; owners are email addresses"
    assert finding.fix == "Keep either the plan or `owner`."
    [finding] = lint_yaml("aiplan: 1\nname: x\nowner: me\n", select=["ORG"], packs=[PACK])
    assert finding.message == "`owner` is 'me'; owners are email addresses"


def test_pack_rules_can_be_suppressed_inline():
    text = "aiplan: 1\nname: x\nowner: someone  # aiplan: ignore[ORG001] -- shared mailbox pending\n"
    assert lint_yaml(text, select=["ORG", "PLAN"], packs=[PACK]) == []


def test_pack_rules_pickle_and_keep_working():
    pack = parse_pack(PACK)
    [item] = pack.rules
    clone = pickle.loads(pickle.dumps(item))
    assert clone.id == "ORG001" and clone.plugin == item.plugin and clone.plugin.startswith("pack:pack.yaml@")
    findings = lint_yaml("aiplan: 1\nname: x\nowner: someone\n", select=["ORG"], rules=[clone])
    assert [f.rule for f in findings] == ["ORG001"]


def test_context_fingerprint_changes_with_the_pack_content():
    from aiplan.testing import build_context

    one = build_context(packs=[PACK]).fingerprint()
    two = build_context(packs=[PACK.replace("owners are", "an owner is")]).fingerprint()
    assert one != two == build_context(packs=[PACK.replace("owners are", "an owner is")]).fingerprint()


def _pack_error(text, tmp_path=None):
    with pytest.raises(ConfigError) as caught:
        parse_pack(textwrap.dedent(text))
    return str(caught.value)


@pytest.mark.parametrize("change, expected", [
    (("severity: warning", "sevrity: warning"), "pack.yaml:6:5: unknown key `sevrity` in `rules[0]`. Did you mean `severity`?"),
    (("severity: warning", "severity: fatal"), "pack.yaml:6:15: `rules[0].severity` is 'fatal'; expected one of error, warning, info"),
    (("id: ORG001", "id: org-1"), "pack.yaml:4:9: `rules[0].id` is 'org-1'; a rule ID is capital letters followed by three digits"),
    (("id: ORG001", 'id: "ORG001\\n"'), "pack.yaml:4:9: `rules[0].id` is 'ORG001\\n'; a rule ID is capital letters followed by three digits"),
    (("name: owner-is-an-address", 'name: "owner-is-an-address\\n"'), "`rules[0].name` is 'owner-is-an-address\\n'; a rule name is lower-case"),
    (("id: ORG001", "id: FT900"), "rule ID FT900 uses the built-in prefix FT; pack rules need a prefix of their own"),
    (("name: owner-is-an-address", "name: Owner"), "a rule name is lower-case words joined by hyphens"),
    (("policy_pack: 1", "policy_pack: 2"), "`policy_pack` is 2; expected 1"),
    (("    require:\n", "    requires:\n"), "lacks the required key `require`"),
    (("{type: string, format: email}", "{type: text}"), "`rules[0].require` is not a valid JSON Schema (draft 2020-12): at properties.owner.type: 'text' is not a JSON Schema type; use one of string"),
    (("{type: string, format: email}", "{type: strng}"), "'strng' is not a JSON Schema type; did you mean 'string'?"),
    (("{type: string, format: email}", "{minLength: -1}"), "at properties.owner.minLength: -1 is less than the minimum of 0"),
    (("{type: string, format: email}", "{$ref: 'https://example.com/s.json'}"), "a pack must be self-contained"),
    (("{type: string, format: email}", "{$ref: '#/$defs/missing'}"), "refers to '#/$defs/missing', which does not exist"),
    (("`{path}` is {value}", "{pth} is {value}"), "has the unknown placeholder {pth}; did you mean {path}?"),
    (("`{path}` is {value}", "{__class__}"), "unknown placeholder {__class__}"),
    (("owners are email", "owners } are email"), "has an unmatched brace"),
    (("name: Test pack\n", "name: Test pack\nname: again\n"), "pack.yaml:3:1: the policy pack cannot be read: duplicate key `name`"),
    (("rules:\n", "rules: [\n"), "the policy pack cannot be read: invalid YAML"),
])
def test_broken_packs_are_config_errors_naming_file_line_and_key(change, expected):
    old, new = change
    assert old in PACK
    message = _pack_error(PACK.replace(old, new, 1))
    assert expected in message


def test_duplicate_rule_ids_in_one_pack():
    rule = PACK[PACK.index("  - id"):]
    message = _pack_error(PACK + rule)
    assert "rule ID ORG001 is declared twice in this pack (first at 4:9)" in message


def test_loading_a_pack_never_executes_code(tmp_path):
    marker = tmp_path / "pwned"
    text = PACK.replace("name: Test pack", f"name: !!python/object/apply:os.system ['touch {marker}']")
    message = _pack_error(text)
    assert not marker.exists()
    assert "`name` is" in message   # a tagged node is just data: here a list, not a string


def test_a_pack_with_several_problems_prints_one_a_line(cli, tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK.replace("severity: warning", "sevrity: warning").replace("id: ORG001", "id: org-1"))
    plan = tmp_path / "hr.aiplan.yaml"
    plan.write_text(RESTRICTED)
    result = cli("lint", "--isolated", "--policy-pack", pack, plan)
    assert result.exit_code == 2 and "\\n" not in result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("pack.yaml: invalid policy pack (named in --policy-pack):")
    assert all(line.startswith("  ") for line in lines[1:]), lines
    assert len(lines) == 4 and "unknown key `sevrity`" in result.output and "`rules[0].id` is 'org-1'" in result.output


def test_cli_policy_pack_option_and_explain(cli, tmp_path):
    plan = tmp_path / "hr.aiplan.yaml"
    plan.write_text(RESTRICTED)
    result = cli("lint", "--isolated", "--select", "SEC", "--policy-pack", SECURITY, "--format", "concise", plan)
    assert result.exit_code == 1
    assert [line.split()[1] for line in result.output.splitlines() if ": SEC" in line] == ["SEC001", "SEC002", "SEC003"]
    explained = cli("explain", "SEC002", "--policy-pack", SECURITY)
    assert explained.exit_code == 0
    assert "Retrieval over restricted data is scoped by the user's role." in explained.output
    assert "contains:" in explained.output and "Provided by: policy pack security.yaml@" in explained.output
    listed = cli("rules", "--family", "SEC", "--policy-pack", SECURITY)
    assert [line.split()[0] for line in listed.output.splitlines()] == ["SEC001", "SEC002", "SEC003"]


def test_packs_named_in_configuration_are_relative_to_it(cli, tmp_path, monkeypatch):
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "org.yaml").write_text(PACK)
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "p.aiplan.yaml").write_text("aiplan: 1\nname: x\nowner: someone\n")
    (tmp_path / ".aiplan.toml").write_text('policy-packs = ["policies/org.yaml"]\nselect = ["ORG"]\n')
    monkeypatch.chdir(tmp_path / "team")
    result = cli("lint", "--format", "json")
    assert [f["rule"] for f in json.loads(result.output)["findings"]] == ["ORG001"]
    assert "ORG001" in cli("explain", "ORG001").output
    described = json.loads(cli("config", "--format", "json", "p.aiplan.yaml").output)
    assert described["policy-packs"][0]["rules"] == ["ORG001"]
    assert described["policy-packs"][0]["source"].startswith("pack:org.yaml@")


def test_pack_only_in_an_override(cli, tmp_path, monkeypatch):
    (tmp_path / "org.yaml").write_text(PACK)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "p.aiplan.yaml").write_text("aiplan: 1\nname: x\nowner: someone\n" + GAPS_AND_APPROACH)
    (tmp_path / ".aiplan.toml").write_text(
        '[severity]\nORG001 = "error"\n[[overrides]]\npaths = ["b"]\npolicy-packs = ["org.yaml"]\n')
    monkeypatch.chdir(tmp_path)
    result = cli("lint", "--format", "json")
    assert [(f["path"], f["rule"], f["severity"]) for f in json.loads(result.output)["findings"]] == \
        [("b/p.aiplan.yaml", "ORG001", "error")]


@pytest.mark.parametrize("setup, expected", [
    ('policy-packs = ["missing.yaml"]\n', "missing.yaml: no such policy pack (named in .aiplan.toml: `policy-packs`)"),
    ('policy-packs = ["one.yaml", "two.yaml"]\n', "two.yaml: rule ID ORG001 collides with ORG001 from policy pack one.yaml@"),
    ('policy-packs = ["broken.yaml"]\n', "broken.yaml:6:15: `rules[0].severity` is 'fatal'"),
])
def test_pack_problems_in_configuration_exit_2(cli, tmp_path, monkeypatch, setup, expected):
    (tmp_path / "one.yaml").write_text(PACK)
    (tmp_path / "two.yaml").write_text(PACK.replace("Test pack", "Other pack"))
    (tmp_path / "broken.yaml").write_text(PACK.replace("severity: warning", "severity: fatal"))
    (tmp_path / "p.aiplan.yaml").write_text("aiplan: 1\nname: x\n")
    (tmp_path / ".aiplan.toml").write_text(setup)
    monkeypatch.chdir(tmp_path)
    result = cli("lint")
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output


def test_pack_rule_colliding_with_a_plugin_rule(cli, tmp_path):
    from aiplan.config.resolve import Resolver
    from aiplan.plugins.manager import load_rule_set

    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK)
    rules = dict(load_rule_set(entry_points=False).rules)
    clash = parse_pack(PACK.replace("Test pack", "x")).rules[0]
    from dataclasses import replace
    rules["ORG001"] = replace(clash, plugin="acme")
    resolver = Resolver(rules, cli_packs=[str(pack)], isolated=True)
    with pytest.raises(ConfigError, match="collides with ORG001 from plugin 'acme'"):
        resolver.catalogue(str(tmp_path))


def test_pack_schema_is_valid_and_documented():
    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "src" / "aiplan" / "schemas" / "policy-pack.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    for key, value in schema["$defs"]["rule"]["properties"].items():
        assert value.get("description"), key


def test_example_packs_load():
    for path in (SECURITY, GOVERNANCE):
        pack = load_pack(str(path))
        assert pack.rules and pack.name and all(r.doc for r in pack.rules)


def test_readme_examples_are_valid():
    """The configuration and pack examples of the README pass their schemas."""
    import re

    from jsonschema import Draft202012Validator

    from aiplan.schemas import CONFIG_SCHEMA, load
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    toml_blocks = [b for b in re.findall(r"```toml\n(.*?)```", readme, re.S) if "[tool.aiplan]" in b]
    assert toml_blocks
    for block in toml_blocks:
        table = tomllib.loads(block)["tool"]["aiplan"]
        assert list(Draft202012Validator(load(CONFIG_SCHEMA)).iter_errors(table)) == []
    [pack] = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if b.startswith("policy_pack:")]
    findings = lint_yaml("aiplan: 1\nname: x\nowner: team\nuse_case: {data_sensitivity: restricted}\n",
                         select=["SEC"], packs=[pack])
    assert codes(findings) == [("SEC001", 3, 8)]


def test_a_lint_context_of_pack_rules_pickles():
    """The parallel runner sends contexts to worker processes. (Built-in rules are
    pickled by reference to their module; that is the runner's business.)"""
    from aiplan.config.selection import LintConfig, build_context
    from aiplan.lint.engine import lint_text

    rules = {item.id: item for item in parse_pack(PACK).rules}
    context = build_context(rules, LintConfig())
    clone = pickle.loads(pickle.dumps(context))
    assert clone.fingerprint() == context.fingerprint()
    result = lint_text("aiplan: 1\nname: x\nowner: someone\n", clone)
    assert [f.rule for f in result.findings] == ["ORG001"]


def test_a_pack_that_is_a_fifo_is_refused_without_waiting(tmp_path):
    import os

    os.mkfifo(tmp_path / "pack.yaml")
    with pytest.raises(ConfigError) as info:
        load_pack(str(tmp_path / "pack.yaml"))
    assert "not a regular file (FIFO)" in str(info.value)


def _pack_with(require: str) -> str:
    return textwrap.dedent("""\
        policy_pack: 1
        name: Test pack
        rules:
          - id: ORG001
            name: checked
            severity: warning
            message: "bad"
            fix: "fix it"
            require: {require}
        """).format(require=require)


@pytest.mark.parametrize("require, expected", [
    ("{properties: {homepage: {type: string, format: uri}}}", "uses `format: uri`, which aiplan cannot check"),
    ("{properties: {at: {format: date-time}}}", "uses `format: date-time`"),
    ("{properties: {x: {$id: 'https://example.com/inner', $ref: '#/$defs/a', $defs: {a: {type: string}}}}}",
     "has a nested `$id`"),
    ("{$defs: {a: {$anchor: name, type: string}}, properties: {x: {$ref: '#name'}}}", "refers to the anchor '#name'"),
])
def test_packs_that_would_fail_or_check_nothing_at_lint_time_are_refused_at_load(require, expected):
    with pytest.raises(ConfigError) as info:
        parse_pack(_pack_with(require))
    assert expected in str(info.value)


def test_checked_formats_and_properties_named_format_are_accepted():
    parse_pack(_pack_with("{properties: {owner: {type: string, format: email}, format: {type: string}}}"))


# -- superseded_by: a pack rule defers to a built-in, plugin or pack rule ----------------

# An organisation rule that asks for a `rag` section on every retrieval plan: FIT007 (approach
# rag, no `rag` section) says the same, more precisely, so the pack rule defers to it.
DEFERRING = """\
policy_pack: 1
name: Deferring pack
rules:
  - id: ORG010
    name: retrieval-is-described
    severity: warning
    message: "{detail}"
    fix: "Describe the retrieval under `rag`."
    when: {properties: {approach: {const: rag}}, required: [approach]}
    require: {required: [rag]}
    superseded_by: [FIT007]
"""
RETRIEVAL_PLAN = "aiplan: 1\nname: x\napproach: rag\n"


def _ids(findings):
    return {rule for rule, _, _ in codes(findings)}


def test_a_pack_rule_superseded_by_a_built_in_rule():
    found = _ids(lint_yaml(RETRIEVAL_PLAN, packs=[DEFERRING]))
    assert "FIT007" in found and "ORG010" not in found
    assert "ORG010" in _ids(lint_yaml(RETRIEVAL_PLAN, packs=[DEFERRING], ignore=["FIT007"]))
    waived = "# aiplan: ignore-file[FIT007] -- described elsewhere\n" + RETRIEVAL_PLAN
    assert {"ORG010", "FIT007", "PLAN006"} & _ids(lint_yaml(waived, packs=[DEFERRING])) == {"ORG010"}
    # Without the declaration both report the one problem.
    both = _ids(lint_yaml(RETRIEVAL_PLAN, packs=[DEFERRING.replace("    superseded_by: [FIT007]\n", "")]))
    assert {"ORG010", "FIT007"} <= both
    assert parse_pack(DEFERRING).rules[0].superseded_by == ("FIT007",)


def test_a_pack_rule_superseded_by_another_packs_rule(tmp_path):
    other = PACK.replace("Test pack", "Other").replace("ORG001", "ORG011").replace(
        "    when: {required: [owner]}\n", "")
    plan = "aiplan: 1\nname: x\nowner: someone\n"
    deferring = PACK.replace("ORG001", "ORG012") + "    superseded_by: [ORG011]\n"
    assert _ids(lint_yaml(plan, packs=[deferring, other], select=["ORG"])) == {"ORG011"}
    assert _ids(lint_yaml(plan, packs=[deferring, other], select=["ORG012"])) == {"ORG012"}


@pytest.mark.parametrize("named, expected", [
    ("[FIT070]", "pack.yaml:11:21: rule ORG010's `superseded_by` names FIT070, which is no rule of aiplan, its "
                 "plugins or the policy packs in use; `aiplan rules` lists them"),
    ("[ORG010]", "pack.yaml:11:21: `rules[0].superseded_by` names the rule itself (ORG010)"),
    ("[fit007]", "pack.yaml:11:21: `rules[0].superseded_by[0]` is 'fit007'; a rule ID is capital letters"),
    ("FIT007", "pack.yaml:11:20: `rules[0].superseded_by`"),
])
def test_a_pack_superseded_by_naming_no_other_rule_is_a_pack_error(named, expected):
    with pytest.raises(ConfigError) as caught:
        lint_yaml(RETRIEVAL_PLAN, packs=[DEFERRING.replace("[FIT007]", named)])
    assert expected in str(caught.value)


def test_an_unknown_superseding_rule_in_a_configured_pack_exits_2(cli, tmp_path, monkeypatch):
    (tmp_path / "org.yaml").write_text(DEFERRING.replace("[FIT007]", "[ACME001]"))
    (tmp_path / "p.aiplan.yaml").write_text(RETRIEVAL_PLAN)
    (tmp_path / ".aiplan.toml").write_text('policy-packs = ["org.yaml"]\n')
    monkeypatch.chdir(tmp_path)
    result = cli("lint")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "org.yaml:11:21: rule ORG010's `superseded_by` names ACME001, which is no rule" in result.output
    assert "(named in .aiplan.toml: `policy-packs`)" in result.output


# Three pack rules on three different keys: each names the next as its superseder.
def _deferring(rule_id, key, superseded_by):
    return (f"  - id: {rule_id}\n    name: needs-{key}\n    severity: warning\n    message: no {key}\n"
            f"    fix: Add `{key}`.\n    require: {{required: [{key}]}}\n    superseded_by: [{superseded_by}]\n")


CYCLE = ("policy_pack: 1\nname: Cycle\nrules:\n" + _deferring("ORG021", "owner", "ORG022")
         + _deferring("ORG022", "team", "ORG023") + _deferring("ORG023", "summary", "ORG021"))


def test_a_supersession_cycle_between_pack_rules_is_a_pack_error():
    # Each rule would hide the next: which finding stands would be the engine's pick, not the pack's.
    with pytest.raises(ConfigError) as caught:
        lint_yaml(RETRIEVAL_PLAN, packs=[CYCLE], select=["ORG"])
    assert str(caught.value) == (
        "pack.yaml:10:21: rule ORG021's `superseded_by` closes a cycle (ORG021 -> ORG022 -> ORG023 -> ORG021): "
        "each rule in it is hidden by the next one's finding, so which one is reported would be arbitrary; "
        "remove one of these `superseded_by` entries to say which finding stands")
    # Its near twin, a chain (ORG023 superseded by a built-in rule instead): ORG023's finding stands.
    chain = CYCLE.replace("superseded_by: [ORG021]", "superseded_by: [FIT007]")
    assert _ids(lint_yaml(RETRIEVAL_PLAN, packs=[chain], select=["ORG", "FIT007"])) == {"FIT007", "ORG022"}


def test_a_cycle_across_two_packs_exits_2(cli, tmp_path, monkeypatch):
    first = CYCLE.split("  - id: ORG022")[0].replace("[ORG022]", "[ORG023]")
    second = "policy_pack: 1\nname: Other\nrules:\n" + _deferring("ORG023", "summary", "ORG021")
    (tmp_path / "a.yaml").write_text(first)
    (tmp_path / "b.yaml").write_text(second)
    (tmp_path / "p.aiplan.yaml").write_text(RETRIEVAL_PLAN)
    monkeypatch.chdir(tmp_path)
    result = cli("lint", "--policy-pack", "a.yaml", "--policy-pack", "b.yaml", "p.aiplan.yaml")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "a.yaml:10:21: rule ORG021's `superseded_by` closes a cycle (ORG021 -> ORG023 -> ORG021)" in result.output


def test_a_pack_without_its_version_key_is_worded_as_a_pack():
    with pytest.raises(ConfigError) as caught:
        parse_pack(PACK.replace("policy_pack: 1\n", ""))
    assert str(caught.value) == ("pack.yaml:1:1: the policy pack lacks the required key `policy_pack`. "
                                 "Add `policy_pack: 1` at the top level.")


def test_a_pack_rule_lacking_four_keys_is_four_problems_not_sixteen():
    bare = "policy_pack: 1\nname: Test pack\nrules:\n  - id: ORG001\n    name: owner-is-an-address\n"
    problems = [line for line in _pack_error(bare).splitlines() if "lacks the required key" in line]
    assert len(problems) == len(set(problems)) == 4, problems
