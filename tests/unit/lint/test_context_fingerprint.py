"""LintContext.fingerprint: what the result cache keys on."""

import dataclasses
import enum

from aiplan.testing import build_context


class _Named(str, enum.Enum):
    """A plugin may name a rule by a str Enum member: marshal refuses str subclasses."""

    ACME = "acme"


def test_a_rule_named_by_a_str_subclass_still_has_a_fingerprint():
    ctx = build_context()
    rule_id, item = next(iter(sorted(ctx.rules.items())))
    named = dataclasses.replace(ctx, rules={**ctx.rules, rule_id: dataclasses.replace(item, name=_Named.ACME)})
    plain = dataclasses.replace(ctx, rules={**ctx.rules, rule_id: dataclasses.replace(item, name="acme")})
    assert named.fingerprint() == named.fingerprint()  # stable: the cache can hit
    assert named.fingerprint() != ctx.fingerprint() and plain.fingerprint() != ctx.fingerprint()
