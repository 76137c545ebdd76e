"""The instruction cost of the YAML conformance checker (docs/yaml-conformance.md).

    python bench/generate_plans.py /tmp/corpus --count 200
    PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/tmp/checker.callgrind \\
        python bench/checker_cost.py on /tmp/corpus     # then `off`: the difference is the checker
    python bench/checker_cost.py count /tmp/corpus      # the events parsed

The profile goes to a file of its own, not /dev/null: callgrind run as root may replace
the device with a regular file.

``on`` parses every plan of the corpus as aiplan does; ``off`` with the
checker's methods replaced by no-ops.
"""

import pathlib
import sys

from aiplan.parse import loader


class _NoChecks:
    """A checker that checks nothing (and so is asked about every scalar)."""

    plain_block = False

    def __init__(self, text):
        pass

    def scalar(self, event):
        pass

    alias = collection_start = collection_end = document_start = document_end = scalar


def main(mode: str, corpus: str) -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted(pathlib.Path(corpus).rglob("*.aiplan.yaml"))]
    if mode == "count":
        from _ruamel_yaml import CParser

        events = sum(sum(1 for _ in iter(CParser(text).get_event, None)) for text in texts)
        print(f"{len(texts)} files, {events} events")
        return
    if mode == "off":
        loader.Checker = _NoChecks
    for text in texts:
        loader.parse_documents(text)


if __name__ == "__main__":
    main(*sys.argv[1:3])
