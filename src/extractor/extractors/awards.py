"""Award tallies: "Công an tỉnh Yên Bái tặng Giấy khen cho 4 tập thể, 6 cá nhân".

Per clause (a sentence cut at ";"), the extractor finds award anchors (award types from
resources/award_types.tsv, or a reward verb such as "khen thưởng" when the award is unstated)
and recipient groups ("4 tập thể, 6 cá nhân", "sáu tập thể", "tập thể Công an tỉnh",
"Công an xã A và 3 cá nhân", "43 tập thể, cá nhân", "cho bản Nà Lươi"). Each group belongs to the
nearest anchor before it (or, for "5 tập thể được … tặng Bằng khen", the one right after it); one
tally per group. A named recipient without "cho" is bound to its award directly: the object of a
giving verb ("trao Huân chương … của Chủ tịch nước tặng Công an huyện A", "UBND tỉnh tặng Công an
huyện A Bằng khen"), the object of a reward verb ("khen thưởng đột xuất Ban chuyên án") or the subject of a passive award ("Đội … vinh
dự được Chủ tịch nước tặng thưởng Huân chương …").
The issuer is read, in this order, after "của", right after the award word, from "cùng cấp"
(the previous tally's), from a passive "được X tặng", from "Thay mặt X, …", or as the subject of
the giving verb; it never carries over otherwise. A grand total ("Tổng cộng có 77 lượt tập thể,
cá nhân …") after other tallies is not a tally. Rules follow gold/CONVENTIONS.md (awards); word
lists live in resources/award_types.tsv and resources/award_words.tsv.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

import regex

from ..pattern_cache import re_compile, regex_compile
from ..document import Document
from ..models import AwardTally, Sentence
from ..normalize import match_key
from ..patterns import (
    bmp_only,
    holds_split_only_space,
    alternation,
    odd_chars,
    stdlib_class,
    word_trie,
)
from .models import REGEX_SPACE, sentence_pieces


@lru_cache(maxsize=8192)
def _key(s: str) -> str:
    """``match_key`` memoised: the same short strings recur across sentences and articles."""
    return match_key(s)
from ..numbers import NUMBER, digit_words, parse_number, parse_number_words, word_number_pattern
from ..resources import ResourceError, load_tsv

# Final: compiled, each is a static C global rather than a module-dict lookup per read
_L: Final = r"(?<![\p{L}\p{M}\p{N}])"
_R: Final = r"(?![\p{L}\p{M}\p{N}])"
QUOTES: Final = "“”\"‘’'«»„"
# on the stdlib engine, with the regex module's \s listed (as in models): the same matches
_TOKEN: Final = re_compile(rf"[^{REGEX_SPACE},;:!?()\[\]…{QUOTES}]+")  # [^\s,;:!?()\[\]…QUOTES]+
_QUOTED: Final = re_compile(rf"[{REGEX_SPACE}]*[{QUOTES}]([^{QUOTES}\n]{{1,200}})[{QUOTES}]")  # \s*…
_CAP: Final = regex_compile(r"\p{Lu}")
_WS: Final = re_compile(rf"[{REGEX_SPACE}]+")  # \s+
_WS_RE: Final = regex_compile(r"\s+")
_COMMA: Final = re_compile(",")
_EDGES: Final = regex_compile(r"^[\s,;:.\-–]+|[\s,;:\-–]+$")
_CHO: Final = regex_compile(rf"{_L}cho\s+", regex.I)
_CUA: Final = regex_compile(r"\s+của\s+", regex.I)
_CUA_ONLY: Final = regex_compile(r"\s+của", regex.I)
_SP_CAP: Final = regex_compile(r"\s+(?=\p{Lu})")
_PASSIVE_BY: Final = regex_compile(r"(?:^|\s)được\s+(?=\p{Lu})", regex.I)
# the rest of a recipient's description, then "và" and the other side ("… xuất sắc và 5 cá nhân")
_JOIN_AND: Final = regex_compile(r"[^;:.“”\"]{0,120}?[\s,]và\s+$", regex.I)
_GOT: Final = regex_compile(r"được|nhận", regex.I)
_LEAD: Final = regex_compile(r"[\s,]*(?:và\s+|cùng\s+|đồng\s+thời\s+)?", regex.I)
_MAX_NAME_TOKENS: Final = 12
_NEAR: Final = 300  # how far around a tally its subject, verb and markers are looked for
_MAX_ISSUER_CHARS: Final = 200

_KINDS = {"verb", "give_to", "receive", "reward", "collective", "individual", "unit_head", "unit_word",
          "person_head", "person_noun", "reward_mod",
          "on_behalf", "intro", "aux", "not_issuer", "total", "same_level", "name_stop",
          "issuer_stop"}
_FOLLOW = {"issuer", "name", "drop"}


@dataclass(frozen=True)
class _AwardType:
    award: str
    follow: str


@dataclass(frozen=True)
class _Lex:
    types: dict[str, _AwardType]
    award: regex.Pattern[str]
    verb_before: regex.Pattern[str]
    give_to: regex.Pattern[str]
    passive: regex.Pattern[str]
    passive_tail: regex.Pattern[str]
    receive_before: regex.Pattern[str]
    reward: regex.Pattern[str]
    reward_mod: regex.Pattern[str]
    num_part: regex.Pattern[str]
    shared_noun: regex.Pattern[str]
    part_sep: regex.Pattern[str]
    noun_side: dict[str, str]
    unit_head: regex.Pattern[str]
    unit_word: regex.Pattern[str]
    collective_named: regex.Pattern[str]
    person_head: regex.Pattern[str]
    person_noun: regex.Pattern[str]
    on_behalf: regex.Pattern[str]
    intro: regex.Pattern[str]
    aux_tail: regex.Pattern[str]
    not_issuer: tuple[str, ...]
    not_issuer_set: frozenset[str]
    not_issuer_heads: tuple[str, ...]  # each not_issuer word + " ": one ``startswith`` call
    total: regex.Pattern[str]
    same_level: regex.Pattern[str]
    name_stop: regex.Pattern[str]
    issuer_stop: regex.Pattern[str]
    prefilter_keys: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]


@cache
def _lex() -> _Lex:
    """Compile the award lexicons once; unknown kinds or follow values fail at load."""
    types: dict[str, _AwardType] = {}
    for row in load_tsv("award_types.tsv"):
        if row["follow"] not in _FOLLOW or not row["surface"] or not row["award"]:
            raise ResourceError(f"award_types.tsv: bad row {row}")
        types[match_key(row["surface"])] = _AwardType(row["award"], row["follow"])
    by: dict[str, list[str]] = {k: [] for k in _KINDS}
    for row in load_tsv("award_words.tsv"):
        if row["kind"] not in _KINDS or not row["word"]:
            raise ResourceError(f"award_words.tsv: bad row {row}")
        by[row["kind"]].append(row["word"])
    for k in _KINDS:
        if not by[k]:
            raise ResourceError(f"award_words.tsv: no {k} entries")
    nouns = by["collective"] + by["individual"]
    side = {match_key(w): "c" for w in by["collective"]}
    side.update({match_key(w): "i" for w in by["individual"]})
    num = rf"(?:{NUMBER}|{word_number_pattern()})"
    surfaces = list({w for w in types} | {r["surface"] for r in load_tsv("award_types.tsv")})
    prefilter = tuple(sorted({w.lower() for w in surfaces + by['reward']}))
    i = regex.I
    return _Lex(
        types=types,
        award=regex_compile(rf"{_L}(?:{alternation(surfaces)}){_R}", i),
        verb_before=regex_compile(rf"{_L}(?:{alternation(by['verb'])})\s*$", i),
        give_to=regex_compile(rf"{_L}(?:{alternation(by['give_to'])})\s+", i),
        passive=regex_compile(
            rf"{_L}được\s+(?P<x>\p{{Lu}}[^,;]{{0,150}}?)\s+(?:{alternation(by['verb'])})\s*$", i),
        passive_tail=regex_compile(
            rf"{_L}được\s+(?:\p{{Lu}}[^,;]{{0,150}}?\s+)?(?:{alternation(by['verb'])})\s*$", i),
        receive_before=regex_compile(rf"{_L}(?:{alternation(by['receive'])})\s*$", i),
        reward=regex_compile(rf"{_L}(?:{alternation(by['reward'])}){_R}", i),
        reward_mod=regex_compile(rf"(?:\s+(?:{alternation(by['reward_mod'])}){_R})*\s+", i),
        num_part=regex_compile(
            rf"{_L}(?<![.,/]\d*)(?P<num>{num})\s+(?:lượt\s+)?(?P<noun>{alternation(nouns)}){_R}", i),
        shared_noun=regex_compile(rf"\s*(?:,\s*và|,|và)\s*(?P<noun>{alternation(nouns)}){_R}", i),
        part_sep=regex_compile(r"\s*(?:,\s*và|,|và|cùng)\s+", i),
        noun_side=side,
        unit_head=regex_compile(rf"(?:{alternation(by['unit_head'])}){_R}"),
        unit_word=regex_compile(rf"(?:{alternation(by['unit_word'])})\s+(?=\p{{Lu}}|\d|số\s+\d)", i),
        collective_named=regex_compile(r"tập\s+thể\s+(?=\p{Lu})", i),
        person_noun=regex_compile(rf"(?:{alternation(by['person_noun'])})\s+", i),
        person_head=regex_compile(rf"(?:{alternation(by['person_head'])})\s+(?=\p{{Lu}})", i),
        on_behalf=regex_compile(rf"^\s*(?:{alternation(by['on_behalf'])})\s+", i),
        intro=regex_compile(rf"^\s*(?:{alternation(by['intro'])}){_R}", i),
        aux_tail=regex_compile(rf"(?:\s+(?:{alternation(by['aux'])}))+\s*$", i),
        not_issuer=tuple(match_key(w) for w in by["not_issuer"]),
        not_issuer_set=frozenset(match_key(w) for w in by["not_issuer"]),
        not_issuer_heads=tuple(match_key(w) + " " for w in by["not_issuer"]),
        total=regex_compile(rf"{_L}(?:{alternation(by['total'])}){_R}", i),
        same_level=regex_compile(rf"{_L}(?:{alternation(by['same_level'])}){_R}", i),
        name_stop=regex_compile(rf"(?:{alternation(by['name_stop'])}){_R}", i),
        issuer_stop=regex_compile(rf"\s(?:{alternation(by['issuer_stop'])}){_R}", i),
        prefilter_keys=_prefilter_keys(prefilter),
    )


def _has_border(w: str) -> bool:
    """``w`` can overlap itself ("aba"): its occurrences are not all disjoint."""
    return any(w[:k] == w[-k:] for k in range(1, len(w)))


def _prefilter_keys(words: tuple[str, ...]) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    """Search keys for the sentence prefilter: a word shared by several prefilter words
    ("khen" in "bằng khen", "giấy khen", "khen thưởng", "thư khen") is searched once and each
    hit checked for the words around it, halving the full-text scans. Each entry is
    (key, ((word, offset of key in word), ...)). A word that can overlap itself keeps its own
    key, so that its hits stay the non-overlapping ones a plain ``find`` loop gives."""
    left = [w for w in words if not _has_border(w)]
    out: list[tuple[str, tuple[tuple[str, int], ...]]] = []
    while left:
        tokens = sorted({tok for w in left for tok in w.split()}, key=lambda x: (-len(x), x))
        best = max(tokens, key=lambda tok: sum(tok in w for w in left)) if tokens else ""
        covered = [w for w in left if best and best in w]
        if len(covered) < 2:
            break
        out.append((best, tuple((w, w.index(best)) for w in covered)))
        left = [w for w in left if w not in covered]
    out.extend((w, ((w, 0),)) for w in words if w in left or _has_border(w))
    return tuple(out)


# -- lower-case twins ------------------------------------------------------------------------
#
# The clause scans below are case-insensitive alternations, which the regex engine cannot skip
# through: it tries every word at every position. Each has a case-sensitive stdlib twin run on
# the lower-cased text that matches at every position where the pattern matches the text (a
# superset: its words are the pattern's words lower-cased, its \s is the stdlib's, which takes
# every character the regex module's takes, and it keeps few look-arounds); each twin hit is
# then confirmed by the pattern itself at that position, so the matches are the pattern's own.
# The twin's hits being a superset needs the lower-cased text to keep every offset (no
# character's lower case is longer) and every character the pattern takes for one of its
# letters case-insensitively to lower-case to that very letter: :func:`..patterns.odd_chars` finds,
# over the BMP, the few that do not ("ſ" is an "s" to the regex module, "İ" lower-cases to two
# characters), and a document holding one of them, or an astral character, keeps to the plain
# scans.


class _Twins:
    """The stdlib twins (on lower-cased text) of the scanned patterns of :class:`_Lex`, by the
    ``id`` of the pattern; ``bad``: the characters on which they may miss a match; ``usable``:
    False when the lexicons hold a letter the regex module does not match to its lower case."""

    def __init__(self, lex: _Lex) -> None:
        by: dict[str, list[str]] = {}
        for row in load_tsv("award_words.tsv"):
            by.setdefault(row["kind"], []).append(row["word"])
        # the words of ``lex.award``, ``lex.reward``, ``lex.give_to`` and ``lex.num_part``
        surfaces = list(lex.types) + [r["surface"] for r in load_tsv("award_types.tsv")]
        nouns = by["collective"] + by["individual"]
        raw = surfaces + nouns + by["reward"] + by["give_to"]
        nums = list(digit_words()) + ["mươi", "mười", "lăm", "mốt", "tư", "lượt"]
        self.bad = odd_chars([w.lower() for w in raw] + nums)
        # a capital in a word stands for its lower case: the regex module must take them for
        # the same letter
        self.usable = all(regex.fullmatch(regex.escape(c), c.lower(), regex.I)
                          for c in set("".join(raw)))

        def tree(words: list[str]) -> str:
            return word_trie(w.lower() for w in words)

        # NUMBER's three forms are digit runs with "." and "," inside: a superset of each (the
        # regex module's digits, listed over the BMP); word_number_pattern is in lower case.
        # ``num_part`` has two twins, one per form, searched side by side (see :func:`_scan`):
        # each then starts with a character class or with letters, which the stdlib engine
        # skips through fast (a leading look-behind or a class/word alternation stops that).
        # The digits twin is not after a digit, ".", "," or "/", as ``num_part``'s look-behinds
        # require (these characters are uncased: lower-casing neither makes nor unmakes them),
        # which keeps long runs of numbers linear; it checks that after its first digit. The
        # words twin drops the look-behind: a superset still
        d = stdlib_class(r"\d")
        noun = rf"\s+(?:lượt\s+)?{tree(nouns)}"
        self.award = re_compile(tree(surfaces))
        self.reward = re_compile(tree(by["reward"]))
        self.give_to = re_compile(tree(by["give_to"]) + r"\s")
        self.num_digits = re_compile(rf"{d}(?<![.,/{d[1:-1]}]{d}){d}*(?:[.,]{d}+)*{noun}")
        self.num_words = re_compile(rf"{word_number_pattern()}{noun}")
        self.pairs: dict[int, tuple[re.Pattern[str], re.Pattern[str] | None]] = {
            id(lex.award): (self.award, None), id(lex.reward): (self.reward, None),
            id(lex.give_to): (self.give_to, None),
            id(lex.num_part): (self.num_digits, self.num_words),
        }


@cache
def _twins() -> _Twins:
    return _Twins(_lex())


def _lowered(norm: str, low: str) -> bool:
    """Whether the twins hold on ``low``, which is ``norm.lower()`` (see above)."""
    return (_twins().usable and len(low) == len(norm) and bmp_only(norm)
            and not any(map(norm.__contains__, _twins().bad)))


def _finditer(pat: regex.Pattern[str], t: str, low: str | None, a: int, b: int
              ) -> list[regex.Match[str]]:
    """``list(pat.finditer(t, a, b))``; ``low`` is ``t`` lower-cased when the twins hold."""
    if low is None:
        return list(pat.finditer(t, a, b))
    twin, twin2 = _twins().pairs[id(pat)]
    return _scan(pat, twin, t, low, a, b, twin2)


def _scan(pat: regex.Pattern[str], twin: re.Pattern[str] | None, t: str, low: str | None,
          a: int, b: int, twin2: re.Pattern[str] | None = None) -> list[regex.Match[str]]:
    """:func:`_finditer` with ``pat``'s twins passed in (looked up once per article).
    Each twin hit at or after the last match's end is tried with ``pat.match``: the first that
    succeeds is the leftmost match from there, as a search would find it. With ``twin2``, the
    hits are those of either twin."""
    if low is None or twin is None:
        return list(pat.finditer(t, a, b))
    if twin2 is not None:
        return _scan2(pat, twin, twin2, t, low, a, b)
    out: list[regex.Match[str]] = []
    search = twin.search
    match = pat.match
    c = search(low, a, b)
    while c is not None:
        p = c.start()
        m = match(t, p, b)
        if m is not None:
            out.append(m)
            c = search(low, m.end(), b)
        else:
            c = search(low, p + 1, b)
    return out


def _scan2(pat: regex.Pattern[str], tw1: re.Pattern[str], tw2: re.Pattern[str], t: str,
           low: str, a: int, b: int) -> list[regex.Match[str]]:
    """:func:`_scan` over the hits of two twins: each twin's next hit is kept, the leftmost
    is tried, and a twin is searched again only once its hit falls behind the position."""
    out: list[regex.Match[str]] = []
    match = pat.match
    c1 = tw1.search(low, a, b)
    c2 = tw2.search(low, a, b)
    while c1 is not None or c2 is not None:
        if c1 is not None and (c2 is None or c1.start() <= c2.start()):
            p = c1.start()
        else:
            assert c2 is not None
            p = c2.start()
        m = match(t, p, b)
        if m is not None:
            out.append(m)
            q: int = m.end()
        else:
            q = p + 1
        if c1 is not None and c1.start() < q:
            c1 = tw1.search(low, q, b)
        if c2 is not None and c2.start() < q:
            c2 = tw2.search(low, q, b)
    return out


# -- recipients ------------------------------------------------------------------------------

@dataclass
class _Group:
    start: int
    end: int
    collectives: int | None
    individuals: int | None
    total: int | None
    numeric: bool  # at least one number (a named recipient alone is not)
    anchor: int | None = None  # index of the award it receives, when read as a passive subject
    verb: int | None = None  # start of the giving verb whose direct object it is ("tặng X")


@lru_cache(maxsize=4096)
def _value(s: str) -> int | None:
    """A count's value (memoised: "3", "sáu" recur)."""
    v = parse_number(s)
    if v is None:
        v = parse_number_words(s)
    return v if isinstance(v, int) else None


