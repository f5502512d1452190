"""Page segmentation: header, headline, publication stamp, body, captions, byline, boilerplate.

Works line by line on the normalized text. The page layout of Vietnamese portals is regular
enough for rules: a header of short lines (portal name, menus, hotlines, breadcrumbs), the
headline, an optional stamp, body paragraphs with image captions between them (short lines
without a final full stop), a byline, then widgets. Line patterns live in
``resources/page_lines.tsv``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

import regex

from .document import Document
from .models import Segment
from .pattern_cache import re_compile, regex_compile
from .patterns import HOLD_GIL
from .resources import load_tsv

# A stamp: a full dd/mm/yyyy date, optionally with a time before or after it.
_DATE = r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>(?:19|20)\d{2})"
_TIME = r"(?P<H>\d{1,2})\s*[:hg]\s*(?P<M>\d{2})(?:\s*:\s*(?P<S>\d{2}))?"
_STAMP_AFTER = regex_compile(_DATE + r"(?:\s*[-|,]?\s*(?:lúc\s*)?" + _TIME + r")?", regex.I)
_TIME_BEFORE = regex_compile(_TIME + r"\s*(?:[-|,]|ngày)?\s*(?:ngày\s*)?" + _DATE, regex.I)
# a line ending in sentence punctuation (closing quotes/brackets may follow). REVERSE, and
# asked with ``match``, which anchors at the end of the line: ``search`` tried every position of
# a long paragraph first. Same answer: ``$`` holds only at the end (or before a final "\n",
# which the trailing \s* takes from the end too).
_TERMINAL = regex_compile(r"[.!?…:;]\s*[\"”’)]*\s*$", regex.REVERSE)
_INNER_SENTENCE = regex_compile(r"[.!?…]\s+\p{Lu}")
# a name syllable: "Phượng", "H'Linh" (Ê Đê/Jrai names), or initials "T.C"
_NAME_SYLLABLE = regex_compile(r"^\p{Lu}[\p{Ll}\p{M}]*(?:['’]\p{Lu}?[\p{Ll}\p{M}]+)?\.?$|^\p{Lu}\.(\p{Lu}\.?)*$")


_BYLINE_UNIT = regex_compile(r"\s*\((?:[^)]{0,40})\)\s*$")
# (?<!\s): a separator is taken from the start of its whitespace, never from inside it (any
# match starting inside a run also matches from the run's start); without it, a line with a long
# run of spaces is scanned from each of its positions to the run's end, quadratic in the run
_BYLINE_SEP = regex_compile(r"(?<!\s)(?:\s+[-–]\s+|\s*,\s*|\s+và\s+|\s*/\s*)")



class _Line(NamedTuple):
    start: int
    end: int
    text: str  # stripped
    words: int  # asked many times per line: counted once, when the line is read


@cache
def _patterns() -> dict[str, list[regex.Pattern[str]]]:
    out: dict[str, list[regex.Pattern[str]]] = {}
    for row in load_tsv("page_lines.tsv"):
        out.setdefault(row["role"], []).append(regex_compile(row["pattern"], regex.I | regex.V0))
    for role in ("header", "boilerplate", "related", "byline_prefix", "credit"):
        if role not in out:
            raise ValueError(f"page_lines.tsv: no pattern for role {role}")
    return out


@dataclass(frozen=True)
class _RoleMatcher:
    """A role's line patterns as one test. The patterns anchored at the line start are one
    compiled alternation (one C-level call instead of a Python loop); a pattern that starts
    with ``.*`` ("anywhere in the line") is searched for without it: ``.*`` then tries every
    end of the line and backtracks, and in an alternation it defeats the engine's literal
    scan. Same answer: lines hold no newline, so ``.`` matches each of their characters."""

    anchored: regex.Pattern[str] | None
    anywhere: tuple[regex.Pattern[str], ...]

    def __call__(self, text: str) -> bool:
        if self.anchored is not None and self.anchored.match(text, None, None, HOLD_GIL):
            return True
        for p in self.anywhere:  # none or a few: a plain loop, not any() over a generator
            if p.search(text, None, None, HOLD_GIL):
                return True
        return False


@cache
def _role_patterns() -> dict[str, _RoleMatcher]:
    out = {}
    for role, pats in _patterns().items():
        anchored, anywhere = [], []
        for p in pats:
            if p.pattern.startswith(".*") and p.pattern[2:3] not in ("?", "+", "*", "{"):
                anywhere.append(regex_compile(p.pattern[2:], regex.I | regex.V0))
            else:
                anchored.append(p.pattern)
        alt = (regex_compile("|".join(f"(?:{x})" for x in anchored), regex.I | regex.V0)
               if anchored else None)
        out[role] = _RoleMatcher(alt, tuple(anywhere))
    return out


def _is(role: str, text: str) -> bool:
    # segment() asks about the same line under the same role several times: short lines are
    # cached (long ones are not, so the cache stays small whatever the input)
    if len(text) > 1000:
        return _role_patterns()[role](text)
    return _is_short(role, text)


@lru_cache(maxsize=8192)
def _is_short(role: str, text: str) -> bool:
    return _role_patterns()[role](text)


def _is_boilerplate(line: _Line) -> bool:
    """A widget line: matches a boilerplate pattern and is short (a paragraph that happens to
    start with "Chia sẻ", "Hôm nay" or "Thống kê" is text)."""
    return line.words < 25 and (_is("boilerplate", line.text) or _is("related", line.text))


_new_tuple = tuple.__new__


def _lines(text: str) -> list[_Line]:
    """The non-blank lines with their stripped extent and word count."""
    out = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        # every line break is whitespace, so stripping the raw line strips its break too
        stripped = raw.strip()
        if stripped:
            # only whitespace precedes the first non-space character: its first occurrence
            start = pos + raw.find(stripped[0])
            # len(stripped.split()): with no two spaces in a row and no other whitespace (every
            # whitespace character but " " is unprintable) the words are the spaces plus one,
            # three C scans instead of a list of every word
            words = (stripped.count(" ") + 1 if "  " not in stripped and stripped.isprintable()
                     else len(stripped.split()))
            # tuple.__new__: the record without the named tuple's Python-level __new__
            out.append(_new_tuple(_Line, (start, start + len(stripped), stripped, words)))
        pos += len(raw)
    return out


class _DropCombining(dict[int, int | None]):
    """``str.translate`` table dropping combining marks, filled lazily (one lookup per new
    code point instead of a Python-level ``unicodedata.combining`` call per character)."""

    def __missing__(self, cp: int) -> int | None:
        v = None if unicodedata.combining(chr(cp)) else cp
        self[cp] = v
        return v


_DROP_COMBINING = _DropCombining()
_ALNUM_RUN = regex_compile(r"[\p{L}\p{N}]+")


def strip_diacritics(s: str) -> str:
    d = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return d.translate(_DROP_COMBINING)


# Latin letters that strip_diacritics changes (they decompose, or are đ/Đ): one of them in a
# line settles that it is not diacritic-free without decomposing the whole line. A class of
# literal BMP characters, so the stdlib engine (less set-up per call) matches exactly the same
_MARKED = re_compile("[" + "".join(map(re.escape, (
    c for c in map(chr, [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)])
    if c in "đĐ" or unicodedata.normalize("NFD", c) != c))) + "]")


def _diacritic_free(s: str) -> bool:
    """``s == strip_diacritics(s)``, cheaply for Vietnamese text (the first marked letter
    answers); the full comparison runs only for lines without one."""
    if _MARKED.search(s):
        return False
    return s == strip_diacritics(s)


def _plain(s: str) -> str:
    """Letters and digits only, without diacritics or case: "TIỀN HẢI: TỔNG KẾT" = "tien hai tong ket"."""
    return " ".join(_ALNUM_RUN.findall(strip_diacritics(s).casefold(), None, None, False, HOLD_GIL))


def _stamp_match(line: str) -> regex.Match[str] | None:
    m = _TIME_BEFORE.search(line, None, None, HOLD_GIL)
    if not m:
        m = _STAMP_AFTER.search(line, None, None, HOLD_GIL)
    return m


def parse_stamp(line: str) -> str | None:
    """ISO publication stamp from a stamp line, to the precision given."""
    return _stamp_iso(_stamp_match(line))


def _stamp_iso(m: regex.Match[str] | None) -> str | None:
    """parse_stamp from the line's stamp match (segment() has it from _stamp_of already)."""
    if not m:
        return None
    d, mo, y = int(m["d"]), int(m["m"]), int(m["y"])
    if not (1 <= d <= 31 and 1 <= mo <= 12):
        return None
    iso = f"{y:04d}-{mo:02d}-{d:02d}"
    if m.groupdict().get("H") is not None:
        h, mi = int(m["H"]), int(m["M"])
        if h < 24 and mi < 60:
            iso += f"T{h:02d}:{mi:02d}"
            if m["S"] is not None:
                iso += f":{int(m['S']):02d}"
    return iso


