"""A misspelled rule option is answered by the one did-you-mean model (core.suggest)."""

import pytest

from aiplan.core.rule import Option, rule


@rule("TST001", "option-names", "info", options=(Option("check_paths", bool, True, "check the paths"),))
def _check(plan):
    """Test rule."""
    return ()


@pytest.mark.parametrize("written", ["check_path", "CHECK-PATHS", "checkPaths"])
def test_a_misspelled_or_differently_written_option_gets_a_guess(written):
    with pytest.raises(ValueError, match=rf"^rule TST001 has no option '{written}'; did you mean 'check_paths'\?$"):
        _check.resolve_options({written: False})


def test_an_option_nothing_like_any_lists_them():
    with pytest.raises(ValueError, match=r"^rule TST001 has no option 'zzz'; it has check_paths$"):
        _check.resolve_options({"zzz": False})