def _name_end(lex: _Lex, t: str, i: int) -> int:
    """End of a recipient's proper name starting at ``i`` ("Công an xã Ea Phê")."""
    end = i
    pos = i
    for n in range(_MAX_NAME_TOKENS):
        m = _TOKEN.match(t, pos) if n == 0 else _TOKEN.search(t, pos)
        if not m:
            break
        gap = t[end:m.start()]
        if n and (not gap or gap.strip()):
            break
        if n and lex.name_stop.match(t, m.start()):
            break
        word = m.group()
        if word.endswith(".") and not word[:-1].isupper() and len(word) > 2:
            return m.end() - 1
        end = pos = m.end()
    return end


def _named(lex: _Lex, t: str, p: int) -> tuple[str, int] | None:
    """A single named recipient at ``p``: ("c"|"i", end)."""
    m = lex.collective_named.match(t, p)
    if m:
        return "c", _name_end(lex, t, m.end())
    m = lex.person_head.match(t, p)
    if m:
        return "i", _name_end(lex, t, m.end())
    m = lex.person_noun.match(t, p)
    if m:  # "Đoàn viên thanh niên Nguyễn Văn An": a person, though "Đoàn" heads units too
        e = _name_end(lex, t, m.end())
        return ("i", e) if _CAP.search(t, m.end(), e) else None
    m = lex.unit_head.match(t, p)
    if m:
        return "c", _name_end(lex, t, p)
    m = lex.unit_word.match(t, p)  # "cho bản Nà Lươi", "cho tổ dân phố số 3"
    if m:
        return "c", _name_end(lex, t, p)
    return None


