"""Officials: named people (not the byline) with honorific, rank and titles, mentions merged.

Vietnamese press names officials in a few fixed shapes, so rules over tokens work where the
CRF NER does not (it tags "đồng chí Đại tá Nguyễn Hữu Thiên" as LOC):

* anchor before the name: ``[honorific] [rank] Name`` ("đồng chí Đại tá Nguyễn Hữu Thiên");
* title before the name: ``Title [,] [honorific] [rank] Name`` ("Phó Chủ tịch UBND tỉnh
  Lê Trí Thanh", "Giám đốc Công an tỉnh, Thiếu tướng Nguyễn Văn A");
* a surname-led name followed by an apposition: ``Name, Title`` / ``Name - Title``.

A title phrase runs until punctuation that closes the apposition or a reporting verb
("tặng", "phát biểu", …); it is split on ",", "-", "–", "/" and "kiêm" where the next part
starts with a title word, and a part that is only an organisation stays attached.
Lexicons live in ``resources/`` (ranks, honorifics, surnames, title words, title stops).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import compress, count, repeat
from operator import contains
from typing import Callable, Container, Final, Iterable, NamedTuple

import regex

from ..pattern_cache import re_compile, regex_compile
from ..document import Document
from ..models import OfficialMention
from ..normalize import fold_tones, match_key
from ..patterns import (
    SPLIT_ONLY_SPACES,
    bmp_only,
    holds_split_only_space,
    longest_first,
    stdlib_class,
    word_trie,
)
from ..resources import ResourceError, load_tsv

# Tokens: "đ/c", words (letters, marks, digits, joined by & or '), or any single other char.
_TOKEN: Final = regex_compile(r"[đĐ]/[cC](?![\p{L}\p{N}])|[\p{L}\p{M}\p{N}]+(?:[&'’][\p{L}\p{M}\p{N}]+)*|\S")
_TOKEN_SPLIT: Final = regex_compile(f"({_TOKEN.pattern})")  # the same tokens, kept by split()
_NAME_SYL: Final = regex_compile(r"\p{Lu}(?:[\p{Ll}\p{M}]|['’]\p{L})*")  # "Nguyễn", "H'Yen"
_ABBR: Final = regex_compile(r"\p{Lu}{1,4}")  # "TP", "TX": a following "." does not end a phrase
_HARD_STOP: Final = frozenset(";:!?()[]{}“”\"«»…|")
_SEPARATORS: Final = frozenset({",", "-", "–", "—", "/"})
_MAX_TITLE_TOKENS: Final = 30
_UNIT_CODE: Final = regex_compile(r"\p{Lu}{1,6}\d{0,3}")  # "(PC06)", "(ANTT)": a bracketed unit code
_MAX_NAME: Final = 5
_OPEN_QUOTES: Final = {"“": "”", "\"": "\"", "«": "»"}
_CLOSE_QUOTE: Final = _OPEN_QUOTES
_MAX_QUOTED: Final = 16  # tokens of a quoted club/campaign name inside a title
# a unit code standing for a unit's name ("Trưởng phòng PC08", "Cục C08")
_CODE: Final = regex_compile(r"\p{Lu}{1,3}\d{2,3}")


@lru_cache(maxsize=8192)
def _key(s: str) -> str:
    """Matching key of lexicon entries and of text already tone-folded (doc.norm)."""
    return fold_tones(s).lower()


class _Toks:
    """A sentence's tokens as columns (one list per field), built by :func:`_tokens` in C loops;
    rules index the columns directly instead of reading a field of a per-token object."""

    __slots__ = ("texts", "keys", "nls", "parts", "offset", "_at", "_pos")

    def __init__(self, texts: list[str], keys: list[str], nls: list[bool],
                 parts: list[str], offset: int) -> None:
        self.texts = texts
        self.keys = keys  # tone-folded, casefolded
        self.nls = nls  # a line break separates the token from the previous one
        self.parts = parts  # [gap, token, …, gap] as split() gave them
        self.offset = offset  # of the text
        # a cursor into parts for pos(): pos(_at) == _pos
        self._at = 0
        self._pos = offset

    def pos(self, k: int) -> int:
        """``offset`` plus the length of ``parts[:k]``: token i spans pos(2i+1):pos(2i+2).
        Moved from the previous call's ``k`` (the spans a sentence asks for mostly ascend),
        by one join of the parts between, which sums their lengths in C without building a
        list of running sums (most tokens are never asked about)."""
        at = self._at
        if k >= at:
            self._pos += len("".join(self.parts[at:k]))
        else:
            self._pos -= len("".join(self.parts[k:at]))
        self._at = k
        return self._pos

    def __len__(self) -> int:
        return len(self.texts)


class _Lexicon:
    """Multi-word phrases matched on token keys, longest first."""

    def __init__(self, phrases: list[tuple[str, str]], *, case_sensitive: bool = False) -> None:
        self.case_sensitive = case_sensitive
        self.index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for phrase, value in phrases:
            ws = tuple(_TOKEN.findall(fold_tones(phrase) if case_sensitive else _key(phrase)))
            if not ws:
                raise ResourceError(f"empty lexicon phrase: {phrase!r}")
            self.index.setdefault(ws[0], []).append((ws, value))
        for v in self.index.values():
            v.sort(key=lambda e: -len(e[0]))
        # the same entries split by length: those of two or more words by their first two
        # words (only they can match where those two stand), the first one-word entry by its
        # word; in the index's longest-first order each
        self.longer: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = {}
        self.single: dict[str, tuple[int, str]] = {}
        for v in self.index.values():
            for ws, value in v:
                if len(ws) > 1:
                    self.longer.setdefault((ws[0], ws[1]), []).append((ws, value))
                else:
                    self.single.setdefault(ws[0], (1, value))

    def match(self, toks: _Toks, i: int) -> tuple[int, str] | None:
        """(number of tokens, value) of the longest phrase starting at token ``i``."""
        return self.match_words(toks.texts if self.case_sensitive else toks.keys, toks.nls, i)

    def match_words(self, words: list[str], nls: list[bool], i: int) -> tuple[int, str] | None:
        """:meth:`match` on the column ``words`` (texts or keys, as the lexicon compares)."""
        size = len(words)
        if i >= size:
            return None
        # the longest-first walk over index[words[i]], skipping the entries whose second word
        # is not words[i+1] (none of them matches): the longer entries with that second word,
        # then the first one-word entry
        if i + 1 < size and not nls[i + 1]:
            for ws, value in self.longer.get((words[i], words[i + 1]), ()):
                n = len(ws)
                if i + n > size:
                    continue
                for k in range(2, n):
                    if words[i + k] != ws[k] or nls[i + k]:
                        break
                else:
                    return n, value
        return self.single.get(words[i])


@dataclass(frozen=True)
class _Lex:
    ranks: _Lexicon
    honorifics: _Lexicon
    titles: _Lexicon
    prefixes: _Lexicon
    orgs: _Lexicon
    levels: _Lexicon
    owners: _Lexicon
    stops: _Lexicon
    end_stops: _Lexicon  # verbs that end a title only when nothing follows them ("phụ trách;")
    surnames: frozenset[str]
    capital_surnames: frozenset[str]
    # _may_name's first test on plain text in one scan: a capital surname standing where
    # _Std.pairs takes a word (see _surname_pair_pattern)
    surname_pair_re: re.Pattern[str]
    anchor_words: frozenset[str]  # one-word honorifics ("ông", "đ/c")
    abbreviations: tuple[regex.Pattern[str], dict[str, str]]
    cues_before: _Lexicon  # role nouns before a bare name ("bị cáo", "tài xế")
    cues_after: _Lexicon  # openers of a person-only apposition ("(SN 1991", "(45 tuổi")
    # _may_name's tests as scans in C: any multi-word honorific or rank ("đồng chí", "đại tá")
    # as a substring (literals, so the stdlib engine is exact), and a necessary condition of an
    # anchor word standing alone (whitespace and _EDGE_PUNCT are never \w, so a word that
    # strips to it has no \w around it)
    # anchor_re: both tests in one scan, the phrases tried first at each position (a phrase
    # holds a space, a word none); a prefix tree per first letter (see _anchor_pattern), every
    # branch opening with a literal letter, so that the scan skips to first letters
    phrase_re: re.Pattern[str]
    anchor_re: re.Pattern[str]
    # first words of honorifics, ranks, titles and prefixes, and surnames: the tokens where
    # mentions() tries a rule
    starts: frozenset[str]
    title_heads: frozenset[str]  # first words of prefixes and titles: where a title can start
    anchor_heads: frozenset[str]  # first words of honorifics and ranks
    # keys of the word tokens where _Sentence.stop_at may be true (the first words of stops,
    # lower-cased, of honorifics and of ranks, and "và"): at any other word token on the same
    # line it is false, so the title walks skip the call
    stop_keys: frozenset[str]
    # title heads where a one-token look-up settles title_at: a key in neither (no prefix,
    # no one-word title) starts a title only as the first two words of a longer one
    title_solo: frozenset[str]


@cache
def _lex() -> _Lex:
    """Load and validate the officials lexicons once."""
    ranks = [(r["rank"], r["rank"]) for r in load_tsv("ranks.tsv")]
    hons = [(r["form"], r["honorific"]) for r in load_tsv("honorifics.tsv")]
    for _, h in hons:
        if h not in {"đồng chí", "ông", "bà", ""}:
            raise ResourceError(f"honorifics.tsv: unknown canonical honorific {h!r}")
    by_kind: dict[str, list[tuple[str, str]]] = {"title": [], "prefix": [], "org": [], "level": [],
                                                "owner": []}
    for r in load_tsv("title_words.tsv"):
        if r["kind"] not in by_kind:
            raise ResourceError(f"title_words.tsv: unknown kind {r['kind']!r}")
        by_kind[r["kind"]].append((r["word"], r["word"]))
    stop_rows = load_tsv("title_stops.tsv")
    for r in stop_rows:
        if r["word"] != r["word"].lower():
            raise ResourceError(f"title_stops.tsv: stop words are lower case: {r['word']!r}")
        if r["where"] not in ("any", "end"):
            raise ResourceError(f"title_stops.tsv: where is any|end: {r}")
    stops = [(r["word"], r["word"]) for r in stop_rows if r["where"] == "any"]
    end_stops = [(r["word"], r["word"]) for r in stop_rows if r["where"] == "end"]
    surnames = frozenset(_key(r["surname"]) for r in load_tsv("surnames.tsv"))
    if any(" " in s for s in surnames):
        raise ResourceError("surnames.tsv: one syllable per family name")
    full = {r["abbr"]: r["full"] for r in load_tsv("abbreviations.tsv")}
    alts = "|".join(regex.escape(a) for a in longest_first(full))
    abbr = (regex_compile(rf"(?<![\p{{L}}\p{{N}}])({alts})\.?(?![\p{{L}}\p{{N}}])"), full)
    firsts = frozenset(k for lx in (ranks, hons, by_kind["title"], by_kind["prefix"])
                       for w, _ in lx for k in [_key(w).split()[0]])
    capital = frozenset(fold_tones(r["surname"]) for r in load_tsv("surnames.tsv"))
    cues: dict[str, list[tuple[str, str]]] = {"before": [], "after": []}
    for r in load_tsv("person_cues.tsv"):
        if r["kind"] not in cues:
            raise ResourceError(f"person_cues.tsv: unknown kind {r['kind']!r}")
        cues[r["kind"]].append((r["word"], r["word"]))
    anchors = {_key(w) for w, _ in ranks + hons}
    anchor_words = frozenset(a for a in anchors if " " not in a)
    anchor_phrases = tuple(sorted(a for a in anchors if " " in a))
    phrases = [re.escape(a) for a in anchor_phrases]
    titles, prefixes = _Lexicon(by_kind["title"]), _Lexicon(by_kind["prefix"])
    rank_lx, hon_lx = _Lexicon(ranks), _Lexicon(hons)
    stop_lx = _Lexicon(stops, case_sensitive=True)
    return _Lex(
        ranks=rank_lx, honorifics=hon_lx, titles=titles, prefixes=prefixes,
        orgs=_Lexicon(by_kind["org"]), levels=_Lexicon(by_kind["level"]),
        owners=_Lexicon(by_kind["owner"]), stops=stop_lx,
        end_stops=_Lexicon(end_stops, case_sensitive=True), surnames=surnames,
        capital_surnames=capital, surname_pair_re=re_compile(_surname_pair_pattern(capital)),
        anchor_words=anchor_words, abbreviations=abbr,
        cues_before=_Lexicon(cues["before"]), cues_after=_Lexicon(cues["after"]),
        phrase_re=re_compile("|".join(phrases) or "(?!)"),  # none: no match
        anchor_re=re_compile(_anchor_pattern(anchor_phrases, anchor_words)),
        starts=firsts | surnames, title_heads=frozenset(prefixes.index) | frozenset(titles.index),
        anchor_heads=frozenset(hon_lx.index) | frozenset(rank_lx.index),
        stop_keys=frozenset(w.lower() for w in stop_lx.index) | frozenset(hon_lx.index)
        | frozenset(rank_lx.index) | {"và"},
        title_solo=frozenset(prefixes.index) | frozenset(titles.single))


def _anchor_pattern(phrases: Iterable[str], words: Iterable[str]) -> str:
    """Any anchor phrase, or anchor word standing alone (no \\w either side), with a phrase
    preferred where both match at one position: per first letter ``c``,
    "c(?:PHRASE_TREE|(?<!\\w.)WORD_TREE)", the rest of the phrases then of the words after
    ``c`` ("(?<!\\w.)" after the first letter is "(?<!\\w)" before it). The positions that
    match are those of the plain alternation "PHRASES|WORDS", and a phrase is what it takes
    at any of them where a phrase matches, as the plain alternation (phrases first) does."""
    by_first: dict[str, tuple[list[str], list[str]]] = {}
    for i, ws in enumerate((phrases, words)):
        for w in ws:
            by_first.setdefault(w[0], ([], []))[i].append(w[1:])
    alts = []
    for c, (ps, ws) in sorted(by_first.items()):
        branches = ([word_trie(ps, space=" ")] if ps else []) + (
            [r"(?<!\w.)" + word_trie(ws, end=r"(?!\w)", space=" ")] if ws else [])
        alts.append(re.escape(c) + "(?:" + "|".join(branches) + ")")
    return "|".join(alts) or "(?!)"


def _surname_pair_pattern(capitals: Iterable[str]) -> str:
    """A search that finds a match exactly where ``_std().pairs.findall`` gives a word of
    ``capitals``: a pairs match is a whole run "Lu[Ll M]*" with no letter or mark before it and
    " Lu" after it, so it is such a word exactly when that word, spelt out, stands there (words
    of another shape are never taken). Per first letter ``c``, "c(?<!LM.)REST_TREE(?= Lu)":
    every branch opens with a literal, so that the scan skips to those capitals, and stops at
    the first hit where findall would list every pair."""
    cls = stdlib_class
    lu, llm, lm = cls(r"\p{Lu}"), cls(r"[\p{Ll}\p{M}]"), cls(r"[\p{L}\p{M}]")
    shape = re_compile(f"{lu}{llm}*")
    by_first: dict[str, list[str]] = {}
    for w in sorted(capitals):
        if shape.fullmatch(w):
            by_first.setdefault(w[0], []).append(w[1:])
    return "|".join(re.escape(c) + f"(?<!{lm}.)" + word_trie(rest, end=f"(?= {lu})", space=" ")
                    for c, rest in sorted(by_first.items())) or "(?!)"


_EDGE_PUNCT: Final = ",.;:!?()[]{}\"'“”‘’«»…-–—"
_CAPITAL_PAIR: Final = regex_compile(r"(?<![\p{L}\p{M}])(\p{Lu}[\p{Ll}\p{M}]*)(?= \p{Lu})")


def _may_name(text: str, plain: bool | None = None, lx: _Lex | None = None,
              std: _Std | None = None) -> bool:
    """Cheap test: every mention has an honorific or rank, or a name of two or more capitalised
    syllables led by a family name; other sentences are not tokenized. ``plain``: as in
    :func:`_tokens`; ``lx``, ``std``: :func:`_lex()`, :func:`_std()` when the caller has them
    (one cached call per document instead of per sentence)."""
    if lx is None:
        lx = _lex()
    if std is None:
        std = _std()
    if plain is None:
        plain = std.odd.search(text) is None
    if plain:
        if lx.surname_pair_re.search(text) is not None:  # as any pair in capital_surnames
            return True
    elif not lx.capital_surnames.isdisjoint([m.group(1) for m in _CAPITAL_PAIR.finditer(text)]):
        return True
    low = text.lower()
    m = lx.anchor_re.search(low)  # the first anchor phrase or word
    if m is None:
        return False
    if " " in m.group():  # a phrase: a loose test is enough here
        return True
    # a word first: no phrase starts at or before it, but one may follow
    return lx.phrase_re.search(low, m.start() + 1) is not None or any(
        w.strip(_EDGE_PUNCT) in lx.anchor_words for w in low.split())


@lru_cache(maxsize=16384)
def _is_name_syl(text: str) -> bool:
    """Is the token ``text`` a capitalised name syllable? Per distinct syllable (they repeat
    across sentences and documents, and most are probed more than once)."""
    return text[0].isalnum() and _NAME_SYL.fullmatch(text) is not None


class _Std(NamedTuple):
    """Patterns of the regex module recast for the stdlib engine, which scans faster."""

    split: re.Pattern[str]  # _TOKEN_SPLIT
    pairs: re.Pattern[str]  # _CAPITAL_PAIR's group, the look-behind moved after the capital
    odd: re.Pattern[str]  # a character on which the two may differ


@cache
def _std() -> _Std:
    """The stdlib patterns: their letter classes list the BMP characters that ``\\p{L}``,
    ``\\p{Lu}``, … take by the regex module's own tables; a text holding an astral character,
    or one that only one engine counts as whitespace, keeps to the regex module's patterns."""
    cls = stdlib_class
    lmn, ln, lm = cls(r"[\p{L}\p{M}\p{N}]"), cls(r"[\p{L}\p{N}]"), cls(r"[\p{L}\p{M}]")
    lu, llm = cls(r"\p{Lu}"), cls(r"[\p{Ll}\p{M}]")
    odd = "".join(map(re.escape, sorted(SPLIT_ONLY_SPACES)))
    return _Std(
        # "W+(?:[&'’]W+)*" as "W++(?:[&'’]W++(?:[&'’]W++)*+|)": the same tokens (a token ends the
        # match, so backtracking never changes it: possessive; "X*" is "X(?:X)*|"), but most
        # words have no joiner, and a branch that opens with a character class fails on that
        # one test, where the repeat would be entered for each word (~20 % of the split's cost).
        # Every token opens with a \S (letters, marks, digits and đ are no space), so the
        # three branches "[đĐ]/[cC]…|W++…|\S" stand after one leading \S, in the same order,
        # each checking that first character by a look-behind ("/" first: it fails at once on
        # most words): the pattern then opens with a class, which lets the search skip over
        # the gaps instead of trying the three branches at each space (~7 % of the split)
        split=re_compile(f"(\\S(?:/[cC](?<=[đĐ]/[cC])(?!{ln})|(?<={lmn}){lmn}*+"
                         f"(?:[&'’]{lmn}++(?:[&'’]{lmn}++)*+|)|))"),
        # "(?<!LM)Lu" as "Lu(?<!LM.)" (the capital is no line break), so that the scan can
        # skip to capitals
        pairs=re_compile(f"{lu}(?<!{lm}.){llm}*(?= {lu})"),
        odd=re_compile(f"[{odd}\\U00010000-\\U0010ffff]"))


