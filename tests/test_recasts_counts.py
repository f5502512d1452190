"""The counts extractor's stdlib twins (``counts._Std``) find exactly what the regex patterns
they stand for find.

The twins match case-sensitively on the lower-cased sentence (``counts._lower``) where the
patterns match with ``regex.I`` on the sentence itself, and the patterns anchored at the end of
the text before a number (``regex.REVERSE``) run forward on that text reversed. That rests on
two facts about the characters, checked here over all of Unicode: lowering a character keeps
it in or out of each class the twins use, and each literal of the twins matches under
``regex.I`` exactly the characters that lower to it. Generated text then compares every twin
with its pattern at every position, and the whole extractor with and without the twins.
"""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.document import Document
from extractor.extractors import counts
from extractor.models import Sentence
from extractor.patterns import bmp_only

_ALL = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i <= 0xDFFF)


def _lowers_to_one() -> dict[str, str]:
    return {c: lo for c in _ALL if len(lo := c.lower()) == 1}


def test_lowering_keeps_every_class_of_the_twins() -> None:
    low = _lowers_to_one()
    # (the title twin runs on the text itself: case decides it)
    for cls in (r"\s", rf"[{counts._L}\p{{N}}]", rf"[{counts._L}]"):
        inside = set(regex.findall(cls, _ALL))
        assert not [c for c, lo in low.items() if (c in inside) != (lo in inside)], cls
    # the sentence lower-cases its final sigma by context: either form is a letter
    assert {"σ", "ς"} <= set(regex.findall(rf"[{counts._L}]", _ALL))


def _twin_words() -> set[str]:
    lex = counts._lexicon()
    w = lex.words
    return {*lex.units, *counts.multipliers(), *counts.digit_words(), *w["after"], *w["before"],
            *w["before_cap"], *w["qualifier"], *w["threshold"],
            "mươi", "mười", "lăm", "mốt", "tư", "đến", "tới"}


def test_each_literal_matches_case_insensitively_what_lowers_to_it() -> None:
    assert counts._std() is not None
    low = _lowers_to_one()
    chars = {ch for w in _twin_words() for ch in counts._key(w) + w.lower() if ch != " "}
    for p in sorted(chars):
        by_regex = {c for c in regex.findall(regex.escape(p), _ALL, regex.I)
                    if c not in counts._FOLD_ODD}
        by_lower = {c for c, lo in low.items() if lo == p}
        assert by_regex == by_lower, p


_PIECES = ["hơn", " hơn", "Hơn ", "trên", "TRÊN", " dưới", "khoảng", " ít nhất", " có", "số",
           "Số", " thứ", "lần thứ", "Quyết định", "quyết định", "hướng dẫn", "Hướng dẫn",
           " Hố Nai", " Dự án", "Dự Án", "ngày", " năm", "Năm", " tháng", " tuổi", "%", " phần trăm",
           " người", " lượt", " lượt người", " hộ", " thôn", " ngày công", " tỷ", " triệu",
           " nghìn", " đồng", " km", " m²", " trở lên", " trở xuống", "TRỞ LÊN", " ba", " Ba",
           "hai mươi", " mười", " lăm", " năm", " đến", " tới", " - ", "–", "mỗi", "từng",
           "tổng số", " vụ", " tập thể", " cá nhân", "5", "12", "1.200", "3,5", "2023", "10/10",
           "3-5", " ", "  ", "\t", "\n", "\u00a0", "\x1c", ",", ".", ":", "(", "“", "”", "a",
           "ſ", "İ", "\u212a", "ß", "Σ", "σ", "ς", "ǅ", "ǆ", "Ǆ", "\u0345", "\u1e9e", "ı",
           "e\u0301", "Ⅻ", "Ⓐ", "\U0001d400"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=25).map("".join)
_ANY = st.one_of(_TEXT, _TEXT, st.text(max_size=60))


def _spans(m: regex.Match[str] | None, groups: tuple[str, ...] = ()) -> object:
    return None if m is None else (m.span(), *(m.span(g) for g in groups))


def _rspans(m: object, n: int, groups: tuple[str, ...] = ()) -> object:
    """A reversed-text match's spans in the unreversed text of length ``n``."""
    if m is None:
        return None
    flip = lambda s: (-1, -1) if s == (-1, -1) else (n - s[1], n - s[0])  # noqa: E731
    return (flip(m.span()), *(flip(m.span(g)) for g in groups))  # type: ignore[attr-defined]


@settings(max_examples=800, deadline=None)
@given(_ANY)
def test_each_twin_matches_what_its_pattern_matches(text: str) -> None:
    low = counts._lower(text)
    if low is None or not bmp_only(text):
        return  # (the extractor keeps the regex patterns for these)
    lex, std = counts._lexicon(), counts._std()
    assert std is not None
    for i in range(len(text) + 1):
        assert _spans(std.mult_unit.match(low, i), ("m", "u")) == \
            _spans(lex.mult_unit_re.match(text, i), ("m", "u"))
        assert _spans(std.word.match(low, i), ("a", "b")) == \
            _spans(lex.word_re.match(text, i), ("a", "b"))
        assert _spans(std.after.match(low, i)) == _spans(lex.after_re.match(text, i))
        if lex.threshold_re.match(text, i):
            assert any(t in low for t in lex.threshold_first or ())
        for j in range(max(0, i - counts._HEAD), i + 1):  # heads text[j:i]
            head, n = text[j:i], i - j
            rlow, rhead = low[j:i][::-1], head[::-1]
            assert _rspans(std.before.match(rlow), n, ("w",)) == \
                _spans(lex.before_re.match(head), ("w",))
            assert _rspans(std.qualifier.match(rlow), n, ("q",)) == \
                _spans(lex.qualifier_re.match(head), ("q",))
            assert _rspans(std.title.match(rhead), n) == \
                _spans(counts._TITLE_WORD_BEFORE.match(head))


def _doc(text: str) -> Document:
    doc = Document("t", text)
    sents, pos = [], 0
    for line in doc.norm.split("\n"):
        if line.strip():
            sents.append(Sentence(index=len(sents), start=pos, end=pos + len(line), segment=0))
        pos += len(line) + 1
    doc.set_sentences(sents)
    return doc


@settings(max_examples=1500, deadline=None)
@given(_ANY)
def test_counts_with_the_twins_equal_counts_without(text: str) -> None:
    fast = [c.model_dump() for c in counts.extract(_doc(text))]
    real = counts._std
    try:
        counts._std = lambda: None  # type: ignore[assignment]
        plain = [c.model_dump() for c in counts.extract(_doc(text))]
    finally:
        counts._std = real
    assert fast == plain
