"""`aiplan lint .` skips mutmut's copy of the project (`mutants/`, examples and all), as it
skips virtualenvs; a `mutants` folder that is not mutmut's is searched like any other."""

import pytest

from aiplan.run.discovery import discover, plan_lookalikes


def _project(tmp_path, *, marker):
    (tmp_path / "aiplan.yaml").write_text("aiplan: 1\n")
    copy = tmp_path / "mutants" / "examples"
    copy.mkdir(parents=True)
    (copy / "x.aiplan.yaml").write_text("aiplan: 1\n")
    (copy / "lookalike.yaml").write_text("aiplan: 1\n")
    if marker == "statistics":
        (tmp_path / "mutants" / "mutmut-stats.json").write_text("{}")
    elif marker == "pyproject":
        (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.mutmut]\nmax_children = 1\n')
    elif marker == "setup.cfg":
        (tmp_path / "setup.cfg").write_text("[mutmut]\npaths_to_mutate = src/\n")
    elif marker == "pyproject without mutmut":
        (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n')
    return tmp_path


@pytest.mark.parametrize("marker", ["statistics", "pyproject", "setup.cfg"])
def test_mutmuts_copy_of_the_project_is_skipped(tmp_path, monkeypatch, marker):
    monkeypatch.chdir(_project(tmp_path, marker=marker))
    assert [target.display_path for target in discover(["."])] == ["aiplan.yaml"]
    assert plan_lookalikes(["."]) == []


@pytest.mark.parametrize("marker", [None, "pyproject without mutmut"])
def test_a_mutants_folder_that_is_not_mutmuts_is_searched(tmp_path, monkeypatch, marker):
    monkeypatch.chdir(_project(tmp_path, marker=marker))
    assert [target.display_path for target in discover(["."])] == ["aiplan.yaml", "mutants/examples/x.aiplan.yaml"]
    assert plan_lookalikes(["."]) == ["mutants/examples/lookalike.yaml"]


def test_a_plan_in_mutmuts_copy_named_on_the_command_line_is_linted(tmp_path, monkeypatch):
    monkeypatch.chdir(_project(tmp_path, marker="statistics"))
    assert [target.display_path for target in discover(["mutants/examples/x.aiplan.yaml"])] == [
        "mutants/examples/x.aiplan.yaml"]
    assert [target.display_path for target in discover(["mutants"])] == ["mutants/examples/x.aiplan.yaml"]
