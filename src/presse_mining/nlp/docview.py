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
_WORDS = "presse_words"


def text(doc: Doc) -> str:
    """`doc.text`, computed once per Doc (a Doc's text never changes)."""
    cached = doc.user_data.get(_TEXT)
    if cached is None:
        cached = doc.user_data[_TEXT] = doc.text
    return cached


def set_text(doc: Doc, value: str) -> None:
    """Record the text a Doc was made from (make_doc keeps it verbatim): saves the join."""
    doc.user_data[_TEXT] = value


def _distinct(doc: Doc) -> tuple[list[int], np.ndarray]:
    """(the distinct word ids of a Doc, for each token the index of its id); computed once per Doc."""
    cached = doc.user_data.get(_WORDS)
    if cached is None or cached[0] != len(doc):  # a retokenized Doc is read anew
        unique, inverse = np.unique(doc.to_array(ORTH), return_inverse=True)
        cached = doc.user_data[_WORDS] = (len(doc), unique.tolist(), inverse)
    return cached[1], cached[2]


# Per test, its answer for each word id seen so far: words recur from text to text, and
# asking the test (even an lru_cached one) for every distinct word of every Doc was a
# quarter of the rule components' time.
_ANSWERS: dict[Callable, dict[int, bool]] = {}
_MAX_ANSWERS = 200_000   # per test: bounded memory on an endless stream of new words


def positions(doc: Doc, wanted: Callable[[str], object]) -> list[int]:
    """Indices of the tokens whose text `wanted` accepts, in order. `wanted` must depend on the word
    alone: it is asked once per distinct word and its answers are remembered across Docs."""
    orths, word_of_token = _distinct(doc)
    answers = _ANSWERS.get(wanted)
    if answers is None or len(answers) > _MAX_ANSWERS:
        answers = _ANSWERS[wanted] = {}
    flags = list(map(answers.get, orths))
    if None in flags:
        strings = doc.vocab.strings
        for k, orth in enumerate(orths):
            if flags[k] is None:
                flags[k] = answers[orth] = bool(wanted(strings[orth]))
    if True not in flags:
        return []
    return np.flatnonzero(np.array(flags, dtype=bool)[word_of_token]).tolist()


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
