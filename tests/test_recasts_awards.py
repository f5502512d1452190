"""The recast scans of the awards and models extractors find exactly what their regex
definitions find.

Awards runs its case-insensitive clause scans through case-sensitive stdlib twins on the
lower-cased text, each hit confirmed by the pattern (``awards._finditer``);
models runs a few small patterns on the stdlib engine and skips the list-intro scan when the
lower-cased text cannot hold an intro word. Each test compares the fast form with the plain
regex on generated text mixing the lexicon words (in every case), numbers, separators and the
characters on which casefolding or the two engines disagree.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.extractors import awards, models

_PIECES = ["Bằng khen", "BẰNG KHEN", "bằng  khen", "Giấy khen", "giấy\nkhen", "Huân chương",
           "huy chương", "Kỷ niệm chương", "Cờ thi đua", "danh hiệu", "thư khen", "khen thưởng",
           "Khen Thưởng", "tặng thưởng", "tặng", "TẶNG", "trao tặng", "truy tặng", "cho", "Cho",
           "CHO", " cho", "được", "Được", "nhận", "đón nhận", "tổng cộng", "Tổng số", "cùng cấp",
           " 4", " 12", "1.080", "3,5", "2/3", "sáu", "Sáu", "hai mươi lăm", "mười", "lượt",
           " tập thể", " TẬP THỂ", " cá nhân", "cán bộ, chiến sĩ", " tổ dân phố", " người",
           " xã", "mô hình", "Mô hình", "như", "NHƯ", "gồm", "bao gồm", "Gồm có", ":", ",",
           ".", ";", " ", "  ", "\n", "\t", "\u00a0", "\x1c", "\x1f", "\u2028", "ſ", "İ", "ß",
           "\u212a", "K", "Σ", "\U0001d400", "\U0001d7ce", "²", "٣", "“", "”", "'", "(", "…",
           "Công an", "UBND", "tỉnh", "a", "Z"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)
_ANY = st.one_of(_TEXT, _TEXT, st.text(max_size=120))


def _same(a: list, b: list) -> bool:
    return [(m.span(), m.groups()) for m in a] == [(m.span(), m.groups()) for m in b]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ANY, st.data())
def test_awards_twin_scans_equal_the_regex_scans(text: str, data: st.DataObject) -> None:
    lex = awards._lex()
    low = text.lower()
    if not awards._lowered(text, low):
        return
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    for pat in (lex.award, lex.reward, lex.give_to, lex.num_part):
        assert _same(awards._finditer(pat, text, low, a, b), list(pat.finditer(text, a, b)))


def test_awards_odd_characters_are_found() -> None:
    # "ſ" is an "s" to the regex module but lower-cases to itself; "İ" lower-cases to two
    bad = awards._twins().bad
    assert "ſ" in bad and "İ" in bad
    assert not awards._lowered("Bằng khen ſ", "bằng khen ſ")
    assert not awards._lowered("\U0001d400 Bằng khen", "\U0001d400 bằng khen")


@settings(max_examples=1500, deadline=None)
@given(_ANY)
def test_models_stdlib_patterns_equal_the_regex_patterns(text: str) -> None:
    pairs = [(models._TOKEN, models._TOKEN_RE), (models._SPACES, models._SPACES_RE),
             (models._WS, models._WS_RE)]
    for fast, plain in pairs:
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]
        for i in range(len(text) + 1):
            f, p = fast.match(text, i), plain.match(text, i)
            assert (f and f.span()) == (p and p.span())
    import regex
    for fast, plain in ((models._INNER_WORD, regex.compile(r"\s\S")),
                        (models._SENT_BREAK, regex.compile(r"[.;!?…]\s"))):
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=1500, deadline=None)
@given(_ANY)
def test_models_list_intro_gate_is_a_superset(text: str) -> None:
    lex = models._lexicon()
    if lex.list_intro.search(text):
        assert models.may_hold(text, lex.list_intro_keys, lex.list_intro_odd)


def test_no_astral_character_is_whitespace_to_the_regex_module() -> None:
    # the stdlib classes list the BMP; the whitespace listing is complete only because of this
    import regex
    assert regex.search(r"\s", "".join(map(chr, range(0x10000, 0x110000)))) is None


@settings(max_examples=800, deadline=None)
@given(_ANY)
def test_awards_stdlib_patterns_equal_the_regex_patterns(text: str) -> None:
    import regex
    pairs = [(awards._TOKEN, regex.compile(rf"[^\s,;:!?()\[\]…{awards.QUOTES}]+")),
             (awards._QUOTED, regex.compile(
                 rf"\s*[{awards.QUOTES}]([^{awards.QUOTES}\n]{{1,200}})[{awards.QUOTES}]")),
             (awards._WS, awards._WS_RE)]
    for fast, plain in pairs:
        for i in range(len(text) + 1):
            f, p = fast.match(text, i), plain.match(text, i)
            assert (f and (f.span(), f.groups())) == (p and (p.span(), p.groups()))
            f, p = fast.search(text, i), plain.search(text, i)
            assert (f and (f.span(), f.groups())) == (p and (p.span(), p.groups()))
