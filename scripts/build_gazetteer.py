"""Build ``src/extractor/resources/gazetteer.json`` from data shipped in installed packages.

Source of names and of the 1 July 2025 reorganisation: underthesea's
``address/data/mapping.json`` (63 pre-2025 provinces, ~10 000 (province, district, ward)
triples, each with its post-2025 province and ward). Official codes (GSO codes of provinces,
districts and wards, before and after 2025) come from ``vietnamadminunits``'s
``data/dataset.db`` when that package is installed (it is read as a file; its Python code is
not imported); without it every code is null.

Index layout (lists of rows, referenced by position; one row per line so diffs stay small):
  provinces       [level, name, code, index in provinces_2025]          pre-2025 provinces
  provinces_2025  [level, name, code]                                    post-2025 provinces
  districts       [province index, level, name, code]                    pre-2025 districts
  wards           [district index, level, name, code, [[ward_2025 index, default], ...]]
  wards_2025      [province_2025 index, level, name, code]               post-2025 communes

Run: ``.venv/bin/python scripts/build_gazetteer.py`` (``--check`` exits 1 when the committed
file differs from a fresh build).
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
import unicodedata
from pathlib import Path
from typing import Any

import regex

OUT = Path(__file__).resolve().parents[1] / "src" / "extractor" / "resources" / "gazetteer.json"

# Level words as they prefix official names, longest first.
_LEVELS = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã")


def _package_file(package: str, *parts: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    p = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    return p if p.exists() else None


def clean_name(name: str) -> str:
    """NFC, one tone placement (extractor.normalize.fold_tones), one apostrophe, " - " → "-",
    single spaces: the form the gazetteer stores, so that its key is just ``casefold()``."""
    from extractor.normalize import fold_tones

    s = unicodedata.normalize("NFC", name)
    s = regex.sub(r"[’‘`´]", "'", s)
    s = regex.sub(r"\s*[-–—]\s*", "-", s)
    s = regex.sub(r"\s+", " ", s).strip()
    return fold_tones(s)


def split_level(full: str) -> tuple[str, str]:
    """"Huyện Hương Khê" → ("huyện", "Hương Khê"), the name cleaned by :func:`clean_name`."""
    full = unicodedata.normalize("NFC", " ".join(full.split()))
    low = full.casefold()
    for lv in _LEVELS:
        if low.startswith(lv + " "):
            return lv, clean_name(full[len(lv) + 1:])
    raise ValueError(f"no level word in {full!r}")


def _codes() -> tuple[dict, dict, dict, dict, dict]:
    """Code tables keyed like underthesea's keys, from vietnamadminunits when installed."""
    prov: dict[str, str] = {}
    dist: dict[tuple[str, str], str] = {}
    ward: dict[tuple[str, str, str], str] = {}
    prov25: dict[str, str] = {}
    ward25: dict[tuple[str, str], tuple[str, str]] = {}
    db = _package_file("vietnamadminunits", "data", "dataset.db")
    if db is None:
        return prov, dist, ward, prov25, ward25
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        for pk, dk, wk, pc, dc, wc in con.execute(
                "select provinceKey, districtKey, wardKey, provinceCode, districtCode, wardCode "
                "from admin_units_legacy"):
            prov[pk] = pc
            dist[(pk, dk)] = dc
            ward[(pk, dk, wk)] = wc
        for pk, wk, pc, wc, wname in con.execute(
                "select provinceKey, wardKey, provinceCode, wardCode, ward from admin_units"):
            prov25[pk] = pc
            ward25[(pk, wk)] = (wc, wname)
    finally:
        con.close()
    return prov, dist, ward, prov25, ward25


