"""Page segmentation on portal layouts: headline, stamp, captions, byline, boilerplate."""

from __future__ import annotations

import json

import pytest

from extractor.document import Document
from extractor.segment import byline_names, parse_stamp, segment

from conftest import CORPUS, GOLD

PAGE = """Cổng thông tin điện tử
CÔNG AN TỈNH NGHỆ AN
Trang chủ >> Tin tức
Ra mắt mô hình “Camera an ninh” tại xã Nghi Phong

Thứ Ba, 14/03/2023 - 08:15
Sáng 13/3, Công an huyện Nghi Lộc phối hợp với UBND xã Nghi Phong tổ chức lễ ra mắt mô hình “Camera an ninh” với 24 camera được lắp đặt tại các tuyến đường chính.

Quang cảnh buổi lễ ra mắt mô hình
Phát biểu tại buổi lễ, đồng chí Thượng tá Hồ Văn Tuấn, Phó trưởng Công an huyện ghi nhận sự đóng góp của Nhân dân trong việc lắp đặt camera.
Quang cảnh buổi lễ ra mắt mô hình
Ảnh: T.C
Tin, ảnh: Lê Minh
Tin liên quan
Lượt xem: 1.234
"""


def _seg(text: str) -> Document:
    doc = Document("x", text)
    segment(doc)
    return doc


def test_portal_page_parts() -> None:
    doc = _seg(PAGE)
    kinds = [(s.kind, doc.norm[s.start:s.end][:20]) for s in doc.segments]
    assert doc.title == "Ra mắt mô hình “Camera an ninh” tại xã Nghi Phong"
    assert doc.published == "2023-03-14T08:15"
    assert doc.authors == ["Lê Minh"]
    assert [k for k, _ in kinds[:3]] == ["header"] * 3
    captions = [s for s in doc.segments if s.kind == "caption"]
    assert len(captions) == 2 and captions[1].duplicate_of is not None
    assert kinds[-1][0] == "boilerplate" and kinds[-2][0] == "boilerplate"
    assert any(k == "boilerplate" and t.startswith("Ảnh") for k, t in kinds)


@pytest.mark.parametrize(("line", "iso"), [
    ("13/10/2023 13:41:46 Xem cỡ chữ Google", "2023-10-13T13:41:46"),
    ("Thứ hai - 11/05/2020 23:39", "2020-05-11T23:39"),
    ("14:05 | 02/09/2022", "2022-09-02T14:05"),
    ("Cập nhật lúc 09:30 ngày 05/11/2021", "2021-11-05T09:30"),
    ("Ngày đăng: 21/07/2024", "2024-07-21"),
    ("Thứ Năm, 14/03/2024 | 08:15", "2024-03-14T08:15"),
])
def test_stamp_forms(line: str, iso: str) -> None:
    assert parse_stamp(line) == iso


@pytest.mark.parametrize(("line", "names"), [
    ("Nga Nguyễn", ["Nga Nguyễn"]),
    ("Thuý Phượng - Xuân Cường", ["Thuý Phượng", "Xuân Cường"]),
    ("Tác giả bài viết: Phương Giang", ["Phương Giang"]),
    ("Tin, ảnh: Lê Minh", ["Lê Minh"]),
    ("Minh Châu - Quốc Bảo", ["Minh Châu", "Quốc Bảo"]),
    ("H'Linh - Văn Tú", ["H'Linh", "Văn Tú"]),
    ("Bài và ảnh: Minh Thu - Hoàng Long", ["Minh Thu", "Hoàng Long"]),
    ("Ảnh: T.C", None),
    ("Tin cùng chuyên mục", None),
    ("Toàn cảnh hội nghị", None),
])
def test_bylines(line: str, names: list[str] | None) -> None:
    assert byline_names(line) == names


def test_headline_repeated_without_diacritics_is_not_content() -> None:
    doc = _seg("Công an xã Tân Phú ra mắt tổ tự quản\n\nCong an xa Tan Phu ra mat to tu quan\n\n"
               "Ngày 5/3, Công an xã Tân Phú tổ chức ra mắt tổ tự quản về an ninh trật tự tại ấp 3 với 12 thành viên.\n\nHoàng Anh\n")
    assert [s.kind for s in doc.segments] == ["title", "boilerplate", "body", "byline"]


@pytest.mark.parametrize("path", sorted(CORPUS.glob("0*.txt")), ids=lambda p: p.stem)
def test_seed_pages_title_stamp_and_byline_match_gold(path) -> None:  # type: ignore[no-untyped-def]
    gold = json.loads((GOLD / f"{path.stem}.json").read_text(encoding="utf-8"))
    doc = _seg(path.read_text(encoding="utf-8"))
    assert (doc.title or "").strip() == gold["title"].strip()
    assert doc.published == gold["published"]
    assert doc.authors == gold["authors"]


def test_a_paragraph_starting_like_a_widget_is_text() -> None:
    body = ("Chia sẻ tại buổi lễ, đồng chí Trung tá Lê Văn Hùng, Trưởng Công an xã cho biết lực lượng "
            "đã phối hợp với 12 tổ tự quản tuần tra, kiểm soát trên địa bàn trong suốt dịp Tết vừa qua.")
    doc = _seg("Công an xã Tân Phú tuần tra dịp Tết\n\nNgày 5/3, Công an xã Tân Phú tổ chức tuần tra trên các tuyến đường trong xã.\n\n"
               + body + "\n\nHoàng Anh\n\nChia sẻ\n")
    assert [s.kind for s in doc.segments] == ["title", "body", "body", "byline", "boilerplate"]


