"""Label raw text with trained pipelines, for self-training (`prepare_data.py --pseudo`).

Reads JSONL records `{"text": ...}` (build_pretrain_text.py writes them; records sharing
a run of eight tokens with GermEval 2014 test are already dropped there) and writes a
DocBin with the pipelines' entities, statistical model and rules together. With more than
one model, an entity is kept where all agree; where they disagree, its tokens are marked
missing (no loss either way) rather than O.

    python scripts/ner/pseudo_label.py MODEL [MODEL ...] --texts training/pretrain/trafilatura_de.jsonl \\
        --out training/pseudo/pages.spacy
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import spacy
from spacy.tokens import DocBin, Span

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
import presse_mining.nlp.components  # noqa: E402,F401  (factories)
import presse_mining.nlp.tokenizer  # noqa: E402,F401


def labelled(model: str, texts: list[str]):
    nlp = spacy.load(model)
    keep = [n for n in nlp.pipe_names if n in ("tok2vec", "ner", "presse_entities")]
    with nlp.select_pipes(enable=keep):
        yield from nlp.pipe(texts, batch_size=256)


def agreed(docs: list) -> None:
    """Keep on the first Doc the entities all Docs share; mark the others' tokens missing."""
    first = docs[0]
    sets = [{(e.start, e.end, e.label_) for e in doc.ents} for doc in docs]
    shared = set.intersection(*sets)
    disputed = {i for s in sets for (start, end, _) in s - shared for i in range(start, end)}
    first.set_ents([Span(first, s, e, label=label) for s, e, label in sorted(shared)],
                   missing=[Span(first, i, i + 1) for i in sorted(disputed)], default="outside")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+")
    parser.add_argument("--texts", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    texts = [json.loads(line)["text"] for line in args.texts.open(encoding="utf-8") if line.strip()]
    if args.limit:
        texts = texts[: args.limit]
    out = DocBin(store_user_data=False)
    runs = [list(labelled(model, texts)) for model in args.models]
    for docs in zip(*runs):
        if len(docs) > 1:
            agreed(list(docs))
        out.add(docs[0])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    out.to_disk(args.out)
    print(f"wrote {args.out}: {len(texts)} texts labelled by {len(args.models)} model(s)")


if __name__ == "__main__":
    main()
