"""Normalization for matching: one tone placement, NFC, spaces — without losing offsets."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.normalize import fold_tones, match_key, normalize


@pytest.mark.parametrize(("old", "new"), [
    ("hoà", "hòa"), ("Hoà Bình", "Hòa Bình"), ("uỷ ban", "ủy ban"), ("Uỷ ban", "Ủy ban"),
    ("thuý", "thúy"), ("Thuỷ", "Thủy"), ("tuỳ", "tùy"), ("khoẻ", "khỏe"), ("HOÀ", "HÒA"),
    ("Khoá", "Khóa"),
])
def test_old_style_tone_moves_to_first_vowel(old: str, new: str) -> None:
    assert fold_tones(old) == new


@pytest.mark.parametrize("word", ["quý", "quỳ", "hoàn", "huýt", "khuya", "người", "hòa", "ủy",
                                  "thủy", "Quảng", "quyết", "tuyến", "khoảng", "nguyễn"])
def test_words_that_must_not_change(word: str) -> None:
    assert fold_tones(word) == word


def test_nfd_input_maps_back_to_stored_offsets() -> None:
    stored = unicodedata.normalize("NFD", "Uỷ ban\u00a0nhân\u200bdân xã Lộc Yên")
    n = normalize(stored)
    assert n.text == "Ủy ban nhândân xã Lộc Yên"
    i = n.text.index("Lộc Yên")
    s, e = n.to_source(i, i + len("Lộc Yên"))
    assert unicodedata.normalize("NFC", stored[s:e]) == "Lộc Yên"
    s, e = n.to_source(0, 6)
    assert stored[s:e] == unicodedata.normalize("NFD", "Uỷ ban")


def test_nfc_text_keeps_identical_offsets() -> None:
    n = normalize("Chiều ngày 20/10, Công an huyện Hương Khê")
    assert n.starts is None and n.to_source(5, 10) == (5, 10)


def test_match_key_ignores_case_quotes_tone_placement_and_spacing() -> None:
    assert match_key(" “Hộ an toàn- Tổ, dân phố bình yên” ") == match_key("hộ an toàn - tổ, dân phố bình yên")
    assert match_key("Thuý Phượng") == match_key("thúy phượng")


@given(st.text(max_size=300))
def test_normalize_never_raises_and_maps_every_span_inside_the_text(text: str) -> None:
    n = normalize(text)
    for i in range(0, len(n.text) + 1, max(1, len(n.text) // 7 or 1)):
        s, e = n.to_source(i, min(len(n.text), i + 3))
        assert 0 <= s <= e <= len(text)


@given(st.lists(st.sampled_from(list("aoue hòaoàuỷý\t\u00a0\u200b\x01\nQ") + ["o\u0300"]), max_size=40).map("".join))
def test_fast_and_slow_paths_agree(text: str) -> None:
    """NFC text without zero-width/control characters takes a fast path; it must give the same
    matching copy as the general path (forced here by appending a zero-width space)."""
    fast = normalize(text).text
    slow = normalize(text + "\u200b").text
    assert slow == fast
