"""A policy pack checked once: the results cache records the packs whose rule schemas passed
the meta-schema check, so a repository with an unchanged pack lints without importing
jsonschema (issue 17), and anything that could change the verdict gets the full check."""

import json
import subprocess
import sys

import pytest

import aiplan.run.cache as cache_module
from aiplan.policy.pack import load_pack
from aiplan.run.cache import CHECKED_PACKS, FORMAT, LintCache
from conftest import EXAMPLES

PACK = """\
policy_pack: 1
name: Test pack
rules:
  - id: ORG001
    name: owner-is-an-address
    severity: warning
    message: "`{path}` is {value}; owners are email addresses"
    fix: "Set `owner` to an address."
    when: {required: [owner]}
    require:
      properties:
        owner: {type: string, pattern: "@"}
"""
PLAN = "aiplan: 1\nname: x\nowner: someone\n"


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch):
    """conftest turns the results cache off for every test; these test it."""
    monkeypatch.delenv("AIPLAN_NO_CACHE", raising=False)


@pytest.fixture
def meta_checks(monkeypatch):
    """How many schemas jsonschema's meta-schema check saw."""
    from jsonschema import Draft202012Validator

    calls = []
    original = Draft202012Validator.check_schema.__func__

    def counting(cls, schema, *args, **kwargs):
        calls.append(schema)
        return original(cls, schema, *args, **kwargs)

    monkeypatch.setattr(Draft202012Validator, "check_schema", classmethod(counting))
    return calls


def _load(path, cache_dir):
    return load_pack(str(path), checked=LintCache(str(cache_dir)).checked_packs())


def test_an_unchanged_pack_is_checked_once(tmp_path, meta_checks):
    pack = tmp_path / "org.yaml"
    pack.write_text(PACK)
    first = _load(pack, tmp_path / "cache")
    assert len(meta_checks) == 2  # when and require
    assert (tmp_path / "cache" / FORMAT / CHECKED_PACKS).is_file()
    second = _load(pack, tmp_path / "cache")
    assert len(meta_checks) == 2, "the second load used the record"
    assert second == first


def test_an_edited_pack_gets_the_full_check(tmp_path, meta_checks):
    pack = tmp_path / "org.yaml"
    pack.write_text(PACK)
    _load(pack, tmp_path / "cache")
    pack.write_text(PACK.replace("owners are", "an owner is"))
    _load(pack, tmp_path / "cache")
    assert len(meta_checks) == 4


def test_a_pack_made_invalid_is_refused_every_time(tmp_path, meta_checks):
    from aiplan.config.selection import ConfigError

    pack = tmp_path / "org.yaml"
    pack.write_text(PACK)
    _load(pack, tmp_path / "cache")
    pack.write_text(PACK.replace("{type: string, pattern", "{type: strng, pattern"))
    for _ in range(2):
        with pytest.raises(ConfigError, match="'strng' is not a JSON Schema type; did you mean 'string'"):
            _load(pack, tmp_path / "cache")
    # The valid version's record still holds for its bytes, and only for them.
    pack.write_text(PACK)
    count = len(meta_checks)
    _load(pack, tmp_path / "cache")
    assert len(meta_checks) == count


@pytest.mark.parametrize("damage", [
    lambda data: data[:-3],                              # truncated
    lambda data: data[:10] + bytes([data[10] ^ 1]) + data[11:],  # one bit of the MAC
    lambda data: data[:40] + b"\xff" + data[41:],        # the payload, MAC unchanged
    lambda data: b"",
])
def test_a_damaged_record_is_no_record(tmp_path, meta_checks, damage):
    pack = tmp_path / "org.yaml"
    pack.write_text(PACK)
    _load(pack, tmp_path / "cache")
    record = tmp_path / "cache" / FORMAT / CHECKED_PACKS
    record.write_bytes(damage(record.read_bytes()))
    _load(pack, tmp_path / "cache")
    assert len(meta_checks) == 4
    _load(pack, tmp_path / "cache")  # rewritten by the full check
    assert len(meta_checks) == 4


