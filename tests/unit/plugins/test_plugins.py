"""Third-party plugins: the example distribution installed, listed, run, documented, disabled.

The example plugin in examples/plugins/aiplan-acme is "installed" the way pip
would leave it: its package plus a ``*.dist-info`` directory (METADATA and
entry_points.txt generated from its own pyproject.toml) in a directory on
sys.path, where importlib.metadata discovers the entry point. No network.
"""

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import pytest

import aiplan
from aiplan.plugins.manager import DISABLE_VARIABLE, disabled_by_environment
from conftest import GAPS_AND_APPROACH, ROOT

ACME = ROOT / "examples" / "plugins" / "aiplan-acme"
BAD_OWNER = "aiplan: 1\nname: Support copilot\nowner: support-team\n" + GAPS_AND_APPROACH


def install(site, project_dir, package):
    """Lay out an installed distribution of ``project_dir`` in ``site``, as pip would."""
    project = tomllib.loads((project_dir / "pyproject.toml").read_text())["project"]
    name, version = project["name"], project["version"]
    dist_info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    lines = ["[aiplan]"] + [f"{key} = {value}" for key, value in project["entry-points"]["aiplan"].items()]
    (dist_info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    shutil.copytree(project_dir / "src" / package, site / package)


@pytest.fixture
def acme(tmp_path, monkeypatch):
    site = tmp_path / "site-packages"
    install(site, ACME, "aiplan_acme")
    monkeypatch.syspath_prepend(str(site))
    plan = tmp_path / "copilot.aiplan.yaml"
    plan.write_text(BAD_OWNER)
    monkeypatch.chdir(tmp_path)
    yield plan
    for name in [m for m in sys.modules if m == "aiplan_acme" or m.startswith("aiplan_acme.")]:
        del sys.modules[name]


def test_plugins_lists_the_plugin_with_version_and_rules(cli, acme):
    result = cli("plugins")
    assert result.exit_code == 0
    assert "acme 1.0.0 (loaded)  module aiplan_acme\n    rules: ACME001\n" in result.output
    assert result.output.startswith("aiplan ")   # the built-in rules come first
    rows = json.loads(cli("plugins", "--format", "json").output)["plugins"]
    [row] = [r for r in rows if r["name"] == "acme"]
    assert row == {"name": "acme", "version": "1.0.0", "module": "aiplan_acme", "status": "loaded",
                   "rules": ["ACME001"]}
    assert rows[0]["status"] == "built in" and "FT001" in rows[0]["rules"]


def test_lint_runs_the_plugin_rule(cli, acme):
    result = cli("lint", "--format", "json", acme)
    [finding] = json.loads(result.output)["findings"]
    assert (finding["rule"], finding["line"], finding["column"]) == ("ACME001", 3, 8)
    assert finding["message"] == "`owner` is 'support-team', not an address in the company domain @example.com"
    assert result.exit_code == 0   # a warning does not fail by default


def test_explain_documents_the_plugin_rule(cli, acme):
    result = cli("explain", "ACME001")
    assert result.exit_code == 0
    assert result.output.startswith("ACME001 owner-outside-company-domain (warning)")
    assert "Why it matters:" in result.output and "owner: support-platform@example.com" in result.output
    assert "- domain (str, default example.com): The email domain of accountable owners." in result.output
    assert "Family: ACME\nProvided by: plugin acme" in result.output
    # aiplan's site documents the built-in rules only: no link to a page that does not exist
    assert "docs/rules.md" not in result.output
    assert "ACME001" in cli("rules", "--family", "ACME").output


def test_plugin_rules_link_only_to_documentation_they_name(cli, acme):
    document = json.loads(cli("lint", "--format", "sarif", acme).output)
    descriptors = {r["id"]: r for r in document["runs"][0]["tool"]["driver"]["rules"]}
    assert "helpUri" not in descriptors["ACME001"] and "docs/rules.md" not in json.dumps(descriptors["ACME001"])
    assert descriptors["FT001"]["helpUri"] == "https://github.com/aiplan-dev/aiplan/blob/main/docs/rules.md#ft001-fine-tuning-without-held-out"
    [finding] = json.loads(cli("lint", "--format", "json", acme).output)["findings"]
    assert finding["url"] == ""
    linked = json.loads(cli("lint", "--plugin", "name_echo_plugin", "--select", "ECHO", "--format", "json",
                            acme).output)["findings"]
    assert [f["url"] for f in linked] == ["https://example.com/aiplan-rules/echo001"]


def test_plugin_rule_is_configured_like_any_rule(cli, acme):
    (acme.parent / ".aiplan.toml").write_text('[rules.ACME001]\ndomain = "acme.example"\n[severity]\nACME001 = "error"\n')
    result = cli("lint", acme)
    assert result.exit_code == 1
    assert "error ACME001 owner-outside-company-domain" in result.output and "@acme.example" in result.output


@pytest.mark.parametrize("how, reason", [
    ({"env": {"AIPLAN_DISABLE_PLUGINS": "other, acme"}}, "AIPLAN_DISABLE_PLUGINS"),
    ({"args": ["--no-plugins"]}, "--no-plugins"),
])
def test_plugins_can_be_turned_off(cli, acme, how, reason):
    env, args = how.get("env"), how.get("args", [])
    result = cli("lint", *args, acme, env=env)
    assert "ACME001" not in result.output and result.exit_code == 0
    listing = cli("plugins", *args, env=env)
    assert f"acme 1.0.0 (disabled: {reason})  module aiplan_acme" in listing.output
    # Configuration naming the plugin's rule keeps working while the plugin is off.
    (acme.parent / ".aiplan.toml").write_text('[rules.ACME001]\ndomain = "acme.example"\n')
    result = cli("lint", *args, acme, env=env)
    assert result.exit_code == 0 and "warning:" in result.output and "ACME001" in result.output


@pytest.mark.parametrize("value, names", [
    ("acme", ("acme",)),
    (" other , acme,,acme ", ("acme", "other")),
    (" , ", ()),
    ("", ()),
])
def test_disable_plugins_variable_is_read_as_names(value, names):
    assert disabled_by_environment({"AIPLAN_DISABLE_PLUGINS": value}) == names
    assert disabled_by_environment({}) == ()


def test_only_the_plugin_manager_reads_the_disable_plugins_variable():
    """One reading of AIPLAN_DISABLE_PLUGINS (the command line, ``aiplan plugins`` and the
    language server call :func:`disabled_by_environment`): no other module names it in code."""
    source = Path(aiplan.__file__).parent
    naming = sorted(str(path.relative_to(source)) for path in source.rglob("*.py")
                    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                    if isinstance(node, ast.Constant) and node.value == DISABLE_VARIABLE)
    assert naming == ["plugins/manager.py"]


def test_a_broken_plugin_is_reported_and_the_rest_runs(cli, acme, tmp_path):
    site = tmp_path / "broken-site"
    package = site / "aiplan_broken"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("raise RuntimeError('boom at import')\n")
    dist_info = site / "aiplan_broken-0.3.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: aiplan-broken\nVersion: 0.3\n")
    (dist_info / "entry_points.txt").write_text("[aiplan]\nbroken = aiplan_broken\n")
    sys.path.insert(0, str(site))
    try:
        listing = cli("plugins")
        assert listing.exit_code == 3
        assert "broken 0.3 (failed: failed to load: RuntimeError: boom at import)" in listing.output
        result = cli("lint", acme)
        assert result.exit_code == 3 and "ACME001" in result.output
        assert "plugin 'broken' failed: failed to load: RuntimeError: boom at import" in result.output
        assert cli("lint", acme, env={"AIPLAN_DISABLE_PLUGINS": "broken"}).exit_code == 0
        # `aiplan rules` lists the rest and says the failure, in either format, and exits 3 like `plugins`.
        for output_format in ("text", "json"):
            rules = cli("rules", "--format", output_format)
            assert rules.exit_code == 3 and "ACME001" in rules.stdout
            assert "internal error: plugin 'broken' failed: failed to load" in rules.stderr
        assert cli("rules", env={"AIPLAN_DISABLE_PLUGINS": "broken"}).exit_code == 0
    finally:
        sys.path.remove(str(site))


