"""Surface clean-up of entity names (quotes, leading article); base forms are in nlp.identity."""
from __future__ import annotations

import re

_LEADING = re.compile(r"^(?:der|die|das|des|dem|den|im|in|am|vom|zum|zur|beim)\s+", re.IGNORECASE)
_QUOTES = "„“”\"'‚‘’«»"


def normalise_surface(text: str) -> str:
    text = " ".join(text.split()).strip(_QUOTES + " .,;:")
    return _LEADING.sub("", text)
