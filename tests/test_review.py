"""Review pages: facts highlighted in place, text escaped; checked in a real headless browser."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from conftest import GOLD
from extractor.review import article_page, write_review
from extractor.score import load_gold
from extractor.store import open_db

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_article_text_is_escaped_and_facts_are_marked() -> None:
    text = "Ngày 5/3 <script>alert(1)</script> tại xã Lộc Yên"
    rec = {"article_id": "x", "title": "<b>T</b>", "published": None, "event_date": None, "authors": [],
           "dates": [{"text": "Ngày 5/3", "value": "2023-03-05", "span": [0, 8]}],
           "locations": [{"text": "xã Lộc Yên", "level": "xã", "name": "Lộc Yên",
                          "span": [text.index("xã"), len(text)]}],
           "officials": [], "models": [], "counts": [], "awards": []}
    page, summary = article_page(rec, text, [{"kind": "body", "start": 0, "end": len(text)}], None)
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>T</b>" not in page
    assert re.search(r"<mark [^>]*data-kind='dates'[^>]*>Ngày 5/3</mark>", page)
    assert re.search(r"<mark [^>]*data-kind='locations'[^>]*>xã Lộc Yên</mark>", page)
    assert summary["counts"]["dates"] == 1


def test_gold_misses_and_false_positives_are_marked() -> None:
    text = "Hơn 28 buổi cho 3000 lượt người"
    rec = {"article_id": "x", "title": "t", "authors": [], "dates": [], "locations": [], "officials": [],
           "models": [], "awards": [], "counts": [
               {"text": "28 buổi", "value": 28, "unit": "buổi", "qualifier": None, "span": [4, 11]},
               {"text": "3000 lượt", "value": 300, "unit": "lượt", "qualifier": None, "span": [16, 25]}]}
    gold = {"article_id": "x", "title": "t", "counts": [
        {"text": "Hơn 28 buổi", "value": 28, "unit": "buổi", "qualifier": "more_than"},
        {"text": "3000 lượt người", "value": 3000, "unit": "lượt người", "qualifier": None}]}
    page, summary = article_page(rec, text, [], gold)
    assert summary["misses"] == 1 and summary["false_positives"] == 1
    assert "class='fp'" in page and "class='miss'" in page


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Debian chromium not installed")
def test_review_pages_in_headless_chromium(corpus_db: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "CI must install Debian's chromium (see .ci/run)"
    out = tmp_path / "review"
    write_review(open_db(corpus_db), out, None, load_gold(GOLD))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
            assert page.locator("#articles tr").count() > 5
            page.click("text=000_26ae2bb7e0312ef1")
            page.wait_for_selector("#article-text")
            assert "000_26ae2bb7e0312ef1" in page.url
            kinds = set(page.locator("#article-text mark").evaluate_all(
                "els => els.map(e => e.dataset.kind)"))
            assert {"dates", "locations", "officials", "models", "counts", "awards"} <= kinds
            officials = page.locator("#article-text mark[data-kind='officials']").all_inner_texts()
            assert any("Nguyễn Hữu Thiên" in t for t in officials)
            shot = tmp_path / "review.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000
            browser.close()
    finally:
        server.shutdown()
