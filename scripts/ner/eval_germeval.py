"""Score a pipeline's NER on GermEval 2014 test (the benchmark; never trained on).

Strict span match on the outer column, PER/ORG/LOC (the standard figure), and a
second figure with OTH scored as MISC. The test's own tokens are used.

    python scripts/ner/eval_germeval.py [MODEL] [--no-rules] [--json OUT]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import spacy
from spacy.tokens import Doc

ROOT = Path(__file__).resolve().parents[2]
TEST = ROOT.parent / "shared" / "data" / "germeval2014" / "NER-de-test.tsv"
sys.path.insert(0, str(ROOT / "scripts" / "ner"))
from prepare_data import read_columns  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))
import presse_mining.nlp.components  # noqa: E402,F401  (factories)
import presse_mining.nlp.tokenizer  # noqa: E402,F401

MAP = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "OTH": "MISC"}
RULE_PIPES = ("presse_entities", "entity_ruler", "presse_persons")


def gold_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    spans, start, label = set(), None, None
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, name = tag.partition("-")
        if start is not None and (prefix != "I" or name != label):
            if label in MAP:
                spans.add((start, i, MAP[label]))
            start, label = None, None
        if prefix == "B" or (prefix == "I" and start is None):
            start, label = i, name
    return spans


def score(pairs, labels):
    tp, fp, fn = Counter(), Counter(), Counter()
    for gold, pred in pairs:
        gold = {g for g in gold if g[2] in labels}
        pred = {p for p in pred if p[2] in labels}
        for s in pred & gold:
            tp[s[2]] += 1
        for s in pred - gold:
            fp[s[2]] += 1
        for s in gold - pred:
            fn[s[2]] += 1

    def prf(t, f_p, f_n):
        p = t / (t + f_p) if t + f_p else 0.0
        r = t / (t + f_n) if t + f_n else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}

    result = {label: prf(tp[label], fp[label], fn[label]) for label in labels}
    result["all"] = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", nargs="?", default=str(ROOT / "models" / "de_presse"))
    parser.add_argument("--no-rules", action="store_true", help="statistical NER only")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    nlp = spacy.load(args.model)
    keep = [n for n in nlp.pipe_names if n in ("tok2vec", "ner") or (n in RULE_PIPES and not args.no_rules)]
    sentences = list(read_columns(TEST, 1, 2))
    docs = [Doc(nlp.vocab, words=[w for w, _ in s]) for s in sentences]
    started = time.perf_counter()
    with nlp.select_pipes(enable=keep):
        docs = list(nlp.pipe(docs, batch_size=256))
    seconds = time.perf_counter() - started
    pairs = [
        (gold_spans([t for _, t in s]), {(e.start, e.end, e.label_) for e in doc.ents})
        for s, doc in zip(sentences, docs)
    ]
    result = {
        "model": args.model,
        "pipes": keep,
        "sentences": len(sentences),
        "words_per_second": round(sum(len(d) for d in docs) / seconds),
        "strict_PER_ORG_LOC": score(pairs, ("PER", "ORG", "LOC")),
        "strict_with_OTH_as_MISC": score(pairs, ("PER", "ORG", "LOC", "MISC")),
    }
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
