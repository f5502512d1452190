"""Scoring against gold by the rules of FACTS.md, and the accuracy gate.

Lists are multisets matched greedily on a per-field key; precision, recall and F1 are
micro-averaged over articles; attribute accuracies are computed over matched pairs. The gate
compares per-field F1 with floors committed in a baseline file (in the manner of trafilatura's
evaluation gate) and fails when any falls below its floor by more than ``EPSILON``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import regex

from .normalize import match_key
from .resources import load_tsv

FIELDS = ("dates", "locations", "officials", "models", "counts", "awards")
EPSILON = 0.005
VILLAGE_LEVELS = {"thôn", "bản", "làng", "ấp", "xóm", "buôn", "sóc", "plei", "bon"}
# urban residential units under a ward: khóm (Mekong provinces) is the khu phố of other regions
URBAN_LEVELS = {"khóm": "khu phố"}


@cache
def _abbr_re() -> tuple[regex.Pattern[str], dict[str, str]]:
    table = {r["abbr"].casefold(): r["full"] for r in load_tsv("abbreviations.tsv")}
    alts = "|".join(regex.escape(a) for a in sorted(table, key=len, reverse=True))
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{alts})(?![\p{{L}}\p{{N}}])", regex.I), table


def expand_abbreviations(s: str) -> str:
    """"Chủ tịch UBND huyện" → "Chủ tịch Ủy ban nhân dân huyện" (resources/abbreviations.tsv)."""
    pat, table = _abbr_re()
    return pat.sub(lambda m: table[m.group().casefold()], s)


def org_key(s: str | None) -> str | None:
    """Key for titles and issuers: abbreviations expanded, then the common match key."""
    if s is None:
        return None
    return regex.sub(r"[,;]", " ", match_key(expand_abbreviations(s))).replace("  ", " ").strip()


def level_class(level: str | None) -> str:
    lv = match_key(level or "")
    return "thôn" if lv in VILLAGE_LEVELS else URBAN_LEVELS.get(lv, lv)


def unit_head(unit: str | None) -> str:
    k = match_key(unit or "")
    return k.split(" ")[0] if k else ""


def _num(v: Any) -> float | None:
    try:
        return round(float(v), 6)
    except (TypeError, ValueError):
        return None


def item_key(kind: str, item: dict[str, Any]) -> Any:
    """The matching key of one list item, per FACTS.md."""
    if kind == "dates":
        return str(item.get("value"))
    if kind == "locations":
        return (level_class(item.get("level")), match_key(item.get("name") or ""))
    if kind == "officials":
        return match_key(item.get("name") or "")
    if kind == "models":
        return match_key(item.get("name") or "")
    if kind == "counts":
        return (_num(item.get("value")), unit_head(item.get("unit")))
    if kind == "awards":
        return (item.get("collectives"), item.get("individuals"))
    raise ValueError(kind)


def scorable(kind: str, item: dict[str, Any]) -> bool:
    """Awards given only as a joint total are not scored."""
    if kind == "awards":
        return not (item.get("collectives") is None and item.get("individuals") is None)
    return True


def _match_keys(gold: list[Any], pred: list[Any]) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Greedy multiset matching of two key lists: matched index pairs, unmatched gold, unmatched pred."""
    used = [False] * len(pred)
    pairs, misses = [], []
    for i, k in enumerate(gold):
        for j, pk in enumerate(pred):
            if not used[j] and pk == k:
                used[j] = True
                pairs.append((i, j))
                break
        else:
            misses.append(i)
    return pairs, misses, [j for j, u in enumerate(used) if not u]


