"""Output formats. Each module has ``render(run, rules, **options) -> str``;
those whose reports grow with the findings also have ``stream`` (the same text
in pieces, written as they are made).

Imported lazily by name, so a run pays only for the format it prints. What every
format shares is here: log-safe output (below; a module of its own cost every start
about 0.3 M instructions).
"""

from __future__ import annotations

import importlib
import re

FORMATS = {
    "text": "aiplan.reporters.text",
    "concise": "aiplan.reporters.concise",
    "json": "aiplan.reporters.json",
    "github": "aiplan.reporters.github",
    "sarif": "aiplan.reporters.sarif",
    "junit": "aiplan.reporters.junit",
    "gitlab": "aiplan.reporters.gitlab",
}


def get(name: str):
    return importlib.import_module(FORMATS[name])


def stream(name: str, run, rules, **options):
    """The ``name`` report in pieces: streamed where the format can, else whole."""
    module = get(name)
    if hasattr(module, "stream"):
        return module.stream(run, rules, **options)
    return iter((module.render(run, rules, **options),))


# -- log-safe output ---------------------------------------------------------
# Keep plan content from running CI log commands, in every output format.
#
# Whatever the format, aiplan's output may end up in a CI log: text printed from
# a container where ``GITHUB_ACTIONS`` is not visible, ``--format json`` piped
# to the console, a JUnit file ``cat``-ed by a later step. The log readers act
# on what they see:
#
# * the GitHub Actions runner reads a line that starts with ``::`` (after white
#   space) as a workflow command, and ``##[`` anywhere in a line as a legacy
#   command (``##[error]``, ``##[add-mask]``, ``##[set-output]``);
# * the Azure Pipelines agent reads ``##vso[`` anywhere in a line as a logging
#   command (``##vso[task.setvariable]``, ``##vso[task.complete]``).
#
# So no line aiplan prints may start with ``::`` or hold ``##[`` or ``##vso[``
# because of plan content. Each format is made inert in a way that keeps what it
# carries:
#
# * human-readable text (:func:`neutralise`): the visible escape notation the
#   text report already uses for control characters, ``\\x3a:`` and ``#\\x23``;
# * JSON documents (:func:`inert_json`): ``#`` as the escape ``\\u0023``, which
#   decodes to the same string (a JSON line cannot start with ``:``);
# * XML documents (:func:`inert_xml`): character references ``&#35;`` and
#   ``&#58;``, which parse to the same text.

# A line start as the runner sees it (after any of the line breaks Python knows,
# a superset of the runner's), then white space, then "::".
_LINE_COMMAND = r"(?m)^([^\S\r\n]*)::"  # compiled on first use (re's cache): off a clean plan's path
_LINE_BREAKS = r"(\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])"
# "##[" (GitHub, legacy) and "##vso[" (Azure Pipelines), in any letter case:
# being stricter than the agents costs nothing.
_HASH_COMMAND = r"(?i)##(?=\[|vso\[)"


def neutralise(text: str) -> str:
    """Human-readable output made inert for CI log readers: a leading ``::``
    becomes ``\\x3a:``, and the ``##`` of every ``##[`` and ``##vso[`` becomes
    ``#\\x23``."""
    if "::" not in text and "##" not in text:  # the usual case, decided in C
        return text
    parts = re.split(_LINE_BREAKS, text)
    # parts alternate: line, break, line, break, ...
    for index in range(0, len(parts), 2):
        parts[index] = re.sub(_LINE_COMMAND, r"\1\\x3a:", parts[index])
    return re.sub(_HASH_COMMAND, "#\\\\x23", "".join(parts))


def neutralise_hashes(text: str) -> str:
    """Only the ``##[`` / ``##vso[`` part of :func:`neutralise`: for a line
    that is a command of ours (an annotation), whose message the toolkit's
    escaping does not protect from them."""
    return re.sub(_HASH_COMMAND, "#\\\\x23", text) if "##" in text else text


def inert_json(document: str) -> str:
    """A serialised JSON document with every ``##[`` and ``##vso[`` written
    ``#\\u0023[``: ``#`` only occurs inside strings, where the escape decodes
    to the same value."""
    return re.sub(_HASH_COMMAND, "#\\\\u0023", document) if "##" in document else document


def inert_xml(document: str) -> str:
    """A serialised XML document whose lines never start with ``::`` nor hold
    ``##[`` / ``##vso[``: character references, which parse to the same text.
    ``#`` and a line-leading ``:`` only occur in text and attribute values
    (attribute values carry line breaks as ``&#10;``, so only text has lines)."""
    if "::" in document:
        document = re.sub(_LINE_COMMAND, r"\1&#58;:", document)
    if "##" in document:
        document = re.sub(_HASH_COMMAND, "#&#35;", document)
    return document

