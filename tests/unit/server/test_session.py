"""The language server's use of the engine, without the protocol (tests/e2e/test_language_server.py
drives the real server over stdio)."""

from aiplan.lint.engine import lint_bytes
from aiplan.plugins.manager import load_rule_set
from aiplan.server.session import Session, waiver_rule_at

PLAN = "aiplan: 1\nname: Support copilot\napproach: finetuning\n"


def _session(tmp_path):
    return Session(load_rule_set(entry_points=False).rules, cwd=str(tmp_path))


def test_a_buffer_has_the_findings_aiplan_lint_gives_the_same_bytes(tmp_path):
    session = _session(tmp_path)
    path = tmp_path / "aiplan.yaml"
    linted = session.lint(str(path), PLAN)
    expected = lint_bytes(PLAN.encode(), "aiplan.yaml", session.context(str(path)), base_dir=str(tmp_path))
    assert linted.result == expected and linted.problem == ""
    assert not path.exists()    # the buffer was linted, nothing was read or written


def test_the_buffer_not_the_saved_file_gives_findings_fingerprints_ranges_and_fixes(tmp_path):
    from aiplan.server.protocol import diagnostics

    session = _session(tmp_path)
    path = tmp_path / "aiplan.yaml"
    saved = "# saved before the last edits\n\n" + PLAN.replace("finetuning", "rag")
    path.write_text(saved, encoding="utf-8")  # lines shifted down two, another approach
    linted = session.lint(str(path), PLAN)
    expected = lint_bytes(PLAN.encode(), "aiplan.yaml", session.context(str(path)), base_dir=str(tmp_path))
    assert linted.result == expected  # findings, positions and fingerprints of the buffer's text
    [schema] = [d for d in diagnostics(linted, "utf-16", str(tmp_path)) if d.code == "PLAN002"]
    assert (schema.range.start.line, schema.range.start.character, schema.range.end.character) == (2, 10, 20)
    assert session.fix_all(linted) == PLAN.replace("finetuning", "fine_tuning")
    assert path.read_text(encoding="utf-8") == saved


def test_plans_by_name_or_by_a_top_level_aiplan_key(tmp_path):
    session = _session(tmp_path)
    assert session.is_plan(str(tmp_path / "team.aiplan.yml"), "")
    assert session.is_plan(str(tmp_path / "decision.yaml"), "# notes\n---\nkind: x\n---\naiplan: 1\n")
    assert not session.is_plan(str(tmp_path / "compose.yaml"), "services:\n  aiplan: {image: x}\n")
    assert not session.is_plan(str(tmp_path / "notes.yaml"), "comment: aiplan is a linter\n")


def test_excluded_files_are_not_linted(tmp_path):
    (tmp_path / ".aiplan.toml").write_text('exclude = ["drafts/"]\n', encoding="utf-8")
    session = _session(tmp_path)
    assert not session.is_plan(str(tmp_path / "drafts" / "aiplan.yaml"), PLAN)
    assert session.is_plan(str(tmp_path / "final" / "aiplan.yaml"), PLAN)


def test_a_broken_configuration_is_a_problem_not_an_exception(tmp_path):
    (tmp_path / ".aiplan.toml").write_text('select = ["NOPE999"]\n', encoding="utf-8")
    broken = _session(tmp_path).lint(str(tmp_path / "aiplan.yaml"), PLAN)
    assert broken.problem.startswith("configuration error:") and "NOPE999" in broken.problem
    assert broken.result.findings == ()


def test_reload_reads_the_configuration_again(tmp_path):
    config = tmp_path / ".aiplan.toml"
    config.write_text('select = ["PLAN"]\n', encoding="utf-8")
    session = _session(tmp_path)
    assert [f.rule for f in session.lint(str(tmp_path / "aiplan.yaml"), PLAN).result.findings] == ["PLAN002"]
    config.write_text('select = ["PLAN001"]\n', encoding="utf-8")
    assert [f.rule for f in session.lint(str(tmp_path / "aiplan.yaml"), PLAN).result.findings] == ["PLAN002"]
    session.reload()
    assert [f.rule for f in session.lint(str(tmp_path / "aiplan.yaml"), PLAN).result.findings] == []


def test_waiver_extends_an_existing_waiver_of_the_line(tmp_path):
    session = _session(tmp_path)
    text = "aiplan: 1\nname: Support copilot\napproach: finetuning  # aiplan: ignore[FIT001] -- pilot\n"
    linted = session.lint(str(tmp_path / "aiplan.yaml"), text)
    finding = next(f for f in linted.result.findings if f.rule == "PLAN002")
    waived = session.waive(linted, finding)
    assert waived == text.replace("ignore[FIT001]", "ignore[FIT001, PLAN002]")


