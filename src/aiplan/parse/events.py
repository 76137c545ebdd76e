"""Parser events as plain tuples, the form the loader and the conformance checker read.

ruamel.yaml's C extension (``_ruamel_yaml``, libyaml) makes each event by calling
the event class of that name in its module (``ScalarEvent(anchor, tag, implicit,
value, start_mark, end_mark, style)``, always positionally); ruamel's classes run
three Python ``__init__`` frames for it, about 3.5 k instructions an event and a
tenth of linting a plan. While :func:`flat_events` is in force, those names are
functions that return a tuple instead (one frame, no object to set up):

======================  ===========================================================
kind (``event[2]``)      fields
======================  ===========================================================
``ScalarEvent``          start mark, end mark, kind, anchor, tag, value, style
``MappingStartEvent``,   start mark, end mark, kind, anchor, tag, flow style
``SequenceStartEvent``
``AliasEvent``           start mark, end mark, kind, anchor, tag (always ``None``)
``DocumentStartEvent``   start mark, end mark, kind, explicit, version, tags
``DocumentEndEvent``     start mark, end mark, kind, explicit
other kinds              start mark, end mark, kind
======================  ===========================================================

A tag is its text (``None`` if the node has none). Events of the pure-Python
parser, and of the C one when the tuples cannot be used, are converted by
:func:`from_ruamel`. The names are the extension module's, shared by the process:
they are replaced only while aiplan parses in a process with one thread, and put
back after; before the first use, :func:`_calls_as_expected` checks on a small
document that the extension calls them as above (a newer ruamel.yaml.clib that
calls them differently gets the conversion, which is slower, not wrong).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any, Iterable, Iterator

# Field positions (the table above).
START, END, KIND = 0, 1, 2
ANCHOR, TAG = 3, 4          # a node's: scalar, alias, collection start
VALUE, STYLE = 5, 6         # a scalar's
FLOW = 5                    # a collection start's
EXPLICIT = 3                # a document start's or end's
VERSION, TAGS = 4, 5        # a document start's


def _scalar(anchor, tag, implicit, value, start_mark, end_mark, style):
    return (start_mark, end_mark, "ScalarEvent", anchor, tag, value, style)


def _mapping_start(anchor, tag, implicit, start_mark, end_mark, flow_style):
    return (start_mark, end_mark, "MappingStartEvent", anchor, tag, flow_style)


def _sequence_start(anchor, tag, implicit, start_mark, end_mark, flow_style):
    return (start_mark, end_mark, "SequenceStartEvent", anchor, tag, flow_style)


def _mapping_end(start_mark, end_mark):
    return (start_mark, end_mark, "MappingEndEvent")


def _sequence_end(start_mark, end_mark):
    return (start_mark, end_mark, "SequenceEndEvent")


def _alias(anchor, start_mark, end_mark):
    return (start_mark, end_mark, "AliasEvent", anchor, None)


def _document_start(start_mark, end_mark, explicit, version, tags):
    return (start_mark, end_mark, "DocumentStartEvent", explicit, version, tags)


def _document_end(start_mark, end_mark, explicit):
    return (start_mark, end_mark, "DocumentEndEvent", explicit)


def _stream_start(start_mark, end_mark, encoding):
    return (start_mark, end_mark, "StreamStartEvent")


def _stream_end(start_mark, end_mark):
    return (start_mark, end_mark, "StreamEndEvent")


_FACTORIES = {
    "ScalarEvent": _scalar, "MappingStartEvent": _mapping_start, "SequenceStartEvent": _sequence_start,
    "MappingEndEvent": _mapping_end, "SequenceEndEvent": _sequence_end, "AliasEvent": _alias,
    "DocumentStartEvent": _document_start, "DocumentEndEvent": _document_end,
    "StreamStartEvent": _stream_start, "StreamEndEvent": _stream_end,
}


def from_ruamel(event: Any) -> tuple:
    """The tuple of one of ruamel.yaml's event objects."""
    if type(event) is tuple:  # made by a factory after all (a swap that was cut short)
        return event
    kind = type(event).__name__
    start, end = event.start_mark, event.end_mark
    if kind == "ScalarEvent":
        return (start, end, kind, event.anchor, event.tag, event.value, event.style)
    if kind in ("MappingStartEvent", "SequenceStartEvent"):
        return (start, end, kind, event.anchor, event.tag, event.flow_style)
    if kind == "AliasEvent":
        return (start, end, kind, event.anchor, None)
    if kind == "DocumentStartEvent":
        return (start, end, kind, event.explicit, event.version, event.tags)
    if kind == "DocumentEndEvent":
        return (start, end, kind, event.explicit)
    return (start, end, kind)


def converted(events: Iterable[Any]) -> Iterator[tuple]:
    """``events`` (ruamel.yaml's objects) as tuples."""
    return map(from_ruamel, events)


# A document with every kind of event and field: anchors, tags (a non-specific `!`),
# flow and block collections, each scalar style, an alias, directives, both markers.
_PROBE = "%YAML 1.2\n---\n!m &m\na: &x [1, 'b', \"c\"]\n? *x\n: !t {d: e}\nf: |\n  g\nh: !\n- >-\n  i\n...\n---\nj\n"


def _marks(mark: Any) -> tuple:
    return (mark.index, mark.line, mark.column)


@lru_cache(maxsize=None)
def _calls_as_expected(module: Any) -> bool:
    """Whether ``module`` (the C extension) makes the same events through the
    factories as through ruamel's classes: the check behind :func:`flat_events`."""
    def comparable(event: tuple) -> tuple:
        return (_marks(event[START]), _marks(event[END]), *event[KIND:])

    try:
        expected = [comparable(event) for event in converted(iter(module.CParser(_PROBE).get_event, None))]
        saved = _install(module)
        try:
            flat = [comparable(event) for event in iter(module.CParser(_PROBE).get_event, None)]
        finally:
            _restore(module, saved)
    except Exception:  # any surprise from another version of the extension: use the conversion
        return False
    return flat == expected


def _install(module: Any) -> dict[str, Any]:
    saved = {name: getattr(module, name) for name in _FACTORIES}
    try:
        for name, factory in _FACTORIES.items():
            setattr(module, name, factory)
    except BaseException:  # the file budget's watchdog or Ctrl-C mid-swap: none stays swapped
        _restore(module, saved)
        raise
    return saved


def _restore(module: Any, saved: dict[str, Any]) -> None:
    for name, original in saved.items():
        setattr(module, name, original)


def flat_events(module: Any) -> dict[str, Any] | None:
    """Make ``module`` (the C extension) produce tuples; returns what :func:`restore`
    puts back, or ``None`` if it was left as it is (its events then need
    :func:`converted`): with another thread running, which could be using ruamel.yaml's
    C parser itself, or an extension that calls the event classes otherwise."""
    # A process that never imported threading runs one thread (the import is not ours to pay).
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return None
    if not _calls_as_expected(module):
        return None
    return _install(module)


def restore(module: Any, saved: dict[str, Any] | None) -> None:
    """Undo :func:`flat_events`."""
    if saved is not None:
        _restore(module, saved)
