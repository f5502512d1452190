"""Organisations named by level resolve to the unit the article's context names."""

from __future__ import annotations

import pytest

from extractor import extract
from extractor.resolve import organisation

CTX = {"tỉnh": "Hà Tĩnh", "district": "Hương Khê", "district_level": "huyện", "commune": None}


@pytest.mark.parametrize(("text", "org"), [
    ("Phó Giám đốc Công an tỉnh", "Công an tỉnh Hà Tĩnh"),
    ("Chủ tịch UBND huyện", "Ủy ban nhân dân huyện Hương Khê"),
    ("Giám đốc công an tỉnh", "Công an tỉnh Hà Tĩnh"),
    ("Tỉnh uỷ viên", "Tỉnh ủy Hà Tĩnh"),
    ("Bí thư Huyện ủy Hàm Thuận Nam", "Huyện ủy Hàm Thuận Nam"),
    ("Chủ tịch UBND tỉnh Nghệ An", "Ủy ban nhân dân tỉnh Nghệ An"),
    ("Trưởng Công an xã", "Công an xã"),  # the context names no single commune: no guess
    ("Phó Cục trưởng Cục Cảnh sát giao thông", None),
])
def test_organisation_in_a_title(text: str, org: str | None) -> None:
    assert organisation(text, CTX) == org


def test_an_article_resolves_its_titles_and_issuers() -> None:
    rec = extract("Công an huyện Hương Khê tổ chức hội nghị\n\n"
                  "Chiều ngày 20/10/2022, Công an huyện Hương Khê phối hợp với UBND xã Lộc Yên, huyện Hương Khê, "
                  "Hà Tĩnh tổ chức hội nghị sơ kết. Dự hội nghị có đồng chí Đại tá Nguyễn Hữu Thiên, "
                  "Phó Giám đốc Công an tỉnh. Hội nghị đã trao giấy khen của Giám đốc Công an tỉnh cho 4 tập thể, "
                  "6 cá nhân.\n")
    assert rec.province == "Hà Tĩnh"
    assert rec.officials[0].organisations == ["Công an tỉnh Hà Tĩnh"]
    assert rec.awards[0].issuer_org == "Công an tỉnh Hà Tĩnh"
