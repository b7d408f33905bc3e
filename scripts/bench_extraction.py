"""Article extraction benchmark: presse_mining.parse_html beside plain trafilatura.

Both public benchmarks of ../shared/bench/ (see its README), each scored as its own evaluation does:
  aeb             181 pages; scrapinghub/article-extraction-benchmark's evaluate.py: text split into
                  \\w+ words, compared as 4-word shingles; per page TP/FP/FN normalised to sum to 1;
                  precision and recall averaged over pages; F1 = harmonic mean of those two averages
  trafilatura_de  703 German pages; trafilatura's tests/comparison_small.py: a must-contain ("with")
                  snippet found is a TP, missed an FN; a must-not-contain ("without") snippet found
                  is an FP, absent a TN; P/R/F1 over all snippets (white space normalised)
Plain trafilatura is called as both benchmarks' runners call it: extract(html, include_comments=False).
Timing: the extractors alternate page by page (the machine is shared, load changes by the second),
over several passes; pages/s is pages per CPU-second of this process (wall-clock time on a shared
machine measures the neighbours), the median over the passes; the scores come from the first pass.
Run:  .venv/bin/python scripts/bench_extraction.py [--bench DIR] [--limit N] [--passes N] [--write docs/benchmarks.md]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import statistics
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


def plain_trafilatura(raw: bytes) -> str | None:
    return trafilatura.extract(raw, include_comments=False)


EXTRACTORS = {"presse_mining parse_html": ours, f"trafilatura {trafilatura.__version__} extract()": plain_trafilatura}


def run_interleaved(pages: dict[str, bytes], passes: int) -> tuple[dict[str, dict], dict[str, float]]:
    """Texts of the first pass and the median pages/s of each extractor."""
    names = list(EXTRACTORS)
    texts: dict[str, dict] = {name: {} for name in names}
    rates: dict[str, list[float]] = {name: [] for name in names}
    for number in range(passes):
        seconds = dict.fromkeys(names, 0.0)
        for index, (key, raw) in enumerate(pages.items()):
            order = names if (index + number) % 2 == 0 else names[::-1]  # neither always goes first
            for name in order:
                start = time.process_time()
                text = EXTRACTORS[name](raw)
                seconds[name] += time.process_time() - start
                if number == 0:
                    texts[name][key] = text
        for name in names:
            rates[name].append(len(pages) / seconds[name])
        print(f"  pass {number + 1}: " + ", ".join(f"{n} {rates[n][-1]:.1f} pages/s" for n in names), file=sys.stderr)
    return texts, {name: statistics.median(values) for name, values in rates.items()}


# --- aeb: the scoring of scrapinghub/article-extraction-benchmark (evaluate.py) -------------------
_WORD = re.compile(r"\w+")


def _shingles(text: str | None, n: int = 4) -> Counter:
    words = _WORD.findall(text or "")
    return Counter(tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1)) if words[i:i + n])


def shingle_matching(true: str, pred: str | None) -> tuple[float, float, float]:
    """(TP, FP, FN) over 4-word shingles, normalised so that long pages weigh no more than short ones."""
    expected, got = _shingles(true), _shingles(pred)
    tp = sum((expected & got).values())
    fp = sum((got - expected).values())
    fn = sum((expected - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)


def aeb(folder: Path, limit: int | None, passes: int) -> dict[str, dict]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit]
    pages = {i: gzip.decompress((folder / "html" / f"{i}.html.gz").read_bytes()) for i in ids}
    texts, rates = run_interleaved(pages, passes)
    results = {}
    for name in EXTRACTORS:
        counts = [shingle_matching(truth[i].get("articleBody", ""), texts[name][i]) for i in ids]
        precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
        recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
        page_f1 = [2 * _precision(*c) * _recall(*c) / (_precision(*c) + _recall(*c) or 1) for c in counts]
        results[name] = {
            "precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall),
            "accuracy": sum(f >= 0.9 for f in page_f1) / len(ids), "pages": len(ids), "pages_per_s": rates[name],
        }
    return results


# --- trafilatura_de: the scoring of trafilatura's tests/comparison_small.py ------------------------
def snippets(folder: Path, limit: int | None, passes: int) -> dict[str, dict]:
    annotations = json.loads((folder / "annotations.json").read_text(encoding="utf-8"))
    keys = sorted(annotations)[:limit]
    pages = {k: gzip.decompress((folder / "html" / (annotations[k]["file"] + ".gz")).read_bytes()) for k in keys}
    texts, rates = run_interleaved(pages, passes)
    results = {}
    for name in EXTRACTORS:
        tp = fn = fp = tn = 0
        for k in keys:
            text = _squash(texts[name][k] or "")  # no text: every "with" missed, every "without" absent
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
            "accuracy": (tp + tn) / (tp + tn + fp + fn), "pages": len(keys), "pages_per_s": rates[name],
        }
    return results


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def table(title: str, results: dict[str, dict]) -> str:
    lines = [f"**{title}**", "", "| extractor | F1 | precision | recall | accuracy | pages/s |", "| --- | --- | --- | --- | --- | --- |"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['f1']:.3f} | {r['precision']:.3f} | {r['recall']:.3f} | {r['accuracy']:.3f} "
                     f"| {r['pages_per_s']:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", type=Path, default=BENCH)
    parser.add_argument("--limit", type=int, help="only the first N pages of each benchmark (quick checks)")
    parser.add_argument("--passes", type=int, default=3, help="timing passes (median pages/s); default 3")
    parser.add_argument("--write", type=Path, help="replace this script's section in a Markdown file")
    args = parser.parse_args()
    first = aeb(args.bench / "aeb", args.limit, args.passes)
    second = snippets(args.bench / "trafilatura_de", args.limit, args.passes)
    n_a, n_b = next(iter(first.values()))["pages"], next(iter(second.values()))["pages"]
    report = "\n\n".join([
        SECTION,
        f"Measured {date.today().isoformat()} on {os.cpu_count()} CPU cores shared with other processes "
        f"({platform.machine()}, Python {platform.python_version()}), one process, pages read from memory; "
        f"the two extractors alternate page by page, pages/s is pages per CPU-second (process time), the median of {args.passes} passes; "
        f"`.venv/bin/python scripts/bench_extraction.py --passes {args.passes} --write docs/benchmarks.md`. "
        "Plain trafilatura runs as both benchmarks' own runners call it (`include_comments=False`).",
        table(f"aeb ({n_a} pages; the benchmark's evaluate.py: 4-word shingles of \\w+ words, per-page "
              "TP/FP/FN normalised, precision and recall averaged over pages, F1 of the two averages; "
              "accuracy = share of pages with F1 ≥ 0.9)", first),
        table(f"trafilatura_de ({n_b} German pages; trafilatura's comparison_small.py: snippets found/missed, "
              "white space normalised; accuracy = share of snippets judged right)", second),
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
