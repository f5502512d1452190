"""Sentence split with underthesea, keeping offsets into the normalized text.

underthesea's ``sent_tokenize`` (about 0.4 ms per article) returns strings; each is located in
its segment by a forward search, so every sentence keeps exact offsets. Its abbreviation list
knows "TP." but not the other level abbreviations ("TT.", "TX.") nor "Q." (acting), after which
it would cut a sentence: such pieces are joined again (``resources/abbreviation_stops.tsv``).
"""

from __future__ import annotations

from functools import cache

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
    from underthesea import sent_tokenize  # imported on first use: keeps `import extractor` light

    out: list[Sentence] = []
    text = doc.norm
    for seg_i, seg in content_segments(doc):
        chunk = text[seg.start:seg.end]
        pieces = sent_tokenize(chunk) if seg.kind == "body" else [chunk]
        for a, b in _spans(chunk, pieces):
            # model_construct: every value is already a typed int/bool, validation adds nothing
            out.append(Sentence.model_construct(
                index=len(out), start=seg.start + a, end=seg.start + b, segment=seg_i,
                in_caption=seg.kind == "caption", in_title=seg.kind == "title"))
    doc.set_sentences(out)
