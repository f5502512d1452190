"""The database as other tools see it: views, search, Datasette metadata, exports, schema."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from conftest import ROOT, db_rows, search_index_documents
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
    # (a parallel run's workers commit in any order: the rows' order is not the articles')
    rows = con.execute("SELECT article_title FROM official_mentions WHERE name LIKE 'Nguyễn Hữu%' "
                       "ORDER BY article_id").fetchall()
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


def _index_names(db_path: Path) -> set[str]:
    return {r[0] for r in db_rows(db_path, "SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_a_bulk_load_builds_its_indexes_once_at_the_end(tmp_path: Path) -> None:
    from extractor.pipeline import PIPELINE_VERSION, extract
    from extractor.store import bulk_load_pending, finish_bulk_load, write_article

    path = tmp_path / "facts.db"
    db = open_db(path, bulk=True)
    assert bulk_load_pending(db)
    write_article(db, extract("Ngày 5/3/2024, Công an xã Lộc Yên ra mắt mô hình “Camera an ninh”.",
                              article_id="a1"), PIPELINE_VERSION)
    assert search(db, "Loc Yen") == []  # not indexed yet
    # a reader opening the database meanwhile neither builds nor waits for the indexes
    reader = open_db(path)
    assert bulk_load_pending(reader) and "idx_locations_name" not in _index_names(path)
    reader.close()
    assert finish_bulk_load(db) and not bulk_load_pending(db)
    assert [r["article_id"] for r in search(db, "Loc Yen")] == ["a1"]
    assert "idx_locations_name" in _index_names(path)
    # from now on the triggers keep the index current: a rewritten article is searched anew
    write_article(db, extract("Ngày 6/3/2024, Công an phường Hưng Dũng tổ chức hội nghị.",
                              article_id="a1"), PIPELINE_VERSION)
    assert search(db, "Loc Yen") == [] and len(search(db, "Hung Dung")) == 1
    assert search_index_documents(path) == 1
    db.close()
    # a later run into a database that has articles keeps the live index (no rebuild of it all)
    again = open_db(path, bulk=True)
    assert not bulk_load_pending(again) and not finish_bulk_load(again)
    again.close()


def test_a_run_into_a_new_database_ends_with_its_search_index_complete(corpus_db: Path) -> None:
    con = sqlite3.connect(corpus_db)
    n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    triggers = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    con.close()
    assert search_index_documents(corpus_db) == n
    assert {"articles_ai", "articles_ad", "articles_au"} <= triggers
    assert {f"idx_{t}_{c}" for t, c in
            (("dates", "value"), ("locations", "name"), ("officials", "name"), ("models", "name"),
             ("counts", "unit"), ("awards", "award"))} <= _index_names(corpus_db)


def test_the_search_triggers_added_after_a_load_are_sqlite_utils_own(tmp_path: Path) -> None:
    """A run that indexed as it wrote adds only the triggers: the same ones sqlite-utils'
    enable_fts creates, so a later write, delete or update keeps the index current the same way."""
    from extractor.store import finish_bulk_load

    def triggers(path: Path) -> dict[str, str]:
        return dict(db_rows(path, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))

    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    db = open_db(ours, bulk=True)
    assert finish_bulk_load(db, indexed=True)
    db.close()
    db = open_db(theirs, bulk=True)
    assert finish_bulk_load(db)  # sqlite-utils' enable_fts(create_triggers=True, replace=True)
    db.close()
    assert set(triggers(ours)) == {"articles_ai", "articles_ad", "articles_au"}
    assert triggers(ours) == triggers(theirs)


def a_page_twice(tmp_path: Path) -> None:
    """Inputs a/ and b/ with article ``x`` in both (two versions) and ``y`` in b/ only."""
    texts = {"a/x.txt": "Ngày 5/3/2024, Công an xã Lộc Yên ra mắt mô hình “Camera an ninh”.\n",
             "b/x.txt": "Ngày 6/3/2024, Công an phường Hưng Dũng tổ chức hội nghị.\n",
             "b/y.txt": "Ngày 7/3/2024, Công an xã Kỳ Anh tuần tra.\n"}
    for name, text in texts.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")


def test_a_run_indexes_as_it_writes_and_one_that_rewrites_an_article_rebuilds(tmp_path: Path) -> None:
    """Two inputs with the same article id in one run: the second replaces the first, whose
    index entry would go stale, so the run falls back to the one build at the end. Either way
    the index ends complete and current."""
    from extractor.run import run

    a_page_twice(tmp_path)
    once = tmp_path / "once.db"
    assert run([tmp_path / "b"], once).articles == 2
    assert search_index_documents(once) == 2
    twice = tmp_path / "twice.db"
    assert run([tmp_path / "a", tmp_path / "b"], twice).articles == 3
    assert search_index_documents(twice) == 2  # FTS5's check passes: no stale entry
    db = open_db(twice)
    assert search(db, "Loc Yen") == [] and [r["article_id"] for r in search(db, "Hung Dung")] == ["x"]
    db.close()


def test_a_one_process_run_indexes_each_group_of_articles_as_it_commits(tmp_path: Path,
                                                                        monkeypatch) -> None:
    """FTS5 writes what it holds as a segment of its own at every savepoint (each article is
    written in one): indexing articles one by one made a segment per article, which it then
    kept merging. A one-process run indexes a group's articles together, in the transaction
    that commits them."""
    import extractor.run as run_module
    from extractor.store import GroupCommit, index_new_articles

    class GroupsOfFour(GroupCommit):
        def __init__(self, db, **kw):  # type: ignore[no-untyped-def]
            super().__init__(db, max_articles=4, max_seconds=3600, **kw)

    calls: list[bool] = []

    def index(db):  # type: ignore[no-untyped-def]
        calls.append(db.conn.in_transaction)
        index_new_articles(db)

    monkeypatch.setattr(run_module, "GroupCommit", GroupsOfFour)
    monkeypatch.setattr(run_module, "index_new_articles", index)
    inputs = tmp_path / "in"
    inputs.mkdir()
    for p in sorted((ROOT / "corpus").glob("*.txt"))[:10]:
        (inputs / p.name).write_bytes(p.read_bytes())
    db = tmp_path / "facts.db"
    assert run_module.run([inputs], db, workers=1).articles == 10
    assert calls == [True, True, True]  # groups of 4, 4 and 2, each indexed before its commit
    assert search_index_documents(db) == 10  # FTS5's check: the index matches the articles


def test_articles_written_together_give_the_rows_written_one_by_one(tmp_path: Path) -> None:
    """A parallel run writes each worker's chunk with one statement per table."""
    from extractor.pipeline import PIPELINE_VERSION, extract
    from extractor.store import merge_packed, packed_rows, write_packed

    texts = {"a": "Ngày 5/3/2024, Công an xã Lộc Yên, huyện Hương Khê ra mắt mô hình “Camera an ninh”.",
             "b": "Đại tá Nguyễn Văn An, Giám đốc Công an tỉnh Hà Tĩnh trao Giấy khen cho 3 tập thể.",
             "c": "Chiều 20/10, xã Lộc Yên tổ chức hội nghị với 120 đại biểu."}
    parts = [packed_rows(extract(t, article_id=k), PIPELINE_VERSION) for k, t in texts.items()]
    dumps = []
    for name, writes in (("one", [[p] for p in parts]), ("merged", [parts])):
        db = open_db(tmp_path / f"{name}.db")
        for w in writes:
            write_packed(db, merge_packed(w))
        dumps.append({t: sorted(db.execute(f"SELECT * FROM [{t}]").fetchall(), key=repr)
                      for t in ("segments", "sentences", "places", *FACT_TABLES)})
        db.close()
    assert dumps[0] == dumps[1] and dumps[0]["locations"] and dumps[0]["awards"]


