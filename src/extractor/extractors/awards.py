"""Extractor for awards (stub: to be written)."""

from __future__ import annotations

from ..document import Document


def extract(doc: Document) -> list:
    return []
