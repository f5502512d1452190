"""The gazetteer: committed index = fresh build from package data; lookups; load time."""

from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path

import pytest

from extractor import gazetteer as G

ROOT = Path(__file__).resolve().parents[1]


def _builder():
    spec = importlib.util.spec_from_file_location("build_gazetteer",
                                                  ROOT / "scripts" / "build_gazetteer.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _strip_codes(index: dict) -> dict:
    """The index without code columns (codes need vietnamadminunits at build time)."""
    code_col = {"provinces": 2, "provinces_2025": 2, "districts": 3, "wards": 3, "wards_2025": 3}
    out = {}
    for k, rows in index.items():
        if k in code_col:
            rows = [r[:code_col[k]] + r[code_col[k] + 1:] for r in rows]
        out[k] = rows
    return out


def test_committed_index_matches_fresh_build():
    b = _builder()
    fresh = json.loads(b.dumps(b.build()))
    committed = json.loads((ROOT / "src" / "extractor" / "resources" / "gazetteer.json")
                           .read_text("utf-8"))
    if importlib.util.find_spec("vietnamadminunits") is None:
        assert _strip_codes(fresh) == _strip_codes(committed), \
            "gazetteer.json drifted from underthesea's data: run scripts/build_gazetteer.py"
    else:
        assert fresh == committed, "gazetteer.json drifted: run scripts/build_gazetteer.py"


def test_split_level():
    b = _builder()
    assert b.split_level("Huyện Hương Khê") == ("huyện", "Hương Khê")
    assert b.split_level("Thị trấn Bằng Lũng") == ("thị trấn", "Bằng Lũng")
    assert b.split_level("Thành phố Hồ Chí Minh") == ("thành phố", "Hồ Chí Minh")
    assert b.split_level("Xã Hoà Bình") == ("xã", "Hòa Bình")  # tone placement folded


def test_counts():
    g = G.gazetteer()
    tiers = {}
    for u in g.units:
        tiers[u.tier] = tiers.get(u.tier, 0) + 1
    assert tiers["province"] == 63 and tiers["province_2025"] == 34
    assert 690 <= tiers["district"] <= 720 and tiers["commune"] > 9900


def test_lookups():
    g = G.gazetteer()
    (u,) = g.lookup("Bằng Lũng", {"thị trấn"})
    assert (u.district_name, u.province_name) == ("Chợ Đồn", "Bắc Kạn")
    assert {x.province_name for x in g.lookup("lộc yên", {"xã"}, current=False)} == \
        {"Hà Tĩnh", "Lạng Sơn"}
    assert g.lookup("Biên Hoà", {"thành phố"})[0].province_name == "Đồng Nai"  # hoà = hòa
    assert g.lookup_loose("Lôc Yên", {"xã"})  # typo tolerance
    assert g.lookup("Việt Nam") == ()
    assert g.provinces("Thừa Thiên Huế")[0].name == "Huế"  # former name


def test_unique_parent():
    g = G.gazetteer()
    assert g.unique_parent(g.lookup("Khuôn Hà", {"xã"}), "district").name == "Lâm Bình"
    assert g.unique_parent(g.lookup("Lộc Yên", {"xã"}, current=False), "province") is None


def test_successors_of_divided_commune_default_first():
    g = G.gazetteer()
    divided = [u for u in g.units if u.tier == "commune" and len(u.successors) > 1]
    assert divided
    assert all(u.successors[0][1] or not any(d for _, d in u.successors) for u in divided)


def test_loads_fast():
    G.gazetteer.cache_clear()
    t = time.perf_counter()
    G.gazetteer()
    assert time.perf_counter() - t < 0.5  # ~50 ms on an idle dev machine; slack for a busy CI
