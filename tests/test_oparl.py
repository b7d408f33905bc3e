"""OParl: an Integrationsrat's meetings become events; its minutes PDFs become articles."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.crawl_sites import Page, Site, make_pdf
from presse_mining.cli import cli
from presse_mining.store import Store

TYPE = "https://schema.oparl.org/1.1/"


def oparl_routes(base: str) -> dict[str, Page]:
    def js(data) -> Page:
        return Page(json.dumps(data).encode(), "application/json")

    def meeting(n: int, org: str, start: str, minutes: bool = True, cancelled: bool = False) -> dict:
        data = {
            "id": f"{base}/oparl/meeting/{n}", "type": TYPE + "Meeting", "name": f"{n}. Sitzung", "start": start,
            "organization": [f"{base}/oparl/org/{org}"], "cancelled": cancelled,
            "location": {"type": TYPE + "Location", "description": "Rathaus, Ratssaal",
                         "streetAddress": "Marktplatz 1", "locality": "Münster"},
            "agendaItem": [{"type": TYPE + "AgendaItem", "number": "1", "name": "Begrüßung"},
                           {"type": TYPE + "AgendaItem", "number": "2", "name": "Bericht zur Flüchtlingsunterbringung"}],
        }
        if minutes:
            data["resultsProtocol"] = {"id": f"{base}/oparl/file/{n}", "type": TYPE + "File",
                                       "name": f"Niederschrift {n}. Sitzung",
                                       "accessUrl": f"{base}/dokumente/niederschrift-{n}.pdf",
                                       "mimeType": "application/pdf"}
        return data

    return {
        "/oparl": js({"id": f"{base}/oparl", "type": TYPE + "System", "body": f"{base}/oparl/bodies"}),
        "/oparl/bodies": js({"data": [{"id": f"{base}/oparl/body/1", "type": TYPE + "Body", "name": "Stadt Münster",
                                       "organization": f"{base}/oparl/body/1/orgs"}], "links": {}}),
        "/oparl/body/1/orgs": js({"data": [
            {"id": f"{base}/oparl/org/ir", "type": TYPE + "Organization", "name": "Integrationsrat",
             "meeting": f"{base}/oparl/org/ir/meetings"},
            {"id": f"{base}/oparl/org/ha", "type": TYPE + "Organization", "name": "Hauptausschuss",
             "meeting": f"{base}/oparl/org/ha/meetings"},
        ], "links": {}}),
        "/oparl/org/ir/meetings": js({"data": [meeting(1, "ir", "2024-02-06T17:00:00+01:00"),
                                               meeting(2, "ir", "2024-04-16T17:30:00+02:00", minutes=False)],
                                      "links": {"next": f"{base}/oparl/org/ir/meetings?page=2"}}),
        "/oparl/org/ir/meetings?page=2": js({"data": [meeting(3, "ir", "2024-06-11T17:00:00+02:00", cancelled=True),
                                                      meeting(4, "ir", "2019-06-11T17:00:00+02:00")], "links": {}}),
        "/oparl/org/ha/meetings": js({"data": [meeting(9, "ha", "2024-02-07T16:00:00+01:00")], "links": {}}),
        "/dokumente/niederschrift-1.pdf": Page(make_pdf([
            "Niederschrift über die 1. Sitzung des Integrationsrates",
            "am 06.02.2024 im Rathaus Münster",
            "Frau Dr. Öztürk begrüßt die Mitglieder und stellt die Beschlussfähigkeit fest.",
            "Der Integrationsrat beschließt einstimmig die Förderung der Sprachcafés.",
        ]), "application/pdf"),
        "/dokumente/niederschrift-9.pdf": Page(make_pdf(["Hauptausschuss"]), "application/pdf"),
    }


def test_oparl_meetings_become_events_and_minutes_articles(tmp_path: Path):
    with Site({}) as site:
        site.routes = oparl_routes(site.url)
        config = tmp_path / "sources.toml"
        config.write_text(f"""
[defaults]
delay = 0.05
allow_private = true

[[source]]
name = "muenster-ratsinfo"
type = "oparl"
url = "{site.url}/oparl"
organization = "Integrationsrat"
since = 2020-01-01
""", encoding="utf-8")
        db = tmp_path / "p.db"
        result = CliRunner().invoke(cli, ["crawl", "--config", str(config), "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert "1 meeting cancelled" in result.output
        # only the Integrationsrat: nothing of the Hauptausschuss fetched
        assert not site.gets("/oparl/org/ha/meetings") and not site.gets("/dokumente/niederschrift-9.pdf")
        assert len(site.gets("/dokumente/niederschrift-1.pdf")) == 1

        with Store(db) as store:
            events = store.conn.execute(
                "SELECT e.title, e.date, e.time, e.place, e.venue, en.name FROM events e"
                " JOIN event_participants p ON p.event_id = e.id AND p.kind = 'organiser'"
                " JOIN entities en ON en.id = p.entity_id ORDER BY e.date").fetchall()
            assert events == [
                ("1. Sitzung", "2024-02-06", "17:00", "Münster", "Rathaus, Ratssaal, Marktplatz 1", "Integrationsrat"),
                ("2. Sitzung", "2024-04-16", "17:30", "Münster", "Rathaus, Ratssaal, Marktplatz 1", "Integrationsrat"),
            ]
            minutes = store.conn.execute(
                "SELECT title, published, text, extractor FROM articles WHERE url LIKE '%niederschrift-1.pdf'").fetchone()
            assert minutes[0] == "Niederschrift 1. Sitzung" and minutes[1] == "2024-02-06" and minutes[3] == "pypdf"
            assert "Frau Dr. Öztürk begrüßt die Mitglieder" in minutes[2]
            # the minutes are analysed; the meeting records (already structured) are not
            to_analyse = [a["title"] for a in store.articles_to_analyze()]
            assert to_analyse == ["Niederschrift 1. Sitzung"]
            agenda = store.conn.execute("SELECT text FROM articles WHERE url LIKE '%/meeting/1'").fetchone()[0]
            assert "2 Bericht zur Flüchtlingsunterbringung" in agenda

        # a second crawl: conditional requests only, the events kept as they were
        site.hits.clear()
        again = CliRunner().invoke(cli, ["crawl", "--config", str(config), "--db", str(db)])
        assert again.exit_code == 0, again.output
        assert all(h.headers.get("If-None-Match") for h in site.hits if h.path != "/robots.txt")
        with Store(db) as store:
            assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 2
            assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
