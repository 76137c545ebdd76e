"""The command line. :func:`run` is the ``aiplan`` console script and ``python -m aiplan``."""


def run() -> None:
    """Run the ``aiplan`` command (:func:`aiplan.cli.main.run`), with the cyclic garbage
    collector running less often from the first import on (mypy's setting).

    Start-up allocates tens of thousands of objects that all live to the end, and
    linting makes almost no reference cycles (measured: the same peak memory over
    10,000 plans with the collector off). Set before click and the rest are imported,
    the threshold also spares the collections their imports would trigger (about
    5 M instructions, callgrind), which is why this is not in :mod:`aiplan.cli.main`.
    """
    import gc
    import sys

    gc.set_threshold(200_000, 30, 30)
    values = _fast_lint_values(sys.argv[1:])
    if values is not None:
        from aiplan.cli.common import exit_after

        exit_after(lambda: lint_without_click(values))
    _skip_absent_catalogues()
    from aiplan.cli.main import run as run_command

    run_command()


def _fast_lint_values(args: list[str]) -> dict | None:
    """The values of ``lint``'s parameters when ``args`` is an ``aiplan lint`` command line that can
    run without click (:func:`lint_without_click`), else ``None``: help, completion, errors, the
    other commands and every option the fast path does not parse go to click."""
    import os

    if args[:1] != ["lint"] or os.name != "posix":  # click expands wildcards in arguments on Windows
        return None
    # Completion (click's `_{PROG}_COMPLETE`) and AIPLAN_DEBUG's traceback through click's frames.
    if "_AIPLAN_COMPLETE" in os.environ or os.environ.get("AIPLAN_DEBUG"):
        return None
    from aiplan.cli.terminal import streams_are_plain

    if not streams_are_plain():
        return None
    from aiplan.cli.lint import fast_lint_parameters

    return fast_lint_parameters(args[1:])


def lint_without_click(values: dict) -> None:
    """``aiplan lint`` with ``values`` as click would run it: the same output and exit code, what
    ``AiplanGroup.main`` and ``invoke`` and click's ``main`` do with each way a command ends,
    and a usage error shown by click itself (imported then: it needs the usage line)."""
    import sys

    from aiplan.cli.common import EXIT_OK, UsageProblem, end_command
    from aiplan.cli.lint import lint_plans, tolerate_narrow_encodings

    tolerate_narrow_encodings()
    try:
        lint_plans(**values)
    except UsageProblem as exc:
        _show_usage_error(str(exc))
    except (KeyboardInterrupt, Exception) as exc:
        end_command(exc)
    sys.exit(EXIT_OK)  # as click's main ends a command that returns


def _show_usage_error(message: str) -> None:
    """Report ``message`` as click reports a ``UsageError`` raised by ``aiplan lint``, and exit."""
    import sys

    import click  # only now: the usage line is click's

    from aiplan.cli.main import lint, main

    parent = click.Context(main, info_name="aiplan", **main.context_settings)
    error = click.UsageError(message, click.Context(lint, info_name="lint", parent=parent))
    error.show()
    sys.exit(error.exit_code)


def _skip_absent_catalogues() -> None:
    """Let ``gettext`` answer "no translation" without importing ``locale`` when no catalogue can exist.

    click translates its own texts (``_("Show this message and exit.")``) while the command is
    built and parsed. ``gettext.find`` normalises each language name with ``locale.normalize``
    first, and importing ``locale`` costs about 3.7 M instructions (callgrind), 1% of a
    pre-commit run, only to then look for ``<lang>/LC_MESSAGES/messages.mo`` under
    ``sys.base_prefix/share/locale``. When that folder does not exist (pyenv, the python Docker
    images), no such file exists for any language, so ``find`` finds nothing whatever the
    language: the wrapper returns that at once, checking the folder on every call, and leaves
    every other call (another folder, a folder that exists) to ``gettext.find`` itself. POSIX
    only: there a path through a missing folder never resolves, whatever the language name holds.
    """
    import gettext
    import os

    original = gettext.find
    if hasattr(original, "__wrapped__"):  # installed by an earlier run() in this process: do not nest
        return
    default = getattr(gettext, "_default_localedir", None)
    if os.name != "posix" or not isinstance(default, str) or os.path.exists(default):
        return

    def find(domain, localedir=None, languages=None, all=False):  # noqa: A002 - gettext.find's signature
        if localedir is None and not os.path.exists(default):
            return [] if all else None
        return original(domain, localedir, languages, all)

    find.__wrapped__ = original  # type: ignore[attr-defined]
    gettext.find = find
