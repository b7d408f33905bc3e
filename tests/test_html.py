"""parse_html on saved German article pages (tests/fixtures/html/)."""
from __future__ import annotations

from pathlib import Path

import pytest

from presse_mining import parse_html as public_parse_html
from presse_mining.articles.html import decode_html, parse_html

FIXTURES = Path(__file__).parent / "fixtures" / "html"
BOILERPLATE = ["Startseite", "Bürgerservice", "Weitere Meldungen", "Zulassungsstelle", "Datenschutzerklärung",
               "Cookies", "Danziger Straße"]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize("declared", [None, "ISO-8859-1", "windows-1252"])
def test_latin1_page_keeps_umlauts_quotes_and_euro(declared):
    page = parse_html(fixture("latin1_pressemitteilung.html"), encoding=declared)
    assert page.title == "Integrationsrat würdigt Ehrenamtliche"
    assert "im Großen Sitzungssaal des Kreishauses" in page.text
    assert "Vorsitzende Aylin Öztürk dankte" in page.text
    assert "„Ohne die Sprachpatenschaften" in page.text and "gewesen“, sagte Landrat" in page.text
    assert "zusätzlich 5.000 € für Fortbildungen" in page.text
    assert "Ã" not in page.text and "\ufffd" not in page.text
    assert page.published == "2017-08-14"


def test_json_ld_news_article_gives_metadata_but_not_its_teaser_as_text():
    page = parse_html(fixture("jsonld_newsarticle.html"), url="https://www.example-zeitung.de/x?utm_source=feed")
    assert page.title == "Fest der Kulturen lockt 3000 Besucher auf den Marktplatz"  # headline, not og:title
    assert page.published == "2019-06-23"  # JSON-LD datePublished beats the <meta> date
    assert page.author == "Paul Kieras, Jana Müller"
    assert page.url == "https://www.example-zeitung.de/lokales/siegen/fest-der-kulturen-100.html"
    # the page's full article, not the one-sentence articleBody
    assert "Bürgermeister Steffen Mues würdigte das Engagement" in page.text
    assert "Die Planungen sollen im Herbst beginnen." in page.text
    assert not any(words in page.text for words in BOILERPLATE)


def test_navigation_sidebar_and_footer_are_left_out():
    page = parse_html(fixture("navigation_boilerplate.html"))
    assert page.title == "Neue Sprachkurse für Zugewanderte"
    assert page.url == "https://www.kreis-olpe.de/presse/sprachkurse-2021"
    assert page.published == "2021-02-03"
    for sentence in ["bietet ab März neue Sprachkurse für Zugewanderte an.", "Eine Kinderbetreuung wird",
                     "„Sprache ist der Schlüssel zur Teilhabe“"]:
        assert sentence in page.text
    assert not any(words in page.text for words in BOILERPLATE)


def test_long_article_with_boilerplate_is_extracted_on_the_fast_path():
    topics = ["die Sprachförderung in Kindertagesstätten", "Beratungsstellen für Geflüchtete in Olpe",
              "Dolmetscherdienste beim Jobcenter", "Patenschaften zwischen Vereinen und Familien",
              "die Anerkennung ausländischer Berufsabschlüsse", "Wohnraum für Zugewanderte in Attendorn",
              "Elternabende mit Übersetzung in Grundschulen", "ein Fest der Kulturen im Sommer"]
    paragraphs = "".join(
        f"<p>Maßnahme {n}: Der Kreistag hat {topic} beschlossen. Die Verwaltung berichtet dem "
        f"Integrationsrat im {month} über den Stand, Kosten von {n * 1200} Euro sind eingeplant.</p>"
        for n, (topic, month) in enumerate(zip(topics, ["Januar", "Februar", "April", "Mai", "Juni", "Juli",
                                                        "September", "Oktober"]), start=1)
    )
    raw = fixture("navigation_boilerplate.html").replace(b"</h1>", b"</h1>" + paragraphs.encode())
    page = parse_html(raw)
    assert page.extractor == "trafilatura"  # complete enough: no second, full trafilatura pass
    assert "Maßnahme 1: Der Kreistag hat die Sprachförderung" in page.text
    assert "Maßnahme 8: Der Kreistag hat ein Fest der Kulturen" in page.text
    assert not any(words in page.text for words in BOILERPLATE)


def test_utf8_page_with_a_stray_windows_byte_keeps_its_umlauts():
    raw = fixture("navigation_boilerplate.html").replace("Startseite".encode(), b"Start\x96Seite")
    text = decode_html(raw)
    assert "Start–Seite" in text
    assert "Schlüssel zur Teilhabe" in parse_html(raw).text


def test_repeated_paragraph_is_kept_once():
    lead = ("<p>Der Integrationsrat der Stadt Siegen lädt am 12. März zu einer öffentlichen Sitzung in den "
            "Ratssaal ein, Gäste sind ausdrücklich willkommen.</p>")
    raw = fixture("navigation_boilerplate.html").replace(b"</h1>", ("</h1>" + lead + lead).encode())
    assert parse_html(raw).text.count("lädt am 12. März") == 1


@pytest.mark.parametrize("raw", [b"", b"   ", b"<html><body></body></html>", b"\x00\xff\xfe<<<", "<p>kurz</p>"])
def test_empty_or_broken_pages_give_empty_text_without_error(raw):
    page = public_parse_html(raw)
    assert len(page.text) < 20
