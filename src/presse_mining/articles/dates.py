"""Publication dates written into the text itself: bylines and datelines."""
from __future__ import annotations

import re

_MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
}
_NUMERIC = r"(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>(?:19|20)\d{2})"
_WORDED = r"(?P<d2>\d{1,2})\.\s?(?P<mon>" + "|".join(_MONTHS) + r")\s+(?P<y2>(?:19|20)\d{2})"
_DATE = rf"(?:{_NUMERIC}|{_WORDED})"
# "Von Paul Kieras, 14.08.2017", "Veröffentlicht am 14.08.2017", "Stand: 3. Mai 2019", "14.08.2017 | Olpe"
_BYLINE = re.compile(
    rf"(?:\b[Vv]on\s+[A-ZÄÖÜ][\w.-]+(?:\s+[A-ZÄÖÜ][\w.-]+){{0,3}},?\s+(?:am\s+)?"
    rf"|\b(?:[Vv]eröffentlicht|[Ee]rschienen|[Ee]rstellt|[Aa]ktualisiert)(?:\s+am)?:?\s+"
    rf"|\b(?:Stand|Datum|Pressemitteilung vom|Pressemeldung vom)\s*:?\s*"
    rf"|^\s*){_DATE}",
    re.IGNORECASE | re.MULTILINE,
)


def find_published(text: str, window: int = 600) -> str | None:
    """ISO date of a byline or dateline near the top of the text, else None."""
    match = _BYLINE.search(text[:window])
    if not match:
        return None
    g = match.groupdict()
    if g["d"]:
        day, month, year = int(g["d"]), int(g["m"]), int(g["y"])
    else:
        day, month, year = int(g["d2"]), _MONTHS[g["mon"].lower()], int(g["y2"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
