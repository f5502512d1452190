"""Exports: the FACTS.md JSONL contract (one line per article), and one CSV or Parquet file per
fact kind with the columns of its table."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

import sqlite_utils

from .store import FACT_TABLES, load_contracts


def export_jsonl(db: sqlite_utils.Database, out: TextIO, ids: Iterable[str] | None = None) -> int:
    """Write one contract record per article; returns the number written."""
    n = 0
    for rec in load_contracts(db, ids):
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def _tables(db: sqlite_utils.Database, out_dir: str | Path, kinds: Iterable[str] | None, suffix: str
            ) -> Iterator[tuple[Path, list[str], list[tuple]]]:  # type: ignore[type-arg]
    """(path, columns, rows) for articles (without the text) and each requested fact kind."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = ["articles", *(kinds or FACT_TABLES)]
    for table in tables:
        if table != "articles" and table not in FACT_TABLES:
            raise ValueError(f"unknown fact kind {table!r}; one of {', '.join(FACT_TABLES)}")
    for table in tables:
        cols = [c.name for c in db[table].columns if c.name != "text" or table != "articles"]
        sel = ", ".join(f"[{c}]" for c in cols)
        rows = db.execute(f"SELECT {sel} FROM [{table}] ORDER BY rowid").fetchall()
        yield out / f"{table}{suffix}", cols, rows


def export_csv(db: sqlite_utils.Database, out_dir: str | Path,
               kinds: Iterable[str] | None = None) -> list[Path]:
    """One CSV per fact kind (plus articles.csv without the text), joined by article_id."""
    written = []
    for path, cols, rows in _tables(db, out_dir, kinds, ".csv"):
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            w.writerows(rows)
        written.append(path)
    return written


def export_parquet(db: sqlite_utils.Database, out_dir: str | Path,
                   kinds: Iterable[str] | None = None) -> list[Path]:
    """One Parquet file per fact kind (plus articles.parquet), same columns as the tables."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    written = []
    for path, cols, rows in _tables(db, out_dir, kinds, ".parquet"):
        pq.write_table(pa.table({c: [r[i] for r in rows] for i, c in enumerate(cols)}), path)
        written.append(path)
    return written
