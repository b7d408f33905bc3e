"""Convert the NER corpora in ../shared/data and our in-domain annotations to spaCy DocBins.

Every source is mapped to one label set, PER ORG LOC MISC. Where a source's label
cannot be mapped with confidence (a traffic route, a job position), its tokens are
marked *missing* rather than O, so the model is neither rewarded nor punished there.
GermEval 2014 test is the benchmark and is never read here.

    python scripts/ner/prepare_data.py [--out training/ner] [--indomain-weight 9]

Writes train.spacy, dev.spacy (held-out in-domain texts) and stats.json.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import sys
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin, Span
from spacy.training import biluo_tags_to_spans, iob_to_biluo

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))
from presse_mining.nlp.tokenizer import create_presse_tokenizer  # noqa: E402

MISSING = "-"
# source label -> our label; MISSING = unsure, mask; anything unlisted -> O
MAPS = {
    "germeval": {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "OTH": "MISC"},  # *deriv/*part -> O (GermEval scores them apart)
    "wikiann": {"PER": "PER", "ORG": "ORG", "LOC": "LOC"},
    "europarl": {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"},
    "smartdata": {
        "PERSON": "PER", "ORGANIZATION": "ORG", "ORGANIZATION_COMPANY": "ORG", "LOCATION": "LOC",
        "LOCATION_CITY": "LOC", "LOCATION_STREET": "LOC", "LOCATION_STOP": "LOC",
        "LOCATION_ROUTE": MISSING, "ORG_POSITION": MISSING,
    },
    "mobie": {
        "person": "PER", "organization": "ORG", "organization-company": "ORG", "location": "LOC",
        "location-city": "LOC", "location-street": "LOC", "location-stop": "LOC",
        "location-route": MISSING, "org-position": MISSING,
    },
    "zefys": {"PER": "PER", "ORG": "ORG", "LOC": "LOC"},
    "europeana": {"PER": "PER", "ORG": "ORG", "LOC": "LOC"},
}
# Sources that tag place derivations (`deutschen`, `Berliner`) and directions as LOC.
PLACE_DERIVATIONS_AS_LOC = {"wikiann", "smartdata", "mobie", "zefys", "europeana"}
# Sources without a MISC class: their O tokens may hide MISC names.
NO_MISC = {"wikiann", "smartdata", "mobie", "zefys", "europeana"}


def read_columns(path: Path, word_col: int, tag_col: int, skip=("#", "-DOCSTART-")):
    sentence = []
    for line in path.open(encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip():
            if sentence:
                yield sentence
            sentence = []
            continue
        if line.startswith(skip):
            continue
        cols = line.split("\t")
        if len(cols) <= max(word_col, tag_col):
            cols = line.split()
        if len(cols) <= max(word_col, tag_col) or not cols[word_col]:   # ZEFYS has empty OCR tokens
            continue
        sentence.append((cols[word_col], cols[tag_col]))
    if sentence:
        yield sentence


def map_tags(tags: list[str], mapping: dict, iob1: bool = False) -> list[str]:
    """IOB(1/2) source tags -> IOB2 tags over our labels; MISSING kept as '-'."""
    out, previous = [], "O"
    for tag in tags:
        if tag in ("O", "_", ""):
            out.append("O")
            previous = "O"
            continue
        prefix, _, label = tag.partition("-")
        if prefix not in ("B", "I"):
            prefix, label = "B", tag
        new = mapping.get(label, "O")
        if new == "O":
            out.append("O")
        elif new == MISSING:
            out.append(MISSING)
        else:
            if iob1:   # IOB1: I- continues the entity before it unless its label differs
                begin = prefix == "B" or previous != label
            else:
                begin = prefix == "B" or previous != tag.partition("-")[2]
            out.append(("B-" if begin else "I-") + new)
        previous = label
    # an I- after O/other label starts an entity (IOB2 repair)
    fixed = []
    for i, tag in enumerate(out):
        if tag.startswith("I-") and (i == 0 or fixed[-1][2:] != tag[2:]):
            tag = "B-" + tag[2:]
        fixed.append(tag)
    return fixed


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    with (ROOT / "src" / "presse_mining" / "data" / "places.tsv").open(encoding="utf-8") as handle:
        return frozenset(row["name"] for row in csv.DictReader(handle, delimiter="\t"))


def is_place_derivation(words: list[str]) -> bool:
    """`deutschen`, `beiden Richtungen`, `Berliner`, `Kölner`: not places by GermEval's rules
    (derivations are LOCderiv, scored apart), but LOC in SmartData, MobIE and some WikiANN."""
    if words[0][:1].islower():
        return True
    return len(words) == 1 and words[0].endswith("er") and words[0][:-2] in place_names()


def drop_place_derivations(words: list[str], tags: list[str]) -> list[str]:
    tags = list(tags)
    i = 0
    while i < len(tags):
        if tags[i] == "B-LOC":
            j = i + 1
            while j < len(tags) and tags[j] == "I-LOC":
                j += 1
            if is_place_derivation(words[i:j]):
                tags[i:j] = ["O"] * (j - i)
            i = j
        else:
            i += 1
    return tags


def words_to_doc(vocab, words: list[str], tags: list[str]) -> Doc | None:
    spaces = [True] * len(words)
    for i, w in enumerate(words[:-1]):
        if words[i + 1] in {",", ".", ":", ";", "!", "?", ")", "“", "'"} or w in {"(", "„"}:
            spaces[i] = False
    doc = Doc(vocab, words=words, spaces=spaces)
    biluo = []
    iob = [t if t != MISSING else "O" for t in tags]
    try:
        biluo = iob_to_biluo(iob)
    except ValueError:
        return None
    biluo = [MISSING if tags[i] == MISSING else b for i, b in enumerate(biluo)]
    spans = biluo_tags_to_spans(doc, [b if b != MISSING else "O" for b in biluo])
    missing = [Span(doc, i, i + 1) for i, b in enumerate(biluo) if b == MISSING]
    doc.set_ents(spans, missing=missing, default="outside")
    return doc


def external(vocab, name: str, path: Path, word_col: int, tag_col: int, iob1=False, limit=None, seed=0):
    sentences = list(read_columns(path, word_col, tag_col))
    if limit and len(sentences) > limit:
        random.Random(seed).shuffle(sentences)
        sentences = sentences[:limit]
    docs = []
    for sent in sentences:
        if len(sent) > 200:  # whole OCR pages: cut into chunks
            chunks = [sent[i:i + 80] for i in range(0, len(sent), 80)]
        else:
            chunks = [sent]
        for chunk in chunks:
            words = [w for w, _ in chunk]
            tags = map_tags([t for _, t in chunk], MAPS[name], iob1=iob1)
            if name in PLACE_DERIVATIONS_AS_LOC:
                tags = drop_place_derivations(words, tags)
            doc = words_to_doc(vocab, words, tags)
            if doc is not None:
                docs.append(doc)
    return docs


def corpora(historic=("zefys",), wikiann_dev=False):
    """The annotated corpora we train on, in order: (part, source, path, word column, tag column, IOB1)."""
    rows = [
        ("germeval_dev", "germeval", DATA / "germeval2014" / "NER-de-dev.tsv", 1, 2, False),
        ("wikiann", "wikiann", DATA / "wikiann_panx_de" / "train-de.tsv", 0, 1, False),
    ]
    if wikiann_dev:
        rows.append(("wikiann", "wikiann", DATA / "wikiann_panx_de" / "dev-de.tsv", 0, 1, False))
    rows += [
        ("smartdata", "smartdata", DATA / "smartdata_de" / "smartdata_v1_train_minus_v3devtest.conll", 0, 1, False),
        ("smartdata", "smartdata", DATA / "smartdata_de" / "smartdata_v3_dev.conll", 0, 1, False),
        ("mobie", "mobie", DATA / "mobie_de" / "train.conll2003", 0, 3, False),
        ("europarl", "europarl", DATA / "europarl_ner_de" / "train.tsv", 0, 4, True),
        ("europarl", "europarl", DATA / "europarl_ner_de" / "dev.tsv", 0, 4, True),
    ]
    if "zefys" in historic:
        rows += [("zefys", "zefys", DATA / "zefys_de" / f"{split}.tsv", 0, 1, False) for split in ("train", "dev", "test")]
    if "europeana" in historic:
        rows += [("europeana", "europeana", DATA / "europeana_newspapers_de" / "derived" / f"enp_DE.{part}.tsv", 0, 1, False)
                 for part in ("lft.sent", "sbb.clean.sent")]
    return rows


def text_path(text_id: str) -> Path:
    for p in (SHARED / "corpus-dev" / "texts" / f"{text_id}.txt", SHARED / "seeds" / f"{text_id}.txt"):
        if p.exists():
            return p
    raise FileNotFoundError(text_id)


def indomain(nlp, annotation_dir: Path):
    """Our stand-off annotations -> one Doc per paragraph, keyed by text id."""
    by_text = {}
    for record_path in sorted(annotation_dir.glob("*.json")):
        record = json.loads(record_path.read_text(encoding="utf-8"))
        raw = text_path(record["id"]).read_bytes()
        if hashlib.sha256(raw).hexdigest() != record["sha256"]:
            print(f"skip {record['id']}: text changed since annotation", file=sys.stderr)
            continue
        text = raw.decode("utf-8")
        docs, pos = [], 0
        for line in text.split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            if not line.strip() or line.lstrip().startswith("date ") and start == 0:
                continue
            doc = nlp.make_doc(line)
            spans, missing = [], []
            for s in record["spans"]:
                if s["start"] >= start and s["end"] <= end:
                    span = doc.char_span(s["start"] - start, s["end"] - start, label=s["label"])
                    if span is None:  # inside a token (WDR-Journalistin): mask, don't teach O
                        loose = doc.char_span(s["start"] - start, s["end"] - start, alignment_mode="expand")
                        if loose is not None:
                            missing.append(loose)
                    else:
                        spans.append(span)
                elif s["start"] < end and s["end"] > start:  # across a line break
                    loose = doc.char_span(max(s["start"], start) - start, min(s["end"], end) - start, alignment_mode="expand")
                    if loose is not None:
                        missing.append(loose)
            spans = spacy.util.filter_spans(spans)
            taken = {i for sp in spans for i in range(sp.start, sp.end)}
            missing = [m for m in missing if not any(i in taken for i in range(m.start, m.end))]
            doc.set_ents(spans, missing=missing, default="outside")
            docs.append(doc)
        by_text[record["id"]] = docs
    return by_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "training" / "ner")
    parser.add_argument("--indomain-weight", type=int, default=9)
    parser.add_argument("--germeval-weight", type=int, default=12)
    parser.add_argument("--dev-texts", type=int, default=24, help="in-domain texts held out for dev")
    parser.add_argument("--wikiann-limit", type=int, default=2000, help="0: all sentences")
    parser.add_argument("--wikiann-dev", action="store_true", help="add WikiANN dev (10,000 silver sentences)")
    parser.add_argument("--historic", default="zefys",
                        help="historic newspapers (OCR) to add, comma-separated: zefys (all three splits; "
                             "GermEval +0.02, runs 27-31 of docs/evaluation.md), europeana (the Tessmann and "
                             "Berlin parts), or none")
    parser.add_argument("--germeval-dev-holdout", type=int, default=0,
                        help="GermEval dev sentences moved from train to dev, so the checkpoint is chosen on both genres")
    parser.add_argument("--pseudo", type=Path, action="append", default=[],
                        help="DocBin of machine-labelled text (scripts/ner/pseudo_label.py), added once")
    args = parser.parse_args()

    nlp = spacy.blank("de")
    nlp.tokenizer = create_presse_tokenizer()(nlp)
    vocab = nlp.vocab
    parts = {}
    for part, source, path, word_col, tag_col, iob1 in corpora(args.historic.split(","), args.wikiann_dev):
        limit = args.wikiann_limit if path.name == "train-de.tsv" else None
        parts.setdefault(part, []).extend(external(vocab, source, path, word_col, tag_col, iob1=iob1, limit=limit))
    germeval_heldout = []
    if args.germeval_dev_holdout:
        order = list(range(len(parts["germeval_dev"])))
        random.Random(17).shuffle(order)
        held = set(order[: args.germeval_dev_holdout])
        germeval_heldout = [d for i, d in enumerate(parts["germeval_dev"]) if i in held]
        parts["germeval_dev"] = [d for i, d in enumerate(parts["germeval_dev"]) if i not in held]
    for path in args.pseudo:
        parts.setdefault("pseudo", []).extend(DocBin().from_disk(path).get_docs(vocab))
    annotated = indomain(nlp, ROOT / "corpus" / "annotations" / "entities")
    ids = sorted(annotated)
    random.Random(13).shuffle(ids)
    dev_ids, train_ids = sorted(ids[: args.dev_texts]), sorted(ids[args.dev_texts:])
    indomain_train = [d for i in train_ids for d in annotated[i]]
    indomain_dev = [d for i in dev_ids for d in annotated[i]]

    train = []
    for name, docs in parts.items():
        weight = args.germeval_weight if name == "germeval_dev" else 1
        train += docs * weight
    train += indomain_train * args.indomain_weight
    random.Random(7).shuffle(train)
    args.out.mkdir(parents=True, exist_ok=True)
    DocBin(docs=train, store_user_data=False).to_disk(args.out / "train.spacy")
    DocBin(docs=indomain_dev + germeval_heldout).to_disk(args.out / "dev.spacy")

    def count(docs):
        return {"docs": len(docs), "tokens": sum(len(d) for d in docs), "entities": sum(len(d.ents) for d in docs)}

    stats = {name: count(docs) for name, docs in parts.items()}
    stats["indomain_train"] = count(indomain_train) | {"texts": len(train_ids), "weight": args.indomain_weight}
    stats["indomain_dev"] = count(indomain_dev) | {"texts": len(dev_ids), "ids": dev_ids}
    if germeval_heldout:
        stats["germeval_dev_heldout"] = count(germeval_heldout)
    stats["train_total"] = count(train)
    (args.out / "stats.json").write_text(json.dumps(stats, indent=1), encoding="utf-8")
    print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
