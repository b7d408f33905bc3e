"""Score a pipeline on the held-out in-domain dev set (training/ner/dev.spacy from prepare_data.py).

Token-span match, all labels (PER ORG LOC MISC), statistical NER alone and with the rules.

    python scripts/ner/eval_dev.py [MODEL] [--dev training/ner/dev.spacy]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import spacy
from spacy.scorer import Scorer
from spacy.tokens import DocBin
from spacy.training import Example

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
import presse_mining.nlp.components  # noqa: E402,F401  (factories)
import presse_mining.nlp.tokenizer  # noqa: E402,F401

RULE_PIPES = ("presse_entities",)


def score(nlp, gold_docs, enable) -> dict:
    with nlp.select_pipes(enable=[n for n in nlp.pipe_names if n in enable]):
        predicted = list(nlp.pipe([nlp.make_doc(d.text) for d in gold_docs]))
    examples = [Example(p, g) for p, g in zip(predicted, gold_docs)]
    scores = Scorer.score_spans(examples, "ents")
    result = {"p": round(scores["ents_p"], 4), "r": round(scores["ents_r"], 4), "f1": round(scores["ents_f"], 4)}
    result["per_type"] = {k: {m: round(v, 4) for m, v in s.items()} for k, s in scores["ents_per_type"].items()}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", nargs="?", default=str(ROOT / "models" / "de_presse"))
    parser.add_argument("--dev", type=Path, default=ROOT / "training" / "ner" / "dev.spacy")
    args = parser.parse_args()
    nlp = spacy.load(args.model)
    gold = list(DocBin().from_disk(args.dev).get_docs(nlp.vocab))
    result = {"model": args.model, "statistical": score(nlp, gold, ("tok2vec", "ner"))}
    if any(n in nlp.pipe_names for n in RULE_PIPES):
        result["with_rules"] = score(nlp, gold, ("tok2vec", "ner") + RULE_PIPES)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