def _recipients(lex: _Lex, t: str, p: int, named: bool) -> _Group | None:
    """The recipient list at ``p``: numbered groups and, after "cho", named recipients."""
    c = i = tot = 0
    mixed = numeric = False
    start: int | None = None
    end: int | None = None
    parts = 0
    q: int
    noun_side = lex.noun_side
    while parts < 10:
        m = lex.num_part.match(t, p)
        if m:
            n = _value(m["num"])
            if n is None:
                break
            # its side ("c" or "i") and whether a shared noun names the other: no set built
            side = noun_side.get(_key(m["noun"]), "c")
            both = False
            q = m.end()
            while True:
                s = lex.shared_noun.match(t, q)
                if not s:
                    break
                if noun_side.get(_key(s["noun"]), "c") != side:
                    both = True
                q = s.end()
            if both:
                mixed = True
                tot += n
            elif side == "c":
                c += n
            else:
                i += n
            numeric = True
            start = m.start() if start is None else start
        elif named and (nm := _named(lex, t, p)) and nm[1] > p:
            q = nm[1]
            if nm[0] == "c":
                c += 1
            else:
                i += 1
            start = p if start is None else start
        else:
            break
        end = p = q
        parts += 1
        sep = lex.part_sep.match(t, p)
        if not sep:
            break
        p = sep.end()
    if start is None or end is None:
        return None
    if mixed:
        return _Group(start, end, None, None, tot + c + i, numeric)
    return _Group(start, end, c, i, None, numeric)


