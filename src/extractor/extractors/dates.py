"""Calendar dates named in an article, and the date of the event it reports.

Vietnamese portals write dates as "Chiều ngày 20/10", "17/9/2024", "ngày 5 tháng 3 năm 2023",
"Ngày 5-10", "tháng 8/2021", "năm 2022", "quý III/2023", "giai đoạn 2021-2023",
"7 tháng đầu năm 2023", "10 tháng năm 2023" (its first ten months), "từ năm 2018 đến tháng
10/2023". Each form is a small regex; candidates
are resolved leftmost-longest, adjacent ones joined by "đến/tới/-" become ranges, and year-less
dates get the year the context gives (publication stamp, "sơ kết N năm" after a launch date, or
the latest year the text names). A bare "20/10" is only a date after a cue ("ngày", a part of
the day, a weekday, or a preposition with no counted noun after it), so ratios ("10/10 thôn"),
document numbers ("280/KH-CAT") and names ("Ban Chỉ đạo 138") never match.
Word lists live in ``resources/date_words.tsv``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Final, NamedTuple

import regex

from ..pattern_cache import regex_compile
from ..document import Document
from ..models import DateMention
from ..numbers import parse_number_words, word_number_pattern
from ..patterns import SPLIT_ONLY_SPACES
from ..resources import ResourceError, load_tsv

_ROLES = ("part_of_day", "weekday", "weak_cue", "follower", "period", "review", "launch_verb",
          "event_word", "document", "frequency", "target", "year_cue", "stem", "branch",
          "lunar_day", "night", "dawn")
_ROMAN: Final = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_FUTURE_PENALTY: Final = 3  # a year-less date after the stamp is less likely than one before it


# --------------------------------------------------------------------------------------------
# lexicon and patterns
# --------------------------------------------------------------------------------------------
@cache
def _words() -> dict[str, tuple[str, ...]]:
    """Word lists by role from date_words.tsv (validated: every role present, no unknown role)."""
    out: dict[str, list[str]] = {r: [] for r in _ROLES}
    for i, row in enumerate(load_tsv("date_words.tsv"), start=1):
        role, word = row.get("role", ""), row.get("word", "")
        if role not in out or not word:
            raise ResourceError(f"date_words.tsv: entry {i}: bad role or word: {row}")
        out[role].append(word)
    for role, ws in out.items():
        if not ws:
            raise ResourceError(f"date_words.tsv: no entry for role {role}")
    return {r: tuple(sorted(set(ws), key=lambda w: (-len(w), w))) for r, ws in out.items()}


def _alt(role: str) -> str:
    """A non-capturing alternation of a role's words, spaces matching any run of spaces."""
    return "(?:" + "|".join(regex.escape(w).replace(r"\ ", " ").replace(" ", r"\s+")
                            for w in _words()[role]) + ")"


def _cased_alt(words: tuple[str, ...] | list[str]) -> str:
    """An alternation whose words must start with the capital written in the lexicon (the
    rest of each word in any case): "tháng Hai" is February, "tháng hai lần" is not."""
    parts = []
    for w in sorted(set(words), key=lambda x: (-len(x), x)):
        head, rest = w[0], w[1:]
        rest_re = regex.escape(rest).replace(r"\ ", " ").replace(" ", r"\s+")
        parts.append(f"(?-i:{regex.escape(head)})(?i:{rest_re})")
    return "(?:" + "|".join(parts) + ")"


@cache
def _months() -> dict[str, int]:
    """Month names written as words ("Hai" 2, "Tư" 4, "Mười Hai" 12), keyed casefolded with
    single spaces (resources/date_months.tsv, validated: 1..12)."""
    out: dict[str, int] = {}
    for i, row in enumerate(load_tsv("date_months.tsv"), start=1):
        w, m = row.get("word", ""), row.get("month", "")
        if not w or not m.isdigit() or not 1 <= int(m) <= 12:
            raise ResourceError(f"date_months.tsv: entry {i}: bad word or month: {row}")
        out[" ".join(w.casefold().split())] = int(m)
    return out


def _alt_months() -> str:
    """Month words in any case, for forms where a year follows ("tháng mười năm 2023")."""
    return "(?:" + "|".join(regex.escape(w).replace(r"\ ", r"\s+")
                            for w in sorted(_months(), key=lambda x: (-len(x), x))) + ")"


def _month_of(m: regex.Match[str], group: str = "m") -> int:
    """The month of a match: digits in ``group``, or a month word in group "mw"."""
    mw = m["mw"]  # every caller's pattern has the group: no groupdict() dict per match
    if mw:
        return _months()[" ".join(mw.casefold().split())]
    return int(m[group])