def build(mapping_path: Path | None = None) -> dict[str, Any]:
    """The index as a JSON-ready dict (deterministic order)."""
    path = mapping_path or _package_file("underthesea", "address", "data", "mapping.json")
    if path is None:
        raise RuntimeError("underthesea's address/data/mapping.json is not installed")
    data = json.loads(path.read_text(encoding="utf-8"))
    pcode, dcode, wcode, p25code, w25 = _codes()

    provinces_2025: list[list] = []
    p25_index: dict[str, int] = {}
    for key, info in sorted(data["province_names"].items(), key=lambda kv: kv[1]["code"]):
        lv, name = split_level(info["name"])
        p25_index[key] = len(provinces_2025)
        provinces_2025.append([lv, name, p25code.get(key, info.get("code"))])

    provinces: list[list] = []
    p_index: dict[str, int] = {}
    for key, info in sorted(data["old_province_names"].items(), key=lambda kv: kv[1]["code"]):
        lv, name = split_level(info["name"])
        p_index[key] = len(provinces)
        new_key = data["province_mapping"].get(key)
        provinces.append([lv, name, pcode.get(key, info.get("code")),
                          p25_index.get(new_key) if new_key else None])

    districts: list[list] = []
    d_index: dict[tuple[str, str], int] = {}
    wards_2025: list[list] = []
    w25_index: dict[tuple[str, str], int] = {}
    ward_rows: dict[tuple[str, str, str], list] = {}

    rows = sorted(data["ward_mapping"], key=lambda r: (
        r["old_province_key"], r["old_district_key"], r["old_ward_key"], r["new_ward_key"]))
    for r in rows:
        pk, dk, wk = r["old_province_key"], r["old_district_key"], r["old_ward_key"]
        if pk not in p_index:
            continue
        if (pk, dk) not in d_index:
            lv, name = split_level(r["old_district"])
            d_index[(pk, dk)] = len(districts)
            districts.append([p_index[pk], lv, name, dcode.get((pk, dk))])
        # the post-2025 commune
        npk, nwk = r["new_province_key"], r["new_ward_key"]
        new_i = None
        new_name = r["new_ward"] or (w25.get((npk, nwk), (None, None))[1] or "")
        if new_name and npk in p25_index:
            if (npk, nwk) not in w25_index:
                lv, name = split_level(new_name)
                w25_index[(npk, nwk)] = len(wards_2025)
                wards_2025.append([p25_index[npk], lv, name, w25.get((npk, nwk), (None,))[0]])
            new_i = w25_index[(npk, nwk)]
        if not r["old_ward"]:
            continue  # a district that became a special zone as a whole (no old commune)
        if (pk, dk, wk) not in ward_rows:
            lv, name = split_level(r["old_ward"])
            ward_rows[(pk, dk, wk)] = [d_index[(pk, dk)], lv, name, wcode.get((pk, dk, wk)), []]
        if new_i is not None:
            ward_rows[(pk, dk, wk)][4].append([new_i, 1 if r.get("is_default") else 0])

    wards = list(ward_rows.values())
    for w in wards:  # default first, then by index: deterministic
        w[4].sort(key=lambda x: (-x[1], x[0]))
    return {
        "_comment": [
            "Generated by scripts/build_gazetteer.py; do not edit by hand.",
            "Names: underthesea address/data/mapping.json (source: "
            + str(data.get("metadata", {}).get("source")) + " "
            + str(data.get("metadata", {}).get("version")) + ", effective "
            + str(data.get("metadata", {}).get("effective_date")) + ").",
            "Codes: vietnamadminunits data/dataset.db (GSO codes) when installed at build time.",
        ],
        "provinces": provinces,
        "provinces_2025": provinces_2025,
        "districts": districts,
        "wards": wards,
        "wards_2025": wards_2025,
    }


def dumps(index: dict[str, Any]) -> str:
    """One row per line so that diffs of the committed file stay readable."""
    parts = ["{"]
    keys = list(index)
    for ki, k in enumerate(keys):
        v = index[k]
        parts.append(f"{json.dumps(k)}: [")
        for i, row in enumerate(v):
            sep = "," if i < len(v) - 1 else ""
            parts.append("  " + json.dumps(row, ensure_ascii=False, separators=(",", ":")) + sep)
        parts.append("]" + ("," if ki < len(keys) - 1 else ""))
    parts.append("}")
    return "\n".join(parts) + "\n"


def main(argv: list[str]) -> int:
    text = dumps(build())
    if "--check" in argv:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} differs from a fresh build")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(text.encode()) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
