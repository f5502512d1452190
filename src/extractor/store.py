"""SQLite storage with sqlite-utils: one row per article, one table per fact kind.

Every article is written in one transaction (its old facts deleted, the new ones inserted), so a
re-run leaves the same database and a crash never leaves half an article. Fact tables carry a
foreign key to ``articles`` and the span of each fact in the stored text.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from operator import itemgetter
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

import sqlite_utils
from pydantic import BaseModel
from sqlite_utils.db import quote_identifier

from .models import SCHEMA_VERSION, ArticleFacts

FACT_TABLES: dict[str, list[str]] = {
    "dates": ["value", "year_inferred_from"],
    "locations": ["level", "name", "province", "district", "level_inferred", "status", "code",
                  "province_2025", "unit_2025", "candidates", "place_id"],
    "officials": ["name", "honorific", "rank", "titles", "mentions", "organisations"],
    "models": ["name", "location", "quoted"],
    "counts": ["value", "unit", "qualifier", "of"],
    "awards": ["award", "issuer", "collectives", "individuals", "total", "issuer_org"],
}
# Rows ready for ``executemany``: per table, the column names and one tuple per row.
PackedRows = dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]
_PROVENANCE = {"text": str, "start": int, "end": int, "sentence": int, "in_caption": int}
_TYPES: dict[str, Any] = {
    "value": str, "year_inferred_from": str, "level": str, "name": str, "province": str,
    "district": str, "level_inferred": int, "status": str, "code": str, "province_2025": str,
    "unit_2025": str, "candidates": str, "honorific": str, "rank": str, "titles": str,
    "mentions": int, "location": str, "quoted": int, "unit": str, "qualifier": str,
    "of": float, "award": str, "issuer": str, "collectives": int, "individuals": int, "total": int,
    "organisations": str, "issuer_org": str, "place_id": str,
}


# Page cache of a connection, KiB: the fact tables' B-trees stay in memory while a bulk run
# appends to them (SQLite's default is 2 MB).
CACHE_KIB = 64 * 1024
# WAL pages before a bulk writer's commit checkpoints them into the database (SQLite: 1 000). A
# commit appends every page it changed, so the hot ones (B-tree interiors, the full-text index)
# come again in each transaction and a checkpoint copies them again each time: at 20 000 pages
# (~80 MB of WAL) a parallel run of 1 000 articles costs 8-14 % less wall time, the workers 10 %
# less CPU. The last connection to close checkpoints the rest.
BULK_WAL_PAGES = 20_000

# The value indexes of the fact tables, for lookups and Datasette facets.
FACT_INDEXES: tuple[tuple[str, str], ...] = (
    ("dates", "value"), ("locations", "name"), ("officials", "name"), ("models", "name"),
    ("counts", "unit"), ("awards", "award"))
_FTS_COLUMNS = ["title", "text"]
# accent-insensitive search: the default unicode61 folds Vietnamese inconsistently
_FTS_TOKENIZE = "unicode61 remove_diacritics 2"


def open_db(path: str | Path, *, bulk: bool = False) -> sqlite_utils.Database:
    """Open (and create or migrate) the facts database.

    ``bulk=True`` is for the writer of a bulk load (``run``, ``load``): when the database is new,
    its full-text index and the fact-value indexes are left to :func:`finish_bulk_load`, which
    builds them once at the end (the writer may fill the full-text index as it goes, in batches:
    :func:`index_new_articles`) — maintaining them row by row costs more than half of the
    writer's time on a large archive, and the cost grows with the database."""
    db = connect(path, bulk=bulk)
    ensure_schema(db, defer_indexes=bulk)
    return db


