"""Gold round trip for annotators: predictions → Label Studio / doccano tasks → gold files.

Each fact becomes a labelled span (label = fact kind) over the stored article text; its
normalized attributes travel with it as JSON (Label Studio: a per-region TextArea named
``attrs`` sharing the region id, as Label Studio links per-region controls; doccano: the
task's ``meta``-preserved key ``attrs`` keyed by ``start-end-label``). Article-level fields
(title, published, authors, event_date) travel in the task data. Import refuses any span whose
text does not match the article at its offsets, and any new span without attributes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .score import FIELDS

ARTICLE_FIELDS = ("title", "published", "authors", "event_date")
LS_LABELS = "label"
LS_ATTRS = "attrs"
LS_TEXT = "text"

# The labelling config to paste into a Label Studio project.
LABEL_STUDIO_CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="dates"/><Label value="locations"/><Label value="officials"/>
    <Label value="models"/><Label value="counts"/><Label value="awards"/>
  </Labels>
  <Text name="text" value="$text"/>
  <TextArea name="attrs" toName="text" perRegion="true" editable="true"/>
</View>"""


class AnnotationError(ValueError):
    pass


def _attrs(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in ("span", "sentence", "text")}


def to_label_studio(records: Iterable[dict[str, Any]], texts: dict[str, str]) -> list[dict[str, Any]]:
    """Label Studio tasks (JSON import format) with the predictions as pre-annotations."""
    tasks = []
    for rec in records:
        aid = rec["article_id"]
        result = []
        for kind in FIELDS:
            for i, it in enumerate(rec.get(kind) or []):
                s, e = it["span"]
                rid = f"{kind}-{i}"
                value = {"start": s, "end": e, "text": texts[aid][s:e]}
                result.append({"id": rid, "from_name": LS_LABELS, "to_name": LS_TEXT, "type": "labels",
                               "value": {**value, "labels": [kind]}})
                result.append({"id": rid, "from_name": LS_ATTRS, "to_name": LS_TEXT, "type": "textarea",
                               "value": {**value, "text": [json.dumps(_attrs(it), ensure_ascii=False)]}})
        tasks.append({"data": {"text": texts[aid], "article_id": aid,
                               **{k: rec.get(k) for k in ARTICLE_FIELDS}},
                      "predictions": [{"model_version": "extractor", "result": result}]})
    return tasks


def to_doccano(records: Iterable[dict[str, Any]], texts: dict[str, str]) -> list[dict[str, Any]]:
    """doccano sequence-labelling JSONL lines: {"text", "label": [[start, end, label]], ...}."""
    lines = []
    for rec in records:
        aid = rec["article_id"]
        labels, attrs = [], {}
        for kind in FIELDS:
            for it in rec.get(kind) or []:
                s, e = it["span"]
                labels.append([s, e, kind])
                attrs[f"{s}-{e}-{kind}"] = {"text": texts[aid][s:e], **_attrs(it)}
        lines.append({"text": texts[aid], "label": labels, "article_id": aid, "attrs": attrs,
                      **{k: rec.get(k) for k in ARTICLE_FIELDS}})
    return lines


def _gold(aid: str, data: dict[str, Any], spans: list[tuple[int, int, str, str, dict[str, Any] | None]],
          text: str) -> dict[str, Any]:
    gold: dict[str, Any] = {"article_id": aid, **{k: data.get(k) for k in ARTICLE_FIELDS}}
    gold["authors"] = gold.get("authors") or []
    for kind in FIELDS:
        gold[kind] = []
    for s, e, kind, span_text, attrs in sorted(spans, key=lambda x: (x[0], x[1])):
        if kind not in FIELDS:
            raise AnnotationError(f"{aid}: unknown label {kind!r}")
        if not (0 <= s < e <= len(text)) or text[s:e] != span_text:
            raise AnnotationError(f"{aid}: span {s}-{e} {span_text!r} does not match the article "
                                  f"text there ({text[max(0, s):max(0, e)]!r})")
        if attrs is None:
            raise AnnotationError(f"{aid}: span {s}-{e} {span_text!r} ({kind}) has no attributes")
        gold[kind].append({"text": span_text, **attrs})
    return gold


def from_label_studio(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Gold records from a Label Studio JSON export (annotations win over predictions)."""
    out = []
    for task in tasks:
        data = task["data"]
        text = data["text"]
        anns = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        result = (anns[-1] if anns else (task.get("predictions") or [{}])[-1]).get("result", [])
        by_id: dict[str, dict[str, Any]] = {}
        for r in result:
            slot = by_id.setdefault(r["id"], {})
            if r.get("type") == "labels":
                slot["label"] = r
            elif r.get("type") == "textarea":
                slot["attrs"] = r
        spans = []
        for rid, slot in by_id.items():
            if "label" not in slot:
                continue
            v = slot["label"]["value"]
            attrs = None
            if "attrs" in slot:
                raw = slot["attrs"]["value"].get("text") or []
                try:
                    attrs = json.loads(raw[0]) if raw else None
                except json.JSONDecodeError as e:
                    raise AnnotationError(f"{data.get('article_id')}: region {rid}: attrs is not JSON: {e}") from e
            spans.append((v["start"], v["end"], v["labels"][0], v.get("text", ""), attrs))
        out.append(_gold(data["article_id"], data, spans, text))
    return out


def from_doccano(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Gold records from doccano JSONL (``label`` as [start, end, label] triples or
    ``entities`` with start_offset/end_offset)."""
    out = []
    for ln in lines:
        text = ln["text"]
        attrs = ln.get("attrs") or (ln.get("meta") or {}).get("attrs") or {}
        triples = ln.get("label")
        if triples is None:
            triples = [[e["start_offset"], e["end_offset"], e["label"]] for e in ln.get("entities", [])]
        spans = []
        for s, e, k in triples:
            a = attrs.get(f"{s}-{e}-{k}")
            a = dict(a) if a is not None else None
            span_text = a.pop("text") if a and "text" in a else (text[s:e] if 0 <= s < e <= len(text) else "")
            spans.append((s, e, k, span_text, a))
        aid = ln.get("article_id") or (ln.get("meta") or {}).get("article_id")
        if not aid:
            raise AnnotationError("a doccano line has no article_id")
        data = {**(ln.get("meta") or {}), **ln}
        out.append(_gold(aid, data, spans, text))
    return out
