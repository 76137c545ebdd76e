"""Configuration files: discovery, validation, layering, overrides and `aiplan config`."""

import json
import os
import textwrap

import pytest

from aiplan.rules import builtin_rules

from conftest import EXAMPLES

FLAWED = (EXAMPLES / "ticket-formatter.aiplan.yaml").read_text()   # BASE001 at 16:13, FT001 at 19:1


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository with two plans and a helper to write its configuration."""
    (tmp_path / "plans" / "pilot").mkdir(parents=True)
    (tmp_path / "plans" / "main.aiplan.yaml").write_text(FLAWED)
    (tmp_path / "plans" / "pilot" / "trial.aiplan.yaml").write_text(FLAWED)
    monkeypatch.chdir(tmp_path)

    def write(text, name="pyproject.toml", where=tmp_path):
        (where / name).write_text(textwrap.dedent(text))
    write.root = tmp_path
    return write


def _rules(cli, *args):
    result = cli("lint", "--format", "json", *args)
    start = result.output.find("{\n")   # warnings on stderr may come first
    findings = json.loads(result.output[start:])["findings"] if start >= 0 else None
    return result, sorted((f["path"], f["rule"], f["severity"]) for f in findings or [])


def test_pyproject_tool_aiplan_is_read(cli, repo):
    repo("""\
        [project]
        name = "demo"

        [tool.aiplan]
        ignore = ["BASE"]
        fail-on = "warning"

        [tool.aiplan.severity]
        FT001 = "warning"
    """)
    result, rules = _rules(cli)
    assert rules == [("plans/main.aiplan.yaml", "FT001", "warning"),
                     ("plans/pilot/trial.aiplan.yaml", "FT001", "warning")]
    assert result.exit_code == 1   # fail-on = warning


def test_overrides_apply_to_matching_paths_in_order(cli, repo):
    repo("""\
        [tool.aiplan]
        select = ["FT", "BASE"]

        [[tool.aiplan.overrides]]
        paths = ["pilot"]
        ignore = ["FT001"]
        fail-on = "info"

        [[tool.aiplan.overrides]]
        paths = ["plans/pilot/*.aiplan.yaml"]
        extend-select = ["FT001"]
        severity = { FT001 = "info" }
    """)
    result, rules = _rules(cli)
    assert rules == [("plans/main.aiplan.yaml", "BASE001", "error"),
                     ("plans/main.aiplan.yaml", "FT001", "error"),
                     ("plans/pilot/trial.aiplan.yaml", "BASE001", "error"),
                     ("plans/pilot/trial.aiplan.yaml", "FT001", "info")]
    described = json.loads(cli("config", "--format", "json", "plans/pilot/trial.aiplan.yaml").output)
    assert [o["key"] for o in described["overrides-applied"]] == ["tool.aiplan.overrides[0]", "tool.aiplan.overrides[1]"]
    assert described["fail-on"] == "info"
    assert described["severity"] == {"FT001": {"severity": "info", "default": "error"}}


def test_per_path_fail_on_decides_the_exit_code(cli, repo):
    repo("""\
        [tool.aiplan]
        severity = { BASE001 = "warning", FT001 = "warning" }

        [[tool.aiplan.overrides]]
        paths = ["plans/pilot/**"]
        fail-on = "warning"
    """)
    assert cli("lint", "plans/main.aiplan.yaml").exit_code == 0
    assert cli("lint", "plans/pilot").exit_code == 1
    assert cli("lint", "--fail-on", "error", "plans/pilot").exit_code == 0   # the command line wins


def test_nearest_configuration_wins_and_aiplan_toml_beats_pyproject(cli, repo):
    repo('[tool.aiplan]\nignore = ["BASE"]\n')
    repo('select = ["BASE"]\n', name=".aiplan.toml", where=repo.root / "plans" / "pilot")
    repo('[tool.aiplan]\nselect = ["PLAN"]\n', where=repo.root / "plans" / "pilot")
    _, rules = _rules(cli)
    assert rules == [("plans/main.aiplan.yaml", "FT001", "error"),
                     ("plans/pilot/trial.aiplan.yaml", "BASE001", "error")]


def test_pyproject_without_tool_aiplan_is_passed_over(cli, repo):
    repo('[tool.aiplan]\nignore = ["BASE"]\n')
    repo('[project]\nname = "sub"\n', where=repo.root / "plans")
    _, rules = _rules(cli)
    assert {r for _, r, _ in rules} == {"FT001"}


def test_config_option_and_isolated(cli, repo):
    repo('[tool.aiplan]\nignore = ["BASE"]\n')
    repo('select = ["BASE"]\n', name="strict.toml")
    _, rules = _rules(cli, "--config", "strict.toml")
    assert {r for _, r, _ in rules} == {"BASE001"}
    _, rules = _rules(cli, "--isolated")
    assert {r for _, r, _ in rules} == {"BASE001", "FT001"}


def test_command_line_select_replaces_configured_selection(cli, repo):
    repo('[tool.aiplan]\nselect = ["BASE"]\n')
    _, rules = _rules(cli, "--select", "FT")
    assert {r for _, r, _ in rules} == {"FT001"}
    _, rules = _rules(cli, "--extend-select", "FT")
    assert {r for _, r, _ in rules} == {"BASE001", "FT001"}


def test_exclude_skips_searched_files_but_not_named_ones(cli, repo):
    repo('[tool.aiplan]\nexclude = ["pilot"]\n')
    result, rules = _rules(cli)
    assert {p for p, _, _ in rules} == {"plans/main.aiplan.yaml"}
    _, rules = _rules(cli, "plans/pilot/trial.aiplan.yaml")
    assert {p for p, _, _ in rules} == {"plans/pilot/trial.aiplan.yaml"}
    _, rules = _rules(cli, "--force-exclude", "plans/pilot/trial.aiplan.yaml", "plans/main.aiplan.yaml")
    assert {p for p, _, _ in rules} == {"plans/main.aiplan.yaml"}


def test_rule_options_are_validated_against_the_rule(cli, repo, monkeypatch):
    from aiplan.core.rule import Option, rule
    from aiplan.api import Severity
    import aiplan.rules.fine_tuning as fine_tuning

    @rule("FT099", "probe", Severity.INFO, options=[Option("min_examples", int, 500, "Fewest examples.")])
    def probe(plan, options):
        """A test rule with an option."""
        return ()

    monkeypatch.setattr(fine_tuning, "probe", probe, raising=False)
    repo("[tool.aiplan.rules.FT099]\nmin_exampels = 2000\n")
    result = cli("lint")
    assert result.exit_code == 2
    assert "pyproject.toml: `tool.aiplan.rules.FT099`" in result.output
    assert "did you mean 'min_examples'?" in result.output
    repo('[tool.aiplan.rules.FT099]\nmin_examples = "many"\n')
    assert "expected an integer, got 'many' (a string)" in cli("lint").output
    repo("[tool.aiplan.rules.FT099]\nmin_examples = 2000\n")
    described = json.loads(cli("config", "--format", "json").output)
    assert described["rules"]["FT099"] == {"min_examples": 2000}


@pytest.mark.parametrize("text, expected", [
    ('[tool.aiplan]\nselct = ["FT"]\n', "pyproject.toml: unknown key `tool.aiplan.selct`; did you mean `select`?"),
    ('[tool.aiplan]\nextend_select = ["FT"]\n', "did you mean `extend-select`?"),
    ('[tool.aiplan]\nselect = "FT"\n', "`tool.aiplan.select` is 'FT' (a string); expected a list"),
    ('[tool.aiplan]\nfail-on = "fatal"\n', "`tool.aiplan.fail-on` is 'fatal'; expected one of error, warning, info"),
    ('[tool.aiplan]\nselect = ["FTX"]\n', "pyproject.toml: `tool.aiplan.select`: 'FTX' matches no rule; did you mean FT"),
    # Echoed as written, not upper-cased ('FTX'); matching ignores case.
    ('[tool.aiplan]\nignore = ["ftx"]\n', "pyproject.toml: `tool.aiplan.ignore`: 'ftx' matches no rule; did you mean FT"),
    ('[tool.aiplan.severity]\nFT0001 = "error"\n', "`tool.aiplan.severity.FT0001`: no rule FT0001; did you mean FT001?"),
    ('[tool.aiplan.severity]\nft-1 = "error"\n', "`tool.aiplan.severity` has the key 'ft-1', which is not a rule ID"),
    ('[tool.aiplan.rules.FT001]\nsize = 3\n', "`tool.aiplan.rules.FT001`: rule FT001 has no option 'size'"),
    ('[[tool.aiplan.overrides]]\nignore = ["FT"]\n', "`tool.aiplan.overrides[0]` lacks the required key `paths`"),
    ('[[tool.aiplan.overrides]]\npaths = ["x"]\nexclude = ["y"]\n', "unknown key `tool.aiplan.overrides[0].exclude`"),
    ('[[tool.aiplan.overrides]]\npaths = ["[x"]\n', "unclosed '['"),
    ('[tool.aiplan]\nmax-depth = 0\n', "`tool.aiplan.max-depth` is 0; it must be at least 1"),
    ('[tool.aiplan]\nrule-timeout = "x"\n', "`tool.aiplan.rule-timeout` is 'x' (a string); expected a number"),
    # `minimum: 0` cannot reject NaN, and no timer can arm for inf: a budget is a finite number.
    ('[tool.aiplan]\nrule-timeout = nan\n', "`tool.aiplan.rule-timeout` is nan; it must be a finite number of seconds"),
    ('[tool.aiplan]\nfile-timeout = inf\n', "`tool.aiplan.file-timeout` is inf; it must be a finite number of seconds"),
    ('[tool.aiplan]\nfile-timeout = nan\n', "`tool.aiplan.file-timeout` is nan; it must be a finite number of seconds"),
    ('[[tool.aiplan.overrides]]\npaths = ["x"]\nrule-timeout = +inf\n',
     "`tool.aiplan.overrides[0].rule-timeout` is inf; it must be a finite number of seconds"),
    ('[tool.aiplan]\nfail-on = "it\'s"\n', "`tool.aiplan.fail-on` is 'it's'; expected one of error, warning, info"),
    # `$` matches before a final newline in Python's `re`: the patterns end exactly, and a
    # value or key is shown with its control characters escaped, on one line.
    ('[tool.aiplan]\nselect = ["FT\\n"]\n', "`tool.aiplan.select[0]` is 'FT\\n', not a rule ID or prefix"),
    ('[tool.aiplan]\nignore = ["BASE004\\n"]\n', "`tool.aiplan.ignore[0]` is 'BASE004\\n', not a rule ID"),
    ('[tool.aiplan.severity]\n"FT003\\n" = "error"\n',
     "`tool.aiplan.severity` has the key 'FT003\\n', which is not a rule ID; it has whitespace after it: write FT003"),
    ('[tool.aiplan.rules]\n"FT003\\n" = {}\n', "`tool.aiplan.rules` has the key 'FT003\\n', which is not a rule ID"),
    ('[tool.aiplan]\n"sel\\tect" = ["FT"]\n', "unknown key `tool.aiplan.sel\\tect`"),
    ('[tool.aiplan]\nfail-on = "error\\n"\n', "`tool.aiplan.fail-on` is 'error\\n'; expected one of"),
    ('[tool.aiplan]\nplaceholders = ["  "]\n', "`tool.aiplan.placeholders[0]` is '  ', not a word (a placeholder needs"),
    ('[tool.aiplan]\nselect = ["FT003", "FT", "FT003"]\n', "`tool.aiplan.select` lists 'FT003' twice"),
    ('[tool.aiplan]\nignore = ["EVID", "EVID"]\n', "`tool.aiplan.ignore` lists 'EVID' twice"),
    ('[tool.aiplan]\nexclude = ["a", "a"]\n', "`tool.aiplan.exclude` lists 'a' twice"),
    ('[tool.aiplan]\npolicy-packs = ["p.yaml", "p.yaml"]\n', "`tool.aiplan.policy-packs` lists 'p.yaml' twice"),
    ('[tool.aiplan]\nplaceholders = ["ask", "ask"]\n', "`tool.aiplan.placeholders` lists 'ask' twice"),
    ('[[tool.aiplan.overrides]]\npaths = ["x", "x"]\n', "`tool.aiplan.overrides[0].paths` lists 'x' twice"),
    ('[tool.aiplan\n', "pyproject.toml: invalid TOML: "),
    ('[tool]\naiplan = 3\n', "tool.aiplan must be a table"),
])
def test_bad_configuration_exits_2_naming_file_key_and_closest_name(cli, repo, text, expected):
    repo(text)
    result = cli("lint")
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("text", ["rule-timeout = 0.5\n", "file-timeout = 0\n", "file-timeout = 1e300\n"])
def test_finite_timeouts_are_accepted(cli, repo, text):
    repo("[tool.aiplan]\n" + text)
    assert cli("lint").exit_code == 1   # the flawed plans' findings, not a configuration error


def test_negative_infinity_is_one_problem_below_the_minimum(cli, repo):
    repo("[tool.aiplan]\nrule-timeout = -inf\n")
    result = cli("lint")
    assert result.exit_code == 2
    assert result.output.count("rule-timeout") == 1 and "is -inf; it must be at least 0" in result.output


@pytest.mark.parametrize("option", ["--rule-timeout", "--file-timeout", "--run-timeout"])
@pytest.mark.parametrize("value, accepted", [("nan", False), ("inf", False), ("1e400", False), ("2.5", True)])
def test_timeout_options_take_finite_seconds_only(cli, repo, option, value, accepted):
    result = cli("lint", "--isolated", option, value, "plans/main.aiplan.yaml")
    assert result.exit_code == (1 if accepted else 2), result.output
    if not accepted:
        assert f"{option}': {value} is not a finite number of seconds" in result.output


def test_an_empty_placeholder_is_one_problem_worded_as_a_placeholder(cli, repo):
    repo('[tool.aiplan]\nplaceholders = [""]\n')
    result = cli("lint")
    assert result.exit_code == 2
    assert result.output.count("placeholders[0]") == 1 and "is '', not a word" in result.output
    assert "rule ID" not in result.output


def test_tool_aiplan_header_in_aiplan_toml_is_explained(cli, repo):
    repo('[tool.aiplan]\nignore = ["BASE"]\n', name=".aiplan.toml")
    result = cli("lint")
    assert result.exit_code == 2 and "without a [tool.aiplan] header" in result.output


def test_every_problem_is_listed(cli, repo):
    repo('[tool.aiplan]\nselct = ["FT"]\nfail-on = 3\n')
    result = cli("lint")
    assert result.exit_code == 2
    assert "unknown key `tool.aiplan.selct`" in result.output and "`tool.aiplan.fail-on` is 3" in result.output
    # One problem a line: real line breaks, not a visible `\\n` between them.
    assert "\\n" not in result.output
    assert [line for line in result.output.splitlines() if line.startswith("  ")] == [
        "  pyproject.toml: unknown key `tool.aiplan.selct`; did you mean `select`?",
        "  pyproject.toml: `tool.aiplan.fail-on` is 3 (an integer); expected a string"]


def test_bad_configuration_elsewhere_does_not_matter(cli, repo):
    repo("[tool.aiplan\n", where=repo.root / "plans" / "pilot")
    assert cli("lint", "plans/main.aiplan.yaml").exit_code == 1
    assert cli("lint", "plans/pilot/trial.aiplan.yaml").exit_code == 2


def test_broken_config_fails_even_when_no_plan_is_found(cli, repo, tmp_path):
    empty = repo.root / "empty"
    empty.mkdir()
    repo("[tool.aiplan]\nselct = []\n", name="pyproject.toml", where=empty)
    assert cli("lint", "empty").exit_code == 2


def test_limits_from_configuration(cli, repo):
    repo("[tool.aiplan]\nmax-file-size = 100\n")
    result, rules = _rules(cli)
    assert {r for _, r, _ in rules} == {"PLAN007"}


def test_unknown_plugin_rules_only_warn_when_plugins_are_disabled(cli, repo):
    repo('[tool.aiplan]\nignore = ["ACME001"]\n[tool.aiplan.severity]\nACME002 = "error"\n')
    assert cli("lint").exit_code == 2
    result = cli("lint", "--no-plugins")
    assert result.exit_code == 1
    assert "warning: pyproject.toml: `tool.aiplan.ignore`: 'ACME001' matches no rule" in result.output
    assert "plugins are disabled" in result.output
    result = cli("lint", env={"AIPLAN_DISABLE_PLUGINS": "acme"})
    assert result.exit_code == 1


def test_aiplan_config_text_is_toml(cli, repo):
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    repo('[tool.aiplan]\nignore = ["BASE"]\nexclude = ["drafts"]\n[tool.aiplan.severity]\nFT001 = "warning"\n')
    result = cli("config")
    assert result.exit_code == 0
    assert result.output.startswith("# Effective aiplan configuration for .\n# Configuration file: pyproject.toml")
    data = tomllib.loads(result.output)
    assert "enabled" not in data and "disabled" not in data   # keys the configuration would reject
    assert data["select"] == ["ALL"] and data["ignore"] == ["BASE"]  # as configured, by family
    base = ", ".join(f'"{rule.id}"' for rule in builtin_rules() if rule.id.startswith("BASE"))
    assert f"# not selected: [{base}]" in result.output
    assert data["exclude"] == ["drafts"]
    assert data["severity"] == {"FT001": "warning"} and data["fail-on"] == "error"
    assert "Configuration file: none" in cli("config", "--isolated").output


def test_aiplan_config_names_the_table_it_read(cli, repo):
    repo('[tool.aiplan]\nignore = ["BASE"]\n')
    assert "# Configuration file: pyproject.toml (tool.aiplan)\n" in cli("config").output
    repo('ignore = ["BASE"]\n', name=".aiplan.toml")
    assert "# Configuration file: .aiplan.toml (top level)\n" in cli("config").output
    assert cli("config", "nope").exit_code == 2


PLACEHOLDER_PLAN = """\
aiplan: 1
name: Ticket formatter
gaps:
  knowledge: {present: false}
  behavior: {present: true, evidence: ask Priya}
  accuracy: {present: false}
