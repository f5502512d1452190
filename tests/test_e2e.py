"""End to end: run → export → score on the corpus, through the CLI, and the accuracy gate."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from conftest import CORPUS, GOLD
from extractor.cli import app

runner = CliRunner()


def _dump(db: Path) -> list[tuple]:  # type: ignore[type-arg]
    con = sqlite3.connect(db)
    out = []
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN ('runs','errors') AND name NOT LIKE '%fts%' ORDER BY name"):
        cols = [r[1] for r in con.execute(f"PRAGMA table_info([{table}])") if r[1] != "processed_at"]
        out.append((table, sorted(con.execute(f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM [{table}]").fetchall(), key=repr)))
    return out


def test_export_follows_the_contract(corpus_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "facts.jsonl"
    res = runner.invoke(app, ["export", "--db", str(corpus_db), "--format", "jsonl", "--out", str(out)])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(list(CORPUS.glob("*.txt")))
    text = {p.stem: p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")}
    keys = {"article_id", "title", "published", "authors", "event_date", "dates", "locations",
            "officials", "models", "counts", "awards"}
    for rec in lines:
        assert keys <= set(rec)
        for kind in ("dates", "locations", "officials", "models", "counts", "awards"):
            for item in rec[kind]:
                s, e = item["span"]
                assert text[rec["article_id"]][s:e] == item["text"]


def test_rerun_leaves_the_same_database(corpus_db: Path, tmp_path: Path) -> None:
    before = _dump(corpus_db)
    n_runs = sqlite3.connect(corpus_db).execute("SELECT count(*) FROM runs").fetchone()[0]
    res = runner.invoke(app, ["run", str(CORPUS), "--db", str(corpus_db), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert _dump(corpus_db) == before
    res = runner.invoke(app, ["run", str(CORPUS), "--db", str(corpus_db), "--workers", "1", "--force"])
    assert res.exit_code == 0, res.output
    assert _dump(corpus_db) == before
    runs = sqlite3.connect(corpus_db).execute(
        "SELECT skipped, articles FROM runs WHERE id > ? ORDER BY id", [n_runs]).fetchall()
    n = len(list(CORPUS.glob("*.txt")))
    assert runs == [(n, 0), (0, n)]  # unchanged articles skipped, then all re-extracted


def test_gold_gate_holds(corpus_db: Path) -> None:
    """The committed floors in gold/baseline.json hold for the current pipeline."""
    res = runner.invoke(app, ["score", str(GOLD), "--db", str(corpus_db), "--json"])
    report = json.loads(res.stdout)
    assert report["missing_predictions"] == []
    assert res.exit_code == 0, "\n".join(report["gate"]["failures"])
    assert (GOLD / "baseline.json").exists()


def test_show_prints_an_article(corpus_db: Path) -> None:
    res = runner.invoke(app, ["show", "000_26ae2bb7e0312ef1", "--db", str(corpus_db)])
    assert res.exit_code == 0, res.output
    assert "segments" in res.output and "Sơ kết" in res.output


def test_gold_covers_every_corpus_article() -> None:
    assert {p.stem for p in CORPUS.glob("*.txt")} == {p.stem for p in GOLD.glob("*.json") if p.stem != "baseline"}


def test_group_commit_writes_whole_articles(tmp_path: Path) -> None:
    """Articles are committed in groups; a group left open (as by a crash) loses only whole
    articles, and what was committed before it stays."""
    import sqlite3 as sq

    from extractor import extract
    from extractor.store import GroupCommit, open_db, write_article

    db_path = tmp_path / "g.db"
    db = open_db(db_path)
    group = GroupCommit(db, max_articles=2, max_seconds=60)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("00*.txt"))}
    for i, (aid, text) in enumerate(texts.items()):
        group.begin()
        write_article(db, extract(text, article_id=aid), "t")
        group.tick()
        if i == 2:
            break  # three written: two committed as a group, the third still open
    other = sq.connect(db_path)
    assert other.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    db.conn.rollback()  # what a crash does to the open group
    assert other.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    n = other.execute("SELECT count(*) FROM dates WHERE article_id NOT IN (SELECT article_id FROM articles)").fetchone()[0]
    assert n == 0
