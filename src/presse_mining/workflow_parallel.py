"""Analyse the store's articles at volume: worker processes or a Dask cluster, one writer.

Workers load the pipeline once and turn batches of (article_id, text, published)
into plain (article_id, result) records. The calling process is the only one that
writes SQLite (it allows one writer): one transaction per batch, batches in
article-id order. So the database is the same whatever the number of workers
(entity ids are assigned in write order), and a killed run resumes at the first
batch that was not committed (those articles still have analyzed_at NULL).

Memory stays bounded whatever the corpus size: articles are read from the store
in id order as they are needed, and at most `in_flight` batches are out at once.
"""
from __future__ import annotations

import logging
import math
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice

from tqdm import tqdm

from .errors import PresseError

log = logging.getLogger(__name__)

Batch = list[tuple[int, str, "str | None"]]
Records = list[tuple[int, dict]]

DEFAULT_BATCH_SIZE = 64
ENGINES = ("local", "dask")

# The pipeline of this worker process, loaded once by load_worker_pipeline().
_worker_nlp = None
# Why it could not be loaded: reported with the first batch (an initializer that raises
# only breaks the pool, and the parent would never learn the reason).
_worker_error: str | None = None
# spaCy pipelines are not documented as thread-safe; a Dask worker may run several threads.
_worker_lock = threading.Lock()


