"""RAG: the data pipeline decides retrieval quality.

RAG systems rarely fail because of the architecture; they fail because of the
data: documents that chunk badly, tables split mid-row, boilerplate that
drowns semantic search, an index that lags its sources. These rules apply when
`approach` is `rag` or `hybrid` and the plan has a `rag` section.
"""

from __future__ import annotations

from aiplan.core.findings import Severity, Violation
from aiplan.core.rule import rule
from aiplan.rules.evidence import measured_boilerplate, measured_tables
from aiplan.core.notation import show
from aiplan.rules.wording import absence, approach_shown, code, dotted, listing, quoted_listing, source_label

PIPELINE_STAGES = {
    "chunking": ("how documents are split", "`chunking: {strategy: heading_aware, size_tokens: 512, overlap_tokens: 64}`"),
    "embedding": ("which model embeds the chunks", "`embedding: {model: text-embedding-3-large}`"),
    "indexing": ("where chunks are stored and how often the index is rebuilt",
                 "`indexing: {store: pgvector, refresh: daily}`"),
}

# `rag.retrieval.mode`: how retrieval finds documents.
RETRIEVAL_MODES = ("vector", "lexical", "hybrid", "live_api")
# A source fetched at query time (an API, a search engine, a SQL query): nothing to index.
LIVE_FORMATS = ("api",)
# Formats that are tables, whatever `contains_tables` says.
TABULAR_FORMATS = {
    "csv": "a delimited file", "tsv": "a delimited file",
    "xlsx": "a spreadsheet", "xls": "a spreadsheet", "xlsm": "a spreadsheet", "ods": "a spreadsheet",
    "spreadsheet": "a spreadsheet", "excel": "a spreadsheet",
    "html_table": "an HTML table", "html_tables": "an HTML table",
}

# How often a source changes, slowest first: an index must refresh at least as often.
FREQUENCY_ORDER = ("static", "yearly", "quarterly", "monthly", "weekly", "daily", "realtime")
SENSITIVE = ("confidential", "restricted")


def applies(plan) -> bool:
    """RAG rules apply when the approach includes retrieval and the section exists."""
    return plan.includes_rag and plan.mapping("rag") is not None


def retrieval_mode(plan) -> str:
    """How retrieval works: `rag.retrieval.mode` when it is one of RETRIEVAL_MODES;
    otherwise `live_api` when every source is fetched live (`format: api`), else `vector`."""
    mode = plan.string("rag", "retrieval", "mode")
    if mode in RETRIEVAL_MODES:
        return mode
    sources = _sources(plan)
    if sources and all(_is_live(plan, index) for index, _ in sources):
        return "live_api"
    return "vector"


def _is_live(plan, index: int) -> bool:
    """The source is fetched at query time (`format: api`): nothing to chunk, embed or index."""
    fmt = plan.string("rag", "corpus", "sources", index, "format")
    return fmt is not None and fmt.strip().lower() in LIVE_FORMATS


def _indexed_sources(plan) -> list[tuple[int, dict]]:
    """The sources that go through the pipeline into an index (all of them unless retrieval is live)."""
    if retrieval_mode(plan) == "live_api":
        return []
    return [(index, source) for index, source in _sources(plan) if not _is_live(plan, index)]


def _pipeline_missing(plan) -> bool:
    """`rag.data_pipeline` is absent, not a mapping, or says nothing (`{}`, `TBD`)."""
    return plan.mapping("rag", "data_pipeline") is None or plan.is_blank("rag", "data_pipeline")


def _sources(plan) -> list[tuple[int, dict]]:
    return plan.entries("rag", "corpus", "sources")


