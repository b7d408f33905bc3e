"""Reading the store for people: reference tables, exports and the report's figures.

The browsing views (event_overview, event_map, article_kreis) are created by
migration 4 in schema.py; this module fills the two reference tables they join
(places from data/places.tsv, Handlungsfelder from data/handlungsfelder.json)
and holds the SELECTs that the exports and the visual report run.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from importlib import resources

from .db import Store

PLACES_TSV = "places.tsv"
TAXONOMY_JSON = "handlungsfelder.json"


# -- reference tables -----------------------------------------------------------
def read_places() -> list[dict]:
    """The places register shipped with the package; Kreise and Länder get the
    population-weighted centre of their municipalities, so they can be mapped too."""
    with resources.files("presse_mining.data").joinpath(PLACES_TSV).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    places = []
    centres: dict[str, list[float]] = {}  # key -> [sum lat*w, sum lon*w, sum w]
    for row in rows:
        place = {
            "ags": row["ags"], "name": row["name"], "level": row["level"], "kind": row["kind"],
            "kreis": row["kreis"] or None, "land": row["land"] or None,
            "lat": float(row["lat"]) if row["lat"] else None, "lon": float(row["lon"]) if row["lon"] else None,
        }
        places.append(place)
        if place["lat"] is not None:
            weight = float(row["population"] or 1)
            for key in (row["kreis_ags"], row["ags"][:2]):
                centre = centres.setdefault(key, [0.0, 0.0, 0.0])
                centre[0] += place["lat"] * weight
                centre[1] += place["lon"] * weight
                centre[2] += weight
    for place in places:
        centre = centres.get(place["ags"])
        if place["lat"] is None and centre and centre[2]:
            place["lat"] = round(centre[0] / centre[2], 6)
            place["lon"] = round(centre[1] / centre[2], 6)
    return places


def read_taxonomy() -> list[dict]:
    with resources.files("presse_mining.data").joinpath(TAXONOMY_JSON).open(encoding="utf-8") as handle:
        data = json.load(handle)
    return [{"id": f["id"], "name": f["name"], "definition": f.get("definition")} for f in data["fields"]]


def load_reference_tables(store: Store) -> bool:
    """Fill `places` and `handlungsfelder` when they are missing or out of date.

    Returns True when something was written. Cheap when they are current, so
    serve, export and report call it every time before they read.
    """
    places = read_places()
    fields = read_taxonomy()
    have = store.conn.execute("SELECT (SELECT count(*) FROM places), (SELECT count(*) FROM handlungsfelder)").fetchone()
    if have == (len(places), len(fields)):
        return False
    with store.transaction() as conn:
        conn.execute("DELETE FROM places")
        conn.execute("DELETE FROM handlungsfelder")
        conn.executemany(
            "INSERT INTO places (ags, name, level, kind, kreis, land, lat, lon)"
            " VALUES (:ags, :name, :level, :kind, :kreis, :land, :lat, :lon)",
            places,
        )
        conn.executemany("INSERT INTO handlungsfelder (id, name, definition) VALUES (:id, :name, :definition)", fields)
    return True


# What event_overview holds for each event; the report, exports and Datasette read it.
EVENT_OVERVIEW_SELECT = """
    SELECT
        e.id,
        e.date,
        CASE WHEN e.date GLOB '[0-9][0-9][0-9][0-9]*' THEN substr(e.date, 1, 4)
             WHEN a.published GLOB '[0-9][0-9][0-9][0-9]*' THEN substr(a.published, 1, 4) END,
        coalesce(e.place, p.name),
        p.kreis,
        p.land,
        e.type,
        e.title,
        e.venue,
        (SELECT group_concat(n.name, '; ') FROM event_participants ep JOIN entities n ON n.id = ep.entity_id
          WHERE ep.event_id = e.id AND n.label = 'PER'),
        (SELECT group_concat(name, '; ') FROM (SELECT DISTINCT n.name AS name FROM event_participants ep
          JOIN entities n ON n.id = ep.entity_id WHERE ep.event_id = e.id AND n.label = 'ORG')),
        (SELECT coalesce(h.name, f.field) FROM article_fields f LEFT JOIN handlungsfelder h ON h.id = f.field
          WHERE f.article_id = e.article_id ORDER BY f.score DESC LIMIT 1),
        (SELECT json_group_array(name) FROM (SELECT coalesce(h.name, f.field) AS name FROM article_fields f
          LEFT JOIN handlungsfelder h ON h.id = f.field WHERE f.article_id = e.article_id ORDER BY f.score DESC)),
        e.article_id,
        a.url,
        p.lat,
        p.lon
    FROM events e
    JOIN articles a ON a.id = e.article_id
    LEFT JOIN places p ON p.ags = e.place_ags
