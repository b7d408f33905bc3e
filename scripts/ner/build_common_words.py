"""Write the entity rules' lists of names that are also ordinary words.

src/presse_mining/data/common_words.txt: a municipality called Essen, Weil, Burg or
Senden must not be tagged as a place wherever the word occurs. The list is the
intersection of the register's names with (a) the word forms of spacy-lookups-data's
German lemma table, (b) words the training corpora write in lower case, (c) UD German
words tagged other than PROPN, (d) first names and surnames of names_gazetteer_de, and
(e) names the annotated NER corpora mostly use outside any name (`Saal`, `Brunnen`).

src/presse_mining/data/first_name_words.txt: first names of data/first_names.tsv that
the annotated NER corpora mostly use otherwise (`Art`, `Roman`, `Mai`, `The`, `San`, `Paris`):
they do not start a person name in the rules.

    python scripts/ner/build_common_words.py
"""
from __future__ import annotations

import csv
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

import spacy_lookups_data

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "ner"))
from prepare_data import MAPS, corpora, map_tags, read_columns  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
PLACES = ROOT / "src" / "presse_mining" / "data" / "places.tsv"
OUT = ROOT / "src" / "presse_mining" / "data" / "common_words.txt"
FIRST_NAME_WORDS = ROOT / "src" / "presse_mining" / "data" / "first_name_words.txt"
FIRST_NAMES = ROOT / "src" / "presse_mining" / "data" / "first_names.tsv"
# a word is "mostly used otherwise" when the corpora have it at least MIN_USES times
# and under MAX_SHARE of those uses are the reading the rules want (a name, a place)
MIN_USES, MAX_SHARE = 3, 0.2


def corpus_uses() -> tuple[Counter, Counter, Counter]:
    """Per word form: uses starting a person name, uses inside any entity, all uses."""
    person_start, in_entity, total = Counter(), Counter(), Counter()
    for _, source, path, word_col, tag_col, iob1 in corpora():
        for sentence in read_columns(path, word_col, tag_col):
            tags = map_tags([t for _, t in sentence], MAPS[source], iob1=iob1)
            for (word, _), tag in zip(sentence, tags):
                if tag == "-":   # masked: no evidence either way
                    continue
                total[word] += 1
                if tag != "O":   # inside any name: `Burg Münzenberg` and `SC Verl` still name something
                    in_entity[word] += 1
                if tag == "B-PER":
                    person_start[word] += 1
    return person_start, in_entity, total


def mostly_otherwise(word: str, wanted: Counter, total: Counter) -> bool:
    return total[word] >= MIN_USES and wanted[word] < MAX_SHARE * total[word]


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
    person_start, in_entity, total = corpus_uses()
    words |= {n.lower() for n in names if mostly_otherwise(n, in_entity, total)}
    ambiguous = sorted(n.lower() for n in names if n.lower() in words)
    OUT.write_text("# Place names that are also ordinary German words or personal names (scripts/ner/build_common_words.py)\n"
                   + "\n".join(ambiguous) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(ambiguous)} of {len(names)} names are ambiguous")
    with FIRST_NAMES.open(encoding="utf-8") as handle:
        first = [row["name"] for row in csv.DictReader((l for l in handle if not l.startswith("#")), delimiter="\t")]
    otherwise = sorted(n for n in first if mostly_otherwise(n, person_start, total))
    FIRST_NAME_WORDS.write_text(
        "# First names the annotated NER corpora mostly use otherwise: at least "
        f"{MIN_USES} uses, under {MAX_SHARE:.0%} of them starting a person name (scripts/ner/build_common_words.py)\n"
        + "\n".join(otherwise) + "\n", encoding="utf-8")
    print(f"wrote {FIRST_NAME_WORDS}: {len(otherwise)} of {len(first)} first names are mostly other words")


if __name__ == "__main__":
    main()
