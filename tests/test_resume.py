"""A real `extractor run` killed mid-run leaves only whole articles, and a re-run completes it.

The archive is made by benchmarks/make_archive.py (synthetic portal articles, deterministic by
seed). Each test starts the CLI as a subprocess in its own process group, waits until some
articles are committed (polling the database), then kills it: SIGKILL of the writer process
(a crash at an arbitrary moment), or SIGINT to the whole group (what Ctrl-C in a terminal
sends). The database must then hold whole articles only, and a re-run must leave exactly the
database a clean single run gives.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, db_rows, search_index_documents
from extractor.store import FACT_TABLES

N_ARTICLES = 1000  # a run of ~3 s: room to stop it after the first commit and before its end


def content_tables(con: sqlite3.Connection) -> list[str]:
    """Every table but run bookkeeping (runs, errors) and the full-text index."""
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return sorted(t for t in names if t not in ("runs", "errors")
                  and not t.startswith(("articles_fts", "sqlite_")))


def _columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in con.execute(f"PRAGMA table_info([{table}])")]


def snapshot(db_path: Path, ids: set[str] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every content table's rows (sorted; processed_at dropped): the time of processing is not
    content. With ``ids``, only the rows of those articles (tables keyed by article)."""
    con = sqlite3.connect(db_path)
    out = {}
    for t in content_tables(con):
        cols = [c for c in _columns(con, t) if c != "processed_at"]
        if ids is not None and "article_id" not in cols:
            continue  # shared tables (places) are not per article
        if "article_id" not in cols:
            # Shared tables (places): one row per key, upserted by every article that names it.
            # Compare the keys — nothing lost, nothing doubled. Their other columns are not
            # compared: store.article_rows takes them from whichever mention was written last,
            # so they depend on write order (see the notes of issue 5).
            cols = cols[:1]
        rows = con.execute(f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM [{t}]").fetchall()
        if ids is not None:
            i = cols.index("article_id")
            rows = [r for r in rows if r[i] in ids]
        out[t] = sorted(rows, key=repr)
    con.close()
    assert out.get("articles") is not None
    return out


def assert_whole_articles(db_path: Path) -> set[str]:
    """Every stored article has all its fact rows (n_facts equals their count) and no row belongs
    to an article that is not stored. Returns the article ids. (Callers also compare each kept
    article's rows with a clean run's, which covers segments and sentences.)"""
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ids = {r[0] for r in con.execute("SELECT article_id FROM articles")}
    for aid, n_facts in con.execute("SELECT article_id, n_facts FROM articles").fetchall():
        got = sum(con.execute(f"SELECT count(*) FROM [{t}] WHERE article_id = ?", [aid]).fetchone()[0]
                  for t in FACT_TABLES)
        assert got == n_facts, f"{aid}: {got} fact rows, n_facts says {n_facts}"
    for t in content_tables(con):
        if t == "articles" or "article_id" not in _columns(con, t):
            continue
        orphans = con.execute(f"SELECT count(*) FROM [{t}] WHERE article_id NOT IN "
                              "(SELECT article_id FROM articles)").fetchone()[0]
        assert orphans == 0, f"{orphans} rows of {t} without their article"
    con.close()
    return ids


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import make_archive
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    out = tmp_path_factory.mktemp("archive")
    make_archive.write_txt(N_ARTICLES, out, seed=7)
    return out


@pytest.fixture(scope="module")
def reference(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database of one clean, uninterrupted run."""
    from extractor.run import run

    db = tmp_path_factory.mktemp("ref") / "facts.db"
    s = run([archive], db, workers=2)
    assert s.articles == N_ARTICLES and not s.errors
    return db


def _start(archive: Path, db: Path, workers: int = 2) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "extractor.cli", "run", str(archive), "--db", str(db),
         "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "COLUMNS": "200"})


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0  # schema not created yet


def _wait_for(proc: subprocess.Popen[str], db: Path, n: int, timeout: float = 60) -> int:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        k = _stored(db)
        if k >= n:
            return k
        assert proc.poll() is None, f"run ended before {n} articles were stored: {proc.communicate()}"
        time.sleep(0.02)
    raise AssertionError(f"fewer than {n} articles stored after {timeout} s")


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """End what is left of the group we started (orphaned pool workers)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _rerun(archive: Path, db: Path) -> subprocess.CompletedProcess[str]:
    res = subprocess.run([sys.executable, "-m", "extractor.cli", "run", str(archive), "--db", str(db),
                          "--workers", "2"], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "COLUMNS": "200"})
    assert res.returncode == 0, res.stderr[-2000:]
    return res


@pytest.mark.parametrize("workers", [2, 1])
def test_sigkill_mid_run_leaves_whole_articles_and_rerun_completes(archive: Path, reference: Path,
                                                                   tmp_path: Path, workers: int) -> None:
    """Killed, whether its workers write (2) or the one process commits articles in groups and
    indexes each group as it commits (1)."""
    db = tmp_path / "facts.db"
    proc = _start(archive, db, workers)
    try:
        _wait_for(proc, db, 30)
        os.kill(proc.pid, signal.SIGKILL)  # the SQLite writer dies wherever it is
        proc.wait(timeout=10)
    finally:
        _kill_group(proc)
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    kept = assert_whole_articles(db)
    assert 30 <= len(kept) < N_ARTICLES, "the kill came too late to test anything"
    # what survived is exactly what a clean run stores for those articles
    assert snapshot(db, kept) == snapshot(reference, kept)

    # the run began on a new database: its search index grew in the same transactions as the
    # articles, so it holds exactly the whole articles the kill left (FTS5's own check), and
    # only the triggers were still to come
    assert search_index_documents(db, check=True) == len(kept)

    res = _rerun(archive, db)
    assert f"{N_ARTICLES - len(kept)} articles stored, {len(kept)} unchanged skipped" in res.stderr
    assert assert_whole_articles(db) == snapshot_ids(reference)
    assert snapshot(db) == snapshot(reference)  # nothing lost, nothing doubled
    assert search_index_documents(db) == N_ARTICLES  # the re-run built the index the kill cut short


def snapshot_ids(db: Path) -> set[str]:
    return {r[0] for r in db_rows(db, "SELECT article_id FROM articles")}


def test_ctrl_c_stops_cleanly_with_a_summary_and_rerun_completes(archive: Path, reference: Path,
                                                                 tmp_path: Path) -> None:
    db = tmp_path / "facts.db"
    proc = _start(archive, db)
    try:
        _wait_for(proc, db, 30)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C: the whole group
        _, stderr = proc.communicate(timeout=60)
    finally:
        _kill_group(proc)
    assert proc.returncode == 130, stderr[-2000:]
    assert "interrupted" in stderr and "articles stored" in stderr
    assert "Traceback" not in stderr
    kept = assert_whole_articles(db)
    con = sqlite3.connect(db)
    status, stored = con.execute("SELECT status, articles FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    con.close()
    assert status == "interrupted" and stored == len(kept)  # the summary is what was stored
    assert f"{len(kept)} articles stored" in stderr

    res = _rerun(archive, db)
    assert f"{len(kept)} unchanged skipped" in res.stderr
    assert snapshot(db) == snapshot(reference)


def test_a_worker_dying_on_an_article_fails_that_article_only(archive: Path, reference: Path,
                                                              tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker process killed while on one article (as the kernel kills one for memory) breaks
    the pool and the tasks in flight with it: the run goes on in a new pool, finds the article
    by handing the lost ones out alone, records it as failed, and stores every other article
    whole. A re-run then stores the one that failed."""
    import extractor.run as run_module
    from extractor.ingest import iter_inputs

    ids = [rec.article_id for rec in iter_inputs([archive])]
    poison = ids[len(ids) // 2]
    extract = run_module.extract_record

    def dies_on_poison(rec):  # the workers are forked: they inherit this
        if rec.article_id == poison:
            os.kill(os.getpid(), signal.SIGKILL)
        return extract(rec)

    monkeypatch.setattr(run_module, "extract_record", dies_on_poison)
    db = tmp_path / "facts.db"
    s = run_module.run([archive], db, workers=2)
    assert [(aid, reason) for _, aid, reason in s.errors] == [(poison, run_module._WORKER_DIED)]
    assert s.articles == N_ARTICLES - 1 and not s.interrupted
    kept = assert_whole_articles(db)
    assert kept == set(ids) - {poison}
    assert snapshot(db, kept) == snapshot(reference, kept)
    assert db_rows(db, "SELECT record, reason FROM errors") == [(poison, run_module._WORKER_DIED)]
    assert search_index_documents(db, check=True) == N_ARTICLES - 1

    monkeypatch.setattr(run_module, "extract_record", extract)
    s = run_module.run([archive], db, workers=2)
    assert (s.articles, s.skipped, s.errors) == (1, N_ARTICLES - 1, [])
    assert snapshot(db) == snapshot(reference)


def test_workers_that_cannot_start_stop_the_run_with_a_clear_error(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers dying at start (no memory, a database they cannot open) are no article's fault:
    rather than retry every article alone in a new pool, the run stops after a few pools, says
    why, and leaves the database to a re-run."""
    import extractor.run as run_module

    monkeypatch.setattr(run_module, "_start_writer", lambda *args: os._exit(1))
    s = run_module.run([ROOT / "corpus"], tmp_path / "facts.db", workers=2)
    assert s.interrupted and s.articles == 0
    assert [(src, reason.split(":")[0]) for src, _, reason in s.errors] == [
        ("run", f"worker processes die as they start ({run_module._MAX_BARREN_POOLS} pools in a row)")]
    assert db_rows(tmp_path / "facts.db", "SELECT status FROM runs") == [("interrupted",)]


@pytest.mark.parametrize("n", [0, 1, 5, 100, 1000, 3333])
def test_tasks_hand_out_every_article_once_in_order_with_small_tasks_last(n: int) -> None:
    """A parallel run's tasks: full chunks while the inputs last, then smaller ones, so that the
    workers finish together instead of one idling while the other does a full chunk."""
    from extractor.run import CHUNK, TAIL_CHUNK, _Tasks

    tasks = _Tasks(iter(range(n)), 2)
    sizes: list[int] = []
    seen: list[int] = []
    while chunk := tasks.chunk():
        sizes.append(len(chunk))
        seen += chunk
    assert tasks.exhausted and seen == list(range(n))
    assert all(TAIL_CHUNK <= s <= CHUNK for s in sizes[:-1])
    assert sizes == sorted(sizes, reverse=True)  # never a bigger task after a smaller one
    if n >= 1000:
        assert sizes[: n // (2 * CHUNK)] == [CHUNK] * (n // (2 * CHUNK))  # full tasks first
        assert sizes[-1] <= TAIL_CHUNK  # and the last ones small


def test_the_warm_up_leaves_no_table_for_the_forked_workers_to_build() -> None:
    """The parent warms up before forking its workers: the gazetteer tables the locations
    extractor would build on first use (one per level word, the diacritic-free keys, the
    province tables) are built then, whatever the warm-up text mentions, so no worker builds
    them again. And the warm-up pauses the garbage collector only while it runs."""
    import gc

    from extractor.extractors import locations
    from extractor.gazetteer import gazetteer
    from extractor.pipeline import extract
    from extractor.run import warm_up

    warm_up()
    assert gc.isenabled()
    g = gazetteer()
    built = set(g._derived), set(locations._LEVEL_INDEX)
    assert g._loose is not None
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        extract(p.read_text(encoding="utf-8"), article_id=p.stem)
    assert (set(g._derived), set(locations._LEVEL_INDEX)) == built

    gc.disable()
    try:
        warm_up()
        assert not gc.isenabled()  # a caller's choice stands
    finally:
        gc.enable()
