"""Numbers read from TOML and YAML, where a count may be written as a whole float."""

from __future__ import annotations

from typing import Any


def counted(value: Any) -> Any:
    """A whole float (`3.0`, TOML's float) as the ``int`` it is; anything else unchanged.

    JSON Schema's ``integer`` takes `3.0` as 3; so do the configuration's limits and rule
    options, so that the value is 3 everywhere after (`3 levels`, not `3.0 levels`; a count a
    slice or ``range`` uses). `500.5` stays a float, for the caller to refuse."""
    return int(value) if type(value) is float and value.is_integer() else value
