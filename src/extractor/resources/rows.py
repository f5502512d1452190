"""Row schemas of lexicon TSVs that are validated by pydantic when they load.

They live here, not in the extractor that reads them, so that the extractor modules hold plain
Python only and can be compiled by mypyc (``EXTRACTOR_COMPILE=1``), which does not compile
pydantic models.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

CountKind = Literal["noun", "place", "measure", "currency"]


class CountUnitRow(BaseModel):
    """count_units.tsv: a unit noun, its kind, whether it attaches, its canonical form."""

    unit: str = Field(min_length=1)
    kind: CountKind
    attach: Literal["yes", "no"]
    canonical: str = Field(min_length=1)


class CountExclusionRow(BaseModel):
    """count_exclusions.tsv: a context word and the rule it feeds."""

    word: str = Field(min_length=1)
    kind: Literal["after", "not_noun", "before", "before_ok", "distributive", "before_nam",
                  "award_context", "award_unit", "quantity_verb", "before_cap", "threshold"]


class CountQualifierRow(BaseModel):
    """count_qualifiers.tsv: a qualifier word and its normalized value."""

    word: str = Field(min_length=1)
    qualifier: Literal["more_than", "nearly", "about", "at_least", "less_than"]
