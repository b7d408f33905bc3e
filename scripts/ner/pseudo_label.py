"""Label raw text with a trained pipeline, for self-training (`prepare_data.py --pseudo`).

Reads JSONL records `{"text": ...}` (build_pretrain_text.py writes them; records sharing
a run of eight tokens with GermEval 2014 test are already dropped there) and writes a
DocBin with the pipeline's entities, statistical model and rules together.

    python scripts/ner/pseudo_label.py MODEL training/pretrain/trafilatura_de.jsonl --out training/pseudo/pages.spacy
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import spacy
from spacy.tokens import DocBin

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
import presse_mining.nlp.components  # noqa: E402,F401  (factories)
import presse_mining.nlp.tokenizer  # noqa: E402,F401


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("texts", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    nlp = spacy.load(args.model)
    texts = [json.loads(line)["text"] for line in args.texts.open(encoding="utf-8") if line.strip()]
    if args.limit:
        texts = texts[: args.limit]
    keep = [n for n in nlp.pipe_names if n in ("tok2vec", "ner", "presse_entities")]
    docs = DocBin(store_user_data=False)
    with nlp.select_pipes(enable=keep):
        for doc in nlp.pipe(texts, batch_size=256):
            docs.add(doc)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    docs.to_disk(args.out)
    print(f"wrote {args.out}: {len(texts)} texts")


if __name__ == "__main__":
    main()