@dataclass(frozen=True)
class _Patterns:
    # cores: each starts at a digit or a keyword, so a scan fails fast at other positions
    dmy: regex.Pattern[str]
    dm_words: regex.Pattern[str]
    dm_range: regex.Pattern[str]
    day_range: regex.Pattern[str]
    day_pair: regex.Pattern[str]
    dm: regex.Pattern[str]
    my: regex.Pattern[str]
    my_bare: regex.Pattern[str]
    month_range: regex.Pattern[str]
    month: regex.Pattern[str]
    year: regex.Pattern[str]
    bare_year: regex.Pattern[str]
    festival_left: regex.Pattern[str]
    festival_tail: regex.Pattern[str]
    year_range: regex.Pattern[str]
    half: regex.Pattern[str]
    half_n: regex.Pattern[str]
    quarter: regex.Pattern[str]
    # where a digit-led or "tháng"-led core can start (see _DIGIT_CORES, _THANG_CORES)
    digit_start: regex.Pattern[str]
    thang_start: regex.Pattern[str]
    # left contexts, searched in a short window ending where a core starts
    strong_left: regex.Pattern[str]
    weak_left: regex.Pattern[str]
    from_left: regex.Pattern[str]
    period_left: regex.Pattern[str]
    target_left: regex.Pattern[str]
    # right contexts and helpers
    follower_ok: regex.Pattern[str]
    connector: regex.Pattern[str]
    review: regex.Pattern[str]
    launch: regex.Pattern[str]
    event: regex.Pattern[str]
    document_before: regex.Pattern[str]
    night: regex.Pattern[str]
    dawn: regex.Pattern[str]


