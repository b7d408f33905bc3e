"""The one place where the NLP pipeline is assembled.

`load_nlp()` opens the trained German pipeline shipped in models/ (one
`spacy.load`), or, where none is there, a blank German pipeline; then adds the
presse_mining components that the loaded pipeline lacks. Every stage after this
sees only `analyze(text, published)` and its plain-dict result.
"""
from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from . import components  # noqa: F401  (registers the @Language.factory components)

log = logging.getLogger(__name__)

MODEL_NAME = "de_presse"
# Components added after loading when a pipeline lacks them, in this order.
RULE_COMPONENTS = ["presse_entities", "presse_dates", "presse_roles", "presse_events"]
# Trained components no stage reads: not loaded. The lookup lemmatizer's table took a
# second of every worker's start, and no result uses token.lemma_ (identity.py reads
# the same lemma table itself, as a plain dict).
UNUSED_COMPONENTS = ["lemmatizer"]


def default_model_path() -> Path:
    configured = os.environ.get("PRESSE_MODEL")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "models" / MODEL_NAME


@lru_cache(maxsize=4)
def load_nlp(model: str | None = None) -> Language:
    path = Path(model) if model else default_model_path()
    if path.exists():
        nlp = spacy.load(path, exclude=UNUSED_COMPONENTS)
    else:
        log.warning("no trained pipeline at %s: using a blank German pipeline (no statistical NER)", path)
        nlp = spacy.blank("de")
    if not any(nlp.has_pipe(name) for name in ("parser", "senter", "sentencizer")):
        nlp.add_pipe("sentencizer", first=True)
    for name in RULE_COMPONENTS:
        if name in components.available() and not nlp.has_pipe(name):
            nlp.add_pipe(name)
    return nlp
