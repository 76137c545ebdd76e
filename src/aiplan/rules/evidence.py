"""EVID: what the plan claims, checked against the files it names.

A plan that says `examples: 4200` and `disjoint_from_training: true` while
its files hold three lines, or share records, gives false assurance exactly
where the framework warns hardest. These rules ask the engine's evidence
reader (`plan.evidence`, see :mod:`aiplan.evidence`) what the named files
hold; they never open files themselves. A plan that names no data files, or a
run with evidence turned off, gets nothing from them.

Each finding points at the plan line making the claim and names the data as
`file:line` in its message (and as related locations in SARIF).
"""

from __future__ import annotations

import os
import posixpath
from typing import Iterator

from aiplan.core.findings import RelatedLocation, Severity, Violation
from aiplan.core.records import Record
from aiplan.core.rule import Option, rule
from aiplan.core.globs import is_glob
from aiplan.core.paths import normalise_plan_path
from aiplan.rules.metrics import (REQUIRED_COVERAGE, data_kind, held_out_is_training_file, held_out_leads_into_training,
                                  is_folder, leak, same_file, training_links_to_held_out)
from aiplan.core.notation import quoted_visibly, show
from aiplan.rules.wording import code, dotted, listing

TRAINING = "training data"
HELD_OUT = "held-out set"
EVAL_SET = "evaluation set"
BASELINE_EVAL = "baseline evaluation set"
RETRIEVAL_EVAL = "retrieval evaluation set"
SHOWN = 3  # examples named in a message
FORMAT_NAMES = {"jsonl": "JSON Lines", "json": "JSON", "csv": "CSV", "tsv": "TSV", "parquet": "Parquet"}


class DataClaim(Record):
    """A data file the plan names: its role, where the name is, and its per-file settings."""

    role: str
    path: tuple                 # YAML path of the name
    name: str
    settings: object            # aiplan.evidence.profile.FileSettings
    count_path: tuple | None = None

    @property
    def parent(self) -> tuple:
        return self.path[:-1]


def _settings(plan, parent: tuple):
    from aiplan.evidence.profile import FileSettings  # start-up: only for plans that name data files

    return FileSettings(plan.text(*parent, "format"), plan.text(*parent, "input_field"),
                        plan.text(*parent, "category_field"))


def _held_out_within_training(plan) -> bool:
    """The held-out path is part of the training data by its name alone: the same file however
    spelled, inside the training folder or matched by its glob. FT006 reports that one leak; the
    data checks would only repeat it ("100% contaminated: remove these records from the glob")."""
    return held_out_is_training_file(plan) or _within_training(plan) is not None


def _links_into_training(plan) -> bool:
    """The held-out path, apart from the training data by its spelling, leads into it
    (:func:`~aiplan.rules.metrics.held_out_leads_into_training`), or a training file links to it
    (:func:`~aiplan.rules.metrics.training_links_to_held_out`)."""
    return _within_training(plan) == "link"


def _within_training(plan) -> str | None:
    """How the held-out path lies within the training data: ``spelled`` (:func:`leak`: inside
    the training folder or matched by its glob as written), ``link`` (apart by its spelling, it
    leads into the training data, or a training file links to it), else ``None``: the one test
    both questions above ask."""
    held_out = plan.file_path("fine_tuning", "evaluation", "held_out", "path")
    training = plan.file_path("fine_tuning", "dataset", "path")
    if not plan.includes_fine_tuning or held_out is None or training is None:
        return None
    if leak(held_out, training) is not None:
        return "spelled"
    return "link" if (held_out_leads_into_training(plan, held_out, training) is not None
                      or training_links_to_held_out(plan, held_out, training) is not None) else None


def data_claims(plan) -> list[DataClaim]:
    """Every data file the plan names, in the order of the format.

    A held-out path that names the training file itself (however spelled) is
    not a claim about a held-out set: FT006 reports that one mistake, and the
    data checks would only repeat it (100% contamination, categories missing)."""
    found: list[DataClaim] = []

    def add(role: str, path: tuple, count: str | None = None, settings: bool = True) -> None:
        name = plan.file_path(*path)
        if name is None:
            return
        parent = path[:-1]
        found.append(DataClaim(role, path, name, _settings(plan, parent) if settings else _settings(plan, ("-",)),
                               parent + (count,) if count else None))

    add(TRAINING, ("fine_tuning", "dataset", "path"), "examples")
    if not _held_out_within_training(plan):
        add(HELD_OUT, ("fine_tuning", "evaluation", "held_out", "path"), "size")
    for index, _ in plan.entries("evaluation", "eval_sets"):
        add(EVAL_SET, ("evaluation", "eval_sets", index, "path"), "size")
    for index, _ in plan.entries("baseline", "prompt_engineering", "results"):
        add(BASELINE_EVAL, ("baseline", "prompt_engineering", "results", index, "eval_set"), settings=False)
    add(RETRIEVAL_EVAL, ("rag", "retrieval", "evaluation", "eval_set"), settings=False)
    return found


def _profile(plan, claim: DataClaim):
    """The profile of local data (a file or shards), readable or not, else ``None``.

    The training data's comes from its one streaming pass (:func:`_training`),
    which also feeds the contamination checks."""
    reader = plan.evidence
    if reader is None or not reader.locate(claim.name).readable:
        return None
    if claim.role == TRAINING:
        found = _training(plan)
        if found is not None and found[0] == claim:
            return found[2].profile
    return reader.profile(claim.name, claim.settings)


def _readable(plan, claim: DataClaim):
    """The profile of local, readable data, else ``None`` (other rules report why)."""
    profile = _profile(plan, claim)
    return None if profile is None or profile.unreadable else profile


def _training(plan):
    """``(training claim, evaluation claims, TrainingPass)`` when the plan names
    local training data, else ``None``: one streaming pass over the training
    data for every rule (the evaluation claims are the readable local ones)."""
    reader = plan.evidence
    claims = data_claims(plan)
    training = next((c for c in claims if c.role == TRAINING), None)
    if reader is None or training is None or not reader.locate(training.name).readable:
        return None
    candidates, seen = [], [training.name]
    for claim in claims:
        # One file under two spellings (`./x`, `x`) is compared once; the training file itself, never.
        if claim.role in (HELD_OUT, EVAL_SET, BASELINE_EVAL) and not any(same_file(plan, claim.name, name) for name in seen):
            if reader.locate(claim.name).readable:
                candidates.append(claim)
                seen.append(claim.name)
    result = reader.training_pass((training.name, training.settings),
                                  tuple((c.name, c.settings) for c in candidates))
    # The pass profiled the evaluation sets while indexing them: these are not read again.
    evaluations = [claim for claim in candidates if _readable(plan, claim) is not None]
    return training, evaluations, result


def _holds_no_records(plan, claim: DataClaim, profile) -> bool:
    """Whether EVID007 reports the data as holding no record (and EVID005 leaves it alone): empty,
    one file that is not text at all, or, read in full, nothing but lines that are not records."""
    from aiplan.evidence.files import EMPTY_FOLDER, NOT_TEXT  # start-up: only for plans that name data files

    if profile.unreadable:
        # A set of files with one that is not text may hold records in the others: EVID005's.
        return profile.unreadable in (NOT_TEXT, EMPTY_FOLDER) and len(plan.evidence.locate(claim.name).parts) <= 1
    # A sample without a record says nothing of the rest of the file.
    return profile.records == 0 and not (profile.sampled and profile.malformed)


def _at(where: tuple[str, int]) -> str:
    """``file:line`` of a ``(file, line)`` pair (a record's ``where``)."""
    return f"{where[0]}:{where[1]}"


def _sampled(profile) -> str:
    if not profile.sampled:
        return ""
    return f" (estimated: {_read_only(profile.files_matched, profile.shards, profile.bytes_read, profile.size)})"