@cache
def _patterns() -> _Patterns:
    """Compile every date pattern once (bounded: no nested quantifiers over the same text)."""
    pod, wd, weak = _alt("part_of_day"), _alt("weekday"), _alt("weak_cue")
    fol, per, rev = _alt("follower"), _alt("period"), _alt("review")
    freq = _alt("frequency")
    month_words = [r["word"] for r in load_tsv("date_months.tsv")]
    mw = rf"(?P<mw>{_cased_alt(month_words)})(?![\p{{L}}\p{{M}}\p{{N}}])"
    lunar = rf"{_alt('lunar_day')}(?:\s+\d{{1,2}})?(?:\s+Tết|\s+tháng\s+\p{{L}}+(?:\s+\p{{L}}+)?)?"
    num_w = word_number_pattern()
    nb = r"(?=\d)(?<![\p{N}/.,])"  # not inside a longer number; (?=\d) first keeps scans fast
    day = rf"{nb}(?P<d>0?[1-9]|[12]\d|3[01])"
    mon = r"(?P<m>0?[1-9]|1[0-2])"
    yr = r"(?:1[89]\d\d|20\d\d|21\d\d)"
    year = rf"(?P<y>{yr})(?![\p{{N}}]|[.,]\p{{N}}|\s?/\s?[\p{{L}}\p{{N}}])"
    # what may not follow a day-month: more number parts (then it is something else)
    no_more = r"(?![\p{N}]|\s?[/.-]\s?\p{N}|/\p{L}|-\p{Lu})"
    f = regex.I | regex.V0
    return _Patterns(
        dmy=regex_compile(rf"{day}\s?(?P<s>[/.-])\s?{mon}\s?(?P=s)\s?{year}", f),
        dm_words=regex_compile(
            rf"{day}\s+tháng\s+(?:{mon}(?![\p{{N}}])|{mw})(?:\s+năm\s+{year})?", f),
        dm_range=regex_compile(  # "30/4 – 1/5", "từ 28/12/2023 đến 2/1/2024"
            rf"{nb}(?P<d1>0?[1-9]|[12]\d|3[01])\s?/\s?(?P<m1>0?[1-9]|1[0-2])"
            rf"(?:\s?/\s?(?P<y1>{yr}))?(?![\p{{N}}]|\s?/\s?\p{{N}})"
            rf"(?:\s*[-–]\s*|\s+(?:đến|tới)\s+(?:hết\s+)?)(?:ngày\s+)?"
            rf"(?P<d2>0?[1-9]|[12]\d|3[01])\s?/\s?(?P<m2>0?[1-9]|1[0-2])(?:\s?/\s?{year})?{no_more}",
            f),
        day_range=regex_compile(
            rf"{nb}(?P<d1>0?[1-9]|[12]\d|3[01])(?:\s?[-–]\s?|\s+(?:đến|tới)\s+)(?:ngày\s+)?"
            rf"(?P<d2>0?[1-9]|[12]\d|3[01])\s?/\s?{mon}(?:\s?/\s?{year})?{no_more}", f),
        day_pair=regex_compile(
            rf"{nb}(?P<d1>0?[1-9]|[12]\d|3[01])(?P<e1>)(?:\s*,\s*|\s+và\s+)(?:ngày\s+)?"
            rf"(?P<d2>0?[1-9]|[12]\d|3[01])\s?/\s?{mon}(?:\s?/\s?{year})?{no_more}", f),
        dm=regex_compile(rf"{day}\s?(?P<s>[/-])\s?{mon}{no_more}(?:\s+năm\s+{year})?", f),
        my=regex_compile(rf"\btháng\s+(?:{mon}|(?P<mw>{_alt_months()}))"
                         rf"(?:\s?[/.-]\s?|\s+năm\s+){year}", f),
        my_bare=regex_compile(rf"{nb}{mon}\s?/\s?{year}", f),
        month_range=regex_compile(
            rf"\btháng\s+(?P<m1>0?[1-9]|1[0-2])(?:\s?[-–]\s?|\s+(?:đến|tới)\s+)(?:tháng\s+)?"
            rf"(?P<m2>0?[1-9]|1[0-2])\s?(?:[/.-]\s?|\s+năm\s+){year}", f),
        month=regex_compile(rf"(?<!\b{freq}\s+)(?<!\p{{N}}\s+)\btháng\s+(?:{mon}|{mw})"
                            rf"(?![\p{{N}}]|\s?[/.-]\s?\p{{N}}|\s+năm\s+\p{{N}})", f),
        year=regex_compile(rf"\bnăm\s+{nb}{year}", f),
        bare_year=regex_compile(rf"{nb}{year}", f),
        festival_left=regex_compile(  # "Tết Nguyên đán Giáp Thìn 2024", "Xuân Quý Mão 2023"
            rf"(?:\b{_alt('year_cue')}(?:\s+{_cased_alt(_words()['stem'])}\s+"
            rf"{_cased_alt(_words()['branch'])})?"
            rf"|\b{_cased_alt(_words()['stem'])}\s+{_cased_alt(_words()['branch'])})\s+$", f),
        # implied by festival_left, matched backwards (REVERSE) from where a year starts: each
        # festival_left match ends in the last letter of a year cue or a branch word (matched
        # case-insensitively, as here), then the whole run of whitespace before the year. Linear:
        # the runs before different years are disjoint.
        festival_tail=regex_compile(
            "[" + "".join(sorted({regex.escape(w[-1]) for w in
                                  _words()["year_cue"] + _words()["branch"]})) + r"]\s+",
            f | regex.REVERSE),
        year_range=regex_compile(
            rf"(?=\d)(?<![\p{{N}}/.,-])(?P<y1>{yr})(?:\s?[-–]\s?|\s+(?:đến|tới)\s+)(?:năm\s+)?"
            rf"(?P<y2>{yr})(?![\p{{N}}]|[.,]\p{{N}}|\s?/)", f),
        # "7 tháng đầu năm 2023", "6 tháng cuối năm"; and without đầu/cuối ("trong 10 tháng năm
        # 2023", "11 tháng năm nay": the months of that year so far), which needs its year
        half=regex_compile(
            rf"\btháng\s+(?:(?P<h>đầu|cuối)\s+năm(?:\s+(?P<nay>nay)\b|\s+{year})?"
            rf"|năm(?:\s+(?P<nay>nay)\b|\s+{year}))(?!\s*\p{{N}})", f),
        # the count of months; not a day ("ngày 10 tháng năm 2023" lacks its month, not a span)
        half_n=regex_compile(
            rf"(?<![\p{{N}}.,])(?<!\bngày\s{{1,3}})\b(?P<n>\d{{1,2}}|{num_w})\s+$", f),
        quarter=regex_compile(
            rf"\bquý\s+(?-i:(?P<q>IV|III|II|I|[1-4]))(?![\p{{L}}\p{{N}}])"
            rf"(?:\s?[/.-]\s?{year}|\s+năm\s+{year}|\s+năm\s+(?P<nay>nay)\b)?", f),
        # a day/month number (one or two digits) and the start of what some core needs after
        # it, or a year. Implied by every digit-led core: each starts with ``nb`` and its first
        # number is the whole digit run; at most one alternative holds at a position. A "/"
        # before a run of exactly four digits ("8/2021") can only start a month-year, one
        # before a shorter run only a day-month form; a year before "-"/"đến" may open a range.
        digit_start=regex_compile(
            r"(?=\d)(?<![\p{N}/.,])(?:\d\d?(?=[\s/.,–-])(?="
            r"(?P<slash_year>\s?/\s?\d{4}(?!\d))|(?P<slash>\s?/\s?\d)"
            r"|(?P<dash>\s?-\s?(?:\d|ngày))|(?P<dot>\s?\.\s?\d\d?\s?\.)"
            r"|(?P<endash>\s?–\s?(?:\d|ngày))|(?P<comma>\s*,\s*(?:\d|ngày))"
            r"|\s+(?:(?P<month>tháng)|(?P<to>đến|tới)\s|(?P<and>và)\s))"
            rf"|(?P<year_to>{yr}(?=\s?[-–]|\s+(?:đến|tới)\s))|(?P<year>{yr})(?!\d))", f),
        thang_start=regex_compile(r"\b(?P<thang>tháng)", f),
        strong_left=regex_compile(
            rf"(?:\b(?:{pod}|hôm)\s+(?:nay|qua)\s*\(\s*|\b{pod}\s+(?:ngày\s+)?"
            # the "not after a frequency word" test runs after "ngày" has matched (it reads
            # the same four characters back), not at every position of the window searched
            rf"|(?:\bhôm\s+)?\bngày(?<!\b{freq}\s+ngày)\s+"
            rf"|\b{wd}\s*[,(]?\s*(?:ngày\s+)?"
            rf"|(?:\b{pod}\s+)?\b{lunar}\s*\(\s*(?:ngày\s+)?)$", f),
        weak_left=regex_compile(rf"\b{weak}\s+$", f),
        from_left=regex_compile(r"\btừ\s+(?:ngày\s+)?$", f),
        period_left=regex_compile(
            rf"(?:\b{per}\s+(?:từ\s+)?(?:năm\s+)?|\btừ\s+(?:năm\s+)?|\bnăm\s+)$", f),
        target_left=regex_compile(rf"\b{_alt('target')}\s+$", f),
        follower_ok=regex_compile(rf"\s*(?:$|[^\p{{L}}\p{{N}}\s]|\p{{Lu}}|{fol}\b)", regex.V0),
        connector=regex_compile(r"\s*(?:[-–]|(?:cho\s+)?(?:đến|tới)(?:\s+hết)?)\s*", f),
        review=regex_compile(rf"\b{rev}\s+(?P<n>\d{{1,2}}|{num_w})\s+năm\b", f),
        launch=regex_compile(rf"\b{_alt('launch_verb')}\b", f),
        event=regex_compile(rf"\b{_alt('event_word')}\b", f),
        document_before=regex_compile(
            rf"(?:\b{_alt('document')}\s*(?:,\s*)?(?:ngày\s+)?"
            rf"|\d+\s?/\s?\p{{Lu}}[\p{{L}}\p{{N}}/.-]*\s*,?\s*(?:ngày\s+)?|\bsố\s+\p{{N}}[\p{{L}}\p{{N}}/.-]*\s*,?\s*(?:ngày\s+)?)$", f),
        night=regex_compile(rf"{_alt('night')}\b", f),
        dawn=regex_compile(rf"[\s,;–-]{{0,3}}(?:và\s+|đến\s+)?{_alt('dawn')}\b", f),
    )