def connect(path: str | Path, *, cache_kib: int = CACHE_KIB, bulk: bool = False) -> sqlite_utils.Database:
    """A connection set up for writing (WAL, foreign keys on), without the schema work of
    :func:`open_db`: what a worker process of a parallel run writes through, once the parent
    has opened the database. Writers wait up to a minute for each other's transactions.
    ``bulk``: a bulk load's writer, which leaves checkpoints to every :data:`BULK_WAL_PAGES`."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=60)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"PRAGMA cache_size=-{cache_kib}")
    if bulk:
        db.execute(f"PRAGMA wal_autocheckpoint={BULK_WAL_PAGES}")
    return db


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One transaction that takes the write lock when it begins (``BEGIN IMMEDIATE``), waiting
    for another writer's commit if need be; inside an open transaction, a savepoint. With
    several writing processes a transaction that began by reading could not take the lock later
    without failing (SQLITE_BUSY_SNAPSHOT), so every write of a parallel run goes through this."""
    if db.conn.in_transaction:
        with db.atomic():
            yield
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def ensure_schema(db: sqlite_utils.Database, *, defer_indexes: bool = False) -> None:
    if "articles" not in db.table_names():
        db.table("articles").create({
            "article_id": str, "source": str, "url": str, "encoding": str, "content_hash": str,
            "pipeline_version": str, "schema_version": int, "title": str, "published": str,
            "authors": str, "event_date": str, "province": str, "province_2025": str, "text": str,
            "n_facts": int, "processed_at": str,
        }, pk="article_id")
    if "segments" not in db.table_names():
        db.table("segments").create({"article_id": str, "idx": int, "kind": str, "start": int,
                               "end": int, "duplicate_of": int},
                              pk=("article_id", "idx"),
                              foreign_keys=[("article_id", "articles", "article_id")])
    if "sentences" not in db.table_names():
        db.table("sentences").create({"article_id": str, "idx": int, "start": int, "end": int,
                                "segment": int, "in_caption": int, "in_title": int},
                               pk=("article_id", "idx"),
                               foreign_keys=[("article_id", "articles", "article_id")])
    for table, cols in FACT_TABLES.items():
        if table not in db.table_names():
            spec: dict[str, Any] = {"article_id": str, "idx": int, **_PROVENANCE}
            spec.update({c: _TYPES[c] for c in cols})
            if table == "counts":
                spec["value"] = float
            db.table(table).create(spec, pk=("article_id", "idx"),
                             foreign_keys=[("article_id", "articles", "article_id")])
    if "places" not in db.table_names():
        # the administrative units the corpus touched, one row per resolved unit
        db.table("places").create({"place_id": str, "level": str, "name": str, "district": str,
                             "province": str, "code": str, "unit_2025": str, "province_2025": str},
                            pk="place_id")
    if "runs" not in db.table_names():
        db.table("runs").create({"id": int, "started_at": str, "finished_at": str, "version": str,
                           "inputs": str, "articles": int, "skipped": int, "errors": int,
                           "facts": str, "seconds": float, "status": str}, pk="id")
    if "errors" not in db.table_names():
        db.table("errors").create({"id": int, "run_id": int, "source": str, "record": str,
                             "reason": str, "at": str}, pk="id",
                            foreign_keys=[("run_id", "runs", "id")])
    # lookups by article use the (article_id, idx) primary key's index; no second index needed
    if "articles_fts" not in db.table_names():
        # a new database written by a bulk load gets its index and triggers at the end
        defer = defer_indexes and not has_articles(db)
        db.table("articles").enable_fts(_FTS_COLUMNS, create_triggers=not defer, tokenize=_FTS_TOKENIZE)
    for name, sql in VIEWS.items():
        db.execute(f"CREATE VIEW IF NOT EXISTS [{name}] AS {sql}")
    if not bulk_load_pending(db):
        _create_fact_indexes(db)


def has_articles(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None


def _create_fact_indexes(db: sqlite_utils.Database) -> None:
    for table, col in FACT_INDEXES:
        db.table(table).create_index([col], if_not_exists=True)


def bulk_load_pending(db: sqlite_utils.Database) -> bool:
    """True while a bulk load has not finished its full-text index yet (the articles table has
    an index without its triggers; ``run`` fills it as it writes, ``load`` at the end):
    searches may miss articles until :func:`finish_bulk_load` runs —
    the next ``extractor run`` or ``load`` on the database does it."""
    if "articles_fts" not in db.table_names():
        return False
    return not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' "
                          "AND name = 'articles_ai'").fetchone()


