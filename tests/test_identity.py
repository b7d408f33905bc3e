"""One identity per person and organisation: within an article (base forms, surnames,
abbreviations) and across articles in the store, with users' corrections and forget."""
import spacy
from click.testing import CliRunner

from presse_mining.cli import cli
from presse_mining.nlp import events, roles  # noqa: F401
from presse_mining.nlp.identity import org_base_form, resolve
from presse_mining.sources.files import text_article
from presse_mining.store import Store
from presse_mining.workflow import analyze_store

PATTERNS = [
    {"label": "PER", "pattern": "Serap Güler"}, {"label": "PER", "pattern": "Güler"},
    {"label": "PER", "pattern": "Frank Beckehoff"},
    {"label": "ORG", "pattern": "Kommunalen Integrationszentrums des Kreises Olpe"},
    {"label": "ORG", "pattern": "Kommunalen Integrationszentrums"}, {"label": "ORG", "pattern": "KI"},
    {"label": "ORG", "pattern": "Kommunales Integrationszentrum Kreis Olpe"},
]
ARTICLE_1 = ("Olpe. Integrationsstaatssekretärin Serap Güler besuchte jetzt das Team des Kommunalen "
             "Integrationszentrums des Kreises Olpe im Kreishaus. Staatssekretärin Güler lobte das KI. "
             "Landrat Frank Beckehoff begrüßte sie.")
ARTICLE_2 = ("Olpe. Beim Fachtag des Kommunales Integrationszentrum Kreis Olpe in Olpe sprach Serap Güler "
             "über Integration.")


def nlp():
    pipeline = spacy.blank("de")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe("entity_ruler").add_patterns(PATTERNS)
    pipeline.add_pipe("presse_roles")
    pipeline.add_pipe("presse_events")
    return pipeline


def test_base_forms_of_organisations():
    assert org_base_form("des Kommunalen Integrationszentrums des Märkischen Kreises") == \
        "Kommunales Integrationszentrum Märkischer Kreis"
    assert org_base_form("Kommunalen Integrationszentrums des Rhein-Sieg-Kreises") == \
        "Kommunales Integrationszentrum Rhein-Sieg-Kreis"
    assert org_base_form("Kreises Soest") == "Kreis Soest"
    assert org_base_form("der Landesweiten Koordinierungsstelle") == "Landesweite Koordinierungsstelle"
    assert org_base_form("Teams Integration der Stadt Hemer") == "Team Integration der Stadt Hemer"


def test_one_person_and_one_organisation_within_an_article():
    doc = nlp()(ARTICLE_1)
    names = resolve(doc)
    by_text = {ent.text: names[(ent.start_char, ent.end_char)] for ent in doc.ents}
    assert by_text["Güler"] == "Serap Güler"
    assert by_text["Serap Güler"] == "Serap Güler"
    org = "Kommunales Integrationszentrum Kreis Olpe"
    assert by_text["Kommunalen Integrationszentrums des Kreises Olpe"] == org
    assert by_text["KI"] == org


def store_with_articles(tmp_path):
    store = Store(tmp_path / "presse.db")
    ids = [store.save_article(text_article(text, source=f"a{n}.txt"))[0] for n, text in enumerate((ARTICLE_1, ARTICLE_2))]
    analyze_store(store, nlp=nlp())
    return store, ids


def entity_names(store, label):
    return {row[0] for row in store.conn.execute("SELECT name FROM entities WHERE label = ?", [label])}


def test_same_entity_across_two_articles(tmp_path):
    store, ids = store_with_articles(tmp_path)
    rows = store.conn.execute(
        "SELECT count(DISTINCT m.article_id) FROM mentions m JOIN entities e ON e.id = m.entity_id"
        " WHERE e.name = ? AND e.label = 'ORG'", ["Kommunales Integrationszentrum Kreis Olpe"]).fetchone()
    assert rows[0] == 2
    assert "Güler" not in entity_names(store, "PER")


def test_corrections_survive_reanalysis(tmp_path):
    store, ids = store_with_articles(tmp_path)
    runner = CliRunner()
    db = str(tmp_path / "presse.db")
    result = runner.invoke(cli, ["entities", "rename", "--db", db, "Serap Güler", "Serap Güler (Staatssekretärin)"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["entities", "merge", "--db", db, "Frank Beckehoff", "Kommunales Integrationszentrum Kreis Olpe"])
    assert result.exit_code != 0  # a person cannot be merged into an organisation name of another label
    result = runner.invoke(cli, ["entities", "split", "--db", db, "Serap Güler (Staatssekretärin)",
                                 "--article", str(ids[1]), "--as", "Serap Güler (Bonn)"])
    assert result.exit_code == 0, result.output
    for _ in range(2):  # before and after a full re-analysis
        names = entity_names(store, "PER")
        assert "Serap Güler" not in names
        assert {"Serap Güler (Staatssekretärin)", "Serap Güler (Bonn)"} <= names
        analyze_store(store, everything=True, nlp=nlp())
    assert store.conn.execute("SELECT count(*) FROM audit_log WHERE action IN ('rename', 'split')").fetchone()[0] == 2


def test_forget_removes_person_masks_texts_and_stays_forgotten(tmp_path):
    store, ids = store_with_articles(tmp_path)
    db = str(tmp_path / "presse.db")
    result = CliRunner().invoke(cli, ["forget", "--db", db, "--yes", "Serap Güler"])
    assert result.exit_code == 0, result.output
    assert "Serap Güler" not in entity_names(store, "PER")
    texts = [row[0] for row in store.conn.execute("SELECT text FROM articles")]
    assert not any("Güler" in text for text in texts)
    assert store.search("Güler") == []
    assert store.conn.execute("SELECT count(*) FROM roles r JOIN entities e ON e.id = r.person_id"
                              " WHERE e.name LIKE '%Güler%'").fetchone()[0] == 0
    detail = store.conn.execute("SELECT detail FROM audit_log WHERE action = 'forget'").fetchone()[0]
    assert "Güler" not in detail  # the log keeps a hash, not the name
    # a re-import of the original text and a full re-analysis do not bring it back
    _, status = store.save_article(text_article(ARTICLE_1, source="a0.txt"))
    assert status == "unchanged"
    analyze_store(store, everything=True, nlp=nlp())
    assert not any("Güler" in name for name in entity_names(store, "PER"))
    assert "Frank Beckehoff" in entity_names(store, "PER")