def _groups(lex: _Lex, tw: _Twins | None, t: str, a: int, b: int, low: str | None
            ) -> list[_Group]:
    """Recipient groups in the clause t[a:b], in text order, without overlaps."""
    out: list[_Group] = []
    for m in _CHO.finditer(t, a, b):
        g = _recipients(lex, t, m.end(), named=True)
        if g and g.end <= b:
            out.append(g)
    # "trao Huân chương … của Chủ tịch nước tặng Công an huyện A": the giving verb's direct
    # object, when it is a named unit or person (an award word after the verb is not one)
    for m in _scan(lex.give_to, tw.give_to if tw else None, t, low, a, b):
        me: int = m.end()
        if any(g.start <= me < g.end for g in out) or _named(lex, t, me) is None:
            continue
        g = _recipients(lex, t, me, named=True)
        if g and g.start == me and g.end <= b:
            g.verb = m.start()
            out.append(g)
    covered = 0
    cho_ends = iter(sorted((g.start, g.end) for g in out))
    span = next(cho_ends, None)
    for m in _scan(lex.num_part, tw.num_digits if tw else None, t, low, a, b,
                   tw.num_words if tw else None):
        while span is not None and span[1] <= m.start():
            span = next(cho_ends, None)
        if (span is not None and span[0] <= m.start() < span[1]) or m.start() < covered:
            continue
        g = _recipients(lex, t, m.start(), named=False)
        if g and g.end <= b:
            out.append(g)
            covered = g.end
    # a stable sort leaves an ordered list as it is: checking is cheaper than the key calls
    if any(out[k].start < out[k - 1].start for k in range(1, len(out))):
        out.sort(key=lambda g: g.start)
    return out


