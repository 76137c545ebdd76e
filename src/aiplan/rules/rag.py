"""RAG: the data pipeline decides retrieval quality.

RAG systems rarely fail because of the architecture; they fail because of the
data: documents that chunk badly, tables split mid-row, boilerplate that
drowns semantic search, an index that lags its sources. These rules apply when
`approach` is `rag` or `hybrid` and the plan has a `rag` section.
"""

from __future__ import annotations

from aiplan.core.findings import Severity, Violation
from aiplan.core.rule import rule
from aiplan.rules.wording import absence, code, dotted, listing, show, source_label

PIPELINE_STAGES = {
    "chunking": ("how documents are split", "`chunking: {strategy: heading_aware, size_tokens: 512, overlap_tokens: 64}`"),
    "embedding": ("which model embeds the chunks", "`embedding: {model: text-embedding-3-large}`"),
    "indexing": ("where chunks are stored and how often the index is rebuilt",
                 "`indexing: {store: pgvector, refresh: daily}`"),
}

# How often a source changes, slowest first: an index must refresh at least as often.
FREQUENCY_ORDER = ("static", "yearly", "quarterly", "monthly", "weekly", "daily", "realtime")
SENSITIVE = ("confidential", "restricted")


def applies(plan) -> bool:
    """RAG rules apply when the approach includes retrieval and the section exists."""
    return plan.includes_rag and plan.mapping("rag") is not None


def _pipeline_missing(plan) -> bool:
    """`rag.data_pipeline` is absent, not a mapping, or says nothing (`{}`, `TBD`)."""
    return plan.mapping("rag", "data_pipeline") is None or plan.is_blank("rag", "data_pipeline")


def _sources(plan) -> list[tuple[int, dict]]:
    return plan.entries("rag", "corpus", "sources")


@rule("RAG001", "rag-without-data-pipeline", Severity.ERROR)
def rag_without_data_pipeline(plan, options):
    """Retrieval is planned without a data pipeline.

    Fires when `rag.data_pipeline` is absent, is not a mapping, or says
    nothing: empty (`data_pipeline: {}`) or placeholder text (`TBD`, `none`;
    see docs/placeholders.md). Reported at `data_pipeline`, or at `rag` when
    the key is absent. RAG002 then stays quiet: the whole pipeline is missing,
    not one stage.

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
    approach: rag
    rag:
      corpus:
        sources:
          - name: employee handbook
            format: pdf
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
      citations: true
    ```
    """
    if not applies(plan) or not _pipeline_missing(plan):
        return
    value = plan.get("rag", "data_pipeline")
    if plan.is_blank("rag", "data_pipeline") or value is False:
        state = absence(plan, "rag", "data_pipeline")
    else:
        state = f"is {code(value)}, not a description of the pipeline"
    yield Violation(
        f"approach is {code(plan.approach)} but `rag.data_pipeline` {state}: nothing says how the documents "
        "are cleaned, chunked, embedded and indexed",
        "Add `rag.data_pipeline` with an `owner`, `effort_weeks`, `cleaning`, "
        "`chunking: {strategy: heading_aware, size_tokens: 512}`, `embedding: {model: ...}` and "
        "`indexing: {store: ..., refresh: daily}`.",
        path=("rag", "data_pipeline"),
        at="key",
    )


@rule("RAG002", "incomplete-data-pipeline", Severity.WARNING)
def incomplete_data_pipeline(plan, options):
    """The data pipeline leaves out chunking, embedding or indexing.

    Fires once for each of `chunking`, `embedding` and `indexing` that
    `rag.data_pipeline` lacks (absent, empty, or only placeholder text such as
    `TBD` or `{model: TBD}`; see docs/placeholders.md), at that key or at
    `data_pipeline` when the key is absent.

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
        embedding:
          model: text-embedding-3-large
        indexing:
          store: pgvector
          refresh: weekly
    ```
    """
    if not applies(plan) or _pipeline_missing(plan):
        return
    for stage, (decides, snippet) in PIPELINE_STAGES.items():
        if not plan.is_blank("rag", "data_pipeline", stage):
            continue
        state = absence(plan, "rag", "data_pipeline", stage)
        yield Violation(
            f"`rag.data_pipeline.{stage}` {state}: the plan does not say {decides}",
            f"Add under `rag.data_pipeline`: {snippet}.",
            path=("rag", "data_pipeline", stage),
            at="key",
        )


