"""The build backend: setuptools', plus mypyc in the build environment when the compiled build
is asked for (``EXTRACTOR_COMPILE=1 pip install .``).

A plain install needs nothing beyond setuptools, so mypy is asked for only then; the pin and
the list of compiled modules are in pyproject.toml (``[tool.extractor]``), read by setup.py too.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F401,F403  (every hook not defined below)

_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def compile_requested() -> bool:
    """Whether this build compiles the hot modules: EXTRACTOR_COMPILE set to 1, true or yes."""
    return os.environ.get("EXTRACTOR_COMPILE", "").strip().lower() in {"1", "true", "yes"}


def tool_config() -> dict[str, Any]:
    """pyproject.toml's ``[tool.extractor]``: the compiled modules and mypy's pin."""
    return tomllib.loads(_PYPROJECT.read_text(encoding="utf-8"))["tool"]["extractor"]


def compile_requires() -> list[str]:
    """What the compiled build needs in the build environment (pyproject.toml's pin)."""
    return list(tool_config()["compile-requires"])


def modules_to_compile() -> list[str]:
    """The modules the compiled build compiles (pyproject.toml's list)."""
    return list(tool_config()["compiled"])


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    extra = compile_requires() if compile_requested() else []
    return [*_setuptools.get_requires_for_build_wheel(config_settings), *extra]
