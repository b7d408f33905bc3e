"""Roles as press texts write them, on docs whose entities are set by a small EntityRuler."""
import pytest
import spacy

from presse_mining.nlp import roles  # noqa: F401  (registers presse_roles)


def pipeline(patterns=()):
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    if patterns:
        nlp.add_pipe("entity_ruler").add_patterns(list(patterns))
    nlp.add_pipe("presse_roles")
    return nlp


def triples(doc):
    return {(r["person"], r["role"], r["organisation"]) for r in doc._.roles}


def test_role_before_name_found_without_ner():
    doc = pipeline()("Zum Abschluss sprach Landrat Frank Beckehoff über die Arbeit.")
    assert ("Frank Beckehoff", "Landrat", None) in triples(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Frank Beckehoff", "PER")]


def test_genitive_role_is_given_in_base_form():
    doc = pipeline()("Eröffnet wurde sie mit einem Grußwort des Bürgermeisters Christian Schweitzer und anderer.")
    assert ("Christian Schweitzer", "Bürgermeister", None) in triples(doc)


def test_apposition_with_organisation_in_base_form():
    doc = pipeline([{"label": "PER", "pattern": "Antje Dinstühler"}])(
        "Es sprach Antje Dinstühler, Leiterin des Kommunalen Integrationszentrums des Rhein-Sieg-Kreises, zuerst."
    )
    assert ("Antje Dinstühler", "Leiterin", "Kommunales Integrationszentrum Rhein-Sieg-Kreis") in triples(doc)


def test_organisation_in_the_compound_and_mandate_after_name():
    doc = pipeline()("Moderiert wurde von WDR-Journalistin Canan Büyrü. Hinter ihr steht Jochen Ritter MdL.")
    found = triples(doc)
    assert ("Canan Büyrü", "Journalistin", "WDR") in found
    assert ("Jochen Ritter", "MdL", None) in found


@pytest.mark.parametrize("role", ["Integrationsstaatssekretärin", "Kreissozialdezernent", "Oberbürgermeisterin"])
def test_compound_and_feminine_role_nouns(role):
    doc = pipeline()(f"Dann sprach {role} Serap Güler zu den Gästen.")
    assert ("Serap Güler", role, None) in triples(doc)


def test_title_kept_apart_from_name_and_surname_resolved():
    doc = pipeline()("Landrat Dr. Frank Beckehoff kam. Später lobte Landrat Beckehoff die Arbeit.")
    assert {r["person"] for r in doc._.roles} == {"Frank Beckehoff"}


def test_affiliation_and_role_of_org_before_name():
    doc = pipeline()(
        "Das erläutert Galina Nedelcheva vom Integrationsteam. "
        "Das sagte die Leiterin des Regionalen Bildungsnetzwerkes Susanne Spornhauer."
    )
    found = triples(doc)
    assert ("Susanne Spornhauer", "Leiterin", "Regionales Bildungsnetzwerk") in found
    assert any(p == "Galina Nedelcheva" and o == "Integrationsteam" for p, _, o in found)


def test_role_noun_without_name_gives_no_role():
    doc = pipeline()("Die Staatssekretärin lobte die Integrationsarbeit im Kreis.")
    assert doc._.roles == []
