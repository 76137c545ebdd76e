"""Exact output of the github and sarif reporters in the branches the mutation run of
issue 13 found unpinned: findings without a fix hint, the paths a caller passes, more than
one kind of annotation over GitHub's limit, and the descriptor of a rule the run does not know."""

import dataclasses

import pytest

from aiplan import __version__
from aiplan.core.findings import FileResult, InternalError, RelatedLocation, Severity
from aiplan.core.rule import rule
from aiplan.docs import render_rule_markdown
from aiplan.run.baseline import BaselineOutcome
from aiplan.reporters import github, sarif
from aiplan.reporters.sources import Paths

from ci_support import finding, rules, run_of

PATHS = Paths("/work/sub", "/work")


def test_an_annotation_without_a_fix_hint_is_the_message_alone():
    assert github.annotation(finding(fix=""), "plan.aiplan.yaml") == (
        "::error title=BASE001 missing-prompt-baseline,file=plan.aiplan.yaml,line=3,endLine=3,col=11,endColumn=14"
        "::approach is `rag` but the plan has no `baseline.prompt_engineering`")


def test_render_places_files_by_the_paths_it_is_given():
    run = run_of(FileResult("plans/p.aiplan.yaml", findings=(finding(path="plans/p.aiplan.yaml", severity=Severity.INFO),)))
    assert github.render(run, rules(), paths=PATHS) == (
        "::notice title=BASE001 missing-prompt-baseline,file=sub/plans/p.aiplan.yaml,line=3,endLine=3,col=11,"
        "endColumn=14::approach is `rag` but the plan has no `baseline.prompt_engineering`"
        "%0Afix: Add `baseline.prompt_engineering` with `status: done`.\n")


def test_each_kind_over_the_limit_gets_its_own_line():
    over = github.ANNOTATION_LIMIT + 1
    findings = [finding(line=i, severity=severity) for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
                for i in range(1, over + 1)]
    findings += [finding(line=i, severity=Severity.INFO) for i in range(over + 1, over + 3)]
    run = run_of(FileResult("p.aiplan.yaml", findings=tuple(findings)))
    assert github.overflow_note(run) == (
        f"GitHub shows the first 10 error annotations of a step; all {over} error findings are listed in the log above.\n"
        f"GitHub shows the first 10 warning annotations of a step; all {over} warning findings are listed in the log above.\n"
        f"GitHub shows the first 10 notice annotations of a step; all {over + 2} info findings are listed in the log above.\n")


def test_a_rule_the_run_does_not_know_is_described_by_the_finding():
    named = finding(rule="ZZZ001", name="mystery", severity=Severity.WARNING)
    nameless = finding(rule="ZZZ002", name="", severity=Severity.INFO)
    run = run_of(FileResult("p", findings=(named, nameless)))
    descriptors = {d["id"]: d for d in sarif.payload(run, {}, paths=PATHS)["runs"][0]["tool"]["driver"]["rules"]}
    assert descriptors == {
        "ZZZ001": {"id": "ZZZ001", "name": "mystery", "shortDescription": {"text": "mystery"},
                   "fullDescription": {"text": "mystery"}, "help": {"text": "ZZZ001", "markdown": "ZZZ001"},
                   "defaultConfiguration": {"level": "warning"}, "properties": {"tags": ["aiplan"]}},
        "ZZZ002": {"id": "ZZZ002", "name": "ZZZ002", "shortDescription": {"text": "ZZZ002"},
                   "fullDescription": {"text": "ZZZ002"}, "help": {"text": "ZZZ002", "markdown": "ZZZ002"},
                   "defaultConfiguration": {"level": "note"}, "properties": {"tags": ["aiplan"]}},
    }


def test_values_become_command_text_as_the_toolkits_to_command_value_makes_them():
    # toCommandValue: null/undefined as "", booleans and numbers as JSON, strings as they are.
    assert [github.escape_data(value) for value in (None, True, False, 0, 12, "12", "")] == [
        "", "true", "false", "0", "12", "12", ""]
    assert [github.escape_property(value) for value in (None, True, False, 7)] == ["", "true", "false", "7"]


