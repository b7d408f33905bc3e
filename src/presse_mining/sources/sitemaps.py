"""Sitemaps (urlset, sitemap index, news sitemaps; .xml or .xml.gz), parsed safely.

defusedxml refuses entity declarations and external references (billion laughs,
XXE); gzip is inflated in steps and stops at max_bytes (a gzip bomb stays small).
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ..errors import InputError

GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class Item:
    """A link found in an index: a page to fetch, with what the index says about it."""

    url: str
    title: str | None = None
    published: str | None = None  # ISO date
    kind: str = "article"  # article | sitemap (a child sitemap) | file (a PDF)


def gunzip_limited(data: bytes, max_bytes: int, url: str) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    pending = data
    while pending:
        out += inflater.decompress(pending, 65536)
        if len(out) > max_bytes:
            raise InputError(f"{url}: inflates to more than max_bytes ({max_bytes:,} bytes)")
        pending = inflater.unconsumed_tail
    try:
        out += inflater.flush()
    except zlib.error as error:
        raise InputError(f"{url}: broken gzip ({error})") from None
    if len(out) > max_bytes:
        raise InputError(f"{url}: inflates to more than max_bytes ({max_bytes:,} bytes)")
    return bytes(out)


def check_xml(body: bytes, url: str):
    """The parsed root; InputError on entity declarations, external references or broken XML."""
    try:
        return SafeET.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise InputError(f"{url}: unsafe XML refused ({type(error).__name__})") from None
    except SafeET.ParseError as error:
        raise InputError(f"{url}: not well-formed XML ({error})") from None


def sitemap_items(body: bytes, url: str, max_bytes: int) -> list[Item]:
    """Pages (kind article) and child sitemaps (kind sitemap) listed in a sitemap."""
    if body[:2] == GZIP_MAGIC:
        body = gunzip_limited(body, max_bytes, url)
    root = check_xml(body, url)
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise InputError(f"{url}: not a sitemap (root element <{kind}>)")
    items = []
    for entry in root:
        fields: dict[str, str] = {}
        for child in entry.iter():
            name = _local(child.tag)
            if child.text and child.text.strip() and name not in fields:
                fields[name] = child.text.strip()
        loc = fields.get("loc")
        if not loc:
            continue
        published = _iso(fields.get("publication_date") or fields.get("lastmod"))
        items.append(Item(
            url=loc, title=fields.get("title"), published=published,
            kind="sitemap" if kind == "sitemapindex" else "article",
        ))
    return items


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _iso(value: str | None) -> str | None:
    match = re.match(r"\d{4}-\d{2}-\d{2}", value or "")
    return match.group(0) if match else None
