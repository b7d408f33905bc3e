"""The SQLite store: the only module that writes SQL.

One Store per database file. Writes that belong together (an article and its
search row; every result of one article's analysis) happen in one transaction,
so a killed process leaves either the old or the new state, never half of each.
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from ..articles import Article
from ..errors import StoreError
from . import identity, schema
from .german import fts_query, search_terms

DEFAULT_DB = "presse.db"


def default_path() -> str:
    return os.environ.get("PRESSE_DB") or DEFAULT_DB


# Near-duplicates (linked to their first copy) and OParl meeting records (structured
# data whose event the crawler stored) are not analysed as new events.
ANALYSABLE = "AND duplicate_of IS NULL AND coalesce(extractor, '') != 'oparl'"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: str | Path | None = None, *, create: bool = True):
        self.path = Path(path or default_path())
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such database (run `presse-mining run` or `import` first)")
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=10)
            self.conn.execute("PRAGMA foreign_keys = ON")
            if self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                raise StoreError(f"{self.path}: cannot switch to WAL mode")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.before_version = schema.migrate(self.conn)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: {_explain(error)}") from None
        except RuntimeError as error:
            raise StoreError(f"{self.path}: {error}") from None
        self.db = sqlite_utils.Database(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self):
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise StoreError(f"{self.path}: {_explain(error)}") from None
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.DatabaseError as error:
                self.conn.execute("ROLLBACK")
                raise StoreError(f"{self.path}: {_explain(error)}") from None

    # -- articles ---------------------------------------------------------------
    def save_article(self, article: Article) -> tuple[int, str]:
        """Insert or update one article; returns (id, 'new' | 'updated' | 'unchanged')."""
        article = identity.mask_article(self.conn, article)  # forgotten people stay forgotten
        record = article.record()
        with self.transaction() as conn:
            row = None
            if record["url"]:
                row = conn.execute("SELECT id, content_hash FROM articles WHERE url = ?", [record["url"]]).fetchone()
            if row is None:
                row = conn.execute(
                    "SELECT id, content_hash FROM articles WHERE content_hash = ? ORDER BY id LIMIT 1",
                    [record["content_hash"]],
                ).fetchone()
                if row is not None:
                    return row[0], "unchanged"
            else:
                if row[1] == record["content_hash"]:
                    return row[0], "unchanged"
            values = {k: v for k, v in record.items() if v is not None or k in ("published", "title", "author")}
            if row is None:
                article_id = self.db["articles"].insert(values).last_pk
                status = "new"
            else:
                article_id = row[0]
                values["analyzed_at"] = None  # a changed text is analysed again
                self.db["articles"].update(article_id, values)
                status = "updated"
            conn.execute("DELETE FROM articles_fts WHERE rowid = ?", [article_id])
            conn.execute(
                "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
                [article_id, search_terms(record["title"]), search_terms(record["text"])],
            )
        return article_id, status

    def articles_to_analyze(self, *, everything: bool = False, batch: int = 200) -> Iterator[dict]:
        """Articles without analysis (or all), streamed in id order in small batches."""
        condition = ANALYSABLE + ("" if everything else " AND analyzed_at IS NULL")
        last = 0
        while True:
            rows = self.conn.execute(
                f"SELECT id, text, published, title FROM articles WHERE id > ? {condition} ORDER BY id LIMIT ?",
                [last, batch],
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield {"id": row[0], "text": row[1], "published": row[2], "title": row[3]}
            last = rows[-1][0]

    def count_to_analyze(self, *, everything: bool = False) -> int:
        condition = ANALYSABLE + ("" if everything else " AND analyzed_at IS NULL")
        return self.conn.execute(f"SELECT count(*) FROM articles WHERE 1 {condition}").fetchone()[0]

    # -- analysis ---------------------------------------------------------------
    def save_analysis(self, article_id: int, result: dict) -> None:
        """Replace everything the analysis found in one article, in one transaction."""
        self.save_analyses([(article_id, result)])

    def save_analyses(self, results: Iterable[tuple[int, dict]]) -> int:
        """Replace the analyses of a batch of articles in one transaction: all or nothing.

        Written in the order given; entity ids are assigned in write order, so the
        same order gives the same database. Returns the number of articles written.
        """
        with self.transaction() as conn:
            # Shared by the batch: nothing deletes entities inside it (only prune_entities).
            entity_ids: dict[tuple[str, str], int] = {}
            analysed_at = now()
            written = 0
            for article_id, result in results:
                write_analysis(conn, article_id, result, entity_ids, analysed_at)
                written += 1
        return written

    def prune_entities(self) -> int:
        """Delete entities that nothing refers to any more (after re-analysis)."""
        with self.transaction() as conn:
            return conn.execute(
                "DELETE FROM entities WHERE id NOT IN (SELECT entity_id FROM mentions)"
                " AND id NOT IN (SELECT entity_id FROM event_participants)"
                " AND id NOT IN (SELECT person_id FROM roles)"
                " AND id NOT IN (SELECT organisation_id FROM roles WHERE organisation_id IS NOT NULL)"
            ).rowcount

    # -- reading ----------------------------------------------------------------
    def search(self, query: str, limit: int = 20) -> list[dict]:
        """Articles whose title or text contain all query words, German inflection ignored."""
        rows = self.conn.execute(
            "SELECT a.id, a.title, a.published, a.url FROM articles_fts f JOIN articles a ON a.id = f.rowid"
            " WHERE articles_fts MATCH ? ORDER BY f.rank LIMIT ?",
            [fts_query(query), limit],
        ).fetchall()
        return [dict(zip(("id", "title", "published", "url"), row)) for row in rows]

    def counts(self) -> dict[str, int]:
        tables = ("articles", "entities", "mentions", "dates", "roles", "events", "event_participants", "article_fields")
        return {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def write_analysis(
    conn: sqlite3.Connection, article_id: int, result: dict, entity_ids: dict[tuple[str, str], int], analysed_at: str
) -> None:
    """Replace one article's analysis; call inside a transaction (Store.save_analyses).

    `entity_ids` caches (label, name) → id across the articles of one transaction.
    """
    result = identity.correct_result(conn, article_id, result)  # users' corrections, forgotten people
    for table in ("mentions", "dates", "roles", "events", "article_fields", "field_evidence"):
        conn.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])

    def entity(label: str, name: str) -> int:
        key = (label, name)
        if key not in entity_ids:
            entity_ids[key] = entity_id(conn, label, name)
        return entity_ids[key]

    conn.executemany(
        'INSERT INTO mentions (article_id, entity_id, text, start, "end", sentence) VALUES (?, ?, ?, ?, ?, ?)',
        [
            (article_id, entity(m["label"], m["canonical"]), m["text"], m["start"], m["end"], m.get("sentence"))
            for m in result.get("entities", [])
        ],
    )
    conn.executemany(
        'INSERT INTO dates (article_id, text, value, start, "end") VALUES (?, ?, ?, ?, ?)',
        [(article_id, d["text"], d.get("value"), d.get("start"), d.get("end")) for d in result.get("dates", [])],
    )
    published = result.get("published")
    for role in result.get("roles", []):
        organisation = entity("ORG", role["organisation"]) if role.get("organisation") else None
        conn.execute(
            "INSERT INTO roles (article_id, person_id, role, organisation_id, date) VALUES (?, ?, ?, ?, ?)",
            [article_id, entity("PER", role["person"]), role["role"], organisation, role.get("date") or published],
        )
    for event in result.get("events", []):
        event_id = conn.execute(
            "INSERT INTO events (article_id, type, title, date, date_end, time, place, venue, attendance, place_ags)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [article_id] + [event.get(k) for k in
                            ("type", "title", "date", "date_end", "time", "place", "venue", "attendance", "place_ags")],
        ).lastrowid
        participants = {(entity("ORG", n), "organiser") for n in event.get("organisers", [])}
        participants |= {(entity("PER", n), "participant") for n in event.get("persons", [])}
        participants |= {(entity("ORG", n), "participant") for n in event.get("organisations", [])}
        conn.executemany(
            "INSERT OR IGNORE INTO event_participants (event_id, entity_id, kind) VALUES (?, ?, ?)",
            [(event_id, eid, kind) for eid, kind in sorted(participants)],
        )
    conn.executemany(
        "INSERT INTO article_fields (article_id, field, score) VALUES (?, ?, ?)",
        [(article_id, f["label"], f["score"]) for f in result.get("fields", [])],
    )
    conn.executemany(
        'INSERT INTO field_evidence (article_id, field, sentence, start, "end") VALUES (?, ?, ?, ?, ?)',
        [
            (article_id, f["label"], ev["text"], ev.get("start"), ev.get("end"))
            for f in result.get("fields", []) for ev in f.get("evidence", [])
        ],
    )
    conn.execute("UPDATE articles SET analyzed_at = ? WHERE id = ?", [analysed_at, article_id])


def entity_id(conn: sqlite3.Connection, label: str, name: str) -> int:
    """The id of entity (label, name), created if new; call inside a transaction."""
    conn.execute("INSERT OR IGNORE INTO entities (label, name) VALUES (?, ?)", [label, name])
    return conn.execute("SELECT id FROM entities WHERE label = ? AND name = ?", [label, name]).fetchone()[0]


def _explain(error: sqlite3.DatabaseError) -> str:
    message = str(error)
    if "locked" in message or "busy" in message:
        return "database is locked by another process (wait for it to finish, or close it)"
    if "not a database" in message or "malformed" in message or "file is encrypted" in message:
        return "not a presse_mining database, or the file is corrupt"
    return message
