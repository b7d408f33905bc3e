"""who-met, events and timeline on a real SQLite store, through the CLI."""
import csv
import io
import json

import pytest
import spacy
from click.testing import CliRunner

from presse_mining.cli import cli
from presse_mining.nlp import events, roles, temporal  # noqa: F401  (register the components)
from presse_mining.sources.files import text_article
from presse_mining.store import Store
from presse_mining.workflow import analyze_store

VISIT = ("Kreis Olpe. Integrationsstaatssekretärin Serap Güler besuchte jetzt das Kreishaus. "
         "Landrat Frank Beckehoff und die Leiterin des Regionalen Bildungsnetzwerkes Susanne Spornhauer begrüßten sie. "
         "Auch Jochen Ritter MdL begleitete den Besuch.")
SCHEDULE = ("Kreis Soest. Folgende Workshops finden statt: „Migranten im Alter“ (7. Februar und 14. März 2013, "
            "jeweils 14 bis 17 Uhr, Johannes-Grundschule Soest), „Beruf“ (30. Januar 2013, 14 bis 17 Uhr, "
            "Josef-Schule Lippstadt).")


@pytest.fixture()
def db(tmp_path):
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    for name in ("presse_dates", "presse_roles", "presse_events"):
        nlp.add_pipe(name)
    path = tmp_path / "presse.db"
    with Store(path) as store:
        store.save_article(text_article(VISIT, source="visit.txt", published="2018-03-02"))
        store.save_article(text_article(SCHEDULE, source="schedule.txt", published="2013-01-10"))
        analyze_store(store, nlp=nlp)
    return str(path)


def invoke(*args):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_who_met_lists_the_others_with_place_and_date(db):
    rows = json.loads(invoke("who-met", "--db", db, "--format", "json", "Serap Güler"))
    people = {r["name"]: r for r in rows if r["label"] == "PER"}
    assert {"Frank Beckehoff", "Susanne Spornhauer", "Jochen Ritter"} <= set(people)
    assert people["Frank Beckehoff"]["place"] == "Olpe"
    assert people["Frank Beckehoff"]["date"] == "2018-03-02"
    table = invoke("who-met", "--db", db, "Güler")  # a surname finds the person
    assert "Frank Beckehoff" in table and "Olpe" in table


def test_who_met_unknown_name_is_an_error_not_a_traceback(db):
    result = CliRunner().invoke(cli, ["who-met", "--db", db, "Niemand Unbekannt"])
    assert result.exit_code == 1
    assert "Error: Niemand Unbekannt: no such person" in result.output


def test_events_filters(db):
    def dates(*args):
        output = invoke("events", "--db", db, "--format", "csv", *args)
        return [row["date"] for row in csv.DictReader(io.StringIO(output))]

    assert dates("--place", "Lippstadt") == ["2013-01-30"]
    assert dates("--kreis", "Kreis Soest", "--from", "2013-02", "--to", "2013-02") == ["2013-02-07"]
    assert dates("--kreis", "Olpe") == ["2018-03-02"]
    assert dates("--person", "Jochen Ritter") == ["2018-03-02"]
    assert dates("--place", "'; DROP TABLE events; --") == []  # a parameter, never SQL
    assert len(dates()) == 4


def test_events_bad_date_is_an_input_error(db):
    result = CliRunner().invoke(cli, ["events", "--db", db, "--from", "Februar"])
    assert result.exit_code == 1 and "--from Februar: not a date" in result.output


def test_timeline_orders_roles_and_events(db):
    rows = json.loads(invoke("timeline", "--db", db, "--format", "json", "Frank Beckehoff"))
    kinds = {r["what"] for r in rows}
    assert {"event", "role", "article"} <= kinds
    assert any(r["what"] == "role" and r["detail"].startswith("Landrat") for r in rows)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
