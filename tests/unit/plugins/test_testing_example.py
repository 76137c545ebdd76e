"""The complete example in aiplan.testing's documentation (and so in
docs/plugins.md) runs as written: every name it uses is defined."""

import re
import textwrap

import aiplan.testing


def test_the_documented_test_module_runs():
    doc = aiplan.testing.__doc__
    block = re.search(r"A complete test module for a plugin rule::\n\n(.*?)\n\n(?=\S)", doc, re.DOTALL).group(1)
    namespace: dict = {}
    exec(compile(textwrap.dedent(block), "aiplan.testing example", "exec"), namespace)
    tests = [value for name, value in namespace.items() if name.startswith("test_")]
    assert tests
    for test in tests:
        test()