# -- anchors ---------------------------------------------------------------------------------

@dataclass
class _Anchor:
    start: int
    end: int  # after the award word (and its own name, for Huân chương / Danh hiệu)
    award: str | None
    follow: str | None


def _award_name_end(lex: _Lex, t: str, i: int) -> tuple[int, str] | None:
    """A quoted or capitalised name right after an award word: (end, name)."""
    q = _QUOTED.match(t, i)
    if q:
        return q.end(), q.group(1).strip()
    sp = _WS.match(t, i)
    if not sp:
        return None
    j = sp.end()
    tok = _TOKEN.match(t, j)
    if not tok or not tok.group()[0].isupper():
        return None
    end = _name_end(lex, t, j)
    return end, t[j:end]


def _anchors(lex: _Lex, tw: _Twins | None, t: str, a: int, b: int, low: str | None
             ) -> list[_Anchor]:
    out: list[_Anchor] = []
    for m in _scan(lex.award, tw.award if tw else None, t, low, a, b):
        at = lex.types.get(_key(m.group()))
        if at is None:
            continue
        end: int = m.end()
        award = at.award
        if at.follow in ("name", "drop"):
            nm = _award_name_end(lex, t, end)
            if nm and nm[0] <= b:
                end = nm[0]
                if at.follow == "name":
                    award = f"{at.award} {_clean(nm[1])}"
        elif (qm := _QUOTED.match(t, end)) is not None:  # Cờ thi đua “Đơn vị dẫn đầu …”
            end = qm.end()
        out.append(_Anchor(m.start(), end, award, at.follow))
    for m in _scan(lex.reward, tw.reward if tw else None, t, low, a, b):
        nxt = t[m.end():m.end() + 30]
        if lex.award.match(nxt.lstrip()) or any(x.start <= m.start() < x.end for x in out):
            continue
        out.append(_Anchor(m.start(), m.end(), None, None))
    if any(out[k].start < out[k - 1].start for k in range(1, len(out))):  # as in _groups
        out.sort(key=lambda x: x.start)
    return out


# -- issuers ---------------------------------------------------------------------------------

def _clean(s: str) -> str:
    """``s`` with its spaces collapsed and its edge punctuation cut, i.e.
    ``_EDGES.sub("", _WS.sub(" ", s).strip())``, written with str methods: regex ``sub``
    costs several microseconds a call. After ``split``/``join`` the only space left is " ",
    so both halves of _EDGES are plain strips."""
    if not s.isprintable() and holds_split_only_space(s):
        return _EDGES.sub("", _WS_RE.sub(" ", s).strip())
    return " ".join(s.split()).lstrip(" ,;:.-–").rstrip(" ,;:-–")


