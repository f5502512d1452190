"""Pydantic records at the pipeline's boundaries: what is stored, exported and scored.

Spans (``start``/``end``) index the stored article text; ``sentence`` is the index of the
sentence the fact was read from; ``in_caption`` flags facts read from image captions.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1

SegmentKind = Literal["header", "title", "stamp", "body", "caption", "byline", "boilerplate"]
Qualifier = Literal["more_than", "nearly", "about", "at_least", "less_than"]


class Segment(BaseModel):
    """A line-level region of the page with its role."""

    model_config = ConfigDict(frozen=True)
    kind: SegmentKind
    start: int
    end: int
    duplicate_of: int | None = None  # index of the earlier identical caption


class Sentence(BaseModel):
    model_config = ConfigDict(frozen=True)
    index: int
    start: int
    end: int
    segment: int
    in_caption: bool = False
    in_title: bool = False


class Fact(BaseModel):
    """Common provenance of every fact."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    sentence: int | None = None
    in_caption: bool = False


class DateMention(Fact):
    value: str  # YYYY-MM-DD | YYYY-MM | YYYY | start/end
    year_inferred_from: str | None = None  # None when the text gives the year


class LocationMention(Fact):
    level: str
    name: str
    province: str | None = None
    district: str | None = None
    level_inferred: bool = False
    # Resolution against the administrative map (filled by resolve when available)
    status: Literal["exact", "inferred", "ambiguous", "unknown"] | None = None
    code: str | None = None
    province_2025: str | None = None
    unit_2025: str | None = None
    candidates: list[str] = Field(default_factory=list)


class OfficialMention(Fact):
    name: str
    honorific: str | None = None
    rank: str | None = None
    titles: list[str] = Field(default_factory=list)
    mentions: int = 1
    # organisations the titles name, normalized with the unit the context gives
    organisations: list[str] = Field(default_factory=list)


class NamedModel(Fact):
    name: str
    location: str | None = None
    quoted: bool = True


class CountMention(Fact):
    value: float | int
    unit: str
    qualifier: Qualifier | None = None
    of: float | int | None = None


class AwardTally(Fact):
    award: str | None = None
    issuer: str | None = None
    collectives: int | None = None
    individuals: int | None = None
    total: int | None = None
    issuer_org: str | None = None  # the issuer as a normalized organisation, when it is one


class ArticleFacts(BaseModel):
    """Everything the pipeline knows about one article."""

    article_id: str
    source: str | None = None
    url: str | None = None
    encoding: str | None = None
    content_hash: str
    text: str
    title: str | None = None
    published: str | None = None
    authors: list[str] = Field(default_factory=list)
    event_date: str | None = None
    province: str | None = None  # the province the article's places point to
    segments: list[Segment] = Field(default_factory=list)
    sentences: list[Sentence] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    locations: list[LocationMention] = Field(default_factory=list)
    officials: list[OfficialMention] = Field(default_factory=list)
    models: list[NamedModel] = Field(default_factory=list)
    counts: list[CountMention] = Field(default_factory=list)
    awards: list[AwardTally] = Field(default_factory=list)

    def contract(self) -> dict:
        """The FACTS.md record (schema v1), plus spans as extra keys."""

        def strip(f: BaseModel, keep: list[str]) -> dict:
            d = {k: getattr(f, k) for k in keep}
            d["span"] = [f.start, f.end]  # type: ignore[attr-defined]
            d["sentence"] = f.sentence  # type: ignore[attr-defined]
            return d

        return {
            "article_id": self.article_id,
            "title": self.title,
            "published": self.published,
            "authors": self.authors,
            "event_date": self.event_date,
            "dates": [strip(d, ["text", "value", "year_inferred_from"]) for d in self.dates],
            "locations": [strip(x, ["text", "level", "name", "province", "district", "status",
                                    "code", "unit_2025", "province_2025"]) for x in self.locations],
            "officials": [strip(o, ["name", "honorific", "rank", "titles", "organisations"])
                          for o in self.officials],
            "models": [strip(m, ["name", "location"]) for m in self.models],
            "counts": [strip(c, ["text", "value", "unit", "qualifier", "of"]) for c in self.counts],
            "awards": [strip(a, ["text", "award", "issuer", "collectives", "individuals", "total",
                                 "issuer_org"])
                       for a in self.awards],
        }


def json_schema() -> dict:
    """JSON Schema of the stored/exported article record."""
    schema = ArticleFacts.model_json_schema()
    schema["$id"] = f"https://example.invalid/extractor/article-v{SCHEMA_VERSION}.schema.json"
    return schema
