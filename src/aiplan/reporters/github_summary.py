"""The Markdown job summary for GitHub Actions (``$GITHUB_STEP_SUMMARY``).

GitHub shows at most ten annotations of each kind per step; the summary lists
every finding in one table, with links to the rules' documentation. GitHub
rejects a step summary over 1 MiB, so the table stops at a byte budget (what
is left of the step's file, at most :data:`BUDGET`) with a note saying how
many findings it leaves out.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import stat

from aiplan.core.findings import Severity
from aiplan.fileio import atomic_write
from aiplan.reporters import neutralise_hashes
from aiplan.reporters.text import summary_line, visible
from aiplan.run import codec
from aiplan.run.runner import RunResult

STEP_SUMMARY_LIMIT = 1024 * 1024
BUDGET = 256 * 1024
_ICONS = {Severity.ERROR: "\N{CROSS MARK}", Severity.WARNING: "\N{WARNING SIGN}\ufe0f", Severity.INFO: "\N{INFORMATION SOURCE}\ufe0f"}
# The characters that mean something inside a GFM table cell: code spans,
# emphasis, links and images, HTML and entities, strikethrough, issue
# references, math, the cell separator, and the backslash itself. CommonMark
# lets a backslash escape any ASCII punctuation, which then shows as itself.
_MARKDOWN = frozenset("\\`*_[]<>&|~!#$")
_BACKTICKS = re.compile("`+")


def plain(text: str) -> str:
    """Plan text as literal Markdown inline content for one table cell."""
    return "".join("\\" + ch if ch in _MARKDOWN else ch for ch in visible(text))


def code(text: str) -> str:
    """Plan text as an inline code span for one table cell: nothing in it is a
    link (GitHub autolinks bare URLs and ``www.`` names in ordinary text, and
    a link swallows the escaping around it), HTML, emphasis or a reference.
    The fence is one backtick longer than any run inside; ``|`` still needs
    its backslash, since GFM splits table cells before reading code spans.
    Nothing else is escaped in it (code shows backslashes as they are)."""
    # No "##[" / "##vso[" either: a summary's Markdown is sometimes printed to a log.
    text = neutralise_hashes(visible(text)).replace("|", "\\|")
    if not text:
        return ""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    # A leading or trailing backtick (or a space at both ends) needs a space inside the fence.
    pad = " " if text[0] == "`" or text[-1] == "`" or (text[0] == " " and text[-1] == " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def render(run, rules, *, budget: int = BUDGET, **_options) -> str:
    counts = run.counts()
    total = sum(counts.values())
    head = ["## aiplan", "", plain(summary_line(run)), ""] + _baseline_note(run)
    if total:
        head += ["| severity | findings |", "|---|---|"]
        head += [f"| {_ICONS[s]} {s.value} | {counts[s.value]} |" for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)]
        head += ["", "| | rule | location | finding | fix |", "|---|---|---|---|---|"]
    text = "\n".join(head) + "\n"
    tail_parts = []
    if run.internal_errors:
        tail_parts += ["", "**Internal errors** (a rule or plugin failed; exit status 3):", ""]
        tail_parts += [f"- {plain(error.describe())}" for error in run.internal_errors]
    tail = "\n".join(tail_parts) + ("\n" if tail_parts else "")

    used = _utf8_size(text) + _utf8_size(tail)
    shown = 0
    rows = []
    findings = run.findings
    for finding in findings:
        row = _row(finding, rules) + "\n"
        size = _utf8_size(row)
        if used + size > budget - 512:  # room for the note below
            break
        rows.append(row)
        used += size
        shown += 1
    text += "".join(rows)
    if shown < len(findings):
        left = len(findings) - shown
        text += (f"\n_{left} more finding{'s' * (left != 1)} not shown: GitHub limits the size of a step summary. "
                 "The job log lists all of them._\n")
    return text + tail


def _baseline_note(run) -> list[str]:
    """What a --baseline hid, and how many of its entries are stale (the log lists them)."""
    baseline = getattr(run, "baseline", None)
    if baseline is None:
        return []
    known = baseline.matched
    note = f"Baseline {code(baseline.file)}: {known} known finding{'s' * (known != 1)} not shown."
    stale = sum(entry.count for entry in baseline.stale)
    if stale:
        note += (f" {stale} entr{'ies no longer match' if stale != 1 else 'y no longer matches'}; shrink it with "
                 f"{code('aiplan lint --write-baseline ' + baseline.file)}.")
    return [note, ""]


def _row(finding, rules) -> str:
    rule = rules.get(finding.rule)
    url = finding.url or (rule.url if rule is not None else "")
    name = f"{finding.rule} {plain(finding.name)}"
    linked = f"[{name}]({_link(url)})" if url else name
    where = code(f"{finding.path}:{finding.line}:{finding.column}")
    return (f"| {_ICONS[finding.severity]} | {linked} | {where} | {code(finding.message)} "
            f"| {code(finding.fix)} |")


def _link(url: str) -> str:
    # A link destination ends at a space or parenthesis; rule URLs have neither,
    # but a plugin's could.
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def append(path: str, markdown: str) -> None:
    """Append to the step summary: never overwrite what earlier commands wrote,
    and never take the file past GitHub's limit."""
    try:
        existing = os.path.getsize(path)
    except OSError:
        existing = 0
    data = ("\n" + markdown if existing else markdown).encode("utf-8", "replace")
    if existing + len(data) > STEP_SUMMARY_LIMIT:
        return
    # One write to a file opened for appending: parallel aiplan processes (pre-commit
    # batches) append whole summaries, never interleaved pieces.
    with open(path, "ab") as handle:
        handle.write(data)


