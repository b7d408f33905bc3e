"""Batch analysis at volume: worker processes, kill -9 and resume, the Dask engine.

Every run analyses the same small corpus (sentences of corpus/*.txt recombined
into articles) with a pipeline that finds many entities (an entity ruler saved as
the model, PRESSE_MODEL), and the databases are compared table by table, ids
included, timestamps excluded. The fields classifier is left out (PRESSE_FIELDS_MODEL
points nowhere): these tests are about the engines, not about a model being retrained.
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from presse_mining.articles import Article
from presse_mining.cli import cli
from presse_mining.nlp import fields, load_nlp
from presse_mining.store import Store
from presse_mining.workflow import analyze_store

REPO = Path(__file__).resolve().parents[1]
TABLES = ("articles", "entities", "mentions", "dates", "roles", "events", "event_participants",
          "article_fields", "field_evidence")
TIMESTAMPS = {"analyzed_at"}
N = 120  # articles: enough batches to kill a run in the middle, few enough to stay fast


def make_corpus(n: int, seed: int = 8) -> list[Article]:
    sentences = []
    for path in sorted((REPO / "corpus").glob("*.txt")):
        text = re.sub(r"^\s*date \S+\s*\n", "", path.read_text(encoding="utf-8"))
        sentences += [s for s in re.split(r"(?<=[.!?“])\s+", " ".join(text.split())) if len(s.split()) > 3]
    rng = random.Random(seed)
    articles = []
    for number in range(n):
        body = " ".join(rng.sample(sentences, 8))
        articles.append(Article(text=f"Meldung {number}\n\n{body}", title=f"Meldung {number}",
                                published=f"20{rng.randint(12, 21)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                                url=f"https://example.org/meldung/{number}"))
    return articles


@pytest.fixture(autouse=True)
def no_fields_classifier(monkeypatch):
    """In this process, as PRESSE_FIELDS_MODEL in env_with does for the workers."""
    monkeypatch.setattr(fields, "load_classifier", lambda: None)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    """A stand-in for the trained model that finds many entities, deterministically."""
    import spacy

    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": "ORG", "pattern": [{"TEXT": {"REGEX": r"^(Kreis|Integrations|Caritas|Diakonie)\w*$"}}]},
        {"label": "LOC", "pattern": [{"TEXT": {"IN": ["Siegen", "Olpe", "Hemer", "Soest", "Siegburg", "NRW"]}}]},
        {"label": "PER", "pattern": [{"TEXT": {"IN": ["Frau", "Herr", "Landrat", "Bürgermeister"]}},
                                     {"IS_TITLE": True}]},
        {"label": "MISC", "pattern": [{"IS_TITLE": True, "LENGTH": {">=": 12}}]},
    ])
    path = tmp_path_factory.mktemp("model") / "de_test"
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "corpus.db"
    with Store(path) as store:
        for article in make_corpus(N):
            store.save_article(article)
    return path


@pytest.fixture(scope="module")
def reference_db(corpus_db, model_dir, tmp_path_factory) -> Path:
    """The corpus analysed in one process: what every other way must reproduce."""
    path = tmp_path_factory.mktemp("reference") / "reference.db"
    shutil.copy(corpus_db, path)
    with pytest.MonkeyPatch.context() as patch, Store(path) as store:
        patch.setattr(fields, "load_classifier", lambda: None)  # as in the workers (env_with)
        report = analyze_store(store, workers=1, nlp=load_nlp(str(model_dir)))
    assert report.counts["analysed"] == N
    return path


def analyze_command(db: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "presse_mining", "analyze", "--db", str(db), *options]


def env_with(model_dir: Path) -> dict:
    return {**os.environ, "PRESSE_MODEL": str(model_dir), "PRESSE_FIELDS_MODEL": str(model_dir / "no-fields-model")}


def contents(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        tables = {}
        for table in TABLES:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] not in TIMESTAMPS]
            select = ", ".join(f'"{c}"' for c in columns)
            tables[table] = sorted(conn.execute(f"SELECT {select} FROM {table}").fetchall(), key=repr)
        return tables
    finally:
        conn.close()


def analysed(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute("SELECT count(*) FROM articles WHERE analyzed_at IS NOT NULL").fetchone()[0]
    except sqlite3.OperationalError:  # busy for a moment: the writer is committing
        return 0
    finally:
        conn.close()


def assert_same_database(db: Path, reference: Path) -> None:
    ours, theirs = contents(db), contents(reference)
    for table in TABLES:
        assert ours[table] == theirs[table], f"{table} differs"


def test_reference_finds_what_the_comparison_needs(reference_db):
    tables = contents(reference_db)
    assert len(tables["entities"]) > 50 and len(tables["mentions"]) > 500
    assert len(tables["dates"]) > 50
    assert all(row[-1] is not None for row in sqlite3.connect(reference_db).execute("SELECT analyzed_at FROM articles"))


def test_two_workers_killed_and_restarted_give_the_same_database(corpus_db, reference_db, model_dir, tmp_path):
    db = tmp_path / "killed.db"
    shutil.copy(corpus_db, db)
    command = analyze_command(db, "--workers", "2", "--batch-size", "4")
    # Its own session, so that the workers can be cleaned up whatever happens.
    run = subprocess.Popen(command, env=env_with(model_dir), start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while analysed(db) < 8 and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=10)
        at_kill = analysed(db)
        assert 0 < at_kill < N, f"kill came too late to test a resume ({at_kill} of {N} analysed)"
        # The workers notice that their parent is gone and stop.
        assert wait_until_gone(run.pid, timeout=20), "worker processes outlived the killed run"
    finally:
        try:
            os.killpg(run.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert at_kill % 4 == 0, "a batch was written in part"
    resumed = subprocess.run(command, env=env_with(model_dir), capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert f"analyze: {N - at_kill} analysed" in resumed.stdout
    assert_same_database(db, reference_db)


def wait_until_gone(session: int, timeout: float) -> bool:
    """True once no process of the session (process group) `session` is left."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(session, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_dask_cluster_gives_the_same_database_as_the_local_run(corpus_db, reference_db, model_dir, tmp_path,
                                                               monkeypatch):
    distributed = pytest.importorskip("distributed")
    db = tmp_path / "dask.db"
    shutil.copy(corpus_db, db)
    for name in ("PRESSE_MODEL", "PRESSE_FIELDS_MODEL"):  # the workers load their pipeline as env_with says
        monkeypatch.setenv(name, env_with(model_dir)[name])
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = CliRunner().invoke(cli, ["analyze", "--db", str(db), "--engine", "dask",
                                          "--scheduler", cluster.scheduler_address, "--batch-size", "16"])
        assert result.exit_code == 0, result.output
        assert f"analyze: {N} analysed" in result.output
        # The plugin loaded the pipeline in every worker.
        with distributed.Client(cluster, set_as_default=False) as client:
            assert all(client.run(lambda: __import__("presse_mining.workflow_parallel").workflow_parallel._worker_nlp
                                  is not None).values())
    assert_same_database(db, reference_db)


