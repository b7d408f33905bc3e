"""The places resolver: inflected Kreis forms, ambiguity from context, Kreishaus → seat, adjectives."""
from __future__ import annotations

import csv
from importlib import resources

import pytest

from presse_mining.nlp.places import from_adjective, kreishaus, resolve, resolve_all


@pytest.mark.parametrize(
    ("written", "ags", "name"),
    [
        ("des Kreises Soest", "05974", "Soest"),
        ("Kreis Soest", "05974", "Soest"),
        ("Märkischen Kreises", "05962", "Märkischer Kreis"),
        ("im Märkischen Kreis", "05962", "Märkischer Kreis"),
        ("im Rhein-Sieg-Kreis", "05382", "Rhein-Sieg-Kreis"),
        ("des Rhein-Sieg-Kreises", "05382", "Rhein-Sieg-Kreis"),
        ("des Hochsauerlandkreises", "05958", "Hochsauerlandkreis"),
        ("des Oberbergischen Kreises", "05374", "Oberbergischer Kreis"),
        ("Kreis Siegen-Wittgenstein", "05970", "Siegen-Wittgenstein"),
        ("im Kreis Groß Gerau", "06433", "Groß-Gerau"),
        ("Landkreis Rostock", "13072", "Landkreis Rostock"),
    ],
)
def test_kreis_as_written_in_press_texts(written, ags, name):
    place = resolve(written)
    assert (place.ags, place.level, place.name) == (ags, "kreis", name)


def test_a_bare_name_is_the_town_and_a_kreis_marker_the_kreis():
    town, kreis = resolve("Soest"), resolve("Kreis Soest")
    assert (town.level, town.ags) == ("gemeinde", "05974040")
    assert (kreis.level, kreis.ags) == ("kreis", "05974")
    # a Kreis has the coordinates of its seat
    assert (kreis.lat, kreis.lon) == (town.lat, town.lon)


def test_municipality_carries_kreis_land_and_coordinates():
    place = resolve("der Stadt Hemer")
    assert (place.name, place.kreis, place.kreis_ags, place.land) == (
        "Hemer", "Märkischer Kreis", "05962", "Nordrhein-Westfalen")
    assert 51.0 < place.lat < 51.6 and 7.5 < place.lon < 8.0


def test_the_landkreis_is_not_the_kreisfreie_stadt_of_the_same_name():
    assert resolve("Landkreis Kassel").ags == "06633"
    assert resolve("Kassel").ags == "06611000"


def test_same_name_resolved_from_the_kreise_and_laender_of_the_text():
    assert len({p.ags for p in resolve_all("Neustadt")}) > 5
    assert resolve("Neustadt", context_kreise=["Landkreis Coburg"]).name == "Neustadt b.Coburg"
    assert resolve("Neustadt", context_laender=["Hessen"]).name == "Neustadt (Hessen)"
    assert resolve("Neustadt", context_laender=["Schleswig-Holstein"]).name == "Neustadt in Holstein"


def test_home_land_wins_where_the_text_says_nothing():
    # Hamm is a city in NRW and a municipality in Rheinland-Pfalz
    readings = resolve_all("Hamm")
    assert len(readings) > 1
    assert readings[0].land == "Nordrhein-Westfalen"


def test_land_names_and_abbreviation():
    assert resolve("NRW").ags == "05"
    assert resolve("Nordrhein-Westfalen").level == "land"


def test_unknown_name_gives_none():
    assert resolve("Atlantis") is None
    assert resolve("") is None


@pytest.mark.parametrize(
    ("kreis", "seat"),
    [
        ("Rhein-Sieg-Kreis", "Siegburg"),
        ("Märkischer Kreis", "Lüdenscheid"),
        ("Siegen-Wittgenstein", "Siegen"),
        ("Kreis Soest", "Soest"),
        ("Kreis Olpe", "Olpe"),
        ("Hochsauerlandkreis", "Meschede"),
        ("Landkreis Fürth", "Zirndorf"),
    ],
)
def test_kreishaus_is_at_the_kreis_seat(kreis, seat):
    place = kreishaus(kreis)
    assert (place.name, place.level) == (seat, "gemeinde")


def test_every_kreis_has_a_seat_in_the_register():
    data = resources.files("presse_mining") / "data"
    with (data / "places.tsv").open(encoding="utf-8") as handle:
        kreise = {r["ags"] for r in csv.DictReader(handle, delimiter="\t") if r["level"] == "kreis"}
    with (data / "kreissitze.tsv").open(encoding="utf-8") as handle:
        seats = list(csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"))
    assert {r["kreis_ags"] for r in seats} == kreise
    assert all(kreishaus(r["kreis_ags"]).ags == r["seat_ags"] for r in seats)


@pytest.mark.parametrize(
    ("adjective", "town"),
    [("Siegburger", "Siegburg"), ("Olper", "Olpe"), ("Lippstädter", "Lippstadt"), ("Soester", "Soest"),
     ("Kölner", "Köln"), ("Münchner", "München"), ("Lüdenscheider", "Lüdenscheid")],
)
def test_place_adjectives(adjective, town):
    assert from_adjective(adjective).name == town


def test_adjective_of_a_kreishaus_names_the_seat():
    assert resolve("Siegburger").name == "Siegburg"
    assert from_adjective("Blabla") is None
