"""Baselines: --write-baseline records findings, --baseline reports only new ones."""

import json
import os

import pytest

from conftest import EXAMPLES

FLAWED = (EXAMPLES / "ticket-formatter.aiplan.yaml").read_text()   # BASE001 and FT001


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "a.aiplan.yaml").write_text(FLAWED)
    (tmp_path / "plans" / "b.aiplan.yaml").write_text("aiplan: 1\nname: b\napproach: rag\n")
    # These plans trigger many rules (b has no gaps, no rag section...). The tests are
    # about baselines, so the configuration keeps to the two rules the plans are written for.
    (tmp_path / ".aiplan.toml").write_text('select = ["BASE001", "FT001"]\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _json(result):
    return json.loads(result.output)


def test_write_then_lint_with_baseline_reports_nothing(cli, repo):
    written = cli("lint", "--write-baseline", "aiplan-baseline.json")
    assert written.exit_code == 0
    assert "wrote aiplan-baseline.json: 3 findings in 2 files" in written.output
    data = json.loads((repo / "aiplan-baseline.json").read_text())
    assert data["aiplan_baseline"] == 1
    assert [(e["path"], e["rule"], e["yaml_path"]) for e in data["findings"]] == [
        ("plans/a.aiplan.yaml", "BASE001", "baseline.prompt_engineering.status"),
        ("plans/a.aiplan.yaml", "FT001", "fine_tuning.evaluation.held_out"),
        ("plans/b.aiplan.yaml", "BASE001", "baseline.prompt_engineering"),
    ]
    assert all("line" not in e for e in data["findings"])
    result = cli("lint", "--baseline", "aiplan-baseline.json")
    assert result.exit_code == 0, result.output
    assert "Linted 2 files: no findings." in result.output
    assert "Baseline aiplan-baseline.json: 3 known findings not shown." in result.output


def test_every_finding_of_the_whole_catalogue_round_trips(cli, repo):
    written = cli("lint", "--isolated", "--write-baseline", "all.json")
    assert "wrote all.json: 6 findings in 2 files" in written.output
    data = json.loads((repo / "all.json").read_text())
    assert [(e["path"], e["rule"]) for e in data["findings"]] == [
        ("plans/a.aiplan.yaml", "BASE001"), ("plans/a.aiplan.yaml", "FT001"),
        ("plans/b.aiplan.yaml", "BASE001"), ("plans/b.aiplan.yaml", "EVAL001"),
        ("plans/b.aiplan.yaml", "FIT007"), ("plans/b.aiplan.yaml", "GAP001"),
    ]
    result = cli("lint", "--isolated", "--baseline", "all.json")
    assert result.exit_code == 0, result.output
    assert "Linted 2 files: no findings." in result.output and "6 known findings not shown" in result.output


def test_baseline_file_is_sorted_stable_and_reviewable(cli, repo):
    cli("lint", "--write-baseline", "b.json")
    first = (repo / "b.json").read_bytes()
    cli("lint", "--write-baseline", "b.json")
    assert (repo / "b.json").read_bytes() == first
    assert first.endswith(b"}\n") and b'\n  "findings": [\n' in first


def test_unrelated_edits_do_not_resurface_findings(cli, repo):
    cli("lint", "--write-baseline", "b.json")
    plan = repo / "plans" / "a.aiplan.yaml"
    plan.write_text("# a new comment\n\n" + FLAWED.replace("name: Ticket formatter", "name: Ticket formatter v2"))
    result = cli("lint", "--baseline", "b.json", "--format", "json")
    assert _json(result)["findings"] == [] and result.exit_code == 0


def test_new_findings_are_reported_and_fixed_ones_are_stale(cli, repo):
    cli("lint", "--write-baseline", "b.json")
    (repo / "plans" / "b.aiplan.yaml").write_text(
        "aiplan: 1\nname: b\napproach: fine_tuning\nbaseline: {prompt_engineering: {status: done}}\nfine_tuning: {}\n")
    result = cli("lint", "--baseline", "b.json")
    assert result.exit_code == 1
    assert "plans/b.aiplan.yaml\n  5:1 error FT001 " in result.output
    assert "1 baseline entry no longer matches;" in result.output
    assert "stale: plans/b.aiplan.yaml: BASE001 at baseline.prompt_engineering" in result.output
    document = _json(cli("lint", "--baseline", "b.json", "--format", "json"))
    assert [f["rule"] for f in document["findings"]] == ["FT001"]
    assert document["baseline"]["matched"] == 2
    assert [(e["path"], e["rule"]) for e in document["baseline"]["stale"]] == [("plans/b.aiplan.yaml", "BASE001")]
    assert document["summary"]["baselined"] == 2


def test_same_finding_twice_is_counted(cli, repo):
    doubled = "aiplan: 1\nname: b\napproach: rag\n---\naiplan: 1\nname: b\napproach: rag\n"
    (repo / "plans" / "b.aiplan.yaml").write_text(doubled)
    cli("lint", "--write-baseline", "b.json")
    entry = [e for e in json.loads((repo / "b.json").read_text())["findings"] if e["path"].endswith("b.aiplan.yaml")]
    assert [e["count"] for e in entry] == [2]
    (repo / "plans" / "b.aiplan.yaml").write_text(doubled + "---\naiplan: 1\nname: b\napproach: rag\n")
    document = _json(cli("lint", "--baseline", "b.json", "--format", "json"))
    assert [(f["rule"], f["document"]) for f in document["findings"]] == [("BASE001", 2)]


def test_only_linted_files_and_enabled_rules_are_judged_stale(cli, repo):
    cli("lint", "--write-baseline", "b.json")
    result = _json(cli("lint", "--baseline", "b.json", "--format", "json", "plans/b.aiplan.yaml"))
    assert result["baseline"]["stale"] == []
    result = _json(cli("lint", "--baseline", "b.json", "--format", "json", "--select", "FT"))
    assert result["baseline"]["stale"] == []
    (repo / "plans" / "a.aiplan.yaml").unlink()
    result = _json(cli("lint", "--baseline", "b.json", "--format", "json"))
    assert sorted(e["rule"] for e in result["baseline"]["stale"]) == ["BASE001", "FT001"]


def test_writing_part_of_the_repository_keeps_the_other_entries(cli, repo):
    cli("lint", "--write-baseline", "b.json")
    (repo / "plans" / "b.aiplan.yaml").write_text("aiplan: 1\nname: b\n")
    written = cli("lint", "--write-baseline", "b.json", "plans/b.aiplan.yaml")
    assert "0 findings in 0 files, plus 2 kept for files not linted in this run" in written.output
    data = json.loads((repo / "b.json").read_text())
    assert [(e["path"], e["rule"]) for e in data["findings"]] == [
        ("plans/a.aiplan.yaml", "BASE001"), ("plans/a.aiplan.yaml", "FT001")]


def test_baseline_paths_are_relative_to_the_baseline_file(cli, repo, monkeypatch):
    cli("lint", "--write-baseline", "b.json")
    monkeypatch.chdir(repo / "plans")
    result = cli("lint", "--baseline", "../b.json", ".")
    assert result.exit_code == 0 and "3 known findings not shown" in result.output


@pytest.mark.parametrize("content, expected", [
    (None, "no such baseline file; create it with `aiplan lint --write-baseline b.json`"),
    ("{not json", "not a valid JSON baseline"),
    ('{"findings": []}', "not an aiplan baseline"),
    ('{"aiplan_baseline": 1, "findings": [{"path": "x"}]}', "findings[0] is malformed"),
    ('{"aiplan_baseline": 1, "findings": [{"path": "x", "rule": "R", "yaml_path": "", "fingerprint": "f", '
     '"message": "", "count": 0}]}', "findings[0].count must be a positive integer"),
])
def test_bad_baseline_file_exits_2(cli, repo, content, expected):
    if content is not None:
        (repo / "b.json").write_text(content)
    result = cli("lint", "--baseline", "b.json")
    assert result.exit_code == 2 and expected in result.output


def test_write_baseline_refuses_to_overwrite_a_file_that_is_not_a_baseline(cli, repo):
    (repo / "notes.json").write_text('{"mine": true}\n')
    result = cli("lint", "--write-baseline", "notes.json")
    assert result.exit_code == 2 and "refusing to overwrite it" in result.output
    assert (repo / "notes.json").read_text() == '{"mine": true}\n'


def test_suppressed_findings_are_not_recorded(cli, repo):
    (repo / "plans" / "b.aiplan.yaml").write_text("aiplan: 1  # aiplan: ignore[BASE001] -- pilot\nname: b\napproach: rag\n")
    cli("lint", "--write-baseline", "b.json")
    data = json.loads((repo / "b.json").read_text())
    assert all(not e["path"].endswith("b.aiplan.yaml") for e in data["findings"])


def _typo(repo):
    """Plan a with its approach misspelled: `--fix` repairs it (PLAN002), and BASE001 and FT001 come back."""
    plan = repo / "plans" / "a.aiplan.yaml"
    plan.write_text(FLAWED.replace("approach: fine_tuning", "approach: Fine Tuning"))
    return plan


def test_fix_reports_only_what_remains_beyond_the_baseline(cli, repo):
    cli("lint", "--write-baseline", "b.json")
    plan = _typo(repo)
    result = cli("lint", "--fix", "--extend-select", "PLAN002", "--baseline", "b.json")
    assert plan.read_text() == FLAWED
    assert result.exit_code == 0, result.output
    assert "Linted 2 files: no findings; 1 fixed." in result.output
    assert "Baseline b.json: 3 known findings not shown." in result.output


def test_fix_with_write_baseline_records_what_remains(cli, repo):
    plan = _typo(repo)
    written = cli("lint", "--fix", "--extend-select", "PLAN002", "--write-baseline", "b.json")
    assert written.exit_code == 0 and "wrote b.json: 3 findings in 2 files" in written.output
    assert plan.read_text() == FLAWED
    data = json.loads((repo / "b.json").read_text())
    assert [(e["path"], e["rule"]) for e in data["findings"]] == [
        ("plans/a.aiplan.yaml", "BASE001"), ("plans/a.aiplan.yaml", "FT001"), ("plans/b.aiplan.yaml", "BASE001")]


def test_diff_cannot_write_a_baseline(cli, repo):
    _typo(repo)
    result = cli("lint", "--diff", "--write-baseline", "b.json")
    assert result.exit_code == 2 and "--diff writes nothing" in result.output
    assert not (repo / "b.json").exists()


@pytest.mark.parametrize("option", ["--baseline", "--write-baseline"])
def test_a_baseline_that_is_a_fifo_or_endless_device_is_refused(cli, repo, option):
    # git stores symlinks: a pull request can commit a baseline that points at /dev/zero.
    os.symlink("/dev/zero", "zero.json")
    os.mkfifo("fifo.json")
    for name in ("zero.json", "fifo.json"):
        result = cli("lint", option, name)
        assert result.exit_code == 2, result.output
        assert f"{name}: cannot read the baseline: it is a" in result.output
        assert "not a regular file" in result.output


def test_a_baseline_over_the_limit_is_refused(cli, repo, monkeypatch):
    from aiplan.run import baseline

    monkeypatch.setattr(baseline, "MAX_BASELINE_BYTES", 10)
    (repo / "big.json").write_text('{"aiplan_baseline": 1, "findings": []}')
    result = cli("lint", "--baseline", "big.json")
    assert result.exit_code == 2
    assert "big.json: cannot read the baseline: it is over the 10-byte limit" in result.output