def greedy_match(kind: str, gold: list[dict[str, Any]], pred: list[dict[str, Any]]
                 ) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Pairs, unmatched gold (misses), unmatched predictions (false positives)."""
    gold = [g for g in gold if scorable(kind, g)]
    pred = [p for p in pred if scorable(kind, p)]
    pairs, misses, fps = _match_keys([item_key(kind, g) for g in gold], [item_key(kind, p) for p in pred])
    return [(gold[i], pred[j]) for i, j in pairs], [gold[i] for i in misses], [pred[j] for j in fps]


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += int(ok)
        self.total += 1

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {"right": self.right, "total": self.total, "accuracy": round(self.value, 4)}


@dataclass
class GroupScore:
    articles: int = 0
    fields: dict[str, Tally] = field(default_factory=lambda: {f: Tally() for f in FIELDS})
    titles: Tally = field(default_factory=Tally)
    attrs: dict[str, Accuracy] = field(default_factory=lambda: {
        k: Accuracy() for k in ("locations.province", "locations.district", "officials.rank",
                                "counts.qualifier", "awards.award",
                                "awards.issuer", "event_date", "published", "title")})

    @property
    def overall(self) -> Tally:
        t = Tally()
        for f in FIELDS:
            t.add(self.fields[f])
        return t

    def as_dict(self) -> dict[str, Any]:
        return {"articles": self.articles,
                "fields": {f: t.as_dict() for f, t in self.fields.items()},
                "overall": self.overall.as_dict(),
                "officials.titles": self.titles.as_dict(),
                "accuracies": {k: a.as_dict() for k, a in self.attrs.items()}}


@dataclass
class ArticleErrors:
    article_id: str
    misses: dict[str, list[dict[str, Any]]]
    false_positives: dict[str, list[dict[str, Any]]]
    attribute_errors: list[str]


def _issuer_ok(g: str | None, p: str | None) -> bool:
    if g is None or p is None:
        return g is None and p is None
    a, b = org_key(g) or "", org_key(p) or ""
    return bool(a and b and (a in b or b in a))


def score_article(gold: dict[str, Any], pred: dict[str, Any] | None, gs: GroupScore) -> ArticleErrors:
    """Add one article's comparison to ``gs`` and return its errors."""
    pred = pred or {}
    gs.articles += 1
    errs = ArticleErrors(gold["article_id"], {}, {}, [])
    for kind in FIELDS:
        pairs, misses, fps = greedy_match(kind, gold.get(kind) or [], pred.get(kind) or [])
        gs.fields[kind].add(Tally(len(pairs), len(fps), len(misses)))
        if misses:
            errs.misses[kind] = misses
        if fps:
            errs.false_positives[kind] = fps
        for g, p in pairs:
            if kind == "locations":
                # resolution: the parents the gold states must be found (null gold = not scored)
                for parent in ("province", "district"):
                    if g.get(parent):
                        ok = match_key(g[parent]) == match_key(p.get(parent) or "")
                        gs.attrs[f"locations.{parent}"].add(ok)
                        if not ok:
                            errs.attribute_errors.append(
                                f"{parent} of {g.get('level')} {g.get('name')}: {p.get(parent)!r} ≠ {g[parent]!r}")
            elif kind == "officials":
                ok = match_key(g.get("rank") or "") == match_key(p.get("rank") or "")
                gs.attrs["officials.rank"].add(ok)
                if not ok:
                    errs.attribute_errors.append(f"rank of {g['name']}: {p.get('rank')!r} ≠ {g.get('rank')!r}")
                tpairs, tmiss, tfp = _match_keys([org_key(t) for t in g.get("titles") or []],
                                                 [org_key(t) for t in p.get("titles") or []])
                gs.titles.add(Tally(len(tpairs), len(tfp), len(tmiss)))
                if tmiss or tfp:
                    errs.attribute_errors.append(
                        f"titles of {g['name']}: {p.get('titles')} ≠ {g.get('titles')}")
            elif kind == "counts":
                ok = (g.get("qualifier") or None) == (p.get("qualifier") or None)
                gs.attrs["counts.qualifier"].add(ok)
                if not ok:
                    errs.attribute_errors.append(
                        f"qualifier of {g.get('text')!r}: {p.get('qualifier')} ≠ {g.get('qualifier')}")
            elif kind == "awards":
                ok = match_key(g.get("award") or "") == match_key(p.get("award") or "")
                gs.attrs["awards.award"].add(ok)
                if not ok:
                    errs.attribute_errors.append(f"award type: {p.get('award')!r} ≠ {g.get('award')!r}")
                ok = _issuer_ok(g.get("issuer"), p.get("issuer"))
                gs.attrs["awards.issuer"].add(ok)
                if not ok:
                    errs.attribute_errors.append(f"issuer: {p.get('issuer')!r} ≠ {g.get('issuer')!r}")
    for key in ("event_date", "published"):
        ok = (gold.get(key) or None) == (pred.get(key) or None)
        gs.attrs[key].add(ok)
        if not ok:
            errs.attribute_errors.append(f"{key}: {pred.get(key)!r} ≠ {gold.get(key)!r}")
    ok = match_key(gold.get("title") or "") == match_key(pred.get("title") or "")
    gs.attrs["title"].add(ok)
    if not ok:
        errs.attribute_errors.append(f"title: {pred.get('title')!r} ≠ {gold.get('title')!r}")
    return errs


