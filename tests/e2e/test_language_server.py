"""`aiplan server` end to end: a real LSP client (pytest-lsp) drives the server
over standard input and output, as an editor does."""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import subprocess
import sys

import pytest

pytest.importorskip("pytest_lsp")

import pytest_lsp  # noqa: E402
from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from aiplan.plugins.manager import load_rule_set  # noqa: E402

# One server per module (starting one takes a second): each test works in its own directory.
pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

TESTS = pathlib.Path(__file__).resolve().parent.parent
SERVER = [sys.executable, "-m", "aiplan", "server"]
ENV = {**os.environ, "AIPLAN_NO_CACHE": "1", "PYTHONPATH": os.pathsep.join(
    [str(TESTS)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
WAIT = 20  # seconds: generous for a loaded CI machine; a hang fails instead of blocking the suite

PLAN = """\
aiplan: 1
name: Support copilot
approach: finetuning
"""


def _make_client() -> LanguageClient:
    """pytest-lsp's client, which also records every diagnostics notification in
    order (waiting for "the next one" could miss one that arrives in a burst) and
    accepts the server's registrations (the file watchers)."""
    from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

    client = LanguageClient()
    client.published, client.registrations = [], []

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams):
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)

    def register(client: LanguageClient, params: types.RegistrationParams):
        client.registrations.extend(params.registrations)

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish,
                                   types.CLIENT_REGISTER_CAPABILITY: register})
    return client


async def _start(lsp_client: LanguageClient, root: pathlib.Path, editor: str = "visual-studio-code"):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(editor), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="plans")]))


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER, server_env=ENV,
                                                              client_factory=_make_client))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    await _start(lsp_client, tmp_path_factory.mktemp("workspace"))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(
    server_command=SERVER + ["--plugin", "crashing_rule_plugin", "--plugin", "no_such_plugin_module"],
    server_env=ENV, client_factory=_make_client))
async def crashing_client(lsp_client: LanguageClient, tmp_path_factory):
    await _start(lsp_client, tmp_path_factory.mktemp("workspace"))
    yield
    await lsp_client.shutdown_session()


async def _published(client: LanguageClient, uri: str, version: int | None = None, after: int = 0):
    """The first diagnostics published for ``uri`` (of ``version``, if given) from
    the ``after``-th notification on; waits for them (bounded: a hang fails)."""
    async def wait():
        while True:
            for params in client.published[after:]:
                if params.uri == uri and (version is None or params.version == version):
                    return list(params.diagnostics)
            await asyncio.sleep(0.005)

    return await asyncio.wait_for(wait(), WAIT)


async def _open(client: LanguageClient, path: pathlib.Path, text: str, language: str = "yaml"):
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    seen = len(client.published)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    return uri, await _published(client, uri, 1, after=seen)


async def _change(client: LanguageClient, uri: str, version: int, text: str) -> list[types.Diagnostic]:
    seen = len(client.published)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangeWholeDocument(text=text)]))
    return await _published(client, uri, version, after=seen)


def _codes(diagnostics) -> list[tuple[str, int, int]]:
    return sorted((d.code, d.range.start.line + 1, d.range.start.character + 1) for d in diagnostics)


def _cli_findings(path: pathlib.Path) -> list[tuple[str, int, int]]:
    completed = subprocess.run(SERVER[:-1] + ["lint", "--format", "json", "--no-cache", str(path)],
                               capture_output=True, text=True, env=ENV, cwd=path.parent)
    return sorted((f["rule"], f["line"], f["column"]) for f in json.loads(completed.stdout)["findings"])


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (UTF-16 positions; these texts are ASCII) back to front."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: types.Position) -> int:
        return min(starts[min(position.line, len(lines))] + position.character, len(text))

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


async def _actions(client: LanguageClient, uri: str, diagnostic: types.Diagnostic, only=None):
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic], only=only)))


async def test_diagnostics_on_open_are_the_findings_of_aiplan_lint(client: LanguageClient, tmp_path):
    path = tmp_path / "aiplan.yaml"
    uri, diagnostics = await _open(client, path, PLAN)
    assert _codes(diagnostics) == _cli_findings(path)
    by_code = {d.code: d for d in diagnostics}
    assert "PLAN002" in by_code
    schema = by_code["PLAN002"]
    assert schema.source == "aiplan"
    assert schema.severity == types.DiagnosticSeverity.Error
    assert schema.code_description.href == load_rule_set(entry_points=False).rules["PLAN002"].url
    assert "finetuning" in schema.message and "\nfix: " in schema.message
    assert (schema.range.start.line, schema.range.start.character) == (2, 10)