def _plain(text: str) -> bool:
    """``_std().odd.search(text) is None``, as a few substring tests and one encoding (a C
    loop each) instead of a character-class scan."""
    return not holds_split_only_space(text) and bmp_only(text)


def _tokens(text: str, offset: int, plain: bool | None = None, std: _Std | None = None) -> _Toks:
    """Tokens of ``text`` (which starts at ``offset``), built column-wise: ``split`` with the
    token pattern as a group yields gaps and tokens alternately (the gaps are whitespace, as
    ``_TOKEN`` takes every other character), so the spans are running sums of the lengths.
    ``plain``: the text has no character of ``_std().odd`` (None: not known yet); ``std``:
    :func:`_std()`, if the caller has it."""
    if std is None:
        std = _std()
    if plain is None:
        plain = std.odd.search(text) is None
    parts = (std.split if plain else _TOKEN_SPLIT).split(text)  # [gap, token, …, gap]
    texts = parts[1::2]
    nls = (list(map(contains, parts[:-1:2], repeat("\n"))) if "\n" in text
           else [False] * len(texts))
    return _Toks(texts, list(map(_LOWER.__getitem__, texts)), nls, parts, offset)


class _LowerMemo(dict[str, str]):
    """``str.lower`` of token texts, memoised: a few thousand syllables make up nearly all the
    tokens, and a hit (one dict look-up in C, whose key then carries its hash into the later
    set look-ups) is cheaper than lowering a non-ASCII string. Bounded: emptied when full."""

    __slots__ = ()

    def __missing__(self, text: str) -> str:
        if len(self) >= _LOWER_MAX:
            self.clear()
        key = self[text] = text.lower()
        return key