approach: prompt_engineering
"""


def test_team_placeholder_words_are_read_as_missing(cli, repo):
    (repo.root / "plans" / "main.aiplan.yaml").write_text(PLACEHOLDER_PLAN)
    (repo.root / "plans" / "pilot" / "trial.aiplan.yaml").write_text(PLACEHOLDER_PLAN)
    repo('[tool.aiplan]\nselect = ["GAP002"]\n')
    assert _rules(cli)[1] == []
    repo('[tool.aiplan]\nselect = ["GAP002"]\n[[tool.aiplan.overrides]]\npaths = ["plans/pilot"]\n'
         'placeholders = ["Ask Priya"]\n')
    result, rules = _rules(cli)
    assert rules == [("plans/pilot/trial.aiplan.yaml", "GAP002", "warning")]
    assert "`ask Priya`, a placeholder" in cli("lint", "plans/pilot").output
    assert 'placeholders = ["ask priya"]' in cli("config", "plans/pilot/trial.aiplan.yaml").output
    repo('[tool.aiplan]\nplaceholders = "ask Priya"\n')
    result = cli("lint")
    assert result.exit_code == 2 and "`tool.aiplan.placeholders` is 'ask Priya' (a string); expected a list" in result.output


def test_stdin_uses_the_configuration_of_the_working_directory(cli, repo):
    repo('[tool.aiplan]\nignore = ["BASE"]\n')
    result = cli("lint", "-", input=FLAWED)
    assert "FT001" in result.output and "BASE001" not in result.output


def test_schema_command_prints_the_config_and_pack_schemas(cli):
    assert json.loads(cli("schema", "config").output)["title"] == "aiplan configuration"
    assert json.loads(cli("schema", "policy-pack").output)["title"] == "aiplan policy pack"


def test_config_schema_lists_every_key_the_reader_understands():
    from aiplan.config.files import LIMIT_KEYS
    from aiplan.schemas import CONFIG_SCHEMA, load

    schema = load(CONFIG_SCHEMA)
    top = set(schema["properties"])
    override = set(schema["$defs"]["override"]["properties"])
    assert top == {"select", "extend-select", "ignore", "exclude", "fail-on", "severity", "rules",
                   "policy-packs", "overrides", "extend", "placeholders", "input-fields"} | set(LIMIT_KEYS)
    assert override == (top - {"exclude", "overrides", "extend"}) | {"paths"}
    for key in top:
        target = schema["properties"][key]
        target = schema["$defs"][target["$ref"].split("/")[-1]] if "$ref" in target else target
        assert target.get("description"), key


def test_layered_selection_follows_ruff():
    from aiplan.config.files import Layer
    from aiplan.config.resolve import enabled_by_layers

    ids = ["FT001", "FT002", "RAG001", "RAG008"]
    assert enabled_by_layers(ids, []) == frozenset(ids)
    base = Layer("f", select=("FT", "RAG"), ignore=("RAG008",))
    assert enabled_by_layers(ids, [base]) == {"FT001", "FT002", "RAG001"}
    over = Layer("f", extend_select=("RAG008",), ignore=("FT",))
    assert enabled_by_layers(ids, [base, over]) == {"RAG001", "RAG008"}
    specific = Layer("f", extend_select=("FT002",), ignore=("FT",))
    assert enabled_by_layers(ids, [specific]) == {"FT002", "RAG001", "RAG008"}


def test_contexts_are_shared_between_files_with_the_same_settings(repo):
    from aiplan.run.discovery import discover
    from aiplan.config.resolve import Resolver
    from aiplan.plugins.manager import load_rule_set

    repo('[tool.aiplan]\nignore = ["BASE"]\n[[tool.aiplan.overrides]]\npaths = ["pilot"]\nignore = ["FT"]\n')
    (repo.root / "plans" / "other.aiplan.yaml").write_text(FLAWED)
    resolver = Resolver(load_rule_set(entry_points=False).rules)
    contexts = [resolver.context_for(t) for t in discover(["."])]
    assert len(contexts) == 3 and contexts[0] is contexts[1] and contexts[2] is not contexts[0]
    assert contexts[0].fingerprint() != contexts[2].fingerprint()


def test_a_plan_discovery_listed_is_resolved_without_asking_whether_it_is_a_folder(repo, monkeypatch):
    from aiplan.run.discovery import discover
    from aiplan.config.resolve import Resolver
    from aiplan.plugins.manager import load_rule_set

    repo('[tool.aiplan]\nignore = ["BASE"]\n[[tool.aiplan.overrides]]\npaths = ["pilot"]\nignore = ["FT"]\n')
    found = discover(["."])
    named = discover(["plans/main.aiplan.yaml"])
    assert found and all(target.listed for target in found) and not named[0].listed
    rules = load_rule_set(entry_points=False).rules
    expected = [Resolver(rules).context_for(t).fingerprint() for t in found]
    assert len(set(expected)) == 2   # the override applies to one plan: taken for a folder, it would not
    resolver = Resolver(rules)
    resolver.resolve_path(".")
    with monkeypatch.context() as patched:
        patched.setattr(os.path, "isdir", lambda path: pytest.fail(f"isdir({path!r}) asked"))
        assert [resolver.context_for(t).fingerprint() for t in found] == expected   # same overrides applied
    # A file named on the command line may be anything: asked about.
    asked = []
    monkeypatch.setattr(os.path, "isdir", lambda path, real=os.path.isdir: asked.append(path) or real(path))
    Resolver(rules).context_for(named[0])
    assert asked == ["plans/main.aiplan.yaml"]


def test_settings_that_do_nothing_are_warned_about(cli, repo):
    repo('[tool.aiplan]\n[[tool.aiplan.overrides]]\npaths = ["pilots/**"]\nignore = ["FT"]\n')
    result = cli("lint")
    assert "warning: pyproject.toml: tool.aiplan.overrides[0] (paths = ['pilots/**']) matches no plan file" in result.output
    assert "matches no plan file" not in cli("lint", "plans/main.aiplan.yaml").output   # only part linted
    repo('[tool.aiplan]\nselect = []\n')
    result = cli("lint")
    assert "warning: no rule is enabled for the plans pyproject.toml governs" in result.output


def test_extend_stacks_a_shared_configuration_under_the_nearest_one(cli, repo):
    """A repository-wide file at the root; a team's file in plans/ extends it. Each file's
    paths stay relative to its own directory, like ruff's `extend`."""
    (repo.root / "org").mkdir()
    (repo.root / "org" / "org.yaml").write_text(
        "policy_pack: 1\nrules:\n  - id: ORG001\n    name: named\n    severity: warning\n"
        "    message: plans need a summary\n    fix: Add `summary`.\n    require: {required: [summary]}\n")
    repo("""\
        fail-on = "warning"
        policy-packs = ["org/org.yaml"]
        exclude = ["archive"]
        [severity]
        FT001 = "warning"
        [[overrides]]
        paths = ["plans/pilot/**"]
        ignore = ["ORG001"]
    """, name="aiplan-base.toml")
    repo('[tool.aiplan]\nextend = "../aiplan-base.toml"\nignore = ["BASE"]\n', where=repo.root / "plans")
    result, rules = _rules(cli)
    assert rules == [("plans/main.aiplan.yaml", "FT001", "warning"), ("plans/main.aiplan.yaml", "ORG001", "warning"),
                     ("plans/pilot/trial.aiplan.yaml", "FT001", "warning")]
    assert result.exit_code == 1   # fail-on = warning, from the extended file
    described = json.loads(cli("config", "--format", "json", "plans/pilot/trial.aiplan.yaml").output)
    assert described["config-file"] == "plans/pyproject.toml" and described["extends"] == ["aiplan-base.toml"]
    assert described["overrides-applied"] == [{"file": "aiplan-base.toml", "key": "overrides[0]",
                                               "paths": ["plans/pilot/**"]}]
    assert described["inherited-exclude"] == {"aiplan-base.toml": ["archive"]}


