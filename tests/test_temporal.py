"""The German temporal tagger: each date pattern, anchoring, enumerations, ranges, times, non-dates."""
from __future__ import annotations

import pytest
import spacy

from presse_mining.nlp.temporal import find_dates


def values(text: str, published: str | None = None) -> list[str]:
    return [d["value"] for d in find_dates(text, published)]


def only(text: str, published: str | None = None) -> dict:
    found = find_dates(text, published)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Die Sitzung war am 17. Januar 2013 im Kreishaus.", "2013-01-17"),
        ("Die Sitzung war am 17.01.2013 im Kreishaus.", "2013-01-17"),
        ("In der Sitzung vom 25.10.22 hat der Kreistag beschlossen.", "2022-10-25"),
        ("Das Konzept wurde im Januar 2013 vorgestellt.", "2013-01"),
        ("Das Konzept wurde 2013 vorgestellt.", "2013"),
        ("Im Sommer 2013 startet das Projekt.", "2013-SU"),
        ("Im Frühjahr 2014 startet das Projekt.", "2014-SP"),
        ("Im Herbst 2014 startet das Projekt.", "2014-FA"),
        ("Im Winter 2014 startet das Projekt.", "2014-WI"),
        ("Seit 2016 gibt es das Programm.", "2016"),
        ("Im vierten Quartal 2016 stieg die Zahl.", "2016-Q4"),
        ("bis zum Ende der Legislaturperiode 2022 zu sichern", "2022"),
    ],
)
def test_explicit_dates(text, value):
    assert values(text) == [value]


def test_span_offsets_point_into_the_text():
    text = "Der Kreistag hat am 27. September 2012 beschlossen."
    found = only(text)
    assert text[found["start"]:found["end"]] == found["text"] == "27. September 2012"
    assert found["kind"] == "date"


def test_day_month_without_year_takes_the_publication_year():
    assert values("Die Gruppe trifft sich am 17.1. im Rathaus.", "2013-01-05") == ["2013-01-17"]
    assert values("Die Gruppe traf sich am 17. Januar im Rathaus.", "2013-03-01") == ["2013-01-17"]


def test_day_month_takes_the_year_nearest_the_publication_date():
    # written in early January about last December
    assert values("Am 12. Dezember trafen sich die Partner.", "2013-01-05") == ["2012-12-12"]
    # written in December about next January
    assert values("Am 15. Januar beginnt der Kurs.", "2012-12-10") == ["2013-01-15"]


def test_weekday_with_date_picks_the_matching_year():
    # 11 May 2016 was a Wednesday; published in January 2016 the nearest 11 May would be 2016 anyway,
    # published in late 2016 it would be 2017 by distance, but 11 May 2017 was a Thursday.
    assert values("am Mittwoch, 11. Mai, ab 13 Uhr", "2016-11-20") == ["2016-05-11"]


def test_without_any_year_the_year_stays_open():
    assert values("Der Kreistag hat am 27. September die Einrichtung beschlossen.") == ["XXXX-09-27"]
    assert values("Das im Februar verabschiedete Gesetz sieht das vor.") == ["XXXX-02"]


def test_year_carried_across_an_enumeration():
    text = "Workshops (17. Januar, 21. Februar und 11. April 2013, jeweils 14 bis 17 Uhr, Werl)"
    found = find_dates(text)
    assert [d["value"] for d in found] == ["2013-01-17", "2013-02-21", "2013-04-11"]
    assert all(d["time"] == "14:00-17:00" for d in found)


def test_enumeration_year_beats_the_publication_year():
    assert values("am 30. Januar und 6. März 2013", "2012-11-02") == ["2013-01-30", "2013-03-06"]


def test_days_written_alone_borrow_month_and_year():
    assert values("am 3., 4. und 5. Mai 2013") == ["2013-05-03", "2013-05-04", "2013-05-05"]


def test_nearest_explicit_year_in_the_sentence_without_publication_date():
    assert values("Nach dem Beschluss 2013 wurde am 17. Januar gewählt.") == ["2013", "2013-01-17"]


@pytest.mark.parametrize(
    ("text", "mod"),
    [("Anfang März", "START"), ("Mitte März", "MID"), ("Ende März", "END")],
)
def test_start_middle_end_of_a_month(text, mod):
    found = only(f"{text} trafen sich die Partner.", "2013-04-10")
    assert (found["value"], found["mod"]) == ("2013-03", mod)
    assert found["text"] == text


