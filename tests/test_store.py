"""The SQLite store: schema, migrations, German full-text search, failure modes."""
from __future__ import annotations

import sqlite3

import pytest

from presse_mining.articles import Article
from presse_mining.cli import cli
from presse_mining.errors import StoreError
from presse_mining.store import SCHEMA_VERSION, Store
from presse_mining.store import schema


def test_new_store_has_schema_wal_and_foreign_keys(db_path):
    with Store(db_path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        tables = set(store.db.table_names())
    for table in ("articles", "entities", "mentions", "dates", "roles", "events", "event_participants", "article_fields"):
        assert table in tables


def test_older_file_is_migrated_in_place_keeping_data(db_path):
    conn = sqlite3.connect(db_path, isolation_level=None)
    schema.migrate(conn, target=1)  # a database written by the first release
    conn.execute("INSERT INTO articles (id, title, text, content_hash) VALUES (1, 'Alt', 'Ein alter Text.', 'x')")
    conn.execute("INSERT INTO entities (label, name) VALUES ('PER', 'Serap Güler')")
    conn.close()
    with Store(db_path) as store:
        assert store.before_version == 1
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("SELECT title FROM articles").fetchone()[0] == "Alt"
        columns = {c.name for c in store.db["entities"].columns}
        assert "ags" in columns  # added by migration 2
        assert "field_evidence" in store.db.table_names()


def test_newer_schema_is_refused(db_path):
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this presse_mining"):
        Store(db_path)


@pytest.mark.parametrize("query,expected", [
    ("Kreissportbund", "Kreissportbünde Olpe"),
    ("Integrationszentrum", "Integrationszentrums"),
    ("kreissportbünde", "Kreissportbünde Olpe"),
    ("Flüchtling", "Flüchtlingen"),
    ('"Kommunales Integrationszentrum"', "Integrationszentrums"),
])
def test_german_search_finds_inflected_forms(db_path, query, expected):
    with Store(db_path) as store:
        store.save_article(Article(text="Die Kreissportbünde Olpe und Siegen-Wittgenstein luden ein.", title="Sport"))
        store.save_article(Article(text="Die Leiterin des Kommunalen Integrationszentrums sprach.", title="KI"))
        store.save_article(Article(text="Hilfe für Flüchtlingen in der Stadt.", title="Hilfe"))
        store.save_article(Article(text="Der Weihnachtsmarkt öffnet am Freitag.", title="Markt"))
        hits = store.search(query)
        texts = [store.conn.execute("SELECT text FROM articles WHERE id = ?", [h["id"]]).fetchone()[0] for h in hits]
    assert len(hits) == 1 and expected in texts[0]


def test_search_with_odd_characters_does_not_fail(db_path):
    with Store(db_path) as store:
        store.save_article(Article(text="Integration in Hemer.", title="Hemer"))
        assert store.search('AND OR "( NEAR *') == []
        assert len(store.search("Hemer*")) == 1


def test_corrupt_database_is_one_line_error(runner, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database at all" * 100)
    result = runner.invoke(cli, ["stats", "--db", str(bad)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {bad}: not a presse_mining database, or the file is corrupt"
    assert bad.read_bytes().startswith(b"this is not a database")  # untouched


def test_locked_database_is_one_line_error_and_nothing_lost(runner, seeds, db_path):
    assert runner.invoke(cli, ["import", "--db", str(db_path), str(seeds)]).exit_code == 0
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        import presse_mining.store.db as dbmod
        original = dbmod.sqlite3.connect

        def quick(*args, **kwargs):  # do not wait the full busy timeout in a test
            kwargs["timeout"] = 0.2
            return original(*args, **kwargs)

        dbmod.sqlite3.connect = quick
        try:
            result = runner.invoke(cli, ["import", "--db", str(db_path), str(seeds)])
        finally:
            dbmod.sqlite3.connect = original
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert result.exit_code == 1
    assert "database is locked" in result.output and "Traceback" not in result.output
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5


def test_missing_database_for_reading_commands(runner, tmp_path):
    result = runner.invoke(cli, ["search", "--db", str(tmp_path / "nope.db"), "x"])
    assert result.exit_code == 1 and "no such database" in result.output
    assert not (tmp_path / "nope.db").exists()
