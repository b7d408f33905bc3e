"""Article pages → title, main text, date, author, canonical URL.

A chain of strategies in the manner of trafilatura: JSON-LD NewsArticle metadata
when the page carries it, trafilatura (with htmldate) for the main text, and a
BeautifulSoup reading of <article>/<main>/<p> as the fallback when trafilatura
finds too little. The strategy that produced the text is reported as `extractor`.
"""
from __future__ import annotations

import codecs
import json
import logging
import re
from dataclasses import dataclass

import trafilatura
from htmldate import find_date
from trafilatura.utils import load_html
from bs4 import BeautifulSoup
from bs4.dammit import UnicodeDammit

from .clean import clean_text
from .dates import find_published

log = logging.getLogger(__name__)

_LATIN1_NAMES = {"iso-8859-1", "latin-1", "latin1", "l1", "iso8859-1", "us-ascii", "ascii", "windows-1252"}
MIN_TEXT_CHARS = 200  # below this, trafilatura probably missed the article body
# trafilatura's fast mode (its own extractor only) is as good as its full cascade on most
# pages at two thirds of the cost; its readability/jusText comparison pays off where the
# fast result is short or barely paragraphed (measured on ../shared/bench, docs/benchmarks.md)
COMPLETE_TEXT_CHARS = 1000
COMPLETE_PARAGRAPHS = 3
# Pages whose <p> elements hold less text than this go to the full cascade at once: the fast
# pass would look incomplete there and be paid twice (threshold from the same benchmarks)
FEW_PARAGRAPH_CHARS = 300


@dataclass
class ParsedPage:
    title: str | None
    text: str
    published: str | None
    author: str | None
    url: str | None
    extractor: str


def decode_html(raw: bytes, declared: str | None = None) -> str:
    """Bytes → str, trusting a declared charset only when the bytes agree with it."""
    # As browsers do (WHATWG): a page declared ISO-8859-1 or ASCII is read as cp1252,
    # so the typographic quotes and € of Windows-made pages come out right.
    if declared and declared.strip().lower().replace("_", "-") in _LATIN1_NAMES:
        declared = "cp1252"
    # Bytes that are (nearly all) valid UTF-8 are UTF-8 whatever the header says (mis-declared
    # pages are common); Latin-1 text with umlauts is practically never valid UTF-8.
    mostly_utf8 = _mostly_utf8(raw)
    if mostly_utf8 is not None:
        return mostly_utf8
    encodings = [e for e in (declared,) if e]
    dammit = UnicodeDammit(raw, known_definite_encodings=encodings, is_html=True)
    if dammit.unicode_markup is None:
        return raw.decode("cp1252", errors="replace")
    if (dammit.original_encoding or "").lower().replace("_", "-") in _LATIN1_NAMES:
        return raw.decode("cp1252", errors="replace")  # a <meta charset=iso-8859-1> page
    return dammit.unicode_markup