# --------------------------------------------------------------------------------------------
# candidates
# --------------------------------------------------------------------------------------------
# _Point and _Cand are immutable records built by the dozen per article: named tuples, whose
# construction is a fraction of a frozen dataclass's (no per-field object.__setattr__).
class _Point(NamedTuple):
    """A calendar point at some precision; ``y`` None until the context gives the year."""

    y: int | None
    m: int | None = None
    d: int | None = None

    def fmt(self) -> str:
        s = f"{self.y:04d}"
        if self.m is not None:
            s += f"-{self.m:02d}"
            if self.d is not None:
                s += f"-{self.d:02d}"
        return s

    def key(self) -> tuple[int, int, int]:
        """Sortable (year, month, day) with missing parts at their start."""
        return (self.y or 0, self.m or 1, self.d or 1)


class _Cand(NamedTuple):
    start: int
    end: int
    a: _Point
    b: _Point | None = None  # end of a range
    context: bool = False  # "năm nay" / year-less period: year from the context
    sentence: int = -1
    inferred: str | None = None

    @property
    def yearless(self) -> bool:
        return self.a.y is None or (self.b is not None and self.b.y is None)

    def value(self) -> str:
        return self.a.fmt() if self.b is None else f"{self.a.fmt()}/{self.b.fmt()}"


def _valid(p: _Point) -> bool:
    if p.m is not None and not 1 <= p.m <= 12:
        return False
    if p.d is not None:
        if p.m is None:
            return False
        try:
            dt.date(p.y if p.y is not None else 2000, p.m, p.d)  # 2000: 29/2 allowed year-less
        except ValueError:
            return False
    return True


def _int(s: str | None) -> int | None:
    return int(s) if s else None


def _num(s: str) -> int | None:
    return int(s) if s.isdigit() else parse_number_words(s)


def _follower_ok(p: _Patterns, text: str, end: int) -> bool:
    """A bare date after a weak cue must not be followed by a counted noun ("10/10 thôn")."""
    return bool(p.follower_ok.match(text, end))


_LEFT_WINDOW: Final = 40  # characters searched before a core for its cue words


def _left(pat: regex.Pattern[str], text: str, lo: int, at: int) -> int | None:
    """Start of the cue ``pat`` ending exactly at ``at`` (within the sentence), else None."""
    m = pat.search(text, max(lo, at - _LEFT_WINDOW), at)
    return m.start() if m else None


# The digit-led cores worth trying where ``digit_start`` reports each shape: what a core
# needs right after its first number ("/" for 20/10, "tháng" for 5 tháng 3, "-"/"đến"/"tới"
# for day ranges, ","/"và" for day pairs); a four-digit number is tried as a year, and as the
# start of a year range only when "-"/"đến"/"tới" follows it. A month-year ("8/2021") needs
# exactly four digits after its "/", which no day-month form can have there.
_DIGIT_CORES: Final[dict[str, tuple[str, ...]]] = {
    "slash_year": ("my_bare",),
    "slash": ("dmy", "dm_range", "dm"),
    "dash": ("dmy", "day_range", "dm"),
    "dot": ("dmy",),
    "endash": ("day_range",),
    "comma": ("day_pair",),
    "month": ("dm_words",),
    "to": ("day_range",),
    "and": ("day_pair",),
    "year_to": ("bare_year", "year_range"),
    "year": ("bare_year",),
}
_THANG_CORES: Final[dict[str, tuple[str, ...]]] = {"thang": ("my", "month_range", "month", "half")}


def _year_after_nam(year: regex.Pattern[str], text: str, lo: int, hi: int,
                    at: int) -> regex.Match[str] | None:
    """The ``year`` core ("năm 2023") whose year is the bare year at ``at``, else None.

    Every match of ``year`` ends in a bare year (its digits and right context are
    ``bare_year``'s), and "năm" must end where the run of spaces before that year starts,
    so one anchored match there gives what a scan of text[lo:hi] finds (matches cannot
    overlap: each holds its own "năm")."""
    j = at
    while j > lo and text[j - 1].isspace() and text[j - 1] not in SPLIT_ONLY_SPACES:
        j -= 1
    if j == at or j - 3 < lo:
        return None
    return year.match(text, j - 3, hi)


