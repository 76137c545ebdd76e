"""``--output-file``: the chosen report goes to a file, the console keeps its normal output."""

import json
import os
import xml.etree.ElementTree as ET

from conftest import EXAMPLES

FLAWED = EXAMPLES / "ticket-formatter.aiplan.yaml"


def test_sarif_to_file_text_to_console(cli, tmp_path):
    report = tmp_path / "aiplan.sarif"
    result = cli("lint", "--format", "sarif", "--output-file", report, FLAWED)
    assert result.exit_code == 1
    assert "error BASE001 missing-prompt-baseline" in result.output
    assert result.output.endswith("Linted 1 file: 2 errors, 0 warnings, 0 info; 2 fail the run (fail-on: error).\n")
    document = json.loads(report.read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["BASE001", "FT001"]


def test_every_format_can_go_to_a_file(cli, tmp_path):
    for name, check in (("json", json.loads), ("gitlab", json.loads), ("junit", ET.fromstring),
                        ("github", lambda text: text.startswith("::error ")), ("text", lambda text: "fix:" in text)):
        report = tmp_path / f"report.{name}"
        result = cli("lint", "--format", name, "--output-file", report, "--color", "always", FLAWED)
        assert result.exit_code == 1, name
        assert "\x1b[" in result.output  # the console is the normal, coloured text
        written = report.read_text(encoding="utf-8")
        assert "\x1b[" not in written and check(written), name


def test_output_file_without_format_writes_text(cli, tmp_path):
    report = tmp_path / "report.txt"
    result = cli("lint", "--output-file", report, FLAWED)
    assert report.read_text() == result.output


def test_under_actions_the_console_adds_annotations(cli, tmp_path):
    report = tmp_path / "aiplan.sarif"
    result = cli("lint", "--format", "sarif", "--output-file", report, FLAWED, env={"GITHUB_ACTIONS": "true"})
    assert "error BASE001 missing-prompt-baseline" in result.output
    assert "\n::error title=BASE001 missing-prompt-baseline," in result.output
    json.loads(report.read_text())


def test_replaces_an_existing_report_keeping_its_mode(cli, tmp_path):
    report = tmp_path / "aiplan.sarif"
    report.write_text("old")
    os.chmod(report, 0o600)
    cli("lint", "--format", "sarif", "--output-file", report, FLAWED)
    assert json.loads(report.read_text())["version"] == "2.1.0"
    assert os.stat(report).st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["aiplan.sarif"]  # no temporary file left


def test_never_overwrites_a_plan_being_linted(cli, tmp_path):
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text(FLAWED.read_text())
    result = cli("lint", "--format", "sarif", "--output-file", plan, plan)
    assert result.exit_code == 2 and "is one of the files being linted" in result.output
    assert plan.read_text() == FLAWED.read_text()


def test_never_overwrites_the_baseline_or_configuration_it_reads(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.aiplan.yaml").write_text(FLAWED.read_text())
    cli("lint", "--write-baseline", "b.json")
    baseline = (tmp_path / "b.json").read_text()
    result = cli("lint", "--baseline", "b.json", "--format", "sarif", "--output-file", "b.json")
    assert result.exit_code == 2 and "is the --baseline file" in result.output
    assert (tmp_path / "b.json").read_text() == baseline
    (tmp_path / "aiplan.toml").write_text('select = ["ALL"]\n')
    result = cli("lint", "--config", "aiplan.toml", "--output-file", "aiplan.toml")
    assert result.exit_code == 2 and "is the --config file" in result.output
    assert (tmp_path / "aiplan.toml").read_text() == 'select = ["ALL"]\n'
    pack = EXAMPLES / "policies" / "security.yaml"
    (tmp_path / "pack.yaml").write_text(pack.read_text())
    result = cli("lint", "--policy-pack", "pack.yaml", "--output-file", "pack.yaml")
    assert result.exit_code == 2 and "is the --policy-pack file" in result.output
    assert (tmp_path / "pack.yaml").read_text() == pack.read_text()


def test_unwritable_destinations_are_usage_errors(cli, tmp_path):
    result = cli("lint", "--format", "sarif", "--output-file", tmp_path / "missing" / "x.sarif", FLAWED)
    assert result.exit_code == 2 and "does not exist" in result.output
    result = cli("lint", "--format", "sarif", "--output-file", tmp_path, FLAWED)
    assert result.exit_code == 2 and "directory" in result.output
    assert "Traceback" not in result.output


def test_write_failure_after_linting_is_reported_with_exit_2(cli, tmp_path, monkeypatch):
    import aiplan.fileio

    def refuse(path, data, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(aiplan.fileio, "atomic_write", refuse)
    result = cli("lint", "--format", "sarif", "--output-file", tmp_path / "x.sarif", FLAWED)
    assert result.exit_code == 2
    assert "error BASE001 missing-prompt-baseline" in result.output  # the console output still came
    assert "aiplan: cannot write" in result.output and "Permission denied" in result.output