_LOWER_MAX: Final = 16384
_LOWER: Final = _LowerMemo()


class _Places:
    """The keys of a document's location names, built on the first look-up: only a title
    followed by a capitalised run asks (most documents never do)."""

    __slots__ = ("doc", "keys")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.keys: frozenset[str] | None = None

    def __contains__(self, key: object) -> bool:
        if self.keys is None:
            self.keys = frozenset(_key(loc.name) for loc in self.doc.locations if loc.name)
        return key in self.keys


@dataclass
class _Mention:
    name: str
    start: int
    end: int
    honorific: str | None = None
    rank: str | None = None
    titles: list[tuple[int, int]] = field(default_factory=list)
    anchored: bool = True  # False: a bare name, only merged into a known person


class _Sentence:
    """Token-level rules over one sentence (its tokens as the columns of :class:`_Toks`)."""

    def __init__(self, toks: _Toks, places: Container[str], known: set[str],
                 lx: _Lex | None = None) -> None:
        self.toks = toks
        self.tx = toks.texts
        self.k = toks.keys
        self.nl = toks.nls
        self.n = len(toks.texts)
        self.lx = _lex() if lx is None else lx
        self.places = places
        self.known = known  # name keys of the people met so far in the document
        # per-token memo of the lexicon look-ups: phrases are re-walked from nearby anchors
        self._title: dict[int, int] = {}
        self._hon: dict[int, tuple[int, str] | None] = {}
        self._rank: dict[int, tuple[int, str] | None] = {}
        # first words of the lexicons probed at most tokens: a token that is none of them is
        # answered without a call to _Lexicon.match (which would find no entry either)
        lx = self.lx
        self._title_heads = lx.title_heads
        self._prefix_first = lx.prefixes.index
        self._titles_first = lx.titles.index
        self._hon_first = lx.honorifics.index
        self._rank_first = lx.ranks.index
        self._stop_first = lx.stops.index
        self._stop_keys = lx.stop_keys
        self._title_solo = lx.title_solo
        self._title_pairs = lx.titles.longer

    def word(self, i: int) -> bool:
        """Is token ``i`` a word (not punctuation)?"""
        return self.tx[i][0].isalnum()

    # -- small predicates --------------------------------------------------------------
    def is_name_syl(self, i: int) -> bool:
        return i < self.n and _is_name_syl(self.tx[i])

    def title_at(self, i: int) -> int:
        """Tokens of a title word (with its prefixes: "Phó", "nguyên") starting at ``i``."""
        k = self.k
        if i >= self.n:
            return 0
        key = k[i]
        if key not in self._title_heads:
            return 0
        if key not in self._title_solo and (
                i + 1 >= self.n or self.nl[i + 1] or (key, k[i + 1]) not in self._title_pairs):
            return 0  # no prefix or one-word title, and no longer title starts with this pair
        v = self._title.get(i)
        if v is None:
            v = self._title[i] = self._title_at(i)
        return v

    def _title_at(self, i: int) -> int:
        k = self.k
        nl = self.nl
        n = self.n
        j = i
        for _ in range(3):  # "Phó", "nguyên Phó", …
            if j >= n or k[j] not in self._prefix_first:
                break
            p = self.lx.prefixes.match_words(k, nl, j)
            if not p or j + p[0] >= n or nl[j + p[0]]:
                break
            j += p[0]
        if j >= n or k[j] not in self._titles_first:
            return 0
        m = self.lx.titles.match_words(k, nl, j)
        return (j - i + m[0]) if m else 0

    def honorific_at(self, i: int) -> tuple[int, str] | None:
        if i >= self.n or self.k[i] not in self._hon_first:
            return None
        if i not in self._hon:
            self._hon[i] = self.lx.honorifics.match_words(self.k, self.nl, i)
        return self._hon[i]

    def rank_at(self, i: int) -> tuple[int, str] | None:
        if i >= self.n or self.k[i] not in self._rank_first:
            return None
        if i not in self._rank:
            self._rank[i] = self.lx.ranks.match_words(self.k, self.nl, i)
        return self._rank[i]

    def name_run(self, i: int) -> int:
        """Length of the capitalised syllable run at ``i``, cut before title/rank words."""
        tx, keys, nl = self.tx, self.k, self.nl
        size = self.n
        heads, rank_first = self._title_heads, self._rank_first
        n = 0
        x = i
        # is_name_syl, title_at and rank_at inline; the two look-ups only at their first words
        while x < size and _is_name_syl(tx[x]) and (n == 0 or not nl[x]):
            key = keys[x]
            if (key in heads and self.title_at(x)) or (key in rank_first and self.rank_at(x)):
                break
            n += 1
            x += 1
            if n > 8:
                break
        return n

    def stop_at(self, i: int) -> bool:
        """Does a title phrase end before token ``i``?"""
        if self.nl[i]:
            return True
        text = self.tx[i]
        if not text[0].isalnum():
            if text in _HARD_STOP:
                return True
            if text == "." and not (i > 0 and _ABBR.fullmatch(self.tx[i - 1])
                                    and i + 1 < self.n and self.word(i + 1)):
                return True
            return False
        st = self.lx.stops.match_words(self.tx, self.nl, i) if text in self._stop_first else None
        if st and self.title_at(i) <= st[0]:
            return True  # a longer title word wins: "Trưởng Đoàn đại biểu Quốc hội tỉnh"
        if self.k[i] == "và" and not (i + 1 < self.n and self.tx[i + 1][:1].isupper()
                                      and not self.honorific_at(i + 1)
                                      and not self.rank_at(i + 1)):
            return True  # "… Thương binh và Xã hội" goes on; "… và các đại biểu" does not
        h = self.honorific_at(i)
        if h and (text[0].islower() or self.person_after(i + h[0])):
            return True
        return bool(self.rank_at(i) and self.person_after(i + self.rank_at(i)[0]))  # type: ignore[index]

    def person_after(self, i: int) -> bool:
        """An (optional rank then) name starts at ``i``."""
        r = self.rank_at(i)
        if r:
            i += r[0]
        return self.name_run(i) >= 2 or (r is not None and self.name_run(i) >= 1)

    # -- titles ---------------------------------------------------------------------------
    def title_phrase(self, i: int) -> tuple[list[tuple[int, int]], int]:
        """Titles (token index spans) of the phrase starting with a title word at ``i``."""
        tx = self.tx
        size = self.n
        parts: list[tuple[int, int]] = []
        cur = i
        j = i + max(self.title_at(i), 1)
        limit = min(size, i + _MAX_TITLE_TOKENS)
        plain: int | None = None  # comma before a plain noun part, kept only if it ends cleanly
        while True:
            if j >= limit:
                if j < size and plain is not None:
                    j = plain
                break
            text = tx[j]
            if text == "(" and j + 2 < size and tx[j + 2] == ")" \
                    and _UNIT_CODE.fullmatch(tx[j + 1]):
                j += 3  # "Trưởng phòng Cảnh sát … (PC06)": the unit's code is part of the title
                continue
            if text in _OPEN_QUOTES and j > cur and self.word(j - 1):
                close = self.quote_end(j)
                if close is not None:
                    j = close + 1  # "Chủ nhiệm Câu lạc bộ “Phụ nữ với pháp luật” phường X"
                    continue
            if text in _SEPARATORS or self.k[j] == "kiêm":
                nxt = j + 1
                if nxt >= size or self.nl[nxt]:
                    break
                if self.title_at(nxt):
                    parts.append((cur, j))
                    cur, plain = nxt, None
                    limit = min(size, cur + _MAX_TITLE_TOKENS)  # each title its own bound
                    j = nxt + self.title_at(nxt)
                    continue
                if text == ",":
                    kind = self.comma_part(nxt)
                    if plain is not None and self.names_org(plain + 1, j):
                        plain = None  # "Trưởng Tiểu ban An ninh, trật tự của Ủy ban bầu cử tỉnh"
                    if kind == "end":
                        break  # "…, Chủ trì Hội nghị", "…, từ hình ảnh…": not part of the title
                    if kind == "plain" and plain is None:
                        plain = j
                j = nxt
                continue
            # stop_at is false at a word token on the line whose key is no stop_keys
            if (self.nl[j] or not text[0].isalnum() or self.k[j] in self._stop_keys) \
                    and self.stop_at(j):
                if plain is not None and text[0].isalnum():
                    j = plain  # "…, mô hình được xây dựng…": the clause, not the title
                break
            j += 1
        parts.append((cur, self.trim_end(cur, j)))
        return [(a, b) for a, b in parts if b > a], j

    def quote_end(self, i: int) -> int | None:
        """Index of the quote closing the one at ``i`` when a short quoted name follows on the
        same line with no clause punctuation inside; None otherwise."""
        tx = self.tx
        want = _CLOSE_QUOTE[tx[i]]
        for k in range(i + 1, min(self.n, i + _MAX_QUOTED)):
            text = tx[k]
            if self.nl[k] or (not text[0].isalnum() and text in _HARD_STOP and text != want):
                return None
            if text == want:
                return k if k > i + 1 else None
        return None

    def trim_end(self, a: int, b: int) -> int:
        """End of the title ``[a, b)`` without a trailing verb that has no object ("…, Trưởng
        thôn X phụ trách;" — but "Phó Trưởng Công an huyện phụ trách an ninh" keeps it)."""
        if b < self.n and self.word(b):
            return b
        end_stops = self.lx.end_stops
        for k in range(max(a + 1, b - 3), b):
            if self.tx[k] not in end_stops.index:
                continue  # no entry starts with this token: match_words finds none
            m = end_stops.match_words(self.tx, self.nl, k)
            if m and k + m[0] == b:
                return k
        return b

    def names_org(self, a: int, b: int) -> bool:
        """Whether tokens ``[a, b)`` name an organisation (a capitalised org word): a plain
        comma part that does is a qualifier of the title, not the start of a clause."""
        return any(self.tx[k][:1].isupper() and self.lx.orgs.match_words(self.k, self.nl, k)
                   for k in range(a, b))

    def comma_part(self, i: int) -> str:
        """What follows a comma inside a title phrase: "org" (an organisation or place part,
        "…, Bộ Công an", "…, xã Nhơn Ái": stays attached), "plain" (a noun phrase, "…, mốc
        quốc giới ấp X": attached if the apposition ends there) or "end" (the title is over)."""
        text = self.tx[i]
        if not text[0].isalnum() or text[0].isdigit():
            return "end"
        if self.lx.orgs.match_words(self.k, self.nl, i) or self.lx.levels.match_words(
                self.k, self.nl, i):
            return "org"
        # the stops compare texts: this one lower-cased, at most three more tokens after it
        if self.lx.stops.match_words([text.lower(), *self.tx[i + 1:i + 4]], self.nl[i:i + 4], 0):
            return "end"  # "Chủ trì Hội nghị", "cho biết"
        if self.honorific_at(i) or self.rank_at(i):
            return "end"
        if self.is_name_syl(i) and self.k[i] in self.lx.surnames and self.name_run(i) >= 2:
            return "end"
        return "plain"

    # -- names ----------------------------------------------------------------------------
    def split_name(self, i: int, n: int, after_level: bool) -> int | None:
        """Where the person's name starts inside the capitalised run ``[i, i+n)`` that follows
        a title (a place may come first: "huyện Hương Khê Ngô Xuân Ninh"); None if no name."""
        run = self.k[i:i + n]
        start = 0
        for ln in range(n - 2, 0, -1):  # a known place name at the start of the run
            if " ".join(run[:ln]) in self.places:
                start = ln
                break
        if start == 0 and " ".join(run) in self.places:
            return None
        if after_level and n - start <= 2 and start == 0:
            return None  # "huyện Lâm Bình": a place, not a person
        cands = [k for k in range(start, n - 1) if run[k] in self.lx.surnames and n - k <= 4]
        for k in cands:  # a person already met: "… TX Vĩnh Châu Trần Minh Triết"
            if " ".join(run[k:]) in self.known:
                return i + k
        # a one-syllable place part is unlikely ("Vĩnh | Châu Trần Minh Triết")
        cands.sort(key=lambda k: (k - start == 1, k))
        return i + cands[0] if cands else None

    def mentions(self) -> list[_Mention]:
        out: list[_Mention] = []
        keys = self.k
        lx = self.lx
        # each rule gives up at once on a token that is not its first word, _title_first on
        # one where no title starts and _bare on one that is no name syllable: skip the call
        anchor_heads, title_heads, surnames = lx.anchor_heads, lx.title_heads, lx.surnames
        tx = self.tx
        i = 0
        # others start nothing
        for k in compress(count(), map(lx.starts.__contains__, keys)):
            if k < i:
                continue  # inside the mention just read
            key = keys[k]
            nxt = self._anchored(k, out) if key in anchor_heads else None
            if not nxt and key in title_heads and self.title_at(k):
                nxt = self._title_first(k, out)
            if not nxt and key in surnames and _is_name_syl(tx[k]):
                nxt = self._bare(k, out)
            i = nxt if nxt and nxt > k else k + 1
        return out

    def _finish(self, out: list[_Mention], name_i: int, name_n: int, hon: str | None,
                rank: str | None, titles: list[tuple[int, int]], anchored: bool = True) -> int:
        """Record a mention, read the titles after the name; return the next token index."""
        tx = self.tx
        size = self.n
        j = name_i + name_n
        k = j
        if k < size and tx[k] in {",", "-", "–", "—", "("} \
                and not (k + 1 < size and self.nl[k + 1]):
            k += 1
        if k > j and tx[k - 1] == "," and k < size and not self.title_at(k):
            k = self.skip_apposition(k)  # "ông X, 72 tuổi, trưởng tộc họ …"
        if k < size and not self.nl[k] and self.title_at(k):
            spans, j = self.title_phrase(k)
            titles = titles + spans
            anchored = True
        name = " ".join(tx[name_i:name_i + name_n])
        if anchored and name_n >= 2:
            self.known.add(name.lower())  # doc.norm is tone-folded already
        toks = self.toks  # token x spans pos(2x+1):pos(2x+2); pos() called on toks: a native call
        out.append(_Mention(name, toks.pos(2 * name_i + 1), toks.pos(2 * (name_i + name_n)), hon,
                            rank, [(toks.pos(2 * a + 1), toks.pos(2 * b_)) for a, b_ in titles],
                            anchored))
        return j

    def skip_apposition(self, k: int) -> int:
        """Past a short non-title apposition ("72 tuổi", "chủ tàu CM-91234-TS") to a title
        right after it; ``k`` itself when there is none."""
        tx = self.tx
        if not (tx[k][:1].islower() or tx[k][:1].isdigit()):
            return k
        for x in range(k, min(self.n - 1, k + 8)):
            text = tx[x]
            if self.nl[x] or text in _HARD_STOP or (text[0].isalnum() and self.stop_at(x)):
                return k
            if text == ",":
                return x + 1 if self.title_at(x + 1) else k
        return k

    def _hon_rank(self, i: int) -> tuple[int, str | None, str | None]:
        hon = rank = None
        h = self.honorific_at(i)
        if h:
            hon, i = h[1] or None, i + h[0]
        r = self.rank_at(i)
        if r:
            rank, i = r[1], i + r[0]
        return i, hon, rank

    def _anchored(self, i: int, out: list[_Mention]) -> int | None:
        """``[honorific] [rank] Name`` (at least one of the two), or ``honorific Title Name``."""
        j, hon, rank = self._hon_rank(i)
        if j == i:
            return None
        n = min(self.name_run(j), _MAX_NAME + 1)
        if 1 <= n <= _MAX_NAME:
            return self._finish(out, j, n, hon, rank, [])
        if self.title_at(j):
            return self._title_first(j, out, hon, rank)
        return None

    def _title_first(self, i: int, out: list[_Mention], hon: str | None = None,
                     rank: str | None = None) -> int | None:
        """``Title [,] [honorific] [rank] Name``: the title stands before the name."""
        if not self.title_at(i):
            return None
        tx, nl, keys = self.tx, self.nl, self.k
        size = self.n
        levels = self.lx.levels
        j = i + self.title_at(i)
        limit = min(size, i + _MAX_TITLE_TOKENS)
        anchor_heads = self.lx.anchor_heads
        while j < limit:
            if nl[j]:
                return None
            text = tx[j]
            k = j + 1 if text == "," else j
            # _hon_rank moves only from the first word of an honorific or a rank
            k2, h2, r2 = self._hon_rank(k) if k < size and keys[k] in anchor_heads \
                else (k, None, None)
            if k2 > k:
                n = self.name_run(k2)
                owned = k > j and i > 0 and self.lx.owners.match_words(keys, nl, i - 1) is not None
                if (n >= 2 or (n == 1 and r2)) and n <= _MAX_NAME and j > i and not owned:
                    return self._finish(out, k2, n, h2 or hon, r2 or rank, [(i, j)])
                if k > j or not _is_name_syl(text):
                    return None
                # a capitalised "Bà" of a place name ("tỉnh Bà Rịa - Vũng Tàu"): walk on
            if text == ",":
                return None
            if _is_name_syl(text):  # is_name_syl(j): j < limit <= size
                n = self.name_run(j)
                prev = j - 1
                after_level = bool(levels.match_words(keys, nl, prev)) or (
                    prev > i and levels.match_words(keys, nl, prev - 1) is not None
                    and levels.match_words(keys, nl, prev - 1)[0] == 2)  # type: ignore[index]
                s = self.split_name(j, n, after_level)
                if s is not None:
                    end_ok = j + n >= size or not self.word(j + n) or tx[j + n][0].islower()
                    if end_ok:
                        return self._finish(out, s, j + n - s, hon, rank, [(i, s)])
                j += max(n, 1)
                continue
            if (not text[0].isalnum() or keys[j] in self._stop_keys) and self.stop_at(j) \
                    and text not in {"-", "–"}:  # stop_at as in title_phrase (nl[j] is false)
                return None
            j += 1
        return None

    def _bare(self, i: int, out: list[_Mention]) -> int | None:
        """A surname-led name: a person if a title follows, else only a reference."""
        if not self.is_name_syl(i) or self.k[i] not in self.lx.surnames:
            return None
        if i > 0 and self.is_name_syl(i - 1) and not self.nl[i]:
            return None  # inside a longer capitalised run
        n = self.name_run(i)
        if not 2 <= n <= 4:
            return None
        return self._finish(out, i, n, None, None, [], anchored=self.cued(i, n))

    def cued(self, i: int, n: int) -> bool:
        """A bare name ``[i, i+n)`` is a person's when a role noun stands right before it
        ("bị cáo Dương Văn Lực") or a birth year or age opens a bracket after it ("Trần Minh
        Khang (SN 1991, …)", "Đỗ Hữu Tài (29 tuổi)"); not a name cut to an initial ("Giàng A P.")."""
        tx, keys, nl = self.tx, self.k, self.nl
        size = self.n
        last = tx[i + n - 1]
        if len(last) == 1 and i + n < size and tx[i + n] == ".":
            return False
        before = self.lx.cues_before
        for ln in (1, 2, 3):
            # match_words finds nothing at a token that starts no entry
            if i - ln >= 0 and not nl[i] and keys[i - ln] in before.index:
                m = before.match_words(keys, nl, i - ln)
                if m and m[0] == ln:
                    return True
        k = i + n
        if k + 1 < size and tx[k] == "(":
            m = self.lx.cues_after.match_words(keys, nl, k + 1)
            if m and keys[k + 1] != "tuổi":
                return True
            if tx[k + 1].isdigit() and k + 2 < size and keys[k + 2] == "tuổi":
                return True
        return False


