"""Officials: golden cases (tests/cases/officials.json) plus focused unit tests.

A case is {"req": text, "res": [expected officials]}; each expected official is compared on
name, honorific, rank and the set of titles (order of titles is not meaningful), and the
list of officials in order of first mention.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import load_cases, sentence_doc
from extractor import extract
from extractor.document import Document
from extractor.extractors import officials
from extractor.segment import segment
from extractor.sentences import split_sentences

CASES = load_cases("officials")
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
HEAD = "Hội nghị sơ kết phong trào toàn dân bảo vệ an ninh Tổ quốc\n\n"


def _doc(text: str) -> Document:
    doc = Document("t", text)
    segment(doc)
    split_sentences(doc)
    return doc


_one_sentence_doc = sentence_doc  # the whole text as one body sentence, for odd inputs


def _facts(text: str) -> list[dict]:
    return [{"name": o.name, "honorific": o.honorific, "rank": o.rank, "titles": sorted(o.titles)}
            for o in officials.extract(_doc(text))]


@pytest.mark.parametrize("case", CASES, ids=[c["req"][len(HEAD):][:50] for c in CASES])
def test_golden_case(case: dict) -> None:
    want = [{**w, "titles": sorted(w["titles"])} for w in case["res"]]
    assert _facts(case["req"]) == want


def test_pipeline_contract_shape() -> None:
    text = HEAD + "Dự hội nghị có đồng chí Đại tá Trần Văn Hùng, Phó Giám đốc Công an tỉnh."
    rec = extract(text).contract()
    (o,) = rec["officials"]
    assert {k: o[k] for k in ("name", "honorific", "rank", "titles")} == {
        "name": "Trần Văn Hùng", "honorific": "đồng chí", "rank": "Đại tá",
        "titles": ["Phó Giám đốc Công an tỉnh"]}
    assert text[o["span"][0]:o["span"][1]] == "Trần Văn Hùng"


# -- focused unit tests ---------------------------------------------------------------------
def test_titles_are_kept_as_written() -> None:
    """The stored spelling ("uỷ") is kept although matching runs on the folded copy ("ủy")."""
    (o,) = officials.extract(_doc(HEAD + "Dự có bà Lê Thị Hạnh, Tỉnh uỷ viên, Bí thư Huyện uỷ."))
    assert o.titles == ["Tỉnh uỷ viên", "Bí thư Huyện uỷ"]


def test_shorter_title_form_is_dropped() -> None:
    text = HEAD + ("Dự có ông Lê Văn An, Bí thư Huyện ủy Đức Thọ. "
                   "Phát biểu tại hội nghị, ông Lê Văn An, Bí thư Huyện ủy đánh giá cao kết quả.")
    (o,) = officials.extract(_doc(text))
    assert o.titles == ["Bí thư Huyện ủy Đức Thọ"]
    assert o.mentions == 2


def test_given_name_merges_only_into_a_unique_person() -> None:
    text = HEAD + ("Dự có ông Lê Văn An, Chủ tịch UBND xã và ông Trần Văn An, Trưởng thôn Đông. "
                   "Ông An đề nghị các hộ gia đình lắp đặt camera.")
    got = officials.extract(_doc(text))
    assert [o.name for o in got] == ["Lê Văn An", "Trần Văn An"]
    assert [o.mentions for o in got] == [1, 1]  # "Ông An" is ambiguous: merged nowhere


def test_event_role_is_not_a_title() -> None:
    (o,) = officials.extract(_doc(HEAD + "Ông Phạm Văn Kỳ, Chủ tịch UBND xã, chủ trì hội nghị."))
    assert o.titles == ["Chủ tịch UBND xã"]


def test_place_after_level_word_is_not_a_person() -> None:
    text = HEAD + "Chủ tịch UBND huyện Lâm Bình phát biểu tại hội nghị."
    assert officials.extract(_doc(text)) == []


def test_known_place_is_not_taken_for_a_name() -> None:
    """With the locations already found, "Hà Tĩnh" before the name is the place."""
    from extractor.models import LocationMention

    doc = _doc(HEAD + "Phó Giám đốc Công an tỉnh Hà Tĩnh Lê Anh phát biểu tại hội nghị.")
    at = doc.norm.index("Hà Tĩnh")
    doc.locations = [LocationMention(text="Hà Tĩnh", start=at, end=at + 7, level="tỉnh",
                                     name="Hà Tĩnh")]
    (o,) = officials.extract(doc)
    assert (o.name, o.titles) == ("Lê Anh", ["Phó Giám đốc Công an tỉnh Hà Tĩnh"])


def test_rank_without_name_is_nobody() -> None:
    assert officials.extract(_doc(HEAD + "Đồng chí Phó Giám đốc khẳng định vai trò của mô hình.")) == []


def test_resources_validate() -> None:
    lx = officials._lex()
    assert "nguyễn" in lx.surnames
    assert lx.ranks.match(officials._tokens("đại úy", 0), 0) == (2, "Đại úy")


def test_rank_spelling_is_canonical() -> None:
    """Old-style tone placement in the text ("uý") gives the lexicon's rank ("Đại úy")."""
    (o,) = officials.extract(_doc(HEAD + "Dự có Đại uý Nguyễn Văn Tâm, Trưởng Công an xã."))
    assert o.rank == "Đại úy"


def test_corpus_seed_article() -> None:
    path = CORPUS / "000_26ae2bb7e0312ef1.txt"
    if not path.exists():
        pytest.skip("seed corpus not present")
    rec = extract(path.read_text(encoding="utf-8")).contract()
    names = {o["name"]: o for o in rec["officials"]}
    assert set(names) == {"Nguyễn Hữu Thiên", "Ngô Xuân Ninh"}
    assert names["Nguyễn Hữu Thiên"]["rank"] == "Đại tá"


# -- robustness -----------------------------------------------------------------------------
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("NguyễnVănAĐạitáôngbà,-–/;.:“” \nPhóChủtịchUBNDhuyện")),
               max_size=300))
def test_never_raises_on_odd_text(text: str) -> None:
    for o in officials.extract(_one_sentence_doc(text)):
        assert o.name


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_any_text(text: str) -> None:
    officials.extract(_one_sentence_doc(text))


@pytest.mark.parametrize("text", [
    "1" * 100_000,
    "“" * 50_000,
    "Nguyễn " * 30_000,
    "Phó " * 30_000 + "Chủ tịch",
    "x" * 300_000,
    "Chủ tịch UBND tỉnh " * 5_000 + "Nguyễn Văn A",
    "ông Nguyễn Văn A, Chủ tịch, " * 5_000,
    "đ/c " * 20_000,
])
def test_bounded_time_on_adversarial_input(text: str) -> None:
    doc = _one_sentence_doc(text)  # normalization is not timed here: only this extractor
    t = time.perf_counter()
    officials.extract(doc)
    assert time.perf_counter() - t < 5.0
