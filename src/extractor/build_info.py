"""Which build of the package is installed: pure Python, or with modules compiled by mypyc
(``EXTRACTOR_COMPILE=1 pip install .``). Benchmarks record it next to their figures."""

from __future__ import annotations

import importlib.machinery
import pkgutil

import extractor


def compiled_modules() -> list[str]:
    """The package's modules that load from compiled extensions (empty for a pure-Python
    install), found by where each module's import would come from, without importing it."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    out = []
    for info in pkgutil.walk_packages(extractor.__path__, "extractor."):
        spec = info.module_finder.find_spec(info.name, None)  # type: ignore[call-arg]
        origin = spec.origin if spec is not None else None
        if origin and origin.endswith(suffixes):
            out.append(info.name)
    return sorted(out)


def build() -> str:
    """"compiled (N modules)" or "pure Python"."""
    mods = compiled_modules()
    return f"compiled ({len(mods)} modules)" if mods else "pure Python"
