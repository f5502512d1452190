"""Administrative locations: province down to village, tổ dân phố and khu phố.

How a mention is found (all on ``doc.norm``, sentence by sentence):

1. A level word (``resources/admin_levels.tsv``: "huyện", "TT", "Huyện ủy", …) followed by a
   name: a run of capitalised syllables, a number ("Quận 12", "tổ dân phố số 2") or an acronym
   ("huyện HTN"). For province/district/commune levels the gazetteer decides where the name
   ends (the longest known prefix of the run, so "UBND tỉnh Phạm Hữu Trí" names nothing) and
   repairs capitalisation ("xã Lộc yên") and typos ("xã Lôc Yên"). Names the gazetteer does
   not know are kept (status "unknown") unless they look like a person or an organisation.
2. A list sharing the level word ("các xã Lộc Yên, Hương Đô và Phú Gia"): further runs of the
   same level in the gazetteer.
3. Parents after a comma ("xã Lộc Yên, huyện Hương Khê, Hà Tĩnh"): a bare district/province
   name that contains the unit before it is a parent (its level taken from the gazetteer).
4. A bare province name anywhere ("Yên Bái: …", "…, Hà Tĩnh") → tỉnh / thành phố.

Then one entry per (level, name), the first mention's span; acronyms join the unit they abbreviate;
parents come from the text, else from the gazetteer when the article's context leaves one
candidate; the post-2025 unit and code come from the gazetteer's mapping (phase 2 of issue 4).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from typing import Final, Literal

import regex

from ..pattern_cache import re_compile, regex_compile
from ..document import Document
from ..gazetteer import (
    COMMUNE_LEVELS,
    DISTRICT_LEVELS,
    PROVINCE_LEVELS,
    Gazetteer,
    Unit,
    gazetteer,
    loose_key,
)
from ..models import LocationMention, Sentence
from ..patterns import bmp_only, case_variants, stdlib_class, word_trie
from ..resources import ResourceError, load_tsv

VILLAGE_LEVELS: Final = frozenset({"thôn", "bản", "làng", "ấp", "xóm", "buôn", "sóc", "khóm"})
_RANK: Final = {"village": 0, "street": 0, "commune": 1, "district": 2, "city": 2, "province": 3}
_TIER_LEVELS: Final = {"province": PROVINCE_LEVELS, "city": frozenset({"thành phố"}),
                       "district": DISTRICT_LEVELS, "commune": COMMUNE_LEVELS}
_GAZ_TIERS: Final = {"province": ("province",), "city": ("province", "district"),
                     "district": ("district",), "commune": ("commune",)}

# A capitalised syllable (with "H'Leo", "M'nông" style apostrophes and "Tháp-Chàm" hyphens).
_SYL: Final = r"\p{Lu}[\p{Ll}\p{M}]*(?:'\p{L}[\p{Ll}\p{M}]*)?"
# at most 8 syllables: unit names have at most 5, and a bound keeps long capitalised lines linear
_RUN: Final = regex_compile(rf"{_SYL}(?:(?: |-){_SYL}){{0,7}}")
# what may follow a level word, tried in this order (one regex call instead of three): a
# number, an acronym, a capitalised run
_HEAD: Final = regex_compile(r"(?P<num>(?:số\s+)?0*(?P<digits>\d{1,3}[A-Z]?)"
                             r"(?![\p{L}\p{N}/.,]\d|[\p{L}\p{N}]))"
                             r"|(?P<acr>\p{Lu}{2,5}(?![\p{L}\p{N}]))"
                             rf"|(?P<run>{_RUN.pattern})")
_TRAILING_NUM: Final = regex_compile(r" (\d{1,2})(?![\p{L}\p{N}])")
_NEXT_WORD: Final = regex_compile(r"\s*([\p{L}]+)")
_LIST_SEP: Final = regex_compile(r"\s*(?:,\s*(?:và\s+)?|\s+và\s+)")
# "ấp X, xã Y", "xã Y - huyện Z", "tổ dân phố X (phường Y)", "xã Y thuộc huyện Z"
_PARENT_SEP: Final = regex_compile(r"\s*(?:,|-|–|\(|thuộc)\s*")
_LOWER_SYL: Final = regex_compile(r" ([\p{Ll}][\p{Ll}\p{M}]*)")
# Lower-case words a number after a village level word may be followed by ("khu phố 5 và …").
_AFTER_NUMBER_OK: Final = frozenset({"và", "thuộc", "của", "tại", "ở", "đã", "là", "có", "được",
                                     "với", "trên", "để", "cùng", "nơi", "phường", "xã", "thị",
                                     "quận", "huyện", "thành", "tỉnh", "khu", "tổ", "ấp", "thôn"})
# "các xã ven biển như: A, B" — a plural level word, a few lower-case words, then the list
_LIST_INTRO: Final = regex_compile(r"(?:\s+\p{Ll}+){0,4}?\s+(?:như|gồm|gồm có|là)\s*:?\s|\s*:\s")
# For levels the gazetteer checks, the description may be longer and hold a capitalised word
# ("4 xã có đông đồng bào Khmer sinh sống là A, B và C"): the listed names must be units.
# or the names may follow a short lower-case descriptor ("các huyện miền núi A, B, C").
_LIST_INTRO_LONG: Final = regex_compile(
    r"(?:\s+[\p{L}\p{M}]+){0,8}?\s+(?:như|gồm|gồm có|là)\s*:?\s|\s*:\s"
    r"|(?:\s+\p{Ll}+){1,3}?\s(?=\p{Lu})")
# "tỉnh Bà Rịa - Vũng Tàu": a dash with spaces inside a province name
_DASH_RUN: Final = regex_compile(rf"\s*[-–]\s*({_SYL}(?: {_SYL}){{0,3}})")
_DASH_BEFORE: Final = regex_compile(rf"({_SYL}(?: {_SYL}){{0,3}})\s*[-–]\s*$")
# a capitalised name syllable right before a level word ("Danh | Sóc Kha")
_NAME_BEFORE: Final = regex_compile(r"(?<![\p{L}\p{M}])\p{Lu}[\p{Ll}\p{M}]* $")
# any syllable, for names the gazetteer writes with lower-case words ("Nông trường Lệ Ninh")
_ANY_SYL: Final = regex_compile(r" ?([\p{L}\p{M}]+)")
_PLURAL: Final = regex_compile(r"(?:các|những|\d+|hai|ba|bốn|năm)\s+$")


@dataclass(frozen=True)
class _Trigger:
    word: str
    level: str
    tier: str
    not_after: tuple[str, ...]


@cache
def _triggers() -> tuple[regex.Pattern[str], dict[str, _Trigger]]:
    """The level-word regex (longest words first) and the row of each word (casefolded for
    case-insensitive words)."""
    rows = load_tsv("admin_levels.tsv")
    table: dict[str, _Trigger] = {}
    alts: list[tuple[str, str]] = []
    words: list[tuple[str, bool]] = []
    for r in rows:
        if r["case"] not in ("i", "s") or r["tier"] not in _RANK:
            raise ResourceError(f"admin_levels.tsv: bad row {r}")
        t = _Trigger(r["word"], r["level"], r["tier"],
                     tuple(w for w in r["not_after"].split("|") if w))
        k = r["word"].casefold() if r["case"] == "i" else r["word"]
        table[k] = t
        esc = regex.escape(r["word"]).replace(r"\ ", r"\s+")
        alts.append((r["word"], f"(?i:{esc})" if r["case"] == "i" else esc))
        words.append((r["word"], r["case"] == "i"))
    if _trie_safe(words):
        # the same matches as the alternation below at a third less cost: a trie lets the
        # engine try one branch per first letter instead of all ~35 words at every position
        body = ("(?i:" + word_trie(w for w, ci in words if ci) + ")|"
                + word_trie(w for w, ci in words if not ci))
    else:  # pragma: no cover - only for a resource the trie cannot order like the list
        alts.sort(key=lambda a: -len(a[0]))
        body = "|".join(a[1] for a in alts)
    pat = regex_compile(r"(?<![\p{L}\p{N}])(?:" + body + r")(?![\p{L}\p{N}])")
    return pat, table


def _trie_safe(words: list[tuple[str, bool]]) -> bool:
    """Whether the trie regex picks the same word as the longest-first alternation: any two
    (word, case-insensitive) that can match at one position are one the other's prefix in the
    same case mode (the trie tries the longer first); all others differ in some letter."""
    def may_equal(x: str, y: str, xi: bool, yi: bool) -> bool:
        if x == y:
            return True
        if x == " " or y == " ":
            return x.isspace() or y.isspace()
        return bool(xi and regex.fullmatch(f"(?i:{regex.escape(x)})", y)
                    or yi and regex.fullmatch(f"(?i:{regex.escape(y)})", x))

    for a, (u, ui) in enumerate(words):
        for v, vi in words[a + 1:]:
            n = min(len(u), len(v))
            if all(may_equal(u[k], v[k], ui, vi) for k in range(n)) \
                    and (ui != vi or u[:n] != v[:n]):
                return False
    return True


@cache
def _trigger_prefilter() -> re.Pattern[str]:
    """The casefolded first words of the level words ("thành", "tp", "ấp"), searched with
    ``re`` on the casefolded text: half the cost of the level-word regex, which then only
    confirms each candidate. A superset: every character the level-word regex takes for a
    letter (case-insensitively) casefolds to that letter (checked over all of Unicode for the
    letters of admin_levels.tsv; "ſ" → "s", "K" → "k"), and the text is casefolded only when
    no character grows, so offsets agree. Only where a hit starts matters, so the words form a
    prefix tree: at each "t" the engine tries one branch, not the ten words starting with it
    (a third of the scan's cost)."""
    firsts = {r["word"].casefold().split(" ", 1)[0] for r in load_tsv("admin_levels.tsv")}
    return re_compile(word_trie(firsts))


@dataclass(frozen=True)
class _Pats:
    """The patterns of the level-word scan, one engine's spelling of each."""

    trig: re.Pattern[str] | regex.Pattern[str]  # ``_triggers()[0]``
    head: re.Pattern[str] | regex.Pattern[str]  # ``_HEAD``
    trailing_num: re.Pattern[str] | regex.Pattern[str]
    list_sep: re.Pattern[str] | regex.Pattern[str]
    parent_sep: re.Pattern[str] | regex.Pattern[str]
    plural: re.Pattern[str] | regex.Pattern[str]
    run: re.Pattern[str] | regex.Pattern[str]


@cache
def _regex_pats() -> _Pats:
    """The definitions (regex module), for texts with astral characters."""
    return _Pats(_triggers()[0], _HEAD, _TRAILING_NUM, _LIST_SEP, _PARENT_SEP, _PLURAL, _RUN)


@cache
def _std_pats() -> _Pats:
    """Stdlib ``re`` twins of :func:`_regex_pats`, used on texts without astral characters
    (each call costs a third of the regex module's, and the scan makes ~130 per article).
    The same patterns, token for token, with every ``\\p{…}``, ``\\s`` and ``\\d`` class
    spelled out as the regex module's BMP members of it (:func:`stdlib_class`), and each letter
    of a case-insensitive level word as the class of the BMP characters regex's ``(?i)``
    matches for it (version 0, simple case folding: one character for one, so the classes say
    all); both engines backtrack in the same order, so on a BMP-only text every match, group
    and span agree (tests/test_recasts_locations.py)."""
    cls = stdlib_class
    lu, llm, lt = cls(r"\p{Lu}"), cls(r"[\p{Ll}\p{M}]"), cls(r"\p{L}")
    ln, sp, d = cls(r"[\p{L}\p{N}]"), cls(r"\s"), cls(r"\d")
    glued = cls(r"[\p{L}\p{N}/.,]")
    syl = rf"{lu}{llm}*(?:'{lt}{llm}*)?"
    run = rf"{syl}(?:(?: |-){syl}){{0,7}}"
    head = (rf"(?P<num>(?:số{sp}+)?0*(?P<digits>{d}{{1,3}}[A-Z]?)"
            rf"(?!{glued}{d}|{ln}))"
            rf"|(?P<acr>{lu}{{2,5}}(?!{ln}))"
            rf"|(?P<run>{run})")
    return _Pats(
        re_compile(rf"(?<!{ln})(?:{_std_trigger_body(sp)})(?!{ln})"),
        re_compile(head),
        re_compile(rf" ({d}{{1,2}})(?!{ln})"),
        re_compile(rf"{sp}*(?:,{sp}*(?:và{sp}+)?|{sp}+và{sp}+)"),
        re_compile(rf"{sp}*(?:,|-|–|\(|thuộc){sp}*"),
        re_compile(rf"(?:các|những|{d}+|hai|ba|bốn|năm){sp}+$"),
        re_compile(run),
    )


def _case_classes(letters: set[str]) -> dict[str, str]:
    """Each letter's stdlib class of the BMP characters regex's ``(?i)`` matches for it."""
    return {c: "[" + "".join(f"\\u{ord(h):04x}" for h in takes) + "]"
            for c, takes in case_variants(letters).items()}


def _std_trigger_body(sp: str) -> str:
    """The body of the level-word regex (:func:`_triggers`) for ``re``: the same two prefix
    trees, the case-insensitive one with each letter a class and each space ``sp+``."""
    rows = load_tsv("admin_levels.tsv")
    ci = [r["word"] for r in rows if r["case"] == "i"]
    cs = [r["word"] for r in rows if r["case"] == "s"]
    if regex.DEFAULT_VERSION != regex.VERSION0 or any(" " in w for w in cs) \
            or not _trie_safe([(r["word"], r["case"] == "i") for r in rows]):
        raise ResourceError("locations: the level words need the regex module")  # pragma: no cover
    letters = {c for w in ci for c in w if c != " "}
    if not all(c.isalpha() for c in letters):  # pragma: no cover - only letters are mapped
        raise ResourceError("locations: a case-insensitive level word holds a non-letter")
    fold = _case_classes(letters)
    fold[" "] = sp + "+"
    # the tree's syntax is "(?:", "|" and ")"; every other character is a word's
    tree = "".join(fold.get(c, c) for c in word_trie(ci, space=" "))
    return tree + "|" + word_trie(cs)


def _next_trigger(sc: _Scan, pos: int, end: int) -> regex.Match[str] | None:
    """``_triggers()[0].search(sc.text, pos, end)``: each prefilter hit is confirmed with the
    level-word regex at that position (so the same match, leftmost first). After a few false
    hits ("cấp", "tổ chức") the regex searches on from there itself, so text made of false
    hits costs no Python loop per hit."""
    pat = sc.p.trig
    folded = sc.folded
    pre = sc.prefilter
    if folded is not None and pre is not None:
        for _ in range(8):
            c = pre.search(folded, pos, end)
            if c is None:
                return None
            cs: int = c.start()
            m = pat.match(sc.text, cs, end)
            if m is not None:
                return m
            pos = cs + 1
    return pat.search(sc.text, pos, end)


@cache
def _words(kind: str) -> frozenset[str]:
    return frozenset(r["word"] for r in load_tsv("location_words.tsv") if r["kind"] == kind)


_WS: Final = regex_compile(r"\s+")


_SPACED_DASH: Final = regex_compile(r"\s*[-–]\s*")


@lru_cache(maxsize=8192)
def _k(name: str) -> str:
    """Key of a name read from ``doc.norm`` (already NFC and tone-folded, single spaces):
    the same as :func:`gazetteer.key` at a fraction of its cost ("Bà Rịa - Vũng Tàu" =
    "Bà Rịa-Vũng Tàu"). Memoised: ~90 calls per article on a few dozen names (the article's
    units and their gazetteer parents); bounded because names come from arbitrary text."""
    if "-" in name or "–" in name:
        name = _SPACED_DASH.sub("-", name)
    return name.casefold()


@lru_cache(maxsize=512)
def _trigger_of(text: str) -> _Trigger | None:
    """The row of a matched level word (memoised: a few dozen spellings recur in every
    article; bounded because whitespace inside the word varies)."""
    table = _triggers()[1]
    t = _WS.sub(" ", text)
    return table.get(t) or table.get(t.casefold())


class _Mention:
    """One mention found in the text. (A plain class with its own ``__init__``, not a
    dataclass: compiled, a dataclass's generated ``__init__`` runs as interpreted Python, ~2 %
    of this module's instructions; mentions are never compared, so ``__eq__`` is not needed.)"""

    def __init__(self, start: int, end: int, level: str, tier: str, name: str,
                 inferred: bool = False, units: tuple[Unit, ...] = (), acronym: bool = False,
                 parent: _Mention | None = None, sentence: int = 0, known: bool = False,
                 foreign: bool = False) -> None:
        self.start = start
        self.end = end
        self.level = level
        self.tier = tier
        self.name = name
        self.inferred = inferred
        self.units = units  # gazetteer candidates
        self.acronym = acronym
        self.parent = parent  # the next higher unit named right after it
        self.sentence = sentence
        self.known = known
        self.foreign = foreign  # its parent is a province the gazetteer lacks ("tỉnh Vân Nam")

    @property
    def group(self) -> str:
        """Level for one-per-(level, name): the village words are one level."""
        return "thôn" if self.level in VILLAGE_LEVELS else self.level


class _Scan:
    """The state of one article's scan (a plain class for the reason :class:`_Mention` is)."""

    def __init__(self, g: Gazetteer, text: str) -> None:
        self.g = g
        self.text = text
        self.mentions: list[_Mention] = []
        self.covered: list[tuple[int, int]] = []
        # ``text.casefold()`` when it keeps every offset, for the prefilter
        self.folded: str | None = None
        self.prefilter: re.Pattern[str] | None = None  # ``_trigger_prefilter()``, with ``folded``
        self.p: _Pats = _regex_pats()  # the scan's patterns for this text


def _gaz_match(g: Gazetteer, words: list[str], tier: str, level: str
               ) -> tuple[int, tuple[Unit, ...]]:
    """Longest prefix of ``words`` (capitalised syllables) that the gazetteer knows at ``tier``;
    returns (syllables used, units) or (0, ())."""
    table = _level_index(g, tier, level).table
    for n in range(min(len(words), g.max_syllables), 0, -1):
        hit = table.get(" ".join(words[:n]).casefold())
        if hit:
            return n, hit
    return 0, ()


@dataclass(frozen=True)
class _LevelIndex:
    """The gazetteer seen after one level word (~10 of them, built once each)."""

    table: dict[str, tuple[Unit, ...]]  # key → the units a name after the level word may be
    stems: frozenset[str]  # every key of ``table`` cut before one of its spaces


# (tier, level) → (gazetteer, its :func:`_level_index`): asked ~27 times per article, and
# ``g.derived`` would need a key tuple and a closure per ask
_LEVEL_INDEX: Final[dict[tuple[str, str], tuple[Gazetteer, _LevelIndex]]] = {}


def _level_index(g: Gazetteer, tier: str, level: str) -> _LevelIndex:
    """``g.by_key`` filtered once to the units :func:`_gaz_match` accepts after a ``level``
    word of ``tier`` (it was filtered per probe, ~60 000 times per 400 articles), and the stems
    of those names ("nông trường lệ" of "nông trường lệ ninh"): a run whose key is no stem is
    no prefix of a longer unit name, so no syllable after it can extend it."""
    got = _LEVEL_INDEX.get((tier, level))
    if got is None or got[0] is not g:  # (no closure here: compiled, it costs every call)
        got = _LEVEL_INDEX[(tier, level)] = (g, g.derived(
            ("locations: level", tier, level), partial(_build_level_index, g, tier, level)))
    return got[1]


def _build_level_index(g: Gazetteer, tier: str, level: str) -> _LevelIndex:
    tiers, levels = _match_levels(tier, level)
    table = {}
    for k, cands in g.by_key.items():
        hit = tuple(u for u in cands if u.level in levels
                    and (u.tier in tiers or u.tier.removesuffix("_2025") in tiers))
        if hit:
            table[k] = hit
    stems = frozenset(k[:i] for k in table for i, c in enumerate(k) if c == " ")
    return _LevelIndex(table, stems)


@cache
def _match_levels(tier: str, level: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """Gazetteer tiers and level words a name after a ``level`` word of ``tier`` may have
    (cached: asked ~25 times per article with a handful of distinct arguments)."""
    tiers = _GAZ_TIERS[tier]
    levels = _TIER_LEVELS[tier] if tier != "city" else frozenset({"thành phố"})
    if tier in ("district", "commune"):
        levels = frozenset({level}) if level not in ("thành phố",) else levels
    return tiers, levels


def _any_prefix(g: Gazetteer, words: list[str]) -> tuple[int, tuple[Unit, ...]]:
    """Longest prefix of ``words`` naming any unit at all."""
    for n in range(min(len(words), g.max_syllables), 0, -1):
        hit = g.by_key.get(" ".join(words[:n]).casefold())
        if hit:
            return n, hit
    return 0, ()


def _split_run(run: str) -> list[str]:
    """Syllables of a capitalised run; hyphenated parts stay together ("Tháp-Chàm")."""
    return run.split(" ")


def _looks_like_person(words: list[str], text: str = "", pos: int = 0, end: int = 0) -> bool:
    """A capitalised run that starts a person's name ("Phạm Hữu Trí"), a title or an
    organisation ("Chủ tịch", "Trường THCS …"), or a rank ("Đại úy": ``text[pos:end]`` follows
    the run's first word)."""
    surnames, titles, ranks = _person_words()
    first = words[0].casefold()
    if first in surnames and len(words) >= 3 or first in titles:
        return True
    nxt = _NEXT_WORD.match(text, pos, end) if text else None
    second = nxt.group(1).casefold() if nxt else (words[1].casefold() if len(words) > 1 else "")
    # two-word entries: "Đồng chí" blocks a name, "Đồng Kè" (a common place syllable) does not
    return bool(second) and (f"{first} {second}" in ranks
                             or f"{first} {second}" in titles)


@cache
def _person_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The surname, title and rank words (one cached call per test instead of up to four)."""
    return _words("surname"), _words("title"), _words("rank")


def _name_after(sc: _Scan, pos: int, trig: _Trigger, sent_end: int
                ) -> tuple[str, int, tuple[Unit, ...], bool, bool] | None:
    """The unit name right after a level word at ``pos``: (name, end, units, acronym, known)."""
    text = sc.text
    i = pos
    # "TP.HCM", "TP. Biên Hòa": spaces optional after an abbreviation with a dot
    while i < sent_end and text[i] == " ":
        i += 1
    if i == pos and not trig.word.endswith("."):
        return None
    if i >= sent_end:
        return None
    g = sc.g
    pats = sc.p
    m = pats.head.match(text, i, sent_end)
    if not m:
        return None
    if m.group("num") is not None:
        num = m.group("digits")
        if trig.tier in ("village", "street"):
            nxt = _NEXT_WORD.match(text, m.end(), sent_end)
            if nxt and nxt.group(1)[0].islower() and nxt.group(1) not in _AFTER_NUMBER_OK:
                return None
            return num, m.end(), (), False, True
        if trig.tier in _GAZ_TIERS:
            n, units = _gaz_match(g, [num], trig.tier, trig.level)
            if n:
                return num, m.end(), units, False, True
        return None
    if m.group("acr") is not None:  # "huyện HTN": resolved against the article's names later
        return m.group(), m.end(), (), True, False
    run: str = m.group()  # (read once: each ``group()`` is a method call)
    rend = i + len(run)
    words = _split_run(run)
    if trig.tier in ("province", "city", "district"):
        dashed = _dashed_province(g, text, i, rend, sent_end,
                                  _GAZ_TIERS[trig.tier], _TIER_LEVELS[trig.tier])
        if dashed:
            return dashed[0], dashed[1], dashed[2], False, True
    if trig.tier in _GAZ_TIERS:
        n, units = _gaz_match(g, words, trig.tier, trig.level)
        # (both repairs below only lengthen the run: skipped unless a unit's name goes on)
        if (n == len(words) or not n) and \
                " ".join(words).casefold() in _level_index(g, trig.tier, trig.level).stems:
            # capitalisation repair: "xã Lộc yên" when "Lộc Yên" is a unit of this level
            ext = _LOWER_SYL.match(text, rend, sent_end)
            if ext:
                longer = words + [ext.group(1)[:1].upper() + ext.group(1)[1:]]
                n2, u2 = _gaz_match(g, longer, trig.tier, trig.level)
                if n2 == len(longer):
                    words, n, units = longer, n2, u2
                else:
                    # a name the gazetteer writes with lower-case words, longest known prefix
                    # ("thị trấn Nông trường Lệ Ninh")
                    longer = list(words)
                    p = rend
                    while len(longer) < g.max_syllables:
                        a = _ANY_SYL.match(text, p, sent_end)
                        if not a or (a.group()[0] != " " and p != rend):
                            break
                        longer.append(a.group(1))
                        p = a.end()
                    n2, u2 = _gaz_match(g, longer, trig.tier, trig.level)
                    if n2 > len(words) and u2:
                        written = text[i:i + len(" ".join(longer[:n2]))]
                        words, n, units = written.split(" "), n2, u2
        if not n:  # a numbered name whose stem is no unit of this level: "xã Hố Nai 3"
            t = pats.trailing_num.match(text, i + len(" ".join(words)), sent_end)
            if t:
                n3, u3 = _gaz_match(g, words + [t.group(1)], trig.tier, trig.level)
                if n3 == len(words) + 1:
                    return " ".join(words) + " " + t.group(1), t.end(), u3, False, True
        if n:
            name = " ".join(words[:n])
            end = i + len(name)
            # a numbered name: "xã Hố Nai 3"
            t = pats.trailing_num.match(text, end, sent_end)
            if t:
                n3, u3 = _gaz_match(g, _split_run(name) + [t.group(1)], trig.tier, trig.level)
                if n3 == n + 1 or (n3 and n3 > n):
                    name, end, units = name + " " + t.group(1), t.end(), u3
            return name, end, units, False, True
        # typo: "xã Lôc Yên" ~ "Lộc Yên" (same letters without diacritics)
        # (the whole run only: the candidates are checked against the article's context later)
        if 2 <= len(words) <= g.max_syllables:
            cand = " ".join(words)
            loose = tuple(u for u in g.lookup_loose(cand)
                          if u.level in _TIER_LEVELS[trig.tier]
                          and (trig.tier == "city" or u.level == trig.level))
            if loose:
                return cand, i + len(cand), loose, False, False
        if trig.tier == "province" or _looks_like_person(words, text, i + len(words[0]), sent_end):
            return None
        if trig.tier in ("district", "city"):
            # the district level is complete in the gazetteer; a dissolved district lives on
            # as the name of a post-2025 commune ("thị xã Cửa Lò" → phường Cửa Lò)
            n, _ = _any_prefix(g, words)
            if not n:
                return None
            words = words[:n]
    elif _looks_like_person(words, text, i + len(words[0]), sent_end):
        return None
    words = words[:4]
    name = " ".join(words)
    end = i + len(name)
    t = pats.trailing_num.match(text, end, sent_end)
    if t:
        name, end = name + " " + t.group(1), t.end()
    return name, end, (), False, trig.tier in ("village", "street")


def _dashed_province(g: Gazetteer, text: str, start: int, run_end: int, limit: int,
                     tiers: tuple[str, ...] = ("province",),
                     levels: frozenset[str] = PROVINCE_LEVELS,
                     ) -> tuple[str, int, tuple[Unit, ...]] | None:
    """A unit written with a spaced dash ("Bà Rịa - Vũng Tàu", "TP. Phan Rang - Tháp Chàm"):
    (name as written, end, units) when the run at ``start`` and the one after the dash together
    name a unit of ``tiers`` and ``levels``."""
    # most runs are followed by a word or punctuation, not a dash: skip the regex then
    ch = text[run_end:run_end + 1]
    if ch == " ":
        ch = text[run_end + 1:run_end + 2]
    if ch and ch not in "-–" and not ch.isspace():
        return None
    d = _DASH_RUN.match(text, run_end, limit)
    if not d:
        return None
    units = tuple(u for u in g.by_key.get(_k(text[start:run_end] + "-" + d.group(1)), ())
                  if u.tier in tiers and u.level in levels)
    return (text[start:d.end()], d.end(), units) if units else None


def _in_dash_chain(g: Gazetteer, text: str, start: int, end: int, limit_start: int,
                   limit_end: int) -> bool:
    """Whether a run is one link of a dash-joined chain whose neighbour is no unit at all
    ("cao tốc Pháp Vân – Cầu Giẽ – Ninh Bình"): a route or organisation name, not a place."""
    # (a one-syllable neighbour is a dateline's time word: "Bắc Ninh - Sáng 27/10, …")
    b = _DASH_BEFORE.search(text[max(limit_start, start - 40):start])
    if b and " " in b.group(1) and not g.has_name(_k(b.group(1))):
        return True
    a = _DASH_RUN.match(text, end, limit_end)
    return bool(a) and " " in a.group(1) and not g.has_name(_k(a.group(1)))


def _bare_units(g: Gazetteer, name: str, tiers: tuple[str, ...]) -> tuple[Unit, ...]:
    return tuple(u for u in g.by_key.get(name.casefold(), ()) if u.tier in tiers)


def _scan_sentence(sc: _Scan, start: int, end: int, index: int) -> None:
    text = sc.text
    g = sc.g
    pos = start
    last: _Mention | None = None
    while True:
        m = _next_trigger(sc, pos, end)
        if m is None:
            break
        # (the match's start, end and text read once, as typed locals)
        ms: int = m.start()
        pos = m.end()
        word: str = m.group()
        trig = _trigger_of(word)
        if trig is None:
            continue
        if trig.tier == "village" and word[0].isupper() and _NAME_BEFORE.search(
                text, max(start, ms - 24), ms):
            continue  # "Thượng tá Danh Sóc Kha": a syllable of a person's name
        if trig.not_after:
            before = text[max(start, ms - 12):ms].casefold().rstrip()
            if any(before.endswith(w) and (len(before) == len(w)
                                           or not before[-len(w) - 1].isalpha())
                   for w in trig.not_after):
                continue
        # half the level words are followed by a small letter ("xã hội", "huyện đã"): then
        # :func:`_name_after` finds nothing (no space after the word, and no dot ending it; or
        # one space, then a letter no name starts with), so it is not called
        nxt = text[pos:pos + 2]
        if nxt[:1] != " ":
            nameless = not trig.word.endswith(".")
        else:  # (a name opens with "số", a digit or a capital)
            nameless = nxt[1:].islower() and nxt[1:] != "s"
        got = None if nameless else _name_after(sc, pos, trig, end)
        if got is None:
            # a list needs a plural level word ("các xã"): test that first, it is rare
            if not sc.p.plural.search(text[max(start, ms - 12):ms]):
                continue
            intro = _LIST_INTRO.match(text, pos, end)
            long_intro = intro is None and trig.tier in _GAZ_TIERS
            if long_intro:
                intro = _LIST_INTRO_LONG.match(text, pos, end)
            if intro:
                got = _name_after(sc, intro.end() - 1, trig, end)
            if got is None or got[3] or long_intro and not got[2]:
                continue
            mstart = got[1] - len(got[0])
        else:
            mstart = ms
        name, nend, units, acronym, known = got
        level = trig.level
        if trig.tier == "city" and units:
            level = "thành phố"
        men = _Mention(mstart, nend, level, trig.tier, name, units=units, acronym=acronym,
                       sentence=index, known=known)
        _add(sc, men, last)
        last = men
        pos = nend
        pos = _follow(sc, men, trig, ms, end, index)


def _add(sc: _Scan, men: _Mention, prev: _Mention | None) -> None:
    sc.mentions.append(men)
    sc.covered.append((men.start, men.end))


def _follow(sc: _Scan, men: _Mention, trig: _Trigger, trig_start: int, end: int,
            index: int) -> int:
    """Lists sharing the level word, then bare parents after a comma; returns the scan position."""
    text, g, p = sc.text, sc.g, sc.p
    pos = men.end
    plural: bool | None = None  # "các xã": asked only for a list of non-gazetteer levels
    prev = men
    # list siblings: ", Hương Đô và Phú Gia"
    while not men.acronym:
        sep = p.list_sep.match(text, pos, end)
        if not sep:
            break
        r = p.run.match(text, sep.end(), end)
        if not r or p.trig.match(text, sep.end(), end):
            break
        words = _split_run(r.group())
        if trig.tier in _GAZ_TIERS:
            n, units = _gaz_match(g, words, trig.tier, trig.level)
            if not n or n != len(words):
                break
            name = " ".join(words[:n])
            if _is_parent(g, name, prev):
                break
            if prev.units and not {u.province.name for u in units if u.province} & \
                    {u.province.name for u in prev.units if u.province}:
                break
        else:
            if plural is None:
                plural = bool(p.plural.search(text[max(0, trig_start - 12):trig_start]))
            if not plural or _looks_like_person(words) or len(words) > 4:
                break
            name, units = r.group(), ()
        sib = _Mention(sep.end(), sep.end() + len(name), men.level, men.tier, name,
                       units=units, sentence=index, known=True)
        _add(sc, sib, None)
        prev = sib
        pos = sib.end
    # parents: ", huyện Hương Khê, Hà Tĩnh" (level words are scanned by the caller; bare
    # names here)
    child = prev if prev is men else men
    while True:
        sep = p.parent_sep.match(text, pos, end)
        if not sep or sep.end() == pos:
            break
        trig_m = p.trig.match(text, sep.end(), end)
        if trig_m:
            # a level word: scan it now so the chain is linked
            t2 = _trigger_of(trig_m.group())
            if t2 is None:
                break
            got = _name_after(sc, trig_m.end(), t2, end)
            lower_ok = _RANK[t2.tier] > _RANK[child.tier] or (
                t2.tier == "city" and _RANK[child.tier] < 2) or (
                _RANK[t2.tier] == _RANK[child.tier] == 0 and t2.level != child.level)
            if got is None and t2.tier == "province" and not child.units \
                    and p.run.match(text, trig_m.end() + 1, end):
                # "huyện Kim Bình (tỉnh Vân Nam, Trung Quốc)": a unit across the border
                child.foreign = True
            if got is None or not lower_ok:
                break
            name, nend, units, acronym, known = got
            level = "thành phố" if t2.tier == "city" and units else t2.level
            par = _Mention(trig_m.start(), nend, level, t2.tier, name, units=units,
                           acronym=acronym, sentence=index, known=known)
            _add(sc, par, None)
            child.parent = par
            child = par
            pos = nend
            continue
        r = p.run.match(text, sep.end(), end)
        if not r:
            break
        name = r.group()
        if not _is_parent(g, name, child):
            break
        units = _bare_units(g, name, ("district", "province"))
        higher = tuple(u for u in units if _RANK["province" if u.tier == "province"
                                                 else "district"] > _RANK[child.tier])
        if not higher:
            break
        tier = "province" if any(u.tier == "province" for u in higher) and _RANK[child.tier] \
            >= 1 and not any(u.tier == "district" and _contains(u, child) for u in higher) \
            else "district"
        pick = tuple(u for u in higher if u.tier == tier)
        level = pick[0].level
        par = _Mention(sep.end(), r.end(), level, tier if tier == "province" else "district",
                       name, inferred=True, units=pick, sentence=index, known=True)
        _add(sc, par, None)
        child.parent = par
        child = par
        pos = r.end()
    return pos


def _contains(parent: Unit, child: _Mention) -> bool:
    """Whether a gazetteer unit is a parent of one of the child mention's candidates."""
    for u in child.units:
        if parent.tier == "district" and u.district is parent:
            return True
        if parent.tier == "province" and (u.province is parent):
            return True
    if child.parent is not None:
        return False
    return not child.units  # a village or unknown unit: any higher unit may contain it


def _is_parent(g: Gazetteer, name: str, child: _Mention) -> bool:
    """A bare name after a unit is its parent when the gazetteer has a higher unit of that name
    containing the child (or the child is not in the gazetteer)."""
    for u in g.by_key.get(name.casefold(), ()):
        if u.tier in ("district", "province") and _RANK[
                "province" if u.tier == "province" else "district"] > _RANK[child.tier]:
            if _contains(u, child):
                return True
    return False


def _bare_provinces(sc: _Scan, doc: Document) -> None:
    """Province names without a level word: "Yên Bái: …", "…, Hà Tĩnh"."""
    g = sc.g
    text = sc.text
    covered = sorted(sc.covered)
    starts = [a for a, _ in covered]
    ends = [b for _, b in covered]
    provinces = _province_table(g)
    after = bisect.bisect_right
    titles, odd = _province_titles(g)
    if odd.search(text) is None:
        runs: Iterable[tuple[Sentence, re.Match[str] | regex.Match[str]]] = _candidate_runs(
            sc, doc, titles)
    else:  # every run of every sentence
        runs = ((s, r) for s in doc.sentences for r in sc.p.run.finditer(text, s.start, s.end))
    # ~110 runs per article, ~3 of them provinces or followed by a dash (the ones
    # :func:`_candidate_runs` yields): the two cheap tests a hit needs come first, the
    # coverage test and the dash chain last
    skip, last = -1, None
    for s, r in runs:
        if s is not last:
            skip, last = -1, s
        rs, rend = r.span()
        if rs < skip:
            continue  # the second half of a dashed name already taken
        hit = provinces.get(r[0].casefold())
        if hit is None:
            # (the test :func:`_dashed_province` starts with)
            ch = text[rend:rend + 1]
            if ch == " ":
                ch = text[rend + 1:rend + 2]
            if ch and ch not in "-–" and not ch.isspace():
                continue
        i = after(starts, rs) - 1
        if i >= 0 and rs < ends[i]:
            continue  # inside a mention found with its level word
        dashed = _dashed_province(g, text, rs, rend, s.end)
        if dashed:
            sc.mentions.append(_Mention(rs, dashed[1], dashed[2][0].level,
                                        "province", dashed[0], inferred=True,
                                        units=dashed[2], sentence=s.index, known=True))
            skip = dashed[1]
            continue
        if hit is None:
            continue
        lead, units = hit
        # "Tại Hà Tĩnh": a lead word before the name
        offs = r[0].find(" ") + 1 if lead else 0
        if _in_dash_chain(g, text, rs, rend, s.start, s.end):
            continue
        # not the tail of a person or organisation name: the run must be just the name
        sc.mentions.append(_Mention(rs + offs, rend, units[0].level, "province",
                                    r[0][offs:], inferred=True, units=units,
                                    sentence=s.index, known=True))


# A character inside no ``_RUN`` match: neither a letter, a mark, " ", "-" nor "'"; a space or
# hyphen before no capital (a separator only joins capitalised syllables); an apostrophe before
# no letter. Searched backwards: ``_RUN.finditer`` from the next character finds the same runs
# as from the sentence start, so the segmentation can restart there.
_NO_RUN_REV: Final = regex_compile(r"[ \-][^\p{Lu}]|'[^\p{L}]|[^\p{L}\p{M} '\-]", regex.REVERSE)
_SPACES_REV: Final = regex_compile(r"\s*+", regex.REVERSE)


def _candidate_runs(sc: _Scan, doc: Document, titles: re.Pattern[str]
                    ) -> list[tuple[Sentence, re.Match[str] | regex.Match[str]]]:
    """(sentence, run) for the runs of ``_RUN.finditer`` over each sentence that
    :func:`_bare_provinces` may take, in text order: a run whose casefold is a key of
    :func:`_province_table` or a run followed by ``\\s*[-–]`` (without one
    :func:`_dashed_province` finds nothing); every other run only reaches a ``continue``.
    A run's syllables are a capital and small letters, so when the text holds no character that
    casefolds into a key's letters without being one of them or its capital (the caller
    checks), a run whose casefold is a key is written as ``titles`` writes the key. The
    positions come from two scans of the whole text; each is then placed in its sentence's
    run segmentation, resumed from the nearest character no run contains (so the text is
    segmented at most once, however many candidates)."""
    text = sc.text
    find = titles.search
    runs = sc.p.run.finditer  # (``_RUN``'s twin on a BMP-only text: the same runs)
    # (position, kind): a run starting at the position / a run ending right after it
    cands: list[tuple[int, bool]] = []
    pos = 0
    while (k := find(text, pos)) is not None:
        pos = k.start()
        cands.append((pos, True))
        pos += 1  # a key may start inside another ("Về Hà Tĩnh" is two)
    for dash in "-–":
        d = text.find(dash)
        while d >= 0:
            e = _SPACES_REV.match(text, 0, d).start()
            if e > 0:
                cands.append((e - 1, False))
            d = text.find(dash, d + 1)
    if not cands:
        return []
    cands.sort()
    sents = doc.sentences
    sstarts = [s.start for s in sents]
    out: list[tuple[Sentence, re.Match[str] | regex.Match[str]]] = []
    si = -1
    it = None
    cur = None  # the first run of the segmentation ending after the last candidate
    lo = 0  # where the segmentation state is known: ``it`` searches on from here
    for x, starts_run in cands:
        j = bisect.bisect_right(sstarts, x) - 1
        if j < 0 or x >= sents[j].end:
            continue  # between sentences
        s = sents[j]
        if j != si:
            si, it, cur, lo = j, None, None, s.start
        if cur is None or cur.end() <= x:
            b = _NO_RUN_REV.search(text, lo, x + 1)
            if b is not None:
                it = runs(text, b.start() + 1, s.end)
            elif it is None:
                it = runs(text, s.start, s.end)
            cur = None
            for r in it:  # (a loop, not next() over a generator: no generator object)
                if r.end() > x:
                    cur = r
                    break
            if cur is None:
                lo = s.end
                continue
            lo = cur.end()
        rs = cur.start()
        if rs > x or (rs != x if starts_run else cur.end() != x + 1):
            continue
        if not out or out[-1][1] is not cur:
            out.append((s, cur))
    return out


def _province_titles(g: Gazetteer) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The keys of :func:`_province_table` with each syllable capitalised ("tại hà tĩnh" →
    "Tại Hà Tĩnh", "bà rịa-vũng tàu" → "Bà Rịa-Vũng Tàu") as one prefix tree (a space matching
    any whitespace; each key starts with a capital, so the engine skips the small letters),
    and a pattern finding a character for which that spelling may miss a run: one outside the
    Latin, Vietnamese, combining-mark and punctuation blocks, or one in them that casefolds
    into the keys' letters without being such a letter or its capital ("ſ" → "s", "ß" → "ss")."""
    def build() -> tuple[re.Pattern[str], re.Pattern[str]]:
        keys = list(_province_table(g))
        letters = set("".join(keys))
        if not letters <= {" ", "-"} | {c for c in letters if c.isalpha()
                                         and c == c.casefold() and len(c.upper()) == 1}:
            raise ResourceError("locations: a province key not in small letters")
        plain = letters | {c.upper() for c in letters}
        # one class of the characters that keep the spelling exact (a single class: the
        # engine tests each character once)
        ok = [cp for lo, hi in ((0, 0x24F), (0x300, 0x36F), (0x1E00, 0x1EFF), (0x2000, 0x206F))
              for cp in range(lo, hi + 1)
              if (c := chr(cp)) in plain or not set(c.casefold()) <= letters]
        spans: list[list[int]] = []
        for cp in ok:
            if spans and spans[-1][1] == cp - 1:
                spans[-1][1] = cp
            else:
                spans.append([cp, cp])
        odd = "[^" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in spans) + "]"
        titles = re_compile(word_trie([_TITLE_AT.sub(_upper, k) for k in keys]))
        return titles, re_compile(odd)

    return g.derived("locations: province titles", build)


_TITLE_AT: Final = re_compile(r"(?:^|(?<=[ -]))[^ -]")


def _upper(m: re.Match[str]) -> str:
    return m[0].upper()


def _province_table(g: Gazetteer) -> dict[str, tuple[bool, tuple[Unit, ...]]]:
    """Casefolded run → (starts with a lead word, the pre-2025 province units it names), for
    the runs :func:`_bare_provinces` takes: a province key, or a lead word ("tại") and a
    province key; a run whose first word is a lead word names only what follows it. Built once
    per gazetteer: one probe per run instead of a lead-word test, a probe and a filter."""
    def build() -> dict[str, tuple[bool, tuple[Unit, ...]]]:
        provinces = {}
        for k, cands in g.by_key.items():
            units = tuple(u for u in cands if u.tier == "province")
            if units:
                provinces[k] = units
        lead = [w for w in _words("lead") if " " not in w]
        table = {}
        for k, units in provinces.items():
            sp = k.find(" ")
            if sp <= 0 or k[:sp] not in lead:
                table[k] = (False, units)
            for w in lead:
                table[f"{w} {k}"] = (True, units)
        return table

    return g.derived("locations: bare provinces", build)


def _initials(name: str) -> str:
    return "".join(w[0] for w in regex.split(r"[ -]", name) if w).upper()


def _resolve_acronyms(sc: _Scan) -> None:
    """"huyện HTN" joins huyện Hàm Thuận Nam when the article spells it out; else it is dropped
    unless the initials name exactly one province ("TP HCM")."""
    named = [m for m in sc.mentions if not m.acronym]
    keep = []
    for m in sc.mentions:
        if not m.acronym:
            keep.append(m)
            continue
        same = {x.name for x in named if _initials(x.name) == m.name
                and (x.level == m.level or m.tier == "city" and x.tier in ("city", "province"))}
        if len(same) == 1:
            m.name = next(iter(same))
            m.units = next(x.units for x in named if x.name == m.name)
            m.known = next(x.known for x in named if x.name == m.name)
            keep.append(m)
            continue
        if m.tier in ("province", "city"):
            provs = {u.name: u for u in sc.g.units if u.tier == "province"
                     and _initials(u.name) == m.name and u.level in _TIER_LEVELS[m.tier]}
            if len(provs) == 1:
                u = next(iter(provs.values()))
                m.name, m.units, m.level, m.known = u.name, (u,), u.level, True
                keep.append(m)
    sc.mentions = keep


def _merge_typos(mentions: list[_Mention]) -> list[_Mention]:
    """Unknown spellings that equal a known mention of the same level without diacritics are
    that mention ("Lôc Yên" = "Lộc Yên"); one that equals, without diacritics, a unit of a
    province the article names is that unit; any other stays as written, status unknown."""
    if all(m.known for m in mentions):
        return mentions  # half the articles: nothing to merge, skip the keys
    known = {(m.group, loose_key(m.name)): m for m in mentions if m.known}
    provs, _ = _context([m for m in mentions if m.known])
    for m in mentions:
        if m.known:
            continue
        k = known.get((m.group, loose_key(m.name)))
        if k is not None:
            m.name, m.units, m.known = k.name, k.units, True
        elif m.units:
            near = tuple(u for u in m.units if u.province is not None
                         and _k(u.province.name) in provs)
            if len({u.name for u in near}) == 1:
                m.name, m.units, m.known = near[0].name, near, True
            else:
                m.units = ()
    return mentions


def _context(mentions: list[_Mention]) -> tuple[dict[str, str], dict[str, str]]:
    """Province and district names the article states (key → name)."""
    provs: dict[str, str] = {}
    dists: dict[str, str] = {}
    for m in mentions:
        for u in m.units:  # keyed by the gazetteer's name, valued by the article's
            if u.tier == "province":
                provs.setdefault(_k(u.name), m.name)
            elif u.tier == "district" and m.tier in ("district", "city"):
                dists.setdefault(_k(u.name), m.name)
        if not m.units and m.tier == "province":
            provs.setdefault(_k(m.name), m.name)
        if not m.units and m.tier == "district":
            dists.setdefault(_k(m.name), m.name)
    return provs, dists


def _narrow(units: tuple[Unit, ...], provs: dict[str, str], dists: dict[str, str]) -> tuple[Unit, ...]:
    """Candidates consistent with the places the article names, most specific first."""
    if len(units) == 1:
        return units  # (every branch below returns the one candidate)
    old = tuple(u for u in units if not u.current) or units
    if dists:
        d = tuple(u for u in old if u.district is not None and _k(u.district.name) in dists)
        if d:
            return d
    if provs:
        p = tuple(u for u in old if u.province is not None and _k(u.province.name) in provs)
        if p:
            return p
    return old


def prepare() -> None:
    """Build now the gazetteer tables built on first use: every level's index, the
    diacritic-free keys, the province tables. A parallel run's parent calls it before its
    workers fork, so that none of them builds these again (~40 ms each)."""
    g = gazetteer()
    for tier, levels in _TIER_LEVELS.items():
        for level in levels:
            _level_index(g, tier, level)
    g.by_loose
    _province_titles(g)
    _province_table(g)


def extract(doc: Document) -> list[LocationMention]:
    """Locations of the article, one per (level, name), in order of first mention."""
    try:
        return _extract(doc)
    except RecursionError:  # pragma: no cover - defensive: never raise on odd input
        return []


def _extract(doc: Document) -> list[LocationMention]:
    g = gazetteer()
    sc = _Scan(g, doc.norm)
    folded = sc.text.casefold()
    if len(folded) == len(sc.text):  # no "ß" → "ss": offsets agree (else the plain search)
        sc.folded = folded
        sc.prefilter = _trigger_prefilter()  # (once per article, not per level-word search)
    if bmp_only(sc.text):
        sc.p = _std_pats()
    for s in doc.sentences:
        _scan_sentence(sc, s.start, s.end, s.index)
    sc.mentions = [m for m in sc.mentions if not m.foreign]
    _bare_provinces(sc, doc)
    _resolve_acronyms(sc)
    mentions = _merge_typos(sc.mentions)
    mentions.sort(key=_start)
    provs, dists = _context(mentions)

    # one entry per (level, name); parents from the text chain first
    first: dict[tuple[str, str], _Mention] = {}
    parents: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for m in mentions:
        k = (m.group, _k(m.name))
        if k not in first:
            first[k] = m
        if m.parent is not None:  # (else no parents to add)
            p, d = _text_parents(m)
            op, od = parents.get(k, (None, None))
            parents[k] = (op or p, od or d)

    res = _Resolver(mentions, parents, provs, dists, g)
    former = _former_names(_article_date(doc))
    out: list[LocationMention] = []
    for k, m in first.items():
        prov, dist, status, cands, unit = res.resolve(m, k)
        if prov is not None:
            prov = former.get(_k(prov), (prov, False))[0]
        elif m.level == "thành phố" and former.get(_k(m.name), ("", False))[1]:
            prov = former[_k(m.name)][0]  # "thành phố Huế" in 2023: a city of Thừa Thiên Huế
        fields = doc.provenance(m.start, m.end)
        succ = _successor(unit)
        # the validating constructor: with pydantic 2 it costs less than model_construct
        out.append(LocationMention(
            **fields, level=m.level, name=m.name, province=prov, district=dist,
            level_inferred=m.inferred, status=status, candidates=list(cands),
            code=unit.code if unit else None,
            unit_2025=(f"{succ.level} {succ.name}" if succ else None),
            province_2025=_province_2025(unit, succ),
        ))
    return out


_Status = Literal["exact", "inferred", "ambiguous", "unknown"]
# (province, district, status, candidates, gazetteer unit) of one entry
_Resolved = tuple[str | None, str | None, _Status, list[str], Unit | None]


class _Resolver:
    """:func:`_resolve` for one article's entries, memoised per (level, name) (a class, not
    closures: compiled, its methods are native calls)."""

    def __init__(self, mentions: list[_Mention],
                 parents: dict[tuple[str, str], tuple[str | None, str | None]],
                 provs: dict[str, str], dists: dict[str, str], g: Gazetteer) -> None:
        self.mentions = mentions
        self.parents = parents
        self.provs = provs
        self.dists = dists
        self.g = g
        self.dissolved = _Dissolved(dists, g)
        self.memo: dict[tuple[str, str], _Resolved] = {}

    def host(self, x: _Mention) -> _Mention | None:
        return _host(x, self.mentions)

    def resolve(self, m: _Mention, k: tuple[str, str] | None = None) -> _Resolved:
        if k is None:
            k = (m.group, _k(m.name))
        got = self.memo.get(k)
        if got is None:
            self.memo[k] = (None, None, "unknown", [], None)  # guards against cycles
            p, d = self.parents.get(k, (None, None))
            got = self.memo[k] = _resolve(m, p, d, self.provs, self.dists, self, self.g,
                                          self.dissolved)
        return got


def _start(m: _Mention) -> int:
    return m.start  # (a sort key; a lambda would be a nested function compiled)


def _article_date(doc: Document) -> str | None:
    """The day the article speaks from: its publication stamp, else its latest date value."""
    if doc.published:
        return doc.published[:10]
    vals = [v for d in doc.dates for v in (d.value or "").split("/") if v[:1].isdigit()]
    return max(vals) if vals else None


@cache
def _aliases() -> tuple[tuple[str, str, str, bool], ...]:
    """(former name, province key, until, city flag) of province_aliases.tsv, first per province."""
    out: dict[str, tuple[str, str, str, bool]] = {}
    for r in load_tsv("province_aliases.tsv"):
        if r["city"] not in ("yes", "no") or not regex.fullmatch(r"\d{4}-\d{2}-\d{2}", r["until"]):
            raise ResourceError(f"province_aliases.tsv: bad row {r}")
        out.setdefault(_k(r["province"]), (r["alias"], _k(r["province"]), r["until"],
                                           r["city"] == "yes"))
    return tuple(out.values())


def _former_names(day: str | None) -> dict[str, tuple[str, bool]]:
    """Province key → (the name in force on ``day``, whether "thành phố <key>" was then a city
    inside it), for provinces renamed after ``day``; empty when the day is unknown."""
    if day is None:
        return {}
    return {key: (alias, city) for alias, key, until, city in _aliases() if day < until}


def _text_parents(m: _Mention) -> tuple[str | None, str | None]:
    """(province, district) the text states right after the mention."""
    prov = dist = None
    p = m.parent
    while p is not None:
        if p.tier == "province" or (p.tier == "city" and any(u.tier == "province"
                                                            for u in p.units)):
            prov = prov or p.name
        elif p.tier in ("district", "city") and m.tier in ("commune", "village", "street"):
            dist = dist or p.name
        p = p.parent
    return prov, dist


def _host(m: _Mention, mentions: list[_Mention]) -> _Mention | None:
    """The commune or district a village sits in: the next higher unit the text names after
    it, else the nearest commune/district named before it in the same or previous sentence."""
    p = m.parent
    while p is not None:
        if p.tier not in ("village", "street"):
            return p
        p = p.parent
    best = None
    for x in mentions:
        if x.start >= m.start:
            break
        if x.tier in ("commune", "district", "city") and m.sentence - 1 <= x.sentence <= \
                m.sentence and not (x.tier == "city" and not any(
                    u.tier == "district" for u in x.units)):
            best = x
    return best


# tiers :func:`_resolve` narrows
_RESOLVABLE: Final = frozenset({"district", "commune", "commune_2025"})


def _resolve(m: _Mention, p: str | None, d: str | None, provs: dict[str, str], dists: dict[str, str],
             res: _Resolver, g: Gazetteer, dissolved: _Dissolved) -> _Resolved:
    """Parents, status, candidates and the chosen gazetteer unit of one entry."""
    is_province = m.tier == "province" or (m.tier == "city" and any(
        u.tier in ("province", "province_2025") for u in m.units))
    if is_province:
        unit = next((u for u in m.units if u.tier == "province"), None)
        return None, None, ("inferred" if m.inferred else "exact") if unit else "unknown", [], unit
    if m.tier in ("village", "street"):
        h = res.host(m)
        if h is not None:
            hp, hd, _, _, _ = res.resolve(h)
            if h.tier == "commune":
                p, d = p or hp, d or hd
            else:
                p, d = p or hp, d or h.name
        else:  # the article's only district / province, if it names just one
            if d is None and len(dists) == 1:
                d = next(iter(dists.values()))
                dp = {u.province_name for u in g.lookup(d, DISTRICT_LEVELS, current=False)}
                if p is None and len(dp) == 1:
                    p = _named(provs, next(iter(dp)))
            if p is None and len(provs) == 1:
                p = next(iter(provs.values()))
        return p, d, "unknown", [], None
    units = m.units
    if len(units) == 1:  # (most entries: the filters below keep it or fall back to it)
        if units[0].tier not in _RESOLVABLE:
            units = ()
    else:
        units = tuple(u for u in units if u.tier in _RESOLVABLE)
        if p:
            kp = _k(p)
            units = tuple(u for u in units if u.province and _k(u.province.name) == kp) or units
        if d and m.tier == "commune":
            kd = _k(d)
            units = tuple(u for u in units if u.district and _k(u.district.name) == kd) or units
    if not units:
        # not in the gazetteer: parents from the text, or from a same-name unit in a province
        # the article names ("thị xã Cửa Lò" → phường Cửa Lò, Nghệ An)
        if p is None and m.parent is not None and m.parent.tier in ("district", "city"):
            p = res.resolve(m.parent)[0]
        if p is None:
            same = {u.province.name for u in g.by_key.get(_k(m.name), ())
                    if u.province is not None}
            if len(same) == 1 and _k(next(iter(same))) in provs:
                p = next(iter(same))
        return p, d if m.tier == "commune" else None, "unknown", [], None
    narrowed = _narrow(units, provs, dists)
    if len(narrowed) == 1:
        u = narrowed[0]
        status: _Status = "exact" if len(units) == 1 or (p and (d or m.tier != "commune")) \
            else "inferred"
        if m.inferred:
            status = "inferred"
        prov = p or _named(provs, u.province_name)
        dist = (d or _named(dists, u.district_name)) if m.tier == "commune" else None
        if m.tier == "commune" and d is None and u.district is not None \
                and _k(u.district.name) not in dists:
            dist = dissolved(u) or dist
        return prov, dist, status, [], u
    # several: parents only when all candidates agree
    prov = p or _named(provs, _shared(narrowed, "province"))
    dist = (d or _named(dists, _shared(narrowed, "district"))) if m.tier == "commune" else None
    return prov, dist, "ambiguous", [u.label() for u in narrowed], None


class _Dissolved:
    """:func:`_dissolved_district` for one article: the district names it states that the
    gazetteer lacks are found once (the first time a commune asks), and the answer depends
    only on the commune's province."""

    def __init__(self, dists: dict[str, str], g: Gazetteer) -> None:
        self.dists, self.g = dists, g
        self.gone: list[tuple[str, frozenset[str]]] | None = None  # (name, its provinces)
        self.by_province: dict[Unit | None, str | None] = {}

    def __call__(self, u: Unit) -> str | None:
        prov = u.province
        if prov in self.by_province:
            return self.by_province[prov]
        if self.gone is None:
            self.gone = []
            for name in self.dists.values():
                is_district, where = _name_info(self.g, name)
                if not is_district:
                    self.gone.append((name, where))
        got = self.by_province[prov] = _dissolved_district(self.gone, prov) if self.gone \
            else None
        return got


def _dissolved_district(gone: list[tuple[str, frozenset[str]]], prov: Unit | None
                        ) -> str | None:
    """The one district the article names that the gazetteer no longer has (merged away before
    its snapshot: "thị xã Cửa Lò" joined thành phố Vinh in 2025). A commune whose gazetteer
    district the article never names was, at the time of writing, in that district — provided
    the name survives, if anywhere, in the commune's own province (phường Cửa Lò, Nghệ An).
    ``gone``: the district names of the article that no pre-2025 district has, with the
    provinces of any unit so named; ``prov``: the commune's province."""
    here = {prov.name} | {s.name for s, _ in prov.successors} if prov is not None else set()
    names = [name for name, where in gone if not where or where & here]
    return names[0] if len(names) == 1 else None


# name → (gazetteer, whether it is a pre-2025 district, provinces of any unit so named); the
# same few names are tested for every commune of an article, and a common name has many units
# to filter
_NAME_INFO: Final[dict[str, tuple[Gazetteer, bool, frozenset[str]]]] = {}


def _name_info(g: Gazetteer, name: str) -> tuple[bool, frozenset[str]]:
    """(a pre-2025 district is so named, provinces of any unit so named), memoised per name."""
    got = _NAME_INFO.get(name)
    if got is None or got[0] is not g:
        if len(_NAME_INFO) > 8192:  # bounded: names come from arbitrary text
            _NAME_INFO.clear()
        got = _NAME_INFO[name] = (g, bool(g.lookup(name, DISTRICT_LEVELS, current=False)),
                                  frozenset(x.province.name for x in g.lookup(name)
                                            if x.province is not None))
    return got[1], got[2]


def _named(names: dict[str, str], name: str | None) -> str | None:
    """A parent's name as the article writes it ("Thừa Thiên Huế"), else the gazetteer's."""
    return names.get(_k(name), name) if name else None


def _shared(units: tuple[Unit, ...], attr: str) -> str | None:
    names = {getattr(u, attr).name for u in units if getattr(u, attr) is not None}
    return next(iter(names)) if len(names) == 1 and all(getattr(u, attr) for u in units) else None


def _successor(unit: Unit | None) -> Unit | None:
    """The post-2025 commune of a pre-2025 commune (the default one when it was divided)."""
    if unit is None or unit.tier != "commune" or not unit.successors:
        return None
    return unit.successors[0][0]


def _province_2025(unit: Unit | None, succ: Unit | None) -> str | None:
    if succ is not None and succ.province is not None:
        return succ.province.name
    if unit is None:
        return None
    prov = unit if unit.tier == "province" else unit.province
    if prov is not None and prov.successors:
        return prov.successors[0][0].name
    if prov is not None and prov.current:
        return prov.name
    return None
