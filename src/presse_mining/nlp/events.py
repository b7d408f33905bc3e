"""Events: every meeting, workshop, seminar, Fachtag, conference, session, visit or
ceremony a text reports or announces.

How a text becomes events (doc._.events, the format of docs/output.md):

1. Schedules: a parenthesis with dates after a (quoted) title, as in
   `„Migranten im Alter“ (7. Februar, 14. März und 18. April 2013, jeweils 14.30 bis
   17.30 Uhr, Johannes-Grundschule Soest)` gives one event per date, each with the
   title, time, venue and place of its parenthesis.
2. Dated mentions: a trigger noun (Netzwerktreffen, Workshop, Fachtag …) with a date
   of at least month precision in its sentence gives an event on that date.
3. The reported event: the remaining singular trigger mentions of the text are one
   event (the text reports one meeting in several words: Treffen, Veranstaltung,
   Workshops …). Its date is a date of its own where the trigger sentences give one,
   else the publication date for a report (`jetzt`, `gestern`, past tense), none for
   an announcement without a date.

Place is the municipality: of the venue (`Alte Hammerhütter Schule in Siegen`,
`Siegburger Kreishaus`, `Walburgis-Grundschule Werl`, a `Kreishaus` resolves to the
seat of the text's Kreis), of `in Olpe` near the trigger, or of the dateline.
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc, Span

from . import docview, identity

if not Doc.has_extension("events"):
    Doc.set_extension("events", default=None)
if not Doc.has_extension("dates"):
    Doc.set_extension("dates", default=None)
if not Doc.has_extension("published"):
    Doc.set_extension("published", default=None)

# (regex on a capitalised word, event type, rank for the type of a reported event: lower wins)
_TRIGGERS: list[tuple[str, str, int]] = [
    (r"auftaktveranstaltung(en)?|auftaktworkshops?|auftakttreffen", "Auftaktveranstaltung", 0),
    (r"\w*netzwerk\w*treffens?|\w*netzwerk\w*konferenz(en)?|vernetzungstreffens?", "Netzwerktreffen", 1),
    (r"\w*seminar(s|e|en)?", "Seminar", 2),
    (r"\w*fachtag(s|es|e|en|ung|ungen)?", "Fachtag", 3),
    (r"\w*konferenz(en)?|\w*kongress(es|e)?|\w*tagung(en)?|\w*symposium", "Konferenz", 4),
    (r"\w*workshops?", "Workshop", 5),
    (r"besuch(s|es|e)?|\w+besuch(s|es|e)?|stippvisite|visite", "Besuch", 6),
    (r"\w*sitzung(en)?|\w*versammlung(en)?", "Sitzung", 7),
    (r"\w*fortbildung(en)?|\w*schulung(en)?|\w*qualifizierungsreihe", "Fortbildung", 8),
    (r"\w*feier(n)?|festakt(s|es)?|\w*empfang(s|es)?|\w*zeremonie", "Feier", 9),
    (r"\w*gesprächsrunde(n)?|\w*podiumsdiskussion(en)?|runde[nr]? tisch(es)?|\w*dialog(s|e)?|\w*forum",
     "Gesprächsrunde", 10),
    (r"\w*infoabend(s|e)?|\w*informationsabend(s|e)?|\w*informationsveranstaltung(en)?", "Informationsveranstaltung", 11),
    (r"\w*treffen(s)?", "Treffen", 12),
    (r"\w*veranstaltung(en)?|auftakt(s|es)?|aktionstag(e|es)?", "Veranstaltung", 13),
]
_TRIGGER_RE = [(re.compile(rf"^(?:{p})$", re.IGNORECASE), t, r) for p, t, r in _TRIGGERS]
_NOT_TRIGGERS = re.compile(
    r"^(besucher\w*|betreffen\w*|übertreffen|veranstalter\w*|feierabend\w*|forums?|dialoge?|empfangs\w+|"
    r"netzwerk|treffpunkt\w*|sitzungsdienst\w*|versammlungsstätte\w*|tagungsort\w*|sitzungsvorlage\w*)$",
    re.IGNORECASE,
)
_PLURAL = re.compile(r"(workshops|seminare|seminaren|fachtage|fachtagen|konferenzen|tagungen|sitzungen|"
                     r"versammlungen|besuche|veranstaltungen|fortbildungen|schulungen|feiern|gesprächsrunden)$",
                     re.IGNORECASE)
VENUE_HEADS = (
    "schule", "kreishaus", "rathaus", "haus", "zentrum", "halle", "saal", "aula", "kirche", "moschee", "hotel",
    "museum", "bibliothek", "bücherei", "begegnungsstätte", "treff", "kolleg", "gymnasium", "akademie", "forum",
    "stadthalle", "bürgerhaus", "gemeindehaus", "jugendzentrum", "kulturzentrum", "hof", "villa", "burg", "schloss",
    "kita", "kindergarten", "familienzentrum", "sporthalle", "mensa", "pavillon", "café", "cafe", "bahnhof",
    "stadion", "kaserne", "werkstatt", "ministerium", "landtag", "kreisverwaltung", "stadtverwaltung",
)
_FUTURE = re.compile(r"\b(wird|werden|findet|finden|lädt|laden|soll|sollen|geplant|vorgesehen|angestrebt|"
                     r"statt(finden)?|anmelden|Anmeldung|kommende[nmrs]?|nächste[nmrs]?)\b")
_PAST = re.compile(r"\b(war|waren|wurde|wurden|hatte|hatten|fand|fanden|kamen|gab|gaben|jetzt|gestern|"
                   r"vergangene[nmrs]?|kürzlich|zuletzt|\w+ten)\b")
_ORGANISER_CUE = re.compile(
    r"(ausricht|ausgericht|veranstalt|organisiert|organisierte|lädt|laden|lud|eingeladen|ins Leben gerufen|"
    r"initiiert|Einladung|in Kooperation mit|Gastgeber|richtete[n]? .{0,40} aus|richten .{0,40} aus)",
)
_ATTENDANCE = re.compile(
    r"(?<![\w.])((?:(?i:weit|gut|knapp|rund|etwa|ca\.|mehr als|über|fast|insgesamt|annähernd|nahezu|bis zu)\s+)*"
    r"\d{1,5}(?:\.\d{3})?)\s+(?:[a-zäöüß]+\s+){0,2}?(?:[A-ZÄÖÜ][a-zäöüß-]+(?:innen)?\s+)?"
    r"(Teilnehme\w*|Gäste\w*|Besucher\w*|Akteur\w*|Vertreter\w*|Protagonist\w*|Personen|Menschen|Interessierte\w*|"
    r"Fachleute|Fachkräfte\w*|Frauen|Männer|Jugendliche\w*|Schüler\w*|Ehrenamtliche\w*|Mitglieder\w*|Gästen|"
    r"Kinder\w*|Eltern|Zuhörer\w*|Engagierte\w*|Aktive\w*)",
)
_CONTACT = re.compile(r"(\d{3,5}[ /-]\d{2,}|@|[Kk]ontakt|wenden|Anmeldung|erreichbar|Telefon|Tel\.|E-Mail)")
_TIME = re.compile(r"(\d{1,2})(?:[.:](\d{2}))?\s*(?:Uhr\s*)?(?:bis|-|–)\s*(\d{1,2})(?:[.:](\d{2}))?\s*Uhr"
                   r"|(\d{1,2})(?:[.:](\d{2}))?\s*Uhr")


# -- places -------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _register() -> tuple[dict[str, dict], dict[str, dict]]:
    """(municipalities by name, Kreise by name) from data/places.tsv (Destatis register)."""
    gemeinden: dict[str, dict] = {}
    kreise: dict[str, dict] = {}
    try:
        handle = resources.files("presse_mining").joinpath("data/places.tsv").open(encoding="utf-8")
    except FileNotFoundError:
        return gemeinden, kreise
    with handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["level"] == "gemeinde":
                known = gemeinden.get(row["name"])
                if known is None or _population(row) > _population(known):
                    gemeinden[row["name"]] = row
            elif row["level"] == "kreis":
                kreise[row["name"]] = row
    return gemeinden, kreise


def _population(row: dict) -> int:
    try:
        return int(row.get("population") or 0)
    except ValueError:
        return 0


@lru_cache(maxsize=1)
def municipality_names() -> frozenset[str]:
    return frozenset(_register()[0])


def _municipality(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip(" .,")
    gemeinden = _register()[0]
    if name in gemeinden:
        return name
    if name.endswith("er") and name[:-2] in gemeinden:  # Siegburger → Siegburg
        return name[:-2]
    if name.endswith("er") and name[:-2] + "en" in gemeinden:  # Siegener → Siegen
        return name[:-2] + "en"
    return None


def place_ags(place: str | None, kreis: str | None = None) -> str | None:
    """AGS of a municipality: nlp.places where there, else the register's most populous namesake."""
    if not place:
        return None
    try:
        from . import places as resolver  # the places resolver, where built
    except ImportError:
        resolver = None
    if resolver is not None and hasattr(resolver, "resolve"):
        try:
            found = resolver.resolve(place, kreis) if kreis else resolver.resolve(place)
        except Exception:  # noqa: BLE001 — a resolver problem must not lose the event
            found = None
        if found:
            ags = found.get("ags") if isinstance(found, dict) else getattr(found, "ags", None)
            if ags:
                return ags
    row = _register()[0].get(place)
    return row["ags"] if row else None


