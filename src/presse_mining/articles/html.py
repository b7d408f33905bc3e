"""Article pages → title, main text, date, author, canonical URL.

A chain of strategies in the manner of trafilatura: JSON-LD NewsArticle metadata
when the page carries it, trafilatura (with htmldate) for the main text, and a
BeautifulSoup reading of <article>/<main>/<p> as the fallback when trafilatura
finds too little. The strategy that produced the text is reported as `extractor`.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

import trafilatura
from bs4 import BeautifulSoup
from bs4.dammit import UnicodeDammit

from .clean import clean_text

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 200  # below this, trafilatura probably missed the article body


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
    encodings = [e for e in (declared, "utf-8") if e]
    dammit = UnicodeDammit(raw, known_definite_encodings=encodings, is_html=True)
    if dammit.unicode_markup is None:
        return raw.decode("cp1252", errors="replace")
    return dammit.unicode_markup


def parse_html(html: str | bytes, url: str | None = None) -> ParsedPage:
    """Parse one article page. Never raises on odd markup; an empty page gives empty text."""
    if isinstance(html, bytes):
        html = decode_html(html)
    soup = BeautifulSoup(html, "lxml")
    meta = _json_ld(soup)
    canonical = _canonical(soup) or meta.get("url") or url

    text, extractor, doc = "", "", None
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True
        )
    except Exception as error:  # trafilatura can fail on pathological markup
        log.warning("trafilatura failed on %s: %s", url or "page", error)
    if doc is not None and doc.text:
        text, extractor = doc.text, "trafilatura"
    if len(text) < MIN_TEXT_CHARS:
        fallback = _soup_text(soup)
        if len(fallback) > len(text) * 1.5:
            text, extractor = fallback, "beautifulsoup"
    if meta.get("articleBody") and len(meta["articleBody"]) > len(text) * 1.2:
        text, extractor = meta["articleBody"], "json-ld"

    title = meta.get("headline") or (doc.title if doc is not None else None) or _soup_title(soup)
    published = _iso_date(meta.get("datePublished")) or (doc.date if doc is not None else None)
    author = _author(meta.get("author")) or (doc.author if doc is not None else None)
    return ParsedPage(
        title=_squash(title),
        text=clean_text(text),
        published=published,
        author=_squash(author),
        url=canonical,
        extractor=extractor or "none",
    )


def _json_ld(soup: BeautifulSoup) -> dict:
    """The first NewsArticle/Article object of the page's JSON-LD, flattened from @graph."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (ValueError, TypeError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if not isinstance(item, dict):
                continue
            stack.extend(item.get("@graph", []) if isinstance(item.get("@graph"), list) else [])
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(k in ("NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "PressRelease") for k in kinds):
                return item
    return {}


def _canonical(soup: BeautifulSoup) -> str | None:
    link = soup.find("link", rel="canonical")
    if link and link.get("href"):
        return link["href"].strip()
    og = soup.find("meta", property="og:url")
    return og["content"].strip() if og and og.get("content") else None


def _soup_title(soup: BeautifulSoup) -> str | None:
    og = soup.find("meta", property="og:title")
    if og and og.get("content"):
        return og["content"]
    h1 = soup.find("h1")
    if h1 and h1.get_text(strip=True):
        return h1.get_text(" ", strip=True)
    return soup.title.get_text(" ", strip=True) if soup.title else None


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
        return value.get("name")
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
