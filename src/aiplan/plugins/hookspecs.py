"""Hook specifications: the whole contract between aiplan and its plugins.

A plugin is a module or object with functions decorated by ``aiplan.hookimpl``
and named after the hooks below. Third-party plugins are installed
distributions that declare an entry point in the ``aiplan`` group::

    [project.entry-points.aiplan]
    my_rules = "my_package.rules"

The built-in rules register through the very same hooks.
"""

from __future__ import annotations

from aiplan.hooks import PROJECT, hookimpl, hookspec

__all__ = ["PROJECT", "hookimpl", "hookspec"]


@hookspec
def aiplan_rules():
    """Return the rules this plugin contributes.

    Receives: nothing.

    Returns: an iterable of :class:`aiplan.api.Rule` objects, each made with the
    :func:`aiplan.api.rule` decorator. Every rule ID must be unique across all
    plugins; a collision is reported as an error naming both plugins and the
    later rule is not run.

    A rule whose finding is redundant beside another rule's declares it:
    ``@rule("ACME001", "unmeasured-reranker", "warning", superseded_by=("RAG009",))``.
    Its check still judges only its own condition; on a YAML document where a
    finding of a superseding rule is reported (after configuration and inline
    suppressions, before ``--baseline``), the engine drops this rule's findings.
    An ID in ``superseded_by`` or ``finding_superseded_by`` may name a rule of
    aiplan, of a plugin or of a policy pack in use. One that is none of these (a
    typo, a renamed rule, a rule of a plugin not installed) supersedes nothing:
    a warning names the plugin and rule (``aiplan: warning: plugin 'acme' rule
    ACME001: ...``), the rule runs as written and the exit code is unchanged.
    Not said while an installed plugin is turned off (``AIPLAN_DISABLE_PLUGINS``,
    ``--no-plugins``): the ID may be its rule. A cycle of ``superseded_by``
    between plugin rules (ACME001 superseded by ACME002 and ACME002 by ACME001)
    is the plugin's error, by plugin and rule name, showing the cycle (exit
    code 3): the engine would keep one of the findings by an order nobody
    stated. A cycle that goes through a policy pack's rule is that pack's error.

    Called once per run, while the rule set is assembled. A plugin whose hook
    raises is reported by name (exit code 3) and the run goes on without it.
    """
