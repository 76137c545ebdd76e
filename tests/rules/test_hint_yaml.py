"""Hints you can paste: every YAML snippet a fix hint shows parses as YAML, and a
hint for a wrong type shows the keys the mapping needs."""

import pathlib
import re

import pytest
from ruamel.yaml import YAML

from aiplan.core.rule import split_doc
from aiplan.rules import builtin_rules
from aiplan.testing import lint_yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SNIPPET = re.compile(r"`([^`]+)`")
YAML_BLOCK = re.compile(r"```yaml\n(.*?)```", re.DOTALL)


def _plans() -> list[str]:
    texts = []
    for path in sorted((ROOT / "tests" / "fixtures").rglob("*.yaml")) + sorted((ROOT / "examples").rglob("*.aiplan.yaml")):
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            continue  # undecodable inputs of the loader's tests
    for item in builtin_rules():
        texts += YAML_BLOCK.findall(split_doc(item.doc).get("bad", ""))
    return texts


def _yaml_snippets(fix: str) -> list[str]:
    """The backticked parts of a hint that are YAML (a key and value, or a list entry)."""
    return [s for s in SNIPPET.findall(fix) if ": " in s or s.startswith("- ") or s.endswith(":")]


def test_every_yaml_snippet_in_every_hint_parses():
    loader = YAML(typ="safe")
    broken, checked = [], 0
    for text in _plans():
        try:
            findings = lint_yaml(text, dedent=False)
        except AssertionError:
            continue  # a plugin-style fixture that needs its own rules
        for finding in findings:
            for snippet in _yaml_snippets(finding.fix):
                checked += 1
                try:
                    loader.load(snippet)
                except Exception as exc:  # noqa: BLE001 - any parse error is the failure
                    broken.append(f"{finding.rule}: {snippet!r}: {str(exc).splitlines()[0]}")
    assert checked > 1000
    assert not broken, "\n".join(sorted(set(broken)))


def _ellipses(value) -> bool:
    if isinstance(value, dict):
        return any(key == "..." or _ellipses(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_ellipses(item) for item in value)
    return value == "..."


def _catalogue_findings():
    """Each finding over the catalogue's plans that lint (a plan the test helper refuses is skipped)."""
    for text in _plans():
        try:
            findings = lint_yaml(text, dedent=False)
        except AssertionError:
            continue
        yield from findings


def _hint_snippets():
    """``(finding, snippet)`` for each YAML snippet of each fix hint over the catalogue's plans."""
    for finding in _catalogue_findings():
        for snippet in _yaml_snippets(finding.fix):
            yield finding, snippet


def test_no_hint_asks_to_fill_in_an_ellipsis():
    """`task: {...}` pastes as a key named `...`, which the schema rejects: a hint writes `TBD` where
    the user fills in, which pastes as a placeholder the rules ask about."""
    loader = YAML(typ="safe")
    filler = []
    for finding, snippet in _hint_snippets():
        if not snippet.startswith("#") and _ellipses(loader.load(snippet)):
            filler.append(f"{finding.rule}: {snippet!r}")
    assert not filler, "\n".join(sorted(set(filler)))


@pytest.mark.parametrize("plan, hint", [
    ("rag:\n  corpus:\n    sources: [policy wiki]\n", "(it needs `name:`)"),
    ("rag:\n  corpus:\n    sources: [policy wiki]\n", "`- {name: "),
    ("rag:\n  data_pipeline: yes\n", "`data_pipeline: {"),
    ("gaps:\n  knowledge: yes\n", "(it needs `present:`)"),
    ("rag:\n  retrieval:\n    evaluation:\n      metrics: recall\n", "`metrics: [recall_at_k, mrr]`"),
])
def test_a_wrong_type_hint_shows_the_keys_it_needs(plan, hint):
    [finding] = [f for f in lint_yaml("aiplan: 1\nname: x\napproach: rag\n" + plan, select=["PLAN002"])
                 if "expected a" in f.message]
    assert hint in finding.fix
    assert "as a mapping" not in finding.fix


def test_no_hint_repeats_itself():
    repeated = []
    for finding in _catalogue_findings():
        snippets = SNIPPET.findall(finding.fix)
        if any(snippets.count(snippet) > 1 for snippet in snippets):
            repeated.append(f"{finding.rule}: {finding.fix}")
    assert not repeated, "\n".join(sorted(set(repeated)))


# -- pasting hints where they say ------------------------------------------------------------------
#
# The convention every hint that shows YAML follows: a snippet is one key with its value (block
# style: a plain key, never a dotted path such as `rag.retrieval.evaluation: ...`), and the hint
# says where it goes: "under `rag.retrieval`, set `evaluation: {...}`" (in the same clause), or it
# names the key's full path (`gaps.knowledge.evidence` ... `evidence: ...`), or the key is the
# finding's own key (rewritten in place), or a top-level key (`approach: rag`). A list entry
# (`- {name: TBD}`) goes "to `path`" or "under `path`". What the user fills in is `TBD`, which
# pastes as a placeholder the rules then ask about, never `...` (`task: {...}` pastes as the key
# `"..."`). Snippets with `<needed>` and bare key names (`present:`) are examples, not pasteable text.

_UNDER = re.compile(r"\bunder `([A-Za-z_][\w.\[\]]*)`", re.IGNORECASE)
_TO = re.compile(r"\bto `([A-Za-z_][\w.\[\]]*)`")
_CLAUSE_END = re.compile(r";|\.\s+(?=[A-Z])")
_DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.\w+|\[\d+\])+$")
_TOP_LEVEL = {"aiplan", "name", "owner", "status", "summary", "use_case", "targets", "gaps", "baseline",
              "approach", "rag", "fine_tuning", "evaluation"}