"""

# The year an article speaks of: its publication, else its first dated event.
ARTICLE_YEAR_SELECT = """
    SELECT a.id, CASE WHEN a.published GLOB '[0-9][0-9][0-9][0-9]*' THEN substr(a.published, 1, 4)
        ELSE (SELECT min(substr(e.date, 1, 4)) FROM events e
              WHERE e.article_id = a.id AND e.date GLOB '[0-9][0-9][0-9][0-9]*') END AS year
    FROM articles a
"""

# Anything that changes what the browsing tables would hold changes this.
FINGERPRINT_SQL = """
    SELECT json_array(
        (SELECT count(*) FROM events), (SELECT max(id) FROM events),
        (SELECT count(*) FROM event_participants), (SELECT count(*) FROM article_fields),
        (SELECT count(*) FROM entities), (SELECT max(id) FROM entities),
        (SELECT max(analyzed_at) FROM articles), (SELECT count(*) FROM articles),
        (SELECT max(id) FROM entity_corrections), (SELECT count(*) FROM places))
"""


def refresh_browse_tables(store: Store, *, force: bool = False) -> bool:
    """Rebuild event_overview and article_kreis when the analysis changed since the last
    build (or when forced). Returns True when rebuilt. Also fills the reference tables."""
    load_reference_tables(store)
    fingerprint = store.conn.execute(FINGERPRINT_SQL).fetchone()[0]
    built = store.conn.execute("SELECT value FROM browse_state WHERE key = 'fingerprint'").fetchone()
    if not force and built and built[0] == fingerprint:
        return False
    with store.transaction() as conn:
        conn.execute("DELETE FROM event_overview")
        conn.execute(
            "INSERT INTO event_overview (id, date, year, place, kreis, land, type, title, venue, persons,"
            " organisations, field, fields, article_id, url, lat, lon)" + EVENT_OVERVIEW_SELECT
        )
        conn.execute("DELETE FROM article_kreis")
        conn.execute(
            "INSERT OR IGNORE INTO article_kreis (article_id, kreis, land)"
            " SELECT article_id, kreis, land FROM event_overview WHERE kreis IS NOT NULL AND kreis != ''"
        )
        conn.execute("DELETE FROM fields_by_kreis_year")
        conn.execute(
            "INSERT INTO fields_by_kreis_year (kreis, year, field, articles)"
            " SELECT coalesce(k.kreis, '(ohne Kreis)'), coalesce(y.year, '(ohne Jahr)'), coalesce(h.name, f.field), count(*)"
            " FROM article_fields f JOIN (" + ARTICLE_YEAR_SELECT + ") y ON y.id = f.article_id"
            " LEFT JOIN article_kreis k ON k.article_id = f.article_id"
            " LEFT JOIN handlungsfelder h ON h.id = f.field GROUP BY 1, 2, 3"
        )
        conn.execute("INSERT OR REPLACE INTO browse_state (key, value) VALUES ('fingerprint', ?)", [fingerprint])
        conn.execute("INSERT OR REPLACE INTO browse_state (key, value) VALUES ('built_at', datetime('now'))")
    store.conn.execute("ANALYZE")  # the planner needs statistics for the facet and canned-query indexes
    return True


def _rows(store: Store, sql: str, params: dict | list = ()) -> Iterator[dict]:
    cursor = store.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row))


# -- exports ----------------------------------------------------------------------
def iter_events(store: Store) -> Iterator[dict]:
    """Every event with its place, Kreis, participants and the article's fields."""
    refresh_browse_tables(store)
    for row in _rows(store, "SELECT * FROM event_overview ORDER BY date, id"):
        row["fields"] = json.loads(row["fields"]) if row["fields"] else []
        yield row


