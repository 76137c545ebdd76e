"""The layering of the package is a contract (pyproject.toml, [tool.importlinter]),
checked here so that a change importing upward fails the suite."""

from __future__ import annotations

import ast
import pathlib

import pytest

importlinter_cli = pytest.importorskip("importlinter.cli", reason="import-linter is in the `test` extra")

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "aiplan"


def test_layers_contract_is_kept():
    assert importlinter_cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0, (
        "an import breaks the layers in pyproject.toml [tool.importlinter]; run `lint-imports` for details")


def _function_level_imports(path: pathlib.Path):
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                yield node, lines[node.lineno - 1]


def test_function_level_imports_say_why():
    """A lazy import is allowed for start-up or a heavy optional module, and says which
    on its line. The command line (cli/) imports lazily throughout, as its docstring says."""
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent.name == "cli" or path.name == "__init__.py":
            continue
        for node, line in _function_level_imports(path):
            if "#" not in line:
                unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno}: {line.strip()}")
    assert not unexplained, "function-level imports without a reason comment:\n" + "\n".join(unexplained)
