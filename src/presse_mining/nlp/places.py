"""Place names as written → municipality, Kreis or Land with official key (AGS) and coordinates.

Offline, from two tables shipped in the package:
- data/places.tsv: Destatis Gemeindeverzeichnis (GV-ISys, 31.12.2020), Datenlizenz
  Deutschland – Namensnennung 2.0; built by scripts/build_places.py;
- data/kreissitze.tsv: the seat of every Kreis (German Wikipedia lists of
  Kreisstädte, CC BY-SA 4.0); built by scripts/build_kreissitze.py.

`resolve("des Kreises Soest")` reads the name as press texts write it (articles,
prepositions, case endings, "Kreis"/"Landkreis" markers) and picks among the
candidates: a written Kreis marker asks for a Kreis, a bare name prefers the
municipality (Soest the town, not the Kreis); then candidates in the Kreise or
Länder named in the same text (`context_kreise`, `context_laender`), then
Nordrhein-Westfalen (our users' home), then population. A Kreis has the
coordinates of its seat; `kreishaus("Rhein-Sieg-Kreis")` is that seat (Siegburg).
`from_adjective("Siegburger")` → Siegburg, from forms generated from the register.
"""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources

HOME_LAND = "Nordrhein-Westfalen"
_LEVEL_ORDER = {"gemeinde": 0, "kreis": 1, "land": 2, "regierungsbezirk": 3}
_LEADING = {
    "der", "die", "das", "des", "dem", "den", "im", "in", "ins", "am", "an", "vom", "von", "zum", "zur", "beim",
    "bei", "aus", "nach", "ganz", "stadt", "gemeinde", "hansestadt", "kreisstadt", "universitätsstadt",
}
_KREIS_MARKERS = {"kreis", "kreises", "landkreis", "landkreises", "kreisgebiet", "kreisgebiets", "lk"}
_LAND_ALIASES = {"nrw": "Nordrhein-Westfalen", "bw": "Baden-Württemberg", "rlp": "Rheinland-Pfalz",
                 "m-v": "Mecklenburg-Vorpommern", "mv": "Mecklenburg-Vorpommern"}
# Where a register name adds a qualifier: "Verden (Aller)", "Limburg a.d. Lahn", "Bautzen / Budyšin".
_QUALIFIER = re.compile(r"\s*(?:\(|/|,|\s(?:a\.|b\.|i\.|v\.|am\s|an\s|im\s|in\s|ob\s|bei\s|vor\s))")
_KREISFREI = ("kreisfreie Stadt", "Stadtkreis")


@dataclass(frozen=True)
class Place:
    ags: str
    level: str  # gemeinde | kreis | land | regierungsbezirk
    name: str
    kind: str
    kreis_ags: str | None
    kreis: str | None
    land: str
    lat: float | None
    lon: float | None
    population: int | None

    def to_dict(self) -> dict:
        return asdict(self)


_HYPHEN = re.compile(r"\s*-\s*")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=100_000)  # the register's 28,000 keys at start, then the names of the texts
def _fold(text: str) -> str:
    text = text.replace("\u00ad", "").replace("–", "-").replace("’", "'")
    text = _HYPHEN.sub(" ", text)  # "Groß Gerau" and "Groß-Gerau" are one key
    return _SPACES.sub(" ", text).strip().casefold()


def _base_name(name: str) -> str:
    return _QUALIFIER.split(name, maxsplit=1)[0].strip()


def _number(value: str, kind=float):
    try:
        return kind(value) if value not in ("", None) else None
    except ValueError:
        return None