@pytest.mark.parametrize("extend, expected", [
    ('"missing.toml"', "missing.toml: no such configuration file (named by `extend` in pyproject.toml)"),
    ('"pyproject.toml"', "`tool.aiplan.extend` makes a cycle: pyproject.toml -> pyproject.toml"),
    ('"bad.toml"', "bad.toml: unknown key `selct`; did you mean `select`?"),
])
def test_extend_problems(cli, repo, extend, expected):
    repo('selct = ["FT"]\n', name="bad.toml")
    repo(f"[tool.aiplan]\nextend = {extend}\n")
    result = cli("lint")
    assert result.exit_code == 2 and expected in result.output


def test_a_configuration_file_that_is_a_fifo_or_device_is_refused(cli, repo):
    os.mkfifo(repo.root / "fifo.toml")
    os.symlink("/dev/zero", repo.root / "zero.toml")
    for name in ("fifo.toml", "zero.toml"):
        result = cli("lint", "--config", name)
        assert result.exit_code == 2, result.output
        assert "cannot read the configuration: it is a" in result.output and "not a regular file" in result.output


def test_config_output_is_valid_configuration_that_reproduces_itself(cli, tmp_path, monkeypatch):
    """`aiplan config > .aiplan.toml` is a configuration aiplan accepts, with the same effect."""
    import json

    source = tmp_path / "source"
    source.mkdir()
    (source / ".aiplan.toml").write_text(
        'ignore = ["RAG008", "EVAL"]\nfail-on = "warning"\n[severity]\nFIT003 = "warning"\n'
        '[rules.FT003]\nmin_examples = 2000\n')
    monkeypatch.chdir(source)
    printed = cli("config")
    assert printed.exit_code == 0, printed.output
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / ".aiplan.toml").write_text(printed.stdout)
    monkeypatch.chdir(copy)
    again = cli("config")
    assert again.exit_code == 0, again.output
    first = json.loads(cli("config", "--format", "json", source).stdout)
    second = json.loads(cli("config", "--format", "json", ".").stdout)
    for key in ("enabled", "disabled", "fail-on", "severity", "rules", "max-depth"):
        assert first[key] == second[key], key