def finish_bulk_load(db: sqlite_utils.Database, *, indexed: bool = False) -> bool:
    """Build what a bulk load deferred: the fact-value indexes, then the full-text index over
    every article (one pass, far cheaper than row by row) with the triggers that keep it current
    from then on. ``indexed=True``: the caller kept the full-text index complete as it wrote
    (:func:`index_new_articles`), so only the triggers are added. Each step is safe to
    interrupt: the next call completes it. Returns whether there was anything to build."""
    if not bulk_load_pending(db):
        return False
    with db.atomic():
        _create_fact_indexes(db)
    if indexed:
        with db.atomic():
            index_new_articles(db)  # whatever was written after the last call
            _create_fts_triggers(db)
        return True
    # replace=True drops the index table, creates it with triggers and fills it from articles
    db.table("articles").enable_fts(_FTS_COLUMNS, create_triggers=True, tokenize=_FTS_TOKENIZE,
                              replace=True)
    return True


def index_new_articles(db: sqlite_utils.Database) -> None:
    """Add to a bulk load's full-text index the articles written since it was last added to:
    those with a higher rowid than any indexed document (SQLite gives a new row the next rowid;
    a replaced article keeps its rowid, so a writer that replaces one must leave the index to
    the rebuild in :func:`finish_bulk_load`). Run inside the transaction that wrote them, it
    keeps the index and the articles consistent whatever interrupts the load. The same work as
    the one build at the end, done while the workers extract."""
    db.conn.execute(
        f"INSERT INTO articles_fts (rowid, {', '.join(_FTS_COLUMNS)}) "
        f"SELECT rowid, {', '.join(_FTS_COLUMNS)} FROM articles "
        "WHERE rowid > (SELECT coalesce(max(id), 0) FROM articles_fts_docsize)")


def _create_fts_triggers(db: sqlite_utils.Database) -> None:
    """The triggers sqlite-utils' ``enable_fts(create_triggers=True)`` creates (the same text;
    a test compares them), without its rebuild of the index."""
    q = quote_identifier
    cols = ", ".join(map(q, _FTS_COLUMNS))
    new = ", ".join(f"new.{q(c)}" for c in _FTS_COLUMNS)
    old = ", ".join(f"old.{q(c)}" for c in _FTS_COLUMNS)
    table, fts = q("articles"), q("articles_fts")
    delete = f"INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES('delete', old.rowid, {old});"
    insert = f"INSERT INTO {fts} (rowid, {cols}) VALUES (new.rowid, {new});"
    for name, event, body in (("articles_ai", "INSERT", [insert]), ("articles_ad", "DELETE", [delete]),
                              ("articles_au", "UPDATE", [delete, insert])):
        db.conn.execute(f"CREATE TRIGGER {q(name)} AFTER {event} ON {table} BEGIN\n"
                        + "".join(f"  {b}\n" for b in body) + "END")