def _read_only(files_matched: int, shards: tuple, bytes_read: int, size: int, data: str = "", verb: str = "read") -> str:
    """What of sampled data was read: the first files (the file cap) or the first bytes (the byte budget)."""
    if files_matched:
        first = "the first file" if len(shards) == 1 else f"the first {len(shards):,}"
        return (f"only {first} of the {files_matched:,} files{data} {'was' if len(shards) == 1 else 'were'} "
                f"{verb}, the `max-evidence-files` cap")
    return f"only the first {_size(bytes_read)} of {_size(size)}{data} were {verb}, the `max-evidence-bytes` budget"


def _size(count: int) -> str:
    if count < 1024:
        return f"{count:,} bytes"
    size = count / 1024
    for unit in ("KB", "MB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def _share(part: int, whole: int) -> str:
    """``part`` of ``whole`` records as a percentage; ``whole`` is never 0: a rule reports a share
    only of records it found (``0 < part <= whole``)."""
    return f"{100 * part / whole:.1f}%"


# -- EVID001 -------------------------------------------------------------------


@rule("EVID001", "claimed-count-mismatch", Severity.WARNING,
      options=[Option("tolerance", float, 0.05, "Largest accepted difference between the claimed and the counted "
                      "records, as a fraction of the claim.", minimum=0.0, maximum=1.0)])
def claimed_count_mismatch(plan, options):
    """A count the plan states differs from the records in the file it names.

    Compares `fine_tuning.dataset.examples`, `fine_tuning.evaluation.held_out.size`
    and `evaluation.eval_sets[].size` with the records in the file at the
    `path` beside them, and fires when they differ by more than `tolerance`
    (default 5%) of the claim. Only records count: lines that should be
    records but are not (bad JSON) are what a trainer cannot read, and
    EVID005 reports them (the message says how many there are beside the
    records). A file larger than the
    evidence byte budget is counted on its first bytes and extrapolated; the
    tolerance is then at least 25% and the message says it is an estimate.
    When the training data's glob or folder also matches the held-out file,
    the training count leaves the held-out records out (they are not training
    examples; FT006 reports the leak) and the message says so; when it matches
    nothing else, or nothing else but empty files, the finding says it holds no
    training records and asks for the right `path` (a count of 0 is no fix).
    When some files of a glob or folder are links out of the repository (not
    read; EVID008 names them), a claim larger than the count is not reported:
    those files may hold the rest; a smaller one is, as what the files read
    hold (a lower bound), with no count to set.
    Files without a single record (empty, or nothing but lines that are not
    records) are EVID007's. Reported at the count.

    ## Why
    Fine-tuning needs a large, reviewed dataset, and a held-out set must be
    big enough to measure anything; reviewers approve budgets on these
    numbers. A count that the file does not back is a claim nobody checked:
    the training run, or the evaluation, is not the one the plan describes.

    ## Bad
    ```yaml
    # data/ft/train.jsonl holds 40 records
    aiplan: 1
    name: Escalation replies
    approach: fine_tuning
    fine_tuning:
      dataset:
        path: data/ft/train.jsonl
        examples: 4200
    ```

    ## Good
    ```yaml
    # the files hold 600, 120 and 100 records, as the plan says
    aiplan: 1
    name: Escalation replies
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidence: 38% of 200 prompted replies broke the escalation template.
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: template_compliance
            value: 0.62
            eval_set: evals/escalations.jsonl
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      base_model: claude-haiku
      task:
        description: turn an agent's notes into an escalation reply in the house template
      dataset:
        path: data/escalations/train.jsonl
        examples: 600
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          path: data/escalations/held_out.jsonl
          size: 120
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
    evaluation:
      metrics:
        - name: template_compliance
          target: 0.9
      eval_sets:
        - path: evals/escalations.jsonl
          size: 100
      cadence: per_release
    ```

    Options: `tolerance` (fraction of the claim, default 0.05).
    """
    tolerance = options["tolerance"]
    for claim in data_claims(plan):
        if claim.count_path is None:
            continue
        claimed = plan.number(*claim.count_path)
        if claimed is None:
            continue
        profile = _readable(plan, claim)
        if profile is None or profile.records == 0:
            continue  # no record at all: EVID007's
        counted = profile.estimated_records
        files = len(profile.shards) or 1  # a file (no shards), or the files of a glob or folder
        leaked = _held_out_among_training(plan, claim, profile)
        unread = _held_out_unread_among_training(plan, claim, profile) if leaked is None else None
        if leaked is not None:  # its records are not training examples: FT006 reports the leak
            counted, files = max(counted - leaked[1], 0), files - 1
        elif unread is not None:  # the estimate takes the unread files to be training files: one is not
            counted = round(counted * (profile.files_matched - 1) / profile.files_matched)
        allowed = max(tolerance, 0.25) if profile.sampled else tolerance
        if abs(counted - claimed) <= allowed * max(claimed, 1):
            continue
        unread_links = len(plan.evidence.skipped(claim.name))
        if counted < claimed and unread_links:
            continue  # the files linked out of the repository (EVID008 names them) may hold the rest
        about = "about " if profile.sampled else ""
        records = f"{counted:,} record{'s' if counted != 1 else ''}"
        # The first line of the data counted (the first training file, not the held-out file it also matches).
        first = profile.where(1) if leaked is None else \
            next(((shown, 1) for shown, _ in profile.shards if shown != leaked[0]), profile.where(1))
        besides = "" if leaked is None else \
            f" besides the held-out set {leaked[0]} ({leaked[1]:,} records), which it also matches (FT006)"
        if unread is not None:
            besides = f" besides the held-out set {unread}, which it also matches (FT006; not read)"
        if leaked is not None and counted == 0:
            # Nothing but the held-out set: `examples: 0` would describe no training data at all.
            matched = (f"{files} empty file{'s' if files != 1 else ''} and the held-out set" if files
                       else "only the held-out set")  # the glob's one file is the held-out file
            yield Violation(
                f"`{dotted(*claim.count_path)}` is {show(claimed)} but {claim.name} holds no training records: "
                f"it matches {matched} {leaked[0]} ({leaked[1]:,} records), which is not "
                "training data (FT006)",
                f"Point `path` at the training examples the claim describes; {claim.name} matches none besides "
                "the held-out set.",
                path=claim.count_path,
                related=(RelatedLocation(leaked[0], 1, "the held-out set, the only records the path matches"),),
            )
            continue
        if unread_links:
            # The files linked out (EVID008) were not read: what was counted is a lower bound, no count to set.
            yield Violation(
                f"`{dotted(*claim.count_path)}` is {show(claimed)} but the files of {claim.name} read hold "
                f"{about}{records}{besides} ({unread_links:,} file{'s' if unread_links != 1 else ''} linked out "
                f"of the repository not read, EVID008){_sampled(profile)}: more than {tolerance:.0%} apart, "
                "and the files not read can only add to it",
                f"Count the records of {claim.name} in full, the files linked out of the repository included, "
                f"and set `{claim.count_path[-1]}` to that count, or point `path` at the data the claim describes.",
                path=claim.count_path,
                related=(RelatedLocation(*first, f"the {claim.role} ({records} in the files read)"),),
            )
            continue
        # The lines that are not records are named beside the count, so that a claim that counted them reads why.
        not_records = "" if not profile.malformed else (
            f" and {profile.malformed:,} line{'s' if profile.malformed != 1 else ''} that "
            f"{'are' if profile.malformed != 1 else 'is'} not a record (EVID005)")
        yield Violation(
            f"`{dotted(*claim.count_path)}` is {show(claimed)} but {claim.name} holds {about}{records}"
            f"{besides}{not_records}{_sampled(profile)}: more than {tolerance:.0%} apart",
            (f"Count the records of {claim.name} in full (about {counted:,} is an estimate) and set "
             f"`{claim.count_path[-1]}` to that count, or point `path` at the data the claim describes."
             if profile.sampled else
             f"Set `{claim.count_path[-1]}: {counted}` to what the "
             f"{f'{files} files hold' if files > 1 else 'file holds'}, or point `path` at the data the "
             "claim describes."),
            path=claim.count_path,
            related=(RelatedLocation(*first, f"the {claim.role} ({records})"),),
        )


# -- EVID002 / EVID003 -----------------------------------------------------------


def _held_out_unread_among_training(plan, claim: DataClaim, profile) -> str | None:
    """The held-out file when the training claim's glob or folder also matches it but the
    `max-evidence-files` cap left it unread (the estimate would count it as training data)."""
    if claim.role != TRAINING or not profile.files_matched or not _held_out_within_training(plan) \
            or held_out_is_training_file(plan) or _links_into_training(plan):
        return None
    name = plan.file_path("fine_tuning", "evaluation", "held_out", "path")
    shown = plan.evidence.shown_part(claim.name, name) if name is not None else None
    return shown if shown is not None and shown not in dict(profile.shards) else None


def _held_out_among_training(plan, claim: DataClaim, profile) -> tuple[str, int] | None:
    """``(held-out file, its records)`` when the training claim's glob or folder also
    matches the held-out file and its records were counted with the training data's. A held-out
    link to one of the training files is not such a file: what it leads to is training data."""
    if claim.role != TRAINING or not _held_out_within_training(plan) or held_out_is_training_file(plan) \
            or _links_into_training(plan):
        return None
    parent = ("fine_tuning", "evaluation", "held_out")
    name = plan.file_path(*parent, "path")
    shown = plan.evidence.shown_part(claim.name, name) if name is not None else None
    if shown is None or shown not in dict(profile.shards):
        return None  # not one of the files read (past the byte budget, or not a file of the set)
    held = plan.evidence.profile(name, _settings(plan, parent))
    return None if held.unreadable else (shown, held.records)


def _overlap_inputs(plan):
    """``(training claim, evaluation claims, TrainingPass)`` of readable data, or ``None``."""
    found = _training(plan)
    if found is None or found[2].profile.unreadable or not found[1]:
        return None
    return found


def _own_file(name: str) -> str:
    """A file for evaluation records beside the plan's other evaluation data: `evals/<stem>-eval<ext>`,
    named after a folder's or glob's last plain part (`data/ft/*.jsonl` -> `evals/ft-eval.jsonl`)."""
    path = normalise_plan_path(name, keep_folder=False)
    extension = posixpath.splitext(path)[1] if not is_folder(path) else ""
    parts = [part for part in path.split("/") if part not in ("", ".", "..") and not is_glob(part)]
    stem = posixpath.splitext(parts[-1])[0] if parts else ""
    return f"evals/{stem or 'eval'}-eval{extension if extension and not is_glob(extension) else '.jsonl'}"


# What a message says every record of the training data is, by what its path names (metrics.data_kind).
RECORDS_OF = {"glob": "of the files it matches", "folder": "in it", "file": "of it"}


def _sets_that_are_training(plan) -> list[tuple[DataClaim, DataClaim]]:
    """``(evaluation claim, training claim)`` for each evaluation set that names the training file itself."""
    if plan.evidence is None:
        return []
    claims = data_claims(plan)
    training = next((c for c in claims if c.role == TRAINING), None)
    if training is None:
        return []
    return [(claim, training) for claim in claims
            if claim.role in (EVAL_SET, BASELINE_EVAL) and same_file(plan, claim.name, training.name)]


def _claim_point(plan, claim: DataClaim) -> tuple:
    """Where a contamination finding points: `disjoint_from_training: true` if stated, else the path."""
    if claim.role == HELD_OUT and plan.boolean(*claim.parent, "disjoint_from_training") is True:
        return claim.parent + ("disjoint_from_training",)
    return claim.path


def _scope(result) -> str:
    if not result.sampled:
        return ""
    read = _read_only(result.files_matched, result.training_shards, result.bytes_read, result.size,
                      " of the training data", "compared")
    return f" ({read})"


@rule("EVID002", "held-out-contamination", Severity.ERROR,
      evidence_needs=lambda options: (("exact",),))
def held_out_contamination(plan, options):
    """Records of the held-out set or an evaluation set also occur in the training data.

    Compares the input side of every record of the held-out set, the
    evaluation sets and the baseline's evaluation sets with the training data
    (`fine_tuning.dataset.path`), after normalising Unicode (NFKC), case and
    whitespace. The input side is detected for chat `messages` (the user
    turns), `prompt`, `input`, `question` and `instruction`, or set per file
    with `input_field`. Reported at `disjoint_from_training: true` when the
    plan claims it, else at the set's `path`; the message says how many
    records, their share, and the first pairs as `file:line`.

    Paths are compared as FT006 compares them (`./data/t.jsonl` is
    `data/t.jsonl`, and so is a link to it or `../repo/data/t.jsonl`): a
    held-out path that names the training file itself is FT006's finding
    alone (the data checks skip it); an evaluation set that names the
    training data itself (its file, folder or glob, as the message says) is
    reported here, at its path, without reading it. A glob or folder that
    matched one file names that file in `file:line`.

    ## Why
    A held-out set is evaluation data never used in training. Records the
    model was trained on measure memory, not capability: the evaluation
    overstates quality, and catastrophic forgetting on adjacent behaviors goes
    unseen. The plan's `disjoint_from_training: true` is only as good as a
    check like this one.

    ## Bad
    ```yaml
    # two records of held_out_leaky.jsonl are training records
    aiplan: 1
    name: Escalation replies
    approach: fine_tuning
    fine_tuning:
      dataset:
        path: data/ft/train.jsonl
      evaluation:
        held_out:
          path: data/ft/held_out_leaky.jsonl
          disjoint_from_training: true
    ```

    ## Good
    ```yaml
    # no held-out or evaluation input occurs in the training data
    aiplan: 1
    name: Escalation replies
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidence: 38% of 200 prompted replies broke the escalation template.
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: template_compliance
            value: 0.62
            eval_set: evals/escalations.jsonl
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      base_model: claude-haiku
      task:
        description: turn an agent's notes into an escalation reply in the house template
      dataset:
        path: data/escalations/train.jsonl
        examples: 600
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          path: data/escalations/held_out.jsonl
          size: 120
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
    evaluation:
      metrics:
        - name: template_compliance
          target: 0.9
      eval_sets:
        - path: evals/escalations.jsonl
          size: 100
      cadence: per_release
    ```
    """
    for claim, training in _sets_that_are_training(plan):
        kind = data_kind(training.name)
        yield Violation(
            f"the {claim.role} {code(claim.name)} is the training data {kind} itself "
            f"(`fine_tuning.dataset.path` is {code(training.name)}): every record {RECORDS_OF[kind]} was trained on",
            "Evaluate on records the model never saw: keep them in a file of their own, outside the training "
            f"data, and under `{dotted(*claim.parent)}` set `{claim.path[-1]}: {_own_file(claim.name)}`.",
            path=claim.path,
        )
    inputs = _overlap_inputs(plan)
    if inputs is None:
        return
    training, evaluations, measured = inputs
    result = measured.exact
    for claim in evaluations:
        found = result.overlap(claim.name)
        if found is None or not found.exact:
            continue
        pairs = ", ".join(f"{_at(found.where(e))} = {_at(result.where(t))}" for e, t in found.first_exact[:SHOWN])
        related = tuple(item for e, t in found.first_exact[:SHOWN] for item in (
            RelatedLocation(*found.where(e), f"{claim.role} record"),
            RelatedLocation(*result.where(t), "the same record in the training data")))
        yield Violation(
            f"{found.exact:,} of {found.records:,} records of the {claim.role} {claim.name} "
            f"({_share(found.exact, found.records)}) also occur in the training data {training.name} "
            f"(same input after normalising case, whitespace and Unicode){_scope(result)}; first: {pairs}",
            f"Remove these records from {training.name} (or from {claim.name}) so the set measures "
            "unseen inputs, then regenerate the split.",
            path=_claim_point(plan, claim), related=related,
        )


@rule("EVID003", "near-duplicate-contamination", Severity.WARNING,
      options=[Option("threshold", float, 0.8, "Word n-gram Jaccard similarity at or above which two inputs "
                      "are near-duplicates.", minimum=0.1, maximum=1.0),
               Option("ngram", int, 2, "Words per n-gram.", minimum=1, maximum=5)],
      evidence_needs=lambda options: (("near", options["threshold"], options["ngram"]),))
def near_duplicate_contamination(plan, options):
    """Held-out or evaluation records are near-duplicates of training records.

    Like EVID002, for inputs that are not identical but nearly: the sets of
    word n-grams (`ngram`, default 2, of the normalised input) have a Jaccard
    similarity at or above `threshold` (default 0.8). Candidates are found
    with MinHash locality-sensitive hashing (`datasketch`) and every reported
    pair's similarity is computed exactly. Records EVID002 reports are not
    counted again. Reported where EVID002 reports.

    ## Why
    A lightly edited copy (a changed word, different punctuation) of a
    training record is still a record the model has seen: it inflates
    held-out results just like an exact copy, and an exact comparison misses
    it.

    ## Bad
    ```yaml
    # two records of held_out_near.jsonl are lightly edited training records
    aiplan: 1
    name: Escalation replies
    approach: fine_tuning
    fine_tuning:
      dataset:
        path: data/ft/train.jsonl
      evaluation:
        held_out:
          path: data/ft/held_out_near.jsonl
    ```

    ## Good
    ```yaml
    # no held-out or evaluation input is a near-duplicate of a training input
    aiplan: 1
    name: Escalation replies
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidence: 38% of 200 prompted replies broke the escalation template.
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: template_compliance
            value: 0.62
            eval_set: evals/escalations.jsonl
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      base_model: claude-haiku
      task:
        description: turn an agent's notes into an escalation reply in the house template
      dataset:
        path: data/escalations/train.jsonl
        examples: 600
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          path: data/escalations/held_out.jsonl
          size: 120
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
    evaluation:
      metrics:
        - name: template_compliance
          target: 0.9
      eval_sets:
        - path: evals/escalations.jsonl
          size: 100
      cadence: per_release
    ```

    Options: `threshold` (Jaccard, default 0.8), `ngram` (words per n-gram, default 2).
    """
    inputs = _overlap_inputs(plan)
    if inputs is None:
        return
    training, evaluations, measured = inputs
    threshold = options["threshold"]
    # The engine tells the reader every enabled rule's `evidence_needs` before any rule runs,
    # so the training data's one pass ran this search with these options.
    result = measured.near_for(threshold, options["ngram"])
    for claim in evaluations:
        found = result.overlap(claim.name)
        if found is None or not found.near:
            continue
        pairs = ", ".join(f"{_at(found.where(e))} ~ {_at(result.where(t))} ({j:.2f})"
                          for e, t, j in found.first_near[:SHOWN])
        related = tuple(item for e, t, j in found.first_near[:SHOWN] for item in (
            RelatedLocation(*found.where(e), f"{claim.role} record"),
            RelatedLocation(*result.where(t), f"a near-duplicate in the training data (Jaccard {j:.2f})")))
        yield Violation(
            f"{found.near:,} of {found.records:,} records of the {claim.role} {claim.name} "
            f"({_share(found.near, found.records)}) are near-duplicates of training records in {training.name} "
            f"(word {options['ngram']}-gram Jaccard at least {threshold:g}){_scope(result)}; first: {pairs}",
            f"Remove or rewrite these records so the {claim.role} holds inputs the model has not seen in training.",
            path=_claim_point(plan, claim), related=related,
        )


# -- EVID004 -------------------------------------------------------------------


def _held_out_coverage(plan):
    """``(held-out claim, profile, [(index, area)])`` when the plan claims coverage of a readable set."""
    claim = next((c for c in data_claims(plan) if c.role == HELD_OUT), None)
    if claim is None:
        return None
    areas = [(index, value) for index, value in enumerate(plan.sequence(*claim.parent, "covers"))
             if isinstance(value, str) and value.strip()]
    if not areas:
        return None
    profile = _readable(plan, claim)
    if profile is None or profile.records == 0:
        return None
    return claim, profile, areas


@rule("EVID004", "coverage-not-in-data", Severity.ERROR)
def coverage_not_in_data(plan, options):
    """The held-out set claims to cover a category that no record in its file carries.

    For each entry of `fine_tuning.evaluation.held_out.covers`
    (`target_task`, `adjacent_behaviors`, `general_capability`), at least one
    record of the held-out file must carry it in its category field
    (`category_field` if set, else `category`, `categories`, `covers` or
    `tags`, also under `metadata`; compared without case, with `-`/spaces as
    `_` and a plural `s` ignored). Reported at the entry. When no record has
    a category field at all, the claim cannot be checked: EVID008 says so.

    ## Why
    Fine-tuning can degrade general capability in ways that only surface when
    users push the system in unexpected directions; the held-out set catches
    that only if it really holds adjacent behaviors. A `covers` list the
    records do not back hides catastrophic forgetting.

    ## Bad
    ```yaml
    # every record of held_out_target_only.jsonl is tagged target_task
    aiplan: 1
    name: Escalation replies
    approach: fine_tuning
    fine_tuning:
      evaluation:
        held_out:
          path: data/ft/held_out_target_only.jsonl
          covers: [target_task, adjacent_behaviors]
    ```

    ## Good
    ```yaml
    # held_out.jsonl has records tagged target_task and adjacent_behaviors
    aiplan: 1
    name: Escalation replies
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidence: 38% of 200 prompted replies broke the escalation template.
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: template_compliance
            value: 0.62
            eval_set: evals/escalations.jsonl
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      base_model: claude-haiku
      task:
        description: turn an agent's notes into an escalation reply in the house template
      dataset:
        path: data/escalations/train.jsonl
        examples: 600
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          path: data/escalations/held_out.jsonl
          size: 120
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
    evaluation:
      metrics:
        - name: template_compliance
          target: 0.9
      eval_sets:
        - path: evals/escalations.jsonl
          size: 100
      cadence: per_release
    ```
    """
    found = _held_out_coverage(plan)
    if found is None:
        return
    from aiplan.evidence.records import category_key  # start-up: only for plans that name data files

    claim, profile, areas = found
    if profile.categorised == 0:
        return
    present = ", ".join(f"{key} ({count:,})" for key, count, _line in profile.categories[:6]) or "none"
    for index, area in areas:
        if profile.category_count(category_key(area))[0]:
            continue
        yield Violation(
            f"`{dotted(*claim.parent, 'covers')}` claims {code(area)} but no record of {claim.name} carries it "
            f"(categories in its {profile.records:,} record{'s' if profile.records != 1 else ''}: {present})"
            f"{_sampled(profile)}",
            # Dropping a required area from `covers` only trades this finding for FT002's.
            f"Add held-out records tagged `{area}` to {claim.name}."
            if area in REQUIRED_COVERAGE else
            f"Add held-out records tagged `{area}` to {claim.name}, or remove `{area}` from `covers`.",
            path=claim.parent + ("covers", index),
            related=(RelatedLocation(*profile.where(profile.categories[0][2]), "a categorised held-out record")
                     if profile.categories else
                     RelatedLocation(*profile.where(1), "the held-out set: its records' category fields are empty"),),
        )


# -- EVID005 -------------------------------------------------------------------


def _no_data_file_matched(reader, claim: DataClaim, where) -> Violation:
    """EVID005 for a glob that matches folders or other files but no data file, or a data folder
    that holds links but no data file (:func:`~aiplan.evidence.files.locate`)."""
    from aiplan.evidence.files import RECORD_SUFFIXES  # start-up: only for plans that name data files

    targets = dict(where.links)
    shown = [reader.shown(path) + ("/" if path.endswith(os.sep) else "") for path in where.matched]
    more = len(shown) - SHOWN
    words = []
    dangling = folders = ""
    outside = False  # whether the linked folder the fix names lies outside the repository
    away_file = ""  # a link to a file outside the repository, which a data folder may hold
    for path, name in zip(where.matched[:SHOWN], shown):
        if path not in targets and reader.outside(path):  # a link out of it, or a file behind one
            words.append(f"{code(name)}, which leads outside the repository")
            away_file = away_file or name
        elif path not in targets:
            words.append(code(name))
        elif path.endswith(os.sep):  # a link to a folder: what it holds is never walked
            out = reader.outside(path)
            where_to = "outside the repository" if out else "that the walk does not follow"
            words.append(f"{code(name)}, a link to a folder {where_to}")
            if not folders:
                folders, outside = name, out
        else:
            words.append(f"{code(name)}, a link to {code(targets[path])}, which does not exist")
            dangling = dangling or targets[path]
    words += [f"{more:,} more"] if more > 0 else []
    # Items that hold commas of their own are set apart by semicolons.
    named = (listing(words) if not (targets or away_file) or len(words) < 2
             else "; ".join(words[:-1]) + "; and " + words[-1])
    # No example when the glob already ends as one would (`data/*.jsonl` matching a folder `x.jsonl/`).
    example = "" if posixpath.splitext(claim.name)[1].lower() in RECORD_SUFFIXES else "for example `data/*.jsonl`; "
    suffixes = listing([code(suffix) for suffix in RECORD_SUFFIXES], 'or')
    glob = is_glob(claim.name)  # else a data folder, which holds links but no data file
    fix = (f"Point the glob at data files ({example}data files end in {suffixes}), or name the data file itself."
           if glob else f"Put data files in the folder (data files end in {suffixes}), or name the data file itself.")
    behind = [(reader.shown(path) + "/", reader.outside(path)) for path in where.behind]
    if not folders and behind:
        folders, outside = behind[0]
    if folders and outside:
        # Named through the link or where it leads, the files are outside the repository: EVID008's
        # "not verified", so the advice is not to name them but to bring them in.
        fix = (f"The files behind {code(folders)} lie outside the repository holding the plan, and aiplan reads "
               "no file outside it: keep a copy or a representative sample of the data in the repository and "
               "name it. " + fix)
    elif folders:
        # glob_files: a link spelled out before the first wildcard is followed, as a folder the plan names is.
        suffix = posixpath.splitext(claim.name)[1]
        fix = (f"Data files are looked for without following links to folders (a link loop would multiply "
               f"them): name the linked folder's files through the link, before any wildcard "
               f"(`{folders}*{suffix if suffix and not is_glob(suffix) else '.jsonl'}`), or the folder it links to. "
               + fix)
    if away_file and not folders:
        fix = (f"{code(away_file)} leads outside the repository holding the plan, and aiplan reads no file outside "
               "it: keep a copy or a representative sample of the data in the repository and name it. " + fix)
    if dangling:
        fix = (f"Restore {code(dangling)} (relative to the link's folder) or point the link at a data file. " + fix)
    found = f" (it {'matches' if glob else 'holds'} {named})" if words else ""
    if behind:  # EVAL003 finds them (glob follows links): the data files are there, not read
        inside = [code(name) for name, out in behind if not out]
        away = [code(name) for name, out in behind if out]
        lie = []
        if inside:
            lie.append(f"{listing(inside)}, {'a link' if len(inside) == 1 else 'links'} to a folder that the walk "
                       "does not follow")
        if away:
            lie.append(f"{listing(away)}, {'a link' if len(away) == 1 else 'links'} to a folder outside the "
                       "repository")
        found += f"; the data files it names lie behind {'; and '.join(lie)}"
    return Violation(
        f"`{dotted(*claim.path)}` names {code(claim.name)}, which {'matches' if glob else 'is a folder that holds'} "
        f"no data file{found}",
        fix, path=claim.path)



@rule("EVID005", "malformed-dataset", Severity.WARNING)
def malformed_dataset(plan, options):
    """A named data file cannot be read as data, or holds lines that are not well-formed records.

    Fires once per file for: a file that is not a regular file (a FIFO), a
    folder that holds files but no data file, a glob that matches folders or
    other files but no data file, a file of a set that is binary, UTF-16 or otherwise not
    UTF-8 text; lines that are not
    valid JSON or not JSON objects (JSON Lines), rows with the wrong number of
    fields (CSV/TSV); and records of no known fine-tuning or evaluation shape:
    chat `messages` with roles, or an input field (`prompt`, `input`,
    `question`, `instruction`, `query`) beside an expected output
    (`completion`, `output`, `answer`, `expected`, `ideal`, `reference`,
    `response`, `target`, `relevant`), or the field named by the file's
    `input_field`. The retrieval evaluation set is only checked for readable
    records. A file with no record at all (binary, or no line a record) is
    EVID007's. Reported at the file's path, with the first bad
    `file:line`.

    ## Why
    Models fine-tuned on low-quality or inconsistent data learn the noise,
    and a training job that silently skips bad lines trains on less than the
    plan says. Malformed evaluation records make a metric measure less than it
    claims.

    ## Bad
    ```yaml
    # train_broken.jsonl has a line cut in half and a record with only `text`
    aiplan: 1
    name: Escalation replies
    approach: fine_tuning
    fine_tuning:
      dataset:
        path: data/ft/train_broken.jsonl
    ```

    ## Good
    ```yaml
    # every line of every file is a chat record with its roles
    aiplan: 1
    name: Escalation replies
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidence: 38% of 200 prompted replies broke the escalation template.
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: template_compliance
            value: 0.62
            eval_set: evals/escalations.jsonl
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      base_model: claude-haiku
      task:
        description: turn an agent's notes into an escalation reply in the house template
      dataset:
        path: data/escalations/train.jsonl
        examples: 600
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          path: data/escalations/held_out.jsonl
          size: 120
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
    evaluation:
      metrics:
        - name: template_compliance
          target: 0.9
      eval_sets:
        - path: evals/escalations.jsonl
          size: 100
      cadence: per_release
    ```
    """
    reader = plan.evidence
    if reader is None:
        return
    seen: set[str] = set()
    for claim in data_claims(plan):
        where = reader.locate(claim.name)
        if claim.name not in seen and (where.matched or where.behind):
            # As a folder without data files is one that "holds no data file": the glob names something.
            # A folder that holds links but no data file is named so, with its links (locate).
            seen.add(claim.name)
            yield _no_data_file_matched(reader, claim, where)
            continue
        if claim.name in seen or not where.readable:
            continue
        seen.add(claim.name)
        profile = _profile(plan, claim)
        if _holds_no_records(plan, claim, profile):
            continue  # EVID007: a file without a single record is no data set at all
        if profile.unreadable:
            if profile.missing_extra:
                continue  # EVID008: not verified
            yield Violation(
                f"`{dotted(*claim.path)}` names {claim.name}, which {profile.unreadable}",
                profile.hint, path=claim.path)
            continue
        problems, related = [], []
        if profile.malformed:
            line, why = profile.first_malformed[0]
            problems.append(f"{profile.malformed:,} line{'s are' if profile.malformed != 1 else ' is'} not a "
                            f"record (first: {_at(profile.where(line))}: {why})")
            related += [RelatedLocation(*profile.where(n), w) for n, w in profile.first_malformed[:SHOWN]]
        if profile.misshapen and claim.role != RETRIEVAL_EVAL:
            line, why = profile.first_misshapen[0]
            problems.append(f"{profile.misshapen:,} record{'s have' if profile.misshapen != 1 else ' has'} no known "
                            f"shape (first: {_at(profile.where(line))}: {why})")
            related += [RelatedLocation(*profile.where(n), w) for n, w in profile.first_misshapen[:SHOWN]]
        if not problems:
            continue
        from aiplan.evidence.records import SHAPE_WORDS  # start-up: only for plans that name data files

        if profile.misshapen and claim.role != RETRIEVAL_EVAL:
            fix = (f"Fix or drop these lines; records need a known shape ({SHAPE_WORDS}), or set `input_field` "
                   "for the file in the plan.")
        else:
            fix = f"Fix or drop these lines so {claim.name} holds only complete {FORMAT_NAMES.get(profile.format, profile.format)} records."
        yield Violation(
            f"the {claim.role} {claim.name}: {listing(problems)}, of {profile.entries:,}{_sampled(profile)}",
            fix, path=claim.path, related=tuple(related),
        )


# -- EVID006 -------------------------------------------------------------------


@rule("EVID006", "duplicate-training-examples", Severity.WARNING,
      options=[Option("max_share", float, 0.01, "Largest accepted share of training records that repeat an "
                      "earlier record.", minimum=0.0, maximum=1.0)])
def duplicate_training_examples(plan, options):
    """The training data repeats records above a share.

    Counts training records whose input and output, normalised (Unicode NFKC,
    case, whitespace), repeat an earlier record, and fires when their share
    exceeds `max_share` (default 1%). Memory stays bounded on large files:
    past 100,000 distinct records the count is made on a hash sample (every
    copy of a sampled record is in the sample) and the message says so.
    Reported at `fine_tuning.dataset.path`.

    ## Why
    Repeated examples weigh some behaviors more than the plan intends and
    make the dataset look larger than the evidence it holds; a model
    fine-tuned on them learns the repetition. Duplicates usually mean an
    export or merge went wrong.

    ## Bad
    ```yaml
    # train_dupes.jsonl repeats 5 of its 45 records
    aiplan: 1
    name: Escalation replies
    approach: fine_tuning
    fine_tuning:
      dataset:
        path: data/ft/train_dupes.jsonl
    ```

    ## Good
    ```yaml
    # no training input occurs twice
    aiplan: 1
    name: Escalation replies
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidence: 38% of 200 prompted replies broke the escalation template.
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: template_compliance
            value: 0.62
            eval_set: evals/escalations.jsonl
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      base_model: claude-haiku
      task:
        description: turn an agent's notes into an escalation reply in the house template
      dataset:
        path: data/escalations/train.jsonl
        examples: 600
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          path: data/escalations/held_out.jsonl
          size: 120
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
    evaluation:
      metrics:
        - name: template_compliance
          target: 0.9
      eval_sets:
        - path: evals/escalations.jsonl
          size: 100
      cadence: per_release
    ```

    Options: `max_share` (fraction of the records, default 0.01).
    """
    claim = next((c for c in data_claims(plan) if c.role == TRAINING), None)
    if claim is None:
        return
    profile = _readable(plan, claim)
    if profile is None or not profile.duplicate_sample:
        return
    share = profile.duplicates / profile.duplicate_sample
    if share <= options["max_share"]:
        return
    sample = "" if profile.duplicate_rate == 1 else \
        f", estimated from a hash sample of about 1 in {profile.duplicate_rate} records"
    pairs = ", ".join(f"{_at(profile.where(a))} repeats {_at(profile.where(b))}" for a, b in profile.first_duplicates[:SHOWN])
    yield Violation(
        f"{profile.duplicates:,} of {profile.duplicate_sample:,} records of the training data {claim.name} "
        f"({share:.1%}) repeat an earlier record{sample}{_sampled(profile)}; first: {pairs}",
        f"Deduplicate {claim.name} (same input and output after normalising case and whitespace), "
        f"or raise EVID006's `max_share` if the repetition is intended.",
        path=claim.path,
        related=tuple(RelatedLocation(*profile.where(a), f"repeats {_earlier(profile, a, b)}")
                      for a, b in profile.first_duplicates[:SHOWN]),
    )


def _earlier(profile, line: int, earlier: int) -> str:
    """``line 8`` in the same file, ``data/train-00.jsonl:8`` in another shard."""
    here, there = profile.where(line), profile.where(earlier)
    return f"line {there[1]}" if here[0] == there[0] else _at(there)


# -- EVID007 -------------------------------------------------------------------


@rule("EVID007", "empty-evidence-file", Severity.ERROR)
def empty_evidence_file(plan, options):
    """A data, held-out, evaluation or baseline file the plan names holds no records.

    Fires for `fine_tuning.dataset.path`, `fine_tuning.evaluation.held_out.path`,
    `evaluation.eval_sets[].path`, `baseline.prompt_engineering.results[].eval_set`
    and `rag.retrieval.evaluation.eval_set` when the file exists but holds no
    record: empty, only blank lines, `[]`, or a CSV header alone; nothing but
    lines that are not records (bad JSON, prose: EVID005 reports such lines
    when some records remain); a single file that is not text at all
    (binary); or a folder that holds no files (one that holds other files but
    no data file is EVID005's). A missing file is EVAL003's. Reported at the
    path.

    ## Why
    A plan that points at an empty file has the shape of evidence without
    its substance: the dataset, held-out set or baseline it describes does
    not exist yet, whatever the counts beside it say.

    ## Bad
    ```yaml
    # data/ft/empty.jsonl exists and is empty
    aiplan: 1
    name: Escalation replies
    approach: fine_tuning
    fine_tuning:
      dataset:
        path: data/ft/empty.jsonl
    ```

    ## Good
    ```yaml
    # every file holds records
    aiplan: 1
    name: Escalation replies
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidence: 38% of 200 prompted replies broke the escalation template.
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: template_compliance
            value: 0.62
            eval_set: evals/escalations.jsonl
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      base_model: claude-haiku
      task:
        description: turn an agent's notes into an escalation reply in the house template
      dataset:
        path: data/escalations/train.jsonl
        examples: 600
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          path: data/escalations/held_out.jsonl
          size: 120
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
    evaluation:
      metrics:
        - name: template_compliance
          target: 0.9
      eval_sets:
        - path: evals/escalations.jsonl
          size: 100
      cadence: per_release
    ```
    """
    seen: set[str] = set()
    for claim in data_claims(plan):
        if claim.name in seen:
            continue
        seen.add(claim.name)
        profile = _profile(plan, claim)
        if profile is None or not _holds_no_records(plan, claim, profile):
            continue
        if profile.unreadable:
            yield Violation(
                f"`{dotted(*claim.path)}` names {claim.name}, which holds no records: it {profile.unreadable}",
                profile.hint, path=claim.path)
            continue
        if profile.malformed:
            # Lines a trainer or an evaluation cannot read as records: what EVID005 says of some lines, of all.
            line, why = profile.first_malformed[0]
            yield Violation(
                f"`{dotted(*claim.path)}` names {claim.name}, which holds no records: "
                f"{f'none of its {profile.malformed:,} lines is' if profile.malformed != 1 else 'its one line is not'} "
                "a record (first: "
                f"{_at(profile.where(line))}: {why})",
                f"Write the {claim.role}'s records to {claim.name} as "
                f"{FORMAT_NAMES.get(profile.format, profile.format or 'data')} records (or set `format:` for the "
                "file in the plan if it holds another format), or point `path` at them.",
                path=claim.path,
                related=tuple(RelatedLocation(*profile.where(n), w) for n, w in profile.first_malformed[:SHOWN]),
            )
            continue
        yield Violation(
            f"`{dotted(*claim.path)}` names {claim.name}, which holds no records "
            f"({_size(profile.size)}{', only blank lines or a header' if profile.size else ''})",
            f"Add the {claim.role}'s records to {claim.name}, or remove the claim until the data exists.",
            path=claim.path,
        )


# -- EVID008 -------------------------------------------------------------------


def _not_verified(plan) -> Iterator[Violation]:
    reader = plan.evidence
    seen: set[str] = set()
    for claim in data_claims(plan):
        if claim.name in seen:
            continue
        seen.add(claim.name)
        where = reader.locate(claim.name)
        if where.kind in ("remote", "outside"):
            yield Violation(
                f"`{dotted(*claim.path)}` names {claim.name}, which aiplan does not read ({where.why}): "
                f"the plan's claims about the {claim.role} are not verified",
                "Keep a copy or a representative sample of the data in the repository and name it, "
                "or accept that this claim is unchecked (ignore EVID008 for this plan).",
                path=claim.path,
            )
        elif where.readable:
            if where.skipped:
                yield _skipped_files(plan, claim, where)
            if where.broken:
                yield _broken_links(plan, claim, where)
            profile = _profile(plan, claim)
            if profile.missing_extra:
                yield Violation(
                    f"`{dotted(*claim.path)}` names {claim.name}, which {profile.unreadable}: "
                    f"the plan's claims about the {claim.role} are not verified",
                    profile.hint, path=claim.path,
                )
            elif not profile.unreadable and profile.sampled:
                yield _partly_read(claim, profile)
    for index, _source in plan.entries("rag", "corpus", "sources"):
        name = plan.file_path("rag", "corpus", "sources", index, "path")
        if name is None:
            continue
        profile = reader.corpus(name)
        skipped = reader.corpus_skipped(name)
        if skipped and not profile.unverified:
            shown = [reader.shown(path) for path in skipped]
            count = len(shown)
            named = _first_named(shown)
            yield Violation(
                f"`{dotted('rag', 'corpus', 'sources', index, 'path')}` names {name}, and {count:,} of its "
                f"documents ({named}) {'is a link' if count == 1 else 'are links'} out of the repository holding "
                "the plan, not read: the source's tables and boilerplate are measured on the others only",
                "Keep the documents inside the repository (copy the linked files in, or link to a copy inside "
                "it), or accept that they are unchecked (ignore EVID008 for this plan).",
                path=("rag", "corpus", "sources", index, "path"),
            )
        if profile.unverified:
            yield Violation(
                f"`{dotted('rag', 'corpus', 'sources', index, 'path')}` names {name}, which aiplan does not read "
                f"({profile.unverified}): the source's tables and boilerplate are not measured",
                "Name local documents (a file, a folder or a glob relative to the plan), or remove `path`.",
                path=("rag", "corpus", "sources", index, "path"),
            )
        elif profile.pdfs_unread:
            from aiplan.evidence.corpus import PDF_HINT  # start-up: only for plans that name PDF documents

            count = profile.pdfs_unread
            yield Violation(
                f"`{dotted('rag', 'corpus', 'sources', index, 'path')}` names {count:,} PDF document"
                f"{'s' if count != 1 else ''} (first: {profile.first_pdf_unread}), which aiplan reads only with "
                "the PDF extra: their tables and boilerplate are not measured",
                PDF_HINT, path=("rag", "corpus", "sources", index, "path"),
                related=(RelatedLocation(profile.first_pdf_unread, 1, "a PDF document not read"),),
            )
    found = _held_out_coverage(plan)
    if found is not None and found[1].categorised == 0:
        claim, profile, _areas = found
        first_file, first_line = profile.where(1)
        yield Violation(
            f"`{dotted(*claim.parent, 'covers')}` cannot be verified: no record of {claim.name} has a category "
            "field (`category`, `categories`, `covers` or `tags`)",
            'Add a `category` field to each held-out record (for example `"category": "adjacent_behaviors"`), '
            "or set `category_field` for the file in the plan.",
            path=claim.parent + ("covers",),
            related=(RelatedLocation(first_file, first_line, "the held-out set"),),
        )


def _partly_read(claim, profile) -> Violation:
    """Data past the evidence budgets: the claims are checked against its first part only, and a
    clean lint must not read as if the whole had been (counts estimated, records unread never compared)."""
    read = _read_only(profile.files_matched, profile.shards, profile.bytes_read, profile.size)
    if profile.files_matched:
        option = f"`max-evidence-files` to at least {profile.files_matched:,} (the files matched)"
    else:
        option = f"`max-evidence-bytes` to at least {profile.size:,} (the data's size in bytes)"
    return Violation(
        f"`{dotted(*claim.path)}` names {claim.name}, of which {read}: the plan's claims about the "
        f"{claim.role} are checked against that part only (its counts are estimates, and records in the "
        "rest are never compared with other sets)",
        f"To check all of it, raise {option} in the configuration (and `file-timeout` with it), "
        "or accept that the rest is unchecked (ignore EVID008 for this plan).",
        path=claim.path,
    )


def _skipped_files(plan, claim, where) -> Violation:
    """The files of a glob or folder that resolve outside the repository (links out of it):
    not read, so the claim is checked against the others only; named, never dropped silently."""
    return _linked_out(claim.path, claim.name, plan.evidence.skipped(claim.name), len(where.parts), "files",
                       f"the plan's claims about the {claim.role} are checked against", also_unread=len(where.broken))


def _broken_links(plan, claim, where) -> Violation:
    """The files of a glob or folder that are symbolic links to nothing: no data, so the claim
    is checked against the others only; named, never dropped silently (as links out are)."""
    shown = [plan.evidence.shown(path) for path in where.broken]
    count, read = len(shown), len(where.parts)
    # The files of the set are counted as EVID008's finding on links out counts them (_linked_out).
    others = _read_of(read, "files", also_unread=len(where.skipped))
    return Violation(
        f"`{dotted(*claim.path)}` names {claim.name}, and {count:,} of its {count + read + len(where.skipped):,} files "
        f"({_first_named(shown)}) {'is a symbolic link' if count == 1 else 'are symbolic links'} to nothing (the "
        f"file linked to does not exist), not read: the plan's claims about the {claim.role} are checked against "
        f"{others} only",
        f"Point {'the link' if count == 1 else 'each link'} at the data it stands for, or remove "
        f"{'it' if count == 1 else 'them'}.",
        path=claim.path,
    )


def _first_named(shown) -> str:
    """The first :data:`SHOWN` of ``shown``, then how many more."""
    if len(shown) <= SHOWN:
        return listing(shown)
    return ", ".join(shown[:SHOWN]) + f" and {len(shown) - SHOWN:,} more"


def _read_of(read: int, things: str, also_unread: int) -> str:
    """What a claim is checked against, the ``read`` files of a set some of whose files are
    not read: "the other file", "the other 3 files", or, when ``also_unread`` others are not
    read either (links to nothing beside links out), "1 of them"."""
    if also_unread:
        return f"{read:,} of them"
    return f"the other {things[:-1]}" if read == 1 else f"the other {read:,} {things}"


def _linked_out(at, name: str, shown, read: int, things: str, checked: str, also_unread: int = 0) -> Violation:
    """EVID008 for the ``shown`` files (``things``: files, documents) of the glob or folder
    ``name`` that are links out of the repository, beside the ``read`` others and ``also_unread``
    ones not read for another reason (links to nothing: :func:`_broken_links`)."""
    count = len(shown)
    named = _first_named(shown)
    others = _read_of(read, things, also_unread)
    return Violation(
        f"`{dotted(*at)}` names {name}, and {count:,} of its {count + read + also_unread:,} {things} "
        f"({named}) {'is a link' if count == 1 else 'are links'} "
        f"out of the repository holding the plan, not read: {checked} {others} only",
        "Keep the data inside the repository (copy the linked files in, or link to a copy inside it), "
        "or accept that part of this claim is unchecked (ignore EVID008 for this plan).",
        path=at,
    )


@rule("EVID008", "evidence-not-verified", Severity.INFO)
def evidence_not_verified(plan, options):
    """A claim about data could not be checked against the data.

    Says so, once per file, when the plan names data aiplan does not read: a
    URL, an `s3://` (or other remote) location or a dataset hub name (nothing
    is ever fetched), a path outside the repository holding the plan (or, for
    a glob or folder, each file of it that is a link out of the repository,
    or a link to nothing: named, and the claim checked against the others
    only), or a
    Parquet file without the `aiplan[parquet]` extra installed; a RAG
    source's `path` that is remote, outside the repository or matches no
    file, or that names PDF documents without the `aiplan[pdf]` extra
    installed (their tables and boilerplate are not measured), or whose
    glob or folder holds documents that are links out of the repository
    (named; the others are measured). Also when the held-out set claims `covers` but none of its records
    has a category field; when data is read only in part, past `max-evidence-bytes` or
    `max-evidence-files` (the message says what was read, the fix which option to raise).
    Reported at the path (or `covers`).

    ## Why
    Decisions should rest on evidence. A claim that could not be checked is
    not wrong, but a reviewer should know that nobody verified it, rather
    than read a clean lint as confirmation.

    ## Bad
    ```yaml
    aiplan: 1
    name: Escalation replies
    approach: fine_tuning
    fine_tuning:
      dataset:
        path: s3://acme-ml/escalations/train.jsonl
        examples: 4200
    ```

    ## Good
    ```yaml
    # every file is in the repository, where aiplan reads it
    aiplan: 1
    name: Escalation replies
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidence: 38% of 200 prompted replies broke the escalation template.
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: template_compliance
            value: 0.62
            eval_set: evals/escalations.jsonl
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      base_model: claude-haiku
      task:
        description: turn an agent's notes into an escalation reply in the house template
      dataset:
        path: data/escalations/train.jsonl
        examples: 600
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          path: data/escalations/held_out.jsonl
          size: 120
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
    evaluation:
      metrics:
        - name: template_compliance
          target: 0.9
      eval_sets:
        - path: evals/escalations.jsonl
          size: 100
      cadence: per_release
    ```
    """
    if plan.evidence is None:
        return
    yield from _not_verified(plan)


# -- facts for FT009 ----------------------------------------------------------------


def overlap_unmeasured(plan) -> str | None:
    """``None`` when the evidence checks compared every held-out record with the
    whole training data (the measurement EVID002 reports from); otherwise why
    they did not, in words for a message (``"data/ft/train.jsonl does not exist"``)."""
    reader = plan.evidence
    if reader is None:
        return "the evidence checks are off"
    if held_out_is_training_file(plan) or _links_into_training(plan):
        return None  # one file for both, or a link into the training data: FT006 reports the leak itself
    if not reader.measures_overlap:
        return "EVID002, the rule that compares them, is not enabled"
    claims = data_claims(plan)
    training = next((c for c in claims if c.role == TRAINING), None)
    held_out = next((c for c in claims if c.role == HELD_OUT), None)
    if training is None or held_out is None:
        unnamed = [f"`{dotted(*path)}`" for claim, path in ((training, ("fine_tuning", "dataset", "path")),
                   (held_out, ("fine_tuning", "evaluation", "held_out", "path"))) if claim is None]
        return f"{listing(unnamed)} {'is' if len(unnamed) == 1 else 'are'} not set, so no data was compared"
    for claim in (training, held_out):
        where = reader.locate(claim.name)
        if where.kind == "missing":
            # A glob that matches nothing (`*` beside a plan with no data file) exists as a pattern.
            return f"{code(claim.name)} matches no data file" if is_glob(claim.name) else f"{claim.name} does not exist"
        if not where.readable:
            return f"{claim.name} is not read: {where.why}"
        profile = _profile(plan, claim)
        if profile is not None and profile.unreadable:
            return f"{claim.name} {profile.unreadable}"
    inputs = _overlap_inputs(plan)
    if inputs is None or not any(same_file(plan, held_out.name, c.name) for c in inputs[1]):
        return "the files could not be compared"
    # The one training pass EVID002 reports from: measured once, read by both rules.
    result = inputs[2].exact
    if result.unreadable:
        return f"{training.name} {result.unreadable}"
    if result.sampled:
        return _read_only(result.files_matched, result.training_shards, result.bytes_read, result.size,
                          f" of {training.name}", "compared")
    found = result.overlap(held_out.name)
    if found is None or not found.records:
        return f"no record of {held_out.name} has an input to compare"
    if not result.training_records:
        return f"no record of {training.name} has an input to compare"
    return None


# -- facts for the RAG rules (RAG003, RAG004) ---------------------------------------------

# RAG004 applies when at least this share of a source's lines repeat across half its documents.
BOILERPLATE_SHARE = 0.25


def measured_corpus(plan, index: int):
    """The :class:`~aiplan.evidence.corpus.CorpusProfile` of ``rag.corpus.sources[index].path``,
    or ``None`` (no path, evidence off, nothing read)."""
    name = plan.file_path("rag", "corpus", "sources", index, "path")
    if name is None or plan.evidence is None:
        return None
    profile = plan.evidence.corpus(name)
    return None if profile.unverified or not profile.documents else profile


def measured_tables(plan, index: int) -> tuple[str, tuple] | None:
    """``(words, related)`` when the source's documents hold tables, else ``None``."""
    profile = measured_corpus(plan, index)
    if profile is None or not profile.with_tables:
        return None
    where = ", ".join(_in_document(*place) for place in profile.first_tables[:SHOWN])
    words = (f"holds tables (measured: {profile.with_tables:,} of its {profile.documents:,} documents"
             f"{' read' if profile.sampled else ''}; first: {where})")
    return words, tuple(_document_location(name, number, "a table") for name, number in profile.first_tables[:SHOWN])


def measured_boilerplate(plan, index: int) -> tuple[str, tuple] | None:
    """``(words, related)`` when the source's lines repeat across most documents, else ``None``."""
    profile = measured_corpus(plan, index)
    if profile is None or profile.repeated_share < BOILERPLATE_SHARE:
        return None
    name, line, text = profile.first_repeated
    units = (f"{profile.units:,} documents and PDF pages" if profile.pdf_pages
             else f"{profile.documents:,} documents")
    words = (f"repeats boilerplate (measured: {profile.repeated_share:.0%} of lines repeat across at least half "
             f"of the {units}{' read' if profile.sampled else ''}; first: "
             f"{_in_document(name, line)}: {quoted_visibly(text, 80)})")
    return words, (_document_location(name, line, "a line repeated across documents"),) if name else ()


def _in_document(name: str, number: int) -> str:
    """``file:line``, or ``file page N`` for a PDF (its places are pages)."""
    return f"{name} page {number}" if name.lower().endswith(".pdf") else _at((name, number))


def _document_location(name: str, number: int, words: str) -> RelatedLocation:
    if name.lower().endswith(".pdf"):
        return RelatedLocation(name, 1, f"{words} (page {number})")
    return RelatedLocation(name, number, words)
