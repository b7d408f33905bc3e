"""Publication dates written into the text itself: bylines and datelines."""
from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
}
_NUMERIC = r"(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>(?:19|20)\d{2})(?!\d)"
_WORDED = r"(?P<d2>\d{1,2})\.\s?(?P<mon>(?i:" + "|".join(_MONTHS) + r"))\s+(?P<y2>(?:19|20)\d{2})(?!\d)"
_DATE = rf"(?:{_NUMERIC}|{_WORDED})"
_WEEKDAYS = r"(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonnabend|Sonntag)"
_NAME = r"[A-ZÄÖÜ][\w.'-]+"
# Where a date near the top of a text is the publication date, and where it is not:
#   "Von Paul Kieras, 14.08.2017"  (byline: at least first name and surname, no weekday:
#                                   "von Montag, 12.10.2020 bis ..." is a period, not a byline)
#   "Veröffentlicht am 14.08.2017", "Meldungsdatum: 28.10.2025", "Meldung vom 19.01.2017", "Stand: 3. Mai 2019"
#   "Olpe, 14.08.2017.", "Nr. 19 Steinfurt, 18. Januar 2017", "Baden-Baden (14.10.2019)."  (datelines)
#   "14.08.2017 | Olpe"  (a date opening a line)
_BYLINE = re.compile(
    rf"(?:\b[Vv]on\s+(?!{_WEEKDAYS}\b){_NAME}(?:\s+{_NAME}){{1,3}},?\s+(?:am\s+)?"
    rf"|\b(?i:veröffentlicht|erschienen|erstellt|aktualisiert)(?:\s+am)?:?\s+"
    rf"|\b(?i:stand|datum|meldungsdatum|pressemitteilung\s+vom|pressemeldung\s+vom|meldung\s+vom)\s*:?\s*"
    rf"|^[ \t]*(?:Nr\.\s*\d+\s+)?(?!{_WEEKDAYS}\b){_NAME}(?:[ -]{_NAME}){{0,2}}(?:,[ \t]*|[ \t]*\((?=[^)]{{6,20}}\)))"
    rf"|^[ \t]*){_DATE}",
    re.MULTILINE,
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
    try:
        return date(year, month, day).isoformat()
    except ValueError:  # 31.02.2017: not a date
        return None
