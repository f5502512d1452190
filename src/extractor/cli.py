"""Command line: a thin layer over the library functions (run, export, score, show)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Facts from Vietnamese portal articles into SQLite.")
err = Console(stderr=True)


def _count_files(paths: list[Path]) -> int | None:
    n = 0
    for p in paths:
        if p.is_dir():
            n += sum(1 for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
        elif p.suffix in (".txt", ".html", ".htm"):
            n += 1
        else:
            return None  # containers: unknown number of records
    return n


@app.command()
def run(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: corpus/)")] = None,
    db: Annotated[Path, typer.Option(help="SQLite database")] = Path("facts.db"),
    workers: Annotated[int, typer.Option(help="Worker processes (default: number of cores)")] = 0,
    fmt: Annotated[str | None, typer.Option("--format", help="txt|html|warc|jsonl (default: by extension)")] = None,
    max_bytes: Annotated[int, typer.Option(help="Inputs larger than this are refused")] = 5 * 1024 * 1024,
    force: Annotated[bool, typer.Option(help="Re-extract articles already stored")] = False,
    engine: Annotated[str, typer.Option(help="local (processes on this machine) or dask (a Dask cluster)")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (default: a LocalCluster)")] = None,
    shards: Annotated[Path, typer.Option(help="With --engine dask: directory for the Parquet shards")] = Path("shards"),
    shard_size: Annotated[int, typer.Option(help="With --engine dask: articles per shard")] = 200,
) -> None:
    """Extract facts from PATHS into the database (the main job)."""
    from .run import default_workers, run as run_job

    paths = paths or [Path("corpus")]
    if engine == "dask":
        _run_dask(paths, shards, scheduler, workers or default_workers(), shard_size, fmt, max_bytes)
        return
    if engine != "local":
        raise typer.BadParameter(f"unknown engine {engine!r}", param_hint="--engine")
    total = _count_files(paths)
    with Progress(SpinnerColumn(), TextColumn("[bold]extracting"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.fields[last]}"), console=err,
                  transient=False) as progress:
        task = progress.add_task("run", total=total, last="")
        summary = run_job(paths, db, workers=workers or default_workers(), fmt=fmt,
                          max_bytes=max_bytes, force=force,
                          on_article=lambda aid: progress.update(task, advance=1, last=aid))
    from .build_info import build

    err.print(f"run {summary.run_id}: {summary.articles} articles stored, {summary.skipped} unchanged "
              f"skipped, {len(summary.errors)} errors, {summary.seconds:.2f} s ({build()} build)")
    _finish(summary.facts, summary.errors, summary.interrupted)


def _finish(facts: dict[str, int], errors: list[tuple[str, str | None, str]], interrupted: bool) -> None:
    err.print("facts: " + ", ".join(f"{k} {v}" for k, v in facts.items()))
    for source, record, reason in errors:
        err.print(f"[red]error[/red] {source}{'#' + record if record else ''}: {reason}")
    if interrupted:
        err.print("[yellow]interrupted: what is listed above is stored; run again to resume[/yellow]")
        raise typer.Exit(130)
    if errors:
        raise typer.Exit(1)


def _run_dask(paths: list[Path], shards: Path, scheduler: str | None, workers: int, shard_size: int,
              fmt: str | None, max_bytes: int) -> None:
    from .engine_dask import run_dask

    s = run_dask(paths, shards, scheduler=scheduler, n_workers=workers, shard_size=shard_size,
                 fmt=fmt, max_bytes=max_bytes)
    err.print(f"dask: {s.articles} articles in {s.shards} shards written, {s.shards_skipped} shards "
              f"({s.skipped} articles) already complete, {len(s.errors)} errors, {s.seconds:.2f} s "
              f"→ {s.shards_dir}\nload them: extractor load {s.shards_dir} --db facts.db")
    _finish(s.facts, s.errors, s.interrupted)


@app.command()
def load(
    shards: Annotated[Path, typer.Argument(help="Directory of Parquet shards from --engine dask")],
    db: Annotated[Path, typer.Option(help="SQLite database")] = Path("facts.db"),
) -> None:
    """Merge Parquet shards into the database (idempotent: loading twice changes nothing)."""
    from .shards import load_shards

    if not shards.is_dir():
        err.print(f"[red]no shards directory at {shards}[/red]")
        raise typer.Exit(2)
    n = load_shards(shards, db)
    err.print(f"{n} articles loaded into {db}")


@app.command()
def export(
    db: Annotated[Path, typer.Option(help="SQLite database")] = Path("facts.db"),
    fmt: Annotated[str, typer.Option("--format", help="jsonl|csv|parquet")] = "jsonl",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File (jsonl) or directory (csv, parquet); default stdout / exports/")] = None,
    kind: Annotated[list[str] | None, typer.Option(help="Fact kinds for csv/parquet (repeatable)")] = None,
) -> None:
    """Export the facts: the FACTS.md JSONL contract, or one CSV/Parquet file per fact kind."""
    from .store import open_db

    _need_db(db)
    database = open_db(db)
    if fmt == "jsonl":
        from .export import export_jsonl

        if out:
            with out.open("w", encoding="utf-8") as fh:
                n = export_jsonl(database, fh)
            err.print(f"{n} articles → {out}")
        else:
            export_jsonl(database, sys.stdout)
    elif fmt == "csv":
        from .export import export_csv

        for p in export_csv(database, out or Path("exports"), kind):
            err.print(f"→ {p}")
    elif fmt == "parquet":
        from .export import export_parquet

        for p in export_parquet(database, out or Path("exports"), kind):
            err.print(f"→ {p}")
    else:
        raise typer.BadParameter(f"unknown format {fmt!r}", param_hint="--format")


@app.command()
def score(
    gold: Annotated[Path, typer.Argument(help="Directory of gold JSON files")] = Path("gold"),
    db: Annotated[Path, typer.Option(help="SQLite database with the predictions")] = Path("facts.db"),
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable report on stdout")] = False,
    baseline: Annotated[Path | None, typer.Option(help="Floors file (default: GOLD/baseline.json)")] = None,
    update_baseline: Annotated[bool, typer.Option(help="Raise the floors to the current scores")] = False,
    errors: Annotated[bool, typer.Option("--errors", help="List misses and false positives per article")] = False,
    html_out: Annotated[Path | None, typer.Option("--html", help="Also write the report as HTML here")] = None,
) -> None:
    """Score the database against gold; exit 1 when a field falls below its committed floor."""
    from . import score as sc
    from .store import load_contracts, open_db

    _need_db(db)
    gold_items = sc.load_gold(gold)
    if not gold_items:
        raise typer.BadParameter(f"no gold files in {gold}", param_hint="GOLD")
    preds = {r["article_id"]: r for r in load_contracts(open_db(db), list(gold_items))}
    report = sc.score(gold_items, preds)
    floors_path = baseline or gold / "baseline.json"
    try:
        floors = json.loads(floors_path.read_text() or "{}") if floors_path.exists() else {}
    except json.JSONDecodeError as e:
        raise typer.BadParameter(f"{floors_path} is not a JSON floors file: {e}", param_hint="--baseline") from e
    if update_baseline:
        floors = sc.updated_baseline(report, floors)
        floors_path.write_text(json.dumps(floors, indent=2, sort_keys=True) + "\n")
        err.print(f"floors written to {floors_path}")
    failures = sc.check_gate(report, floors)
    if html_out:
        from .review import score_html

        html_out.write_text(score_html(report), encoding="utf-8")
        err.print(f"HTML report → {html_out}")
    if as_json:
        out = report.as_dict()
        out["gate"] = {"baseline": str(floors_path), "failures": failures}
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        if errors:
            for e in report.errors:
                if e.misses or e.false_positives or e.attribute_errors:
                    print(f"== {e.article_id}")
                    for k, items in e.misses.items():
                        for it in items:
                            print(f"  miss {k}: {_brief(it)}")
                    for k, items in e.false_positives.items():
                        for it in items:
                            print(f"  false {k}: {_brief(it)}")
                    for a in e.attribute_errors:
                        print(f"  attr {a}")
        if report.missing_predictions:
            print(f"no predictions for: {', '.join(report.missing_predictions)}")
        print(sc.format_table(report))
        print("gate: " + ("FAILED — " + "; ".join(failures) if failures else
                          f"holds ({floors_path})" if floors else "no baseline"))
    if failures:
        raise typer.Exit(1)


def _brief(item: dict) -> str:
    keep = {k: v for k, v in item.items() if k not in ("span", "sentence")}
    return json.dumps(keep, ensure_ascii=False)


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (file stem)")],
    db: Annotated[Path, typer.Option(help="SQLite database")] = Path("facts.db"),
) -> None:
    """One article's segments and facts, readable in a terminal."""
    from rich.table import Table

    from .store import FACT_TABLES, load_contracts, open_db

    _need_db(db)
    database = open_db(db)
    recs = load_contracts(database, [article_id])
    if not recs:
        err.print(f"[red]no article {article_id!r} in {db}[/red]")
        raise typer.Exit(1)
    rec = recs[0]
    con = Console()
    art = database["articles"].get(article_id)
    con.rule(f"[bold]{article_id}")
    con.print(f"[bold]title[/bold] {rec['title']}\n[bold]published[/bold] {rec['published']}   "
              f"[bold]event[/bold] {rec['event_date']}   [bold]authors[/bold] {', '.join(rec['authors'])}")
    text = art["text"]
    seg_t = Table("kind", "span", "text", title="segments", show_lines=False)
    for s in database.query("SELECT * FROM segments WHERE article_id = ? ORDER BY idx", [article_id]):
        snippet = text[s["start"]:s["end"]].replace("\n", " ")
        seg_t.add_row(s["kind"] + (" (repeat)" if s["duplicate_of"] is not None else ""),
                      f"{s['start']}–{s['end']}", snippet[:90] + ("…" if len(snippet) > 90 else ""))
    con.print(seg_t)
    for kind in FACT_TABLES:
        items = rec[kind]
        if not items:
            continue
        cols = [k for k in items[0] if k not in ("sentence",)]
        t = Table(*cols, title=f"{kind} ({len(items)})")
        for it in items:
            t.add_row(*[json.dumps(it[c], ensure_ascii=False) if isinstance(it[c], (list, dict))
                        else ("" if it[c] is None else str(it[c])) for c in cols])
        con.print(t)


@app.command()
def review(
    article_ids: Annotated[list[str] | None, typer.Argument(help="Articles (default: all)")] = None,
    db: Annotated[Path, typer.Option(help="SQLite database")] = Path("facts.db"),
    out: Annotated[Path, typer.Option("--out", help="Output directory")] = Path("review"),
    gold: Annotated[Path | None, typer.Option(help="Gold directory: mark misses and false positives")] = Path("gold"),
) -> None:
    """HTML pages with every fact highlighted in the article text, and an index page."""
    from .review import write_review
    from .score import load_gold
    from .store import open_db

    _need_db(db)
    gold_items = load_gold(gold) if gold and gold.is_dir() else None
    paths = write_review(open_db(db), out, article_ids, gold_items)
    err.print(f"{len(paths) - 1} pages + index → {out / 'index.html'}")


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to a file instead of stdout")] = None,
) -> None:
    """The JSON Schema of the article records (from the pydantic models)."""
    from .models import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@app.command()
def metadata(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to a file instead of stdout")] = None,
) -> None:
    """Datasette metadata.json describing the tables and columns (`datasette facts.db -m metadata.json`)."""
    from .datasette import metadata as meta

    text = json.dumps(meta(), ensure_ascii=False, indent=2) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


gold_app = typer.Typer(no_args_is_help=True, help="Gold round trip with Label Studio and doccano.")
app.add_typer(gold_app, name="gold")


