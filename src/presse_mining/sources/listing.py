"""Overview pages: article links and the next page, by CSS selectors."""
from __future__ import annotations

from urllib.parse import urljoin

from bs4 import BeautifulSoup

from ..articles.html import decode_html
from .sitemaps import Item


def listing_items(body: bytes, url: str, links: str, next_selector: str | None,
                  charset: str | None = None) -> tuple[list[Item], str | None]:
    """(article links on this page, URL of the next page or None)."""
    soup = BeautifulSoup(decode_html(body, charset), "lxml")
    base = soup.find("base", href=True)
    base_url = urljoin(url, base["href"]) if base else url
    items, seen = [], set()
    for element in soup.select(links):
        anchor = element if element.name == "a" else element.find("a", href=True)
        if anchor is None or not anchor.get("href"):
            continue
        href = urljoin(base_url, anchor["href"].strip())
        if href in seen:
            continue
        seen.add(href)
        title = anchor.get_text(" ", strip=True) or anchor.get("title")
        items.append(Item(url=href, title=title or None))
    next_url = None
    if next_selector:
        element = soup.select_one(next_selector)
        anchor = element if element is not None and element.name == "a" else (
            element.find("a", href=True) if element is not None else None)
        if anchor is not None and anchor.get("href"):
            next_url = urljoin(base_url, anchor["href"].strip())
    return items, next_url
