"""A small store built from the five seed texts in corpus/, with the analysis
results written through Store.save_analysis as the NLP stages would write them
(following the gold annotations in shared/gold/seeds.json), so the browsing,
export and report tests do not depend on the state of the NLP models."""
from __future__ import annotations

from pathlib import Path

from presse_mining.store import Store
from presse_mining.workflow import import_paths

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

PLACE_AGS = {"Siegen": "05970040", "Hemer": "05962016", "Olpe": "05966024", "Siegburg": "05382060",
             "Soest": "05974040", "Werl": "05974052", "Lippstadt": "05974028"}


def _event(type_, date, place, persons=(), organisations=(), organisers=(), title=None):
    return {"type": type_, "title": title, "date": date, "date_end": None, "time": None, "place": place,
            "venue": None, "organisers": list(organisers), "persons": list(persons),
            "organisations": list(organisations), "attendance": None, "place_ags": PLACE_AGS[place]}


def _entities(text: str, names: list[tuple[str, str]]) -> list[dict]:
    found = []
    for label, name in names:
        surface = name.split()[-1] if label == "PER" else name
        start = text.find(surface)
        if start >= 0:
            found.append({"text": surface, "label": label, "start": start, "end": start + len(surface), "canonical": name})
    return found


SOEST = ["Kreis Soest", "Kommunales Integrationszentrum Kreis Soest"]  # organisers of all six workshops

RESULTS = {
    "000_d28a31b3c036ce1d.txt": {
        "published": "2017-05-10",
        "names": [("PER", "Klaus-Peter Uhlmann"), ("ORG", "Kreissportbund Olpe"), ("ORG", "Arbeiterwohlfahrt")],
        "roles": [{"person": "Klaus-Peter Uhlmann", "role": "Referent", "organisation": "Landessportbund NRW"}],
        "events": [_event("Seminar", "2017-05", "Siegen", ["Klaus-Peter Uhlmann"], ["Arbeiterwohlfahrt"],
                          ["Kreissportbund Olpe", "Kreissportbund Siegen-Wittgenstein"],
                          "Partner im kommunalen Integrationsnetzwerk qualifizieren und stärken")],
        "fields": [{"label": "sport", "score": 0.93}],
    },
    "001_70adf4ccb619460e.txt": {
        "published": "2021-11",
        "names": [("PER", "Christian Schweitzer"), ("ORG", "Kommunales Integrationszentrum Märkischer Kreis")],
        "roles": [{"person": "Christian Schweitzer", "role": "Bürgermeister", "organisation": "Stadt Hemer"}],
        "events": [_event("Netzwerktreffen", "2021-11", "Hemer", ["Christian Schweitzer", "Heike Greitens"],
                          ["Stadt Hemer"], ["Kommunales Integrationszentrum Märkischer Kreis"],
                          "Netzwerk Integration in Hemer")],
        "fields": [{"label": "teilhabe_partizipation", "score": 0.8}, {"label": "ehrenamt_engagement", "score": 0.6}],
    },
    "002_8b05b4671c894e5b.txt": {
        "published": "2018-03-02",
        "names": [("PER", "Serap Güler"), ("PER", "Frank Beckehoff"), ("PER", "Susanne Spornhauer"),
                  ("ORG", "Kommunales Integrationszentrum Kreis Olpe")],
        "roles": [{"person": "Serap Güler", "role": "Staatssekretärin", "organisation": None},
                  {"person": "Frank Beckehoff", "role": "Landrat", "organisation": "Kreis Olpe"}],
        "events": [_event("Besuch", "2018-03", "Olpe",
                          ["Serap Güler", "Frank Beckehoff", "Susanne Spornhauer", "Jochen Ritter"],
                          ["Kreis Olpe"], ["Kommunales Integrationszentrum Kreis Olpe"],
                          "Besuch der Staatssekretärin im Kommunalen Integrationszentrum")],
        "fields": [{"label": "flucht_asyl", "score": 0.7}, {"label": "bildung_sprache", "score": 0.65}],
    },
    "003_50493b29d9753e75.txt": {
        "published": "2016-09-20",
        "names": [("PER", "Sebastian Schuster"), ("ORG", "Rhein-Sieg-Kreis")],
        "roles": [{"person": "Sebastian Schuster", "role": "Landrat", "organisation": "Rhein-Sieg-Kreis"}],
        "events": [_event("Auftaktveranstaltung", "2016-09", "Siegburg",
                          ["Sebastian Schuster", "Yasemin El-Menouar", "Christiane Bainski"],
                          [], ["Rhein-Sieg-Kreis"], "Integrationskonzept")],
        "fields": [{"label": "kultur_vielfalt", "score": 0.75}],
    },
    "004_6d9224e945356688.txt": {
        "published": "2013-01-10",
        "names": [("PER", "Dieter Hesse"), ("ORG", "Kreis Soest")],
        "roles": [{"person": "Dieter Hesse", "role": "Dezernent", "organisation": "Kreis Soest"}],
        "events": [_event("Workshop", "2013-01-09", "Soest", ["Dieter Hesse"], [], SOEST, "Zuhause im Kreis Soest")]
        + [_event("Workshop", d, p, [], [], SOEST) for d, p in
           [("2013-01-17", "Werl"), ("2013-02-21", "Werl"), ("2013-01-22", "Soest"),
            ("2013-02-13", "Lippstadt"), ("2013-03-20", "Lippstadt")]],
        "fields": [{"label": "bildung_sprache", "score": 0.8}, {"label": "arbeit_ausbildung", "score": 0.6}],
    },
}


def build_seed_store(path: Path) -> Path:
    """Import the seed texts and store the analysis results above; returns the path."""
    with Store(path) as store:
        report = import_paths(store, sorted(CORPUS.glob("*.txt")))
        assert not report.errors, report.errors
        for article_id, source, text in store.conn.execute("SELECT id, source, text FROM articles").fetchall():
            spec = RESULTS[Path(source).name]
            store.conn.execute("UPDATE articles SET published = ? WHERE id = ?", [spec["published"], article_id])
            store.save_analysis(article_id, {
                "published": spec["published"], "entities": _entities(text, spec["names"]), "dates": [],
                "roles": spec["roles"], "events": spec["events"], "fields": spec["fields"],
            })
    return path
