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

    gc.set_threshold(200_000, 30, 30)
    _skip_absent_catalogues()
    from aiplan.cli.main import run as run_command

    run_command()


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