def budget_for(path: str) -> int:
    """What the summary may take, given what the step's file already holds."""
    try:
        existing = os.path.getsize(path)
    except OSError:
        existing = 0
    return max(0, min(BUDGET, STEP_SUMMARY_LIMIT - existing - 4096))


# -- one section per run when a run is split into processes (pre-commit batches)

def section_key(environ) -> str | None:
    """What identifies one run split over several aiplan processes, or ``None``
    when this process is the whole run. pre-commit (``PRE_COMMIT=1``) runs a
    hook as parallel batches of files, each a child of the same pre-commit
    process; they share one step summary section."""
    if environ.get("PRE_COMMIT") != "1":
        return None
    return f"pre-commit:{os.getppid()}"


def _state_dir(environ) -> str | None:
    """A directory only this user writes: the job's ``RUNNER_TEMP`` on GitHub
    runners, else a private directory under the system's temporary one."""
    runner_temp = environ.get("RUNNER_TEMP", "")
    if runner_temp and os.path.isdir(runner_temp):
        return runner_temp
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # Windows: no coordination, one section per batch
        return None
    import tempfile  # start-up: only without RUNNER_TEMP

    directory = os.path.join(tempfile.gettempdir(), f"aiplan-{getuid()}")
    try:
        os.mkdir(directory, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(directory)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != getuid() or info.st_mode & 0o077:
        return None  # not ours, or readable by others: do not trust it
    return directory


def write_section(path: str, run, rules, key: str, environ) -> bool:
    """Add this process's results to the run's one section of the step summary
    at ``path``, rewriting that section in place: each batch of the run, under
    a lock, merges its files into the run's state and renders the section anew
    from where it started. ``False`` when it cannot coordinate (no private
    directory, no file locks): the caller then appends a section of its own."""
    try:
        import fcntl  # POSIX only
    except ImportError:  # pragma: no cover - Windows
        return False
    directory = _state_dir(environ)
    if directory is None:
        return False
    encoded = [codec.encode(result) for result in run.files]
    if any(item is None for item in encoded):
        return False
    name = hashlib.sha256(f"{key}\0{os.path.abspath(path)}".encode("utf-8", "surrogatepass")).hexdigest()[:24]
    base = os.path.join(directory, f"aiplan-summary-{name}")
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    lock = os.open(base + ".lock", flags, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = _read_state(base + ".state", marshal)
        try:
            size = os.path.getsize(path)
        except OSError:
            size = 0
        earlier = []
        if state is not None and _section_starts(path, state["offset"], size):
            try:
                earlier = [codec.decode(item) for item in state["files"]]
            except (ValueError, TypeError):
                state = None
        else:
            state = None
        if state is None:
            state = {"offset": size, "files": []}
        state["files"] = state["files"] + encoded
        merged = RunResult(files=tuple(earlier) + run.files, errors=run.errors)
        offset = state["offset"]
        budget = max(0, min(BUDGET, STEP_SUMMARY_LIMIT - offset - 4096))
        data = (("\n" if offset else "") + render(merged, rules, budget=budget)).encode("utf-8", "replace")
        if offset + len(data) > STEP_SUMMARY_LIMIT:
            return True  # as append(): never past GitHub's limit
        with open(path, "ab") as handle:
            handle.truncate(offset)
            handle.write(data)
        atomic_write(base + ".state", marshal.dumps(state))
        return True
    finally:
        os.close(lock)


def _read_state(path: str, marshal) -> dict | None:
    try:
        with open(path, "rb") as handle:
            state = marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(state, dict) or not isinstance(state.get("offset"), int) or not isinstance(state.get("files"), list):
        return None
    return state


def _section_starts(path: str, offset: int, size: int) -> bool:
    """Whether the run's section still starts at ``offset`` of the file (nobody
    truncated or replaced it since)."""
    if offset > size:
        return False
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            head = handle.read(16)
    except OSError:
        return False
    return head.lstrip(b"\n").startswith(b"## aiplan")
