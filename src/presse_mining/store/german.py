"""German full-text search terms: Snowball stems with umlauts folded.

SQLite's porter stemmer is English only. We index and query with the same
function, so "Kreissportbünde" and "Kreissportbund" meet at "kreissportbund".
"""
from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"\w+", re.UNICODE)
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e"})
_stemmer = snowballstemmer.stemmer("german")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    # Snowball folds umlauts in its postlude; fold again for ß and accents.
    return _stemmer.stemWord(word.lower()).translate(_FOLD)


def search_terms(text: str | None) -> str:
    """The text as a space-separated sequence of folded German stems, for the FTS index."""
    if not text:
        return ""
    return " ".join(stem(w) for w in _WORD.findall(text))


def fts_query(query: str) -> str:
    """A user's query as a safe FTS5 MATCH expression over stems (all words must occur).

    A trailing `*` on a word keeps prefix search; quotes make phrases.
    """
    parts = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', query or ""):
        if phrase:
            stems = search_terms(phrase)
            if stems:
                parts.append('"' + stems + '"')
            continue
        prefix = word.endswith("*")
        stems = search_terms(word)
        if not stems:
            continue
        if prefix and " " not in stems:
            parts.append('"' + stems + '"*')
        else:
            parts.append('"' + stems + '"')
    return " ".join(parts) if parts else '""'
