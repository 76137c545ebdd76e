"""Rule IDs match in any case across the configuration: `select`, `ignore`, `[severity]`
and `[rules.ID]` alike (core.rule_ids.canonical_rule_id), as on the command line and in
suppression comments. Messages echo the ID as it was written."""

import json

import pytest

from aiplan.core.rule_ids import canonical_rule_id

# FT003 (too few examples) fires on 40 examples; FIT007 on approach rag without a `rag` section.
PLAN = ("aiplan: 1\nname: x\napproach: fine_tuning\nfine_tuning:\n"
        "  dataset:\n    path: data/train.jsonl\n    examples: 40\n")


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.aiplan.yaml").write_text(PLAN)
    return tmp_path


def _ft003(cli, config):
    """FT003's severities under the configuration ``config`` (in the current directory)."""
    with open(".aiplan.toml", "w") as handle:
        handle.write(config)
    result = cli("lint", "--no-cache", "--format", "json", "p.aiplan.yaml")
    return [f["severity"] for f in json.loads(result.stdout)["findings"] if f["rule"] == "FT003"]


@pytest.mark.parametrize("written", ["FT003", "ft003", "Ft003"])
def test_a_severity_key_matches_in_any_case(cli, project, written):
    assert _ft003(cli, f'[severity]\n{written} = "info"\n') == ["info"]
    assert _ft003(cli, f'select = ["{written}"]\n') == ["warning"]


@pytest.mark.parametrize("written", ["FT003", "ft003"])
def test_a_rules_table_matches_in_any_case(cli, project, written):
    assert _ft003(cli, f"[rules.{written}]\nmin_examples = 10\n") == []
    assert _ft003(cli, f"[rules.{written}]\nmin_examples = 500\n") == ["warning"]


def test_an_override_takes_lower_case_ids_too(cli, project):
    assert _ft003(cli, '[[overrides]]\npaths = ["*.yaml"]\n[overrides.severity]\nft003 = "error"\n') == ["error"]


@pytest.mark.parametrize("config, expected", [
    ('[severity]\nft003 = "info"\nFT003 = "error"\n',
     "`severity`: 'ft003' and 'FT003' both name rule FT003; keep one of them"),
    ("[rules.ft003]\nmin_examples = 10\n[rules.FT003]\nmin_examples = 20\n",
     "`rules`: 'ft003' and 'FT003' both name rule FT003; keep one of them"),
    ('[severity]\nft0033 = "info"\n', "`severity.ft0033`: no rule ft0033; did you mean FT003?"),
    ("[rules.ft003]\nmin_exampels = 10\n", "`rules.ft003`: rule FT003 has no option 'min_exampels'"),
    ('[severity]\n"ft 003" = "info"\n', "`severity` has the key 'ft 003', which is not a rule ID; did you mean FT003?"),
    # Whitespace around an exact ID is refused, not stripped, as the shipped schema refuses it (an
    # editor marks the key too): the message says what is wrong and the exact ID to write.
    ('[severity]\n" ft003" = "error"\n',
     "`severity` has the key ' ft003', which is not a rule ID; it has whitespace before it: write FT003"),
    ('[rules."FT003 "]\nmin_examples = 10\n',
     "`rules` has the key 'FT003 ', which is not a rule ID; it has whitespace after it: write FT003"),
    ('ignore = [" FT003 "]\n',
     "`ignore[0]` is ' FT003 ', not a rule ID or prefix (like FT003, FT or ALL); it has whitespace around it: "
     "write FT003"),
    # Near-identical, not exact once stripped: a guess, as before.
    ('[severity]\n" ft0033" = "error"\n', "`severity` has the key ' ft0033', which is not a rule ID; did you mean FT003?"),
])
def test_what_is_refused_is_said_as_written(cli, project, config, expected):
    (project / ".aiplan.toml").write_text(config)
    result = cli("lint", "--no-cache", "p.aiplan.yaml")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert expected in result.output


def test_the_one_normalisation():
    assert [canonical_rule_id(w) for w in (" ft003 ", "FT003", "Ft", "all")] == ["FT003", "FT003", "FT", "ALL"]
