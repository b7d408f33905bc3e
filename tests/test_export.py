"""presse-mining export (network, tables) and presse-mining report."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from presse_mining.cli import cli
from tests.browse_data import build_seed_store


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory) -> Path:
    return build_seed_store(tmp_path_factory.mktemp("export") / "presse.db")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _by_label(graph):
    return {data["label"]: node for node, data in graph.nodes(data=True)}


def test_network_graphml_loads_with_expected_nodes_and_weights(seed_db, tmp_path):
    out = tmp_path / "netz.graphml"
    result = invoke("export", "network", "--format", "graphml", "--out", out, "--db", seed_db)
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(out)
    nodes = _by_label(graph)
    # every person and organisation that took part in an event, and nothing else
    assert set(nodes) >= {"Serap Güler", "Frank Beckehoff", "Kreis Soest", "Kreissportbund Olpe"}
    assert "Olpe" not in nodes and len(nodes) == 21
    assert graph.nodes[nodes["Serap Güler"]]["type"] == "Person"
    visit = graph.edges[nodes["Serap Güler"], nodes["Frank Beckehoff"]]
    assert visit["weight"] == 1 and visit["places"] == "Olpe" and visit["dates"] == "2018-03"
    assert "flucht_asyl" in visit["fields"]
    # the two organisers of all six Soest workshops met six times
    workshops = graph.edges[nodes["Kreis Soest"], nodes["Kommunales Integrationszentrum Kreis Soest"]]
    assert workshops["weight"] == 6
    assert workshops["first_date"] == "2013-01-09" and workshops["last_date"] == "2013-03-20"
    assert workshops["places"] == "Lippstadt; Soest; Werl" and workshops["kreise"] == "Soest"
    # people from different events never met
    assert not graph.has_edge(nodes["Serap Güler"], nodes["Dieter Hesse"])


def test_network_gexf_and_json_hold_the_same_graph(seed_db, tmp_path):
    invoke("export", "network", "--format", "gexf", "--out", tmp_path / "n.gexf", "--db", seed_db)
    gexf = nx.read_gexf(tmp_path / "n.gexf")
    result = invoke("export", "network", "--format", "json", "--db", seed_db)
    as_json = nx.node_link_graph(json.loads(result.output), edges="links")
    for graph in (gexf, as_json):
        assert graph.number_of_nodes() == 21
        nodes = _by_label(graph)
        assert graph.edges[nodes["Kreis Soest"], nodes["Dieter Hesse"]]["weight"] == 1


def test_events_csv_and_entities_json(seed_db):
    result = invoke("export", "events", "--format", "csv", "--db", seed_db)
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 10
    visit = next(r for r in rows if r["type"] == "Besuch")
    assert visit["kreis"] == "Olpe" and "Frank Beckehoff" in visit["persons"].split("; ")
    assert visit["fields"] == "Flucht & Neuzuwanderung; Bildung & Sprache"
    entities = json.loads(invoke("export", "entities", "--format", "json", "--db", seed_db).output)
    guler = next(e for e in entities if e["name"] == "Serap Güler")
    assert guler["label"] == "PER" and guler["events"] == 1 and guler["roles"] == "Staatssekretärin"


def test_articles_json_to_file(seed_db, tmp_path):
    out = tmp_path / "artikel.json"
    result = invoke("export", "articles", "--format", "json", "--out", out, "--db", seed_db)
    assert result.exit_code == 0 and "5 rows" in result.output
    articles = json.loads(out.read_text(encoding="utf-8"))
    soest = next(a for a in articles if a["published"] == "2013-01-10")
    assert soest["kreise"] == ["Soest"] and soest["fields"] == ["bildung_sprache", "arbeit_ausbildung"]
    assert "Kreis Soest" in soest["text"]


def test_export_errors_are_one_line(seed_db, tmp_path):
    wrong = invoke("export", "events", "--format", "graphml", "--db", seed_db)
    assert wrong.exit_code == 1 and "csv, json" in wrong.output
    missing = invoke("export", "events", "--format", "csv", "--out", tmp_path / "no" / "dir" / "x.csv", "--db", seed_db)
    assert missing.exit_code == 1 and missing.output.startswith("Error:") and missing.output.count("\n") == 1
    nodb = invoke("export", "events", "--format", "csv", "--db", tmp_path / "none.db")
    assert nodb.exit_code == 1 and "no such database" in nodb.output


def test_report_is_self_contained_with_four_views(seed_db, tmp_path):
    out, pngs = tmp_path / "report.html", tmp_path / "charts"
    result = invoke("report", "--out", out, "--png", pngs, "--db", seed_db)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    for section in ("timeline", "network", "map", "fields"):
        assert f'<section id="{section}">' in page
    images = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert len(images) == 4 and all(src.startswith("data:image/png;base64,") for src in images)
    assert "http://" not in page and "https://" not in page and "//cdn" not in page
    for name in ("timeline", "network", "map", "fields"):
        assert (pngs / f"{name}.png").read_bytes().startswith(b"\x89PNG")