def test_installed_plugin_in_a_real_process(tmp_path):
    site = tmp_path / "site-packages"
    install(site, ACME, "aiplan_acme")
    plan = tmp_path / "copilot.aiplan.yaml"
    plan.write_text(BAD_OWNER)
    env = dict(os.environ, PYTHONPATH=str(site), NO_COLOR="1")
    run = lambda *args: subprocess.run([sys.executable, "-m", "aiplan", *args], capture_output=True,  # noqa: E731
                                       text=True, env=env, timeout=60, cwd=tmp_path)
    assert "acme 1.0.0 (loaded)" in run("plugins").stdout
    linted = run("lint", str(plan))
    assert "warning ACME001 owner-outside-company-domain" in linted.stdout and "Traceback" not in linted.stderr


def test_the_example_plugins_own_tests_pass():
    env = dict(os.environ, PYTHONPATH=str(ACME / "src"))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ACME / "tests")],
                          capture_output=True, text=True, env=env, timeout=120, cwd=ACME)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_docs_plugins_md_is_generated_from_the_hook_specifications():
    from aiplan.plugins import hookspecs
    from aiplan.reference import render

    text = render()
    current = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert current == text, "docs/plugins.md is out of date: run python -m aiplan.reference"
    specs = [name for name, value in vars(hookspecs).items() if hasattr(value, "aiplan_spec")]
    assert specs
    for name in specs:
        assert f"### `{name}`" in text
        assert "Receives:" in getattr(hookspecs, name).__doc__ and "Returns:" in getattr(hookspecs, name).__doc__


