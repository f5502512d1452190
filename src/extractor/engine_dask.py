"""The same extraction on a Dask cluster, writing Parquet shards (``extractor run --engine dask``).

Inputs are cut into shards of ``shard_size`` articles. For plain files (``.txt``, ``.html``) a
task receives the file paths and reads them itself, so the client ships names, not text; the
records of containers (JSONL, WARC) are read by the client and shipped in chunks. Each task runs
the pipeline over its shard and writes ``shard-NNNNNN/`` with :func:`extractor.shards.write_shard`
(the shard directory must be on storage every worker sees). Only a bounded number of tasks is
in flight, so neither the client nor the scheduler holds the archive. A task whose shard already
exists with the same articles, content hashes and pipeline version skips the work, so an
interrupted distributed run resumes. ``extractor load SHARDS --db facts.db`` merges the shards.

Dask is an optional extra (``pip install .[dask]``): it is imported only when this runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ingest import DEFAULT_MAX_BYTES, InputError, SourceRecord, input_format, iter_inputs
from .store import FACT_TABLES

_FILE_KINDS = frozenset({"txt", "html"})


@dataclass
class DaskSummary:
    shards: int = 0
    shards_skipped: int = 0
    articles: int = 0
    skipped: int = 0  # articles of shards already complete
    errors: list[tuple[str, str | None, str]] = field(default_factory=list)
    facts: dict[str, int] = field(default_factory=lambda: {k: 0 for k in FACT_TABLES})
    stage_seconds: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    shards_dir: str = ""
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.interrupted


@dataclass(frozen=True)
class ShardTask:
    """One unit of work: file paths to read, or records already read, and where to write."""

    shard_id: int
    shards_dir: str
    version: str
    files: tuple[str, ...] = ()
    records: tuple[SourceRecord, ...] = ()
    errors: tuple[InputError, ...] = ()  # errors met by the client while cutting this shard
    fmt: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES


def _errors_of(items: Sequence[InputError]) -> list[tuple[str, str | None, str]]:
    return [(e.source, e.record, e.reason) for e in items]


def run_shard(task: ShardTask) -> dict[str, Any]:
    """Worker side: read, extract and write one shard; never raises for one bad article."""
    from .run import _safe_extract, text_hash
    from .shards import shard_manifest, shard_name, write_shard

    errors = _errors_of(task.errors)
    records: list[SourceRecord] = list(task.records)
    if task.files:
        for item in iter_inputs(list(task.files), fmt=task.fmt, max_bytes=task.max_bytes):
            if isinstance(item, InputError):
                errors.append((item.source, item.record, item.reason))
            else:
                records.append(item)
    out: dict[str, Any] = {"shard": task.shard_id, "articles": 0, "skipped": 0, "errors": errors,
                           "facts": {k: 0 for k in FACT_TABLES}, "stage_seconds": {}}
    existing = Path(task.shards_dir) / shard_name(task.shard_id)
    want = {(r.article_id, text_hash(r.text), task.version) for r in records}
    if existing.is_dir() and want:
        try:
            if shard_manifest(existing) == want:
                out["skipped"] = len(records)
                return out
        except Exception:  # noqa: BLE001 — an unreadable old shard is simply rewritten
            pass
    facts = []
    for rec in records:
        result = _safe_extract(rec)
        if isinstance(result, str):
            errors.append((rec.source, rec.article_id, result))
            continue
        rf, timings = result
        facts.append(rf)
        for k in FACT_TABLES:
            out["facts"][k] += len(getattr(rf, k))
        for k, v in timings.items():
            out["stage_seconds"][k] = out["stage_seconds"].get(k, 0.0) + v
    t = time.perf_counter()
    if facts or not existing.exists():
        write_shard(facts, task.shards_dir, task.shard_id, task.version)
    out["stage_seconds"]["store"] = time.perf_counter() - t
    out["articles"] = len(facts)
    return out


def plan_shards(paths: Sequence[str | Path], shards_dir: str | Path, version: str, *,
                shard_size: int = 200, fmt: str | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[ShardTask]:
    """Cut the inputs into tasks, lazily, in the order a local run reads them."""
    from .ingest import _walk

    sid = 0
    files: list[str] = []
    errs: list[InputError] = []

    def task(**kw: Any) -> ShardTask:
        nonlocal sid
        t = ShardTask(sid, str(shards_dir), version, fmt=fmt, max_bytes=max_bytes, **kw)
        sid += 1
        return t

    def flush_files() -> Iterator[ShardTask]:
        nonlocal files, errs
        if files or errs:
            yield task(files=tuple(files), errors=tuple(errs))
            files, errs = [], []

    def containers(p: Path) -> Iterator[ShardTask]:
        recs: list[SourceRecord] = []
        cerrs: list[InputError] = []
        for item in iter_inputs([p], fmt=fmt, max_bytes=max_bytes):
            if isinstance(item, InputError):
                cerrs.append(item)
            else:
                recs.append(item)
            if len(recs) >= shard_size:
                yield task(records=tuple(recs), errors=tuple(cerrs))
                recs, cerrs = [], []
        if recs or cerrs:
            yield task(records=tuple(recs), errors=tuple(cerrs))

    def one_file(f: Path) -> Iterator[ShardTask]:
        kind = fmt or input_format(f)
        if kind in _FILE_KINDS:
            files.append(str(f))
            if len(files) >= shard_size:
                yield from flush_files()
        else:
            yield from flush_files()
            yield from containers(f)

    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in _walk(p):
                if fmt or input_format(f) is not None:
                    yield from one_file(f)
        elif p.is_file() and (fmt or input_format(p)) is not None:
            yield from one_file(p)
        else:  # missing or unrecognised: the reader's own error message
            errs.extend(i for i in iter_inputs([p], fmt=fmt, max_bytes=max_bytes)
                        if isinstance(i, InputError))
    yield from flush_files()


def run_dask(paths: Sequence[str | Path], shards_dir: str | Path, *, scheduler: str | None = None,
             n_workers: int = 2, shard_size: int = 200, fmt: str | None = None,
             max_bytes: int = DEFAULT_MAX_BYTES, window: int | None = None) -> DaskSummary:
    """Extract ``paths`` on a Dask cluster into Parquet shards under ``shards_dir``.

    ``scheduler`` is the address of a running scheduler (any Dask deployment, e.g.
    dask-jobqueue); without it a LocalCluster of ``n_workers`` single-threaded processes on
    127.0.0.1 is started and stopped here."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as e:  # pragma: no cover — the extra is missing
        raise RuntimeError("the Dask engine needs the extra: pip install 'extractor[dask]'") from e
    from .pipeline import PIPELINE_VERSION

    t0 = time.perf_counter()
    out = Path(shards_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = DaskSummary(shards_dir=str(out))
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None,
                               silence_logs=logging.ERROR)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        limit = window or max(2, 2 * sum(client.nthreads().values()))
        tasks = plan_shards(paths, out, PIPELINE_VERSION, shard_size=shard_size, fmt=fmt,
                            max_bytes=max_bytes)
        ac = as_completed()
        inflight = planned = 0
        for t in tasks:
            planned += 1
            ac.add(client.submit(run_shard, t, pure=False, key=f"shard-{t.shard_id}-{id(t)}"))
            inflight += 1
            while inflight >= limit:
                _collect(next(ac), summary)
                inflight -= 1
        for fut in ac:
            _collect(fut, summary)
        _drop_stale_shards(out, planned)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    summary.seconds = time.perf_counter() - t0
    return summary


