"""Named community-security models: "mô hình “…”", "mô hình Camera an ninh tại …", and the
items of "các mô hình như: A, B, C".

Rules follow gold/CONVENTIONS.md (models): a quoted name after the head noun (with up to four
lower-case words between, "mô hình tự quản “…”"), an unquoted name that starts with a capital
letter right after it (ending before tại/ở/của/…/punctuation), and the capitalised or quoted
items of a list the head noun introduces. Forums, movements, campaigns, steering committees,
contests and generic uses ("mô hình điểm") are dropped by the exclusion lexicon. One fact per
distinct name (``match_key``); the first mention gives the span, a later one may give the place.
The word lists live in resources/model_markers.tsv and resources/model_exclusions.tsv.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import regex

from ..pattern_cache import re_compile, regex_compile
from ..document import Document
from ..models import NamedModel, Sentence
from ..normalize import match_key
from ..patterns import alternation, bmp_only, holds_split_only_space, odd_chars, stdlib_class


@lru_cache(maxsize=8192)
def _key(s: str) -> str:
    """``match_key`` memoised: the same short strings recur across sentences and articles."""
    return match_key(s)
from ..resources import ResourceError, load_tsv

# “ is the usual opener, but portals also open with ” or straight quotes and close with ’ or “.
OPEN_QUOTES = "“\"‘'«„”"
QUOTES = "“”\"‘’'«»„"
# literal characters only: the stdlib engine matches exactly what the regex module would
_QUOTED = re_compile(rf"[{OPEN_QUOTES}]([^{QUOTES}\n]{{1,250}})[{QUOTES}]")
_TOKEN_RE = regex_compile(rf"[^\s,;:!?()\[\]…{QUOTES}]+")
_SPACES_RE = regex_compile(r"\s*")
_WS_RE = regex_compile(r"\s+")
# The three above on the stdlib engine, which matches these small patterns in half the time:
# the regex module's \s listed as a class (the stdlib's own \s also takes \x1c-\x1f). Equal on
# any text: the listing covers the BMP, and no astral character is whitespace (tested in
# tests/test_recasts_awards.py).
REGEX_SPACE = stdlib_class(r"\s")[1:-1]
_TOKEN = re_compile(rf"[^{REGEX_SPACE},;:!?()\[\]…{QUOTES}]+")
_SPACES = re_compile(rf"[{REGEX_SPACE}]*")
_WS = re_compile(rf"[{REGEX_SPACE}]+")
_EDGES = regex_compile(r"^[\p{P}\s]+|[\s,;:.…]+$")
_LEAD_EDGE = regex_compile(r"[\p{P}\s]+")  # the leading half of _EDGES
_WORDS = regex_compile(r"[\p{L}\p{M}]+")
_LETTER = regex_compile(r"\p{L}")
_NUM_AFTER = regex_compile(r"\s+\d")
_PLACE_SEP = regex_compile(r",\s*|\s+và\s+", regex.I)
_INNER_WORD = re_compile(rf"[{REGEX_SPACE}][^{REGEX_SPACE}]")  # \s\S
_OPEN = re_compile(rf"[{OPEN_QUOTES}]")
_COLON_LIST = regex_compile(r"(?:\s+[\p{Ll}]+){0,5}?\s*:\s*")
_SENT_BREAK = re_compile(rf"[.;!?…][{REGEX_SPACE}]")  # [.;!?…]\s
_ANY_QUOTE = re_compile(rf"[{QUOTES}]")
_JOIN = regex_compile(r"\s*(?:,\s*và|,|và)\s*", regex.I)
_SEP = regex_compile(r"\s*(?:[,;]|\s(?:và|hoặc)(?=\s))\s*", regex.I)
_MAX_NAME_TOKENS = 16
_MAX_GAP_WORDS = 4
_NEAR = 300  # how far after a name its place is looked for

_LOWER_START = regex_compile(r"\s*\p{Ll}")
_KINDS = {"trigger", "gap_block", "list_intro", "plural", "stop", "single_stop", "place_prep",
          "place_level"}
_EXCL_KINDS = {"not_model", "generic"}


@dataclass(frozen=True)
class _Lexicon:
    trigger: regex.Pattern[str]
    list_intro: regex.Pattern[str]
    stop: regex.Pattern[str]
    single_stop: regex.Pattern[str]
    place_prep: regex.Pattern[str]
    place_level: regex.Pattern[str]
    place_level_word: regex.Pattern[str]
    plural: regex.Pattern[str]
    gap_block: frozenset[str]
    not_model: tuple[str, ...]
    not_model_set: frozenset[str]
    not_model_heads: tuple[str, ...]  # each not_model word + " ": one ``startswith`` call
    list_intro_keys: tuple[str, ...]  # each list_intro word holds one (lower case)
    list_intro_odd: frozenset[str]  # see :func:`..patterns.odd_chars`
    generic: frozenset[str]
    # stop | trigger (| single_stop): where a name ends, one match instead of two or three
    list_end: regex.Pattern[str]
    single_end: regex.Pattern[str]


@cache
def _lexicon() -> _Lexicon:
    """Compile the marker and exclusion lexicons once (validated: known kinds, no empty words)."""
    by: dict[str, list[str]] = {k: [] for k in _KINDS}
    for row in load_tsv("model_markers.tsv"):
        if row["kind"] not in _KINDS or not row["word"]:
            raise ResourceError(f"model_markers.tsv: bad row {row}")
        by[row["kind"]].append(row["word"])
    ex: dict[str, list[str]] = {k: [] for k in _EXCL_KINDS}
    for row in load_tsv("model_exclusions.tsv"):
        if row["kind"] not in _EXCL_KINDS or not row["word"]:
            raise ResourceError(f"model_exclusions.tsv: bad row {row}")
        ex[row["kind"]].append(match_key(row["word"]))
    for k in ("trigger", "list_intro", "plural", "stop", "single_stop", "place_prep",
              "place_level"):
        if not by[k]:
            raise ResourceError(f"model_markers.tsv: no {k} entries")
    edge_l, edge_r = r"(?<![\p{L}\p{M}\p{N}])", r"(?![\p{L}\p{M}\p{N}])"
    trigger = rf"{edge_l}(?:{alternation(by['trigger'])}){edge_r}"
    stop = rf"(?:{alternation(by['stop'])}){edge_r}"
    single_stop = rf"(?:{alternation(by['single_stop'])}){edge_r}"
    return _Lexicon(
        trigger=regex_compile(trigger, regex.I),
        list_intro=regex_compile(
            rf"{edge_l}(?:{alternation(by['list_intro'])}){edge_r}\s*:?\s*", regex.I),
        stop=regex_compile(stop, regex.I),
        single_stop=regex_compile(single_stop, regex.I),
        place_prep=regex_compile(rf"{edge_l}(?:{alternation(by['place_prep'])})\s+", regex.I),
        place_level=regex_compile(rf"(?:{alternation(by['place_level'])})(?![\p{{L}}\p{{M}}])",
                                  regex.I),
        place_level_word=regex_compile(
            rf"{edge_l}(?:{alternation(by['place_level'])}){edge_r}", regex.I),
        plural=regex_compile(rf"{edge_l}(?:{alternation(by['plural'])})\s+$", regex.I),
        gap_block=frozenset(match_key(w) for w in by["gap_block"]),
        not_model=tuple(ex["not_model"]),
        not_model_set=frozenset(ex["not_model"]),
        not_model_heads=tuple(w + " " for w in ex["not_model"]),
        generic=frozenset(ex["generic"]),
        list_intro_keys=_shortest_cover([w.lower() for w in by["list_intro"]]),
        list_intro_odd=odd_chars([w.lower() for w in by["list_intro"]]),
        list_end=regex_compile(rf"{stop}|{trigger}", regex.I),
        single_end=regex_compile(rf"{stop}|{trigger}|{single_stop}", regex.I),
    )


def _shortest_cover(words: list[str]) -> tuple[str, ...]:
    """A few of ``words`` such that each word contains one ("như", "gồm" for "bao gồm" and
    "gồm có"): the shortest first, each kept when no kept word is inside it."""
    keys: list[str] = []
    for w in sorted(set(words), key=lambda w: (len(w), w)):
        if not any(k in w for k in keys):
            keys.append(w)
    return tuple(keys)


def may_hold(text: str, keys: tuple[str, ...], odd: frozenset[str]) -> bool:
    """False only when no case-insensitive match of a word holding one of the lower-case
    ``keys`` can be in ``text``: ``text`` lower-cased holds none of them, and no character of
    ``text`` escapes that test (``odd`` from :func:`odd_chars` over the words, astral ones)."""
    low = text.lower()
    return (any(map(low.__contains__, keys)) or len(low) != len(text)
            or any(map(text.__contains__, odd)) or not bmp_only(text))


@dataclass
class _Found:
    start: int  # span of the mention (with its quotes) in the sentence text
    end: int
    nstart: int  # span of the name itself
    nend: int
    quoted: bool
    location: tuple[int, int] | None  # span of the place phrase


def _is_capitalised(word: str) -> bool:
    """A proper-name start: "Camera", "Tổ", "Xóm" (not an all-caps abbreviation like "ANTT")."""
    w = word.strip(".")
    return bool(w) and w[0].isupper() and (len(w) == 1 or not w.isupper())


def _clean(name: str) -> str:
    """``name`` with its spaces collapsed and its edge punctuation cut, i.e.
    ``_EDGES.sub("", _WS.sub(" ", name).strip())``, written with str methods: regex ``sub``
    costs several microseconds a call. After ``split``/``join`` the only space left is " ",
    so the trailing half of _EDGES is an ``rstrip``; a leading run needs a non-alphanumeric
    first character (no letter or digit is punctuation)."""
    if not name.isprintable() and holds_split_only_space(name):
        return _EDGES.sub("", _WS_RE.sub(" ", name).strip())
    s = " ".join(name.split())
    if s and not s[0].isalnum():
        m = _LEAD_EDGE.match(s)
        if m:
            s = s[m.end():]
    return s.rstrip(" ,;:.…")


def _title_case(name: str) -> bool:
    """Every word capitalised ("Hoằng Trường", "Hoằng Hải"): a place or person, not a model,
    whose names are written in sentence case ("Camera an ninh")."""
    words = _WORDS.findall(name)
    return len(words) >= 1 and all(w[0].isupper() for w in words)


def _acceptable(name: str) -> bool:
    """Not empty, not generic, not a forum/movement/campaign/... name."""
    lex = _lexicon()
    key = _key(name)
    if not key or not _LETTER.search(key) or key in lex.generic:
        return False
    return not (key in lex.not_model_set or key.startswith(lex.not_model_heads))


def _read_unquoted(t: str, i: int, lists: bool) -> tuple[int, int, bool] | None:
    """An unquoted capitalised name starting at ``i``: (start, end, ended_by_stop_word).

    In a list (``lists``) a comma followed by a lower-case word continues the name ("Tổ nhân dân
    tự quản về an ninh, trật tự"); elsewhere punctuation ends it.
    """
    lex = _lexicon()
    first = _TOKEN.match(t, i)
    if not first or not _is_capitalised(first.group()):
        return None
    end = first.end()
    if first.group().endswith(".") and len(first.group()) > 2:
        return i, end - 1, False
    n = 1
    pos = end
    while n < _MAX_NAME_TOKENS:
        m = _TOKEN.search(t, pos)
        if not m:
            break
        gap = t[pos:m.start()]
        if gap.strip():
            if not (lists and gap.strip() == "," and not _is_capitalised(m.group())
                    and not lex.list_end.match(t, m.start())):
                break
        elif not gap:
            break
        if (lex.list_end if lists else lex.single_end).match(t, m.start()):
            return i, end, True
        word = m.group()
        if word.casefold() in ("và", "hoặc"):
            nxt = _TOKEN.search(t, m.end())
            if (not nxt or t[m.end():nxt.start()].strip() or _is_capitalised(nxt.group())
                    or lex.trigger.match(t, nxt.start())):
                break
        if word.endswith(".") and not word[:-1].isupper():
            end = m.end() - 1
            break
        end = m.end()
        pos = end
        n += 1
    return i, end, False


def _read_quoted(t: str, i: int) -> tuple[int, int, str] | None:
    """A quoted name whose opening quote is at ``i``: (start, end incl. quotes, inner text)."""
    m = _QUOTED.match(t, i)
    if not m:
        return None
    return m.start(), m.end(), m.group(1)


def _place_at(t: str, i: int) -> tuple[int, int] | None:
    """A place phrase at ``i``: level word + name words, chained by ", " or " và " + level word."""
    lex = _lexicon()
    start = i
    end = None
    pos = i
    first = lex.place_level.match(t, i)
    if not first:
        return None
    lv_first = first.group()
    while True:
        lv = lex.place_level.match(t, pos)
        if not lv:
            break
        end = lv.end()
        p = end
        while True:
            m = _WS.match(t, p)
            if not m:
                break
            tok = _TOKEN.match(t, m.end())
            if tok and tok.group().casefold() == "số":  # "tổ dân phố số 12"
                num = _NUM_AFTER.match(t, tok.end())
                if num:
                    p = end = tok.end()
                    continue
            if not tok or not (_is_capitalised(tok.group()) or tok.group()[0].isdigit()):
                break
            if lex.place_level.fullmatch(tok.group()):
                break
            word = tok.group()
            p = tok.end() - (1 if word.endswith(".") and not word[:-1].isupper() else 0)
            end = p
            if word.endswith("."):
                break
        sep = _PLACE_SEP.match(t, end)
        if not sep or not lex.place_level.match(t, sep.end()):
            break
        pos = sep.end()
    if end is None or not _INNER_WORD.search(t, start + len(lv_first), end):
        return None
    return start, end


def _clause_end(t: str, i: int) -> int:
    """End of the clause containing ``i``: the next ";" or the end of the sentence."""
    j = t.find(";", i, i + _NEAR)
    return min(len(t), i + _NEAR) if j < 0 else j


def _location_after(t: str, i: int, limit: int) -> tuple[int, int] | None:
    """The first place the clause ties to a name ending at ``i`` ("… tại xã A, huyện B")."""
    lex = _lexicon()
    for m in lex.place_prep.finditer(t, i, limit):
        span = _place_at(t, m.end())
        if span:
            return span
    return None


def _gap_blocked(gap: str) -> bool:
    """Words between the head noun and a quote that show the quote names something else
    ("mô hình và phong trào “…”")."""
    lex = _lexicon()
    key = _key(gap)
    if not key:
        return False
    words = key.split()
    if any(w in lex.gap_block for w in words):
        return True
    padded = f" {key} "
    return any(f" {w} " in padded for w in lex.not_model)


def _direct(t: str, trig_end: int) -> tuple[_Found, int] | None:
    """The model named right after a head noun ending at ``trig_end``; also its end offset."""
    pos = trig_end
    gap_words = 0
    while gap_words <= _MAX_GAP_WORDS:
        sp = _SPACES.match(t, pos)
        j = sp.end() if sp else pos
        if j >= len(t) or (j == pos and j > trig_end):
            return None
        if t[j] in OPEN_QUOTES:
            q = _read_quoted(t, j)
            if not q or _gap_blocked(t[trig_end:j]):
                return None
            ns, ne = q[0] + 1, q[1] - 1
            # after other words, a lower-case quote is a figure of speech ("mô hình đã trở thành
            # “cánh tay nối dài”"), not the model's name, which is written capitalised
            if gap_words and _LOWER_START.match(t, ns):
                return None
            if not _acceptable(_clean(t[ns:ne])):
                return None
            limit = min(_clause_end(t, q[1]), _next_boundary(t, q[1]))
            return _Found(q[0], q[1], ns, ne, True, _location_after(t, q[1], limit)), q[1]
        if gap_words == 0 and j > pos:
            u = _read_unquoted(t, j, lists=False)
            if u:
                name = _clean(t[u[0]:u[1]])
                if len(name.split()) < 2 or _title_case(name) or not _acceptable(name):
                    return None
                limit = min(_clause_end(t, u[1]), _next_boundary(t, u[1]))
                return _Found(u[0], u[1], u[0], u[1], False,
                              _location_after(t, u[1], limit)), u[1]
        tok = _TOKEN.match(t, j)
        if not tok or not tok.group().isalpha() or not tok.group().islower():
            return None
        pos = tok.end()
        gap_words += 1
    return None


def _next_boundary(t: str, i: int) -> int:
    """The next head noun or opening quote after ``i`` (a place after it belongs elsewhere)."""
    m = _lexicon().trigger.search(t, i, i + _NEAR)
    q = _OPEN.search(t, i, i + _NEAR)
    ends = [min(len(t), i + _NEAR)]
    if m:
        ends.append(m.start())
    if q:
        ends.append(q.start())
    return min(ends)


def _list_items(t: str, trig_start: int, trig_end: int) -> list[_Found]:
    """Items of a list the head noun introduces: "các mô hình như: A, B", "các mô hình: A; B"."""
    lex = _lexicon()
    start = None
    head = t[trig_end:trig_end + 200]
    colon = _COLON_LIST.match(head)
    if colon:
        start = trig_end + colon.end()
    elif may_hold(head, lex.list_intro_keys, lex.list_intro_odd):  # else no list_intro match
        # "các mô hình, gương điển hình … như “…”": no full stop, quote or other head noun between
        stop_at = len(head)
        for pat in (_SENT_BREAK, _ANY_QUOTE):
            mm = pat.search(head)
            if mm:
                stop_at = min(stop_at, mm.start())
        tm = lex.trigger.search(head)
        if tm:
            stop_at = min(stop_at, tm.start())
        m = lex.list_intro.search(head, 0, stop_at + 40 if stop_at < len(head) else len(head))
        if m and m.start() <= stop_at:
            gap = head[:m.start()]
            words = gap.split()
            # a short gap ("mô hình tiêu biểu như") is always the list of models; a long one only
            # after a plural ("các mô hình, gương điển hình … như") without a place noun in it,
            # which would own the list instead ("mô hình ra các xã ven biển như …")
            plural = lex.plural.search(t[max(0, trig_start - 12):trig_start]) is not None
            if len(words) <= 3 or (plural and len(words) <= 25
                                   and not lex.place_level_word.search(gap)):
                start = trig_end + m.end()
    if start is None:
        return []
    out: list[_Found] = []
    pos = start
    while pos < len(t) and len(out) < 30:
        sp = _SPACES.match(t, pos)
        pos = sp.end() if sp else pos
        if pos >= len(t) or lex.trigger.match(t, pos):
            break
        if t[pos] in OPEN_QUOTES:
            q = _read_quoted(t, pos)
            if not q:
                break
            item_start, item_end, quoted, by_stop = q[0], q[1], True, False
            ns, ne = q[0] + 1, q[1] - 1
        else:
            u = _read_unquoted(t, pos, lists=True)
            if not u:
                break
            item_start, item_end, by_stop = u
            ns, ne, quoted = item_start, item_end, False
        name = _clean(t[ns:ne])
        nxt = _SEP.match(t, item_end)
        location = None
        pm = lex.place_prep.match(t, item_end + len(t[item_end:]) - len(t[item_end:].lstrip()))
        if pm:
            span = _place_at(t, pm.end())
            if span:
                location = span
                nxt = _SEP.match(t, span[1])
        if _acceptable(name) and (quoted or (len(name.split()) >= 2 and not _title_case(name))):
            out.append(_Found(item_start, item_end, ns, ne, quoted, location))
        if by_stop and not pm:
            break
        if not nxt:
            break
        pos = nxt.end()
    return out


def _in_sentence(t: str) -> list[_Found]:
    """All model mentions in one sentence, in text order."""
    lex = _lexicon()
    found: list[_Found] = []
    covered_until = -1
    for m in lex.trigger.finditer(t):
        if m.start() < covered_until:
            continue
        d = _direct(t, m.end())
        if d:
            f, end = d
            found.append(f)
            covered_until = end
            # "mô hình “A” và “B”": quoted names joined to the first
            while True:
                c = _JOIN.match(t, end)
                if not c or c.end() >= len(t) or t[c.end()] not in OPEN_QUOTES:
                    break
                q = _read_quoted(t, c.end())
                if not q or not _acceptable(_clean(q[2])):
                    break
                limit = min(_clause_end(t, q[1]), _next_boundary(t, q[1]))
                found.append(_Found(q[0], q[1], q[0] + 1, q[1] - 1, True,
                                    _location_after(t, q[1], limit)))
                end = covered_until = q[1]
            continue
        items = _list_items(t, m.start(), m.end())
        if items:
            found.extend(items)
            covered_until = items[-1].end
    return found


def _candidate_sentences(doc: Document, pattern: regex.Pattern[str]) -> list[Sentence]:
    """Sentences holding a match of ``pattern``: one scan of the whole text, not one per
    sentence."""
    out: list[Sentence] = []
    for m in pattern.finditer(doc.norm):
        s = doc.sentence_at(m.start())
        if s is not None and (not out or out[-1].index != s.index):
            out.append(s)
    return out


MAX_PIECE = 2000  # no real sentence is longer; longer runs (a page without full stops) are cut


def sentence_pieces(doc: Document, s: Sentence) -> list[tuple[int, int]]:
    """``norm`` spans of a sentence, cut at a ";" or "," when it is longer than ``MAX_PIECE``,
    so that the rules' local look-arounds stay bounded on pathological input."""
    out: list[tuple[int, int]] = []
    a = s.start
    while s.end - a > MAX_PIECE:
        cut = max(doc.norm.rfind(";", a + MAX_PIECE // 2, a + MAX_PIECE),
                  doc.norm.rfind(",", a + MAX_PIECE // 2, a + MAX_PIECE))
        cut = cut + 1 if cut > 0 else a + MAX_PIECE
        out.append((a, cut))
        a = cut
    out.append((a, s.end))
    return out


def extract(doc: Document) -> list[NamedModel]:
    """Named models of the article, one per distinct name, in order of first mention."""
    lex = _lexicon()
    out: list[NamedModel] = []
    index: dict[str, int] = {}
    pieces = [p for s in _candidate_sentences(doc, lex.trigger) for p in sentence_pieces(doc, s)]
    for p0, p1 in pieces:
        for f in _in_sentence(doc.norm[p0:p1]):
            a, b = doc.normalized.to_source(p0 + f.nstart, p0 + f.nend)
            name = _clean(doc.text[a:b])
            place = None
            if f.location:
                a, b = doc.normalized.to_source(p0 + f.location[0], p0 + f.location[1])
                place = _clean(doc.text[a:b]) or None
            key = _key(name)
            if not key:
                continue
            if key in index:
                i = index[key]
                if out[i].location is None and place:
                    out[i] = out[i].model_copy(update={"location": place})
                continue
            index[key] = len(out)
            # the validating constructor: for a model this small it is cheaper than
            # ``model_construct`` (pydantic-core validates in one native call)
            out.append(NamedModel(**doc.provenance(p0 + f.start, p0 + f.end),
                                  name=name, location=place, quoted=f.quoted))
    return out