@lru_cache(maxsize=1)
def _kreissitze() -> dict[str, str]:
    """Kreis name → seat, from data/kreissitze.tsv where the places stage ships it."""
    seats: dict[str, str] = {}
    for path in ("data/kreissitze.tsv",):
        try:
            handle = resources.files("presse_mining").joinpath(path).open(encoding="utf-8")
        except (FileNotFoundError, OSError):
            continue
        with handle:
            lines = [line for line in handle if not line.startswith("#")]
        for row in csv.DictReader(lines, delimiter="\t"):
            kreis = row.get("kreis") or row.get("name") or row.get("Kreis")
            seat = row.get("sitz") or row.get("seat") or row.get("kreissitz") or row.get("Sitz")
            if kreis and seat:
                seats[kreis] = seat
    return seats


def kreis_seat(kreis: str | None) -> str | None:
    """The municipality a Kreishaus stands in: Kreis Soest → Soest, Rhein-Sieg-Kreis → Siegburg."""
    if not kreis:
        return None
    kreis = identity.org_base_form(kreis)
    try:
        from . import places as resolver
    except ImportError:
        resolver = None
    if resolver is not None and hasattr(resolver, "kreis_seat"):
        try:
            seat = resolver.kreis_seat(kreis)
        except Exception:  # noqa: BLE001
            seat = None
        if seat:
            return seat if isinstance(seat, str) else (seat.get("name") if isinstance(seat, dict) else None)
    seats = _kreissitze()
    plain = re.sub(r"^(Kreis|Landkreis)\s+", "", kreis)
    for key in (kreis, plain, f"Kreis {plain}", f"Landkreis {plain}"):
        if key in seats:
            return seats[key]
    # Kreis Soest, Kreis Olpe: the Kreis is named after its seat
    if plain != kreis and _municipality(plain):
        return plain
    return None


