"""Recasts in officials and segment checked against the plain computation they replace."""

from __future__ import annotations

import unicodedata

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import segment as S
from extractor.extractors import officials as O


def test_marked_same_set() -> None:
    """The stdlib _MARKED takes the same characters as the regex-module class it replaces."""
    chars = "".join(c for c in map(chr, [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)])
                    if c in "đĐ" or unicodedata.normalize("NFD", c) != c)
    old = regex.compile("[" + regex.escape(chars) + "]")
    for cp in range(0x10000):
        c = chr(cp)
        assert (S._MARKED.search(c) is None) == (old.search(c) is None), hex(cp)


def test_stamp_needs_year_digits() -> None:
    """Every stamp the two patterns accept holds "19" or "20" (the _is_stamp prefilter)."""
    for line in ["10/5/2023", "Cập nhật: 09:15 - 21/12/1999", "lúc 8h30 ngày 1.2.2024",
                 "１２/５/２０２３"]:
        m = S._TIME_BEFORE.search(line) or S._STAMP_AFTER.search(line)
        assert m is None or "20" in line or "19" in line


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789/.-: hgngàylúc", max_size=40))
def test_stamp_prefilter_exact(line: str) -> None:
    m = S._TIME_BEFORE.search(line) or S._STAMP_AFTER.search(line)
    if "20" not in line and "19" not in line:
        assert m is None


def test_officials_lexicon_shortcuts() -> None:
    """The key sets behind the inline shortcuts of _Sentence hold what they stand for."""
    lx = O._lex()
    # a token whose text starts a stop phrase has that text as its key (stops are lower case)
    assert all(w.lower() in lx.stop_keys for w in lx.stops.index)
    assert set(lx.honorifics.index) <= lx.stop_keys and set(lx.ranks.index) <= lx.stop_keys
    assert "và" in lx.stop_keys
    assert lx.anchor_heads == set(lx.honorifics.index) | set(lx.ranks.index)
    # a title head outside title_solo starts only entries of two or more words
    for head in lx.title_heads - lx.title_solo:
        assert head not in lx.prefixes.index and head not in lx.titles.single
        assert all(len(ws) >= 2 for ws, _ in lx.titles.index[head])


_WORDS = st.sampled_from([
    "Phó", "Chủ", "tịch", "UBND", "tỉnh", "huyện", "Nguyễn", "Văn", "An", "Trần", "Thị", "Bình",
    "đồng", "chí", "Đại", "tá", "ông", "bà", "và", "cho", "biết", ",", "-", ".", "(", ")", "\n",
    "Giám", "đốc", "Công", "an", "Trưởng", "phòng", "PC06", "Bí", "thư", "Huyện", "ủy", "bị",
    "cáo", "SN", "1991", "tuổi", "phụ", "trách", ";", "thôn", "xã", "Hội", "Tổ", "trưởng",
])


def _old_title_at(s: O._Sentence, i: int) -> int:
    """title_at without the pair shortcut."""
    if i >= s.n or s.k[i] not in s._title_heads:
        return 0
    return s._title_at(i)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=30))
def test_sentence_shortcuts(words: list[str]) -> None:
    """title_at, the stop_at guard and name_run agree with the plain predicates."""
    text = " ".join(words)
    toks = O._tokens(text, 0)
    if not toks:
        return
    s = O._Sentence(toks, frozenset(), set())
    lx = O._lex()
    for i in range(len(toks) + 1):
        assert s.title_at(i) == _old_title_at(O._Sentence(toks, frozenset(), set()), i)
        if i < len(toks) and not toks.nls[i] and toks.texts[i][0].isalnum() \
                and toks.keys[i] not in lx.stop_keys:
            assert not s.stop_at(i)
        # name_run as the loop over is_name_syl / title_at / rank_at it inlines
        n = 0
        while s.is_name_syl(i + n) and (n == 0 or not s.nl[i + n]):
            if s.title_at(i + n) or s.rank_at(i + n):
                break
            n += 1
            if n > 8:
                break
        assert s.name_run(i) == n


# --- match_key (normalize.py) and the lone-title test of _merge_titles ------------------------

from extractor import normalize as N  # noqa: E402

_KEY_CHARS = st.sampled_from(
    list("aAzZ09 ,.;:-–—/\"“”‘’'«»„`()!?…\n\t\u00a0\u2009\u3000\x1c\x1d\x1f\u00adß")
    + ["hoà", "Uỷ", "thuý", "Huế", "Đ", "İ", "ŉ", "Σ", "ﬁ", "\u0301", "\u0323", "x\u0300",
       "𝐀", "²", "½", "٣", "\u200b", "HĐND", "TP."])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_KEY_CHARS, max_size=25).map("".join))
def test_match_key_fast_path(text: str) -> None:
    """match_key gives what its plain definition gives, on mixed punctuation and spaces."""
    assert N.match_key(text) == N._match_key_reference(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=30))
def test_match_key_any_text(text: str) -> None:
    assert N.match_key(text) == N._match_key_reference(text)


def test_alnum_is_no_edge_char() -> None:
    """A letter or digit (str.isalnum) is never ``[\\p{P}\\s]``, and each of NFC and casefold
    keeps one in every character that is: the premises of match_key's edge shortcut and of the
    lone-title test in _merge_titles."""
    edge = regex.compile(r"[\p{P}\s]")
    quotes = set("\"“”‘’'«»„`")
    for cp in range(0x110000):
        c = chr(cp)
        if c.isalnum():
            assert edge.match(c) is None, hex(cp)
            assert c not in quotes
            assert any(x.isalnum() for x in unicodedata.normalize("NFC", c)), hex(cp)
            assert any(x.isalnum() for x in c.casefold()), hex(cp)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_KEY_CHARS, min_size=1, max_size=20).map("".join))
def test_lone_title_kept(title: str) -> None:
    """A title starting with a letter or digit has a non-empty key."""
    if title[:1].isalnum():
        assert O._title_key(title)


@settings(max_examples=500, deadline=None)
@given(st.lists(_KEY_CHARS, max_size=30).map("".join), st.integers(0, 50),
       st.lists(st.integers(0, 200), max_size=12))
def test_toks_pos_cursor(text: str, offset: int, asks: list[int]) -> None:
    """_Toks.pos, moved back and forth, gives the running sums of the parts' lengths."""
    toks = O._tokens(text, offset)
    sums = [offset]
    for part in toks.parts:
        sums.append(sums[-1] + len(part))
    for k in asks:
        k %= len(toks.parts) + 1
        assert toks.pos(k) == sums[k]


def test_lower_memo_bounded() -> None:
    """The token-key memo gives str.lower and never holds more than _LOWER_MAX entries."""
    memo = O._LowerMemo()
    for i in range(O._LOWER_MAX + 10):
        word = f"ĐƯỜNG{i}Σ"
        assert memo[word] == word.lower()
        assert len(memo) <= O._LOWER_MAX
    assert O._tokens("Ông NGUYỄN Văn A", 0).keys == ["ông", "nguyễn", "văn", "a"]
