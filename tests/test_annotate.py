"""Gold round trip: predictions → Label Studio / doccano files → gold, refusing bad spans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.annotate import AnnotationError, from_doccano, from_label_studio, to_doccano, to_label_studio
from extractor.cli import app

TEXT = "Chiều ngày 20/10, Công an huyện Hương Khê trao giấy khen cho 4 tập thể, 6 cá nhân."
REC = {"article_id": "a1", "title": "T", "published": None, "authors": ["Nga Nguyễn"], "event_date": "2022-10-20",
       "dates": [{"text": "Chiều ngày 20/10", "value": "2022-10-20", "year_inferred_from": "context", "span": [0, 16]}],
       "locations": [{"text": "huyện Hương Khê", "level": "huyện", "name": "Hương Khê", "province": "Hà Tĩnh",
                      "district": None, "span": [26, 41]}],
       "officials": [], "models": [], "counts": [],
       "awards": [{"text": "giấy khen cho 4 tập thể, 6 cá nhân", "award": "Giấy khen", "issuer": None,
                   "collectives": 4, "individuals": 6, "total": None, "span": [47, 81]}]}


def test_label_studio_round_trip_keeps_spans_and_values() -> None:
    tasks = to_label_studio([REC], {"a1": TEXT})
    # what Label Studio's JSON export looks like after an annotator accepts the pre-annotations
    exported = [{"id": 1, "data": tasks[0]["data"], "annotations": [{"id": 7, "result": tasks[0]["predictions"][0]["result"]}]}]
    gold = from_label_studio(json.loads(json.dumps(exported)))[0]
    assert gold["event_date"] == "2022-10-20" and gold["authors"] == ["Nga Nguyễn"]
    assert gold["dates"] == [{"text": "Chiều ngày 20/10", "value": "2022-10-20", "year_inferred_from": "context"}]
    assert gold["awards"][0]["collectives"] == 4 and gold["awards"][0]["text"] == TEXT[47:81]


def test_label_studio_span_that_does_not_match_the_text_is_refused() -> None:
    tasks = to_label_studio([REC], {"a1": TEXT})
    result = tasks[0]["predictions"][0]["result"]
    result[0]["value"]["start"] += 1  # an annotator's region shifted by one character
    with pytest.raises(AnnotationError, match="does not match"):
        from_label_studio([{"data": tasks[0]["data"], "annotations": [{"result": result}]}])


def test_label_studio_new_region_without_attributes_is_refused() -> None:
    task = {"data": {"text": TEXT, "article_id": "a1"}, "annotations": [{"result": [
        {"id": "x", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 61, "end": 70, "text": "4 tập thể", "labels": ["counts"]}}]}]}
    with pytest.raises(AnnotationError, match="no attributes"):
        from_label_studio([task])


def test_doccano_round_trip_and_entities_variant() -> None:
    lines = to_doccano([REC], {"a1": TEXT})
    gold = from_doccano(json.loads(json.dumps(lines)))[0]
    assert [d["value"] for d in gold["dates"]] == ["2022-10-20"]
    assert gold["locations"][0]["name"] == "Hương Khê"
    # doccano's newer export writes entities with offsets; extra keys come back under meta
    ent = {"text": TEXT, "entities": [{"id": 1, "start_offset": 0, "end_offset": 16, "label": "dates"}],
           "meta": {"article_id": "a1", "attrs": {"0-16-dates": {"value": "2022-10-20"}}}}
    assert from_doccano([ent])[0]["dates"] == [{"text": "Chiều ngày 20/10", "value": "2022-10-20"}]
    bad = dict(lines[0], text=TEXT.replace("Chiều", "Sáng "))
    with pytest.raises(AnnotationError, match="does not match"):
        from_doccano([bad])


def test_cli_export_then_import_gives_gold_files(corpus_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt, name in (("label-studio", "tasks.json"), ("doccano", "tasks.jsonl")):
        res = runner.invoke(app, ["gold", "export", "000_26ae2bb7e0312ef1", "--db", str(corpus_db),
                                  "--format", fmt, "--out", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
        if fmt == "label-studio":  # Label Studio exports tasks with an annotations list
            tasks = json.loads((tmp_path / name).read_text(encoding="utf-8"))
            for t in tasks:
                t["annotations"] = [{"result": t.pop("predictions")[0]["result"]}]
            (tmp_path / name).write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
        res = runner.invoke(app, ["gold", "import", str(tmp_path / name), "--format", fmt,
                                  "--out", str(tmp_path / fmt)])
        assert res.exit_code == 0, res.output
        gold = json.loads((tmp_path / fmt / "000_26ae2bb7e0312ef1.json").read_text(encoding="utf-8"))
        assert gold["title"].startswith("Sơ kết mô hình")
        assert any(o["name"] == "Nguyễn Hữu Thiên" for o in gold["officials"])
