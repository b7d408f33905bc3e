"""Stages wired together: import files into the store, analyse what is new.

Each function takes an open Store and reports what it did; the CLI prints it.
"""
from __future__ import annotations

import logging
from collections import Counter, deque
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
    try:
        files = list(iter_paths(paths))
    except InputError as error:
        report.errors.append(str(error))
        return report
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


def analyze_store(store: Store, *, everything: bool = False, progress: bool = False, nlp=None) -> Report:
    """Run the NLP stages over articles not yet analysed (or all) and store the results."""
    from .nlp import analyze_many

    report = Report()
    total = store.count_to_analyze(everything=everything)
    if not total:
        return report
    # Streamed by id in batches, so memory stays flat whatever the corpus size.
    ids: deque[int] = deque()

    def texts():
        for article in store.articles_to_analyze(everything=everything):
            ids.append(article["id"])
            yield article["text"], article["published"]

    results = analyze_many(texts(), nlp=nlp)
    for result in tqdm(results, total=total, desc="analyze", unit="article", disable=not progress):
        store.save_analysis(ids.popleft(), result)
        report.counts["analysed"] += 1
    store.prune_entities()
    return report
