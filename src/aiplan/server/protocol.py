"""``aiplan server``: the Language Server Protocol over standard input and output (pygls).

The editor sends each open YAML document; plan files (by name, or any YAML
with a top-level ``aiplan`` key) get diagnostics on open, on change (after a
short pause, so a burst of keystrokes is linted once) and on save. Code actions
apply a rule's fix, every fix, or add an inline waiver; hovering a rule ID in a
waiver comment or a flagged node shows ``aiplan explain``. Configuration is
re-read when a configuration file or policy pack changes (watched files, or a
save in the editor). What a lint means lives in :mod:`aiplan.server.session`;
this module only speaks the protocol.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Iterable

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import to_fs_path

from aiplan import __version__
from aiplan.config.files import CONFIG_NAMES
from aiplan.core.findings import FIX_LABEL, Finding, Severity
from aiplan.core.text import SourceText
from aiplan.run.discovery import is_plan_name
from aiplan.server.positions import LineIndex
from aiplan.server.session import Linted, Session, is_yaml, waiver_rule_at

log = logging.getLogger("aiplan.server")

SOURCE = "aiplan"
FIX_ALL = types.CodeActionKind.SourceFixAll + ".aiplan"
# Long enough to take a burst of changes (a paste, a multi-cursor edit, changes
# that queued while a lint ran) as one lint, short enough to stay well inside
# the 50 ms the issue allows between a change and its diagnostics (`bench/lsp.py`:
# linting a 300-line plan takes a few milliseconds).
DEBOUNCE_SECONDS = 0.01

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
DEBUG_COMMAND = "aiplan.debugInformation"
_WATCHED = ("**/pyproject.toml", "**/.aiplan.toml", "**/*.yaml", "**/*.yml")


class _Protocol(LanguageServerProtocol):
    """pygls's protocol, without its leak: pygls 2.1 keeps the future of every
    notification that one of its own handlers takes (didOpen, didChange,
    didClose...) in ``_request_futures`` for good, about 2 KB per keystroke
    (measured with ``bench/lsp.py``). Finished ones are dropped here."""

    def _handle_notification(self, method_name, params):
        super()._handle_notification(method_name, params)
        finished = [key for key, future in self._request_futures.items() if future.done()]
        for key in finished:
            del self._request_futures[key]


class AiplanLanguageServer(LanguageServer):
    """The server's state: the session, the latest lint of each open plan and
    the pending lints. Both dictionaries lose a document when it is closed."""

    def __init__(self, session: Session):
        super().__init__("aiplan", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full,
                         protocol_cls=_Protocol)
        self.session = session
        self.linted: dict[str, Linted] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.fix_all_cache: dict[str, tuple[str, str | None]] = {}
        self.warned: set[str] = set()   # the session's warnings already shown: each is shown once


# --------------------------------------------------------------------------
# Positions


def _encoding(ls: AiplanLanguageServer) -> str:
    return str(ls.workspace.position_encoding or "utf-16")


def _offset(source: SourceText, line: int, column: int) -> int:
    """aiplan's line/column as an offset; a column past its line's end means the end."""
    offset = source.offset(line, column)
    if offset is not None:
        return offset
    start = source.offset(line, 1)
    if start is None:
        return len(source.text)
    position = start
    while position < len(source.text) and source.text[position] not in "\r\n":  # aiplan.core.text's breaks
        position += 1
    return position


def _finding_offsets(source: SourceText, finding: Finding) -> tuple[int, int]:
    start = _offset(source, finding.line, finding.column)
    end = _offset(source, finding.end_line, finding.end_column)
    return start, max(start, end)


def _range(index: LineIndex, start: int, end: int) -> types.Range:
    (line, character), (end_line, end_character) = index.position(start), index.position(end)
    return types.Range(types.Position(line, character), types.Position(end_line, end_character))


# --------------------------------------------------------------------------
# Diagnostics


def _related(finding: Finding, cwd: str) -> list[types.DiagnosticRelatedInformation] | None:
    """The lines of data files a finding is about (evidence rules), as locations."""
    out = []
    for item in finding.related:
        path = item.path if os.path.isabs(item.path) else os.path.join(cwd, item.path)
        line = max(item.line - 1, 0)
        out.append(types.DiagnosticRelatedInformation(
            location=types.Location(uri=Path(path).as_uri(), range=types.Range(types.Position(line, 0),
                                                                                types.Position(line + 1, 0))),
            message=item.message or finding.message))
    return out or None


def diagnostics(linted: Linted, encoding: str, cwd: str = "") -> list[types.Diagnostic]:
    source, index = SourceText(linted.text), LineIndex(linted.text, encoding)
    out = []
    for finding in linted.result.findings:
        out.append(types.Diagnostic(
            related_information=_related(finding, cwd or os.getcwd()),
            range=_range(index, *_finding_offsets(source, finding)),
            severity=_SEVERITIES[finding.severity],
            code=finding.rule,
            code_description=types.CodeDescription(href=finding.url) if finding.url else None,
            source=SOURCE,
            message=f"{finding.message}\n{FIX_LABEL} {finding.fix}" if finding.fix else finding.message,
        ))
    top = types.Range(types.Position(0, 0), types.Position(0, len(index.line_text(0))))
    for error in linted.result.errors:
        out.append(types.Diagnostic(range=top, severity=types.DiagnosticSeverity.Error, code=error.rule or None,
                                    source=SOURCE, message=f"internal error: {error.describe()}"))
    if linted.problem:
        out.append(types.Diagnostic(range=top, severity=types.DiagnosticSeverity.Error, source=SOURCE,
                                    message=linted.problem))
    return out


def _report(ls: AiplanLanguageServer, uri: str, linted: Linted, previous: Linted | None) -> None:
    """Log what went wrong with the server or a plugin, once per new problem, not per keystroke."""
    seen = set(previous.result.errors) if previous is not None else set()
    for error in linted.result.errors:
        if error not in seen:
            _log(ls, types.MessageType.Error, f"{error.describe()} ({uri})")
    if linted.problem and (previous is None or previous.problem != linted.problem):
        _log(ls, types.MessageType.Error, f"{uri}: {linted.problem}")
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"aiplan: {linted.problem}"))
    for warning in ls.session.warnings:  # as `aiplan lint` prints them: once, not per keystroke
        if warning not in ls.warned:
            ls.warned.add(warning)
            _log(ls, types.MessageType.Warning, warning)
            ls.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"aiplan: warning: {warning}"))


def _log(ls: AiplanLanguageServer, kind: types.MessageType, message: str) -> None:
    log.warning("%s", message)
    ls.window_log_message(types.LogMessageParams(kind, f"aiplan: {message}"))


def _path(uri: str) -> str | None:
    return to_fs_path(uri) if uri.startswith("file:") else None


def lint_document(ls: AiplanLanguageServer, uri: str, *, on_save: bool = False) -> Linted | None:
    """Lint the open document's buffer now and publish its diagnostics."""
    handle = ls.pending.pop(uri, None)
    if handle is not None:
        handle.cancel()
    document = ls.workspace.text_documents.get(uri)
    if document is None:
        return None
    path = _path(uri)
    text = document.source
    if not is_yaml(path, document.language_id or "") or not ls.session.is_plan(path, text):
        if ls.linted.pop(uri, None) is not None:
            ls.fix_all_cache.pop(uri, None)
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, [], document.version))
        return None
    linted = ls.session.lint(path, text, on_save=on_save)
    previous = ls.linted.get(uri)
    ls.linted[uri] = linted
    ls.fix_all_cache.pop(uri, None)
    _report(ls, uri, linted, previous)
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri, diagnostics(linted, _encoding(ls), ls.session.cwd), document.version))
    return linted


