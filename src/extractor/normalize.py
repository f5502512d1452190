"""Text normalization for matching, with an offset map back to the stored text.

The stored text is what the user gave (after decoding). Rules match on a *normalized* copy:
NFC, one tone-mark placement (hoà → hòa, uỷ → ủy, thuý → thúy), non-breaking and exotic
spaces → " ", zero-width characters and stray controls removed. Every character of the
normalized copy remembers the stored-text offset it came from, so spans found on the copy
map back exactly.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

from .pattern_cache import re_compile, regex_compile
from .patterns import holds_split_only_space

# Tone marks as combining characters (NFD).
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SPACE_LIKE = {"\u00a0", "\u2007", "\u202f", "\u2000", "\u2001", "\u2002", "\u2003", "\u2004",
               "\u2005", "\u2006", "\u2008", "\u2009", "\u200a", "\u205f", "\u3000", "\t", "\x0b", "\x0c"}
_DROP = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}

_VOWELS = set("aeiouy")
# Open syllables whose old-style spelling puts the tone on the 2nd vowel: hoà, hoè, uỷ, thuý.
_PAIRS = {("o", "a"), ("o", "e"), ("u", "y")}


def _fold_syllable(syl: str) -> str:
    """Move a tone mark from the 2nd to the 1st vowel of a final oa/oe/uy (hoà → hòa)."""
    d = unicodedata.normalize("NFD", syl)
    # base letters with their marks
    chars: list[list[str]] = []
    for ch in d:
        if unicodedata.combining(ch) and chars:
            chars[-1].append(ch)
        else:
            chars.append([ch])
    if len(chars) < 2:
        return syl
    last, prev = chars[-1], chars[-2]
    pair = (prev[0].lower(), last[0].lower())
    if pair not in _PAIRS:
        return syl
    # "quy"/"quý": u belongs to qu; "gi" similar does not occur with these pairs.
    if pair == ("u", "y") and len(chars) >= 3 and chars[-3][0].lower() == "q":
        return syl
    # a third vowel before the pair (e.g. "uoa") → leave alone
    if len(chars) >= 3 and chars[-3][0].lower() in _VOWELS and chars[-3][0].lower() != "q":
        if not (pair == ("o", "a") and chars[-3][0].lower() == "u" and len(chars) >= 4
                and chars[-4][0].lower() == "q"):
            return syl
    tone = [m for m in last[1:] if m in _TONES]
    if not tone or any(m in _TONES for m in prev[1:]):
        return syl
    last[:] = [m for m in last if m not in _TONES]
    prev.extend(tone)
    return unicodedata.normalize("NFC", "".join("".join(c) for c in chars))


# Only a word ending in o/u + a non-ASCII letter (oà, oè, uỷ as NFC) can need folding: the
# other ~95 % of words are never looked at.
_CANDIDATE = regex_compile(r"(?<![\p{L}\p{M}])\p{L}*[oOuU][\p{L}--\p{ASCII}](?![\p{L}\p{M}])", regex.V1)


# The same candidates found from their end: the two-letter tail is a cheap scan, and the word
# is then walked back to its start (_CANDIDATE tries a letter run at every word start).
_TAIL = regex_compile(r"[oOuU][\p{L}--\p{ASCII}](?![\p{L}\p{M}])", regex.V1)
_LETTERS_BACK = regex_compile(r"\p{L}*", regex.V1 | regex.REVERSE)
_LETTER_OR_MARK = regex_compile(r"[\p{L}\p{M}]", regex.V1)


# _TAIL's possible starts, on the stdlib engine (a plain class scan, several times faster than
# the regex module's): o/u, a non-ASCII character, then no ASCII letter. Every _TAIL match is
# one of them (an ASCII letter is a \p{L}), and a hint never overlaps a _TAIL match that starts
# elsewhere (its second character is not an ASCII o/u), so verifying each hint with
# ``_TAIL.match`` at its start finds exactly _TAIL's matches. In Vietnamese text most o/u +
# marked vowel pairs go on with a letter ("thuộc", "hoạt"), so few hints remain.
_TAIL_HINT = re_compile(r"[oOuU][^\x00-\x7f](?![A-Za-z])")


@lru_cache(maxsize=4096)
def _fold_word(word: str) -> str:
    """A candidate word folded; the same few words ("Huế", "thuế", "hoà") recur in every text."""
    # no Vietnamese syllable has more than 7 letters: longer runs are left alone
    return word if len(word) > 8 else _fold_syllable(word)


def fold_tones(text: str) -> str:
    """One tone-mark placement, length-preserving on NFC input.

    Same result as ``_CANDIDATE.sub(...)``: a candidate is a letter run that starts a word
    (no letter or mark before it) and ends in the tail."""
    parts: list[str] = []
    last = 0
    for h in _TAIL_HINT.finditer(text):
        m = _TAIL.match(text, h.start())
        if m is None:
            continue
        start = _LETTERS_BACK.match(text, last, m.start()).start()  # type: ignore[union-attr]
        if start > 0 and _LETTER_OR_MARK.match(text, start - 1):
            continue  # the run follows a mark (or the previous candidate): not a word start
        word = text[start:m.end()]
        folded = _fold_word(word)
        if folded != word:
            parts.append(text[last:start])
            parts.append(folded)
            last = m.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _fold_tones_reference(text: str) -> str:
    """The plain definition of :func:`fold_tones` (kept for the equivalence test)."""
    return _CANDIDATE.sub(lambda m: m.group() if len(m.group()) > 8 else _fold_syllable(m.group()), text)


@dataclass(frozen=True)
class NormalizedText:
    """The matching copy of a text plus, for each of its characters, the stored-text extent."""

    text: str
    starts: tuple[int, ...] | None  # None when offsets are identical (the common case)
    ends: tuple[int, ...] | None
    source_len: int

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalized copy to the stored text."""
        if self.starts is None or self.ends is None:
            return start, end
        n = len(self.starts)
        s = self.starts[start] if start < n else self.source_len
        if end <= start:
            return s, s
        e = self.ends[end - 1] if end - 1 < n else self.source_len
        return s, e