def test_a_record_written_with_another_key_is_no_record(tmp_path, meta_checks, monkeypatch):
    pack = tmp_path / "org.yaml"
    pack.write_text(PACK)
    _load(pack, tmp_path / "cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    _load(pack, tmp_path / "cache")
    assert len(meta_checks) == 4


def test_another_jsonschema_gets_the_full_check(tmp_path, meta_checks, monkeypatch):
    pack = tmp_path / "org.yaml"
    pack.write_text(PACK)
    _load(pack, tmp_path / "cache")
    stamp = cache_module._checker_stamp()
    assert [entry[0] for entry in stamp] == list(cache_module.SCHEMA_CHECKER_PACKAGES)
    assert all(entry[1] != "missing" for entry in stamp[:3]), stamp  # the optional format checkers may be absent
    upgraded = [[name, files + [("__init__.py", 1, 2)]] for name, files in stamp[:1]] + stamp[1:]
    monkeypatch.setattr(cache_module, "_checker_stamp", lambda: upgraded)
    _load(pack, tmp_path / "cache")
    assert len(meta_checks) == 4


def test_the_checker_stamp_changes_with_jsonschema_files(tmp_path, monkeypatch):
    """An upgrade rewrites the package's files: the stamp holds their sizes and times."""
    package = tmp_path / "site" / "jsonschema"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("__version__ = '1'\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "jsonschema")
    monkeypatch.setattr(cache_module, "SCHEMA_CHECKER_PACKAGES", ("jsonschema",))
    before = cache_module._checker_stamp()
    (package / "__init__.py").write_text("__version__ = '2.0'\n")
    assert cache_module._checker_stamp() != before
    monkeypatch.setattr(cache_module, "SCHEMA_CHECKER_PACKAGES", ("no_such_package_here",))
    assert cache_module._checker_stamp() == [["no_such_package_here", "missing"]]


def test_a_pack_using_format_is_always_checked_in_full(tmp_path, meta_checks):
    """Which formats jsonschema checks depends on optional packages, and such a pack is
    evaluated by jsonschema anyway: it is never recorded."""
    pack = tmp_path / "org.yaml"
    pack.write_text(PACK.replace('pattern: "@"', "format: email"))
    _load(pack, tmp_path / "cache")
    _load(pack, tmp_path / "cache")
    assert len(meta_checks) == 4
    assert not (tmp_path / "cache" / FORMAT / CHECKED_PACKS).exists()


def test_an_unusable_cache_records_nothing(tmp_path, meta_checks):
    pack = tmp_path / "org.yaml"
    pack.write_text(PACK)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "cache").symlink_to(tmp_path / "elsewhere")
    for _ in range(2):
        _load(pack, tmp_path / "cache")
    assert len(meta_checks) == 4
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_lint_records_and_no_cache_does_not(cli, tmp_path, monkeypatch, meta_checks):
    (tmp_path / "org.yaml").write_text(PACK)
    (tmp_path / "p.aiplan.yaml").write_text(PLAN)
    (tmp_path / ".aiplan.toml").write_text('policy-packs = ["org.yaml"]\nselect = ["ORG"]\n')
    monkeypatch.chdir(tmp_path)
    outputs = []
    for args in (["--no-cache"], ["--no-cache"], [], [], ["--no-cache"]):
        result = cli("lint", "--format", "concise", *args)
        assert result.exit_code == 0  # a warning
        outputs.append(result.output)
    assert len(set(outputs)) == 1 and "ORG001" in outputs[0]
    # Two --no-cache runs, then the first cached run checked in full; the second used its record;
    # --no-cache checks in full again.
    assert len(meta_checks) == 2 * 4
    record = tmp_path / ".aiplan_cache" / FORMAT / CHECKED_PACKS
    assert record.is_file()


def test_fix_neither_reads_nor_writes_the_record(cli, tmp_path, monkeypatch, meta_checks):
    (tmp_path / "org.yaml").write_text(PACK)
    (tmp_path / "p.aiplan.yaml").write_text(PLAN)
    (tmp_path / ".aiplan.toml").write_text('policy-packs = ["org.yaml"]\nselect = ["ORG"]\n')
    monkeypatch.chdir(tmp_path)
    cli("lint", "--diff")
    assert len(meta_checks) == 2 and not (tmp_path / ".aiplan_cache").exists()


PROBE = """
import json, sys
from aiplan.cli.main import main
try:
    main(["lint", "--format", "json", *sys.argv[1:]], prog_name="aiplan")
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "loaded": sorted(m for m in ("jsonschema", "aiplan.schemas.explain")
                                                 if m in sys.modules)}), file=sys.stderr)
"""


def _probe(directory, *args) -> tuple[dict, str, str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=directory,
                          timeout=120)
    return json.loads(done.stderr.strip().splitlines()[-1]), done.stdout, done.stderr


def test_a_repository_with_unchanged_example_packs_lints_without_jsonschema(tmp_path):
    for name in ("security.yaml", "governance.yaml"):
        (tmp_path / name).write_bytes((EXAMPLES / "policies" / name).read_bytes())
    (tmp_path / ".aiplan.toml").write_text('policy-packs = ["security.yaml", "governance.yaml"]\n')
    (tmp_path / "hr.aiplan.yaml").write_text(
        "aiplan: 1\nname: HR assistant\nowner: people-team\nstatus: in_production\n"
        "use_case: {data_sensitivity: restricted}\n")
    first, report, stderr = _probe(tmp_path, "hr.aiplan.yaml")
    assert first["code"] == 1 and "jsonschema" in first["loaded"], stderr
    findings = [(f["rule"], f["line"], f["message"]) for f in json.loads(report)["findings"]]
    assert {"SEC001", "GOV002"} <= {rule for rule, _, _ in findings}
    (tmp_path / "hr.aiplan.yaml").write_text((tmp_path / "hr.aiplan.yaml").read_text() + "# edited\n")
    second, report, stderr = _probe(tmp_path, "hr.aiplan.yaml")
    assert second["code"] == 1 and second["loaded"] == ["aiplan.schemas.explain"], stderr
    assert [(f["rule"], f["line"], f["message"]) for f in json.loads(report)["findings"]] == findings
    # With --no-cache every run checks the packs in full.
    third, _, stderr = _probe(tmp_path, "--no-cache", "hr.aiplan.yaml")
    assert "jsonschema" in third["loaded"], stderr

def test_installing_a_single_file_format_checker_changes_the_stamp(tmp_path, monkeypatch):
    """jsonschema checks the meta-schema's `uri-reference` with rfc3987 when it can import
    it: a pack it would refuse then must not be vouched for by a record made without it."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "rfc3987", raising=False)
    monkeypatch.setattr(cache_module, "SCHEMA_CHECKER_PACKAGES", ("rfc3987",))
    assert cache_module._checker_stamp() == [["rfc3987", "missing"]]
    (site / "rfc3987.py").write_text("def parse(text, rule): return text\n")
    stamp = cache_module._checker_stamp()
    assert stamp[0][0] == "rfc3987" and stamp[0][1] != "missing"
    (site / "rfc3987.py").write_text("def parse(text, rule):\n    raise ValueError(text)\n")
    assert cache_module._checker_stamp() != stamp
