"""Sentence split with underthesea, keeping offsets into the normalized text.

underthesea's Punkt-style ``sent_tokenize`` returns strings; ours reports each sentence as its
offsets in the segment (the same strings, stripped), so every sentence keeps exact offsets. Its
rules (abbreviations, numbers, the boundary test) are used as they are; only its scan, a Python
step per character (about 0.4 ms per article, as much as an extractor), jumps from one ``.?!``
to the next instead (:func:`sentence_bounds`, checked equal to ``sent_tokenize`` in the tests). Its abbreviation list
knows "TP." but not the other level abbreviations ("TT.", "TX.") nor "Q." (acting), after which
it would cut a sentence: such pieces are joined again (``resources/abbreviation_stops.tsv``).
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import regex

from .pattern_cache import re_compile, regex_compile
from .document import Document
from .models import Sentence
from .resources import load_tsv
from .segment import content_segments


class _AbbreviationEnd(NamedTuple):
    pattern: regex.Pattern[str]  # a piece ending in one of the abbreviations and its stop
    longest: int  # the longest abbreviation's length
    last_chars: frozenset[str]  # the abbreviations' last characters


@cache
def _abbreviation_end() -> _AbbreviationEnd:
    """A piece ending in one of these abbreviations continues in the next piece."""
    abbrs = [r["abbr"] for r in load_tsv("abbreviation_stops.tsv")]
    alts = "|".join(regex.escape(a) for a in abbrs)
    return _AbbreviationEnd(regex_compile(rf"(?<![\p{{L}}\p{{N}}])(?:{alts})\.$"),
                            max(map(len, abbrs)), frozenset(a[-1] for a in abbrs))


def _ends_in_abbreviation(chunk: str, start: int, end: int, abbr: _AbbreviationEnd) -> bool:
    """Whether ``chunk[start:end]`` (stripped, so ``$`` is its end) ends in an abbreviation.

    A match is an abbreviation (case as listed) and its full stop, so it ends in one of the
    abbreviations' last characters and "." (most sentences end in a word that is not one), and
    starts at most ``longest + 1`` characters before the end; its lookbehind reads one character
    more. Searching only the last ``longest + 2`` characters finds the same matches: when that
    window starts inside the span, no match starts at the window's first character, so every
    lookbehind sees the character it sees in the whole span (instead of a sentence-long search
    per piece)."""
    if end - start < 2 or chunk[end - 1] != "." or chunk[end - 2] not in abbr.last_chars:
        return False
    return abbr.pattern.search(chunk[max(start, end - abbr.longest - 2):end]) is not None


_SENT_END = re_compile(r"[.?!]")


def _underthesea_sent_tokenize() -> ModuleType:
    """underthesea's sentence-tokenizer module, loaded from its file: ``import underthesea``
    would first run the package's ``__init__``, which imports the whole toolkit (0.4 s per
    process, more than a thousand articles' sentence splits). The module itself needs only the
    standard library and its own ``punkt_params.json``; if the layout ever changes, the normal
    import is used."""
    spec = importlib.util.find_spec("underthesea")  # locates the package without running it
    if spec is not None and spec.submodule_search_locations:
        path = Path(spec.submodule_search_locations[0], "pipeline", "sent_tokenize", "__init__.py")
        file_spec = importlib.util.spec_from_file_location("extractor._underthesea_sent_tokenize", path)
        if path.is_file() and file_spec is not None and file_spec.loader is not None:
            module = importlib.util.module_from_spec(file_spec)
            file_spec.loader.exec_module(module)
            return module
    import underthesea.pipeline.sent_tokenize as ut

    return ut


@cache
def _abbreviations() -> frozenset[str]:
    """underthesea's abbreviation set (from its Punkt parameters), as its tokenizer holds it."""
    ut = _underthesea_sent_tokenize()
    ut._load_model()
    return frozenset(ut.sentence_tokenizer.abbrev_types)