def _source(doc: Document, line: _Line) -> str:
    """A line as the stored text writes it (the normalized copy folds tone placement)."""
    s, e = doc.normalized.to_source(line.start, line.end)
    return doc.text[s:e].strip()


def _stamp_of(line: _Line) -> regex.Match[str] | None:
    """The stamp match if ``line`` is a stamp line, else None (the caller parses the match
    instead of searching the line again)."""
    # both patterns hold _DATE, whose year starts with the literal digits "19" or "20" (which
    # case-insensitive matching takes only as themselves): a line with neither has no stamp
    if "20" not in line.text and "19" not in line.text:
        return None
    m = _stamp_match(line.text)
    if not m:
        return None
    rest = (line.text[: m.start()] + " " + line.text[m.end():]).strip()
    # weekday names, "Cập nhật", "Ngày đăng" and widget words may surround it; prose may not
    if len(rest.split()) <= 7 and not _TERMINAL.match(line.text.rstrip(")"), None, None, HOLD_GIL):
        return m
    return None


def _is_header(line: _Line) -> bool:
    t = line.text
    if _is("header", t):
        return True
    if line.words <= 6 and ":" not in t:  # the cheap conditions first: most lines are longer
        letters = [c for c in t if c.isalpha()]
        if letters and all(c.isupper() for c in letters):
            return True  # "CÔNG AN TỈNH HÀ TĨNH"
    return line.words <= 2 and not _TERMINAL.match(t, None, None, HOLD_GIL)