def test_related_news_after_the_byline_and_a_related_box_inside_the_text() -> None:
    para = ("Ngày 5/3, Công an xã Tân Phú phối hợp với các đoàn thể tổ chức ra mắt tổ tự quản về an ninh "
            "trật tự tại ấp 3 với 12 thành viên là những người có uy tín trong cộng đồng dân cư địa phương.")
    page = ("Công an xã Tân Phú ra mắt tổ tự quản\n\n" + para + "\n\nTin liên quan\nHậu Giang: Bắt 3 đối tượng cướp giật\n\n"
            + para.replace("Ngày 5/3", "Ngày 6/3") + "\n\nHoài Thanh\n\nXem thêm\nCần Thơ: Khởi công nhà đại đoàn kết\n\n"
            "Bạn đọc có thể gửi bài viết, phản ánh tới tòa soạn qua email.\n")
    doc = _seg(page)
    assert doc.authors == ["Hoài Thanh"]
    assert [s.kind for s in doc.segments] == ["title", "body", "boilerplate", "boilerplate", "body", "byline",
                                              "boilerplate", "boilerplate", "boilerplate"]


def test_a_menu_line_is_header_not_headline() -> None:
    doc = _seg("CỔNG THÔNG TIN ĐIỆN TỬ PHƯỜNG ĐỊNH CÔNG\nTrang chủ | Giới thiệu | Tin tức - Sự kiện | Hỏi đáp\n"
               "Phường Định Công ra mắt mô hình “Tổ dân phố không ma túy”\n\n"
               "Sáng ngày 5/3/2023, UBND phường Định Công tổ chức lễ ra mắt mô hình tại nhà văn hóa tổ dân phố số 12.\n")
    assert doc.title == "Phường Định Công ra mắt mô hình “Tổ dân phố không ma túy”"
    assert [s.kind for s in doc.segments][:2] == ["header", "header"]


def test_byline_under_the_headline_and_stamp_at_the_end() -> None:
    doc = _seg("Trang chủ / Tin tức - Sự kiện / Phòng, chống tội phạm\n"
               "Báo Hòa Bình Online | Chuyên mục: Nội chính\n\n"
               "TIỀN HẢI: TỔNG KẾT CÔNG TÁC BẢO ĐẢM AN NINH, TRẬT TỰ NĂM 2023\n"
               "Bài và ảnh: Minh Thu - Hoàng Long\n\n"
               "(Baothaibinh) - Ngày 20-12-2023, Ban Chỉ đạo huyện Tiền Hải tổ chức hội nghị tổng kết công tác năm 2023.\n\n"
               "Cập nhật lúc 16:40, 05/07/2023\nNguồn: Ban ATGT huyện\nTin cùng chuyên mục\nThái Thụy: Bắt 2 đối tượng\n")
    assert doc.title.startswith("TIỀN HẢI: TỔNG KẾT")
    assert doc.authors == ["Minh Thu", "Hoàng Long"]
    assert doc.published == "2023-07-05T16:40"
    assert [s.kind for s in doc.segments] == ["header", "header", "title", "byline", "body", "stamp",
                                              "boilerplate", "boilerplate", "boilerplate"]


def test_a_last_caption_before_the_stamp_when_the_byline_is_at_the_top() -> None:
    doc = _seg("TIỀN HẢI: TỔNG KẾT CÔNG TÁC NĂM 2023\nBài và ảnh: Minh Thu\n\n"
               "Ngày 20-12-2023, Ban Chỉ đạo huyện Tiền Hải tổ chức hội nghị tổng kết công tác năm 2023.\n\n"
               "tien hai tong ket cong tac nam 2023\n\n"
               "Đồng chí Nguyễn Mạnh Cường, Chủ tịch UBND huyện Tiền Hải trao Giấy khen. Ảnh: Minh Thu\n\n"
               "Cập nhật: 21/12/2023 | 09:15\nLượt xem: 1.245\n")
    assert [s.kind for s in doc.segments] == ["title", "byline", "body", "boilerplate", "caption", "stamp",
                                              "boilerplate"]


def test_hold_gil_is_the_concurrent_slot_of_the_regex_calls_segment_makes() -> None:
    """segment passes ``concurrent`` by position (patterns.HOLD_GIL): the slot after pos and
    endpos for match/search, after overlapped for findall, after maxsplit for split, after
    count, pos and endpos for sub. A timeout of 0 in the slot where it follows (after
    ``partial`` for match/search) times out at once: a regex release that moved the arguments
    would fail here."""
    import regex

    from extractor.patterns import HOLD_GIL

    p = regex.compile(r"(?:a|b)+c")
    text = "ab" * 2000
    for call, args, between in ((p.match, (text, None, None), (False,)),
                                (p.search, (text, None, None), (False,)),
                                (p.findall, (text, None, None, False), ()), (p.split, (text, 0), ()),
                                (p.sub, ("", text, 0, None, None), ())):
        assert call(*args, HOLD_GIL) == call(*args)
        with pytest.raises(TimeoutError):
            call(*args, HOLD_GIL, *between, 0)