PACK = ("policy_pack: 1\nrules:\n  - id: ORG001\n    name: named\n    severity: warning\n"
        "    message: plans need a summary\n    fix: Add `summary`.\n    require: {required: [summary]}\n")


@pytest.mark.parametrize("selection, select, ignore", [
    ('ignore = ["EVID", "FT003"]', ["ALL"], ["EVID", "FT003"]),
    ('select = ["FT", "BASE001", "ORG"]\nignore = ["FT003"]', ["BASE001", "FT001", "FT002"], []),
    ('select = ["FT", "BASE", "ORG"]', ["BASE", "FT", "ORG"], []),
])
def test_config_output_is_a_configuration_to_paste_anywhere(cli, repo, selection, select, ignore):
    """`aiplan config` prints packs as paths from here (not from the file that named
    them) and the selection by families where it can (not a frozen list of IDs)."""
    (repo.root / "plans" / "org").mkdir()
    (repo.root / "plans" / "org" / "org.yaml").write_text(PACK)
    repo(f'policy-packs = ["org/org.yaml"]\n{selection}\n', name=".aiplan.toml", where=repo.root / "plans")
    described = json.loads(cli("config", "--format", "json", "plans/main.aiplan.yaml").output)
    assert [p["path"] for p in described["policy-packs"]] == ["plans/org/org.yaml"]
    assert described["select"][:len(select)] == select and described["ignore"] == ignore
    printed = cli("config", "plans/main.aiplan.yaml").output
    assert 'policy-packs = ["plans/org/org.yaml"]' in printed
    (repo.root / "pasted.toml").write_text(printed)
    again = json.loads(cli("config", "--format", "json", "--config", "pasted.toml", "plans/main.aiplan.yaml").output)
    assert again["enabled"] == described["enabled"] and again["policy-packs"] == described["policy-packs"]
    elsewhere = repo.root / "other"
    elsewhere.mkdir()
    os.chdir(elsewhere)
    assert json.loads(cli("config", "--format", "json", "../plans/main.aiplan.yaml").output)["policy-packs"][0][
        "path"] == str(repo.root / "plans" / "org" / "org.yaml")  # outside the working directory: absolute