_KREIS_RE = re.compile(
    r"\b(?:(?:Land)?[Kk]reis(?:es)?\s+((?:[A-ZÄÖÜ][\w-]+)(?:\s+[A-ZÄÖÜ][\w-]+)?)"
    r"|([A-ZÄÖÜ][\w-]*-Kreis(?:es)?|[A-ZÄÖÜ][a-zäöü]+kreis(?:es)?)"
    r"|((?:Märkische[nr]?|Oberbergische[nr]?|Rheinisch-Bergische[nr]?|Ennepe-Ruhr-|Hochsauerland)\s?Kreis(?:es)?))\b"
)


def article_kreis(text: str) -> str | None:
    """The Kreis a text is about: its dateline's, else the one it names most."""
    counts: Counter = Counter()
    first = None
    for match in _KREIS_RE.finditer(text):
        if match.group(1):
            words = match.group(1).split()
            # "Kreis Soest hat": keep name words only
            name = "Kreis " + " ".join(w for w in words[:2] if not identity._lemma_table().get(w.lower()))
            name = name if name != "Kreis " else "Kreis " + words[0]
        else:
            name = identity.org_base_form(match.group(2) or match.group(3))
        if name.lower() in ("kreis", "kreises"):
            continue
        counts[name] += 1
        if first is None and match.start() < 40:
            first = name
    if first:
        return first
    return counts.most_common(1)[0][0] if counts else None


