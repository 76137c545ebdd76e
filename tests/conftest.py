import contextlib
import os
import pathlib
import sys

import pytest
from hypothesis import settings

# Tests see the linter as it is now, never results cached by an earlier run
# (tests/test_cache.py turns the cache back on where it is under test).
os.environ["AIPLAN_NO_CACHE"] = "1"

# The property tests draw the same examples on every run (seeded from each test), so CI's verdict
# does not depend on luck: a random draw once found a case no plan can produce and failed a run.
settings.register_profile("aiplan", derandomize=True)
settings.load_profile("aiplan")

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"


class CallCount:
    """How many Python and C function calls ran inside `counting_calls()`."""

    def __init__(self) -> None:
        self.calls = 0


@contextlib.contextmanager
def counting_calls():
    """Count the function calls made inside the block (this thread only).

    Tests that guard against blow-ups (bombs, quadratic scans) bound this count instead of
    the seconds taken: the count is the same on a loaded machine and a quiet one."""
    count = CallCount()

    def profile(frame, event, arg):
        if event == "call" or event == "c_call":
            count.calls += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield count
    finally:
        sys.setprofile(previous)


@pytest.fixture
def cli():
    """Invoke the click command line in-process; returns click's Result."""
    from click.testing import CliRunner

    from aiplan.cli.main import main

    runner = CliRunner()

    def invoke(*args, env=None, input=None):
        base = {"NO_COLOR": "1", "GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": ""}
        base.update(env or {})
        return runner.invoke(main, [str(a) for a in args], env=base, input=input, catch_exceptions=False)

    return invoke


# What a test's minimal plan adds after its header (`aiplan`, `name`, ...) to state its gap analysis,
# so that it lints clean: the three gaps stated, none present, and the approach that fits. A plan
# that names no gap gets GAP003, one that names its gaps but no approach FIT009.
GAPS_AND_APPROACH = """\
gaps:
  knowledge: {present: false}
  behavior: {present: false}
  accuracy: {present: false}
approach: prompt_engineering
"""


# The files examples/support-copilot.aiplan.yaml names (EVAL003 checks that they exist).
CLEAN_PLAN_FILES = ("evals/support-v1.jsonl", "evals/retrieval-v1.jsonl", "data/ft/train.jsonl",
                    "data/ft/held_out.jsonl")


def copy_clean_plan(directory: pathlib.Path, name: str = "clean.aiplan.yaml") -> pathlib.Path:
    """Copy the clean example plan into ``directory`` with the files it references,
    so that it stays clean there."""
    import shutil

    directory.mkdir(parents=True, exist_ok=True)
    for relative in CLEAN_PLAN_FILES:
        (directory / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(EXAMPLES / relative, directory / relative)
    return pathlib.Path(shutil.copy(EXAMPLES / "support-copilot.aiplan.yaml", directory / name))


@pytest.fixture
def cache_on(monkeypatch):
    """The results cache on, in its default place, for a test that is about it (it is off for the
    others: AIPLAN_NO_CACHE above)."""
    monkeypatch.delenv("AIPLAN_NO_CACHE", raising=False)
    monkeypatch.delenv("AIPLAN_CACHE_DIR", raising=False)


def linted_paths(monkeypatch) -> list[str]:
    """From now on, the display paths of the files a run really lints (cache misses), in order."""
    from aiplan.run import runner

    seen: list[str] = []
    original = runner._lint_recorded

    def spy(target, ctx, record, *rest):
        seen.append(target.display_path)
        return original(target, ctx, record, *rest)

    monkeypatch.setattr(runner, "_lint_recorded", spy)
    return seen


def pytest_collection_modifyitems(config, items):
    """Mark everything under tests/e2e/ as `e2e` (whole-program runs: examples, hooks, hostile input)."""
    e2e = ROOT / "tests" / "e2e"
    for item in items:
        if e2e in pathlib.Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _private_cache_key(tmp_path_factory, monkeypatch):
    """The results cache authenticates its entries with a per-user key kept in the
    user's cache directory: tests keep theirs out of the real home."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


def pytest_addoption(parser):
    parser.addoption("--update-snapshots", action="store_true", default=False,
                     help="rewrite the expected outputs under tests/snapshots/ instead of comparing "
                          "(inspect the diff before committing)")


SNAPSHOTS = ROOT / "tests" / "snapshots"


@pytest.fixture
def snapshot(request):
    """``snapshot(name, text)``: assert that ``text`` is byte for byte the committed
    ``tests/snapshots/<name>``; under ``pytest --update-snapshots`` (or
    ``AIPLAN_UPDATE_SNAPSHOTS=1``) write it instead. A missing snapshot fails."""
    update = request.config.getoption("--update-snapshots") or os.environ.get("AIPLAN_UPDATE_SNAPSHOTS") == "1"

    def check(name: str, text: str) -> None:
        path = SNAPSHOTS / name
        data = text.encode("utf-8", "surrogateescape")
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)
            return
        assert path.exists(), f"no snapshot {path}: run pytest --update-snapshots and inspect it"
        expected = path.read_bytes().decode("utf-8", "surrogateescape")
        # Compared as text first so that pytest shows a readable diff; then byte for byte.
        assert text == expected, f"{name} differs from tests/snapshots/{name} (pytest --update-snapshots if intended)"
        assert data == path.read_bytes()

    return check


def nodes_with_paths(node, prefix=()):
    """Every value in a JSON-like tree with its path (keys and indexes), the root first."""
    yield prefix, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from nodes_with_paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from nodes_with_paths(value, prefix + (index,))


def error_fields(errors) -> list:
    """What the explainer, PLAN002 and the repaired reading read of each jsonschema error, in
    order: the differential tests compare these between jsonschema and the generated checks."""
    return [(error.message, tuple(error.absolute_path), tuple(error.schema_path), error.validator,
             repr(error.validator_value), repr(error.instance), repr(error.schema)) for error in errors]