@gold_app.command("export")
def gold_export(
    article_ids: Annotated[list[str] | None, typer.Argument(help="Articles (default: all)")] = None,
    db: Annotated[Path, typer.Option(help="SQLite database")] = Path("facts.db"),
    fmt: Annotated[str, typer.Option("--format", help="label-studio|doccano")] = "label-studio",
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file")] = Path("tasks.json"),
) -> None:
    """Predictions as pre-annotated tasks for an annotator to correct."""
    from .annotate import LABEL_STUDIO_CONFIG, to_doccano, to_label_studio
    from .store import load_contracts, open_db

    _need_db(db)
    database = open_db(db)
    recs = load_contracts(database, article_ids or None)
    texts = {r["article_id"]: database["articles"].get(r["article_id"])["text"] for r in recs}
    if fmt == "label-studio":
        out.write_text(json.dumps(to_label_studio(recs, texts), ensure_ascii=False, indent=1), encoding="utf-8")
        out.with_suffix(".config.xml").write_text(LABEL_STUDIO_CONFIG, encoding="utf-8")
        err.print(f"{len(recs)} tasks → {out} (labelling config: {out.with_suffix('.config.xml')})")
    elif fmt == "doccano":
        out.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in to_doccano(recs, texts)),
                       encoding="utf-8")
        err.print(f"{len(recs)} lines → {out}")
    else:
        raise typer.BadParameter(f"unknown format {fmt!r}", param_hint="--format")


@gold_app.command("import")
def gold_import(
    path: Annotated[Path, typer.Argument(help="The tool's export (Label Studio JSON, doccano JSONL)")],
    fmt: Annotated[str, typer.Option("--format", help="label-studio|doccano")] = "label-studio",
    out: Annotated[Path, typer.Option("--out", "-o", help="Gold directory")] = Path("gold"),
) -> None:
    """Corrected annotations back into gold files (refuses spans that do not match the text)."""
    from .annotate import AnnotationError, from_doccano, from_label_studio

    raw = path.read_text(encoding="utf-8")
    try:
        if fmt == "label-studio":
            records = from_label_studio(json.loads(raw))
        elif fmt == "doccano":
            records = from_doccano([json.loads(x) for x in raw.splitlines() if x.strip()])
        else:
            raise typer.BadParameter(f"unknown format {fmt!r}", param_hint="--format")
    except AnnotationError as e:
        err.print(f"[red]refused:[/red] {e}")
        raise typer.Exit(1) from e
    out.mkdir(parents=True, exist_ok=True)
    for rec in records:
        (out / f"{rec['article_id']}.json").write_text(
            json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    err.print(f"{len(records)} gold files → {out}")


def _need_db(db: Path) -> None:
    if not db.exists():
        err.print(f"[red]no database at {db}: run `extractor run` first[/red]")
        raise typer.Exit(2)


if __name__ == "__main__":  # pragma: no cover
    app()
