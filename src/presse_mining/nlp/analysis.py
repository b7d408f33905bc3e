"""Run the pipeline over texts: one result dict per text (docs/output.md)."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from spacy.language import Language

from . import docview
from . import fields as fields_stage
from .extract import doc_result
from .pipeline import load_nlp

log = logging.getLogger(__name__)


def analyze(text: str, published: str | None = None, nlp: Language | None = None) -> dict:
    return next(analyze_many([(text, published)], nlp=nlp))


def analyze_many(
    items: Iterable[tuple[str, str | None]], nlp: Language | None = None, batch_size: int = 32
) -> Iterator[dict]:
    """(text, published) pairs → result dicts, in order, streaming."""
    nlp = nlp or load_nlp()
    classifier = fields_stage.load_classifier()

    def docs_in() -> Iterator:
        for text, published in items:
            doc = nlp.make_doc(text)
            doc._.published = published
            docview.set_text(doc, text)  # the components read the text often; doc.text rebuilds it each time
            yield doc

    for doc in nlp.pipe(docs_in(), batch_size=batch_size):
        result = {"published": doc._.published}
        result.update(doc_result(doc))
        result["fields"] = classifier.classify(doc) if classifier else []
        yield result
