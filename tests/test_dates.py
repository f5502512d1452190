"""Dates and event_date: golden cases (tests/cases/dates.json) plus focused unit tests.

A case is {"req": text, "res": [expected dates], optional "published": ISO stamp given as the
container's hint, optional "event_date"}. Expected dates are compared in order of first mention
on "text" and "value" (and "year_inferred_from" when the case gives it).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, load_cases
from extractor.document import Document
from extractor.extractors import dates
from extractor.models import Sentence
from extractor.segment import segment
from extractor.sentences import split_sentences

CASES = load_cases("dates")
CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _doc(text: str, published: str | None = None) -> Document:
    doc = Document("t", text, published_hint=published)
    segment(doc)
    split_sentences(doc)
    return doc


def _one_sentence_doc(text: str, published: str | None = None) -> Document:
    """A document whose whole text is one body sentence (no segmentation, for odd inputs)."""
    doc = Document("t", text)
    doc.published = published
    doc.set_sentences([Sentence(index=0, start=0, end=len(doc.norm), segment=0)])
    return doc


@pytest.mark.parametrize("case", CASES, ids=[c["req"][:40] for c in CASES])
def test_golden_case(case: dict) -> None:
    doc = _doc(case["req"], case.get("published"))
    got = [m.model_dump() for m in dates.extract(doc)]
    want = case["res"]
    assert [g["value"] for g in got] == [w["value"] for w in want]
    for g, w in zip(got, want):
        for key, val in w.items():
            assert g[key] == val, (key, g, w)
    if "event_date" in case:
        assert dates.event_date(doc) == case["event_date"]


# -- focused unit tests ---------------------------------------------------------------------
def test_spans_point_at_the_stored_text() -> None:
    text = "Hội nghị sơ kết công tác năm 2023\n\nChiều ngày 20/10, Công an huyện tổ chức hội nghị."
    doc = _doc(text, "2023-10-21")
    for m in dates.extract(doc):
        assert text[m.start:m.end] == m.text


def test_ratio_after_a_weak_cue_is_not_a_date() -> None:
    doc = _one_sentence_doc("Đến nay, từ 10/10 thôn đã có tổ tự quản, đến 228/228 hộ tham gia.",
                            "2023-05-01")
    assert dates.extract(doc) == []


def test_bare_date_after_a_weak_cue_is_a_date() -> None:
    doc = _one_sentence_doc("Chương trình kéo dài đến 30/4, sau đó tổng kết.", "2023-03-01")
    assert [m.value for m in dates.extract(doc)] == ["2023-04-30"]


def test_year_less_date_without_any_context_is_dropped() -> None:
    doc = _one_sentence_doc("Sáng 20/10, Công an xã tổ chức hội nghị.")
    assert dates.extract(doc) == []


def test_document_numbers_and_names_are_not_dates() -> None:
    doc = _one_sentence_doc("Nghị định 30/2020/NĐ-CP, Quyết định số 1234/QĐ-UBND và Dự án 8 "
                            "được Ban Chỉ đạo 138 phổ biến.", "2023-03-01")
    assert dates.extract(doc) == []


def test_target_year_is_not_the_context_year() -> None:
    doc = _one_sentence_doc("Sáng 12/3, Công an xã triển khai kế hoạch năm 2023, phấn đấu đến "
                            "năm 2030 hoàn thành.")
    assert [m.value for m in dates.extract(doc)][0] == "2023-03-12"


@pytest.mark.parametrize(("m", "d", "anchor", "year"), [
    (12, 28, dt.date(2024, 1, 5), 2023),   # days before the stamp, across new year
    (6, 13, dt.date(2023, 10, 13), 2023),  # months before the stamp
    (10, 20, dt.date(2023, 10, 13), 2023),  # a week ahead: an announced event
    (1, 2, dt.date(2023, 12, 28), 2024),   # days ahead, across new year
    (11, 20, dt.date(2023, 3, 1), 2022),   # far ahead: last year's date
])
def test_closest_year(m: int, d: int, anchor: dt.date, year: int) -> None:
    assert dates._closest_year(m, d, anchor, dates._FUTURE_PENALTY) == year


def test_event_date_none_for_a_review_article() -> None:
    text = ("Hiệu quả công tác xây dựng mô hình tự quản ở cơ sở\n\n"
            "Xác định công tác xây dựng mô hình có vai trò quan trọng, lực lượng Công an huyện đã "
            "tích cực phối hợp với các ban, ngành tuyên truyền, vận động Nhân dân tham gia.\n\n"
            "Năm 2022, toàn huyện xây dựng mới 15 mô hình; ngày 5/3/2022, một vụ trộm được phát "
            "hiện nhờ camera.")
    assert dates.event_date(_doc(text, "2023-01-10")) is None


def test_event_date_mid_sentence_beside_an_event_word() -> None:
    text = ("Xã Tân Lập tổ chức Ngày hội toàn dân bảo vệ an ninh Tổ quốc\n\n"
            "Nhằm biểu dương các tập thể tiêu biểu, chiều ngày 10/8, Ban Chỉ đạo xã Tân Lập đã tổ "
            "chức Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2022.")
    assert dates.event_date(_doc(text)) == "2022-08-10"


def test_lexicon_has_every_role() -> None:
    words = dates._words()
    assert set(words) == set(dates._ROLES)
    assert all(words[r] for r in dates._ROLES)


@pytest.mark.parametrize("text", [
    "1" * 100_000,
    "1/" * 50_000,
    "ngày 1/" * 30_000,
    "2021-" * 40_000,
    "tháng " * 50_000 + "1",
    "“" * 100_000,
    "năm 2021 - " * 20_000,
    " 7 tháng đầu năm" * 20_000,
    "thứ hai , " * 30_000 + "20/10",
    "1.1." * 50_000,
])
def test_adversarial_inputs_finish_quickly(text: str) -> None:
    t = time.perf_counter()
    doc = _one_sentence_doc(text, "2023-01-01")
    dates.extract(doc)
    dates.event_date(doc)
    assert time.perf_counter() - t < 5.0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("0123456789/-.–, ()năm tháng ngày quý IVđầu cuối"
                                             "sáng chiều từ đến giai đoạn Ngày\n")), max_size=200),
       st.one_of(st.none(), st.sampled_from(["2023-01-05", "2020-05-11T23:39", "bad", "2023-13"])))
def test_never_raises_on_date_like_noise(text: str, published: str | None) -> None:
    doc = _one_sentence_doc(text, published)
    for m in dates.extract(doc):
        assert m.value
    dates.event_date(doc)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_through_segmentation(text: str) -> None:
    doc = _doc(text)
    dates.extract(doc)
    dates.event_date(doc)


def test_months_of_a_year_without_dau_cuoi_are_a_span() -> None:
    """ "trong 10 tháng năm 2023" is January–October, not the bare year; 12 months is the year."""
    doc = _doc("Báo cáo công tác\n\nTrong 10 tháng năm 2023, Công an huyện bắt giữ 15 đối tượng.")
    assert [m.value for m in dates.extract(doc)] == ["2023-01/2023-10"]
    doc = _doc("Báo cáo công tác\n\nKết quả 12 tháng năm 2023 được đánh giá cao.")
    assert [m.value for m in dates.extract(doc)] == ["2023"]


def test_day_without_month_before_a_year_is_not_a_span() -> None:
    doc = _one_sentence_doc("Sáng ngày 10 tháng năm 2023, hội nghị khai mạc.")
    assert all("/" not in m.value for m in dates.extract(doc))


# The digit- and "tháng"-led patterns are matched only where one scan says a date can start
# (dates._core_matches); they must find exactly what a full finditer of each pattern finds. A
# pattern edited to accept a new shape must be added to the scan, or these tests fail.
_DATE_PIECES = ["5", "05", "20", "12", "2024", "1999", "/", " / ", "-", " - ", "–", ".", ",", ", ",
                " ", "  ", "ngày ", "tháng ", "Tháng ", "năm ", " đến ", " tới ", " và ", "quý ",
                "hôm nay ", "(", ")", "x", "Ngày", "٣"]


# every pattern that starts with a day/month number, a year or "tháng" (dates._patterns)
_SCANNED_CORES = ("dmy", "dm_words", "dm_range", "day_range", "day_pair", "dm", "my_bare",
                  "bare_year", "year_range", "my", "month_range", "month", "half")


def _core_spans(text: str) -> tuple[dict[str, list[tuple[int, int]]], dict[str, list[tuple[int, int]]]]:
    p = dates._patterns()
    fast: dict[str, list[tuple[int, int]]] = {}
    for scan, table in ((p.digit_start, dates._DIGIT_CORES), (p.thang_start, dates._THANG_CORES)):
        for k, ms in dates._core_matches(scan, table, text, 0, len(text)).items():
            fast[k] = [m.span() for m in ms]
    full = {k: [m.span() for m in getattr(p, k).finditer(text)] for k in _SCANNED_CORES}
    return {k: fast.get(k, []) for k in _SCANNED_CORES}, full


@given(st.lists(st.sampled_from(_DATE_PIECES), max_size=25).map("".join))
def test_cores_found_from_one_scan_equal_a_full_scan(text: str) -> None:
    fast, full = _core_spans(text)
    assert fast == full


def test_cores_found_from_one_scan_equal_a_full_scan_on_the_corpus() -> None:
    n = 0
    for path in sorted(CORPUS.glob("*.txt")):
        fast, full = _core_spans(Document("x", path.read_text(encoding="utf-8")).norm)
        assert fast == full, path.name
        n += sum(map(len, full.values()))
    assert n > 500
