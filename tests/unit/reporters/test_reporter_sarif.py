"""SARIF 2.1.0 output, validated against the schema GitHub code scanning uses
(tests/specs/sarif-schema-2.1.0.json) and against what code scanning reads."""

import json
import re
import shutil

import pytest
from jsonschema import Draft202012Validator

from aiplan.core.findings import FileResult, InternalError, Severity
from aiplan.reporters import sarif
from aiplan.reporters.sources import Paths

from conftest import EXAMPLES, ROOT
from ci_support import finding, rules, run_of

SCHEMA = json.loads((ROOT / "tests" / "specs" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
# RFC 3986 URI-reference characters: unreserved, reserved and percent-encodings.
URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*\Z")


def validate(document: dict) -> None:
    validator = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def check_code_scanning_contract(document: dict) -> None:
    """What GitHub reads beyond the schema."""
    assert document["version"] == "2.1.0" and document["$schema"]
    [run] = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "aiplan" and driver["version"] and driver["informationUri"].startswith("https://")
    for rule in driver["rules"]:
        assert rule["id"] and rule["name"]
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert rule["properties"]["tags"] and len(rule["properties"]["tags"]) <= 20
    assert run["columnKind"] == "unicodeCodePoints"
    for result in run["results"]:
        rule = driver["rules"][result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note") and result["message"]["text"]
        [location] = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert URI_REFERENCE.match(artifact["uri"]), artifact["uri"]
        if artifact.get("uriBaseId") == "%SRCROOT%":
            assert not artifact["uri"].startswith(("/", "./", "../"))
        region = location["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        if "endLine" in region:
            assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])
        fingerprint = result.get("partialFingerprints", {}).get("primaryLocationLineHash")
        assert fingerprint is None or re.fullmatch(r"[0-9a-f]{16}:[1-9][0-9]*", fingerprint)


@pytest.fixture
def examples_copy(tmp_path, monkeypatch):
    target = tmp_path / "repo"
    shutil.copytree(EXAMPLES, target / "plans")
    (target / ".git").mkdir()
    monkeypatch.chdir(target / "plans")
    return target


def test_flawed_examples_validate_and_meet_code_scanning_contract(cli, examples_copy):
    result = cli("lint", "--format", "sarif", ".")
    assert result.exit_code == 1
    document = json.loads(result.output)
    validate(document)
    check_code_scanning_contract(document)
    results = document["runs"][0]["results"]
    # every finding of the examples (tests/e2e/test_examples.py pins them), as the JSON report counts them
    assert len(results) == len(json.loads(cli("lint", "--format", "json", ".").output)["findings"])
    uri = lambda r: r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]  # noqa: E731
    assert [r["ruleId"] for r in results if uri(r) == "plans/ticket-formatter.aiplan.yaml"] == ["BASE001", "FT001"]
    assert [r["ruleId"] for r in results if uri(r) == "plans/policy-search.aiplan.yaml"] == [
        "PLAN002", "PLAN002", "PLAN004", "BASE006", "RAG001", "RAG009"]  # root causes first
    [base] = [r for r in results if r["ruleId"] == "BASE001" and uri(r) == "plans/ticket-formatter.aiplan.yaml"]
    assert base["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "plans/ticket-formatter.aiplan.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 16, "startColumn": 13, "endLine": 16, "endColumn": 24},
    }
    assert base["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "baseline.prompt_engineering.status", "kind": "member"}]
    assert base["message"]["text"].startswith("approach is `fine_tuning` but the prompt-engineering baseline")
    assert "\nfix: Finish the prompt-engineering baseline" in base["message"]["text"]
    assert document["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_rule_metadata_comes_from_the_rule_docs(cli, examples_copy):
    document = json.loads(cli("lint", "--format", "sarif", ".").output)
    by_id = {r["id"]: r for r in document["runs"][0]["tool"]["driver"]["rules"]}
    ft = by_id["FT001"]
    assert ft["name"] == "fine-tuning-without-held-out"
    assert ft["shortDescription"]["text"] == "Fine-tuning is planned without a held-out evaluation set."
    assert "held_out" in ft["fullDescription"]["text"]
    assert "```yaml" in ft["help"]["markdown"] and "https://github.com/aiplan-dev/aiplan/blob/main/docs/rules.md#ft001-fine-tuning-without-held-out" in ft["help"]["markdown"]
    assert ft["helpUri"] == "https://github.com/aiplan-dev/aiplan/blob/main/docs/rules.md#ft001-fine-tuning-without-held-out"
    assert ft["defaultConfiguration"] == {"level": "error"}
    assert "ft" in ft["properties"]["tags"]
    assert by_id["PLAN001"]["properties"]["tags"] == ["aiplan", "plan", "loader"]


def test_levels_follow_configured_severity():
    run = run_of(FileResult("p.aiplan.yaml", findings=(
        finding(severity=Severity.INFO), finding(severity=Severity.WARNING, line=5))))
    document = sarif.payload(run, rules(), paths=Paths("/r", "/r"))
    validate(document)
    assert [r["level"] for r in document["runs"][0]["results"]] == ["note", "warning"]


def test_suppressed_findings_are_left_out_by_default(tmp_path):
    """GitHub code scanning ignores `suppressions`: a waived finding in the
    report would be an open alert."""
    waived = finding(justification="the baseline lives in the parent plan")
    active = finding(rule="PLAN002", name="schema-violation", line=2)
    run = run_of(FileResult("p.aiplan.yaml", findings=(active,), suppressed=(waived,)))
    document = sarif.payload(run, rules(), paths=Paths(str(tmp_path), str(tmp_path)))
    validate(document)
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["PLAN002"]
    assert all("suppressions" not in r and "baselineState" not in r for r in document["runs"][0]["results"])


def test_included_suppressed_findings_are_results_with_in_source_suppressions(tmp_path):
    (tmp_path / "p.aiplan.yaml").write_text("aiplan: 1\nname: x\napproach: rag  # aiplan: ignore BASE001\n")
    waived = finding(justification="the baseline lives in the parent plan")
    bare = finding(rule="FT001", name="fine-tuning-without-held-out", line=2, column=1, end_line=2, end_column=5)
    active = finding(rule="PLAN002", name="schema-violation", line=2)
    run = run_of(FileResult("p.aiplan.yaml", findings=(active,), suppressed=(waived, bare)))
    document = sarif.payload(run, rules(), paths=Paths(str(tmp_path), str(tmp_path)), include_suppressed=True)
    validate(document)
    check_code_scanning_contract(document)
    results = document["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["PLAN002", "FT001", "BASE001"]
    assert "suppressions" not in results[0]
    assert results[1]["suppressions"] == [{"kind": "inSource"}]
    assert results[2]["suppressions"] == [{"kind": "inSource", "justification": "the baseline lives in the parent plan"}]


def test_internal_errors_are_notifications_and_fail_the_invocation():
    run = run_of(
        FileResult("p.aiplan.yaml", errors=(InternalError("acme", "FT001", "raised KeyError: 'x'", "p.aiplan.yaml"),)),
        errors=(InternalError("broken", "", "failed to load: ImportError: no"),),
    )
    document = sarif.payload(run, rules(), paths=Paths("/r", "/r"))
    validate(document)
    [invocation] = document["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    first, second = invocation["toolExecutionNotifications"]
    assert first["message"]["text"] == "plugin 'broken' failed: failed to load: ImportError: no"
    assert second["associatedRule"]["id"] == "FT001"
    assert second["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "p.aiplan.yaml"


def test_uris_for_odd_names_outside_the_repository_and_stdin(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    paths = Paths(str(root), str(root))
    run = run_of(
        FileResult("a b/100%#?.aiplan.yaml", findings=(finding(path="a b/100%#?.aiplan.yaml"),)),
        FileResult("\udcff.aiplan.yaml", findings=(finding(path="\udcff.aiplan.yaml"),)),
        FileResult("../outside.aiplan.yaml", findings=(finding(path="../outside.aiplan.yaml"),)),
        FileResult("-", findings=(finding(path="-"),)),
    )
    document = sarif.payload(run, rules(), paths=paths)
    validate(document)
    check_code_scanning_contract(document)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in document["runs"][0]["results"]]
    by_uri = {u["uri"]: u for u in uris}
    assert by_uri["a%20b/100%25%23%3F.aiplan.yaml"]["uriBaseId"] == "%SRCROOT%"
    assert by_uri["%FF.aiplan.yaml"]["uriBaseId"] == "%SRCROOT%"
    assert "file://" + (tmp_path / "outside.aiplan.yaml").as_posix() in by_uri
    assert "stdin" in by_uri
    # the document is plain ASCII JSON whatever the paths hold
    sarif.render(run, rules(), paths=paths).encode("ascii")


def test_every_region_has_an_end(tmp_path):
    """A missing key is reported as a point at its closest parent: the region
    covers the rest of that line, or is empty at the point without the file."""
    (tmp_path / "p.aiplan.yaml").write_text("aiplan: 1\nname: \u00e9t\u00e9\n")
    run = run_of(FileResult("p.aiplan.yaml", findings=(
        finding(path="p.aiplan.yaml", line=1, column=1, end_line=1, end_column=1),
        finding(path="p.aiplan.yaml", line=2, column=7, end_line=2, end_column=7, rule="GAP001"),
        finding(path="p.aiplan.yaml", line=9, column=1, end_line=9, end_column=1, rule="FT001"))),
        FileResult("-", findings=(finding(path="-", line=2, column=3, end_line=2, end_column=3),)))
    document = sarif.payload(run, rules(), paths=Paths(str(tmp_path), str(tmp_path)))
    validate(document)
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in document["runs"][0]["results"]]
    assert regions == [
        {"startLine": 2, "startColumn": 3, "endLine": 2, "endColumn": 3},     # standard input: empty at the point
        {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 10},    # "aiplan: 1"
        {"startLine": 2, "startColumn": 7, "endLine": 2, "endColumn": 10},    # code points, not bytes
        {"startLine": 9, "startColumn": 1, "endLine": 9, "endColumn": 1},     # past the end of the file
    ]
    for item in regions:
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(item)


# -- fingerprints

PLAN = """\
aiplan: 1
name: Ticket formatter
approach: fine_tuning
baseline:
  prompt_engineering:
    status: in_progress
fine_tuning:
  purpose: behavior
"""


def _fingerprints(cli, path) -> dict:
    # PLAN triggers more rules (no gaps, no evaluation...); two are enough here.
    document = json.loads(cli("lint", "--format", "sarif", "--select", "BASE001,FT001", path).output)
    return {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]):
            r["partialFingerprints"]["primaryLocationLineHash"] for r in document["runs"][0]["results"]}


def test_fingerprints_survive_unrelated_lines_moving(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text(PLAN)
    before = _fingerprints(cli, "p.aiplan.yaml")
    assert set(before) == {("BASE001", 6), ("FT001", 7)}
    plan.write_text("# a comment\n\n" + PLAN.replace("name: Ticket formatter\n", "name: Ticket formatter\nowner: team@example.com\n"))
    after = _fingerprints(cli, "p.aiplan.yaml")
    assert set(after) == {("BASE001", 9), ("FT001", 10)}
    assert after[("BASE001", 9)] == before[("BASE001", 6)]
    assert after[("FT001", 10)] == before[("FT001", 7)]
    # re-indenting the flagged line does not matter either; changing it does
    plan.write_text(PLAN.replace("    status: in_progress", "    status:   in_progress   "))
    assert _fingerprints(cli, "p.aiplan.yaml")[("BASE001", 6)] == before[("BASE001", 6)]
    plan.write_text(PLAN.replace("in_progress", "not_started"))
    assert _fingerprints(cli, "p.aiplan.yaml")[("BASE001", 6)] != before[("BASE001", 6)]


def test_identical_flagged_lines_get_distinct_fingerprints(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "two.aiplan.yaml").write_text("aiplan: 1\nname: a\napproach: rag\n---\naiplan: 1\nname: a\napproach: rag\n")
    prints = list(_fingerprints(cli, "two.aiplan.yaml").values())
    assert len(prints) == 2 and prints[0].split(":")[0] == prints[1].split(":")[0]
    assert [p.split(":")[1] for p in prints] == ["1", "2"]


def test_standard_input_is_hashed_from_its_text_and_a_file_gone_has_no_line_hash(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = "aiplan: 1\nname: x\napproach: rag\n"
    options = ("lint", "--no-cache", "--format", "sarif", "--select", "BASE001")
    piped = json.loads(cli(*options, "-", input=text).output)
    validate(piped)
    (tmp_path / "p.aiplan.yaml").write_text(text)
    saved = json.loads(cli(*options, "p.aiplan.yaml").output)
    [from_stdin], [from_file] = piped["runs"][0]["results"], saved["runs"][0]["results"]
    assert from_stdin["partialFingerprints"]["primaryLocationLineHash"]
    assert from_stdin["partialFingerprints"] == from_file["partialFingerprints"]
    # A file gone before the report: no line to hash, but the finding's own identity is known.
    gone = sarif.payload(run_of(FileResult("gone.aiplan.yaml", findings=[finding(path="gone.aiplan.yaml",
                                                                                  fingerprint="f")])),
                         rules(), paths=Paths(str(tmp_path), str(tmp_path)))
    validate(gone)
    [result] = gone["runs"][0]["results"]
    assert list(result["partialFingerprints"]) == ["aiplanFingerprint/v1"]


METRICS_PLAN = """\
aiplan: 1
name: Ticket formatter
evaluation:
  metrics:{inserted}
    - name: latency_p95_ms   # no target
"""


def test_line_hash_names_list_items_by_identity_not_index(cli, tmp_path, monkeypatch):
    """Inserting a metric above a flagged one shifts its index, not its identity."""
    monkeypatch.chdir(tmp_path)
    plan = tmp_path / "p.aiplan.yaml"

    def sarif_result():
        document = json.loads(cli("lint", "--format", "sarif", "--select", "EVAL002", "p.aiplan.yaml").output)
        [result] = document["runs"][0]["results"]   # the metric without a target
        return result

    plan.write_text(METRICS_PLAN.format(inserted=""))
    before = sarif_result()
    plan.write_text(METRICS_PLAN.format(inserted="\n    - name: accuracy\n      target: 0.9"))
    after = sarif_result()
    assert after["locations"][0]["physicalLocation"]["region"]["startLine"] == 7
    assert after["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "evaluation.metrics[1].target"
    assert after["partialFingerprints"] == before["partialFingerprints"]


def test_partial_fingerprint_is_the_findings_own(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.aiplan.yaml").write_text(PLAN)
    findings = json.loads(cli("lint", "--format", "json", "p.aiplan.yaml").output)["findings"]
    results = json.loads(cli("lint", "--format", "sarif", "p.aiplan.yaml").output)["runs"][0]["results"]
    assert [r["partialFingerprints"]["aiplanFingerprint/v1"] for r in results] == [f["fingerprint"] for f in findings]
    assert len(findings) > 2


def test_the_schema_check_rejects_what_code_scanning_would():
    run = run_of(FileResult("p", findings=(finding(),)))
    document = sarif.payload(run, rules(), paths=Paths("/r", "/r"))
    document["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError, match="level"):
        validate(document)
    document = sarif.payload(run, rules(), paths=Paths("/r", "/r"))
    del document["runs"][0]["results"][0]["message"]
    with pytest.raises(AssertionError, match="message"):
        validate(document)


def test_baselined_findings_are_unchanged_results_suppressed_by_the_baseline(cli, tmp_path, monkeypatch):
    """Code scanning must not take a finding the baseline hides for a fixed one."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text(PLAN)
    select = ("--select", "BASE001,FT001")
    cli("lint", *select, "--write-baseline", "aiplan-baseline.json")
    # a new finding (FT003), one waived inline (FT001), one the baseline knows (BASE001)
    plan.write_text(PLAN.replace("fine_tuning:", "fine_tuning:  # aiplan: ignore[FT001] -- eval team owns it")
                    + "  dataset: {examples: 20}\n")
    result = cli("lint", *select, "--extend-select", "FT003", "--baseline", "aiplan-baseline.json",
                 "--format", "sarif", "--sarif-include-suppressed")
    document = json.loads(result.output)
    validate(document)
    check_code_scanning_contract(document)
    states = [(r["ruleId"], r["baselineState"], [s["kind"] for s in r.get("suppressions", [])])
              for r in document["runs"][0]["results"]]
    assert states == [("FT003", "new", []), ("FT001", "new", ["inSource"]), ("BASE001", "unchanged", ["external"])]
    [known] = [r for r in document["runs"][0]["results"] if r["ruleId"] == "BASE001"]
    assert known["suppressions"][0]["justification"] == "recorded in the baseline aiplan-baseline.json"
    assert known["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    # without --baseline there is no baseline state at all
    plain = json.loads(cli("lint", *select, "--format", "sarif", "--sarif-include-suppressed").output)
    assert all("baselineState" not in r for r in plain["runs"][0]["results"])
    # by default, what code scanning would turn into open alerts is left out: only the new finding
    default = json.loads(cli("lint", *select, "--extend-select", "FT003", "--baseline", "aiplan-baseline.json",
                             "--format", "sarif").output)
    assert [(r["ruleId"], "suppressions" in r, "baselineState" in r)
            for r in default["runs"][0]["results"]] == [("FT003", False, False)]


def test_evidence_findings_carry_the_data_lines_as_related_locations(cli, examples_copy):
    document = json.loads(cli("lint", "--format", "sarif", "reply-drafter.aiplan.yaml").output)
    validate(document)
    [leak] = [r for r in document["runs"][0]["results"] if r["ruleId"] == "EVID002"]
    related = [(item["physicalLocation"]["artifactLocation"]["uri"], item["physicalLocation"]["region"]["startLine"])
               for item in leak["relatedLocations"]]
    # Each pair: the held-out record, then the same record in the training data; paths from the repository root.
    assert related == [("plans/data/drafts/held_out.jsonl", 11), ("plans/data/drafts/train.jsonl", 13),
                       ("plans/data/drafts/held_out.jsonl", 21), ("plans/data/drafts/train.jsonl", 100)]
    assert [item["id"] for item in leak["relatedLocations"]] == [0, 1, 2, 3]
    assert "plans/data/drafts/held_out.jsonl:11" not in leak["message"]["text"]  # the message names them as the plan does
    assert "data/drafts/held_out.jsonl:11 = data/drafts/train.jsonl:13" in leak["message"]["text"]
