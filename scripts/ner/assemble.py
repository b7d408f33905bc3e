"""Package a trained NER pipeline as models/de_presse: add the rule components, set meta.

    python scripts/ner/assemble.py training/ner/model/model-best models/de_presse
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
import presse_mining.nlp.components  # noqa: E402,F401


def main(trained: str, target: str) -> None:
    nlp = spacy.load(trained)
    if not nlp.has_pipe("presse_entities"):
        nlp.add_pipe("presse_entities", after="ner")
    if nlp.has_pipe("lemmatizer") and nlp.get_pipe_meta("lemmatizer").factory == "lemmatizer":
        # the same lookup table, read from spacy-lookups-data instead of copied into the model (7 MB)
        nlp.replace_pipe("lemmatizer", "presse_lemmatizer")
    nlp.meta.update({
        "name": "presse",
        "version": "0.1.0",
        "description": "German NER (PER, ORG, LOC, MISC) for regional press and municipal press releases, "
                       "with place and institution rules; presse_mining.",
        "author": "presse_mining",
        "license": "CC BY-SA 4.0 (trained on CC BY / CC BY-SA data, see README.md)",
        "sources": [
            {"name": "GermEval 2014 (dev only)", "license": "CC BY 4.0"},
            {"name": "WikiANN / PAN-X de", "license": "CC BY-SA (Wikipedia)"},
            {"name": "SmartData corpus", "license": "CC BY 4.0"},
            {"name": "MobIE", "license": "CC BY 4.0"},
            {"name": "Europarl NER (German)", "license": "research resource, no licence stated"},
            {"name": "ZEFYS historic Berlin newspapers (NER)", "license": "CC BY 4.0"},
            {"name": "German web pages of trafilatura's test sets, machine-labelled (self-training)",
             "license": "Apache-2.0 repository; the pages' text is not shipped"},
            {"name": "presse_mining in-domain annotations of corpus-dev", "license": "stand-off, project"},
            {"name": "Destatis Gemeindeverzeichnis", "license": "dl-de/by-2.0"},
        ],
    })
    # Every feature the model reads is a hash of the token's text, so the strings of all
    # training words (259,000 with the machine-labelled pages: 4.4 MB) are dead weight;
    # a Doc adds its own strings as it is made. Only the labels are kept (`_reset_and_load` is
    # what spaCy's own StringStore.from_disk calls; GermEval output is identical with and without).
    labels = sorted({label for _, pipe in nlp.pipeline for label in getattr(pipe, "labels", ()) or ()})
    nlp.vocab.strings._reset_and_load(labels)
    out = Path(target)
    card = out / "README.md"
    kept = card.read_text(encoding="utf-8") if card.exists() else None
    if out.exists():
        shutil.rmtree(out)
    nlp.to_disk(out)
    if kept:
        card.write_text(kept, encoding="utf-8")
    print(f"wrote {out}: {nlp.pipe_names}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
