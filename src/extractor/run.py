"""The main job: read inputs, extract facts, store them; resumable and parallel.

Inputs stream from :func:`extractor.ingest.iter_inputs`. Articles already stored with the same
content hash and pipeline version are skipped, so an interrupted run resumes where it stopped.
With ``workers > 1`` extraction runs in worker processes over a bounded window of pending
articles (memory does not grow with the archive); the parent process is the single SQLite
writer, committing whole articles in groups. A run into a new database grows its full-text
index with each write and builds its value indexes once at the end
(:func:`extractor.store.finish_bulk_load`).
"""

from __future__ import annotations

import gc
import hashlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import sqlite_utils

from .document import Document
from .ingest import InputError, SourceRecord, iter_inputs
from .models import ArticleFacts
from .pipeline import PIPELINE_VERSION, process
from .store import (
    FACT_TABLES,
    GroupCommit,
    PackedRows,
    bulk_load_pending,
    finish_bulk_load,
    finish_run,
    has_articles,
    index_new_articles,
    merge_packed,
    open_db,
    packed_rows,
    record_error,
    start_run,
    stored_hashes,
    write_article,
    with_text,
    write_packed,
)


@dataclass
class RunSummary:
    run_id: int
    articles: int = 0
    skipped: int = 0
    errors: list[tuple[str, str | None, str]] = field(default_factory=list)
    facts: dict[str, int] = field(default_factory=lambda: {k: 0 for k in FACT_TABLES})
    stage_seconds: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.interrupted


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def extract_record(rec: SourceRecord) -> tuple[ArticleFacts, dict[str, float]]:
    """Run the pipeline on one input record (also the worker-process entry point)."""
    t0 = time.perf_counter()
    doc = Document(rec.article_id, rec.text, source=rec.source, url=rec.url,
                   encoding=rec.encoding, title_hint=rec.title_hint,
                   published_hint=rec.published_hint)
    doc.timings["normalize"] = time.perf_counter() - t0
    process(doc)
    t1 = time.perf_counter()
    record = doc.to_record()
    doc.timings["to_record"] = time.perf_counter() - t1
    return record, doc.timings


def _safe_extract(rec: SourceRecord) -> tuple[ArticleFacts, dict[str, float]] | str:
    try:
        return extract_record(rec)
    except Exception as e:  # an extractor bug must not stop the batch
        return f"extraction failed: {type(e).__name__}: {e}"


# What a worker hands back in a parallel run: the article's table rows (built and packed in the
# worker, without the article text the parent already holds), its fact counts and stage timings.
_Rows = tuple[PackedRows, dict[str, int], dict[str, float]]

# Articles per task of a parallel run: one task per article costs the parent (the single writer)
# about a tenth of a millisecond of pickling and bookkeeping per article more.
CHUNK = 8


def _safe_extract_rows(rec: SourceRecord) -> _Rows | str:
    """Worker entry point of a parallel run. Building the rows here, and not sending the text
    back, keeps the parent (the single SQLite writer) free for writing: plain rows pickle far
    cheaper than the pydantic record, and the text already crossed the pipe once."""
    result = _safe_extract(rec)
    if isinstance(result, str):
        return result
    facts, timings = result
    t = time.perf_counter()
    packed = packed_rows(facts, PIPELINE_VERSION, text=False)
    timings = {**timings, "rows": time.perf_counter() - t}
    return packed, {k: len(getattr(facts, k)) for k in FACT_TABLES}, timings


def _extract_chunk(recs: list[SourceRecord]) -> list[_Rows | str]:
    """Worker entry point: a few articles per task."""
    return [_safe_extract_rows(rec) for rec in recs]