def _issuer_after(lex: _Lex, t: str, i: int, limit: int) -> tuple[int, int] | None:
    """Issuer written after the award: "của X" or a capitalised "X" right after it."""
    m = _CUA.match(t, i, limit)
    j = m.end() if m else None
    if j is None:
        sp = _SP_CAP.match(t, i, limit)
        if not sp:
            return None
        j = sp.end()
    stop = lex.issuer_stop.search(t, j, min(limit, j + _MAX_ISSUER_CHARS))
    k = stop.start() if stop else min(limit, j + _MAX_ISSUER_CHARS)
    semi = t.find(";", j, k)
    if semi >= 0:
        k = semi
    text = _clean(t[j:k])
    if not text:
        return None
    return j, j + len(t[j:k].rstrip(" ,.;:–-"))


def _subject(lex: _Lex, t: str, a: int, verb_start: int) -> tuple[int, int] | None:
    """The giving subject before a verb: comma parts that start with a capital letter or an
    honorific, read backwards until a lead adverbial ("Nhân dịp này"); "Thay mặt X" wins."""
    a = max(a, verb_start - _NEAR)
    region = t[a:verb_start]
    aux = lex.aux_tail.search(region)
    if aux:
        region = region[:aux.start()]
    # passive "… được UBND tỉnh tặng …"
    pm = _PASSIVE_BY.search(region)
    if pm:
        s = a + pm.end()
        e = a + len(region.rstrip(" ,"))
        return (s, e) if e > s else None
    bounds = [-1] + [m.start() for m in _COMMA.finditer(region)] + [len(region)]
    s_keep = None
    for k in range(len(bounds) - 2, -1, -1):
        seg_s, seg_e = bounds[k] + 1, bounds[k + 1]
        seg = region[seg_s:seg_e]
        if not seg.strip():
            break
        ob = lex.on_behalf.match(seg)
        if ob:
            s = a + seg_s + ob.end()
            e = a + seg_s + len(seg.rstrip())
            return (s, e) if e > s else None
        im = lex.intro.match(seg)
        if im:
            # "…, đồng thời Giám đốc Công an tỉnh quyết định khen thưởng …": a lead without
            # its comma still leaves a capitalised subject after it
            rest = seg[im.end():]
            st = rest.lstrip()
            if st and (st[0].isupper() or lex.person_head.match(st) is not None):
                s_keep = a + seg_s + im.end() + (len(rest) - len(st))
            break
        st = seg.lstrip()
        first = st.split(" ", 1)[0] if st else ""
        # a capitalised first word alone may only open the sentence ("Ghi nhận thành tích, …");
        # a giver's name has another capital ("Giám đốc Công an tỉnh") or a person's head word
        is_head = bool(first) and ((first[0].isupper() and _CAP.search(st, len(first)) is not None)
                                   or lex.person_head.match(st) is not None)
        if k == len(bounds) - 2 or is_head:
            if not is_head and k != len(bounds) - 2:
                break
            s_keep = a + seg_s + (len(seg) - len(st))
            if not is_head:
                break
        else:
            break
    if s_keep is None:
        return None
    e = a + len(region.rstrip(" ,"))
    if e <= s_keep:
        return None
    key = _key(t[s_keep:e])
    if key in lex.not_issuer_set or key.startswith(lex.not_issuer_heads):
        return None
    if not _CAP.search(t[s_keep:e]):
        return None
    return s_keep, e


def _bound_recipients(lex: _Lex, t: str, a: int, b: int, anchors: list[_Anchor],
                      groups: list[_Group]) -> list[_Group]:
    """Named recipients outside a "cho" list, for an award no recipient list follows:
    the object of a reward verb ("khen thưởng đột xuất Ban chuyên án"), or the subject of a
    passive award ("Đội Cảnh sát PCCC … vinh dự được Chủ tịch nước tặng thưởng Huân chương …",
    "Ông X được tặng Kỷ niệm chương"): the leftmost of the last comma parts before "được" that
    starts with a named unit or person ("Bà X, Chi hội trưởng …, được …" is Bà X), not reading
    past a lead adverbial or a part that holds another award."""
    out: list[_Group] = []
    for idx, an in enumerate(anchors):
        nxt = anchors[idx + 1].start if idx + 1 < len(anchors) else b
        if an.award is None:
            # a named object, possibly followed by numbered ones ("… Công an xã A và 3 cá nhân");
            # the caller drops the numbered groups it now covers
            mod = lex.reward_mod.match(t, an.end, nxt)
            g = _recipients(lex, t, mod.end(), named=True) if mod else None
            if (mod is not None and g is not None and g.start == mod.end() and g.end <= nxt
                    and _named(lex, t, g.start) is not None):
                g.anchor = idx
                out.append(g)
            continue
        if any(an.end <= g.start < nxt for g in groups):
            continue
        lo = max(a, an.start - _NEAR)
        pm = lex.passive_tail.search(t, lo, an.start)
        if not pm:
            continue
        ps: int = pm.start()
        if any(g.start <= ps < g.end + 5 for g in groups):
            continue
        cuts = [m.start() + 1 for m in _COMMA.finditer(t, lo, ps)]
        starts = ([lo] if lo == a else []) + cuts
        best: _Group | None = None
        seg_end = ps
        for s0 in reversed(starts[-3:]):
            ws = _WS.match(t, s0)
            s = ws.end() if ws else s0
            if (lex.intro.match(t, s, ps)
                    or any(s <= x.start < seg_end for x in anchors)
                    or _key(t[s:ps]).startswith(lex.not_issuer)):
                break
            g = _recipients(lex, t, s, named=True)
            if g is not None and g.start == s and not g.numeric and g.end <= ps:
                nm = _named(lex, t, s)
                if g.end > seg_end and nm is not None:  # the next comma part is an apposition
                    side = nm[0] == "c"
                    g = _Group(s, nm[1], int(side), int(not side), None, False)
                best = g
            seg_end = s0
        if best is not None:
            best.anchor = idx
            out.append(best)
    return out


