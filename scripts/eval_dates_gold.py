"""Dates F1 on a gold file (../shared/gold/seeds.json format), by the rules of its README.

Per document, each predicted date (every entry of "dates" in the extract result)
is matched one-to-one to a gold date whose `value` or any `accept` value equals
the predicted value; precision and recall are micro-averaged over documents.

    python scripts/eval_dates_gold.py [--gold FILE] [--texts DIR] [--tagger-only] [-v]

--tagger-only runs the temporal tagger alone (with the gold publication date)
instead of the whole `presse_mining.extract`.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

GOLD = ROOT.parent / "shared" / "gold" / "seeds.json"


def match(predicted: list[str], gold: list[dict]) -> tuple[int, list[str], list[dict]]:
    """(true positives, unmatched predictions, unmatched gold)."""
    open_gold = list(gold)
    missed_predictions = []
    for value in predicted:
        hit = next((g for g in open_gold if value == g["value"] or value in g.get("accept", [])), None)
        if hit is None:
            missed_predictions.append(value)
        else:
            open_gold.remove(hit)
    return len(gold) - len(open_gold), missed_predictions, open_gold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--texts", type=Path, default=None, help="folder of the texts (default: ../seeds next to the gold)")
    parser.add_argument("--tagger-only", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    texts = args.texts or args.gold.parent.parent / "seeds"
    documents = json.loads(args.gold.read_text(encoding="utf-8"))["documents"]
    tp = n_pred = n_gold = 0
    for doc in documents:
        text = (texts / doc["doc"]).read_text(encoding="utf-8")
        if args.tagger_only:
            from presse_mining.articles import split_date_header
            from presse_mining.nlp.temporal import find_dates

            header, body = split_date_header(text)
            dates = find_dates(body, doc.get("published") or header)
        else:
            from presse_mining import extract

            dates = extract(text)["dates"]
        predicted = [d["value"] for d in dates]
        hits, wrong, missed = match(predicted, doc["dates"])
        tp, n_pred, n_gold = tp + hits, n_pred + len(predicted), n_gold + len(doc["dates"])
        print(f"{doc['doc']}: gold {len(doc['dates'])}, predicted {len(predicted)}, matched {hits}")
        if args.verbose:
            for value in wrong:
                print(f"   not in gold: {value}")
            for g in missed:
                print(f"   missed: {g['text']!r} = {g['value']}")
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"dates: precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  ({tp} of {n_gold} gold, {n_pred} predicted)")


if __name__ == "__main__":
    main()