@rule("RAG001", "rag-without-data-pipeline", Severity.ERROR, superseded_by=("FIT002",))
def rag_without_data_pipeline(plan, options):
    """Retrieval is planned without a data pipeline.

    Fires when `rag.data_pipeline` is absent, is not a mapping, or says
    nothing: empty (`data_pipeline: {}`) or placeholder text (`TBD`, `none`;
    see docs/placeholders.md). Reported at `data_pipeline`, or at `rag` when
    the key is absent. RAG002, RAG003 and RAG004 then stay quiet: the whole
    pipeline is missing, not one stage, and the message names the sources
    that hold tables (a tabular `format`, `contains_tables: true`, or tables
    measured in their documents; the hint then includes a table strategy) and
    those heavy with boilerplate. Not reported when retrieval is live
    (`rag.retrieval.mode: live_api`, or every source is `format: api`):
    documents fetched at query time have no pipeline to plan. Superseded by
    FIT002: when the retrieval is planned for a behavior gap with no
    knowledge gap, retrieval is the wrong tool, and a pipeline to feed it is
    no remedy.

    ## Why
    The failure mode of RAG is almost never the retrieval architecture; it is
    the data. How documents are cleaned, chunked, embedded and indexed decides
    what retrieval can find. A plan that describes the retriever but not the
    pipeline feeding it has left out the part that deserves as much time as the
    retrieval architecture, and probably more.

    ## Bad
    ```yaml
    aiplan: 1
    name: HR handbook assistant
    approach: rag
    rag:
      corpus:
        sources:
          - name: employee handbook
            format: pdf
      retrieval:
        top_k: 5
        reranker: cross-encoder
      citations: true
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: HR handbook assistant
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
    approach: rag
    rag:
      corpus:
        sources:
          - name: employee handbook
            format: pdf
            update_frequency: monthly
      data_pipeline:
        owner: people-analytics
        effort_weeks: 4
        cleaning: drop running headers, footers and the table of contents
        chunking:
          strategy: heading_aware
          size_tokens: 400
        embedding:
          model: text-embedding-3-large
        indexing:
          store: opensearch
          refresh: monthly
      retrieval:
        top_k: 5
        reranker: cross-encoder
        effort_weeks: 2
        evaluation:
          metrics: [recall_at_k]
          eval_set: evals/retrieval-v1.jsonl
      citations: true
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not applies(plan) or not _pipeline_missing(plan) or retrieval_mode(plan) == "live_api":
        return
    value = plan.get("rag", "data_pipeline")
    if plan.is_blank("rag", "data_pipeline") or value is False:
        state = absence(plan, "rag", "data_pipeline")
    else:
        state = f"is {code(value)}, not a description of the pipeline"
    tables = [source_label(source, index) for index, source, *_ in _table_sources(plan)]
    noisy = [source_label(source, index) for index, source, *_ in _boilerplate_sources(plan)]
    # One mistake, one finding: the sources RAG003 and RAG004 would report are named here.
    though = ([f"{listing(tables)} {'holds' if len(tables) == 1 else 'hold'} tables"] if tables else []) + (
        [f"{listing(noisy)} {'is' if len(noisy) == 1 else 'are'} heavy with boilerplate"] if noisy else [])
    held = f", though {listing(though)}" if though else ""
    chunking = ("`chunking: {strategy: heading_aware, size_tokens: 512, tables: one chunk per row with the header}`"
                if tables else "`chunking: {strategy: heading_aware, size_tokens: 512}`")
    yield Violation(
        f"approach is {approach_shown(plan)} but `rag.data_pipeline` {state}: nothing says how the documents "
        f"are cleaned, chunked, embedded and indexed{held}",
        "Plan how the documents get into the index: under `rag.data_pipeline`, set an `owner`, "
        f"`effort_weeks`, `cleaning`, {chunking}, `embedding: {{model: text-embedding-3-large}}` and "
        "`indexing: {store: pgvector, refresh: daily}` (with this plan's own choices).",
        path=("rag", "data_pipeline"),
        at="section",
    )


@rule("RAG002", "incomplete-data-pipeline", Severity.WARNING, superseded_by=("FIT002",))
def incomplete_data_pipeline(plan, options):
    """The data pipeline leaves out chunking, embedding or indexing.

    Fires once for each of `chunking`, `embedding` and `indexing` that
    `rag.data_pipeline` lacks (absent, empty, or only placeholder text such as
    `TBD` or `{model: TBD}`; see docs/placeholders.md), at that key or at
    `data_pipeline` when the key is absent.

    The stages follow `rag.retrieval.mode`: `lexical` retrieval (keyword or
    BM25 search) embeds nothing, so `embedding` is not asked for; `live_api`
    retrieval (or a corpus whose every source is `format: api`) indexes
    nothing, so no stage is. A corpus whose every source is `static` is still
    indexed (once): the hint proposes `refresh: static`, not a schedule.

    ## Why
    Retrieval quality depends on every stage: chunks that cut through a
    section's meaning, an embedding model chosen by default, or an index with
    no owner for its refresh each degrade every answer downstream. A stage the
    plan does not mention is a stage nobody has decided.

    ## Bad
    ```yaml
    aiplan: 1
    name: Field service search
    approach: rag
    rag:
      corpus:
        sources:
          - name: repair manuals
            format: pdf
      data_pipeline:
        owner: data-eng
        chunking:
          strategy: heading_aware
          size_tokens: 512
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Field service search
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
    approach: rag
    rag:
      corpus:
        sources:
          - name: repair manuals
            format: pdf
            update_frequency: monthly
      data_pipeline:
        owner: data-eng
        chunking:
          strategy: heading_aware
          size_tokens: 512
        embedding:
          model: text-embedding-3-large
        indexing:
          store: pgvector
          refresh: weekly
        effort_weeks: 4
      retrieval:
        effort_weeks: 2
        top_k: 8
        evaluation:
          metrics: [recall_at_k]
          eval_set: evals/retrieval-v1.jsonl
      citations: true
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not applies(plan) or _pipeline_missing(plan):
        return
    mode = retrieval_mode(plan)
    if mode == "live_api":
        return
    for stage, (decides, snippet) in PIPELINE_STAGES.items():
        if stage == "embedding" and mode == "lexical":
            continue  # keyword search embeds nothing
        if not plan.is_blank("rag", "data_pipeline", stage):
            continue
        if stage == "indexing":
            store = "opensearch" if mode == "lexical" else "pgvector"
            refresh = _suggested_refresh(plan)
            snippet = f"`indexing: {{store: {store}, refresh: {refresh}}}`"
            if refresh == "static":  # nothing to keep up with; the store still has to be chosen
                snippet += " (every source is `static`: the index is built once)"
        state = absence(plan, "rag", "data_pipeline", stage)
        yield Violation(
            f"`rag.data_pipeline.{stage}` {state}: the plan does not say {decides}",
            f"Add under `rag.data_pipeline`: {snippet}.",
            path=("rag", "data_pipeline", stage),
            at="section",
        )


@rule("RAG003", "tables-without-strategy", Severity.WARNING, superseded_by=("FIT002",))
def tables_without_strategy(plan, options):
    """A source contains tables but the pipeline does not say how tables are chunked.

    Fires for each source in `rag.corpus.sources` that holds tables when
    `rag.data_pipeline.chunking.tables` is not set, empty or a placeholder
    (`n/a`, `none`, `TBD`; see docs/placeholders.md). A source holds tables
    when it says `contains_tables: true` (reported there), or when its
    `format` is a spreadsheet or delimited file (`xlsx`, `xls`, `xlsm`, `ods`,
    `csv`, `tsv`) or `html_table`, whatever `contains_tables` says (reported at
    `format`). Sources fetched live (`format: api`, or
    `rag.retrieval.mode: live_api`) are not chunked and not checked. When a
    source names local documents (`path`), tables aiplan finds in them
    (Markdown, HTML, CSV/TSV, spreadsheets) count as well, even with
    `contains_tables` unstated or false (reported at `path`, with the first
    tables as `file:line`; see docs/evidence.md). Not reported when the
    plan has no data pipeline at all: RAG001 reports that, once, naming the
    sources that hold tables.

    ## Why
    Tables are where naive chunking fails most visibly: a fixed-size splitter
    cuts rows away from their header, so a retrieved chunk holds numbers with
    no column names and the model answers from fragments. Tables need an
    explicit strategy, such as one chunk per row with the header repeated, or a
    table converted to text.

    ## Bad
    ```yaml
    aiplan: 1
    name: Spec sheet search
    approach: rag
    rag:
      corpus:
        sources:
          - name: product spec sheets
            format: pdf
            contains_tables: true
      data_pipeline:
        chunking:
          strategy: fixed
          size_tokens: 512
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Spec sheet search
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
    approach: rag
    rag:
      corpus:
        sources:
          - name: product spec sheets
            format: pdf
            contains_tables: true
            update_frequency: monthly
      data_pipeline:
        chunking:
          strategy: fixed
          size_tokens: 512
          tables: one chunk per table row, header repeated
        owner: data-eng
        effort_weeks: 4
        embedding:
          model: text-embedding-3-large
        indexing:
          store: pgvector
          refresh: daily
      retrieval:
        effort_weeks: 2
        top_k: 8
        evaluation:
          metrics: [recall_at_k]
          eval_set: evals/retrieval-v1.jsonl
      citations: true
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not applies(plan) or _rag001_reports(plan) or not plan.is_blank("rag", "data_pipeline", "chunking", "tables"):
        return  # no pipeline at all: one finding, RAG001's, which names the tables
    state = absence(plan, "rag", "data_pipeline", "chunking", "tables")
    for index, source, holds, at, related in _table_sources(plan):
        fix = ("`tables: one chunk per table row, header repeated`, and set `contains_tables: true` for the source."
               if at == "path" else
               "`tables: one chunk per table row, header repeated` (or convert tables to text before "
               "chunking and say so).")
        yield Violation(
            f"{source_label(source, index)} {holds}, but `rag.data_pipeline.chunking.tables` {state}: "
            "a plain splitter cuts rows away from their headers",
            f"Say how tables are chunked, under `rag.data_pipeline.chunking`: {fix}",
            path=("rag", "corpus", "sources", index, at), related=related,
        )


