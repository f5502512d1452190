"""Sentence split: underthesea's pieces located by offset, abbreviations do not end a sentence."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from underthesea import sent_tokenize as underthesea_sent_tokenize

from conftest import CORPUS
from extractor.document import Document
from extractor.segment import segment
from extractor.sentences import sent_tokenize, split_sentences


def _sentences(text: str) -> list[str]:
    doc = Document("x", text)
    segment(doc)
    split_sentences(doc)
    return [doc.norm[s.start:s.end] for s in doc.sentences]


def test_level_abbreviations_do_not_end_a_sentence() -> None:
    body = ("Công an TT. Đồng Văn phối hợp với Công an TX. Cửa Lò và  TP. Vinh tuần tra. "
            "Đoàn đã kiểm tra 12 cơ sở kinh doanh.")
    sents = _sentences("Công an thị trấn tuần tra dịp Tết\n\n" + body + "\n")
    assert sents[1:] == ["Công an TT. Đồng Văn phối hợp với Công an TX. Cửa Lò và  TP. Vinh tuần tra.",
                         "Đoàn đã kiểm tra 12 cơ sở kinh doanh."]


def test_every_sentence_points_into_the_text() -> None:
    text = "Tiêu đề bài viết về an ninh trật tự\n\nCâu một có 5 vụ.  Câu hai, Q. Giám đốc Sở phát biểu. Câu ba kết thúc.\n"
    doc = Document("x", text)
    segment(doc)
    split_sentences(doc)
    assert [text[s.start:s.end] for s in doc.sentences][1:] == [
        "Câu một có 5 vụ.", "Câu hai, Q. Giám đốc Sở phát biểu.", "Câu ba kết thúc."]


# underthesea's tokenizer scans character by character; ours jumps between ".?!" and must give
# exactly its sentences: ellipses, numbers, abbreviations, runs of "?!", trailing spaces.
_PIECES = ["Công an", " xã", "TP", "Q", "e.g", "1.500.000", "15.12.2025", "Ông", "tp", "..", "...",
           "....", "?!", "!", "?", ".", " ", "  ", "\t", "\n", "\r\n", "A", "b", "3", "…", "“Camera”"]


@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_sentence_tokenizer_equals_underthesea_on_any_text(text: str) -> None:
    assert sent_tokenize(text) == underthesea_sent_tokenize(text)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_sentence_tokenizer_equals_underthesea_on_random_strings(text: str) -> None:
    assert sent_tokenize(text) == underthesea_sent_tokenize(text)


def test_sentence_tokenizer_equals_underthesea_on_the_corpus() -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        for para in path.read_text(encoding="utf-8").split("\n"):
            assert sent_tokenize(para) == underthesea_sent_tokenize(para), (path.name, para)
