"""Benchmark the analysis: words/second per stage, whole runs with 1 and 2 workers, peak memory.

    .venv/bin/python scripts/bench_pipeline.py                       # defaults, appends to docs/benchmarks.md
    .venv/bin/python scripts/bench_pipeline.py --articles 4000 --workers 1,2,4 --no-append
    .venv/bin/python scripts/bench_pipeline.py --memory-sizes 500,2000,8000   # peak memory as N grows
    .venv/bin/python scripts/bench_pipeline.py --profile             # cProfile of the in-process analysis

Each stage's figure is the best of --stage-passes passes (default 3).

The corpus is built by recombining the development texts (default
/work/shared/corpus-dev/texts, or --texts DIR) paragraph by paragraph and
sentence by sentence, so the language is real German press prose; nothing of them
is written into the repository. "Words" are spaCy tokens, as `spacy benchmark
speed` counts them (its published figures are tokens per second).

Stages are timed one after the other in this process on the same docs, after a
warm-up on other articles (the tables a component loads on first use count as
worker start, not as the first stage that happens to touch them): the
tokenizer, each pipeline component (grouped: NER = tok2vec + ner; dates; roles/events),
the fields classifier, the Doc → result conversion and the store (save_analyses
into a fresh database). Whole runs are `presse-mining analyze --workers K` as a
subprocess on a fresh copy of one imported database: wall time, CPU time of the
process tree, and the peak of the tree's summed resident memory (psutil, sampled).
Both wall and CPU figures are printed: on a machine shared with other work, wall
time measures the neighbours too, CPU time does not.

The overhead of the whole run over the NER stage is measured inside one run: `analyze`
with one worker in a fresh process, every component's CPU time added up while the run
goes (TimedStage). Its numerator and denominator then share the same minutes of a
machine whose speed drifts, and the components run interleaved as they do in
production (a component timed alone on warm caches looks cheaper than it is).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import psutil
import spacy

from presse_mining.articles import Article
from presse_mining.nlp import docview
from presse_mining.nlp import fields as fields_stage
from presse_mining.nlp.analysis import analyze_many
from presse_mining.nlp.extract import doc_result
from presse_mining.nlp.pipeline import default_model_path, load_nlp
from presse_mining.store import Store

REPO = Path(__file__).resolve().parents[1]
DEV_TEXTS = Path("/work/shared/corpus-dev/texts")
STAGE_OF = {
    "tok2vec": "NER", "ner": "NER", "transformer": "NER",
    "sentencizer": "sentences", "senter": "sentences", "parser": "sentences",
    "presse_entities": "entity rules",
    "presse_dates": "dates", "presse_roles": "roles/events", "presse_events": "roles/events",
}
# Stages the issue asks for, printed even when the pipeline lacks them (as "not in pipeline").
STAGES = ["tokenizer", "NER", "sentences", "entity rules", "dates", "roles/events", "fields", "result", "store"]


# -- corpus ------------------------------------------------------------------------
def load_pieces(texts_dir: Path) -> tuple[list[str], list[str]]:
    """Paragraphs and sentences of the development texts (header lines dropped)."""
    paragraphs, sentences = [], []
    for path in sorted(texts_dir.glob("*.txt")):
        text = re.sub(r"^\s*date \S+\s*\n", "", path.read_text(encoding="utf-8", errors="replace"))
        for paragraph in re.split(r"\n\s*\n", text):
            paragraph = " ".join(paragraph.split())
            if len(paragraph.split()) < 6:
                continue
            paragraphs.append(paragraph)
            sentences += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„])", paragraph) if len(s.split()) >= 4]
    if not paragraphs:
        sys.exit(f"{texts_dir}: no texts (give --texts DIR with .txt files)")
    return paragraphs, sentences


def build_corpus(n: int, texts_dir: Path, seed: int = 8) -> list[Article]:
    """n articles: a sentence as title, then paragraphs, some whole, some re-mixed from sentences."""
    paragraphs, sentences = load_pieces(texts_dir)
    rng = random.Random(seed)
    start = date(2010, 1, 1)
    articles = []
    for number in range(n):
        body = []
        for _ in range(rng.randint(3, 6)):
            if rng.random() < 0.5:
                body.append(rng.choice(paragraphs))
            else:
                body.append(" ".join(rng.sample(sentences, rng.randint(2, 5))))
        title = rng.choice(sentences)[:120]
        published = (start + timedelta(days=rng.randrange(15 * 365))).isoformat()
        articles.append(Article(text=title + "\n\n" + "\n\n".join(body), title=title, published=published,
                                url=f"bench://article/{number}", source="bench", extractor="bench"))
    return articles


def make_db(articles: list[Article], path: Path) -> None:
    with Store(path) as store:
        for article in articles:
            store.save_article(article)


# -- stages ------------------------------------------------------------------------
class Clock:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def measure_stages(nlp, articles: list[Article], workdir: Path) -> tuple[int, list[tuple[str, str, float, float]]]:
    """(tokens, [(stage, components, wall s, cpu s)]) for the articles, stage by stage."""
    rows = []
    with Clock() as clock:
        docs = [nlp.make_doc(a.text) for a in articles]
        for doc, article in zip(docs, articles):
            docview.set_text(doc, article.text)  # as analyze_many does
    tokens = sum(len(doc) for doc in docs)
    rows.append(("tokenizer", "tokenizer", clock.wall, clock.cpu))
    for doc, article in zip(docs, articles):
        doc._.published = article.published
    for name, component in nlp.pipeline:
        with Clock() as clock:
            if hasattr(component, "pipe"):
                docs = list(component.pipe(docs, batch_size=64))
            else:
                docs = [component(doc) for doc in docs]
        rows.append((STAGE_OF.get(name, name), name, clock.wall, clock.cpu))
    classifier = fields_stage.load_classifier()
    with Clock() as clock:
        fields = [classifier.classify(doc) if classifier else [] for doc in docs]
    if classifier:
        rows.append(("fields", type(classifier).__name__, clock.wall, clock.cpu))
    with Clock() as clock:
        results = []
        for doc, found in zip(docs, fields):
            result = {"published": doc._.published, **doc_result(doc), "fields": found}
            results.append(result)
    rows.append(("result", "doc_result", clock.wall, clock.cpu))
    db = workdir / "stages.db"
    for leftover in (db, db.with_name("stages.db-wal"), db.with_name("stages.db-shm")):   # a fresh store per pass
        leftover.unlink(missing_ok=True)
    make_db(articles, db)
    with Store(db) as store:
        ids = [row[0] for row in store.conn.execute("SELECT id FROM articles ORDER BY id")]
        records = list(zip(ids, results))
        with Clock() as clock:
            for first in range(0, len(records), 64):
                store.save_analyses(records[first:first + 64])
            store.prune_entities()
    rows.append(("store", "save_analyses", clock.wall, clock.cpu))
    return tokens, rows


def warm_up(nlp, articles: list[Article]) -> None:
    """Run everything once on other articles: lazily loaded tables are loaded before the timing."""
    classifier = fields_stage.load_classifier()
    for result_doc in nlp.pipe(a.text for a in articles):
        doc_result(result_doc)
        if classifier:
            classifier.classify(result_doc)


def group(rows):
    """Per-component rows → per-stage rows (summed): the issue's stages first, then any other component."""
    grouped: dict[str, list] = {}
    for stage, component, wall, cpu in rows:
        entry = grouped.setdefault(stage, [[], 0.0, 0.0])
        entry[0].append(component)
        entry[1] += wall
        entry[2] += cpu
    order = STAGES + [stage for stage in grouped if stage not in STAGES]
    return [(stage, "+".join(grouped[stage][0]), grouped[stage][1], grouped[stage][2]) if stage in grouped
            else (stage, None, 0.0, 0.0) for stage in order]


