"""`presse-mining serve`: Datasette on the store, read-only, with our metadata.

The database is opened immutable (Datasette's `-i`): no connection can write,
and the metadata defines no writable canned query. Before that, one short write
brings the schema up to date and fills the places and Handlungsfelder
reference tables the views join. Bound to localhost; any other address needs a
password (datasette-auth-passwords), so the data is never open to a network.
"""
from __future__ import annotations

import asyncio
import copy
import json
import os
from importlib import resources
from pathlib import Path

from ..errors import InputError
from ..store import Store
from ..store.browse import refresh_browse_tables

DATABASE_NAME = "presse"  # the URL path (/presse/...) the metadata and its links use
PASSWORD_ENV = "PRESSE_SERVE_PASSWORD_HASH"
LOGIN_USER = "presse"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

SETTINGS = {
    "default_page_size": 50,
    "sql_time_limit_ms": 2000,
    "facet_time_limit_ms": 400,
    "allow_download": False,  # the whole file stays on the server; exports are the way out
    "default_cache_ttl": 0,
    # Suggesting facets runs a query per column on every table page: seconds on 100,000
    # articles. The useful facets are configured in metadata.json; others stay one click away.
    "suggest_facets": False,
}


def load_metadata() -> dict:
    text = resources.files("presse_mining.serve").joinpath("metadata.json").read_text(encoding="utf-8")
    return json.loads(text)


def check_host(host: str, password_hash: str | None) -> None:
    """Refuse to open the data to other machines without a password."""
    if host in LOCAL_HOSTS:
        return
    if not password_hash:
        raise InputError(
            f"--host {host} makes the database reachable from other machines: set a password with "
            f"--password-hash HASH or {PASSWORD_ENV} (make one with: datasette hash-password)"
        )
    if not password_hash.startswith("pbkdf2_sha256$"):
        raise InputError("--password-hash: not a password hash (make one with: datasette hash-password)")


def metadata_for(password_hash: str | None) -> dict:
    metadata = copy.deepcopy(load_metadata())
    if password_hash:
        # Everything needs a login as user `presse`; the hash is read from the
        # environment so /-/metadata never shows it.
        os.environ[PASSWORD_ENV] = password_hash
        metadata["allow"] = {"id": LOGIN_USER}
        metadata.setdefault("plugins", {})["datasette-auth-passwords"] = {
            f"{LOGIN_USER}_password_hash": {"$env": PASSWORD_ENV}
        }
        metadata["description"] += f" Anmeldung unter /-/login als Benutzer „{LOGIN_USER}“."
    return metadata


def prepare_database(db_path: str | Path) -> Path:
    """Bring the file to the current schema and fill the reference tables (one short write)."""
    with Store(db_path, create=False) as store:
        refresh_browse_tables(store)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Path(db_path)


def build_datasette(db_path: str | Path, *, password_hash: str | None = None):
    """A Datasette instance over the store, immutable, named `presse`."""
    from datasette.app import Datasette
    from datasette.database import Database

    path = prepare_database(db_path)
    template_dir = resources.files("presse_mining.serve").joinpath("templates")
    datasette = Datasette(
        metadata=metadata_for(password_hash),
        settings=SETTINGS,
        template_dir=str(template_dir) if template_dir.is_dir() and any(template_dir.iterdir()) else None,
    )
    datasette.add_database(Database(datasette, path=str(path), is_mutable=False), name=DATABASE_NAME)
    return datasette


def serve(db_path: str | Path, *, host: str = "127.0.0.1", port: int = 8001, password_hash: str | None = None) -> None:
    """Run Datasette until interrupted."""
    import uvicorn

    check_host(host, password_hash)
    datasette = build_datasette(db_path, password_hash=password_hash)
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1)
