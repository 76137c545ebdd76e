"""`aiplan report`: the decision model and its Markdown and HTML renderings."""

import html.parser
import json
import re

import pytest

from aiplan.core.findings import FileResult
from aiplan.parse.loader import load_text
from aiplan.reporters import decision, report_html, report_markdown

from conftest import EXAMPLES, copy_clean_plan


def decide(text: str, findings=()):
    loaded = load_text(text)
    return decision.decide(FileResult("p.aiplan.yaml", findings=tuple(findings), documents=len(loaded.documents)),
                           loaded.documents)


PLAN = """\
aiplan: 1
name: Support copilot
status: proposed
gaps:
  knowledge: {present: true, evidence: The model does not know our refund policy.}
  behavior: {present: false}
  accuracy: {present: false}
baseline:
  prompt_engineering:
    status: done
    results:
      - {metric: answer_accuracy, value: 0.71, eval_set: evals/a.jsonl}
approach: rag
evaluation:
  metrics:
    - {name: answer_accuracy, target: 0.9}
  eval_sets:
    - {path: evals/a.jsonl, size: 800}
"""


@pytest.mark.parametrize("gaps, pointed", [
    ({"knowledge": True, "behavior": False}, "rag"),
    ({"knowledge": False, "behavior": True}, "fine_tuning"),
    ({"knowledge": True, "behavior": True}, "hybrid"),
    ({"knowledge": False, "behavior": False}, "prompt_engineering"),
    ({}, None),
])
def test_the_framework_points_to_an_approach_for_the_gaps(gaps, pointed):
    stated = "".join(f"  {name}: {{present: {str(value).lower()}}}\n" for name, value in gaps.items())
    text = "aiplan: 1\nname: x\napproach: rag\n" + (f"gaps:\n{stated}" if stated else "")
    [plan] = decide(text)
    assert plan.pointer.approach == pointed
    assert plan.agrees == (None if pointed is None else pointed == "rag")


def test_an_accuracy_gap_asks_for_evaluation_first():
    [plan] = decide("aiplan: 1\nname: x\napproach: prompt_engineering\ngaps:\n  knowledge: {present: false}\n"
                    "  behavior: {present: false}\n  accuracy: {present: true, evidence: 6% wrong amounts}\n")
    assert plan.pointer.approach == "prompt_engineering" and plan.pointer.needs_evaluation
    assert "evaluation infrastructure" in plan.pointer.reason


def test_baseline_target_and_whether_the_set_resolves_the_change():
    [plan] = decide(PLAN)
    [metric] = plan.metrics
    assert (metric.name, metric.baseline, metric.target, metric.met) == ("answer_accuracy", 0.71, 0.9, False)
    assert metric.set_size == 800 and metric.needed is not None and metric.resolves is True
    assert plan.evaluation.startswith("Yes")


def test_a_small_set_cannot_resolve_the_change():
    [plan] = decide(PLAN.replace("value: 0.71", "value: 0.86").replace("size: 800", "size: 100"))
    [metric] = plan.metrics
    assert metric.resolves is False and metric.needed > 100 and metric.resolvable is not None
    assert plan.evaluation.startswith("No")


def test_without_evaluation_the_change_cannot_be_shown():
    [plan] = decide(PLAN.split("evaluation:")[0])
    assert plan.evaluation.startswith("No: the plan has no `evaluation`")


def test_findings_are_grouped_by_section(cli, tmp_path):
    plan = copy_clean_plan(tmp_path)
    result = cli("report", EXAMPLES / "ticket-formatter.aiplan.yaml")
    assert result.exit_code == 0
    assert "#### `baseline` (1)" in result.output and "#### `fine_tuning` (1)" in result.output
    clean = cli("report", plan)
    assert "No findings." in clean.output and "| " not in clean.output.split("## ")[1].split("\n")[0]


def test_a_portfolio_table_comes_first_for_many_plans(cli):
    result = cli("report", EXAMPLES)
    assert result.exit_code == 0
    first_plan = result.output.index("\n## ")
    table = result.output[:first_plan]
    assert "| plan | file | approach | framework points to | status | errors | warnings |" in table
    assert table.count("\n| `") == len(list(EXAMPLES.glob("*.aiplan.yaml")))
    [row] = [line for line in table.splitlines() if line.startswith("| `Support copilot` |")]
    assert row.endswith("support-copilot.aiplan.yaml` | `hybrid` | `hybrid` (agrees) | `proposed` | 0 | 0 |")


def test_the_report_has_the_findings_lint_has_evidence_included(cli):
    """The evidence rules read the data files a plan names, as in `aiplan lint`:
    a contaminated held-out set is never reported as "No findings"."""
    plan = EXAMPLES / "reply-drafter.aiplan.yaml"
    linted = json.loads(cli("lint", "--format", "json", plan).output)
    rules = sorted({f["rule"] for f in linted["findings"]})
    assert "EVID002" in rules
    report = cli("report", plan).output
    assert "No findings." not in report
    assert all(rule in report for rule in rules)


def test_a_report_over_no_plan_is_a_usage_error_as_in_lint(cli, tmp_path):
    (tmp_path / "support.yaml").write_text("aiplan: 1\nname: Support\n")
    result = cli("report", tmp_path)
    assert result.exit_code == cli("lint", tmp_path).exit_code == 2
    assert result.stdout == "" and "No plan files found" in result.stderr
    assert "name it support.aiplan.yaml" in result.stderr


