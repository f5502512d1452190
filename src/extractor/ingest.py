"""Reading inputs: text files in any encoding we know, HTML pages, web archives (WARC) and JSONL.

:func:`iter_inputs` streams one :class:`SourceRecord` per article and one :class:`InputError` per
input that cannot be read, so a batch never stops on a bad file. Directories are walked
recursively in sorted order; hidden files and directories (".name") are skipped, and so are files
with an extension we do not read (``.txt .html .htm .warc .warc.gz .jsonl``) — silently inside a
directory, as an error when the file was named on the command line.

Limits: ``max_bytes`` bounds a ``.txt``/``.html`` file and each record of a container (a WARC
response body, a JSONL line); archives themselves may be any size and are read record by
record, never whole.

HTML pages go through trafilatura (the maintained boilerplate remover) with ``favor_recall`` so
captions and bylines survive; the text is then laid out the way the page segmenter expects:
headline, blank line, stamp line (when the page has a date), blank line, paragraphs separated by
blank lines. Lines the page shows before its headline (menus, breadcrumbs) are dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import regex

from .encodings import DecodeError, decode_bytes, repair_text

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
FORMATS = ("txt", "html", "warc", "jsonl")
_SUFFIXES = {".txt": "txt", ".html": "html", ".htm": "html", ".warc": "warc",
             ".warc.gz": "warc", ".jsonl": "jsonl"}


@dataclass(frozen=True)
class SourceRecord:
    """One article to process."""

    article_id: str  # file stem; derived from the URI for WARC; the `id` field for JSONL
    text: str  # decoded text as stored (not normalized)
    source: str  # path, or "path#offset" / "path:line" for records inside a container
    url: str | None = None
    encoding: str | None = None  # "utf-8", "utf-8-sig", "utf-16", "cp1258", "tcvn3", "vni", "viqr"…
    title_hint: str | None = None
    published_hint: str | None = None  # ISO date/time if the container says


@dataclass(frozen=True)
class InputError:
    """An input (or a record inside one) that could not be read; the batch goes on."""

    source: str
    record: str | None
    reason: str  # clear, human-readable


Item = SourceRecord | InputError


# -- dispatch -----------------------------------------------------------------------------------


def input_format(path: Path) -> str | None:
    """The format a file name says, or None."""
    name = path.name.lower()
    if name.endswith(".warc.gz"):
        return "warc"
    return _SUFFIXES.get(Path(name).suffix)


def _walk(root: Path) -> Iterator[Path]:
    """Files under ``root`` in sorted order, hidden entries skipped."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if not f.startswith("."):
                yield Path(dirpath) / f


