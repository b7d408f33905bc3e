"""RSS/Atom feeds → article links with title and date (feedparser, after a defusedxml check)."""
from __future__ import annotations

import calendar
from datetime import datetime, timezone
from urllib.parse import urljoin

import feedparser

from ..errors import InputError
from .sitemaps import Item, check_xml


def feed_items(body: bytes, url: str) -> list[Item]:
    """The entries of a feed; raises InputError for entity tricks or a body that is no feed."""
    check_xml(body, url)
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries and parsed.get("bozo"):
        raise InputError(f"{url}: not an RSS/Atom feed ({parsed.get('bozo_exception')})")
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or next((l.get("href") for l in entry.get("links", []) if l.get("href")), None)
        if not link:
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = (
            datetime.fromtimestamp(calendar.timegm(when), tz=timezone.utc).date().isoformat() if when else None
        )
        items.append(Item(url=urljoin(url, link.strip()), title=entry.get("title"), published=published))
    return items
