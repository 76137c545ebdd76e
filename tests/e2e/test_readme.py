"""The README is true: every command in it exists and installs what exists, its
sample output is what aiplan prints, its links lead somewhere, and its two
set-up commands are the ones CI runs."""

import os
import re
import shlex

import pytest

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = {path: path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md"))}
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
# Pages other engineers are writing in this round; linked from the README already.
PENDING: set[str] = set()


def blocks(text, *languages):
    return [body for language, body in FENCE.findall(text) if language in languages]


def shell_lines(text):
    """Command lines of sh and console blocks, without prompts, comments and output."""
    for language, body in FENCE.findall(text):
        if language not in ("sh", "console", "bash"):
            continue
        for line in body.splitlines():
            if language == "console":
                if not line.startswith("$ "):
                    continue
                line = line[2:]
            for command in re.split(r"\s*(?:&&|;)\s*", line.split(" # ")[0].strip()):
                if command:
                    yield command


ALL_TEXT = {"README.md": README, **{f"docs/{p.name}": t for p, t in DOCS.items()}}
COMMANDS = [(name, line) for name, text in ALL_TEXT.items() for line in shell_lines(text)]
YAML_RUN = [(name, line.strip()[2:]) for name, text in ALL_TEXT.items() for body in blocks(text, "yaml")
            for line in body.splitlines() if re.match(r"\s*- (pip|pipx) install", line)]


@pytest.mark.parametrize("where,line", COMMANDS + YAML_RUN, ids=lambda value: str(value)[:60])
def test_every_install_command_installs_something_that_exists(where, line):
    """aiplan is not on a package index: install it from a checkout or from the repository."""
    words = shlex.split(line.replace("${AIPLAN_REF}", "REF"))
    if words[:2] not in (["pip", "install"], ["pipx", "install"]):
        return
    targets = [w for w in words[2:] if not w.startswith("-")]
    assert targets, line
    for target in targets:
        local = target in (".", "./aiplan") or target.startswith((".[", "./"))
        remote = target.startswith("git+https://github.com/aiplan-dev/aiplan")
        assert local or remote or target in ("-r", "bench/requirements.txt"), f"{where}: {line}"


def test_no_snippet_installs_aiplan_from_a_package_index():
    for name, text in ALL_TEXT.items():
        assert not re.search(r"pipx? install (--\S+ )*aiplan\b(?!-)", text), name
        assert "OWNER" not in text and "@v0.1.0" not in text, name
    assert "aiplan==" not in (ROOT / "action.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("where,line", [(w, c) for w, c in COMMANDS if c.startswith("aiplan ")],
                         ids=lambda value: str(value)[:60])
def test_every_aiplan_command_parses(where, line):
    """Each `aiplan ...` line names a command and options that exist, with valid values."""
    from aiplan.cli.main import main

    words = shlex.split(line)
    cut = [i for i, w in enumerate(words) if w in ("<", ">", "|", "2>")]
    words = words[:cut[0]] if cut else words   # the command, without its redirections
    group = main.make_context("aiplan", list(words[1:]), resilient_parsing=True)
    command = main.get_command(group, words[1])
    assert command is not None, f"{where}: {line}"
    with command.make_context(words[1], list(words[2:])):
        pass


def test_the_commands_table_lists_every_command():
    from aiplan.cli.main import main

    section = README[README.index("## Commands"):]
    listed = set(re.findall(r"^\| `aiplan (\w+)", section[:section.index("\n## ", 5)], re.MULTILINE))
    assert listed == set(main.list_commands(None))


def test_reading_the_output_sample_is_what_aiplan_prints(cli, monkeypatch):
    section = README[README.index("## Reading the output"):]
    [sample] = blocks(section[:section.index("\n## ", 5)], "console")
    command, _, expected = sample.partition("\n")
    assert command.startswith("$ aiplan lint ")
    monkeypatch.chdir(ROOT)
    result = cli(*shlex.split(command[len("$ aiplan "):]), "--no-cache")
    assert result.stdout == expected


def test_quick_start_comes_first_with_init_lint_pre_commit_and_actions():
    start = README.index("## Quick start")
    assert start < 2000 and README.index("## Contents") > start
    quick = README[start:README.index("## Contents")]
    for needed in ("pipx install git+https://github.com/aiplan-dev/aiplan", "aiplan init", "aiplan lint",
                   "id: aiplan-lint", "uses: aiplan-dev/aiplan@", "tag or full commit SHA", "git ls-remote"):
        assert needed in quick, needed


def _anchor(heading):
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(text):
    without_code = FENCE.sub("", text)
    return {_anchor(h) for h in re.findall(r"^#+ (.+)$", without_code, re.MULTILINE)}


@pytest.mark.parametrize("name", sorted(["README.md", "docs/editors.md", "docs/performance.md", "docs/limits.md",
                                         "docs/yaml-conformance.md", "docs/policy-packs.md", "docs/ci.md"]))
def test_links_lead_to_files_and_headings_that_exist(name):
    text = ALL_TEXT[name]
    base = ROOT / os.path.dirname(name)
    for target in re.findall(r"\]\(([^)\s]+)\)", FENCE.sub("", text)):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        resolved = (base / path).resolve() if path else ROOT / name
        relative = os.path.relpath(resolved, ROOT)
        if relative in PENDING:
            continue
        assert resolved.exists(), f"{name}: {target}"
        if anchor and resolved.suffix == ".md":
            assert anchor in _anchors(resolved.read_text(encoding="utf-8")), f"{name}: {target}"


def test_test_files_the_docs_name_exist():
    for name, text in ALL_TEXT.items():
        for path in re.findall(r"\btests/[\w/]+\.py\b", text):
            assert (ROOT / path).exists(), f"{name}: {path}"


def test_the_set_up_commands_are_what_ci_runs():
    section = README[README.index("## Developing aiplan"):]
    lint_command, test_command = blocks(section, "sh")[:2]
    assert lint_command.strip().endswith("pip install . && aiplan lint examples/")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command.strip().split("&& ", 2)[-1] in ci   # pip install -e '.[test]' && pytest
