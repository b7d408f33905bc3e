"""Fetching guards, safe parsing, URL normalisation and the sources file."""
from __future__ import annotations

import gzip
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.crawl_sites import Page, Site
from presse_mining.cli import cli
from presse_mining.errors import InputError
from presse_mining.sources.config import Settings, load_config
from presse_mining.sources.dedupe import normalize_url
from presse_mining.sources.http import Fetcher, Refused
from presse_mining.sources.sitemaps import sitemap_items


def test_private_addresses_are_refused_unless_the_source_allows_them(tmp_path: Path):
    with Site({"/feed.xml": Page(b"<rss version='2.0'><channel></channel></rss>", "application/rss+xml")}) as site:
        config = tmp_path / "sources.toml"
        config.write_text(f'[[source]]\nname = "lokal"\ntype = "feed"\nurl = "{site.url}/feed.xml"\n', encoding="utf-8")
        result = CliRunner().invoke(cli, ["crawl", "--config", str(config), "--db", str(tmp_path / "p.db")])
        assert result.exit_code == 1
        assert "private/loopback/link-local address" in result.output and "allow_private" in result.output
        assert site.hits == []  # not even robots.txt was asked for

        fetcher = Fetcher()
        assert fetcher.get(site.url + "/feed.xml", Settings(allow_private=True, delay=0)).status == 200
        with pytest.raises(Refused, match="scheme file"):
            fetcher.get("file:///etc/passwd", Settings(allow_private=True))


def test_dns_rebinding_to_a_private_address_is_refused_at_connect_time(monkeypatch):
    """A name that resolves to a public address when checked and to 127.0.0.1 when connected."""
    real_getaddrinfo = socket.getaddrinfo
    answers = []

    def rebinding_dns(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real_getaddrinfo(host, port, *args, **kwargs)
        answers.append(host)
        address = "93.184.215.14" if len(answers) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
    with Site({"/feed.xml": Page(b"<rss version='2.0'><channel></channel></rss>", "application/rss+xml")}) as site:
        port = site.url.rsplit(":", 1)[1]
        with pytest.raises(Refused, match=r"private/loopback/link-local address \(127\.0\.0\.1\)"):
            Fetcher().get(f"http://rebind.example:{port}/feed.xml", Settings(delay=0, retries=0))
        assert len(answers) == 2  # checked once, then resolved again for the connection: refused there
        assert site.hits == []  # not a byte reached the private server


def test_entity_expansion_and_gzip_bombs_are_refused():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol2;</loc></url></urlset>')
    with pytest.raises(InputError, match="unsafe XML"):
        sitemap_items(laughs, "http://example.org/sitemap.xml", 1_000_000)
    bomb = gzip.compress(b"<urlset>" + b" " * 50_000_000 + b"</urlset>")
    assert len(bomb) < 100_000
    with pytest.raises(InputError, match="inflates to more than max_bytes"):
        sitemap_items(bomb, "http://example.org/sitemap.xml.gz", 1_000_000)


def test_urls_are_normalised_to_one_spelling():
    assert normalize_url("HTTP://Www.Kreis-Guetersloh.DE:80/presse/a?utm_source=x&id=5&PHPSESSID=abc#oben") == \
        "http://www.kreis-guetersloh.de/presse/a?id=5"
    assert normalize_url("https://example.org/a;jsessionid=XYZ?fbclid=1") == "https://example.org/a"
    assert normalize_url("https://example.org/suche?s=Integration") == "https://example.org/suche?s=Integration"


@pytest.mark.parametrize("text, message", [
    ('[[source]]\nname = "a"\ntype = "rss"\nurl = "https://x.de"\n', "type must be one of"),
    ('[[source]]\nname = "a"\ntype = "feed"\nurl = "ftp://x.de"\n', "url must start with http"),
    ('[[source]]\nname = "a"\ntype = "listing"\nurl = "https://x.de"\n', "a listing needs links"),
    ('[defaults]\ndelay = "2"\n[[source]]\nname = "a"\ntype = "feed"\nurl = "https://x.de"\n', "delay must be a float"),
    ('[[source]]\nname = "a"\ntype = "feed"\nurl = "https://x.de"\nmatch = "("\n', "match is not a valid"),
    ("[[source]\n", "not valid TOML"),
])
def test_bad_sources_files_are_named_with_the_reason(tmp_path: Path, text, message):
    config = tmp_path / "sources.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_config(config)
    result = CliRunner().invoke(cli, ["crawl", "--config", str(config), "--db", str(tmp_path / "p.db")])
    assert result.exit_code == 1 and result.output.startswith("Error: ") and "Traceback" not in result.output


def test_example_sources_file_is_valid():
    sources = load_config(Path(__file__).parents[1] / "sources.example.toml")
    assert {s.type for s in sources} == {"feed", "sitemap", "listing", "oparl"}