# -- the component --------------------------------------------------------------------------------

@lru_cache(maxsize=100_000)
def trigger_of(word: str) -> tuple[str, int] | None:
    if not word[:1].isupper() or _NOT_TRIGGERS.match(word):
        return None
    for pattern, kind, rank in _TRIGGER_RE:
        if pattern.match(word):
            if kind == "Treffen" and re.search(r"(?i)netzwerk", word):
                return "Netzwerktreffen", 1
            return kind, rank
    return None


@Language.factory("presse_events", assigns=["doc._.events"])
def make_events(nlp: Language, name: str):
    return EventFinder()


class EventFinder:
    def __call__(self, doc: Doc) -> Doc:
        doc._.events = find_events(doc)
        return doc


def find_events(doc: Doc) -> list[dict]:
    text = docview.text(doc)
    names = identity.resolve(doc)
    dates = [d for d in (doc._.dates or []) if d.get("start") is not None]
    kreis = article_kreis(text)
    sents = docview.Sentences(doc)
    # the trigger words of the text, found once per distinct word
    trigger_tokens = [(doc[i], trigger_of(doc[i].text)) for i in docview.positions(doc, trigger_of)]
    schedule, schedule_ranges = _schedule_events(doc, dates, kreis, trigger_tokens)
    triggers = []
    for token, found in trigger_tokens:
        if any(a <= token.idx < b for a, b in schedule_ranges):
            continue
        kind, rank = found
        if kind == "Treffen" and re.search(r"(?i)\bnetzwerk", doc[token.i + 1:token.i + 6].text):
            kind, rank = "Netzwerktreffen", 1  # Treffen des (neuen) Netzwerks …
        triggers.append((token, kind, rank))

    dated: dict[str, dict] = {}
    undated = []
    for token, kind, rank in triggers:
        sent = sents.of(token.i)
        own = [d for d in dates if sent.start_char <= d["start"] < sent.end_char and _event_date(d, text)
               and not any(a <= d["start"] < b for a, b in schedule_ranges)]
        if own:
            for d in own:
                event = dated.setdefault(d["value"], _new_event(kind, rank, d))
                _take_type(event, kind, rank)
                event["_sentences"].add(sent.start)
                event["_triggers"].append(token)
        elif not _PLURAL.search(token.text) or _singular_context(token):
            undated.append((token, kind, rank))

    events = list(dated.values())
    if undated:
        if len(events) == 1:
            target = events[0]
        else:
            target = None
        if target is None:
            kind, rank = min(((k, r) for _, k, r in undated), key=lambda x: x[1])
            target = _new_event(kind, rank, None)
            target["_main"] = True
            events.insert(0, target)
        for token, kind, rank in undated:
            _take_type(target, kind, rank)
            target["_sentences"].add(sents.of(token.i).start)
            target["_triggers"].append(token)
        if target.get("_main"):
            target["date"], target["date_end"] = _report_date(doc, target, dates, sents)

    single = len(events) == 1
    for event in events:
        _fill(doc, event, names, kreis, sents, schedule_ranges, whole_text=single)
    result = events + schedule
    return [_public(e) for e in sorted(result, key=lambda e: e.get("_order", 0))]