@cache
def _core_patterns() -> dict[str, regex.Pattern[str]]:
    """The cores of _DIGIT_CORES and _THANG_CORES by name."""
    p = _patterns()
    return {k: getattr(p, k) for cores in (_DIGIT_CORES, _THANG_CORES)
            for ks in cores.values() for k in ks}


def _core_matches(scan: regex.Pattern[str], cores: dict[str, tuple[str, ...]], text: str,
                  lo: int, hi: int) -> dict[str, list[regex.Match[str]]]:
    """``finditer`` over text[lo:hi] of each core in ``cores``, from one scan.

    A full scan costs the same for each core however rarely it matches, so ``scan`` finds
    where one can start (its named group says which cores to try) and each core is matched
    only there. Matches stay those of finditer: a core's match is the same at its start, and
    one starting inside the previous match of the same core is skipped."""
    pats = _core_patterns()  # by name: a dict lookup, not getattr() per scan match
    found: dict[str, list[regex.Match[str]]] = {k: [] for ks in cores.values() for k in ks}
    ends = dict.fromkeys(found, lo)
    for sm in scan.finditer(text, lo, hi):
        at: int = sm.start()
        for k in cores[sm.lastgroup]:
            if at >= ends[k]:
                m = pats[k].match(text, at, hi)
                if m:
                    found[k].append(m)
                    ends[k] = m.end()
    return found


# _candidates' helpers are module-level functions, not closures: compiled, a closure keeps
# every variable it reads in an environment object and is called through the Python protocol.
def _sent_lo(doc: Document, at: int) -> int:
    """Start of the sentence holding ``at`` (``at`` itself outside every sentence)."""
    s = doc.sentence_at(at)
    return s.start if s is not None else at


def _add(out: list[_Cand], doc: Document, start: int, end: int, a: _Point,
         b: _Point | None = None, ctx: bool = False) -> None:
    """Keep the candidate when it lies inside one sentence and its points are valid dates."""
    s = doc.sentence_at(start)
    if s is None or end > s.end:
        return
    if _valid(a) and (b is None or _valid(b)):
        out.append(_Cand(start, end, a, b, ctx, s.index))  # positional: no keyword call


def _day_start(p: _Patterns, text: str, doc: Document, at: int, need_cue: bool) -> int | None:
    """Where a day date starting at ``at`` really starts: at its cue ("Chiều ngày", "Thứ
    Bảy,"); None when it needs a cue and has none."""
    s = _left(p.strong_left, text, _sent_lo(doc, at), at)
    if s is not None:
        return s
    return None if need_cue else at


def _month_name(text: str, doc: Document, m: regex.Match[str]) -> bool:
    """ "Cách mạng Tháng Tám": a capitalised "Tháng" + month word inside a sentence is a
    name, not a date."""
    at: int = m.start()
    if not m["mw"] or not text[at].isupper():
        return False
    before = text[_sent_lo(doc, at):at].rstrip()
    return bool(before) and before[-1] not in ".:;!?-–—(\"“'‘"