def _table_sources(plan) -> list[tuple[int, dict, str, str, tuple]]:
    """The indexed sources that hold tables: ``(index, source, words, key reported at, related)``.
    A tabular format, `contains_tables: true`, or tables measured in the documents at `path`."""
    found = []
    for index, source in _indexed_sources(plan):
        fmt = plan.string("rag", "corpus", "sources", index, "format")
        kind = TABULAR_FORMATS.get(fmt.strip().lower().lstrip(".")) if fmt else None
        if kind is not None:
            found.append((index, source, f"is {code(fmt.strip())}, {kind}, so it holds tables", "format", ()))
        elif plan.boolean("rag", "corpus", "sources", index, "contains_tables") is True:
            found.append((index, source, "contains tables", "contains_tables", ()))
        else:
            # The documents at the source's `path` (EVID profiling): tables found count even if unstated.
            measured = measured_tables(plan, index)
            if measured is not None:
                found.append((index, source, measured[0], "path", measured[1]))
    return found


@rule("RAG004", "boilerplate-without-cleaning", Severity.WARNING, superseded_by=("FIT002",))
def boilerplate_without_cleaning(plan, options):
    """A source is heavy with boilerplate but the pipeline does no cleaning.

    Fires for each source in `rag.corpus.sources` with `boilerplate: high` when
    `rag.data_pipeline.cleaning` is absent, empty, `false` or a placeholder
    (`no`, `none`, `TBD`; see docs/placeholders.md). Reported at that source's
    `boilerplate`. A source that names local documents (`path`) also counts
    as heavy with boilerplate, whatever `boilerplate` says, when at least 25%
    of its lines repeat across at least half of its documents (measured,
    reported at `path` with the share; see docs/evidence.md). Not reported
    when the plan has no data pipeline at all: RAG001 reports that, once,
    naming the sources heavy with boilerplate. A source fetched live
    (`format: api`, or `rag.retrieval.mode: live_api`) is not chunked: the
    hint asks for cleaning of each fetched page before it reaches the model.

    ## Why
    Navigation menus, legal footers and cookie banners repeated on every page
    end up in every chunk. Their embeddings look alike, so semantic search
    returns noise that matches the boilerplate rather than the question.
    Stripping it before chunking is cheap and is often the largest single
    improvement to retrieval quality.

    ## Bad
    ```yaml
    aiplan: 1
    name: Help centre search
    approach: rag
    rag:
      corpus:
        sources:
          - name: public help centre
            format: html
            boilerplate: high
      data_pipeline:
        chunking:
          strategy: recursive
          size_tokens: 512
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Help centre search
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
    approach: rag
    rag:
      corpus:
        sources:
          - name: public help centre
            format: html
            boilerplate: high
            update_frequency: monthly
      data_pipeline:
        cleaning: strip navigation, cookie banner and legal footer with the site's CSS selectors
        chunking:
          strategy: recursive
          size_tokens: 512
        owner: data-eng
        effort_weeks: 4
        embedding:
          model: text-embedding-3-large
        indexing:
          store: pgvector
          refresh: daily
      retrieval:
        effort_weeks: 2
        top_k: 8
        evaluation:
          metrics: [recall_at_k]
          eval_set: evals/retrieval-v1.jsonl
      citations: true
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not applies(plan) or _rag001_reports(plan):
        return  # no pipeline at all: one finding, RAG001's, which names these sources
    cleaning = plan.get("rag", "data_pipeline", "cleaning")
    if not plan.is_blank("rag", "data_pipeline", "cleaning") and cleaning is not False:
        return
    state = absence(plan, "rag", "data_pipeline", "cleaning")
    all_live = retrieval_mode(plan) == "live_api"
    for index, source, holds, at, related in _boilerplate_sources(plan):
        if all_live or _is_live(plan, index):  # fetched at query time: nothing is chunked
            harm = "will crowd out the content of every fetched page in the model's context"
            fix = ("Describe how boilerplate is removed from each fetched page before it reaches the model: under "
                   "`rag.data_pipeline`, set `cleaning: strip navigation, banners and legal footers from fetched pages`.")
        else:
            harm = "will crowd out the content in search results"
            fix = ("Describe how boilerplate is removed before chunking: under `rag.data_pipeline`, set "
                   "`cleaning: strip navigation, banners and legal footers`.")
        yield Violation(
            f"{source_label(source, index)} {holds}{',' if at == 'path' else ''} but `rag.data_pipeline.cleaning` "
            f"{state}: repeated navigation and legal text {harm}",
            fix,
            path=("rag", "corpus", "sources", index, at), related=related,
        )


def _boilerplate_sources(plan) -> list[tuple[int, dict, str, str, tuple]]:
    """The sources heavy with boilerplate: ``(index, source, words, key reported at, related)``.
    `boilerplate: high`, or boilerplate measured in the documents at `path`."""
    found = []
    for index, source in _sources(plan):
        if plan.get("rag", "corpus", "sources", index, "boilerplate") == "high":
            found.append((index, source, "has `boilerplate: high`", "boilerplate", ()))
            continue
        # The documents at the source's `path` (EVID profiling): measured boilerplate counts too.
        measured = measured_boilerplate(plan, index)
        if measured is not None:
            found.append((index, source, measured[0], "path", measured[1]))
    return found


def _rag001_reports(plan) -> bool:
    """RAG001 fires: the plan has no data pipeline and its retrieval indexes documents."""
    return _pipeline_missing(plan) and retrieval_mode(plan) != "live_api"


@rule("RAG005", "data-pipeline-underinvested", Severity.WARNING, superseded_by=("FIT002",))
def data_pipeline_underinvested(plan, options):
    """Less effort is planned for the data pipeline than for retrieval.

    Fires when `rag.data_pipeline.effort_weeks` and `rag.retrieval.effort_weeks`
    are both given and the data pipeline's is the smaller (reported at
    `data_pipeline.effort_weeks`), and when retrieval effort is given but the
    data pipeline's is not (reported at `data_pipeline`). Not reported when
    the plan has no data pipeline (RAG001 says so) or retrieval is live
    (`rag.retrieval.mode: live_api`).

    ## Why
    Retrieval quality is entirely dependent on how the documents are chunked,
    embedded and indexed. Teams that spend their time on retrievers and
    rerankers while the data stays messy get a sophisticated system that
    retrieves noise. Invest at least as much in the data pipeline as in the
    retrieval architecture.

    ## Bad
    ```yaml
    aiplan: 1
    name: Field service search
    approach: rag
    rag:
      corpus:
        sources:
          - name: repair manuals
            format: pdf
      data_pipeline:
        effort_weeks: 1
      retrieval:
        effort_weeks: 5
        reranker: cross-encoder
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Field service search
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
    approach: rag
    rag:
      corpus:
        sources:
          - name: repair manuals
            format: pdf
            update_frequency: monthly
      data_pipeline:
        effort_weeks: 5
        owner: data-eng
        chunking:
          strategy: heading_aware
          size_tokens: 512
        embedding:
          model: text-embedding-3-large
        indexing:
          store: pgvector
          refresh: daily
      retrieval:
        effort_weeks: 3
        reranker: cross-encoder
        top_k: 8
        evaluation:
          metrics: [recall_at_k]
          eval_set: evals/retrieval-v1.jsonl
      citations: true
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not applies(plan) or _pipeline_missing(plan) or retrieval_mode(plan) == "live_api":
        return
    pipeline = plan.number("rag", "data_pipeline", "effort_weeks")
    retrieval = plan.number("rag", "retrieval", "effort_weeks")
    if retrieval is None or retrieval <= 0:
        return
    if pipeline is None:
        # A blank value or one that is not a number (`is `a few``): `absence` words both.
        state = absence(plan, "rag", "data_pipeline", "effort_weeks")
        yield Violation(
            f"`rag.retrieval.effort_weeks` is {show(retrieval)} but `rag.data_pipeline.effort_weeks` {state}: "
            "effort is planned for the retriever and not for the data pipeline that decides retrieval quality",
            f"Plan the data pipeline's effort too, at least as much as retrieval's: under "
            f"`rag.data_pipeline`, set `effort_weeks: {show(retrieval)}` or more.",
            path=("rag", "data_pipeline", "effort_weeks"),
            at="section",
        )
        return
    if pipeline >= retrieval:
        return
    yield Violation(
        f"`rag.data_pipeline.effort_weeks` is {show(pipeline)} but `rag.retrieval.effort_weeks` is "
        f"{show(retrieval)}: the data pipeline, which decides retrieval quality, gets less effort than the retriever",
        f"Plan at least as much effort for the data pipeline as for retrieval: raise "
        f"`rag.data_pipeline.effort_weeks` to {show(retrieval)} or more, or move effort from retrieval to it.",
        path=("rag", "data_pipeline", "effort_weeks"),
    )


@rule("RAG006", "stale-index", Severity.WARNING, superseded_by=("FIT002",))
def stale_index(plan, options):
    """The index is rebuilt less often than a source changes.

    Fires once for each source whose `update_frequency` is more frequent than
    `rag.data_pipeline.indexing.refresh` (realtime > daily > weekly > monthly >
    quarterly > yearly > static; `on_change` keeps up with everything), or
    that changes at all (any frequency but `static`) when no `refresh` is set.
    Reported at that source's `update_frequency`. Sources fetched live at
    query time (`format: api`, or `rag.retrieval.mode: live_api`) have no
    index to go stale and are not checked; RAG011 asks about sources whose
    frequency is unstated. A plan with no data pipeline gets RAG001 instead,
    and one with no `indexing` stage RAG002, whose hint proposes a refresh
    that keeps up with the fastest source.

    ## Why
    Updating the knowledge base without retraining is RAG's main advantage,
    and it only holds if the index follows its sources. An index rebuilt
    weekly over a source that changes daily answers from yesterday's policy,
    with a citation that makes the stale answer look authoritative.

    ## Bad
    ```yaml
    aiplan: 1
    name: Pricing assistant
    approach: rag
    rag:
      corpus:
        sources:
          - name: price list
            format: database
            update_frequency: daily
      data_pipeline:
        indexing:
          store: pgvector
          refresh: weekly
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Pricing assistant
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
    approach: rag
    rag:
      corpus:
        sources:
          - name: price list
            format: database
            update_frequency: daily
      data_pipeline:
        indexing:
          store: pgvector
          refresh: on_change
        owner: data-eng
        effort_weeks: 4
        chunking:
          strategy: heading_aware
          size_tokens: 512
        embedding:
          model: text-embedding-3-large
      retrieval:
        effort_weeks: 2
        top_k: 8
        evaluation:
          metrics: [recall_at_k]
          eval_set: evals/retrieval-v1.jsonl
      citations: true
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not applies(plan) or _pipeline_missing(plan) or plan.is_blank("rag", "data_pipeline", "indexing"):
        return  # no pipeline, or no indexing stage: RAG001's or RAG002's finding
    refresh = None if plan.is_blank("rag", "data_pipeline", "indexing", "refresh") else plan.get(
        "rag", "data_pipeline", "indexing", "refresh")
    if refresh == "on_change" or (refresh is not None and refresh not in FREQUENCY_ORDER):
        return  # keeps up with everything, or an unknown value the schema reports
    for index, source in _indexed_sources(plan):
        frequency = plan.get("rag", "corpus", "sources", index, "update_frequency")
        if frequency not in FREQUENCY_ORDER or frequency == "static":
            continue
        if refresh is not None and FREQUENCY_ORDER.index(frequency) <= FREQUENCY_ORDER.index(refresh):
            continue
        if refresh is None:
            state = (f"`rag.data_pipeline.indexing.refresh` {absence(plan, 'rag', 'data_pipeline', 'indexing', 'refresh')}: "
                     "nothing says the index follows it")
        else:
            state = (f"the index is rebuilt {code(refresh)} (`rag.data_pipeline.indexing.refresh`): "
                     "answers will come from outdated documents")
        yield Violation(
            f"{source_label(source, index)} changes {code(frequency)} but {state}",
            f"Under `rag.data_pipeline.indexing`, set {_refresh_choices(frequency)}, or index this source "
            "separately at its own pace.",
            path=("rag", "corpus", "sources", index, "update_frequency"),
        )


