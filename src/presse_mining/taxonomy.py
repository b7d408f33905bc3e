"""The Handlungsfelder (fields of action): ids, names, definitions, cues.

One source of truth for the classifier, the store and the browsing labels:
`data/handlungsfelder.json`, built from ../shared/taxonomy/handlungsfelder.md
by scripts/build_taxonomy.py.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Handlungsfeld:
    id: str
    name: str
    definition: str
    cues: tuple[str, ...]


@lru_cache(maxsize=1)
def fields() -> tuple[Handlungsfeld, ...]:
    """All fields in the taxonomy's order."""
    raw = resources.files("presse_mining").joinpath("data/handlungsfelder.json").read_text(encoding="utf-8")
    return tuple(
        Handlungsfeld(f["id"], f["name"], f["definition"], tuple(f["cues"])) for f in json.loads(raw)["fields"]
    )


def field_ids() -> list[str]:
    return [f.id for f in fields()]


def by_id(field_id: str) -> Handlungsfeld:
    for field in fields():
        if field.id == field_id:
            return field
    raise KeyError(field_id)


def label(field_id: str) -> str:
    """The display name of a field id ('sport' → 'Sport'); unknown ids stay as they are."""
    try:
        return by_id(field_id).name
    except KeyError:
        return field_id
