"""Evidence results as builtin values, for the results cache (and back).

A data file's profile and a training pass are frozen dataclasses of strings,
numbers, booleans and tuples; they are stored as nested tuples tagged with
their class name (a dict: data values are never dicts), so that reading a stored entry only ever builds these
records (nothing in an entry names a function to call). Anything unexpected
raises ``ValueError``: the caller then reads the data again.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

from aiplan.evidence.corpus import CorpusProfile
from aiplan.evidence.overlap import Contamination, Overlap, TrainingPass
from aiplan.evidence.profile import Profile

RECORDS = {cls.__name__: cls for cls in (Profile, Overlap, Contamination, TrainingPass, CorpusProfile)}
_PLAIN = (str, int, float, bool, type(None))


def to_builtin(value: Any) -> Any:
    """``value`` as tuples, strings and numbers (a record: ``{"record": name, "fields": (...)}``)."""
    if is_dataclass(value) and type(value).__name__ in RECORDS:
        return {"record": type(value).__name__,
                "fields": tuple(to_builtin(getattr(value, f.name)) for f in fields(value))}
    if isinstance(value, tuple):
        return tuple(to_builtin(item) for item in value)
    if isinstance(value, _PLAIN):
        return value
    raise ValueError(f"cannot store a {type(value).__name__}")


def from_builtin(data: Any) -> Any:
    """The inverse of :func:`to_builtin`; raises ``ValueError`` on anything else."""
    if type(data) is dict:
        record = data.get("record")
        cls = RECORDS.get(record) if isinstance(record, str) else None
        values = data.get("fields")
        names = [f.name for f in fields(cls)] if cls is not None else []
        if cls is None or type(values) is not tuple or len(values) != len(names):
            raise ValueError("not a stored evidence record")
        return cls(**{name: from_builtin(item) for name, item in zip(names, values)})
    if type(data) is tuple:
        return tuple(from_builtin(item) for item in data)
    if type(data) in _PLAIN:
        return data
    raise ValueError("not a stored evidence value")