def _suggested_refresh(plan) -> str:
    """A refresh that keeps up with the fastest indexed source: `static` (built once) when every
    source says it never changes, `daily` when none says how fast it changes."""
    stated = [plan.get("rag", "corpus", "sources", index, "update_frequency") for index, _ in _indexed_sources(plan)]
    if stated and all(pace == "static" for pace in stated):
        return "static"
    paces = [pace for pace in stated if pace in FREQUENCY_ORDER and pace != "static"]
    if not paces:
        return "daily"
    fastest = max(paces, key=FREQUENCY_ORDER.index)
    return "on_change" if fastest == "realtime" else fastest


def _refresh_choices(frequency: str) -> str:
    """The refresh settings that keep up with a source, each named once."""
    if frequency == "realtime":
        return "`refresh: on_change`"
    return f"`refresh: {frequency}` or `refresh: on_change`"


@rule("RAG011", "unstated-update-frequency", Severity.INFO, superseded_by=("FIT002",))
def unstated_update_frequency(plan, options):
    """A source does not say how often it changes, so nobody can tell whether the index keeps up.

    Fires once for each indexed source in `rag.corpus.sources` whose
    `update_frequency` is absent, empty or a placeholder (`unknown`, `TBD`;
    see docs/placeholders.md), unless the index is rebuilt on change
    (`rag.data_pipeline.indexing.refresh: on_change`). Reported at the
    source's `update_frequency`, or at the source when the key is absent.
    Sources fetched live at query time (`format: api`, or
    `rag.retrieval.mode: live_api`) are not asked about. Superseded by
    FIT002: how often the sources of a retrieval planned for a behavior gap
    change does not matter until the gap calls for retrieval.

    ## Why
    RAG stays current only if the index is rebuilt at least as often as its
    sources change (RAG006). A source whose pace is unknown may be the one
    that changes daily under a monthly index; the question costs one line to
    answer and is the only way to know the refresh is right.

    ## Bad
    ```yaml
    aiplan: 1
    name: Policy search
    approach: rag
    rag:
      corpus:
        sources:
          - name: policy wiki
            format: html
      data_pipeline:
        indexing:
          store: pgvector
          refresh: weekly
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Policy search
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
    approach: rag
    rag:
      corpus:
        sources:
          - name: policy wiki
            format: html
            update_frequency: monthly
      data_pipeline:
        indexing:
          store: pgvector
          refresh: weekly
        owner: data-eng
        effort_weeks: 4
        chunking:
          strategy: heading_aware
          size_tokens: 512
        embedding:
          model: text-embedding-3-large
      retrieval:
        effort_weeks: 2
        top_k: 8
        evaluation:
          metrics: [recall_at_k]
          eval_set: evals/retrieval-v1.jsonl
      citations: true
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not applies(plan) or plan.get("rag", "data_pipeline", "indexing", "refresh") == "on_change":
        return
    for index, source in _indexed_sources(plan):
        if not plan.is_blank("rag", "corpus", "sources", index, "update_frequency"):
            continue
        yield Violation(
            f"{source_label(source, index)} does not say how often it changes (`update_frequency` "
            f"{absence(plan, 'rag', 'corpus', 'sources', index, 'update_frequency')}): nothing shows "
            "whether the index refresh keeps up with it",
            f"State how often the source changes: under `{dotted('rag', 'corpus', 'sources', index)}`, set "
            "`update_frequency: weekly` (one of static, yearly, quarterly, monthly, weekly, daily, realtime); "
            "or rebuild the index on every change: under `rag.data_pipeline.indexing`, set `refresh: on_change`.",
            path=("rag", "corpus", "sources", index, "update_frequency"),
            at="section",
        )


@rule("RAG007", "unscoped-sensitive-retrieval", Severity.WARNING)
def unscoped_sensitive_retrieval(plan, options):
    """Sensitive data is retrieved without access control.

    Fires when `use_case.data_sensitivity` or any source's `sensitivity` is
    `confidential` or `restricted` and `rag.access_control` is absent or has
    no `scope_by` (absent, empty, or a placeholder such as `TBD` or `none`;
    see docs/placeholders.md). Reported at `access_control`, or at `rag` when
    the key is absent. A multi-tenant use case is RAG012's (an error): one
    finding for the one missing scope.

    A warning, not an error: within one organisation, access to sensitive
    documents may be enforced before retrieval (separate deployments per
    audience, an index per role) in ways the plan does not describe; across
    tenants (RAG012) there is no such excuse.

    ## Why
    One of RAG's strengths is control: retrieval scope can be restricted by
    user role, document type, tenant or recency, so an answer is only grounded
    in documents its reader may see. Without a stated scope, one index serves
    every document to every user, and the model will quote a confidential
    document, or another tenant's, to whoever asks the right question.

    ## Bad
    ```yaml
    aiplan: 1
    name: HR case assistant
    use_case:
      users: [HR partners, managers]
      data_sensitivity: restricted
    approach: rag
    rag:
      corpus:
        sources:
          - name: HR case notes
            format: database
            sensitivity: restricted
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: HR case assistant
    use_case:
      users: [HR partners, managers]
      data_sensitivity: restricted
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
    approach: rag
    rag:
      corpus:
        sources:
          - name: HR case notes
            format: database
            sensitivity: restricted
            update_frequency: monthly
      access_control:
        scope_by: [user_role, document_type]
      data_pipeline:
        owner: data-eng
        effort_weeks: 4
        chunking:
          strategy: heading_aware
          size_tokens: 512
        embedding:
          model: text-embedding-3-large
        indexing:
          store: pgvector
          refresh: daily
      retrieval:
        effort_weeks: 2
        top_k: 8
        evaluation:
          metrics: [recall_at_k]
          eval_set: evals/retrieval-v1.jsonl
      citations: true
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not applies(plan) or _tenancy(plan) is not None:
        return  # multi-tenant: RAG012
    if _scoped(plan):
        return
    reasons = _sensitivity(plan)
    if not reasons:
        return
    yield Violation(
        f"{listing(reasons)}, but {_scope_state(plan)}: any user can be answered from any document",
        "Restrict what retrieval may return for each user: under `rag.access_control`, set "
        "`scope_by: [user_role, document_type]`.",
        path=("rag", "access_control"),
        at="section",
    )


def _scoped(plan) -> bool:
    """`rag.access_control` states a scope (or something the schema reports, not a placeholder)."""
    return not plan.is_blank("rag", "access_control") and (
        plan.mapping("rag", "access_control") is None or not plan.is_blank("rag", "access_control", "scope_by"))


def _sensitivity(plan) -> list[str]:
    """Why the data is sensitive, in words: the use case's and each source's level."""
    reasons = []
    sensitivity = plan.get("use_case", "data_sensitivity")
    if sensitivity in SENSITIVE:
        reasons.append(f"`use_case.data_sensitivity` is {code(sensitivity)}")
    for index, source in _sources(plan):
        level = plan.get("rag", "corpus", "sources", index, "sensitivity")
        if level in SENSITIVE:
            reasons.append(f"{source_label(source, index)} is {code(level)}")
    return reasons


def _scope_state(plan) -> str:
    """What the plan says about `rag.access_control.scope_by`, quoting a placeholder."""
    if plan.mapping("rag", "access_control") is not None and plan.has("rag", "access_control", "scope_by"):
        return f"`rag.access_control.scope_by` {absence(plan, 'rag', 'access_control', 'scope_by')}"
    if plan.mapping("rag", "access_control") is not None:
        return "`rag.access_control` has no `scope_by`"
    return f"`rag.access_control` {absence(plan, 'rag', 'access_control')}"


@rule("RAG012", "cross-tenant-retrieval", Severity.ERROR)
def cross_tenant_retrieval(plan, options):
    """A multi-tenant use case retrieves without scoping by tenant.

    A use case is multi-tenant when `use_case.multi_tenant` is `true` or
    `use_case.tenants` names more than one tenant. Fires when such a plan's
    `rag.access_control.scope_by` does not include `tenant`: reported at
    `scope_by` when it scopes by something else (role or document type alone
    still lets one tenant retrieve another's documents), else at
    `access_control` (or at `rag` when the key is absent), also naming the
    data's sensitivity. An error, where RAG007 (sensitive data, one
    organisation) is a warning: a cross-customer leak of documents is a
    defect to block, and nothing outside the plan can stand in for the scope
    when every tenant's documents sit in one index.

    ## Why
    One of RAG's strengths is control: retrieval scope can be restricted by
    user role, document type, tenant or recency, so an answer is only grounded
    in documents its reader may see. That control is the reason to choose RAG
    for several customers' data. Without a tenant scope, one index serves every
    customer's documents to every customer's users, and the model will quote
    one customer's confidential document to another.

    ## Bad
    ```yaml
    aiplan: 1
    name: Carrier underwriting assistant
    use_case:
      tenants: [northwind-mutual, contoso-re]
    approach: rag
    rag:
      corpus:
        sources:
          - name: carriers' underwriting guides
            format: pdf
      access_control:
        scope_by: [user_role, document_type]
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Carrier underwriting assistant
    use_case:
      tenants: [northwind-mutual, contoso-re]
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
    approach: rag
    rag:
      corpus:
        sources:
          - name: carriers' underwriting guides
            format: pdf
            update_frequency: monthly
      access_control:
        scope_by: [tenant, user_role, document_type]
      data_pipeline:
        owner: data-eng
        effort_weeks: 4
        chunking:
          strategy: heading_aware
          size_tokens: 512
        embedding:
          model: text-embedding-3-large
        indexing:
          store: pgvector
          refresh: daily
      retrieval:
        effort_weeks: 2
        top_k: 8
        evaluation:
          metrics: [recall_at_k]
          eval_set: evals/retrieval-v1.jsonl
      citations: true
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not applies(plan):
        return
    tenancy = _tenancy(plan)
    if tenancy is None:
        return
    scope_by = plan.get("rag", "access_control", "scope_by")
    if _scoped(plan):
        if not isinstance(scope_by, list) or "tenant" in scope_by:
            return
        wanted = [item for item in scope_by if isinstance(item, str)] + ["tenant"]
        yield Violation(
            f"{tenancy}, but `rag.access_control.scope_by` is {code(scope_by)}, without `tenant`: "
            "one tenant's users can be answered from another tenant's documents",
            f"Scope retrieval by tenant too: under `rag.access_control`, set `scope_by: {show(wanted)}`.",
            path=("rag", "access_control", "scope_by"),
        )
        return
    yield Violation(
        f"{listing([tenancy] + _sensitivity(plan))}, but {_scope_state(plan)}: any tenant's users can be "
        "answered from any tenant's documents",
        "Restrict what retrieval may return for each user, tenant first: under `rag.access_control`, set "
        "`scope_by: [tenant, user_role, document_type]`.",
        path=("rag", "access_control"),
        at="section",
    )


