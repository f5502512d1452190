"""The pattern cache: what a later run builds from the cache behaves as the pattern compiled from
its source, and a cache that is missing, damaged or switched off only means compiling again."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import regex

from extractor import pattern_cache

from conftest import CORPUS, db_rows

TEXT = ("Ngày 5/3/2023, Công an xã Lộc Yên, huyện Hương Khê ra mắt mô hình “Camera an ninh” "
        "với hơn 20 camera; Đại tá Nguyễn Văn An trao Giấy khen cho 2 tập thể.")
PATTERNS = [
    (r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})", 0),
    (r"(?<![\p{L}\p{N}])(?:huyện|xã)\s+(\p{Lu}\p{Ll}*(?:\s+\p{Lu}\p{Ll}*)*)", regex.I),
    (r"(?:Đại|Thượng|Trung|Thiếu)\s+(?:tá|úy|tướng)", regex.I | regex.V1),
]
STDLIB_PATTERNS = [
    (r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})", 0),
    (r"\b(?:huyện|xã)\s+([^\W\d_]+(?:\s+[^\W\d_]+)*)", re.I),
    (r"(\d+)\s+(?:tập thể|cá nhân)", 0),
]


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory of the test's own, and a module that has loaded nothing yet."""
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path))
    pattern_cache.clear_memory()
    yield tmp_path
    pattern_cache.clear_memory()


def _behaviour(p: regex.Pattern[str] | re.Pattern[str]) -> list[object]:
    return [p.pattern, p.flags, p.groups, dict(p.groupindex),
            [(m.span(), m.groups()) for m in p.finditer(TEXT)]]


def test_a_second_process_builds_patterns_from_the_cache_that_behave_the_same(
        fresh_cache: Path) -> None:
    first = [_behaviour(pattern_cache.regex_compile(p, f)) for p, f in PATTERNS]
    first += [_behaviour(pattern_cache.re_compile(p, f)) for p, f in STDLIB_PATTERNS]
    assert pattern_cache.stats() == {"hits": 0, "compiled": 6}
    assert pattern_cache.save() == pattern_cache.cache_file()
    assert any(m for b in first for m in b[-1])  # the patterns do match the text

    pattern_cache.clear_memory()  # as a new process would start
    second = [_behaviour(pattern_cache.regex_compile(p, f)) for p, f in PATTERNS]
    second += [_behaviour(pattern_cache.re_compile(p, f)) for p, f in STDLIB_PATTERNS]
    assert pattern_cache.stats() == {"hits": 6, "compiled": 0}
    assert second == first
    # and the same as the engines' own compile
    assert second == [_behaviour(regex.compile(p, f)) for p, f in PATTERNS] + \
        [_behaviour(re.compile(p, f)) for p, f in STDLIB_PATTERNS]


def test_stdlib_patterns_from_the_cache_have_the_same_compiled_code(fresh_cache: Path) -> None:
    for p, f in STDLIB_PATTERNS:
        pattern_cache.re_compile(p, f)
    pattern_cache.save()
    pattern_cache.clear_memory()
    for p, f in STDLIB_PATTERNS:
        # stdlib patterns compare their flags, source and compiled code
        assert pattern_cache.re_compile(p, f) == re.compile(p, f)
    assert pattern_cache.stats()["hits"] == len(STDLIB_PATTERNS)


def test_nothing_is_written_when_nothing_new_was_compiled(fresh_cache: Path) -> None:
    pattern_cache.regex_compile(*PATTERNS[0])
    path = pattern_cache.save()
    assert path is not None and path.exists()
    pattern_cache.clear_memory()
    pattern_cache.regex_compile(*PATTERNS[0])
    assert pattern_cache.save() is None


