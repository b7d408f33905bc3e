"""Registry of presse_mining's spaCy components.

Each component module registers itself with `@Language.factory`; importing it
here makes the factories known to `spacy.load`. A module that is not there yet
(a later stage) is simply not available.
"""
from __future__ import annotations

import importlib

_MODULES = {
    "presse_entities": "presse_mining.nlp.entity_rules",
    "presse_dates": "presse_mining.nlp.temporal",
    "presse_roles": "presse_mining.nlp.roles",
    "presse_events": "presse_mining.nlp.events",
    "presse_lemmatizer": "presse_mining.nlp.lemmatizer",
}
_available: set[str] = set()

for _name, _module in _MODULES.items():
    try:
        importlib.import_module(_module)
    except ModuleNotFoundError as error:
        if error.name != _module:
            raise
    else:
        _available.add(_name)


def available() -> set[str]:
    return set(_available)
