"""German temporal tagger: calendar expressions → TIMEX3-style values.

`find_dates(text, published)` is the whole tagger as a plain function; the spaCy
component `presse_dates` runs it on `doc.text` with `doc._.published` and writes
`doc._.dates`. Rules, not a model: the press texts of our users write dates in a
few regular ways, and each rule below has a test in tests/test_temporal.py.

Each result is a dict: text, value, start, end (character offsets), kind
("date", "range", "time", "set"), and where relevant value_end (end of a range),
time ("14:00-17:00" or "14:30"), mod (TIMEX3 START/MID/END, ON_OR_AFTER for
"seit").

How a value without a written year is completed, in this order:
1. the year written elsewhere in the same enumeration or range
   ("17. Januar, 21. Februar und 11. April 2013" → all 2013);
2. the publication date: the year that puts the date nearest to it (an article of
   2013-01-05 that names "12. Dezember" means 2012-12-12); a weekday written with
   the date ("Mittwoch, 11. Mai") picks the year whose 11 May is a Wednesday;
3. the nearest explicit year in the same sentence;
4. else the year stays open: XXXX-01-17.

Weekdays ("am Mittwoch") are placed around the publication date by the tense of
their sentence: future cues ("wird", "findet … statt", "kommenden") → the next
such weekday after it (1–7 days on); otherwise (reports, the common case) the
most recent one on or before it (0–6 days back). Without a day-precise
publication date a weekday stays open (XXXX-WXX-3). "gestern", "heute",
"morgen", "vorgestern", "übermorgen" are dated only from a day-precise
publication date; "jetzt" is no date expression.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc

from . import docview

for _attr in ("dates", "published"):
    if not Doc.has_extension(_attr):
        Doc.set_extension(_attr, default=None)

MONTHS = {
    "januar": 1, "jänner": 1, "jan": 1, "februar": 2, "feb": 2, "märz": 3, "maerz": 3, "mär": 3,
    "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "dezember": 12, "dez": 12,
}
WEEKDAYS = {"montag": 1, "dienstag": 2, "mittwoch": 3, "donnerstag": 4, "freitag": 5, "samstag": 6,
            "sonnabend": 6, "sonntag": 7}
SEASONS = {"frühjahr": "SP", "frühling": "SP", "sommer": "SU", "herbst": "FA", "winter": "WI"}
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
RELATIVE_DAYS = {"vorgestern": -2, "gestern": -1, "heute": 0, "morgen": 1, "übermorgen": 2}
ORDINALS = {"ersten": 1, "zweiten": 2, "dritten": 3, "vierten": 4, "1.": 1, "2.": 2, "3.": 3, "4.": 4}
MODS = {"anfang": "START", "mitte": "MID", "ende": "END", "seit": "ON_OR_AFTER", "ab": "ON_OR_AFTER"}

# Long names before their abbreviations so that the alternation takes the whole word.
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_FULL_MONTHS = ["januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
                "oktober", "november", "dezember"]
_MONTH_WORD = r"(?i:" + "|".join(sorted(_FULL_MONTHS, key=len, reverse=True)) + r")"
_WEEKDAY = r"(?:" + "|".join(WEEKDAYS) + r")"
_YEAR = r"(?:19|20|21)\d{2}"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_NUM_MONTH = r"(?:0?[1-9]|1[0-2])"
_MOD = r"(?:(?P<mod>[Aa]nfang|[Mm]itte|[Ee]nde|[Ss]eit|[Aa]b)\s+)?"
_WD_PREFIX = rf"(?:(?P<wd>{_WEEKDAY}),?\s+(?:den\s+)?)?"
_RANGE_SEP = r"\s*(?:bis(?:\s+(?:zum|einschließlich))?|[-–—]|/)\s*"

# A day with its month: "17. Januar 2013", "Mittwoch, 11. Mai", "17.01.2013", "17.1.", "25.10.22"
_WORD_DAY = rf"(?P<day>{_DAY})\.\s*(?P<month>{_MONTH})(?:\s+(?P<year>{_YEAR})\b)?"
_NUM_DAY = rf"(?P<nday>{_DAY})\.\s?(?P<nmonth>{_NUM_MONTH})\.(?:\s?(?P<nyear>{_YEAR}|\d{{2}})(?!\d|\.\d))?(?!\d)"
_ISO_DAY = rf"(?P<iyear>{_YEAR})-(?P<imonth>{_NUM_MONTH})-(?P<iday>{_DAY})(?!\d)"
DAY_RE = re.compile(rf"(?<![\w.]){_WD_PREFIX}(?:{_WORD_DAY}|{_NUM_DAY}|{_ISO_DAY})", re.IGNORECASE)
# "vom 3. bis 5. Mai", "3.-5.5.2013": the first day borrows month and year from the second.
DAY_ONLY_RANGE_RE = re.compile(
    rf"(?<![\w.])(?:[Vv]o[mn]\s+)?(?P<first>{_DAY})\.{_RANGE_SEP}(?=(?:{_WEEKDAY},?\s+)?{_DAY}\.\s?(?:{_MONTH}|{_NUM_MONTH}\.))",
    re.IGNORECASE,
)
MONTH_YEAR_RE = re.compile(rf"(?<![\w.]){_MOD}(?P<month>{_MONTH_WORD})\.?\s+(?P<year>{_YEAR})\b", re.IGNORECASE)
# "Anfang März", "im Februar", "seit Oktober": a bare month only after a word that makes it one.
MONTH_RE = re.compile(
    rf"(?<![\w.])(?:(?P<mod>[Aa]nfang|[Mm]itte|[Ee]nde|[Ss]eit|[Aa]b)|(?:[Ii]m|[Bb]is|[Zz]um|[Vv]om|[Mm]onat|"
    rf"[Ff]ür|[Mm]onate|[Mm]onats|[Kk]ommenden|[Nn]ächsten|[Vv]ergangenen|[Ll]etzten|[Dd]iesen|[Dd]iesem))\s+(?P<month>{_MONTH_WORD})\b(?!\s*\d)"
)
NUM_MONTH_YEAR_RE = re.compile(rf"(?<![\w.,/]){_MOD}(?P<month>0?[1-9]|1[0-2])[/.](?P<year>{_YEAR})(?![\d.,/]\d|\d)")
SEASON_RE = re.compile(
    rf"(?<![\w])(?:(?P<mod>[Aa]nfang|[Mm]itte|[Ee]nde|[Ss]eit)\s+(?:des\s+|dem\s+)?)?(?P<season>Frühjahrs?|Frühlings?|Sommers?|Herbst(?:es|s)?|Winters?)"
    rf"(?:\s+(?P<year>{_YEAR}))?\b"
)
QUARTER_RE = re.compile(
    rf"(?<![\w.])(?P<ord>ersten|zweiten|dritten|vierten|[1-4]\.)\s+(?P<unit>Quartals?|Halbjahr(?:es|s)?)\s+(?P<year>{_YEAR})\b",
    re.IGNORECASE,
)
YEAR_RANGE_RE = re.compile(
    rf"(?<![\w.,/-])(?:[Vv]on\s+)?(?P<year>{_YEAR})(?:\s*(?:bis|[-–])\s*(?P<year2>{_YEAR})|/(?P<short>{_YEAR}|\d{{2}}))(?![\w.,/-]\d|\w)"
)
# "Januar bis November 2015", "von Juli bis einschließlich Oktober 2010"
MONTH_RANGE_RE = re.compile(
    rf"(?<![\w.])(?:[Vv]o[mn]\s+)?(?P<month>{_MONTH_WORD}){_RANGE_SEP}(?P<month2>{_MONTH_WORD})(?:\s+(?P<year>{_YEAR}))?\b"
)
# "3., 4. und 5. Mai": a day written alone borrows the month of the list's last day.
DAY_LIST_RE = re.compile(rf"(?<![\w.])(?P<first>{_DAY})\.\s*(?:,\s*(?:und|sowie|oder)?|und|sowie|oder)\s*(?=\d)")
YEAR_RE = re.compile(rf"(?<![\w.,/:\-–§]){_MOD}(?P<year>{_YEAR})(?![\w]|[.,]\d|[-/]\d)")
WEEKDAY_RE = re.compile(
    rf"(?<![\w])(?:(?P<rel>kommenden|nächsten|vergangenen|letzten|vorigen|diesen|diesem)\s+)?"
    rf"(?P<wd>{_WEEKDAY})(?P<part>abend|morgen|vormittag|nachmittag|mittag)?\b",
    re.IGNORECASE,
)
WEEKDAY_SET_RE = re.compile(rf"(?<![\w])(?:(?:jeden|immer)\s+(?P<wd>{_WEEKDAY})\b|(?P<wds>{_WEEKDAY})s\b)", re.IGNORECASE)
RELATIVE_RE = re.compile(r"(?<![\w])(?P<rel>vorgestern|gestern|[Hh]eute|morgen|übermorgen)\b")
_HOUR = r"(?:[01]?\d|2[0-4])"
_MIN = r"(?:[0-5]\d)"
# No digit, slash or dot right before: "02351/966 6523" and "551-371" are phone numbers.
TIME_RE = re.compile(
    rf"(?<![\d/.,:-])(?<![\d/]\s)(?P<h1>{_HOUR})(?:[.:](?P<m1>{_MIN}))?\s*(?:Uhr\s*)?"
    rf"(?:(?:bis|[-–])\s*(?:(?:ca\.|etwa|maximal|max\.)\s*)?(?P<h2>{_HOUR})(?:[.:](?P<m2>{_MIN}))?\s*)?Uhr\b"
    rf"|(?<![\d/.,:-])(?<![\d/]\s)(?P<h3>{_HOUR}):(?P<m3>{_MIN})(?:\s*[-–]\s*(?P<h4>{_HOUR}):(?P<m4>{_MIN}))?(?![\d:])"
)

# Words before a four-digit number that make it a count or a reference number, not a year.
_NOT_YEAR_BEFORE = re.compile(
    r"(?:\b(?:rund|etwa|ca\.|circa|über|mehr\s+als|weniger\s+als|fast|knapp|insgesamt|bis\s+zu|nur|Nr\.?|Nummer|"
    r"Tel\.?|Telefon|Fax|Postfach|Raum|Zimmer|PLZ|Seite|S\.|Drucksache|Vorlage|Az\.?|Aktenzeichen|Drs\.?)|§|\d\s?)\s*$",
    re.IGNORECASE,
)
_NOT_YEAR_AFTER = re.compile(
    r"^\s*(?:Euro|EUR|€|Prozent|%|Mio|Millionen|Menschen|Personen|Teilnehm\w*|Besucher\w*|Einwohner\w*|Mitglieder\w*|"
    r"Kinder\w*|Jugendliche\w*|Stunden|Meter|km|qm|m²|Plätze|Stellen|Exemplare|Unterschriften|Flüchtlinge|"
    r"Geflüchtete\w*|Schüler\w*|Haushalte|Fälle|Anträge|[Mm]al\b|Tonnen|Sportvereine\w*|Vereine\w*|Kilometer)",
)
_YEARLESS_NUM_BEFORE = re.compile(
    rf"(?:\b(?:am|vom|von|bis|zum|ab|den|dem|seit|bis\s+zum|ab\s+dem|Stand|Datum|{_WEEKDAY},?)|[(,:])\s*$", re.IGNORECASE
)
_FUTURE_CUES = re.compile(
    r"\b(?:wird|werden|findet|finden|beginnt|beginnen|startet|starten|lädt|laden|bietet|bieten|"
    r"kommenden|nächsten|künftig|geplant|können\s+sich|sind\s+eingeladen|ist\s+eingeladen|anmelden|Anmeldung|"
    r"möglich|statt)\b",
    re.IGNORECASE,
)
_PAST_CUES = re.compile(
    r"\b(?:war|waren|wurde|wurden|hatte|hatten|hat|haben|fand|fanden|kamen|kam|gab|trafen|traf|"
    r"vergangenen|letzten|vorigen|bereits|begrüßte|eröffnete|informierte|erklärte|sagte)\b",
    re.IGNORECASE,
)
# A blank line, a line break before a capital or digit, or . ! ? after neither a digit, white space
# nor a single letter. It begins with the break or mark itself (then the lookbehinds), so that re
# skips ahead to the candidates instead of trying every position.
_SENTENCE_END = re.compile(
    r"[\n.!?](?:(?<=\n)\s*\n|(?<=\n)(?=\s*[A-ZÄÖÜ0-9„\"])"
    r"|(?<=[.!?])(?<![\d\s].)(?<!\b[A-Za-z].)[\"“”]?\s+(?=[A-ZÄÖÜ„\"]))"
)
_ENUM_SEP = re.compile(r"^\s*(?:,\s*(?:und|sowie|oder)?|und|sowie|oder|;|/)\s*(?:(?:am|vom|den|dem)\s+)?$")


# What a text must contain for a pattern that is not anchored (below) to match: a text without
# it skips that pattern's scan, which visits every character.
_ANY_YEAR = re.compile(_YEAR)


def _has_words(*words: str):
    return lambda text, lowered: any(word in lowered for word in words)


_NEEDS = {
    QUARTER_RE: lambda text, lowered: _ANY_YEAR.search(text) is not None and ("quartal" in lowered or "halbjahr" in lowered),
    SEASON_RE: _has_words("frühjahr", "frühling", "sommer", "herbst", "winter"),
    RELATIVE_RE: _has_words("gestern", "heute", "morgen"),
}


# Where a pattern's matches can begin: at an anchor (a run of digits, a month or weekday name) or
# at most this many words before one (a lead-in: "Anfang 2013", "Mittwoch, den 11. Mai", "im
# März"). Such a pattern is tried only there: a text holds few anchors, and a scan of the whole
# text tries every position (the leading lookbehind keeps re from skipping ahead to a possible
# first character). The matches are finditer's.
_ANCHORED = {
    TIME_RE: ("digits", 0), DAY_LIST_RE: ("digits", 0), YEAR_RE: ("digits", 1), NUM_MONTH_YEAR_RE: ("digits", 1),
    YEAR_RANGE_RE: ("digits", 1), DAY_ONLY_RANGE_RE: ("digits", 1), DAY_RE: ("digits", 2),
    MONTH_YEAR_RE: ("months", 1), MONTH_RANGE_RE: ("months", 1), MONTH_RE: ("months", 1),
    WEEKDAY_RE: ("weekdays", 1), WEEKDAY_SET_RE: ("weekdays", 1),
}
_ANCHOR_WORDS = {"months": _FULL_MONTHS, "weekdays": list(WEEKDAYS)}
_DIGIT_RUN = re.compile(r"\d+")
# Letters that re.IGNORECASE matches to a letter of the anchor words but str.lower() does not
# turn into it (or turns into two letters): in a text with one, the anchor words are scanned for.
_CASE_SPECIAL = ("ı", "ſ", "İ")


class _Scanner:
    """The matches of each pattern in one text (finditer's, found faster where the pattern allows)."""

    def __init__(self, text: str):
        self.text = text
        self.lowered = text.lower()   # the gates' and the name anchors' view (no letter of theirs folds otherwise)
        self._starts: dict[tuple[str, int], list[int] | None] = {}

    def __call__(self, pattern: re.Pattern):
        needs = _NEEDS.get(pattern)
        if needs is not None and not needs(self.text, self.lowered):
            return ()
        starts = self.starts(*_ANCHORED[pattern]) if pattern in _ANCHORED else None
        if starts is None:
            return pattern.finditer(self.text)
        return self._matches_at(pattern, starts)

    def starts(self, anchor: str, lead: int) -> list[int] | None:
        """Sorted places where a match may begin: the anchors and the starts of the `lead` words
        before each (a word followed by an optional comma and white space); None: scan it all."""
        key = (anchor, lead)
        if key not in self._starts:
            anchors = self._anchors(anchor)
            if anchors is None:
                self._starts[key] = None
            else:
                found, edge = set(anchors), anchors
                for _ in range(lead):
                    edge = [w for w in (_word_before(self.text, a) for a in edge) if w is not None]
                    found.update(edge)
                self._starts[key] = sorted(found)
        return self._starts[key]

    def _anchors(self, anchor: str) -> list[int] | None:
        if anchor == "digits":
            return [m.start() for m in _DIGIT_RUN.finditer(self.text)]
        lowered = self.lowered
        if len(lowered) != len(self.text) or any(c in self.text for c in _CASE_SPECIAL):
            return None
        found = []
        for word in _ANCHOR_WORDS[anchor]:
            at = lowered.find(word)
            while at >= 0:
                found.append(at)
                at = lowered.find(word, at + 1)
        return found

    def _matches_at(self, pattern: re.Pattern, starts: list[int]):
        end = 0
        for start in starts:
            if start >= end:   # finditer goes on after the end of a match
                match = pattern.match(self.text, start)
                if match:
                    yield match
                    end = match.end()


def _word_before(text: str, position: int) -> int | None:
    """Start of the \\w word that ends, with an optional comma, in the white space before `position`."""
    end = position
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if end == position:
        return None
    if end > 0 and text[end - 1] == ",":
        end -= 1
    start = end
    while start > 0 and _WORD_CHAR.match(text, start - 1):
        start -= 1
    return start if start < end else None


_WORD_CHAR = re.compile(r"\w")


@dataclass
class _Hit:
    start: int
    end: int
    kind: str
    month: int | None = None
    day: int | None = None
    year: int | None = None
    weekday: int | None = None
    extra: dict = field(default_factory=dict)
    value: str | None = None
    end_parts: tuple | None = None  # (year, month, day) of a range's end
    time: str | None = None
    group: int | None = None


def _published(value) -> tuple[date | None, int | None, int | None]:
    """(day-precise date or None, year, month) from '2017-08-14', '2021-11', '2013'."""
    text = str(value or "")[:10]
    match = re.match(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$", text)
    if not match:
        return None, None, None
    year = int(match[1])
    month = int(match[2]) if match[2] else None
    day_date = None
    if match[3]:
        try:
            day_date = date(year, month, int(match[3]))
        except ValueError:
            day_date = None
    return day_date, year, month


def _valid(year: int | None, month: int, day: int) -> bool:
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: 29 February stays possible
    except ValueError:
        return False
    return True


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _sentence_of(sentences, position: int) -> tuple[int, int]:
    for span in sentences:
        if span[0] <= position < span[1]:
            return span
    return sentences[-1]


def _overlaps(hits: list[_Hit], start: int, end: int) -> bool:
    return any(h.start < end and start < h.end for h in hits)


def _mod_of(word: str | None) -> dict:
    return {"mod": MODS[word.lower()]} if word else {}


def _month_of(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _day_hit(match: re.Match, start: int | None = None) -> _Hit | None:
    g = match.groupdict()
    if g.get("day"):
        day, month = int(g["day"]), _month_of(g["month"])
        year = int(g["year"]) if g.get("year") else None
    elif g.get("nday"):
        day, month = int(g["nday"]), int(g["nmonth"])
        year = None
        if g.get("nyear"):
            year = int(g["nyear"])
            if year < 100:
                year += 2000 if year < 50 else 1900
    else:
        day, month, year = int(g["iday"]), int(g["imonth"]), int(g["iyear"])
    if not _valid(year, month, day):
        return None
    weekday = WEEKDAYS[g["wd"].lower()] if g.get("wd") else None
    return _Hit(start if start is not None else match.start(), match.end(), "date", month, day, year, weekday)


def _candidates(text: str) -> tuple[list[_Hit], list[_Hit]]:
    """All date expressions, longest first where they overlap."""
    hits: list[_Hit] = []
    scan = _Scanner(text)

    def add(hit: _Hit | None) -> None:
        if hit and not _overlaps(hits, hit.start, hit.end):
            hits.append(hit)

    # Times first: "14.30 Uhr" must not become a day, "14 bis 17 Uhr" not a range of days.
    times: list[_Hit] = []
    for match in scan(TIME_RE):
        g = match.groupdict()
        h1, m1 = (g["h1"], g["m1"]) if g["h1"] is not None else (g["h3"], g["m3"])
        h2, m2 = (g["h2"], g["m2"]) if g["h1"] is not None else (g["h4"], g["m4"])
        value = f"{int(h1):02d}:{int(m1 or 0):02d}"
        if h2 is not None:
            value += f"-{int(h2):02d}:{int(m2 or 0):02d}"
        times.append(_Hit(match.start(), match.end(), "time", time=value))

    def free(start: int, end: int) -> bool:
        return not _overlaps(times, start, end)

    # Ranges of days: "vom 3. bis 5. Mai 2013", "vom 26. September bis 4. Oktober 2009"
    for match in scan(DAY_ONLY_RANGE_RE):
        second = DAY_RE.match(text, match.end())
        if not second or not free(match.start(), second.end()):
            continue
        end_hit = _day_hit(second)
        if end_hit and _valid(end_hit.year, end_hit.month, int(match["first"])):
            add(_Hit(match.start(), second.end(), "range", end_hit.month, int(match["first"]), end_hit.year,
                     end_parts=(end_hit.year, end_hit.month, end_hit.day)))
    for match in scan(MONTH_RANGE_RE):
        month, month2 = _month_of(match["month"]), _month_of(match["month2"])
        year = int(match["year"]) if match["year"] else None
        start_year = year - 1 if year and month2 < month else year
        add(_Hit(match.start(), match.end(), "range", month, None, start_year, end_parts=(year, month2, None)))
    for match in scan(DAY_LIST_RE):
        # walk the list to its first full day: "3., 4. und 5. Mai 2013"
        position, days = match.start(), []
        while (item := DAY_LIST_RE.match(text, position)) is not None:
            days.append((item.start(), item.start("first") + len(item["first"]) + 1, int(item["first"])))
            position = item.end()
        full = DAY_RE.match(text, position)
        last = _day_hit(full) if full else None
        if not last or _overlaps(hits, match.start(), match.end()):
            continue
        for start, end, day in days:
            if _valid(last.year, last.month, day):
                add(_Hit(start, end, "date", last.month, day, last.year))
    for match in scan(DAY_RE):
        first = _day_hit(match)
        if not first or not free(match.start(), match.end()):
            continue
        sep = re.compile(_RANGE_SEP).match(text, match.end())
        before = text[max(0, match.start() - 6):match.start()]
        second = DAY_RE.match(text, sep.end()) if sep else None
        is_range = second and (re.search(r"\b[Vv]o[mn]\s+$", before) or sep.group().strip() in "-–—")
        if is_range:
            end_hit = _day_hit(second)
            if end_hit and free(match.start(), second.end()):
                start = match.start()
                prefix = re.search(r"\b[Vv]o[mn]\s+$", before)
                if prefix:
                    start -= len(prefix.group())
                first.start, first.end, first.kind = start, second.end(), "range"
                first.end_parts = (end_hit.year, end_hit.month, end_hit.day)
                if first.year is None and end_hit.year is not None and (first.month, first.day) <= (end_hit.month, end_hit.day):
                    first.year = end_hit.year
                add(first)
                continue
        if match["nday"] and not match["nyear"] and not match["wd"]:
            # "17.1." only where a preposition or weekday says it is a date, not a section number "1.2."
            if not _YEARLESS_NUM_BEFORE.search(text[max(0, match.start() - 30):match.start()]):
                continue
        add(first)
    for match in scan(QUARTER_RE):
        number = ORDINALS[match["ord"].lower()]
        unit = "Q" if match["unit"].lower().startswith("quartal") else "H"
        if unit == "H" and number > 2:
            continue
        add(_Hit(match.start(), match.end(), "date", year=int(match["year"]), extra={"part": f"{unit}{number}"}))
    for match in scan(MONTH_YEAR_RE):
        if free(match.start(), match.end()):
            add(_Hit(match.start(), match.end(), "date", _month_of(match["month"]), None, int(match["year"]),
                     extra=_mod_of(match["mod"])))
    for match in scan(NUM_MONTH_YEAR_RE):
        if free(match.start(), match.end()) and not _NOT_YEAR_BEFORE.search(text[max(0, match.start() - 20):match.start()]):
            add(_Hit(match.start(), match.end(), "date", int(match["month"]), None, int(match["year"]),
                     extra=_mod_of(match["mod"])))
    for match in scan(SEASON_RE):
        season = SEASONS[re.sub(r"(?:es|s)$", "", match["season"].lower())]
        year = int(match["year"]) if match["year"] else None
        cue = re.search(r"\b(im|zum|bis|seit|ab|diesen|diesem|kommenden|nächsten|letzten|vergangenen|vorigen)\s+$",
                        text[max(0, match.start() - 12):match.start()], re.IGNORECASE)
        if year is None and not cue:
            continue
        extra = {"season": season, **_mod_of(match["mod"])}
        direction = _direction(cue[1] if cue else match["mod"])
        if direction:
            extra["direction"] = direction
        add(_Hit(match.start(), match.end(), "date", year=year, extra=extra))
    for match in scan(MONTH_RE):
        start = match.start() if match["mod"] else match.start("month")
        extra = _mod_of(match["mod"])
        direction = _direction(match["mod"] or match.group(0).split()[0])
        if direction:
            extra["direction"] = direction
        add(_Hit(start, match.end(), "date", _month_of(match["month"]), extra=extra))
    for match in scan(YEAR_RANGE_RE):
        year = int(match["year"])
        if match["short"]:
            # "Schuljahr 2016/17", "Saison 2016/2017": only consecutive years, else "0346/2016"-like numbers
            year2 = int(match["short"]) if len(match["short"]) == 4 else year // 100 * 100 + int(match["short"])
            if year2 != year + 1:
                continue
        else:
            year2 = int(match["year2"])
        if year < year2 <= year + 30 and free(match.start(), match.end()):
            add(_Hit(match.start(), match.end(), "range", year=year, end_parts=(year2, None, None)))
    for match in scan(YEAR_RE):
        year = int(match["year"])
        if not (1900 <= year <= 2100) or not free(match.start(), match.end()):
            continue
        if _NOT_YEAR_BEFORE.search(text[max(0, match.start("year") - 20):match.start("year")]):
            continue
        if _NOT_YEAR_AFTER.match(text[match.end():match.end() + 20]):
            continue
        add(_Hit(match.start(), match.end(), "date", year=year, extra=_mod_of(match["mod"])))
    for match in scan(WEEKDAY_SET_RE):
        weekday = WEEKDAYS[(match["wd"] or match["wds"]).lower()]
        add(_Hit(match.start(), match.end(), "set", weekday=weekday))
    for match in scan(WEEKDAY_RE):
        if not match["wd"][0].isupper():
            continue
        rel = (match["rel"] or "").lower()
        add(_Hit(match.start(), match.end(), "weekday", weekday=WEEKDAYS[match["wd"].lower()], extra={"rel": rel}))
    for match in scan(RELATIVE_RE):
        add(_Hit(match.start(), match.end(), "relative", extra={"offset": RELATIVE_DAYS[match["rel"].lower()]}))
    hits.sort(key=lambda h: h.start)
    hits = _merge_weekdays(text, hits)
    times = [t for t in times if not _overlaps(hits, t.start, t.end)]
    return hits, times


def _direction(word: str | None) -> str | None:
    """Whether a word before a yearless month or season points back ("seit Februar") or ahead."""
    word = (word or "").lower()
    if word in ("seit", "vergangenen", "letzten", "vorigen"):
        return "past"
    if word in ("kommenden", "nächsten"):
        return "future"
    return None


def _merge_weekdays(text: str, hits: list[_Hit]) -> list[_Hit]:
    """"Freitag [24. November 2017]", "Freitag, dem 3. Mai": the weekday belongs to the date."""
    merged: list[_Hit] = []
    for hit in hits:
        previous = merged[-1] if merged else None
        if (previous is not None and previous.kind == "weekday" and hit.kind in ("date", "range") and hit.day
                and re.fullmatch(r"[\s,(\[]*(?:den\s+|dem\s+)?", text[previous.end:hit.start])):
            hit.start, hit.weekday = previous.start, previous.weekday
            merged[-1] = hit
            continue
        merged.append(hit)
    return merged


def _group(text: str, hits: list[_Hit]) -> None:
    """Link enumerations and lists of dates: 17. Januar, 21. Februar und 11. April 2013."""
    group = 0
    for previous, hit in zip(hits, hits[1:]):
        linkable = previous.kind in ("date", "range") and hit.kind in ("date", "range")
        if linkable and previous.month and hit.month and _ENUM_SEP.match(text[previous.end:hit.start]):
            if previous.group is None:
                group += 1
                previous.group = group
            hit.group = previous.group


def _nearest_year(pub_date: date | None, pub_year: int, pub_month: int | None, month: int, day: int | None,
                  weekday: int | None) -> int:
    anchor = pub_date or date(pub_year, pub_month or 7, 15 if pub_month else 1)
    options = []
    for year in (pub_year - 1, pub_year, pub_year + 1):
        if not _valid(year, month, day or 1):
            continue
        candidate = date(year, month, day or 15)
        if weekday and day and candidate.isoweekday() != weekday:
            continue
        options.append((abs((candidate - anchor).days), year))
    if not options:
        return pub_year if (weekday is None) else _nearest_year(pub_date, pub_year, pub_month, month, day, None)
    return min(options)[1]


def _weekday_date(pub_date: date, weekday: int, future: bool) -> date:
    delta = (weekday - pub_date.isoweekday()) % 7
    if future:
        return pub_date + timedelta(days=delta or 7)
    return pub_date - timedelta(days=(pub_date.isoweekday() - weekday) % 7)


def _format(year: int | None, month: int | None, day: int | None = None) -> str:
    parts = [f"{year:04d}" if year else "XXXX"]
    if month:
        parts.append(f"{month:02d}")
        if day:
            parts.append(f"{day:02d}")
    return "-".join(parts)


def _resolve(text: str, hits: list[_Hit], published, sentences: list[tuple[int, int]]) -> None:
    pub_date, pub_year, pub_month = _published(published)
    groups: dict[int, list[_Hit]] = {}
    for hit in hits:
        if hit.group is not None:
            groups.setdefault(hit.group, []).append(hit)
    for hit in hits:
        sentence = text[slice(*_sentence_of(sentences, hit.start))]
        if hit.kind in ("date", "range"):
            if hit.year is None and hit.group is not None:
                members = groups[hit.group]
                later = [m.year for m in members if m.year and m.start > hit.start]
                earlier = [m.year for m in members if m.year and m.start < hit.start]
                hit.year = (later or earlier[::-1] or [None])[0]
            if hit.year is None and (hit.month or hit.extra.get("season")) and pub_year:
                direction = hit.extra.get("direction")
                month = hit.month or _SEASON_START[hit.extra["season"]]
                if direction and pub_month:
                    # "seit Februar", "im vergangenen Herbst": the last one before publication
                    if direction == "past":
                        hit.year = pub_year if month <= pub_month else pub_year - 1
                    else:
                        hit.year = pub_year if month > pub_month else pub_year + 1
                elif hit.month:
                    hit.year = _nearest_year(pub_date, pub_year, pub_month, hit.month, hit.day, hit.weekday)
                else:
                    hit.year = pub_year
            if hit.year is None:
                years = [(abs(m.start() - hit.start), int(m[0])) for m in re.finditer(rf"(?<!\d){_YEAR}(?!\d)", sentence)]
                hit.year = min(years)[1] if years else None
            if hit.extra.get("season"):
                hit.value = f"{hit.year:04d}-{hit.extra['season']}" if hit.year else f"XXXX-{hit.extra['season']}"
            elif hit.extra.get("part"):
                hit.value = f"{hit.year:04d}-{hit.extra['part']}"
            else:
                hit.value = _format(hit.year, hit.month, hit.day)
            if hit.end_parts:
                year2, month2, day2 = hit.end_parts
                if year2 is None and hit.year:
                    year2 = hit.year if (month2, day2) >= (hit.month, hit.day) else hit.year + 1
                hit.extra["value_end"] = _format(year2, month2, day2)
        elif hit.kind == "weekday":
            rel = hit.extra.get("rel")
            future = rel in ("kommenden", "nächsten") or (
                rel not in ("vergangenen", "letzten", "vorigen")
                and bool(_FUTURE_CUES.search(sentence)) and not _PAST_CUES.search(sentence)
            )
            if pub_date:
                hit.value = _weekday_date(pub_date, hit.weekday, future).isoformat()
            else:
                hit.value = f"XXXX-WXX-{hit.weekday}"
            hit.kind = "date"
        elif hit.kind == "relative":
            if pub_date:
                hit.value = (pub_date + timedelta(days=hit.extra["offset"])).isoformat()
                hit.kind = "date"
        elif hit.kind == "set":
            hit.value = f"XXXX-WXX-{hit.weekday}"


def _attach_times(text: str, hits: list[_Hit], times: list[_Hit], sentences: list[tuple[int, int]]) -> list[_Hit]:
    """A time belongs to the date before it in its sentence ("jeweils": to the whole list)."""
    dated = [h for h in hits if h.value and h.kind in ("date", "range")]
    loose = []
    for t in times:
        sentence = _sentence_of(sentences, t.start)
        before = [h for h in dated if sentence[0] <= h.start and h.end <= t.start and t.start - h.end <= 120]
        after = [h for h in dated if h.start >= t.end and h.end <= sentence[1] and h.start - t.end <= 40]
        if before:
            target = before[-1]
            targets = [target]
            if target.group is not None and re.search(r"\bjeweils\b", text[target.end:t.start]):
                targets = [h for h in dated if h.group == target.group]
        elif after:
            targets = [after[0]]
        else:
            loose.append(t)
            continue
        for target in targets:
            if target.time is None:
                target.time = t.time
    return loose


def find_dates(text: str, published: str | None = None) -> list[dict]:
    """Calendar expressions in `text`, normalised relative to `published` (ISO, may be None)."""
    hits, times = _candidates(text)
    _group(text, hits)
    sentences = _sentences(text)
    _resolve(text, hits, published, sentences)
    loose_times = _attach_times(text, hits, times, sentences)
    results = []
    for hit in hits:
        if not hit.value:
            continue
        item = {"text": text[hit.start:hit.end], "value": hit.value, "start": hit.start, "end": hit.end,
                "kind": hit.kind}
        if "value_end" in hit.extra:
            item["value_end"] = hit.extra["value_end"]
        if "mod" in hit.extra:
            item["mod"] = hit.extra["mod"]
        if hit.time:
            item["time"] = hit.time
        results.append(item)
    pub_date, _, _ = _published(published)
    for t in loose_times:
        day = pub_date.isoformat() if pub_date and re.search(r"\bheute\b", text[max(0, t.start - 40):t.start]) else "XXXX-XX-XX"
        results.append({"text": text[t.start:t.end], "value": f"{day}T{t.time.split('-')[0]}", "start": t.start,
                        "end": t.end, "kind": "time", "time": t.time})
    results.sort(key=lambda r: r["start"])
    return results


class TemporalTagger:
    """spaCy component: doc._.dates from doc.text and doc._.published."""

    def __init__(self, nlp: Language, name: str = "presse_dates"):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.dates = find_dates(docview.text(doc), doc._.published)
        return doc


@Language.factory("presse_dates", assigns=["doc._.dates"])
def make_temporal_tagger(nlp: Language, name: str) -> TemporalTagger:
    return TemporalTagger(nlp, name)
