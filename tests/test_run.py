"""The main job end to end: `run` on the seeds, idempotency, kill -9 and restart, `extract`."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from presse_mining.cli import cli

TABLES = {
    "articles": "SELECT url, title, published, text, content_hash FROM articles ORDER BY id",
    "entities": "SELECT id, label, name FROM entities ORDER BY id",
    "mentions": 'SELECT article_id, entity_id, text, start, "end" FROM mentions ORDER BY id',
    "dates": 'SELECT article_id, text, value, start, "end" FROM dates ORDER BY id',
    "roles": "SELECT article_id, person_id, role, organisation_id FROM roles ORDER BY id",
    "events": "SELECT article_id, type, title, date, time, place, venue FROM events ORDER BY id",
    # event ids are new on re-analysis; compare what the participations say
    "event_participants": "SELECT e.article_id, e.title, e.date, p.entity_id, p.kind FROM event_participants p"
                          " JOIN events e ON e.id = p.event_id ORDER BY 1, 2, 3, 4, 5",
    "article_fields": "SELECT * FROM article_fields ORDER BY article_id, field",
}


def snapshot(db_path: Path) -> dict:
    with sqlite3.connect(db_path) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in TABLES.items()}


def test_run_fills_the_store_and_a_second_run_adds_nothing(runner, seeds, db_path):
    result = runner.invoke(cli, ["run", "--db", str(db_path), str(seeds)])
    assert result.exit_code == 0, result.output
    assert "import: 5 new" in result.output and "analyze: 5 analysed" in result.output
    first = snapshot(db_path)
    for table in ("articles", "entities", "mentions", "dates", "events"):
        assert first[table], f"{table} is empty"
    assert {"Serap Güler", "Frank Beckehoff"} <= {name for _, label, name in first["entities"] if label == "PER"}
    again = runner.invoke(cli, ["run", "--db", str(db_path), str(seeds)])
    assert "import: 5 unchanged" in again.output and "analyze: nothing to do" in again.output
    assert snapshot(db_path) == first


def test_reanalysis_gives_the_same_database(runner, seeds, db_path):
    runner.invoke(cli, ["run", "--db", str(db_path), str(seeds)])
    before = snapshot(db_path)
    result = runner.invoke(cli, ["analyze", "--db", str(db_path), "--all"])
    assert result.exit_code == 0 and "5 analysed" in result.output
    assert snapshot(db_path) == before


def _corpus(folder: Path, seeds: Path, copies: int) -> None:
    """Many distinct articles from the seeds: each copy gets its own closing line."""
    folder.mkdir()
    for n in range(copies):
        for path in sorted(seeds.glob("*.txt")):
            text = path.read_text(encoding="utf-8") + f"\nMeldung Nummer {n} aus dem Archiv."
            (folder / f"{n:03d}_{path.name}").write_text(text, encoding="utf-8")


def test_kill_9_and_restart_ends_with_the_same_database(tmp_path, seeds):
    corpus = tmp_path / "many"
    _corpus(corpus, seeds, copies=20)
    command = [sys.executable, "-m", "presse_mining", "run", str(corpus), "--db"]
    env = dict(os.environ, PYTHONUNBUFFERED="1")

    reference = tmp_path / "reference.db"
    subprocess.run(command + [str(reference)], check=True, capture_output=True, env=env)

    killed = tmp_path / "killed.db"
    process = subprocess.Popen(command + [str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 300
    while time.time() < deadline:  # wait until analysis is under way, then kill without warning
        time.sleep(0.2)
        try:
            with sqlite3.connect(killed, timeout=1) as conn:
                done = conn.execute("SELECT count(*) FROM articles WHERE analyzed_at IS NOT NULL").fetchone()[0]
        except sqlite3.Error:
            continue
        if done >= 3:
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    with sqlite3.connect(killed) as conn:
        done = conn.execute("SELECT count(*) FROM articles WHERE analyzed_at IS NOT NULL").fetchone()[0]
    assert 0 < done < 100, "the kill should land in the middle of the analysis"

    subprocess.run(command + [str(killed)], check=True, capture_output=True, env=env)
    assert snapshot(killed) == snapshot(reference)


def test_extract_prints_the_documented_format(runner, seeds):
    files = sorted(str(p) for p in seeds.glob("*.txt"))
    result = runner.invoke(cli, ["extract", "--format", "jsonl", *files])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 5
    for record in records:
        assert set(record) >= {"source", "title", "published", "entities", "dates", "roles", "events", "fields"}
        for entity in record["entities"]:
            assert set(entity) >= {"text", "label", "start", "end", "canonical"}
            assert entity["label"] in {"PER", "ORG", "LOC", "MISC"}
    soest = next(r for r in records if r["source"].endswith("004_6d9224e945356688.txt"))
    assert {"2013-01-17", "2013-04-24"} <= {d["value"] for d in soest["dates"]}
    hemer = next(r for r in records if r["source"].endswith("001_70adf4ccb619460e.txt"))
    assert hemer["published"] == "2021-11"


def test_extract_offsets_point_into_the_text():
    import presse_mining

    text = (Path(__file__).resolve().parents[1] / "corpus" / "002_8b05b4671c894e5b.txt").read_text(encoding="utf-8")
    result = presse_mining.extract(text)
    assert result["entities"]
    for entity in result["entities"]:
        assert result["text"][entity["start"]:entity["end"]] == entity["text"]


def test_extract_errors_name_the_file(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(cli, ["extract", str(empty), str(tmp_path / "missing.html")])
    assert result.exit_code == 1
    assert f"Error: {empty}: empty file" in result.output
    assert "missing.html" in result.output and "Traceback" not in result.output
