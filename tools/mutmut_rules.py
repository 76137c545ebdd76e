"""mutmut 3 with the rules' check functions mutated too.

mutmut skips every decorated function (copying one would run its decorator once
per mutant), so of `src/aiplan/rules/` it mutates only the helpers: the `@rule`
check functions, where the judgement is, produced no mutants. This runs mutmut
with them mutated: the trampoline mutmut puts in a function's place keeps the
`@rule(...)` decorator, the copies it switches between (the original and each
mutant) drop it, so each rule is still declared once. The decorator's arguments
(ID, options, defaults) are not mutated.

It also narrows each rule module's tests. mutmut records which tests call each
function, and every test that lints a plan calls every rule: 300 to 500 tests, about
50 s, per rule mutant, most of it in the engine's, fixer's and reporters' tests, which
lint the examples for their own sake. For a function of `rules/<module>.py` this keeps
the tests under `tests/rules/`, and of those, the ones parametrised by a rule
(``test_fixture[RAG001/pass.aiplan.yaml]``, ``test_rule_messages[RAG001]``, the
docstring-example tests ``[RAG001]``) only when the rule, or one its fixture names in
``# with:``, is declared in that module or in a rule module importing it (directly or
not). The rule IDs and imports are read from the source (`ast`: importing aiplan here
would hand the tests the unmutated modules). Functions outside the rule modules keep
mutmut's selection. ``--full-selection`` runs it unnarrowed, to compare verdicts.
Same arguments as `mutmut` otherwise:

    nice -n 19 python tools/mutmut_rules.py run --max-children 1 'aiplan.rules.gaps*'
"""

from __future__ import annotations

import ast
import pathlib
import re
import sys
from collections.abc import Iterable, Mapping

ROOT = pathlib.Path(__file__).resolve().parents[1]
RULES = ROOT / "src" / "aiplan" / "rules"
RULE_FIXTURES = ROOT / "tests" / "fixtures" / "rules"
RULE_TESTS = "tests/rules/"
# The parameter of a test about one rule: `[RAG001]`, or a fixture of it, `[RAG001/name]`.
RULE_PARAMETER = re.compile(r"\[([A-Z]+[0-9]+)(?:/([^/\]]+))?\]$")
WITH = re.compile(r"^#\s*with:\s*([A-Z0-9, ]+)", re.MULTILINE)


def _module_name(path: pathlib.Path) -> str:
    return f"aiplan.rules.{path.stem}"


def declared_rules(tree: ast.Module) -> frozenset[str]:
    """The IDs of the module's ``@rule("ID", ...)`` functions."""
    return frozenset(
        decorator.args[0].value
        for node in tree.body if isinstance(node, ast.FunctionDef)
        for decorator in node.decorator_list
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Name)
        and decorator.func.id == "rule" and decorator.args
        and isinstance(decorator.args[0], ast.Constant) and isinstance(decorator.args[0].value, str))


def imported_rule_modules(tree: ast.Module) -> frozenset[str]:
    return frozenset(node.module for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module
                     and node.module.startswith("aiplan.rules."))


def concerned_rules(sources: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """For each rule module (name -> source), the rules whose behaviour it can change: its own
    and those of every rule module that imports it, directly or through another. A module
    with none found (`__init__`; `plan`, whose IDs are constants) is left out: not narrowed."""
    trees = {name: ast.parse(source) for name, source in sources.items()}
    own = {name: declared_rules(tree) for name, tree in trees.items()}
    importers: dict[str, set[str]] = {name: set() for name in trees}
    for name, tree in trees.items():
        for imported in imported_rule_modules(tree):
            importers.setdefault(imported, set()).add(name)
    concerned = {}
    for name in trees:
        seen, todo = {name}, [name]
        while todo:
            for importer in importers.get(todo.pop(), ()):
                if importer not in seen:
                    seen.add(importer)
                    todo.append(importer)
        rules = frozenset().union(*(own.get(module, frozenset()) for module in seen))
        if rules:
            concerned[name] = rules
    return concerned


def rules_of_test(test: str, fixtures: pathlib.Path = RULE_FIXTURES) -> frozenset[str] | None:
    """The rules a test is about, or None for a test not parametrised by a rule."""
    match = RULE_PARAMETER.search(test)
    if not match:
        return None
    rule_id, fixture = match.groups()
    if fixture is None:
        return frozenset({rule_id})
    try:
        text = (fixtures / rule_id / fixture).read_text(encoding="utf-8")
    except OSError:  # not a fixture path after all: keep the test
        return None
    extra = WITH.search(text)
    return frozenset({rule_id, *(extra.group(1).replace(",", " ").split() if extra else ())})


def narrowed(tests_by_function: Mapping[str, Iterable[str]], concerned: Mapping[str, frozenset[str]],
             fixtures: pathlib.Path = RULE_FIXTURES) -> dict[str, set[str]]:
    """`tests_by_function` (mutmut's mangled function name -> tests that call it), for a function
    of a rule module, narrowed to the rule tests, less those about rules it cannot change."""
    result = {}
    for function, tests in tests_by_function.items():
        rules = concerned.get(function.rpartition(".")[0])
        if rules is None:
            result[function] = set(tests)
            continue
        result[function] = {test for test in tests if test.startswith(RULE_TESTS)
                            and ((about := rules_of_test(test, fixtures)) is None or about & rules)}
    return result


def main() -> None:
    # The optional `mutation` extra: the narrowing above is tested without it.
    import libcst as cst
    import mutmut.__main__ as mutmut_main
    from mutmut.mutation import file_mutation
    from mutmut.state import state

    def is_rule(node: cst.CSTNode) -> bool:
        """A function whose only decorator is a call of `rule`: ``@rule("FT001", ...)``."""
        if not isinstance(node, cst.FunctionDef) or len(node.decorators) != 1:
            return False
        decorator = node.decorators[0].decorator
        return isinstance(decorator, cst.Call) and isinstance(decorator.func, cst.Name) and decorator.func.value == "rule"

    skip = file_mutation.MutationVisitor._skip_node_and_children
    arrange = file_mutation.function_trampoline_arrangement

    def skip_node_and_children(self, node):
        return False if is_rule(node) else skip(self, node)

    def function_trampoline_arrangement(function, mutants, class_name):
        declarations, nodes, assignments, names = arrange(function, mutants, class_name)
        if is_rule(function):
            nodes = [nodes[0], *(node.with_changes(decorators=[]) for node in nodes[1:])]
        return declarations, nodes, assignments, names

    collect_or_load_stats = mutmut_main.collect_or_load_stats

    def collect_or_load_stats_narrowed(*args, **kwargs):
        collect_or_load_stats(*args, **kwargs)
        # After mutmut saved its stats: the file keeps the full mapping, only this run is narrowed.
        concerned = concerned_rules({_module_name(path): path.read_text(encoding="utf-8")
                                     for path in sorted(RULES.glob("*.py"))})
        recorded = state().tests_by_mangled_function_name
        for function, tests in narrowed(recorded, concerned).items():
            recorded[function] = tests

    file_mutation.MutationVisitor._skip_node_and_children = skip_node_and_children
    file_mutation.function_trampoline_arrangement = function_trampoline_arrangement
    if "--full-selection" in sys.argv:
        sys.argv.remove("--full-selection")
    else:
        mutmut_main.collect_or_load_stats = collect_or_load_stats_narrowed
    mutmut_main.cli()


if __name__ == "__main__":
    main()
