"""Raw German text for `spacy pretrain`: one {"text": ...} per line in training/pretrain/*.jsonl.

Sources (all in ../shared): the development corpus (minus the in-domain NER dev texts), the
main text of the trafilatura_de benchmark pages (extracted with trafilatura), and the sentences of
the NER/UD sets we may train on: WikiANN train+dev+test, SmartData, MobIE, Europarl, UD German
GSD and PUD, GermEval 2014 **dev**. Labels are not used, only the words.

GermEval 2014 test is the benchmark: every record that shares a run of eight tokens with a test
sentence (or equals one) is dropped, and the count is reported. timex_de_courts_silver is for
evaluation only and is not read. The historic OCR sets (ZEFYS, Europeana, HIPE) are left out:
19th-century spelling and OCR noise (`Elter »`, `hotte`) would teach character patterns our
texts never have.

    python scripts/ner/build_pretrain_text.py [--out training/pretrain]

Writes one JSONL per source, all.jsonl (every source, shuffled: `spacy pretrain` reads in file
order and does not shuffle) and stats.json (records, words per source, dropped overlaps).
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
sys.path.insert(0, str(ROOT / "scripts" / "ner"))
from prepare_data import read_columns  # noqa: E402

TOKEN = re.compile(r"\w+|[^\w\s]")
SHINGLE = 8
NO_SPACE_BEFORE = {",", ".", ":", ";", "!", "?", ")", "“", "'"}
NO_SPACE_AFTER = {"(", "„"}


def detokenize(words: list[str]) -> str:
    """Token list -> text with the usual German spacing (so the presse tokenizer sees prose)."""
    out = []
    for i, word in enumerate(words):
        if i and word not in NO_SPACE_BEFORE and words[i - 1] not in NO_SPACE_AFTER:
            out.append(" ")
        out.append(word)
    return "".join(out)


def norm_tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def shingles(tokens: list[str]) -> set[tuple[str, ...]]:
    if len(tokens) < SHINGLE:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i:i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


def germeval_test_index() -> tuple[set, set]:
    """Shingles and whole sentences of GermEval 2014 test (to drop, never to use)."""
    grams, whole = set(), set()
    for sentence in read_columns(DATA / "germeval2014" / "NER-de-test.tsv", 1, 2):
        tokens = norm_tokens(" ".join(w for w, _ in sentence))
        whole.add(tuple(tokens))
        if len(tokens) >= SHINGLE:
            grams |= shingles(tokens)
    return grams, whole


def column_sentences(path: Path, word_col: int, tag_col: int | None = None):
    if tag_col is None:  # tokens only (WikiANN test)
        sentence = []
        for line in path.open(encoding="utf-8"):
            word = line.strip().split("\t")[0] if line.strip() else ""
            if not word:
                if sentence:
                    yield detokenize(sentence)
                sentence = []
            else:
                sentence.append(word)
        if sentence:
            yield detokenize(sentence)
        return
    for sentence in read_columns(path, word_col, tag_col):
        yield detokenize([w for w, _ in sentence])


def conllu_texts(path: Path):
    for line in path.open(encoding="utf-8"):
        if line.startswith("# text = "):
            yield line[len("# text = "):].strip()


def corpus_dev(exclude: set[str]):
    for path in sorted((SHARED / "corpus-dev" / "texts").glob("*.txt")):
        if path.stem in exclude:
            continue
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip() and not line.startswith("date "):
                yield line.strip()


def trafilatura_pages():
    import trafilatura

    for path in sorted((SHARED / "bench" / "trafilatura_de" / "html").glob("*.html.gz")):
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        text = trafilatura.extract(html, include_comments=False, include_tables=False, target_language=None)
        for paragraph in (text or "").split("\n"):
            if len(paragraph.split()) >= 5:  # skip menu crumbs and captions
                yield paragraph.strip()


def indomain_dev_ids() -> set[str]:
    """The in-domain texts prepare_data.py holds out for dev: kept out of pretraining too."""
    ids = sorted(p.stem for p in (ROOT / "corpus" / "annotations" / "entities").glob("*.json"))
    stats = ROOT / "training" / "ner" / "stats.json"
    if stats.exists():  # the exact list of the last prepare_data run
        return set(json.loads(stats.read_text(encoding="utf-8"))["indomain_dev"]["ids"])
    random.Random(13).shuffle(ids)
    return set(ids[:24])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "training" / "pretrain")
    args = parser.parse_args()

    grams, whole = germeval_test_index()
    dev_ids = indomain_dev_ids()
    sources = {
        "corpus_dev": lambda: corpus_dev(dev_ids),
        "trafilatura_de": trafilatura_pages,
        "wikiann": lambda: (t for split in ("train", "dev") for t in column_sentences(DATA / "wikiann_panx_de" / f"{split}-de.tsv", 0, 1)),
        "wikiann_test": lambda: column_sentences(DATA / "wikiann_panx_de" / "test-de.tsv", 0),
        "smartdata": lambda: (t for name in ("smartdata_v1_train_minus_v3devtest", "smartdata_v3_dev", "smartdata_v3_test")
                              for t in column_sentences(DATA / "smartdata_de" / f"{name}.conll", 0, 1)),
        "mobie": lambda: (t for split in ("train", "dev", "test") for t in column_sentences(DATA / "mobie_de" / f"{split}.conll2003", 0, 3)),
        "europarl": lambda: (t for split in ("train", "dev", "test") for t in column_sentences(DATA / "europarl_ner_de" / f"{split}.tsv", 0, 4)),
        "ud_german": lambda: (t for p in (DATA / "ud_german_gsd" / "de_gsd-ud-dev.conllu", DATA / "ud_german_gsd" / "de_gsd-ud-test.conllu",
                                          DATA / "ud_german_pud" / "de_pud-ud-test.conllu") for t in conllu_texts(p)),
        "germeval_dev": lambda: column_sentences(DATA / "germeval2014" / "NER-de-dev.tsv", 1, 2),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    stats = {}
    for name, read in sources.items():
        kept = words = duplicates = overlaps = 0
        with (args.out / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for text in read():
                key = " ".join(text.lower().split())
                if not key or key in seen:
                    duplicates += 1
                    continue
                seen.add(key)
                tokens = norm_tokens(text)
                if tuple(tokens) in whole or (len(tokens) >= SHINGLE and not grams.isdisjoint(shingles(tokens))):
                    overlaps += 1
                    continue
                out.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
                kept += 1
                words += len(text.split())
        stats[name] = {"records": kept, "words": words, "duplicates_dropped": duplicates, "germeval_test_overlap_dropped": overlaps}
        print(name, stats[name], flush=True)
    records = [line for name in sources for line in (args.out / f"{name}.jsonl").open(encoding="utf-8")]
    random.Random(0).shuffle(records)
    (args.out / "all.jsonl").write_text("".join(records), encoding="utf-8")
    stats["total"] = {k: sum(s[k] for s in stats.values()) for k in ("records", "words", "duplicates_dropped", "germeval_test_overlap_dropped")}
    stats["excluded_indomain_dev_texts"] = sorted(dev_ids)
    (args.out / "stats.json").write_text(json.dumps(stats, indent=1), encoding="utf-8")
    print(json.dumps(stats["total"]))


if __name__ == "__main__":
    main()
