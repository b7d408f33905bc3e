"""Score events (date, place) and participants recall on the seeds, by the rules of
../shared/gold/README.md. `--oracle-ner` puts the gold names into the pipeline with an
EntityRuler, to see what the event stage does given perfect NER.

    python scripts/eval_events.py [--gold ../shared/gold/seeds.json] [--oracle-ner] [-v]
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from presse_mining.sources.files import text_article

ROOT = Path(__file__).resolve().parents[1]


def norm(text: str) -> str:
    text = re.sub(r"[„“”\"'‚‘’«»]", "", (text or "").lower())
    text = " ".join(text.split())
    return re.sub(r"^(der|die|das|des|dem|den)\s+", "", text)


def stems(text: str) -> set[str]:
    return {re.sub(r"(en|es|er|em|e|s|n)$", "", w) for w in norm(text).split() if len(w) > 2}


def matches(pred: str, gold: str, aliases=()) -> bool:
    p = norm(pred)
    if p in {norm(gold)} | {norm(a) for a in aliases}:
        return True
    a, b = stems(pred), stems(gold)
    return bool(a and b) and len(a & b) * 2 >= max(len(a), len(b))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gold", default=str(ROOT.parent / "shared" / "gold" / "seeds.json"))
    parser.add_argument("--texts", default=str(ROOT.parent / "shared" / "seeds"))
    parser.add_argument("--oracle-ner", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    from presse_mining.nlp import analyze, load_nlp

    nlp = load_nlp()
    gold = json.load(open(args.gold, encoding="utf-8"))["documents"]
    if args.oracle_ner:
        import spacy
        nlp = spacy.blank("de")
        nlp.add_pipe("sentencizer")
        ruler = nlp.add_pipe("entity_ruler")
        patterns = []
        for doc in gold:
            for key, label in (("persons", "PER"), ("organisations", "ORG"), ("places", "LOC")):
                for item in doc[key]:
                    for name in [item["name"], *item.get("aliases", [])]:
                        patterns.append({"label": label, "pattern": name})
        ruler.add_patterns(patterns)
        from presse_mining.nlp import components
        for name in ("presse_dates", "presse_roles", "presse_events"):
            if name in components.available():
                nlp.add_pipe(name)
    tp = fp = fn = 0
    found_participants = all_participants = 0
    for doc in gold:
        article = text_article(open(Path(args.texts) / doc["doc"], encoding="utf-8").read())
        result = analyze(article.text, article.published, nlp=nlp)
        predicted = [(e.get("date"), e.get("place")) for e in result["events"]]
        wanted = [(e.get("date"), e.get("place")) for e in doc["events"]]
        left = list(predicted)
        for pair in wanted:
            if pair in left:
                left.remove(pair)
                tp += 1
            else:
                fn += 1
                if args.verbose:
                    print(f"  {doc['doc']}: missed {pair}")
        fp += len(left)
        if args.verbose and left:
            print(f"  {doc['doc']}: extra {left}")
        for g in doc["events"]:
            names = g.get("persons", []) + g.get("organisations", [])
            if not names:
                continue
            best = None
            for e in result["events"]:
                if (e.get("date"), e.get("place")) == (g.get("date"), g.get("place")):
                    best = e
                    break
            got = (best or {}).get("persons", []) + (best or {}).get("organisations", []) + (best or {}).get("organisers", [])
            for name in names:
                all_participants += 1
                if any(matches(p, name) for p in got):
                    found_participants += 1
                elif args.verbose:
                    print(f"  {doc['doc']}: participant missed {name!r}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"events (date, place): P {precision:.2f} R {recall:.2f} F1 {f1:.2f}  (tp {tp}, fp {fp}, fn {fn})")
    share = found_participants / all_participants if all_participants else 0.0
    print(f"participants recall: {share:.2f} ({found_participants}/{all_participants})")


if __name__ == "__main__":
    main()