DEEP = "aiplan: 1\nname: x\na:\n  b:\n    c:\n      d: 1\n"


@pytest.mark.parametrize("limit", ["3.0", "3"])
def test_a_count_limit_written_as_a_whole_float_is_that_count(cli, repo, limit):
    """The schema's `integer` takes TOML's `3.0` as 3 (as JSON Schema does): it is 3 everywhere
    after, in messages and in `aiplan config` (was "3.0 levels", and `max-findings = 2.0` failed
    with an internal error)."""
    repo(f"[tool.aiplan]\nmax-depth = {limit}\nmax-findings = 2.0\n")
    (repo.root / "deep.aiplan.yaml").write_text(DEEP)
    result = cli("lint", "--no-cache", "deep.aiplan.yaml")
    assert "the document nests deeper than 3 levels;" in result.output
    assert "internal error" not in result.output
    shown = cli("config", "deep.aiplan.yaml").output
    assert "\nmax-depth = 3\n" in shown and "\nmax-findings = 2\n" in shown


def test_a_count_limit_with_a_fraction_is_refused(cli, repo):
    repo("[tool.aiplan]\nmax-depth = 3.5\n")
    (repo.root / "deep.aiplan.yaml").write_text(DEEP)
    result = cli("lint", "--no-cache", "deep.aiplan.yaml")
    assert result.exit_code == 2 and "`tool.aiplan.max-depth` is 3.5 (a number); expected an integer" in result.output