@lru_cache(maxsize=8192)
def _title_key(text: str) -> str:
    """Comparison key of a title, abbreviations expanded ("HĐND" = "Hội đồng nhân dân")."""
    pat, full = _lex().abbreviations
    return match_key(pat.sub(lambda m: full[m.group(1)], text))


@dataclass
class _Person:
    key: str
    first: _Mention
    honorific: str | None = None
    rank: str | None = None
    titles: list[str] = field(default_factory=list)
    mentions: int = 0


def _merge_titles(titles: list[str]) -> list[str]:
    """Distinct titles in first-seen order, each in its longest written form, dropping any that
    is a shorter form of another ("Bí thư Huyện ủy" < "Bí thư Huyện ủy Hàm Thuận Nam",
    "Chủ tịch HĐND huyện" = "Chủ tịch Hội đồng nhân dân huyện"; CONVENTIONS.md)."""
    if len(titles) < 2:  # most people: nothing to merge (the rule below keeps a lone title)
        # whose key is not empty: a title that starts with a letter or digit has one (each
        # step of the key keeps a letter or digit), so only other titles need their key
        return [t for t in titles if t[:1].isalnum() or _title_key(t)]
    best: dict[str, str] = {}
    for t in titles:
        k = _title_key(t)
        if k and len(t) > len(best.get(k, "")):
            best[k] = t
    keys = sorted(best)
    # keys extending k ("k …") sort right after k, so only the next key needs a look
    shorter = {k for k, nxt in zip(keys, keys[1:]) if nxt.startswith(k + " ")}
    # (key, head, the rest's words without unit codes) of each title left
    left = [(k, head, [w for w in rest if not _CODE.fullmatch(w)])
            for k, t in best.items() if k not in shorter for head, rest in [_title_parts(t)]]
    for k, head, plain in left:
        for k2, head2, plain2 in left:
            if k2 == k or k2 in shorter or head2 != head:
                continue
            if len(plain2) > len(plain) and _shortens(plain, plain2):
                shorter.add(k)  # "Phó Cục trưởng Cục CSGT" < "… Cục Cảnh sát giao thông, Bộ Công an"
                break
    return [t for k, t in best.items() if k not in shorter]


