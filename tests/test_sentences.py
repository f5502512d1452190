"""Sentence split: underthesea's pieces located by offset, abbreviations do not end a sentence."""

from __future__ import annotations

from extractor.document import Document
from extractor.segment import segment
from extractor.sentences import split_sentences


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