def test_a_named_file_excluded_with_force_exclude_says_which_pattern_excluded_it(cli, repo):
    repo('[tool.aiplan]\nexclude = ["plans/pilot"]\n')
    result = cli("lint", "--force-exclude", "plans/pilot/trial.aiplan.yaml")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == ("aiplan: nothing to lint: plans/pilot/trial.aiplan.yaml is excluded by 'plans/pilot' "
                             "(pyproject.toml: `tool.aiplan.exclude`) (--force-exclude applies `exclude` to files "
                             "named on the command line too)\n")
    # Without --force-exclude, a named file is linted: nothing to explain.
    assert "excluded" not in cli("lint", "plans/pilot/trial.aiplan.yaml").output


def test_a_folder_whose_plans_are_all_excluded_says_so(cli, repo):
    repo('[tool.aiplan]\nexclude = ["plans/pilot"]\n')
    result = cli("lint", "plans/pilot")
    assert result.exit_code == 2
    assert result.stderr == ("aiplan: nothing to lint: the 1 plan file found is excluded by 'plans/pilot' "
                             "(pyproject.toml: `tool.aiplan.exclude`)\n")
    (repo.root / "empty").mkdir()
    nothing = cli("lint", "empty")  # nothing excluded, nothing found: the general message, unchanged
    assert nothing.exit_code == 2 and nothing.stderr.startswith("No plan files found") and "excluded" not in nothing.stderr


