"""The database as other tools see it: views, search, Datasette metadata, exports, schema."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from conftest import ROOT
from extractor.cli import app
from extractor.datasette import metadata
from extractor.models import json_schema
from extractor.store import FACT_TABLES, open_db, search

runner = CliRunner()


def test_search_finds_words_with_or_without_diacritics(corpus_db: Path) -> None:
    db = open_db(corpus_db)
    with_marks = {r["article_id"] for r in search(db, "Khuôn Hà")}
    without = {r["article_id"] for r in search(db, "khuon ha")}
    assert "002_f06cab75216dcbd6" in with_marks
    assert with_marks == without


def test_foreign_keys_indexes_and_views(corpus_db: Path) -> None:
    con = sqlite3.connect(corpus_db)
    for table in FACT_TABLES:
        fks = con.execute(f"PRAGMA foreign_key_list([{table}])").fetchall()
        assert any(fk[2] == "articles" and fk[3] == "article_id" for fk in fks)
        first_cols = [con.execute(f"PRAGMA index_info([{r[1]}])").fetchone()[2]
                      for r in con.execute(f"PRAGMA index_list([{table}])")]
        assert "article_id" in first_cols  # the (article_id, idx) key indexes lookups by article
    rows = con.execute("SELECT article_title FROM official_mentions WHERE name LIKE 'Nguyễn Hữu%'").fetchall()
    assert rows and rows[0][0].startswith("Sơ kết mô hình")


def test_csv_and_parquet_have_one_file_per_kind_with_the_table_columns(corpus_db: Path, tmp_path: Path) -> None:
    for fmt in ("csv", "parquet"):
        res = runner.invoke(app, ["export", "--db", str(corpus_db), "--format", fmt, "--out", str(tmp_path / fmt)])
        assert res.exit_code == 0, res.output
    con = sqlite3.connect(corpus_db)
    for kind in FACT_TABLES:
        n = con.execute(f"SELECT count(*) FROM [{kind}]").fetchone()[0]
        with (tmp_path / "csv" / f"{kind}.csv").open(encoding="utf-8") as fh:
            assert sum(1 for _ in csv.reader(fh)) == n + 1
        assert pq.read_table(tmp_path / "parquet" / f"{kind}.parquet").num_rows == n
    res = runner.invoke(app, ["export", "--db", str(corpus_db), "--format", "csv", "--kind", "officials",
                              "--out", str(tmp_path / "one")])
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == ["articles.csv", "officials.csv"]


def test_committed_schema_is_current() -> None:
    committed = json.loads((ROOT / "schema" / "article.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "run: extractor schema -o schema/article.schema.json"


def test_committed_datasette_metadata_is_current(corpus_db: Path) -> None:
    committed = json.loads((ROOT / "metadata.json").read_text(encoding="utf-8"))
    assert committed == metadata(), "run: extractor metadata -o metadata.json"
    con = sqlite3.connect(corpus_db)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view')")}
    assert set(committed["databases"]["facts"]["tables"]) <= names


def test_places_let_facts_be_grouped_by_province_in_one_query(corpus_db: Path) -> None:
    con = sqlite3.connect(corpus_db)
    rows = dict(con.execute(
        "SELECT p.province, count(*) FROM locations l JOIN places p USING (place_id) GROUP BY p.province").fetchall())
    assert rows.get("Hà Tĩnh", 0) >= 3 and rows.get("Yên Bái", 0) >= 10
    today = dict(con.execute(
        "SELECT province_2025, count(*) FROM articles WHERE province IS NOT NULL GROUP BY province_2025").fetchall())
    assert today.get("Lào Cai", 0) >= 1  # Yên Bái merged into Lào Cai on 1 July 2025
