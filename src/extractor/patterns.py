"""Regex building blocks shared by the extractors."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Final

import regex

from .pattern_cache import regex_compile


# The ``concurrent`` argument of the regex module's calls, passed by position where they run per
# line or per token (match/search: pos, endpos, concurrent; findall: pos, endpos, overlapped,
# concurrent; split: maxsplit, concurrent; sub: count, pos, endpos, concurrent: the C
# signatures, whose docstrings differ). False keeps the GIL held: by default the module releases
# and retakes it around every match on a str (and again whenever its backtracking stack grows),
# which costs more than matching one short line; passed as a keyword, the argument costs more to
# parse than it saves.
HOLD_GIL: Final = False

# Whitespace to Python (str.split, str.isspace, the stdlib engine's \s) but not to the regex
# module's \s: the only characters on which the two engines' whitespace differs (a test
# derives them from both engines over all of Unicode). A str-method or stdlib shortcut of a
# regex pattern that involves whitespace holds on text without them.
SPLIT_ONLY_SPACES = "\x1c\x1d\x1e\x1f"


def holds_split_only_space(text: str) -> bool:
    """Whether ``text`` holds one of :data:`SPLIT_ONLY_SPACES` (four substring scans in C)."""
    return any(map(text.__contains__, SPLIT_ONLY_SPACES))


def bmp_only(text: str) -> bool:
    """Whether ``text`` holds no astral character (its UTF-16 form has no surrogate pair): the
    stdlib classes of :func:`stdlib_class` cover the BMP only."""
    return len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)


def longest_first(words: Iterable[str]) -> list[str]:
    """The distinct ``words`` for an alternation: longest first (an alternation takes its first
    match), ties in code point order, so that the same words make the same pattern string in
    every process. Set order changes with each interpreter's hash seed, and the pattern cache
    keys on the string."""
    return sorted(set(words), key=lambda w: (-len(w), w))


def alternation(words: Iterable[str]) -> str:
    """The ``words`` as a regex alternation, longest first (:func:`longest_first`), a space in a
    word matching any whitespace run."""
    return "|".join(r"\s+".join(regex.escape(p) for p in w.split()) for w in longest_first(words))


def word_trie(words: Iterable[str], *, reverse: bool = False, end: str = "",
              space: str = r"\s+") -> str:
    """An alternation of ``words`` (a space in a word matches any whitespace run) factored into
    a prefix tree: at each position the engine tries one branch per character instead of every
    word in turn. It matches what the longest-first alternation matches whenever two words that
    can match at one position are one the other's prefix (the tree tries the longer first: a
    word's end is its node's last branch). ``reverse=True`` factors common endings instead, for
    patterns compiled with ``regex.REVERSE``. ``end`` stands where a word is complete (after its
    last character; before its first with ``reverse``): a word-end test, say. ``space`` is what a space in a word matches. The escapes suit the
    stdlib engine too. No words: a pattern that never matches."""
    root: dict[str, dict] = {}
    for w in set(words):
        node = root
        for ch in (reversed(w) if reverse else w):
            node = node.setdefault(ch, {})
        node[""] = {}
    if not root:
        return "(?!)"

    def emit(node: dict[str, dict]) -> str:
        parts = []
        for ch, child in sorted(node.items()):
            if ch:
                atom = space if ch == " " else regex.escape(ch)
                parts.append(emit(child) + atom if reverse else atom + emit(child))
        if "" in node:
            parts.append(end)
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    return emit(root)


@lru_cache(maxsize=64)
def stdlib_class(prop: str) -> str:
    """A character class for the stdlib ``re`` engine listing the BMP characters that the regex
    module's class ``prop`` (``r"\\p{Lu}"``, ``r"[\\p{L}\\p{N}]"``, …) takes by its own Unicode
    tables. Hot scans run on the stdlib engine, which scans faster, and match exactly what the
    regex pattern matches on text without astral characters (ruling those out is the caller's
    part)."""
    return "[" + "".join(
        _in_class(m[0]) if len(m[0]) < 3 else f"{_in_class(m[0][0])}-{_in_class(m[0][-1])}"
        for m in regex.finditer(prop + "+", _bmp())) + "]"


@lru_cache(maxsize=1)
def _bmp() -> str:
    """Every BMP character in code point order (the character at index i is chr(i))."""
    return "".join(map(chr, range(0x10000)))


def case_variants(chars: Iterable[str]) -> dict[str, str]:
    """For each character, the BMP characters the regex module's case-insensitive match takes
    for it, in code point order. One scan of the BMP finds those any of them takes (``(?i)`` of
    a class takes a character when it takes it for one of the members); each character then
    tries only those few, instead of scanning the BMP once per character."""
    chars = set(chars)
    near = [m[0] for m in regex.finditer(
        "(?i)[" + "".join(regex.escape(c) for c in sorted(chars)) + "]", _bmp())]
    return {c: "".join(filter(regex_compile(f"(?i:{regex.escape(c)})").fullmatch, near))
            for c in chars}


def odd_chars(words: list[str]) -> frozenset[str]:
    """The BMP characters that the regex module matches case-insensitively to a character of
    the lower-case ``words`` without lower-casing to exactly that character ("ſ" is an "s" to
    it, "İ" lower-cases to two characters). On text without them and without astral
    characters, a case-insensitive match of a word holds that word in the lower-cased text."""
    return frozenset(c for x, takes in case_variants(set("".join(words)) - {" "}).items()
                     for c in takes if c.lower() != x)


def _in_class(chars: str) -> str:
    """Characters as written in a stdlib class: letters and digits as they are (the stdlib
    parser reads an escape far slower, and a class of the letters holds thousands), the rest
    escaped by code point."""
    return "".join(c if c.isalnum() else f"\\u{ord(c):04x}" for c in chars)
