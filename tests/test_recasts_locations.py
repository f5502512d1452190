"""The locations scan recast for speed finds what its plain definition finds.

The stdlib twins of the scan's patterns match what the regex-module definitions match, on any
text without astral characters (the scan uses the definitions otherwise): every pattern is
compared at every start position, with and without an end bound (the scan matches inside
sentence bounds), on generated text that mixes level words in all cases, names, numbers,
separators and the characters on which case folding or the engines may disagree.
"""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.document import Document
from extractor.extractors import locations
from extractor.patterns import bmp_only
from extractor.pipeline import process
from extractor.resources import load_tsv

_PIECES = ["t.phường", "T.P", "TP.", "Tp", "TP.HCM", "tp", "KP.", "kp.5", "TX.", "TT.", "TDP",
           " xã", "xã", "Xã", "XÃ", " huyện", "HUYỆN", "HuYệN", " tỉnh", " Tỉnh ủy", " TỈNH ỦY",
           " thành phố", "thành\nphố", " thị  xã", "thị\u00a0trấn", "tổ dân phố", "tổ chức",
           "khu phố", "khu", "ấp", "Ấp", "bản", "văn bản", "chăm sóc", "Sóc", "các", "những",
           " Hương Khê", " Lộc Yên", " H'Leo", "Tháp-Chàm", ", ", ",", " và ", " thuộc ", " - ",
           "–", "(", "12", "007", "5A", " số 2", "số\t3", "1.2", "3/4", "٣", "²", ".", ":", " ",
           "\n", "\u00a0", "\x1c", "\u2028", "ß", "ſ", "\u212a", "İ", "ı", "K", "k", "a", "Z",
           "HTN", "ABCDEF", "ã", "a\u0303", "\u0303", "đặc khu", "ĐẶC KHU", "phường", "quận",
           "Quận 1", "'", "’", "Hà Tĩnh", "hai ", "năm  "]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=25).map("".join)
_ANY = st.one_of(_TEXT, _TEXT, st.text(max_size=60))


def _pairs() -> list[tuple[str, object, object]]:
    slow, fast = locations._regex_pats(), locations._std_pats()
    return [(f, getattr(slow, f), getattr(fast, f)) for f in slow.__dataclass_fields__]


def _m(m: object) -> object:
    return None if m is None else (m.span(), m.groups())  # type: ignore[attr-defined]


@settings(max_examples=600, deadline=None)
@given(_ANY, st.integers(0, 60))
def test_stdlib_twins_match_what_the_regex_patterns_match(text: str, cut: int) -> None:
    if not bmp_only(text):
        return
    ends = {len(text), min(cut, len(text))}
    for name, slow, fast in _pairs():
        for end in ends:
            for pos in range(end + 1):
                assert _m(fast.match(text, pos, end)) == _m(slow.match(text, pos, end)), name
                assert _m(fast.search(text, pos, end)) == _m(slow.search(text, pos, end)), name
        assert _m(fast.search(text[-cut:])) == _m(slow.search(text[-cut:])), name


def test_case_classes_cover_what_regex_folds() -> None:
    """Spot checks of the level-word twin: the characters regex's (?i) takes for a letter."""
    fast = locations._std_pats().trig
    for word in ["XÃ", "Xã", "HUYỆN", "Tỉnh Ủy", "THÀNH  PHỐ", "\u212ahu phố", "ſóc", "TP.",
                 "Tp", "T.P", "tp", "tt", "kp", "Tdp", "TDP"]:
        slow = locations._triggers()[0].match(word)
        assert _m(fast.match(word)) == _m(slow), word
    assert regex.DEFAULT_VERSION == regex.VERSION0  # simple case folding: one char for one


def _mentions(text: str) -> list[tuple]:
    return [(m.start, m.end, m.level, m.name, m.province, m.district, m.status)
            for m in process(Document("x", text)).locations]


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_scan_with_twins_equals_the_scan_with_the_definitions(text: str) -> None:
    fast = _mentions(text)
    real = locations._std_pats
    try:
        locations._std_pats = locations._regex_pats  # type: ignore[assignment]
        slow = _mentions(text)
    finally:
        locations._std_pats = real  # type: ignore[assignment]
    assert fast == slow


def test_level_word_letters_casefold_from_their_regex_matches_only() -> None:
    """The premise of ``_trigger_prefilter``: every character regex's ``(?i)`` takes for a
    level word's letter casefolds to it."""
    rows = load_tsv("admin_levels.tsv")
    everything = "".join(map(chr, range(0x110000)))
    for r in rows:
        for c in {c for c in r["word"] if c != " "}:
            pat = f"(?i:{regex.escape(c)})" if r["case"] == "i" else regex.escape(c)
            assert {m[0].casefold() for m in regex.finditer(pat, everything)} == {c.casefold()}


def test_case_classes_are_what_a_scan_of_the_bmp_per_letter_finds() -> None:
    """``_case_classes`` scans the BMP once for all the letters; the definition scans it once
    per letter."""
    rows = load_tsv("admin_levels.tsv")
    letters = {c for r in rows if r["case"] == "i" for c in r["word"] if c != " "}
    bmp = "".join(map(chr, range(0x10000)))
    per_letter = {c: "[" + "".join(f"\\u{m.start():04x}" for m in
                                   regex.finditer(f"(?i:{regex.escape(c)})", bmp)) + "]"
                  for c in letters}
    assert locations._case_classes(letters) == per_letter
    assert any(len(v) > 16 for v in per_letter.values())  # some letter takes more than its pair


# -- resolution: the article's dissolved districts looked up once per article --

def _dissolved_definition(dists: dict, g, u) -> str | None:  # type: ignore[no-untyped-def]
    """``_dissolved_district`` as written before the per-article split."""
    prov = u.province
    here = {prov.name} | {s.name for s, _ in prov.successors} if prov is not None else set()
    gone = []
    for name in dists.values():
        is_district, where = locations._name_info(g, name)
        if is_district:
            continue
        if not where or where & here:
            gone.append(name)
    return gone[0] if len(gone) == 1 else None


def _sample_units() -> list:
    from extractor.gazetteer import gazetteer
    g = gazetteer()
    units = [u for u in g.units if u.tier in ("commune", "commune_2025", "district")]
    return units[::97][:150]


def test_dissolved_per_article_equals_the_definition() -> None:
    from extractor.gazetteer import gazetteer
    g = gazetteer()
    k = locations._k
    units = _sample_units()
    # a real district, a dissolved one that lives on as a commune ("Cửa Lò"), unknown names
    names = ["Hương Khê", "Cửa Lò", "Không Có", units[3].name, units[40].name]
    found = 0
    for a in range(len(names)):
        for b in range(a, len(names)):
            dists = {k(n): n for n in {names[a], names[b]}}
            once = locations._Dissolved(dists, g)
            for u in units[:60]:
                assert once(u) == _dissolved_definition(dists, g, u), (dists, u)
                found += once(u) is not None
    assert found  # some commune takes a dissolved district
