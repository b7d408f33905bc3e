"""Local documents → Articles: .txt, .html/.htm, .pdf, .jsonl, files and folders.

Each document is read on its own; a bad one raises InputError naming the file
and the reason, and the caller decides whether to go on with the rest.
"""
from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from charset_normalizer import from_bytes

from ..articles import Article, clean_text, guess_title, parse_html, split_date_header
from ..articles.dates import find_published
from ..errors import InputError

SUFFIXES = {".txt", ".html", ".htm", ".pdf", ".jsonl"}
MAX_FILE_BYTES = 50 * 1024 * 1024


def iter_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files under the given paths, folders recursively, in a stable order."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.suffix.lower() in SUFFIXES and not hidden:
                    yield child
        else:
            yield path


def read_documents(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Iterator[Article | InputError]:
    """The articles in one file; for .jsonl one per line, a bad line yields its InputError."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path}: unsupported file type {suffix or '(none)'} (use .txt, .html, .pdf or .jsonl)")
    raw = _read_bytes(path, max_bytes)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if suffix == ".jsonl":
        yield from _jsonl(path, raw, now)
        return
    if suffix == ".txt":
        article = text_article(decode_text(raw, path), source=str(path))
    elif suffix in (".html", ".htm"):
        page = parse_html(raw, url=None)
        article = Article(
            text=page.text, title=page.title, url=page.url, published=page.published,
            author=page.author, extractor=page.extractor,
        )
    else:
        article = Article(text=clean_text(_pdf_text(path, raw)), extractor="pypdf")
        article.title = guess_title(article.text)
        article.published = find_published(article.text)
    if not article.text.strip():
        raise InputError(f"{path}: no text found")
    article.source = article.source or str(path)
    article.url = article.url or path.resolve().as_uri()
    article.imported_at = now
    yield article


def text_article(text: str, source: str | None = None, published: str | None = None) -> Article:
    """A plain text (as in corpus/) → Article: header date, clean text, title."""
    header_date, body = split_date_header(text)
    body = clean_text(body)
    return Article(
        text=body,
        title=guess_title(body),
        source=source,
        published=published or header_date or find_published(body),
        extractor="text",
    )


def decode_text(raw: bytes, path: Path | str = "text") -> str:
    """UTF-8 when it decodes, else the best guess (Latin-1/cp1252 in German files)."""
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw, cp_isolation=["cp1252", "latin_1", "iso8859_15", "utf_16"]).best()
    if best is None:
        raise InputError(f"{path}: cannot tell the text encoding")
    return str(best)


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path}: file too large ({size:,} bytes, limit {max_bytes:,})")
        raw = path.read_bytes()
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    if not raw.strip():
        raise InputError(f"{path}: empty file")
    return raw


def _pdf_text(path: Path, raw: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise InputError(f"{path}: encrypted PDF")
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise InputError(f"{path}: not a readable PDF ({error})") from None


def _jsonl(path: Path, raw: bytes, now: str) -> Iterator[Article | InputError]:
    for number, line in enumerate(decode_text(raw, path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except ValueError as error:
            yield InputError(f"{where}: not JSON ({error.msg})")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
            yield InputError(f"{where}: a record needs a non-empty \"text\"")
            continue
        article = text_article(record["text"], source=record.get("source") or str(path), published=record.get("published"))
        article.title = record.get("title") or article.title
        article.url = record.get("url") or None
        article.author = record.get("author")
        article.imported_at = now  # no url: matched by content hash
        yield article
