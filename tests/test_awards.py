"""Award tallies: golden cases (tests/cases/awards.json) plus focused rule tests.

A case is {"req": portal-style sentence(s), "res": [{"award", "issuer", "collectives",
"individuals", "total"}, ...]}; the text runs through page segmentation, the sentence split and
the awards extractor, under a dummy headline.
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
from extractor.extractors import awards

CASES = load_cases("awards")
ROOT = Path(__file__).resolve().parents[1]
KEYS = ("award", "issuer", "collectives", "individuals", "total")
HEADLINE = "Bản tin tổng hợp hoạt động của lực lượng Công an cơ sở"


def _doc(body: str) -> Document:
    return page_doc(body, HEADLINE)


def run(body: str) -> list[dict]:
    return [{k: getattr(a, k) for k in KEYS} for a in awards.extract(_doc(body))]


def _raw(text: str) -> Document:
    return sentence_doc(text)


@pytest.mark.parametrize("case", CASES, ids=[c["req"][:50] for c in CASES])
def test_golden(case: dict) -> None:
    assert run(case["req"]) == case["res"]


def test_span_covers_the_numbers() -> None:
    doc = _doc("Nhân dịp này, Công an tỉnh tặng Giấy khen cho 4 tập thể, 6 cá nhân có thành tích.")
    (a,) = awards.extract(doc)
    text = doc.text[a.start:a.end]
    assert "4 tập thể" in text and "6 cá nhân" in text
    assert a.text == text


def test_issuer_does_not_carry_over_without_cung_cap() -> None:
    out = run("Giám đốc Công an tỉnh tặng Giấy khen cho 2 tập thể. "
              "Tại buổi lễ, cũng trao Giấy khen cho 5 cá nhân tiêu biểu.")
    assert [(a["issuer"], a["individuals"]) for a in out] == [("Giám đốc Công an tỉnh", 0), (None, 5)]


def test_receiving_subject_is_not_the_issuer() -> None:
    out = run("Ngày 5/9, 3 cá nhân của Công an xã nhận Bằng khen của Chủ tịch UBND tỉnh.")
    assert out == [{"award": "Bằng khen", "issuer": "Chủ tịch UBND tỉnh",
                    "collectives": 0, "individuals": 3, "total": None}]


def test_caption_restating_a_body_tally_counts_once() -> None:
    body = ("Dịp này, UBND tỉnh tặng Bằng khen cho 2 tập thể có thành tích xuất sắc trong phong trào.\n\n"
            "Đồng chí Phó Chủ tịch UBND tỉnh trao Bằng khen cho 2 tập thể\n\n"
            "Hội nghị cũng đề ra nhiều giải pháp trong thời gian tới để nâng cao hiệu quả công tác.")
    assert len(run(body)) == 1


def test_grand_total_alone_is_a_tally() -> None:
    out = run("Tổng cộng có 20 tập thể, cá nhân được UBND huyện khen thưởng trong năm.")
    assert [(a["total"], a["collectives"]) for a in out] == [(20, None)]


def test_seed_articles_match_gold_tallies() -> None:
    for stem in ("000_26ae2bb7e0312ef1", "001_d337eb233e5c4bdd", "002_f06cab75216dcbd6",
                 "003_2fc2e09f4aeebeb8", "004_910471721bbfbc24"):
        doc = Document(stem, (ROOT / "corpus" / f"{stem}.txt").read_text(encoding="utf-8"))
        segment(doc)
        split_sentences(doc)
        gold = json.loads((ROOT / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
        got = [(a.award, a.collectives, a.individuals) for a in awards.extract(doc)]
        assert got == [(a["award"], a["collectives"], a["individuals"]) for a in gold["awards"]], stem


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(
    ["tặng ", "Giấy khen ", "của ", "cho ", "4 ", "tập thể", "cá nhân", ", ", " và ", "; ", "“", "”",
     "Công an xã A ", "khen thưởng ", "Tổng cộng ", "sáu ", "danh hiệu ", "Huân chương ", "đồng chí "]),
    max_size=60).map("".join))
def test_never_raises_on_award_like_text(text: str) -> None:
    for a in awards.extract(_raw(text)):
        assert a.start <= a.end


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_never_raises_on_any_text(text: str) -> None:
    awards.extract(_raw(text))


@pytest.mark.parametrize("text", [
    "1" * 100_000,
    "Giấy khen cho " * 30_000,
    "giấy khen của " * 30_000,
    "tặng Giấy khen cho 4 tập thể, 6 cá nhân và " * 5_000,
    "Chủ tịch UBND tỉnh, " * 30_000 + "tặng Bằng khen cho 5 tập thể",
])
def test_adversarial_input_is_bounded(text: str) -> None:
    t = time.perf_counter()
    awards.extract(_raw(text))
    assert time.perf_counter() - t < 10


def test_passive_subject_is_the_recipient_not_its_apposition() -> None:
    (a,) = run("Anh Lý Văn Tài, Trưởng bản Huổi Một, vinh dự được Chủ tịch UBND tỉnh tặng "
               "Bằng khen.")
    assert (a["collectives"], a["individuals"], a["issuer"]) == (0, 1, "Chủ tịch UBND tỉnh")


def test_passive_award_with_a_recipient_list_after_it_is_not_a_subject_tally() -> None:
    out = run("Công an huyện được UBND tỉnh tặng Bằng khen cho 2 tập thể và 5 cá nhân.")
    assert [(a["collectives"], a["individuals"]) for a in out] == [(2, 5)]


def test_bound_recipients_stay_fast_on_repeated_passives() -> None:
    text = "Công an xã A, " * 3000 + "được UBND tỉnh tặng Bằng khen. " * 500
    t0 = time.perf_counter()
    awards.extract(_raw(text))
    assert time.perf_counter() - t0 < 2.0


def test_direct_object_of_tang_after_the_award_is_the_recipient() -> None:
    out = run("Đồng chí Bí thư Tỉnh ủy trao Huân chương Bảo vệ Tổ quốc hạng Nhì của Chủ tịch nước "
              "tặng Công an thành phố.")
    assert out == [{"award": "Huân chương Bảo vệ Tổ quốc hạng Nhì", "issuer": "Chủ tịch nước",
                    "collectives": 1, "individuals": 0, "total": None}]


def test_gift_without_an_award_word_is_not_a_tally() -> None:
    assert run("Đoàn công tác đã tặng Công an xã Tân Lập 20 suất quà và 5 bộ bàn ghế.") == []