def test_reference_check_mode(tmp_path):
    from aiplan.reference import main

    stale = tmp_path / "plugins.md"
    stale.write_text("old\n")
    assert main(["--check", str(stale)]) == 1
    assert main([str(stale)]) == 0 and main(["--check", str(stale)]) == 0


def test_plugin_modules_are_shown_by_every_command_that_lists_rules(cli, tmp_path, monkeypatch):
    """A module `lint --plugin` loads can be listed, explained and configured too."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".aiplan.toml").write_text('[severity]\nECHO001 = "error"\n')
    plugin = ("--plugin", "name_echo_plugin")
    explained = cli("explain", "ECHO001", *plugin)
    assert explained.exit_code == 0 and "Provided by: plugin name_echo_plugin" in explained.output
    assert "ECHO001" in cli("rules", "--family", "ECHO", *plugin).output
    assert "name_echo_plugin" in cli("plugins", *plugin).output
    configured = cli("config", "--format", "json", *plugin)
    assert configured.exit_code == 0
    assert json.loads(configured.output)["severity"]["ECHO001"] == {"severity": "error", "default": "warning"}
    # without the module, its rule is unknown to the configuration
    assert cli("config").exit_code == 2


def test_only_turning_off_an_installed_plugin_leaves_rule_ids_unknown(monkeypatch):
    # A rule ID no rule of the run has may be the rule of an installed plugin turned off (nothing to
    # say about it then); turning off a plugin that is not installed hides no rule.
    from types import SimpleNamespace

    from aiplan.plugins import manager

    monkeypatch.setattr(manager, "installed_entry_points", lambda: iter([(SimpleNamespace(name="acme"), "1.0")]))
    assert not manager.load_rule_set(disabled=("acme",), extra_modules=("textwrap",)).complete
    assert manager.load_rule_set(disabled=("not-installed",), extra_modules=("textwrap",)).complete
    assert not manager.load_rule_set(entry_points=False).complete
