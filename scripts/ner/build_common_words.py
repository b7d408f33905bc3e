"""Write src/presse_mining/data/common_words.txt: place names that are also ordinary words.

A municipality called Essen, Weil, Halle or Senden must not be tagged as a place
wherever the word occurs. The list is the intersection of the register's names with
(a) the word forms of spacy-lookups-data's German lemma table, (b) words the training
corpora write in lower case, (c) UD German words tagged other than PROPN, and
(d) first names and surnames of names_gazetteer_de.

    python scripts/ner/build_common_words.py
"""
from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import spacy_lookups_data

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
PLACES = ROOT / "src" / "presse_mining" / "data" / "places.tsv"
OUT = ROOT / "src" / "presse_mining" / "data" / "common_words.txt"


def main() -> None:
    with PLACES.open(encoding="utf-8") as handle:
        names = {row["name"] for row in csv.DictReader(handle, delimiter="\t") if row["level"] in ("gemeinde", "kreis")}
    lemma_path = Path(spacy_lookups_data.__file__).parent / "data" / "de_lemma_lookup.json.gz"
    words = {w.lower() for w in json.load(gzip.open(lemma_path))}
    for path in (DATA / "smartdata_de" / "smartdata_v1_train_minus_v3devtest.conll", DATA / "europarl_ner_de" / "train.tsv",
                 DATA / "mobie_de" / "train.conll2003"):
        for line in path.open(encoding="utf-8"):
            token = line.split("\t", 1)[0].strip()
            if token[:1].islower():
                words.add(token)
    for path in (DATA / "ud_german_gsd" / "de_gsd-ud-dev.conllu", DATA / "ud_german_gsd" / "de_gsd-ud-test.conllu",
                 DATA / "ud_german_pud" / "de_pud-ud-test.conllu"):
        for line in path.open(encoding="utf-8"):
            cols = line.split("\t")
            if len(cols) > 3 and cols[3] not in ("PROPN", "X", "PUNCT", "NUM"):
                words.add(cols[1].lower())
    gazetteer = DATA / "names_gazetteer_de"
    for name in ("first_names_female_faker.tsv", "first_names_male_faker.tsv", "last_names_faker.tsv"):
        for line in (gazetteer / name).open(encoding="utf-8"):
            words.add(line.split("\t", 1)[0].strip().lower())
    ambiguous = sorted(n.lower() for n in names if n.lower() in words)
    OUT.write_text("# Place names that are also ordinary German words or personal names (scripts/ner/build_common_words.py)\n"
                   + "\n".join(ambiguous) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(ambiguous)} of {len(names)} names are ambiguous")


if __name__ == "__main__":
    main()
