"""The crawl: sources.toml → index pages → article pages → the store.

Per source: start (or resume) a run; read the index (feed, sitemap, listing
pages, OParl lists; conditional requests, the last copy kept so a 304 still
lists the items); remember every relevant link in the frontier (crawl_urls);
fetch each one not yet handled in this run (conditional when seen before);
extract, drop duplicates, store; finish the run. A killed crawl resumes the
unfinished run: what it already fetched in that run is not asked for again.
"""
from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from tqdm import tqdm

from ..articles import Article, clean_text, guess_title, parse_html
from ..articles.dates import find_published
from ..errors import InputError, PresseError
from ..store import Store
from ..store import crawlstate as state
from .config import Source
from .dedupe import NearDuplicates, from_bytes, normalize_url, signature, to_bytes
from .feeds import feed_items
from .files import _pdf_text
from .http import Fetcher, FetchError, Refused
from .listing import listing_items
from .oparl import meetings
from .sitemaps import Item, sitemap_items

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml")
SITEMAP_TYPES = ("application/xml", "text/xml", "application/gzip", "application/x-gzip", "application/octet-stream")
PDF_TYPES = ("application/pdf", "application/octet-stream", "application/x-pdf")
JSON_TYPES = ("application/json", "application/ld+json", "text/json")


@dataclass
class CrawlReport:
    counts: Counter = field(default_factory=Counter)  # new, updated, unchanged, duplicate, near-duplicate
    skipped: Counter = field(default_factory=Counter)  # reason → how many
    failed: list[str] = field(default_factory=list)  # "url: reason"
    requests: int = 0
    sources_failed: list[str] = field(default_factory=list)  # sources whose index could not be read

    def summary(self) -> str:
        order = ("new", "updated", "unchanged", "duplicate", "near-duplicate", "meetings")
        parts = [f"{self.counts[k]} {k}" for k in order if self.counts[k]]
        lines = [", ".join(parts or ["nothing new"]) + f" ({self.requests} requests)"]
        if self.skipped:
            lines.append(f"skipped {sum(self.skipped.values())}: "
                         + "; ".join(f"{n} {reason}" for reason, n in self.skipped.most_common()))
        if self.failed:
            lines.append(f"failed {len(self.failed)}:")
            lines.extend(f"  {line}" for line in self.failed)
        return "\n".join(lines)


