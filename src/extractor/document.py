"""The one object that flows through the pipeline.

A :class:`Document` carries the stored text, its normalized matching copy (``norm``), the page
segments and sentences (in ``norm`` coordinates), and the facts each stage adds. Extractors
read ``doc.norm`` / ``doc.sentences`` and build facts with :meth:`Document.provenance`, which
turns a ``norm`` span into the stored-text span, surface text and sentence index.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from typing import Any

from .models import (
    ArticleFacts,
    AwardTally,
    CountMention,
    DateMention,
    LocationMention,
    NamedModel,
    OfficialMention,
    Segment,
    Sentence,
)
from .normalize import NormalizedText, normalize


@dataclass
class Document:
    article_id: str
    text: str
    source: str | None = None
    url: str | None = None
    encoding: str | None = None
    # hints from the container (HTML meta, JSONL fields)
    title_hint: str | None = None
    published_hint: str | None = None

    normalized: NormalizedText = field(init=False)
    segments: list[Segment] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    title: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    event_date: str | None = None
    province: str | None = None

    dates: list[DateMention] = field(default_factory=list)
    locations: list[LocationMention] = field(default_factory=list)
    officials: list[OfficialMention] = field(default_factory=list)
    models: list[NamedModel] = field(default_factory=list)
    counts: list[CountMention] = field(default_factory=list)
    awards: list[AwardTally] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.normalized = normalize(self.text)
        self._sent_starts: list[int] = []

    @property
    def norm(self) -> str:
        """The matching copy of the text (NFC, one tone placement, plain spaces)."""
        return self.normalized.text

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()

    # -- sentences -------------------------------------------------------------------------
    def set_sentences(self, sentences: list[Sentence]) -> None:
        self.sentences = sentences
        self._sent_starts = [s.start for s in sentences]

    def sentence_at(self, pos: int) -> Sentence | None:
        """The sentence containing ``norm`` offset ``pos``."""
        i = bisect.bisect_right(self._sent_starts, pos) - 1
        if i >= 0 and self.sentences[i].start <= pos < max(self.sentences[i].end, pos + 1):
            s = self.sentences[i]
            if pos < s.end:
                return s
        return None

    def sentence_text(self, s: Sentence) -> str:
        return self.norm[s.start:s.end]

    # -- facts ------------------------------------------------------------------------------
    def provenance(self, start: int, end: int) -> dict[str, Any]:
        """Fields common to every fact, from a span of ``norm``."""
        s = self.sentence_at(start)
        src_start, src_end = self.normalized.to_source(start, end)
        return {
            "text": self.text[src_start:src_end],
            "start": src_start,
            "end": src_end,
            "sentence": s.index if s else None,
            "in_caption": bool(s and s.in_caption),
        }

    def to_record(self) -> ArticleFacts:
        """The validated record of this article, all spans in stored-text coordinates."""
        if self.normalized.starts is None:
            # offsets are identical (the common case): the frozen segments/sentences are reused
            segs = list(self.segments)
            sents = list(self.sentences)
        else:
            segs = []
            for sg in self.segments:
                s, e = self.normalized.to_source(sg.start, sg.end)
                segs.append(sg.model_copy(update={"start": s, "end": e}))
            sents = []
            for st in self.sentences:
                s, e = self.normalized.to_source(st.start, st.end)
                sents.append(st.model_copy(update={"start": s, "end": e}))
        return ArticleFacts(
            article_id=self.article_id,
            source=self.source,
            url=self.url,
            encoding=self.encoding,
            content_hash=self.content_hash,
            text=self.text,
            title=self.title,
            published=self.published,
            authors=self.authors,
            event_date=self.event_date,
            province=self.province,
            segments=segs,
            sentences=sents,
            dates=self.dates,
            locations=self.locations,
            officials=self.officials,
            models=self.models,
            counts=self.counts,
            awards=self.awards,
        )
