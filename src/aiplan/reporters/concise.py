"""``--format concise``: one ``path:line:col: RULE [severity] message`` line per
finding, for grep and editors' problem matchers (see :mod:`aiplan.reporters.text`)."""

from __future__ import annotations

from aiplan.reporters import text


def stream(run, rules, **options):
    return text.stream(run, rules, **dict(options, concise=True))


def render(run, rules, **options) -> str:
    return text.render(run, rules, **dict(options, concise=True))
