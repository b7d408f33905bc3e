"""Article extraction benchmark: presse_mining.parse_html beside plain trafilatura.

Both public benchmarks of ../shared/bench/ (see its README for the scoring):
  aeb             181 pages, token-level P/R/F1 per page against the article body, averaged over pages
  trafilatura_de  703 German pages, must-contain ("with") / must-not-contain ("without") snippets,
                  P/R/F1 over all snippets
Run:  .venv/bin/python scripts/bench_extraction.py [--bench DIR] [--limit N] [--write docs/benchmarks.md]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from presse_mining.articles.html import parse_html  # noqa: E402

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"
SECTION = "## Article extraction (crawler): `parse_html` beside trafilatura"


def ours(raw: bytes) -> str:
    return parse_html(raw).text


def plain_trafilatura(raw: bytes) -> str:
    return trafilatura.extract(raw) or ""


EXTRACTORS = {"presse_mining parse_html": ours, f"trafilatura {trafilatura.__version__} extract()": plain_trafilatura}


def tokens(text: str) -> Counter:
    return Counter(text.split())


def aeb(folder: Path, limit: int | None) -> dict[str, dict]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit]
    pages = {i: gzip.decompress((folder / "html" / f"{i}.html.gz").read_bytes()) for i in ids}
    results = {}
    for name, extract in EXTRACTORS.items():
        start = time.perf_counter()
        texts = {i: extract(raw) for i, raw in pages.items()}
        seconds = time.perf_counter() - start
        scores = []
        for i in ids:
            expected, got = tokens(truth[i]["articleBody"]), tokens(texts[i])
            common = sum((expected & got).values())
            p = common / sum(got.values()) if got else (1.0 if not expected else 0.0)
            r = common / sum(expected.values()) if expected else 1.0
            scores.append((p, r, 2 * p * r / (p + r) if p + r else 0.0))
        n = len(scores)
        results[name] = {
            "precision": sum(s[0] for s in scores) / n, "recall": sum(s[1] for s in scores) / n,
            "f1": sum(s[2] for s in scores) / n, "accuracy": sum(s[2] >= 0.9 for s in scores) / n,
            "pages": n, "pages_per_s": n / seconds,
        }
    return results


def snippets(folder: Path, limit: int | None) -> dict[str, dict]:
    annotations = json.loads((folder / "annotations.json").read_text(encoding="utf-8"))
    keys = sorted(annotations)[:limit]
    pages = {k: gzip.decompress((folder / "html" / (annotations[k]["file"] + ".gz")).read_bytes()) for k in keys}
    results = {}
    for name, extract in EXTRACTORS.items():
        start = time.perf_counter()
        texts = {k: extract(raw) for k, raw in pages.items()}
        seconds = time.perf_counter() - start
        tp = fn = fp = tn = 0
        for k in keys:
            text = _squash(texts[k])
            for snippet in annotations[k].get("with", []):
                if _squash(snippet) in text:
                    tp += 1
                else:
                    fn += 1
            for snippet in annotations[k].get("without", []):
                if _squash(snippet) in text:
                    fp += 1
                else:
                    tn += 1
        p, r = tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0
        results[name] = {
            "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "accuracy": (tp + tn) / (tp + tn + fp + fn), "pages": len(keys), "pages_per_s": len(keys) / seconds,
        }
    return results


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def table(title: str, results: dict[str, dict]) -> str:
    lines = [f"**{title}**", "", "| extractor | F1 | precision | recall | accuracy | pages/s |", "| --- | --- | --- | --- | --- | --- |"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['f1']:.3f} | {r['precision']:.3f} | {r['recall']:.3f} | {r['accuracy']:.3f} "
                     f"| {r['pages_per_s']:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", type=Path, default=BENCH)
    parser.add_argument("--limit", type=int, help="only the first N pages of each benchmark (quick checks)")
    parser.add_argument("--write", type=Path, help="replace this script's section in a Markdown file")
    args = parser.parse_args()
    first = aeb(args.bench / "aeb", args.limit)
    second = snippets(args.bench / "trafilatura_de", args.limit)
    n_a, n_b = next(iter(first.values()))["pages"], next(iter(second.values()))["pages"]
    report = "\n\n".join([
        SECTION,
        f"Measured {date.today().isoformat()} on {os.cpu_count()} CPU cores ({platform.machine()}, "
        f"Python {platform.python_version()}), one process, pages read from memory; "
        f"`.venv/bin/python scripts/bench_extraction.py --write docs/benchmarks.md`.",
        table(f"aeb ({n_a} pages; token-level P/R/F1 per page on whitespace tokens, averaged; "
              "accuracy = share of pages with F1 ≥ 0.9)", first),
        table(f"trafilatura_de ({n_b} German pages; snippets found/missed, white space normalised; "
              "accuracy = share of snippets judged right)", second),
    ])
    print(report)
    if args.write:
        _write_section(args.write, report)


def _write_section(path: Path, report: str) -> None:
    """Replace our section (up to the next `## `) or append it; other sections stay as they are."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start = text.find(SECTION)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + report + "\n"
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + report + ("\n" + text[end:] if end != -1 else "\n")
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