def iter_entities(store: Store) -> Iterator[dict]:
    """Every entity with how often it is mentioned, in how many articles and events."""
    return _rows(
        store,
        """
        SELECT n.id, n.label, n.name, n.ags,
               (SELECT count(*) FROM mentions m WHERE m.entity_id = n.id) AS mentions,
               (SELECT count(DISTINCT m.article_id) FROM mentions m WHERE m.entity_id = n.id) AS articles,
               (SELECT count(DISTINCT ep.event_id) FROM event_participants ep WHERE ep.entity_id = n.id) AS events,
               (SELECT group_concat(DISTINCT r.role) FROM roles r WHERE r.person_id = n.id) AS roles
        FROM entities n ORDER BY n.label, n.name
        """,
    )


def iter_articles(store: Store, *, with_text: bool = True) -> Iterator[dict]:
    """Every article with its Handlungsfelder (best first) and Kreise."""
    refresh_browse_tables(store)
    text = ", a.text" if with_text else ""
    for row in _rows(
        store,
        f"""
        SELECT a.id, a.url, a.source, a.title, a.published, a.author{text},
               (SELECT json_group_array(field) FROM (SELECT f.field FROM article_fields f
                 WHERE f.article_id = a.id ORDER BY f.score DESC)) AS fields,
               (SELECT json_group_array(kreis) FROM article_kreis k WHERE k.article_id = a.id) AS kreise
        FROM articles a ORDER BY a.id
        """,
    ):
        row["fields"] = json.loads(row["fields"])
        row["kreise"] = json.loads(row["kreise"])
        yield row


def iter_participations(store: Store) -> Iterator[dict]:
    """One row per (event, person or organisation): the raw material of the network."""
    return _rows(
        store,
        """
        SELECT ep.event_id, n.id AS entity_id, n.label, n.name, e.date, e.type,
               coalesce(e.place, p.name) AS place, p.kreis,
               (SELECT group_concat(f.field, ';') FROM article_fields f WHERE f.article_id = e.article_id) AS fields
        FROM event_participants ep
        JOIN entities n ON n.id = ep.entity_id
        JOIN events e ON e.id = ep.event_id
        LEFT JOIN places p ON p.ags = e.place_ags
        WHERE n.label IN ('PER', 'ORG')
        ORDER BY ep.event_id
        """,
    )


# -- the report's figures ---------------------------------------------------------
def events_per_kreis_month(store: Store) -> list[dict]:
    """Events counted per Kreis and month (events with a known year only)."""
    return list(_rows(
        store,
        """
        SELECT coalesce(p.kreis, e.place, '(ohne Ort)') AS kreis, substr(e.date, 1, 7) AS month, count(*) AS events
        FROM events e LEFT JOIN places p ON p.ags = e.place_ags
        WHERE e.date GLOB '[0-9][0-9][0-9][0-9]*'
        GROUP BY 1, 2 ORDER BY 1, 2
        """,
    ))


def event_places(store: Store) -> list[dict]:
    """Places with coordinates and how many events happened there."""
    return list(_rows(
        store,
        """
        SELECT p.ags, p.name, p.kreis, p.land, p.lat, p.lon, count(*) AS events
        FROM events e JOIN places p ON p.ags = e.place_ags
        WHERE p.lat IS NOT NULL
        GROUP BY p.ags ORDER BY events DESC
        """,
    ))


def fields_per_year(store: Store) -> list[dict]:
    """Articles per Handlungsfeld and year of publication (else the year of its first dated event)."""
    return list(_rows(
        store,
        """
        SELECT year, coalesce(h.name, f.field) AS field, count(*) AS articles
        FROM article_fields f
        JOIN (""" + ARTICLE_YEAR_SELECT + """) y ON y.id = f.article_id
        LEFT JOIN handlungsfelder h ON h.id = f.field
        WHERE year IS NOT NULL
        GROUP BY 1, 2 ORDER BY 1, 2
        """,
    ))


def all_municipality_points(store: Store) -> list[tuple[float, float]]:
    """(lon, lat) of every municipality: drawn faintly, they sketch the country's outline."""
    return store.conn.execute(
        "SELECT lon, lat FROM places WHERE level = 'gemeinde' AND lat IS NOT NULL"
    ).fetchall()
