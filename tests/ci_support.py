"""Hand-made findings and runs for the reporter tests."""

from aiplan.core.findings import FileResult, Finding, InternalError, Severity
from aiplan.run.runner import RunResult


def finding(**fields) -> Finding:
    values = dict(rule="BASE001", name="missing-prompt-baseline", severity=Severity.ERROR,
                  message="approach is `rag` but the plan has no `baseline.prompt_engineering`",
                  fix="Add `baseline.prompt_engineering` with `status: done`.", path="plan.aiplan.yaml",
                  line=3, column=11, end_line=3, end_column=14, yaml_path=("approach",),
                  url="https://github.com/aiplan-dev/aiplan/blob/main/docs/rules.md#base001-missing-prompt-baseline")
    values.update(fields)
    return Finding(**values)


def run_of(*files: FileResult, errors: tuple[InternalError, ...] = ()) -> RunResult:
    return RunResult(files=list(files), errors=list(errors))


def rules():
    from aiplan.plugins.manager import load_rule_set

    return load_rule_set(entry_points=False).rules
