"""Read-only queries behind `who-met`, `events`, `timeline` and `entities list`.

Every value from the user is a bound parameter; only fixed SQL fragments chosen
here are put together.
"""
from __future__ import annotations

import sqlite3


def _rows(cursor: sqlite3.Cursor) -> list[dict]:
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def find_entities(conn: sqlite3.Connection, name: str, label: str | None = None) -> list[dict]:
    """Entities called `name`: exactly, else ignoring case, else by a single word (surname) of the name."""
    for condition in ("name = ?", "lower(name) = lower(?)", "(' ' || lower(name) || ' ') LIKE '% ' || lower(?) || ' %'"):
        rows = _rows(conn.execute(
            f"SELECT id, label, name FROM entities WHERE {condition} AND (? IS NULL OR label = ?) ORDER BY label, name",
            [name, label, label],
        ))
        if rows:
            return rows
    return []


def who_met(conn: sqlite3.Connection, entity_ids: list[int]) -> list[dict]:
    """Everyone who took part in an event together with one of `entity_ids`: who, when, where, what."""
    marks = ",".join("?" * len(entity_ids))
    return _rows(conn.execute(
        f"""
        SELECT other.name AS name, other.label AS label, them.kind AS kind,
               e.date AS date, e.place AS place, e.venue AS venue, e.type AS type, e.title AS title,
               e.article_id AS article_id, a.published AS published
        FROM event_participants me
        JOIN events e ON e.id = me.event_id
        JOIN event_participants them ON them.event_id = e.id AND them.entity_id NOT IN ({marks})
        JOIN entities other ON other.id = them.entity_id
        JOIN articles a ON a.id = e.article_id
        WHERE me.entity_id IN ({marks})
        GROUP BY other.id, e.id
        ORDER BY CASE other.label WHEN 'PER' THEN 0 ELSE 1 END, coalesce(e.date, a.published, ''), other.name
        """,
        [*entity_ids, *entity_ids],
    ))


def events(
    conn: sqlite3.Connection, *, place: str | None = None, kreis: str | None = None, kreis_ags: str | None = None,
    date_from: str | None = None, date_to: str | None = None, field: str | None = None, person: str | None = None,
    limit: int = 500,
) -> list[dict]:
    """Events filtered by place, Kreis, date range, Handlungsfeld and participant; every filter optional."""
    return _rows(conn.execute(
        """
        SELECT e.id AS id, e.date AS date, e.date_end AS date_end, e.time AS time, e.type AS type,
               e.title AS title, e.place AS place, e.venue AS venue, e.place_ags AS place_ags,
               e.attendance AS attendance,
               (SELECT group_concat(n.name, '; ') FROM event_participants ep JOIN entities n ON n.id = ep.entity_id
                 WHERE ep.event_id = e.id AND ep.kind = 'organiser') AS organisers,
               (SELECT group_concat(n.name, '; ') FROM event_participants ep JOIN entities n ON n.id = ep.entity_id
                 WHERE ep.event_id = e.id AND ep.kind = 'participant' AND n.label = 'PER') AS persons,
               (SELECT group_concat(n.name, '; ') FROM event_participants ep JOIN entities n ON n.id = ep.entity_id
                 WHERE ep.event_id = e.id AND ep.kind = 'participant' AND n.label = 'ORG') AS organisations,
               e.article_id AS article_id, a.published AS published
        FROM events e JOIN articles a ON a.id = e.article_id
        WHERE (:place IS NULL OR lower(e.place) = lower(:place) OR e.place_ags = :place)
          AND (:kreis IS NULL OR substr(e.place_ags, 1, 5) = :kreis_ags
               OR e.place_ags IN (SELECT ags FROM places WHERE lower(kreis) = lower(:kreis)))
          AND (:date_from IS NULL OR (e.date GLOB '[0-9]*' AND substr(e.date, 1, length(:date_from)) >= :date_from))
          AND (:date_to IS NULL OR (e.date GLOB '[0-9]*' AND substr(e.date, 1, length(:date_to)) <= :date_to))
          AND (:field IS NULL OR EXISTS (SELECT 1 FROM article_fields f WHERE f.article_id = e.article_id
               AND (f.field = :field OR f.field IN (SELECT id FROM handlungsfelder WHERE lower(name) = lower(:field)))))
          AND (:person IS NULL OR EXISTS (SELECT 1 FROM event_participants ep JOIN entities n ON n.id = ep.entity_id
               WHERE ep.event_id = e.id AND lower(n.name) = lower(:person)))
        ORDER BY coalesce(e.date, a.published, ''), e.id
        LIMIT :limit
        """,
        {"place": place, "kreis": kreis, "kreis_ags": kreis_ags, "date_from": date_from, "date_to": date_to,
         "field": field, "person": person, "limit": limit},
    ))


def timeline(conn: sqlite3.Connection, entity_ids: list[int]) -> list[dict]:
    """What the store knows about an entity in time order: events, roles, articles naming it."""
    marks = ",".join("?" * len(entity_ids))
    return _rows(conn.execute(
        f"""
        SELECT * FROM (
            SELECT coalesce(e.date, a.published) AS date, 'event' AS what,
                   e.type || coalesce(': ' || e.title, '') AS detail, e.place AS place, ep.kind AS kind,
                   e.article_id AS article_id
            FROM event_participants ep JOIN events e ON e.id = ep.event_id JOIN articles a ON a.id = e.article_id
            WHERE ep.entity_id IN ({marks})
            UNION ALL
            SELECT r.date AS date, 'role' AS what,
                   r.role || coalesce(' (' || o.name || ')', '') AS detail, NULL AS place, NULL AS kind,
                   r.article_id AS article_id
            FROM roles r LEFT JOIN entities o ON o.id = r.organisation_id
            WHERE r.person_id IN ({marks}) OR r.organisation_id IN ({marks})
            UNION ALL
            SELECT a.published AS date, 'article' AS what, coalesce(a.title, '') AS detail, NULL AS place,
                   count(*) || ' mentions' AS kind, a.id AS article_id
            FROM mentions m JOIN articles a ON a.id = m.article_id
            WHERE m.entity_id IN ({marks})
            GROUP BY a.id
        )
        GROUP BY date, what, detail, article_id
        ORDER BY date IS NULL, date, article_id, what
        """,
        [*entity_ids, *entity_ids, *entity_ids, *entity_ids],
    ))


def entity_list(conn: sqlite3.Connection, *, label: str | None = None, name: str | None = None, limit: int = 50) -> list[dict]:
    return _rows(conn.execute(
        """
        SELECT n.id AS id, n.label AS label, n.name AS name,
               (SELECT count(*) FROM mentions m WHERE m.entity_id = n.id) AS mentions,
               (SELECT count(DISTINCT m.article_id) FROM mentions m WHERE m.entity_id = n.id) AS articles,
               (SELECT count(*) FROM event_participants ep WHERE ep.entity_id = n.id) AS events
        FROM entities n
        WHERE (:label IS NULL OR n.label = :label)
          AND (:name IS NULL OR lower(n.name) LIKE '%' || lower(:name) || '%')
        ORDER BY mentions DESC, n.name
        LIMIT :limit
        """,
        {"label": label, "name": name, "limit": limit},
    ))
