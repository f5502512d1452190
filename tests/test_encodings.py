"""Decoding article bytes: Unicode, Windows-1258, the legacy fonts TCVN3 and VNI, and VIQR.

Fixtures are built by encoding corpus text, so each test is "a real paragraph in some encoding
in, the same paragraph out"; and no detector may touch ordinary UTF-8.
"""

from __future__ import annotations

import unicodedata

import pytest

from extractor.encodings import (
    DecodeError,
    decode_bytes,
    decode_viqr,
    encode_cp1258,
    encode_legacy,
    encode_viqr,
    looks_like_viqr,
    repair_text,
    vietnamese_score,
)

from conftest import CORPUS

SEEDS = sorted(CORPUS.glob("0*.txt"))


def _paragraph(path, min_words: int = 40) -> str:
    """The first body paragraph of a corpus article (NFC)."""
    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
    return next(ln.strip() for ln in text.splitlines() if len(ln.split()) >= min_words)


@pytest.fixture(params=SEEDS, ids=lambda p: p.stem[:3])
def paragraph(request: pytest.FixtureRequest) -> str:
    return _paragraph(request.param)


# -- Unicode encodings --------------------------------------------------------------------------

@pytest.mark.parametrize("codec,name", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                        ("utf-16", "utf-16"), ("utf-16-le", "utf-16"),
                                        ("utf-16-be", "utf-16")])
def test_unicode_encodings_decode_to_the_same_text(paragraph: str, codec: str, name: str) -> None:
    text, enc = decode_bytes(paragraph.encode(codec))
    assert text == paragraph
    assert enc == name


def test_every_corpus_file_reads_back_unchanged_as_utf8() -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        raw = path.read_bytes()
        text, enc = decode_bytes(raw)
        assert enc in ("utf-8", "utf-8-sig"), path.name
        assert text == raw.decode("utf-8-sig"), path.name


@pytest.mark.parametrize("text", [
    "Tại sao vậy? Không ai biết. Ông ấy hỏi: có phải không?",   # "?" and "." after vowels
    "Read the report at http://example.com/a?b=1. Then e-mail me.",
    "El niño comió paella en la playa de Valencia, ¿verdad?",
    "Die Straße ist schön, aber die Brücke über den Fluß ist größer.",
    "Hoà bình, thuý, uỷ ban: chính tả kiểu cũ vẫn là UTF-8.",
])
def test_detection_never_mangles_utf8(text: str) -> None:
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


# -- Windows-1258 -------------------------------------------------------------------------------

def test_cp1258_decodes_to_nfc(paragraph: str) -> None:
    text, enc = decode_bytes(encode_cp1258(paragraph))
    assert enc == "cp1258"
    assert text == paragraph
    assert unicodedata.is_normalized("NFC", text)


# -- legacy fonts -------------------------------------------------------------------------------

def test_vni_is_detected_and_converted(paragraph: str) -> None:
    text, enc = decode_bytes(encode_legacy(paragraph, "vni"))
    assert enc == "vni"
    assert text == paragraph.replace("ẳ", "?")  # viparse's VNI table has no ẳ (never observed)


def test_tcvn3_is_detected_and_converted(paragraph: str) -> None:
    text, enc = decode_bytes(encode_legacy(paragraph, "tcvn3"))
    assert enc == "tcvn3"
    # TCVN3 has no upper-case toned letters (a capitals font drew them): they come back lower
    expected = "".join(c.lower() if unicodedata.normalize("NFD", c)[1:2] in
                       ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323") else c
                       for c in paragraph)
    assert text == expected


def test_tcvn3_bytes_of_a_known_phrase() -> None:
    # "Công an tỉnh Hà Tĩnh" typed in .VnTime: ô = 0xAB, ỉ = 0xD8, à = 0xB5, ĩ = 0xDC
    raw = b"C\xabng an t\xd8nh H\xb5 T\xdcnh"
    assert decode_bytes(raw) == ("Công an tỉnh Hà Tĩnh", "tcvn3")


def test_legacy_text_saved_as_utf8_is_repaired(paragraph: str) -> None:
    """A TCVN3 page copied as Latin-1 characters and saved as UTF-8."""
    surface = encode_legacy(paragraph, "tcvn3").decode("cp1252", errors="replace")
    text, enc = decode_bytes(surface.encode("utf-8"))
    assert enc == "tcvn3"
    assert text.lower() == paragraph.lower()


def test_mojibake_is_repaired_with_ftfy(paragraph: str) -> None:
    mojibake = paragraph.encode("utf-8").decode("cp1252", errors="ignore")
    text, enc = decode_bytes(mojibake.encode("utf-8"))
    assert enc == "utf-8+ftfy"
    assert vietnamese_score(text)[0] > 0.9 * vietnamese_score(paragraph)[0]


# -- VIQR ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("viqr,unicode", [
    ("Co^ng an ti?nh Ha` Ti~nh", "Công an tỉnh Hà Tĩnh"),
    ("DDa.i ta' Nguye^~n Hu+~u Thie^n", "Đại tá Nguyễn Hữu Thiên"),
    ("ho^.i nghi. so+ ke^'t mo^ hi`nh", "hội nghị sơ kết mô hình"),
    ("Ba(ng Lu+o+ng, xa~ Ye^n Thu+o+`ng", "Băng Lương, xã Yên Thường"),
    ("Ho^.i nghi. dda~ die^~n ra tho^'ng nha^'t.", "Hội nghị đã diễn ra thống nhất."),
    ("Ba?o ve^. ANTQ", "Bảo vệ ANTQ"),                       # a tone before an acronym
    ("Bo^. Co^ng an", "Bộ Công an"),                          # a tone before a capital
    ("Ta.i sao va^.y? Kho^ng bie^'t.", "Tại sao vậy? Không biết."),
    ("UBND, HDDND xa~", "UBND, HĐND xã"),                      # DD inside an acronym
    ("nhie^`u.", "nhiều."),                                    # one tone per syllable
    ("mo^.t \\. vie^.c", "một . việc"),                         # escaped mark stays literal
])
def test_viqr_sentences(viqr: str, unicode: str) -> None:
    assert decode_viqr(viqr) == unicode


def test_viqr_round_trip_of_corpus_text(paragraph: str) -> None:
    viqr = encode_viqr(paragraph)
    assert viqr.isascii() or all(c in "“”‘’–…\u00a0" for c in viqr if not c.isascii())
    assert looks_like_viqr(viqr)
    assert decode_bytes(viqr.encode("ascii", errors="ignore") if viqr.isascii()
                        else viqr.encode("utf-8")) == (paragraph, "viqr")


def test_english_is_not_viqr() -> None:
    text = "I'm sure you'd agree: the committee met on Monday. Who's there? Don't go."
    assert not looks_like_viqr(text)
    assert repair_text(text) == (text, None)


# -- bad bytes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    (bytes(range(1, 32)) * 20, "binary"),
    (bytes([0x80, 0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 50, "undecodable"),
])
def test_bad_bytes_raise_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode_bytes(data)


def test_decode_error_is_a_value_error() -> None:
    assert issubclass(DecodeError, ValueError)


def test_scorer_separates_right_and_wrong_decodings(paragraph: str) -> None:
    right = vietnamese_score(paragraph)
    wrong = vietnamese_score(encode_legacy(paragraph, "tcvn3").decode("cp1258", errors="replace"))
    assert right[0] / right[1] > 0.95
    assert wrong[0] / max(wrong[1], 1) < 0.5