def test_range_of_days():
    found = only("Die Woche findet vom 3. bis 5. Mai statt.", "2013-04-02")
    assert (found["kind"], found["value"], found["value_end"]) == ("range", "2013-05-03", "2013-05-05")
    assert found["text"] == "vom 3. bis 5. Mai"


def test_range_across_months_and_numeric_range():
    found = only("Der Termin ist vom 26. September bis 4. Oktober 2009.")
    assert (found["value"], found["value_end"]) == ("2009-09-26", "2009-10-04")
    found = only("von Montag, 12.10.2020 bis Sonntag, 25.10.2020")
    assert (found["value"], found["value_end"]) == ("2020-10-12", "2020-10-25")


def test_range_of_months_and_school_year():
    found = only("für die Monate Januar bis November 2015")
    assert (found["value"], found["value_end"]) == ("2015-01", "2015-11")
    found = only("im Schuljahr 2016/17")
    assert (found["value"], found["value_end"]) == ("2016", "2017")


@pytest.mark.parametrize(
    ("text", "published", "value"),
    [
        ("Die Partner trafen sich gestern im Kreishaus.", "2017-08-14", "2017-08-13"),
        ("Heute eröffnet der Landrat die Ausstellung.", "2017-08-14", "2017-08-14"),
        ("Die Ausstellung öffnet morgen.", "2017-08-14", "2017-08-15"),
        ("Die Partner trafen sich vorgestern.", "2017-08-14", "2017-08-12"),
        ("Die Ausstellung öffnet übermorgen.", "2017-08-14", "2017-08-16"),
    ],
)
def test_relative_days_from_the_publication_date(text, published, value):
    assert values(text, published) == [value]


def test_relative_days_need_a_day_precise_publication_date():
    assert values("Die Partner trafen sich gestern.") == []
    assert values("Die Partner trafen sich gestern.", "2017-08") == []


def test_jetzt_and_morning_are_no_dates():
    assert values("Die Kreissportbünde richteten jetzt ein Seminar aus.", "2017-08-14") == []
    assert values("Am Morgen begann das Treffen.", "2017-08-14") == []


def test_weekday_report_is_the_most_recent_past_one():
    # 2017-08-14 is a Monday: last Wednesday is 9 August
    assert values("Am Mittwoch trafen sich die Partner im Kreishaus.", "2017-08-14") == ["2017-08-09"]


def test_weekday_announcement_is_the_next_one():
    assert values("Das nächste Treffen findet am Mittwoch im Kreishaus statt.", "2017-08-14") == ["2017-08-16"]
    assert values("Am kommenden Montag beginnt der Kurs.", "2017-08-14") == ["2017-08-21"]


def test_weekday_without_publication_date_stays_open():
    assert values("Am Mittwoch trafen sich die Partner.") == ["XXXX-WXX-3"]


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("am 17. Januar 2013 von 14 bis 17 Uhr", "14:00-17:00"),
        ("am 17. Januar 2013, 14 bis17 Uhr", "14:00-17:00"),
        ("am 17. Januar 2013 um 14.30 Uhr", "14:30"),
        ("am 17. Januar 2013 um 14:30 Uhr", "14:30"),
        ("am 17. Januar 2013 von 14.30 bis 17.30 Uhr", "14:30-17:30"),
    ],
)
def test_time_attaches_to_its_date(text, time):
    found = only(text)
    assert (found["value"], found["time"]) == ("2013-01-17", time)


def test_time_without_a_date_is_its_own_expression():
    found = only("Um 9 Uhr beginnt das Programm.")
    assert (found["kind"], found["time"]) == ("time", "09:00")


@pytest.mark.parametrize(
    "text",
    [
        "Die Bevölkerung ist um 2.400 Köpfe geschrumpft.",
        "Der Sport in NRW mit rund 18.700 Sportvereinen.",
        "Es kamen rund 2000 Menschen.",
        "Die Vorlage 0346/2016 wurde vertagt.",
        "unter der Rufnummer 02241/13-2107 oder per Mail",
        "an Daniel Braun (02372 551-371) oder Silke Ewald, 02351/966 6523 wenden",
        "Punkt 1.2. der Tagesordnung",
        "Der Haushalt umfasst 2013 Euro für Material.",
        "In der Sommerpause ruht die Arbeit.",
        "August Müller sprach zum Abschluss.",
        "Die Stellen kosten 5,5 Millionen.",
    ],
)
def test_non_dates_are_not_tagged(text):
    assert find_dates(text, "2017-08-14") == []


