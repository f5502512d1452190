"""Throughput of the whole job on one archive, bracketed by the I/O floor and underthesea's NER.

One invocation measures, on the same articles:

* ``floor``   — reading the inputs (``iter_inputs``) and writing only their article rows to a
  fresh SQLite database the way ``run`` writes (grouped commits, search index built at the
  end), no extraction: what any tool pays. Measured before and after the runs; the ratios are
  to the mean of the two (the floor moves far more with the host's load than the runs do);
* ``run/wN``  — the project's ``extractor.run.run`` (ingest → SQLite committed) with N workers;
* ``stages``  — one process over a sample, timing every stage including the ones ``run`` does
  not time (reading, normalization in ``Document()``, ``to_record``, the store write);
* ``ner``     — underthesea's CRF ``ner()`` over the sentences of a sample of the articles (the
  tool a user would otherwise reach for), reported per article.

Each phase runs in its own subprocess so its peak RSS (the process and all its children,
sampled every 50 ms) is its own. Prints a table and writes JSON to ``benchmarks/out/``.

    python benchmarks/make_archive.py 10000 --out /tmp/a10k
    python benchmarks/throughput.py /tmp/a10k --label 10k
    python benchmarks/throughput.py --compare benchmarks/out/*.json   # flatness across sizes
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# Targets of the issue, as ratios measured in the same run.
TARGET_VS_NER = 50.0  # end-to-end throughput ≥ 50× underthesea ner() (aim 100×)
TARGET_VS_FLOOR = 5.0  # extraction costs ≤ 5× the I/O floor
TARGET_RSS_MB = 500.0
TARGET_FLAT = 0.20  # per-article time within 20 % from 1 000 to 100 000 articles


# -- measuring ------------------------------------------------------------------------------------


class PeakRSS:
    """Peak resident memory of this process plus its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.05) -> None:
        import psutil

        self._proc = psutil.Process()
        self.interval = interval
        self.peak_total = 0
        self.peak_one = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> None:
        import psutil

        total = one = 0
        for p in [self._proc, *self._proc.children(recursive=True)]:
            try:
                rss = p.memory_info().rss
            except psutil.Error:
                continue
            total += rss
            one = max(one, rss)
        self.peak_total = max(self.peak_total, total)
        self.peak_one = max(self.peak_one, one)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> PeakRSS:
        self._sample()
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()

    def mb(self) -> dict[str, float]:
        return {"peak_rss_mb": round(self.peak_total / 2**20, 1),
                "peak_rss_one_process_mb": round(self.peak_one / 2**20, 1)}


def phase_floor(paths: list[str], db_path: str) -> dict[str, Any]:
    """Read every input and write only its article row, the way ``run`` writes: the same
    database setup, grouped commits and, at the end, the search index built over the texts."""
    from extractor.ingest import SourceRecord, iter_inputs
    from extractor.models import SCHEMA_VERSION
    from extractor.pipeline import PIPELINE_VERSION
    from extractor.run import text_hash
    from extractor.store import GroupCommit, _now, finish_bulk_load, open_db, write_rows

    t0 = time.perf_counter()
    db = open_db(db_path, bulk=True)
    group = GroupCommit(db)
    n = nbytes = 0
    for item in iter_inputs(paths):
        if not isinstance(item, SourceRecord):
            continue
        row = {"article_id": item.article_id, "source": item.source, "url": item.url,
               "encoding": item.encoding, "content_hash": text_hash(item.text),
               "pipeline_version": PIPELINE_VERSION, "schema_version": SCHEMA_VERSION,
               "text": item.text, "n_facts": 0, "processed_at": _now()}
        group.begin()
        write_rows(db, {"articles": [row]})
        group.tick()
        n += 1
        nbytes += len(item.text.encode("utf-8"))
    group.commit()
    finish_bulk_load(db)
    db.close()
    return {"articles": n, "bytes": nbytes, "seconds": time.perf_counter() - t0}


