"""The main job: read inputs, extract facts, store them; resumable and parallel.

Inputs stream from :func:`extractor.ingest.iter_inputs`. Articles already stored with the same
content hash and pipeline version are skipped, so an interrupted run resumes where it stopped.
With ``workers > 1`` extraction runs in worker processes over a bounded window of pending
articles (memory does not grow with the archive); each worker writes the articles of its
tasks in transactions of its own, while the parent reads the inputs, hands out the tasks and
keeps count (one process writes in a single-process run, committing whole articles in groups,
each in a savepoint). A run into a new database grows its full-text
index with each write and builds its value indexes once at the end
(:func:`extractor.store.finish_bulk_load`).
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import multiprocessing.util
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import sqlite_utils

from .document import Document
from .ingest import InputError, SourceRecord, iter_inputs
from . import pattern_cache
from .models import ArticleFacts
from .pipeline import PIPELINE_VERSION, prepare, process
from .store import (
    FACT_TABLES,
    GroupCommit,
    PackedRows,
    bulk_load_pending,
    connect,
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
    write_packed,
    write_transaction,
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


# One article's table rows (packed for executemany), fact counts and stage timings.
_Rows = tuple[PackedRows, dict[str, int], dict[str, float]]

# Articles per task of a parallel run, written by the worker in one transaction. A transaction
# of a worker begins with an empty page cache (SQLite empties it when another connection has
# committed) and adds a segment to the full-text index: at 8 articles writing costs ~25 % more
# CPU than at 32, and at 32 about what one writer committing groups of 64 costs.
CHUNK = 32
# The smallest task at the end of the inputs: there tasks shrink so that the workers finish
# together (a 32-article task takes a worker ~0.1 s; the other would wait for it, idle).
TAIL_CHUNK = 4


def _safe_extract_rows(rec: SourceRecord) -> _Rows | str:
    """One article's table rows, fact counts and stage timings (or why it failed)."""
    result = _safe_extract(rec)
    if isinstance(result, str):
        return result
    facts, timings = result
    t = time.perf_counter()
    packed = packed_rows(facts, PIPELINE_VERSION)
    timings = {**timings, "rows": time.perf_counter() - t}
    return packed, {k: len(getattr(facts, k)) for k in FACT_TABLES}, timings


# What a worker of a parallel run reports for each article of a task: its fact counts and stage
# timings once it is stored, or why it was not; and how many stored articles the task replaced.
_Stored = tuple[dict[str, int], dict[str, float]]
_Written = tuple[list[_Stored | str], int]


@dataclass
class _Writer:
    """A worker process's own connection to the database, and whether it keeps a bulk load's
    full-text index complete as it writes."""

    db: sqlite_utils.Database
    index: IndexAsWeGo
    parent: int


_writer: _Writer | None = None


def _start_writer(db_path: str, index_on: bool, parent: int) -> None:
    """Initializer of a parallel run's worker processes: Ctrl-C is the parent's to handle, the
    worker ends with its parent (a killed run leaves no process writing on), and it writes
    through a connection of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    global _writer
    # a worker's page cache is emptied whenever the other writer commits: a small one will do
    db = connect(db_path, cache_kib=8 * 1024, bulk=True)
    _writer = _Writer(db, IndexAsWeGo(index_on), parent)
    multiprocessing.util.Finalize(db, db.conn.close, exitpriority=10)


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux ``PR_SET_PDEATHSIG``;
    elsewhere the worker checks that its parent lives before each write), and end now if the
    parent is already gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _unique_ids(parts: list[PackedRows]) -> list[list[PackedRows]]:
    """Articles to write together, one statement per table: all of them, unless an article id
    comes twice (an archive that holds a page twice), when each is written in turn so the later
    replaces the earlier as in a single-process run."""
    ids = [art[cols.index("article_id")] for cols, (art,) in (rows["articles"] for rows in parts)]
    return [parts] if len(set(ids)) == len(ids) else [[rows] for rows in parts]


def _extract_and_write(recs: list[SourceRecord]) -> _Written:
    """Worker entry point of a parallel run: a few articles extracted, then written together in
    one transaction of the worker's own (whole articles only, as the single-process run)."""
    assert _writer is not None, "worker not started by _start_writer"
    results = [_safe_extract_rows(rec) for rec in recs]
    ok = [r for r in results if not isinstance(r, str)]
    if not ok:
        return list(results), 0  # type: ignore[arg-type]
    if os.getppid() != _writer.parent:
        os._exit(1)  # the run was killed: nothing to write for
    t = time.perf_counter()
    try:
        with write_transaction(_writer.db):
            replaced = sum(write_packed(_writer.db, merge_packed(part))
                           for part in _unique_ids([rows for rows, _, _ in ok]))
            _writer.index.written(_writer.db, replaced)
    except Exception as e:  # a full disk, a corrupt database: these articles are not stored
        reason = f"store failed: {type(e).__name__}: {e}"
        return [r if isinstance(r, str) else reason for r in results], 0
    share = (time.perf_counter() - t) / len(ok)
    return [r if isinstance(r, str) else (r[1], {**r[2], "store": share}) for r in results], replaced


