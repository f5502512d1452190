"""Shared fixtures: paths of the corpus and gold, and one pipeline run of the corpus."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

# The tests' compiled patterns go to a cache of their own (the processes the tests start share it
# through the environment), not to the user's: set before the first extractor import compiles.
if "EXTRACTOR_CACHE_DIR" not in os.environ:
    os.environ["EXTRACTOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="extractor-test-cache-")
    atexit.register(shutil.rmtree, os.environ["EXTRACTOR_CACHE_DIR"], ignore_errors=True)

from extractor.document import Document
from extractor.models import Sentence
from extractor.segment import segment
from extractor.sentences import split_sentences

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = ROOT / "gold"


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus run once through the main job into a fresh database."""
    from extractor.run import run

    db = tmp_path_factory.mktemp("run") / "facts.db"
    summary = run([CORPUS], db, workers=2)
    assert summary.articles == len(list(CORPUS.glob("*.txt")))
    assert not summary.errors
    return db


def load_cases(kind: str) -> list[dict[str, Any]]:
    """The golden cases of one extractor: tests/cases/<kind>.json, [{"req", "res"}, …]."""
    return json.loads((ROOT / "tests" / "cases" / f"{kind}.json").read_text(encoding="utf-8"))


def page_doc(body: str, headline: str = "Bản tin tổng hợp hoạt động của lực lượng Công an cơ sở") -> Document:
    """A one-paragraph page (headline + body), segmented and split as the pipeline does."""
    doc = Document("t", f"{headline}\n\n{body}\n")
    segment(doc)
    split_sentences(doc)
    return doc


def sentence_doc(text: str) -> Document:
    """The whole text as one sentence, without segmentation: for inputs no page would have."""
    doc = Document("t", text)
    doc.set_sentences([Sentence(index=0, start=0, end=len(doc.norm), segment=0)])
    return doc


def db_rows(db: Path, sql: str) -> list[tuple]:
    """The rows of one query on a database file (its own connection, closed after)."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def search_index_documents(db: Path, *, check: bool | None = None) -> int:
    """Documents in a database's full-text index (counted in its per-document table: a SELECT on
    the index itself reads the articles table), after FTS5's check that the index matches the
    articles (``check``; by default once the index is built: it has its triggers then)."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        if check is None:
            check = bool(con.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles_ai'").fetchone())
        if check:
            con.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES('integrity-check', 1)")
        return con.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0]
    finally:
        con.close()
