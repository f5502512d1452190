"""Scans recast for speed must find exactly what their plain definitions find.

Several hot scans run on the stdlib ``re`` engine with character classes built from the regex
module's Unicode tables, or skip work a cheap whole-document scan proves useless; the plain
``regex`` patterns stay as the definition (and as the path for texts the fast form cannot take:
astral characters, the whitespace the two engines disagree on, letters that casefold into a
province name's letters). Each test compares the two on generated text that mixes Vietnamese
letters, capitals, digits, separators and the awkward characters.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.document import Document
from extractor.extractors import counts, locations, officials
from extractor.gazetteer import gazetteer
from extractor.patterns import bmp_only
from extractor.pipeline import process

# pieces that make the scans' decisions: names, level words, numbers and their separators,
# the characters on which the two engines or casefolding disagree
_PIECES = ["Nguyễn", " Văn", " An", "Trần", " Thị", " Bình", "Đại tá", "đ/c", "Đ/C", " ông",
           " bà", "Hà Tĩnh", "hà tĩnh", "HÀ TĨNH", "Tại", " Yên Bái", "Bà Rịa-Vũng Tàu", " - ",
           "–", " xã", " huyện", " tỉnh", "Hương Khê", "12", "1.080", "3,8", "2021-2023", "5/6",
           " đến ", "/", ",", ".", ":", " ", "  ", "\n", "\t", "\u00a0", "\x1c", "\x1f", "\u2028",
           "ß", "ſ", "\u212a", "İ", "\U0001d400", "²", "٣", "e\u0301", "’", "&", "'", "(", ")",
           "“", "”", "O'Neil", "ÁNH", "a", "Z", "Bà Rịa", "Vũng Tàu", " – ", "Thừa Thiên", "Huế",
           "Bà Rịa – Vũng Tàu", "Bà Rịa–Vũng Tàu", "Thừa Thiên - Huế"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)
_ANY = st.one_of(_TEXT, st.text(max_size=200))


@settings(max_examples=400, deadline=None)
@given(_ANY)
def test_officials_stdlib_split_and_pairs_equal_the_regex_patterns(text: str) -> None:
    std = officials._std()
    plain = std.odd.search(text) is None
    assert officials._plain(text) == plain
    if plain:
        assert std.split.split(text) == officials._TOKEN_SPLIT.split(text)
        assert std.pairs.findall(text) == [m.group(1) for m in officials._CAPITAL_PAIR.finditer(text)]


# numbers and what may glue to them: groups, decimals, ratios, ranges, letters and other digits
_NUMBER = st.from_regex(r"[0-9]{1,5}(?:[.,][0-9]{1,4}){0,2}", fullmatch=True)
_NUMBERS = st.lists(st.one_of(_NUMBER, _NUMBER, st.sampled_from(
    list(".,/-–: ") + [" đến ", "tới", "a", "Á", "ł", "_", "²", "٣", "\n", "\x1c", "\U0001d7ce"])),
    max_size=12).map("".join)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(_NUMBERS, _TEXT))
def test_counts_stdlib_digit_scan_equals_the_regex_pattern(text: str) -> None:
    if not bmp_only(text):
        return
    fast = [(m.span(), m.groups()) for m in counts._digit_std().finditer(text)]
    plain = [(m.span(), m.groups()) for m in counts._DIGIT_RE.finditer(text)]
    assert fast == plain


def _locations(text: str) -> list[tuple[int, int, str, str]]:
    doc = process(Document("x", "Tin an ninh trật tự địa phương\n\n" + text + "\n"))
    return [(m.start, m.end, m.level, m.name) for m in doc.locations]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_bare_province_candidates_equal_the_scan_of_every_run(text: str) -> None:
    """``_candidate_runs`` (two whole-document scans) against the scan of every capitalised
    run, which locations uses when the text holds a character that could fool the fast one."""
    fast = _locations(text)
    titles, odd = locations._province_titles(gazetteer())
    if odd.search(text) is not None:
        return  # the slow path ran already
    real = locations._province_titles
    try:
        locations._province_titles = lambda g: (titles, _ALWAYS)  # type: ignore[assignment]
        slow = _locations(text)
    finally:
        locations._province_titles = real  # type: ignore[assignment]
    assert fast == slow


class _Always:
    """A pattern that finds something in every text: forces the scan of every run."""

    def search(self, text: str) -> bool:
        return True


_ALWAYS = _Always()


def test_split_only_spaces_are_where_the_engines_disagree() -> None:
    """SPLIT_ONLY_SPACES, written out in extractor.patterns, is derived here from both engines."""
    import re

    import regex

    from extractor.patterns import SPLIT_ONLY_SPACES

    every = "".join(map(chr, range(0x110000)))
    python = {c for c in every if c.isspace()}
    assert python == set(re.findall(r"\s", every))
    assert set(SPLIT_ONLY_SPACES) == python ^ set(regex.findall(r"\s", every))


@settings(max_examples=400, deadline=None)
@given(st.one_of(_TEXT, st.lists(st.sampled_from(
    ["hoà", "Hoà", "HOÀ", "thuý", "uỷ", "quý", "khoẻ", "oà", "ủy", "o", "u", "à", "ỷ", "\u0300",
     " ", "-", "x", "q"]), max_size=20).map("".join)))
def test_fold_tones_equals_its_plain_definition(text: str) -> None:
    """fold_tones finds candidates by a stdlib hint scan confirmed by the tail pattern; its plain
    definition substitutes every candidate word found by one regex."""
    from extractor.normalize import _fold_tones_reference, fold_tones

    assert fold_tones(text) == _fold_tones_reference(text)
