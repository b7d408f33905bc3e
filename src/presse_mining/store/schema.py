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
    # 3: the crawler: per-URL state (the frontier), crawl runs, raw pages, near-duplicate links
    """
    ALTER TABLE articles ADD COLUMN duplicate_of INTEGER REFERENCES articles(id) ON DELETE SET NULL;
    CREATE INDEX idx_articles_duplicate_of ON articles(duplicate_of);
    CREATE TABLE crawl_runs (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE INDEX idx_crawl_runs_source ON crawl_runs(source);
    CREATE TABLE crawl_urls (
        url TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        title TEXT,
        published TEXT,
        discovered_at TEXT NOT NULL,
        fetched_at TEXT,
        run_id INTEGER,
        http_status INTEGER,
        etag TEXT,
        last_modified TEXT,
        article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
        error TEXT
    );
    CREATE INDEX idx_crawl_urls_source ON crawl_urls(source, status);
    CREATE TABLE raw_pages (
        url TEXT PRIMARY KEY,
        fetched_at TEXT NOT NULL,
        content_type TEXT,
        body BLOB NOT NULL
    );
    CREATE TABLE article_signatures (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        minhash BLOB NOT NULL
    );
    """,
    # 4: browsing: reference tables for places and Handlungsfelder (filled by store.browse),
    # views for Datasette, the exports and the report, and indexes their queries need
    """
    CREATE TABLE places (
        ags TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        level TEXT,
        kind TEXT,
        kreis TEXT,
        land TEXT,
        lat REAL,
        lon REAL
    );
    CREATE INDEX idx_places_kreis ON places(kreis);
    CREATE TABLE handlungsfelder (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        definition TEXT
    );
    CREATE INDEX idx_events_place_ags ON events(place_ags);
    CREATE INDEX idx_article_fields_field ON article_fields(field);
    CREATE INDEX idx_roles_organisation ON roles(organisation_id);
    CREATE INDEX idx_entities_ags ON entities(ags);
    CREATE VIEW event_overview AS
    SELECT
        e.id AS id,
        e.date AS date,
        CASE WHEN e.date GLOB '[0-9][0-9][0-9][0-9]*' THEN substr(e.date, 1, 4)
             WHEN a.published GLOB '[0-9][0-9][0-9][0-9]*' THEN substr(a.published, 1, 4) END AS year,
        coalesce(e.place, p.name) AS place,
        p.kreis AS kreis,
        p.land AS land,
        e.type AS type,
        e.title AS title,
        e.venue AS venue,
        (SELECT group_concat(n.name, '; ') FROM event_participants ep JOIN entities n ON n.id = ep.entity_id
          WHERE ep.event_id = e.id AND n.label = 'PER') AS persons,
        (SELECT group_concat(name, '; ') FROM (SELECT DISTINCT n.name AS name FROM event_participants ep
          JOIN entities n ON n.id = ep.entity_id WHERE ep.event_id = e.id AND n.label = 'ORG')) AS organisations,
        (SELECT json_group_array(name) FROM (SELECT coalesce(h.name, f.field) AS name FROM article_fields f
          LEFT JOIN handlungsfelder h ON h.id = f.field WHERE f.article_id = e.article_id ORDER BY f.score DESC)) AS fields,
        e.article_id AS article_id,
        a.url AS url
    FROM events e
    JOIN articles a ON a.id = e.article_id
    LEFT JOIN places p ON p.ags = e.place_ags;
    CREATE VIEW event_map AS
    SELECT
        e.id AS id,
        e.date AS date,
        e.type AS type,
        e.title AS title,
        coalesce(e.place, p.name) AS place,
        p.kreis AS kreis,
        p.lat AS latitude,
        p.lon AS longitude,
        e.article_id AS article_id
    FROM events e
    JOIN places p ON p.ags = e.place_ags
    WHERE p.lat IS NOT NULL;
    CREATE VIEW article_kreis AS
    SELECT DISTINCT e.article_id AS article_id, p.kreis AS kreis, p.land AS land
    FROM events e JOIN places p ON p.ags = e.place_ags
    WHERE p.kreis IS NOT NULL AND p.kreis != '';
    """,
    # 5: identity corrections scoped to one article (entities split), lookups by name
    """
    ALTER TABLE entity_corrections ADD COLUMN article_id INTEGER REFERENCES articles(id) ON DELETE CASCADE;
    CREATE INDEX idx_entity_corrections_name ON entity_corrections(name);
    CREATE INDEX idx_entities_name ON entities(name);
    CREATE INDEX idx_events_place ON events(place);
    """,
    # 6: browsing at scale: event_overview, article_kreis and fields_by_kreis_year are tables that
    # store.browse.refresh_browse_tables fills from events (the views were too slow
    # to facet on 100,000 articles); event_map reads event_overview
    """
    DROP VIEW event_overview;
    DROP VIEW event_map;
    DROP VIEW article_kreis;
    CREATE TABLE event_overview (
        id INTEGER PRIMARY KEY,
        date TEXT,
        year TEXT,
        place TEXT,
        kreis TEXT,
        land TEXT,
        type TEXT,
        title TEXT,
        venue TEXT,
        persons TEXT,
        organisations TEXT,
        field TEXT,
        fields TEXT,
        article_id INTEGER REFERENCES articles(id) ON DELETE CASCADE,
        url TEXT,
        lat REAL,
        lon REAL
    );
    CREATE INDEX idx_event_overview_date ON event_overview(date);
    CREATE INDEX idx_event_overview_kreis ON event_overview(kreis);
    CREATE INDEX idx_event_overview_type ON event_overview(type);
    CREATE INDEX idx_event_overview_year ON event_overview(year);
    CREATE INDEX idx_event_overview_field ON event_overview(field);
    CREATE INDEX idx_event_overview_article ON event_overview(article_id);
    CREATE TABLE article_kreis (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        kreis TEXT NOT NULL,
        land TEXT,
        PRIMARY KEY (article_id, kreis)
    );
    CREATE INDEX idx_article_kreis_kreis ON article_kreis(kreis);
    CREATE VIEW event_map AS
    SELECT id, date, type, title, place, kreis, lat AS latitude, lon AS longitude, article_id
    FROM event_overview WHERE lat IS NOT NULL;
    CREATE TABLE browse_state (
        key TEXT PRIMARY KEY,
        value TEXT
    );
    CREATE INDEX idx_articles_source ON articles(source);
    CREATE TABLE fields_by_kreis_year (
        kreis TEXT NOT NULL,
        year TEXT NOT NULL,
        field TEXT NOT NULL,
        articles INTEGER NOT NULL,
        PRIMARY KEY (kreis, year, field)
    );
    CREATE INDEX idx_roles_person_role ON roles(person_id, role, organisation_id, date, article_id);
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
