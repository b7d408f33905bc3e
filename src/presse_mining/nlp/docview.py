"""Cheap views of a Doc for the rule components (roles, events, identity, dates).

Every `Token` or `doc.text` a component asks spaCy for is built in Python on
demand (`doc.text` joins all tokens anew each time), and per-token Python loops
were most of the rule components' cost. These helpers compute each view once:

* `text(doc)`: the text, cached on the Doc (analysis.py sets it from the input);
* `positions(doc, wanted)`: the indices of the tokens whose text passes a test,
  asking the test once per distinct word, and remembering its answers across Docs;
* `Sentences(doc)`: the sentence of a token, and the entities inside a sentence,
  without `Token.sent` / `Span.ents` rebuilding spans for every question.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable

import numpy as np
from spacy.attrs import ORTH
from spacy.tokens import Doc, Span

_TEXT = "presse_text"


def text(doc: Doc) -> str:
    """`doc.text`, computed once per Doc (a Doc's text never changes)."""
    cached = doc.user_data.get(_TEXT)
    if cached is None:
        cached = doc.user_data[_TEXT] = doc.text
    return cached


def set_text(doc: Doc, value: str) -> None:
    """Record the text a Doc was made from (make_doc keeps it verbatim): saves the join."""
    doc.user_data[_TEXT] = value


# Every test ever asked gets a bit. A word id's answers to all tests are computed together and
# remembered across Docs (words recur from text to text), and a Doc keeps its tokens' answers as
# one array: a question is then one AND over the tokens. Asking each test per distinct word of
# every Doc was a tenth of the rule components' time.
_TESTS: dict[Callable, int] = {}    # test → its bit
_MASKS: dict[int, int] = {}         # word id → its answers to all tests, as bits
_MAX_MASKS = 200_000                # bounded memory on an endless stream of new words
_TOKEN_MASKS = "presse_token_masks"


def _bit(wanted: Callable[[str], object]) -> int:
    bit = _TESTS.get(wanted)
    if bit is None:
        if len(_TESTS) >= 62:
            raise ValueError("docview.positions: more than 62 distinct tests")
        bit = _TESTS[wanted] = 1 << len(_TESTS)
        _MASKS.clear()   # the answers remembered so far lack the new test
    return bit


def _token_masks(doc: Doc) -> np.ndarray:
    """Per token, the bits of the tests its word passes (computed once per Doc and set of tests)."""
    cached = doc.user_data.get(_TOKEN_MASKS)
    if cached is not None and cached[0] == len(doc) and cached[1] == len(_TESTS):
        return cached[2]
    unique, word_of_token = np.unique(doc.to_array(ORTH), return_inverse=True)
    orths = unique.tolist()
    if len(_MASKS) > _MAX_MASKS:
        _MASKS.clear()
    masks = list(map(_MASKS.get, orths))
    if None in masks:
        strings = doc.vocab.strings
        for k, orth in enumerate(orths):
            if masks[k] is None:
                word = strings[orth]
                masks[k] = _MASKS[orth] = sum(bit for test, bit in _TESTS.items() if test(word))
    token_masks = np.array(masks, dtype=np.int64)[word_of_token]
    doc.user_data[_TOKEN_MASKS] = (len(doc), len(_TESTS), token_masks)
    return token_masks


def positions(doc: Doc, wanted: Callable[[str], object]) -> list[int]:
    """Indices of the tokens whose text `wanted` accepts, in order. `wanted` must depend on the word
    alone: it is asked once per distinct word and its answers are remembered across Docs."""
    bit = _bit(wanted)
    if not len(doc):
        return []
    return np.flatnonzero(_token_masks(doc) & bit).tolist()


class Sentences:
    """The sentences of a Doc with lookups by token index (Token.sent and Span.ents rebuild spans each call)."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.spans: list[Span] = list(doc.sents)
        self.starts = [s.start for s in self.spans]
        self.by_start = dict(zip(self.starts, self.spans))
        self.ents = doc.ents
        self._ent_starts = [e.start for e in self.ents]

    def of(self, i: int) -> Span:
        """The sentence of token i (as `doc[i].sent`)."""
        return self.spans[bisect_right(self.starts, i) - 1]

    def ents_in(self, sent: Span) -> list[Span]:
        """The entities inside a sentence, as `sent.ents` gives them (stops at one that crosses its end)."""
        out = []
        for k in range(bisect_left(self._ent_starts, sent.start), len(self.ents)):
            ent = self.ents[k]
            if ent.end > sent.end:
                break
            out.append(ent)
        return out