def _new_event(kind: str, rank: int, date: dict | None) -> dict:
    return {
        "type": kind, "_rank": rank, "title": None,
        "date": date["value"] if date else None,
        "date_end": date.get("value_end") if date else None,
        "time": date.get("time") if date else None,
        "place": None, "venue": None, "organisers": [], "persons": [], "organisations": [],
        "attendance": None, "place_ags": None,
        "_sentences": set(), "_triggers": [], "_order": date["start"] if date else 0,
    }


def _take_type(event: dict, kind: str, rank: int) -> None:
    if rank < event["_rank"]:
        event["type"], event["_rank"] = kind, rank


def _singular_context(token) -> bool:
    """`eines Workshops`, `des Workshops` are singular although they end like a plural."""
    return token.i > 0 and token.doc[token.i - 1].lower_ in ("des", "eines", "ihres", "seines", "dieses")


def _event_date(d: dict, text: str) -> bool:
    """A date that can be an event's own: month precision or finer, not `seit …`/`bis …`."""
    value = d.get("value") or ""
    if d.get("kind") not in (None, "date", "range"):
        return False
    if not re.match(r"^(\d{4}|XXXX)-\d{2}(-\d{2})?", value):
        return False
    if d.get("mod") in ("ON_OR_AFTER", "BEFORE", "AFTER"):
        return False
    before = text[max(0, d["start"] - 12):d["start"]].lower()
    return not re.search(r"\b(seit|bis zum|bis|ab|spätestens)\s*(dem|zum|im|)?\s*$", before)


def _report_date(doc: Doc, event: dict, dates: list[dict], sents: docview.Sentences) -> tuple[str | None, str | None]:
    """A reported event without a date of its own: the publication date, unless it is an announcement."""
    published = doc._.published
    text = docview.text(doc)
    sentences = [sents.by_start[i] for i in sorted(event["_sentences"])]
    for sent in sentences:
        for d in dates:
            # `gestern`, `am Mittwoch` resolved by the temporal tagger against the publication date
            if sent.start_char <= d["start"] < sent.end_char and re.match(r"^\d{4}-\d{2}-\d{2}$", d.get("value") or "") \
                    and d.get("relative"):
                return d["value"], None
    future = sum(1 for s in sentences if _FUTURE.search(_text_of(text, s)) and not _PAST.search(_text_of(text, s)))
    if sentences and future == len(sentences):
        return None, None
    return (str(published) if published else None), None


# -- schedules --------------------------------------------------------------------------------------

def _schedule_events(doc: Doc, dates: list[dict], kreis: str | None,
                     trigger_tokens: list) -> tuple[list[dict], list[tuple[int, int]]]:
    text = docview.text(doc)
    groups: dict[tuple[int, int], list[dict]] = {}
    for d in dates:
        if not re.match(r"^(\d{4}|XXXX)-\d{2}-\d{2}", d.get("value") or ""):
            continue
        open_at = text.rfind("(", max(0, d["start"] - 200), d["start"])
        if open_at < 0 or ")" in text[open_at:d["start"]]:
            continue
        close_at = text.find(")", d["end"])
        if close_at < 0 or close_at - open_at > 400:
            continue
        groups.setdefault((open_at, close_at + 1), []).append(d)
    events, ranges = [], []
    for (start, end), items in sorted(groups.items()):
        inside = text[start + 1:end - 1]
        title, title_start = _title_before(text, start)
        kind = _schedule_type(trigger_tokens, title_start if title_start is not None else start)
        venue = _schedule_venue(inside, items, start + 1)
        place = _place_of_venue(venue, kreis)
        time = next((d.get("time") for d in items if d.get("time")), None) or _time_in(inside)
        ranges.append((title_start if title_start is not None else start, end))
        for d in items:
            event = _new_event(kind or "Veranstaltung", 20, d)
            event.update(title=title, venue=venue, place=place, time=d.get("time") or time,
                         place_ags=place_ags(place, kreis))
            event["_schedule"] = True
            events.append(event)
    return events, ranges


