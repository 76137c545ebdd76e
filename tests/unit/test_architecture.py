"""The layering of the package is a contract (pyproject.toml, [tool.importlinter]),
checked here so that a change importing upward fails the suite."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

importlinter_cli = pytest.importorskip("importlinter.cli", reason="import-linter is in the `test` extra")

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "aiplan"
# Comments addressed to tools, not to a reader: mypy's type-ignore and ruff's noqa with their codes.
_TOOL_COMMENT = re.compile(r"#\s*(type:\s*ignore(\[[^\]]*\])?|noqa(:\s*[A-Z]+[0-9]+(,\s*[A-Z]+[0-9]+)*)?)")


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


def _says_why(line: str) -> bool:
    """Whether an import's line holds a comment for a reader, beyond any for mypy or ruff."""
    comment = line[line.find("#"):] if "#" in line else ""
    return bool(_TOOL_COMMENT.sub("", comment).strip(" #-"))


@pytest.mark.parametrize("line, says_why", [
    ("import x", False),
    ("import x  # type: ignore[import-not-found]", False),
    ("import x  # noqa: F401", False),
    ("import x  # noqa: F401 - optional extra", True),
    ("import x  # type: ignore[attr-defined]  # heavy: only for PDFs", True),
    ("import x  # start-up: only with the cache", True),
])
def test_a_reason_is_a_comment_for_a_reader(line, says_why):
    assert _says_why(line) is says_why


def test_function_level_imports_say_why():
    """A lazy import is allowed for start-up or a heavy optional module, and says which
    on its line (a package's ``__init__.py`` too). The command line (cli/) imports lazily
    throughout, as its docstring says."""
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent.name == "cli":
            continue
        for node, line in _function_level_imports(path):
            if not _says_why(line):
                unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno}: {line.strip()}")
    assert not unexplained, "function-level imports without a reason comment:\n" + "\n".join(unexplained)


def test_no_module_imports_a_private_name_of_another():
    """A name another module needs is public (no leading underscore): what crosses a module's
    boundary is part of its interface, and says so."""
    private = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("aiplan"):
                private += [f"{path.relative_to(ROOT)}:{node.lineno}: {node.module}.{alias.name}"
                            for alias in node.names if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert not private, "private names imported from another module:\n" + "\n".join(private)


@pytest.mark.parametrize("mark, home", [
    ("os.altsep", "core/paths.py"),      # "/" is the only separator: core.paths.SLASH_ONLY
    (".isatty", "cli/terminal.py"),      # "is this a terminal": cli.terminal.is_terminal
    ('"isatty"', "cli/terminal.py"),
])
def test_one_definition_of_a_platform_test(mark, home):
    """Each is decided in one place, which every caller calls (they had been written out two
    and three times, each a little differently)."""
    found = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                   if mark in path.read_text(encoding="utf-8"))
    assert found in ([home], []), found


def test_a_stream_that_cannot_say_whether_it_is_a_terminal_is_not_one():
    from aiplan.cli.lint import _terminal_width, _use_colour

    class Closed:
        def isatty(self):
            raise ValueError("I/O operation on closed file")

    assert _use_colour("auto", Closed()) is False and _terminal_width(Closed()) is None
    assert _use_colour("auto", object()) is False and _terminal_width(object()) is None
