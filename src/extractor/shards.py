"""Parquet shards: what a distributed run writes, and their idempotent merge into SQLite.

A shard is a directory ``shard-NNNNNN/`` holding one Parquet file per table (``articles``,
``segments``, ``sentences`` and each fact table) with exactly the columns and types of the SQLite
table, rows built by :func:`extractor.store.article_rows` — the same rows a local run writes.
A shard directory appears whole or not at all (written under a temporary name, then renamed),
so a killed task never leaves half a shard. :func:`load_shards` merges shards with
:func:`extractor.store.write_rows` (one transaction per shard, each article replaced), so
loading the same shards twice leaves the same database.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from .models import ArticleFacts
from .store import article_rows

SHARD_PREFIX = "shard-"
# Tables about a run, not about articles: never in a shard.
_RUN_TABLES = frozenset({"runs", "errors"})


@cache
def table_columns() -> dict[str, tuple[tuple[str, str], ...]]:
    """(column, SQLite type) of every content table, read from the schema the store creates —
    so a shard's tables and columns cannot drift from the database's. ``articles`` first."""
    import sqlite_utils

    from .store import ensure_schema

    db = sqlite_utils.Database(memory=True)
    ensure_schema(db)
    names = [t for t in db.table_names()
             if t not in _RUN_TABLES and not t.startswith(("articles_fts", "sqlite_"))]
    names.sort(key=lambda t: t != "articles")
    out = {t: tuple((c.name, c.type.upper()) for c in db[t].columns) for t in names}
    db.close()
    return out


def shard_tables() -> tuple[str, ...]:
    return tuple(table_columns())


def _arrow_schema(table: str):  # type: ignore[no-untyped-def]
    import pyarrow as pa

    types = {"TEXT": pa.string(), "INTEGER": pa.int64(), "FLOAT": pa.float64(), "REAL": pa.float64()}
    return pa.schema([(c, types.get(t, pa.string())) for c, t in table_columns()[table]])


def shard_name(shard_id: int | str) -> str:
    return f"{SHARD_PREFIX}{shard_id:06d}" if isinstance(shard_id, int) else f"{SHARD_PREFIX}{shard_id}"


def write_shard(records: list[ArticleFacts], out_dir: str | Path, shard_id: int | str,
                version: str) -> list[Path]:
    """Write ``records`` as shard ``shard_id`` under ``out_dir``; returns the Parquet files.

    An existing shard of the same id is replaced (atomically: the new one is complete before
    the old one goes)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    final = out / shard_name(shard_id)
    tmp = out / f".{final.name}.{uuid.uuid4().hex[:8]}.tmp"
    tmp.mkdir()
    tables = shard_tables()
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in tables}
    for rec in records:
        for t, rs in article_rows(rec, version).items():
            if t not in rows:
                raise ValueError(f"article_rows gives table {t!r} that the schema lacks")
            rows[t].extend(rs)
    try:
        for t in tables:
            schema = _arrow_schema(t)
            cols = {name: [r.get(name) for r in rows[t]] for name in schema.names}
            pq.write_table(pa.table(cols, schema=schema), tmp / f"{t}.parquet")
        _fsync_dir(tmp)
        old = None
        if final.exists():
            old = out / f".{final.name}.{uuid.uuid4().hex[:8]}.old"
            os.replace(final, old)
        os.replace(tmp, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [final / f"{t}.parquet" for t in tables]


def _fsync_dir(d: Path) -> None:
    for f in d.iterdir():
        with f.open("rb") as fh:
            os.fsync(fh.fileno())


def iter_shards(shards_dir: str | Path) -> Iterator[Path]:
    """Complete shard directories under ``shards_dir`` in name order (temporaries skipped)."""
    root = Path(shards_dir)
    if root.is_dir() and (root / "articles.parquet").exists():
        yield root  # a single shard given directly
        return
    if not root.is_dir():
        return
    for d in sorted(root.iterdir()):
        if d.is_dir() and d.name.startswith(SHARD_PREFIX) and (d / "articles.parquet").exists():
            yield d


def read_shard(shard: str | Path) -> dict[str, list[dict[str, Any]]]:
    """A shard's rows per table, as :func:`extractor.store.write_rows` takes them."""
    import pyarrow.parquet as pq

    d = Path(shard)
    out: dict[str, list[dict[str, Any]]] = {}
    for t in shard_tables():
        f = d / f"{t}.parquet"
        if not f.exists():
            if t == "articles":
                raise FileNotFoundError(f"{d}: no articles.parquet")
            out[t] = []
            continue
        table = pq.read_table(f)
        expected = [c for c, _ in table_columns()[t]]
        if table.column_names != expected:
            raise ValueError(f"{f}: columns {table.column_names} differ from table {t} {expected}")
        out[t] = table.to_pylist()
    return out


def shard_manifest(shard: str | Path) -> set[tuple[str, str, str]]:
    """(article_id, content_hash, pipeline_version) of the articles in a shard."""
    import pyarrow.parquet as pq

    t = pq.read_table(Path(shard) / "articles.parquet",
                      columns=["article_id", "content_hash", "pipeline_version"])
    return set(zip(*(t.column(c).to_pylist() for c in t.column_names), strict=True))


def load_shards(shards_dir: str | Path, db_path: str | Path) -> int:
    """Merge every shard under ``shards_dir`` into the database; returns the articles loaded.

    Each shard is one transaction that replaces its articles whole, so an interrupted load
    resumes by loading again, and loading twice changes nothing."""
    from .store import finish_bulk_load, open_db, write_rows

    db = open_db(db_path, bulk=True)
    n = 0
    try:
        for shard in iter_shards(shards_dir):
            rows = read_shard(shard)
            if not rows["articles"]:
                continue
            write_rows(db, rows)
            n += len(rows["articles"])
        finish_bulk_load(db)  # a new database's search and value indexes, built once
    finally:
        db.close()
    return n


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    buf: list[Any] = []
    for it in items:
        buf.append(it)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf
