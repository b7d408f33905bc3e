"""A processed Doc → the stable plain-dict result of `presse_mining.extract`.

docs/output.md documents the format; the store writes exactly this.
"""
from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc

from . import identity

for _attr in ("dates", "roles", "events"):
    if not Doc.has_extension(_attr):
        Doc.set_extension(_attr, default=None)
if not Doc.has_extension("published"):
    Doc.set_extension("published", default=None)


def doc_result(doc: Doc) -> dict:
    sentence_starts = [sent.start for sent in doc.sents]  # the sentence of a token by bisection, not per token
    canonical = identity.resolve(doc)  # one identity per person/organisation in the text
    entities = [
        {
            "text": ent.text,
            "label": ent.label_,
            "start": ent.start_char,
            "end": ent.end_char,
            "canonical": canonical.get((ent.start_char, ent.end_char)) or ent.text,
            "sentence": bisect_right(sentence_starts, ent.start) - 1,
        }
        for ent in doc.ents
        if ent.label_ in ("PER", "ORG", "LOC", "MISC")
    ]
    return {
        "entities": entities,
        "dates": list(doc._.dates or []),
        "roles": list(doc._.roles or []),
        "events": list(doc._.events or []),
    }
