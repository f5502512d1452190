"""Extractor for dates (stub: to be written)."""

from __future__ import annotations

from ..document import Document


def extract(doc: Document) -> list:
    return []


def event_date(doc: Document) -> str | None:
    return None
