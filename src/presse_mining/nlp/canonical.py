"""Canonical base forms of entity names (nominative, no article)."""
from __future__ import annotations

import re

_LEADING = re.compile(r"^(?:der|die|das|des|dem|den|im|in|am|vom|zum|zur|beim)\s+", re.IGNORECASE)
_QUOTES = "„“”\"'‚‘’«»"


def canonical_name(span) -> str:
    """The name a mention stands for; refined by the identity stage (nlp.identity)."""
    return normalise_surface(span.text)


def normalise_surface(text: str) -> str:
    text = " ".join(text.split()).strip(_QUOTES + " .,;:")
    return _LEADING.sub("", text)
