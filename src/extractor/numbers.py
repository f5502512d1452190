"""Vietnamese number reading: digit groups, decimal commas, multipliers and number words.

"1.080" = 1080, "13.181" = 13181, "3,8" = 3.8, "03" = 3, "19.2" = 19.2, "126 ngàn" = 126000,
"sáu" = 6, "mười hai" = 12, "hai mươi lăm" = 25. Shared by the counts and awards extractors.
"""

from __future__ import annotations

from functools import cache

import regex

from .pattern_cache import regex_compile
from .patterns import longest_first
from .resources import load_tsv

# digits with "." thousand groups and/or a decimal comma; or plain digits with a decimal point
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?|\d+\.\d{1,2}(?!\d)"
_NUMBER_RE = regex_compile(rf"^(?:{NUMBER})$")
_GROUPED = regex_compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")


def parse_number(s: str) -> int | float | None:
    """Value of a digit string written the Vietnamese way; None if it is not one."""
    s = s.strip()
    if not _NUMBER_RE.match(s):
        return None
    if _GROUPED.fullmatch(s):
        s = s.replace(".", "")
    s = s.replace(",", ".")
    v = float(s)
    return int(v) if v.is_integer() and "." not in s else (int(v) if v.is_integer() else v)


@cache
def multipliers() -> dict[str, int]:
    """Multiplier words: nghìn/ngàn 1e3, triệu 1e6, tỷ/tỉ 1e9 (resources/number_words.tsv)."""
    return {r["word"]: int(r["value"]) for r in load_tsv("number_words.tsv") if r["kind"] == "multiplier"}


@cache
def digit_words() -> dict[str, int]:
    """The digit words ("một", "hai", … "chín") and their values, from number_words.tsv."""
    return {r["word"]: int(r["value"]) for r in load_tsv("number_words.tsv") if r["kind"] == "digit"}


@cache
def word_number_pattern() -> str:
    """A regex alternation for number words (longest first), for use inside larger patterns."""
    words = longest_first(digit_words())
    unit = "|".join(regex.escape(w) for w in words)
    return rf"(?:(?:{unit})(?:\s+(?:mươi|mười))?(?:\s+(?:{unit}|lăm|mốt|tư))?)"


def parse_number_words(s: str) -> int | None:
    """Value of a number written in words, e.g. "sáu" 6, "mười hai" 12, "hai mươi lăm" 25."""
    toks = s.casefold().split()
    if not toks:
        return None
    dw = digit_words()
    if len(toks) == 1:
        return dw.get(toks[0])
    total = 0
    if toks[0] == "mười":
        total, rest = 10, toks[1:]
    elif len(toks) >= 2 and toks[1] == "mươi" and toks[0] in dw:
        total, rest = dw[toks[0]] * 10, toks[2:]
    else:
        return None
    if not rest:
        return total
    if len(rest) == 1:
        last = {"lăm": 5, "mốt": 1, "tư": 4}.get(rest[0], dw.get(rest[0]))
        if last is not None and last < 10:
            return total + last
    return None
