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
from typing import Any, Final

import regex

from ..pattern_cache import re_compile, regex_compile
from ..document import Document
from ..models import CountMention
from ..normalize import fold_tones
from ..numbers import (NUMBER, digit_words, multipliers, parse_number, parse_number_words,
                       word_number_pattern)
from ..patterns import alternation, bmp_only, longest_first, stdlib_class, word_trie
from ..resources import ResourceError, validated
from ..resources.rows import CountExclusionRow, CountQualifierRow, CountUnitRow

# Constants read per sentence or candidate are ``Final``: compiled with mypyc, a read is then a
# C global instead of a module-dict lookup.
_L = r"\p{L}\p{M}"  # letters with their marks
_WORD_END = rf"(?![{_L}\p{{N}}])"

# A digit number not glued to a letter, digit, "/", "." or "-" before it ("PV01", "280/KH",
# "2021-2023", "12.6.2018"), optionally a ratio "43/49" or a range "3-5" / "3 đến 5"; and not
# glued to a digit, ":", "/" or a decimal/group separator after it (phone numbers, clock times,
# dates, document numbers).
_AFTER_NUMBER = r"(?!\p{N}|[.,:]\d|/)"
_DIGIT_RE: Final = regex_compile(
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
    return re_compile(
        rf"(?P<a>{first})"
        rf"(?:(?:/(?P<of>{number}))|(?:[ \t]*(?:-|–|đến|tới)[ \t]*(?P<b>{number})))?"
        rf"(?!{n}|[.,:]{d}|/)")


_QUOTE_RE: Final = regex_compile(r"“[^“”\n]{0,300}”|\"[^\"\n]{0,300}\"|«[^«»\n]{0,300}»")
_OPENERS: Final = frozenset(".:;!?(“\"«…-–•")
_HEAD: Final = 32  # characters before a number that decide it (longest cue: "biển kiểm soát")
# Patterns anchored at the end of the text before a number ("...\s*$" / "...\s+$") run in
# REVERSE mode and are called with ``match``, which anchors at the end: one attempt, where
# ``search`` would also try (and fail) at every other position. Same answer: ``$`` holds only at
# the end or before a final "\n", and a match from there extends over the "\n" by its trailing
# \s* / \s+, so ``search`` always returns the match at the end. (Not so for _DIGIT_BEFORE,
# whose [ \t]+ cannot take a "\n": it stays a search.)
_BACK = regex.I | regex.REVERSE
_TITLE_WORD_BEFORE: Final = regex_compile(rf"(?<![{_L}])\p{{Lu}}[\p{{Ll}}\p{{M}}]+\s+$",
                                          regex.REVERSE)
_SPACES: Final = regex_compile(r"\s+")
_YEAR_RE: Final = regex_compile(r"19\d\d|20\d\d")
# a digit number right before a word
_DIGIT_BEFORE: Final = regex_compile(r"\d[ \t]+$", regex.REVERSE)
_FROM_RE: Final = regex_compile(rf"(?<![{_L}])từ\s+$", _BACK)  # "từ 3 đến 5 thành viên"

@dataclass(frozen=True)
class _Unit:
    kind: str
    canonical: str


@dataclass(frozen=True)
class _Lexicon:
    units: dict[str, _Unit]
    unit_re: regex.Pattern[str]  # at a position: whitespace + a lexicon unit
    attach_re: regex.Pattern[str]  # at a position: a unit glued to the number
    # the first characters of the attach units, lower case: an attach_re match opens with a
    # character that lowers to one (bar _FOLD_ODD); None unless each is ``_lower_safe``
    attach_first: frozenset[str] | None
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
    # the first syllable of each threshold word, lower case: every threshold_re match holds
    # one in ``_lower`` text (None unless each is ``_lower_safe``)
    threshold_first: tuple[str, ...] | None
    before_ok_re: regex.Pattern[str]
    distributive_re: regex.Pattern[str]
    before_nam_re: regex.Pattern[str]
    qualifier_re: regex.Pattern[str]
    qualifiers: dict[str, str]
    quantity_verb_re: regex.Pattern[str]
    award_context_re: regex.Pattern[str]
    word_re: regex.Pattern[str]  # number words, optionally a range "ba đến năm"
    award_token_re: re.Pattern[str] | None  # in lower-cased text: a syllable of each award word
    # the number words, lower case: in lower-cased text, where word_re can start
    word_starts: tuple[str, ...] | None
    # the resource words behind the patterns, by exclusion kind (and "qualifier"): for _std
    words: dict[str, list[str]]


def _starts_sentence(prefix: str) -> bool:
    """True when nothing but punctuation that opens a clause precedes (sentence-initial)."""
    p = prefix.rstrip()
    return not p or p[-1] in _OPENERS


@lru_cache(maxsize=4096)
def _key(s: str) -> str:
    """Lexicon key: tone-folded, lower case, single spaces."""
    return _SPACES.sub(" ", fold_tones(s).strip().lower())


def _alternation(words: list[str]) -> str:
    """The words' lexicon keys as a regex alternation (:func:`patterns.alternation`)."""
    return alternation(_key(w) for w in words)


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
_FOLD_ODD: Final = ("\u0130", "\u017f")  # İ (lowers to two characters), ſ (matches "s")


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
    return regex_compile(rf"(?<![{_L}\p{{N}}])(?P<{group}>{_rtrie(words)})\s*$", _BACK)


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
    return re_compile("|".join(re.escape(w) for w in ws))


def _lower_safe(word: str) -> bool:
    """Every character of ``word`` matches case-insensitively (``regex.I``) exactly the
    characters that lower to it, so a case-sensitive match of the word on ``_lower`` text finds
    what ``regex.I`` finds on the text: a space, an uncased non-letter (a digit, "²", "%"), or
    a ``_latin`` letter (tests/test_recasts_counts.py checks this over all of Unicode)."""
    return all(ch == " " or _latin(ch) or (not ch.isalpha() and ch.lower() == ch == ch.upper())
               for ch in word)


def _first_chars(words: list[str]) -> frozenset[str] | None:
    """The first character of each lexicon key of ``words`` (see _Lexicon.attach_first)."""
    firsts = frozenset(_key(w)[0] for w in words)
    return firsts if all(map(_lower_safe, firsts)) else None


def _first_syllables(words: list[str]) -> tuple[str, ...] | None:
    """The first syllable of each lexicon key of ``words`` (see _Lexicon.threshold_first)."""
    firsts = tuple(sorted({_key(w).split(" ")[0] for w in words}))
    return firsts if all(map(_lower_safe, firsts)) else None


def _word_starts() -> tuple[str, ...] | None:
    """The number words alone, lower case: every start of ``word_re`` is where one starts in
    lower-cased text. None when a word is not all letters (the argument of ``_word_matches``
    needs that) or holds a letter outside ``_latin`` (as ``_lower_any``)."""
    words = sorted({w.lower() for w in digit_words()})
    if not all(w.isalpha() and all(map(_latin, w)) for w in words):
        return None
    return tuple(words)


def _after_free(units: list[str], after: list[str]) -> frozenset[str]:
    """The unit keys ``u`` where ``after_re`` never reaches the end of a ``unit_re`` match of
    ``u``: no after word ``a`` has a text that starts with a text of ``u``. Both patterns open
    with the same whitespace run (no word starts with a space) and then match literals, case
    folded, with \\s+ for a space; two patterns can match strings one the prefix of the other
    only if ``u``'s pattern matches a prefix of ``a``'s key (regex.I equates characters whose
    case folds are equal, an equivalence), which is the test here."""
    keys = {_key(a) for a in after}
    return frozenset(u for u in units if not any(
        map(regex_compile(_alternation([u]), regex.I).match, keys)))


@cache
def _lexicon() -> _Lexicon:
    units = validated("count_units.tsv", CountUnitRow)
    excl = validated("count_exclusions.tsv", CountExclusionRow)
    quals = validated("count_qualifiers.tsv", CountQualifierRow)
    by_kind: dict[str, list[str]] = {}
    for e in excl:
        by_kind.setdefault(e.kind, []).append(e.word)
    for k in CountExclusionRow.model_fields["kind"].annotation.__args__:  # type: ignore[union-attr]
        if not by_kind.get(k):
            raise ResourceError(f"count_exclusions.tsv: no entry of kind {k}")
    table = {_key(u.unit): _Unit(u.kind, _key(u.unit) if u.canonical == "-" else _key(u.canonical))
             for u in units}
    attach = [u.unit for u in units if u.attach == "yes"]
    mult = list(multipliers())
    word_num = word_number_pattern()
    return _Lexicon(
        units=table,
        unit_re=regex_compile(rf"\s+(?P<u>{_trie(list(table))}){_WORD_END}", regex.I),
        attach_re=regex_compile(rf"(?P<u>{_trie(attach)}){_WORD_END}", regex.I),
        attach_first=_first_chars(attach),
        fallback_re=regex_compile(rf"\s+(?P<u>\p{{Ll}}[\p{{Ll}}\p{{M}}]*){_WORD_END}"),
        after_re=regex_compile(rf"\s*(?:{_trie(by_kind['after'])})(?![{_L}])", regex.I),
        after_free=_after_free(list(table), by_kind["after"]),
        mult_unit_re=regex_compile(rf"\s+(?:(?P<m>{_trie(mult)}){_WORD_END}"
                                   rf"|(?P<u>{_trie(list(table))}){_WORD_END})", regex.I),
        chain_re=regex_compile(
            rf"\s+(?P<n>{NUMBER})\s+(?P<m>{_trie(mult)}){_WORD_END}", regex.I),
        not_noun=frozenset(_key(w) for w in by_kind["not_noun"]),
        award_units=frozenset(_key(w) for w in by_kind["award_unit"]),
        before_re=_at_end(by_kind["before"] + by_kind["before_cap"]),
        cap_only=frozenset(_key(w) for w in by_kind["before_cap"]),
        threshold_re=regex_compile(rf"\s*(?:{_trie(by_kind['threshold'])}){_WORD_END}", regex.I),
        threshold_first=_first_syllables(by_kind["threshold"]),
        before_ok_re=_at_end(by_kind["before_ok"]),
        distributive_re=_at_end(by_kind["distributive"]),
        before_nam_re=_at_end(by_kind["before_nam"]),
        qualifier_re=regex_compile(
            rf"(?<![{_L}\p{{N}}])(?P<q>{_rtrie([q.word for q in quals])})\s+$", _BACK),
        qualifiers={_key(q.word): q.qualifier for q in quals},
        quantity_verb_re=_at_end(by_kind["quantity_verb"]),
        award_context_re=regex_compile(
            rf"(?<![{_L}])(?:{_trie(by_kind['award_context'])})(?![{_L}])", regex.I),
        award_token_re=_lower_any([_rarest_token(w) for w in by_kind["award_context"]]),
        word_re=regex_compile(
            rf"(?<![{_L}\p{{N}}])(?P<a>{word_num})"
            rf"(?:[ \t]+(?:đến|tới|-|–)[ \t]+(?P<b>{word_num}))?{_WORD_END}", regex.I),
        word_starts=_word_starts(),
        words={**by_kind, "qualifier": [q.word for q in quals]},
    )


@dataclass(frozen=True)
class _Std:
    """Stdlib ``re`` twins of lexicon patterns, matched on a sentence's ``_lower`` text (same
    offsets) when the sentence holds no astral character. Their literals are lexicon keys
    (``_lower_safe``: case-sensitive on the lower-cased text is ``regex.I`` on the text) and
    their classes list the regex module's BMP characters (``stdlib_class``); lowering a
    character keeps it in or out of each class (\\s, letters, marks, numbers: checked over all
    of Unicode in the tests), so the twins match what the regex patterns match on the text,
    with the same spans and groups."""

    mult_unit: re.Pattern[str]  # lex.mult_unit_re
    word: re.Pattern[str]  # lex.word_re
    after: re.Pattern[str]  # lex.after_re
    # The patterns anchored at the end of a head run in REVERSE mode: their twins match
    # forward at the start of the reversed head, with the words reversed (the same prefix
    # tree of the words' endings, its branches in the same order) and the look-behind before
    # the word a look-ahead after it; a REVERSE ``match`` starts at the end, where ``$`` holds.
    before: re.Pattern[str]  # lex.before_re, on the reversed lower-cased head
    qualifier: re.Pattern[str]  # lex.qualifier_re, on the reversed lower-cased head
    # _TITLE_WORD_BEFORE on the reversed head itself (case matters: not lowered). Its runs
    # cannot give back a character to the next item (\s, [\p{Ll}\p{M}] and \p{Lu} are
    # disjoint), so the one match is the same either way.
    title: re.Pattern[str]


def _std_trie(words: list[str], sp: str, *, reverse: bool = False) -> str:
    """``_trie`` (``_rtrie`` with ``reverse``: of the reversed keys, for a forward match on
    reversed text) for the stdlib engine."""
    keys = [_key(w) for w in words]
    return word_trie([k[::-1] for k in keys] if reverse else keys, space=sp)


@cache
def _std() -> _Std | None:
    """The twins, or None unless every word behind them is ``_lower_safe``."""
    lex = _lexicon()
    digits = list(digit_words())
    mult = list(multipliers())
    before = lex.words["before"] + lex.words["before_cap"]
    num_words = digits + ["mươi", "mười", "lăm", "mốt", "tư", "đến", "tới"]
    if not (all(w == w.lower() and _lower_safe(w) for w in num_words) and all(map(
            _lower_safe, map(_key, (*lex.units, *mult, *lex.words["after"], *before,
                                    *lex.words["qualifier"]))))):
        return None
    ws = stdlib_class(r"\s")
    sp = ws + "+"
    lmn = stdlib_class(rf"[{_L}\p{{N}}]")
    end = f"(?!{lmn})"  # _WORD_END
    lm = stdlib_class(rf"[{_L}]")
    llm, lu = stdlib_class(r"[\p{Ll}\p{M}]"), stdlib_class(r"\p{Lu}")
    # word_number_pattern and word_re with the stdlib classes (same alternatives, same order)
    alt = "|".join(re.escape(w) for w in longest_first(digits))
    num = rf"(?:(?:{alt})(?:{sp}(?:mươi|mười))?(?:{sp}(?:{alt}|lăm|mốt|tư))?)"
    return _Std(
        mult_unit=re_compile(rf"{sp}(?:(?P<m>{_std_trie(mult, sp)}){end}"
                             rf"|(?P<u>{_std_trie(list(lex.units), sp)}){end})"),
        word=re_compile(rf"(?<!{lmn})(?P<a>{num})"
                        rf"(?:[ \t]+(?:đến|tới|-|–)[ \t]+(?P<b>{num}))?{end}"),
        after=re_compile(rf"{ws}*(?:{_std_trie(lex.words['after'], sp)})(?!{lm})"),
        before=re_compile(rf"{ws}*(?P<w>{_std_trie(before, sp, reverse=True)}){end}"),
        qualifier=re_compile(
            rf"{sp}(?P<q>{_std_trie(lex.words['qualifier'], sp, reverse=True)}){end}"),
        title=re_compile(rf"{sp}{llm}+{lu}(?!{lm})"),
    )


# _Found and _Sent spell out __init__: compiled, a dataclass's generated __init__ stays a
# Python function (run by the interpreter for every object); this one is native.
class _Found:
    __slots__ = ("start", "end", "num_start", "value", "unit", "qualifier", "of",
                 "ratio_with_unit")

    def __init__(self, start: int, end: int, num_start: int, value: int | float, unit: str,
                 qualifier: str | None, of: int | float | None, ratio_with_unit: bool) -> None:
        self.start = start  # sentence offsets of the whole mention (qualifier .. unit)
        self.end = end
        self.num_start = num_start
        self.value = value
        self.unit = unit
        self.qualifier = qualifier
        self.of = of
        self.ratio_with_unit = ratio_with_unit


# Candidates repeat the same few number strings ("1", "02", "ba"): their values are memoised.
_parse_digits: Final = lru_cache(maxsize=4096)(parse_number)
_parse_words: Final = lru_cache(maxsize=4096)(parse_number_words)


def _clean(v: int | float) -> int | float:
    if isinstance(v, int):
        return v  # round(v, 6) of an int is itself (compiled, a ``float`` parameter would
        # convert it and take float rounding's slow path)
    v = round(v, 6)
    return int(v) if v.is_integer() else v


_UNREAD: Final = object()  # _read_unit's ``um`` when the caller has not matched unit_re at ``pos``


class _Sent:
    """One sentence and what its candidates share."""

    __slots__ = ("text", "low", "std", "threshold", "award")

    def __init__(self, text: str, low: str | None, std: _Std | None, threshold: bool) -> None:
        self.text = text
        # the text lower-cased (``_lower``), when the ``_Std`` twins may run on it (no astral
        # character), else None
        self.low = low
        self.std = std  # the twins, when ``low`` is set
        # False when no threshold word can follow a unit: the lower-cased sentence lacks each
        # threshold word's first syllable (_Lexicon.threshold_first)
        self.threshold = threshold
        # _award_context of the sentence, once one of its candidates asks (None: not yet)
        self.award: bool | None = None


def _read_unit(s: _Sent, pos: int, lex: _Lexicon, *, words: bool,
               um: Any = _UNREAD) -> tuple[str, str, int] | None:
    """The counted noun at ``pos`` as (unit, kind, end), or None when none follows. ``um``:
    ``lex.unit_re.match(sent, pos)`` if the caller has it already (or its ``_Std`` twin's
    match on the lower-cased sentence: same span; the unit is read from the text)."""
    sent = s.text
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
    us: int  # (typed, and one span call: native slicing, compiled)
    ue: int
    if um:
        us, ue = um.span("u")
        key = _key(sent[us:ue])
    else:
        key = ""
    # (after most units no after word can reach the unit's end: no need to look)
    if key in lex.after_free:
        xm = None
    elif s.std is not None:
        xm = s.std.after.match(s.low, pos)  # type: ignore[arg-type]
    else:
        xm = lex.after_re.match(sent, pos)
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


def _is_name_number(head: str, lex: _Lexicon, *, whole: bool,
                    std: _Std | None = None, rlow: str = "") -> bool:
    """True when the text before a number makes it a name, ordinal, date or document number.

    ``head`` is the end of the sentence before the number; ``whole`` when it is all of it.
    ``std``: the ``_Std`` twins, to match on ``rlow``, ``head`` lower-cased and reversed.
    """
    n = len(head)
    if std is None:
        m = lex.before_re.match(head)
        bm = (m.start(), m["w"]) if m else None
    else:  # (a match of the reversed head spans [0, end), its word [start("w"), end))
        m = std.before.match(rlow)
        bm = (n - m.end(), head[n - m.end():n - m.start("w")]) if m else None
    if bm and _key(bm[1]) in lex.cap_only and not bm[1][0].isupper():
        bm = None  # "hướng dẫn 27 hộ": the verb, not "Hướng dẫn 27/HD"
    if bm:
        if lex.before_ok_re.match(head):
            return False
        return not lex.distributive_re.match(head[:bm[0]])
    # "Hố Nai 3", "Dự án 8": a capitalised name head
    if std is None:
        tm = _TITLE_WORD_BEFORE.match(head)
        tstart = tm.start() if tm else 0
    else:
        tm = std.title.match(head[::-1])
        tstart = n - tm.end() if tm else 0
    if not tm:
        return False
    before = head[:tstart]
    if not before.strip():
        return not whole  # a capitalised first word ("Có 5 vụ") is not a name
    return not _starts_sentence(before)


def _qualifier(head: str, unit_kind: str, lex: _Lexicon,
               std: _Std | None = None, rlow: str = "") -> tuple[str | None, int]:
    """(qualifier, start offset in ``head``) of the words right before a number (``std``,
    ``rlow``: as in ``_is_name_number``)."""
    n = len(head)
    if std is None:
        qm = lex.qualifier_re.match(head)
        if not qm:
            return None, n
        qstart, word = qm.start(), _key(qm["q"])
    else:
        qm = std.qualifier.match(rlow)
        if not qm:
            return None, n
        qstart = n - qm.end()
        word = _key(head[qstart:n - qm.start("q")])
    q = lex.qualifiers[word]
    if word == "trên" and unit_kind == "place" and not lex.quantity_verb_re.match(head[:qstart]):
        return None, n  # "hoạt động trên 05 lĩnh vực": "on/in", not "more than"
    return q, qstart


def _count(s: _Sent, start: int, end: int, nums: list[str], of_txt: str | None,
           parse: Callable[[str], int | float | None], lex: _Lexicon, *,
           words: bool) -> list[_Found]:
    """The counts of the number(s) ``nums`` at s.text[start:end], or [] when they count
    nothing. The cheap context checks run before the numbers are parsed: most candidates fail
    them."""
    sent, std = s.text, s.std
    pos, mult = end, 1
    extra: int | float = 0
    space = sent[pos:pos + 1].isspace()  # (both patterns open with \s+)
    if not space:
        mm = None
    elif std is not None:
        mm = std.mult_unit.match(s.low, pos)  # type: ignore[arg-type]
    else:
        mm = lex.mult_unit_re.match(sent, pos)
    um: Any = _UNREAD
    if space and (mm is None or mm.start("m") < 0):
        um, mm = mm, None  # no multiplier: unit_re's match at ``pos`` (or None)
    if mm:
        mult, pos = multipliers()[_key(sent[mm.start("m"):mm.end("m")])], mm.end()
        last = mult
        while len(nums) == 1:  # "2 tỷ 500 triệu đồng", "1 triệu 200 nghìn đồng"
            cm = lex.chain_re.match(sent, pos)
            if cm is None:
                break
            small, part = multipliers()[_key(cm["m"])], parse_number(cm["n"])
            if small >= last or part is None or part >= 1000:
                break
            extra, last, pos = extra + part * small, small, cm.end()
    got = _read_unit(s, pos, lex, words=words, um=um)
    if got is None:
        return []
    unit, kind, uend = got
    if s.threshold and lex.threshold_re.match(sent, uend):
        return []  # "chiều dài từ 12 m trở lên": a size class, nothing counted
    if kind in ("other", "place") and len(nums) == 1 and _YEAR_RE.fullmatch(nums[0]):
        return []  # "trong 2023 huyện ...": a year before a place or an unlisted word
    hstart = max(0, start - _HEAD)
    head = sent[hstart:start]
    rlow = s.low[hstart:start][::-1] if s.low is not None else ""
    if _is_name_number(head, lex, whole=start <= _HEAD, std=std, rlow=rlow):
        return []
    base = unit.removeprefix("lượt ")
    sp = unit.find(" ")  # (the first word without building the split list)
    if base in lex.award_units or (unit if sp < 0 else unit[:sp]) in lex.award_units:
        award = s.award
        if award is None:
            award = s.award = _award_context(sent, s.low)
        if award:
            return []
    values = [parse(t) for t in nums]
    if None in values or (len(values) == 2 and values[1] <= values[0]):  # type: ignore[operator]
        return []
    of = parse(of_txt) if of_txt is not None else None
    if of is not None and (of < values[0] or of == 0 or (1900 <= of <= 2100 and values[0] <= 12)):  # type: ignore[operator]
        return []  # "20/10" is a day and month, "8/2021" a month and year: not ratios
    qual, qpos = _qualifier(head, kind, lex, std, rlow)
    qstart = start - (len(head) - qpos)
    if len(values) == 2:
        qual = None if qual == "more_than" else qual
        fm = _FROM_RE.match(head)
        if fm:
            qstart = start - (len(head) - fm.start())
    return [_Found(qstart, uend, start, _clean(v * mult + extra), unit, qual,  # type: ignore[operator]
                   _clean(of) if of is not None else None, of is not None and kind != "other")
            for v in values]


def _digit_counts(s: _Sent, lex: _Lexicon, digit_re: Any) -> list[_Found]:
    """Counts of the digit numbers of ``s`` (``digit_re``: _digit_std() when the text holds no
    astral character, else _DIGIT_RE; chosen once per article)."""
    out: list[_Found] = []
    sent, first = s.text, lex.attach_first
    # typed: compiled, the slicing and comparisons below are then native (``m`` is untyped)
    start: int
    end: int
    a: str
    of: str | None
    b: str | None
    for m in digit_re.finditer(sent):
        start, end = m.span()
        if out and start < out[-1].end:
            continue  # the "500" of "2 tỷ 500 triệu đồng"
        if first is not None:
            # no space after the number: _count reads a unit glued to it (attach_re) or
            # nothing, and none can start here
            nxt = sent[end:end + 1]
            if not nxt.isspace() and nxt.lower() not in first and nxt not in _FOLD_ODD:
                continue
        a, of, b = m.groups()  # the groups in pattern order
        out.extend(_count(s, start, end, [a] if b is None else [a, b], of, _parse_digits, lex,
                          words=False))
    return out


def _word_matches(sent: str, low: str | None, lex: _Lexicon, std: re.Pattern[str] | None,
                  words: tuple[str, ...] | None, starts: list[int] | None = None
                  ) -> list[tuple[int, int, str, str | None]]:
    """(start, end, a, b) of each ``lex.word_re.finditer(sent)`` match, but matched only where
    one of ``words`` (``lex.word_starts``, less those the document lacks) starts in the
    lower-cased ``low``. Every match starts there (a number word at a position word_re's
    look-behind accepts). The starts tried are every occurrence of every word, in order: one
    inside a word follows a letter, which the look-behind rejects, so it changes nothing; a
    match ends where the next tried start may begin. ``std``: word_re's ``_Std`` twin, matched
    on ``low`` (same spans; the groups' text is read from ``sent``). ``starts``: those
    starts already found (sorted), from the whole document's lower-cased text."""
    if low is None or words is None:
        return [(m.start(), m.end(), m["a"], m["b"]) for m in lex.word_re.finditer(sent)]
    if starts is None:
        starts = _starts_of(words, low)
    if not starts:
        return []
    out: list[tuple[int, int, str, str | None]] = []
    end = 0
    match = lex.word_re.match if std is None else std.match
    text = sent if std is None else low
    bs: int  # (typed: native slicing, compiled)
    be: int
    for i in starts:
        if i < end:
            continue  # (also a repeated start)
        m = match(text, i)
        if m:
            end = m.end()
            bs, be = m.span("b")
            a_end: int = m.end("a")
            out.append((i, end, sent[i:a_end], sent[bs:be] if bs >= 0 else None))
    return out


def _starts_of(words: tuple[str, ...], low: str) -> list[int]:
    """Where each of ``words`` starts in ``low``, every occurrence, sorted. (str.find per word:
    a C scan, far cheaper than a regex alternation tried at each letter.)"""
    starts: list[int] = []
    for w in words:
        i = low.find(w)
        while i >= 0:
            starts.append(i)
            i = low.find(w, i + 1)
    starts.sort()
    return starts


def _word_counts(s: _Sent, low: str | None, lex: _Lexicon,
                 words: tuple[str, ...] | None, starts: list[int] | None = None) -> list[_Found]:
    """Counts of the number words of ``s`` (``low``: its ``_lower`` text, or None; ``words``,
    ``starts``: as in ``_word_matches``)."""
    out: list[_Found] = []
    sent = s.text
    for mstart, end, a_txt, b_txt in _word_matches(
            sent, low, lex, s.std.word if s.std is not None else None, words, starts):
        if _parse_words(a_txt) is None or (b_txt is not None and _parse_words(b_txt) is None):
            a_txt = a_txt.split()[0]  # "hai ba": take the first word alone
            b_txt, end = None, mstart + len(a_txt)
            if _parse_words(a_txt) is None:
                continue
        if a_txt[0].isupper() and not _starts_sentence(sent[max(0, mstart - 4):mstart]):
            continue  # "Thứ Bảy", names
        if _DIGIT_BEFORE.search(sent, max(0, mstart - 12), mstart):
            continue  # "Sơ kết 3 năm mô hình": the noun of the number before, not five
        if b_txt is None:
            w = _key(a_txt)
            if w == "một" and not lex.qualifier_re.match(sent[max(0, mstart - 30):mstart]):
                continue  # the article "a", "một số", "một trong" (but "ít nhất một buổi")
            if w == "năm" and lex.before_nam_re.match(sent[max(0, mstart - 30):mstart]):
                continue  # "trong năm", "mỗi năm": the year
        nums = [a_txt] if b_txt is None else [a_txt, b_txt]
        out.extend(_count(s, mstart, end, nums, None, _parse_words, lex, words=True))
    return out


_SPEECH_WORDS: Final = 12  # a quoted name or slogan is short; reported speech is longer
_OPEN_SPEECH_WORDS: Final = 6  # ... or opens its sentence / follows "cho biết:" with a few words


def _is_speech(sent: str, start: int, end: int) -> bool:
    """A quote that reports speech ("“Nếu không có các anh …, gia đình tôi cùng năm hộ …”")
    rather than a name or slogan ("“5 không, 3 sạch”"): numbers in speech still count."""
    n = len(sent[start:end].split())
    if n > _SPEECH_WORDS:
        return True
    before = sent[:start].rstrip()
    return n > _OPEN_SPEECH_WORDS and (not before or before[-1] in ":")


# (``Final``: compiled, a C global, not a module attribute looked up per query)
_bisect_left: Final = bisect.bisect_left
_bisect_right: Final = bisect.bisect_right


class _Spans:
    """A union of half-open intervals, queried by bisection (no quadratic scans on long texts)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        starts: list[int] = []
        ends: list[int] = []
        for s, e in sorted([x for x in spans if x[1] > x[0]]):
            if ends and s <= ends[-1]:
                ends[-1] = max(ends[-1], e)
            else:
                starts.append(s)
                ends.append(e)
        self.starts, self.ends = starts, ends

    def __contains__(self, pos: int) -> bool:
        starts = self.starts
        if not starts:
            return False  # (most sentences' quotes: none)
        i = _bisect_right(starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


_NO_SPANS: Final = _Spans([])  # read-only: shared by every sentence without a quote


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


def _award_context(sent: str, low: str | None = None) -> bool:
    """True when the sentence is about awards: its "N tập thể, M cá nhân" are award tallies.
    Asked only for a count of an award unit (few sentences hold one), once per sentence (the
    answer is kept on its ``_Sent``). ``low``: the sentence's ``_lower`` text if known (a
    slice of the document's: the same but for a final sigma, which the Latin-only
    award_token_re never matches)."""
    lex = _lexicon()
    if low is None:
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
_new_count: Final[Callable[[dict[str, object]], CountMention]] = (
    CountMention.__pydantic_validator__.validate_python)


def extract(doc: Document) -> list[CountMention]:
    """Every count mention of the headline, body and captions, in text order."""
    lex = _lexicon()
    text = doc.norm
    # lower-cased once: when every character lowers to one character outside _FOLD_ODD (else
    # None), a sentence's slice equals its ``_lower`` but for the context-dependent final sigma
    # (σ/ς), which the Latin-only ``word_starts`` and the ``_Std`` literals never match (and
    # either form is a letter to the twins' classes)
    dlow = _lower(text)
    claimed = _Claimed.of(doc)
    bmp = bmp_only(text)  # then so is every sentence
    thr = lex.threshold_first
    std = _std() if bmp else None
    digit_re = _digit_std() if bmp else _DIGIT_RE  # (a cached call: once, not per sentence)
    nwords = lex.word_starts
    # With ``dlow``, each sentence's ``low`` is a slice of it, so the document is scanned once,
    # not sentence by sentence: ``wpos``, where each number word starts in ``dlow`` (sorted; a
    # sentence's share is its starts for _word_matches: a word that starts in a sentence but
    # runs past its end adds a start where no match can begin, which changes nothing); and
    # ``thr``, the threshold syllables ``dlow`` holds at all (usually none: no sentence scan).
    wpos: list[int] | None = None
    if dlow is not None:
        if nwords is not None:
            wpos = _starts_of(nwords, dlow)
        if thr is not None:
            thr = tuple([t for t in thr if t in dlow])
    out: list[CountMention] = []
    ss: int
    se: int
    for s in doc.sentences:
        ss, se = s.start, s.end  # (read once: attributes of a pydantic model)
        sent = text[ss:se]
        low = dlow[ss:se] if dlow is not None else _lower(sent)
        threshold = True
        if low is not None and thr is not None:
            threshold = False
            for t in thr:
                if t in low:
                    threshold = True
                    break
        ctx = _Sent(sent, low if std is not None else None, std if low is not None else None,
                    threshold)
        digit = _digit_counts(ctx, lex, digit_re)
        if wpos is None:
            word = _word_counts(ctx, low, lex, nwords)
        else:
            lo = _bisect_left(wpos, ss)
            hi = _bisect_left(wpos, se, lo)
            word = _word_counts(ctx, low, lex, nwords, [p - ss for p in wpos[lo:hi]]) \
                if lo < hi else []
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
            if f.num_start in quotes or claimed.blocks(doc, f, ss):
                continue
            fields = doc.provenance(ss + f.start, ss + f.end)
            fields["value"], fields["unit"] = f.value, f.unit
            fields["qualifier"], fields["of"] = f.qualifier, f.of
            out.append(_new_count(fields))
    return out
