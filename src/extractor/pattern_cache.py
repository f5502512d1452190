"""Compiled regular expressions kept across runs, the way Python keeps bytecode in ``.pyc`` files.

The pipeline compiles about 600 patterns, some of them tens of kilobytes long (gazetteer and
lexicon alternations, and their stdlib twins with spelled-out Unicode classes). Both engines
parse and optimise patterns in Python, which costs a run about a third of a second before the
first article. That is paid once per process and, at a thousand articles, is as much as all the
reading and writing of the run. This module compiles a pattern the first time it sees it and
keeps the compiled form in a file in the user's cache directory; later runs build the pattern
object straight from it.

- The ``regex`` module's patterns keep their compiled form through the module's own pickling
  (its pickle holds the compiled code and rebuilds the pattern without parsing it again).
- Stdlib ``re`` patterns pickle as their source and would be compiled again, so the cache keeps
  the arguments ``re`` hands to ``_sre.compile`` (the code list and the group tables). That is
  an internal of CPython: an entry is stored only after the pattern rebuilt from it compares
  equal to the one ``re.compile`` made (stdlib patterns compare their compiled code), and the
  file is keyed by the interpreter version and the engine's ``MAGIC``, so another Python or
  another ``regex`` release starts a new file.

The file is written whole to a temporary name and renamed, carries a checksum, and anything
unexpected in it (a truncated file, a different format, an object it should not hold) makes the
cache start empty: the patterns are then compiled as usual. ``EXTRACTOR_CACHE_DIR`` names the
directory (empty: no cache at all); by default it is ``$XDG_CACHE_HOME/extractor`` or
``~/.cache/extractor``.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
import sys
import tempfile
import threading
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]
from typing import Any

import _sre
import regex

FORMAT = 1
_HEADER = b"extractor-patterns\n"

_lock = threading.RLock()
_entries: dict[tuple[str, str, int], Any] | None = None  # loaded on first use
_used: set[tuple[str, str, int]] = set()
_dirty = False
_counts = {"hits": 0, "compiled": 0}


def cache_dir() -> Path | None:
    """Where the cache lives, or None when ``EXTRACTOR_CACHE_DIR`` is set empty."""
    env = os.environ.get("EXTRACTOR_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "extractor"


def cache_file() -> Path | None:
    """The file for this interpreter and these engine versions."""
    d = cache_dir()
    if d is None:
        return None
    tag = hashlib.sha256(repr((FORMAT, sys.implementation.cache_tag, sys.version, _sre.MAGIC,
                               regex.__version__)).encode()).hexdigest()[:16]
    return d / f"patterns-{tag}.cache"


def regex_compile(pattern: str, flags: int = 0) -> Any:
    """``regex.compile(pattern, flags)``, from the cache when it holds the pattern."""
    key = ("regex", pattern, int(flags))
    blob = _lookup(key)
    if blob is not None:
        try:
            built = _RegexUnpickler(io.BytesIO(blob)).load()
            _counts["hits"] += 1
            return built
        except Exception:  # noqa: BLE001 - a bad entry: compile it again
            pass
    _counts["compiled"] += 1
    compiled = regex.compile(pattern, flags)
    try:
        blob = pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL)
        if pickle.loads(blob)._pickled_data == compiled._pickled_data:
            _store(key, blob)
    except Exception:  # noqa: BLE001 - a regex release that pickles otherwise: no caching
        pass
    return compiled


def re_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, from the cache when it holds the pattern."""
    key = ("re", pattern, int(flags))
    parts = _lookup(key)
    if parts is not None:
        try:
            built = _sre.compile(pattern, *parts)
            _counts["hits"] += 1
            return built  # type: ignore[no-any-return]
        except Exception:  # noqa: BLE001 - a bad entry: compile it again
            pass
    _counts["compiled"] += 1
    compiled = re.compile(pattern, flags)
    try:
        parts = _stdlib_parts(pattern, int(flags))
        if _sre.compile(pattern, *parts) == compiled:
            _store(key, parts)
    except Exception:  # noqa: BLE001 - another CPython's internals: no caching
        pass
    return compiled


def save() -> Path | None:
    """Write the cache if this process compiled patterns it did not hold; returns the file
    written. Entries no run of this process used are dropped once they outnumber the used ones
    three to one (patterns of older versions of the lexicons, say). Never raises on I/O: a
    cache that cannot be written is only a slower next start."""
    global _dirty
    with _lock:
        path = cache_file()
        if not _dirty or path is None or _entries is None:
            return None
        entries = _entries
        if len(entries) > 4 * len(_used):
            entries = {k: v for k, v in entries.items() if k in _used}
        payload = pickle.dumps({"format": FORMAT, "entries": entries},
                               protocol=pickle.HIGHEST_PROTOCOL)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".patterns-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(_HEADER + hashlib.sha256(payload).digest() + payload)
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            return None
        _dirty = False
        return path


def stats() -> dict[str, int]:
    """Patterns this process built from the cache (``hits``) and compiled from source."""
    return dict(_counts)


def clear_memory() -> None:
    """Forget what was loaded and counted (tests point the cache elsewhere and start again)."""
    global _entries, _dirty
    with _lock:
        _entries, _dirty = None, False
        _used.clear()
        _counts.update(hits=0, compiled=0)


# -- internals ------------------------------------------------------------------------------------

def _lookup(key: tuple[str, str, int]) -> Any:
    with _lock:
        if _entries is None:
            _load()
        assert _entries is not None
        _used.add(key)
        return _entries.get(key)


def _store(key: tuple[str, str, int], value: Any) -> None:
    global _dirty
    with _lock:
        assert _entries is not None
        _entries[key] = value
        _dirty = True


def _load() -> None:
    global _entries
    _entries = {}
    path = cache_file()
    if path is None:
        return
    try:
        data = path.read_bytes()
    except OSError:
        return
    head, digest, payload = data[:len(_HEADER)], data[len(_HEADER):len(_HEADER) + 32], \
        data[len(_HEADER) + 32:]
    if head != _HEADER or hashlib.sha256(payload).digest() != digest:
        return
    try:
        loaded = _PlainUnpickler(io.BytesIO(payload)).load()
    except Exception:  # noqa: BLE001 - unreadable: start empty
        return
    if isinstance(loaded, dict) and loaded.get("format") == FORMAT \
            and isinstance(loaded.get("entries"), dict):
        _entries = loaded["entries"]


def _stdlib_parts(pattern: str, flags: int) -> tuple[int, list[int], int, dict[str, int],
                                                       tuple[str | None, ...]]:
    """What ``re._compiler.compile`` hands to ``_sre.compile`` after the pattern itself."""
    p = _parser.parse(pattern, flags)
    code = [int(c) for c in _compiler._code(p, flags)]
    groupindex = dict(p.state.groupdict)
    indexgroup: list[str | None] = [None] * p.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return flags | p.state.flags, code, p.state.groups - 1, groupindex, tuple(indexgroup)


class _PlainUnpickler(pickle.Unpickler):
    """The cache file holds only containers, strings, bytes and numbers: no class is loaded."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the pattern cache")


class _RegexUnpickler(pickle.Unpickler):
    """A ``regex`` pattern's pickle names one callable, the engine's constructor."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("regex._regex", "compile"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the pattern cache")