def _drop_stale_shards(out: Path, planned: int) -> None:
    """Shards numbered past this run's last one come from an earlier run over more inputs;
    left there, ``load`` would bring back articles that are no longer input."""
    import shutil

    from .shards import SHARD_PREFIX

    for d in out.iterdir():
        tail = d.name[len(SHARD_PREFIX):]
        if d.is_dir() and d.name.startswith(SHARD_PREFIX) and tail.isdigit() and int(tail) >= planned:
            shutil.rmtree(d, ignore_errors=True)


def _collect(fut: Any, summary: DaskSummary) -> None:
    try:
        r = fut.result()
    except Exception as e:  # noqa: BLE001 — a lost worker or a task that raised
        summary.errors.append((str(fut.key), None, f"task failed: {type(e).__name__}: {e}"))
        return
    finally:
        fut.release()
    summary.shards += 1
    if r["skipped"]:
        summary.shards_skipped += 1
        summary.skipped += r["skipped"]
    summary.articles += r["articles"]
    summary.errors.extend(tuple(e) for e in r["errors"])
    for k, v in r["facts"].items():
        summary.facts[k] = summary.facts.get(k, 0) + v
    for k, v in r["stage_seconds"].items():
        summary.stage_seconds[k] = summary.stage_seconds.get(k, 0.0) + v
