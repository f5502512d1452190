"""The Dask engine on a real LocalCluster gives, once its shards are loaded, the database of a
local run; loading again changes nothing, and a re-run skips the shards already complete."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CORPUS
from test_resume import assert_whole_articles, snapshot

pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def dask_run(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from extractor.engine_dask import run_dask

    shards = tmp_path_factory.mktemp("shards")
    summary = run_dask([CORPUS], shards, n_workers=2, shard_size=4)
    return shards, summary


def test_dask_shards_load_into_the_database_a_local_run_gives(dask_run, corpus_db: Path,  # type: ignore[no-untyped-def]
                                                              tmp_path: Path) -> None:
    from extractor.shards import iter_shards, load_shards

    shards, summary = dask_run
    n = len(list(CORPUS.glob("*.txt")))
    assert summary.errors == [] and summary.articles == n
    assert summary.shards == len(list(iter_shards(shards))) == -(-n // 4)
    db = tmp_path / "dask.db"
    assert load_shards(shards, db) == n
    assert assert_whole_articles(db)
    assert snapshot(db) == snapshot(corpus_db)
    assert load_shards(shards, db) == n  # idempotent
    assert snapshot(db) == snapshot(corpus_db)


def test_shards_have_the_columns_of_the_tables(dask_run) -> None:  # type: ignore[no-untyped-def]
    import pyarrow.parquet as pq

    from extractor.shards import iter_shards, shard_tables, table_columns

    shards, _ = dask_run
    first = next(iter_shards(shards))
    assert shard_tables()[0] == "articles"
    for t in shard_tables():
        assert pq.read_schema(first / f"{t}.parquet").names == [c for c, _ in table_columns()[t]]


def test_a_rerun_skips_complete_shards(dask_run) -> None:  # type: ignore[no-untyped-def]
    from extractor.engine_dask import run_dask

    shards, first = dask_run
    again = run_dask([CORPUS], shards, n_workers=2, shard_size=4)
    assert again.articles == 0 and again.skipped == first.articles
    assert again.shards_skipped == again.shards == first.shards


def test_a_run_over_fewer_inputs_drops_the_shards_past_its_last(tmp_path: Path) -> None:
    from extractor.engine_dask import run_dask
    from extractor.shards import iter_shards

    files = sorted(CORPUS.glob("*.txt"))[:5]
    shards = tmp_path / "shards"
    assert run_dask(files, shards, n_workers=1, shard_size=2).shards == 3
    assert run_dask(files[:2], shards, n_workers=1, shard_size=2).shards == 1
    assert [d.name for d in iter_shards(shards)] == ["shard-000000"]
