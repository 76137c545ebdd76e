"""aiplan.parse.events: the C extension's events as tuples are the events its own
classes make, field for field, and the extension is left as it was found."""

import os
import pathlib
import threading

import pytest

from conftest import EXAMPLES, FIXTURES, ROOT

from aiplan.parse import events, loader

extension = pytest.importorskip("_ruamel_yaml")  # optional: ruamel.yaml.clib (libyaml)

SUITE = pathlib.Path(os.environ.get("AIPLAN_YAML_TEST_SUITE") or ROOT.parent / "shared" / "corpora" / "yaml-test-suite")
ORIGINALS = {name: getattr(extension, name) for name in events._FACTORIES}


def _comparable(stream):
    """The events of ``stream`` with their marks as (index, line, column); the parser's
    error, if it raises one, as the last item."""
    read = []
    try:
        for event in stream:
            read.append((events._marks(event[events.START]), events._marks(event[events.END]), *event[events.KIND:]))
    except Exception as exc:  # the parser's own errors: ruamel's MarkedYAMLError and friends
        read.append(str(exc))
    return read


def _texts():
    paths = sorted(SUITE.glob("cases/*/in.yaml")) + sorted(EXAMPLES.rglob("*.yaml")) + sorted(FIXTURES.rglob("*.yaml"))
    return [(path, path.read_bytes().decode("utf-8", errors="replace")) for path in paths]


def test_the_tuples_are_the_events_of_ruamels_classes():
    texts = _texts()
    assert len(texts) > 500  # the YAML test suite (CI has it), examples/ and the fixtures
    assert events._calls_as_expected(extension)
    for path, text in texts:
        expected = _comparable(events.converted(iter(extension.CParser(text).get_event, None)))
        saved = events.flat_events(extension)
        assert saved is not None
        try:
            flat = _comparable(iter(extension.CParser(text).get_event, None))
        finally:
            events.restore(extension, saved)
        assert flat == expected, path


def test_a_parse_puts_the_extensions_classes_back(monkeypatch):
    seen = []
    build = loader._build

    def building(*args, **kwargs):
        seen.append(extension.ScalarEvent)
        return build(*args, **kwargs)

    monkeypatch.setattr(loader, "_build", building)
    for text in ("a: [1, b]\n", "a: [1\n", "- &x 1\n- *y\n"):  # clean, rejected by the parser, undefined alias
        loader.parse_documents(text)
    # the pure parser's second opinion on `[1` is read with ruamel's classes
    assert seen == [events._scalar, events._scalar, ORIGINALS["ScalarEvent"], events._scalar]
    assert {name: getattr(extension, name) for name in events._FACTORIES} == ORIGINALS


def test_an_interrupted_parse_puts_them_back_too(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(loader, "_build", interrupted)
    with pytest.raises(KeyboardInterrupt):
        loader.parse_documents("a: 1\n")
    assert {name: getattr(extension, name) for name in events._FACTORIES} == ORIGINALS


def test_a_swap_interrupted_half_way_puts_back_what_it_swapped():
    class HalfWay:  # the third name's swap is where Ctrl-C (or the file budget's watchdog) lands
        def __init__(self):
            object.__setattr__(self, "swaps", 0)
            for name, original in ORIGINALS.items():
                object.__setattr__(self, name, original)

        def __setattr__(self, name, value):
            object.__setattr__(self, "swaps", self.swaps + 1)
            if self.swaps == 3:
                raise KeyboardInterrupt
            object.__setattr__(self, name, value)

    module = HalfWay()
    with pytest.raises(KeyboardInterrupt):
        events._install(module)
    assert {name: getattr(module, name) for name in events._FACTORIES} == ORIGINALS


def test_a_tuple_is_its_own_conversion():
    made = events._scalar(None, None, (True, False), "a", None, None, None)
    assert events.from_ruamel(made) is made


def test_with_another_thread_running_the_extension_is_left_alone():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert events.flat_events(extension) is None
        result = loader.parse_documents("a: &x [1, 'b']\nc: *x\n")
    finally:
        stop.set()
        other.join()
    assert result.documents[0].data == {"a": [1, "b"], "c": [1, "b"]}
    saved = events.flat_events(extension)  # one thread again
    assert saved is not None
    events.restore(extension, saved)


def test_an_extension_that_calls_the_classes_otherwise_gets_the_conversion():
    class Keywords:
        """An extension whose parser passes a field by keyword."""

        def __init__(self):
            self.__dict__.update(ORIGINALS)

        def CParser(self, text):
            parser = extension.CParser(text)
            module = self

            class Parser:
                def get_event(self):
                    event = parser.get_event()
                    if event is not None and type(event).__name__ == "ScalarEvent":
                        module.ScalarEvent(event.anchor, event.tag, event.implicit, value=event.value)
                    return event

            return Parser()

    other = Keywords()
    assert events.flat_events(other) is None
    assert other.ScalarEvent is ORIGINALS["ScalarEvent"]