def _can_be_title(line: _Line) -> bool:
    return 4 <= line.words <= 60 and not _is_header(line)


def byline_names(text: str) -> list[str] | None:
    """Author names if ``text`` is a byline, else None."""
    t = text.strip()
    prefixed = False
    for p in _patterns()["byline_prefix"]:
        m = p.match(t, None, None, HOLD_GIL)
        if m:
            t = t[m.end():].strip()
            prefixed = True
            break
    if not t or _is("credit", text.strip()):
        return None
    t = _BYLINE_UNIT.sub("", t, 0, None, None, HOLD_GIL)  # "(Công an huyện X)" after names
    parts = [p.strip() for p in _BYLINE_SEP.split(t, 0, HOLD_GIL) if p.strip()]
    if not parts or len(parts) > 4:
        return None
    for p in parts:
        sylls = p.split()
        if not (1 <= len(sylls) <= 5):
            return None
        if not prefixed and len(sylls) < 2 and not p.isupper() and "'" not in p:
            return None
        if not all(_NAME_SYLLABLE.match(s, None, None, HOLD_GIL) or s.isupper() for s in sylls):
            return None
    return parts


# a Segment from its field dict by pydantic-core's validator: what ``Segment(**kw)`` runs, without
# BaseModel.__init__'s Python frame (the validating path, not model_construct: pydantic-core
# checks these four plain fields in Rust faster than model_construct's Python loop)
_new_segment = Segment.__pydantic_validator__.validate_python