def _candidates(doc: Document, lo: int, hi: int) -> list[_Cand]:
    """All date candidates of text[lo:hi] lying inside one sentence, overlaps included.

    The range is scanned once per family of cores, not per sentence (see _core_matches); a
    match is kept only when it starts and ends in the same sentence, and cue words are looked
    for only inside that sentence."""
    p = _patterns()
    text = doc.norm
    out: list[_Cand] = []
    digit = _core_matches(p.digit_start, _DIGIT_CORES, text, lo, hi)
    thang = _core_matches(p.thang_start, _THANG_CORES, text, lo, hi)
    at: int
    for m in digit["dmy"]:
        at = m.start()
        s = _day_start(p, text, doc, at, False)
        _add(out, doc, s if s is not None else at, m.end(),
             _Point(int(m["y"]), int(m["m"]), int(m["d"])))
    for m in digit["dm_words"]:
        y = _int(m["y"])
        s = _day_start(p, text, doc, m.start(), y is None)
        if s is not None:
            _add(out, doc, s, m.end(), _Point(y, _month_of(m), int(m["d"])))
    for m in digit["dm_range"]:  # "dịp lễ 30/4 – 1/5": needs a cue before
        at = m.start()
        sl = _sent_lo(doc, at)
        strong = _left(p.strong_left, text, sl, at)  # a strong cue belongs to the span
        cued = strong is not None or _left(p.weak_left, text, sl, at) is not None
        y1, y2 = _int(m["y1"]), _int(m["y"])
        a = _Point(y1, int(m["m1"]), int(m["d1"]))
        b = _Point(y2, int(m["m2"]), int(m["d2"]))
        if y1 is None and y2 is not None:  # the year written once, at the end
            a = _Point(y2 if (a.m, a.d) < (b.m, b.d) else y2 - 1, a.m, a.d)
        if cued and (a.y is None or b.y is None or a.key() < b.key()) and (a.m, a.d) != (b.m, b.d):
            _add(out, doc, strong if strong is not None else at, m.end(), a, b)
    for m in digit["day_range"]:
        at = m.start()
        sl = _sent_lo(doc, at)
        starts = [x for x in (_left(p.from_left, text, sl, at), _left(p.strong_left, text, sl, at))
                  if x is not None]
        s = min(starts) if starts else None
        y, mo, d1, d2 = _int(m["y"]), int(m["m"]), int(m["d1"]), int(m["d2"])
        if s is not None and d1 < d2:
            _add(out, doc, s, m.end(), _Point(y, mo, d1), _Point(y, mo, d2))
    for m in digit["day_pair"]:  # "ngày 12 và 13/10": two dates
        at = m.start()
        s = _left(p.strong_left, text, _sent_lo(doc, at), at)
        y, mo, d1, d2 = _int(m["y"]), int(m["m"]), int(m["d1"]), int(m["d2"])
        if s is not None and d1 < d2:
            _add(out, doc, s, m.end("e1"), _Point(y, mo, d1))
            _add(out, doc, m.start("d2"), m.end(), _Point(y, mo, d2))
    for m in digit["dm"]:
        at = m.start()
        pt = _Point(_int(m["y"]), int(m["m"]), int(m["d"]))
        sl = _sent_lo(doc, at)
        s = _left(p.strong_left, text, sl, at)
        if s is not None:
            _add(out, doc, s, m.end(), pt)
        elif (m["s"] == "/" and _left(p.weak_left, text, sl, at) is not None
              and _follower_ok(p, text, m.end())):
            _add(out, doc, at, m.end(), pt)
    for m in thang["my"]:
        if _month_name(text, doc, m):
            continue
        _add(out, doc, m.start(), m.end(), _Point(int(m["y"]), _month_of(m)))
    for m in digit["my_bare"]:
        at = m.start()
        if _left(p.weak_left, text, _sent_lo(doc, at), at) is not None:
            _add(out, doc, at, m.end(), _Point(int(m["y"]), int(m["m"])))
    for m in thang["month_range"]:
        y, m1, m2 = int(m["y"]), int(m["m1"]), int(m["m2"])
        if m1 < m2:
            _add(out, doc, m.start(), m.end(), _Point(y, m1), _Point(y, m2))
    for m in thang["month"]:
        if _follower_ok(p, text, m.end()) and not _month_name(text, doc, m):
            _add(out, doc, m.start(), m.end(), _Point(None, _month_of(m)))
    years = digit["bare_year"]
    for m in years:  # "năm 2023": "năm" and spaces before a bare year
        ym = _year_after_nam(p.year, text, lo, hi, m.start())
        if ym is not None:
            _add(out, doc, ym.start(), ym.end(), _Point(int(ym["y"])))
    tail = p.festival_tail
    for m in years:  # a year after a festival or "SN"
        # festival_left ends in a cue or branch word and the whitespace right before the year;
        # most years follow "năm", whose last letter ends none of them: no window search
        at = m.start()
        if tail.match(text, lo, at) is None:
            continue
        s = _left(p.festival_left, text, _sent_lo(doc, at), at)
        if s is not None:
            _add(out, doc, s, m.end(), _Point(int(m["y"])))
    for m in digit["year_range"]:
        y1, y2 = int(m["y1"]), int(m["y2"])
        if y1 < y2 <= y1 + 50:
            at = m.start()
            s = _left(p.period_left, text, _sent_lo(doc, at), at)
            _add(out, doc, s if s is not None else at, m.end(), _Point(y1), _Point(y2))
    for m in thang["half"]:  # "7 tháng đầu năm 2023": the number before
        at = m.start()
        mn = p.half_n.search(text, max(_sent_lo(doc, at), at - 20), at)
        n = _num(mn["n"]) if mn else None
        if mn is None or n is None or not 1 <= n <= 11:
            continue
        y = _int(m["y"])
        m_first, m_last = ((13 - n, 12) if m["h"] and m["h"].casefold() == "cuối" else (1, n))
        _add(out, doc, mn.start(), m.end(), _Point(y, m_first), _Point(y, m_last), ctx=y is None)
    for m in p.quarter.finditer(text, lo, hi):
        q, y = _ROMAN[m["q"]], _int(m["y"])
        _add(out, doc, m.start(), m.end(), _Point(y, 3 * q - 2), _Point(y, 3 * q), ctx=y is None)
    return out


