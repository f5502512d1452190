"""Text normalization for matching, with an offset map back to the stored text.

The stored text is what the user gave (after decoding). Rules match on a *normalized* copy:
NFC, one tone-mark placement (hoà → hòa, uỷ → ủy, thuý → thúy), non-breaking and exotic
spaces → " ", zero-width characters and stray controls removed. Every character of the
normalized copy remembers the stored-text offset it came from, so spans found on the copy
map back exactly.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

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
_CANDIDATE = regex.compile(r"(?<![\p{L}\p{M}])\p{L}*[oOuU][\p{L}--\p{ASCII}](?![\p{L}\p{M}])", regex.V1)


def fold_tones(text: str) -> str:
    """One tone-mark placement, length-preserving on NFC input."""
    # no Vietnamese syllable has more than 7 letters: longer runs are left alone (and cheap)
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


_NEEDS_WORK = regex.compile("[" + "".join(sorted(_DROP)) + r"\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SPACE_TABLE = {ord(c): " " for c in _SPACE_LIKE}


def normalize(text: str) -> NormalizedText:
    """Build the matching copy of ``text``."""
    if unicodedata.is_normalized("NFC", text) and not _NEEDS_WORK.search(text):
        # the common case: one-for-one replacements only, offsets stay identical
        return NormalizedText(fold_tones(text.translate(_SPACE_TABLE)), None, None, len(text))
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
    stripped, spaces collapsed."""
    s = fold_tones(unicodedata.normalize("NFC", s))
    s = s.casefold()
    s = regex.sub(r"[\"“”‘’'«»„`]", "", s)
    s = regex.sub(r"\s*([-–—/])\s*", r" \1 ", s)
    s = regex.sub(r"\s+", " ", s).strip()
    s = regex.sub(r"^[\p{P}\s]+|[\p{P}\s]+$", "", s)
    return s
