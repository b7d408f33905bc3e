"""The crawler against real HTTP servers on 127.0.0.1: a Kreis press site and a newspaper."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.crawl_sites import Page, Recorded, Site, gzipped, html_page
from presse_mining.cli import cli
from presse_mining.store import Store

KREIS_DELAY = 0.3  # robots.txt Crawl-delay, longer than the configured delay: it must win
ZEITUNG_DELAY = 0.15

RELEASE = [
    "Das Ministerium für Kinder, Jugend, Familie, Gleichstellung, Flucht und Integration des Landes "
    "Nordrhein-Westfalen fördert die Kommunalen Integrationszentren in allen Kreisen und kreisfreien Städten "
    "auch im kommenden Jahr mit insgesamt mehr als zwanzig Millionen Euro.",
    "Die Mittel fließen in Sprachkurse, in die Beratung von Eltern und in die Begleitung junger Menschen "
    "beim Übergang von der Schule in den Beruf. Die Kreise entscheiden selbst, welche Schwerpunkte sie setzen.",
    "Ministerin Josefine Paul betonte bei der Vorstellung des Programms in Düsseldorf, Integration gelinge "
    "vor Ort, in den Städten und Gemeinden, in Vereinen, Schulen und Betrieben, und das Land stehe an ihrer Seite.",
    "Anträge können die Kreise bis zum 30. April bei der Bezirksregierung Arnsberg stellen, die Bescheide "
    "sollen vor den Sommerferien verschickt werden, damit die Angebote nach den Ferien beginnen können.",
]


def paragraphs(topic: str, n: int = 3) -> list[str]:
    return [
        f"{topic}: Der Kreis Gütersloh informiert über Neuigkeiten aus der Verwaltung, Absatz {i}. "
        f"Landrat Sven-Georg Adenauer begrüßte die Gäste im Kreishaus und dankte allen Beteiligten für ihr "
        f"Engagement in der Integrationsarbeit, in den Schulen und in den Vereinen des Kreises, Absatz {i}."
        for i in range(1, n + 1)
    ]


def kreis_routes() -> dict[str, Page]:
    latin1 = html_page(
        "Bürgermeisterin eröffnet Begegnungscafé in Rheda-Wiedenbrück",
        ["Die Bürgermeisterin eröffnete am Montag das neue Begegnungscafé für Zugewanderte in Rheda-Wiedenbrück. "
         "Über fünfzig Gäste kamen; die Küche bot türkische, syrische und westfälische Spezialitäten.",
         "Das Café öffnet künftig jeden Donnerstag. Träger ist der Caritasverband, unterstützt vom Kommunalen "
         "Integrationszentrum des Kreises – Kosten: 12.000 € im Jahr."],
        date="Veröffentlicht am 14.03.2024", charset="iso-8859-1",
        encoding="cp1252",  # as Windows-made pages are: declared Latin-1, with – and € from cp1252
    )
    json_ld = json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": "Integrationsrat wählt neuen Vorsitz",
        "datePublished": "2024-02-20T09:30:00+01:00", "author": {"@type": "Person", "name": "Anna Schäfer"},
    })
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        '<url><loc>{base}/presse/cafe</loc><lastmod>2024-03-14</lastmod></url>'
        '<url><loc>{base}/presse/vorsitz</loc><news:news><news:publication_date>2024-02-20</news:publication_date>'
        '<news:title>Integrationsrat wählt neuen Vorsitz</news:title></news:news></url>'
        '<url><loc>{base}/intern/entwurf</loc></url>'
        '<url><loc>{base}/presse/alt</loc><lastmod>2019-01-01</lastmod></url>'
        "</urlset>"
    )
    return {
        "/robots.txt": Page(f"User-agent: *\nDisallow: /intern/\nCrawl-delay: {KREIS_DELAY}\n".encode(),
                            "text/plain"),
        "/sitemap.xml.gz": Page(gzipped(sitemap.encode()), "application/gzip"),  # base filled in below
        "/presse/cafe": Page(latin1, "text/html; charset=ISO-8859-1"),
        "/presse/vorsitz": Page(html_page(
            "Integrationsrat wählt neuen Vorsitz",
            ["Der Integrationsrat der Stadt Gütersloh hat in seiner Sitzung eine neue Vorsitzende gewählt. "
             "Die Wahl fiel einstimmig aus; die Amtszeit beträgt fünf Jahre.",
             "Die neue Vorsitzende kündigte an, die Zusammenarbeit mit den Migrantenselbstorganisationen zu stärken "
             "und den Dialog mit der Verwaltung fortzusetzen."],
            head=f'<script type="application/ld+json">{json_ld}</script>')),
        "/intern/entwurf": Page(html_page("Entwurf", ["Nicht öffentlich."])),
        "/presse/alt": Page(html_page("Alte Meldung", paragraphs("Alt"))),
        "/presse": Page(
            b'<html><body><ul class="news"><li><a href="/presse/sprachkurs">Sprachkurs</a></li>'
            b'<li><a href="/presse/programm#top">Landesprogramm</a></li></ul>'
            b'<a class="next" href="/presse?page=2">weiter</a></body></html>'),
        "/presse?page=2": Page(
            b'<html><body><ul class="news"><li><a href="/presse/ehrenamt">Ehrenamt</a></li></ul></body></html>'),
        "/presse/sprachkurs": Page(html_page("Neue Sprachkurse", paragraphs("Sprachkurs"), date="Stand: 3. Mai 2024")),
        "/presse/programm": Page(html_page("Land fördert Integrationszentren", RELEASE, date="07.05.2024")),
        "/presse/ehrenamt": Page(html_page("Ehrenamtspreis verliehen", paragraphs("Ehrenamt"), date="08.05.2024")),
    }


def zeitung_routes() -> dict[str, Page]:
    items = [
        ("/artikel/fest", "Fest der Kulturen", "Tue, 07 May 2024 08:00:00 GMT"),
        ("/artikel/fest?utm_source=rss&utm_medium=feed", "Fest der Kulturen", "Tue, 07 May 2024 08:00:00 GMT"),
        ("/artikel/foerderung", "Land fördert Integrationszentren", "Wed, 08 May 2024 08:00:00 GMT"),
        ("/artikel/fehlt", "Gelöscht", "Wed, 08 May 2024 09:00:00 GMT"),
        ("/artikel/wackelig", "Server überlastet", "Wed, 08 May 2024 10:00:00 GMT"),
        ("/artikel/kreisel", "Weiterleitung", "Wed, 08 May 2024 11:00:00 GMT"),
        ("/artikel/haengt", "Keine Antwort", "Wed, 08 May 2024 12:00:00 GMT"),
        ("/artikel/riesig", "Zu groß", "Wed, 08 May 2024 13:00:00 GMT"),
    ]
    feed = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Neue Westfälische</title>'
    feed += "".join(f"<item><title>{t}</title><link>{{base}}{p.replace('&', '&amp;')}</link><pubDate>{d}</pubDate></item>"
                    for p, t, d in items)
    feed += "</channel></rss>"
    return {
        "/feed.xml": Page(feed.encode(), "application/rss+xml"),
        "/artikel/fest": Page(html_page("Fest der Kulturen in Gütersloh", paragraphs("Fest"), date="07.05.2024")),
        "/artikel/foerderung": Page(html_page(
            "Land fördert Integrationszentren",
            ["Düsseldorf (dpa/lnw) – Das meldet das Ministerium am Mittwoch."] + RELEASE)),
        "/artikel/wackelig": Page(html_page("Server wieder da", paragraphs("Wackelig")), fail_first=1),
        "/artikel/kreisel": Page(status=302, headers={"Location": "/artikel/kreisel2"}, validators=False),
        "/artikel/kreisel2": Page(status=302, headers={"Location": "/artikel/kreisel"}, validators=False),
        "/artikel/haengt": Page(hang=3.0),
        "/artikel/riesig": Page(html_page("Riesig", ["x" * 300_000])),
    }


def fill(routes: dict[str, Page], base: str) -> dict[str, Page]:
    for path in ("/sitemap.xml.gz", "/feed.xml"):
        if path in routes:
            page = routes[path]
            raw = page.body if path.endswith(".xml") else __import__("gzip").decompress(page.body)
            raw = raw.replace(b"{base}", base.encode())
            page.body = raw if path.endswith(".xml") else gzipped(raw)
    return routes


def write_config(path: Path, kreis: str, zeitung: str) -> Path:
    path.write_text(f"""
