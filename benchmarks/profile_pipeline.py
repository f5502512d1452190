"""Where the time goes: cProfile over the pipeline on synthetic articles, grouped by stage.

    python benchmarks/profile_pipeline.py 300            # 300 synthetic articles, seed 0
    python benchmarks/profile_pipeline.py 300 --top 40   # more functions

Prints the per-stage milliseconds per article (normalization in ``Document()`` and
``to_record`` included, which ``run`` does not time) and the functions with the most own time,
each attributed to the project file it lives in.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_archive  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, nargs="?", default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args(argv)

    from extractor.document import Document
    from extractor.pipeline import process

    texts = list(make_archive.articles(a.n, a.seed))
    process(Document("warm", texts[0][1]))  # lexicons, matchers, gazetteer: once per process
    stages: dict[str, float] = {}
    prof = cProfile.Profile()
    t_all = time.perf_counter()
    prof.enable()
    for aid, text in texts:
        t = time.perf_counter()
        doc = Document(aid, text)
        stages["normalize"] = stages.get("normalize", 0.0) + time.perf_counter() - t
        process(doc)
        t = time.perf_counter()
        doc.to_record()
        stages["to_record"] = stages.get("to_record", 0.0) + time.perf_counter() - t
        for k, v in doc.timings.items():
            stages[k] = stages.get(k, 0.0) + v
    prof.disable()
    total = time.perf_counter() - t_all
    print(f"{a.n} articles, {1000 * total / a.n:.1f} ms/article under the profiler\n")
    print("| stage | ms/article (profiled) |\n|---|---|")
    for k, v in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"| {k} | {1000 * v / a.n:.2f} |")
    print()
    st = pstats.Stats(prof)
    rows = []
    for (file, line, fn), (_cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        rows.append((tt, ct, nc, f"{Path(file).name}:{line}({fn})"))
    rows.sort(reverse=True)
    print("| own ms/article | cum ms/article | calls/article | function |\n|---|---|---|---|")
    for tt, ct, nc, name in rows[: a.top]:
        print(f"| {1000 * tt / a.n:.2f} | {1000 * ct / a.n:.2f} | {nc / a.n:.0f} | {name} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
