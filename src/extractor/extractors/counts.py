"""Counts: a number with the noun it counts ("hơn 3000 lượt người", "10/10 thôn", "ba tổ").

Portal reports write a count as ``[qualifier] number [multiplier] noun``. Whether a number is a
count at all shows in the words right around it: a time unit, age or percent after it, a name
head, ordinal or date word before it ("Quận 12", "lần thứ 3", "năm 2023"), a capitalised name
before it ("Hố Nai 3"), a quote around it ("“5 không, 3 sạch”"), or an award sentence around
"N tập thể, M cá nhân". Those words are data (resources/count_*.tsv); this module only holds
the logic. Spans the earlier extractors claimed (dates, awards, models, named locations) are
skipped too, but the rules above keep counts right when those extractors miss one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal

import regex
from pydantic import BaseModel, Field

from ..document import Document
from ..models import CountMention
from ..normalize import fold_tones
from ..numbers import (NUMBER, digit_words, multipliers, parse_number, parse_number_words,
                       word_number_pattern)
from ..patterns import bmp_only, stdlib_class, word_trie
from ..resources import ResourceError, validated

_L = r"\p{L}\p{M}"  # letters with their marks
_WORD_END = rf"(?![{_L}\p{{N}}])"

# A digit number not glued to a letter, digit, "/", "." or "-" before it ("PV01", "280/KH",
# "2021-2023", "12.6.2018"), optionally a ratio "43/49" or a range "3-5" / "3 đến 5"; and not
# glued to a digit, ":", "/" or a decimal/group separator after it (phone numbers, clock times,
# dates, document numbers).
_AFTER_NUMBER = r"(?!\p{N}|[.,:]\d|/)"
_DIGIT_RE = regex.compile(
    rf"(?<![{_L}\p{{N}}_.\-–])(?<!(?<![\p{{Ll}}\p{{M}}])/)(?<!\d,)(?P<a>{NUMBER})"
    rf"(?:(?:/(?P<of>{NUMBER}))|(?:[ \t]*(?:-|–|đến|tới)[ \t]*(?P<b>{NUMBER})))?"
    rf"{_AFTER_NUMBER}"
)


@cache
def _digit_std() -> re.Pattern[str]:
    """``_DIGIT_RE`` for the stdlib engine, which scans faster; its classes list the BMP
    characters of the regex module's own tables, so it matches the same on a text without
    astral characters (``bmp_only``). NUMBER's three alternatives all open with a digit: that
    digit is taken first and the look-behinds moved after it ("(?<!X)\\d" is "\\d(?<!X.)"),
    so that the scan skips to digits; "\\d{1,3}" is "\\d\\d{0,2}" and "\\d+" is
    "\\d\\d*" (same order of tries), the alternatives and groups as in _DIGIT_RE."""
    d, n = stdlib_class(r"\d"), stdlib_class(r"\p{N}")
    lmn, llm = stdlib_class(rf"[{_L}\p{{N}}_.\-–]"), stdlib_class(r"[\p{Ll}\p{M}]")
    tail = (rf"{d}{{0,2}}(?:\.{d}{{3}})+(?:,{d}+)?|{d}*(?:,{d}+)?|{d}*\.{d}{{1,2}}(?!{d})")
    number = rf"{d}(?:{tail})"  # NUMBER
    first = rf"{d}(?<!{lmn}.)(?<!(?<!{llm})/.)(?<!{d},.)(?:{tail})"
    return re.compile(
        rf"(?P<a>{first})"
        rf"(?:(?:/(?P<of>{number}))|(?:[ \t]*(?:-|–|đến|tới)[ \t]*(?P<b>{number})))?"
        rf"(?!{n}|[.,:]{d}|/)")


_QUOTE_RE = regex.compile(r"“[^“”\n]{0,300}”|\"[^\"\n]{0,300}\"|«[^«»\n]{0,300}»")
_OPENERS = frozenset(".:;!?(“\"«…-–•")
_HEAD = 32  # characters before a number that decide it (longest cue: "biển kiểm soát")
# Patterns anchored at the end of the text before a number ("...\s*$" / "...\s+$") run in
# REVERSE mode and are called with ``match``, which anchors at the end: one attempt, where
# ``search`` would also try (and fail) at every other position. Same answer: ``$`` holds only at
# the end or before a final "\n", and a match from there extends over the "\n" by its trailing
# \s* / \s+, so ``search`` always returns the match at the end. (Not so for _DIGIT_BEFORE,
# whose [ \t]+ cannot take a "\n": it stays a search.)
_BACK = regex.I | regex.REVERSE
_TITLE_WORD_BEFORE = regex.compile(rf"(?<![{_L}])\p{{Lu}}[\p{{Ll}}\p{{M}}]+\s+$", regex.REVERSE)
_SPACES = regex.compile(r"\s+")
_YEAR_RE = regex.compile(r"19\d\d|20\d\d")
_DIGIT_BEFORE = regex.compile(r"\d[ \t]+$", regex.REVERSE)  # a digit number right before a word
_FROM_RE = regex.compile(rf"(?<![{_L}])từ\s+$", _BACK)  # "từ 3 đến 5 thành viên"

Kind = Literal["noun", "place", "measure", "currency"]


class _UnitRow(BaseModel):
    unit: str = Field(min_length=1)
    kind: Kind
    attach: Literal["yes", "no"]
    canonical: str = Field(min_length=1)


class _ExclusionRow(BaseModel):
    word: str = Field(min_length=1)
    kind: Literal["after", "not_noun", "before", "before_ok", "distributive", "before_nam",
                  "award_context", "award_unit", "quantity_verb", "before_cap", "threshold"]


class _QualifierRow(BaseModel):
    word: str = Field(min_length=1)
    qualifier: Literal["more_than", "nearly", "about", "at_least", "less_than"]


@dataclass(frozen=True)
class _Unit:
    kind: str
    canonical: str


@dataclass(frozen=True)
class _Lexicon:
    units: dict[str, _Unit]
    unit_re: regex.Pattern[str]  # at a position: whitespace + a lexicon unit
    attach_re: regex.Pattern[str]  # at a position: a unit glued to the number
    fallback_re: regex.Pattern[str]  # at a position: whitespace + a lower-case word
    after_re: regex.Pattern[str]  # at a position: a time unit / age / percent
    after_free: frozenset[str]  # unit keys that no after_re word can cover (see _after_free)
    # at a position: whitespace + a multiplier word (group "m") if there is one, else
    # unit_re's match (group "u"): no word starts with whitespace, so both branches start
    # after the same whitespace run
    mult_unit_re: regex.Pattern[str]
    chain_re: regex.Pattern[str]  # at a position: a smaller amount after it ("tỷ 500 triệu")
    not_noun: frozenset[str]
    award_units: frozenset[str]
    before_re: regex.Pattern[str]  # at the end of the text before a number
    cap_only: frozenset[str]  # before-words that name a document only when capitalised
    threshold_re: regex.Pattern[str]  # at a position: "trở lên" after the counted noun
    before_ok_re: regex.Pattern[str]
    distributive_re: regex.Pattern[str]
    before_nam_re: regex.Pattern[str]
    qualifier_re: regex.Pattern[str]
    qualifiers: dict[str, str]
    quantity_verb_re: regex.Pattern[str]
    award_context_re: regex.Pattern[str]
    word_re: regex.Pattern[str]  # number words, optionally a range "ba đến năm"
    award_token_re: re.Pattern[str] | None  # in lower-cased text: a syllable of each award word
    word_start_re: re.Pattern[str] | None  # in lower-cased text: where word_re can start


def _starts_sentence(prefix: str) -> bool:
    """True when nothing but punctuation that opens a clause precedes (sentence-initial)."""
    p = prefix.rstrip()
    return not p or p[-1] in _OPENERS


@lru_cache(maxsize=4096)
def _key(s: str) -> str:
    """Lexicon key: tone-folded, lower case, single spaces."""
    return _SPACES.sub(" ", fold_tones(s).strip().lower())


def _alternation(words: list[str]) -> str:
    """Regex alternation, longest first, spaces matching any whitespace run."""
    ws = sorted({_key(w) for w in words}, key=lambda w: (-len(w), w))
    return "|".join(r"\s+".join(regex.escape(p) for p in w.split(" ")) for w in ws)


def _trie(words: list[str]) -> str:
    """The alternation of ``_alternation`` factored into a prefix tree, for patterns matched
    forward at a position (same matches: lexicon keys that can match at one position are
    prefixes of each other)."""
    return word_trie(_key(w) for w in words)


def _rtrie(words: list[str]) -> str:
    """``_trie`` factored by common endings, for the patterns searched in REVERSE mode."""
    return word_trie((_key(w) for w in words), reverse=True)


# Characters that str.lower() does not map to the letter the regex module's case-insensitive
# matching equates them with (checked over every code point for the Latin letters): a sentence
# holding one is scanned with the full pattern, without the lower-case prefilters below.
_FOLD_ODD = ("\u0130", "\u017f")  # İ (lowers to two characters), ſ (matches "s")


def _latin(ch: str) -> bool:
    """A lower-case letter whose every ``regex.I`` equivalent lowers to it (bar _FOLD_ODD)."""
    o = ord(ch)
    return ch.islower() and (0x61 <= o <= 0x7A or 0xC0 <= o <= 0x24F or 0x1E00 <= o <= 0x1EFF) \
        and ch not in "ßıſƛṡẛ"


def _lower(sent: str) -> str | None:
    """``sent`` lower-cased with the same offsets and case matching as ``regex.I``, or None."""
    if _FOLD_ODD[0] in sent or _FOLD_ODD[1] in sent:
        return None
    low = sent.lower()
    return low if len(low) == len(sent) else None


def _at_end(words: list[str], group: str = "w") -> regex.Pattern[str]:
    """Words that end a text (the text right before a number)."""
    return regex.compile(rf"(?<![{_L}\p{{N}}])(?P<{group}>{_rtrie(words)})\s*$", _BACK)


def _rarest_token(word: str) -> str:
    """The longest syllable of a lexicon word (rarest in text): any match contains it."""
    toks = _key(word).split(" ")
    return max(toks, key=len)


def _lower_any(words: list[str]) -> re.Pattern[str] | None:
    """Any of ``words`` in lower-cased text, for the standard ``re`` engine (several times
    faster at a scan than ``regex``). None unless every word is Vietnamese/Latin letters
    outside the odd folds (where ``_lower`` text matches as ``regex.I`` does) or a space."""
    ws = sorted({w.lower() for w in words}, key=lambda w: (-len(w), w))
    if not all(ch == " " or (ch.isalpha() and _latin(ch)) for w in ws for ch in w):
        return None
    return re.compile("|".join(re.escape(w) for w in ws))


def _word_start_re() -> re.Pattern[str] | None:
    """The number words alone: every start of ``word_re`` is a start of this in lower-cased
    text (None when a word is not all letters: the argument of ``_word_matches`` needs that)."""
    words = list(digit_words())
    return _lower_any(words) if all(w.isalpha() for w in words) else None


def _after_free(units: list[str], after: list[str]) -> frozenset[str]:
    """The unit keys ``u`` where ``after_re`` never reaches the end of a ``unit_re`` match of
    ``u``: no after word ``a`` has a text that starts with a text of ``u``. Both patterns open
    with the same whitespace run (no word starts with a space) and then match literals, case
    folded, with \\s+ for a space; two patterns can match strings one the prefix of the other
    only if ``u``'s pattern matches a prefix of ``a``'s key (regex.I equates characters whose
    case folds are equal, an equivalence), which is the test here."""
    keys = {_key(a) for a in after}
    return frozenset(u for u in units if not any(
        regex.match(_alternation([u]), a, regex.I) for a in keys))


@cache
def _lexicon() -> _Lexicon:
    units = validated("count_units.tsv", _UnitRow)
    excl = validated("count_exclusions.tsv", _ExclusionRow)
    quals = validated("count_qualifiers.tsv", _QualifierRow)
    by_kind: dict[str, list[str]] = {}
    for e in excl:
        by_kind.setdefault(e.kind, []).append(e.word)
    for k in _ExclusionRow.model_fields["kind"].annotation.__args__:  # type: ignore[union-attr]
        if not by_kind.get(k):
            raise ResourceError(f"count_exclusions.tsv: no entry of kind {k}")
    table = {_key(u.unit): _Unit(u.kind, _key(u.unit) if u.canonical == "-" else _key(u.canonical))
             for u in units}
    attach = [u.unit for u in units if u.attach == "yes"]
    mult = list(multipliers())
    word_num = word_number_pattern()
    return _Lexicon(
        units=table,
        unit_re=regex.compile(rf"\s+(?P<u>{_trie(list(table))}){_WORD_END}", regex.I),
        attach_re=regex.compile(rf"(?P<u>{_trie(attach)}){_WORD_END}", regex.I),
        fallback_re=regex.compile(rf"\s+(?P<u>\p{{Ll}}[\p{{Ll}}\p{{M}}]*){_WORD_END}"),
        after_re=regex.compile(rf"\s*(?:{_trie(by_kind['after'])})(?![{_L}])", regex.I),
        after_free=_after_free(list(table), by_kind["after"]),
        mult_unit_re=regex.compile(rf"\s+(?:(?P<m>{_trie(mult)}){_WORD_END}"
                                   rf"|(?P<u>{_trie(list(table))}){_WORD_END})", regex.I),
        chain_re=regex.compile(
            rf"\s+(?P<n>{NUMBER})\s+(?P<m>{_trie(mult)}){_WORD_END}", regex.I),
        not_noun=frozenset(_key(w) for w in by_kind["not_noun"]),
        award_units=frozenset(_key(w) for w in by_kind["award_unit"]),
        before_re=_at_end(by_kind["before"] + by_kind["before_cap"]),
        cap_only=frozenset(_key(w) for w in by_kind["before_cap"]),
        threshold_re=regex.compile(rf"\s*(?:{_trie(by_kind['threshold'])}){_WORD_END}", regex.I),
        before_ok_re=_at_end(by_kind["before_ok"]),
        distributive_re=_at_end(by_kind["distributive"]),
        before_nam_re=_at_end(by_kind["before_nam"]),
        qualifier_re=regex.compile(
            rf"(?<![{_L}\p{{N}}])(?P<q>{_rtrie([q.word for q in quals])})\s+$", _BACK),
        qualifiers={_key(q.word): q.qualifier for q in quals},
        quantity_verb_re=_at_end(by_kind["quantity_verb"]),
        award_context_re=regex.compile(
            rf"(?<![{_L}])(?:{_trie(by_kind['award_context'])})(?![{_L}])", regex.I),
        award_token_re=_lower_any([_rarest_token(w) for w in by_kind["award_context"]]),
        word_re=regex.compile(
            rf"(?<![{_L}\p{{N}}])(?P<a>{word_num})"
            rf"(?:[ \t]+(?:đến|tới|-|–)[ \t]+(?P<b>{word_num}))?{_WORD_END}", regex.I),
        word_start_re=_word_start_re(),
    )


@dataclass(slots=True)
class _Found:
    start: int  # sentence offsets of the whole mention (qualifier .. unit)
    end: int
    num_start: int
    value: int | float
    unit: str
    qualifier: str | None
    of: int | float | None
    ratio_with_unit: bool


# Candidates repeat the same few number strings ("1", "02", "ba"): their values are memoised.
_parse_digits = lru_cache(maxsize=4096)(parse_number)
_parse_words = lru_cache(maxsize=4096)(parse_number_words)


def _clean(v: float) -> int | float:
    v = round(v, 6)
    return int(v) if float(v).is_integer() else v


_UNREAD = object()  # _read_unit's ``um`` when the caller has not matched unit_re at ``pos``


def _read_unit(sent: str, pos: int, lex: _Lexicon, *, words: bool,
               um: Any = _UNREAD) -> tuple[str, str, int] | None:
    """The counted noun at ``pos`` as (unit, kind, end), or None when none follows. ``um``:
    ``lex.unit_re.match(sent, pos)`` if the caller has it already."""
    # unit_re and fallback_re open with \s+ (str.isspace holds for every \s character), no
    # attach unit opens with a space: the character at ``pos`` rules out one or the other
    if not sent[pos:pos + 1].isspace():
        if not words:
            am = lex.attach_re.match(sent, pos)
            if am:
                u = lex.units[_key(am["u"])]
                return u.canonical, u.kind, am.end()
        return None
    if um is _UNREAD:
        um = lex.unit_re.match(sent, pos)
    if um is None and words:
        return None  # (number words take listed units only)
    key = _key(um["u"]) if um else ""
    # (after most units no after word can reach the unit's end: no need to look)
    xm = lex.after_re.match(sent, pos) if key not in lex.after_free else None
    if xm and (um is None or xm.end() >= um.end()):
        return None  # "2 năm", "32 tuổi", "11,4%" (but "600 ngày công" is a listed unit)
    if um:
        u = lex.units[key]
        end = um.end()
        if key == "lượt":  # "lượt thôn", "lượt tập thể": the visited/counted thing joins it
            nm = lex.unit_re.match(sent, end)
            if nm and _key(nm["u"]) != "lượt":
                return f"lượt {lex.units[_key(nm['u'])].canonical}", "noun", nm.end()
        return u.canonical, u.kind, end
    fm = lex.fallback_re.match(sent, pos)
    if fm and _key(fm["u"]) not in lex.not_noun:
        return _key(fm["u"]), "other", fm.end()
    return None


def _is_name_number(head: str, lex: _Lexicon, *, whole: bool) -> bool:
    """True when the text before a number makes it a name, ordinal, date or document number.

    ``head`` is the end of the sentence before the number; ``whole`` when it is all of it.
    """
    bm = lex.before_re.match(head)
    if bm and _key(bm["w"]) in lex.cap_only and not bm["w"][0].isupper():
        bm = None  # "hướng dẫn 27 hộ": the verb, not "Hướng dẫn 27/HD"
    if bm:
        if lex.before_ok_re.match(head):
            return False
        return not lex.distributive_re.match(head[:bm.start()])
    tm = _TITLE_WORD_BEFORE.match(head)  # "Hố Nai 3", "Dự án 8": a capitalised name head
    if not tm:
        return False
    before = head[:tm.start()]
    if not before.strip():
        return not whole  # a capitalised first word ("Có 5 vụ") is not a name
    return not _starts_sentence(before)


def _qualifier(head: str, unit_kind: str, lex: _Lexicon) -> tuple[str | None, int]:
    """(qualifier, start offset in ``head``) of the words right before a number."""
    qm = lex.qualifier_re.match(head)
    if not qm:
        return None, len(head)
    word = _key(qm["q"])
    q = lex.qualifiers[word]
    if word == "trên" and unit_kind == "place" and not lex.quantity_verb_re.match(head[:qm.start()]):
        return None, len(head)  # "hoạt động trên 05 lĩnh vực": "on/in", not "more than"
    return q, qm.start()


def _count(sent: str, start: int, end: int, nums: list[str], of_txt: str | None,
           parse: Callable[[str], int | float | None], lex: _Lexicon, *,
           words: bool) -> list[_Found]:
    """The counts of the number(s) ``nums`` at sent[start:end], or [] when they count nothing.

    The cheap context checks run before the numbers are parsed: most candidates fail them.
    """
    pos, mult, extra = end, 1, 0
    space = sent[pos:pos + 1].isspace()  # (both patterns open with \s+)
    mm = lex.mult_unit_re.match(sent, pos) if space else None
    um: Any = _UNREAD
    if space and (mm is None or mm["m"] is None):
        um, mm = mm, None  # no multiplier: unit_re's match at ``pos`` (or None)
    if mm:
        mult, pos = multipliers()[_key(mm["m"])], mm.end()
        last = mult
        while len(nums) == 1:  # "2 tỷ 500 triệu đồng", "1 triệu 200 nghìn đồng"
            cm = lex.chain_re.match(sent, pos)
            if cm is None:
                break
            small, part = multipliers()[_key(cm["m"])], parse_number(cm["n"])
            if small >= last or part is None or part >= 1000:
                break
            extra, last, pos = extra + part * small, small, cm.end()
    got = _read_unit(sent, pos, lex, words=words, um=um)
    if got is None:
        return []
    unit, kind, uend = got
    if lex.threshold_re.match(sent, uend):
        return []  # "chiều dài từ 12 m trở lên": a size class, nothing counted
    if kind in ("other", "place") and len(nums) == 1 and _YEAR_RE.fullmatch(nums[0]):
        return []  # "trong 2023 huyện ...": a year before a place or an unlisted word
    head = sent[max(0, start - _HEAD):start]
    if _is_name_number(head, lex, whole=start <= _HEAD):
        return []
    base = unit.removeprefix("lượt ")
    if (base in lex.award_units or unit.split(" ")[0] in lex.award_units) and _award_context(sent):
        return []
    values = [parse(t) for t in nums]
    if None in values or (len(values) == 2 and values[1] <= values[0]):  # type: ignore[operator]
        return []
    of = parse(of_txt) if of_txt is not None else None
    if of is not None and (of < values[0] or of == 0 or (1900 <= of <= 2100 and values[0] <= 12)):  # type: ignore[operator]
        return []  # "20/10" is a day and month, "8/2021" a month and year: not ratios
    qual, qpos = _qualifier(head, kind, lex)
    qstart = start - (len(head) - qpos)
    if len(values) == 2:
        qual = None if qual == "more_than" else qual
        fm = _FROM_RE.match(head)
        if fm:
            qstart = start - (len(head) - fm.start())
    return [_Found(qstart, uend, start, _clean(v * mult + extra), unit, qual,  # type: ignore[operator]
                   _clean(of) if of is not None else None, of is not None and kind != "other")
            for v in values]


def _digit_counts(sent: str, lex: _Lexicon, bmp: bool) -> list[_Found]:
    """Counts of the digit numbers of ``sent`` (``bmp``: it holds no astral character)."""
    out: list[_Found] = []
    for m in (_digit_std() if bmp else _DIGIT_RE).finditer(sent):
        start, end = m.span()
        if out and start < out[-1].end:
            continue  # the "500" of "2 tỷ 500 triệu đồng"
        a, of, b = m.groups()  # the groups in pattern order
        out.extend(_count(sent, start, end, [a] if b is None else [a, b], of, _parse_digits, lex,
                          words=False))
    return out


def _word_matches(sent: str, low: str | None, lex: _Lexicon) -> list[regex.Match[str]]:
    """``lex.word_re.finditer(sent)``, but matched only where a number word starts in the
    lower-cased ``low``. Every match starts there: a start inside an earlier (all-letter)
    candidate follows a letter, which word_re's look-behind rejects, and a match ends before a
    non-letter, so no candidate straddles its end."""
    if low is None or lex.word_start_re is None:
        return list(lex.word_re.finditer(sent))
    out: list[regex.Match[str]] = []
    end = 0
    for c in lex.word_start_re.finditer(low):
        i = c.start()
        if i < end:
            continue
        m = lex.word_re.match(sent, i)
        if m:
            out.append(m)
            end = m.end()
    return out


def _word_counts(sent: str, low: str | None, lex: _Lexicon) -> list[_Found]:
    out: list[_Found] = []
    for m in _word_matches(sent, low, lex):
        a_txt, b_txt = m["a"], m["b"]
        end = m.end()
        if _parse_words(a_txt) is None or (b_txt is not None and _parse_words(b_txt) is None):
            a_txt = a_txt.split()[0]  # "hai ba": take the first word alone
            b_txt, end = None, m.start() + len(a_txt)
            if _parse_words(a_txt) is None:
                continue
        if a_txt[0].isupper() and not _starts_sentence(sent[max(0, m.start() - 4):m.start()]):
            continue  # "Thứ Bảy", names
        if _DIGIT_BEFORE.search(sent, max(0, m.start() - 12), m.start()):
            continue  # "Sơ kết 3 năm mô hình": the noun of the number before, not five
        if b_txt is None:
            w = _key(a_txt)
            if w == "một" and not lex.qualifier_re.match(sent[max(0, m.start() - 30):m.start()]):
                continue  # the article "a", "một số", "một trong" (but "ít nhất một buổi")
            if w == "năm" and lex.before_nam_re.match(sent[max(0, m.start() - 30):m.start()]):
                continue  # "trong năm", "mỗi năm": the year
        nums = [a_txt] if b_txt is None else [a_txt, b_txt]
        out.extend(_count(sent, m.start(), end, nums, None, _parse_words, lex, words=True))
    return out


_SPEECH_WORDS = 12  # a quoted name or slogan is short; reported speech is longer
_OPEN_SPEECH_WORDS = 6  # ... or opens its sentence / follows "cho biết:" with a few words


def _is_speech(sent: str, start: int, end: int) -> bool:
    """A quote that reports speech ("“Nếu không có các anh …, gia đình tôi cùng năm hộ …”")
    rather than a name or slogan ("“5 không, 3 sạch”"): numbers in speech still count."""
    n = len(sent[start:end].split())
    if n > _SPEECH_WORDS:
        return True
    before = sent[:start].rstrip()
    return n > _OPEN_SPEECH_WORDS and (not before or before[-1] in ":")


class _Spans:
    """A union of half-open intervals, queried by bisection (no quadratic scans on long texts)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        starts: list[int] = []
        ends: list[int] = []
        for s, e in sorted(x for x in spans if x[1] > x[0]):
            if ends and s <= ends[-1]:
                ends[-1] = max(ends[-1], e)
            else:
                starts.append(s)
                ends.append(e)
        self.starts, self.ends = starts, ends

    def __contains__(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


_NO_SPANS = _Spans([])  # read-only: shared by every sentence without a quote


@dataclass(frozen=True)
class _Claimed:
    """Stored-text spans other extractors claimed."""

    dates: _Spans
    others: _Spans  # awards, models, and locations after their first character

    @classmethod
    def of(cls, doc: Document) -> _Claimed:
        others = [(f.start, f.end) for f in [*doc.awards, *doc.models]]
        # a location's own first character stays free: "13 thôn" read as a place still counts
        others += [(f.start + 1, f.end) for f in doc.locations]
        return cls(_Spans([(f.start, f.end) for f in doc.dates]), _Spans(others))

    def blocks(self, doc: Document, f: _Found, off: int) -> bool:
        ns, _ = doc.normalized.to_source(off + f.num_start, off + f.num_start + 1)
        if ns in self.others:
            return True
        return ns in self.dates and not f.ratio_with_unit  # "10/10 thôn" is a ratio, not a date


@lru_cache(maxsize=16)  # the sentence being read: its award-unit counts ask it in turn
def _award_context(sent: str) -> bool:
    """True when the sentence is about awards: its "N tập thể, M cá nhân" are award tallies.
    Asked only for a count of an award unit (few sentences hold one), once per sentence."""
    lex = _lexicon()
    low = _lower(sent)
    # most sentences hold no award word: a substring test on one of its syllables rules them
    # out before the (slow, case-insensitive) regex scan
    if low is not None and lex.award_token_re is not None and not lex.award_token_re.search(low):
        return False
    return bool(lex.award_context_re.search(sent))


def _by_position(f: _Found) -> tuple[int, int]:
    return f.num_start, f.start


# CountMention's own validator on one dict: what ``CountMention(**fields)`` runs, without the
# Python-level __init__ and keyword packing around it. (The validating path, not
# model_construct: pydantic-core checks these plain typed fields in Rust faster than
# model_construct's Python loop over the fields, pydantic 2.14, and returns the same values.)
_new_count: Callable[[dict[str, object]], CountMention] = (
    CountMention.__pydantic_validator__.validate_python)


def extract(doc: Document) -> list[CountMention]:
    """Every count mention of the headline, body and captions, in text order."""
    lex = _lexicon()
    text = doc.norm
    # lower-cased once: when every character lowers to one character outside _FOLD_ODD (else
    # None), a sentence's slice equals its ``_lower`` but for the context-dependent final sigma
    # (σ/ς), which the Latin-only ``word_start_re`` scanned over it never matches
    dlow = _lower(text)
    claimed = _Claimed.of(doc)
    bmp = bmp_only(text)  # then so is every sentence
    out: list[CountMention] = []
    for s in doc.sentences:
        sent = text[s.start:s.end]
        low = dlow[s.start:s.end] if dlow is not None else _lower(sent)
        digit = _digit_counts(sent, lex, bmp)
        word = _word_counts(sent, low, lex)
        if not word:
            found = digit  # each list is in (num_start, start) order already
        elif not digit:
            found = word
        else:
            found = digit + word
            found.sort(key=_by_position)
        if not found:
            continue
        # most sentences hold no quote mark (every _QUOTE_RE match opens with one): no scan
        quotes = (_Spans([(m.start(), m.end()) for m in _QUOTE_RE.finditer(sent)
                          if not _is_speech(sent, m.start(), m.end())])
                  if "“" in sent or '"' in sent or "«" in sent else _NO_SPANS)
        for f in found:
            if f.num_start in quotes or claimed.blocks(doc, f, s.start):
                continue
            fields = doc.provenance(s.start + f.start, s.start + f.end)
            fields["value"], fields["unit"] = f.value, f.unit
            fields["qualifier"], fields["of"] = f.qualifier, f.of
            out.append(_new_count(fields))
    return out
