"""Finding fingerprints: stable under unrelated edits, different for different findings."""

from aiplan.core.fingerprint import finding_fingerprint, normalise_message, stable_path
from aiplan.testing import lint_yaml

PLAN = """\
aiplan: 1
name: x
approach: fine_tuning
fine_tuning:
  purpose: behavior
"""


def _fingerprints(text, **kwargs):
    return [(f.rule, f.fingerprint) for f in lint_yaml(text, dedent=False, **kwargs)]


def test_fingerprint_ignores_line_numbers():
    shifted = "# a comment\n\n" + PLAN.replace("name: x\n", "name: x\nsummary: added later\n")
    assert _fingerprints(PLAN, select=["FT"]) == _fingerprints(shifted, select=["FT"])
    assert all(len(fp) == 32 for _, fp in _fingerprints(PLAN))


def test_fingerprint_changes_with_the_flagged_value():
    a = _fingerprints("aiplan: 1\nname: x\napproach: finetuning\n", select=["PLAN002"])
    b = _fingerprints("aiplan: 1\nname: x\napproach: fine-tune\n", select=["PLAN002"])
    assert a != b


def test_list_items_are_identified_by_name_not_index():
    data = {"rag": {"corpus": {"sources": [{"name": "wiki"}, {"name": "pdfs", "format": 3}]}}}
    path, node = stable_path(data, ("rag", "corpus", "sources", 1, "format"))
    assert path == "rag.corpus.sources[name=pdfs].format" and node == 3
    moved = {"rag": {"corpus": {"sources": [{"name": "new"}, {"name": "wiki"}, {"name": "pdfs", "format": 3}]}}}
    assert finding_fingerprint("X001", ("rag", "corpus", "sources", 1, "format"), data, "m") == \
        finding_fingerprint("X001", ("rag", "corpus", "sources", 2, "format"), moved, "other message")
    assert stable_path({"t": ["a", "b"]}, ("t", 1))[0] == 't[="b"]'


def test_findings_without_a_path_use_the_message_without_positions():
    assert normalise_message("duplicate key `a` (first defined on line 12)") == \
        "duplicate key `a` (first defined on line N)"
    one = finding_fingerprint("PLAN004", (), None, "duplicate key `a` (first defined on line 1)", has_plan=False)
    two = finding_fingerprint("PLAN004", (), None, "duplicate key `a` (first defined on line 9)", has_plan=False)
    other = finding_fingerprint("PLAN004", (), None, "duplicate key `b` (first defined on line 9)", has_plan=False)
    assert one == two != other


def test_identity_is_encoded_as_json_dumps_encodes_it():
    # _json and _json_list skip json.dumps for strings: the text hashed must stay byte-for-byte
    # what json.dumps made of it, or every stored baseline stops matching.
    import json

    from aiplan.core.fingerprint import _json, _json_list

    def dumps(value):
        return json.dumps(value, sort_keys=True, ensure_ascii=True, default=str, allow_nan=True)

    values = ["", "plain", 'quo"te\\back', "tab\tnew\nline", "é ü ✓ 𝔸", "\ud800 lone surrogate", "\x00\x1f",
              1, 2.5, float("nan"), True, None, {"b": 1, "a": [1, "x"]}, [1, {"z": None}]]
    for value in values:
        assert _json(value) == dumps(value)
    for first in values:
        for second in values[:5]:
            assert _json_list("RAG001", first, second) == dumps(["RAG001", first, second])
