"""Counts: a number with its counted noun, per FACTS.md and gold/CONVENTIONS.md.

Golden cases (tests/cases/counts.json) are portal-style sentences with the counts expected from
them; they run through the counts extractor on a Document whose sentences are the case's
lines, so they test this extractor alone. Focused tests below name one rule each.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import load_cases
from extractor.document import Document
from extractor.extractors import counts
from extractor.models import Sentence

CASES = load_cases("counts")
KEYS = ("text", "value", "unit", "qualifier", "of")


def _doc(text: str) -> Document:
    """A Document whose sentences are the non-empty lines of ``text`` (no page segmentation)."""
    doc = Document("t", text)
    sents, pos = [], 0
    for line in doc.norm.split("\n"):
        if line.strip():
            start = pos + len(line) - len(line.lstrip())
            sents.append(Sentence(index=len(sents), start=start, end=pos + len(line.rstrip()), segment=0))
        pos += len(line) + 1
    doc.set_sentences(sents)
    return doc


def run(text: str) -> list[dict]:
    return [{k: getattr(c, k) for k in KEYS} for c in counts.extract(_doc(text))]


@pytest.mark.parametrize("case", CASES, ids=[c["req"][:50] for c in CASES])
def test_golden_case(case: dict) -> None:
    assert run(case["req"]) == case["res"]


def test_values_keep_their_type_int_when_whole() -> None:
    got = run("Thu giữ 03 khẩu súng và 3,8 kg thuốc nổ.")
    assert [(c["value"], type(c["value"])) for c in got] == [(3, int), (3.8, float)]


def test_multiplier_scales_and_the_unit_is_the_noun_after_it() -> None:
    assert run("Thu hút hơn 126 ngàn lượt người tham dự.") == [
        {"text": "hơn 126 ngàn lượt người", "value": 126000, "unit": "lượt người",
         "qualifier": "more_than", "of": None}]


def test_durations_ages_clock_times_and_percentages_are_not_counts() -> None:
    assert run("Sau 3 năm, trong 9 tháng đầu năm và 2 tuần, đối tượng 27 tuổi bị bắt lúc 22 giờ; "
               "tỷ lệ đạt 95%, giảm 4 phần trăm.") == []


def test_document_numbers_names_and_dates_are_not_counts() -> None:
    assert run("Thực hiện Kế hoạch 280/KH-CAT-PV28 ngày 12/6/2018, Phòng PV01 và Dự án 8 "
               "triển khai giai đoạn 2021-2025 tại Hố Nai 3.") == []


def test_numbers_inside_quotes_are_names() -> None:
    assert run("Xây dựng mô hình “5 không, 3 sạch” ở 12 thôn.") == [
        {"text": "12 thôn", "value": 12, "unit": "thôn", "qualifier": None, "of": None}]


def test_tren_before_a_place_noun_is_a_preposition_unless_a_quantity_verb_precedes() -> None:
    assert [c["qualifier"] for c in run("Mô hình hoạt động trên 05 lĩnh vực.")] == [None]
    assert [c["qualifier"] for c in run("Toàn tỉnh có trên 40 xã tham gia.")] == ["more_than"]
    assert [c["qualifier"] for c in run("Đã thanh loại trên 100 mô hình.")] == ["more_than"]


def test_article_mot_is_not_a_count_but_a_range_or_qualified_mot_is() -> None:
    assert run("Đây là một xã miền núi, tạo ra một địa bàn bình yên.") == []
    assert [c["value"] for c in run("Mỗi tổ từ một đến ba người.")] == [1, 3]


def test_nam_is_five_only_before_a_counted_noun_and_not_as_the_year() -> None:
    assert [c["value"] for c in run("Xã thành lập năm tổ tự quản.")] == [5]
    assert run("Trong năm tổ chức nhiều hoạt động; năm 2023 đạt kết quả tốt.") == []


def test_award_tallies_are_left_to_awards_but_the_same_nouns_count_elsewhere() -> None:
    assert run("Giám đốc Công an tỉnh tặng Giấy khen cho 4 tập thể, 6 cá nhân.") == []
    assert [c["value"] for c in run("Có 4 tập thể đăng ký thi đua.")] == [4]


def test_ratios_are_counts_even_when_the_dates_extractor_claims_them() -> None:
    doc = _doc("Đến nay 10/10 thôn đạt chuẩn.")
    from extractor.models import DateMention

    doc.dates = [DateMention(**doc.provenance(8, 13), value="2023-10-10")]
    got = counts.extract(doc)
    assert [(c.value, c.of, c.unit) for c in got] == [(10, 10, "thôn")]


def test_numbers_inside_claimed_award_spans_are_skipped() -> None:
    from extractor.models import AwardTally

    doc = _doc("Hội nghị trao 5 suất quà.")
    doc.awards = [AwardTally(**doc.provenance(0, len(doc.norm)), collectives=5, individuals=0)]
    assert counts.extract(doc) == []


def test_spans_point_at_the_stored_text() -> None:
    text = "Công an xã đã bắt 12 đối tượng."
    (c,) = counts.extract(_doc(text))
    assert text[c.start:c.end] == c.text == "12 đối tượng"


@pytest.mark.parametrize("text", [
    "1" * 100_000,
    "1." * 50_000,
    "1," * 50_000,
    "1/" * 50_000,
    "1-" * 50_000,
    "1 " * 50_000 + "vụ",
    "“" * 20_000 + "3 vụ",
    "\"" * 20_000,
    "hơn " * 20_000 + "3 vụ",
    "ba đến " * 20_000,
])
def test_adversarial_inputs_finish_fast(text: str) -> None:
    import time

    t = time.perf_counter()
    counts.extract(_doc(text))
    assert time.perf_counter() - t < 5


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("0123456789 ./,-–%:“”\"hđmkgtỷnămbaộụvhơntrê\n")
                                + ["năm", "vụ", "đối tượng", "hơn", "trên", "triệu", "tháng",
                                   "ba", "một", "Quận", "tập thể", "tặng", "lượt"]),
                max_size=80).map("".join))
def test_never_raises(text: str) -> None:
    for c in counts.extract(_doc(text)):
        assert c.value == c.value  # not NaN
        assert c.unit


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_any_string(text: str) -> None:
    counts.extract(_doc(text))


def _seed_f1() -> float:
    """F1 of counts on the seed articles (value + first unit syllable), without other extractors."""
    from extractor.score import unit_head
    from extractor.segment import segment
    from extractor.sentences import split_sentences

    root = Path(__file__).resolve().parent.parent
    tp = fp = fn = 0
    for gold_path in sorted((root / "gold").glob("0*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))["counts"]
        doc = Document(gold_path.stem, (root / "corpus" / f"{gold_path.stem}.txt").read_text(encoding="utf-8"))
        segment(doc)
        split_sentences(doc)
        pred = [(float(c.value), unit_head(c.unit)) for c in counts.extract(doc)]
        for g in gold:
            k = (float(g["value"]), unit_head(g["unit"]))
            if k in pred:
                pred.remove(k)
                tp += 1
            else:
                fn += 1
        fp += len(pred)
    return 2 * tp / (2 * tp + fp + fn)


def test_seed_articles_f1_floor() -> None:
    assert _seed_f1() >= 0.95


@pytest.mark.parametrize("case", CASES, ids=[c["req"][:50] for c in CASES])
def test_golden_case_through_the_whole_pipeline(case: dict) -> None:
    """The same cases through ``extractor.extract``: segmentation and the earlier extractors
    (dates, awards, locations, models) must leave these counts alone."""
    from extractor import extract

    got = [{k: c[k] for k in KEYS} for c in extract(case["req"]).contract()["counts"]]
    assert got == case["res"]


# The unit and cue patterns are compiled as prefix trees (forward) and suffix trees (reverse) for
# speed; they must match exactly what the plain longest-first alternation matches.
_UNIT_WORDS = sorted(counts._lexicon().units)
_PIECES = st.sampled_from(_UNIT_WORDS + [" ", "  ", "\t", ",", "5", "ông", "Người", "CÁN BỘ", "xe"])


@settings(max_examples=200)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_unit_trie_matches_what_the_plain_alternation_matches(text: str) -> None:
    import regex

    words = _UNIT_WORDS
    tree = regex.compile(rf"(?:{counts._trie(words)})(?![\p{{L}}])", regex.I)
    plain = regex.compile(rf"(?:{counts._alternation(words)})(?![\p{{L}}])", regex.I)
    rtree = regex.compile(rf"(?:{counts._rtrie(words)})\s*$", regex.I | regex.REVERSE)
    rplain = regex.compile(rf"(?:{counts._alternation(words)})\s*$", regex.I | regex.REVERSE)
    for i in range(len(text) + 1):
        a, b = tree.match(text, i), plain.match(text, i)
        assert (a and a.span()) == (b and b.span()), (text, i)
        a, b = rtree.search(text[:i]), rplain.search(text[:i])
        assert (a and a.span()) == (b and b.span()), (text, i)