# Views that join facts to their article, for browsing in Datasette and for plain SQL users.
VIEWS: dict[str, str] = {
    "official_mentions": (
        "SELECT o.article_id, a.title AS article_title, a.published, a.event_date, o.name, "
        "o.honorific, o.rank, o.titles, o.mentions, o.text, o.start, o.[end] "
        "FROM officials o JOIN articles a USING (article_id)"),
    "location_mentions": (
        "SELECT l.article_id, a.title AS article_title, a.published, l.level, l.name, l.district, "
        "l.province, l.status, l.code, l.unit_2025, l.province_2025, l.text, l.start, l.[end] "
        "FROM locations l JOIN articles a USING (article_id)"),
    "award_tallies": (
        "SELECT w.article_id, a.title AS article_title, a.event_date, w.award, w.issuer, "
        "w.collectives, w.individuals, w.total, w.text FROM awards w JOIN articles a USING (article_id)"),
    "model_mentions": (
        "SELECT m.article_id, a.title AS article_title, a.event_date, m.name, m.location, m.text "
        "FROM models m JOIN articles a USING (article_id)"),
    "count_mentions": (
        "SELECT c.article_id, a.title AS article_title, c.value, c.unit, c.qualifier, c.[of], c.text "
        "FROM counts c JOIN articles a USING (article_id)"),
    "article_summary": (
        "SELECT a.article_id, a.title, a.published, a.event_date, a.authors, "
        "(SELECT count(*) FROM dates d WHERE d.article_id = a.article_id) AS dates, "
        "(SELECT count(*) FROM locations d WHERE d.article_id = a.article_id) AS locations, "
        "(SELECT count(*) FROM officials d WHERE d.article_id = a.article_id) AS officials, "
        "(SELECT count(*) FROM models d WHERE d.article_id = a.article_id) AS models, "
        "(SELECT count(*) FROM counts d WHERE d.article_id = a.article_id) AS counts, "
        "(SELECT count(*) FROM awards d WHERE d.article_id = a.article_id) AS awards "
        "FROM articles a"),
}