def run(paths: Sequence[str | Path], db_path: str | Path, *, workers: int = 1,
        fmt: str | None = None, max_bytes: int = 5 * 1024 * 1024, force: bool = False,
        on_article: Callable[[str], None] | None = None) -> RunSummary:
    """Process ``paths`` into the database at ``db_path`` and return what was done."""
    t0 = time.perf_counter()
    db = open_db(db_path, bulk=True)
    run_id = start_run(db, PIPELINE_VERSION, [str(p) for p in paths])
    summary = RunSummary(run_id)
    done = {} if force else stored_hashes(db)
    # A new database's full-text index grows with each write, in the write's transaction (the
    # same work as one build at the end, done while the workers extract; the end then only adds
    # the triggers). Not when the database had articles (a resumed load rebuilds it at the end)
    # nor once an article is replaced (it keeps its rowid: the index entry would go stale).
    index = IndexAsWeGo(bulk_load_pending(db) and not has_articles(db))
    # one process: a group's articles are indexed together as it commits (FTS5 writes what it
    # holds as a segment of its own at every savepoint: indexing each article in turn made one
    # segment per article, and merging them cost ~0.5 ms per article)
    group = GroupCommit(db, before_commit=lambda: index.flush(db))

    def todo() -> Iterator[SourceRecord]:
        for item in iter_inputs(paths, fmt=fmt, max_bytes=max_bytes):
            if isinstance(item, InputError):
                summary.errors.append((item.source, item.record, item.reason))
                record_error(db, run_id, item.source, item.record, item.reason)
                continue
            stored = done.get(item.article_id)  # (hash, version), or None: a new article
            if stored is not None and stored == (text_hash(item.text), PIPELINE_VERSION):
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
            index.replaced(write_article(db, facts, PIPELINE_VERSION))
            group.tick()
            account({k: len(getattr(facts, k)) for k in FACT_TABLES},
                    {**timings, "store": time.perf_counter() - ts})
        if on_article:
            on_article(rec.article_id)

    def stored_chunk(recs: list[SourceRecord], written: _Written) -> None:
        """A worker's task done: its articles stored together (or why not)."""
        results, replaced = written
        index.replaced(replaced)
        for rec, result in zip(recs, results, strict=True):
            if isinstance(result, str):
                failed(rec, result)
            else:
                account(*result)
            if on_article:
                on_article(rec.article_id)

    try:
        if workers <= 1:
            for rec in todo():
                store_one(rec, _safe_extract(rec))
        else:
            _run_parallel(todo(), workers, Path(db_path), index.on, stored_chunk)
    except KeyboardInterrupt:
        summary.interrupted = True
    except WorkersDying as e:  # stopped short like an interrupt: a re-run resumes
        summary.interrupted = True
        summary.errors.append(("run", None, str(e)))
        record_error(db, run_id, "run", None, str(e))
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
    pattern_cache.save()  # patterns first compiled in this run (one worker: no warm-up)
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
        self.replaced(replaced)
        self.flush(db)

    def flush(self, db: sqlite_utils.Database) -> None:
        """Index the articles written in the open transaction (and not indexed yet)."""
        if self.on:
            index_new_articles(db)

    def replaced(self, n: int) -> None:
        """``n`` stored articles were replaced (by this process or a worker)."""
        if n:
            self.on = False  # finish_bulk_load rebuilds the index


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


