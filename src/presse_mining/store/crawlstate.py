"""The crawler's state in the store: runs, the URL frontier, raw pages, duplicates.

Functions taking an open Store; each write is one short transaction, so a crawl
killed at any point leaves a consistent state that the next crawl goes on from.
"""
from __future__ import annotations

import zlib
from datetime import datetime, timezone

from .db import Store, entity_id

_URL_COLUMNS = ("url", "source", "kind", "status", "title", "published", "discovered_at", "fetched_at",
                "run_id", "http_status", "etag", "last_modified", "article_id", "error")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# -- runs -------------------------------------------------------------------------
def start_run(store: Store, source: str) -> tuple[int, bool]:
    """(run id, resumed): an unfinished run of this source is resumed, else a new one starts."""
    row = store.conn.execute(
        "SELECT id, finished_at FROM crawl_runs WHERE source = ? ORDER BY id DESC LIMIT 1", [source]
    ).fetchone()
    if row is not None and row[1] is None:
        return row[0], True
    with store.transaction() as conn:
        run_id = conn.execute("INSERT INTO crawl_runs (source, started_at) VALUES (?, ?)", [source, _now()]).lastrowid
    return run_id, False


def finish_run(store: Store, run_id: int) -> None:
    with store.transaction() as conn:
        conn.execute("UPDATE crawl_runs SET finished_at = ? WHERE id = ?", [_now(), run_id])


# -- the frontier -----------------------------------------------------------------
def discover(store: Store, url: str, *, source: str, kind: str, title: str | None = None,
             published: str | None = None) -> None:
    """Remember a URL to fetch (no-op when known; a newer title/date hint is kept)."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO crawl_urls (url, source, kind, title, published, discovered_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET title = coalesce(excluded.title, title),"
            " published = coalesce(excluded.published, published)",
            [url, source, kind, title, published, _now()],
        )


def url_state(store: Store, url: str) -> dict | None:
    row = store.conn.execute(f"SELECT {', '.join(_URL_COLUMNS)} FROM crawl_urls WHERE url = ?", [url]).fetchone()
    return dict(zip(_URL_COLUMNS, row)) if row else None


def pending_urls(store: Store, source: str) -> list[dict]:
    rows = store.conn.execute(
        f"SELECT {', '.join(_URL_COLUMNS)} FROM crawl_urls WHERE source = ? AND status = 'pending' ORDER BY rowid",
        [source],
    ).fetchall()
    return [dict(zip(_URL_COLUMNS, row)) for row in rows]


def record_fetch(store: Store, url: str, *, run_id: int, status: str, http_status: int | None = None,
                 etag: str | None = None, last_modified: str | None = None, article_id: int | None = None,
                 error: str | None = None) -> None:
    """What fetching `url` in run `run_id` gave; validators and article kept from before when not given."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE crawl_urls SET status = ?, run_id = ?, fetched_at = ?, http_status = coalesce(?, http_status),"
            " etag = coalesce(?, etag), last_modified = coalesce(?, last_modified),"
            " article_id = coalesce(?, article_id), error = ? WHERE url = ?",
            [status, run_id, _now(), http_status, etag, last_modified, article_id, error, url],
        )


def crawl_counts(store: Store, source: str | None = None) -> dict[str, int]:
    where, args = ("WHERE source = ?", [source]) if source else ("", [])
    rows = store.conn.execute(f"SELECT status, count(*) FROM crawl_urls {where} GROUP BY status", args)
    return dict(rows.fetchall())


# -- raw pages --------------------------------------------------------------------
def save_raw(store: Store, url: str, body: bytes, content_type: str | None) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO raw_pages (url, fetched_at, content_type, body) VALUES (?, ?, ?, ?)",
            [url, _now(), content_type, zlib.compress(body, 6)],
        )


def load_raw(store: Store, url: str) -> tuple[bytes, str | None] | None:
    row = store.conn.execute("SELECT body, content_type FROM raw_pages WHERE url = ?", [url]).fetchone()
    return (zlib.decompress(row[0]), row[1]) if row else None


# -- duplicates -------------------------------------------------------------------
def article_url(store: Store, article_id: int) -> str | None:
    row = store.conn.execute("SELECT url FROM articles WHERE id = ?", [article_id]).fetchone()
    return row[0] if row else None


def set_duplicate_of(store: Store, article_id: int, first_id: int | None) -> None:
    with store.transaction() as conn:
        conn.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?", [first_id, article_id])
        if first_id is not None:
            conn.execute("DELETE FROM article_signatures WHERE article_id = ?", [article_id])


def save_signature(store: Store, article_id: int, minhash: bytes) -> None:
    with store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO article_signatures (article_id, minhash) VALUES (?, ?)",
                     [article_id, minhash])


def signatures(store: Store) -> dict[int, bytes]:
    """Signatures of first copies (articles that are no one's duplicate)."""
    rows = store.conn.execute(
        "SELECT s.article_id, s.minhash FROM article_signatures s JOIN articles a ON a.id = s.article_id"
        " WHERE a.duplicate_of IS NULL"
    )
    return dict(rows.fetchall())


def unsigned_articles(store: Store, batch: int = 500):
    """(id, text) of first copies without a signature yet (e.g. imported from files), in batches."""
    last = 0
    while True:
        rows = store.conn.execute(
            "SELECT id, text FROM articles WHERE id > ? AND duplicate_of IS NULL"
            " AND id NOT IN (SELECT article_id FROM article_signatures) ORDER BY id LIMIT ?",
            [last, batch],
        ).fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


# -- structured events (OParl meetings) ---------------------------------------------
def save_structured_event(store: Store, article_id: int, event: dict) -> int:
    """Replace the events of `article_id` by this one (organisers as ORG entities); its id."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM events WHERE article_id = ?", [article_id])
        event_id = conn.execute(
            "INSERT INTO events (article_id, type, title, date, date_end, time, place, venue)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [article_id] + [event.get(k) for k in ("type", "title", "date", "date_end", "time", "place", "venue")],
        ).lastrowid
        for name in event.get("organisers", []):
            conn.execute(
                "INSERT OR IGNORE INTO event_participants (event_id, entity_id, kind) VALUES (?, ?, 'organiser')",
                [event_id, entity_id(conn, "ORG", name)],
            )
        conn.execute("UPDATE articles SET analyzed_at = ? WHERE id = ?", [_now(), article_id])
    return event_id
