"""Datasette metadata describing the database's tables and columns (``metadata.json``)."""

from __future__ import annotations

from typing import Any

from .store import FACT_TABLES, VIEWS

_COMMON = {
    "article_id": "The article's id (file stem, or derived from the WARC target URI)",
    "idx": "Position of the fact within its article",
    "text": "The surface text of the fact, exactly as in the stored article",
    "start": "Character offset where the fact starts in articles.text",
    "end": "Character offset where the fact ends in articles.text",
    "sentence": "Index of the sentence the fact was read from (sentences.idx)",
    "in_caption": "1 when the fact was read from an image caption",
}
_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "articles": ("One row per article: the stored text and the article-level facts", {
        "source": "Input path (with record number inside containers)", "url": "URL when known",
        "encoding": "Detected input encoding", "content_hash": "SHA-256 of the stored text",
        "pipeline_version": "Version of the pipeline that wrote the row",
        "title": "Headline", "published": "Portal publication stamp (ISO)",
        "authors": "Byline names (JSON list)", "event_date": "Date of the main event reported",
        "text": "The article text as given, after decoding", "n_facts": "Number of facts",
        "province": "The province the article's places point to (pre-2025)",
        "province_2025": "That province's successor since 1 July 2025"}),
    "segments": ("Page regions: header, title, stamp, body, caption, byline, boilerplate", {
        "kind": "Role of the region", "duplicate_of": "idx of an identical earlier caption/line"}),
    "sentences": ("Sentences of headline, body and captions", {"segment": "segments.idx"}),
    "dates": ("Distinct calendar values named in the article", {
        "value": "YYYY-MM-DD, YYYY-MM, YYYY or start/end", "year_inferred_from":
        "How a missing year was inferred (null when the text gives it)"}),
    "locations": ("Administrative units named in the article, one per (level, name)", {
        "level": "tỉnh, thành phố, huyện, quận, thị xã, xã, phường, thị trấn, thôn…",
        "name": "Name without the level word", "province": "Province (pre-2025)",
        "district": "District (pre-2025)", "status": "Gazetteer resolution: exact, inferred, ambiguous, unknown",
        "code": "Official code where known", "unit_2025": "The unit it belongs to since 1 July 2025",
        "province_2025": "Province since 1 July 2025", "candidates": "Candidates when ambiguous (JSON)",
        "place_id": "places.place_id of the resolved unit"}),
    "places": ("The administrative units the corpus touched (join locations on place_id)", {
        "place_id": "Official code, or the unit's path when it has none", "level": "Level word",
        "name": "Name", "district": "District (pre-2025)", "province": "Province (pre-2025)",
        "code": "Official code", "unit_2025": "The unit it belongs to since 1 July 2025",
        "province_2025": "Province since 1 July 2025"}),
    "officials": ("Named officials, mentions merged", {
        "name": "Full name", "honorific": "đồng chí, ông, bà", "rank": "Police/army rank",
        "titles": "Every title as written (JSON list)", "mentions": "Number of mentions merged",
        "organisations": "Organisations the titles name, normalized with the context's unit (JSON list)"}),
    "models": ("Named community-security models", {"name": "The model's name",
               "location": "Place the text ties it to", "quoted": "1 when the name was quoted"}),
    "counts": ("Numbers with their counted noun", {"value": "The number", "unit": "Counted noun",
               "qualifier": "more_than, nearly, about, at_least, less_than", "of": "M of N/M"}),
    "awards": ("Award tallies", {"award": "Award type", "issuer": "Issuer as written",
               "collectives": "Collectives awarded", "individuals": "Individuals awarded",
               "total": "Joint total when the text gives only one number",
               "issuer_org": "The issuer as a normalized organisation (Công an tỉnh → Công an tỉnh Hà Tĩnh)"}),
    "runs": ("One row per run of the pipeline", {}),
    "errors": ("Inputs that failed, per run", {"reason": "Why the input failed"}),
}


def metadata() -> dict[str, Any]:
    """The Datasette metadata document for a facts database."""
    tables: dict[str, Any] = {}
    for name, (desc, cols) in _TABLES.items():
        columns = dict(cols)
        if name in FACT_TABLES or name in ("segments", "sentences"):
            columns = {**{k: v for k, v in _COMMON.items() if k in ("article_id", "idx") or name in FACT_TABLES}, **columns}
        tables[name] = {"description": desc, "columns": columns}
    for view in VIEWS:
        tables[view] = {"description": "View joining facts to their article"}
    return {
        "title": "Facts from Vietnamese portal articles",
        "description": "Dates, locations, officials, models, counts and award tallies, each with its span.",
        "databases": {"facts": {"tables": tables}},
    }