def _tenancy(plan) -> str | None:
    """Why the use case is multi-tenant, in words, or ``None`` if it is not."""
    if plan.boolean("use_case", "multi_tenant") is True:
        return "`use_case.multi_tenant` is `true`"
    named = [plan.text("use_case", "tenants", index) for index in range(len(plan.sequence("use_case", "tenants")))]
    tenants = list(dict.fromkeys(name for name in named if name is not None))
    if len(tenants) > 1:
        shown = quoted_listing(tenants) if len(tenants) <= 3 else ", ".join(code(t) for t in tenants[:3]) + ", ..."
        return f"`use_case.tenants` names {len(tenants)} tenants ({shown})"
    return None


@rule("RAG008", "no-citations", Severity.INFO, superseded_by=("FIT002",))
def no_citations(plan, options):
    """Answers do not show the documents they are grounded in.

    Fires when `rag.citations` is not `true` (absent, `false`, or a placeholder
    such as `TBD`, reported here instead of PLAN002). Reported at
    `citations`, or at `rag` when the key is absent. Superseded by FIT002:
    when the retrieval is planned for a behavior gap with no knowledge gap,
    retrieval is the wrong tool, and citing the documents behind a tone or
    format is no remedy.

    ## Why
    Transparency is one of the practical reasons to choose RAG: the user can
    see which documents grounded each answer and check them. Without
    citations that advantage is thrown away, and a wrong answer from a stale
    or irrelevant chunk looks exactly like a right one.

    ## Bad
    ```yaml
    aiplan: 1
    name: Policy search
    approach: rag
    rag:
      corpus:
        sources:
          - name: policy wiki
            format: html
      citations: false
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Policy search
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
    approach: rag
    rag:
      corpus:
        sources:
          - name: policy wiki
            format: html
            update_frequency: monthly
      citations: true
      data_pipeline:
        owner: data-eng
        effort_weeks: 4
        chunking:
          strategy: heading_aware
          size_tokens: 512
        embedding:
          model: text-embedding-3-large
        indexing:
          store: pgvector
          refresh: daily
      retrieval:
        effort_weeks: 2
        top_k: 8
        evaluation:
          metrics: [recall_at_k]
          eval_set: evals/retrieval-v1.jsonl
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not applies(plan) or plan.get("rag", "citations") is True:
        return
    if plan.placeholder("rag", "citations") is not None:
        state = absence(plan, "rag", "citations")  # `TBD`, a placeholder (PLAN002 leaves it to this rule)
    elif plan.has("rag", "citations"):
        state = f"is {code(plan.get('rag', 'citations'))}"
    else:
        state = "is not set"
    yield Violation(
        f"`rag.citations` {state}: answers will not show the documents that grounded them",
        "Show users the sources behind each answer: under `rag`, set `citations: true`.",
        path=("rag", "citations"),
    )


@rule("RAG009", "unmeasured-retrieval", Severity.WARNING, superseded_by=("FIT002",))
def unmeasured_retrieval(plan, options):
    """Retrieval quality is not measured.

    Fires when `rag.retrieval.evaluation` has no `metrics` (including when
    `rag.retrieval` or its `evaluation` is absent, and when `metrics` is empty
    or a placeholder such as `TBD`; see docs/placeholders.md). Reported at the
    closest existing key of `rag.retrieval.evaluation.metrics`. The hint
    keeps the question set `evaluation.eval_set` already names. Superseded by
    FIT002: when the retrieval is planned for a behavior gap with no
    knowledge gap, retrieval is the wrong tool, and measuring it is no remedy.

    ## Why
    When a RAG answer is wrong, the first question is whether retrieval found
    the right document. Answer-level metrics cannot tell a retrieval failure
    from a generation failure; retrieval metrics such as recall at k or MRR on
    a labelled question set can, and they show whether a change to chunking or
    embeddings helped.

    ## Bad
    ```yaml
    aiplan: 1
    name: Policy search
    approach: rag
    rag:
      corpus:
        sources:
          - name: policy wiki
            format: html
      retrieval:
        top_k: 8
        reranker: cross-encoder
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Policy search
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
    approach: rag
    rag:
      corpus:
        sources:
          - name: policy wiki
            format: html
            update_frequency: monthly
      retrieval:
        top_k: 8
        reranker: cross-encoder
        evaluation:
          metrics: [recall_at_k, mrr]
          eval_set: evals/retrieval-v1.jsonl
        effort_weeks: 2
      data_pipeline:
        owner: data-eng
        effort_weeks: 4
        chunking:
          strategy: heading_aware
          size_tokens: 512
        embedding:
          model: text-embedding-3-large
        indexing:
          store: pgvector
          refresh: daily
      citations: true
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not applies(plan):
        return
    metrics = plan.get("rag", "retrieval", "evaluation", "metrics")
    if not plan.is_blank("rag", "retrieval", "evaluation", "metrics"):
        return  # metrics, or a wrong type that is not a placeholder: the schema reports it
    if plan.mapping("rag", "retrieval") is None:
        state = f"`rag.retrieval` {absence(plan, 'rag', 'retrieval')}, so retrieval quality has no metrics"
    elif plan.mapping("rag", "retrieval", "evaluation") is None:
        state = (f"`rag.retrieval.evaluation` {absence(plan, 'rag', 'retrieval', 'evaluation')}: "
                 "retrieval quality has no metrics")
    elif metrics is not None:
        state = f"`rag.retrieval.evaluation.metrics` {absence(plan, 'rag', 'retrieval', 'evaluation', 'metrics')}"
    else:
        state = "`rag.retrieval.evaluation` has no `metrics`"
    yield Violation(
        f"{state}; a wrong answer cannot be traced to retrieval or to generation",
        _retrieval_metrics_hint(plan),
        path=("rag", "retrieval", "evaluation", "metrics"),
        at="section",
    )


def _retrieval_metrics_hint(plan) -> str:
    """RAG009's hint: add what `rag.retrieval.evaluation` lacks, keeping the question set it names."""
    if plan.mapping("rag", "retrieval", "evaluation") is None:
        return ("Measure retrieval on a labelled question set: under `rag.retrieval`, set "
                "`evaluation: {metrics: [recall_at_k, mrr], eval_set: evals/retrieval.jsonl}`.")
    eval_set = plan.text("rag", "retrieval", "evaluation", "eval_set")
    if eval_set is None:
        return ("Measure retrieval on a labelled question set: under `rag.retrieval.evaluation`, set "
                "`metrics: [recall_at_k, mrr]` and `eval_set: evals/retrieval.jsonl`.")
    return (f"Measure retrieval on the question set it names ({code(eval_set)}): under "
            "`rag.retrieval.evaluation`, set `metrics: [recall_at_k, mrr]`.")


@rule("RAG010", "empty-corpus", Severity.ERROR, superseded_by=("FIT002",))
def empty_corpus(plan, options):
    """Retrieval is planned over a corpus with no sources.

    Fires when `rag.corpus.sources` is absent, an empty list, or placeholder
    text (`TBD`, `none`; see docs/placeholders.md). Reported at `sources`, or
    at its closest existing parent.

    ## Why
    The corpus is what retrieval knows. Naming each source, with its format,
    how often it changes, whether it has tables or boilerplate, and how
    sensitive it is, is what the data pipeline is designed from; without it,
    neither the pipeline nor these rules have anything to check.

    ## Bad
    ```yaml
    aiplan: 1
    name: Policy search
    approach: rag
    rag:
      corpus:
        sources: []
      citations: true
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Policy search
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
    approach: rag
    rag:
      corpus:
        sources:
          - name: policy wiki
            format: html
            update_frequency: weekly
            boilerplate: low
      citations: true
      data_pipeline:
        owner: data-eng
        effort_weeks: 4
        chunking:
          strategy: heading_aware
          size_tokens: 512
        embedding:
          model: text-embedding-3-large
        indexing:
          store: pgvector
          refresh: daily
      retrieval:
        effort_weeks: 2
        top_k: 8
        evaluation:
          metrics: [recall_at_k]
          eval_set: evals/retrieval-v1.jsonl
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not applies(plan):
        return
    sources = plan.get("rag", "corpus", "sources")
    if sources and not plan.placeholder("rag", "corpus", "sources"):
        return  # sources, or a wrong type the schema reports
    state = absence(plan, "rag", "corpus", "sources")
    yield Violation(
        f"`rag.corpus.sources` {state}: retrieval has no documents to draw on",
        f"List each source retrieval draws on under `{dotted('rag', 'corpus', 'sources')}`, e.g. "
        "`- {name: policy library, format: html, update_frequency: weekly, contains_tables: true}`.",
        path=("rag", "corpus", "sources"),
        at="section",
    )
