"""Import of every local format, idempotency, clean-up and bad input."""
from __future__ import annotations

import json
import sqlite3

from presse_mining.cli import cli
from presse_mining.store import Store
from presse_mining.workflow import import_paths

LATIN1_TEXT = "Der Integrationsrat der Stadt Mülheim traf sich im Rathaus. Bürgermeisterin Äbel begrüßte die Gäste."


def rows(db_path, sql="SELECT title, published, text, url FROM articles ORDER BY id"):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def test_txt_utf8_with_date_header_and_repeated_lead(seeds, db_path):
    with Store(db_path) as store:
        report = import_paths(store, [seeds])
    assert report.counts["new"] == 5 and not report.errors
    hemer = [r for r in rows(db_path) if "Hemer" in r[2]][0]
    assert hemer[1] == "2021-11"  # header read as publication date
    assert not hemer[2].lstrip().startswith("date")  # ... and dropped from the text
    seminar = [r for r in rows(db_path) if "Hammerhütter" in r[2]][0]
    assert seminar[2].count("Wie lassen sich Menschen mit Zuwanderungsgeschichte") == 1  # repeated lead dropped


def test_latin1_txt_is_decoded(tmp_path, db_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(LATIN1_TEXT.encode("cp1252"))
    with Store(db_path) as store:
        report = import_paths(store, [path])
    assert not report.errors
    assert "Mülheim" in rows(db_path)[0][2] and "Äbel" in rows(db_path)[0][2]


def test_html_main_text_title_date_author(tmp_path, db_path):
    html = """<html><head><title>Seite | Kreis Olpe</title>
    <meta property="og:title" content="Netzwerktreffen Integration in Olpe">
    <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Netzwerktreffen Integration in Olpe",
     "datePublished": "2019-03-14T10:00:00+01:00", "author": {"@type": "Person", "name": "Paula Presse"}}</script>
    </head><body><nav>Startseite | Kontakt | Impressum</nav>
    <article><h1>Netzwerktreffen Integration in Olpe</h1>
    <p>Das Kommunale Integrationszentrum des Kreises Olpe hatte zum dritten Netzwerktreffen eingeladen.</p>
    <p>Über 40 Teilnehmerinnen und Teilnehmer aus Vereinen, Schulen und Beratungsstellen kamen ins Kreishaus.</p>
    <p>Im Mittelpunkt standen Sprachförderung und die Arbeit mit Ehrenamtlichen in den Städten und Gemeinden.</p>
    </article><footer>© Kreis Olpe 2019</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    with Store(db_path) as store:
        import_paths(store, [path])
    title, published, text, _ = rows(db_path)[0]
    assert title == "Netzwerktreffen Integration in Olpe"
    assert published == "2019-03-14"
    assert "Kommunale Integrationszentrum" in text and "Impressum" not in text
    assert rows(db_path, "SELECT author FROM articles")[0][0] == "Paula Presse"


def test_pdf_minutes(tmp_path, db_path):
    from tests.pdfmaker import write_pdf

    path = tmp_path / "niederschrift.pdf"
    write_pdf(path, ["Niederschrift der Sitzung des Integrationsrates", "Beginn: 17:00 Uhr, Ratssaal"])
    with Store(db_path) as store:
        report = import_paths(store, [path])
    assert not report.errors, report.errors
    assert "Integrationsrates" in rows(db_path)[0][2]


def test_jsonl_records_and_a_bad_line(tmp_path, db_path):
    path = tmp_path / "articles.jsonl"
    lines = [
        json.dumps({"url": "https://example.org/a", "title": "A", "published": "2020-01-02", "text": "Erster Text über Integration."}),
        "{not json",
        json.dumps({"url": "https://example.org/b", "title": "B", "text": ""}),
        json.dumps({"title": "C", "text": "Dritter Text ohne URL über das Ehrenamt."}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    with Store(db_path) as store:
        report = import_paths(store, [path])
    assert report.counts["new"] == 2
    assert len(report.errors) == 2 and "articles.jsonl:2" in report.errors[0] and "articles.jsonl:3" in report.errors[1]
    assert [r[0] for r in rows(db_path)] == ["A", "C"]


def test_reimport_is_idempotent_and_changes_update(seeds, db_path):
    with Store(db_path) as store:
        import_paths(store, [seeds])
        again = import_paths(store, [seeds])
        assert again.counts == {"unchanged": 5}
        first = sorted(seeds.glob("*.txt"))[0]
        first.write_text(first.read_text(encoding="utf-8") + "\nEin neuer Absatz.", encoding="utf-8")
        changed = import_paths(store, [seeds])
    assert changed.counts["updated"] == 1 and changed.counts["unchanged"] == 4
    assert rows(db_path, "SELECT count(*) FROM articles")[0][0] == 5


def test_same_text_under_another_name_is_not_stored_twice(seeds, tmp_path, db_path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes(sorted(seeds.glob("*.txt"))[0].read_bytes())
    with Store(db_path) as store:
        import_paths(store, [seeds])
        report = import_paths(store, [copy])
    assert report.counts == {"unchanged": 1}


def test_bad_files_give_one_line_errors_and_keep_the_rest(runner, seeds, tmp_path, db_path):
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    result = runner.invoke(cli, ["import", "--db", str(db_path), str(seeds), str(tmp_path / "empty.txt"),
                                 str(tmp_path / "binary.txt"), str(tmp_path / "broken.pdf"), str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert any("empty.txt: empty file" in e for e in errors)
    assert any("binary.txt: binary file" in e for e in errors)
    assert any("broken.pdf: not a readable PDF" in e for e in errors)
    assert any("missing.txt: no such file" in e for e in errors)
    assert "Traceback" not in result.output
    assert rows(db_path, "SELECT count(*) FROM articles")[0][0] == 5


def test_oversized_file_is_refused(tmp_path, db_path):
    from presse_mining.sources import files

    path = tmp_path / "big.txt"
    path.write_text("Integration " * 100, encoding="utf-8")
    errors = []
    try:
        list(files.read_documents(path, max_bytes=100))
    except Exception as error:  # InputError
        errors.append(str(error))
    assert errors and "file too large" in errors[0] and "big.txt" in errors[0]
