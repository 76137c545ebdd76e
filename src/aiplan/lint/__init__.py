"""The lint engine: load, locate, run rules, findings, config.

And what marks an inline suppression comment (``# aiplan: ...``), here because the engine's
quick check and :mod:`aiplan.lint.suppressions` share it: most files hold no suppression,
and for them the engine does not import the suppression machinery at all (about 2 ms of a
pre-commit run); a module of its own cost every start about 0.3 M instructions.
"""


# The mark as a pattern, for the suppression machinery's scan (compiled there).
QUICK = r"#[ \t]*aiplan[ \t]*:"


def mentions_directive(text: str) -> bool:
    """Whether ``text`` holds the mark (``QUICK`` finds one), told with str methods: every plan
    holds ``aiplan`` as its version key, and compiling the pattern cost 0.3 M instructions at
    every start (tests/unit/lint/test_directive_mark.py holds this to the pattern)."""
    at = text.find("aiplan")
    while at >= 0:
        before, after = at, at + len("aiplan")
        while before and text[before - 1] in " \t":
            before -= 1
        while text[after:after + 1] in (" ", "\t"):
            after += 1
        if before and text[before - 1] == "#" and text[after:after + 1] == ":":
            return True
        at = text.find("aiplan", at + 1)
    return False