def test_waiver_is_a_comment_line_above_with_the_placeholder(tmp_path):
    session = _session(tmp_path)
    text = PLAN.replace("\n", "\r\n")
    linted = session.lint(str(tmp_path / "aiplan.yaml"), text)
    finding = next(f for f in linted.result.findings if f.rule == "PLAN002")
    assert session.waive(linted, finding) == text.replace(
        "approach:", "# aiplan: ignore[PLAN002] -- <reason>\r\napproach:")


def test_no_waiver_for_the_rules_about_waivers(tmp_path):
    session = _session(tmp_path)
    linted = session.lint(str(tmp_path / "aiplan.yaml"), PLAN + "# aiplan: ignore[FT003]\n")
    about_waivers = [f for f in linted.result.findings if f.rule in ("PLAN005", "PLAN006")]
    assert about_waivers and all(session.waive(linted, f) is None for f in about_waivers)


def test_rule_under_the_cursor_in_a_waiver_comment():
    text = "a: 1\nb: 2  # aiplan: ignore[FT003, rag001] -- pilot\n"
    at = text.index
    assert waiver_rule_at(text, at("FT003") + 2) == "FT003"
    assert waiver_rule_at(text, at("rag001")) == "RAG001"
    assert waiver_rule_at(text, at("pilot")) is None
    assert waiver_rule_at(text, at("b:")) is None
    assert waiver_rule_at("x: 1  # see FT003\n", 12) is None


def test_a_unicode_separator_is_not_a_line_break_for_the_server():
    # aiplan.core.text: a line ends at CRLF, CR or LF only, as for every position aiplan reports.
    text = "a: 1\nb: 2  # aiplan: ignore[FT003,\u2028rag001] -- pilot\n"
    assert waiver_rule_at(text, text.index("rag001")) == "RAG001"


def test_a_trailing_waiver_goes_at_the_end_of_the_line_past_a_unicode_separator(tmp_path):
    session = _session(tmp_path)
    text = 'aiplan: 1\nname: Support copilot\napproach: "fine\u2028tuning"\n'
    linted = session.lint(str(tmp_path / "aiplan.yaml"), text)
    finding = next(f for f in linted.result.findings if f.rule == "PLAN002")
    *_, trailing = session._waiver_candidates(linted, finding)
    assert trailing == text.replace('tuning"', 'tuning"  # aiplan: ignore[PLAN002] -- <reason>')


def test_hover_text_in_the_format_the_client_prefers(tmp_path):
    from lsprotocol import types

    from aiplan.docs import render_rule_text
    from aiplan.server.protocol import hover_format

    def capabilities(*formats):
        return types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
            hover=types.HoverClientCapabilities(content_format=list(formats))))

    markdown, plain = types.MarkupKind.Markdown, types.MarkupKind.PlainText
    assert hover_format(capabilities(markdown, plain)) == markdown
    assert hover_format(capabilities(plain, markdown)) == plain
    assert hover_format(capabilities()) == plain and hover_format(types.ClientCapabilities()) == plain
    assert hover_format(None) == plain
    session = _session(tmp_path)
    rules = load_rule_set(entry_points=False).rules
    assert session.explain(None, ["FT001"]) == render_rule_text(rules["FT001"])  # `aiplan explain`
    shown = session.explain(None, ["FT001", "PLAN002"], markdown=True)
    assert shown.startswith("### FT001 fine-tuning-without-held-out\n") and "\n```yaml\n" in shown
    assert "\n\n---\n\n### PLAN002 " in shown and "\n  ```yaml" not in shown  # fences not indented


def _typo_rule():
    from aiplan.core.rule import make_rule

    return make_rule("ACME001", "acme", "warning", lambda plan, options: iter(()), "A toy rule.\n\n## Why\nTests.\n",
                     plugin="acme", superseded_by=("FIT077",))


def test_the_warnings_aiplan_lint_gives_about_the_rule_set_are_the_sessions_too(tmp_path):
    # A plugin rule superseded by no rule (FIT077, a typo): `aiplan lint` warns, and so does the server.
    rules = load_rule_set(entry_points=False, extra_rules=[_typo_rule()]).rules
    session = Session(rules, cwd=str(tmp_path))
    session.lint(str(tmp_path / "aiplan.yaml"), PLAN)
    assert session.warnings == (
        "plugin 'acme' rule ACME001: `superseded_by` names FIT077, which is no rule of aiplan, its plugins or the "
        "policy packs in use: it supersedes nothing and the rule runs without it; did you mean FIT007?",)
    # Near-identical, a rule set without the typo: nothing to say.
    plain = _session(tmp_path)
    plain.lint(str(tmp_path / "aiplan.yaml"), PLAN)
    assert plain.warnings == ()
