"""`sources.toml`: where to crawl and how politely (docs/sources.md).

[defaults] holds the politeness settings; each [[source]] table one source.
Errors name the file, the source and the key, so a typo is found at once.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path

from ..errors import InputError

TYPES = ("feed", "sitemap", "listing", "oparl")
CONTACT = "https://github.com/presse-mining/presse_mining"


@dataclass(frozen=True)
class Settings:
    """Politeness and limits; [defaults], overridable per source."""

    user_agent: str = f"presse-mining/0.1 (+{CONTACT}; research crawler)"
    delay: float = 2.0  # seconds between two requests to one host (robots Crawl-delay wins if longer)
    timeout: float = 20.0  # seconds to connect and between two reads
    max_bytes: int = 10 * 1024 * 1024
    retries: int = 3  # further attempts after a timeout, connection error, 429 or 5xx
    backoff: float = 2.0  # first wait before a retry; doubles each time (Retry-After wins if given)
    max_wait: float = 120.0  # longest wait accepted from Retry-After
    max_redirects: int = 5
    keep_raw: bool = False  # keep article pages compressed in the store (raw_pages)
    allow_private: bool = False  # allow loopback/private/link-local addresses (tests, intranets)
    near_duplicate: float = 0.8  # MinHash Jaccard similarity above which a text is a reprint


@dataclass(frozen=True)
class Source:
    name: str
    type: str
    url: str
    settings: Settings = field(default_factory=Settings)
    match: re.Pattern | None = None
    since: str | None = None  # ISO date; older items are skipped
    links: str | None = None  # listing: CSS selector of article links
    next: str | None = None  # listing: CSS selector of the next-page link
    max_pages: int = 20
    organization: str | None = None  # oparl: name filter (case-insensitive substring or regex)
    files: str = "minutes"  # oparl: which meeting files to import: minutes | all | none


_SOURCE_KEYS = {"name", "type", "url", "match", "since", "links", "next", "max_pages", "organization", "files"}
_SETTING_KEYS = {f.name for f in fields(Settings)}


def load_config(path: str | Path) -> list[Source]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file (copy sources.example.toml to start)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: not valid TOML ({error})") from None
    unknown = set(data) - {"defaults", "source"}
    if unknown:
        raise InputError(f"{path}: unknown table(s) {', '.join(sorted(unknown))} (use [defaults] and [[source]])")
    defaults = _settings(Settings(), data.get("defaults", {}), f"{path} [defaults]")
    tables = data.get("source", [])
    if not isinstance(tables, list) or not tables:
        raise InputError(f"{path}: no [[source]] tables")
    sources, names = [], set()
    for number, table in enumerate(tables, start=1):
        where = f"{path} source {table.get('name') or number}"
        source = _source(table, defaults, where)
        if source.name in names:
            raise InputError(f"{where}: the name {source.name!r} is used twice")
        names.add(source.name)
        sources.append(source)
    return sources


def _settings(base: Settings, table: dict, where: str) -> Settings:
    values = {}
    for key, value in table.items():
        if key not in _SETTING_KEYS:
            raise InputError(f"{where}: unknown setting {key!r}")
        expected = type(getattr(base, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise InputError(f"{where}: {key} must be a {expected.__name__}, not {value!r}")
        if expected in (int, float) and value < 0:
            raise InputError(f"{where}: {key} must not be negative")
        values[key] = value
    return replace(base, **values)


def _source(table: dict, defaults: Settings, where: str) -> Source:
    if not isinstance(table, dict):
        raise InputError(f"{where}: a [[source]] must be a table")
    for key in ("name", "type", "url"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise InputError(f"{where}: {key} is required")
    if table["type"] not in TYPES:
        raise InputError(f"{where}: type must be one of {', '.join(TYPES)}, not {table['type']!r}")
    if not re.match(r"https?://", table["url"]):
        raise InputError(f"{where}: url must start with http:// or https://")
    settings = _settings(defaults, {k: v for k, v in table.items() if k in _SETTING_KEYS}, where)
    unknown = set(table) - _SOURCE_KEYS - _SETTING_KEYS
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    match = None
    if table.get("match"):
        try:
            match = re.compile(table["match"], re.IGNORECASE)
        except re.error as error:
            raise InputError(f"{where}: match is not a valid regular expression ({error})") from None
    since = table.get("since")
    if isinstance(since, date):
        since = since.isoformat()
    elif since is not None:
        if not isinstance(since, str) or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", since):
            raise InputError(f"{where}: since must be a date like 2023-01-01")
    if table["type"] == "listing" and not table.get("links"):
        raise InputError(f"{where}: a listing needs links = \"CSS selector of the article links\"")
    max_pages = table.get("max_pages", 20)
    if not isinstance(max_pages, int) or max_pages < 1:
        raise InputError(f"{where}: max_pages must be a positive whole number")
    files = table.get("files", "minutes")
    if files not in ("minutes", "all", "none"):
        raise InputError(f"{where}: files must be minutes, all or none")
    return Source(
        name=table["name"].strip(), type=table["type"], url=table["url"].strip(), settings=settings,
        match=match, since=since, links=table.get("links"), next=table.get("next"), max_pages=max_pages,
        organization=table.get("organization"), files=files,
    )
