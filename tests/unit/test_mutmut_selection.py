"""tools/mutmut_rules.py narrows a rule mutant's tests to those about the rules it can change."""

import ast
import importlib
import importlib.util
import pathlib

import pytest

from aiplan.core.rule import Rule
from aiplan.rules import FAMILY_MODULES

TOOL = pathlib.Path(__file__).resolve().parents[2] / "tools" / "mutmut_rules.py"


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("mutmut_rules_under_test", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SOURCES = {
    "aiplan.rules.words": "def say(x):\n    return x\n",
    "aiplan.rules.alpha": ("from aiplan.rules.words import say\n"
                           "@rule('A001', 'a', Severity.ERROR)\ndef a(plan, options):\n    yield\n"),
    "aiplan.rules.beta": ("from aiplan.rules.alpha import a\n"
                          "@rule('B001', 'b', Severity.ERROR)\ndef b(plan, options):\n    yield\n"
                          "@rule('B002', 'b2', Severity.ERROR)\ndef b2(plan, options):\n    yield\n"),
    "aiplan.rules.gamma": "@rule('C001', 'c', Severity.ERROR)\ndef c(plan, options):\n    yield\n",
    "aiplan.rules.lonely": "def helper():\n    return 1\n",
}


def test_a_module_concerns_its_rules_and_those_of_the_modules_importing_it(tool):
    concerned = tool.concerned_rules(SOURCES)
    assert concerned == {
        "aiplan.rules.words": {"A001", "B001", "B002"},  # through alpha, imported by beta
        "aiplan.rules.alpha": {"A001", "B001", "B002"},
        "aiplan.rules.beta": {"B001", "B002"},
        "aiplan.rules.gamma": {"C001"},
    }  # `lonely` declares and feeds no rule: not narrowed


@pytest.mark.parametrize("test, rules", [
    ("tests/rules/test_rule_messages.py::test_rule_messages[RAG001]", {"RAG001"}),
    ("tests/rules/test_rule_docs.py::test_good_example_does_not_trigger_the_rule[FT009]", {"FT009"}),
    ("tests/rules/test_rule_fixtures.py::test_fixture[FT009/pass-stated.aiplan.yaml]", {"FT009", "EVID002"}),
    ("tests/rules/test_rule_fixtures.py::test_fixture[ACC001/fail-partial.aiplan.yaml]", {"ACC001"}),
    ("tests/rules/test_rule_fixtures.py::test_fixture[ACC001/no-such-file.aiplan.yaml]", None),
    ("tests/rules/test_rule_behaviour.py::test_options_are_validated_centrally[FT005-options0-x]", None),
    ("tests/rules/test_judgement_calls.py::test_held_out_overlap", None),
])
def test_the_rules_a_test_is_about_come_from_its_parameter_and_its_fixture(tool, test, rules):
    about = tool.rules_of_test(test)
    assert about == (None if rules is None else frozenset(rules))


def test_a_rule_modules_function_keeps_the_rule_tests_but_those_about_rules_it_cannot_change(tool):
    concerned = tool.concerned_rules(SOURCES)
    tests = {"tests/rules/test_rule_messages.py::test_rule_messages[A001]",
             "tests/rules/test_rule_messages.py::test_rule_messages[B002]",
             "tests/rules/test_rule_messages.py::test_rule_messages[C001]",
             "tests/rules/test_judgement_calls.py::test_something",
             "tests/unit/reporters/test_reporter_sarif.py::test_examples"}
    got = tool.narrowed({"aiplan.rules.alpha.x_a": tests, "aiplan.rules.lonely.x_helper": tests,
                         "aiplan.fix.fixer.x_fix_one": tests}, concerned)
    assert got["aiplan.rules.alpha.x_a"] == tests - {"tests/rules/test_rule_messages.py::test_rule_messages[C001]",
                                                     "tests/unit/reporters/test_reporter_sarif.py::test_examples"}
    assert got["aiplan.rules.lonely.x_helper"] == tests
    assert got["aiplan.fix.fixer.x_fix_one"] == tests


def test_the_source_reading_finds_every_rule_each_narrowed_module_declares(tool):
    # A rule the source reading missed (an ID not written as a literal) would lose its tests.
    sources = {tool._module_name(path): path.read_text(encoding="utf-8")
               for path in sorted(tool.RULES.glob("*.py"))}
    found = {name: tool.declared_rules(ast.parse(source)) for name, source in sources.items()}
    declared = {name: {value.id for value in vars(importlib.import_module(name)).values()
                       if isinstance(value, Rule)} for name in FAMILY_MODULES}
    narrowed_modules = set(tool.concerned_rules(sources))
    for module, ids in declared.items():
        if module in narrowed_modules or found.get(module):
            assert found[module] == ids, module
    assert {"aiplan.rules.rag", "aiplan.rules.fit", "aiplan.rules.evaluation",
            "aiplan.rules.accuracy", "aiplan.rules.wording"} <= narrowed_modules
