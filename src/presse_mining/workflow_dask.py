"""The analysis on a Dask distributed cluster (`presse-mining analyze --engine dask`).

Each Dask worker loads the pipeline once (PipelinePlugin); batches of articles go
out as tasks, plain (article_id, result) records come back, and this process, the
single writer, stores them in article-id order (workflow_parallel.write_in_order), so
the database is the same as a local run's. Workers need presse_mining (and the
trained model, at models/de_presse or PRESSE_MODEL) installed where they run.
"""
from __future__ import annotations

import logging

from .errors import PresseError
from .workflow_parallel import analyze_batch, load_worker_pipeline, write_in_order

try:
    from distributed import Client, WorkerPlugin
except ImportError:  # the optional extra is not installed
    raise PresseError(
        "the dask engine needs Dask distributed: pip install 'presse_mining[dask]' (or 'dask[distributed]')"
    ) from None

log = logging.getLogger(__name__)

PLUGIN_NAME = "presse-mining-pipeline"


class PipelinePlugin(WorkerPlugin):
    """Loads the spaCy pipeline and fields classifier once in every worker, also in ones that join later."""

    def __init__(self, model: str | None = None):
        self.model = model

    def setup(self, worker) -> None:
        load_worker_pipeline(self.model)


def analyze_on_cluster(store, batches, scheduler: str, *, model: str | None = None, on_written=lambda n: None,
                       on_failed=log.error, timeout: float = 30) -> int:
    try:
        client = Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise PresseError(f"{scheduler}: cannot reach the Dask scheduler ({error})") from None
    with client:
        try:
            client.register_plugin(PipelinePlugin(model), name=PLUGIN_NAME)
        except Exception as error:  # raised on a worker: missing package, model or memory
            raise PresseError(f"{scheduler}: a worker cannot load the pipeline ({type(error).__name__}: {error}); "
                              "install presse_mining and the model on every worker") from None
        threads = sum(client.nthreads().values())
        if not threads:
            raise PresseError(f"{scheduler}: the Dask cluster has no workers")
        log.info("dask cluster %s: %d worker threads", scheduler, threads)
        # Two batches per worker thread keep every worker busy while this process writes.
        return write_in_order(
            store, batches, lambda batch: client.submit(analyze_batch, batch, pure=False), 2 * threads, on_written,
            on_failed,
        )