def _select_key(c: _Cand) -> tuple[int, int]:
    """Leftmost first, then longest first."""
    return (c.start, -(c.end - c.start))


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Leftmost-longest, non-overlapping."""
    cands.sort(key=_select_key)
    out: list[_Cand] = []
    for c in cands:
        if not out or c.start >= out[-1].end:
            out.append(c)
    return out


def _join_ranges(conn: regex.Pattern[str], text: str, cands: list[_Cand]) -> list[_Cand]:
    """Join "X đến/tới/- Y" into one range X/Y, sharing the year written once (``conn``:
    the connector pattern, looked up once per article by the caller)."""
    out: list[_Cand] = []
    i = 0
    while i < len(cands):
        c = cands[i]
        if i + 1 < len(cands) and c.b is None and cands[i + 1].b is None:
            n = cands[i + 1]
            if conn.fullmatch(text, c.end, n.start):
                a, b = c.a, n.a
                if a.y is None and b.y is not None:
                    a = _Point(b.y if (a.m or 1) <= (b.m or 12) else b.y - 1, a.m, a.d)
                elif b.y is None and a.y is not None:
                    b = _Point(a.y if (b.m or 12) >= (a.m or 1) else a.y + 1, b.m, b.d)
                if a.y is None or b.y is None or a.key() < b.key():
                    out.append(_Cand(c.start, n.end, a, b, sentence=c.sentence))
                    i += 2
                    continue
        out.append(c)
        i += 1
    return out


# --------------------------------------------------------------------------------------------
# year inference
# --------------------------------------------------------------------------------------------
_ISO_PREFIX: Final = regex_compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def _parse_published(s: str | None) -> dt.date | None:
    if not s:
        return None
    m = _ISO_PREFIX.match(s)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        return None


def _closest_year(m: int, d: int, anchor: dt.date, future_penalty: float) -> int:
    """The year putting (m, d) closest to ``anchor``, future distances weighted."""
    best, best_cost = anchor.year, float("inf")
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            day = dt.date(y, m, d)
        except ValueError:  # 29/2 in a common year
            continue
        delta = (day - anchor).days
        cost = -delta if delta <= 0 else delta * future_penalty
        if cost < best_cost:
            best, best_cost = y, cost
    return best


def _launch_anchor(text: str, doc: Document, cands: list[_Cand]) -> dt.date | None:
    """Launch date + N years for "sơ kết/tổng kết N năm" after a dated launch."""
    p = _patterns()
    n = None
    for s in doc.sentences:
        m = p.review.search(text, s.start, s.end)
        if m:
            n = _num(m["n"])
            break
    if not n or n > 30:
        return None
    launches = []
    for c in cands:
        if (c.b is None and c.a.y is not None and c.a.d is None
                and 0 <= c.sentence < len(doc.sentences)):
            s = doc.sentences[c.sentence]
            if p.launch.search(text, s.start, s.end):
                launches.append(c.a)
    if not launches:
        return None
    first = min(launches, key=_Point.key)
    try:
        return dt.date(first.y + n, first.m or 1, 1)  # type: ignore[operator]
    except ValueError:
        return None


def _context_year(text: str, cands: list[_Cand]) -> int | None:
    """The year the text names most often as a point or within one year (the latest on a
    tie), not a plan's end or target ("giai đoạn 2021-2025", "đến năm 2030"). Counting
    mentions keeps an article about 2024 in 2024 when it closes on "trước mùa mưa năm 2025"."""
    target = _patterns().target_left
    years = [c.a.y for c in cands if c.a.y is not None and (c.b is None or c.b.y == c.a.y)
             and not target.search(text, max(0, c.start - 12), c.start)]
    if not years:
        years = [x.y for c in cands for x in (c.a, c.b) if x is not None and x.y is not None]
    if not years:
        return None
    return max(set(years), key=lambda y: (years.count(y), y))


def _first_full_date(text: str, cands: list[_Cand]) -> dt.date | None:
    """The first day date written with its year ("Sáng ngày 5 tháng 3 năm 2023"), not one that
    only dates a document ("Kế hoạch 280/KH-CAT ngày 12/6/2018")."""
    doc_before = _patterns().document_before
    for c in cands:
        if c.b is None and c.a.y is not None and c.a.m is not None and c.a.d is not None \
                and not doc_before.search(text, max(0, c.start - 80), c.start):
            try:
                return dt.date(c.a.y, c.a.m, c.a.d)
            except ValueError:
                continue
    return None


def _fix_year(pt: _Point, anchor: dt.date | None, penalty: float, year: int) -> _Point:
    """``pt`` with the year closest to the anchor, else the context's year (a module-level
    function, not a closure in _fill_years: cheaper compiled)."""
    if pt.y is not None:
        return pt
    if anchor is not None and pt.m is not None:
        return _Point(_closest_year(pt.m, pt.d or 15, anchor, penalty), pt.m, pt.d)
    return _Point(year, pt.m, pt.d)


def _fill_years(text: str, doc: Document, cands: list[_Cand]) -> list[_Cand]:
    """Give year-less candidates the year of the context; drop those without any."""
    if not any(c.yearless for c in cands):
        return cands
    pub = _parse_published(doc.published)
    anchor, how, penalty = pub, "published", float(_FUTURE_PENALTY)
    if anchor is None:
        anchor, how, penalty = _launch_anchor(text, doc, cands), "launch_plus_n", 1.0
    if anchor is None:  # no stamp: the first full date the text writes is its "now"
        anchor, how = _first_full_date(text, cands), "text_date"
    year = anchor.year if anchor else _context_year(text, cands)
    if anchor is None:
        how = "context_year"
    if year is None:
        return [c for c in cands if not c.yearless]

    out = []
    for c in cands:
        if not c.yearless:
            out.append(c)
        elif c.context:  # a period of "this year": the anchor's year as is
            out.append(c._replace(a=_Point(year, c.a.m, c.a.d),
                                  b=_Point(year, c.b.m, c.b.d) if c.b else None, inferred=how))
        else:
            a = _fix_year(c.a, anchor, penalty, year)
            b = _fix_year(c.b, anchor, penalty, year) if c.b else None
            if b is not None and c.b is not None and c.b.y is None and b.key() < a.key():
                b = _Point(a.y + 1, b.m, b.d)  # type: ignore[operator]
            out.append(c._replace(a=a, b=b, inferred=how))
    return out


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------
_LAST: Final[list[tuple[Document, list, str | None, list[_Cand]]]] = []  # extract → event_date reuse


def _mentions(doc: Document) -> list[_Cand]:
    """Every date mention of the headline, body and captions, years resolved, in text order.
    The last document's result is kept, so event_date does not redo what extract did."""
    if _LAST:
        d, sents, pub, res = _LAST[0]
        if d is doc and sents is doc.sentences and pub == doc.published:
            return res
    res = _compute_mentions(doc)
    _LAST[:] = [(doc, doc.sentences, doc.published, res)]
    return res


