"""What the entity rules add: seed gold scores with and without the `presse_entities` component.

    python scripts/ner/eval_rules.py [--gold ../shared/gold/seeds.json]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from presse_mining import extract  # noqa: E402
from presse_mining.evaluation import evaluate, find_text  # noqa: E402
from presse_mining.nlp import analysis, pipeline  # noqa: E402
from presse_mining.sources.files import decode_text  # noqa: E402


def run(gold: Path, with_rules: bool) -> dict:
    pipeline.load_nlp.cache_clear()
    nlp = pipeline.load_nlp()
    if not with_rules:
        nlp.remove_pipe("presse_entities")
        nlp.get_pipe("presse_roles").add_persons = False
    import json

    documents = json.loads(gold.read_text(encoding="utf-8"))["documents"]
    results = {}
    for document in documents:
        path = find_text(gold, document["doc"], None)
        results[document["doc"]] = extract(decode_text(path.read_bytes(), path))
    if not with_rules:
        pipeline.load_nlp.cache_clear()
    return evaluate(gold, results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold" / "seeds.json")
    args = parser.parse_args()
    without = run(args.gold, with_rules=False)
    with_ = run(args.gold, with_rules=True)
    print(f"{'':<14}{'model only P/R/F1':>22}{'model + rules P/R/F1':>26}")
    for group in ("persons", "organisations", "places"):
        a, b = without[group], with_[group]
        print(f"{group:<14}{a.precision:8.3f}{a.recall:7.3f}{a.f1:7.3f}{b.precision:12.3f}{b.recall:7.3f}{b.f1:7.3f}")


if __name__ == "__main__":
    main()
