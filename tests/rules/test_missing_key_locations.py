"""Over the whole catalogue: a finding about a missing key lands on its closest existing
parent's key line (``fine_tuning:``), as :meth:`Plan.locate` resolves it, never inside that
parent's block (the first child's line, where a waiver on the parent key would not reach it).

A rule that names the parent itself (``path=("fine_tuning",)`` when ``base_model`` is absent)
is located at the parent's *value*, a block mapping starting on its first child's line: FT010
and BASE006 did that. The check runs every rule over the rule fixtures, the review plans, the
examples and every rule's documented examples.
"""

import pathlib
import re

import pytest

from aiplan.core.rule import split_doc
from aiplan.parse.loader import load_text
from aiplan.rules import builtin_rules
from aiplan.testing import codes, lint_yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
YAML_BLOCK = re.compile(r"```yaml\n(.*?)```", re.DOTALL)


def _plans():
    for path in sorted((ROOT / "tests" / "fixtures" / "rules").rglob("*.yaml")):
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "tests" / "fixtures" / "plans").rglob("*.aiplan.yaml")):
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "examples").glob("*.aiplan.yaml")):
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    for rule in builtin_rules():
        for number, block in enumerate(YAML_BLOCK.findall(split_doc(rule.check.__doc__ or "").get("Bad", ""))):
            yield f"{rule.id} Bad #{number + 1}", block


def _node(data, path):
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _linted(text):
    """``(plan, findings)`` of a plan that loads without problems and lints, else ``None``."""
    loaded = load_text(text, "plan.aiplan.yaml")
    if not loaded.documents or loaded.problems:
        return None
    try:
        return loaded.documents[0], lint_yaml(text, dedent=False)
    except AssertionError:
        return None


def _first_document_findings(text):
    """``(plan, finding, path)`` for each finding on the first document of a plan that lints."""
    linted = _linted(text)
    if linted is None:
        return
    plan, findings = linted
    for finding in findings:
        if finding.document == 0:
            yield plan, finding, tuple(finding.yaml_path)


def _misplaced(text):
    wrong = []
    for plan, finding, path in _first_document_findings(text):
        node = _node(plan.data, path)
        # A block mapping's key line is where a reviewer looks (and where a waiver goes).
        if isinstance(node, dict) and node and path in plan.key_spans \
                and finding.line != plan.key_spans[path].line:
            wrong.append((finding.rule, path, finding.line, plan.key_spans[path].line))
    return wrong


@pytest.mark.parametrize("name,text", list(_plans()), ids=lambda value: value if "\n" not in str(value) else "")
def test_a_missing_key_is_reported_at_its_parents_key(name, text):
    assert _misplaced(text) == []


def test_ft010_without_base_model_is_at_the_fine_tuning_key_and_waivable():
    plan = """\
        aiplan: 1
        name: Ticket triage
        approach: fine_tuning
        fine_tuning:{waiver}
          purpose: behavior  # behavior, latency, cost
          dataset:
            examples: 2000
        """
    assert ("FT010", 4, 1) in codes(lint_yaml(plan.format(waiver=""), select=["FT010"]))
    waived = lint_yaml(plan.format(waiver="  # aiplan: ignore[FT010] -- chosen after the bake-off"),
                       select=["FT010", "PLAN006"])
    assert [f.rule for f in waived] == []


def test_ft010_with_a_placeholder_base_model_stays_on_the_placeholder():
    plan = """\
        aiplan: 1
        name: Ticket triage
        approach: fine_tuning
        fine_tuning:
          purpose: behavior
          base_model: TBD
        """
    assert codes(lint_yaml(plan, select=["FT010"])) == [("FT010", 6, 15)]


def test_base006_without_model_is_at_the_prompt_engineering_key():
    plan = """\
        aiplan: 1
        name: Ticket triage
        approach: prompt_engineering
        baseline:
          prompt_engineering:
            status: done
            techniques: [system_prompt]
        """
    assert ("BASE006", 5, 3) in codes(lint_yaml(plan, select=["BASE006"]))


def _keyed_placeholders(text):
    """``(rule, path)`` of every finding about a placeholder (`description: TBD`) that points at the
    key rather than at the placeholder, the one convention for a placeholder (GAP002's)."""
    from aiplan.core.placeholders import is_placeholder

    wrong = []
    for plan, finding, path in _first_document_findings(text):
        if path not in plan.value_spans or not is_placeholder(_node(plan.data, path)):
            continue
        span = plan.value_spans[path]
        if (finding.line, finding.column) != (span.line, span.column):
            wrong.append((finding.rule, path, (finding.line, finding.column), (span.line, span.column)))
    return wrong


def test_a_placeholder_is_reported_at_the_placeholder_not_its_key():
    wrong = [(name, *problem) for name, text in _plans() for problem in _keyed_placeholders(text)]
    assert wrong == []


def test_ft007_with_a_placeholder_description_is_at_the_placeholder():
    plan = """\
        aiplan: 1
        name: Ticket triage
        approach: fine_tuning
        fine_tuning:
          purpose: behavior
          task:
            description: TBD
        """
    assert codes(lint_yaml(plan, select=["FT007"])) == [("FT007", 7, 18)]
