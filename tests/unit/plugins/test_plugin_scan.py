"""The fast entry-point pre-scan never hides a plugin importlib.metadata would load."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import textwrap
import zipfile

import pytest

from aiplan.plugins import manager
from aiplan.plugins.manager import group_may_exist


def _dist(root, name, entry_points=None, kind="dist-info"):
    info = root / f"{name}-1.0.{kind}"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    return info


def _importlib_sees(group, path) -> bool:
    return any(
        ep.group == group
        for dist in importlib.metadata.distributions(path=[str(path)])
        for ep in dist.entry_points
    )


@pytest.mark.parametrize("kind", ["dist-info", "egg-info", "DIST-INFO"])
@pytest.mark.parametrize("text, declared", [
    ("[aiplan]\nacme = acme_rules\n", True),
    ("  [aiplan]  \n acme = acme_rules\n", True),
    ("[console_scripts]\naiplan = aiplan.cli.main:main\n", False),
    ("# [aiplan]\n[other]\nx = y\n", False),
    ("[aiplan.extra]\nx = y\n", False),
    ("[[aiplan]]\nx = y\n", True),
])
def test_scan_agrees_with_importlib_metadata(tmp_path, kind, text, declared):
    _dist(tmp_path, "acme", text, kind=kind)
    _dist(tmp_path, "other", "[console_scripts]\nother = other:main\n")
    _dist(tmp_path, "bare")
    assert _importlib_sees("aiplan", tmp_path) is declared
    assert group_may_exist("aiplan", [str(tmp_path)]) is declared


def test_scan_finds_eggs_and_is_cautious_about_zips(tmp_path):
    egg = tmp_path / "acme-1.0.egg"
    (egg / "EGG-INFO").mkdir(parents=True)
    (egg / "EGG-INFO" / "entry_points.txt").write_text("[aiplan]\nacme = acme\n")
    assert group_may_exist("aiplan", [str(egg)])
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("readme.txt", "no distributions here")
    assert group_may_exist("aiplan", [str(archive)])  # not looked into: importlib.metadata decides
    assert not group_may_exist("aiplan", [str(tmp_path / "missing")])


def test_foreign_distribution_finder_means_maybe(tmp_path, monkeypatch):
    class Finder:
        def find_spec(self, *args):
            return None

        def find_distributions(self, context=None):
            return iter(())

    monkeypatch.setattr(sys, "meta_path", sys.meta_path + [Finder()])
    assert group_may_exist("aiplan", [str(tmp_path)])


def test_importlib_metadata_is_not_consulted_without_a_plugin(monkeypatch):
    monkeypatch.setattr("aiplan.plugins.manager.group_may_exist", lambda group, paths=None: False)
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda **kw: pytest.fail("importlib.metadata consulted"))
    assert list(manager.installed_entry_points()) == []


def test_installed_plugin_is_loaded_through_the_scan(tmp_path):
    """End to end in a fresh interpreter: a plugin on sys.path is found and its rule runs."""
    site = tmp_path / "site"
    (site / "acme_rules.py").parent.mkdir(parents=True)
    (site / "acme_rules.py").write_text(textwrap.dedent('''
        from aiplan.api import Severity, Violation, hookimpl, rule

        @rule("ACME001", "always", Severity.WARNING)
        def always(plan, options):
            """Always fires.

            ## Why
            To prove the plugin loaded.
            """
            yield Violation("acme ran", "Nothing to do.", path=("name",))

        @hookimpl
        def aiplan_rules():
            return [always]
    '''))
    _dist(site, "acme-rules", "[aiplan]\nacme = acme_rules\n")
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from aiplan.plugins.manager import load_rule_set; "
            "rs = load_rule_set(); print('ACME001' in rs.rules, [e.describe() for e in rs.errors])")
    out = subprocess.run([sys.executable, "-c", code, str(site)], capture_output=True, text=True, check=True).stdout
    assert out.startswith("True []"), out