def test_stdin_filename_follows_force_exclude_and_fix_gives_the_plan_back(cli, repo):
    repo('[tool.aiplan]\nexclude = ["plans/pilot"]\n')
    named = ("--force-exclude", "--stdin-filename", "plans/pilot/trial.aiplan.yaml")
    result = cli("lint", *named, input=FLAWED)
    assert result.exit_code == 0 and "plans/pilot/trial.aiplan.yaml is excluded by 'plans/pilot'" in result.stderr
    fixed = cli("lint", "--fix", *named, input=FLAWED)
    assert fixed.exit_code == 0 and fixed.stdout == FLAWED and "excluded" in fixed.stderr
    # The same path under a folder not excluded: linted, with the configuration's settings.
    linted = cli("lint", "--format", "concise", "--force-exclude", "--stdin-filename", "plans/x.aiplan.yaml",
                 input=FLAWED)
    assert linted.exit_code == 1 and linted.stdout.startswith("plans/x.aiplan.yaml:")


def test_a_folder_named_like_a_plan_file_is_searched_and_said_to_be_a_folder(cli, repo):
    folder = repo.root / "odd.aiplan.yaml"
    folder.mkdir()
    empty = cli("lint", "odd.aiplan.yaml")
    assert empty.exit_code == 2
    assert "aiplan: odd.aiplan.yaml: a directory (named like a plan file): searched for plan files, and none " \
           "is in it" in empty.stderr
    (folder / "aiplan.yaml").write_text(FLAWED)
    found = cli("lint", "--format", "concise", "odd.aiplan.yaml")
    assert found.exit_code == 1 and found.stdout.startswith("odd.aiplan.yaml/aiplan.yaml:")
    assert "a directory" not in found.stderr