def test_a_batch_is_written_all_or_nothing(corpus_db, tmp_path):
    db = tmp_path / "batch.db"
    shutil.copy(corpus_db, db)
    good = {"published": None, "entities": [{"text": "Olpe", "label": "LOC", "start": 0, "end": 4, "canonical": "Olpe"}],
            "dates": [], "roles": [], "events": [], "fields": []}
    bad = {**good, "entities": [{"text": "x", "label": "PER", "start": None, "end": 1, "canonical": "x"}]}
    with Store(db) as store:
        with pytest.raises(sqlite3.IntegrityError):  # the third article's mention has no offset
            store.save_analyses([(1, good), (2, good), (3, bad)])
        assert store.counts()["mentions"] == 0
        assert store.count_to_analyze() == N
        assert store.save_analyses([(1, good), (2, good)]) == 2
        assert store.counts()["mentions"] == 2 and store.counts()["entities"] == 1
        assert store.count_to_analyze() == N - 2


def test_dask_engine_without_scheduler_is_a_one_line_error(corpus_db, tmp_path):
    db = tmp_path / "x.db"
    shutil.copy(corpus_db, db)
    result = CliRunner().invoke(cli, ["analyze", "--db", str(db), "--engine", "dask"])
    assert result.exit_code == 1
    assert "Error: --engine dask needs --scheduler ADDRESS" in result.output


def test_an_article_the_pipeline_fails_on_is_reported_and_left_for_the_next_run(tmp_path):
    import spacy
    from spacy.language import Language

    @Language.component("test_fails_on_kaputt")
    def fails_on_kaputt(doc):
        if "KAPUTT" in doc.text:
            raise ValueError("cannot read this")
        return doc

    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("test_fails_on_kaputt")
    db = tmp_path / "fail.db"
    with Store(db) as store:
        for number, article in enumerate(make_corpus(10)):
            if number == 5:
                article.text += " KAPUTT"
            store.save_article(article)
        report = analyze_store(store, nlp=nlp, batch_size=4)
        assert report.counts["analysed"] == 9
        assert report.errors == ["article 6: analysis failed (ValueError: cannot read this)"]
        unanalysed = store.conn.execute("SELECT id FROM articles WHERE analyzed_at IS NULL").fetchall()
        assert unanalysed == [(6,)]


def test_a_pipeline_the_workers_cannot_load_is_a_one_line_error(corpus_db, tmp_path):
    db = tmp_path / "broken.db"
    shutil.copy(corpus_db, db)
    broken = tmp_path / "broken_model"
    broken.mkdir()
    (broken / "config.cfg").write_text("this is not a spaCy config\n")
    done = subprocess.run(analyze_command(db, "--workers", "2", "--batch-size", "4"), env=env_with(broken),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("Error: a worker cannot load the pipeline:")
    assert "Traceback" not in done.stderr
    assert analysed(db) == 0


def test_the_fast_document_views_agree_with_spacy(model_dir):
    """The rule components read the Doc through nlp.docview (cached text, word positions,
    sentence lookups); on real texts these give what spaCy's own API gives, and an
    analysis with the cached text equals one of a Doc straight from nlp(text)."""
    from presse_mining.nlp import docview
    from presse_mining.nlp.analysis import analyze_many
    from presse_mining.nlp.extract import doc_result

    nlp = load_nlp(str(model_dir))
    articles = make_corpus(12, seed=3)
    for article in articles:
        doc = nlp(article.text)
        assert docview.text(doc) == doc.text == article.text

        def capitalised(word):
            return word[:1].isupper()

        assert docview.positions(doc, capitalised) == [t.i for t in doc if capitalised(t.text)]
        assert docview.positions(doc, lambda word: False) == []
        sentences = docview.Sentences(doc)
        assert all(sentences.of(t.i) == t.sent for t in doc)
        assert all(sentences.ents_in(sent) == list(sent.ents) for sent in doc.sents)
    plain = []
    for article in articles:
        doc = nlp.make_doc(article.text)  # no cached text: the components compute it themselves
        doc._.published = article.published
        plain.append({"published": article.published, **doc_result(nlp(doc)), "fields": []})
    assert list(analyze_many(((a.text, a.published) for a in articles), nlp=nlp)) == plain
