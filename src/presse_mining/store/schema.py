"""The store's schema as an ordered list of migrations.

`PRAGMA user_version` holds the number of migrations applied. Opening an older
file applies the missing ones in place, each in its own transaction. Never edit
a released migration: append a new one. docs/schema.md documents the result.
"""
from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
    # 1: the spine: articles, entities and what the analysis finds in an article
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        url TEXT UNIQUE,
        source TEXT,
        title TEXT,
        published TEXT,
        author TEXT,
        fetched_at TEXT,
        imported_at TEXT,
        text TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        language TEXT,
        extractor TEXT,
        analyzed_at TEXT
    );
    CREATE INDEX idx_articles_content_hash ON articles(content_hash);
    CREATE INDEX idx_articles_published ON articles(published);
    CREATE TABLE entities (
        id INTEGER PRIMARY KEY,
        label TEXT NOT NULL CHECK (label IN ('PER', 'ORG', 'LOC', 'MISC')),
        name TEXT NOT NULL,
        UNIQUE (label, name)
    );
    CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        sentence INTEGER
    );
    CREATE INDEX idx_mentions_article ON mentions(article_id);
    CREATE INDEX idx_mentions_entity ON mentions(entity_id);
    CREATE TABLE dates (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        value TEXT,
        start INTEGER,
        "end" INTEGER
    );
    CREATE INDEX idx_dates_article ON dates(article_id);
    CREATE TABLE roles (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        person_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        organisation_id INTEGER REFERENCES entities(id) ON DELETE SET NULL,
        date TEXT
    );
    CREATE INDEX idx_roles_article ON roles(article_id);
    CREATE INDEX idx_roles_person ON roles(person_id);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        type TEXT,
        title TEXT,
        date TEXT,
        date_end TEXT,
        time TEXT,
        place TEXT,
        venue TEXT,
        attendance TEXT
    );
    CREATE INDEX idx_events_article ON events(article_id);
    CREATE INDEX idx_events_date ON events(date);
    CREATE TABLE event_participants (
        event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('organiser', 'participant')),
        PRIMARY KEY (event_id, entity_id, kind)
    );
    CREATE INDEX idx_event_participants_entity ON event_participants(entity_id);
    CREATE TABLE article_fields (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (article_id, field)
    );
    CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, tokenize = 'unicode61 remove_diacritics 2');
    """,
    # 2: evidence sentences for fields, the places register link, user corrections, audit log
    """
    CREATE TABLE field_evidence (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        sentence TEXT NOT NULL,
        start INTEGER,
        "end" INTEGER
    );
    CREATE INDEX idx_field_evidence_article ON field_evidence(article_id);
    ALTER TABLE entities ADD COLUMN ags TEXT;
    ALTER TABLE events ADD COLUMN place_ags TEXT;
    CREATE TABLE entity_corrections (
        id INTEGER PRIMARY KEY,
        action TEXT NOT NULL CHECK (action IN ('merge', 'rename', 'split', 'forget')),
        label TEXT,
        name TEXT NOT NULL,
        target TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def current_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the file up to `target`; returns the version it had before."""
    before = current_version(conn)
    if before > SCHEMA_VERSION:
        raise RuntimeError(
            f"schema version {before} is newer than this presse_mining ({SCHEMA_VERSION}): upgrade presse_mining"
        )
    for number in range(before, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return before


def _statements(script: str) -> list[str]:
    # sqlite3.complete_statement keeps CREATE TRIGGER bodies with inner semicolons whole
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