def _title_before(text: str, paren: int) -> tuple[str | None, int | None]:
    """The quoted title right before a schedule parenthesis (closing quote optional)."""
    window_start = max(0, paren - 160)
    segment = text[window_start:paren]
    opening = max(segment.rfind("„"), segment.rfind("\""), segment.rfind("»"))
    if opening < 0:
        return None, None
    # the title must not run across an earlier item's parenthesis
    if ")" in segment[opening:]:
        return None, None
    title = segment[opening + 1:].strip().strip("“”\"«».,:;' ")
    return (title or None), window_start + opening


def _schedule_type(trigger_tokens: list, position: int) -> str | None:
    """The trigger that introduces a schedule: the nearest one before it in the paragraph."""
    best = None
    for token, found in trigger_tokens:
        if token.idx >= position:
            break
        if position - token.idx < 800:
            best = found[0]
    return best


def _schedule_venue(inside: str, items: list[dict], offset: int) -> str | None:
    """What is left of a schedule parenthesis without its dates and times: the venue."""
    cleaned = list(inside)
    for d in items:
        for i in range(d["start"] - offset, min(d["end"] - offset, len(cleaned))):
            if 0 <= i < len(cleaned):
                cleaned[i] = " "
    rest = "".join(cleaned)
    parts = [p.strip(" .;") for p in re.split(r"[,;]", rest)]
    candidates = []
    for part in parts:
        part = re.sub(r"\bjeweils\b", "", part).strip()
        part = _TIME.sub("", part).strip()
        part = re.sub(r"^(und|sowie|im|in der|in|bei)\s+", "", part).strip()
        if part and re.search(r"[A-ZÄÖÜ]", part) and not re.fullmatch(r"[\d\s.:–-]+", part):
            candidates.append(part)
    return candidates[-1] if candidates else None


def _time_in(text: str) -> str | None:
    match = _TIME.search(text)
    if not match:
        return None
    if match.group(1):
        return f"{int(match.group(1)):02d}:{match.group(2) or '00'}-{int(match.group(3)):02d}:{match.group(4) or '00'}"
    return f"{int(match.group(5)):02d}:{match.group(6) or '00'}"


def _place_of_venue(venue: str | None, kreis: str | None) -> str | None:
    if not venue:
        return None
    words = venue.replace("-", " ").split()
    for word in reversed(words):
        place = _municipality(word)
        if place:
            return place
    match = re.search(r"\bin\s+([A-ZÄÖÜ][\w-]+(?:\s+[A-ZÄÖÜ][\w-]+)?)", venue)
    if match and _municipality(match.group(1)):
        return _municipality(match.group(1))
    if re.search(r"kreishaus|kreisverwaltung", venue, re.IGNORECASE):
        return kreis_seat(kreis)
    return None


# -- filling an event ------------------------------------------------------------------------------

_VENUE_RE = re.compile(
    r"\b(?:im|ins|in der|in die|in dem|in das|in den|auf dem|am|an der|zur|zum)\s+"
    r"((?:[A-ZÄÖÜ][\w.-]*\s+){0,3}(?:[A-ZÄÖÜ][\w-]*(?:" + "|".join(VENUE_HEADS) + r")|"
    + "|".join(h.capitalize() for h in VENUE_HEADS) + r"))\b"
    r"(?:\s+(?:in|von)\s+([A-ZÄÖÜ][\w-]+(?:\s+[A-ZÄÖÜ][\w-]+)?))?"
    r"|\b(?:im|ins)\s+(Kreishaus|Rathaus)\b",
)
_IN_PLACE = re.compile(r"\b(?:in|nach|aus)\s+([A-ZÄÖÜ][\w-]+(?:\s+(?:an der|am|im|bei)\s+[A-ZÄÖÜ][\w-]+)?)")