def _cp1252_slip(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start:error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("presse_mining_cp1252", _cp1252_slip)


def _mostly_utf8(raw: bytes) -> str | None:
    """UTF-8 text, when the bytes are UTF-8 apart from a few stray Windows-1252 bytes.

    Pages pasted together from a UTF-8 template and a Latin-1 snippet are common; reading
    the whole page in a guessed single-byte charset would garble every umlaut of the article.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lenient = raw.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    non_ascii = len(lenient) - len(lenient.encode("ascii", errors="ignore"))
    good = non_ascii - bad  # characters that UTF-8 could read
    if good >= 2 * bad:
        return raw.decode("utf-8", errors="presse_mining_cp1252")
    return None


def parse_html(html: str | bytes, url: str | None = None, encoding: str | None = None) -> ParsedPage:
    """Parse one article page. Never raises on odd markup; an empty page gives empty text.

    `encoding` is the charset the server declared (HTTP Content-Type), if any.
    """
    if isinstance(html, bytes):
        html = decode_html(html, encoding)
    # One lxml parse serves the metadata (read in one walk over the tree) and trafilatura (which copies it).
    tree = load_html(html) if html.strip() else None
    head = _PageMeta.read(tree)
    meta = head.json_ld()
    canonical = head.canonical or meta.get("url") or url
    page_title = head.title

    text, extractor = "", ""
    if tree is not None:
        text, extractor = _trafilatura_text(tree, url)
    body = meta.get("articleBody")
    # Only as fallbacks: where trafilatura found an article, JSON-LD articleBody (often a
    # teaser, or the text run together with picture credits) and a plain reading of the page
    # scored worse on both benchmarks; trafilatura's full cascade has run on short pages already.
    if len(text) < MIN_TEXT_CHARS and isinstance(body, str) and len(body.strip()) > len(text):
        text, extractor = body, "json-ld"
    if not text.strip():
        # trafilatura found nothing: a plain reading of <article>/<main>/<p>
        text, extractor = _soup_text(BeautifulSoup(html, "lxml")), "beautifulsoup"

    text = clean_text(text)
    title = meta.get("headline") or page_title
    published = _iso_date(meta.get("datePublished")) or _html_date(head, tree, url) or find_published(text)
    author = _author(meta.get("author")) or head.author
    return ParsedPage(
        title=_squash(title if isinstance(title, str) else None),
        text=text,
        published=published,
        author=_squash(author),
        url=canonical,
        extractor=extractor or "none",
    )


def _trafilatura_text(tree, url: str | None) -> tuple[str, str]:
    """Main text of a parsed page: trafilatura's fast mode, its full cascade when that looks incomplete."""
    if _paragraph_chars(tree) < FEW_PARAGRAPH_CHARS:
        # no body of <p> paragraphs for the fast extractor to find: straight to the full cascade
        full = _bare_extraction(tree, url, fast=False)
        return (full.text, "trafilatura-full") if full is not None and full.text else ("", "")
    doc = _bare_extraction(tree, url, fast=True)
    if doc is not None and not _looks_incomplete(doc):
        return doc.text, "trafilatura"
    full = _bare_extraction(tree, url, fast=False)
    if full is not None and full.text:
        return full.text, "trafilatura-full"
    return (doc.text, "trafilatura") if doc is not None and doc.text else ("", "")


def _bare_extraction(tree, url: str | None, fast: bool):
    try:
        # Reader comments are not the article (trafilatura's own benchmarks leave them out too).
        # Metadata comes from our cheaper readers (JSON-LD, <head>, htmldate's quick mode, the
        # dateline): trafilatura's own metadata pass costs more than its text pass.
        # trafilatura copies a tree it is given, so `tree` stays intact for the second pass.
        return trafilatura.bare_extraction(tree, url=url, fast=fast, include_comments=False,
                                           with_metadata=False, include_tables=True)
    except Exception as error:  # trafilatura can fail on pathological markup
        log.warning("trafilatura failed on %s: %s", url or "page", error)
        return None


def _paragraph_chars(tree) -> int:
    """Characters written directly in the page's <p> elements (a cheap look before extracting)."""
    return sum(len(p.text) for p in tree.iter("p") if p.text)


def _looks_incomplete(doc) -> bool:
    if not doc.text or len(doc.text) < COMPLETE_TEXT_CHARS:
        return True
    return doc.body is None or len(doc.body.findall(".//p")) < COMPLETE_PARAGRAPHS


ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting",
                 "PressRelease", "Report", "WebPage"}
_DATE_META_NAMES = {("property", "article:published_time"), ("itemprop", "datePublished"), ("name", "date"),
                    ("name", "DC.date.issued"), ("name", "dc.date"), ("name", "pubdate")}
_AUTHOR_META_NAMES = {("name", "author"), ("property", "article:author")}


