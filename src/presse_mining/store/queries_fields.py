"""Read queries over the fields of action: counts per Kreis and year.

The Kreis of an article is, for now, the name of the place it mentions most
(LOC mentions; ties go to the alphabetically first name). When places are
resolved to AGS (entities.ags), `article_region_sql` is the one place to switch
to the Kreis key (the AGS's first five digits).
"""
from __future__ import annotations

import sqlite3

# One row per article: (article_id, region). Most mentioned LOC entity.
ARTICLE_REGION_SQL = """
    SELECT article_id, name AS region FROM (
        SELECT m.article_id, e.name,
               ROW_NUMBER() OVER (PARTITION BY m.article_id ORDER BY count(*) DESC, e.name) AS rank
        FROM mentions m JOIN entities e ON e.id = m.entity_id
        WHERE e.label = 'LOC'
        GROUP BY m.article_id, e.id
    ) WHERE rank = 1
"""


def article_region_sql() -> str:
    return ARTICLE_REGION_SQL


def field_counts(conn: sqlite3.Connection, field: str | None = None, min_score: float = 0.0) -> list[dict]:
    """Articles per (Kreis, year, field), largest groups first within each Kreis and year."""
    where, params = ["f.score >= ?"], [min_score]
    if field:
        where.append("f.field = ?")
        params.append(field)
    rows = conn.execute(
        f"""
        WITH region AS ({article_region_sql()})
        SELECT COALESCE(r.region, '(unknown)') AS kreis,
               COALESCE(substr(a.published, 1, 4), '(undated)') AS year,
               f.field, count(DISTINCT a.id) AS articles
        FROM article_fields f
        JOIN articles a ON a.id = f.article_id
        LEFT JOIN region r ON r.article_id = a.id
        WHERE {' AND '.join(where)}
        GROUP BY kreis, year, f.field
        ORDER BY kreis, year, articles DESC, f.field
        """,
        params,
    ).fetchall()
    return [dict(zip(("kreis", "year", "field", "articles"), row)) for row in rows]
