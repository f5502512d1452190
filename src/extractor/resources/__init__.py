"""Lexicons and rules shipped as data, loaded once and validated at load.

Each TSV file starts with ``#`` comment lines saying where its entries come from, then a header
row. Each JSONL file may start with ``//`` comment lines. Loaders raise :class:`ResourceError`
naming the file and line of a bad row.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)


class ResourceError(ValueError):
    pass


def _read(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


@cache
def load_tsv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a TSV resource as dicts keyed by its header (comments and blank lines skipped)."""
    lines = [ln for ln in _read(name).splitlines() if ln.strip() and not ln.startswith("#")]
    if not lines:
        raise ResourceError(f"{name}: empty")
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = []
    for i, row in enumerate(reader, start=2):
        if None in row or any(v is None for v in row.values()):
            raise ResourceError(f"{name}: row {i} has the wrong number of fields: {row}")
        rows.append({k: v.strip() for k, v in row.items()})
    return tuple(rows)


@cache
def load_jsonl(name: str) -> tuple[dict[str, Any], ...]:
    rows = []
    for i, ln in enumerate(_read(name).splitlines(), start=1):
        if not ln.strip() or ln.lstrip().startswith("//"):
            continue
        try:
            rows.append(json.loads(ln))
        except json.JSONDecodeError as e:
            raise ResourceError(f"{name}:{i}: {e}") from e
    return tuple(rows)


def validated(name: str, model: type[T]) -> list[T]:
    """Rows of a TSV/JSONL resource validated by a pydantic model."""
    rows = load_tsv(name) if name.endswith(".tsv") else load_jsonl(name)
    out = []
    for i, r in enumerate(rows, start=1):
        try:
            out.append(model.model_validate(r))
        except ValidationError as e:
            raise ResourceError(f"{name}: entry {i}: {e}") from e
    return out


def words(name: str, column: str = "word") -> tuple[str, ...]:
    """One column of a TSV resource, longest entries first (for greedy matching)."""
    return tuple(sorted({r[column] for r in load_tsv(name)}, key=lambda w: (-len(w), w)))
