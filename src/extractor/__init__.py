"""extractor: structured facts from Vietnamese government and police portal articles."""

from __future__ import annotations

__version__ = "0.1.0"

from .pipeline import extract, extract_many  # noqa: E402

__all__ = ["__version__", "extract", "extract_many"]