class Crawler:
    def __init__(self, store: Store, *, fetcher: Fetcher | None = None, progress: bool = False):
        self.store = store
        self.fetcher = fetcher or Fetcher()
        self.progress = progress
        self.report = CrawlReport()
        self.near: NearDuplicates | None = None

    def crawl(self, sources: Iterable[Source]) -> CrawlReport:
        for source in sources:
            try:
                self.crawl_source(source)
            except PresseError as error:
                self.report.failed.append(f"{source.name}: {error}")
                self.report.sources_failed.append(source.name)
        self.report.requests = self.fetcher.requests
        return self.report

    def crawl_source(self, source: Source) -> None:
        self._load_signatures(source.settings.near_duplicate)
        run_id, resumed = state.start_run(self.store, source.name)
        log.info("%s: %s run %d", source.name, "resuming" if resumed else "starting", run_id)
        try:
            items = self._discover(source, run_id)
        except FetchError as error:
            self._index_failed(source, error)
            return  # the run stays open: the next crawl resumes it
        listed = []
        for item in items:
            if self._relevant(source, item):
                url = normalize_url(item.url)
                state.discover(self.store, url, source=source.name, kind=item.kind, title=item.title,
                               published=item.published)
                listed.append(url)
        todo = list(dict.fromkeys(listed + [row["url"] for row in state.pending_urls(self.store, source.name)]))
        for url in tqdm(todo, desc=source.name, unit="page", disable=not self.progress, leave=False):
            row = state.url_state(self.store, url)
            if row is None or (row["run_id"] == run_id and row["status"] != "pending"):
                continue  # handled earlier in this (resumed) run
            self._fetch_page(source, row, run_id)
        state.finish_run(self.store, run_id)

    # -- index pages ------------------------------------------------------------
    def _discover(self, source: Source, run_id: int) -> list[Item]:
        settings = source.settings
        if source.type == "feed":
            return feed_items(self._index(source, source.url, run_id, FEED_TYPES + HTML_TYPES), source.url)
        if source.type == "sitemap":
            items, queue, seen = [], [source.url], set()
            while queue and len(seen) < source.max_pages:
                url = queue.pop(0)
                seen.add(url)
                for item in sitemap_items(self._index(source, url, run_id, SITEMAP_TYPES), url, settings.max_bytes):
                    if item.kind == "sitemap":
                        if item.url not in seen and self._recent(source, item):
                            queue.append(item.url)
                    else:
                        items.append(item)
            return items
        if source.type == "listing":
            items, url, seen = [], source.url, set()
            while url and url not in seen and len(seen) < source.max_pages:
                seen.add(url)
                body = self._index(source, url, run_id, HTML_TYPES)
                found, url = listing_items(body, url, source.links, source.next)
                items.extend(found)
            return items
        return self._oparl(source, run_id)

    def _index(self, source: Source, url: str, run_id: int, accept: tuple[str, ...]) -> bytes:
        """An index page's body: fetched conditionally, or the kept copy when unchanged."""
        key = normalize_url(url)
        state.discover(self.store, key, source=source.name, kind="index")
        row = state.url_state(self.store, key)
        kept = state.load_raw(self.store, key)
        if kept is not None and row["run_id"] == run_id and row["status"] == "unchanged":
            return kept[0]  # read earlier in this (resumed) run
        try:
            response = self.fetcher.get(
                url, source.settings, accept=accept,
                etag=row["etag"] if kept else None, last_modified=row["last_modified"] if kept else None,
            )
        except FetchError as error:
            state.record_fetch(self.store, key, run_id=run_id, status="failed", error=error.reason)
            raise
        if response.status == 304:
            body = kept[0]
        else:
            body = response.body
            state.save_raw(self.store, key, body, response.content_type)
        state.record_fetch(self.store, key, run_id=run_id, status="unchanged", http_status=response.status,
                           etag=response.etag, last_modified=response.last_modified)
        return body

    def _oparl(self, source: Source, run_id: int) -> list[Item]:
        def get_json(url: str) -> dict:
            body = self._index(source, url, run_id, JSON_TYPES)
            try:
                data = json.loads(body)
            except ValueError as error:
                raise InputError(f"{url}: not JSON ({error})") from None
            if not isinstance(data, dict):
                raise InputError(f"{url}: not an OParl object")
            return data

        files = []
        for meeting in meetings(get_json, source.url, source.organization, source.files):
            if meeting.cancelled:
                self.report.skipped["meeting cancelled"] += 1
                continue
            if source.since and meeting.date and meeting.date < source.since:
                self.report.skipped["older than since"] += 1
                continue
            article = Article(
                text=meeting.text(), title=f"{meeting.name} ({meeting.date or 'ohne Datum'})", url=meeting.id,
                source=source.name, published=meeting.date, fetched_at=_now(), extractor="oparl",
            )
            article_id, status = self.store.save_article(article)
            if status != "unchanged" or not self.store.conn.execute(
                    "SELECT 1 FROM events WHERE article_id = ?", [article_id]).fetchone():
                state.save_structured_event(self.store, article_id, meeting.event())
            self.report.counts["meetings"] += 1
            files.extend(meeting.files)
        return files

    def _index_failed(self, source: Source, error: FetchError) -> None:
        if isinstance(error, Refused):
            self.report.skipped[error.reason] += 1
        self.report.failed.append(f"{source.name}: index {error}")
        self.report.sources_failed.append(source.name)

    # -- filters ----------------------------------------------------------------
    def _relevant(self, source: Source, item: Item) -> bool:
        if source.match and not (source.match.search(item.url) or (item.title and source.match.search(item.title))):
            self.report.skipped["not matching match"] += 1
            return False
        if not self._recent(source, item):
            self.report.skipped["older than since"] += 1
            return False
        return True

    @staticmethod
    def _recent(source: Source, item: Item) -> bool:
        return not (source.since and item.published and item.published < source.since)

    # -- article pages ----------------------------------------------------------
    def _fetch_page(self, source: Source, row: dict, run_id: int) -> None:
        url = row["url"]
        accept = PDF_TYPES if row["kind"] == "file" else HTML_TYPES
        try:
            response = self.fetcher.get(url, source.settings, etag=row["etag"],
                                        last_modified=row["last_modified"], accept=accept)
        except Refused as error:
            self.report.skipped[error.reason] += 1
            state.record_fetch(self.store, url, run_id=run_id, status="skipped", error=error.reason)
            return
        except FetchError as error:
            self.report.failed.append(f"{url}: {error.reason}")
            state.record_fetch(self.store, url, run_id=run_id, status="failed", error=error.reason)
            return
        if response.status == 304:
            self.report.counts["unchanged"] += 1
            state.record_fetch(self.store, url, run_id=run_id, status="unchanged", http_status=304)
            return
        final_url = normalize_url(response.url)
        if source.settings.keep_raw:
            state.save_raw(self.store, final_url, response.body, response.content_type)
        try:
            article = self._article(row, response, final_url, source)
        except InputError as error:
            self.report.failed.append(str(error))
            state.record_fetch(self.store, url, run_id=run_id, status="failed", http_status=response.status,
                               error=str(error))
            return
        validators = dict(http_status=response.status, etag=response.etag, last_modified=response.last_modified)
        if source.since and article.published and article.published < source.since:
            self.report.skipped["older than since"] += 1
            state.record_fetch(self.store, url, run_id=run_id, status="skipped", error="older than since", **validators)
            return
        article_id, status = self._save(article)
        self.report.counts[status] += 1
        state.record_fetch(self.store, url, run_id=run_id, status=status, article_id=article_id, **validators)

    def _article(self, row: dict, response, final_url: str, source: Source) -> Article:
        if row["kind"] == "file" or response.content_type == "application/pdf" or response.body[:5] == b"%PDF-":
            text = clean_text(_pdf_text(final_url, response.body))
            title, published, author, extractor = row["title"] or guess_title(text), None, None, "pypdf"
            published = row["published"] or find_published(text)
        else:
            page = parse_html(response.body, url=final_url, encoding=response.charset)
            text, title, author, extractor = page.text, page.title or row["title"], page.author, page.extractor
            published = page.published or row["published"]
        if not text.strip():
            raise InputError(f"{final_url}: no text found")
        return Article(text=text, title=title, url=final_url, source=source.name, published=published,
                       author=author, fetched_at=_now(), extractor=extractor)

    def _save(self, article: Article) -> tuple[int, str]:
        """Store an article once; exact copies are not stored, near copies linked to the first."""
        minhash = signature(article.text)
        article_id, status = self.store.save_article(article)
        if status == "unchanged":
            if state.article_url(self.store, article_id) != article.url:
                return article_id, "duplicate"  # the same text under another URL
            return article_id, status
        first = self.near.first_copy(minhash, exclude=article_id)
        if first is not None and first < article_id:
            state.set_duplicate_of(self.store, article_id, first)
            return article_id, "near-duplicate"
        state.set_duplicate_of(self.store, article_id, None)
        state.save_signature(self.store, article_id, to_bytes(minhash))
        self.near.add(article_id, minhash)
        return article_id, status

    def _load_signatures(self, threshold: float) -> None:
        if self.near is not None and self.near.threshold == threshold:
            return
        self.near = NearDuplicates(threshold)
        for article_id, blob in state.signatures(self.store).items():
            self.near.add(article_id, from_bytes(blob))
        for article_id, text in state.unsigned_articles(self.store):  # e.g. imported from files
            minhash = signature(text)
            state.save_signature(self.store, article_id, to_bytes(minhash))
            self.near.add(article_id, minhash)


def crawl(store: Store, sources: Iterable[Source], *, progress: bool = False, fetcher: Fetcher | None = None) -> CrawlReport:
    crawler = Crawler(store, fetcher=fetcher, progress=progress)
    try:
        return crawler.crawl(sources)
    finally:
        if fetcher is None:
            crawler.fetcher.close()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