def pipeline_load(env: dict) -> tuple[float, float]:
    """(wall s, CPU s) to start a worker: imports + pipeline + fields classifier, in a fresh process."""
    code = ("import time; w, c = time.perf_counter(), time.process_time()\n"
            "from presse_mining.workflow_parallel import load_worker_pipeline; load_worker_pipeline()\n"
            "print(time.perf_counter() - w, time.process_time() - c)")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    wall, cpu = done.stdout.split()
    return float(wall), float(cpu)


# -- whole runs --------------------------------------------------------------------
def fresh_copy(template: Path, db: Path) -> Path:
    """A copy of the template database at `db`, with no leftovers of an earlier run there."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copy(template, db)
    return db


def whole_run(template: Path, workdir: Path, workers: int, env: dict, batch_size: int) -> dict:
    """`presse-mining analyze --workers K` on a copy of the template: wall, CPU, peak memory."""
    db = fresh_copy(template, workdir / f"run{workers}.db")
    command = [sys.executable, "-m", "presse_mining", "analyze", "--db", str(db), "--workers", str(workers),
               "--batch-size", str(batch_size)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = {"peak": 0, "cpu": {}}
    sampler = threading.Thread(target=sample_tree, args=(process.pid, seen), daemon=True)
    sampler.start()
    out, err = process.communicate()
    wall = time.perf_counter() - started
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        sys.exit(f"analyze --workers {workers} failed:\n{err}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # On idle cores the run takes at least its busiest process's CPU time, and at least
    # the total spread over the cores: an estimate of the wall time free of neighbours.
    busiest = max(seen["cpu"].values(), default=cpu)
    idle_estimate = max(busiest, cpu / min(workers + 1, len(os.sched_getaffinity(0))))
    return {"workers": workers, "wall": wall, "cpu": cpu, "peak_rss": seen["peak"], "output": out.strip(),
            "idle_estimate": idle_estimate, "cpu_by_process": sorted(seen["cpu"].values(), reverse=True)}


# -- the overhead, measured inside one run --------------------------------------------
class TimedStage:
    """A pipeline component that adds up its CPU time. spaCy chains components as generators, so a
    component's clock also runs while it pulls docs from the ones before it: its own time is its
    figure minus theirs (see timed_run)."""

    def __init__(self, component, spent: dict, name: str):
        self.component, self.spent, self.name = component, spent, name
        spent[name] = 0.0

    def __call__(self, doc):
        return next(self.pipe([doc]))

    def pipe(self, docs, **kwargs):
        inner = self.component.pipe(docs, **kwargs) if hasattr(self.component, "pipe") else map(self.component, docs)
        while True:
            started = time.process_time()
            doc = next(inner, None)
            self.spent[self.name] += time.process_time() - started
            if doc is None:
                return
            yield doc


def timed_tokenizer(tokenizer, spent: dict):
    """The tokenizer, adding up its CPU time under "tokenizer"."""
    spent["tokenizer"] = 0.0

    def tokenize(text):
        started = time.process_time()
        doc = tokenizer(text)
        spent["tokenizer"] += time.process_time() - started
        return doc

    return tokenize


def timed_run(db: Path, model: str | None, batch_size: int) -> dict:
    """`analyze` with one worker, in this process, on `db`, timing every component inside the run.

    The overhead target compares the whole run with the NER stage alone. Timed in separate passes,
    that ratio moved by tens of points on a shared machine whose speed drifts between minutes; timed
    inside one run, numerator and denominator share the same minutes."""
    from presse_mining.workflow_parallel import analyze_articles, load_worker_pipeline

    load_worker_pipeline(model)   # as a worker starts: pipeline, fields classifier, warm-up
    nlp = load_nlp(model)         # the worker's pipeline (load_nlp caches it)
    spent: dict[str, float] = {}
    nlp.tokenizer = timed_tokenizer(nlp.tokenizer, spent)
    nlp._components = [(name, TimedStage(c, spent, name)) for name, c in nlp._components]  # no public hook
    with Store(db) as store:
        started = time.process_time()
        analyze_articles(store, nlp=nlp, workers=1, batch_size=batch_size)
        total = time.process_time() - started
    own, before = {"tokenizer": spent["tokenizer"]}, spent["tokenizer"]
    for name in nlp.pipe_names:   # cumulative (each pulls from the ones before it) → own
        own[name], before = spent[name] - before, spent[name]
    own["fields, result, store"] = total - before
    return {"total": total, "own": own}


def timed_run_subprocess(template: Path, workdir: Path, env: dict, batch_size: int) -> dict:
    """timed_run in a fresh process (cold caches, like a worker), on a copy of the template."""
    db = fresh_copy(template, workdir / "timed.db")
    done = subprocess.run([sys.executable, __file__, "--timed-run", str(db), "--batch-size", str(batch_size)],
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"timed run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def sample_tree(pid: int, seen: dict) -> None:
    """Every 50 ms: the summed RSS of a process and its descendants (keeps the peak), and each one's CPU time."""
    try:
        root = psutil.Process(pid)
        while root.is_running() and root.status() != psutil.STATUS_ZOMBIE:
            total = 0
            for process in [root, *root.children(recursive=True)]:
                try:
                    with process.oneshot():
                        total += process.memory_info().rss
                        times = process.cpu_times()
                    seen["cpu"][process.pid] = times.user + times.system
                except psutil.Error:
                    pass
            seen["peak"] = max(seen["peak"], total)
            time.sleep(0.05)
    except psutil.Error:
        pass