def test_one_plan_has_no_portfolio(cli):
    result = cli("report", EXAMPLES / "support-copilot.aiplan.yaml")
    assert "| plan | file |" not in result.output and "**Decision:** chosen `hybrid`" in result.output


@pytest.mark.parametrize("text, rule", [("aiplan: 1\nname: [unclosed\n", "PLAN001"), ("- a\n- list\n", "PLAN003")])
def test_an_unreadable_plan_is_reported_with_its_finding(cli, tmp_path, text, rule):
    broken = tmp_path / "broken.aiplan.yaml"
    broken.write_text(text)
    result = cli("report", broken)
    assert result.exit_code == 0 and rule in result.output and "holds no plan" in result.output


HOSTILE = ("<script>document.title='pwned'</script><img src=x onerror=alert(1)> [link](javascript:alert(1)) "
           "https://evil.example/ ##[error]x ##vso[task.complete]y | `tick` ::warning::z " + "W" * 5000)


def hostile_plan(tmp_path):
    text = PLAN.replace("name: Support copilot", f"name: {json.dumps(HOSTILE)}").replace(
        "The model does not know our refund policy.", json.dumps("\u202e<b>bold</b>\n::error::x " + "v" * 3000))
    plan = tmp_path / "evil.aiplan.yaml"
    plan.write_text(text + f"owner: {json.dumps('</code></td><td>')}\n")
    return plan


def test_markdown_keeps_plan_content_inert(cli, tmp_path):
    result = cli("report", hostile_plan(tmp_path))
    output = result.output
    for line in output.splitlines():
        assert not line.lstrip().startswith("::") and "##[" not in line and "##vso[" not in line.lower()
    # plan text only ever inside code spans: no tag, link or URL outside one
    outside = re.sub(r"(`+)(?:(?!\1).)*?\1", "", output)
    assert "<script" not in outside and "javascript:" not in outside and "https://" not in outside


class Collector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]


def test_html_is_self_contained_and_escapes_everything(cli, tmp_path):
    result = cli("report", "--format", "html", hostile_plan(tmp_path), EXAMPLES / "support-copilot.aiplan.yaml")
    page = result.output
    assert page.startswith("<!DOCTYPE html>")
    collector = Collector()
    collector.feed(page)
    assert "script" not in collector.tags and "img" not in collector.tags and "iframe" not in collector.tags
    assert not [a for a in collector.attributes if a[1].startswith("on")]
    links = [value for tag, name, value in collector.attributes if name in ("href", "src")]
    assert all(link.startswith("#plan-") for link in links)   # only in-page anchors: nothing external
    [csp] = [value for tag, name, value in collector.attributes if value and "default-src 'none'" in value]
    assert "script-src" not in csp
    assert "&lt;script&gt;document.title=" in page and "\\u202e" in page
    assert collector.tags.count("svg") == 2   # one chart per metric with a baseline and a target
    for line in page.splitlines():
        assert not line.lstrip().startswith("::") and "##[" not in line and "##vso[" not in line.lower()


def test_report_writes_an_output_file(cli, tmp_path):
    target = tmp_path / "report.html"
    result = cli("report", "--format", "html", "--output-file", target, EXAMPLES / "support-copilot.aiplan.yaml")
    assert result.exit_code == 0 and result.output == ""
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_renderers_accept_no_plans():
    assert "0 plans in 0 files" in report_markdown.render([])
    assert "0 plans in 0 files" in report_html.render([])


def test_markdown_stops_within_the_step_summary_limit_at_a_whole_finding():
    from aiplan.core.findings import Finding, Severity

    findings = [Finding("BASE001", "unfinished-baseline", Severity.ERROR, f"finding {i} " + "m" * 1000, "f",
                        "p.aiplan.yaml", i + 1, 1, i + 1, 2, yaml_path=("baseline",)) for i in range(800)]
    decisions = decide(PLAN, findings) * 2   # two plans, 1,600 findings of about 1 KB
    text = report_markdown.render(decisions)
    assert report_markdown.MAX_BYTES == 768 * 1024  # 1 MiB less what `aiplan lint` may write there
    assert len(text.encode("utf-8")) <= report_markdown.MAX_BYTES
    body, note = text.rsplit("\n\n", 1)
    shown = [line for line in body.splitlines() if line.startswith("- \N{CROSS MARK} **BASE001**")]
    assert 700 < len(shown) < 800 and all(line.endswith("` fix: `f`") for line in shown)  # whole lines only
    assert note == (f"_Report cut at 768 KiB (GitHub limits a step summary to 1 MiB): {1600 - len(shown)} findings "
                    "and 1 plan not shown. `aiplan lint` lists every finding._\n")
    whole = report_markdown.render(decisions, max_bytes=10 * 1024 * 1024)
    assert "Report cut" not in whole and whole.count("**BASE001**") == 1600
    assert report_markdown.render(decisions[:1], max_bytes=2000).endswith(
        "800 findings not shown. `aiplan lint` lists every finding._\n")


@pytest.mark.parametrize("written, agrees", [("RAG", True), ("rag", True), ("Fine Tuning", False)])
def test_the_chosen_approach_is_compared_normalised_and_shown_as_written(written, agrees):
    [plan] = decide(PLAN.replace("approach: rag", f"approach: {written}"))
    assert plan.approach == written and plan.agrees is agrees
    shown = report_markdown.render([plan])
    assert f"chosen `{written}`" in shown and ("**agrees**" in shown) is agrees