@dataclass
class _PageMeta:
    """What the page says about itself, gathered in one walk over the tree.

    One `iter()` over the few tags that matter costs a fraction of one XPath search per
    field, and metadata reading runs on every crawled page.
    """
    json_ld_texts: list[str]
    canonical: str | None = None
    title: str | None = None
    author: str | None = None
    date_values: tuple[str, ...] = ()

    @classmethod
    def read(cls, tree) -> "_PageMeta":
        found = cls(json_ld_texts=[])
        if tree is None:
            return found
        og_title = h1 = title = None
        dates = []
        for element in tree.iter("meta", "link", "script", "h1", "title"):
            tag = element.tag
            if tag == "meta":
                content = (element.get("content") or "").strip()
                if not content:
                    continue
                keys = {(attr, element.get(attr)) for attr in ("name", "property", "itemprop") if element.get(attr)}
                if found.canonical is None and ("property", "og:url") in keys:
                    found.canonical = content
                if og_title is None and ("property", "og:title") in keys:
                    og_title = content
                if keys & _DATE_META_NAMES:
                    dates.append(content)
                if found.author is None and keys & _AUTHOR_META_NAMES and not content.startswith("http"):
                    found.author = content
            elif tag == "link":
                href = (element.get("href") or "").strip()
                if found.canonical is None and href and element.get("rel") == "canonical":
                    found.canonical = href
            elif tag == "script":
                if element.get("type") == "application/ld+json":
                    found.json_ld_texts.append(element.text or "")
            elif tag == "h1":
                if h1 is None:
                    h1 = element.text_content().strip() or None
            elif title is None:
                title = (element.text_content() or "").strip() or None
        found.title = og_title or h1 or title
        found.date_values = tuple(dates)
        return found

    def json_ld(self) -> dict:
        """The first NewsArticle/Article object of the page's JSON-LD, flattened from @graph."""
        found = {}
        for script in self.json_ld_texts:
            try:
                data = json.loads(script)
            except (ValueError, TypeError):
                continue
            stack = data if isinstance(data, list) else [data]
            while stack:
                item = stack.pop(0)
                if not isinstance(item, dict):
                    continue
                stack.extend(item.get("@graph", []) if isinstance(item.get("@graph"), list) else [])
                kind = item.get("@type")
                kinds = set(kind if isinstance(kind, list) else [kind]) & ARTICLE_TYPES
                if kinds - {"WebPage"}:
                    return item
                if kinds and not found:
                    found = item  # a WebPage only when no article object follows
        return found


def _html_date(head: _PageMeta, tree, url: str | None) -> str | None:
    """The publication-date meta tags, else htmldate's quick search (<time>, URL, more meta)."""
    if tree is None:
        return None
    for value in head.date_values:  # most news pages have one: no need for htmldate then
        found = _iso_date(value)
        if found:
            return found
    try:
        return find_date(tree, url=url, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    except Exception:  # htmldate is robust, but a date parser on the open web must not stop a crawl
        return None


def _soup_text(soup: BeautifulSoup) -> str:
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "form", "noscript"]):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    blocks = [el.get_text(" ", strip=True) for el in root.find_all(["h1", "h2", "h3", "p", "li", "td"])]
    blocks = [b for b in blocks if b]
    if not blocks:
        return root.get_text("\n", strip=True)
    return "\n".join(blocks)


def _author(value) -> str | None:
    if isinstance(value, list):
        names = [_author(v) for v in value]
        return ", ".join(n for n in names if n) or None
    if isinstance(value, dict):
        return _author(value.get("name"))
    return value if isinstance(value, str) else None


def _iso_date(value) -> str | None:
    if not isinstance(value, str):
        return None
    match = re.match(r"(\d{4}-\d{2}-\d{2})", value.strip())
    return match.group(1) if match else None


def _squash(value: str | None) -> str | None:
    if not value:
        return None
    return " ".join(value.split()) or None
