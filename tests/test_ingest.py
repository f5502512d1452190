"""Reading inputs: text in several encodings, HTML pages, WARC archives, JSONL, directories and
bad input. Every fixture is built here from the corpus: the five seed articles must give the same
facts whether read as UTF-8, UTF-16, Windows-1258, an HTML page or WARC records."""

from __future__ import annotations

import gzip
import html
import io
import json
import unicodedata
from pathlib import Path

import pytest
import regex

from extractor.document import Document
from extractor.encodings import encode_cp1258
from extractor.ingest import (
    InputError,
    SourceRecord,
    iter_inputs,
    warc_article_id,
)
from extractor.pipeline import process

from conftest import CORPUS

SEEDS = sorted(CORPUS.glob("0*.txt"))


def facts(rec: SourceRecord) -> dict:
    """The contract of a record's article, without spans, surface texts and sentence indexes
    (they index each input's own stored text); titles compared with spaces collapsed, as the
    scorer does (HTML rendering collapses them anyway)."""
    doc = Document(rec.article_id, rec.text, source=rec.source, url=rec.url,
                   encoding=rec.encoding, title_hint=rec.title_hint,
                   published_hint=rec.published_hint)
    c = process(doc).to_record().contract()

    def strip(x):  # type: ignore[no-untyped-def]
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k not in ("span", "sentence", "text")}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x

    out = strip(c)
    out["title"] = regex.sub(r"\s+", " ", out["title"]).strip() if out["title"] else None
    out.pop("article_id")
    return out


def only(items: list) -> SourceRecord:
    assert len(items) == 1, items
    assert isinstance(items[0], SourceRecord), items[0]
    return items[0]


def as_html(text: str, title: str) -> str:
    """A simple page: each line a <p>, the headline in <h1> and <title>."""
    body = "\n".join(f"<h1>{html.escape(s)}</h1>" if s == title else f"<p>{html.escape(s)}</p>"
                     for s in (ln.strip() for ln in text.splitlines()) if s)
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
            f"</title></head><body>\n{body}\n</body></html>")


@pytest.fixture(scope="module")
def plain() -> dict[str, dict]:
    out = {}
    for p in SEEDS:
        rec = only(list(iter_inputs([p])))
        assert rec.encoding == "utf-8"
        out[p.stem] = facts(rec)
    return out


# -- plain text in each encoding ------------------------------------------------------------------

@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem[:3])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1258"])
def test_same_facts_in_every_encoding(tmp_path: Path, plain: dict, path: Path,
                                      encoding: str) -> None:
    text = path.read_text(encoding="utf-8")
    data = encode_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    f = tmp_path / path.name
    f.write_bytes(data)
    rec = only(list(iter_inputs([f])))
    assert rec.article_id == path.stem
    assert rec.encoding == encoding
    assert unicodedata.normalize("NFC", rec.text) == unicodedata.normalize("NFC", text)
    assert facts(rec) == plain[path.stem]


def test_legacy_font_text_file_records_its_encoding(tmp_path: Path) -> None:
    from extractor.encodings import encode_legacy

    f = tmp_path / "vni.txt"
    f.write_bytes(encode_legacy("Công an huyện Chợ Đồn tổ chức hội nghị sơ kết mô hình.", "vni"))
    rec = only(list(iter_inputs([f])))
    assert (rec.text, rec.encoding) == ("Công an huyện Chợ Đồn tổ chức hội nghị sơ kết mô hình.",
                                        "vni")