def _bind_objects(t: str, anchors: list[_Anchor], groups: list[_Group]) -> None:
    """A named object of a giving verb with the award after it ("UBND tỉnh tặng Công an huyện
    A Bằng khen"): the capitalised name ran on into the award word, so it ends where the award
    starts, and the group receives that award."""
    for g in groups:
        if g.verb is None or g.numeric or g.anchor is not None:
            continue
        for k, an in enumerate(anchors):
            if g.start < an.start < g.end and an.award is not None:
                g.end = g.start + len(t[g.start:an.start].rstrip(" ,"))
                g.anchor = k
                break


# -- assembly --------------------------------------------------------------------------------

@dataclass
class _Tally:
    start: int
    end: int
    award: str | None
    issuer: tuple[int, int] | None
    group: _Group


def _clauses(t: str) -> list[tuple[int, int]]:
    out, a = [], 0
    k = t.find(";")
    while k >= 0:
        out.append((a, k))
        a = k + 1
        k = t.find(";", a)
    out.append((a, len(t)))
    return out


def _in_sentence(lex: _Lex, tw: _Twins | None, t: str, have_tallies: bool,
                 sentence_issuer: str | None, low: str | None = None
                 ) -> list[tuple[_Tally, str | None]]:
    """Tallies of one sentence, with the issuer text read from ``t`` (norm coordinates);
    ``low``: ``t`` lower-cased, when the lower-case twins hold on it (see :func:`_lowered`);
    ``tw``: ``_twins()`` then, else None (``lex`` and ``tw`` are passed down: a cached call
    per helper costs more than the argument)."""
    out: list[tuple[_Tally, str | None]] = []
    last_issuer_text = sentence_issuer
    for a, b in _clauses(t):
        anchors = _anchors(lex, tw, t, a, b, low)
        if not anchors:
            continue
        groups = _groups(lex, tw, t, a, b, low)
        bound_groups = _bound_recipients(lex, t, a, b, anchors, groups)
        _bind_objects(t, anchors, groups)
        if bound_groups:
            groups = sorted([g for g in groups
                             if not any(x.start <= g.start < x.end for x in bound_groups)]
                            + bound_groups, key=lambda g: g.start)
        if not groups:
            continue
        clause_subject: tuple[int, int] | None = None
        bound = a
        ends = [x.end for x in anchors]
        starts = [x.start for x in anchors]
        prev: _Group | None = None
        for g in groups:
            if g.anchor is not None:  # a bound recipient: its award is already known
                anchor: _Anchor | None = anchors[g.anchor]
                prev = g
            else:
                k = bisect.bisect_right(ends, g.start) - 1
                anchor = anchors[k] if k >= 0 else None
                # an anchor already followed by an earlier group is that group's; "cho 3 tập thể có
                # thành tích … và 5 cá nhân …" completes that tally with the side it lacked
                if anchor and prev is not None and prev.start > anchor.start:
                    anchor = None
                    last = out[-1][0] if out else None
                    if (last is not None and last.group is prev and prev.total is None
                            and g.total is None and _JOIN_AND.match(t, prev.end, g.start)
                            and ((prev.individuals == 0 and g.collectives == 0)
                                 or (prev.collectives == 0 and g.individuals == 0))):
                        prev.collectives = (prev.collectives or 0) + (g.collectives or 0)
                        prev.individuals = (prev.individuals or 0) + (g.individuals or 0)
                        prev.end = last.end = g.end
                        bound = g.end
                        continue
                prev = g
                if anchor is None:
                    k = bisect.bisect_left(starts, g.end)
                    if (k < len(anchors) and anchors[k].start - g.end <= 60
                            and _GOT.search(t, g.end, anchors[k].start)):
                        anchor = anchors[k]
            if anchor is None or (not g.numeric and anchor.start > g.start
                                  and g.anchor is None):
                continue
            if lex.total.search(t, max(a, g.start - _NEAR), g.start) and (have_tallies or out):
                bound = g.end
                continue
            # issuer
            issuer = None
            verb_start = None
            lo, hi = min(anchor.end, g.start), max(anchor.end, g.start)
            if anchor.start < g.start and anchor.follow == "issuer":
                issuer = _issuer_after(lex, t, anchor.end, g.start)
            elif anchor.start < g.start and anchor.award is not None:
                issuer = _issuer_after(lex, t, anchor.end, g.start)
                if issuer and not _CUA_ONLY.match(t, anchor.end, issuer[0]):
                    issuer = None
            elif anchor.start > g.start:
                issuer = _issuer_after(lex, t, anchor.end, b)
                if issuer and not _CUA_ONLY.match(t, anchor.end, issuer[0]):
                    issuer = None
            same = lex.same_level.search(t, lo, min(hi, lo + _NEAR)) is not None
            head_start = max(bound, a, anchor.start - _NEAR)
            head = t[head_start:anchor.start]
            vm = lex.verb_before.search(head)
            if anchor.award is None:
                verb_start = anchor.start
            elif vm:
                verb_start = head_start + vm.start()
            if anchor.start > g.start and g.verb is not None:
                verb_start = g.verb  # "UBND tỉnh tặng Công an huyện A Bằng khen": its subject
            # "nhận Bằng khen": the subject receives; but "công nhận danh hiệu" gives
            rm = lex.receive_before.search(head)
            receiving = rm is not None and (vm is None or rm.start() <= vm.start())
            issuer_text: str | None = None
            if issuer:
                issuer_text = _clean(t[issuer[0]:issuer[1]])
            elif same:
                issuer_text = last_issuer_text
            elif anchor.start > g.start and g.verb is None:
                # "5 tập thể, 7 cá nhân được UBND tỉnh tặng Bằng khen"
                pm = lex.passive.search(t, g.end, anchor.start)
                if pm:
                    issuer = (pm.start("x"), pm.end("x"))
                    issuer_text = _clean(pm["x"])
            elif verb_start is not None and not receiving:
                region_start = max(bound, a)
                lead = _LEAD.match(t, region_start, verb_start)
                rs = lead.end() if lead else region_start
                if rs >= verb_start and clause_subject is not None:
                    issuer = clause_subject
                else:
                    issuer = _subject(lex, t, rs, verb_start)
                if issuer:
                    issuer_text = _clean(t[issuer[0]:issuer[1]])
                    if clause_subject is None:
                        clause_subject = issuer
            if clause_subject is None and verb_start is not None and not receiving:
                cs = _subject(lex, t, max(bound, a), verb_start)
                clause_subject = cs
            start = min(anchor.start, g.start)  # and the verb's and issuer's, when known
            if verb_start is not None:
                start = min(start, verb_start)
            if issuer:
                start = min(start, issuer[0])
            end = max(anchor.end, g.end)
            out.append((_Tally(start, end, anchor.award, issuer, g), issuer_text))
            if issuer_text:
                last_issuer_text = issuer_text
            bound = g.end
    return out


