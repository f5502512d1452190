"""Fact extractors, one module per fact kind.

Each module exposes ``extract(doc: Document) -> list[<Fact>]``: a pure function that reads
``doc.norm`` and ``doc.sentences`` (headline, body and caption sentences, repeats removed) and
returns its facts, built with ``doc.provenance(start, end)`` so every fact carries its
stored-text span, surface text and sentence index. The pipeline runs them in the order of
``ORDER``; later extractors may read earlier results (counts skip the numbers of dates and award
tallies; officials skip byline authors). A module may also expose ``prepare()``, which builds
now what it would otherwise build on first use (:func:`extractor.pipeline.prepare`).
"""

from __future__ import annotations

ORDER = ("dates", "locations", "officials", "models", "awards", "counts")
