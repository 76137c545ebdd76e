"""One definition of a plan file name: what `aiplan lint DIR` finds is what the
pre-commit hook's `files` pattern selects."""

import re

from hypothesis import given, strategies as st
from ruamel.yaml import YAML

from aiplan.run.discovery import PLAN_FILE_PATTERN, discover, is_plan_name

from conftest import ROOT

HOOK = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
PATTERN = re.compile(PLAN_FILE_PATTERN)


def test_the_hook_uses_the_discovery_pattern():
    assert HOOK["files"] == PLAN_FILE_PATTERN


NAMES = ["aiplan.yaml", "aiplan.yml", "x.aiplan.yaml", "x.aiplan.yml", ".aiplan.yaml", "a.b.aiplan.yml",
         "x.aiplan.yaml.bak", "xaiplan.yaml", "x.aiplan.json", "aiplan.YAML", "X.AIPLAN.yaml", "x.aiplan.yaml ",
         "x-aiplan.yaml", "x.aiplan.yamll", "aiplan.yaml~", "aiplan", "x.aiplan..yaml", "..aiplan.yml"]


def test_directory_discovery_and_the_hook_select_the_same_files(tmp_path):
    for index, name in enumerate(NAMES):
        directory = tmp_path / f"d{index}"
        directory.mkdir()
        (directory / name).write_text("aiplan: 1\n")
    found = {t.display_path for t in discover([str(tmp_path)])}
    for index, name in enumerate(NAMES):
        path = (tmp_path / f"d{index}" / name).as_posix()
        relative = f"d{index}/{name}"
        assert (path in found or any(f.endswith(relative) for f in found)) == bool(PATTERN.search(relative)), name


@given(st.lists(st.sampled_from(["aiplan", ".", "yaml", "yml", "x", "-", "A", "json", " ", "~"]), max_size=6)
       .map("".join))
def test_pattern_and_name_check_agree(name):
    assert bool(PATTERN.search(f"dir/{name}")) == is_plan_name(name) == bool(PATTERN.search(name))
