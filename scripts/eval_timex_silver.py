"""Agreement of presse_mining's temporal tagger with the silver TIMEX3 court data.

The data (../shared/data/timex_de_courts_silver/dataset_courts_timex.zip, from
elenanereiss/Legal-Entity-Recognition, CC BY 4.0) is HeidelTime output on German
federal-court decisions, one sentence per line with inline <TIMEX3 type value>
tags: silver, not gold. We compare on DATE expressions only:

- span agreement: a silver DATE is found when one of our dates overlaps it
  (recall); one of our dates agrees when it overlaps a silver DATE (precision;
  ours that overlap a silver DURATION/SET/TIME are left out of both counts);
- value agreement: of the overlapping pairs, how many have the same value (also
  for the pairs with identical spans: HeidelTime often tags only "2015" of
  "25. 3. 2015", where we give the whole date).

Sentences come without their decision's date, so weekdays and day-months without
a year get XXXX from us where HeidelTime filled in a year from its document
context; value agreement is therefore also given for the pairs where the silver
text itself names the year ("explicit").

    python scripts/eval_timex_silver.py [--zip PATH] [--limit N]
"""
from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from presse_mining.nlp.temporal import find_dates  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "timex_de_courts_silver" / "dataset_courts_timex.zip"
TAG = re.compile(r'<TIMEX3 [^>]*?type="(?P<type>[A-Z]+)"[^>]*?value="(?P<value>[^"]*)"[^>]*>(?P<text>.*?)</TIMEX3>')
EXPLICIT_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def parse_line(line: str) -> tuple[str, list[dict]]:
    """Inline-tagged sentence → plain text and its silver spans."""
    out, spans, position = [], [], 0
    length = 0
    for match in TAG.finditer(line):
        before = line[position:match.start()]
        out.append(before)
        length += len(before)
        spans.append({"type": match["type"], "value": match["value"], "text": match["text"],
                      "start": length, "end": length + len(match["text"])})
        out.append(match["text"])
        length += len(match["text"])
        position = match.end()
    out.append(line[position:])
    return "".join(out), spans


def evaluate(zip_path: Path, limit: int | None = None) -> dict:
    counts = Counter()
    disagreements = Counter()
    with zipfile.ZipFile(zip_path) as archive:
        names = sorted(n for n in archive.namelist() if n.endswith(".txt"))
        lines_seen = 0
        for name in names:
            with archive.open(name) as raw:
                for line in io.TextIOWrapper(raw, encoding="utf-8"):
                    if limit and lines_seen >= limit:
                        break
                    lines_seen += 1
                    text, silver = parse_line(line.rstrip("\n"))
                    ours = [d for d in find_dates(text) if d["kind"] in ("date", "range")]
                    silver_dates = [s for s in silver if s["type"] == "DATE"]
                    counts["silver"] += len(silver_dates)
                    for s in silver_dates:
                        hit = next((d for d in ours if d["start"] < s["end"] and s["start"] < d["end"]), None)
                        explicit = bool(EXPLICIT_YEAR.search(s["text"]))
                        counts["silver_explicit"] += explicit
                        if hit is None:
                            continue
                        counts["silver_found"] += 1
                        counts["found_explicit"] += explicit
                        same = hit["value"] == s["value"]
                        if (hit["start"], hit["end"]) == (s["start"], s["end"]):
                            counts["exact_span"] += 1
                            counts["exact_same"] += same
                        counts["value_same"] += same
                        counts["value_same_explicit"] += same and explicit
                        if not same and explicit:
                            disagreements[(s["text"], s["value"], hit["text"], hit["value"])] += 1
                    for d in ours:
                        overlapping = [s for s in silver if d["start"] < s["end"] and s["start"] < d["end"]]
                        if overlapping and all(s["type"] != "DATE" for s in overlapping):
                            continue
                        counts["ours"] += 1
                        counts["ours_agreed"] += bool(overlapping)
    counts["lines"] = lines_seen
    return {"counts": counts, "disagreements": disagreements}


def ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--zip", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=None, help="only the first N sentences")
    parser.add_argument("--show", type=int, default=0, help="print the N most frequent value disagreements")
    args = parser.parse_args()
    if not args.zip.exists():
        sys.exit(f"Error: {args.zip}: not found")
    result = evaluate(args.zip, args.limit)
    c = result["counts"]
    recall = ratio(c["silver_found"], c["silver"])
    precision = ratio(c["ours_agreed"], c["ours"])
    f1 = ratio(2 * precision * recall, precision + recall)
    print(f"sentences: {c['lines']}, silver DATE expressions: {c['silver']}, our dates: {c['ours']}")
    print(f"span overlap: precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    print(f"value agreement on overlapping pairs: {ratio(c['value_same'], c['silver_found']):.3f}"
          f" ({c['value_same']}/{c['silver_found']})")
    print(f"  where the silver text names the year: {ratio(c['value_same_explicit'], c['found_explicit']):.3f}"
          f" ({c['value_same_explicit']}/{c['found_explicit']}); recall there"
          f" {ratio(c['found_explicit'], c['silver_explicit']):.3f}")
    print(f"  where both spans are the same: {ratio(c['exact_same'], c['exact_span']):.3f}"
          f" ({c['exact_same']}/{c['exact_span']})")
    for (s_text, s_value, o_text, o_value), n in result["disagreements"].most_common(args.show):
        print(f"  {n:5d}  silver {s_text!r}={s_value}  ours {o_text!r}={o_value}")


if __name__ == "__main__":
    main()
