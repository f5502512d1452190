"""The pipeline over one document: segment → sentences → extractors → resolve.

Library first: :func:`process` is what the CLI, the Python API and the workers call.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterable, Iterator

from . import __version__
from .document import Document
from .extractors import ORDER
from .models import ArticleFacts
from .resolve import resolve
from .segment import segment
from .sentences import split_sentences

PIPELINE_VERSION = __version__

_EXTRACTORS = {name: importlib.import_module(f".extractors.{name}", __package__) for name in ORDER}


def process(doc: Document) -> Document:
    """Run every stage on ``doc`` in place and return it; stage times go to ``doc.timings``."""

    def timed(name: str, fn) -> None:  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        fn()
        doc.timings[name] = doc.timings.get(name, 0.0) + time.perf_counter() - t

    timed("segment", lambda: segment(doc))
    timed("sentences", lambda: split_sentences(doc))
    for name in ORDER:
        mod = _EXTRACTORS[name]
        timed(name, lambda mod=mod, name=name: setattr(doc, name, mod.extract(doc)))
    timed("resolve", lambda: resolve(doc))
    return doc


def prepare() -> None:
    """Build what the extractors would build on first use (their modules' ``prepare()``)."""
    for mod in _EXTRACTORS.values():
        prep = getattr(mod, "prepare", None)
        if prep is not None:
            prep()


def extract(text: str, *, article_id: str | None = None) -> ArticleFacts:
    """Facts of one article's text: the same pipeline the CLI runs."""
    import hashlib

    aid = article_id or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return process(Document(aid, text)).to_record()


def extract_many(items: Iterable[tuple[str, str] | str]) -> Iterator[ArticleFacts]:
    """Stream records for (article_id, text) pairs or bare texts."""
    for it in items:
        if isinstance(it, str):
            yield extract(it)
        else:
            yield extract(it[1], article_id=it[0])
