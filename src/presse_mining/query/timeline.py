"""`presse-mining timeline NAME`: a person's or organisation's events, roles and articles in time order."""
from __future__ import annotations

from ..store import queries
from .who_met import resolve_entity

COLUMNS = ["date", "what", "detail", "place", "kind", "article_id"]


def timeline(store, name: str) -> tuple[list[dict], list[dict]]:
    entities = resolve_entity(store, name)
    return entities, queries.timeline(store.conn, [e["id"] for e in entities])