def default_workers() -> int:
    """The cores this process may use (taskset and affinity respected where the OS tells)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# One thread per worker process: numpy's OpenBLAS and scikit-learn's OpenMP otherwise
# start a thread per core in every worker, N workers on N cores then run N² threads.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "BLIS_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1"}
# Analysed once at a worker's start so that every table the components load lazily
# (lemma table, place register, role nouns) is loaded then, not during the first batch.
WARM_UP_TEXT = ("Soest. Landrat Frank Beckehoff begrüßte am Mittwoch, 17. Januar 2013, im Kreishaus "
                "die Teilnehmer des Netzwerktreffens des Kommunalen Integrationszentrums des Kreises Soest. "
                "Am 3. März 2013 folgt ein Workshop in Olpe.")


def load_worker_pipeline(model: str | None = None) -> None:
    """Worker initializer: load the spaCy pipeline and the fields classifier once, and warm them up."""
    global _worker_nlp
    from .nlp.analysis import analyze_many
    from .nlp.fields import load_classifier
    from .nlp.pipeline import load_nlp

    _worker_nlp = load_nlp(model)
    load_classifier()
    list(analyze_many([(WARM_UP_TEXT, "2013-01-20")], nlp=_worker_nlp))


def _start_local_worker(model: str | None, parent: int) -> None:
    """ProcessPoolExecutor initializer: exit with the parent, then load the pipeline.

    A worker blocked on the task queue never sees the parent go (it holds both ends
    of the queue's pipe itself), so after a kill -9 of the parent it would wait forever.
    """
    def exit_when_orphaned() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    global _worker_error
    threading.Thread(target=exit_when_orphaned, name="exit-with-parent", daemon=True).start()
    for name, value in ONE_THREAD.items():  # before numpy is imported: the libraries read them at load
        os.environ.setdefault(name, value)
    try:
        load_worker_pipeline(model)
    except Exception as error:
        _worker_error = str(error) if isinstance(error, PresseError) else f"{type(error).__name__}: {error}"


def analyze_batch(batch: Batch, nlp=None) -> Records:
    """One batch of (article_id, text, published) → [(article_id, result dict)], in order.

    An article the pipeline fails on gets {"error": "..."} instead of a result, so
    one bad text costs its own analysis, not its batch's or the run's.
    """
    from .nlp.analysis import analyze_many

    def run(pipeline) -> Records:
        try:
            results = analyze_many(((text, published) for _, text, published in batch), nlp=pipeline)
            return [(article_id, result) for (article_id, _, _), result in zip(batch, results, strict=True)]
        except Exception:
            if len(batch) == 1:
                raise
        records = []
        for article_id, text, published in batch:  # find the culprit: one article at a time
            try:
                records.append((article_id, next(analyze_many([(text, published)], nlp=pipeline))))
            except Exception as error:
                log.warning("article %s: analysis failed", article_id, exc_info=True)
                records.append((article_id, {"error": f"{type(error).__name__}: {error}"}))
        return records

    if nlp is not None:
        return run(nlp)
    if _worker_error is not None:
        raise PresseError(f"a worker cannot load the pipeline: {_worker_error}")
    if _worker_nlp is None:
        load_worker_pipeline()
    with _worker_lock:
        return run(_worker_nlp)


def analyze_articles(
    store,
    *,
    everything: bool = False,
    progress: bool = False,
    nlp=None,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    model: str | None = None,
    on_failed: Callable[[str], object] = log.error,
) -> int:
    """Analyse the articles not yet analysed (or all) and store the results; returns how many.

    An article the pipeline fails on is passed to `on_failed` (one line) and left
    unanalysed; the others are stored.

    workers == 1: in this process (with `nlp` if given). workers > 1: that many
    processes (spawned, each loads the pipeline from `model`, default
    models/de_presse or PRESSE_MODEL). engine="dask": the Dask cluster at `scheduler`.
    """
    if engine not in ENGINES:
        raise PresseError(f"unknown engine {engine!r} (use one of: {', '.join(ENGINES)})")
    if batch_size < 1 or workers < 1:
        raise PresseError("--workers and --batch-size must be at least 1")
    total = store.count_to_analyze(everything=everything)
    if not total:
        return 0
    batches = _batches(store, everything, batch_size)
    bar = tqdm(total=total, desc="analyze", unit="article", disable=not progress)
    try:
        if engine == "dask":
            if not scheduler:
                raise PresseError("--engine dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
            from .workflow_dask import analyze_on_cluster

            return analyze_on_cluster(store, batches, scheduler, model=model, on_written=bar.update,
                                      on_failed=on_failed)
        # Never more processes than batches: starting a worker costs a pipeline load.
        workers = min(workers, math.ceil(total / batch_size))
        if workers == 1:
            return write_in_order(store, batches, lambda batch: _Done(analyze_batch(batch, nlp)), 1, bar.update,
                                  on_failed)
        if nlp is not None:
            raise PresseError("worker processes load the pipeline themselves: pass `model`, not `nlp`")
        return _with_processes(store, batches, workers, model, bar.update, on_failed)
    finally:
        bar.close()


def write_in_order(
    store, batches: Iterator[Batch], submit: Callable[[Batch], object], in_flight: int,
    on_written: Callable[[int], object] = lambda n: None, on_failed: Callable[[str], object] = log.error,
) -> int:
    """Submit batches (at most `in_flight` outstanding) and write their results in submission order.

    `submit(batch)` returns anything with `.result()` (a concurrent.futures or Dask
    future). Waiting for the oldest first keeps the write order, and so the ids, fixed.
    """
    pending: deque = deque()
    written = 0

    def write_oldest() -> None:
        nonlocal written
        records = pending.popleft().result()
        written += store.save_analyses([(i, result) for i, result in records if "error" not in result])
        for article_id, result in records:
            if "error" in result:  # left unanalysed: the next run tries it again
                on_failed(f"article {article_id}: analysis failed ({result['error']})")
        on_written(len(records))

    for batch in batches:
        pending.append(submit(batch))
        while len(pending) >= in_flight:
            write_oldest()
    while pending:
        write_oldest()
    return written


def _with_processes(store, batches: Iterator[Batch], workers: int, model: str | None, on_written, on_failed) -> int:
    # spawn: a clean interpreter per worker (fork would copy the parent's SQLite
    # connection and threads); the pipeline is loaded once per worker, not per batch.
    context = multiprocessing.get_context("spawn")
    executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_local_worker,
                                   initargs=(model, os.getpid()))
    try:
        written = write_in_order(
            store, batches, lambda batch: executor.submit(analyze_batch, batch), 2 * workers, on_written, on_failed
        )
    except BrokenProcessPool:
        raise PresseError(
            "an analysis worker process died (killed, or out of memory); what was written is kept: "
            "run analyze again to resume"
        ) from None
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    return written


def _batches(store, everything: bool, batch_size: int) -> Iterator[Batch]:
    articles = store.articles_to_analyze(everything=everything)
    rows = ((a["id"], a["text"], a["published"]) for a in articles)
    while batch := list(islice(rows, batch_size)):
        yield batch


class _Done:
    """A result computed in this process, shaped like a future."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value