@rule("RAG003", "tables-without-strategy", Severity.WARNING)
def tables_without_strategy(plan, options):
    """A source contains tables but the pipeline does not say how tables are chunked.

    Fires for each source in `rag.corpus.sources` with `contains_tables: true`
    when `rag.data_pipeline.chunking.tables` is not set, empty or a
    placeholder (`n/a`, `none`, `TBD`; see docs/placeholders.md). Reported at
    that source's `contains_tables`.

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
          tables: one chunk per table row, header repeated
    ```
    """
    if not applies(plan) or not plan.is_blank("rag", "data_pipeline", "chunking", "tables"):
        return
    for index, source in _sources(plan):
        if plan.boolean("rag", "corpus", "sources", index, "contains_tables") is not True:
            continue
        yield Violation(
            f"{source_label(source, index)} contains tables but `rag.data_pipeline.chunking.tables` "
            f"{absence(plan, 'rag', 'data_pipeline', 'chunking', 'tables')}: "
            "a plain splitter cuts rows away from their headers",
            "Say how tables are chunked: `rag.data_pipeline.chunking.tables: one chunk per table row, "
            "header repeated` (or convert tables to text before chunking and say so).",
            path=("rag", "corpus", "sources", index, "contains_tables"),
        )


@rule("RAG004", "boilerplate-without-cleaning", Severity.WARNING)
def boilerplate_without_cleaning(plan, options):
    """A source is heavy with boilerplate but the pipeline does no cleaning.

    Fires for each source in `rag.corpus.sources` with `boilerplate: high` when
    `rag.data_pipeline.cleaning` is absent, empty, `false` or a placeholder
    (`no`, `none`, `TBD`; see docs/placeholders.md). Reported at that source's
    `boilerplate`.

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
    approach: rag
    rag:
      corpus:
        sources:
          - name: public help centre
            format: html
            boilerplate: high
      data_pipeline:
        cleaning: strip navigation, cookie banner and legal footer with the site's CSS selectors
        chunking:
          strategy: recursive
          size_tokens: 512
    ```
    """
    if not applies(plan):
        return
    cleaning = plan.get("rag", "data_pipeline", "cleaning")
    if not plan.is_blank("rag", "data_pipeline", "cleaning") and cleaning is not False:
        return
    state = absence(plan, "rag", "data_pipeline", "cleaning")
    for index, source in _sources(plan):
        if plan.get("rag", "corpus", "sources", index, "boilerplate") != "high":
            continue
        yield Violation(
            f"{source_label(source, index)} has `boilerplate: high` but `rag.data_pipeline.cleaning` {state}: "
            "repeated navigation and legal text will crowd out the content in search results",
            "Describe how boilerplate is removed before chunking: "
            "`rag.data_pipeline.cleaning: strip navigation, banners and legal footers`.",
            path=("rag", "corpus", "sources", index, "boilerplate"),
        )


