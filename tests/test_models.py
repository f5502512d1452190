"""Named models: golden cases (tests/cases/models.json) plus focused rule tests.

A case is {"req": portal-style sentence(s), "res": [{"name", "location"}, ...]}; the text runs
through page segmentation, the sentence split and the models extractor, under a dummy headline.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import load_cases, page_doc, sentence_doc
from extractor.segment import segment
from extractor.sentences import split_sentences
from extractor.document import Document
from extractor.extractors import models
from extractor.normalize import match_key

CASES = load_cases("models")
ROOT = Path(__file__).resolve().parents[1]
HEADLINE = "Bản tin tổng hợp hoạt động của lực lượng Công an cơ sở"


def _doc(body: str) -> Document:
    return page_doc(body, HEADLINE)


def run(body: str) -> list[dict]:
    return [{"name": m.name, "location": m.location} for m in models.extract(_doc(body))]


def _raw(text: str) -> Document:
    """One sentence over the whole text (no segmentation): for inputs no page would have."""
    return sentence_doc(text)


@pytest.mark.parametrize("case", CASES, ids=[c["req"][:50] for c in CASES])
def test_golden(case: dict) -> None:
    assert run(case["req"]) == case["res"]


def test_quoted_name_with_inner_spaces_and_odd_quotes() -> None:
    out = run("Xã ra mắt mô hình “ Khu dân cư tự quản ’ và mô hình ”Bến đò an toàn” trong tháng.")
    assert [m["name"] for m in out] == ["Khu dân cư tự quản", "Bến đò an toàn"]


def test_unquoted_name_ends_before_stop_words() -> None:
    out = run("Công an xã triển khai mô hình Tiếng kẻng an ninh của Đồn Biên phòng tại bản Pa Ham.")
    assert out == [{"name": "Tiếng kẻng an ninh", "location": "bản Pa Ham"}]


def test_generic_and_abbreviated_uses_are_not_names() -> None:
    assert run("Huyện nhân rộng mô hình điểm và mô hình ANTT ở các xã vùng sâu.") == []


def test_forum_quote_after_the_head_noun_is_not_a_model() -> None:
    assert run("Tỉnh gắn mô hình với diễn đàn “Nghe dân nói” tại các thôn.") == []


def test_one_fact_per_distinct_name_and_first_span_kept() -> None:
    doc = _doc("Ra mắt mô hình “Xóm trọ an toàn”. Mô hình “Xóm trọ an toàn” tại xã Tân Phú hoạt động tốt.")
    out = models.extract(doc)
    assert len(out) == 1
    assert out[0].location == "xã Tân Phú"
    assert doc.text[out[0].start:out[0].end] == "“Xóm trọ an toàn”"
    assert out[0].quoted is True


def test_unquoted_flag() -> None:
    (m,) = models.extract(_doc("Phường duy trì mô hình Camera an ninh tại khu phố 4."))
    assert m.quoted is False and m.location == "khu phố 4"


def test_seed_articles_match_gold_names() -> None:
    for stem in ("000_26ae2bb7e0312ef1", "001_d337eb233e5c4bdd", "004_910471721bbfbc24"):
        doc = Document(stem, (ROOT / "corpus" / f"{stem}.txt").read_text(encoding="utf-8"))
        segment(doc)
        split_sentences(doc)
        gold = json.loads((ROOT / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
        got = sorted(match_key(m.name) for m in models.extract(doc))
        assert got == sorted(match_key(m["name"]) for m in gold["models"]), stem


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(
    ["mô hình ", "Mô hình", "“", "”", "\"", "’", "Camera ", "an ninh", ", ", "; ", ": ", ". ", "tại ",
     "xã A", " và ", "các mô hình như: ", "diễn đàn ", "điểm", "Tổ ", "số 2"]), max_size=60).map("".join))
def test_never_raises_on_model_like_text(text: str) -> None:
    models.extract(_raw(text))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_never_raises_on_any_text(text: str) -> None:
    models.extract(_raw(text))


@pytest.mark.parametrize("text", [
    "1" * 100_000,
    "“" * 100_000,
    "mô hình “" * 20_000,
    "mô hình Camera an ninh, " * 20_000,
    "các mô hình như: " + "Camera an ninh, " * 30_000,
])
def test_adversarial_input_is_bounded(text: str) -> None:
    t = time.perf_counter()
    models.extract(_raw(text))
    assert time.perf_counter() - t < 10