def sentence_bounds(text: str, abbrevs: frozenset[str]) -> list[tuple[int, int]]:
    """Each of underthesea's sentences as its [start, end) in ``text``.

    underthesea's ``PunktSentenceTokenizer`` loop step for step, except that it moves to the
    next ``.?!`` with one regex search where the original advances one character at a time
    doing nothing, that its boundary test runs inline (it is per full stop, a method call
    each), and that a sentence is kept as its offsets (the stripped text between them is the
    string underthesea returns). ``abbrevs``: :func:`_abbreviations`."""
    if not text or not text.strip():
        return []
    bounds: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    i = 0
    while True:
        m = _SENT_END.search(text, i)
        if m is None:
            break
        i = m.start()
        if text[i] == ".":
            dot_end = i
            while dot_end < n and text[dot_end] == ".":
                dot_end += 1
            if dot_end - i >= 3:
                after = dot_end
                while after < n and text[after] in " \t":
                    after += 1
                if after >= n or text[after].isupper():
                    dot_end = start = _close(bounds, text, start, dot_end)
                i = dot_end
                continue
            # underthesea's _is_sentence_boundary for a full stop, inline: not one between
            # digits ("1.500.000"), not one after an abbreviation ("TP.", "e.g.": the run of
            # letters, digits and stops before it). For "?" and "!" every path of that method
            # answers True.
            if i > 0 and text[i - 1].isdigit() and i + 1 < n and text[i + 1].isdigit():
                i += 1
                continue
            j = i - 1
            while j >= 0 and (text[j].isalnum() or text[j] == "."):
                j -= 1
            if j + 1 < i and text[j + 1:i].lower() in abbrevs:
                i += 1
                continue
        end = i + 1
        while end < n and text[end] in ".?!":
            end += 1
        start = i = _close(bounds, text, start, end)
    _add_stripped(bounds, text, start, n)
    return bounds


def _add_stripped(bounds: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    """Add the bounds of ``text[start:end].strip()`` when it is not blank."""
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        at = start + piece.find(stripped[0])  # only whitespace comes before it
        bounds.append((at, at + len(stripped)))


def _close(bounds: list[tuple[int, int]], text: str, start: int, end: int) -> int:
    """End a sentence at ``end`` (kept when not blank); return where the next one starts, past
    the spaces and line breaks that follow (underthesea's rule)."""
    piece = text[start:end]  # _add_stripped, inline: once per sentence
    stripped = piece.strip()
    if stripped:
        at = start + piece.find(stripped[0])
        bounds.append((at, at + len(stripped)))
    n = len(text)
    while end < n and text[end] in " \t\n\r":
        end += 1
    return end


def sent_tokenize(text: str) -> list[str]:
    """underthesea's ``sent_tokenize``, the same strings, without the per-character scan."""
    return [text[a:b] for a, b in sentence_bounds(text, _abbreviations())]


def _joined_spans(chunk: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentence spans of a body segment from the tokenizer's bounds: a cut after an
    abbreviation is joined with the next piece, and the last span reaches the end of the
    stripped segment."""
    spans: list[tuple[int, int]] = []
    abbr = _abbreviation_end()
    for a, b in bounds:
        if spans and _ends_in_abbreviation(chunk, *spans[-1], abbr):
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    end = len(chunk.rstrip())
    if spans and spans[-1][1] < end:
        spans[-1] = (spans[-1][0], end)
    return spans


# a Sentence from its field dict by pydantic-core's validator: what ``Sentence(**kw)`` runs
# without BaseModel.__init__'s Python frame (the validating path: pydantic-core checks these
# plain fields in Rust faster than model_construct's Python loop over the fields)
_new_sentence = Sentence.__pydantic_validator__.validate_python


def split_sentences(doc: Document) -> None:
    out: list[Sentence] = []
    text = doc.norm
    abbrevs = _abbreviations()
    for seg_i, seg in content_segments(doc):
        kind = seg.kind
        chunk = text[seg.start:seg.end]
        # a headline or caption is one sentence: the whole line (segments are stripped,
        # non-blank lines)
        spans = _joined_spans(chunk, sentence_bounds(chunk, abbrevs)) if kind == "body" else [(0, len(chunk))]
        in_caption = kind == "caption"
        in_title = kind == "title"
        for a, b in spans:
            out.append(_new_sentence({
                "index": len(out), "start": seg.start + a, "end": seg.start + b, "segment": seg_i,
                "in_caption": in_caption, "in_title": in_title}))
    doc.set_sentences(out)
