"""Events from reports, announcements and schedules; dates set by hand so that the
test does not depend on the temporal tagger."""
import re

import spacy

from presse_mining.nlp import events, roles  # noqa: F401  (register the components)


def run(text, dates=(), published=None, patterns=()):
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    if patterns:
        nlp.add_pipe("entity_ruler").add_patterns(list(patterns))
    doc = nlp(text)
    doc._.published = published
    found = []
    for written, value, *time in dates:
        start = text.index(written)
        found.append({"text": written, "value": value, "start": start, "end": start + len(written), "kind": "date",
                      **({"time": time[0]} if time else {})})
    doc._.dates = found
    doc = events.EventFinder()(roles.RoleFinder()(doc))
    return doc._.events


SCHEDULE = (
    "Kreis Soest. Der Startschuss fiel mit einem Workshop im Kreishaus. "
    "Folgende Workshops finden noch statt: „Integration durch Bildung (17. Januar und 21. Februar 2013, "
    "jeweils 14 bis 17 Uhr, Walburgis-Grundschule Werl), „Migranten im Alter“ (7. Februar 2013, "
    "jeweils 14.30 bis 17.30 Uhr, Kreishaus)."
)


def test_schedule_gives_one_event_per_date_with_its_own_venue_and_place():
    found = run(SCHEDULE, dates=[("17. Januar", "2013-01-17"), ("21. Februar 2013", "2013-02-21"),
                                 ("7. Februar 2013", "2013-02-07")])
    dated = {e["date"]: e for e in found if e["date"]}
    assert set(dated) == {"2013-01-17", "2013-02-21", "2013-02-07"}
    assert dated["2013-01-17"]["place"] == "Werl"
    assert dated["2013-01-17"]["venue"] == "Walburgis-Grundschule Werl"
    assert dated["2013-01-17"]["time"] == "14:00-17:00"
    assert dated["2013-01-17"]["title"] == "Integration durch Bildung"
    assert dated["2013-02-07"]["place"] == "Soest"  # the Kreishaus of Kreis Soest
    assert dated["2013-02-07"]["time"] == "14:30-17:30"
    assert all(e["type"] == "Workshop" for e in found)
    # the reported opening workshop is an event of its own, in the Kreishaus
    undated = [e for e in found if not e["date"]]
    assert len(undated) == 1 and undated[0]["place"] == "Soest" and undated[0]["venue"] == "Kreishaus"


def test_report_takes_publication_date_venue_place_organisers_and_attendance():
    text = ("Hemer. Das Kommunale Integrationszentrum hat gemeinsam mit der Stadt Hemer ein erstes Netzwerktreffen "
            "ins Leben gerufen. Zusammengekommen waren über 60 Teilnehmer in der Alten Schule in Iserlohn. "
            "Eröffnet wurde das Treffen von Bürgermeister Christian Schweitzer.")
    found = run(text, published="2021-11", patterns=[
        {"label": "ORG", "pattern": "Kommunale Integrationszentrum"}, {"label": "ORG", "pattern": "Stadt Hemer"}])
    assert len(found) == 1
    event = found[0]
    assert event["type"] == "Netzwerktreffen"
    assert event["date"] == "2021-11"
    assert event["place"] == "Iserlohn" and event["venue"] == "Alte Schule"
    assert event["attendance"] == "über 60"
    assert event["persons"] == ["Christian Schweitzer"]
    assert set(event["organisers"]) == {"Kommunales Integrationszentrum", "Stadt Hemer"}
    assert re.fullmatch(r"\d{8}", event["place_ags"] or "")


def test_announcement_without_date_has_none_and_dated_mention_gets_its_date():
    text = "Am 5. Mai findet im Rathaus in Werl ein Fachtag statt. Anmeldungen sind möglich."
    found = run(text, dates=[("5. Mai", "2019-05-05")], published="2019-04-10")
    assert [(e["type"], e["date"], e["place"], e["venue"]) for e in found] == [("Fachtag", "2019-05-05", "Werl", "Rathaus")]
    announcement = run("Ein Fachtag zur Integration wird im Herbst in Werl stattfinden.", published="2019-04-10")
    assert announcement[0]["date"] is None


def test_coordinated_plural_organisers_are_distributed():
    text = ("Im Mittelpunkt stand ein Seminar unter dem Titel „Partner stärken“, das die Kreissportbünde Olpe "
            "und Siegen-Wittgenstein jetzt in der Alten Hammerhütter Schule in Siegen ausrichteten.")
    found = run(text, patterns=[{"label": "ORG", "pattern": "Kreissportbünde Olpe"}])
    assert found[0]["title"] == "Partner stärken"
    assert found[0]["place"] == "Siegen"
    assert found[0]["organisers"] == ["Kreissportbund Olpe", "Kreissportbund Siegen-Wittgenstein"]


def test_text_without_event_words_has_no_events():
    assert run("Die Bevölkerung des Kreises ist um 2.400 Köpfe geschrumpft.") == []
