"""Acme's aiplan rules, registered through aiplan's `aiplan_rules` hook."""

from aiplan.api import hookimpl

from aiplan_acme.rules import owner_outside_company_domain

__version__ = "1.0.0"


@hookimpl
def aiplan_rules():
    return [owner_outside_company_domain]