@rule("RAG005", "data-pipeline-underinvested", Severity.WARNING)
def data_pipeline_underinvested(plan, options):
    """Less effort is planned for the data pipeline than for retrieval.

    Fires when `rag.data_pipeline.effort_weeks` and `rag.retrieval.effort_weeks`
    are both given and the data pipeline's is the smaller. Reported at
    `data_pipeline.effort_weeks`.

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
    approach: rag
    rag:
      corpus:
        sources:
          - name: repair manuals
            format: pdf
      data_pipeline:
        effort_weeks: 5
      retrieval:
        effort_weeks: 3
        reranker: cross-encoder
    ```
    """
    if not applies(plan):
        return
    pipeline = plan.number("rag", "data_pipeline", "effort_weeks")
    retrieval = plan.number("rag", "retrieval", "effort_weeks")
    if pipeline is None or retrieval is None or pipeline >= retrieval:
        return
    yield Violation(
        f"`rag.data_pipeline.effort_weeks` is {show(pipeline)} but `rag.retrieval.effort_weeks` is "
        f"{show(retrieval)}: the data pipeline, which decides retrieval quality, gets less effort than the retriever",
        f"Plan at least as much effort for the data pipeline as for retrieval: raise "
        f"`rag.data_pipeline.effort_weeks` to {show(retrieval)} or more, or move effort from retrieval to it.",
        path=("rag", "data_pipeline", "effort_weeks"),
    )


@rule("RAG006", "stale-index", Severity.WARNING)
def stale_index(plan, options):
    """The index is rebuilt less often than its sources change.

    Fires for each source whose `update_frequency` is more frequent than
    `rag.data_pipeline.indexing.refresh` (realtime > daily > weekly > monthly >
    quarterly > yearly > static; `on_change` keeps up with everything),
    reported at the source's `update_frequency`. When no `refresh` is set and
    any source changes (any frequency but `static`), one finding at `indexing`
    (or its closest existing parent) names those sources.

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
    ```
    """
    if not applies(plan):
        return
    refresh = plan.get("rag", "data_pipeline", "indexing", "refresh")
    changing = []
    for index, source in _sources(plan):
        frequency = plan.get("rag", "corpus", "sources", index, "update_frequency")
        if frequency in FREQUENCY_ORDER and frequency != "static":
            changing.append((index, source, frequency))
    if refresh is None:
        if not changing:
            return
        fastest = max((frequency for _, _, frequency in changing), key=FREQUENCY_ORDER.index)
        described = listing(f"{source_label(source, index)} ({code(frequency)})" for index, source, frequency in changing)
        yield Violation(
            f"`rag.data_pipeline.indexing.refresh` is not set but the corpus changes: {described}",
            f"Rebuild the index at least as often as the fastest source changes: "
            f"`rag.data_pipeline.indexing.refresh: {'on_change' if fastest == 'realtime' else fastest}` "
            "(or `on_change`).",
            path=("rag", "data_pipeline", "indexing", "refresh"),
            at="key",
        )
        return
    if refresh == "on_change" or refresh not in FREQUENCY_ORDER:
        return  # keeps up with everything, or an unknown value the schema reports
    for index, source, frequency in changing:
        if FREQUENCY_ORDER.index(frequency) <= FREQUENCY_ORDER.index(refresh):
            continue
        yield Violation(
            f"{source_label(source, index)} changes {code(frequency)} but the index is rebuilt {code(refresh)} "
            f"(`rag.data_pipeline.indexing.refresh`): answers will come from outdated documents",
            f"Set `rag.data_pipeline.indexing.refresh: {'on_change' if frequency == 'realtime' else frequency}` "
            f"(or `on_change`), or index this source separately at its own pace.",
            path=("rag", "corpus", "sources", index, "update_frequency"),
        )


