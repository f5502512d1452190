"""The scorer follows FACTS.md: keys per field, greedy multisets, attribute accuracies, gate."""

from __future__ import annotations

from extractor.score import (
    GroupScore,
    check_gate,
    expand_abbreviations,
    score,
    score_article,
    updated_baseline,
)


def _art(**kw):  # type: ignore[no-untyped-def]
    base = {"article_id": "a", "title": "T", "published": None, "authors": [], "event_date": None,
            "dates": [], "locations": [], "officials": [], "models": [], "counts": [], "awards": []}
    base.update(kw)
    return base


def test_villages_are_one_level_and_names_match_without_case_or_tone_placement() -> None:
    gold = _art(locations=[{"level": "thôn", "name": "Hoà Bình"}, {"level": "xã", "name": "Lộc Yên"}])
    pred = _art(locations=[{"level": "bản", "name": "hòa bình"}, {"level": "huyện", "name": "Lộc Yên"}])
    gs = GroupScore()
    score_article(gold, pred, gs)
    t = gs.fields["locations"]
    assert (t.tp, t.fp, t.fn) == (1, 1, 1)


def test_counts_match_on_value_and_first_unit_syllable_with_qualifier_accuracy() -> None:
    gold = _art(counts=[{"value": 3000, "unit": "lượt người", "qualifier": "more_than"},
                        {"value": 12, "unit": "vụ", "qualifier": None},
                        {"value": 12, "unit": "vụ", "qualifier": None}])
    pred = _art(counts=[{"value": 3000.0, "unit": "lượt", "qualifier": None},
                        {"value": 12, "unit": "vụ việc", "qualifier": None}])
    gs = GroupScore()
    score_article(gold, pred, gs)
    t = gs.fields["counts"]
    assert (t.tp, t.fp, t.fn) == (2, 0, 1)
    assert gs.attrs["counts.qualifier"].right == 1 and gs.attrs["counts.qualifier"].total == 2


def test_award_totals_are_not_scored_and_issuers_match_by_containment() -> None:
    gold = _art(awards=[{"award": "Giấy khen", "issuer": "Chủ tịch UBND huyện", "collectives": 4, "individuals": 2},
                        {"award": None, "issuer": None, "collectives": None, "individuals": None, "total": 43}])
    pred = _art(awards=[{"award": "giấy khen", "issuer": "Chủ tịch Ủy ban nhân dân huyện Hương Khê",
                         "collectives": 4, "individuals": 2}])
    gs = GroupScore()
    score_article(gold, pred, gs)
    assert gs.fields["awards"].f1 == 1.0
    assert gs.attrs["awards.issuer"].value == 1.0 and gs.attrs["awards.award"].value == 1.0


def test_titles_are_compared_with_abbreviations_expanded() -> None:
    assert expand_abbreviations("Chủ tịch HĐND huyện") == "Chủ tịch Hội đồng nhân dân huyện"
    gold = _art(officials=[{"name": "Đặng Văn Sình", "rank": None, "titles": ["Chủ tịch Hội đồng nhân dân huyện"]}])
    pred = _art(officials=[{"name": "Đặng Văn Sình", "rank": "Đại tá", "titles": ["Chủ tịch HĐND huyện", "Bí thư"]}])
    gs = GroupScore()
    score_article(gold, pred, gs)
    assert gs.fields["officials"].f1 == 1.0
    assert gs.attrs["officials.rank"].value == 0.0
    assert (gs.titles.tp, gs.titles.fp, gs.titles.fn) == (1, 1, 0)


def test_gate_fails_below_floor_and_update_never_lowers() -> None:
    gold = {"a": _art(dates=[{"value": "2022-10-20"}, {"value": "2021-08"}])}
    pred = {"a": _art(dates=[{"value": "2022-10-20"}])}
    report = score(gold, pred)
    assert report.groups["seed"].fields["dates"].recall == 0.5
    assert check_gate(report, {"seed": {"dates": 0.9}}) == ["seed/dates: F1 0.667 below floor 0.900"]
    assert check_gate(report, {"seed": {"dates": 0.6}}) == []
    assert updated_baseline(report, {"seed": {"dates": 0.9}})["seed"]["dates"] == 0.9


def test_missing_prediction_counts_every_gold_item_as_a_miss() -> None:
    report = score({"dev_x": _art(article_id="dev_x", models=[{"name": "Camera an ninh"}])}, {})
    assert report.missing_predictions == ["dev_x"]
    assert report.groups["dev"].fields["models"].fn == 1


def test_location_parents_are_scored_where_gold_states_them() -> None:
    gold = _art(locations=[{"level": "xã", "name": "Khuôn Hà", "district": "Lâm Bình", "province": "Tuyên Quang"},
                           {"level": "tỉnh", "name": "Hà Tĩnh", "district": None, "province": None}])
    pred = _art(locations=[{"level": "xã", "name": "Khuôn Hà", "district": "Lâm Bình", "province": None},
                           {"level": "tỉnh", "name": "Hà Tĩnh", "district": None, "province": "Hà Tĩnh"}])
    gs = GroupScore()
    score_article(gold, pred, gs)
    assert gs.attrs["locations.district"].as_dict() == {"right": 1, "total": 1, "accuracy": 1.0}
    assert gs.attrs["locations.province"].as_dict() == {"right": 0, "total": 1, "accuracy": 0.0}