def phase_run(paths: list[str], db_path: str, workers: int) -> dict[str, Any]:
    """The project's end-to-end run into a fresh database."""
    from extractor.run import run

    t0 = time.perf_counter()
    s = run(paths, db_path, workers=workers)
    return {"articles": s.articles, "errors": len(s.errors), "seconds": time.perf_counter() - t0,
            "stage_seconds": s.stage_seconds, "facts": s.facts}


def phase_stages(paths: list[str], db_path: str, sample: int) -> dict[str, Any]:
    """Every stage of one process over the first ``sample`` articles, the untimed ones too."""
    from extractor.document import Document
    from extractor.ingest import SourceRecord, iter_inputs
    from extractor.pipeline import PIPELINE_VERSION, process
    from extractor.store import GroupCommit, finish_bulk_load, open_db, write_article

    db = open_db(db_path, bulk=True)  # as run opens a new database, and commits in groups
    group = GroupCommit(db)
    st: dict[str, float] = {}

    def add(k: str, v: float) -> None:
        st[k] = st.get(k, 0.0) + v

    n = 0
    it = iter(iter_inputs(paths))
    t_all = time.perf_counter()
    while n < sample:
        t = time.perf_counter()
        item = next(it, None)
        add("read", time.perf_counter() - t)
        if item is None:
            break
        if not isinstance(item, SourceRecord):
            continue
        t = time.perf_counter()
        doc = Document(item.article_id, item.text, source=item.source, encoding=item.encoding)
        add("normalize", time.perf_counter() - t)
        process(doc)
        for k, v in doc.timings.items():
            add(k, v)
        t = time.perf_counter()
        rec = doc.to_record()
        add("to_record", time.perf_counter() - t)
        t = time.perf_counter()
        group.begin()
        write_article(db, rec, PIPELINE_VERSION)
        group.tick()
        add("store", time.perf_counter() - t)
        n += 1
    t = time.perf_counter()
    group.commit()
    finish_bulk_load(db)
    add("index (once, at the end)", time.perf_counter() - t)
    db.close()
    return {"articles": n, "seconds": time.perf_counter() - t_all, "stage_seconds": st}


def phase_ner(paths: list[str], sample: int) -> dict[str, Any]:
    """underthesea ner() over the sentences (our sentence split) of the first ``sample`` articles."""
    from underthesea import ner

    from extractor.document import Document
    from extractor.ingest import SourceRecord, iter_inputs
    from extractor.segment import segment
    from extractor.sentences import split_sentences

    ner("Đại tá Nguyễn Văn A làm việc tại tỉnh Hà Tĩnh.")  # load the model once, untimed
    n = sentences = 0
    spent = 0.0
    for item in iter_inputs(paths):
        if n >= sample:
            break
        if not isinstance(item, SourceRecord):
            continue
        doc = Document(item.article_id, item.text)
        segment(doc)
        split_sentences(doc)
        texts = [doc.sentence_text(s) for s in doc.sentences]
        t = time.perf_counter()
        for s in texts:
            ner(s)
        spent += time.perf_counter() - t
        n += 1
        sentences += len(texts)
    return {"articles": n, "sentences": sentences, "seconds": spent}