@rule("RAG007", "unscoped-sensitive-retrieval", Severity.WARNING)
def unscoped_sensitive_retrieval(plan, options):
    """Sensitive or multi-tenant data is retrieved without access control.

    Fires when `use_case.data_sensitivity` or any source's `sensitivity` is
    `confidential` or `restricted`, or `use_case.multi_tenant` is `true`, and
    `rag.access_control` is absent or has no `scope_by` (absent, empty, or a
    placeholder such as `TBD` or `none`; see docs/placeholders.md). Reported at
    `access_control`, or at `rag` when the key is absent.

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
    approach: rag
    rag:
      corpus:
        sources:
          - name: HR case notes
            format: database
            sensitivity: restricted
      access_control:
        scope_by: [user_role, document_type]
    ```
    """
    if not applies(plan):
        return
    if not plan.is_blank("rag", "access_control") and (
        plan.mapping("rag", "access_control") is None or not plan.is_blank("rag", "access_control", "scope_by")
    ):
        return
    reasons = []
    sensitivity = plan.get("use_case", "data_sensitivity")
    if sensitivity in SENSITIVE:
        reasons.append(f"`use_case.data_sensitivity` is {code(sensitivity)}")
    for index, source in _sources(plan):
        level = plan.get("rag", "corpus", "sources", index, "sensitivity")
        if level in SENSITIVE:
            reasons.append(f"{source_label(source, index)} is {code(level)}")
    multi_tenant = plan.boolean("use_case", "multi_tenant") is True
    if multi_tenant:
        reasons.append("`use_case.multi_tenant` is `true`")
    if not reasons:
        return
    scope = ["user_role", "document_type"] + (["tenant"] if multi_tenant else [])
    if plan.mapping("rag", "access_control") is not None and plan.has("rag", "access_control", "scope_by"):
        state = f"`rag.access_control.scope_by` {absence(plan, 'rag', 'access_control', 'scope_by')}"
    elif plan.mapping("rag", "access_control") is not None:
        state = "`rag.access_control` has no `scope_by`"
    else:
        state = f"`rag.access_control` {absence(plan, 'rag', 'access_control')}"
    yield Violation(
        f"{listing(reasons)}, but {state}: any user can be answered from any document",
        f"Restrict what retrieval may return for each user: `rag.access_control: {{scope_by: {show(scope)}}}`.",
        path=("rag", "access_control"),
        at="key",
    )


@rule("RAG008", "no-citations", Severity.INFO)
def no_citations(plan, options):
    """Answers do not show the documents they are grounded in.

    Fires when `rag.citations` is not `true` (absent or `false`). Reported at
    `citations`, or at `rag` when the key is absent.

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
    approach: rag
    rag:
      corpus:
        sources:
          - name: policy wiki
            format: html
      citations: true
    ```
    """
    if not applies(plan) or plan.get("rag", "citations") is True:
        return
    if plan.has("rag", "citations"):
        state = f"is {code(plan.get('rag', 'citations'))}"
    else:
        state = "is not set"
    yield Violation(
        f"`rag.citations` {state}: answers will not show the documents that grounded them",
        "Show users the sources behind each answer: `rag.citations: true`.",
        path=("rag", "citations"),
    )


@rule("RAG009", "unmeasured-retrieval", Severity.WARNING)
def unmeasured_retrieval(plan, options):
    """Retrieval quality is not measured.

    Fires when `rag.retrieval.evaluation` has no `metrics` (including when
    `rag.retrieval` or its `evaluation` is absent, and when `metrics` is empty
    or a placeholder such as `TBD`; see docs/placeholders.md). Reported at the
    closest existing key of `rag.retrieval.evaluation.metrics`.

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
    approach: rag
    rag:
      corpus:
        sources:
          - name: policy wiki
            format: html
      retrieval:
        top_k: 8
        reranker: cross-encoder
        evaluation:
          metrics: [recall_at_k, mrr]
          eval_set: evals/retrieval-v1.jsonl
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
        "Measure retrieval on a labelled question set: "
        "`rag.retrieval.evaluation: {metrics: [recall_at_k, mrr], eval_set: evals/retrieval.jsonl}`.",
        path=("rag", "retrieval", "evaluation", "metrics"),
        at="key",
    )


@rule("RAG010", "empty-corpus", Severity.WARNING)
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
    approach: rag
    rag:
      corpus:
        sources:
          - name: policy wiki
            format: html
            update_frequency: weekly
            boilerplate: low
      citations: true
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
        at="key",
    )
