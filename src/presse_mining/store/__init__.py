"""The SQLite store (sqlite-utils): schema, migrations, German full-text search."""
from .db import DEFAULT_DB, Store, default_path
from .schema import SCHEMA_VERSION

__all__ = ["DEFAULT_DB", "SCHEMA_VERSION", "Store", "default_path"]