# -- HTML ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem[:3])
def test_html_page_gives_the_same_facts(tmp_path: Path, plain: dict, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    page = as_html(text, only(list(iter_inputs([path]))).text and _title(path))
    f = tmp_path / f"{path.stem}.html"
    f.write_text(page, encoding="utf-8")
    rec = only(list(iter_inputs([f])))
    assert rec.article_id == path.stem
    assert rec.title_hint and rec.text.startswith(rec.title_hint + "\n\n")
    assert facts(rec) == plain[path.stem]


def _title(path: Path) -> str:
    doc = process(Document(path.stem, path.read_text(encoding="utf-8")))
    assert doc.title
    return doc.title


PORTAL_PAGE = """<html><head><meta charset="windows-1258">
<title>Ra mắt mô hình Camera an ninh - Cổng thông tin điện tử Công an tỉnh</title>
<meta property="article:published_time" content="2023-03-14T08:15:00+07:00">
<meta name="author" content="Lê Minh">
</head><body>
<ul class="menu"><li>Trang chủ</li><li>Tin tức</li><li>Liên hệ</li></ul>
<div class="breadcrumb">Trang chủ &gt;&gt; Tin tức</div>
<article>
<h1>Ra mắt mô hình “Camera an ninh” tại xã Nghi Phong</h1>
<p>Sáng 13/3, Công an huyện Nghi Lộc phối hợp với UBND xã Nghi Phong tổ chức lễ ra mắt mô hình
“Camera an ninh” với 24 camera được lắp đặt tại các tuyến đường chính của xã.</p>
<p>Phát biểu tại buổi lễ, Thượng tá Hồ Văn Tuấn, Phó trưởng Công an huyện ghi nhận sự đóng góp
của Nhân dân trong việc lắp đặt camera, góp phần giữ gìn an ninh trật tự ở cơ sở.</p>
</article>
<footer>Bản quyền thuộc Công an tỉnh. Lượt truy cập: 123456</footer>
</body></html>"""


def test_portal_page_layout_title_stamp_author(tmp_path: Path) -> None:
    f = tmp_path / "page.htm"
    f.write_bytes(encode_cp1258(PORTAL_PAGE))
    rec = only(list(iter_inputs([f])))
    assert rec.encoding == "windows-1258"
    assert rec.title_hint == "Ra mắt mô hình “Camera an ninh” tại xã Nghi Phong"
    assert rec.published_hint and rec.published_hint.startswith("2023-03-14")
    lines = rec.text.split("\n\n")
    assert lines[0] == rec.title_hint
    assert lines[1].startswith("14/03/2023")  # the stamp line the segmenter reads
    assert lines[2].startswith("Sáng 13/3, Công an huyện Nghi Lộc")
    assert "Trang chủ" not in rec.text  # menus before the headline are dropped
    assert "Lê Minh" in rec.text
    doc = process(Document(rec.article_id, rec.text, title_hint=rec.title_hint,
                           published_hint=rec.published_hint))
    assert doc.title == rec.title_hint
    assert doc.published and doc.published.startswith("2023-03-14")


def test_html_page_without_article_text_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "empty.html"
    f.write_text("<html><head><title>Trang chủ</title></head><body><div></div>"
                 "<script>var a = 1;</script></body></html>", encoding="utf-8")
    err = only_error(list(iter_inputs([f])))
    assert "no article text" in err.reason


def only_error(items: list) -> InputError:
    assert len(items) == 1, items
    assert isinstance(items[0], InputError), items[0]
    return items[0]


# -- WARC ---------------------------------------------------------------------------------------

def write_warc(path: Path, pages: list[tuple[str, bytes, str]], gz: bool = True) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as f:
        w = WARCWriter(f, gzip=gz)
        for uri, body, ctype in pages:
            hh = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                http_headers=hh))


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_warc_records_give_the_same_facts(tmp_path: Path, plain: dict, gz: bool) -> None:
    pages = []
    for p in SEEDS:
        page = as_html(p.read_text(encoding="utf-8"), _title(p)).encode("utf-8")
        pages.append((f"https://portal.example.vn/tin-tuc/{p.stem}.html", page,
                       "text/html; charset=utf-8"))
    pages.insert(2, ("https://portal.example.vn/logo.png", b"\x89PNG\r\n", "image/png"))
    f = tmp_path / ("site.warc.gz" if gz else "site.warc")
    write_warc(f, pages, gz=gz)
    recs = list(iter_inputs([f]))
    assert all(isinstance(r, SourceRecord) for r in recs), recs
    assert len(recs) == len(SEEDS)  # the image is not an article
    for p, rec in zip(SEEDS, recs):
        uri = f"https://portal.example.vn/tin-tuc/{p.stem}.html"
        assert rec.url == uri
        assert rec.article_id == warc_article_id(uri)
        assert rec.source.startswith(f"{f}#")
        assert facts(rec) == plain[p.stem]


def test_warc_article_ids_are_stable_and_safe() -> None:
    a = warc_article_id("https://www.congan.hatinh.gov.vn/tin/so-ket-mo-hinh?id=12&p=3")
    assert a == warc_article_id("https://www.congan.hatinh.gov.vn/tin/so-ket-mo-hinh?id=12&p=3")
    assert regex.fullmatch(r"[a-z0-9-]+", a)
    assert a.startswith("congan-hatinh-gov-vn-tin-so-ket-mo-hinh-id-12-p-3-")
    assert a != warc_article_id("https://www.congan.hatinh.gov.vn/tin/so-ket-mo-hinh?id=12&p=4")
    assert len(warc_article_id("https://x.vn/" + "a" * 5000)) < 100


def test_truncated_warc_gz_reports_and_keeps_earlier_records(tmp_path: Path) -> None:
    pages = [(f"https://portal.example.vn/{i}", as_html(
        f"Tiêu đề bài viết số {i} về an ninh trật tự\nSáng ngày 12/3/2024, Công an huyện tổ "
        f"chức hội nghị sơ kết mô hình số {i} với hơn 200 đại biểu tham dự.",
        f"Tiêu đề bài viết số {i} về an ninh trật tự").encode(), "text/html") for i in range(3)]
    f = tmp_path / "cut.warc.gz"
    write_warc(f, pages)
    data = f.read_bytes()
    f.write_bytes(data[: len(data) - 30])
    items = list(iter_inputs([f]))
    good = [r for r in items if isinstance(r, SourceRecord)]
    errors = [r for r in items if isinstance(r, InputError)]
    assert len(good) == 2
    assert errors and any("truncated" in e.reason for e in errors)


