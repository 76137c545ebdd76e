"""With no plugin to load, the rule set is assembled without building pluggy's manager, and is
the one the manager assembles."""

import pytest

from aiplan.plugins import manager


def test_no_plugin_to_load_gives_what_the_manager_gives_without_building_it(monkeypatch):
    built = manager.collect_rules(*manager.build_plugin_manager(entry_points=False))

    def refuse(**options):
        raise AssertionError("the plugin manager was built")

    monkeypatch.setattr(manager, "build_plugin_manager", refuse)
    direct = manager.load_rule_set(entry_points=False)
    assert direct.rules.sorted() == built.rules.sorted()
    assert direct.plugins == built.plugins and direct.errors == built.errors == []
    monkeypatch.setattr(manager, "group_may_exist", lambda group: False)  # nothing installed
    assert manager.load_rule_set().rules.sorted() == built.rules.sorted()


@pytest.mark.parametrize("options", [{"extra_modules": ("name_echo_plugin",)}, {"entry_points": True}])
def test_a_plugin_to_load_builds_the_manager(monkeypatch, options):
    monkeypatch.setattr(manager, "group_may_exist", lambda group: True)  # something may be installed
    monkeypatch.setattr(manager, "installed_entry_points", lambda: iter(()))
    calls = []
    build = manager.build_plugin_manager

    def counted(**given):
        calls.append(given)
        return build(**given)

    monkeypatch.setattr(manager, "build_plugin_manager", counted)
    manager.load_rule_set(**options)
    assert len(calls) == 1
