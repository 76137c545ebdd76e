"""Hook markers: the leaf every plugin and the built-in rules import (only pluggy below it).

Kept apart from the hook specifications (``aiplan.plugins.hookspecs``) so that
registering a hook implementation never imports the plugin manager.
"""

from __future__ import annotations

import pluggy

PROJECT = "aiplan"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
