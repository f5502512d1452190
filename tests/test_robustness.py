"""Property tests: any string through the pipeline returns without raising, every span indexes the
stored text, every date value and number parses back; decoding and ingest never crash on junk;
every regex finishes in bounded time on long adversarial input."""

from __future__ import annotations

import math
import time
from datetime import date

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor import extract
from extractor.encodings import DecodeError, decode_bytes, decode_viqr, repair_text
from extractor.ingest import InputError, SourceRecord, html_record

# Words and marks of portal prose, so generated strings reach the extractors' rules.
_TOKENS = [
    "ngày", "tháng", "năm", "quý", "III/2023", "20/10", "13/10/2023", "2021-2023", "giai đoạn",
    "Chiều", "sáng", "huyện", "xã", "Hương Khê", "tỉnh", "Hà Tĩnh", "thôn", "tổ dân phố", "số",
    "Quận", "12", "TP", "mô hình", "“", "”", "\"", "Camera an ninh", "Đại tá", "Nguyễn Văn An",
    "Phó Giám đốc", "Công an tỉnh", "đồng chí", "ông", "bà", "-", "–", ",", ".", ";", ":", "(",
    ")", "hơn", "gần", "khoảng", "1.080", "3,8", "03", "126", "ngàn", "triệu", "đồng",
    "48.000.000đ", "10/10", "vụ", "đối tượng", "lượt người", "tập thể", "cá nhân", "Giấy khen",
    "Bằng khen", "tặng", "cho", "của", "Giám đốc", "sáu", "từ", "đến", "\n", "\n\n", "\u00a0",
    "\u200b", "hoà", "uỷ", "e\u0301", "0", "99999999999999999999", "1e308", "31/02/2023",
]
portal_text = st.lists(st.sampled_from(_TOKENS), max_size=80).map(" ".join)
any_text = st.one_of(st.text(max_size=300), portal_text)

_DATE = regex.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parses_back(value: str) -> bool:
    """A date value of FACTS.md: YYYY, YYYY-MM, YYYY-MM-DD, or start/end of those."""
    parts = value.split("/")
    if not 1 <= len(parts) <= 2:
        return False
    for p in parts:
        m = _DATE.fullmatch(p)
        if not m:
            return False
        y, mo, d = int(m[1]), int(m[2] or 1), int(m[3] or 1)
        try:
            date(y, mo, d)
        except ValueError:
            return False
    return True


def check_record(text: str) -> None:
    rec = extract(text)
    assert rec.text == text
    for kind in ("dates", "locations", "officials", "models", "counts", "awards"):
        for f in getattr(rec, kind):
            assert 0 <= f.start <= f.end <= len(text), (kind, f)
            assert text[f.start:f.end] == f.text, (kind, f)
    for d in rec.dates:
        assert parses_back(d.value), d
    for c in rec.counts:
        assert isinstance(c.value, (int, float)) and math.isfinite(c.value), c
        assert c.of is None or math.isfinite(c.of), c
    for a in rec.awards:
        for n in (a.collectives, a.individuals, a.total):
            assert n is None or n >= 0, a
    for s in rec.sentences:
        assert 0 <= s.start <= s.end <= len(text)


def test_parses_back_checks_what_it_should() -> None:
    assert parses_back("2023") and parses_back("2023-10") and parses_back("2023-10-13")
    assert parses_back("2021/2023") and parses_back("2023-01/2023-07")
    assert not parses_back("2023-02-30") and not parses_back("23-10") and not parses_back("")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_extract_never_raises_and_spans_index_the_text(text: str) -> None:
    check_record(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_decode_bytes_returns_text_or_a_decode_error(data: bytes) -> None:
    try:
        text, enc = decode_bytes(data)
    except DecodeError as e:
        assert str(e)
        return
    assert isinstance(text, str) and enc


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aeiouydAEIOUD^(+'`?~.\\ \n bcnght,DD")),
               max_size=200))
def test_viqr_decoder_never_raises(text: str) -> None:
    out = decode_viqr(text)
    assert isinstance(out, str)
    assert repair_text(text)[0] is not None


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(max_size=300), portal_text.map(lambda t: f"<h1>{t}</h1><p>{t}</p>")))
def test_html_record_never_raises(page: str) -> None:
    item = html_record(page.encode("utf-8"), article_id="x", source="s")
    assert isinstance(item, (SourceRecord, InputError))


# -- bounded time on adversarial input -------------------------------------------------------------
# Budgets are generous (a 2-core CI machine); catastrophic backtracking takes minutes, not seconds.

ADVERSARIAL = {
    "100k digits": "1" * 100_000,
    "100k digits with separators": "1.0" * 33_000,
    "10k straight quotes": "mô hình " + '"' * 10_000,
    "10k curly quotes": "mô hình “" + "“" * 10_000,
    "repeated open model names": "mô hình “Khu dân cư " * 2_000,
    "repeated dates": "ngày 20/10/" * 10_000,
    "repeated titles": "Phó Giám đốc Công an tỉnh, " * 4_000,
    "a run of 1M spaces in a line": "x" + " " * 1_000_000 + ".",
    "a run of 200k tabs in a line": "Nguyễn Văn An" + "\t" * 200_000 + "- Trần Bình",
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_inputs_finish_in_bounded_time(name: str) -> None:
    text = ADVERSARIAL[name]
    t = time.perf_counter()
    check_record(text)
    assert time.perf_counter() - t < 20, name


_UNIT = "Công an huyện Hương Khê tổ chức hội nghị ngày 20/10 với hơn 300 người tham dự, "


def _one_line(size: int) -> str:
    return (_UNIT * (size // len(_UNIT) + 1))[:size]


def test_pipeline_time_grows_linearly_on_one_long_line() -> None:
    """A minified page is one long line: no stage may be quadratic in the line length."""
    small, big = _one_line(100_000), _one_line(500_000)
    t = time.perf_counter()
    check_record(small)
    t_small = time.perf_counter() - t
    t = time.perf_counter()
    check_record(big)
    t_big = time.perf_counter() - t
    assert t_big < 12 * max(t_small, 0.05), f"100 KB: {t_small:.2f}s, 500 KB: {t_big:.2f}s"


def test_one_line_of_5_mb_finishes() -> None:
    """One 5 MB line (the default size limit of ingest) through the whole pipeline. Budget is
    generous for a 2-core CI machine: the point is that it ends, not a speed target."""
    text = _one_line(5_000_000)
    t = time.perf_counter()
    rec = extract(text)
    elapsed = time.perf_counter() - t
    assert rec.text == text
    assert elapsed < 240, f"{elapsed:.1f}s"


def test_decoding_5_mb_is_fast() -> None:
    text = ("Công an huyện Hương Khê tổ chức hội nghị sơ kết mô hình. " * 90_000)[:5_000_000]
    t = time.perf_counter()
    out, enc = decode_bytes(text.encode("utf-8"))
    assert (out == text, enc) == (True, "utf-8")
    assert time.perf_counter() - t < 5