def test_sarif_is_written_indented_in_ascii_without_what_was_waived():
    waived = finding(line=5, end_line=5, message="qqwaivedqq", justification="qqknownqq")
    counted = finding(path="plans/p.aiplan.yaml", message="counted caf\u00e9 \U0001f600")
    run = run_of(FileResult("plans/p.aiplan.yaml", findings=(counted,), suppressed=(waived,)))
    text = sarif.render(run, rules(), paths=PATHS)
    assert text.startswith('{\n  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",\n'
                           '  "version": "2.1.0",\n  "runs": [\n    {\n      "tool": {\n')
    assert text.endswith("\n}\n") and text.isascii()
    assert '"text": "counted caf\\u00e9 \\ud83d\\ude00\\nfix: ' in text
    assert '"uri": "sub/plans/p.aiplan.yaml"' in text
    assert "qqwaivedqq" not in text and "qqknownqq" not in text


def test_a_region_spanning_lines_keeps_its_end_column():
    spanning = finding(line=2, column=5, end_line=4, end_column=1)
    assert sarif.region(spanning) == {"startLine": 2, "startColumn": 5, "endLine": 4, "endColumn": 1}
    assert sarif.region(finding(line=2, column=5, end_line=4, end_column=0))["endColumn"] == 1


def test_the_console_note_counts_waived_findings_only_when_the_report_holds_them():
    run = run_of(FileResult("p", findings=(finding(),), suppressed=(finding(line=5, end_line=5),)))
    assert sarif.overflow(run, limit=1) is None
    assert sarif.overflow(run, include_suppressed=True, limit=1) == (
        "SARIF report capped: 1 of 2 results left out, because GitHub code scanning rejects a run with more than "
        "25,000 results; kept the 1 most severe. The text or JSON report lists every finding.")
    assert sarif.overflow(run, include_suppressed=True) is None


# --------------------------------------------------------------------------
# One SARIF run with every optional field, pinned whole


def _every_field_run(tmp_path):
    (tmp_path / "p.aiplan.yaml").write_text("aiplan: 1\nname: x\napproach: rag\n")
    full = finding(path="p.aiplan.yaml", fingerprint="fp-full", document=1,
                   related=(RelatedLocation("data/a.jsonl", 4, "the line"), RelatedLocation("data/b.jsonl", 0)))
    bare = finding(rule="ZZZ001", name="", severity=Severity.INFO, path="p.aiplan.yaml", line=1, column=1,
                   end_line=1, end_column=1, fix="", yaml_path=(), url="", message="bare")
    waived = finding(path="p.aiplan.yaml", line=2, column=1, end_line=2, end_column=5, fix="", url="",
                     justification="on purpose", message="waived")
    unexplained = dataclasses.replace(waived, justification="", message="waived without a reason", column=2)
    known = finding(rule="GAP001", name="missing-gaps", severity=Severity.WARNING, path="p.aiplan.yaml", line=2,
                    column=1, end_line=2, end_column=5, fix="", url="", yaml_path=(), message="known")
    files = FileResult("p.aiplan.yaml", findings=(full, bare), suppressed=(waived, unexplained),
                       errors=(InternalError("acme", "FT001", "boom", "p.aiplan.yaml"),))
    run = run_of(files, errors=(InternalError("broken", "", "failed to load"),))
    return dataclasses.replace(run, baseline=BaselineOutcome("aiplan-baseline.json", 1, (), (known,)))


