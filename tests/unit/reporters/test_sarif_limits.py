"""The SARIF run at its edges (surviving mutants of issue 13): GitHub's limit on the
number of rules a run describes, and the region of a point finding on the first
and last lines of a file or at no line at all."""

from aiplan.core.findings import FileResult, Severity
from aiplan.reporters import sarif
from aiplan.reporters.sources import Paths

from ci_support import finding, rules, run_of


def _driver_rules_and_indexes(document):
    [run] = document["runs"]
    ids = [descriptor["id"] for descriptor in run["tool"]["driver"]["rules"]]
    return ids, [(result["ruleId"], result.get("ruleIndex")) for result in run["results"]]


def test_a_run_describes_every_rule_up_to_githubs_limit(monkeypatch):
    catalogue = rules()
    monkeypatch.setattr(sarif, "MAX_RULES", len(catalogue))
    run = run_of(FileResult("p.aiplan.yaml", findings=(finding(path="p.aiplan.yaml"),)))
    ids, results = _driver_rules_and_indexes(sarif.payload(run, catalogue, paths=Paths("/r", "/r"), environ={}))
    assert ids == sorted(catalogue)
    assert results == [("BASE001", ids.index("BASE001"))]


def test_over_githubs_rule_limit_a_run_describes_the_rules_its_results_use(monkeypatch):
    # GitHub rejects a run describing more than 25,000 rules: keep the ones results refer to.
    monkeypatch.setattr(sarif, "MAX_RULES", 2)
    run = run_of(FileResult("p.aiplan.yaml", findings=(
        finding(path="p.aiplan.yaml", rule="GAP001", name="missing-gaps", severity=Severity.WARNING),
        finding(path="p.aiplan.yaml", line=5, end_line=5))))
    ids, results = _driver_rules_and_indexes(sarif.payload(run, rules(), paths=Paths("/r", "/r"), environ={}))
    assert ids == ["BASE001", "GAP001"]
    assert results == [("GAP001", 1), ("BASE001", 0)]


def test_over_the_rule_limit_even_with_the_rules_used_a_result_may_go_without_an_index(monkeypatch):
    monkeypatch.setattr(sarif, "MAX_RULES", 1)
    run = run_of(FileResult("p.aiplan.yaml", findings=(
        finding(path="p.aiplan.yaml", rule="GAP001", name="missing-gaps"), finding(path="p.aiplan.yaml", line=5))))
    ids, results = _driver_rules_and_indexes(sarif.payload(run, rules(), paths=Paths("/r", "/r"), environ={}))
    assert ids == ["BASE001"]
    assert results == [("GAP001", None), ("BASE001", 0)]


def _regions(tmp_path, text, *points):
    (tmp_path / "p.aiplan.yaml").write_text(text, encoding="utf-8")
    run = run_of(FileResult("p.aiplan.yaml", findings=tuple(
        finding(path="p.aiplan.yaml", line=line, column=column, end_line=line, end_column=column)
        for line, column in points)))
    document = sarif.payload(run, rules(), paths=Paths(str(tmp_path), str(tmp_path)), environ={})
    return [result["locations"][0]["physicalLocation"]["region"] for result in document["runs"][0]["results"]]


def test_a_point_on_the_last_line_of_a_file_without_a_final_line_break_covers_the_rest_of_it(tmp_path):
    assert _regions(tmp_path, "aiplan: 1\nname: x", (2, 1)) == [
        {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 8}]


def test_a_point_at_no_line_is_an_empty_region_at_the_start_not_the_last_lines_length(tmp_path):
    # Line 0 is no line: not the last line, as a negative index would read it.
    assert _regions(tmp_path, "aiplan: 1\nname: a longer last line", (0, 0)) == [
        {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}]


AZURE = {"TF_BUILD": "True", "SYSTEM_DEFINITIONID": "12", "BUILD_DEFINITIONNAME": "plans-ci",
         "SYSTEM_PHASEID": "3f1c2a4e", "SYSTEM_PHASENAME": "Lint"}


def test_a_pipeline_variable_missing_from_the_environment_leaves_the_plain_category():
    # GHAzDO needs all four pipeline variables: one absent is as unusable as one empty.
    for variable in ("SYSTEM_DEFINITIONID", "BUILD_DEFINITIONNAME", "SYSTEM_PHASEID", "SYSTEM_PHASENAME"):
        environ = {key: value for key, value in AZURE.items() if key != variable}
        assert sarif.automation_details(environ) == {"id": "aiplan/"}


def test_the_run_names_the_pipeline_of_the_environment_it_is_given(monkeypatch):
    for variable in AZURE:
        monkeypatch.delenv(variable, raising=False)
    run = run_of(FileResult("p.aiplan.yaml"))
    details = sarif.payload(run, rules(), paths=Paths("/r", "/r"), environ=AZURE)["runs"][0]["automationDetails"]
    assert details == {"id": "azuredevops/pipeline/build/plans-ci/aiplan/", "properties": {
        "azuredevops/pipeline/build/buildDefinitionId": "12",
        "azuredevops/pipeline/build/buildDefinitionName": "plans-ci",
        "azuredevops/pipeline/build/phaseId": "3f1c2a4e",
        "azuredevops/pipeline/build/phaseName": "Lint"}}
