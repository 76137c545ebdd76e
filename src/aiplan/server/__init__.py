"""``aiplan server``: aiplan as a language server (the ``aiplan[server]`` extra).

Nothing here is imported unless the server runs: ``aiplan lint`` never loads
pygls. :func:`serve` builds the rule set and the session, then speaks the
protocol on standard input and output until the editor shuts it down.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from importlib.util import find_spec

from aiplan.plugins.manager import disabled_by_environment, load_rule_set
from aiplan.server.session import Session

MISSING_EXTRA = ("aiplan server needs its `server` extra (pygls), which is not installed here; "
                 "install it into aiplan's environment: pip install 'pygls>=2,<3' "
                 "(pipx: pipx inject aiplan 'pygls>=2,<3'; from a clone: pip install './aiplan[server]')")


def server_available() -> bool:
    """Whether pygls (the ``server`` extra) can be imported."""
    return find_spec("pygls") is not None and find_spec("lsprotocol") is not None


def serve(settings) -> None:
    """Run the language server on standard input and output (blocks)."""
    from aiplan.server.protocol import build_server  # pygls, the optional `server` extra: only once known installed

    # Standard output carries the protocol; everything else is logged to standard error.
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(levelname)s: %(message)s")
    disabled = disabled_by_environment()
    rule_set = load_rule_set(entry_points=not settings.no_plugins, disabled=disabled,
                             extra_modules=settings.plugin_modules)
    session = Session(rule_set.rules, replace(settings, disabled_plugins=disabled),
                      plugin_errors=rule_set.errors)
    build_server(session).start_io()
