"""Which build of the package is running: pure Python, or with modules compiled by mypyc
(``EXTRACTOR_COMPILE=1 pip install .``). Benchmarks record it next to their figures."""

from __future__ import annotations

import importlib
import importlib.machinery
import sys


def compiled_modules() -> list[str]:
    """The package's modules that run as compiled extensions, after importing the pipeline
    (which imports every per-article module); empty for a pure-Python install."""
    importlib.import_module("extractor.pipeline")
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    return sorted(name for name, mod in list(sys.modules.items())
                  if (name == "extractor" or name.startswith("extractor."))
                  and str(getattr(mod, "__file__", "") or "").endswith(suffixes))


def build() -> str:
    """"compiled (N modules)" or "pure Python"."""
    mods = compiled_modules()
    return f"compiled ({len(mods)} modules)" if mods else "pure Python"
