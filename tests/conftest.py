"""Shared fixtures: paths of the corpus and gold, and one pipeline run of the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

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
