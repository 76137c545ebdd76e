"""The data files a plan names (aiplan.rules.evaluation.referenced_paths): a location with a
URI scheme (`s3://`, `hf://`) is not a file next to the plan; a path that only holds `://` is."""

from aiplan.core.plan import Plan
from aiplan.rules.evaluation import referenced_paths


def test_locations_with_a_scheme_are_not_files():
    names = ["s3://bucket/train.jsonl", "hf://datasets/x", "Data.v2+x-y://z", "data/a://b.jsonl",
             "1abc://x.jsonl", "://x.jsonl", "evals/held_out.jsonl"]
    plan = Plan({"evaluation": {"eval_sets": [{"path": name} for name in names]}}, {}, {})
    assert [path for _, path in referenced_paths(plan)] == ["data/a://b.jsonl", "1abc://x.jsonl", "://x.jsonl",
                                                           "evals/held_out.jsonl"]