def test_a_parallel_run_with_an_article_twice_in_one_task_stores_the_later(tmp_path: Path) -> None:
    """A worker writes its task's articles together; the same article id twice in one task (an
    archive holding a page twice) must still leave what a single-process run leaves: the later
    version, its facts only, and a search index rebuilt without the stale entry."""
    from extractor.run import run

    a_page_twice(tmp_path)
    dumps = []
    for workers in (1, 2):
        path = tmp_path / f"w{workers}.db"
        summary = run([tmp_path / "a", tmp_path / "b"], path, workers=workers)
        assert summary.ok and summary.articles == 3
        assert search_index_documents(path) == 2
        dumps.append({t: db_rows(path, f"SELECT * FROM [{t}] ORDER BY 1, 2") for t in
                      ("segments", "sentences", "places", *FACT_TABLES)})
        assert db_rows(path, "SELECT value FROM dates WHERE article_id = 'x'") == [("2024-03-06",)]
    assert dumps[0] == dumps[1]


def test_bulk_writers_checkpoint_the_wal_less_often_than_other_connections(tmp_path: Path) -> None:
    """A bulk load's connections (run, load, a parallel run's workers) leave checkpoints to every
    BULK_WAL_PAGES pages of WAL: each commit appends the hot pages again, and each checkpoint
    copies them again. Other connections keep SQLite's default."""
    from extractor.store import BULK_WAL_PAGES, connect

    db_path = tmp_path / "facts.db"
    bulk, plain = open_db(db_path, bulk=True), connect(db_path)
    worker = connect(db_path, bulk=True)
    try:
        assert bulk.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == BULK_WAL_PAGES
        assert worker.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == BULK_WAL_PAGES
        assert plain.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    finally:
        for db in (bulk, plain, worker):
            db.close()
