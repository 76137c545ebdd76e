"""Create the files the generated plans name (evaluation sets, datasets), empty.

``python referenced_files.py DIR`` (run with PyYAML installed: bench/.venv).

The generator writes realistic plans but not the repository around them, so
every path a plan names (``eval_set``, ``eval_sets[].path``, ``dataset.path``,
``held_out.path``, ``retrieval.evaluation.eval_set``) would be missing and
EVAL003 would fire about six times on every plan, clean ones included. In a
real repository those files exist; creating them gives the mix of clean and
flawed plans the generator intends, while EVAL003 still runs and checks every
path.
"""

import os
import sys

import yaml


def named_paths(plan):
    """The relative paths a plan names, as EVAL003 reads them."""
    if not isinstance(plan, dict):
        return
    def get(node, *keys):
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        return node

    for result in get(plan, "baseline", "prompt_engineering", "results") or []:
        yield get(result, "eval_set")
    for entry in get(plan, "evaluation", "eval_sets") or []:
        yield get(entry, "path")
    yield get(plan, "fine_tuning", "dataset", "path")
    yield get(plan, "fine_tuning", "evaluation", "held_out", "path")
    yield get(plan, "rag", "retrieval", "evaluation", "eval_set")


def main(root: str) -> int:
    made = 0
    for directory, _, names in os.walk(root):
        for name in names:
            if not name.endswith(".aiplan.yaml"):
                continue
            with open(os.path.join(directory, name), "rb") as handle:
                try:
                    plan = yaml.load(handle.read(), Loader=yaml.CSafeLoader)
                except yaml.YAMLError:
                    continue
            for relative in named_paths(plan):
                if not isinstance(relative, str) or not relative or os.path.isabs(relative) or ".." in relative:
                    continue
                target = os.path.join(directory, relative)
                if not os.path.exists(target):
                    os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
                    open(target, "wb").close()
                    made += 1
    print(f"created {made} referenced files under {root}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