def _candidate_sentences(doc: Document,
                         keys: tuple[tuple[str, tuple[tuple[str, int], ...]], ...],
                         low: str) -> list[Sentence]:
    """Sentences holding one of the prefilter words (lower case, grouped by ``_prefilter_keys``):
    plain substring scans of the lower-cased text, far cheaper than a case-insensitive regex
    alternation over every sentence. A sentence is kept when a word occurrence starts in it.
    ``low`` is ``doc.norm.lower()``."""
    if len(low) != len(doc.norm):  # a rare letter whose lower case changes length
        return list(doc.sentences)
    hits: set[int] = set()
    for key, words in keys:
        own = len(words) == 1 and words[0][0] == key
        step = len(key) if own else 1  # own key: non-overlapping hits, as a find loop gives
        i = low.find(key)
        while i >= 0:
            for w, off in words:
                st = i - off
                if own or (st >= 0 and low.startswith(w, st)):
                    s = doc.sentence_at(st)
                    if s is not None:
                        hits.add(s.index)
            i = low.find(key, i + step)
    return [s for s in doc.sentences if s.index in hits]


def _restated(a: AwardTally, body: list[AwardTally]) -> bool:
    """A headline or caption tally that restates a body tally (same award and numbers)."""
    key = (_key(a.award or ""), a.collectives, a.individuals, a.total)
    return any((_key(b.award or ""), b.collectives, b.individuals, b.total) == key
               for b in body)


def extract(doc: Document) -> list[AwardTally]:
    """Award tallies of the article, in text order; a repeated identical tally, or a headline
    or caption restating a body tally, once."""
    found = _extract(doc)
    in_title = {s.index for s in doc.sentences if s.in_title}
    body = [a for a in found if not a.in_caption and a.sentence not in in_title]
    return [a for a in found
            if not ((a.in_caption or a.sentence in in_title) and _restated(a, body))]


def _extract(doc: Document) -> list[AwardTally]:
    lex = _lex()
    out: list[AwardTally] = []
    seen: set[tuple] = set()
    last_issuer: str | None = None
    norm = doc.norm
    low = norm.lower()
    pieces = [p for s in _candidate_sentences(doc, lex.prefilter_keys, low)
              for p in sentence_pieces(doc, s)]
    lowered = bool(pieces) and _lowered(norm, low)
    tw = _twins() if lowered else None
    for p0, p1 in pieces:
        for tally, issuer_text in _in_sentence(lex, tw, norm[p0:p1], bool(out), last_issuer,
                                               low[p0:p1] if lowered else None):
            g = tally.group
            issuer: str | None = None
            if tally.issuer:
                a, b = doc.normalized.to_source(p0 + tally.issuer[0], p0 + tally.issuer[1])
                issuer = _clean(doc.text[a:b]) or None
            if issuer is None and issuer_text:
                issuer = issuer_text
            key = (_key(tally.award or ""), _key(issuer or ""), g.collectives,
                   g.individuals, g.total)
            if key in seen:
                continue
            seen.add(key)
            if issuer:
                last_issuer = issuer
            # the validating constructor: for a model this small it is cheaper than
            # ``model_construct`` (pydantic-core validates in one native call)
            out.append(AwardTally(
                **doc.provenance(p0 + tally.start, p0 + tally.end), award=tally.award,
                issuer=issuer, collectives=g.collectives, individuals=g.individuals,
                total=g.total))
    return out