def current(ls: AiplanLanguageServer, uri: str) -> Linted | None:
    """The lint of the buffer as it is now (linting it if a change is pending)."""
    document = ls.workspace.text_documents.get(uri)
    linted = ls.linted.get(uri)
    if document is None:
        return None
    if linted is None or linted.text != document.source:
        return lint_document(ls, uri)
    return linted


def relint_all(ls: AiplanLanguageServer) -> None:
    """Lint every open document again (the configuration changed)."""
    for uri in sorted(ls.workspace.text_documents):
        previous = ls.linted.get(uri)
        lint_document(ls, uri, on_save=previous is not None and previous.on_save)


def _schedule(ls: AiplanLanguageServer, uri: str) -> None:
    if uri in ls.pending:
        return   # the pending lint reads the buffer when it runs: it sees this change too
    loop = asyncio.get_running_loop()
    ls.pending[uri] = loop.call_later(DEBOUNCE_SECONDS, lambda: lint_document(ls, uri))


def _affects_configuration(ls: AiplanLanguageServer, path: str | None) -> bool:
    """A file whose change may change the configuration: a configuration file,
    or a YAML file that is not a plan (a policy pack)."""
    if path is None:
        return False
    name = os.path.basename(path)
    if name in CONFIG_NAMES or name.endswith(".toml"):
        return True
    return path.lower().endswith((".yaml", ".yml")) and not is_plan_name(name)


