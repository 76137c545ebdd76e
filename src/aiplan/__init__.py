"""aiplan: a policy-as-code linter for AI project plans.

Kept deliberately import-light: the command line imports this module first, and
pre-commit runs it once per commit.
"""

__version__ = "0.1.0"