def search(db: sqlite_utils.Database, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Articles matching a full-text query, with or without diacritics."""
    return list(db.query(
        "SELECT a.article_id, a.title FROM articles_fts f JOIN articles a ON a.rowid = f.rowid "
        "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?", [query, limit]))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# json.dumps(v, ensure_ascii=False) without building an encoder per call
_to_json = json.JSONEncoder(ensure_ascii=False).encode


def _cell(v: Any) -> Any:
    if isinstance(v, (list, dict)):
        return _to_json(v)
    if isinstance(v, bool):
        return int(v)
    return v


# Columns of the articles table, in the order packed rows carry them.
_ARTICLE_COLS = ("article_id", "source", "url", "encoding", "content_hash", "pipeline_version",
                 "schema_version", "title", "published", "authors", "event_date", "province",
                 "province_2025", "text", "n_facts", "processed_at")
_ROW_TABLES = ("articles", "segments", "sentences", *FACT_TABLES, "places")
# values stored as they are; anything else (lists, dicts, bools) goes through _cell
_PLAIN = frozenset({str, int, float, type(None)})


def article_rows(rec: ArticleFacts, version: str) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table for one article, as dicts (Parquet shards, tests)."""
    packed = packed_rows(rec, version)
    return {t: [dict(zip(packed[t][0], r, strict=True)) for r in packed[t][1]] if t in packed else []
            for t in _ROW_TABLES}


def packed_rows(rec: ArticleFacts, version: str) -> PackedRows:
    """The rows of every table for one article, packed for ``executemany`` (tables without rows
    left out)."""
    aid = rec.article_id
    n = sum(len(getattr(rec, t)) for t in FACT_TABLES)
    out: PackedRows = {"articles": (_ARTICLE_COLS, [(
        aid, rec.source, rec.url, rec.encoding, rec.content_hash, version, SCHEMA_VERSION,
        rec.title, rec.published, _to_json(rec.authors), rec.event_date,
        rec.province, _province_2025(rec.province), rec.text, n, _now())])}
    # ``__dict__`` is the fields' values (flat models of plain types): model_dump's serializer
    # walk costs more than the rest of the row building
    if rec.segments:
        keys = tuple(rec.segments[0].__dict__)
        out["segments"] = (("article_id", "idx", *keys),
                           [(aid, i, *s.__dict__.values()) for i, s in enumerate(rec.segments)])
    if rec.sentences:
        out["sentences"] = (
            ("article_id", "idx", "start", "end", "segment", "in_caption", "in_title"),
            [(aid, s.index, s.start, s.end, s.segment, int(s.in_caption), int(s.in_title))
             for s in rec.sentences])
    places: dict[str, dict[str, Any]] = {}
    for table, cols in FACT_TABLES.items():
        facts = getattr(rec, table)
        if not facts:
            continue
        model: type[BaseModel] = type(facts[0])
        get, convert = _fact_layout(model, table)
        rows = []
        for i, f in enumerate(facts):
            d = f.__dict__
            vals: Sequence[Any] = get(d)
            if convert:
                cells = list(vals)
                for j in convert:
                    v = cells[j]
                    if type(v) is bool:
                        cells[j] = int(v)
                    elif type(v) is list and not v:
                        cells[j] = "[]"
                    elif type(v) not in _PLAIN:
                        cells[j] = _cell(v)
                vals = cells
            if table == "locations":
                rows.append((aid, i, *vals, _place(d, places)))
            else:
                rows.append((aid, i, *vals))
        out[table] = (("article_id", "idx", *_PROVENANCE, *cols), rows)
    if places:
        prow = list(places.values())
        pcols = tuple(prow[0])
        # place rows hold names and codes (str or None) only: stored as they are
        out["places"] = (pcols, [tuple(r.get(c) for c in pcols) for r in prow])
    return out


@cache
def _fact_layout(model: type[BaseModel], table: str) -> tuple[Callable[[dict[str, Any]], tuple[Any, ...]], tuple[int, ...]]:
    """How a fact model's field values become a row of ``table``: a getter of the columns' values
    in column order (``place_id``, computed, comes last and is not a field), and the positions
    of the columns whose declared type is not stored as it is (bools, lists: through _cell)."""
    cols = [*_PROVENANCE, *FACT_TABLES[table]]
    if table == "locations":
        cols.remove("place_id")
    fields = model.model_fields
    missing = [c for c in cols if c not in fields]
    if missing:
        raise ValueError(f"{table}: {model.__name__} has no field for columns {missing}")
    get = itemgetter(*cols)
    convert = tuple(i for i, c in enumerate(cols) if not _stored_as_is(fields[c].annotation))
    return get, convert


def _stored_as_is(annotation: Any) -> bool:
    """Whether values of a field type go into SQLite unchanged (str, int, float, None, literals
    of those), rather than through :func:`_cell` (bools to 0/1, lists and dicts to JSON)."""
    if annotation in _PLAIN:
        return True
    args = get_args(annotation)
    if get_origin(annotation) is Literal:
        return all(type(a) in _PLAIN for a in args)
    if args and get_origin(annotation) in (Union, UnionType):
        return all(_stored_as_is(a) for a in args)
    return False


def _place(loc: dict[str, Any], places: dict[str, dict[str, Any]]) -> str | None:
    """The id of a location's unit in ``places``: its official code (the row then comes from the
    gazetteer, so it does not depend on which mention is written last), else its path."""
    if loc.get("status") in (None, "unknown", "ambiguous"):
        return None
    code = loc.get("code")
    pid = code or "/".join(str(loc.get(k) or "") for k in ("province", "district", "level", "name"))
    if pid in places:
        return pid
    row = {"place_id": pid, **{k: loc.get(k) for k in (
        "level", "name", "district", "province", "code", "unit_2025", "province_2025")}}
    unit = _unit_by_code(code) if code else None
    if unit is not None:
        row.update(level=unit.level, name=unit.name, district=unit.district_name,
                   province=unit.province_name or (unit.name if unit.tier == "province" else None))
    elif not row["province"] and loc.get("level") == "tỉnh":
        row["province"] = loc.get("name")  # a province is its own province for grouping
    places[pid] = row
    return pid


@cache
def _codes() -> dict[tuple[str, str], Any]:
    from .gazetteer import gazetteer

    return {(u.tier, u.code): u for u in gazetteer().units if u.code and not u.current}


def _unit_by_code(code: str) -> Any:
    tier = {2: "province", 3: "district", 5: "commune"}.get(len(code))
    return _codes().get((tier, code)) if tier else None


def _province_2025(province: str | None) -> str | None:
    if not province:
        return None
    from .gazetteer import gazetteer

    units = gazetteer().provinces(province)
    succ = {s.name for u in units for s, _ in u.successors}
    return next(iter(succ)) if len(succ) == 1 else None


def write_article(db: sqlite_utils.Database, rec: ArticleFacts, version: str) -> int:
    """Replace one article and all its facts, atomically; returns 1 if it was stored before."""
    return write_packed(db, packed_rows(rec, version))


def pack_rows(rows: dict[str, list[dict[str, Any]]]) -> PackedRows:
    """Rows as dicts (:func:`article_rows`, a Parquet shard) packed as column names + tuples."""
    out: PackedRows = {}
    for table, rs in rows.items():
        if rs:
            cols = tuple(rs[0])
            out[table] = (cols, [tuple(r.get(c) for c in cols) for r in rs])
    return out


def merge_packed(parts: list[PackedRows]) -> PackedRows:
    """Several articles' packed rows as one, for one ``executemany`` per table (the rows of a
    table always have the same columns: they are built by the same code)."""
    out: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]] = {}
    for part in parts:
        for table, (cols, rows) in part.items():
            if table not in out:
                out[table] = (cols, list(rows))
            elif out[table][0] == cols:
                out[table][1].extend(rows)
            else:
                raise ValueError(f"{table}: rows with columns {cols} and {out[table][0]}")
    return out


