"""Stages wired together: import files into the store, analyse what is new.

Each function takes an open Store and reports what it did; the CLI prints it.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from .errors import InputError
from .sources.files import iter_paths, read_documents
from .store import Store

log = logging.getLogger(__name__)


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{n} {what}" for what, n in self.counts.items() if n]
        if self.errors:
            parts.append(f"{len(self.errors)} failed")
        return ", ".join(parts) or "nothing to do"


def import_paths(store: Store, paths: Iterable[str | Path], progress: bool = False) -> Report:
    """Import every document under `paths`; a bad one is reported and skipped."""
    report = Report()
    files = []
    for path in paths:  # a missing path is reported; the others are still imported
        try:
            files += list(iter_paths([path]))
        except InputError as error:
            report.errors.append(str(error))
    for path in tqdm(files, desc="import", unit="file", disable=not progress):
        try:
            for item in read_documents(path):
                if isinstance(item, InputError):
                    report.errors.append(str(item))
                    continue
                _, status = store.save_article(item)
                report.counts[status] += 1
        except InputError as error:
            report.errors.append(str(error))
    return report


def analyze_store(
    store: Store, *, everything: bool = False, progress: bool = False, nlp=None,
    workers: int = 1, engine: str = "local", scheduler: str | None = None, batch_size: int | None = None,
) -> Report:
    """Run the NLP stages over articles not yet analysed (or all) and store the results.

    workers > 1 runs the pipeline in that many processes, engine="dask" on the Dask
    cluster at `scheduler`; this process alone writes, one transaction per batch of
    articles, in id order (workflow_parallel.py), so a stopped run goes on where it stopped.
    """
    from .workflow_parallel import DEFAULT_BATCH_SIZE, analyze_articles

    report = Report()
    analysed = analyze_articles(
        store, everything=everything, progress=progress, nlp=nlp, workers=workers, engine=engine,
        scheduler=scheduler, batch_size=batch_size or DEFAULT_BATCH_SIZE, on_failed=report.errors.append,
    )
    if not analysed:
        return report
    report.counts["analysed"] = analysed
    store.prune_entities()
    return report