# character classes of literal characters: on the stdlib engine, whose class scan is several
# times faster than the regex module's (same characters, same matches)
_NEEDS_WORK = re_compile("[" + "".join(sorted(_DROP)) + r"\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SPACE_RE = re_compile("[" + re.escape("".join(sorted(_SPACE_LIKE))) + "]")
# either class: most texts hold neither, and one scan then settles both questions
_SPACE_OR_WORK = re_compile("[" + re.escape("".join(sorted(_SPACE_LIKE | _DROP)))
                            + r"\x00-\x08\x0e-\x1f\x7f-\x9f]")


def normalize(text: str) -> NormalizedText:
    """Build the matching copy of ``text``."""
    if unicodedata.is_normalized("NFC", text):
        if not _SPACE_OR_WORK.search(text):
            # nothing to replace or drop: only the tone placement may change
            return NormalizedText(fold_tones(text), None, None, len(text))
        if not _NEEDS_WORK.search(text):
            # one-for-one replacements only, offsets stay identical
            # (a regex sub, not str.translate: translate looks every character up in a dict)
            return NormalizedText(fold_tones(_SPACE_RE.sub(" ", text)), None, None, len(text))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    identity = True
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _SPACE_LIKE:
            out.append(" ")
            starts.append(i)
            ends.append(i + 1)
            i += 1
            continue
        if ch in _DROP or (unicodedata.category(ch) == "Cc" and ch not in "\n\r"):
            identity = False
            i += 1
            continue
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        chunk = text[i:j]
        composed = chunk if (j - i == 1 and chunk.isascii()) else unicodedata.normalize("NFC", chunk)
        if len(composed) != j - i:
            identity = False
            for k, c in enumerate(composed):
                out.append(c)
                starts.append(i)
                ends.append(j)
        else:
            for k, c in enumerate(composed):
                out.append(c)
                starts.append(i + k)
                ends.append(i + k + 1)
        i = j
    folded = fold_tones("".join(out))
    if identity:
        return NormalizedText(folded, None, None, n)
    return NormalizedText(folded, tuple(starts), tuple(ends), n)


def match_key(s: str) -> str:
    """The comparison key of FACTS.md: NFC, tone placement, casefold, quotes/edge punctuation
    stripped, spaces collapsed (:func:`_match_key_reference`, the plain definition).

    Unless the text holds one of ``SPLIT_ONLY_SPACES`` (then the regex module's and Python's
    whitespace agree): a dash gets spaces put around it by ``str.replace`` (the runs it would
    have swallowed are collapsed next anyway), ``str.split`` collapses and strips the spaces,
    and the edge pattern runs only where an end is no letter or digit (one that is, is no
    ``[\\p{P}\\s]``)."""
    s = fold_tones(unicodedata.normalize("NFC", s)).casefold()
    if holds_split_only_space(s):
        return _key_tail(s)
    s = _KEY_QUOTES_STD.sub("", s)
    for dash in _KEY_DASH_CHARS:
        if dash in s:
            s = s.replace(dash, f" {dash} ")
    s = " ".join(s.split())
    if s and s[0].isalnum() and s[-1].isalnum():
        return s
    return _KEY_EDGES.sub("", s)


def _key_tail(s: str) -> str:
    """match_key's regex steps on the casefolded text."""
    s = _KEY_QUOTES.sub("", s)
    s = _KEY_DASH.sub(r" \1 ", s)
    s = _KEY_SPACES.sub(" ", s).strip()
    return _KEY_EDGES.sub("", s)


def _match_key_reference(s: str) -> str:
    """The plain definition of :func:`match_key` (kept for the equivalence test)."""
    return _key_tail(fold_tones(unicodedata.normalize("NFC", s)).casefold())


# match_key's patterns, compiled once (it runs for every fact resolve compares)
_KEY_QUOTES = regex_compile(r"[\"“”‘’'«»„`]")
_KEY_QUOTES_STD = re_compile(_KEY_QUOTES.pattern)  # literals only: the same matches
_KEY_DASH_CHARS = "-–—/"  # _KEY_DASH's group
_KEY_DASH = regex_compile(r"\s*([-–—/])\s*")
_KEY_SPACES = regex_compile(r"\s+")
_KEY_EDGES = regex_compile(r"^[\p{P}\s]+|[\p{P}\s]+$")
