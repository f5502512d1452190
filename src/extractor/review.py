"""Review pages: each article's text with every fact highlighted in place, and the score report.

Facts are marked by kind (nested spans allowed: a count inside an award clause); where gold
exists, false positives are outlined and misses listed (and marked where their text can be
found). All article text is HTML-escaped.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import sqlite_utils

from .score import FIELDS, GroupScore, ScoreReport, greedy_match, item_key, score_article
from .store import load_contracts

COLOURS = {"dates": "#ffd166", "locations": "#8ecae6", "officials": "#f4a261",
           "models": "#b5e48c", "counts": "#cdb4db", "awards": "#ff8fab"}

_CSS = """
body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
.wrap{display:flex;gap:2em}.text{flex:0 0 55%;white-space:pre-wrap;line-height:1.7}.side{flex:1;min-width:0;overflow-x:auto;font-size:.8em}
mark{padding:0 .1em;border-radius:3px}mark.fp{outline:2px dashed #d00}mark.miss{background:none;outline:2px solid #06c}
.seg-header,.seg-boilerplate,.seg-byline,.seg-stamp{color:#888}.seg-caption{font-style:italic}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
.legend span{display:inline-block;padding:0 .4em;margin-right:.4em;border-radius:3px}
.bar{height:12px;background:#4a8;display:inline-block}.bad{color:#b00}
"""


def _legend() -> str:
    return "<p class='legend'>" + "".join(
        f"<span style='background:{c}'>{k}</span>" for k, c in COLOURS.items()) + \
        "<span style='outline:2px dashed #d00'>false positive</span>" \
        "<span style='outline:2px solid #06c'>missed (gold)</span></p>"


def _marks(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """HTML of ``text`` with (start, end, kind, css class) spans as nested <mark>s."""
    opens: dict[int, list[tuple[int, int, str, str]]] = {}
    for sp in spans:
        s, e = sp[0], sp[1]
        if 0 <= s < e <= len(text):
            opens.setdefault(s, []).append(sp)
    out: list[str] = []
    stack: list[tuple[int, int, str, str]] = []
    pos = 0
    points = sorted({0, len(text), *(s for s in opens), *(sp[1] for v in opens.values() for sp in v)})
    for p in points:
        if p > pos:
            out.append(html.escape(text[pos:p]))
            pos = p
        while stack and stack[-1][1] <= p:
            out.append("</mark>")
            stack.pop()
        for sp in sorted(opens.get(p, []), key=lambda x: -x[1]):
            # a span crossing an open one is cut at the outer end (HTML must nest)
            end = min(sp[1], stack[-1][1]) if stack else sp[1]
            sp = (sp[0], end, sp[2], sp[3])
            out.append(f"<mark class='{sp[3]}' data-kind='{sp[2]}' "
                       f"style='background:{COLOURS.get(sp[2], '#eee')}'>")
            stack.append(sp)
    while stack:
        out.append("</mark>")
        stack.pop()
    return "".join(out)


def _facts_table(rec: dict[str, Any]) -> str:
    parts = []
    for kind in FIELDS:
        items = rec.get(kind) or []
        if not items:
            continue
        cols = [k for k in items[0] if k not in ("span", "sentence")]
        rows = "".join("<tr>" + "".join(
            f"<td>{html.escape(json.dumps(it.get(c), ensure_ascii=False) if isinstance(it.get(c), (list, dict)) else str(it.get(c) if it.get(c) is not None else ''))}</td>"
            for c in cols) + "</tr>" for it in items)
        parts.append(f"<h3>{kind} ({len(items)})</h3><table><tr>" +
                     "".join(f"<th>{c}</th>" for c in cols) + f"</tr>{rows}</table>")
    return "".join(parts)


def article_page(rec: dict[str, Any], text: str, segments: list[dict[str, Any]],
                 gold: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """The review page of one article and its summary for the index."""
    fp_keys: dict[str, list[Any]] = {}
    misses: dict[str, list[dict[str, Any]]] = {}
    art_score = None
    if gold is not None:
        gs = GroupScore()
        score_article(gold, rec, gs)
        art_score = round(gs.overall.f1, 3)
        for kind in FIELDS:
            _, miss, fps = greedy_match(kind, gold.get(kind) or [], rec.get(kind) or [])
            fp_keys[kind] = [id(f) for f in fps]
            if miss:
                misses[kind] = miss
    spans = []
    for kind in FIELDS:
        for it in rec.get(kind) or []:
            s, e = it["span"]
            cls = "fp" if id(it) in fp_keys.get(kind, []) else "ok"
            spans.append((s, e, kind, cls))
    for kind, items in misses.items():
        for it in items:
            t = it.get("text") or it.get("name")
            at = text.find(t) if t else -1
            if at >= 0:
                spans.append((at, at + len(t), kind, "miss"))
    seg_html = []
    pos = 0
    for sg in segments:
        if sg["start"] > pos:
            seg_html.append(_marks_range(text, pos, sg["start"], spans))
        seg_html.append(f"<span class='seg-{sg['kind']}'>{_marks_range(text, sg['start'], sg['end'], spans)}</span>")
        pos = sg["end"]
    seg_html.append(_marks_range(text, pos, len(text), spans))
    miss_html = ""
    if misses:
        miss_html = "<h3 class='bad'>missed (gold)</h3><ul>" + "".join(
            f"<li>{k}: {html.escape(json.dumps({x: y for x, y in it.items() if x != 'span'}, ensure_ascii=False))}</li>"
            for k, items in misses.items() for it in items) + "</ul>"
    title = html.escape(rec.get("title") or rec["article_id"])
    page = (f"<!doctype html><html lang='vi'><meta charset='utf-8'><title>{title}</title>"
            f"<style>{_CSS}</style><p><a href='index.html'>← all articles</a></p><h1>{title}</h1>"
            f"<p>id <code>{html.escape(rec['article_id'])}</code> · published {html.escape(str(rec.get('published')))}"
            f" · event {html.escape(str(rec.get('event_date')))} · authors {html.escape(', '.join(rec.get('authors') or []))}"
            f"{' · F1 ' + str(art_score) if art_score is not None else ''}</p>{_legend()}"
            f"<div class='wrap'><div class='text' id='article-text'>{''.join(seg_html)}</div>"
            f"<div class='side'>{miss_html}{_facts_table(rec)}</div></div></html>")
    counts = {k: len(rec.get(k) or []) for k in FIELDS}
    return page, {"article_id": rec["article_id"], "title": rec.get("title"), "counts": counts,
                  "f1": art_score, "misses": sum(len(v) for v in misses.values()),
                  "false_positives": sum(len(v) for v in fp_keys.values())}


def _marks_range(text: str, s: int, e: int, spans: list[tuple[int, int, str, str]]) -> str:
    local = [(max(a, s) - s, min(b, e) - s, k, c) for a, b, k, c in spans if a < e and b > s]
    return _marks(text[s:e], local)


def write_review(db: sqlite_utils.Database, out_dir: str | Path, ids: list[str] | None = None,
                 gold: dict[str, dict[str, Any]] | None = None) -> list[Path]:
    """Write one page per article plus index.html; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    recs = load_contracts(db, ids or None)
    written, rows = [], []
    for rec in recs:
        aid = rec["article_id"]
        text = db["articles"].get(aid)["text"]
        segs = list(db.query("SELECT kind, start, [end] FROM segments WHERE article_id = ? ORDER BY idx", [aid]))
        page, summary = article_page(rec, text, segs, (gold or {}).get(aid))
        path = out / f"{_safe(aid)}.html"
        path.write_text(page, encoding="utf-8")
        written.append(path)
        rows.append((path.name, summary))
    head = "".join(f"<th>{k}</th>" for k in FIELDS)
    body = "".join(
        f"<tr><td><a href='{html.escape(name)}'>{html.escape(s['article_id'])}</a></td>"
        f"<td>{html.escape(s['title'] or '')}</td>" + "".join(f"<td>{s['counts'][k]}</td>" for k in FIELDS) +
        f"<td>{'' if s['f1'] is None else s['f1']}</td><td>{s['misses']}</td><td>{s['false_positives']}</td></tr>"
        for name, s in rows)
    index = (f"<!doctype html><html lang='vi'><meta charset='utf-8'><title>extractor review</title>"
             f"<style>{_CSS}</style><h1>Articles ({len(rows)})</h1><table id='articles'><tr><th>id</th>"
             f"<th>title</th>{head}<th>F1</th><th>missed</th><th>false</th></tr>{body}</table></html>")
    (out / "index.html").write_text(index, encoding="utf-8")
    return [out / "index.html", *written]


def _safe(aid: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in aid)


def score_html(report: ScoreReport) -> str:
    """The score report as HTML: a bar per field and group, then the errors per article."""
    parts = [f"<!doctype html><html lang='vi'><meta charset='utf-8'><title>extractor score</title><style>{_CSS}</style>",
             "<h1>Score against gold</h1>"]
    for name, gs in report.groups.items():
        parts.append(f"<h2>{html.escape(name)} ({gs.articles} articles)</h2><table><tr><th>field</th><th>P</th><th>R</th><th>F1</th><th></th></tr>")
        for f in FIELDS:
            t = gs.fields[f]
            parts.append(f"<tr><td>{f}</td><td>{t.precision:.3f}</td><td>{t.recall:.3f}</td><td>{t.f1:.3f}</td>"
                         f"<td><span class='bar' style='width:{int(t.f1 * 300)}px'></span></td></tr>")
        t = gs.overall
        parts.append(f"<tr><th>overall</th><td>{t.precision:.3f}</td><td>{t.recall:.3f}</td><td>{t.f1:.3f}</td>"
                     f"<td><span class='bar' style='width:{int(t.f1 * 300)}px'></span></td></tr></table>")
        parts.append("<table>" + "".join(f"<tr><td>{k}</td><td>{a.value:.3f}</td><td>{a.right}/{a.total}</td></tr>"
                                         for k, a in gs.attrs.items()) + "</table>")
    parts.append("<h2>Errors per article</h2>")
    for e in report.errors:
        if not (e.misses or e.false_positives or e.attribute_errors):
            continue
        parts.append(f"<h3>{html.escape(e.article_id)}</h3><ul>")
        for k, items in e.misses.items():
            parts += [f"<li class='bad'>missed {k}: {html.escape(_brief(it))}</li>" for it in items]
        for k, items in e.false_positives.items():
            parts += [f"<li>false {k}: {html.escape(_brief(it))}</li>" for it in items]
        parts += [f"<li>{html.escape(a)}</li>" for a in e.attribute_errors]
        parts.append("</ul>")
    return "".join(parts) + "</html>"


def _brief(item: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in item.items() if k not in ("span", "sentence")}, ensure_ascii=False)


__all__ = ["article_page", "score_html", "write_review", "item_key"]
