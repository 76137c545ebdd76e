"""mutmut 3 with the rules' check functions mutated too.

mutmut skips every decorated function (copying one would run its decorator once
per mutant), so of `src/aiplan/rules/` it mutates only the helpers: the `@rule`
check functions, where the judgement is, produced no mutants. This runs mutmut
with them mutated: the trampoline mutmut puts in a function's place keeps the
`@rule(...)` decorator, the copies it switches between (the original and each
mutant) drop it, so each rule is still declared once. The decorator's arguments
(ID, options, defaults) are not mutated. Same arguments as `mutmut`:

    nice -n 19 python tools/mutmut_rules.py run --max-children 1 'aiplan.rules.gaps*'
"""

from __future__ import annotations

import libcst as cst
from mutmut.__main__ import cli
from mutmut.mutation import file_mutation


def _is_rule(node: cst.CSTNode) -> bool:
    """A function whose only decorator is a call of `rule`: ``@rule("FT001", ...)``."""
    if not isinstance(node, cst.FunctionDef) or len(node.decorators) != 1:
        return False
    decorator = node.decorators[0].decorator
    return isinstance(decorator, cst.Call) and isinstance(decorator.func, cst.Name) and decorator.func.value == "rule"


_skip = file_mutation.MutationVisitor._skip_node_and_children
_arrange = file_mutation.function_trampoline_arrangement


def _skip_node_and_children(self, node):
    return False if _is_rule(node) else _skip(self, node)


def _function_trampoline_arrangement(function, mutants, class_name):
    declarations, nodes, assignments, names = _arrange(function, mutants, class_name)
    if _is_rule(function):
        nodes = [nodes[0], *(node.with_changes(decorators=[]) for node in nodes[1:])]
    return declarations, nodes, assignments, names


file_mutation.MutationVisitor._skip_node_and_children = _skip_node_and_children
file_mutation.function_trampoline_arrangement = _function_trampoline_arrangement

if __name__ == "__main__":
    cli()