def _run_parallel(records: Iterable[SourceRecord], workers: int, db_path: Path, index_on: bool,
                  stored: Callable[[list[SourceRecord], _Written], None]) -> None:
    """Extract and write in ``workers`` processes, each writing its tasks' articles in
    transactions of its own; the parent reads the inputs, hands out tasks and keeps count.

    A worker process that dies (killed for memory, a crash in a C extension) breaks the pool and
    loses the tasks in flight. A new pool takes their articles over one at a time, each alone in
    flight, so the one a worker dies on again is known: it is recorded as failed and the batch
    goes on. (An article the broken pool had stored is written again: a replacement.)"""
    window = workers * 4  # tasks in flight: bounded memory, workers never idle
    warm_up()  # forked workers inherit the loaded models, lexicons and gazetteer
    # what is loaded now lives as long as the process: the garbage collector of each forked
    # worker need not walk it again (one full pass costs ~40 ms), and its pages stay shared.
    # (No collection first: the warm-up leaves no cycles behind, and a pass finding nothing
    # cost as much; whatever the caller left is collected after the run, on unfreeze.)
    gc.freeze()
    tasks = _Tasks(iter(records), workers)
    try:
        with _ctrl_c_deferred() as stop:
            broken, barren = False, 0
            while True:
                with ProcessPoolExecutor(max_workers=workers, initializer=_start_writer,
                                         initargs=(str(db_path), index_on, os.getpid())) as pool:
                    if broken and not _starts(pool):
                        barren += 1
                        if barren == _MAX_BARREN_POOLS:
                            raise WorkersDying(
                                f"worker processes die as they start ({barren} pools in a row): "
                                "memory? the database? the run stops")
                        continue
                    barren = 0
                    broken = _feed(pool, tasks, window, stored, stop)
                if not broken:
                    return
    finally:
        gc.unfreeze()  # the caller's process collects as before


class WorkersDying(RuntimeError):
    """Worker processes of a parallel run die whatever they are given: not one article's fault."""


# New pools in a row whose workers die before a first trivial task comes back, before the run
# stops: after a worker died, a new pool is first asked for its pid, so an article is blamed
# only when workers do start (one dying alone on an article broke one pool; workers that cannot
# start break every pool).
_MAX_BARREN_POOLS = 8


def _starts(pool: ProcessPoolExecutor) -> bool:
    """Whether the pool's workers start and run a task."""
    try:
        pool.submit(os.getpid).result()
    except BrokenProcessPool:
        return False
    return True


