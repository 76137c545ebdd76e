"""The overflow note of the github format at the exact limit of annotations GitHub keeps."""

from aiplan.core.findings import FileResult
from aiplan.reporters import github

from ci_support import finding, run_of


def _run(count: int):
    return run_of(FileResult("p.aiplan.yaml", findings=tuple(finding(line=i) for i in range(1, count + 1))))


def test_exactly_the_limit_needs_no_note():
    assert github.overflow_note(_run(github.ANNOTATION_LIMIT)) == ""


def test_one_past_the_limit_says_how_many_and_where():
    count = github.ANNOTATION_LIMIT + 1
    assert github.overflow_note(_run(count)) == (
        f"GitHub shows the first {github.ANNOTATION_LIMIT} error annotations of a step; "
        f"all {count} error findings are listed in the log above.\n")