def _venue_and_place(text: str, kreis: str | None) -> tuple[str | None, str | None]:
    # a building (Kreishaus, Schule, Halle) before an institution that may be a venue (…zentrum, Forum)
    matches = sorted(_VENUE_RE.finditer(text), key=lambda m: bool(re.search(
        r"(?i)(zentrum|forum|ministerium|kreisverwaltung|stadtverwaltung|akademie)$", m.group(1) or m.group(3))))
    for match in matches:
        venue = match.group(1) or match.group(3)
        venue = identity.org_base_form(venue)
        place = _municipality(match.group(2)) if match.group(2) else None
        words = venue.split()
        if place is None and len(words) > 1:
            place = _municipality(words[0]) or _municipality(words[-1])
            if place and _municipality(words[0]) and re.search(r"(?i)kreishaus|rathaus", words[-1]):
                venue = words[-1]  # Siegburger Kreishaus → venue Kreishaus in Siegburg
        if place is None and re.search(r"(?i)kreishaus", venue):
            place = kreis_seat(kreis)
        return venue, place
    return None, None


def _place_in(text: str) -> str | None:
    for match in _IN_PLACE.finditer(text):
        place = _municipality(match.group(1)) or _municipality(match.group(1).split()[0])
        if place:
            return place
    return None


def _dateline_place(text: str) -> str | None:
    match = re.match(r"\s*([A-ZÄÖÜ][\w-]+(?:\s[A-ZÄÖÜ][\w-]+)?)\s*[.|/:–-]\s", text)
    if match:
        return _municipality(match.group(1))
    return None


def _fill(doc: Doc, event: dict, names: dict, kreis: str | None, sents: docview.Sentences,
          schedule_ranges: list[tuple[int, int]], whole_text: bool) -> None:
    text = docview.text(doc)
    sentences = sents.spans
    own = [sents.by_start[i] for i in sorted(event["_sentences"])]
    own_text = " ".join(_text_of(text, s) for s in own)
    event["title"] = event["title"] or _title_of(doc, event, sents)
    venue, place = _venue_and_place(own_text, kreis)
    if not place:
        place = _place_in(own_text)
    if not venue and whole_text:
        venue, venue_place = _venue_and_place(_outside(text, schedule_ranges), kreis)
        place = place or venue_place
    if not place and whole_text:
        place = _dateline_place(text) or _place_in(_outside(text, schedule_ranges)) or kreis_seat(_dateline_kreis(text))
    event["venue"], event["place"] = venue, place
    event["place_ags"] = place_ags(place, kreis)
    if not event.get("time"):
        event["time"] = _time_in(own_text) if re.search(r"\d\s*Uhr", own_text) else None
    # who: the sentences of the event, or the whole text when it reports one event
    scope = [s for s in sentences if not any(a <= s.start_char < b for a, b in schedule_ranges)] if whole_text else own
    scope = [s for s in scope if not _CONTACT.search(_text_of(text, s))]
    organisers = _organisers(doc, own, names, event, sents)
    persons, organisations = [], []
    for sent in scope:
        for ent in sents.ents_in(sent):
            name = names.get((ent.start_char, ent.end_char))
            if not name:
                continue
            if ent.label_ == "PER" and len(name.split()) >= 2 and name not in persons:
                persons.append(name)
            elif ent.label_ == "ORG":
                for org in _distribute(doc, ent, name):
                    if org not in organisations and org not in organisers:
                        organisations.append(org)
    # the organisations the participants speak for (WDR-Journalistin, Leiterin des …)
    for role in doc._.roles or []:
        org = role.get("organisation")
        if role["person"] in persons and org and org not in organisations and org not in organisers:
            organisations.append(org)
    event["organisers"], event["persons"], event["organisations"] = organisers, persons, organisations
    attendance_text = own_text if not whole_text else _outside(text, schedule_ranges)
    match = _ATTENDANCE.search(attendance_text)
    if match:
        amount = match.group(1)
        event["attendance"] = amount[:1].lower() + amount[1:]


