"""Exports: the FACTS.md JSONL contract (one line per article) and one CSV per fact kind."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
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


def export_csv(db: sqlite_utils.Database, out_dir: str | Path,
               kinds: Iterable[str] | None = None) -> list[Path]:
    """One CSV per fact kind (plus articles.csv without the text), joined by article_id."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in ["articles", *(kinds or FACT_TABLES)]:
        if table != "articles" and table not in FACT_TABLES:
            raise ValueError(f"unknown fact kind {table!r}; one of {', '.join(FACT_TABLES)}")
        cols = [c.name for c in db[table].columns if c.name != "text" or table != "articles"]
        path = out / f"{table}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            sel = ", ".join(f"[{c}]" for c in cols)
            for row in db.execute(f"SELECT {sel} FROM [{table}] ORDER BY rowid"):
                w.writerow(row)
        written.append(path)
    return written
