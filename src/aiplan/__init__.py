"""aiplan: a policy-as-code linter for AI project plans.

Kept deliberately import-light: the command line imports this module first, and
pre-commit runs it once per commit.
"""

__version__ = "0.1.0"

# Where aiplan lives: rule documentation links, the schema modeline of
# `aiplan init` and SARIF's informationUri point here. pyproject.toml's
# [project.urls] names the same repository (a test keeps them equal).
REPOSITORY = "https://github.com/aiplan-dev/aiplan"
