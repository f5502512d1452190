"""Cross-fact resolution after extraction: the event date, and organisations named by level.

"Công an tỉnh", "UBND huyện", "Huyện ủy" in a title or an award issuer name the unit the
article's context names: the province, district or commune its locations point to. Such an
organisation is normalized ("Công an tỉnh Hà Tĩnh", "Ủy ban nhân dân huyện Hương Khê") and
stored beside the text as written. When the context names no single unit of that level, the
organisation keeps its level without a name rather than a guess.
"""

from __future__ import annotations

from functools import cache, lru_cache

import regex

from .pattern_cache import regex_compile
from .patterns import longest_first
from .document import Document
from .models import LocationMention
from .normalize import fold_tones
from .resources import load_tsv

# level words as written → the level they name
_LEVEL_WORDS = {"tỉnh": "tỉnh", "thành phố": "thành phố", "tp.": "thành phố", "tp": "thành phố",
                "huyện": "huyện", "quận": "quận", "thị xã": "thị xã", "tx.": "thị xã", "tx": "thị xã",
                "xã": "xã", "phường": "phường", "thị trấn": "thị trấn", "tt.": "thị trấn", "tt": "thị trấn"}
_DISTRICT_LEVELS = {"huyện", "quận", "thị xã", "thành phố"}
_COMMUNE_LEVELS = {"xã", "phường", "thị trấn"}
# cities directly under the central government: "thành phố" of province rank
_CENTRAL_CITIES = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}


@cache
def _org_pattern() -> tuple[regex.Pattern[str], dict[str, tuple[str, str]]]:
    rows = load_tsv("organisations.tsv")
    heads = {r["head"].casefold(): (r["full"], r["level"]) for r in rows}
    alt_heads = "|".join(regex.escape(h) for h in longest_first(heads))
    alt_levels = "|".join(regex.escape(w) for w in longest_first(_LEVEL_WORDS))
    name = r"(?:\d{1,3}\b|\p{Lu}[\p{L}\p{M}]*(?:\s+\p{Lu}[\p{L}\p{M}]*){0,3})"
    pat = regex_compile(
        rf"(?<![\p{{L}}])(?P<head>{alt_heads})(?![\p{{L}}])"
        rf"(?:\s+(?P<level>{alt_levels})(?![\p{{L}}]))?(?:\s+(?P<name>(?-i:{name})))?", regex.I)
    return pat, heads


def _context_units(doc: Document) -> dict[str, str | None]:
    """The single unit the article names at each level (None when none or several)."""
    locs: list[LocationMention] = doc.locations
    # province → mentions: its own (tỉnh), as a parent, as a central city; one pass
    provinces: dict[str, int] = {}
    districts: set[tuple[str, str]] = set()
    communes: set[tuple[str, str]] = set()
    for l in locs:
        level, name = l.level, l.name
        if level == "tỉnh":
            provinces[name] = provinces.get(name, 0) + 1
        elif l.province:
            provinces[l.province] = provinces.get(l.province, 0) + 1
        if level == "thành phố" and name in _CENTRAL_CITIES:
            provinces[name] = provinces.get(name, 0) + 1
        elif level in _DISTRICT_LEVELS:
            districts.add((level, name))
        elif level in _COMMUNE_LEVELS:
            communes.add((level, name))
    out: dict[str, str | None] = {"tỉnh": None, "district": None, "commune": None}
    if provinces:  # the one most named, none on a tie
        top = max(provinces.values())
        best = [p for p, n in provinces.items() if n == top]
        if len(best) == 1:
            out["tỉnh"] = best[0]
    if len(districts) == 1:
        out["district_level"], out["district"] = next(iter(districts))
    if len(communes) == 1:
        out["commune_level"], out["commune"] = next(iter(communes))
    return out


@lru_cache(maxsize=2048)
def _parse(text: str) -> tuple[str, str | None, bool, str | None] | None:
    """(full head, level, whether a level word was written, name) of the organisation a title
    or issuer names, before the context fills the unit. Memoised: the same few dozen titles
    ("Giám đốc Công an tỉnh") recur across articles; bounded, titles are arbitrary text."""
    pat, heads = _org_pattern()
    m = pat.search(fold_tones(text))
    if not m:
        return None
    full, implied = heads[m["head"].casefold()]
    level = _LEVEL_WORDS.get((m["level"] or "").casefold()) or implied or None
    # the head already carries its level ("Huyện ủy") or takes the level word
    return full, level, bool(implied and not m["level"]), m["name"]


def organisation(text: str | None, context: dict[str, str | None]) -> str | None:
    """The normalized organisation a title or issuer names, with the unit filled from context."""
    if not text:
        return None
    got = _parse(text)
    if got is None:
        return None
    full, level, head_only, name = got
    if level is None:
        return full if name is None else f"{full} {name}"
    if name is None:
        if level == "tỉnh":
            name = context.get("tỉnh")
        elif level == "thành phố" and context.get("tỉnh") in _CENTRAL_CITIES:
            name = context.get("tỉnh")
        elif level in _DISTRICT_LEVELS and context.get("district_level") == level:
            name = context.get("district")
        elif level in _COMMUNE_LEVELS and context.get("commune_level") == level:
            name = context.get("commune")
    label = full if head_only else f"{full} {level}"
    return f"{label} {name}" if name else label


def resolve(doc: Document) -> None:
    from .extractors.dates import event_date

    doc.event_date = event_date(doc)
    context = _context_units(doc)
    for i, o in enumerate(doc.officials):
        orgs = []
        for t in o.titles:
            org = organisation(t, context)
            if org and org not in orgs:
                orgs.append(org)
        if orgs:
            doc.officials[i] = o.model_copy(update={"organisations": orgs})
    for i, a in enumerate(doc.awards):
        org = organisation(a.issuer, context)
        if org:
            doc.awards[i] = a.model_copy(update={"issuer_org": org})
    doc.province = context.get("tỉnh")