class Gazetteer:
    """The register in memory with its name index; one instance per process (see `gazetteer()`)."""

    def __init__(self, places_rows: list[dict], seat_rows: list[dict]):
        self.places: dict[str, Place] = {}
        self.kreis_seat: dict[str, str] = {r["kreis_ags"]: r["seat_ags"] for r in seat_rows}
        rows = [r for r in places_rows if not self._is_unsettled(r)]
        gemeinden = [r for r in rows if r["level"] == "gemeinde"]
        coords = {r["ags"]: (_number(r["lat"]), _number(r["lon"])) for r in gemeinden}
        pop = {r["ags"]: _number(r["population"], int) for r in gemeinden}
        kreis_pop: dict[str, int] = defaultdict(int)
        land_sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        for r in gemeinden:
            kreis_pop[r["kreis_ags"]] += pop[r["ags"]] or 0
            lat, lon = coords[r["ags"]]
            if lat is not None and lon is not None and pop[r["ags"]]:
                sums = land_sums[r["land"]]
                sums[0] += lat * pop[r["ags"]]
                sums[1] += lon * pop[r["ags"]]
                sums[2] += pop[r["ags"]]
        for r in rows:
            level = r["level"]
            if level == "gemeinde":
                lat, lon = coords[r["ags"]]
                population = pop[r["ags"]]
            elif level == "kreis":
                lat, lon = coords.get(self.kreis_seat.get(r["ags"], ""), (None, None))
                population = kreis_pop.get(r["ags"]) or None
            elif level == "land":
                # population-weighted centre of the Land's municipalities: a pin for a map, no more
                s = land_sums.get(r["name"])
                lat, lon = (round(s[0] / s[2], 5), round(s[1] / s[2], 5)) if s and s[2] else (None, None)
                population = int(s[2]) if s else None
            else:
                lat = lon = population = None
            self.places[r["ags"]] = Place(
                ags=r["ags"], level=level, name=r["name"], kind=r["kind"], kreis_ags=r["kreis_ags"] or None,
                kreis=r["kreis"] or None, land=r["land"], lat=lat, lon=lon, population=population,
            )
        self.names: dict[str, list[tuple[str, int]]] = defaultdict(list)  # folded name → (ags, quality)
        self.adjectives: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for place in self.places.values():
            self._index(place)

    @staticmethod
    def _is_unsettled(row: dict) -> bool:
        # gemeindefreie Gebiete (forests, lakes, military areas) share names with towns
        return row["level"] == "gemeinde" and "gemfr" in row["kind"].replace(" ", "").lower() or \
            "gemeindefrei" in row["kind"].lower()

    def _add(self, table: dict, key: str, ags: str, quality: int) -> None:
        key = _fold(key)
        if key and (ags, quality) not in table[key]:
            table[key].append((ags, quality))

    def _index(self, place: Place) -> None:
        name = place.name
        self._add(self.names, name, place.ags, 0)
        base = _base_name(name)
        if base != name:
            self._add(self.names, base, place.ags, 1)
        if place.level == "kreis" and place.kind not in _KREISFREI:
            bare = re.sub(r"^(?:Landkreis|Kreis|Regionalverband|Region|Städteregion)\s+", "", name)
            for form in (f"Kreis {bare}", f"Landkreis {bare}"):
                self._add(self.names, form, place.ags, 0)
        if place.level == "gemeinde":
            for form, quality in adjective_forms(base):
                self._add(self.adjectives, form, place.ags, quality)

    def candidates(self, key: str) -> list[tuple[Place, int]]:
        return [(self.places[ags], quality) for ags, quality in self.names.get(_fold(key), [])]


def adjective_forms(name: str) -> list[tuple[str, int]]:
    """Forms of the place adjective ("Siegburger", "Olper", "Lippstädter"), most regular first."""
    forms = []
    if not name or not name[-1].isalpha():
        return forms
    if name.endswith("stadt"):
        forms.append((name[:-5] + "städter", 0))
    if name.endswith("e"):
        forms.append((name[:-1] + "er", 0))  # Olpe → Olper
    else:
        forms.append((name + "er", 0))  # Siegburg → Siegburger, Essen → Essener
    if name.endswith("en"):
        forms.append((name[:-2] + "er", 1))  # Bremen → Bremer
        forms.append((name[:-2] + "ner", 1))  # München → Münchner
    if name.endswith("a"):
        forms.append((name + "er", 1))
    return forms


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    data = resources.files("presse_mining") / "data"
    with (data / "places.tsv").open(encoding="utf-8") as handle:
        places_rows = list(csv.DictReader(handle, delimiter="\t"))
    with (data / "kreissitze.tsv").open(encoding="utf-8") as handle:
        seat_rows = list(csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"))
    return Gazetteer(places_rows, seat_rows)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"\s+", text.strip().strip(".,;:()„“\"'")) if w]


def _variants(words: list[str]) -> list[str]:
    """The name as written, then with case endings undone: Märkischen Kreises → Märkischer Kreis."""
    phrase = " ".join(words)
    out = [phrase]
    last = words[-1]
    lasts = [last]
    for ending in ("es", "s"):
        if last.endswith(ending) and len(last) > len(ending) + 2:
            lasts.append(last[: -len(ending)])
    firsts = [words[0]]
    if len(words) > 1:
        head = words[0]
        stem = re.sub(r"(?:en|em|es|e)$", "", head)
        if stem != head:
            firsts += [stem + "er", stem + "e"]
    for first in firsts:
        for end in lasts:
            middle = words[1:-1] if len(words) > 1 else []
            form = " ".join([first, *middle, end]) if len(words) > 1 else end
            if form not in out:
                out.append(form)
    return out