# -- report ------------------------------------------------------------------------
def machine() -> str:
    model = platform.processor() or "cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 2**30
    return (f"{model}, {psutil.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), {memory:.0f} GiB, "
            f"load average {os.getloadavg()[0]:.1f} at start; Python {platform.python_version()}, spaCy {spacy.__version__}")


def rate(tokens: int, seconds: float) -> str:
    return f"{tokens / seconds:,.0f}" if seconds > 0 else "-"


def report(args, nlp, model: Path, stage_tokens, stages, load, runs, run_tokens, run_articles, scaling) -> str:
    ner = [r for r in stages if r[0] == "NER"]
    tokenizer = [r for r in stages if r[0] == "tokenizer"]
    lines = [
        f"## Analysis pipeline (`scripts/bench_pipeline.py`), {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        f"- machine: {machine()}",
        f"- pipeline: {', '.join(nlp.pipe_names) or '(none)'} "
        f"({'trained model ' + str(model) if model.exists() else 'no trained model at ' + str(model) + ': blank German tokenizer'})"
        f"; fields classifier: {type(fields_stage.load_classifier()).__name__ if fields_stage.load_classifier() else 'none'}",
        f"- corpus: development texts recombined (seed {args.seed}); stages on {args.stage_articles} articles (best of {args.stage_passes} passes) "
        f"({stage_tokens:,} tokens), whole runs on {run_articles} articles ({run_tokens:,} tokens), batch size {args.batch_size}",
        f"- command: `python scripts/bench_pipeline.py {' '.join(sys.argv[1:])}`".rstrip(),
        "",
        "| stage | components | words/s (CPU) | words/s (wall) | share of CPU |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    total_cpu = sum(r[3] for r in stages)
    for stage, components, wall, cpu in stages:
        if components is None:
            lines.append(f"| {stage} | not in pipeline | | | |")
            continue
        lines.append(f"| {stage} | {components} | {rate(stage_tokens, cpu)} | {rate(stage_tokens, wall)} | "
                     f"{100 * cpu / total_cpu:.0f}% |")
    lines.append(f"| **all stages** | | **{rate(stage_tokens, total_cpu)}** | "
                 f"{rate(stage_tokens, sum(r[2] for r in stages))} | 100% |")
    lines += ["", f"Starting a worker (imports, pipeline, fields classifier): {load[0]:.1f} s wall, {load[1]:.1f} s CPU.",
              "", "| whole run (`analyze`) | wall s | words/s (wall) | CPU s | words/s per CPU s | "
              "same, worker starts excluded | speed-up (wall) | speed-up (CPU estimate, idle cores) | peak memory | "
              "CPU s by process |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    base = runs[0] if runs else None
    for run in runs:
        steady = run["cpu"] - run["workers"] * load[1]
        lines.append(f"| --workers {run['workers']} | {run['wall']:.1f} | {rate(run_tokens, run['wall'])} | "
                     f"{run['cpu']:.1f} | {rate(run_tokens, run['cpu'])} | {rate(run_tokens, steady)} | "
                     f"{base['wall'] / run['wall']:.2f}× | {base['idle_estimate'] / run['idle_estimate']:.2f}× | "
                     f"{run['peak_rss'] / 2**20:,.0f} MB | "
                     f"{', '.join(f'{c:.1f}' for c in run['cpu_by_process'] if c >= 0.05)} |")
    if scaling:
        lines += ["", f"| articles (--workers {args.scaling_workers}) | wall s | peak memory |", "| ---: | ---: | ---: |"]
        for n, run in scaling:
            lines.append(f"| {n:,} | {run['wall']:.1f} | {run['peak_rss'] / 2**20:,.0f} MB |")
    lines.append("")
    if ner and ner[0][1] is not None:
        # the overhead of the whole run is measured inside one run (report_timed_run): a whole
        # run set against this table's NER, timed minutes apart, swung by tens of points
        ner_cpu = sum(r[3] for r in ner + tokenizer) / stage_tokens
        after_ner = [r for r in stages if r[0] not in ("tokenizer", "NER") and r[1] is not None]
        rest = sum(r[3] for r in after_ner)
        no_fields = sum(r[3] for r in after_ner if r[0] != "fields")
        lines.append(f"From the stage table: everything after NER costs {100 * rest / (ner_cpu * stage_tokens):.0f}% "
                     f"of tokenizer + NER, {100 * no_fields / (ner_cpu * stage_tokens):.0f}% without the fields "
                     "classifier.")
    else:
        lines.append("Overhead over NER alone: not measurable, the pipeline has no NER component.")
    lines.append("")
    return "\n".join(lines)


def report_timed_run(timed: dict, tokens: int, articles: int) -> str:
    own, total = timed["own"], timed["total"]
    ner = own["tokenizer"] + sum(own.get(name, 0.0) for name, stage in STAGE_OF.items() if stage == "NER")
    lines = [f"Inside one run (`analyze`, one worker, one process, {articles} articles, worker start excluded), "
             f"each component timed in the run itself:", "",
             "| component | CPU s | words/s (CPU) | share |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {name} | {seconds:.2f} | {rate(tokens, seconds)} | {100 * seconds / total:.0f}% |"
              for name, seconds in own.items()]
    lines += [f"| **whole run** | **{total:.2f}** | **{rate(tokens, total)}** | 100% |", "",
              f"**Overhead of the whole run over tokenizer + NER, measured in this one run: "
              f"{100 * (total - ner) / ner:.0f}%** ({total - ner:.2f} s on top of {ner:.2f} s).", ""]
    return "\n".join(lines)


def profile(nlp, articles: list[Article], workdir: Path, top: int) -> str:
    """cProfile of the in-process path: analyze_many + save_analyses."""
    db = workdir / "profile.db"
    make_db(articles, db)
    profiler = cProfile.Profile()
    with Store(db) as store:
        rows = [(r[0], r[1], r[2]) for r in store.conn.execute("SELECT id, text, published FROM articles ORDER BY id")]
        profiler.enable()
        results = analyze_many(((text, published) for _, text, published in rows), nlp=nlp)
        records = [(article_id, result) for (article_id, _, _), result in zip(rows, results)]
        for first in range(0, len(records), 64):
            store.save_analyses(records[first:first + 64])
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def scaling_runs(args, env: dict, sizes: list[int], workdir: Path) -> list[tuple[int, dict]]:
    """`analyze --workers K` on corpora of each size: wall time and peak memory."""
    scaling = []
    for n in sizes:
        make_db(build_corpus(n, args.texts, args.seed + 2), workdir / f"scaling{n}.db")
        scaling.append((n, whole_run(workdir / f"scaling{n}.db", workdir, args.scaling_workers, env, args.batch_size)))
        print(f"{n} articles: {scaling[-1][1]['peak_rss'] / 2**20:.0f} MB", file=sys.stderr)
    return scaling


def memory_only(args, env: dict, sizes: list[int]) -> None:
    """--memory-only: the memory table alone (a 100,000-article run takes half an hour)."""
    with tempfile.TemporaryDirectory(prefix="bench_pipeline_") as tmp:
        scaling = scaling_runs(args, env, sizes, Path(tmp))
    lines = [f"## Peak memory as the corpus grows (`scripts/bench_pipeline.py --memory-only`), "
             f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC", "",
             f"- machine: {machine()}",
             f"- command: `python scripts/bench_pipeline.py --memory-only --memory-sizes {args.memory_sizes}"
             f" --scaling-workers {args.scaling_workers}`", "",
             f"| articles (--workers {args.scaling_workers}) | wall s | CPU s | peak memory | `analyze` reported |",
             "| ---: | ---: | ---: | ---: | --- |"]
    for n, run in scaling:
        lines.append(f"| {n:,} | {run['wall']:.1f} | {run['cpu']:.1f} | {run['peak_rss'] / 2**20:,.0f} MB | "
                     f"{run['output']} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_append:
        with args.out.open("a", encoding="utf-8") as out:
            out.write("\n" + text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles in the whole runs")
    parser.add_argument("--stage-articles", type=int, default=500, help="articles for the per-stage timing")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts for whole runs")
    parser.add_argument("--stage-passes", type=int, default=3, help="per-stage timing: best of this many passes")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--memory-sizes", default="", help="comma-separated corpus sizes: peak memory as N grows")
    parser.add_argument("--scaling-workers", type=int, default=2)
    parser.add_argument("--memory-only", action="store_true",
                        help="only the whole runs of --memory-sizes (peak memory as N grows), no speed tables")
    parser.add_argument("--texts", type=Path, default=DEV_TEXTS, help="folder of .txt development texts")
    parser.add_argument("--model", type=Path, help="trained pipeline (default: models/de_presse or PRESSE_MODEL)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the in-process analysis")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--no-append", action="store_true", help="print only, do not append to --out")
    parser.add_argument("--timed-run", type=Path, help=argparse.SUPPRESS)   # internal: timed_run_subprocess
    args = parser.parse_args()
    if args.timed_run:
        print(json.dumps(timed_run(args.timed_run, str(args.model) if args.model else None, args.batch_size)))
        return

    model = args.model or default_model_path()
    env = dict(os.environ, **({"PRESSE_MODEL": str(model)} if args.model else {}))
    nlp = load_nlp(str(model) if args.model else None)
    workers = [int(w) for w in args.workers.split(",") if w]
    sizes = [int(n) for n in args.memory_sizes.split(",") if n]
    if args.memory_only:
        return memory_only(args, env, sizes)
    with tempfile.TemporaryDirectory(prefix="bench_pipeline_") as tmp:
        workdir = Path(tmp)
        stage_corpus = build_corpus(args.stage_articles, args.texts, args.seed)
        warm_up(nlp, build_corpus(20, args.texts, args.seed + 3))
        if args.profile:
            print(profile(nlp, stage_corpus, workdir, 30))
        # best of N passes per stage, as `spacy benchmark speed` and bench_ner do: a single pass
        # on a shared machine moved the NER figure (the denominator of the overhead) by 30%
        passes = [measure_stages(nlp, stage_corpus, workdir) for _ in range(args.stage_passes)]
        stage_tokens = passes[0][0]
        stage_rows = [min(same, key=lambda row: row[3]) for same in zip(*(rows for _, rows in passes))]
        stages = group(stage_rows)
        load = pipeline_load(env)
        del stage_corpus
        corpus = build_corpus(args.articles, args.texts, args.seed + 1)
        run_tokens = sum(len(nlp.make_doc(a.text)) for a in corpus)
        template = workdir / "template.db"
        make_db(corpus, template)
        del corpus
        timed = timed_run_subprocess(template, workdir, env, args.batch_size)
        runs = []
        for k in workers:
            runs.append(whole_run(template, workdir, k, env, args.batch_size))
            print(f"--workers {k}: {runs[-1]['output']} in {runs[-1]['wall']:.1f} s; CPU s by process: "
                  + ", ".join(f"{c:.1f}" for c in runs[-1]["cpu_by_process"]), file=sys.stderr)
        scaling = scaling_runs(args, env, sizes, workdir)
    text = report(args, nlp, model, stage_tokens, stages, load, runs, run_tokens, args.articles, scaling)
    text += report_timed_run(timed, run_tokens, args.articles)
    print(text)
    if not args.no_append:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        new = not args.out.exists()
        with args.out.open("a", encoding="utf-8") as out:
            if new:
                out.write("# Benchmarks\n\nMeasured figures, newest last; each section says the machine, the date "
                          "and the command that reproduces it.\n\n")
            out.write("\n" + text)
        print(f"appended to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
