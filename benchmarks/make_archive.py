"""Make a synthetic archive of N portal articles for the benchmark, deterministic by seed.

Each synthetic article takes the page layout of one corpus article (header lines, headline,
stamp, captions, byline: what the segmenter sees) and fills its body paragraphs with sentences
drawn from the body sentences of *all* corpus articles, so every article is a new mix. Then the
facts are varied: person names are rebuilt from the family names of ``resources/surnames.tsv``
and the given-name syllables seen in the corpus; commune / district / province names after their
level word are replaced with names of the same level from the gazetteer; dates and other numbers
get new values of the same shape. The same (seed, index) always gives the same article, so runs
of 1 000, 10 000 and 100 000 articles are comparable and can be re-made on any machine.

    python benchmarks/make_archive.py 10000 --out /tmp/archive10k          # N .txt files
    python benchmarks/make_archive.py 10000 --jsonl /tmp/archive10k.jsonl  # one JSONL file

Files go in sub-directories of 1 000 (``0000/syn_0000000.txt``) so no directory gets huge.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

# body paragraph: long and ends like a sentence
_SENT_SPLIT = regex.compile(r"(?<=[.!?…][”\"’)]?)\s+(?=[“\"\p{Lu}])")
_LEVEL_NAME = regex.compile(
    r"\b(?P<level>[Tt]ỉnh|[Hh]uyện|[Qq]uận|[Tt]hị xã|[Tt]hị trấn|[Xx]ã|[Pp]hường|[Tt]hành phố|TP\.?)"
    r"\s+(?P<name>\p{Lu}[\p{Ll}\p{M}]*(?:[ -]\p{Lu}[\p{Ll}\p{M}]*){0,3})")
_PERSON = regex.compile(r"\b(?P<name>\p{Lu}[\p{Ll}\p{M}]+(?: \p{Lu}[\p{Ll}\p{M}]+){1,3})\b")
# one pass over dates, times, years and other numbers, so a new value is never rewritten again
_NUMERIC = regex.compile(
    r"\b(?P<date>\d{1,2}/\d{1,2}(?:/(?P<y>(?:19|20)\d{2}))?)\b"
    r"|\b(?P<time>\d{1,2}[:h]\d{2})\b"
    r"|(?P<keep>GMT[+-]\d+)"
    r"|\b(?P<year>(?:19|20)\d{2})\b"
    r"|\b(?P<num>\d{1,3}(?:[.,]\d{3})+|\d+)\b")
_KEEP_MIDDLE = frozenset({"Thị", "Văn"})
_QUOTED = regex.compile(r"“[^”\n]{3,120}”")


@dataclass(frozen=True)
class Template:
    """One corpus article as a layout: its lines, and which are body paragraphs."""

    lines: tuple[str, ...]
    body: tuple[int, ...]  # indexes of body-paragraph lines
    sizes: tuple[int, ...]  # number of sentences of each body paragraph


@dataclass(frozen=True)
class Pools:
    templates: tuple[Template, ...]
    sentences: tuple[str, ...]
    surnames: tuple[str, ...]
    given: tuple[str, ...]
    places: dict[str, tuple[str, ...]]  # level word (lower) → names of that level
    quoted: tuple[str, ...]


def _is_body(line: str) -> bool:
    s = line.strip()
    return len(s) > 160 and s[-1:] in ".!?…”\")" and len(_SENT_SPLIT.split(s)) >= 1


@cache
def pools() -> Pools:
    """Everything drawn from the corpus and the resources, built once."""
    from extractor.gazetteer import COMMUNE_LEVELS  # noqa: F401 — the package must be importable
    from extractor.resources import load_tsv

    files = sorted(CORPUS.glob("*.txt"))
    if not files:
        raise SystemExit(f"no corpus in {CORPUS}")
    templates, sentences, quoted = [], [], set()
    for f in files:
        lines = f.read_text(encoding="utf-8").splitlines()
        body, sizes = [], []
        for i, ln in enumerate(lines):
            if _is_body(ln):
                sents = [s for s in _SENT_SPLIT.split(ln.strip()) if s]
                body.append(i)
                sizes.append(len(sents))
                sentences.extend(sents)
            quoted.update(m.group() for m in _QUOTED.finditer(ln))
        if body:
            templates.append(Template(tuple(lines), tuple(body), tuple(sizes)))
    surnames = tuple(r[next(iter(r))] for r in load_tsv("surnames.tsv"))
    given: set[str] = set()
    for s in sentences:
        for m in _PERSON.finditer(s):
            parts = m.group("name").split()
            if parts[0] in surnames:
                given.update(p for p in parts[1:] if p not in surnames)
    gaz = json.loads((ROOT / "src/extractor/resources/gazetteer.json").read_text(encoding="utf-8"))
    places: dict[str, set[str]] = {}
    for level, name, *_ in gaz["provinces"]:
        places.setdefault(level, set()).add(name)
    for _, level, name, *_ in gaz["districts"]:
        places.setdefault(level, set()).add(name)
    for _, level, name, *_ in gaz["wards"]:
        places.setdefault(level, set()).add(name)
    return Pools(tuple(templates), tuple(sentences), surnames, tuple(sorted(given)),
                 {k: tuple(sorted(v)) for k, v in places.items()}, tuple(sorted(quoted)))


def _level_key(level: str) -> str:
    low = level.lower().rstrip(".")
    return "thành phố" if low == "tp" else low


def _vary(text: str, rng: random.Random, p: Pools) -> str:
    """New places, people, dates and numbers in ``text``, consistently within one article."""
    place_map: dict[tuple[str, str], str] = {}
    person_map: dict[str, str] = {}

    def place(m: regex.Match[str]) -> str:
        key = (_level_key(m.group("level")), m.group("name"))
        names = p.places.get(key[0])
        if not names:
            return m.group()
        if key not in place_map:
            place_map[key] = rng.choice(names)
        return f"{m.group('level')} {place_map[key]}"

    def person(m: regex.Match[str]) -> str:
        parts = m.group("name").split()
        if parts[0] not in p.surnames or not p.given:
            return m.group()
        old = m.group("name")
        if old not in person_map:
            person_map[old] = " ".join([rng.choice(p.surnames),
                                        *(w if w in _KEEP_MIDDLE else rng.choice(p.given)
                                          for w in parts[1:])])
        return person_map[old]

    def numeric(m: regex.Match[str]) -> str:
        if m.group("date"):
            d, mo = rng.randint(1, 28), rng.randint(1, 12)
            return f"{d}/{mo}/{rng.randint(2015, 2025)}" if m.group("y") else f"{d}/{mo}"
        if m.group("time"):
            return f"{rng.randint(6, 21)}{m.group('time')[-3]}{rng.randint(0, 59):02d}"
        if m.group("keep"):
            return m.group()
        if m.group("year"):
            return str(rng.randint(2015, 2025))
        digits = regex.sub(r"\D", "", m.group())
        if len(digits) > 6:  # phone numbers and codes: keep
            return m.group()
        lo = 10 ** (len(digits) - 1) if len(digits) > 1 else 1
        value = rng.randint(lo, 10 ** len(digits) - 1)
        return f"{value:,}".replace(",", ".") if "." in m.group() else str(value)

    text = _LEVEL_NAME.sub(place, text)
    text = _PERSON.sub(person, text)
    text = _NUMERIC.sub(numeric, text)
    if p.quoted:
        text = _QUOTED.sub(lambda m: rng.choice(p.quoted) if rng.random() < 0.5 else m.group(), text)
    return text


def article(seed: int, index: int) -> tuple[str, str]:
    """(article id, text) of synthetic article ``index`` for ``seed``."""
    p = pools()
    rng = random.Random(f"{seed}:{index}")
    t = p.templates[rng.randrange(len(p.templates))]
    lines = list(t.lines)
    for li, n in zip(t.body, t.sizes, strict=True):
        lines[li] = " ".join(rng.choice(p.sentences) for _ in range(max(1, n + rng.randint(-1, 1))))
    return f"syn_{seed}_{index:07d}", _vary("\n".join(lines) + "\n", rng, p)


def articles(n: int, seed: int = 0) -> Iterator[tuple[str, str]]:
    for i in range(n):
        yield article(seed, i)


def write_txt(n: int, out: Path, seed: int = 0) -> int:
    """N .txt files under ``out`` (sub-directories of 1 000); returns the bytes written."""
    total = 0
    for i, (aid, text) in enumerate(articles(n, seed)):
        d = out / f"{i // 1000:04d}"
        if i % 1000 == 0:
            d.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (d / f"{aid}.txt").write_bytes(data)
        total += len(data)
    return total


def write_jsonl(n: int, out: Path, seed: int = 0) -> int:
    """One JSONL file of {"id", "text"} records; returns the bytes written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    total = 0
    with out.open("w", encoding="utf-8") as fh:
        for aid, text in articles(n, seed):
            line = json.dumps({"id": aid, "text": text}, ensure_ascii=False) + "\n"
            fh.write(line)
            total += len(line.encode("utf-8"))
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("--seed", type=int, default=0)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--out", type=Path, help="directory for .txt files")
    g.add_argument("--jsonl", type=Path, help="one JSONL file")
    a = ap.parse_args(argv)
    if a.out:
        size = write_txt(a.n, a.out, a.seed)
        where = a.out
    else:
        size = write_jsonl(a.n, a.jsonl, a.seed)
        where = a.jsonl
    print(f"{a.n} articles, {size / 1e6:.1f} MB → {where}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