# Hints whose main step is work in prose (move content, retrain): their snippets are valid where
# they say, but pasting them alone is not meant to silence the rule.
_PROSE_FIRST = {"FIT006"}


def _path(text: str) -> tuple:
    return tuple(int(part[1:-1]) if part.startswith("[") else part
                 for part in re.findall(r"[A-Za-z_]\w*|\[\d+\]", text))


def _pasteable(fix: str) -> list[tuple[str, int]]:
    return [(match.group(1), match.start()) for match in SNIPPET.finditer(fix)
            if match.group(1) in _yaml_snippets(fix)
            and "<" not in match.group(1) and not match.group(1).startswith("#")
            and not match.group(1).endswith(":")]


def _where(fix: str, start: int, value, own: tuple):
    """``(path, "set" | "append")`` for the snippet at ``start``, or ``None`` if the hint does not say."""
    bounds = [0] + [match.end() for match in _CLAUSE_END.finditer(fix)] + [len(fix) + 1]
    clause_start = max(bound for bound in bounds if bound <= start)
    clause = fix[clause_start:min(bound for bound in bounds if bound > start) - 1]
    if isinstance(value, list):
        named = _TO.search(fix, start) or _UNDER.search(clause)
        return (_path(named.group(1)), "append") if named else None
    if not isinstance(value, dict) or len(value) != 1:
        return None
    key = next(iter(value))
    under = [match for match in _UNDER.finditer(clause)]
    if under:
        nearest = min(under, key=lambda match: abs(match.start() - (start - clause_start)))
        return _path(nearest.group(1)), "set"
    for match in SNIPPET.finditer(fix):
        if _DOTTED.match(match.group(1)) and _path(match.group(1))[-1] == key:
            return _path(match.group(1))[:-1], "set"
    if own and own[-1] == key:
        return tuple(own[:-1]), "set"
    if key in _TOP_LEVEL:
        return (), "set"
    return None


class _NotApplicable(Exception):
    """The hint replaces a value of the wrong type: there is no missing key to paste into."""


def _paste(data: dict, path: tuple, how: str, value) -> None:
    node = data
    for index, part in enumerate(path):
        last = index == len(path) - 1
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                raise _NotApplicable
            node = node[part]
            continue
        if not isinstance(node, dict):
            raise _NotApplicable
        if node.get(part) is not None and not isinstance(node[part], (dict, list)):
            raise _NotApplicable
        if not isinstance(node.get(part), (dict, list)):
            node[part] = [] if how == "append" and last else {}
        node = node[part]
    if how == "append":
        node.extend(value)
    else:
        for key, item in value.items():
            if isinstance(item, dict) and isinstance(node.get(key), dict):
                node[key].update(item)
            else:
                node[key] = item


def _pasted_hints():
    """``(finding, plan after pasting its hint, the document before)`` for every hint that shows YAML,
    on every document without a schema violation of its own; plus the hints that do not say where."""
    import copy
    import json

    loader = YAML(typ="safe")
    pasted, unplaced = [], []
    for text in _plans():
        try:
            findings = lint_yaml(text, dedent=False)
            documents = list(loader.load_all(text))
        except Exception:  # noqa: BLE001 - plugin fixtures and undecodable inputs are not plans to paste into
            continue
        for finding in findings:
            snippets = _pasteable(finding.fix)
            if not snippets or finding.document >= len(documents) or not isinstance(documents[finding.document], dict):
                continue
            if any(other.rule == "PLAN002" and other.document == finding.document for other in findings):
                continue  # a schema violation already: pasting into it proves nothing
            data = copy.deepcopy(documents[finding.document])
            try:
                for snippet, start in snippets:
                    value = loader.load(snippet)
                    spot = _where(finding.fix, start, value, finding.yaml_path)
                    if spot is None:
                        unplaced.append(f"{finding.rule}: {snippet!r} in {finding.fix}")
                        raise _NotApplicable
                    _paste(data, spot[0], spot[1], value)
            except _NotApplicable:
                continue
            pasted.append((finding, json.dumps(data, default=str), documents[finding.document]))
    return pasted, unplaced


@pytest.fixture(scope="module")
def pasted_hints():
    return _pasted_hints()


