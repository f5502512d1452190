"""dates.strong_left recast: the "not after a frequency word" lookbehind now runs after "ngày"
(reading those four characters back) instead of before it at every position of the window.
It must find the same cue start as the pattern as first written, on any text."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.extractors import dates


def _original_strong_left() -> regex.Pattern[str]:
    """strong_left as it was written before the recast (same word lists, same flags)."""
    alt = dates._alt
    pod, wd, freq = alt("part_of_day"), alt("weekday"), alt("frequency")
    lunar = rf"{alt('lunar_day')}(?:\s+\d{{1,2}})?(?:\s+Tết|\s+tháng\s+\p{{L}}+(?:\s+\p{{L}}+)?)?"
    return regex.compile(
        rf"(?:\b(?:{pod}|hôm)\s+(?:nay|qua)\s*\(\s*|\b{pod}\s+(?:ngày\s+)?"
        rf"|(?:\bhôm\s+)?(?<!\b{freq}\s+)\bngày\s+"
        rf"|\b{wd}\s*[,(]?\s*(?:ngày\s+)?"
        rf"|(?:\b{pod}\s+)?\b{lunar}\s*\(\s*(?:ngày\s+)?)$", regex.I | regex.V0)


_OLD = _original_strong_left()
_PIECES = ["ngày", "NGÀY", "Ngày", "hôm", "Hôm", "nay", "qua", "sáng", "Chiều", "tối", "rạng",
           "thứ", "Thứ", "Bảy", "hai", "2", "chủ", "nhật", "mùng", "rằm", "Tết", "tháng", "Giêng",
           "hàng", "hằng", "mỗi", "các", "vài", "trung", "bình", "mấy", "x", "ngàyy", "(", ",",
           " ", "  ", "\t", "\n", "\u00a0", "\u2028", "12", "3"]


def _spans(pat: regex.Pattern[str], text: str) -> list[int | None]:
    """The cue start found for a core at every position (as dates._left searches)."""
    out: list[int | None] = []
    for at in range(len(text) + 1):
        m = pat.search(text, max(0, at - dates._LEFT_WINDOW), at)
        out.append(m.start() if m else None)
    return out


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_strong_left_equals_the_original_on_cue_texts(text: str) -> None:
    assert _spans(dates._patterns().strong_left, text) == _spans(_OLD, text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ngàyNGÀYhôm ,(\t\u00a0\u1ef3\u0300yhàngmỗi", max_size=40))
def test_strong_left_equals_the_original_on_random_strings(text: str) -> None:
    assert _spans(dates._patterns().strong_left, text) == _spans(_OLD, text)


def test_strong_left_still_skips_a_frequency_word() -> None:
    p = dates._patterns().strong_left
    assert p.search("hàng ngày ", 0) is None
    assert p.search("Hôm ngày ", 0).start() == 0  # type: ignore[union-attr]
    assert p.search("mỗi  ngày ", 0) is None
    assert p.search("Sáng ngày ", 0).start() == 0  # type: ignore[union-attr]