def _location(region, uri="p.aiplan.yaml", yaml_path="approach"):
    location = {"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}, "region": region}}
    if yaml_path:
        location["logicalLocations"] = [{"fullyQualifiedName": yaml_path, "kind": "member"}]
    return location


BASE001_URL = "https://github.com/aiplan-dev/aiplan/blob/main/docs/rules.md#base001-missing-prompt-baseline"


def test_a_sarif_run_with_every_optional_field(tmp_path):
    paths = Paths(str(tmp_path), str(tmp_path))
    catalogue = rules()
    document = sarif.payload(_every_field_run(tmp_path), catalogue, paths=paths, include_suppressed=True, environ={})
    assert list(document) == ["$schema", "version", "runs"]
    assert (document["$schema"], document["version"]) == ("https://json.schemastore.org/sarif-2.1.0.json", "2.1.0")
    [run] = document["runs"]
    driver = run["tool"]["driver"]
    ids = [descriptor["id"] for descriptor in driver["rules"]]
    assert ids == sorted([*catalogue, "ZZZ001"])
    index = {rule_id: position for position, rule_id in enumerate(ids)}
    assert {key: driver[key] for key in ("name", "fullName", "version", "semanticVersion")} == {
        "name": "aiplan", "fullName": f"aiplan {__version__} (policy-as-code linter for AI project plans)",
        "version": __version__, "semanticVersion": __version__}
    assert run["automationDetails"] == {"id": "aiplan/"} and run["columnKind"] == "unicodeCodePoints"
    assert "properties" not in run
    assert run["invocations"] == [{"executionSuccessful": False, "toolExecutionNotifications": [
        {"level": "error", "message": {"text": "plugin 'broken' failed: failed to load"}},
        {"level": "error", "message": {"text": "plugin 'acme' rule FT001 failed on p.aiplan.yaml: boom"},
         "associatedRule": {"id": "FT001", "index": index["FT001"]},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "p.aiplan.yaml", "uriBaseId": "%SRCROOT%"}}}]},
    ]}]
    results = run["results"]
    for result in results:  # GitHub's line hashes are pinned in test_reporter_sarif.py; here only their place
        assert result["partialFingerprints"].pop("primaryLocationLineHash").endswith(":1")
    hint = "\nfix: Add `baseline.prompt_engineering` with `status: done`."
    assert results == [
        {"ruleId": "ZZZ001", "ruleIndex": index["ZZZ001"], "level": "note", "message": {"text": "bare"},
         "locations": [_location({"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 10}, yaml_path="")],
         "partialFingerprints": {}, "baselineState": "new", "properties": {"document": 0}},
        {"ruleId": "BASE001", "ruleIndex": index["BASE001"], "level": "error",
         "message": {"text": "approach is `rag` but the plan has no `baseline.prompt_engineering`" + hint},
         "locations": [_location({"startLine": 3, "startColumn": 11, "endLine": 3, "endColumn": 14})],
         "relatedLocations": [
             {"id": 0, "physicalLocation": {"artifactLocation": {"uri": "data/a.jsonl", "uriBaseId": "%SRCROOT%"},
                                            "region": {"startLine": 4}}, "message": {"text": "the line"}},
             {"id": 1, "physicalLocation": {"artifactLocation": {"uri": "data/b.jsonl", "uriBaseId": "%SRCROOT%"},
                                            "region": {"startLine": 1}}}],
         "partialFingerprints": {"aiplanFingerprint/v1": "fp-full"}, "baselineState": "new",
         "properties": {"document": 1, "url": BASE001_URL}},
        {"ruleId": "BASE001", "ruleIndex": index["BASE001"], "level": "error", "message": {"text": "waived"},
         "locations": [_location({"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 5})],
         "partialFingerprints": {}, "suppressions": [{"kind": "inSource", "justification": "on purpose"}],
         "baselineState": "new", "properties": {"document": 0}},
        {"ruleId": "BASE001", "ruleIndex": index["BASE001"], "level": "error",
         "message": {"text": "waived without a reason"},
         "locations": [_location({"startLine": 2, "startColumn": 2, "endLine": 2, "endColumn": 5})],
         "partialFingerprints": {}, "suppressions": [{"kind": "inSource"}],
         "baselineState": "new", "properties": {"document": 0}},
        {"ruleId": "GAP001", "ruleIndex": index["GAP001"], "level": "warning", "message": {"text": "known"},
         "locations": [_location({"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 5}, yaml_path="")],
         "partialFingerprints": {},
         "suppressions": [{"kind": "external", "justification": "recorded in the baseline aiplan-baseline.json"}],
         "baselineState": "unchanged", "properties": {"document": 0}},
    ]


def test_without_waived_findings_a_sarif_run_has_no_baseline_states_or_suppressions(tmp_path):
    run = _every_field_run(tmp_path)
    results = sarif.payload(run, rules(), paths=Paths(str(tmp_path), str(tmp_path)), environ={})["runs"][0]["results"]
    assert [(r["ruleId"], r["message"]["text"][:4]) for r in results] == [("ZZZ001", "bare"), ("BASE001", "appr")]
    assert not any("suppressions" in r or "baselineState" in r for r in results)


def test_a_rule_without_a_docstring_is_described_by_its_name():
    @rule("ACME009", "quiet-rule", Severity.WARNING)
    def quiet(plan, options):
        yield from ()

    descriptor = sarif._rule_descriptor(quiet)
    assert descriptor["shortDescription"] == descriptor["fullDescription"] == {"text": "quiet rule"}


def test_a_rule_descriptor_links_its_documentation_only_when_the_rule_has_a_page():
    @rule("ACME010", "linked-rule", Severity.WARNING, url="https://example.org/acme010")
    def linked(plan, options):
        """Linked."""
        yield from ()

    @rule("ACME011", "unlinked-rule", Severity.WARNING, url="")
    def unlinked(plan, options):
        """Unlinked."""
        yield from ()

    with_page, without_page = sarif._rule_descriptor(linked), sarif._rule_descriptor(unlinked)
    assert with_page["help"]["markdown"] == (
        render_rule_markdown(linked) + "\n[Documentation](https://example.org/acme010)\n")
    assert with_page["helpUri"] == "https://example.org/acme010"
    assert without_page["help"]["markdown"] == render_rule_markdown(unlinked)
    assert "helpUri" not in without_page


@pytest.mark.parametrize("entries, page", [
    (["Homepage, https://h.example", "Documentation, https://d.example", "Repository, https://r.example"],
     "https://r.example"),
    (["Documentation, https://d.example", "Source, https://s.example", "Homepage, https://h.example"],
     "https://s.example"),
    (["Documentation, https://d.example", "HomePage, https://h.example"], "https://h.example"),
    (["Changelog, https://c.example", "DOCUMENTATION, https://d.example"], "https://d.example"),
    (["Changelog, https://c.example", "Issues, https://i.example"], "https://c.example"),
    (["Repository, https://r.example/a,b"], "https://r.example/a,b"),    # a comma inside the URL
    (["Repository, http://r.example", "Issues, https://i.example"], "https://i.example"),
    (["Repository"], None),
    ([], None),
])
def test_the_information_uri_is_the_projects_preferred_https_page(entries, page):
    assert sarif.project_page(entries) == page


def test_a_capped_report_keeps_what_counts_before_what_was_waived_even_with_a_baseline(tmp_path):
    # With --baseline every result has a baselineState; the cap ranks by suppression, not by that.
    counted = finding(severity=Severity.WARNING, message="counted warning")
    waived = finding(line=5, end_line=5, message="waived error", justification="known")
    run = dataclasses.replace(run_of(FileResult("plan.aiplan.yaml", findings=(counted,), suppressed=(waived,))),
                              baseline=BaselineOutcome("aiplan-baseline.json", 0, (), ()))
    document = sarif.payload(run, rules(), paths=Paths(str(tmp_path), str(tmp_path)), include_suppressed=True,
                             limit=1, environ={})
    [result] = document["runs"][0]["results"]
    assert (result["message"]["text"].split("\n")[0], result["baselineState"]) == ("counted warning", "new")
    assert document["runs"][0]["properties"] == {"resultsCapped": {"total": 2, "kept": 1}}