[defaults]
user_agent = "presse-mining-test/0.1 (+https://example.org/kontakt)"
delay = 0.1
timeout = 0.5
retries = 1
backoff = 0.1
max_bytes = 100000
allow_private = true

[[source]]
name = "kreis-sitemap"
type = "sitemap"
url = "{kreis}/sitemap.xml.gz"
since = 2020-01-01

[[source]]
name = "kreis-presse"
type = "listing"
url = "{kreis}/presse"
links = "ul.news a"
next = "a.next"
max_pages = 5

[[source]]
name = "zeitung"
type = "feed"
url = "{zeitung}/feed.xml"
delay = {ZEITUNG_DELAY}
""", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def first_crawl(tmp_path_factory):
    """The sites and one finished crawl of them (shared: crawling takes seconds by design)."""
    tmp_path = tmp_path_factory.mktemp("crawl")
    kreis, zeitung = Site({}), Site({})
    with kreis, zeitung:
        kreis.routes = fill(kreis_routes(), kreis.url)
        zeitung.routes = fill(zeitung_routes(), zeitung.url)
        config = write_config(tmp_path / "sources.toml", kreis.url, zeitung.url)
        result = crawl(tmp_path, config)
        hits = {"kreis": list(kreis.hits), "zeitung": list(zeitung.hits)}
        yield kreis, zeitung, tmp_path, config, result, hits


def crawl(tmp_path: Path, config: Path):
    return CliRunner().invoke(cli, ["crawl", "--config", str(config), "--db", str(tmp_path / "p.db")])


def articles(tmp_path: Path) -> dict[str, dict]:
    with Store(tmp_path / "p.db") as store:
        rows = store.conn.execute("SELECT url, title, published, author, text, duplicate_of, id FROM articles")
        keys = ("url", "title", "published", "author", "text", "duplicate_of", "id")
        return {row[0].split("/", 3)[3]: dict(zip(keys, row)) for row in rows}


def gaps(site: Site) -> list[float]:
    times = [h.at for h in site.hits]
    return [b - a for a, b in zip(times, times[1:])]


def test_first_crawl_fetches_each_article_once_politely_and_extracts_right(first_crawl):
    kreis, zeitung, tmp_path, _, result, hits = first_crawl
    kreis, zeitung = Recorded(hits["kreis"]), Recorded(hits["zeitung"])  # the first crawl's requests
    assert result.exit_code == 0, result.output
    stored = articles(tmp_path)

    # every article fetched once; the utm_ copy of the feed is the same URL, the fragment dropped
    for site, paths in ((kreis, ["/presse/cafe", "/presse/vorsitz", "/presse/sprachkurs", "/presse/programm",
                                 "/presse/ehrenamt"]),
                        (zeitung, ["/artikel/fest", "/artikel/foerderung"])):
        for path in paths:
            assert len(site.gets(path)) == 1, path
            assert path.lstrip("/") in stored
    assert not any("utm_" in h.path for h in zeitung.hits)
    # nothing disallowed, nothing older than `since`
    assert not kreis.gets("/intern/entwurf")
    assert not kreis.gets("/presse/alt")
    # the delay kept between requests to one host; robots Crawl-delay wins over the shorter setting
    assert min(gaps(kreis)) >= KREIS_DELAY - 0.02
    assert min(gaps(zeitung)) >= ZEITUNG_DELAY - 0.02
    assert all(h.headers.get("User-Agent", "").startswith("presse-mining-test") for h in kreis.hits + zeitung.hits)

    # dates and umlauts right: a Latin-1 page, a JSON-LD page, datelines
    cafe = stored["presse/cafe"]
    assert cafe["title"] == "Bürgermeisterin eröffnet Begegnungscafé in Rheda-Wiedenbrück"
    assert "türkische, syrische und westfälische" in cafe["text"] and "12.000 €" in cafe["text"]
    assert cafe["published"] == "2024-03-14"
    vorsitz = stored["presse/vorsitz"]
    assert (vorsitz["published"], vorsitz["author"]) == ("2024-02-20", "Anna Schäfer")
    assert stored["presse/sprachkurs"]["published"] == "2024-05-03"
    assert stored["artikel/fest"]["published"] == "2024-05-07"  # from the page's dateline

    # the newspaper's reprint of the press release is linked to the first copy, not analysed again
    assert stored["artikel/foerderung"]["duplicate_of"] == stored["presse/programm"]["id"]
    with Store(tmp_path / "p.db") as store:
        to_analyse = {a["id"] for a in store.articles_to_analyze()}
    assert stored["artikel/foerderung"]["id"] not in to_analyse
    assert stored["presse/programm"]["id"] in to_analyse

    # 503 with Retry-After: waited, then stored
    first, second = zeitung.gets("/artikel/wackelig")
    assert second.at - first.at >= 1.0
    assert "artikel/wackelig" in stored
    # failures and skips are reported with their reasons
    out = result.output
    assert "/artikel/fehlt: HTTP 404" in out
    assert "/artikel/kreisel: redirect loop" in out
    assert "/artikel/haengt: no answer within 0.5 s after 2 attempts" in out
    assert "/artikel/riesig: larger than max_bytes" in out
    assert "1 disallowed by robots.txt" in out and "older than since" in out
    assert "1 near-duplicate" in out
    assert not any(k.startswith(("artikel/fehlt", "artikel/kreisel", "artikel/haengt", "artikel/riesig"))
                   for k in stored)


def test_second_crawl_sends_only_conditional_requests_and_stores_nothing_new(first_crawl):
    kreis, zeitung, tmp_path, config, _, _ = first_crawl
    sites = (kreis, zeitung)
    before = articles(tmp_path)
    answered = {h.path.split("?")[0] for site in sites for h in site.hits}
    kreis.hits.clear()
    zeitung.hits.clear()

    result = crawl(tmp_path, config)
    assert result.exit_code == 0, result.output
    assert articles(tmp_path) == before
    assert "new" not in result.output.splitlines()[0].replace("nothing new", "")
    for site in sites:
        for hit in site.hits:
            stored_before = hit.path in {"/" + k for k in before} or hit.path in (
                "/sitemap.xml.gz", "/presse", "/presse?page=2", "/feed.xml")
            if stored_before:
                assert hit.headers.get("If-None-Match"), hit.path  # and the server answered 304
    assert answered  # the first crawl did reach the sites


def test_killed_crawl_resumes_without_refetching_or_duplicates(tmp_path):
    n = 12
    routes = {f"/meldung/{i}": Page(html_page(f"Meldung Nummer {i}", paragraphs(f"Meldung {i}"))) for i in range(n)}
    with Site(routes) as site:
        feed = "".join(f"<item><title>Meldung {i}</title><link>{site.url}/meldung/{i}</link></item>" for i in range(n))
        routes["/feed.xml"] = Page(f"<rss version='2.0'><channel>{feed}</channel></rss>".encode(), "application/rss+xml")
        config = tmp_path / "sources.toml"
        config.write_text(f'[defaults]\ndelay = 0.15\nallow_private = true\n[[source]]\nname = "amt"\ntype = "feed"\n'
                          f'url = "{site.url}/feed.xml"\n', encoding="utf-8")
        db = tmp_path / "p.db"
        command = [sys.executable, "-m", "presse_mining", "crawl", "--config", str(config), "--db", str(db)]
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while sum(h.path.startswith("/meldung/") for h in site.hits) < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
        fetched_before_kill = sum(h.path.startswith("/meldung/") for h in site.hits)
        assert 5 <= fetched_before_kill < n

        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        article_gets = [h.path for h in site.hits if h.path.startswith("/meldung/")]
        # each page fetched once; at most the one in flight at the kill is asked for again
        assert set(article_gets) == set(routes) - {"/feed.xml"}
        assert len(article_gets) <= n + 1
    conn = sqlite3.connect(db)
    urls = [row[0] for row in conn.execute("SELECT url FROM articles")]
    assert len(urls) == len(set(urls)) == n
    assert conn.execute("SELECT count(*) FROM crawl_urls WHERE status = 'pending'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM crawl_runs WHERE finished_at IS NULL").fetchone()[0] == 0