def _parse(name: str) -> tuple[list[str], bool]:
    """Words of the name without leading articles and prepositions; whether a Kreis was named."""
    words = _words(name)
    wants_kreis = False
    while words and (words[0].casefold() in _LEADING or words[0].casefold() in _KREIS_MARKERS):
        if words[0].casefold() in _KREIS_MARKERS:
            wants_kreis = True
        words = words[1:]
    if len(words) > 1 and words[-1].casefold() in _KREIS_MARKERS:
        # "Soest Kreis" is rare; "Märkischer Kreis" is a name: keep the word, note the wish
        wants_kreis = True
    if words and re.search(r"kreis(?:es)?$", words[-1], re.IGNORECASE):
        wants_kreis = True
    return words, wants_kreis


def _context_kreis_ags(g: Gazetteer, kreise) -> set[str]:
    out = set()
    for item in kreise or ():
        if isinstance(item, str) and item in g.places and g.places[item].level == "kreis":
            out.add(item)
            continue
        words, _ = _parse(str(item))
        for variant in _variants(words) if words else []:
            found = [p for p, _ in g.candidates(variant) if p.level == "kreis"]
            if found:
                out.update(p.ags for p in found)
                break
    return out


def _land_name(text: str) -> str:
    return _LAND_ALIASES.get(_fold(text), text)


def resolve_all(name: str, context_kreise=(), context_laender=()) -> list[Place]:
    """All readings of `name`, best first (see the module docstring for the order)."""
    g = gazetteer()
    words, wants_kreis = _parse(name)
    if not words:
        return []
    phrase = " ".join(words)
    if _fold(phrase) in _LAND_ALIASES:
        words = [_LAND_ALIASES[_fold(phrase)]]
    found: dict[str, tuple[Place, int]] = {}
    for rank, variant in enumerate(_variants(words)):
        keys = [variant] + ([f"Kreis {variant}", f"Landkreis {variant}"] if wants_kreis else [])
        for place, quality in (c for k in keys for c in g.candidates(k)):
            # a wish for a Kreis also reads "Kreis Soest" as the Kreis named "Soest"
            score = quality + min(rank, 1)
            if place.ags not in found or found[place.ags][1] > score:
                found[place.ags] = (place, score)
        if found and rank == 0:
            break
    if not found:
        for place_ags, quality in g.adjectives.get(_fold(phrase), []):
            found[place_ags] = (g.places[place_ags], 2 + quality)
    kreise = _context_kreis_ags(g, context_kreise)
    laender = {_fold(_land_name(x)) for x in context_laender or ()}

    def key(item: tuple[Place, int]):
        place, score = item
        level_fit = 0 if (place.level == "kreis") == wants_kreis else 1
        in_kreis = place.ags in kreise or (place.kreis_ags in kreise)
        # "Landkreis Rostock" is the Landkreis, not the kreisfreie Stadt Rostock
        kreisfrei_misfit = wants_kreis and place.kind in _KREISFREI
        return (
            level_fit,
            kreisfrei_misfit,
            not in_kreis,
            score,
            _fold(place.land) not in laender,
            place.land != HOME_LAND,
            _LEVEL_ORDER.get(place.level, 9),
            -(place.population or 0),
        )

    return [place for place, _ in sorted(found.values(), key=key)]


def resolve(name: str, context_kreise=(), context_laender=()) -> Place | None:
    """The best reading of a place name as written, or None."""
    readings = resolve_all(name, context_kreise, context_laender)
    return readings[0] if readings else None


def from_adjective(word: str, context_kreise=(), context_laender=()) -> Place | None:
    """The municipality of a place adjective: Siegburger → Siegburg, Olper → Olpe, Lippstädter → Lippstadt."""
    g = gazetteer()
    hits = g.adjectives.get(_fold(word), [])
    if not hits:
        return None
    kreise = _context_kreis_ags(g, context_kreise)
    laender = {_fold(_land_name(x)) for x in context_laender or ()}
    best = min(
        hits,
        key=lambda hit: (
            hit[1],
            g.places[hit[0]].kreis_ags not in kreise,
            _fold(g.places[hit[0]].land) not in laender,
            g.places[hit[0]].land != HOME_LAND,
            -(g.places[hit[0]].population or 0),
        ),
    )
    return g.places[best[0]]


def seat_of(kreis: Place | str) -> Place | None:
    """The seat (Kreisstadt) of a Kreis given as Place, AGS or name."""
    g = gazetteer()
    if isinstance(kreis, str):
        place = g.places.get(kreis) if kreis in g.places else resolve(kreis if re.search(r"kreis", kreis, re.I)
                                                                      else f"Kreis {kreis}")
    else:
        place = kreis
    if place is None:
        return None
    kreis_ags = place.ags if place.level == "kreis" else place.kreis_ags
    seat = g.kreis_seat.get(kreis_ags or "")
    return g.places.get(seat) if seat else None


def kreishaus(kreis: Place | str) -> Place | None:
    """Where "das Kreishaus" of a Kreis stands: its seat (Rhein-Sieg-Kreis → Siegburg)."""
    return seat_of(kreis)