def iter_inputs(paths: Sequence[str | Path], *, fmt: str | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """Stream the articles (and the errors) of files and directories."""
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in _walk(p):
                kind = fmt or input_format(f)
                if kind is not None:
                    yield from _guarded(f, kind, max_bytes)
        elif p.is_file():
            kind = fmt or input_format(p)
            if kind is None:
                yield InputError(str(p), None, "unrecognised file type (expected .txt, .html, "
                                 ".htm, .warc, .warc.gz or .jsonl; or pass --format)")
            else:
                yield from _guarded(p, kind, max_bytes)
        else:
            yield InputError(str(p), None, "no such file or directory")


def _guarded(path: Path, kind: str, max_bytes: int) -> Iterator[Item]:
    """Run one file's reader; anything unexpected becomes an error row, not a crash."""
    reader = {"txt": _read_txt, "html": _read_html, "warc": _read_warc, "jsonl": _read_jsonl}[kind]
    try:
        yield from reader(path, max_bytes)
    except OSError as e:
        yield InputError(str(path), None, f"cannot read: {e.strerror or e}")
    except Exception as e:  # noqa: BLE001 — one bad input must not stop the batch
        yield InputError(str(path), None, f"unexpected error: {type(e).__name__}: {e}")


def _read_file(path: Path, max_bytes: int) -> bytes | InputError:
    size = path.stat().st_size
    if size == 0:
        return InputError(str(path), None, "empty file")
    if size > max_bytes:
        return InputError(str(path), None,
                          f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes")
    return path.read_bytes()


# -- plain text ---------------------------------------------------------------------------------


def _read_txt(path: Path, max_bytes: int) -> Iterator[Item]:
    data = _read_file(path, max_bytes)
    if isinstance(data, InputError):
        yield data
        return
    try:
        text, enc = decode_bytes(data)
    except DecodeError as e:
        yield InputError(str(path), None, str(e))
        return
    if not text.strip():
        yield InputError(str(path), None, "no text (only whitespace)")
        return
    yield SourceRecord(_stem(path), text, str(path), encoding=enc)


def _stem(path: Path) -> str:
    name = path.name
    for suf in (".warc.gz", ".html", ".htm", ".txt", ".jsonl", ".warc"):
        if name.lower().endswith(suf):
            return name[: -len(suf)]
    return path.stem


# -- HTML ---------------------------------------------------------------------------------------

_META_CHARSET = regex.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""",
                              regex.I)
_CT_CHARSET = regex.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{1,40})", regex.I)
_SPACES = regex.compile(r"\s+")
_WORDS = regex.compile(r"\S+")


def _decode_html(data: bytes, declared: str | None) -> tuple[str, str]:
    """Bytes of a page → text: a BOM, else the charset the HTTP header or a <meta> declares,
    else :func:`decode_bytes`."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data)
    charset = declared
    if not charset:
        m = _META_CHARSET.search(data[:4096])
        charset = m.group(1).decode("ascii") if m else None
    if charset:
        try:
            text = data.decode(charset)
            name = charset.lower()
            if "1258" in name:
                text = unicodedata.normalize("NFC", text)
            return text, name
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(data)


def _stamp_of(line: str) -> str | None:
    from .segment import parse_stamp

    if len(_WORDS.findall(line)) > 12:
        return None
    return parse_stamp(line)


def _iso_to_stamp(iso: str) -> str | None:
    """"2023-10-13" / "2023-10-13T13:41:46" → "13/10/2023" / "13/10/2023 13:41:46"."""
    m = regex.match(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?", iso)
    if not m:
        return None
    y, mo, d, h, mi, s = m.groups()
    out = f"{d}/{mo}/{y}"
    if h is not None and (h, mi, s or "00") != ("00", "00", "00"):
        out += f" {h}:{mi}" + (f":{s}" if s else "")
    return out


def _fallback_blocks(tree) -> list[str]:  # type: ignore[no-untyped-def]
    """Text of headings, paragraphs, list items and captions in document order."""
    out = []
    for el in tree.iter("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "figcaption", "td", "pre"):
        t = _SPACES.sub(" ", el.text_content()).strip()
        if t:
            out.append(t)
    return out


def html_record(data: bytes | str, *, article_id: str, source: str, url: str | None = None,
                charset: str | None = None) -> SourceRecord | InputError:
    """One HTML page → one article, laid out for the page segmenter."""
    import lxml.html
    import trafilatura

    if isinstance(data, bytes):
        try:
            page, enc = _decode_html(data, charset)
        except DecodeError as e:
            return InputError(source, None, str(e))
    else:
        page, enc = data, "utf-8"
    if not page.strip():
        return InputError(source, None, "empty HTML page")
    try:
        tree = lxml.html.document_fromstring(page)
    except Exception as e:  # noqa: BLE001 — lxml raises several kinds on junk
        return InputError(source, None, f"not parseable as HTML: {e}")
    doc = trafilatura.bare_extraction(
        tree, url=url, favor_recall=True, include_comments=False, include_tables=True,
        with_metadata=True, deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True})
    title = _SPACES.sub(" ", (getattr(doc, "title", None) or "")).strip() or None
    h1 = tree.xpath("//h1")
    if h1:  # the page's own headline beats a <title> with the portal name appended
        t = _SPACES.sub(" ", h1[0].text_content()).strip()
        if len(t.split()) >= 3:
            title = t
    body_text = getattr(doc, "text", None) or ""
    lines = [_SPACES.sub(" ", ln).strip() for ln in body_text.splitlines()]
    lines = [ln for ln in lines if ln]
    if not lines:
        lines = _fallback_blocks(tree)
        if title:
            lines = [ln for ln in lines if ln != title]
    if not lines:
        return InputError(source, None, "HTML page with no article text")

    # drop what the page shows before its headline (menus, breadcrumbs), keeping a stamp there
    stamp: str | None = None
    if title:
        body = tree.find("body")
        page_text = _SPACES.sub(" ", body.text_content() if body is not None else "")
        at = page_text.find(title)
        if at > 0:
            kept, cursor = [], 0
            for ln in lines:
                pos = page_text.find(ln[:200], cursor)
                if 0 <= pos < at:
                    cursor = pos
                    if stamp is None and _stamp_of(ln):
                        stamp = ln
                    continue
                kept.append(ln)
            lines = kept
        lines = [ln for ln in lines if ln != title]
    if stamp is None:  # the stamp line among the lines before the first paragraph
        for i, ln in enumerate(lines[:6]):
            if _stamp_of(ln):
                stamp = lines.pop(i)
                break
            if len(_WORDS.findall(ln)) >= 25:
                break
    date = getattr(doc, "date", None)
    published = _stamp_of(stamp) if stamp else None
    if stamp is None and date:
        stamp = _iso_to_stamp(date)
        published = date if stamp else None
    if not lines:
        return InputError(source, None, "HTML page with no article text")
    author = _SPACES.sub(" ", getattr(doc, "author", None) or "").strip()
    if author and not any(author in ln for ln in lines):
        lines.append(author)

    parts = ([title] if title else []) + ([stamp] if stamp else []) + lines
    text = "\n\n".join(parts) + "\n"
    fixed, legacy = repair_text(text)
    if legacy:  # a page typed in a legacy font (.VnTime) under a Latin-1 charset
        text, enc = fixed, legacy
        title = repair_text(title)[0] if title else None
    return SourceRecord(article_id, text, source, url=url, encoding=enc, title_hint=title,
                        published_hint=published)


def _read_html(path: Path, max_bytes: int) -> Iterator[Item]:
    data = _read_file(path, max_bytes)
    if isinstance(data, InputError):
        yield data
        return
    yield html_record(data, article_id=_stem(path), source=str(path))


# -- WARC ---------------------------------------------------------------------------------------

_SLUG = regex.compile(r"[^A-Za-z0-9]+")


def warc_article_id(uri: str) -> str:
    """A stable, filesystem-safe id from a record's target URI: a readable slug of host and
    path plus a short hash of the whole URI (so distinct URIs never collide)."""
    rest = regex.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", uri)
    rest = regex.sub(r"^www\.", "", rest, flags=regex.I)
    slug = _SLUG.sub("-", rest).strip("-").lower()[:80].rstrip("-") or "record"
    return f"{slug}-{hashlib.sha1(uri.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"


def _read_warc(path: Path, max_bytes: int) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator

    if path.stat().st_size == 0:
        yield InputError(str(path), None, "empty file")
        return
    found = 0
    offset: int | None = None
    with path.open("rb") as f:
        archive = ArchiveIterator(f)
        records = iter(archive)
        while True:
            # warcio raises many kinds on damaged input (EOFError, zlib.error, ArchiveLoadFailed,
            # even AttributeError on a header block cut short): all mean "the archive is broken
            # here"; records already read stay good.
            try:
                rec = next(records)
                wanted = rec.rec_type == "response" and rec.http_headers is not None and \
                    "html" in (rec.http_headers.get_header("Content-Type") or "").lower()
                if not wanted:
                    continue
                body = rec.content_stream().read(max_bytes + 1)
                complete = len(body) > max_bytes or (rec.content_stream().read(1) == b"" and
                                                     getattr(rec.raw_stream, "limit", 0) == 0)
                offset = archive.get_record_offset()
            except StopIteration:
                break
            except Exception as e:  # noqa: BLE001
                where = f"after the record at offset {offset}" if offset is not None else \
                    "at the start"
                yield InputError(str(path), None if offset is None else f"offset {offset}",
                                 f"truncated or corrupt archive {where}: {type(e).__name__}: {e}")
                return
            found += 1
            yield _warc_item(f"{path}#{offset}", rec, body, complete, max_bytes)
    problem = _gzip_problem(path)
    if problem:
        yield InputError(str(path), None if offset is None else f"after offset {offset}", problem)
    elif found == 0:
        yield InputError(str(path), None, "no HTML response records in the archive")


def _warc_item(src: str, rec, body: bytes, complete: bool,  # type: ignore[no-untyped-def]
               max_bytes: int) -> Item:
    """One HTML response record → an article or the reason it is not one."""
    uri = rec.rec_headers.get_header("WARC-Target-URI") or src
    status = rec.http_headers.get_statuscode() or ""
    if status and not status.startswith("2"):
        return InputError(src, uri, f"HTTP status {status}, not a page")
    if len(body) > max_bytes:
        return InputError(src, uri, f"record body over the limit of {max_bytes:,} bytes")
    if not complete:
        return InputError(src, uri, "truncated record: the archive ends inside it")
    if not body.strip():
        return InputError(src, uri, "empty response body")
    m = _CT_CHARSET.search(rec.http_headers.get_header("Content-Type") or "")
    item = html_record(body, article_id=warc_article_id(uri), source=src, url=uri,
                       charset=m.group(1) if m else None)
    return InputError(item.source, uri, item.reason) if isinstance(item, InputError) else item


def _gzip_problem(path: Path) -> str | None:
    """Why a gzip file is damaged, or None. warcio stops quietly at a truncated member, so the
    stream is checked on its own (streaming, 1 MB at a time)."""
    with path.open("rb") as f:
        if f.read(2) != b"\x1f\x8b":
            return None
        f.seek(0)
        d = zlib.decompressobj(wbits=31)
        pending = b""
        try:
            while True:
                chunk = pending or f.read(1 << 20)
                pending = b""
                if not chunk:
                    break
                d.decompress(chunk, 0)
                if d.eof:  # end of one member: the rest starts the next
                    pending = d.unused_data
                    d = zlib.decompressobj(wbits=31)
                    if not pending:
                        pending = f.read(1 << 20)
                        if not pending:
                            return None
        except zlib.error as e:
            return f"corrupt gzip data: {e}"
    return "truncated gzip: the file ends inside a compressed member"


# -- JSONL --------------------------------------------------------------------------------------


def _jsonl_lines(f, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:  # type: ignore[no-untyped-def]
    """(line number, bytes) for each line; None for a line over the limit (its rest skipped)."""
    n = 0
    while True:
        raw = f.readline(max_bytes + 2)
        if not raw:
            return
        n += 1
        if not raw.endswith(b"\n") and len(raw) > max_bytes:
            while raw and not raw.endswith(b"\n"):
                raw = f.readline(1 << 20)
            yield n, None
            continue
        yield n, raw


def _opt_str(obj: dict, key: str) -> str | None:
    v = obj.get(key)
    return v if isinstance(v, str) and v.strip() else None


def _read_jsonl(path: Path, max_bytes: int) -> Iterator[Item]:
    if path.stat().st_size == 0:
        yield InputError(str(path), None, "empty file")
        return
    with path.open("rb") as f:
        for n, raw in _jsonl_lines(f, max_bytes):
            src, rec = f"{path}:{n}", f"line {n}"
            if raw is None:
                yield InputError(src, rec, f"line over the limit of {max_bytes:,} bytes")
                continue
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8-sig" if n == 1 else "utf-8"))
            except UnicodeDecodeError as e:
                yield InputError(src, rec, f"not UTF-8: {e.reason} at byte {e.start}")
                continue
            except json.JSONDecodeError as e:
                yield InputError(src, rec, f"not JSON: {e.msg} at column {e.colno}")
                continue
            if not isinstance(obj, dict):
                yield InputError(src, rec, f"not a JSON object but a {type(obj).__name__}")
                continue
            aid, text = obj.get("id"), obj.get("text")
            if isinstance(aid, int) and not isinstance(aid, bool):
                aid = str(aid)
            if not isinstance(aid, str) or not aid.strip():
                yield InputError(src, rec, "missing or empty \"id\" (a string)")
                continue
            if not isinstance(text, str) or not text.strip():
                yield InputError(src, aid, "missing or empty \"text\" (a string)")
                continue
            fixed, legacy = repair_text(text)
            yield SourceRecord(aid, fixed, src, url=_opt_str(obj, "url"),
                               encoding=legacy or "utf-8", title_hint=_opt_str(obj, "title"),
                               published_hint=_opt_str(obj, "published"))