def _text_of(text: str, span: Span) -> str:
    """`span.text`, cut from the Doc's text (Span.text joins its tokens anew each time)."""
    return text[span.start_char:span.end_char]


def _dateline_kreis(text: str) -> str | None:
    match = re.match(r"\s*((?:Kreis\s+)?[A-ZÄÖÜ][\w-]+(?:-Kreis)?)\s*[.|]\s", text)
    return match.group(1) if match and "kreis" in match.group(1).lower() else None


def _outside(text: str, ranges: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in ranges:
        for i in range(a, min(b, len(chars))):
            chars[i] = " "
    return "".join(chars)


def _title_of(doc: Doc, event: dict, sents: docview.Sentences) -> str | None:
    text = docview.text(doc)
    for token in event["_triggers"]:
        window = text[token.idx:sents.of(token.i).end_char]
        quoted = re.search(r"^[^:;.!?„]{0,80}?„([^“”\"]{3,120})[“”\"]", window)
        if quoted:
            return quoted.group(1).strip()
    token = event["_triggers"][0] if event["_triggers"] else None
    if token is None:
        return None
    # the trigger and its attached phrase: "Besuch der Integrationsagentur des DRK"
    end = token.i + 1
    sent_end = sents.of(token.i).end
    while end < sent_end and end - token.i < 8 and (
        doc[end].lower_ in ("des", "der", "zur", "zum", "für", "mit", "von", "im") or doc[end].text[:1].isupper()
    ):
        end += 1
    while end > token.i + 1 and doc[end - 1].lower_ in ("des", "der", "zur", "zum", "für", "mit", "von", "im"):
        end -= 1
    return doc[token.i:end].text


def _organisers(doc: Doc, own: list[Span], names: dict, event: dict, sents: docview.Sentences) -> list[str]:
    organisers: list[str] = []
    triggers = set(t.i for t in event["_triggers"])
    text = docview.text(doc)
    for sent in own:
        if not _ORGANISER_CUE.search(_text_of(text, sent)):
            continue
        for ent in sents.ents_in(sent):
            if ent.label_ != "ORG":
                continue
            # the network whose meeting it is (Treffen des Netzwerks …) is no organiser
            if any(0 < ent.start - t <= 3 and doc[ent.start - 1].lower_ in ("des", "der", "eines") or
                   0 < ent.start - t <= 6 and any(doc[k].lower_ in ("des", "der") for k in range(t + 1, ent.start))
                   for t in triggers):
                continue
            for org in _distribute(doc, ent, names.get((ent.start_char, ent.end_char)) or ent.text):
                if org not in organisers:
                    organisers.append(org)
    return organisers


def _distribute(doc: Doc, ent: Span, name: str) -> list[str]:
    """`Kreissportbünde Olpe und Siegen-Wittgenstein` → Kreissportbund Olpe, Kreissportbund Siegen-Wittgenstein."""
    words = ent.text.split()
    head = words[0]
    singular = identity.noun_lemma(head)
    lower = head.lower()
    if not any(lower.endswith(p) for p in identity._PLURAL_HEADS) or singular == head:
        return [name]
    names_after = words[1:]
    parts = " ".join(names_after).split(" und ")
    j = ent.end
    if j + 1 < len(doc) and doc[j].lower_ == "und" and doc[j + 1].text[:1].isupper():
        parts.append(doc[j + 1].text)
    parts = [p.strip() for p in parts if p.strip()]
    if not parts:
        return [name]
    return [f"{singular} {p}" for p in parts]


def _public(event: dict) -> dict:
    keys = ("type", "title", "date", "date_end", "time", "place", "venue", "organisers", "persons",
            "organisations", "attendance", "place_ags")
    out = {k: event.get(k) for k in keys}
    triggers = event.get("_triggers") or []
    if triggers:
        out["start"] = triggers[0].idx
    return out
