"""Score `presse-mining extract` output against the seeds' gold fields.

    presse-mining extract corpus/*.txt > /tmp/seeds.jsonl   # the seeds ship in corpus/
    python scripts/score_fields.py /tmp/seeds.jsonl [--write]

Gold: ../shared/gold/seeds.json, `fields` vs predicted labels; a predicted
field listed in `fields_optional` counts neither way. --write puts the result
into the "Fields of action" section of docs/evaluation.md.
"""
from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PRESSE_SHARED", ROOT.parent / "shared"))
EVALUATION = ROOT / "docs" / "evaluation.md"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("jsonl", type=Path)
    parser.add_argument("--gold", type=Path, default=SHARED / "gold" / "seeds.json")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    gold = {d["doc"]: d for d in json.loads(args.gold.read_text(encoding="utf-8"))["documents"]}
    tp = fp = fn = 0
    rows = []
    for line in args.jsonl.read_text(encoding="utf-8").splitlines():
        result = json.loads(line)
        doc = gold.get(Path(result["source"]).name)
        if doc is None:
            continue
        predicted = {f["label"] for f in result["fields"]}
        wanted, optional = set(doc["fields"]), set(doc.get("fields_optional") or [])
        tp += len(predicted & wanted)
        fp += len(predicted - wanted - optional)
        fn += len(wanted - predicted)
        rows.append(f"| {doc['doc']} | {', '.join(sorted(wanted))} | {', '.join(sorted(predicted))} |")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    summary = (f"Seeds: {len(rows)} documents, micro-F1 {f1:.3f} (precision {precision:.3f}, recall {recall:.3f};"
               f" tp {tp}, fp {fp}, fn {fn}; fields_optional ignored)")
    print(summary)
    table = "\n".join(["| seed | gold fields | predicted |", "| --- | --- | --- |", *rows])
    print(table)
    if args.write:
        text = EVALUATION.read_text(encoding="utf-8")
        block = summary + "\n\n" + table + "\n"
        new = re.sub(r"(<!-- seeds -->\n)(.*?)(?=\n## |\Z)", lambda m: m.group(1) + block, text, count=1, flags=re.S)
        if new == text and "<!-- seeds -->" not in text:
            raise SystemExit(f"{EVALUATION}: no '<!-- seeds -->' marker (run scripts/train_fields.py --cv first)")
        EVALUATION.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
