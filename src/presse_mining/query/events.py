"""`presse-mining events`: events filtered by place, Kreis, dates, field, person."""
from __future__ import annotations

import re

from ..errors import InputError
from ..store import queries

COLUMNS = ["date", "time", "type", "title", "place", "venue", "organisers", "persons", "organisations",
           "attendance", "article_id"]
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def list_events(store, *, place=None, kreis=None, date_from=None, date_to=None, field=None, person=None,
                limit: int = 500) -> list[dict]:
    for value, option in ((date_from, "--from"), (date_to, "--to")):
        if value and not _DATE.match(value):
            raise InputError(f"{option} {value}: not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    return queries.events(
        store.conn, place=place, kreis=kreis, kreis_ags=_kreis_ags(kreis), date_from=date_from, date_to=date_to,
        field=field, person=person, limit=limit,
    )


def _kreis_ags(kreis: str | None) -> str | None:
    """AGS prefix of a Kreis named as users write it: Soest, Kreis Soest, Kreises Soest, Rhein-Sieg-Kreis."""
    if not kreis:
        return None
    if kreis.isdigit():
        return kreis[:5]
    from ..nlp.events import _register
    from ..nlp.identity import org_base_form

    kreise = _register()[1]
    base = org_base_form(kreis)
    plain = re.sub(r"^(Landkreis|Kreis)\s+", "", base)
    for key in (kreis, base, plain):
        if key in kreise:
            return kreise[key]["ags"][:5]
    return None
