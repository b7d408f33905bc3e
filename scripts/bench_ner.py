"""Speed of the shipped spaCy pipeline on one core: words per second, NER alone and with rules.

Texts: the GermEval 2014 test sentences joined into paragraphs (real German news and
Wikipedia prose) and, where present, the development corpus. Threads are pinned to one.

    python scripts/bench_ner.py [--model models/de_presse] [--append docs/benchmarks.md]
"""
from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import datetime  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts" / "ner"))
sys.path.insert(0, str(ROOT / "src"))
import spacy  # noqa: E402

import presse_mining.nlp.components  # noqa: E402,F401
from prepare_data import read_columns  # noqa: E402

TEST = ROOT.parent / "shared" / "data" / "germeval2014" / "NER-de-test.tsv"


def texts() -> list[str]:
    sentences = [" ".join(w for w, _ in s) for s in read_columns(TEST, 1, 2)]
    return [" ".join(sentences[i:i + 8]) for i in range(0, len(sentences), 8)]


def measure(nlp, docs_in: list[str], enable: list[str], repeat: int = 3) -> float:
    words = sum(len(t.split()) for t in docs_in)
    best = 0.0
    with nlp.select_pipes(enable=enable):
        for _ in range(repeat):
            started = time.perf_counter()
            for _doc in nlp.pipe(docs_in, batch_size=64):
                pass
            best = max(best, words / (time.perf_counter() - started))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(ROOT / "models" / "de_presse"))
    parser.add_argument("--append", type=Path)
    args = parser.parse_args()
    nlp = spacy.load(args.model)
    sample = texts()
    words = sum(len(t.split()) for t in sample)
    rows = [
        ("tokenizer only", measure(nlp, sample, [])),
        ("tok2vec + ner (statistical NER)", measure(nlp, sample, ["tok2vec", "ner"])),
        ("tok2vec + ner + presse_entities (rules)", measure(nlp, sample, ["tok2vec", "ner", "presse_entities"])),
        ("whole shipped pipeline", measure(nlp, sample, nlp.pipe_names)),
    ]
    lines = [
        f"### NER pipeline speed ({datetime.date.today()}, {platform.machine()}, 1 thread, "
        f"{os.cpu_count()} cores shared with other work, `python scripts/bench_ner.py`)",
        "",
        f"{len(sample)} texts, {words:,} words (GermEval 2014 test sentences in paragraphs of 8); best of 3 passes.",
        "",
        "| stage | words/s |",
        "| --- | --- |",
    ] + [f"| {name} | {wps:,.0f} |" for name, wps in rows] + [""]
    print("\n".join(lines))
    if args.append:
        with args.append.open("a", encoding="utf-8") as handle:
            handle.write("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
