"""Setuptools' entry point; the metadata is in pyproject.toml.

With ``EXTRACTOR_COMPILE=1`` a wheel build compiles the modules listed in pyproject.toml
(``[tool.extractor] compiled``) with mypyc: the same source, 10–14 % less time per run
(benchmarks/README.md). The pure-Python package is the default, and always the case for an
editable install, where compiled modules beside the sources would shadow edits to them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup

sys.path.insert(0, str(Path(__file__).resolve().parent / "build_backend"))
from extractor_build import compile_requested, modules_to_compile  # noqa: E402


def ext_modules() -> list:  # type: ignore[type-arg]
    if not compile_requested():
        return []
    if not {"bdist_wheel", "build_ext", "build", "install"} & set(sys.argv):
        return []  # a metadata step (egg_info, dist_info): mypyc is not there yet, nor needed
    if "editable_wheel" in sys.argv:
        print("EXTRACTOR_COMPILE ignored for an editable install: it builds pure Python",
              file=sys.stderr)
        return []
    from mypyc.build import mypycify

    paths = [f"src/{m.replace('.', '/')}.py" for m in modules_to_compile()]
    return mypycify(["--ignore-missing-imports", *paths], opt_level="3")


setup(ext_modules=ext_modules())
