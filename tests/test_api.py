"""The Python API: the same pipeline the CLI runs, one article or a stream."""

from __future__ import annotations

from conftest import CORPUS

from extractor import extract, extract_many
from extractor.models import ArticleFacts


def test_extract_one_article() -> None:
    text = (CORPUS / "000_26ae2bb7e0312ef1.txt").read_text(encoding="utf-8")
    rec = extract(text, article_id="000")
    assert isinstance(rec, ArticleFacts) and rec.article_id == "000"
    thien = next(o for o in rec.officials if o.name == "Nguyễn Hữu Thiên")
    assert (thien.honorific, thien.rank, thien.titles) == ("đồng chí", "Đại tá", ["Phó Giám đốc Công an tỉnh"])
    assert rec.event_date == "2022-10-20"
    assert {(a.collectives, a.individuals) for a in rec.awards} == {(4, 6), (4, 2)}
    for c in rec.counts:
        assert text[c.start:c.end] == c.text


def test_extract_many_streams_pairs_and_bare_texts() -> None:
    items = iter([("a", "Ngày 5/3/2023, Công an xã Tân Phú ra mắt mô hình “Camera an ninh” với 24 camera."),
                  "Sáng 2/9/2024, huyện Hương Khê tổ chức lễ kỷ niệm."])
    recs = list(extract_many(items))
    assert recs[0].article_id == "a" and [m.name for m in recs[0].models] == ["Camera an ninh"]
    assert len(recs[1].article_id) == 16 and recs[1].dates[0].value == "2024-09-02"