def test_no_hint_shows_a_dotted_key():
    dotted = []
    for finding, snippet in _hint_snippets():
        key = snippet.split(":", 1)[0].strip()
        if _DOTTED.match(key):
            dotted.append(f"{finding.rule}: {snippet!r}")
    assert not dotted, "\n".join(sorted(set(dotted)))


def test_every_hint_says_where_its_yaml_goes(pasted_hints):
    _, unplaced = pasted_hints
    assert not unplaced, "\n".join(sorted(set(unplaced)))


def test_hints_pasted_where_they_say_are_schema_valid_and_silence_their_rule(pasted_hints):
    pasted, _ = pasted_hints
    assert len(pasted) > 500
    invalid, loud, silenced = [], [], set()
    for finding, plan, _ in pasted:
        after = lint_yaml(plan, dedent=False)
        schema = [other.message for other in after if other.rule == "PLAN002"]
        if schema:
            invalid.append(f"{finding.rule}: {schema[:2]} after pasting {finding.fix}")
        if finding.rule in _PROSE_FIRST:
            continue
        if any(other.rule == finding.rule and other.yaml_path == finding.yaml_path for other in after):
            loud.append(f"{finding.rule} still fires after pasting {finding.fix}")
        else:
            silenced.add(finding.rule)
    assert not invalid, "\n".join(sorted(set(invalid)))
    assert not loud, "\n".join(sorted(set(loud)))
    # The hints the review found unpasteable, among them.
    assert {"RAG009", "FT004", "FT007", "RAG007", "RAG012", "EVAL001", "EVAL005", "ACC001"} <= silenced
    # ... and the hints that once wrote `{...}` for what the user fills in.
    assert {"FIT007", "GAP001", "GAP003"} <= silenced


# The plan's decisions a hint may propose changing, as the remedy its finding names (`approach:
# prompt_engineering`, `present: false` for a gap the baseline closed, `purpose: latency`, an index
# refresh that keeps up with its sources). Every other value the plan states stays as written.
_DECISIONS = {("approach",), ("gaps", "knowledge", "present"), ("gaps", "behavior", "present"),
              ("gaps", "accuracy", "present"), ("fine_tuning", "purpose"), ("rag", "data_pipeline", "indexing", "refresh"),
              # FT006 narrows a training glob that matches every held-out path (`**/*.jsonl`).
              ("fine_tuning", "dataset", "path")}


def _stated(data, path=()):
    """``(path, value)`` for every value a plan states (lists of scalars whole)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _stated(value, path + (key,))
    elif isinstance(data, list) and any(isinstance(item, (dict, list)) for item in data):
        for index, value in enumerate(data):
            yield from _stated(value, path + (index,))
    else:
        yield path, data


def test_no_hint_overwrites_what_the_plan_states(pasted_hints):
    """A hint adds what is missing or changes what its finding is about; pasted where it says, it
    keeps every other value the plan states (RAG009 once replaced the question set a plan named)."""
    import json

    from aiplan.core.placeholders import says_nothing

    pasted, _ = pasted_hints
    overwritten = []
    for finding, plan, before in pasted:
        after = dict(_stated(json.loads(plan)))
        own = tuple(finding.yaml_path)
        for path, value in _stated(before):
            if says_nothing(value) or path[:len(own)] == own or path in _DECISIONS:
                continue
            if after.get(path, None) != json.loads(json.dumps(value, default=str)):
                overwritten.append(f"{finding.rule}: {'.'.join(map(str, path))} {value!r} -> "
                                   f"{after.get(path)!r} by {finding.fix}")
    assert not overwritten, "\n".join(sorted(set(overwritten)))


def test_no_hint_only_restates_what_the_plan_says(pasted_hints):
    """A hint's YAML, pasted where it says, changes the plan: a hint that asks for what is already
    there (FIT006 once told a hybrid plan to set `approach: hybrid`) reads as a misreading."""
    import json

    pasted, _ = pasted_hints
    restating = [f"{finding.rule}: {finding.fix}" for finding, plan, before in pasted
                 if json.loads(plan) == json.loads(json.dumps(before, default=str))]
    assert not restating, "\n".join(sorted(set(restating)))


def test_ft006_hint_applied_ends_the_leak_even_for_a_glob_that_matches_every_path(pasted_hints):
    """FT006 once proposed `evals/held_out.jsonl` to a plan training on `**/*.jsonl`, which the glob
    still matched: pasted, the hint must silence FT006, and it does so for the narrowed glob too."""
    pasted, _ = pasted_hints
    ft006 = [(finding, plan) for finding, plan, before in pasted if finding.rule == "FT006"
             and "'**/*.jsonl'" in str(before)]  # the whole glob, not `data/**/*.jsonl`
    assert ft006, "no FT006 hint for a training glob matching every path was pasted"
    for finding, plan in ft006:
        assert "fine_tuning.dataset" in finding.fix
        assert not [other for other in lint_yaml(plan, dedent=False) if other.rule == "FT006"], finding.fix