async def test_a_change_is_linted_from_the_buffer_not_the_disk(client: LanguageClient, tmp_path):
    path = tmp_path / "support.aiplan.yaml"
    uri, diagnostics = await _open(client, path, PLAN)
    assert "PLAN002" in {d.code for d in diagnostics}
    fixed = PLAN.replace("finetuning", "fine_tuning")
    after = await _change(client, uri, 2, fixed)
    assert "PLAN002" not in {d.code for d in after}
    assert path.read_text(encoding="utf-8") == PLAN   # nothing was saved: the buffer was linted
    path.write_text(fixed, encoding="utf-8")
    assert _codes(after) == _cli_findings(path)


async def test_yaml_with_a_top_level_aiplan_key_is_a_plan_and_other_yaml_is_not(client: LanguageClient, tmp_path):
    uri, diagnostics = await _open(client, tmp_path / "decision.yaml", PLAN)
    assert "PLAN002" in {d.code for d in diagnostics}
    other = (tmp_path / "compose.yaml").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=other, language_id="yaml", version=1, text="services:\n  web: {image: nginx}\n")))
    # Messages are handled in order: once this hover is answered, the open was handled.
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=other), position=types.Position(0, 0)))
    assert hover is None and other not in client.diagnostics


async def test_quick_fix_applies_the_edit_of_aiplan_lint_fix(client: LanguageClient, tmp_path):
    path = tmp_path / "aiplan.yaml"
    uri, diagnostics = await _open(client, path, PLAN)
    schema = next(d for d in diagnostics if d.code == "PLAN002")
    actions = await _actions(client, uri, schema, only=[types.CodeActionKind.QuickFix])
    fix = next(a for a in actions if a.title.startswith("Fix PLAN002"))
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    fixed = _apply(PLAN, fix.edit.changes[uri])
    subprocess.run(SERVER[:-1] + ["lint", "--fix", "--no-cache", str(path)], env=ENV, capture_output=True)
    assert fixed == path.read_text(encoding="utf-8") == PLAN.replace("finetuning", "fine_tuning")
    after = await _change(client, uri, 2, fixed)
    assert "PLAN002" not in {d.code for d in after}


async def test_fix_all_is_a_source_action_with_every_safe_fix(client: LanguageClient, tmp_path):
    text = PLAN + "status: drafft\n"
    path = tmp_path / "aiplan.yaml"
    uri, diagnostics = await _open(client, path, text)
    actions = await _actions(client, uri, diagnostics[0], only=[types.CodeActionKind.SourceFixAll])
    assert [a.kind for a in actions] == ["source.fixAll.aiplan"]
    fixed = _apply(text, actions[0].edit.changes[uri])
    subprocess.run(SERVER[:-1] + ["lint", "--fix", "--no-cache", str(path)], env=ENV, capture_output=True)
    assert fixed == path.read_text(encoding="utf-8")
    assert fixed != text


async def test_waiver_action_inserts_a_comment_that_waives_the_finding(client: LanguageClient, tmp_path):
    uri, diagnostics = await _open(client, tmp_path / "aiplan.yaml", PLAN)
    schema = next(d for d in diagnostics if d.code == "PLAN002")
    actions = await _actions(client, uri, schema)
    waive = next(a for a in actions if a.title.startswith("Waive PLAN002"))
    waived = _apply(PLAN, waive.edit.changes[uri])
    assert "# aiplan: ignore[PLAN002] -- <reason>\napproach: finetuning\n" in waived
    after = await _change(client, uri, 2, waived)
    codes = {d.code for d in after}
    assert "PLAN002" not in codes
    assert "PLAN005" in codes   # the placeholder is not a reason: the editor asks for one


async def test_hover_on_a_waiver_and_on_a_flagged_node_shows_explain(client: LanguageClient, tmp_path, cli):
    text = "# aiplan: ignore[FIT001, PLAN002] -- pilot\n" + PLAN
    uri, diagnostics = await _open(client, tmp_path / "aiplan.yaml", text)
    on_waiver = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 27)))
    # VS Code prefers Markdown (hover.contentFormat): the rule's reference section, fences rendered.
    assert on_waiver.contents.kind == types.MarkupKind.Markdown
    assert on_waiver.contents.value.startswith("### PLAN002 schema-violation\n")
    assert "```yaml\n" in on_waiver.contents.value
    flagged = next(d for d in diagnostics if d.code != "PLAN006")
    on_node = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=flagged.range.start))
    assert on_node.contents.value.startswith(f"### {flagged.code} ")
    nowhere = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(2, 0)))
    assert nowhere is None


