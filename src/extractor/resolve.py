"""Cross-fact resolution after extraction: the article's event date and final ordering."""

from __future__ import annotations

from .document import Document


def resolve(doc: Document) -> None:
    from .extractors.dates import event_date

    doc.event_date = event_date(doc)
