"""Hints you can paste: every YAML snippet a fix hint shows parses as YAML, and a
hint for a wrong type shows the keys the mapping needs."""

import pathlib
import re

import pytest
from ruamel.yaml import YAML

from aiplan.core.rule import split_doc
from aiplan.rules import builtin_rules
from aiplan.testing import lint_yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SNIPPET = re.compile(r"`([^`]+)`")
YAML_BLOCK = re.compile(r"```yaml\n(.*?)```", re.DOTALL)


def _plans() -> list[str]:
    texts = []
    for path in sorted((ROOT / "tests" / "fixtures").rglob("*.yaml")) + sorted((ROOT / "examples").rglob("*.aiplan.yaml")):
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            continue  # undecodable inputs of the loader's tests
    for item in builtin_rules():
        texts += YAML_BLOCK.findall(split_doc(item.doc).get("bad", ""))
    return texts


def _yaml_snippets(fix: str) -> list[str]:
    """The backticked parts of a hint that are YAML (a key and value, or a list entry)."""
    return [s for s in SNIPPET.findall(fix) if ": " in s or s.startswith("- ") or s.endswith(":")]


def test_every_yaml_snippet_in_every_hint_parses():
    loader = YAML(typ="safe")
    broken, checked = [], 0
    for text in _plans():
        try:
            findings = lint_yaml(text, dedent=False)
        except AssertionError:
            continue  # a plugin-style fixture that needs its own rules
        for finding in findings:
            for snippet in _yaml_snippets(finding.fix):
                checked += 1
                try:
                    loader.load(snippet)
                except Exception as exc:  # noqa: BLE001 - any parse error is the failure
                    broken.append(f"{finding.rule}: {snippet!r}: {str(exc).splitlines()[0]}")
    assert checked > 1000
    assert not broken, "\n".join(sorted(set(broken)))


@pytest.mark.parametrize("plan, hint", [
    ("rag:\n  corpus:\n    sources: [policy wiki]\n", "(it needs `name:`)"),
    ("rag:\n  corpus:\n    sources: [policy wiki]\n", "`- {name: "),
    ("rag:\n  data_pipeline: yes\n", "`data_pipeline: {"),
    ("gaps:\n  knowledge: yes\n", "(it needs `present:`)"),
    ("rag:\n  retrieval:\n    evaluation:\n      metrics: recall\n", "`metrics: [recall_at_k, mrr]`"),
])
def test_a_wrong_type_hint_shows_the_keys_it_needs(plan, hint):
    [finding] = [f for f in lint_yaml("aiplan: 1\nname: x\napproach: rag\n" + plan, select=["PLAN002"])
                 if "expected a" in f.message]
    assert hint in finding.fix
    assert "as a mapping" not in finding.fix


def test_no_hint_repeats_itself():
    repeated = []
    for text in _plans():
        try:
            findings = lint_yaml(text, dedent=False)
        except AssertionError:
            continue
        for finding in findings:
            snippets = SNIPPET.findall(finding.fix)
            if any(snippets.count(snippet) > 1 for snippet in snippets):
                repeated.append(f"{finding.rule}: {finding.fix}")
    assert not repeated, "\n".join(sorted(set(repeated)))