async def test_configuration_is_reloaded_when_it_changes(client: LanguageClient, tmp_path):
    uri, diagnostics = await _open(client, tmp_path / "aiplan.yaml", PLAN)
    watched = [w["globPattern"] for r in client.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
               for w in r.register_options["watchers"]]
    assert "**/.aiplan.toml" in watched and "**/pyproject.toml" in watched
    assert "PLAN002" in {d.code for d in diagnostics}
    config = tmp_path / ".aiplan.toml"
    config.write_text('ignore = ["PLAN002"]\n', encoding="utf-8")
    seen = len(client.published)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)]))
    assert "PLAN002" not in {d.code for d in await _published(client, uri, 1, after=seen)}


async def test_a_broken_configuration_is_a_diagnostic_not_a_dead_server(client: LanguageClient, tmp_path):
    (tmp_path / ".aiplan.toml").write_text('select = ["NOPE999"]\n', encoding="utf-8")
    uri, diagnostics = await _open(client, tmp_path / "aiplan.yaml", PLAN)
    assert [d.message.split(":")[0] for d in diagnostics] == ["configuration error"]
    assert any("configuration error" in m.message for m in client.messages)


async def test_a_crashing_rule_is_reported_and_the_server_keeps_serving(crashing_client: LanguageClient, tmp_path):
    client = crashing_client
    uri, diagnostics = await _open(client, tmp_path / "aiplan.yaml", PLAN)
    crash = [d for d in diagnostics if d.code == "CRASH001"]
    assert len(crash) == 1 and "broken on purpose" in crash[0].message
    assert "PLAN002" in {d.code for d in diagnostics}   # the other rules still ran
    assert any("CRASH001" in m.message for m in client.log_messages)
    assert any("no_such_plugin_module" in m.message for m in client.log_messages)   # failed to load
    after = await _change(client, uri, 2, PLAN.replace("finetuning", "fine_tuning"))
    assert "PLAN002" not in {d.code for d in after}


async def test_closing_a_document_clears_its_diagnostics(client: LanguageClient, tmp_path):
    uri, diagnostics = await _open(client, tmp_path / "aiplan.yaml", PLAN)
    assert diagnostics
    seen = len(client.published)
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
    assert await _published(client, uri, after=seen) == []


async def test_a_burst_of_changes_ends_with_the_diagnostics_of_the_last(client: LanguageClient, tmp_path):
    uri, _ = await _open(client, tmp_path / "aiplan.yaml", PLAN)
    seen = len(client.published)
    texts = [PLAN.replace("finetuning", value) for value in ("fine", "fine_tun", "fine_tuning")]
    for version, text in enumerate(texts, start=2):
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangeWholeDocument(text=text)]))
    last = await _published(client, uri, 4, after=seen)
    path = tmp_path / "aiplan.yaml"
    path.write_text(texts[-1], encoding="utf-8")
    assert _codes(last) == _cli_findings(path)


async def _state(client: LanguageClient) -> dict:
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="aiplan.debugInformation"))


async def test_the_server_forgets_closed_documents(client: LanguageClient, tmp_path):
    start = await _state(client)
    uris = []
    for number in range(5):
        uri, _ = await _open(client, tmp_path / f"plan{number}.aiplan.yaml", PLAN + "status: drafft\n")
        await _change(client, uri, 2, PLAN.replace("finetuning", "rag"))
        everything = types.Range(types.Position(0, 0), types.Position(9, 0))
        await _actions(client, uri, types.Diagnostic(range=everything, message=""))
        uris.append(uri)
    middle = await _state(client)
    assert middle["linted"] == start["linted"] + 5
    for uri in uris:
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
    end = await _state(client)
    for key in ("open_documents", "linted", "pending", "cached_fixes", "in_flight"):
        assert end[key] == start[key], key


async def test_checks_that_read_data_files_run_on_open_and_save_not_while_typing(client: LanguageClient, tmp_path):
    import shutil

    fixture = TESTS / "fixtures" / "rules" / "EVID001"
    shutil.copytree(fixture / "data", tmp_path / "data")
    text = (fixture / "fail-counts-differ.aiplan.yaml").read_text(encoding="utf-8")
    path = tmp_path / "aiplan.yaml"
    uri, opened = await _open(client, path, text)
    assert _codes(opened) == _cli_findings(path)
    evidence = [d for d in opened if d.code == "EVID001"]
    assert evidence and evidence[0].related_information[0].location.uri == (tmp_path / "data" / "train.csv").as_uri()
    typed = await _change(client, uri, 2, text.replace("examples: 4200", "examples: 420"))
    assert "EVID001" not in {d.code for d in typed}
    seen = len(client.published)
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
    saved = await _published(client, uri, 2, after=seen)
    assert "EVID001" in {d.code for d in saved}
