"""`presse-mining who-met NAME`: who took part in the same events, where and when."""
from __future__ import annotations

from ..errors import PresseError
from ..store import queries

COLUMNS = ["name", "label", "kind", "date", "place", "venue", "type", "title", "article_id"]


def resolve_entity(store, name: str, label: str | None = None) -> list[dict]:
    found = queries.find_entities(store.conn, name, label)
    if not found:
        raise PresseError(f"{name}: no such person or organisation in {store.path}")
    exact = [row for row in found if row["name"].lower() == name.lower()]
    return exact or found


def who_met(store, name: str) -> tuple[list[dict], list[dict]]:
    """(the entities NAME stands for, the rows: one per other participant and shared event)."""
    entities = resolve_entity(store, name)
    return entities, queries.who_met(store.conn, [e["id"] for e in entities])