def run(paths: Sequence[str | Path], db_path: str | Path, *, workers: int = 1,
        fmt: str | None = None, max_bytes: int = 5 * 1024 * 1024, force: bool = False,
        on_article: Callable[[str], None] | None = None) -> RunSummary:
    """Process ``paths`` into the database at ``db_path`` and return what was done."""
    t0 = time.perf_counter()
    db = open_db(db_path, bulk=True)
    run_id = start_run(db, PIPELINE_VERSION, [str(p) for p in paths])
    summary = RunSummary(run_id)
    done = {} if force else stored_hashes(db)
    group = GroupCommit(db)
    # A new database's full-text index grows with each write, in the write's transaction (the
    # same work as one build at the end, done while the workers extract; the end then only adds
    # the triggers). Not when the database had articles (a resumed load rebuilds it at the end)
    # nor once an article is replaced (it keeps its rowid: the index entry would go stale).
    index = IndexAsWeGo(bulk_load_pending(db) and not has_articles(db))

    def todo() -> Iterator[SourceRecord]:
        for item in iter_inputs(paths, fmt=fmt, max_bytes=max_bytes):
            if isinstance(item, InputError):
                summary.errors.append((item.source, item.record, item.reason))
                record_error(db, run_id, item.source, item.record, item.reason)
                continue
            if done.get(item.article_id) == (text_hash(item.text), PIPELINE_VERSION):
                summary.skipped += 1
                if on_article:
                    on_article(item.article_id)
                continue
            yield item

    def account(counts: dict[str, int], timings: dict[str, float]) -> None:
        summary.articles += 1
        for k in FACT_TABLES:
            summary.facts[k] += counts[k]
        for k, v in timings.items():
            summary.stage_seconds[k] = summary.stage_seconds.get(k, 0.0) + v

    def failed(rec: SourceRecord, reason: str) -> None:
        summary.errors.append((rec.source, rec.article_id, reason))
        record_error(db, run_id, rec.source, rec.article_id, reason)

    def store_one(rec: SourceRecord, result: tuple[ArticleFacts, dict[str, float]] | str) -> None:
        if isinstance(result, str):
            failed(rec, result)
        else:
            facts, timings = result
            ts = time.perf_counter()
            group.begin()
            index.written(db, write_article(db, facts, PIPELINE_VERSION))
            group.tick()
            account({k: len(getattr(facts, k)) for k in FACT_TABLES},
                    {**timings, "store": time.perf_counter() - ts})
        if on_article:
            on_article(rec.article_id)

    def store_chunk(recs: list[SourceRecord], results: list[_Rows | str]) -> None:
        """A worker's chunk: its articles written together (one savepoint: whole articles)."""
        ok = []
        for rec, result in zip(recs, results, strict=True):
            if isinstance(result, str):
                failed(rec, result)
            else:
                ok.append((rec, result))
        if ok:
            ts = time.perf_counter()
            group.begin()
            # the text comes back from the input, not from the worker
            index.written(db, write_packed(
                db, merge_packed([with_text(rows, rec.text) for rec, (rows, _, _) in ok])))
            group.tick(len(ok))
            share = (time.perf_counter() - ts) / len(ok)
            for _, (_, counts, timings) in ok:
                account(counts, {**timings, "store": share})
        if on_article:
            for rec in recs:
                on_article(rec.article_id)

    try:
        if workers <= 1:
            for rec in todo():
                store_one(rec, _safe_extract(rec))
        else:
            _run_parallel(todo(), workers, store_chunk)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        group.commit()  # whole articles only: a half-written one was rolled back to its savepoint
    try:
        # a new database's value indexes, built once, and its search index's triggers (after a
        # Ctrl-C the index is rebuilt: the interrupt may have come between a write that
        # replaced an article and the note of it)
        finish_bulk_load(db, indexed=index.on and not summary.interrupted)
    except KeyboardInterrupt:  # the next run builds them
        summary.interrupted = True
    summary.seconds = time.perf_counter() - t0
    with _ctrl_c_ignored():  # the work is done: the record of the run is written whatever comes
        finish_run(db, run_id, articles=summary.articles, skipped=summary.skipped,
                   errors=len(summary.errors), facts=summary.facts, seconds=summary.seconds,
                   status="interrupted" if summary.interrupted else "done")
        db.close()
    return summary


@dataclass
class IndexAsWeGo:
    """Whether a run keeps a bulk load's full-text index complete as it writes
    (:func:`extractor.store.index_new_articles`)."""

    on: bool

    def written(self, db: sqlite_utils.Database, replaced: int) -> None:
        """Articles were written in the open transaction (``replaced`` of them were stored)."""
        if replaced:
            self.on = False  # finish_bulk_load rebuilds the index
        if self.on:
            index_new_articles(db)


@contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """Ctrl-C has nothing left to stop during the block (in the main thread, where Python
    delivers signals; elsewhere the block runs as it is)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _run_parallel(records: Iterable[SourceRecord], workers: int,
                  store: Callable[[list[SourceRecord], list[_Rows | str]], None]) -> None:
    window = workers * 4  # chunks in flight: bounded memory, workers never idle
    warm_up()  # forked workers inherit the loaded models, lexicons and gazetteer
    # what is loaded now lives as long as the process: the garbage collector of each forked
    # worker need not walk it again (one full pass costs ~40 ms), and its pages stay shared
    gc.collect()
    gc.freeze()
    pending: dict[Future[list[_Rows | str]], list[SourceRecord]] = {}
    try:
        with ProcessPoolExecutor(max_workers=workers, initializer=_ignore_sigint) as pool:
            try:
                _feed(pool, iter(records), window, pending, store)
            except KeyboardInterrupt:
                # stop handing out work; what is already stored stays; the caller records it
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        gc.unfreeze()  # the caller's process collects as before


def warm_up() -> None:
    """Load everything the pipeline loads lazily (underthesea's sentence splitter, lexicons,
    gazetteer, compiled patterns) by running it once on a small text, so worker processes forked
    afterwards start ready instead of each paying the loading again."""
    extract_record(SourceRecord(
        "warm-up", "Công an xã Lộc Yên ra mắt mô hình\n\nNgày 5/3/2023, Công an xã Lộc Yên, huyện "
        "Hương Khê, Hà Tĩnh ra mắt mô hình “Camera an ninh” với hơn 20 camera; đồng chí Đại tá "
        "Nguyễn Văn An, Phó Giám đốc Công an tỉnh trao Giấy khen cho 2 tập thể, 3 cá nhân.\n",
        "warm-up"))


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops the run cleanly (no worker tracebacks)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _feed(pool: ProcessPoolExecutor, it: Iterator[SourceRecord], window: int,
          pending: dict[Future[list[_Rows | str]], list[SourceRecord]],
          store: Callable[[list[SourceRecord], list[_Rows | str]], None]) -> None:
    """Submit chunks of work within a bounded window and store results as they come."""
    exhausted = False
    while pending or not exhausted:
        while not exhausted and len(pending) < window:
            chunk = list(islice(it, CHUNK))
            if not chunk:
                exhausted = True
                break
            pending[pool.submit(_extract_chunk, chunk)] = chunk
        if not pending:
            break
        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
        for fut in finished:
            chunk = pending.pop(fut)
            try:
                results = fut.result()
            except Exception as e:  # a worker died
                results = [f"worker failed: {type(e).__name__}: {e}"] * len(chunk)
            store(chunk, results)


def default_workers() -> int:
    return os.cpu_count() or 1
