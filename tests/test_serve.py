"""presse-mining serve: Datasette over the store, read-only, German search, canned queries, map."""
from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.browse_data import build_seed_store
from presse_mining.cli import cli
from presse_mining.serve.app import build_datasette


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory) -> Path:
    return build_seed_store(tmp_path_factory.mktemp("serve") / "presse.db")


@pytest.fixture(scope="module")
def get(seed_db):
    datasette = build_datasette(seed_db)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(datasette.invoke_startup())

    def fetch(path, method="get", **kwargs):
        return loop.run_until_complete(getattr(datasette.client, method)(path, **kwargs))

    yield fetch
    loop.close()


def test_search_finds_inflected_german_form(get, seed_db):
    text = sqlite3.connect(seed_db).execute("SELECT text FROM articles WHERE source LIKE '%000_%'").fetchone()[0]
    assert "Kreissportbünde" in text and "Kreissportbund" not in text  # only the inflected form is in the text
    response = get("/presse/articles.json?_search=Kreissportbund&_shape=array&_col=source")
    assert response.status_code == 200
    assert [Path(r["source"]).name for r in response.json()] == ["000_d28a31b3c036ce1d.txt"]
    # the HTML table view searches the same way
    assert "000_d28a31b3c036ce1d" in get("/presse/articles?_search=Kreissportb%C3%BCnde").text


def test_wer_traf_wen_finds_who_guler_met(get):
    rows = get("/presse/wer_traf_wen.json?name=G%C3%BCler&_shape=array").json()
    met = {row["Traf"] for row in rows}
    assert "Frank Beckehoff" in met and "Susanne Spornhauer" in met
    assert {row["Ort"] for row in rows} == {"Olpe"}
    assert all(row["Gesucht"] == "Serap Güler" for row in rows)


@pytest.mark.parametrize("query, params, expect", [
    ("veranstaltungen_nach_ort", "ort=Soest&von=2013-01-15&bis=2013-02", {"2013-01-17", "2013-01-22", "2013-02-13", "2013-02-21"}),
    ("personen_und_rollen", "name=Beckehoff", {"Landrat"}),
    ("netzwerk_einer_organisation", "organisation=Kreis+Soest", {"Dieter Hesse", "Kommunales Integrationszentrum Kreis Soest"}),
    ("handlungsfelder_nach_kreis_und_jahr", "kreis=Olpe", {"Flucht & Neuzuwanderung", "Bildung & Sprache"}),
])
def test_canned_queries_answer(get, query, params, expect):
    rows = get(f"/presse/{query}.json?{params}&_shape=array").json()
    column = {"veranstaltungen_nach_ort": "Datum", "personen_und_rollen": "Rolle",
              "netzwerk_einer_organisation": "Partner", "handlungsfelder_nach_kreis_und_jahr": "Handlungsfeld"}[query]
    assert {row[column] for row in rows} == expect


def test_pages_show_german_titles_and_facets(get):
    home = get("/presse").text
    for title in ("Artikel", "Veranstaltungen", "Wer traf wen, wo und wann", "Handlungsfelder nach Kreis und Jahr"):
        assert title in home
    overview = get("/presse/event_overview.json?_facet=kreis&_facet=type").json()
    kreise = {f["value"]: f["count"] for f in overview["facet_results"]["kreis"]["results"]}
    assert kreise["Soest"] == 6 and kreise["Olpe"] == 1
    page = get("/presse/event_overview").text
    assert "Beteiligte Personen" in page  # column descriptions are German
    events = get("/presse/events?_labels=on").text
    assert "NRW-Staatssekretärin im Kommunalen Integrationszentrum" in events  # foreign key shown by its title


def test_map_view_has_points_and_loads_cluster_map(get):
    rows = get("/presse/event_map.json?_shape=array").json()
    assert len(rows) == 10
    olpe = next(r for r in rows if r["place"] == "Olpe")
    assert 50.9 < olpe["latitude"] < 51.1 and 7.7 < olpe["longitude"] < 8.0
    assert "datasette-cluster-map" in get("/presse/event_map").text


def test_writes_through_the_browser_are_refused(get, seed_db):
    before = sqlite3.connect(seed_db).execute("SELECT count(*) FROM articles").fetchone()[0]
    attempts = [
        get("/presse.json?sql=DELETE+FROM+articles"),
        # passes Datasette's SELECT check, must still fail on the immutable connection
        get("/presse.json?sql=WITH+x+AS+(SELECT+1)+DELETE+FROM+articles"),
        get("/presse/articles/1/-/delete", method="post"),
        get("/presse/wer_traf_wen", method="post", data={"name": "x"}),
    ]
    for response in attempts:
        assert response.status_code >= 400 or '"ok": false' in response.text
    assert sqlite3.connect(seed_db).execute("SELECT count(*) FROM articles").fetchone()[0] == before


def test_other_host_without_password_is_refused(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "x.db")], env={"PRESSE_SERVE_PASSWORD_HASH": ""})
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "password" in result.output and "0.0.0.0" in result.output
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--password-hash", "geheim", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1 and "not a password hash" in result.output


def test_password_protects_everything(seed_db, monkeypatch):
    from datasette_auth_passwords.utils import hash_password

    monkeypatch.setenv("PRESSE_SERVE_PASSWORD_HASH", "")  # serve puts the hash here; restored afterwards

    datasette = build_datasette(seed_db, password_hash=hash_password("geheim"))
    loop = asyncio.new_event_loop()
    try:
        anonymous = loop.run_until_complete(datasette.client.get("/presse/articles.json"))
        assert anonymous.status_code == 403
        cookie = {"ds_actor": datasette.sign({"a": {"id": "presse"}}, "actor")}
        logged_in = loop.run_until_complete(datasette.client.get("/presse/articles.json", cookies=cookie))
        assert logged_in.status_code == 200
        assert "pbkdf2" not in loop.run_until_complete(datasette.client.get("/-/metadata.json", cookies=cookie)).text
    finally:
        loop.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_command_answers_over_http(seed_db):
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "presse_mining", "serve", "--db", str(seed_db), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={k: v for k, v in os.environ.items() if k != "PRESSE_SERVE_PASSWORD_HASH"},
    )
    try:
        url = f"http://127.0.0.1:{port}/presse/articles.json?_search=Kreissportbund&_shape=array&_col=title"
        for _ in range(300):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    rows = json.load(response)
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stdout.read().decode()
                time.sleep(0.1)
        else:
            pytest.fail("serve did not answer within 30 s")
        assert len(rows) == 1
        # a POST to a canned query is no way to write either (not a writable query)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/presse/wer_traf_wen", data=b"name=x", method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 405
        assert sqlite3.connect(seed_db).execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    finally:
        server.terminate()
        server.wait(timeout=10)
