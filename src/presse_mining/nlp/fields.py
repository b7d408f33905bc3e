"""Fields of action (Handlungsfelder) for a processed Doc.

The trained classifier lives in models/; without one, no field is assigned
(an honest empty answer rather than a guess).
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def load_classifier():
    try:
        from .fieldclf import FieldClassifier
    except ModuleNotFoundError:
        return None
    return FieldClassifier.load_default()