@dataclass
class _Tasks:
    """The work of a parallel run: the inputs, in chunks, and the suspects, articles lost with a
    pool whose worker died, handed out one at a time.

    The inputs are read a few tasks ahead (``2 × workers × CHUNK`` articles), so the end is seen
    coming: the last tasks get smaller (guided scheduling: what is left over two tasks per
    worker, down to :data:`TAIL_CHUNK`), and no worker sits idle while another finishes a full
    task."""

    inputs: Iterator[SourceRecord]
    workers: int = 1
    suspects: deque[SourceRecord] = field(default_factory=deque)
    exhausted: bool = False
    _ahead: deque[SourceRecord] = field(default_factory=deque)
    _read_all: bool = False

    def chunk(self) -> list[SourceRecord]:
        if not self._read_all:
            want = 2 * self.workers * CHUNK - len(self._ahead)
            got = list(islice(self.inputs, max(want, 0)))
            self._ahead.extend(got)
            self._read_all = len(got) < want
        size = CHUNK
        if self._read_all:
            size = min(CHUNK, max(TAIL_CHUNK, -(-len(self._ahead) // (2 * self.workers))))
        chunk = [self._ahead.popleft() for _ in range(min(size, len(self._ahead)))]
        self.exhausted = not chunk
        return chunk


def warm_up() -> None:
    """Load everything the pipeline loads lazily (underthesea's sentence splitter, lexicons,
    gazetteer, compiled patterns) by running it once on a small text and building the tables
    the text does not reach (:func:`extractor.pipeline.prepare`), so worker processes forked
    afterwards start ready instead of each paying the loading again. The garbage collector
    waits meanwhile: what is built here lives as long as the process, and collecting while it
    grows (several passes over all of it) cost a quarter of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _warm_up()
    finally:
        if was_enabled:
            gc.enable()
    pattern_cache.save()  # the next run's start builds the patterns from their compiled form


def _warm_up() -> None:
    prepare()
    record, _ = extract_record(SourceRecord(
        "warm-up", "Công an xã Lộc Yên ra mắt mô hình\n\nNgày 5/3/2023, Công an xã Lộc Yên, huyện "
        "Hương Khê, Hà Tĩnh ra mắt mô hình “Camera an ninh” với hơn 20 camera; đồng chí Đại tá "
        "Nguyễn Văn An, Phó Giám đốc Công an tỉnh trao Giấy khen cho 2 tập thể, 3 cá nhân.\n",
        "warm-up"))
    packed_rows(record, PIPELINE_VERSION)  # and the store's tables


def _feed(pool: ProcessPoolExecutor, tasks: _Tasks, window: int,
          stored: Callable[[list[SourceRecord], _Written], None], stop: threading.Event) -> bool:
    """Submit tasks within a bounded window (a suspect alone) and account for them as they end.
    Returns whether the pool broke (a worker died) before the work was done. On Ctrl-C
    (``stop``), tasks not started are dropped and the running ones (which store their articles)
    are waited for and accounted for, so the summary is what the database holds."""
    pending: dict[Future[_Written], tuple[list[SourceRecord], bool]] = {}
    broken = False
    while True:
        while not broken and not stop.is_set():
            if tasks.suspects:
                if pending:
                    break  # a suspect goes alone: if its worker dies, it is the cause
                recs, alone = [tasks.suspects.popleft()], True
            elif tasks.exhausted or len(pending) >= window:
                break
            else:
                recs, alone = tasks.chunk(), False
                if not recs:
                    break
            try:
                pending[pool.submit(_extract_and_write, recs)] = recs, alone
            except BrokenProcessPool:  # a worker died; this task never started
                tasks.suspects.extendleft(reversed(recs))
                broken = True
        if stop.is_set():
            for fut in pending:
                fut.cancel()
            for fut in wait([f for f in pending if not f.cancelled()]).done:
                if not isinstance(fut.exception(), BrokenProcessPool):
                    _account(fut, pending[fut][0], stored)
            raise KeyboardInterrupt
        if not pending:
            return broken
        finished, _ = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
        for fut in finished:
            recs, alone = pending.pop(fut)
            if not isinstance(fut.exception(), BrokenProcessPool):
                _account(fut, recs, stored)
                continue
            broken = True  # every task still in flight fails the same way
            if alone:
                stored(recs, ([_WORKER_DIED], 0))
            else:
                tasks.suspects.extend(recs)


_WORKER_DIED = ("worker died: the process extracting this article ended abruptly (killed for "
                "memory? a crash in native code?)")


def _account(fut: Future[_Written], chunk: list[SourceRecord],
             stored: Callable[[list[SourceRecord], _Written], None]) -> None:
    try:
        written = fut.result()
    except Exception as e:  # the task's result could not come back: its articles count as failed
        written = [f"worker failed: {type(e).__name__}: {e}"] * len(chunk), 0
    stored(chunk, written)


@contextmanager
def _ctrl_c_deferred() -> Iterator[threading.Event]:
    """Ctrl-C sets the event instead of raising wherever the main thread is, so the parent of a
    parallel run can stop between tasks and count exactly the articles its workers stored.
    (Outside the main thread, where Python delivers no signals, the event is never set.)"""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    old = signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, old)


def default_workers() -> int:
    return os.cpu_count() or 1