def default_group(article_id: str) -> str:
    """Seed articles vs the development articles written for the project (``dev_*``)."""
    return "dev" if article_id.startswith("dev_") else "seed"


@dataclass
class ScoreReport:
    groups: dict[str, GroupScore]
    errors: list[ArticleErrors]
    missing_predictions: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"groups": {g: s.as_dict() for g, s in self.groups.items()},
                "missing_predictions": self.missing_predictions,
                "errors": [e.__dict__ for e in self.errors]}


def load_gold(gold_dir: str | Path) -> dict[str, dict[str, Any]]:
    """Gold files: every ``*.json`` in the directory holding an ``article_id``."""
    out = {}
    for p in sorted(Path(gold_dir).glob("*.json")):
        data = json.loads(p.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "article_id" in data:
            out[data["article_id"]] = data
    return out


def score(gold: dict[str, dict[str, Any]], pred: dict[str, dict[str, Any]],
          group_of: Callable[[str], str] = default_group) -> ScoreReport:
    groups: dict[str, GroupScore] = {}
    errors = []
    missing = []
    for aid, g in sorted(gold.items()):
        if aid not in pred:
            missing.append(aid)
        for name in (group_of(aid), "all"):
            gs = groups.setdefault(name, GroupScore())
            e = score_article(g, pred.get(aid), gs)
        errors.append(e)
    return ScoreReport(groups, errors, missing)


# -- the gate ---------------------------------------------------------------------------------

def gate_values(report: ScoreReport) -> dict[str, dict[str, float]]:
    """Per group, the F1 of each field and overall: what the baseline holds floors for."""
    out: dict[str, dict[str, float]] = {}
    for name, gs in report.groups.items():
        if name == "all":
            continue
        vals = {f: round(gs.fields[f].f1, 4) for f in FIELDS}
        vals["overall"] = round(gs.overall.f1, 4)
        out[name] = vals
    return out


def check_gate(report: ScoreReport, baseline: dict[str, dict[str, float]]) -> list[str]:
    """Lines naming each field below its floor; empty when the gate holds."""
    failures = []
    current = gate_values(report)
    for group, floors in baseline.items():
        for fld, floor in floors.items():
            have = current.get(group, {}).get(fld)
            if have is None:
                failures.append(f"{group}/{fld}: no score (floor {floor:.3f})")
            elif have < floor - EPSILON:
                failures.append(f"{group}/{fld}: F1 {have:.3f} below floor {floor:.3f}")
    return failures


def updated_baseline(report: ScoreReport, baseline: dict[str, dict[str, float]]
                     ) -> dict[str, dict[str, float]]:
    """Floors raised to the current scores (never lowered)."""
    out = {g: dict(v) for g, v in baseline.items()}
    for group, vals in gate_values(report).items():
        cur = out.setdefault(group, {})
        for fld, v in vals.items():
            cur[fld] = max(cur.get(fld, 0.0), v)
    return out


def format_table(report: ScoreReport, groups: Iterable[str] | None = None) -> str:
    """A plain-text table: P/R/F1 per field per group, then the accuracies."""
    names = [g for g in (groups or sorted(report.groups, key=lambda n: (n == "all", n)))
             if g in report.groups]
    head = f"{'field':<18}" + "".join(f"{n + ' (' + str(report.groups[n].articles) + ')':>24}" for n in names)
    sub = f"{'':<18}" + "".join(f"{'P':>8}{'R':>8}{'F1':>8}" for _ in names)
    lines = [head, sub]

    def row(label: str, tallies: list[Tally]) -> str:
        return f"{label:<18}" + "".join(
            f"{t.precision:>8.3f}{t.recall:>8.3f}{t.f1:>8.3f}" for t in tallies)

    acc = [f"{k:<18}" + "".join(f"{'':>8}{'acc':>8}{report.groups[n].attrs[k].value:>8.3f}"
                                 for n in names)
           for k in next(iter(report.groups.values())).attrs]
    lines = acc + lines  # accuracies first: the F1 table ends the output
    for f in FIELDS:
        lines.append(row(f, [report.groups[n].fields[f] for n in names]))
    lines.append(row("officials.titles", [report.groups[n].titles for n in names]))
    lines.append(row("overall", [report.groups[n].overall for n in names]))
    return "\n".join(lines)
