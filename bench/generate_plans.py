#!/usr/bin/env python3
"""Deterministic generator of realistic AI project plans for benchmarking ``aiplan``.

Usage::

    python bench/generate_plans.py OUT_DIR --count N [--seed S]

writes ``N`` plan files into ``OUT_DIR`` (created if needed), laid out like a
monorepo with 100 plans per team directory::

    OUT_DIR/team-000/plan-00000.aiplan.yaml
    OUT_DIR/team-000/plan-00001.aiplan.yaml
    ...
    OUT_DIR/team-001/plan-00100.aiplan.yaml
    OUT_DIR/manifest.json

The same ``--seed`` and ``--count`` always produce byte-identical output: every
plan is generated from its own ``random.Random`` seeded with ``(seed, index)``,
so ``generate_plan(index, seed)`` does not depend on the other plans.

Python API::

    generate_plan(index: int, seed: int) -> str          # YAML text of one plan
    generate_plan_with_expected(index, seed) -> (str, list[str])
    write_plans(out_dir, count, seed) -> list[Path]      # files + manifest.json

What the plans look like
------------------------
Each plan is 80 to 200 lines of YAML and covers every section of the v1 plan
format (``shared/spec/plan-format.md``): ``aiplan``, ``name``, ``owner``,
``status``, ``summary``, ``use_case``, ``gaps``, ``baseline``, ``approach``,
``rag``, ``fine_tuning``, ``targets`` and ``evaluation``.  Values are drawn
from a dozen business domains (support, legal, claims, HR, ...), with full-line
and inline comments, commented-out keys, blank lines between sections, block
style with some flow sequences, quoted strings and folded (``>``) summaries.
Flawed plans may lack a section on purpose (e.g. ``FIT007``, ``GAP001``).
No plan ever contains a YAML syntax error, and every plan keeps ``aiplan: 1``.

About 40 % of the plans are clean: they satisfy every rule of
``shared/spec/rules.md`` (``EVAL003``, off by default, is ignored: the paths the
plans name do not exist).  The other ~60 % carry one to four deliberate flaws
drawn from all rule families (GAP, BASE, FIT, ACC, RAG, FT, EVAL and the
PLAN002 schema / PLAN004 duplicate-key document rules).

The manifest
------------
``OUT_DIR/manifest.json`` maps each plan's path relative to ``OUT_DIR`` (with
``/`` separators) to the sorted list of rule IDs expected to fire with the
default configuration (an empty list for a clean plan).  It is *best effort*:
the semantic rules are evaluated by a small re-implementation of the rule
catalogue (``expected_rules``) on the generated data, following a literal
reading of ``rules.md``; ``PLAN002``/``PLAN004`` are added for the textual
flaws the generator injects.  Flaws are chosen so that the catalogue's wording
is unambiguous for them, but a linter that interprets an edge case differently
(for instance whether rules still run on a document with a schema violation)
may legitimately disagree on a few plans.  Compare rule IDs per file, not
finding counts: a rule may fire more than once in a file.

Only the standard library is used.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import re
import sys
from pathlib import Path
from typing import Any, Callable

__all__ = [
    "generate_plan",
    "generate_plan_with_expected",
    "write_plans",
    "expected_rules",
    "plan_relpath",
    "main",
]

PLANS_PER_DIR = 100
MIN_LINES = 80
MAX_LINES = 200
CLEAN_FRACTION = 0.4

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

# source tuple: (name, format, possible update frequencies, P(contains_tables),
#                possible boilerplate levels)
DOMAINS: list[dict[str, Any]] = [
    {
        "slug": "support",
        "names": ["Support copilot", "Ticket reply assistant", "Tier-1 deflection bot",
                  "Agent assist for billing queues", "Warranty claims helper"],
        "teams": ["support-platform", "cx-ml", "customer-care-ai"],
        "users": ["support agents", "team leads", "escalation engineers", "QA reviewers"],
        "sens": ["confidential", "internal", "confidential"],
        "problem": ["Agents spend too long searching policy documents while answering tickets.",
                    "Median handle time on billing tickets doubled after the pricing change.",
                    "New hires escalate a third of tickets they could have solved with the right article."],
        "goal": ["We want drafted replies that cite the policy they rely on.",
                 "The assistant should draft a reply the agent edits, never send on its own.",
                 "Success means shorter handle time without more reopened tickets."],
        "know": ["refund and warranty policies", "regional return windows", "current known issues",
                 "the macro library"],
        "behav": ["the escalation workflow and the ticket JSON schema", "our tone guide (short, no apologies loop)",
                  "the three-part reply template"],
        "topic": "refund eligibility",
        "sources": [("policy library", "html", ["weekly", "monthly"], 0.5, ["high", "low"]),
                    ("resolved tickets", "database", ["daily", "realtime"], 0.0, ["low", "none"]),
                    ("product manuals", "pdf", ["quarterly", "yearly"], 0.7, ["low", "none"]),
                    ("known-issues wiki", "markdown", ["weekly", "daily"], 0.2, ["low", "high"]),
                    ("macro library", "json", ["monthly"], 0.0, ["none"])],
        "tasks": [("turn an agent's draft into an escalation reply in the ticket JSON schema", "schemas/ticket.json"),
                  ("classify the ticket and fill the routing fields", "schemas/routing.json")],
        "metrics": ["answer_accuracy", "groundedness", "resolution_rate", "hallucination_rate", "schema_valid_rate"],
    },
    {
        "slug": "legal",
        "names": ["Contract clause extractor", "NDA review assistant", "Playbook redliner",
                  "Clause risk triage"],
        "teams": ["legal-ops", "legal-engineering", "commercial-contracts"],
        "users": ["in-house counsel", "contract managers", "paralegals"],
        "sens": ["confidential", "restricted"],
        "problem": ["Counsel review every inbound NDA by hand against a 40-page playbook.",
                    "Clause extraction for the contract repository is three months behind."],
        "goal": ["The system proposes redlines with the playbook position they come from.",
                 "Extracted clauses must land in the repository schema with no manual retyping."],
        "know": ["our negotiation playbook", "fallback positions per clause", "the approved clause library"],
        "behav": ["the redline format counsel expect (tracked change plus rationale)",
                  "the clause taxonomy and its JSON export"],
        "topic": "limitation of liability",
        "sources": [("negotiation playbook", "docx", ["quarterly", "monthly"], 0.6, ["low"]),
                    ("executed contracts", "pdf", ["daily", "weekly"], 0.4, ["high", "low"]),
                    ("clause library", "markdown", ["monthly", "quarterly"], 0.0, ["none", "low"]),
                    ("regulatory guidance", "html", ["monthly", "yearly"], 0.3, ["high"]),
                    ("matter notes", "database", ["realtime", "daily"], 0.0, ["low"])],
        "tasks": [("extract governing law, term and liability cap into the clause schema", "schemas/clauses.json"),
                  ("propose a redline in the house format for one clause", "schemas/redline.json")],
        "metrics": ["field_f1", "exact_match", "citation_precision", "hallucination_rate"],
    },
    {
        "slug": "claims",
        "names": ["Claims triage assistant", "First notice of loss summariser", "Adjuster copilot",
                  "Subrogation screener"],
        "teams": ["claims-ai", "p-and-c-analytics", "claims-platform"],
        "users": ["claims adjusters", "triage desk", "fraud analysts"],
        "sens": ["restricted", "confidential"],
        "problem": ["Triage of first notice of loss takes a day because adjusters read every attachment.",
                    "Coverage questions go to senior adjusters and queue for days."],
        "goal": ["The assistant summarises the claim and flags coverage questions with the clause.",
                 "Triage output feeds the routing engine directly."],
        "know": ["policy wordings per product line", "state-specific coverage endorsements",
                 "the claims handling manual"],
        "behav": ["the triage summary template", "the routing codes and their JSON shape"],
        "topic": "coverage limits",
        "sources": [("policy wordings", "pdf", ["quarterly", "yearly"], 0.8, ["high", "low"]),
                    ("claims handling manual", "html", ["monthly"], 0.3, ["high"]),
                    ("claim notes", "database", ["realtime", "daily"], 0.0, ["low", "none"]),
                    ("endorsement catalogue", "csv", ["monthly", "quarterly"], 1.0, ["none"]),
                    ("adjuster bulletins", "markdown", ["weekly"], 0.0, ["low"])],
        "tasks": [("summarise a first notice of loss into the triage template", "schemas/triage.json"),
                  ("assign routing codes to a new claim", "schemas/routing-codes.json")],
        "metrics": ["answer_accuracy", "field_f1", "hallucination_rate", "escalation_miss_rate"],
    },
    {
        "slug": "hr",
        "names": ["HR policy helpdesk", "Benefits Q&A bot", "Onboarding buddy", "Leave policy assistant"],
        "teams": ["people-tech", "hr-systems", "employee-experience"],
        "users": ["employees", "HR business partners", "people managers"],
        "sens": ["internal", "confidential"],
        "problem": ["HR answers the same benefits questions hundreds of times a month.",
                    "Policies differ by country and employees get answers for the wrong one."],
        "goal": ["Answers must quote the policy for the employee's country.",
                 "Deflect routine questions while routing sensitive ones to a person."],
        "know": ["country-specific leave policies", "the current benefits plan year", "the travel policy"],
        "behav": ["the handoff rule for sensitive topics", "the answer format with policy link and country"],
        "topic": "parental leave",
        "sources": [("policy handbook", "pdf", ["yearly", "quarterly"], 0.5, ["high", "low"]),
                    ("benefits portal", "html", ["monthly", "weekly"], 0.4, ["high"]),
                    ("HR FAQ", "markdown", ["weekly", "monthly"], 0.0, ["none", "low"]),
                    ("payroll calendar", "csv", ["yearly"], 1.0, ["none"]),
                    ("works council agreements", "pdf", ["static", "yearly"], 0.2, ["low"])],
        "tasks": [("decide whether a question must be handed to HR and say why", "schemas/handoff.json"),
                  ("answer in the house format with country and policy link", "schemas/hr-answer.json")],
        "metrics": ["answer_accuracy", "groundedness", "policy_violation_rate", "resolution_rate"],
    },
    {
        "slug": "itops",
        "names": ["IT helpdesk bot", "Runbook copilot for on-call", "Incident summariser",
                  "Change request reviewer"],
        "teams": ["sre-tooling", "it-service-desk", "platform-reliability"],
        "users": ["on-call engineers", "service desk staff", "incident commanders"],
        "sens": ["internal", "confidential", "internal"],
        "problem": ["On-call engineers lose the first twenty minutes of an incident finding the runbook.",
                    "Incident write-ups are late and inconsistent."],
        "goal": ["Suggest the runbook step with a link, never run commands itself.",
                 "Produce a first draft of the incident timeline within minutes."],
        "know": ["our runbooks and service ownership", "recent change history", "internal service names"],
        "behav": ["the incident timeline format", "the change-risk rubric"],
        "topic": "service ownership",
        "sources": [("runbooks", "markdown", ["weekly", "daily"], 0.1, ["low", "none"]),
                    ("incident postmortems", "html", ["weekly"], 0.2, ["high", "low"]),
                    ("service catalogue", "database", ["realtime", "daily"], 0.0, ["none"]),
                    ("change log", "json", ["realtime"], 0.0, ["none"]),
                    ("vendor KB articles", "html", ["monthly"], 0.3, ["high"])],
        "tasks": [("write the incident timeline from chat and alert history", "schemas/timeline.json"),
                  ("score a change request against the risk rubric", "schemas/change-risk.json")],
        "metrics": ["answer_accuracy", "groundedness", "rouge_l", "hallucination_rate"],
    },
    {
        "slug": "sales",
        "names": ["Sales call summariser", "RFP answer drafter", "Deal desk assistant", "Account brief generator"],
        "teams": ["revenue-ai", "sales-engineering", "gtm-data"],
        "users": ["account executives", "sales engineers", "deal desk"],
        "sens": ["confidential", "internal"],
        "problem": ["Sales engineers spend two days on every RFP questionnaire.",
                    "Call notes in the CRM are missing or too thin to hand over an account."],
        "goal": ["Draft RFP answers from approved content only.",
                 "Every call gets a summary in the CRM format within an hour."],
        "know": ["approved RFP answers", "current pricing and packaging", "security questionnaire answers"],
        "behav": ["the CRM note format", "the MEDDICC summary structure"],
        "topic": "data residency commitments",
        "sources": [("RFP answer library", "docx", ["monthly", "quarterly"], 0.4, ["low"]),
                    ("security whitepapers", "pdf", ["quarterly"], 0.5, ["high", "low"]),
                    ("pricing sheets", "xlsx", ["monthly", "weekly"], 1.0, ["none"]),
                    ("call transcripts", "json", ["realtime", "daily"], 0.0, ["low"]),
                    ("product release notes", "markdown", ["weekly"], 0.1, ["low", "none"])],
        "tasks": [("summarise a sales call into the CRM note schema", "schemas/crm-note.json"),
                  ("draft an RFP answer in the questionnaire's format", "schemas/rfp-answer.json")],
        "metrics": ["answer_accuracy", "citation_precision", "rouge_l", "hallucination_rate"],
    },
    {
        "slug": "health",
        "names": ["Clinical coding assistant", "Prior authorization drafter", "Discharge summary checker"],
        "teams": ["clinical-informatics", "health-ai", "revenue-cycle-ml"],
        "users": ["clinical coders", "utilization review nurses", "physicians"],
        "sens": ["restricted"],
        "problem": ["Coders spend most of their time looking up payer-specific guidance.",
                    "Prior authorization letters are rejected for missing criteria."],
        "goal": ["Suggest codes with the guideline passage that supports them; a coder always decides.",
                 "Letters must address every payer criterion explicitly."],
        "know": ["payer medical policies", "the current ICD-10-CM guidelines", "our coding conventions"],
        "behav": ["the letter structure payers expect", "the coding worksheet JSON"],
        "topic": "medical necessity criteria",
        "sources": [("payer medical policies", "pdf", ["monthly", "quarterly"], 0.7, ["high"]),
                    ("coding guidelines", "pdf", ["yearly"], 0.6, ["low"]),
                    ("internal coding conventions", "markdown", ["quarterly"], 0.2, ["none"]),
                    ("denial reasons", "database", ["daily"], 0.0, ["low"]),
                    ("formulary", "csv", ["monthly"], 1.0, ["none"])],
        "tasks": [("fill the coding worksheet from a discharge summary", "schemas/coding-worksheet.json"),
                  ("draft a prior authorization letter addressing each criterion", "schemas/pa-letter.json")],
        "metrics": ["exact_match", "field_f1", "hallucination_rate", "citation_precision"],
    },
    {
        "slug": "finance",
        "names": ["Finance close copilot", "Expense policy checker", "Earnings Q&A for analysts",
                  "Invoice field extractor"],
        "teams": ["finance-systems", "fp-and-a-data", "controllership-ai"],
        "users": ["accountants", "FP&A analysts", "accounts payable clerks"],
        "sens": ["confidential", "restricted"],
        "problem": ["Month-end close questions pile up on two senior accountants.",
                    "Invoice data entry is manual for a third of suppliers."],
        "goal": ["Answers cite the accounting policy and the ledger account.",
                 "Extracted invoice fields post straight to the AP queue."],
        "know": ["our accounting policies", "the chart of accounts", "entity-specific close calendars"],
        "behav": ["the AP posting schema", "the journal entry memo format"],
        "topic": "revenue recognition",
        "sources": [("accounting policy manual", "pdf", ["quarterly", "yearly"], 0.6, ["low", "high"]),
                    ("chart of accounts", "csv", ["monthly"], 1.0, ["none"]),
                    ("close checklist", "xlsx", ["monthly"], 1.0, ["none"]),
                    ("controller memos", "docx", ["weekly", "monthly"], 0.2, ["high"]),
                    ("ledger snapshots", "database", ["daily"], 1.0, ["none"])],
        "tasks": [("extract invoice header and line fields into the AP schema", "schemas/invoice.json"),
                  ("write a journal entry memo in the controller's format", "schemas/je-memo.json")],
        "metrics": ["field_f1", "exact_match", "answer_accuracy", "hallucination_rate"],
    },
    {
        "slug": "commerce",
        "names": ["Product catalog Q&A", "Listing attribute extractor", "Returns chat assistant",
                  "Size and fit advisor"],
        "teams": ["catalog-ml", "storefront-ai", "marketplace-quality"],
        "users": ["shoppers", "marketplace sellers", "catalog editors"],
        "sens": ["public", "internal", "internal"],
        "problem": ["Shoppers ask product questions the listing page answers badly.",
                    "Seller listings arrive with missing or wrong attributes."],
        "goal": ["Answer from the listing and reviews, and say when we do not know.",
                 "Fill attributes in the catalog schema with a confidence flag."],
        "know": ["the live catalogue and stock", "current promotions", "seller policies"],
        "behav": ["the catalog attribute schema", "our brand voice for shoppers"],
        "topic": "product dimensions",
        "sources": [("product listings", "database", ["realtime", "daily"], 0.5, ["low"]),
                    ("customer reviews", "json", ["daily"], 0.0, ["low", "none"]),
                    ("seller policy pages", "html", ["monthly"], 0.2, ["high"]),
                    ("size charts", "csv", ["quarterly"], 1.0, ["none"]),
                    ("promotions calendar", "json", ["weekly", "daily"], 0.0, ["none"])],
        "tasks": [("extract listing attributes into the catalog schema", "schemas/attributes.json"),
                  ("answer a shopper question in the brand voice", "schemas/shopper-answer.json")],
        "metrics": ["answer_accuracy", "field_f1", "groundedness", "hallucination_rate"],
    },
    {
        "slug": "devdocs",
        "names": ["Developer docs assistant", "API migration helper", "SDK snippet generator",
                  "Internal platform Q&A"],
        "teams": ["devex", "developer-relations", "platform-docs"],
        "users": ["external developers", "internal engineers", "solutions architects"],
        "sens": ["public", "internal"],
        "problem": ["Developers cannot find the right API version in our docs.",
                    "The v2 to v3 migration guide is long and people skip steps."],
        "goal": ["Answers link to the exact doc page and API version.",
                 "Snippets must compile against the current SDK."],
        "know": ["the v3 API reference", "internal platform conventions", "SDK release history"],
        "behav": ["the snippet style guide", "the migration checklist format"],
        "topic": "deprecated endpoints",
        "sources": [("API reference", "html", ["weekly", "daily"], 0.6, ["high", "low"]),
                    ("guides", "markdown", ["weekly"], 0.1, ["low"]),
                    ("changelog", "markdown", ["daily", "weekly"], 0.0, ["none"]),
                    ("community forum", "html", ["realtime", "daily"], 0.0, ["high"]),
                    ("SDK source", "code", ["daily"], 0.0, ["none", "low"])],
        "tasks": [("rewrite a v2 call as the equivalent v3 call", "schemas/migration.json"),
                  ("produce a runnable snippet in the SDK style", "schemas/snippet.json")],
        "metrics": ["answer_accuracy", "exact_match", "groundedness", "hallucination_rate"],
    },
    {
        "slug": "mfg",
        "names": ["Maintenance manual assistant", "Quality deviation classifier", "Line stoppage triage"],
        "teams": ["plant-digital", "quality-engineering", "ops-analytics"],
        "users": ["maintenance technicians", "quality engineers", "shift supervisors"],
        "sens": ["internal", "confidential"],
        "problem": ["Technicians search 3,000-page equipment manuals on a tablet at the line.",
                    "Deviation reports are classified inconsistently across plants."],
        "goal": ["Return the manual section and torque table for the fault code.",
                 "Classify deviations into the corporate taxonomy with a rationale."],
        "know": ["equipment manuals and fault codes", "plant-specific work instructions"],
        "behav": ["the deviation taxonomy", "the work order format"],
        "topic": "torque specifications",
        "sources": [("equipment manuals", "pdf", ["yearly", "static"], 0.9, ["high", "low"]),
                    ("work instructions", "docx", ["monthly"], 0.5, ["low"]),
                    ("maintenance logs", "database", ["realtime", "daily"], 0.0, ["none"]),
                    ("deviation reports", "json", ["daily", "weekly"], 0.0, ["low"]),
                    ("safety bulletins", "pdf", ["monthly", "quarterly"], 0.2, ["high"])],
        "tasks": [("classify a deviation report into the corporate taxonomy", "schemas/deviation.json"),
                  ("draft a work order from a fault description", "schemas/work-order.json")],
        "metrics": ["answer_accuracy", "exact_match", "field_f1", "hallucination_rate"],
    },
]

CODENAMES = ["Atlas", "Beacon", "Compass", "Harbor", "Juniper", "Kestrel", "Lumen", "Meridian",
             "Nimbus", "Orion", "Quill", "Sextant", "Tern", "Wren", "Halyard", "Pilot"]
FIRST = ["Priya", "Jonas", "Amara", "Mateo", "Yuki", "Olivia", "Kwame", "Ines", "Sven", "Leila",
         "Tomasz", "Hannah", "Rafael", "Mei", "Daniel", "Aisha", "Noah", "Chloé", "Arjun", "Fatima"]
LAST = ["Raman", "Becker", "Okafor", "Silva", "Tanaka", "Brown", "Mensah", "García", "Lund", "Haddad",
        "Nowak", "Fischer", "Costa", "Chen", "Levi", "Khan", "Walsh", "Martin", "Iyer", "Rossi"]

PE_MODELS = ["claude-sonnet", "claude-3-5-sonnet", "claude-opus", "gpt-4o", "gpt-4.1",
             "gemini-1.5-pro", "llama-3.1-70b-instruct", "mistral-large"]
FT_MODELS = ["claude-haiku", "gpt-4o-mini", "llama-3.1-8b-instruct", "mistral-7b-instruct-v0.3",
             "qwen2.5-7b-instruct", "phi-3-mini", "gemma-2-9b-it"]
EMBED_MODELS = ["text-embedding-3-large", "text-embedding-3-small", "bge-large-en-v1.5",
                "e5-mistral-7b-instruct", "cohere-embed-v3", "voyage-large-2", "gte-large"]
STORES = ["pgvector", "elasticsearch", "opensearch", "qdrant", "weaviate", "pinecone", "milvus",
          "vespa", "azure ai search"]
RERANKERS = ["cross-encoder", "cohere-rerank-v3", "bge-reranker-large", "ms-marco-MiniLM-L-6-v2",
             "colbert-v2"]
RETRIEVAL_METRICS = ["recall_at_k", "mrr", "ndcg_at_10", "precision_at_k", "hit_rate"]
EXTRA_TECHNIQUES = ["chain_of_thought", "tool_use", "other"]
STRATEGIES = ["fixed", "recursive", "semantic", "heading_aware", "page", "custom"]
CADENCES = ["per_change", "per_release", "daily", "weekly", "monthly"]
PLAN_STATUSES = ["draft", "proposed", "proposed", "approved", "approved", "in_production", "retired"]

# name: (higher_is_better, target range)
METRICS: dict[str, tuple[bool, tuple[float, float]]] = {
    "answer_accuracy": (True, (0.82, 0.95)),
    "groundedness": (True, (0.88, 0.97)),
    "faithfulness": (True, (0.85, 0.96)),
    "citation_precision": (True, (0.80, 0.95)),
    "exact_match": (True, (0.70, 0.90)),
    "field_f1": (True, (0.85, 0.95)),
    "schema_valid_rate": (True, (0.97, 0.995)),
    "resolution_rate": (True, (0.60, 0.80)),
    "rouge_l": (True, (0.40, 0.60)),
    "hallucination_rate": (False, (0.01, 0.05)),
    "policy_violation_rate": (False, (0.005, 0.02)),
    "escalation_miss_rate": (False, (0.02, 0.08)),
}
OFF_EVAL_METRICS = ["pass_rate", "human_preference", "judge_score", "accuracy_at_1", "win_rate"]

TABLE_STRATEGIES = [
    "one chunk per table row, header repeated",
    "tables kept whole and serialised as markdown",
    "row groups of 20 with the header row repeated",
    "tables extracted to CSV and linked from the parent chunk",
    "each table summarised, raw table stored as metadata",
]
CLEANING = [
    "strip navigation and legal footer before chunking",
    "drop headers, footers and page numbers; dedupe near-identical pages",
    "remove cookie banners, nav menus and the repeated disclaimer block",
    "boilerplate removed with a per-site CSS selector list",
    "OCR cleanup, then drop running headers and signature blocks",
    "strip email quoting and signatures; keep the newest message only",
]
QUALITY_REVIEW = [
    "two reviewers per example, disagreements dropped",
    "10% sample reviewed by domain experts each batch",
    "schema-validated, then spot-checked by the owning team",
    "every example reviewed by a senior practitioner",
    True,
]
HUMAN_REVIEW = [
    "weekly sample of 50 answers reviewed by two domain experts",
    "every release: 200 answers double-blind rated against the previous model",
    "flagged answers reviewed daily by the on-duty lead",
    "monthly calibration session with the owning team",
    "random 2% of production traffic scored by reviewers",
]
HANDLING = ["pilot run", "measured on the frozen eval set", "best of 3 prompt variants",
            "n=200", "after prompt v4"]

# --------------------------------------------------------------------------
# Comment banks
# --------------------------------------------------------------------------

HEADER_COMMENTS = [
    "# AI project plan: reviewed in pull requests like any other change.",
    "# Keep this file next to the code it describes.",
    "# Owned by the team below; ping them before editing.",
    "# Plan format v1. Field reference lives in the platform docs.",
    "# Decision record for the {name} initiative.",
    "# Last reviewed at the quarterly architecture forum.",
]
SECTION_COMMENTS: dict[str, list[str]] = {
    "use_case": ["# Who uses it and what data it touches", "# --- use case ---"],
    "gaps": ["# Gap analysis: what the base model cannot do today",
             "# --- gaps ---", "# Evidence comes from the discovery spike, not opinions"],
    "baseline": ["# Prompt engineering first; measure before building anything",
                 "# --- baseline ---", "# What prompts alone achieved"],
    "approach": ["# Decision, recorded after the design review", "# --- approach ---"],
    "rag": ["# Retrieval layer", "# --- retrieval-augmented generation ---",
            "# Most of the effort goes into the data pipeline, on purpose"],
    "fine_tuning": ["# Fine-tuning layer", "# --- fine-tuning ---",
                    "# Narrow task only; retrieval handles the knowledge"],
    "targets": ["# Service targets agreed with the product owner", "# --- targets ---"],
    "evaluation": ["# How we know it works, before and after each change", "# --- evaluation ---",
                   "# Release gate: all targets must hold"],
}
NESTED_COMMENTS: dict[tuple[str, ...], list[str]] = {
    ("rag", "data_pipeline"): ["# Ingestion is most of the work; budget accordingly",
                               "# Pipeline runs in the shared ingestion cluster"],
    ("rag", "retrieval"): ["# Retrieval architecture", "# Tuned on the retrieval eval set below"],
    ("rag", "corpus", "sources"): ["# Sources in priority order", "# One entry per system of record"],
    ("fine_tuning", "evaluation", "held_out"): ["# Never sampled from the training export",
                                                "# Frozen before the first training run"],
    ("fine_tuning", "dataset"): ["# Training data", "# Examples exported from the review tool"],
    ("baseline", "prompt_engineering", "results"): ["# Best prompt so far", "# Numbers from the frozen eval set"],
    ("evaluation", "eval_sets"): ["# Versioned in the eval bucket", "# Sets are frozen per release"],
    ("evaluation", "metrics"): ["# Answer-level metrics", "# Targets signed off by the product owner"],
    ("gaps", "accuracy"): ["# Accuracy is its own problem: it needs eval infrastructure"],
}
COMMENTED_OUT: dict[tuple[str, ...], list[str]] = {
    ("rag", "retrieval"): ["# hybrid_search: true  (revisit after the BM25 experiment)",
                           "# reranker: none  # tried, lost 4 points of recall"],
    ("rag", "data_pipeline", "chunking"): ["# size_tokens: 1024  # too coarse for the FAQ pages"],
    ("fine_tuning",): ["# base_model: a larger model was too slow for the SLA"],
    ("evaluation",): ["# cadence: per_change  # once the eval job is cheaper"],
}
INLINE_COMMENTS: dict[str, list[str]] = {
    "owner": ["accountable team", "pager rotation owns incidents"],
    "status": ["as of the last review", "see the ADR", "updated at the steering meeting"],
    "data_sensitivity": ["customer data in free text", "highest level among sources", "per the data catalog"],
    "multi_tenant": ["one index per region, shared across customers", "single tenant for now"],
    "model": ["same model as production today", "best of the models we tried"],
    "value": HANDLING,
    "effort_weeks": ["two engineers", "estimate; revisit after the spike", "includes table extraction"],
    "size_tokens": ["tuned on the retrieval eval", "fits the embedding window"],
    "overlap_tokens": ["about 12%", "keeps sentences intact"],
    "strategy": ["chosen after a bake-off", "see the chunking experiment"],
    "top_k": ["before reranking", "more hurt latency"],
    "reranker": ["adds about 80 ms", "self-hosted"],
    "refresh": ["matches the fastest-changing source", "incremental upserts"],
    "store": ["managed by the platform team", "already in production"],
    "citations": ["required by legal", "shown under every answer"],
    "base_model": ["small enough for the latency target", "hosted in our VPC"],
    "examples": ["after dedup", "collected over six months"],
    "size": ["stratified by category", "frozen"],
    "disjoint_from_training": ["checked by hash", "enforced in the export job"],
    "latency_p95_ms": ["end to end, including retrieval", "agreed SLO"],
    "cost_per_1k_requests_usd": ["blended, at current volume", "budget ceiling"],
    "target": ["release gate", "agreed with product", "stretch goal is higher"],
    "cadence": ["runs in CI", "gate on the release branch"],
    "update_frequency": ["per the source owner", "measured over the last quarter"],
    "purpose": ["see gaps above"],
    "approach": ["see gaps above", "decided in the design review"],
}

# --------------------------------------------------------------------------
# YAML emission
# --------------------------------------------------------------------------

DUP = "\x00dup"  # suffix marking a duplicated key in the model (rendered without it)


class Folded(str):
    """A string rendered as a folded block scalar (``>``)."""


_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.,/()'+<>@%;=&-]*")
_SPECIAL = re.compile(r"(?i:true|false|yes|no|on|off|y|n|null|~)")
_NUMLIKE = re.compile(r"[-+]?[0-9][0-9_.:eExXoObB+-]*")


@functools.lru_cache(maxsize=8192)
def _needs_quotes(s: str, flow: bool) -> bool:
    if not s or not _PLAIN.fullmatch(s) or s.endswith(" "):
        return True
    if _SPECIAL.fullmatch(s) or _NUMLIKE.fullmatch(s):
        return True
    if flow and "," in s:
        return True
    return False


def _dq(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _sq(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


class _Emitter:
    def __init__(self, rng: random.Random, density: float):
        self.rng = rng
        self.density = density  # probability scale for optional comments
        self.out: list[str] = []

    # scalars ----------------------------------------------------------------
    def scalar(self, v: Any, flow: bool = False) -> str:
        if v is True:
            return "true"
        if v is False:
            return "false"
        if v is None:
            return "null"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, float):
            return repr(v)
        s = str(v)
        if _needs_quotes(s, flow):
            return _sq(s) if ("'" not in s and '"' in s) else _dq(s)
        r = self.rng.random()
        if r < 0.04:
            return _dq(s)
        if r < 0.06:
            return _sq(s)
        return s

    def inline(self, key: str) -> str:
        bank = INLINE_COMMENTS.get(key)
        if bank and self.rng.random() < 0.22 * self.density:
            return "  # " + self.rng.choice(bank)
        return ""

    # structures -------------------------------------------------------------
    def mapping(self, d: dict, ind: int, path: tuple, dash: bool = False) -> None:
        out = self.out
        rng = self.rng
        pad = " " * ind
        first = True
        for rawkey, v in d.items():
            key = rawkey.split(DUP)[0]
            kpath = path + (key,)
            if dash and first:
                prefix = " " * (ind - 2) + "- "
            else:
                prefix = pad
                bank = NESTED_COMMENTS.get(kpath)
                if bank and rng.random() < 0.35 * self.density:
                    out.append(pad + rng.choice(bank))
            first = False
            if isinstance(v, Folded):
                out.append(f"{prefix}{key}: >")
                for line in _wrap(str(v), 84 - ind):
                    out.append(" " * (ind + 2) + line)
            elif isinstance(v, dict):
                if not v:
                    out.append(f"{prefix}{key}: {{}}")
                else:
                    out.append(f"{prefix}{key}:")
                    self.mapping(v, ind + 2, kpath)
                    co = COMMENTED_OUT.get(kpath)
                    if co and rng.random() < 0.2 * self.density:
                        out.append(" " * (ind + 2) + rng.choice(co))
            elif isinstance(v, list):
                self.sequence(key, v, ind, prefix, kpath)
            else:
                out.append(f"{prefix}{key}: {self.scalar(v)}{self.inline(key)}")

    def sequence(self, key: str, v: list, ind: int, prefix: str, kpath: tuple) -> None:
        out = self.out
        if not v:
            out.append(f"{prefix}{key}: []")
            return
        if all(not isinstance(x, (dict, list)) for x in v):
            flow_p = 0.8 if key in ("techniques", "covers", "scope_by", "metrics") else 0.5
            if len(v) <= 4 and self.rng.random() < flow_p:
                items = ", ".join(self.scalar(x, flow=True) for x in v)
                out.append(f"{prefix}{key}: [{items}]")
                return
            out.append(f"{prefix}{key}:")
            for x in v:
                out.append(f"{' ' * (ind + 2)}- {self.scalar(x)}")
            return
        out.append(f"{prefix}{key}:")
        for x in v:
            if isinstance(x, dict):
                self.mapping(x, ind + 4, kpath, dash=True)
            else:  # not produced by the generator; kept for completeness
                out.append(f"{' ' * (ind + 2)}- {self.scalar(x)}")


def _wrap(text: str, width: int) -> list[str]:
    words = text.split()
    lines: list[str] = []
    cur = ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        lines.append(cur)
    return lines


BLANK_BEFORE = {"use_case", "gaps", "baseline", "approach", "rag", "fine_tuning", "targets", "evaluation"}


def render(model: dict, rng: random.Random, density: float, header: int) -> str:
    em = _Emitter(rng, density)
    out = em.out
    name = model.get("name", "")
    if header:
        picks = rng.sample(HEADER_COMMENTS, header)
        for c in picks:
            out.append(c.replace("{name}", str(name)))
        if rng.random() < 0.5:
            out.append("")
    for rawkey, v in model.items():
        key = rawkey.split(DUP)[0]
        if key in BLANK_BEFORE and rawkey == key:
            out.append("")
            bank = SECTION_COMMENTS.get(key)
            if bank and rng.random() < 0.65 * max(density, 0.3):
                out.append(rng.choice(bank))
        em.mapping({rawkey: v}, 0, ())
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# Rule expectations (best-effort re-implementation of rules.md)
# --------------------------------------------------------------------------

FREQ_RANK = {"static": 0, "yearly": 1, "quarterly": 2, "monthly": 3, "weekly": 4, "daily": 5,
             "realtime": 6}


def _m(x: Any) -> dict:
    return x if isinstance(x, dict) else {}


def _l(x: Any) -> list:
    return x if isinstance(x, list) else []


def expected_rules(plan: dict) -> set[str]:
    """Semantic rule IDs (GAP..EVAL) a literal reading of rules.md fires on ``plan``.

    ``plan`` is the plan as loaded data.  EVAL003 (off by default) and the PLAN
    document rules are not evaluated here.
    """
    r: set[str] = set()
    approach = plan.get("approach")
    uses_model = approach in ("rag", "fine_tuning", "hybrid")
    gaps = plan.get("gaps") if isinstance(plan.get("gaps"), dict) else None
    gnames = ("knowledge", "behavior", "accuracy")

    def gap(n: str) -> dict | None:
        return gaps.get(n) if gaps is not None and isinstance(gaps.get(n), dict) else None

    def present(n: str) -> bool:
        g = gap(n)
        return g is not None and g.get("present") is True

    def stated_false(n: str) -> bool:
        g = gap(n)
        return g is not None and g.get("present") is False

    # GAP
    stated = [n for n in gnames if gaps is not None and n in gaps]
    if approach is not None and not stated:
        r.add("GAP001")
    for n in gnames:
        g = gap(n)
        if g is not None and g.get("present") is True and not g.get("evidence"):
            r.add("GAP002")
    if gaps is not None and len(stated) < 3:
        r.add("GAP003")

    # BASE
    pe_raw = _m(plan.get("baseline")).get("prompt_engineering")
    pe = pe_raw if isinstance(pe_raw, dict) else None
    evaluation = plan.get("evaluation") if isinstance(plan.get("evaluation"), dict) else None
    emetrics = [x for x in _l(evaluation.get("metrics")) if isinstance(x, dict)] if evaluation else []
    results = [x for x in _l(pe.get("results")) if isinstance(x, dict)] if pe else []
    if uses_model and (pe is None or pe.get("status") != "done"):
        r.add("BASE001")
    if pe is not None and pe.get("status") == "done" and not any(
            "metric" in x and "value" in x for x in results):
        r.add("BASE002")
    if pe is not None:
        tech = _l(pe.get("techniques"))
        if any(t not in tech for t in ("system_prompt", "few_shot", "structured_output")):
            r.add("BASE003")
    if approach is not None and approach != "prompt_engineering":
        targets_by_name = {}
        for m in emetrics:
            if isinstance(m.get("target"), (int, float)) and not isinstance(m.get("target"), bool):
                targets_by_name[m.get("name")] = (m["target"], m.get("higher_is_better", True) is not False)
        for x in results:
            t = targets_by_name.get(x.get("metric"))
            val = x.get("value")
            if t is None or not isinstance(val, (int, float)):
                continue
            if (val >= t[0]) if t[1] else (val <= t[0]):
                r.add("BASE004")
        if results and emetrics:
            names = {m.get("name") for m in emetrics}
            if not any(x.get("metric") in names for x in results):
                r.add("BASE005")

    # FIT
    ft = plan.get("fine_tuning") if isinstance(plan.get("fine_tuning"), dict) else None
    rag = plan.get("rag") if isinstance(plan.get("rag"), dict) else None
    if approach == "fine_tuning" and (
            (ft is not None and ft.get("purpose") == "knowledge")
            or (present("knowledge") and not present("behavior"))):
        r.add("FIT001")
    if approach == "rag" and present("behavior") and not present("knowledge"):
        r.add("FIT002")
    if present("knowledge") and present("behavior") and approach in ("rag", "fine_tuning"):
        r.add("FIT003")
    if uses_model and all(stated_false(n) for n in gnames):
        r.add("FIT004")
    if approach == "hybrid" and (stated_false("knowledge") or stated_false("behavior")):
        r.add("FIT005")
    if approach in ("fine_tuning", "hybrid") and ft is not None and \
            _m(ft.get("dataset")).get("update_frequency") in ("daily", "weekly", "realtime"):
        r.add("FIT006")
    if (approach in ("rag", "hybrid") and "rag" not in plan) or \
            (approach in ("fine_tuning", "hybrid") and "fine_tuning" not in plan):
        r.add("FIT007")

    # ACC
    if present("accuracy"):
        ev = evaluation or {}
        has_target = any("target" in m for m in emetrics)
        has_set = bool(_l(ev.get("eval_sets")))
        if not (has_target and has_set and ev.get("cadence")):
            r.add("ACC001")

    # RAG
    if approach in ("rag", "hybrid") and rag is not None:
        sources = [s for s in _l(_m(rag.get("corpus")).get("sources")) if isinstance(s, dict)]
        dp = rag.get("data_pipeline") if isinstance(rag.get("data_pipeline"), dict) else None
        if dp is None:
            r.add("RAG001")
        else:
            for stage in ("chunking", "embedding", "indexing"):
                if stage not in dp:
                    r.add("RAG002")
        dpm = dp or {}
        chunking = _m(dpm.get("chunking"))
        if any(s.get("contains_tables") is True for s in sources) and not chunking.get("tables"):
            r.add("RAG003")
        if any(s.get("boilerplate") == "high" for s in sources) and not dpm.get("cleaning"):
            r.add("RAG004")
        retrieval = _m(rag.get("retrieval"))
        de, re_ = dpm.get("effort_weeks"), retrieval.get("effort_weeks")
        if isinstance(de, (int, float)) and isinstance(re_, (int, float)) and de < re_:
            r.add("RAG005")
        refresh = _m(dpm.get("indexing")).get("refresh")
        freqs = [s.get("update_frequency") for s in sources if s.get("update_frequency") in FREQ_RANK]
        if refresh is None:
            if any(f != "static" for f in freqs):
                r.add("RAG006")
        elif refresh != "on_change" and refresh in FREQ_RANK:
            if any(FREQ_RANK[f] > FREQ_RANK[refresh] for f in freqs):
                r.add("RAG006")
        uc = _m(plan.get("use_case"))
        sensitive = uc.get("data_sensitivity") in ("confidential", "restricted") or \
            any(s.get("sensitivity") in ("confidential", "restricted") for s in sources) or \
            uc.get("multi_tenant") is True
        if sensitive and "access_control" not in rag:
            r.add("RAG007")
        if rag.get("citations") is not True:
            r.add("RAG008")
        if not _l(_m(retrieval.get("evaluation")).get("metrics")):
            r.add("RAG009")
        if not sources:
            r.add("RAG010")

    # FT
    if approach in ("fine_tuning", "hybrid") and ft is not None:
        ev = _m(ft.get("evaluation"))
        ds = _m(ft.get("dataset"))
        ho = ev.get("held_out") if isinstance(ev.get("held_out"), dict) else None
        ex = ds.get("examples")
        if ho is None:
            r.add("FT001")
        else:
            covers = _l(ho.get("covers"))
            if "target_task" not in covers or "adjacent_behaviors" not in covers:
                r.add("FT002")
            size = ho.get("size")
            if isinstance(size, int):
                if size < 100 or (isinstance(ex, int) and size < 0.05 * ex):
                    r.add("FT005")
            if ho.get("disjoint_from_training") is False or (
                    ho.get("path") is not None and ho.get("path") == ds.get("path")):
                r.add("FT006")
        if isinstance(ex, int) and ex < 500:
            r.add("FT003")
        if not ds.get("quality_review"):
            r.add("FT004")
        if not _m(ft.get("task")).get("description"):
            r.add("FT007")
        tg = _m(plan.get("targets"))
        purpose = ft.get("purpose")
        if (purpose == "latency" and "latency_p95_ms" not in tg) or \
                (purpose == "cost" and "cost_per_1k_requests_usd" not in tg):
            r.add("FT008")

    # EVAL
    if approach is not None and approach != "prompt_engineering" and not emetrics:
        r.add("EVAL001")
    if any("target" not in m for m in emetrics):
        r.add("EVAL002")
    return r


# --------------------------------------------------------------------------
# Building a clean plan
# --------------------------------------------------------------------------

def _rnd(rng: random.Random, lo: float, hi: float, nd: int = 2) -> float:
    return round(rng.uniform(lo, hi), nd)


def _owner(rng: random.Random, team: str) -> str:
    r = rng.random()
    if r < 0.45:
        return f"{team}@example.com"
    if r < 0.65:
        return f"@example/{team}"
    f, l = rng.choice(FIRST), rng.choice(LAST)
    if r < 0.85:
        return f"{f} {l}"
    return f"{f.lower()}.{l.lower()}@example.com".replace("é", "e").replace("í", "i")


def _slugify(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def build_clean(rng: random.Random, approach: str, gk: bool, gb: bool, ga: bool,
                purpose: str) -> dict:
    """Return the model (nested dicts) of a plan satisfying every rule."""
    dom = rng.choice(DOMAINS)
    base_name = rng.choice(dom["names"])
    r = rng.random()
    if r < 0.12:
        name = f"{rng.choice(CODENAMES)}: {base_name.lower()}"
    elif r < 0.25:
        name = f"{base_name} ({rng.choice(CODENAMES)})"
    elif r < 0.32:
        name = f"{base_name} v{rng.randint(2, 4)}"
    else:
        name = base_name
    slug = _slugify(base_name)[:28].strip("-")
    team = rng.choice(dom["teams"])
    version = rng.randint(1, 6)

    plan: dict[str, Any] = {"aiplan": 1, "name": name, "owner": _owner(rng, team),
                            "status": rng.choice(PLAN_STATUSES)}
    summary = rng.choice(dom["problem"])
    if rng.random() < 0.6:
        summary += " " + rng.choice(dom["goal"])
    plan["summary"] = Folded(summary) if rng.random() < 0.35 else summary

    sensitivity = rng.choice(dom["sens"])
    uc: dict[str, Any] = {"users": rng.sample(dom["users"], rng.randint(1, min(3, len(dom["users"])))),
                          "data_sensitivity": sensitivity}
    if rng.random() < 0.35:
        uc["multi_tenant"] = rng.random() < 0.5
    plan["use_case"] = uc

    # gaps -------------------------------------------------------------------
    pct = rng.randint(12, 41)
    know_ev = rng.choice([
        f"The base model does not know {rng.choice(dom['know'])}.",
        f"In the spike it answered {pct}% of questions about {rng.choice(dom['know'])} from general knowledge, wrongly.",
        f"Asked about {dom['topic']}, it invents plausible but outdated rules.",
    ])
    beh_ev = rng.choice([
        f"Replies must follow {rng.choice(dom['behav'])}.",
        f"Even with examples in the prompt, {pct}% of outputs broke {rng.choice(dom['behav'])}.",
        f"Output drifts from {rng.choice(dom['behav'])} on long inputs.",
    ])
    acc_ev = rng.choice([
        f"{pct}% of pilot answers contained an unsupported claim about {dom['topic']}.",
        f"Reviewers flagged factual errors on {dom['topic']} in {pct} of 100 sampled answers.",
        f"Wrong answers about {dom['topic']} have regulatory consequences: tolerance is near zero.",
    ])
    neg_ev = ["Spot check of 50 questions found no problem here.",
              "Not observed in the spike.", "Prompting alone handles this well."]
    gaps: dict[str, Any] = {}
    for gname, flag, ev in (("knowledge", gk, know_ev), ("behavior", gb, beh_ev), ("accuracy", ga, acc_ev)):
        g: dict[str, Any] = {"present": flag}
        if flag:
            g["evidence"] = ev
        elif rng.random() < 0.3:
            g["evidence"] = rng.choice(neg_ev)
        gaps[gname] = g
    plan["gaps"] = gaps

    # evaluation metrics (needed by the baseline) -----------------------------
    pool = list(dom["metrics"])
    if rng.random() < 0.5:
        pool.append(rng.choice(["faithfulness", "schema_valid_rate", "policy_violation_rate",
                                "citation_precision"]))
    pool = list(dict.fromkeys(pool))
    mnames = rng.sample(pool, rng.randint(2, min(4, len(pool))))
    emetrics: list[dict[str, Any]] = []
    for mn in mnames:
        hib, (lo, hi) = METRICS[mn]
        m: dict[str, Any] = {"name": mn, "target": _rnd(rng, lo, hi, 3 if hi < 0.1 else 2)}
        if not hib:
            m["higher_is_better"] = False
        elif rng.random() < 0.15:
            m["higher_is_better"] = True
        emetrics.append(m)
    eval_sets = []
    for i in range(rng.randint(1, 3)):
        kind = ["", "-adversarial", "-regression", "-long-tail"][i]
        eval_sets.append({"path": f"evals/{slug}{kind}-v{version}.jsonl", "size": rng.randrange(150, 2500, 50)})

    # baseline ---------------------------------------------------------------
    techniques = ["system_prompt", "few_shot", "structured_output"]
    for t in EXTRA_TECHNIQUES:
        if rng.random() < 0.25:
            techniques.append(t)
    if rng.random() < 0.3:
        rng.shuffle(techniques)
    results: list[dict[str, Any]] = []
    for m in rng.sample(emetrics, rng.randint(1, min(3, len(emetrics)))):
        hib = m.get("higher_is_better", True)
        t = m["target"]
        meets = approach == "prompt_engineering" and rng.random() < 0.6
        if hib:
            val = round(t + rng.uniform(0.0, 0.03), 3) if meets else round(t - rng.uniform(0.04, 0.3) * max(t, 0.3), 3)
            val = max(val, 0.05) if not meets else min(val, 0.999)
            if not meets and val >= t:
                val = round(t - 0.01, 3)
        else:
            val = round(max(t - rng.uniform(0.0, 0.005), 0.0), 3) if meets else round(t + rng.uniform(0.02, 0.2), 3)
        res: dict[str, Any] = {"metric": m["name"], "value": val}
        if rng.random() < 0.75:
            res["eval_set"] = eval_sets[0]["path"]
        results.append(res)
    if rng.random() < 0.25:
        results.append({"metric": rng.choice(OFF_EVAL_METRICS), "value": _rnd(rng, 0.4, 0.8)})
    plan["baseline"] = {"prompt_engineering": {
        "status": "done", "model": rng.choice(PE_MODELS), "techniques": techniques, "results": results}}
    plan["approach"] = approach

    # rag --------------------------------------------------------------------
    n_src = rng.choice([2, 3, 3, 4, 4, 5])
    sources = []
    for spec in rng.sample(dom["sources"], n_src):
        sname, fmt, freqs, ptab, bps = spec
        s: dict[str, Any] = {"name": sname, "format": fmt, "update_frequency": rng.choice(freqs)}
        if ptab > 0 or rng.random() < 0.5:
            s["contains_tables"] = rng.random() < ptab
        s["boilerplate"] = rng.choice(bps)
        if rng.random() < 0.6:
            s["sensitivity"] = rng.choice(dom["sens"])
        sources.append(s)
    max_rank = max(FREQ_RANK[s["update_frequency"]] for s in sources)
    if rng.random() < 0.2:
        refresh = "on_change"
    else:
        ok = [f for f, k in FREQ_RANK.items() if k >= max_rank and k <= max_rank + 1]
        refresh = rng.choice(ok)
    any_tables = any(s.get("contains_tables") for s in sources)
    any_high = any(s["boilerplate"] == "high" for s in sources)
    retr_effort = rng.choice([1, 2, 2, 3, 3, 4, 5])
    dp_effort = retr_effort + rng.choice([0, 1, 2, 3, 4, 6])
    size = rng.choice([256, 384, 512, 512, 768, 1024])
    chunking: dict[str, Any] = {"strategy": rng.choice(STRATEGIES), "size_tokens": size,
                                "overlap_tokens": rng.choice([0, 32, 64, 64, 128]) if size > 256 else 32}
    if any_tables or rng.random() < 0.2:
        chunking["tables"] = rng.choice(TABLE_STRATEGIES)
    dp: dict[str, Any] = {"owner": rng.choice(["data-eng", "search-platform", team, "ingestion-team"]),
                          "effort_weeks": dp_effort}
    if any_high or rng.random() < 0.7:
        dp["cleaning"] = rng.choice(CLEANING)
    dp["chunking"] = chunking
    dp["embedding"] = {"model": rng.choice(EMBED_MODELS)}
    dp["indexing"] = {"store": rng.choice(STORES), "refresh": refresh}
    retrieval: dict[str, Any] = {"effort_weeks": retr_effort, "top_k": rng.choice([4, 5, 8, 8, 10, 12, 20])}
    if rng.random() < 0.75:
        retrieval["reranker"] = rng.choice(RERANKERS)
    retrieval["evaluation"] = {
        "metrics": rng.sample(RETRIEVAL_METRICS, rng.randint(1, 3)),
        "eval_set": f"evals/retrieval-{slug}-v{version}.jsonl"}
    scope = ["user_role", "document_type", "recency", "tenant", "other"]
    scope_by = sorted(rng.sample(scope[:4], rng.randint(1, 3)), key=scope.index)
    if uc.get("multi_tenant") and "tenant" not in scope_by:
        scope_by.append("tenant")
    plan["rag"] = {"corpus": {"sources": sources}, "data_pipeline": dp, "retrieval": retrieval,
                   "access_control": {"scope_by": scope_by}, "citations": True}

    # fine-tuning ------------------------------------------------------------
    desc, ofmt = rng.choice(dom["tasks"])
    examples = rng.choice([600, 800, 1200, 1500, 2400, 3000, 4200, 6000, 9000, 15000])
    examples += rng.randrange(0, 400, 10)
    ho_size = max(100, int(examples * rng.uniform(0.06, 0.2)) // 10 * 10 + 10)
    ds: dict[str, Any] = {"examples": examples, "path": f"data/ft/{slug}/train-v{version}.jsonl"}
    if rng.random() < 0.4:
        ds["source"] = rng.choice(["reviewed production outputs", "expert-written examples",
                                   "historic tickets, anonymised", "synthetic, then human-verified"])
    ds["quality_review"] = rng.choice(QUALITY_REVIEW)
    if rng.random() < 0.6:
        ds["update_frequency"] = rng.choice(["static", "yearly", "quarterly", "monthly"])
    covers = ["target_task", "adjacent_behaviors"]
    if rng.random() < 0.5:
        covers.append("general_capability")
    ft: dict[str, Any] = {
        "purpose": purpose, "base_model": rng.choice(FT_MODELS),
        "task": {"description": Folded(desc) if rng.random() < 0.1 else desc, "output_format": ofmt},
        "dataset": ds,
        "evaluation": {"held_out": {"size": ho_size, "path": f"data/ft/{slug}/held-out-v{version}.jsonl",
                                    "covers": covers, "disjoint_from_training": True}},
    }
    plan["fine_tuning"] = ft

    plan["targets"] = {"latency_p95_ms": rng.randrange(400, 4000, 50),
                       "cost_per_1k_requests_usd": _rnd(rng, 0.15, 12.0)}
    ev: dict[str, Any] = {"metrics": emetrics, "eval_sets": eval_sets, "cadence": rng.choice(CADENCES),
                          "human_review": rng.choice(HUMAN_REVIEW)}
    plan["evaluation"] = ev
    if rng.random() < 0.15:  # some teams put targets last
        plan["targets"] = plan.pop("targets")
    return plan


# --------------------------------------------------------------------------
# Flaws
# --------------------------------------------------------------------------
# A flaw either shapes the scenario before the plan is built ("pre": approach,
# gap flags, fine-tuning purpose) or edits the built model ("post").  Flaws
# declare what parts of the model they read ("uses") and change ("mods"); two
# flaws conflict when one changes something the other reads or changes.

class Flaw:
    def __init__(self, fid: str, rule: str, approaches: tuple, uses: set, mods: set,
                 pre: Callable | None = None, post: Callable | None = None,
                 textual: tuple = (), weight: float = 1.0):
        self.fid, self.rule, self.approaches = fid, rule, approaches
        self.uses, self.mods = uses, mods
        self.pre, self.post, self.textual, self.weight = pre, post, textual, weight

    def conflicts(self, other: "Flaw") -> bool:
        return bool(self.mods & (other.uses | other.mods) or other.mods & (self.uses | self.mods))


ALL = ("prompt_engineering", "rag", "fine_tuning", "hybrid")
MODEL = ("rag", "fine_tuning", "hybrid")
RAGA = ("rag", "hybrid")
FTA = ("fine_tuning", "hybrid")


def _present_gaps(plan: dict) -> list[str]:
    return [n for n, g in plan.get("gaps", {}).items() if isinstance(g, dict) and g.get("present") is True]


def _rename(d: dict, old: str, new: str) -> None:
    items = list(d.items())
    d.clear()
    for k, v in items:
        d[new if k == old else k] = v


def _insert_after(d: dict, after: str, key: str, value: Any) -> None:
    items = list(d.items())
    d.clear()
    for k, v in items:
        d[k] = v
        if k == after:
            d[key] = value


# pre-stage scenario flaws: mutate the scenario dict s (approach, k, b, a, purpose)
def _pre_fit001_purpose(rng, s):
    s["purpose"] = "knowledge"


def _pre_fit001_gaps(rng, s):
    s["k"], s["b"] = True, False


def _pre_fit002(rng, s):
    s["k"], s["b"] = False, True


def _pre_fit003(rng, s):
    s["k"], s["b"] = True, True


def _pre_fit004(rng, s):
    s["k"] = s["b"] = s["a"] = False


def _pre_fit005(rng, s):
    if rng.random() < 0.5:
        s["k"], s["b"] = False, True
    else:
        s["k"], s["b"] = True, False


def _post_gap001(rng, p):
    del p["gaps"]


def _post_gap002(rng, p):
    pres = _present_gaps(p)
    if pres:
        p["gaps"][rng.choice(pres)].pop("evidence", None)
    else:  # only possible for prompt_engineering plans, where FIT rules do not apply
        p["gaps"]["behavior"] = {"present": True}


def _post_gap003(rng, p):
    appr = p.get("approach")
    if appr == "rag":
        cand = ["behavior", "accuracy"]
    elif appr == "fine_tuning":
        cand = ["knowledge", "accuracy"]
    elif appr == "hybrid":
        cand = ["accuracy"]
    else:
        cand = ["knowledge", "behavior", "accuracy"]
    p["gaps"].pop(rng.choice(cand))


def _post_base001(rng, p):
    pe = p["baseline"]["prompt_engineering"]
    pe["status"] = rng.choice(["in_progress", "in_progress", "not_started"])
    if pe["status"] == "not_started":
        pe["results"] = []


def _post_base002(rng, p):
    p["baseline"]["prompt_engineering"]["results"] = []


def _post_base003(rng, p):
    pe = p["baseline"]["prompt_engineering"]
    drop = rng.sample(["system_prompt", "few_shot", "structured_output"], rng.choice([1, 1, 2]))
    pe["techniques"] = [t for t in pe["techniques"] if t not in drop] or ["chain_of_thought"]


def _post_base004(rng, p):
    targets = {m["name"]: m for m in p["evaluation"]["metrics"]}
    for res in p["baseline"]["prompt_engineering"]["results"]:
        m = targets.get(res["metric"])
        if m is None or "target" not in m:
            continue
        t = m["target"]
        if m.get("higher_is_better", True):
            res["value"] = round(min(t + rng.uniform(0.0, 0.04), 0.999), 3)
            if res["value"] < t:
                res["value"] = t
        else:
            res["value"] = round(max(t - rng.uniform(0.0, 0.01), 0.0), 3)
        return


def _post_base005(rng, p):
    names = {m["name"] for m in p["evaluation"]["metrics"]}
    off = [x for x in OFF_EVAL_METRICS if x not in names]
    res = p["baseline"]["prompt_engineering"]["results"]
    picks = rng.sample(off, len(res)) if len(res) <= len(off) else None
    for i, x in enumerate(res):
        x["metric"] = picks[i] if picks else f"{off[0]}_{i}"


def _post_fit007(rng, p):
    appr = p["approach"]
    if appr == "rag":
        del p["rag"]
    elif appr == "fine_tuning":
        del p["fine_tuning"]
    else:
        del p[rng.choice(["rag", "fine_tuning"])]


def _post_acc001(rng, p):
    g = p["gaps"]["accuracy"]
    if g.get("present") is not True:
        g["present"] = True
        g["evidence"] = "Pilot answers contained factual errors reviewers could not accept."
    ev = p["evaluation"]
    choice = rng.choice(["cadence", "eval_sets", "targets"])
    if choice == "cadence":
        del ev["cadence"]
    elif choice == "eval_sets":
        del ev["eval_sets"]
    else:
        for m in ev["metrics"]:
            m.pop("target", None)


def _post_fit006(rng, p):
    p["fine_tuning"]["dataset"]["update_frequency"] = rng.choice(["daily", "weekly", "weekly", "realtime"])


def _post_rag001(rng, p):
    rag = p["rag"]
    del rag["data_pipeline"]
    # Keep the flaw unambiguous: nothing else about the pipeline could fire.
    for s in rag["corpus"]["sources"]:
        s["update_frequency"] = "static"
        if "contains_tables" in s:
            s["contains_tables"] = False
        if s.get("boilerplate") == "high":
            s["boilerplate"] = "low"


def _post_rag002(rng, p):
    dp = p["rag"]["data_pipeline"]
    stage = rng.choice(["chunking", "embedding", "embedding", "indexing"])
    if stage == "chunking":  # avoid a second, interpretation-dependent RAG003
        for s in p["rag"]["corpus"]["sources"]:
            if "contains_tables" in s:
                s["contains_tables"] = False
    del dp[stage]


def _post_rag003(rng, p):
    rag = p["rag"]
    src = rng.choice(rag["corpus"]["sources"])
    src["contains_tables"] = True
    rag["data_pipeline"]["chunking"].pop("tables", None)


def _post_rag004(rng, p):
    rag = p["rag"]
    rng.choice(rag["corpus"]["sources"])["boilerplate"] = "high"
    rag["data_pipeline"].pop("cleaning", None)


def _post_rag005(rng, p):
    rag = p["rag"]
    re_ = rag["retrieval"]["effort_weeks"] = rng.choice([4, 5, 6, 8])
    rag["data_pipeline"]["effort_weeks"] = rng.choice([1, 2, 3, re_ - 1])


def _post_rag006(rng, p):
    rag = p["rag"]
    idx = rag["data_pipeline"]["indexing"]
    if rng.random() < 0.3:
        idx.pop("refresh", None)
        src = rag["corpus"]["sources"][0]
        if src["update_frequency"] == "static":
            src["update_frequency"] = "monthly"
    else:
        src = rng.choice(rag["corpus"]["sources"])
        src["update_frequency"] = rng.choice(["daily", "realtime", "weekly"])
        faster = FREQ_RANK[src["update_frequency"]]
        idx["refresh"] = rng.choice([f for f, k in FREQ_RANK.items() if 1 <= k < faster])


def _post_rag007(rng, p):
    p["use_case"]["data_sensitivity"] = rng.choice(["confidential", "restricted"])
    del p["rag"]["access_control"]


def _post_rag008(rng, p):
    if rng.random() < 0.5:
        p["rag"]["citations"] = False
    else:
        del p["rag"]["citations"]


def _post_rag009(rng, p):
    ev = p["rag"]["retrieval"]["evaluation"]
    if rng.random() < 0.5:
        ev["metrics"] = []
    else:
        del ev["metrics"]


def _post_rag010(rng, p):
    p["rag"]["corpus"]["sources"] = []


def _post_ft001(rng, p):
    ev = p["fine_tuning"]["evaluation"]
    del ev["held_out"]


def _post_ft002(rng, p):
    p["fine_tuning"]["evaluation"]["held_out"]["covers"] = rng.choice(
        [["target_task"], ["target_task", "general_capability"], ["adjacent_behaviors"]])


def _post_ft003(rng, p):
    ft = p["fine_tuning"]
    ft["dataset"]["examples"] = rng.randrange(80, 480, 10)
    ho = ft["evaluation"].get("held_out")
    if isinstance(ho, dict) and isinstance(ho.get("size"), int):
        ho["size"] = rng.randrange(100, 160, 10)  # >= 100 and >= 5%: only FT003


def _post_ft004(rng, p):
    ds = p["fine_tuning"]["dataset"]
    if rng.random() < 0.5:
        ds["quality_review"] = False
    else:
        del ds["quality_review"]


def _post_ft005(rng, p):
    ft = p["fine_tuning"]
    ho = ft["evaluation"]["held_out"]
    if rng.random() < 0.5:
        ho["size"] = rng.randrange(20, 95, 5)
    else:
        ex = ft["dataset"]["examples"] = rng.randrange(6000, 20000, 500)
        ho["size"] = rng.randrange(100, int(ex * 0.05) - 10, 10)


def _post_ft006(rng, p):
    ft = p["fine_tuning"]
    ho = ft["evaluation"]["held_out"]
    if rng.random() < 0.5:
        ho["disjoint_from_training"] = False
    else:
        ho["path"] = ft["dataset"]["path"]


def _post_ft007(rng, p):
    del p["fine_tuning"]["task"]["description"]


def _pre_ft008(rng, s):
    s["purpose"] = rng.choice(["latency", "cost"])


def _post_ft008(rng, p):
    purpose = p["fine_tuning"]["purpose"]
    p["targets"].pop("latency_p95_ms" if purpose == "latency" else "cost_per_1k_requests_usd")


def _post_eval001(rng, p):
    if rng.random() < 0.3:
        del p["evaluation"]
    else:
        del p["evaluation"]["metrics"]


def _post_eval002(rng, p):
    rng.choice(p["evaluation"]["metrics"]).pop("target")


# textual flaws ---------------------------------------------------------------

def _typo_targets(p: dict) -> list[tuple[dict, str, str]]:
    """(mapping, key, misspelling) triples available in this model."""
    out: list[tuple[dict, str, str]] = []

    def add(d: Any, key: str, *typos: str) -> None:
        if isinstance(d, dict) and key in d and key + DUP not in d:
            for t in typos:
                out.append((d, key, t))

    add(p, "owner", "owners", "ownr")
    add(p, "summary", "sumary", "summery")
    add(p.get("use_case"), "users", "user")
    for g in _m(p.get("gaps")).values():
        add(g, "evidence", "evidance", "evidense")
    pe = _m(_m(p.get("baseline")).get("prompt_engineering"))
    add(pe, "model", "modle")
    rag = _m(p.get("rag"))
    retr = _m(rag.get("retrieval"))
    add(retr, "reranker", "re_ranker", "rerankr")
    add(retr, "top_k", "topk", "top-k")
    ch = _m(_m(rag.get("data_pipeline")).get("chunking"))
    add(ch, "overlap_tokens", "overlap", "overlap_token")
    add(ch, "size_tokens", "chunk_size", "size_token")
    add(rag, "citations", "citation")
    ft = _m(p.get("fine_tuning"))
    add(ft, "base_model", "base_modle", "basemodel")
    add(_m(ft.get("dataset")), "quality_review", "quality_reveiw")
    add(_m(ft.get("task")), "output_format", "output_fromat")
    ev = _m(p.get("evaluation"))
    add(ev, "human_review", "human_reveiw", "humanreview")
    add(ev, "cadence", "cadance")
    return out


def _post_typo(rng, p):
    d, key, typo = rng.choice(_typo_targets(p))
    _rename(d, key, typo)


def _post_bad_enum(rng, p):
    opts: list[Callable[[], None]] = []
    opts.append(lambda: p.__setitem__("status", rng.choice(["wip", "in-review", "Approved", "shipped"])))
    rag = _m(p.get("rag"))
    ch = _m(_m(rag.get("data_pipeline")).get("chunking"))
    if "strategy" in ch:
        opts.append(lambda: ch.__setitem__("strategy", rng.choice(["sentence", "markdown", "by_heading"])))
    srcs = _l(_m(rag.get("corpus")).get("sources"))
    if srcs:
        opts.append(lambda: rng.choice(srcs).__setitem__("boilerplate", rng.choice(["medium", "some"])))
    pe = _m(_m(p.get("baseline")).get("prompt_engineering"))
    if "techniques" in pe:
        opts.append(lambda: pe["techniques"].append(rng.choice(["role_prompting", "rag", "self_consistency"])))
    ac = _m(rag.get("access_control"))
    if "scope_by" in ac:
        opts.append(lambda: ac["scope_by"].append(rng.choice(["team", "region", "clearance"])))
    ho = _m(_m(_m(p.get("fine_tuning")).get("evaluation")).get("held_out"))
    if "covers" in ho:
        opts.append(lambda: ho["covers"].append(rng.choice(["robustness", "safety", "regressions"])))
    rng.choice(opts)()


def _post_bad_type(rng, p):
    opts: list[Callable[[], None]] = []
    rag = _m(p.get("rag"))
    retr = _m(rag.get("retrieval"))
    if "top_k" in retr and "top_k" + DUP not in retr:
        opts.append(lambda: retr.__setitem__("top_k", rng.choice(["eight", "ten", "auto"])))
    ch = _m(_m(rag.get("data_pipeline")).get("chunking"))
    if "size_tokens" in ch:
        opts.append(lambda: ch.__setitem__("size_tokens", f"{ch['size_tokens']} tokens"))
    uc = _m(p.get("use_case"))
    if isinstance(uc.get("users"), list):
        opts.append(lambda: uc.__setitem__("users", " and ".join(uc["users"])))
    if "multi_tenant" in uc:
        opts.append(lambda: uc.__setitem__("multi_tenant", rng.choice(["partially", "per region"])))
    sets = _l(_m(p.get("evaluation")).get("eval_sets"))
    if sets:
        opts.append(lambda: rng.choice(sets).__setitem__("size", f"about {rng.randrange(200, 900, 100)}"))
    if "citations" in rag:
        opts.append(lambda: rag.__setitem__("citations", rng.choice(["always", "on request"])))
    if not opts:
        opts.append(lambda: p.__setitem__("status", "wip"))
    rng.choice(opts)()


def _post_missing_name(rng, p):
    srcs = _l(_m(_m(p.get("rag")).get("corpus")).get("sources"))
    if srcs:
        rng.choice(srcs).pop("name")
    else:
        _post_bad_enum(rng, p)


def _post_dup(rng, p):
    opts: list[tuple[dict, str, Any]] = []
    if "owner" in p:
        opts.append((p, "owner", _owner(rng, rng.choice(rng.choice(DOMAINS)["teams"]))))
    retr = _m(_m(p.get("rag")).get("retrieval"))
    if isinstance(retr.get("top_k"), int):
        opts.append((retr, "top_k", retr["top_k"] + rng.choice([2, 4, -2])))
    if "reranker" in retr:
        opts.append((retr, "reranker", rng.choice(RERANKERS)))
    ft = _m(p.get("fine_tuning"))
    if "base_model" in ft:
        opts.append((ft, "base_model", rng.choice(FT_MODELS)))
    ev = _m(p.get("evaluation"))
    if "human_review" in ev:
        opts.append((ev, "human_review", rng.choice(HUMAN_REVIEW)))
    pe = _m(_m(p.get("baseline")).get("prompt_engineering"))
    if "model" in pe:
        opts.append((pe, "model", rng.choice(PE_MODELS)))
    for s in _l(_m(_m(p.get("rag")).get("corpus")).get("sources")):
        if "format" in s:
            opts.append((s, "format", rng.choice(["html", "pdf", "markdown"])))
            break
    d, key, val = rng.choice(opts)
    _insert_after(d, key, key + DUP, val)


FLAWS: list[Flaw] = [
    # GAP
    Flaw("GAP001", "GAP001", ALL, {"gaps"}, {"gaps", "section_removed"}, post=_post_gap001, weight=0.7),
    Flaw("GAP002", "GAP002", ALL, {"gaps"}, {"gaps"}, post=_post_gap002),
    Flaw("GAP003", "GAP003", ALL, {"gaps"}, {"gaps"}, post=_post_gap003),
    # BASE
    Flaw("BASE001", "BASE001", MODEL, {"baseline"}, {"base_status", "results"}, post=_post_base001, weight=1.3),
    Flaw("BASE002", "BASE002", ALL, {"base_status"}, {"results"}, post=_post_base002),
    Flaw("BASE003", "BASE003", ALL, set(), {"techniques"}, post=_post_base003),
    Flaw("BASE004", "BASE004", MODEL, {"results", "emetrics", "targets_m", "result_names"}, {"result_values"}, post=_post_base004),
    Flaw("BASE005", "BASE005", MODEL, {"results", "emetrics"}, {"result_names"}, post=_post_base005),
    # FIT (scenario flaws share the "gaps" and "approach" resources)
    Flaw("FIT001a", "FIT001", ("fine_tuning",), {"gaps", "ft"}, {"gaps", "purpose"}, pre=_pre_fit001_purpose, weight=0.5),
    Flaw("FIT001b", "FIT001", ("fine_tuning",), {"gaps"}, {"gaps"}, pre=_pre_fit001_gaps, weight=0.5),
    Flaw("FIT002", "FIT002", ("rag",), {"gaps"}, {"gaps"}, pre=_pre_fit002),
    Flaw("FIT003", "FIT003", ("rag", "fine_tuning"), {"gaps"}, {"gaps"}, pre=_pre_fit003),
    Flaw("FIT004", "FIT004", MODEL, {"gaps"}, {"gaps"}, pre=_pre_fit004, weight=0.8),
    Flaw("FIT005", "FIT005", ("hybrid",), {"gaps"}, {"gaps"}, pre=_pre_fit005),
    Flaw("FIT006", "FIT006", FTA, {"ft"}, {"ft_freq"}, post=_post_fit006),
    Flaw("FIT007", "FIT007", MODEL, set(), {"rag", "ft", "section_removed"}, post=_post_fit007, weight=0.6),
    # ACC
    Flaw("ACC001", "ACC001", ALL, {"emetrics"}, {"gaps", "eval_infra", "emetrics"}, post=_post_acc001, weight=1.5),
    # RAG
    Flaw("RAG001", "RAG001", RAGA, {"rag"}, {"dp", "sources"}, post=_post_rag001),
    Flaw("RAG002", "RAG002", RAGA, {"rag", "dp"}, {"stage", "sources"}, post=_post_rag002),
    Flaw("RAG003", "RAG003", RAGA, {"rag", "dp", "stage"}, {"sources", "tables"}, post=_post_rag003),
    Flaw("RAG004", "RAG004", RAGA, {"rag", "dp"}, {"sources", "cleaning"}, post=_post_rag004),
    Flaw("RAG005", "RAG005", RAGA, {"rag", "dp"}, {"efforts"}, post=_post_rag005),
    Flaw("RAG006", "RAG006", RAGA, {"rag", "dp", "stage"}, {"sources", "refresh"}, post=_post_rag006),
    Flaw("RAG007", "RAG007", RAGA, {"rag"}, {"access"}, post=_post_rag007),
    Flaw("RAG008", "RAG008", RAGA, {"rag"}, {"citations"}, post=_post_rag008),
    Flaw("RAG009", "RAG009", RAGA, {"rag"}, {"retr_eval"}, post=_post_rag009),
    Flaw("RAG010", "RAG010", RAGA, {"rag"}, {"sources"}, post=_post_rag010, weight=0.6),
    # FT
    Flaw("FT001", "FT001", FTA, {"ft"}, {"held_out"}, post=_post_ft001, weight=1.3),
    Flaw("FT002", "FT002", FTA, {"ft", "held_out"}, {"covers"}, post=_post_ft002),
    Flaw("FT003", "FT003", FTA, {"ft"}, {"examples", "ho_size"}, post=_post_ft003),
    Flaw("FT004", "FT004", FTA, {"ft"}, {"quality"}, post=_post_ft004),
    Flaw("FT005", "FT005", FTA, {"ft", "held_out"}, {"examples", "ho_size"}, post=_post_ft005),
    Flaw("FT006", "FT006", FTA, {"ft", "held_out"}, {"ho_path"}, post=_post_ft006),
    Flaw("FT007", "FT007", FTA, {"ft"}, {"task"}, post=_post_ft007),
    Flaw("FT008", "FT008", FTA, {"ft", "gaps"}, {"purpose", "targets"}, pre=_pre_ft008, post=_post_ft008),
    # EVAL
    Flaw("EVAL001", "EVAL001", MODEL, set(), {"emetrics", "eval_infra"}, post=_post_eval001, weight=0.8),
    Flaw("EVAL002", "EVAL002", ALL, {"emetrics"}, {"targets_m"}, post=_post_eval002),
    # PLAN (document rules); applied last, on whatever keys remain
    Flaw("PLAN002-typo", "PLAN002", ALL, set(), {"typo"}, post=_post_typo, textual=("PLAN002",), weight=1.4),
    Flaw("PLAN002-enum", "PLAN002", ALL, set(), {"enum"}, post=_post_bad_enum, textual=("PLAN002",), weight=0.8),
    Flaw("PLAN002-type", "PLAN002", ALL, set(), {"type"}, post=_post_bad_type, textual=("PLAN002",), weight=0.8),
    Flaw("PLAN002-required", "PLAN002", RAGA, {"rag", "sources"}, {"src_name"}, post=_post_missing_name,
         textual=("PLAN002",), weight=0.4),
    Flaw("PLAN004", "PLAN004", ALL, set(), {"dup"}, post=_post_dup, textual=("PLAN004",)),
]
# Textual flaws (typos, wrong types) may hit any key, including keys semantic
# rules read: they are applied last and expected_rules sees their effect.

APPROACH_WEIGHTS = (("hybrid", 0.36), ("rag", 0.32), ("fine_tuning", 0.22), ("prompt_engineering", 0.10))


def _choose_approach(rng: random.Random) -> str:
    x = rng.random()
    acc = 0.0
    for a, w in APPROACH_WEIGHTS:
        acc += w
        if x < acc:
            return a
    return "hybrid"


def _clean_scenario(rng: random.Random, approach: str) -> dict:
    a = rng.random() < 0.5
    if approach == "hybrid":
        k, b = True, True
    elif approach == "rag":
        k, b = True, False
    elif approach == "fine_tuning":
        k, b = False, True
    else:
        k, b, a = False, rng.random() < 0.6, rng.random() < 0.3
    pr = rng.random()
    purpose = "behavior" if pr < 0.7 else ("latency" if pr < 0.85 else "cost")
    return {"approach": approach, "k": k, "b": b, "a": a, "purpose": purpose}


def _pick_flaws(rng: random.Random, approach: str, n: int) -> list[Flaw]:
    cands = [f for f in FLAWS if approach in f.approaches]
    chosen: list[Flaw] = []
    rules: set[str] = set()
    while len(chosen) < n and cands:
        total = sum(f.weight for f in cands)
        x = rng.random() * total
        for f in cands:
            x -= f.weight
            if x <= 0:
                break
        chosen.append(f)
        rules.add(f.rule)
        cands = [c for c in cands if c is not f and c.rule not in rules and not c.conflicts(f)]
    return chosen


def _build(index: int, seed: int) -> tuple[str, list[str]]:
    rng = random.Random(f"aiplan-bench:{seed}:{index}")
    approach = _choose_approach(rng)
    scen = _clean_scenario(rng, approach)
    clean = rng.random() < CLEAN_FRACTION
    flaws: list[Flaw] = []
    if not clean:
        n = rng.choices([1, 2, 3, 4], weights=[40, 30, 20, 10])[0]
        flaws = _pick_flaws(rng, approach, n)
    for f in flaws:
        if f.pre:
            f.pre(rng, scen)
    plan = build_clean(rng, scen["approach"], scen["k"], scen["b"], scen["a"], scen["purpose"])
    textual: set[str] = set()
    for f in sorted(flaws, key=lambda f: bool(f.textual)):
        if f.post:
            f.post(rng, plan)
        textual.update(f.textual)
    expected = expected_rules(plan) | textual
    if clean and expected:  # generator bug guard: clean plans must be clean
        raise AssertionError(f"plan {index} (seed {seed}) meant clean but triggers {sorted(expected)}")

    ordered = plan  # insertion order is the section order of plan-format.md
    header = rng.choice([0, 0, 1, 1, 2])
    density = rng.uniform(0.6, 1.4)
    text = render(ordered, rng, density, header)
    n_lines = text.count("\n")
    if n_lines > MAX_LINES:
        text = render(ordered, rng, 0.0, 0)
    elif n_lines < MIN_LINES:
        text = render(ordered, rng, 2.5, 3)
        short = MIN_LINES - text.count("\n")
        if short > 0:  # plans missing whole sections: append a review log
            text += _review_log(rng, short)
    return text, sorted(expected)


REVIEW_NOTES = [
    "design review: approach agreed, revisit after the pilot",
    "security review: data handling approved with conditions",
    "eval set refreshed with the latest escalations",
    "owner changed after the team reorganisation",
    "pilot extended by four weeks",
    "cost estimate updated with current volumes",
    "added reviewers from the domain team",
    "dropped the multilingual scope for now",
    "privacy review requested for the training export",
    "latency budget renegotiated with the product owner",
]


def _review_log(rng: random.Random, n_lines: int) -> str:
    """Comment block (``n_lines`` lines or more) appended to short plans."""
    lines = ["", "# Review log"]
    year = rng.choice([2024, 2025])
    month = rng.randint(1, 6)
    notes: list[str] = []
    while len(lines) < n_lines:
        if not notes:
            notes = rng.sample(REVIEW_NOTES, len(REVIEW_NOTES))
        lines.append(f"# - {year}-{month:02d}: {notes.pop()}")
        month += rng.randint(1, 2)
        if month > 12:
            year, month = year + 1, month - 12
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------

def generate_plan(index: int, seed: int) -> str:
    """YAML text of plan ``index`` for ``seed`` (deterministic)."""
    return _build(index, seed)[0]


def generate_plan_with_expected(index: int, seed: int) -> tuple[str, list[str]]:
    """YAML text of plan ``index`` and the sorted rule IDs it is expected to trigger."""
    return _build(index, seed)


def plan_relpath(index: int) -> str:
    """Path of plan ``index`` relative to the output directory (``/`` separated)."""
    return f"team-{index // PLANS_PER_DIR:03d}/plan-{index:05d}.aiplan.yaml"


def write_plans(out_dir: str | Path, count: int, seed: int = 0) -> list[Path]:
    """Write ``count`` plans and ``manifest.json`` under ``out_dir``; return the plan paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    manifest: dict[str, list[str]] = {}
    made_dirs: set[str] = set()
    for i in range(count):
        rel = plan_relpath(i)
        text, rules = _build(i, seed)
        d = rel.split("/", 1)[0]
        if d not in made_dirs:
            (out / d).mkdir(exist_ok=True)
            made_dirs.add(d)
        p = out / rel
        with open(p, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        paths.append(p)
        manifest[rel] = rules
    with open(out / "manifest.json", "w", encoding="utf-8", newline="\n") as fh:
        json.dump(manifest, fh, indent=1, sort_keys=True)
        fh.write("\n")
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate realistic AI project plans for benchmarking aiplan.")
    ap.add_argument("out_dir", metavar="OUT_DIR", help="directory to write plans into (created if missing)")
    ap.add_argument("--count", type=int, required=True, help="number of plans to generate")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = ap.parse_args(argv)
    if args.count < 0:
        ap.error("--count must be >= 0")
    paths = write_plans(args.out_dir, args.count, args.seed)
    print(f"wrote {len(paths)} plans and manifest.json to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
