"""``aiplan.cli._skip_absent_catalogues``: click's texts are looked up without importing
``locale`` when Python's default catalogue folder does not exist, with the answers
``gettext.find`` itself gives."""

import gettext
import os
import subprocess
import sys

import pytest

from aiplan.cli import _skip_absent_catalogues

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the shortcut is POSIX only")

LANGUAGES = (None, ["de_DE.UTF-8"], ["fr", "en_GB"], ["C"], ["../../etc"], ["german"])


@pytest.fixture
def default_folder(tmp_path, monkeypatch):
    folder = tmp_path / "share" / "locale"
    monkeypatch.setattr(gettext, "_default_localedir", str(folder))
    monkeypatch.setattr(gettext, "find", gettext.find)  # restored after the test
    return folder


def catalogue(folder, language):
    path = folder / language / "LC_MESSAGES" / "messages.mo"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    return str(path)


@pytest.mark.parametrize("languages", LANGUAGES)
def test_without_the_folder_the_answer_is_gettexts_own(default_folder, monkeypatch, languages):
    monkeypatch.setenv("LANGUAGE", "de_DE.UTF-8:fr")
    original = gettext.find
    _skip_absent_catalogues()
    assert gettext.find is not original
    for everything in (False, True):
        assert gettext.find("messages", None, languages, everything) == original("messages", None, languages,
                                                                                   everything)


def test_a_folder_made_later_or_named_is_searched_as_gettext_searches_it(default_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "de_DE.UTF-8")
    _skip_absent_catalogues()
    elsewhere = catalogue(tmp_path / "elsewhere", "de_DE")
    assert gettext.find("messages", str(tmp_path / "elsewhere")) == elsewhere
    made = catalogue(default_folder, "de")
    assert gettext.find("messages") == made and gettext.find("messages", all=True) == [made]


def test_with_the_folder_gettext_is_left_alone(default_folder):
    default_folder.mkdir(parents=True)
    original = gettext.find
    _skip_absent_catalogues()
    assert gettext.find is original


def test_the_console_script_builds_lint_without_importing_locale(tmp_path):
    probe = ("import sys; import aiplan.cli as cli; cli._skip_absent_catalogues()\n"
             "from aiplan.cli.main import main\n"
             "try: main(['lint', '--help'], prog_name='aiplan')\n"
             "except SystemExit: pass\n"
             "print('locale' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    expected = os.path.exists(os.path.join(sys.base_prefix, "share", "locale"))
    assert done.stderr.strip().splitlines()[-1] == str(expected)