def test_component_reads_publication_date_and_sets_doc_dates():
    from presse_mining.nlp import temporal  # noqa: F401  (registers the factory)

    nlp = spacy.blank("de")
    nlp.add_pipe("presse_dates")
    doc = nlp.make_doc("Die Partner trafen sich gestern in Olpe.")
    doc._.published = "2017-08-14"
    doc = nlp(doc)
    assert [(d["text"], d["value"]) for d in doc._.dates] == [("gestern", "2017-08-13")]


# Publication date from bylines and datelines (articles/dates.py)

@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Integration im Sport\nVon Paul Kieras, 14.08.2017\nDer Kreissportbund ...", "2017-08-14"),
        ("Olpe, 14.08.2017. Der Kreis Olpe hat ...", "2017-08-14"),
        ("14.08.2017 | Olpe | Integration\nDer Kreis ...", "2017-08-14"),
        ("Presseinformation\nNr. 19 Steinfurt, 18. Januar 2017\nKreis Steinfurt ...", "2017-01-18"),
        ("Baden-Baden (14.10.2019). Zur diesjährigen Einbürgerungsfeier ...", "2019-10-14"),
        ("Logo\nMeldungsdatum: 28.10.2025\nIntegration ...", "2025-10-28"),
        ("Zertifikat\nVeröffentlicht am 14.04.2014\n", "2014-04-14"),
    ],
)
def test_publication_date_from_byline_or_dateline(text, published):
    from presse_mining.articles.dates import find_published

    assert find_published(text) == published


@pytest.mark.parametrize(
    "text",
    [
        "Die Ausstellung muss daher von Montag, 12.10.2020 bis Sonntag, 25.10.2020 geschlossen bleiben.",
        "Der Kreistag hat am 17.10.2013 beschlossen, ein Kommunales Integrationszentrum einzurichten.",
        "Olpe, 31.02.2017. Kein Datum.",
        "Wie lassen sich Menschen durch Sport integrieren? Seit 2016 gibt es das Programm.",
    ],
)
def test_event_dates_in_the_text_are_no_publication_date(text):
    from presse_mining.articles.dates import find_published

    assert find_published(text) is None


def test_since_and_last_point_back_from_the_publication_date():
    # nearest by distance would be February 2017; "seit" says it has begun
    assert values("Seit Februar gibt es die Beratung.", "2016-09-20") == ["2016-02"]
    assert values("Im vergangenen Herbst hatte das KI begonnen.", "2023-05-10") == ["2022-FA"]
    assert values("Im kommenden Frühjahr startet das Projekt.", "2023-05-10") == ["2024-SP"]


def test_numeric_date_at_the_end_of_a_sentence():
    assert values("Olpe, 14.08.2017. Die Partner trafen sich am 17.01.2013.") == ["2017-08-14", "2013-01-17"]


ANCHOR_TEXTS = [
    "Mittwoch, den 11. Mai 2016 um 14.30 Uhr", "Mittwoch,  den\n 11.05.2013", "am Montag,11. Mai", "Anfang\t2013",
    "seit 2014/15 und von 2010 bis 2012", "vom 3. bis 5. Mai 2013", "VOM 3.-5.5.2013", "Ab 14.30 bis 17 Uhr",
    "1., 2. und 3. Mai", "x2013 a1.1.2013 _2013 §2013", "Samstag, 1. 2. 2013", "14:30-16:00", "Ende 12/2013",
    "MÄRZ 2013, im März, Im MÄRZ, seit  März", "jeden Montag und mittwochs", "Gmail Mai 2013 Maimarkt",
    "vom Juli bis Oktober 2010", "Januar–März", "kommenden SAMSTAGabend", "Ende Mai. 2013", "für\tMai",
    # letters that re.IGNORECASE equates with i and s, and one that lower() turns into two letters
    "ſamstag, 3. Mai", "İm März 2013 am Montag", "ımmer Montag",
]


@pytest.mark.parametrize("text", ANCHOR_TEXTS)
def test_anchored_patterns_find_what_a_full_scan_finds(text):
    """The anchored patterns are tried only at digit runs, month and weekday names and the words
    before them; they must find exactly what scanning every position finds."""
    from presse_mining.nlp.temporal import _ANCHORED, _Scanner

    scanner = _Scanner(text)
    for pattern in _ANCHORED:
        full = [(m.span(), m.groupdict()) for m in pattern.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in scanner(pattern)] == full, pattern.pattern[:60]