# Every integer option of every built-in rule, read from the rules themselves (round 12: `min_examples =
# 500.0` was refused while `max-depth = 3.0` was accepted; one helper, aiplan.core.numbers.counted, now).
INTEGER_OPTIONS = [pytest.param(item.id, option, id=f"{item.id}.{option.name}")
                   for item in builtin_rules() for option in item.options if option.type is int]


def test_the_catalogue_has_integer_options():
    assert INTEGER_OPTIONS, "no rule declares an integer option: the tests below check nothing"


@pytest.mark.parametrize("rule_id, option", INTEGER_OPTIONS)
def test_a_whole_float_for_an_integer_option_is_that_integer(cli, repo, rule_id, option):
    whole = max(option.default, option.minimum or 0)
    repo(f"[tool.aiplan.rules.{rule_id}]\n{option.name} = {float(whole)!r}\n")
    result = cli("lint", "--no-cache")
    assert result.exit_code in (0, 1) and "configuration error" not in result.output, result.output
    shown = cli("config").output
    assert f"\n{option.name} = {int(whole)}\n" in shown, shown


@pytest.mark.parametrize("rule_id, option", INTEGER_OPTIONS)
def test_an_integer_option_with_a_fraction_is_a_configuration_error(cli, repo, rule_id, option):
    value = max(option.default, option.minimum or 0) + 0.5
    for name, table in (("pyproject.toml", f"tool.aiplan.rules.{rule_id}"), (".aiplan.toml", f"rules.{rule_id}")):
        repo(f"[{table}]\n{option.name} = {value!r}\n", name=name)
        result = cli("lint", "--no-cache")
        assert result.exit_code == 2, result.output
        assert (f"{name}: `{table}`: option '{option.name}' of rule {rule_id}: expected an integer, got {value!r} "
                "(a number)") in result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