# --------------------------------------------------------------------------
# Code actions and hovers


def _replacement(old: str, new: str, index: LineIndex) -> types.TextEdit:
    """One edit that turns ``old`` into ``new``: from the start of the first
    changed line to the end of the change (never between CR and LF)."""
    prefix, limit = 0, min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    start = index.offset(index.position(prefix)[0], 0)
    end = len(old) - suffix
    if 0 < end < len(old) and old[end - 1] == "\r" and old[end] == "\n":
        end += 1
    return types.TextEdit(range=_range(index, start, end), new_text=new[start:len(new) - (len(old) - end)])


def _action(title: str, kind: str, uri: str, linted: Linted, new_text: str, index: LineIndex,
            diagnostics_: list[types.Diagnostic] | None = None, preferred: bool = False) -> types.CodeAction:
    return types.CodeAction(
        title=title, kind=kind, diagnostics=diagnostics_, is_preferred=preferred or None,
        edit=types.WorkspaceEdit(changes={uri: [_replacement(linted.text, new_text, index)]}),
    )


def _wanted(only: Iterable[str] | None, kind: str) -> bool:
    return only is None or any(kind == k or kind.startswith(k + ".") for k in only)


def code_actions(ls: AiplanLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    linted = current(ls, uri)
    if linted is None or linted.context is None:
        return None
    only = params.context.only
    index, source = LineIndex(linted.text, _encoding(ls)), SourceText(linted.text)
    first = index.offset(params.range.start.line, params.range.start.character)
    last = index.offset(params.range.end.line, params.range.end.character)
    by_finding = dict(zip(linted.result.findings, diagnostics(linted, _encoding(ls), ls.session.cwd)))
    actions: list[types.CodeAction] = []
    for finding in linted.result.findings:
        start, end = _finding_offsets(source, finding)
        if not (start <= last and first <= end):
            continue
        shown = [by_finding[finding]]
        if finding.edits and _wanted(only, types.CodeActionKind.QuickFix):
            fixed = ls.session.fix_one(linted, finding)
            if fixed is not None:
                actions.append(_action(f"Fix {finding.rule} ({finding.name})", types.CodeActionKind.QuickFix,
                                       uri, linted, fixed, index, shown, preferred=True))
        if _wanted(only, types.CodeActionKind.QuickFix):
            waived = ls.session.waive(linted, finding)
            if waived is not None:
                actions.append(_action(f"Waive {finding.rule} here with an inline comment (give the reason)",
                                       types.CodeActionKind.QuickFix, uri, linted, waived, index, shown))
    if _wanted(only, FIX_ALL) and any(f.edits for f in linted.result.findings):
        cached = ls.fix_all_cache.get(uri)
        if cached is None or cached[0] != linted.text:
            cached = (linted.text, ls.session.fix_all(linted))
            ls.fix_all_cache[uri] = cached
        if cached[1] is not None:
            actions.append(_action("Fix all aiplan findings that have a safe fix", FIX_ALL, uri, linted,
                                   cached[1], index))
    return actions


def hover(ls: AiplanLanguageServer, params: types.HoverParams) -> types.Hover | None:
    linted = current(ls, params.text_document.uri)
    if linted is None:
        return None
    index, source = LineIndex(linted.text, _encoding(ls)), SourceText(linted.text)
    offset = index.offset(params.position.line, params.position.character)
    rule = waiver_rule_at(linted.text, offset)
    if rule is not None:
        rule_ids = [rule]
    else:
        rule_ids = [f.rule for f in linted.result.findings
                    if _finding_offsets(source, f)[0] <= offset <= _finding_offsets(source, f)[1]]
    kind = hover_format(ls.client_capabilities)
    text = ls.session.explain(linted, rule_ids, markdown=kind == types.MarkupKind.Markdown)
    if not text:
        return None
    return types.Hover(contents=types.MarkupContent(kind=kind, value=text))


def hover_format(capabilities: types.ClientCapabilities | None) -> types.MarkupKind:
    """The format the client prefers for hovers: the first of its
    ``hover.contentFormat`` it names (LSP: in order of preference) that aiplan
    writes; plain text when it names none."""
    text_document = getattr(capabilities, "text_document", None)
    formats = getattr(getattr(text_document, "hover", None), "content_format", None) or ()
    for kind in formats:
        if kind in (types.MarkupKind.Markdown, types.MarkupKind.PlainText):
            return types.MarkupKind(kind)
    return types.MarkupKind.PlainText


# --------------------------------------------------------------------------
# The server


def build_server(session: Session) -> AiplanLanguageServer:
    server = AiplanLanguageServer(session)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: AiplanLanguageServer, params: types.InitializedParams) -> None:
        for error in ls.session.plugin_errors:
            _log(ls, types.MessageType.Error, error.describe())
        watch = ls.client_capabilities.workspace
        dynamic = watch is not None and watch.did_change_watched_files is not None \
            and watch.did_change_watched_files.dynamic_registration
        if dynamic:
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in _WATCHED])
            try:
                await ls.client_register_capability_async(types.RegistrationParams(registrations=[
                    types.Registration(id="aiplan-configuration", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                       register_options=options)]))
            except Exception as exc:  # noqa: BLE001 - saves still reload the configuration
                log.warning("the client refused to watch configuration files: %s", exc)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: AiplanLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        # Just opened, the buffer is what is on disk: checks that read data files may run.
        lint_document(ls, params.text_document.uri, on_save=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: AiplanLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        _schedule(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: AiplanLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri not in ls.linted and _affects_configuration(ls, _path(uri)):
            ls.session.reload()
            relint_all(ls)
            return
        lint_document(ls, uri, on_save=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: AiplanLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        handle = ls.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        ls.fix_all_cache.pop(uri, None)
        if ls.linted.pop(uri, None) is not None:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: AiplanLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(change.uri not in ls.linted and _affects_configuration(ls, _path(change.uri))
               for change in params.changes):
            ls.session.reload()
            relint_all(ls)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]))
    def code_action(ls: AiplanLanguageServer, params: types.CodeActionParams):
        return code_actions(ls, params)

    @server.command(DEBUG_COMMAND)
    def debug_information(ls: AiplanLanguageServer, *args) -> dict:
        """What the server holds, for bug reports (and the test that it forgets closed documents)."""
        return {"version": __version__, "open_documents": len(ls.workspace.text_documents),
                "linted": len(ls.linted), "pending": len(ls.pending), "cached_fixes": len(ls.fix_all_cache),
                "in_flight": len(ls.protocol._request_futures),
                "plugin_errors": [error.describe() for error in ls.session.plugin_errors]}

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: AiplanLanguageServer, params: types.HoverParams):
        return hover(ls, params)

    return server
