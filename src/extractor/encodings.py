"""Decoding of article bytes: Unicode encodings, Windows-1258, the legacy 8-bit Vietnamese fonts
(TCVN3/ABC, VNI, VISCII) and VIQR.

Older portals served pages typed in 8-bit font encodings; the bytes decode "successfully" as
Latin-1 or cp1258 into junk ("C«ng an tØnh"). Which decoding is right is decided by what it
produces: the right one yields valid Vietnamese syllables (``resources/syllables.tsv``), a wrong
one yields letters no syllable contains. Only words with non-ASCII letters are scored, because
ASCII words read the same under every candidate. Ordinary UTF-8 Vietnamese scores near 1.0 and
is never converted.

Conversion tables for TCVN3, VNI and VISCII come from ``viparse`` (MIT, validated on real
government documents); ``ftfy`` repairs UTF-8 that was read as cp1252 and saved again. No package
decodes VIQR, so :func:`decode_viqr` does, from the RFC 1456 table in ``resources/viqr.tsv``.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import cache, lru_cache

import regex

from .resources import ResourceError, load_tsv


class DecodeError(ValueError):
    """The bytes are not text in any encoding we read; the message says why."""


# Characters scored per trial decoding: enough to be decisive, bounded for 5 MB inputs.
_SAMPLE = 60_000
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_LEGACY = ("tcvn3", "vni", "viscii")
# Punctuation and symbols that real Vietnamese pages use above ASCII: not evidence of junk.
_TYPOGRAPHIC = frozenset("“”‘’–—…•·°€×\u00a0\u200b\ufeff«»›‹©®™→←")

# -- the syllable scorer ------------------------------------------------------------------------


@cache
def _syllable_re() -> regex.Pattern[str]:
    rows = load_tsv("syllables.tsv")
    parts: dict[str, list[str]] = {"onset": [], "nucleus": [], "coda": []}
    for r in rows:
        if r["part"] not in parts or not r["spelling"]:
            raise ResourceError(f"syllables.tsv: bad row {r}")
        parts[r["part"]].append(unicodedata.normalize("NFC", r["spelling"]))

    def alt(xs: list[str]) -> str:
        return "|".join(regex.escape(x) for x in sorted(xs, key=len, reverse=True))

    return regex.compile(
        rf"(?:{alt(parts['onset'])})?(?:{alt(parts['nucleus'])})(?:{alt(parts['coda'])})?")


_LETTERS = regex.compile(r"[\p{L}\p{M}]+")


@lru_cache(maxsize=1 << 16)
def _is_syllable(word: str) -> bool:
    d = unicodedata.normalize("NFD", word.lower())
    if sum(1 for c in d if c in _TONES) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES))
    if _syllable_re().fullmatch(bare):
        return True
    # "gi" before i/ê ("gì", "giết") spells g + i
    return bare.startswith("gi") and bool(_syllable_re().fullmatch("g" + bare[1:]))


def vietnamese_score(text: str) -> tuple[int, int]:
    """(valid, scored): non-ASCII words that are Vietnamese syllables, out of all non-ASCII
    words plus stray non-ASCII symbols (the junk a wrong decoding leaves)."""
    sample = text[:_SAMPLE]
    valid = scored = 0
    for m in _LETTERS.finditer(sample):
        w = m.group()
        if w.isascii():
            continue
        scored += 1
        if len(w) <= 7 and _is_syllable(w):
            valid += 1
    for ch in sample:
        if ord(ch) > 0x7F and ch not in _TYPOGRAPHIC and not ch.isspace() and \
                unicodedata.category(ch)[0] not in "LMN":
            scored += 1
    return valid, scored


def _ratio(text: str) -> tuple[float, int]:
    v, n = vietnamese_score(text)
    return (v / n if n else 1.0), n


# -- legacy 8-bit fonts ---------------------------------------------------------------------------


@cache
def _charmap(name: str) -> tuple[regex.Pattern[str], dict[str, str]]:
    from viparse.normalize.encodings import CHARMAPS

    cm = CHARMAPS[name]
    table = dict(cm.pairs)
    pattern = regex.compile("|".join(regex.escape(s) for s, _ in cm.pairs))  # longest first
    return pattern, table


def convert_legacy(text: str, name: str) -> str:
    """Text whose characters are the Latin-1 surface of legacy font bytes → Unicode (NFC)."""
    pattern, table = _charmap(name)
    return unicodedata.normalize("NFC", pattern.sub(lambda m: table[m.group()], text))


_C1_CP1252 = {b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0xA0)}


def _latin1_surface(data: bytes) -> str:
    """Bytes as the Latin-1 characters legacy tables key on; C1 bytes the tables do not use
    read as cp1252 (smart quotes, bullets typed on Windows): the TCVN3 and VNI tables use none
    of them. (VISCII does, so VISCII reads the raw Latin-1 surface.)"""
    return data.decode("latin-1").translate(_C1_CP1252)


# -- VIQR ---------------------------------------------------------------------------------------


@cache
def _viqr() -> tuple[dict[str, tuple[str, str]], dict[str, str], dict[str, str],
                     regex.Pattern[str]]:
    """(shape marks with the vowels they fit, tone marks, digraph letters, token pattern)."""
    shapes: dict[str, tuple[str, str]] = {}
    tones: dict[str, str] = {}
    letters: dict[str, str] = {}
    for r in load_tsv("viqr.tsv"):
        try:
            value = chr(int(r["value"].removeprefix("U+"), 16))
        except ValueError as e:
            raise ResourceError(f"viqr.tsv: bad value in {r}") from e
        if r["kind"] == "shape":
            shapes[r["seq"]] = (value, r["bases"])
        elif r["kind"] == "tone":
            tones[r["seq"]] = value
        elif r["kind"] == "letter":
            letters[r["seq"]] = value
        else:
            raise ResourceError(f"viqr.tsv: unknown kind in {r}")
    if not shapes or not tones:
        raise ResourceError("viqr.tsv: needs shape and tone rows")
    sh = regex.escape("".join(shapes))
    tn = regex.escape("".join(tones))
    dd = "|".join(regex.escape(k) for k in letters)
    pat = regex.compile(
        rf"\\(?P<esc>[{sh}{tn}\\])"
        rf"|(?<![\p{{L}}])(?P<dd>{dd})|(?<=\p{{Lu}})(?P<dd>DD)"
        rf"|(?P<v>[aeiouyAEIOUY])(?P<shape>[{sh}])?(?P<tone>[{tn}])?")
    return shapes, tones, letters, pat


_VIQR_WORD = regex.compile(r"(?<![A-Za-z(^+'`?~.\\])([A-Za-z][A-Za-z(^+]*)([.?])?(?=([ \t]*)(.?))")


def _viqr_evidence(text: str) -> tuple[dict[str, int], dict[str, int]]:
    """How the document itself spells each word where a final "." or "?" is unambiguous:
    (word+mark → times seen as a tone, i.e. followed by a lower-case word; word → times seen
    bare, followed by a space or a comma). Used to read the ambiguous cases."""
    toned: dict[str, int] = {}
    plain: dict[str, int] = {}
    for m in _VIQR_WORD.finditer(text):
        word, mark, space, nxt = m.group(1).lower(), m.group(2), m.group(3), m.group(4)
        if mark:
            if space and (nxt.islower() or nxt.isdigit()):
                toned[word + mark] = toned.get(word + mark, 0) + 1
        elif (space and nxt) or nxt in (",", ";", ":", "\n"):
            plain[word] = plain.get(word, 0) + 1
    return toned, plain


_ESCAPED_AFTER_VOWEL = regex.compile(r"[aeiouyAEIOUY][(^+]?['`?~.]?\\[.?'`~(^+]")
_ACRONYM = regex.compile(r"[A-Z]{2,}\b")


def decode_viqr(text: str) -> str:
    """VIQR (RFC 1456) → Unicode NFC.

    A mark counts only right after a vowel that takes it, one tone per syllable, and a backslash
    keeps a mark literal. "?" and "." at the end of a word are tones when the sentence visibly
    goes on (a letter, a comma, or a space then a lower-case word). Before a capital ("Bo^. Co^ng
    an", "Thi. Hoa") they are tones unless the document's own unambiguous spellings say the word
    is bare; before a line end they are punctuation unless those spellings say it is toned.
    """
    shapes, tones, letters, pat = _viqr()
    n = len(text)
    toned_until = -1  # vowels before this offset belong to a toned syllable
    evidence: tuple[dict[str, int], dict[str, int]] | None = None

    def vowels_end(i: int) -> int:
        """End of the vowel run after a tone: its vowels belong to the toned syllable."""
        while i < n and text[i] in "aeiouyAEIOUY":
            i += 1
        return i

    # A writer who escapes literal marks after vowels ("No^.i\\.") follows RFC 1456 strictly:
    # then every unescaped mark after a vowel is a tone.
    strict = bool(_ESCAPED_AFTER_VOWEL.search(text))

    def final_is_tone(m: regex.Match[str], tone: str, after: int) -> bool:
        nonlocal evidence
        if strict:
            return True
        nxt = text[after] if after < n else ""
        if nxt.isalpha() or nxt in (",", ";", ":", "!", ")", "."):
            return True
        j = after
        while j < n and text[j] in " \t":
            j += 1
        word_follows = j > after and j < n and text[j].isalnum()
        if word_follows and not text[j].isupper():
            return True
        start = m.start()
        while start > 0 and (text[start - 1].isascii() and text[start - 1].isalpha()
                             or text[start - 1] in shapes):
            start -= 1
        word = text[start:m.start() + (2 if m.group("shape") else 1)].lower()
        if evidence is None:
            evidence = _viqr_evidence(text)
        t, p = evidence[0].get(word + tone, 0), evidence[1].get(word, 0)
        if word_follows:  # "Bo^. Co^ng an", "Thi. Hoa": names after a toned word are common
            return t >= p or bool(_ACRONYM.match(text, j))
        return t > p  # a line end or a quote follows: a full stop unless the text says otherwise

    def sub(m: regex.Match[str]) -> str:
        nonlocal toned_until
        esc, dd, v, shape, tone = m.groups()  # one call: named lookups cost µs each
        if esc is not None:
            return esc
        if dd is not None:
            return letters[dd]
        out = v
        after = m.end()
        if shape is not None:
            mark, bases = shapes[shape]
            at = m.start() + 2
            follows = text[at] if at < n else ""
            if v in bases and (shape != "(" or follows.isalpha() or follows in tones):
                out += mark
            else:  # not a shape mark: the rest stays literal text
                return v + shape + (tone or "")
        if tone is not None:
            ok = m.start() >= toned_until
            if ok and tone in "?.":
                nxt = text[after] if after < n else ""
                ok = nxt.isalpha() or final_is_tone(m, tone, after)
            if ok:
                out += tones[tone]
                toned_until = vowels_end(after)
            else:
                out += tone
        return unicodedata.normalize("NFC", out)

    return unicodedata.normalize("NFC", pat.sub(sub, text))


_VIQR_HINT = regex.compile(
    r"[aAeEoO]\^|[aA]\((?=[a-zA-Z'`?~.])|[oOuU]\+|[aeiouyAEIOUY][\^(+]?['`?~.](?=[a-z])"
    r"|[aeiouyAEIOUY][\^(+]?[`~]|(?<![A-Za-z])[dD][dD](?=[aeiouyAEIOUY])")
_ASCII_WORD = regex.compile(r"[A-Za-z]+")


_NON_ASCII_LETTER = regex.compile(r"[^\x00-\x7f\P{L}]")


def looks_like_viqr(text: str) -> bool:
    """Mostly ASCII text where a good share of words carry VIQR marks."""
    sample = text[:_SAMPLE]
    if len(sample.encode("utf-8", "surrogatepass")) - len(sample) > 0.05 * len(sample):
        return False  # Vietnamese in Unicode: many multi-byte characters (fast check in C)
    non_ascii = len(_NON_ASCII_LETTER.findall(sample))
    words = len(_ASCII_WORD.findall(sample))
    if words < 3 or non_ascii > 0.01 * words:
        return False
    hits = len(_VIQR_HINT.findall(sample))
    return hits >= 3 and hits >= 0.2 * words


# -- Unicode text that hides another encoding -----------------------------------------------------

_VIET_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")


def _only_clean_chars(sample: str) -> bool:
    """Beyond ASCII only Vietnamese letters, typography and spaces: nothing a legacy-font
    surface (µ « ¸ ø ï ñ) or mojibake (Ã Â Æ) is made of."""
    return _unclean_char().search(sample) is None


@cache
def _unclean_char() -> re.Pattern[str]:
    """One character beyond ASCII that is not a Vietnamese letter, typography or a space (a
    character class: the scan runs in C, about 20× faster than deleting with str.translate)."""
    return re.compile("[^\\x00-\\x7f" + "".join(re.escape(c) for c in sorted(_clean_chars())) + "]")


@cache
def _clean_chars() -> frozenset[str]:
    viet = {"đ", "Đ"}
    for cp in range(0xC0, 0x1FFF):
        c = chr(cp)
        d = unicodedata.normalize("NFD", c)
        if c.isalpha() and d[0].isascii() and d[1:] and all(m in _VIET_MARKS for m in d[1:]) \
                and len(d) <= 3:
            viet.add(c)
    spaces = {chr(c) for c in range(0x80, 0x3001) if chr(c).isspace()}
    return frozenset(viet | _TYPOGRAPHIC | spaces)


def repair_text(text: str) -> tuple[str, str | None]:
    """Undo a wrong decoding found inside already-decoded text: VIQR, legacy-font characters
    (a TCVN3 page saved as UTF-8), UTF-8 read as cp1252 (mojibake). Returns the text and the
    encoding it was in, or the input and None when it reads as Vietnamese already."""
    if looks_like_viqr(text):
        return decode_viqr(text), "viqr"
    if text.isascii() or _only_clean_chars(text[:_SAMPLE]):
        return text, None  # beyond ASCII only Vietnamese letters and typography: clean
    ratio, n = _ratio(text)
    if n == 0 or ratio >= 0.85:
        return text, None
    best = (ratio, text, None)
    try:
        import ftfy

        fixed = ftfy.fix_encoding(text)
        if fixed != text:
            r, _ = _ratio(fixed)
            if r > best[0] + 0.2:
                best = (r, fixed, "utf-8+ftfy")
    except Exception:  # ftfy is a repair, never a reason to fail
        pass
    if all(ord(c) < 0x100 or c in _TYPOGRAPHIC for c in text[:_SAMPLE]):
        for name in _LEGACY:
            conv = convert_legacy(text, name)
            r, _ = _ratio(conv)
            if r > best[0] + 0.2:
                best = (r, conv, name)
    if best[2] is not None and best[0] >= 0.7:
        return best[1], best[2]
    return text, None


# -- bytes --------------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_OK = frozenset(b"\t\n\r\x0c\x1b")
_CONTROL_BAD = bytes(b for b in range(0x20) if b not in _CONTROL_OK)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM shows NUL in every other byte (for Latin-script text)."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    z_even, z_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if z_odd > 0.3 and z_even < 0.05:
        return "utf-16-le"
    if z_even > 0.3 and z_odd < 0.05:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode article bytes to text; return (text, encoding name).

    Order: BOM → UTF-16 without BOM → binary check → strict UTF-8 (then VIQR, legacy-font and
    mojibake repair inside it) → the 8-bit candidates cp1258, TCVN3, VNI, VISCII, scored by how
    many of their non-ASCII words are Vietnamese syllables. Raises :class:`DecodeError`.
    """
    if not data:
        raise DecodeError("empty input")
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode("utf-8-sig" if name == "utf-8-sig" else name), name
            except UnicodeDecodeError as e:
                raise DecodeError(f"starts with a {name} byte-order mark but is not valid {name}: "
                                  f"{e.reason} at byte {e.start}") from e
    u16 = _utf16_without_bom(data[:4096])
    if u16:
        try:
            return data.decode(u16), "utf-16"
        except UnicodeDecodeError:
            pass
    head = data[:65536]
    if b"\x00" in head:
        raise DecodeError("binary data (NUL bytes), not text")
    controls = len(head) - len(head.translate(None, _CONTROL_BAD))
    if controls > 0.05 * len(head):
        raise DecodeError(f"binary data ({controls} control bytes in the first {len(head)}), "
                          "not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        return _decode_8bit(data, utf8_error)
    fixed, enc = repair_text(text)
    return fixed, enc or "utf-8"


def _decode_8bit(data: bytes, utf8_error: UnicodeDecodeError) -> tuple[str, str]:
    head = data[:_SAMPLE]
    surface = _latin1_surface(head)
    candidates: list[tuple[float, int, str]] = []
    try:
        cp = unicodedata.normalize("NFC", head.decode("cp1258", errors="strict"))
        r, n = _ratio(cp)
        candidates.append((r, 1, "cp1258"))
    except UnicodeDecodeError:
        pass
    for pri, name in enumerate(_LEGACY, start=2):
        src = head.decode("latin-1") if name == "viscii" else surface
        r, n = _ratio(convert_legacy(src, name))
        candidates.append((r, -pri, name))
    candidates.sort(reverse=True)
    if not candidates or candidates[0][0] < 0.6:
        best = f" (best: {candidates[0][2]}, {candidates[0][0]:.0%} valid words)" if candidates else ""
        raise DecodeError(
            f"undecodable: not valid UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) and "
            f"reads as Vietnamese in none of cp1258, TCVN3, VNI, VISCII{best}")
    name = candidates[0][2]
    if name == "cp1258":
        return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")), name
    src = data.decode("latin-1") if name == "viscii" else _latin1_surface(data)
    return convert_legacy(src, name), name


def encode_legacy(text: str, name: str) -> bytes:
    """Unicode → legacy font bytes (the inverse table); for building test fixtures."""
    from viparse.normalize.encodings import CHARMAPS

    inverse: dict[str, str] = {}
    for src, dst in CHARMAPS[name].pairs:
        key = unicodedata.normalize("NFC", dst)
        if key not in inverse or len(src) < len(inverse[key]):
            inverse[key] = src
    # TCVN3 has no upper-case toned letters: typists used the lower-case ones in a capitals font
    out = "".join(inverse.get(ch) or inverse.get(ch.lower(), ch)
                  for ch in unicodedata.normalize("NFC", text))
    return b"".join(c.encode("latin-1") if ord(c) < 0x100 else c.encode("cp1252", errors="replace")
                    for c in out)


def encode_cp1258(text: str) -> bytes:
    """Unicode → Windows-1258 bytes, tone marks as combining characters (how cp1258 stores
    them); for building test fixtures. Characters cp1258 lacks become "?"."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES))
        tones = "".join(c for c in d if c in _TONES)
        out += (base + tones).encode("cp1258", errors="replace")
    return bytes(out)


def encode_viqr(text: str) -> str:
    """Unicode → VIQR (RFC 1456, literal marks after a vowel escaped with a backslash); for
    building test fixtures."""
    shapes, tones, letters, _ = _viqr()
    inv_shape = {mark: seq for seq, (mark, _) in shapes.items()}
    inv_tone = {mark: seq for seq, mark in tones.items()}
    out: list[str] = []
    marks = set(shapes) | set(tones)
    prev_vowel = False
    for ch in unicodedata.normalize("NFC", text):
        if ch in marks and prev_vowel:  # RFC 1456: a literal mark after a vowel is escaped
            out.append("\\" + ch)
            prev_vowel = False
            continue
        prev_vowel = unicodedata.normalize("NFD", ch)[:1].lower() in "aeiouy" and ch.isalpha()
        if ch == "đ":
            out.append("dd")
            continue
        if ch == "Đ":
            out.append("DD")
            continue
        d = unicodedata.normalize("NFD", ch)
        base, combining = d[0], d[1:]
        if not combining or not base.isascii():
            out.append(ch)
            continue
        out.append(base + "".join(inv_shape.get(m, "") for m in combining)
                   + "".join(inv_tone.get(m, "") for m in combining))
    return "".join(out)