def _cpu() -> float:
    """CPU seconds of this process and its waited-for children (pool workers included)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _phase_main(a: argparse.Namespace) -> int:
    paths = a.paths
    cpu0 = _cpu()
    with PeakRSS() as rss:
        if a.phase == "floor":
            out = phase_floor(paths, a.db)
        elif a.phase == "run":
            out = phase_run(paths, a.db, a.workers)
        elif a.phase == "stages":
            out = phase_stages(paths, a.db, a.sample)
        else:
            out = phase_ner(paths, a.sample)
    out.update(rss.mb())
    out["cpu_seconds"] = _cpu() - cpu0  # robust to other load on the machine, unlike wall time
    print(json.dumps(out))
    return 0


def _spawn(phase: str, paths: list[str], tmp: Path, cold: bool = False, **kw: Any) -> dict[str, Any]:
    """One phase in a new interpreter. ``cold``: with a pattern cache of its own, empty (the
    first run on a machine compiles every pattern)."""
    db = tmp / f"{phase}-{kw.get('workers', '')}-{len(list(tmp.iterdir()))}.db"  # a fresh one each time
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, "--db", str(db), *paths]
    for k, v in kw.items():
        cmd += [f"--{k}", str(v)]
    env = dict(os.environ)
    if cold:
        env["EXTRACTOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="cache-", dir=tmp)
    print(f"  … {phase} {kw or ''}", file=sys.stderr, flush=True)
    res = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if res.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


# -- reporting ------------------------------------------------------------------------------------


def _floor(r: dict[str, Any]) -> dict[str, Any]:
    """The I/O floor the ratios are taken to: the mean of its passes before and after the runs.
    It is SQLite and file work in C, and on a shared host it moves far more than the runs do
    (0.34–0.66 ms/article for the same archive within two hours): one pass either side of the
    runs brackets them in time. Results written before the second pass existed have one."""
    passes = [r[k] for k in ("floor", "floor_after") if k in r]
    mean = {k: sum(p.get(k, 0) for p in passes) / len(passes) for k in ("seconds", "cpu_seconds")}
    return {**r["floor"], **mean, "peak_rss_mb": max(p["peak_rss_mb"] for p in passes),
            "passes_seconds": [p["seconds"] for p in passes]}


def summarise(r: dict[str, Any]) -> dict[str, Any]:
    """Derived numbers: rates, per-article ms, the ratios the issue sets targets on."""
    r = {**r, "floor": _floor(r)}
    mb = r["floor"]["bytes"] / 1e6
    n = r["floor"]["articles"]
    out: dict[str, Any] = {"articles": n, "megabytes": round(mb, 2)}
    out["floor"] = {"articles_per_s": round(n / r["floor"]["seconds"], 1),
                    "mb_per_s": round(mb / r["floor"]["seconds"], 2),
                    "ms_per_article": round(1000 * r["floor"]["seconds"] / n, 3),
                    "ms_per_article_passes": [round(1000 * t / n, 3)
                                              for t in r["floor"]["passes_seconds"]],
                    "cpu_ms_per_article": round(1000 * r["floor"].get("cpu_seconds", 0) / n, 3),
                    "peak_rss_mb": r["floor"]["peak_rss_mb"]}
    ner_ms = None
    if r.get("ner") and r["ner"]["articles"]:
        ner_ms = 1000 * r["ner"]["seconds"] / r["ner"]["articles"]
        out["ner"] = {"sample": r["ner"]["articles"], "ms_per_article": round(ner_ms, 1),
                      "cpu_ms_per_article": round(1000 * r["ner"].get("cpu_seconds", 0) / r["ner"]["articles"], 1),
                      "articles_per_s": round(1000 / ner_ms, 2),
                      "peak_rss_mb": r["ner"]["peak_rss_mb"]}
    for key, v in r.items():
        if not key.startswith("run/"):
            continue
        aps = v["articles"] / v["seconds"]
        row = {"articles_per_s": round(aps, 1), "mb_per_s": round(mb / v["seconds"], 2),
               "ms_per_article_wall": round(1000 * v["seconds"] / max(v["articles"], 1), 3),
               "vs_floor": round(v["seconds"] / r["floor"]["seconds"], 2),
               "cpu_ms_per_article": round(1000 * v.get("cpu_seconds", 0) / max(v["articles"], 1), 3),
               "vs_floor_cpu": (round(v["cpu_seconds"] / r["floor"]["cpu_seconds"], 2)
                                if r["floor"].get("cpu_seconds") and v.get("cpu_seconds") else None),
               "peak_rss_mb": v["peak_rss_mb"],
               "peak_rss_one_process_mb": v["peak_rss_one_process_mb"],
               "stage_ms_per_article": {k: round(1000 * s / max(v["articles"], 1), 3)
                                        for k, s in v["stage_seconds"].items()}}
        if ner_ms:
            row["vs_ner"] = round(aps / (1000 / ner_ms), 1)
            if r["ner"].get("cpu_seconds") and v.get("cpu_seconds"):
                # per core: CPU per article of ner() over CPU per article of the whole run
                row["vs_ner_cpu"] = round((r["ner"]["cpu_seconds"] / r["ner"]["articles"])
                                          / (v["cpu_seconds"] / max(v["articles"], 1)), 1)
        out[key] = row
    if r.get("stages"):
        s = r["stages"]
        out["stages"] = {"sample": s["articles"],
                         "ms_per_article": {k: round(1000 * v / max(s["articles"], 1), 3)
                                            for k, v in s["stage_seconds"].items()},
                         "total_ms_per_article": round(1000 * s["seconds"] / max(s["articles"], 1), 3)}
    checks = {}
    runs = {k: v for k, v in out.items() if k.startswith("run/")}
    if runs:
        best = max(runs.values(), key=lambda v: v["articles_per_s"])
        if "vs_ner" in best:
            checks[f"throughput ≥ {TARGET_VS_NER:g}× ner()"] = best["vs_ner"] >= TARGET_VS_NER
        # the machine's throughput (the default --workers is the number of cores) against the
        # floor's; the 1-worker ratio is in the table too
        checks[f"extraction ≤ {TARGET_VS_FLOOR:g}× I/O floor (best run)"] = best["vs_floor"] <= TARGET_VS_FLOOR
        checks[f"peak RSS < {TARGET_RSS_MB:g} MB"] = all(v["peak_rss_mb"] < TARGET_RSS_MB for v in runs.values())
    out["targets"] = checks
    return out


def table(s: dict[str, Any], label: str) -> str:
    lines = [f"## {label}: {s['articles']} articles, {s['megabytes']} MB, "
             f"{s.get('build', 'pure Python')} build, pattern cache "
             f"{s.get('pattern_cache', 'none (before it existed)')}",
             "", "| pass | articles/s | MB/s | ms/article (wall) | CPU ms/article | × floor (wall / CPU) "
             "| × ner() (wall / per-core CPU) | peak RSS MB |",
             "|---|---|---|---|---|---|---|---|"]
    f = s["floor"]
    passes = " / ".join(map(str, f.get("ms_per_article_passes", [])))
    lines.append(f"| I/O floor (read + article rows), mean of the passes before / after the runs "
                 f"({passes} ms/article) | {f['articles_per_s']} | {f['mb_per_s']} | "
                 f"{f['ms_per_article']} | {f.get('cpu_ms_per_article', '')} | 1 | | {f['peak_rss_mb']} |")
    for k in sorted(x for x in s if x.startswith("run/")):
        v = s[k]
        lines.append(f"| extractor run, {k[5:].lstrip('w')} worker(s) | {v['articles_per_s']} | "
                     f"{v['mb_per_s']} | {v['ms_per_article_wall']} | {v.get('cpu_ms_per_article', '')} | "
                     f"{v['vs_floor']} / {v.get('vs_floor_cpu', '')} | "
                     f"{v.get('vs_ner', '')} / {v.get('vs_ner_cpu', '')} | {v['peak_rss_mb']} |")
    if "ner" in s:
        n = s["ner"]
        lines.append(f"| underthesea ner() (sample {n['sample']}) | {n['articles_per_s']} | | "
                     f"{n['ms_per_article']} | {n.get('cpu_ms_per_article', '')} | | 1 | {n['peak_rss_mb']} |")
    if "stages" in s:
        st = s["stages"]
        lines += ["", f"Per stage, one process, first {st['sample']} articles "
                  f"({st['total_ms_per_article']} ms/article in all):", "",
                  "| stage | ms/article |", "|---|---|"]
        for k, v in sorted(st["ms_per_article"].items(), key=lambda kv: -kv[1]):
            lines.append(f"| {k} | {v} |")
    lines += ["", "Targets:"] + [f"- {'PASS' if ok else 'FAIL'} {k}" for k, ok in s["targets"].items()]
    return "\n".join(lines)


def compare(files: list[Path]) -> str:
    """Per-article wall and CPU time across archive sizes (the 'stays flat' target)."""
    rows = []
    for f in files:
        d = json.loads(f.read_text(encoding="utf-8"))
        rows.append((d["summary"]["articles"], d["label"], d["summary"]))
    rows.sort(key=lambda r: r[0])
    keys = sorted({k for _, _, s in rows for k in s if k.startswith("run/")})
    out = ["| articles | " + " | ".join(f"{k} ms/article wall | {k} CPU ms/article" for k in keys)
           + " | floor ms/article | peak RSS MB |",
           "|---|" + "---|" * (2 * len(keys) + 2)]
    base: dict[str, float] = {}
    for n, _, s in rows:
        cells = []
        for k in keys:
            for metric in ("ms_per_article_wall", "cpu_ms_per_article"):
                v = s.get(k, {}).get(metric)
                if not v:
                    cells.append("")
                    continue
                b = base.setdefault(k + metric, v)
                cells.append(f"{v} ({100 * (v / b - 1):+.0f} %)")
        rss = max((s[k]["peak_rss_mb"] for k in keys if k in s), default=0)
        out.append(f"| {n} | " + " | ".join(cells) + f" | {s['floor']['ms_per_article']} | {rss} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", help="archive: directories / files as `extractor run` takes")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--ner-sample", type=int, default=200, help="articles for underthesea ner() (0: skip)")
    ap.add_argument("--stage-sample", type=int, default=2000, help="articles for the per-stage pass (0: skip)")
    ap.add_argument("--pattern-cache", choices=["warm", "cold"], default="warm",
                    help="warm (default): the runs find the compiled patterns a previous run cached, "
                         "as every run after a machine's first does; cold: each run starts with an "
                         "empty pattern cache and compiles them all")
    ap.add_argument("--label", default=None)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--compare", type=Path, nargs="+", help="JSON results to tabulate across sizes")
    # internal: one phase in this subprocess
    ap.add_argument("--phase", choices=["floor", "run", "stages", "ner"], help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--sample", type=int, default=0, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.phase:
        a.workers = a.workers[0]
        return _phase_main(a)
    if a.compare:
        print(compare(a.compare))
        return 0
    if not a.paths:
        ap.error("give an archive (or --compare)")
    label = a.label or Path(a.paths[0]).name
    raw: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        t = Path(tmp)
        if a.pattern_cache == "warm":  # a warm-up fills the cache the runs then read
            subprocess.run([sys.executable, "-c", "from extractor.run import warm_up; warm_up()"],
                           check=True)
        raw["floor"] = _spawn("floor", a.paths, t)
        for w in a.workers:
            raw[f"run/w{w}"] = _spawn("run", a.paths, t, cold=a.pattern_cache == "cold", workers=w)
        raw["floor_after"] = _spawn("floor", a.paths, t)
        if a.stage_sample:
            raw["stages"] = _spawn("stages", a.paths, t, sample=a.stage_sample)
        if a.ner_sample:
            raw["ner"] = _spawn("ner", a.paths, t, sample=a.ner_sample)
    s = summarise(raw)
    from extractor.build_info import build

    s["build"] = build()  # pure Python, or compiled by mypyc (EXTRACTOR_COMPILE=1 pip install .)
    s["pattern_cache"] = a.pattern_cache
    a.out.mkdir(parents=True, exist_ok=True)
    dest = a.out / f"throughput-{label}.json"
    dest.write_text(json.dumps({"label": label, "paths": a.paths, "cpus": os.cpu_count(),
                                "python": sys.version.split()[0], "raw": raw, "summary": s},
                               ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(s, label))
    print(f"\n→ {dest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
