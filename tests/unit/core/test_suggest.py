from aiplan.core.suggest import closest, safe_replacement


class _Unhashable(str):
    __hash__ = None  # type: ignore[assignment]


def test_remembered_answers_depend_on_the_candidates():
    # closest and safe_replacement remember their answers: keyed on the candidates too.
    assert closest("evidense", ["evidence", "present"]) == "evidence"
    assert closest("evidense", ["present"]) is None
    assert safe_replacement("evidense", ["evidence", "present"]) == "evidence"
    assert safe_replacement("evidense", ["evidence", "evidense2"]) is None  # another as close: no fix
    assert closest("modle", ["model"], cutoff=0.99) is None
    assert closest("modle", ["model"]) == "model"


def test_a_word_that_cannot_be_hashed_is_answered_all_the_same():
    assert closest(_Unhashable("evidense"), ["evidence"]) == "evidence"
    assert safe_replacement(_Unhashable("evidense"), iter(["evidence", 3])) == "evidence"
    assert closest(3, ["3"]) is None and safe_replacement("", ["a"]) is None
