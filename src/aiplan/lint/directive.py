"""What marks an inline suppression comment (``# aiplan: ...``).

Shared by the engine's quick check and :mod:`aiplan.lint.suppressions`: most
files hold no suppression, and for them the engine does not import the
suppression machinery at all (about 2 ms of a pre-commit run).
"""

import re

QUICK = re.compile(r"#[ \t]*aiplan[ \t]*:")