@pytest.mark.parametrize("damage", ["truncated", "bit flipped", "not ours", "empty"])
def test_a_damaged_cache_file_is_ignored(fresh_cache: Path, damage: str) -> None:
    pattern_cache.regex_compile(*PATTERNS[0])
    pattern_cache.re_compile(*STDLIB_PATTERNS[0])
    path = pattern_cache.save()
    assert path is not None
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 2],
                      "bit flipped": data[:-10] + bytes([data[-10] ^ 1]) + data[-9:],
                      "not ours": b"something else entirely",
                      "empty": b""}[damage])
    pattern_cache.clear_memory()
    assert _behaviour(pattern_cache.regex_compile(*PATTERNS[0])) == _behaviour(regex.compile(*PATTERNS[0]))
    assert pattern_cache.re_compile(*STDLIB_PATTERNS[0]) == re.compile(*STDLIB_PATTERNS[0])
    assert pattern_cache.stats() == {"hits": 0, "compiled": 2}
    assert pattern_cache.save() == path  # and it is written anew


def test_a_cache_file_naming_other_objects_is_not_loaded(fresh_cache: Path) -> None:
    """The file is unpickled with no class allowed (a regex entry: only the engine's
    constructor), so a file holding anything else only means compiling again."""
    pattern_cache.regex_compile(*PATTERNS[0])
    path = pattern_cache.save()
    assert path is not None
    import hashlib

    payload = pickle.dumps({"format": pattern_cache.FORMAT, "entries": {("re", "x", 0): os.getcwd}})
    path.write_bytes(b"extractor-patterns\n" + hashlib.sha256(payload).digest() + payload)
    pattern_cache.clear_memory()
    assert pattern_cache.re_compile("x").pattern == "x"
    assert pattern_cache.stats() == {"hits": 0, "compiled": 1}

    bad = pickle.dumps(os.getcwd)  # an entry whose pickle names another callable
    payload = pickle.dumps({"format": pattern_cache.FORMAT,
                            "entries": {("regex", PATTERNS[0][0], int(PATTERNS[0][1])): bad}})
    path.write_bytes(b"extractor-patterns\n" + hashlib.sha256(payload).digest() + payload)
    pattern_cache.clear_memory()
    assert pattern_cache.regex_compile(*PATTERNS[0]).pattern == PATTERNS[0][0]
    assert pattern_cache.stats() == {"hits": 0, "compiled": 1}


def test_an_empty_cache_dir_setting_turns_the_cache_off(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", "")
    pattern_cache.clear_memory()
    try:
        assert pattern_cache.cache_file() is None
        pattern_cache.regex_compile(*PATTERNS[0])
        assert pattern_cache.save() is None
    finally:
        pattern_cache.clear_memory()


def test_an_unwritable_cache_dir_is_only_a_slower_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(blocker / "cache"))
    pattern_cache.clear_memory()
    try:
        assert pattern_cache.regex_compile(*PATTERNS[0]).pattern == PATTERNS[0][0]
        assert pattern_cache.save() is None
    finally:
        pattern_cache.clear_memory()


def test_a_run_from_the_cache_stores_what_a_run_compiling_every_pattern_stores(tmp_path: Path) -> None:
    """The corpus run twice in new processes sharing a new cache: the first compiles every
    pattern and fills the cache, the second builds every one from it; the databases hold the
    same facts. (The gold scores, and the other tests, run on patterns from the cache too.)"""
    env = {**os.environ, "EXTRACTOR_CACHE_DIR": str(tmp_path / "cache")}
    script = ("import sys; from extractor import pattern_cache; from extractor.run import run; "
              "run([sys.argv[1]], sys.argv[2], workers=2); print(pattern_cache.stats())")
    stats = []
    for name in ("cold", "warm"):
        res = subprocess.run([sys.executable, "-c", script, str(CORPUS), str(tmp_path / f"{name}.db")],
                             env=env, capture_output=True, text=True, check=True)
        stats.append(eval(res.stdout.strip().splitlines()[-1]))  # noqa: S307 - our own dict
    assert stats[0]["compiled"] > 300 and stats[1] == {"hits": stats[0]["hits"] + stats[0]["compiled"],
                                                        "compiled": 0}
    for table in ("dates", "locations", "officials", "models", "counts", "awards"):
        sql = f"SELECT * FROM {table} ORDER BY 1, 2, 3"
        cold, warm = db_rows(tmp_path / "cold.db", sql), db_rows(tmp_path / "warm.db", sql)
        assert cold and cold == warm, table
