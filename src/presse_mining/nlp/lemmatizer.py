"""A lookup lemmatizer whose table stays in spacy-lookups-data instead of in the model folder.

spaCy's `lemmatizer` writes its lookup table (7 MB for German) into every saved
pipeline. The table is spacy-lookups-data's `de_lemma_lookup`, an installed
dependency, so `presse_lemmatizer` saves nothing and reads the table from there
the first time a Doc needs lemmas: the model folder stays under 30 MB, and a
pipeline that never asks for lemmas (`analyze` excludes the component) never
loads the table.
"""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc
from spacy.util import SimpleFrozenList


class LookupsDataLemmatizer(Lemmatizer):
    def __call__(self, doc: Doc) -> Doc:
        if not self._validated:
            self.initialize()   # loads the tables from spacy-lookups-data
        return super().__call__(doc)

    def to_disk(self, path, *, exclude=SimpleFrozenList()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)   # nothing to write: the table is a dependency's

    def from_disk(self, path, *, exclude=SimpleFrozenList()) -> "LookupsDataLemmatizer":
        return self

    def to_bytes(self, *, exclude=SimpleFrozenList()) -> bytes:
        return b""

    def from_bytes(self, bytes_data: bytes, *, exclude=SimpleFrozenList()) -> "LookupsDataLemmatizer":
        return self


@Language.factory("presse_lemmatizer", default_config={"mode": "lookup", "overwrite": False})
def create_lemmatizer(nlp: Language, name: str, mode: str, overwrite: bool) -> LookupsDataLemmatizer:
    return LookupsDataLemmatizer(nlp.vocab, None, name, mode=mode, overwrite=overwrite)
