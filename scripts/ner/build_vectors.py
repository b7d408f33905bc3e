"""Build lexical "static vectors" for the NER: Brown clusters, word frequency and name lists.

There are no German word vectors offline and too little German text to train good ones. But
spacy-lookups-data (MIT) ships, for 1M German word forms, the Brown cluster and the log
probability spaCy v2 computed on a large German corpus: distributional knowledge (`Müller`,
`Merkel`, `Bush` share a cluster; `Literatur` sits with common nouns). We turn them into a
spaCy vectors table the tok2vec reads through `include_static_vectors`:

- one-hot of the word's Brown-cluster path prefixes (lengths 2, 4, 6, 8, 10, 12 and whole),
  so related clusters share most of their features;
- one-hot of its frequency band (log probability);
- flags from our name lists: first name, surname, municipality (Destatis), organisation word.

Each feature gets a fixed random vector and a word's row is the sum of its features' vectors (a
random projection of the one-hot features: 1,200 of them into --dims). Many words share a row
(rows are distinct feature combinations), so the table stays small.

    python scripts/ner/build_vectors.py [--out training/vectors] [--max-words 200000]
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
from pathlib import Path

import numpy
import spacy
import spacy_lookups_data
from spacy.vectors import Vectors

ROOT = Path(__file__).resolve().parents[2]
NAMES = ROOT.parent / "shared" / "data" / "names_gazetteer_de"
PLACES = ROOT / "src" / "presse_mining" / "data" / "places.tsv"
PREFIX_LENGTHS = (2, 4, 6, 8, 10, 12)
FREQUENCY_BANDS = (-8.0, -10.0, -12.0, -14.0, -16.0)  # log probability thresholds
FLAGS = ("first_name", "surname", "municipality", "org_word")


def lookups_table(name: str) -> dict:
    path = Path(os.path.dirname(spacy_lookups_data.__file__)) / "data" / f"de_{name}.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def tsv_column(path: Path, column: str) -> set[str]:
    with path.open(encoding="utf-8") as handle:
        return {row[column].strip() for row in csv.DictReader(handle, delimiter="\t") if row[column].strip()}


def name_flags() -> dict[str, set[str]]:
    first = tsv_column(NAMES / "first_names_open_data_cities.tsv", "vorname")
    first |= tsv_column(NAMES / "first_names_female_faker.tsv", "name")
    first |= tsv_column(NAMES / "first_names_male_faker.tsv", "name")
    places = set()
    for name in tsv_column(PLACES, "name"):
        places.update(part for part in name.replace("/", " ").split() if part[:1].isupper())
    return {
        "first_name": {n for n in first if n[:1].isupper() and " " not in n},
        "surname": tsv_column(NAMES / "last_names_faker.tsv", "name"),
        "municipality": places,
        "org_word": tsv_column(NAMES / "org_type_words_selfcompiled.tsv", "word"),
    }


def path_prefixes(cluster: int) -> list[str]:
    if not cluster:
        return []
    path = bin(cluster)[3:]  # the leading 1 only marks the start of the path
    return [f"{n}:{path[:n]}" for n in PREFIX_LENGTHS if n < len(path)] + [f"path:{path}"]


def band(logprob: float | None) -> str:
    if logprob is None:
        return "band:none"
    for i, threshold in enumerate(FREQUENCY_BANDS):
        if logprob > threshold:
            return f"band:{i}"
    return f"band:{len(FREQUENCY_BANDS)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "training" / "vectors")
    parser.add_argument("--max-words", type=int, default=1_000_000, help="most frequent clustered words kept (default: all)")
    parser.add_argument("--dims", type=int, default=64)
    args = parser.parse_args()

    clusters, probs = lookups_table("lexeme_cluster"), lookups_table("lexeme_prob")
    clustered = sorted((w for w, c in clusters.items() if c), key=lambda w: -probs.get(w, -20.0))
    words = set(clustered[: args.max_words])
    flags = name_flags()
    for members in flags.values():
        words |= members

    features_of = {}
    for word in sorted(words):   # a fixed order: the same files on every run
        feats = path_prefixes(clusters.get(word, 0)) + [band(probs.get(word))]
        feats += [flag for flag in FLAGS if word in flags[flag]]
        features_of[word] = tuple(feats)
    columns = sorted({f for feats in features_of.values() for f in feats})
    column = {f: i for i, f in enumerate(columns)}
    rows = sorted(set(features_of.values()))
    row_of = {feats: i for i, feats in enumerate(rows)}
    projection = numpy.random.default_rng(0).standard_normal((len(columns), args.dims)).astype("float32")
    projection /= numpy.sqrt(args.dims)
    table = numpy.zeros((len(rows), args.dims), dtype="float32")
    for feats, i in row_of.items():
        table[i] = projection[[column[f] for f in feats]].sum(axis=0)

    nlp = spacy.blank("de")
    vectors = Vectors(strings=nlp.vocab.strings, data=table)
    for word, feats in features_of.items():
        vectors.add(word, row=row_of[feats])
    nlp.vocab.vectors = vectors
    args.out.parent.mkdir(parents=True, exist_ok=True)   # a fresh clone has no training/ yet
    nlp.to_disk(args.out)
    print(json.dumps({"words": len(features_of), "rows": len(rows), "features": len(columns),
                      "flags": {k: len(v) for k, v in flags.items()}}))


if __name__ == "__main__":
    main()