def write_rows(db: sqlite_utils.Database, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Replace the article(s) in ``rows`` (as built by :func:`article_rows`) in one transaction;
    also what merging Parquet shards uses."""
    write_packed(db, pack_rows(rows))


def write_packed(db: sqlite_utils.Database, rows: PackedRows) -> int:
    """:func:`write_rows` for packed rows; returns how many of its articles replaced stored
    ones. Plain executemany: sqlite-utils' insert_all costs about 78 statements per article,
    half the run time of a bulk job."""
    arts = rows.get("articles")
    ids = [r[arts[0].index("article_id")] for r in arts[1]] if arts else []
    marks = ",".join("?" * len(ids))
    conn = db.conn
    with db.atomic():  # one transaction (a savepoint inside a group commit)
        # facts can only exist for a stored article (foreign keys are on): a new article, the
        # common case in a bulk run, needs none of the eight DELETEs
        old = [r[0] for r in conn.execute(
            f"SELECT article_id FROM articles WHERE article_id IN ({marks})", ids)] if ids else []
        if old:
            old_marks = ",".join("?" * len(old))
            for table in ("segments", "sentences", *FACT_TABLES):
                conn.execute(f"DELETE FROM [{table}] WHERE article_id IN ({old_marks})", old)
        if arts:
            # an upsert, not INSERT OR REPLACE: REPLACE would skip the FTS delete triggers
            conn.executemany(_upsert_sql("articles", arts[0], "article_id"), arts[1])
        places = rows.get("places")
        if places:
            # the same upsert sqlite-utils' upsert_all does, without its per-call introspection
            conn.executemany(_upsert_sql("places", places[0], "place_id"), places[1])
        for table in ("segments", "sentences", *FACT_TABLES):
            packed = rows.get(table)
            if packed:
                conn.executemany(_insert_sql(table, packed[0]), packed[1])
    return len(old)


@cache
def _insert_sql(table: str, cols: tuple[str, ...]) -> str:
    return (f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
            f"VALUES ({', '.join('?' * len(cols))})")


@cache
def _upsert_sql(table: str, cols: tuple[str, ...], pk: str) -> str:
    return (_insert_sql(table, cols) + f" ON CONFLICT([{pk}]) DO UPDATE SET "
            + ", ".join(f"[{c}] = excluded.[{c}]" for c in cols if c != pk))


class GroupCommit:
    """Commit whole articles in groups: one transaction per group of up to ``max_articles``
    articles or ``max_seconds``. Each article is still written atomically (a savepoint inside the
    group), so a crash or a SIGKILL loses at most the open group — whole articles, which a re-run
    writes again — while the commit cost (a WAL sync) is paid once per group, not per article."""

    def __init__(self, db: sqlite_utils.Database, max_articles: int = 64, max_seconds: float = 0.5,
                 before_commit: Callable[[], None] | None = None):
        self.db, self.max_articles, self.max_seconds = db, max_articles, max_seconds
        self.before_commit = before_commit  # last writes of the group, in its transaction
        self.n = 0
        self.started = 0.0

    def begin(self) -> None:
        if not self.db.conn.in_transaction:
            self.db.conn.execute("BEGIN")
            self.n, self.started = 0, time.monotonic()

    def tick(self, articles: int = 1) -> None:
        """Articles written: commit when the group is full or old enough."""
        self.n += articles
        if self.n >= self.max_articles or time.monotonic() - self.started >= self.max_seconds:
            self.commit()

    def commit(self) -> None:
        if self.db.conn.in_transaction:
            if self.before_commit is not None:
                self.before_commit()
            self.db.conn.execute("COMMIT")
        self.n = 0


def stored_hashes(db: sqlite_utils.Database) -> dict[str, tuple[str, str]]:
    """article_id → (content_hash, pipeline_version) of what is stored."""
    return {r[0]: (r[1], r[2]) for r in db.execute(
        "SELECT article_id, content_hash, pipeline_version FROM articles").fetchall()}


def start_run(db: sqlite_utils.Database, version: str, inputs: Iterable[str]) -> int:
    with db.atomic():
        db.table("runs").insert({"started_at": _now(), "version": version,
                                 "inputs": json.dumps(list(inputs), ensure_ascii=False),
                                 "articles": 0, "skipped": 0, "errors": 0, "status": "running"})
    return int(db.execute("SELECT max(id) FROM runs").fetchone()[0])


def record_error(db: sqlite_utils.Database, run_id: int, source: str, record: str | None,
                 reason: str) -> None:
    with write_transaction(db):
        db.table("errors").insert({"run_id": run_id, "source": source, "record": record,
                                   "reason": reason, "at": _now()})


def finish_run(db: sqlite_utils.Database, run_id: int, *, articles: int, skipped: int,
               errors: int, facts: dict[str, int], seconds: float, status: str) -> None:
    with db.atomic():
        db.table("runs").update(run_id, {"finished_at": _now(), "articles": articles,
                                         "skipped": skipped, "errors": errors,
                                         "facts": json.dumps(facts), "seconds": round(seconds, 3),
                                         "status": status})


def load_contracts(db: sqlite_utils.Database, ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Rebuild the FACTS.md records (schema v1, plus spans) from the tables."""
    where, params = "", []
    if ids is not None:
        ids = list(ids)
        where = f"WHERE article_id IN ({','.join('?' * len(ids))})"
        params = ids
    arts = list(db.query(f"SELECT * FROM articles {where} ORDER BY article_id", params))
    by_kind: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for table in FACT_TABLES:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for r in db.query(f"SELECT * FROM [{table}] {where} ORDER BY article_id, idx", params):
            grouped.setdefault(r["article_id"], []).append(r)
        by_kind[table] = grouped
    out = []
    for a in arts:
        aid = a["article_id"]
        rec: dict[str, Any] = {
            "article_id": aid, "title": a["title"], "published": a["published"],
            "authors": json.loads(a["authors"] or "[]"), "event_date": a["event_date"],
            "province": a["province"], "url": a["url"], "source": a["source"],
        }
        for table, cols in FACT_TABLES.items():
            items = []
            for r in by_kind[table].get(aid, []):
                d: dict[str, Any] = {}
                if table not in ("officials", "models"):
                    d["text"] = r["text"]
                for c in cols:
                    v = r[c]
                    if c in ("titles", "candidates", "organisations"):
                        v = json.loads(v) if v else []
                    elif c in ("level_inferred", "quoted"):
                        v = bool(v)
                    elif c in ("value", "of") and table == "counts" and v is not None:
                        v = int(v) if float(v).is_integer() else v
                    d[c] = v
                d["span"] = [r["start"], r["end"]]
                d["sentence"] = r["sentence"]
                if table in ("officials", "models"):
                    d["text"] = r["text"]
                items.append(d)
            rec[table] = items
        out.append(rec)
    return out