@lru_cache(maxsize=4096)
def _title_parts(title: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(head, rest) of a title: the casefolded title words ("phó cục trưởng") and the other
    words with known abbreviations expanded, case kept so that acronyms stay visible."""
    pat, full = _lex().abbreviations
    toks = _tokens(fold_tones(title), 0)
    n = _Sentence(toks, frozenset(), set()).title_at(0) if toks else 0
    head = tuple(toks.keys[:n])
    rest = pat.sub(lambda m: full[m.group(1)], " ".join(x for x in toks.texts[n:] if x[0].isalnum()))
    return head, tuple(rest.split())


def _shortens(short: list[str], long: list[str]) -> bool:
    """Whether the words ``short`` are a subsequence of ``long``, an acronym standing for the
    words whose initials it spells ("BĐBP" = "Bộ đội Biên phòng")."""
    p = 0
    for w in short:
        lw = w.casefold()
        while p < len(long) and long[p].casefold() != lw:
            n = len(w)
            if 2 <= n <= 6 and w.isupper() and p + n <= len(long) and "".join(
                    x[0] for x in long[p:p + n]).casefold() == lw:
                p += n - 1
                break
            p += 1
        if p >= len(long):
            return False
        p += 1
    return True


_SPACES: Final = regex_compile(r"\s+")


def _clean(text: str) -> str:
    """``text`` with whitespace runs as single spaces, stripped of spaces and edge punctuation.
    str.split() splits on the regex module's ``\\s`` but for the characters of
    ``SPLIT_ONLY_SPACES`` (astral characters are no whitespace to either); the two may differ
    only by a leading or trailing space, which the strip removes."""
    if holds_split_only_space(text):
        return _SPACES.sub(" ", text).strip(" ,;-–—")
    return " ".join(text.split()).strip(" ,;-–—")


# OfficialMention's own validator on one dict: what ``OfficialMention(**fields)`` runs (the
# validating path, pydantic 2.14), without the keyword packing of __init__ around it.
_new_official: Final[Callable[[dict[str, object]], OfficialMention]] = (
    OfficialMention.__pydantic_validator__.validate_python)


def extract(doc: Document) -> list[OfficialMention]:
    """Named officials of ``doc`` (byline authors excluded), one per person."""
    norm = doc.norm
    places = _Places(doc)
    authors = {" ".join(_key(a).split()) for a in doc.authors}
    mentions: list[_Mention] = []
    known: set[str] = set()
    plain = _plain(norm)  # then so is every sentence
    lx, std = _lex(), _std()  # once per document, not per sentence
    for s in doc.sentences:
        text = norm[s.start:s.end]
        if not _may_name(text, plain or None, lx, std):
            continue
        toks = _tokens(text, s.start, plain or None, std)
        if toks:
            mentions.extend(_Sentence(toks, places, known, lx).mentions())
    # A name that is part of someone's title is a place or organisation ("… Công an TP Hồ Chí
    # Minh" makes "Giám đốc Công an TP Hồ Chí Minh" no person).
    # Each title as " w1 w2 … " (one line each): a name of 2 to _MAX_NAME words is a run of
    # a title's words exactly when " name " is a substring (a name's words hold no spaces).
    in_titles = "\n".join(" " + " ".join(norm[a:b].lower().split()) + " "  # norm is tone-folded:
                           for m in mentions for a, b in m.titles)          # lower() is its key

    people: list[_Person] = []
    by_key: dict[str, _Person] = {}
    by_tail: dict[str, list[_Person]] = {}  # "thiên", "hữu thiên" → people named "… Hữu Thiên"
    for m in mentions:
        k = m.name.lower()
        if not k or k in authors:
            continue
        p = by_key.get(k)
        if p is None:
            tails = by_tail.get(k, [])
            if len(tails) == 1:  # "đồng chí Thiên" after "Nguyễn Hữu Thiên"
                p = tails[0]
        if p is None:
            ws = k.split()
            if not m.anchored or len(ws) < 2 or (len(ws) <= _MAX_NAME and f" {k} " in in_titles):
                continue
            p = _Person(k, m)
            people.append(p)
            by_key[k] = p
            for x in range(1, len(ws)):
                by_tail.setdefault(" ".join(ws[x:]), []).append(p)
        p.mentions += 1
        p.honorific = p.honorific or m.honorific
        p.rank = p.rank or m.rank
        for a, b in m.titles:
            s0, e0 = doc.normalized.to_source(a, b)
            p.titles.append(_clean(doc.text[s0:e0]))

    out: list[OfficialMention] = []
    for p in people:
        fields = doc.provenance(p.first.start, p.first.end)
        fields["name"] = _clean(fields["text"])
        fields["honorific"], fields["rank"] = p.honorific, p.rank
        fields["titles"], fields["mentions"] = _merge_titles(p.titles), p.mentions
        out.append(_new_official(fields))
    return out
