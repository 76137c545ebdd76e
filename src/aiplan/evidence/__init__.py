"""Evidence: what the data files a plan names actually hold.

A plan says ``examples: 4200`` and ``disjoint_from_training: true``; this
package opens the files it names and measures: records, malformed lines, record
shapes, categories, duplicates, held-out records that also occur in training
(exactly or nearly), and, for RAG corpora, tables and repeated boilerplate.

Layering: below ``lint``/``rules`` (it imports only :mod:`aiplan.core`). Rules
never open files: the engine hands each plan an
:class:`~aiplan.evidence.reader.EvidenceReader` (``plan.evidence``) and the
evidence rules ask it for facts. Nothing here reaches the network: URLs,
``s3://`` locations and hub names are reported as not verified.

Modules:

* ``reader``: the object rules get; resolves names, memoises, records what the
  results depend on for the results cache, pauses the rule's time budget.
* ``files``: where a named path points (local, remote, outside the repository)
  and opening it safely (no FIFOs, binary or UTF-16 files, bounded lines).
* ``formats``: JSON Lines, JSON arrays, CSV/TSV, ``.gz`` streams, Parquet
  (the ``aiplan[parquet]`` extra) -> records with their line numbers.
* ``records``: known record shapes, the input side, categories, normalisation.
* ``profile``: one streaming pass over a file, or the shards of a data set
  (a glob or folder) -> :class:`Profile`; other checks can ride on the pass.
* ``overlap``: held-out and evaluation records found in the training data,
  exact and near (MinHash/LSH from ``datasketch``), in the same pass that
  profiles the training data (:func:`training_pass`).
* ``corpus``: RAG documents: tables and repeated boilerplate (PDFs with the
  ``aiplan[pdf]`` extra).
* ``stored``: results as builtin values, for the results cache's evidence store.
"""