def segment(doc: Document) -> None:
    """Fill ``doc.segments``, ``doc.title``, ``doc.published`` and ``doc.authors``."""
    lines = _lines(doc.norm)
    if not lines:
        doc.segments = []
        return
    n = len(lines)
    kinds: list[str] = ["body"] * n
    texts = [ln.text for ln in lines]
    words = [ln.words for ln in lines]
    # per line, asked by most rules below: ends in sentence punctuation; is a paragraph (long,
    # or medium and terminated); is a full paragraph (long and terminated)
    term = [_TERMINAL.match(t, None, None, HOLD_GIL) is not None for t in texts]
    para = [w >= 25 or (w >= 8 and tm) for w, tm in zip(words, term)]

    # 1. stamp and headline
    # the first real paragraph ends with punctuation (a long headline does not)
    first_para = next((i for i in range(n) if para[i] and term[i]), n)
    stamp_i: int | None = None
    stamp_m: regex.Match[str] | None = None
    for i in range(min(first_para + 1, n)):
        stamp_m = _stamp_of(lines[i])
        if stamp_m is not None:
            stamp_i = i
            break
    title_i: int | None = None
    if stamp_i is not None:
        for i in range(stamp_i - 1, -1, -1):
            if _can_be_title(lines[i]):
                title_i = i
                break
        if title_i is None:
            title_i = next((i for i in range(stamp_i + 1, n) if _can_be_title(lines[i])), None)
    else:
        title_i = next((i for i in range(min(n, first_para + 1)) if _can_be_title(lines[i])), None)
    if stamp_i is not None:
        kinds[stamp_i] = "stamp"
        doc.published = _stamp_iso(stamp_m)  # parse_stamp(texts[stamp_i])
    if title_i is not None:
        kinds[title_i] = "title"
        doc.title = _source(doc, lines[title_i])
    top = min(x for x in (stamp_i, title_i, n) if x is not None)
    for i in range(top):
        kinds[i] = "header"
    if doc.published is None and doc.published_hint:
        doc.published = doc.published_hint
    if doc.title is None and doc.title_hint:
        doc.title = doc.title_hint

    # 2. the end of the article: a related-news/comments block with no full paragraph after it
    #    ends the text; after the last paragraph come captions, the byline, then widgets
    start_body = max(x for x in (stamp_i, title_i, -1) if x is not None) + 1
    # "no full paragraph after line i" is "i >= last_full" (a short line is not one itself), so
    # lines before last_full are not asked whether they are related-news lines
    last_full = max((i for i in range(n) if words[i] >= 25 and term[i]), default=-1)
    tail = n
    for i in range(max(start_body, last_full), n):
        if words[i] < 25 and _is("related", texts[i]):
            tail = i
            break
    # the last paragraph that is not a widget line, searched from the end
    last_para = start_body - 1
    for i in range(tail - 1, start_body - 1, -1):
        if para[i] and not _is_boilerplate(lines[i]):
            last_para = i
            break
    byline_i = None
    for i in range(last_para + 1, tail):
        names = byline_names(texts[i])
        if names:
            byline_i = i
            doc.authors = byline_names(_source(doc, lines[i])) or names  # as written
            break
    if byline_i is None:  # some portals put the byline under the headline: "Bài và ảnh: …"
        for i in range(start_body, min(start_body + 2, n)):
            if any(p.match(texts[i], None, None, HOLD_GIL) for p in _patterns()["byline_prefix"]):
                names = byline_names(texts[i])
                if names:
                    kinds[i] = "byline"
                    doc.authors = byline_names(_source(doc, lines[i])) or names
                    break
    if stamp_i is None:  # and some put the stamp at the end: "Cập nhật: 21/12/2023 | 09:15"
        for i in range(last_para + 1, tail):
            stamp_m = _stamp_of(lines[i])
            if stamp_m is not None:
                stamp_i = i
                doc.published = _stamp_iso(stamp_m) or doc.published
                break
    # lines between the last paragraph and the byline (or, when the byline is elsewhere, the
    # first widget or stamp) are last captions; everything after is page furniture
    end_captions = byline_i if byline_i is not None and byline_i > last_para else next(
        (i for i in range(last_para + 1, n) if i == stamp_i or _is_boilerplate(lines[i])
         or _is("credit", texts[i]) or byline_names(texts[i])), n)
    for i in range(last_para + 1, n):
        if i == stamp_i:
            kinds[i] = "stamp"
        elif i == byline_i:
            kinds[i] = "byline"
        elif i < end_captions and i < tail and not _is_boilerplate(lines[i]):
            kinds[i] = "body"  # a last caption
        else:
            kinds[i] = "boilerplate"
    # related-news boxes inside the text: their short headline lines are not content; and a
    # boilerplate line inside the body (a counter before the byline, "Tin liên quan"). One pass:
    # the box rule reads no kind, and the second rule reads only line i's kind after the first
    # rule set it. _is_boilerplate inline: a short line that is no related-news line (else it
    # is boilerplate already) is boilerplate when it matches a boilerplate pattern
    in_box = False
    for i in range(start_body, last_para + 1):
        short = words[i] < 25
        if short and _is("related", texts[i]):
            kinds[i], in_box = "boilerplate", True
        elif in_box and not para[i]:
            kinds[i] = "boilerplate"
        else:
            in_box = False
        if short and kinds[i] == "body" and _is("boilerplate", texts[i]):
            kinds[i] = "boilerplate"

    # 3. captions between body paragraphs; repeated lines; headline repeated as image text.
    # The headline's key is compared only with diacritic-free lines (few articles have one):
    # built on the first such line, not for every article
    title_key: str | None = None
    seen: dict[str, int] = {}
    segs: list[Segment] = []
    for i, ln in enumerate(lines):
        kind = kinds[i]
        dup = None
        if kind == "body":
            t = texts[i]
            if _is("credit", t):
                kind = "boilerplate"
            elif not para[i] or (
                not term[i] and not _INNER_SENTENCE.search(t, None, None, HOLD_GIL)
                and words[i] < 60 and "(ảnh" in t.casefold()
            ):
                kind = "caption"
            if title_i is not None and _diacritic_free(t):
                if title_key is None:
                    title_key = _plain(texts[title_i])
                if title_key and _plain(t) == title_key:
                    kind = "boilerplate"
            if kind in ("body", "caption"):
                if t in seen:
                    dup = seen[t]
                else:
                    seen[t] = len(segs)
        segs.append(_new_segment({"kind": kind, "start": ln.start, "end": ln.end,
                                  "duplicate_of": dup}))
    doc.segments = segs


def content_segments(doc: Document) -> list[tuple[int, Segment]]:
    """Segments facts are read from: headline, body and captions, without repeats."""
    return [(i, s) for i, s in enumerate(doc.segments)
            if s.kind in ("title", "body", "caption") and s.duplicate_of is None]
