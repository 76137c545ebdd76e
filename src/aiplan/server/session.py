"""What the language server asks of aiplan, without the protocol.

Everything here goes through the engine the command line uses: the nearest
configuration file is found by the same :class:`~aiplan.config.resolve.Resolver`,
a buffer is linted by :func:`~aiplan.lint.engine.lint_bytes` as ``aiplan lint``
lints a file with the same bytes, fixes are the ones ``--fix`` makes
(:mod:`aiplan.fix.fixer`) and hovers show ``aiplan explain``. Only the text
comes from the editor: an unsaved buffer is linted as it is, never read from disk.

Each action returns the document's whole new text; the protocol layer turns
old and new text into the smallest edit.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import replace
from typing import Callable, Iterable, Mapping

from aiplan.config.resolve import Resolver
from aiplan.config.selection import ConfigError
from aiplan.core.findings import FileResult, Finding, InternalError
from aiplan.core.records import Record
from aiplan.core.rule import Rule
from aiplan.docs import render_rule_markdown, render_rule_text
from aiplan.fix.fixer import about_form, fix_bytes, fix_one
from aiplan.lint import suppressions
from aiplan.core.text import LINE_BREAK, SourceText
from aiplan.lint.engine import LintContext, lint_bytes
from aiplan.lint.suppressions import REASON_PLACEHOLDER, UNSUPPRESSIBLE
from aiplan.parse.loader import load_bytes, load_text
from aiplan.run.discovery import Target, display as display_path, is_plan_name

log = logging.getLogger("aiplan.server")

YAML_SUFFIXES = (".yaml", ".yml")
# `# aiplan: ignore[FT003, FT004]`: the rule list of a waiver comment, for hovers.
_WAIVER_RULES = re.compile(r"#[ \t]*aiplan[ \t]*:[ \t]*ignore(?:-file)?[ \t]*\[(?P<rules>[^\]\r\n]*)\]")
_RULE_TOKEN = re.compile(r"[A-Za-z0-9_]+")


class ServerSettings(Record):
    """The command line of ``aiplan server``: the same settings ``aiplan lint`` takes."""

    config_file: str | None = None
    isolated: bool = False
    policy_packs: tuple[str, ...] = ()
    no_plugins: bool = False
    plugin_modules: tuple[str, ...] = ()
    disabled_plugins: tuple[str, ...] = ()   # AIPLAN_DISABLE_PLUGINS


class Linted(Record):
    """One lint of one version of a document."""

    path: str | None                  # None: an untitled buffer
    text: str
    result: FileResult
    context: LintContext | None       # None when the configuration is broken
    problem: str = ""                 # why there are no findings: a broken configuration, a crash
    on_save: bool = False


def evidence_context(ctx: LintContext, on_save: bool) -> LintContext:
    """The context to lint a buffer with. Checks that read data files (the EVID
    rules' evidence) run when the plan is opened or saved only: reading datasets
    on every keystroke would make typing slow."""
    return ctx if on_save else replace(ctx, evidence=False)


def is_yaml(path: str | None, language_id: str = "") -> bool:
    return language_id == "yaml" or (path is not None and path.lower().endswith(YAML_SUFFIXES))


class Session:
    """The rules, the configuration and the actions of one server."""

    def __init__(self, rules: Mapping[str, Rule], settings: ServerSettings = ServerSettings(),
                 cwd: str | None = None, plugin_errors: Iterable[InternalError] = ()):
        self.rules = dict(rules)
        self.settings = settings
        self.cwd = cwd or os.getcwd()
        self.plugin_errors = tuple(plugin_errors)
        self.resolver: Resolver | None = None   # None while the configuration is broken (`broken` says why)
        self.broken = ""
        self.reload()

    def reload(self) -> None:
        """Read configuration files and policy packs afresh (one of them changed)."""
        settings = self.settings
        # Rules of plugins that are turned off are unknown: naming them only warns, as in `aiplan lint`.
        lenient = settings.no_plugins or bool(settings.disabled_plugins)
        try:
            # With a plugin turned off, an ID no rule here has may be its rule: no superseder is unknown then.
            self.resolver = Resolver(self.rules, config_path=settings.config_file, isolated=settings.isolated,
                                     cli_packs=settings.policy_packs, lenient=lenient, complete=not lenient)
            self.broken = ""
        except ConfigError as exc:   # --config names a broken file: every lint says so
            self.resolver, self.broken = None, str(exc)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What ``aiplan lint`` would warn about the configuration and the rule set so far
        (a plugin rule's `superseded_by` naming no rule...), from the resolver's same checks."""
        return tuple(self.resolver.warnings) if self.resolver is not None else ()

    def _resolve_as(self, path: str | None) -> str:
        # An untitled buffer is linted as if it were a plan in the working directory.
        return path if path is not None else os.path.join(self.cwd, "aiplan.yaml")

    def display(self, path: str | None) -> str:
        return display_path(path, self.cwd) if path is not None else "<untitled>"

    def context(self, path: str | None) -> LintContext:
        """The lint context of the file at ``path``; raises :class:`ConfigError`."""
        if self.resolver is None:
            raise ConfigError(self.broken)
        return self.resolver.resolve_path(self._resolve_as(path)).context

    # -- which documents are plans --------------------------------------------

    def is_plan(self, path: str | None, text: str) -> bool:
        """A plan file by name, or a YAML text with a top-level ``aiplan`` key in
        one of its documents, and not excluded by its configuration."""
        if path is None or not is_plan_name(os.path.basename(path)):
            if "aiplan" not in text or not _has_aiplan_key(text):
                return False
        if path is None or self.resolver is None:
            return True
        try:
            return not self.resolver.is_excluded(Target(path, self.display(path), False), force=True)
        except ConfigError:
            return True   # linting it reports the broken configuration

    # -- linting ----------------------------------------------------------------

    def lint(self, path: str | None, text: str, *, on_save: bool = False) -> Linted:
        """Lint a buffer as ``aiplan lint`` lints a file holding the same text.
        Never raises: a broken configuration or a crash becomes ``problem``."""
        shown = self.display(path)
        try:
            ctx = evidence_context(self.context(path), on_save)
        except ConfigError as exc:
            return Linted(path, text, FileResult(shown), None, f"configuration error: {exc}", on_save)
        try:
            result = self._lint_text(text, path, ctx)
        except Exception as exc:  # noqa: BLE001 - the engine isolates rules; this is the last resort
            log.exception("aiplan failed on %s", shown)
            return Linted(path, text, FileResult(shown), ctx,
                          f"aiplan failed on this file ({type(exc).__name__}: {exc}); its findings are missing",
                          on_save)
        return Linted(path, text, result, ctx, "", on_save)

    def _lint_text(self, text: str, path: str | None, ctx: LintContext) -> FileResult:
        return self._linter(path, ctx)(_encode(text))

    def _linter(self, path: str | None, ctx: LintContext) -> Callable[[bytes], FileResult]:
        """Bytes -> result, as ``aiplan lint`` (and ``--fix``) lint the file at ``path``."""
        shown = self.display(path)
        base_dir = os.path.dirname(os.path.abspath(self._resolve_as(path)))

        def lint(data: bytes) -> FileResult:
            return lint_bytes(data, shown, ctx, base_dir=base_dir)

        return lint

    def _parse(self, path: str | None, ctx: LintContext):
        shown = self.display(path)
        return lambda data: load_bytes(data, shown, ctx.config.limits)

    # -- fixes ------------------------------------------------------------------

    def fix_all(self, linted: Linted) -> str | None:
        """The text after every safe fix, as ``aiplan lint --fix`` writes it; ``None``: nothing to fix."""
        if linted.context is None or not any(f.edits for f in linted.result.findings):
            return None
        lint = self._linter(linted.path, linted.context)
        data = _encode(linted.text)
        fixed = fix_bytes(data, lambda b: linted.result if b == data else lint(b),
                          parse=self._parse(linted.path, linted.context))
        return fixed.fixed.decode("utf-8") if fixed.changed else None

    def fix_one(self, linted: Linted, finding: Finding) -> str | None:
        """The text with ``finding``'s fix alone, if ``--fix`` would accept it."""
        if linted.context is None or not finding.edits:
            return None
        fixed = fix_one(_encode(linted.text), linted.result, finding, self._linter(linted.path, linted.context),
                        parse=self._parse(linted.path, linted.context))
        return fixed.decode("utf-8") if fixed is not None else None

    # -- waivers ----------------------------------------------------------------

    def waive(self, linted: Linted, finding: Finding) -> str | None:
        """The text with an inline waiver of ``finding`` whose reason is a
        placeholder (PLAN005 asks for a real one): the rule added to a waiver
        that already covers the line, else a comment line above it, else a
        trailing comment. Each candidate is linted: it must waive the finding
        and add no problem with the document's form. ``None``: none works."""
        if linted.context is None or finding.rule in UNSUPPRESSIBLE or finding not in linted.result.findings:
            return None
        lint = self._linter(linted.path, linted.context)
        for candidate in self._waiver_candidates(linted, finding):
            if candidate is not None and _waives(linted.result, lint(_encode(candidate)), finding):
                return candidate
        return None

    def _waiver_candidates(self, linted: Linted, finding: Finding):
        text = linted.text
        source = SourceText(text)
        yield self._extend_waiver(linted, finding, source)
        start = source.offset(finding.line, 1)
        if start is None:
            return
        match = LINE_BREAK.search(text, start)
        end = match.start() if match else len(text)
        line = text[start:end]
        comment = f"# aiplan: ignore[{finding.rule}] -- {REASON_PLACEHOLDER}"
        indent = line[:len(line) - len(line.lstrip(" "))]
        first_break = LINE_BREAK.search(text)
        newline = first_break.group() if first_break else "\n"
        yield text[:start] + indent + comment + newline + text[start:]
        yield text[:end] + "  " + comment + text[end:]

    def _extend_waiver(self, linted: Linted, finding: Finding, source) -> str | None:
        """Add the rule to an ``ignore`` waiver that already applies to the finding's line."""
        assert linted.context is not None
        loaded = self._parse(linted.path, linted.context)(_encode(linted.text))
        for item in suppressions.scan(linted.text, loaded.documents).suppressions:
            if item.kind != "ignore" or item.target_line != finding.line:   # a line waiver, by line (as the engine applies it)
                continue
            begin = source.offset(item.line, item.column)
            opening, closing = item.text.find("["), item.text.find("]")
            if begin is None or opening < 0 or closing < opening:
                continue
            rules = ", ".join(item.rules + (finding.rule,))
            return linted.text[:begin + opening + 1] + rules + linted.text[begin + closing:]
        return None

    # -- documentation ----------------------------------------------------------

    def rules_for(self, linted: Linted | None) -> Mapping[str, Rule]:
        """The rules a document can see: plugins' and its policy packs'."""
        if linted is not None and linted.context is not None:
            return linted.context.rules
        return self.rules

    def explain(self, linted: Linted | None, rule_ids: Iterable[str], markdown: bool = False) -> str:
        """``aiplan explain`` for each rule, in order, separated by a rule line;
        ``markdown``: the rule's reference section (docs/rules.md), whose examples
        are fenced YAML an editor renders, instead of the terminal text."""
        rules = self.rules_for(linted)
        render = (lambda item: render_rule_markdown(item, level=3)) if markdown else render_rule_text
        texts = [render(rules[r]) for r in dict.fromkeys(rule_ids) if r in rules]
        return "\n\n---\n\n".join(text.rstrip("\n") for text in texts)


def waiver_rule_at(text: str, offset: int) -> str | None:
    """The rule ID under ``offset`` in a waiver comment's rule list, if it is one."""
    start = max((m.end() for m in LINE_BREAK.finditer(text, 0, offset)), default=0)
    match = LINE_BREAK.search(text, offset)
    end = match.start() if match else len(text)
    line = text[start:end]
    column = offset - start
    for waiver in _WAIVER_RULES.finditer(line):
        for token in _RULE_TOKEN.finditer(waiver.group("rules")):
            first = waiver.start("rules") + token.start()
            if first <= column <= first + len(token.group()):
                return token.group().upper()
    return None


def _has_aiplan_key(text: str) -> bool:
    return any(isinstance(plan.data, dict) and "aiplan" in plan.data for plan in load_text(text).documents)


def _encode(text: str) -> bytes:
    # What the editor would write on save; a lone surrogate stays visible to the loader.
    return text.encode("utf-8", errors="surrogatepass")


def _waives(before: FileResult, after: FileResult, finding: Finding) -> bool:
    if not any(f.fingerprint == finding.fingerprint for f in after.suppressed):
        return False
    if any(f.fingerprint == finding.fingerprint and f.rule == finding.rule for f in after.findings):
        return False
    had = {(f.rule, f.message) for f in before.findings}
    return not any(about_form(f) and (f.rule, f.message) not in had for f in after.findings)
