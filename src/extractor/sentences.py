"""Sentence split with underthesea, keeping offsets into the normalized text.

underthesea's Punkt-style ``sent_tokenize`` returns strings; each is located in its segment by a
forward search, so every sentence keeps exact offsets. Its rules (abbreviations, numbers, the
boundary test) are used as they are; only its scan, a Python step per character (about 0.4 ms
per article, as much as an extractor), jumps from one ``.?!`` to the next instead
(:class:`_JumpingPunkt`, checked equal to ``sent_tokenize`` in the tests). Its abbreviation list
knows "TP." but not the other level abbreviations ("TT.", "TX.") nor "Q." (acting), after which
it would cut a sentence: such pieces are joined again (``resources/abbreviation_stops.tsv``).
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import regex

from .document import Document
from .models import Sentence
from .resources import load_tsv
from .segment import content_segments


@cache
def _abbreviation_end() -> regex.Pattern[str]:
    """A piece ending in one of these abbreviations continues in the next piece."""
    alts = "|".join(regex.escape(r["abbr"]) for r in load_tsv("abbreviation_stops.tsv"))
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{alts})\.$")


_SENT_END = re.compile(r"[.?!]")


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
def _tokenizer() -> Any:
    """underthesea's sentence tokenizer with its abbreviation set, scanning by jumps."""
    ut = _underthesea_sent_tokenize()

    class _JumpingPunkt(ut.PunktSentenceTokenizer):  # type: ignore[misc]
        def sentences_from_text(self, text: str) -> list[str]:
            """underthesea's loop step for step, except that it moves to the next ``.?!`` with one
            regex search where the original advances one character at a time doing nothing."""
            if not text or not text.strip():
                return []
            sentences = []
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
                            dot_end = start = _close(sentences, text, start, dot_end)
                        i = dot_end
                        continue
                if self._is_sentence_boundary(text, i):
                    end = i + 1
                    while end < n and text[end] in self.SENT_END_CHARS:
                        end += 1
                    start = i = _close(sentences, text, start, end)
                    continue
                i += 1
            final = text[start:].strip()
            if final:
                sentences.append(final)
            return sentences

    ut._load_model()
    return _JumpingPunkt(ut.sentence_tokenizer.abbrev_types)


def _close(sentences: list[str], text: str, start: int, end: int) -> int:
    """End a sentence at ``end`` (kept when not blank); return where the next one starts, past
    the spaces and line breaks that follow (underthesea's rule)."""
    sentence = text[start:end].strip()
    if sentence:
        sentences.append(sentence)
    n = len(text)
    while end < n and text[end] in " \t\n\r":
        end += 1
    return end


def sent_tokenize(text: str) -> list[str]:
    """underthesea's ``sent_tokenize``, the same strings, without the per-character scan."""
    return _tokenizer().sentences_from_text(text)  # type: ignore[no-any-return]


def _spans(chunk: str, pieces: list[str]) -> list[tuple[int, int]]:
    """Each piece's [start, end) in ``chunk`` by a forward search, abbreviation cuts rejoined."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        at = chunk.find(piece, pos)
        if at < 0:  # the tokenizer altered the text: the rest of the segment is one sentence
            rest = chunk[pos:]
            if rest.strip():
                spans.append((pos + len(rest) - len(rest.lstrip()), len(chunk.rstrip())))
            break
        if spans and _abbreviation_end().search(chunk[spans[-1][0]:spans[-1][1]]):
            spans[-1] = (spans[-1][0], at + len(piece))
        else:
            spans.append((at, at + len(piece)))
        pos = at + len(piece)
    end = len(chunk.rstrip())
    if spans and spans[-1][1] < end:
        spans[-1] = (spans[-1][0], end)
    return spans


def split_sentences(doc: Document) -> None:
    out: list[Sentence] = []
    text = doc.norm
    for seg_i, seg in content_segments(doc):
        chunk = text[seg.start:seg.end]
        pieces = sent_tokenize(chunk) if seg.kind == "body" else [chunk]
        for a, b in _spans(chunk, pieces):
            # the validating constructor: pydantic-core checks these plain fields in Rust faster
            # (~2.4 µs) than model_construct's Python loop over the fields (~4.3 µs)
            out.append(Sentence(
                index=len(out), start=seg.start + a, end=seg.start + b, segment=seg_i,
                in_caption=seg.kind == "caption", in_title=seg.kind == "title"))
    doc.set_sentences(out)