def _compute_mentions(doc: Document) -> list[_Cand]:
    text = doc.norm
    if not doc.sentences:
        return []
    by_sentence: dict[int, list[_Cand]] = {}
    for c in _candidates(doc, doc.sentences[0].start, doc.sentences[-1].end):
        by_sentence.setdefault(c.sentence, []).append(c)
    all_c: list[_Cand] = []
    conn = _patterns().connector
    for idx in sorted(by_sentence):
        all_c.extend(_join_ranges(conn, text, _select(by_sentence[idx])))
    return _fill_years(text, doc, all_c)


# a DateMention from its field dict by pydantic-core's validator: what ``DateMention(**kw)``
# runs, without BaseModel.__init__'s Python frame
_new_mention: Final = DateMention.__pydantic_validator__.validate_python


def extract(doc: Document) -> list[DateMention]:
    """One DateMention per distinct calendar value, at its first mention."""
    try:
        cands = _mentions(doc)
    except (ValueError, OverflowError):  # defensive: never let one odd article stop the pipeline
        return []
    seen: set[str] = set()
    out: list[DateMention] = []
    for c in cands:
        v = c.value()
        if v in seen:
            continue
        seen.add(v)
        kw = doc.provenance(c.start, c.end)
        kw["value"] = v
        kw["year_inferred_from"] = c.inferred
        out.append(_new_mention(kw))
    return out


def _lead_sentences(doc: Document) -> list[tuple[int, int]]:
    """(sentence index, paragraph rank) of the first two body paragraphs, then the headline."""
    body: list[tuple[int, int]] = []
    segs: list[int] = []
    title: list[tuple[int, int]] = []
    for s in doc.sentences:
        if s.in_title:
            title.append((s.index, 2))
            continue
        if s.in_caption:
            continue
        if s.segment not in segs:
            if len(segs) == 2:
                break
            segs.append(s.segment)
        body.append((s.index, segs.index(s.segment)))
    return body + title


def _is_event(text: str, doc: Document, c: _Cand, rank: int) -> bool:
    """Does the date introduce an event: it opens its sentence or sits beside an event word,
    and it does not date a document ("kế hoạch 280/KH-CAT ngày 12/6/2018")? In the second
    paragraph only an opening date followed by an event word counts."""
    p = _patterns()
    s = doc.sentences[c.sentence]
    if p.document_before.search(text, max(s.start, c.start - 80), c.start):
        return False
    head = text[s.start:c.start]
    n_head = len(head.split())
    if n_head <= 3 and not p.event.search(head):  # "CTTĐT - Ngày 13/6, Công an tỉnh tổ chức …"
        return bool(p.event.search(text, c.end, s.end)) or (n_head == 0 and rank != 1)
    return rank != 1 and bool(p.event.search(text, s.start, s.end))


_RANGE_CLAUSE: Final = 80  # characters after a day range searched for the event it opens


def _range_event(text: str, doc: Document, c: _Cand) -> bool:
    """A span of days opens an event only when its own clause names one ("Từ ngày 20 đến
    22/10, Công an tỉnh tổ chức Hội thao"); otherwise it is the period a report covers
    ("Từ ngày 8 – 14/2/2024, huyện đón khoảng 85.000 lượt khách")."""
    s = doc.sentences[c.sentence]
    end = min(s.end, c.end + _RANGE_CLAUSE)
    semi = text.find(";", c.end, end)
    return bool(_patterns().event.search(text, c.end, semi if semi >= 0 else end))


def _after_night(text: str, c: _Cand, rest: list[_Cand]) -> _Cand:
    """For "Đêm 30/4 rạng sáng 1/5" the event fell in the small hours: the dawn's date."""
    p = _patterns()
    if not rest or not p.night.match(text, c.start):
        return c
    n = rest[0]
    if n.b is None and n.a.d is not None and n.a.y is not None and n.start - c.end <= 6:
        m = p.dawn.match(text, c.end)
        if m and m.end() <= n.end and n.a.key() > c.a.key():
            return n
    return c


def event_date(doc: Document) -> str | None:
    """The date of the main event: the first day date of the lead that opens its sentence or
    sits beside an event word; None for articles that report no single event."""
    try:
        text = doc.norm
        cands = _mentions(doc)
        by_sentence: dict[int, list[_Cand]] = {}
        for c in cands:
            by_sentence.setdefault(c.sentence, []).append(c)
        for idx, rank in _lead_sentences(doc):
            row = by_sentence.get(idx, [])
            for i, c in enumerate(row):
                if c.a.d is None or c.a.y is None or not _is_event(text, doc, c, rank):
                    continue
                if c.b is not None and not _range_event(text, doc, c):
                    continue
                return _after_night(text, c, row[i + 1:]).a.fmt()
        return None
    except (ValueError, OverflowError):
        return None