def test_warc_http_error_page_is_reported(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    f = tmp_path / "404.warc"
    with f.open("wb") as fh:
        w = WARCWriter(fh, gzip=False)
        hh = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record("https://x.vn/missing", "response",
                                            payload=io.BytesIO(b"<p>Not found</p>"),
                                            http_headers=hh))
    err = only_error(list(iter_inputs([f])))
    assert "404" in err.reason and err.record == "https://x.vn/missing"


# -- JSONL --------------------------------------------------------------------------------------

def test_jsonl_records_and_bad_lines(tmp_path: Path, plain: dict) -> None:
    seed = SEEDS[0]
    lines = [
        json.dumps({"id": seed.stem, "text": seed.read_text(encoding="utf-8"),
                    "url": "https://x.vn/a", "title": "Tiêu đề"},
                   ensure_ascii=False),
        "",
        "{not json",
        json.dumps({"id": "no-text"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": 42, "text": "Sáng 5/6, Công an xã tổ chức ra mắt mô hình “Camera an ninh”.",
                    "published": "2024-06-05T08:00"},
                   ensure_ascii=False),
    ]
    f = tmp_path / "batch.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(iter_inputs([f]))
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["SourceRecord", "InputError", "InputError", "InputError", "SourceRecord"]
    first, bad_json, no_text, not_obj, last = items
    assert (first.article_id, first.url, first.title_hint, first.published_hint) == \
        (seed.stem, "https://x.vn/a", "Tiêu đề", None)
    assert first.source == f"{f}:1"
    assert bad_json.record == "line 3" and "not JSON" in bad_json.reason
    assert "text" in no_text.reason
    assert "not a JSON object" in not_obj.reason
    assert (last.article_id, last.published_hint) == ("42", "2024-06-05T08:00")
    assert facts(first) == plain[seed.stem]


def test_jsonl_line_over_the_limit(tmp_path: Path) -> None:
    f = tmp_path / "big.jsonl"
    f.write_text(json.dumps({"id": "a", "text": "x" * 5000}) + "\n"
                 + json.dumps({"id": "b", "text": "Ngắn gọn."}, ensure_ascii=False) + "\n",
                 encoding="utf-8")
    a, b = list(iter_inputs([f], max_bytes=1000))
    assert isinstance(a, InputError) and "limit" in a.reason and a.record == "line 1"
    assert isinstance(b, SourceRecord) and b.article_id == "b"


# -- directories and bad files -------------------------------------------------------------------

def test_directory_walk_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    body = "Công an xã tổ chức hội nghị sơ kết mô hình tự quản về an ninh trật tự."
    for name in ("b/z.txt", "a.txt", "b/c.htm", ".hidden/x.txt", ".dot.txt", "notes.md"):
        p = tmp_path / name
        p.write_text(f"<p>{body}</p>" if name.endswith("htm") else body, encoding="utf-8")
    got = [r.article_id for r in iter_inputs([tmp_path])]
    assert got == ["a", "c", "z"]
    err = only_error(list(iter_inputs([tmp_path / "notes.md"])))
    assert "unrecognised" in err.reason
    assert [r.article_id for r in iter_inputs([tmp_path / "notes.md"], fmt="txt")] == ["notes"]


def test_every_bad_input_becomes_an_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Công an huyện tổ chức hội nghị sơ kết mô hình.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n ", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    (tmp_path / "huge.txt").write_text("Một câu văn dài. " * 400, encoding="utf-8")
    (tmp_path / "junk.txt").write_bytes(bytes([0x80, 0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 50)
    gz = tmp_path / "cut.warc.gz"
    gz.write_bytes(gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n" + b"x" * 2000)[:60])
    (tmp_path / "nojson.jsonl").write_text("{oops\n", encoding="utf-8")
    (tmp_path / "notext.html").write_text("<html><body><script>x()</script></body></html>",
                                          encoding="utf-8")
    items = list(iter_inputs([tmp_path, tmp_path / "missing.txt"], max_bytes=4000))
    records = [i for i in items if isinstance(i, SourceRecord)]
    errors = {Path(e.source.split("#")[0].rsplit(":", 1)[0]).name: e.reason
              for e in items if isinstance(e, InputError)}
    assert [r.article_id for r in records] == ["good"]
    assert "empty" in errors["empty.txt"]
    assert "whitespace" in errors["blank.txt"]
    assert "binary" in errors["binary.txt"]
    assert "limit" in errors["huge.txt"]
    assert "undecodable" in errors["junk.txt"]
    assert "truncated" in errors["cut.warc.gz"] or "corrupt" in errors["cut.warc.gz"]
    assert "not JSON" in errors["nojson.jsonl"]
    assert "no article text" in errors["notext.html"]
    assert "no such file" in errors["missing.txt"]


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        list(iter_inputs(["x"], fmt="pdf"))
