"""The shipped German pipeline (models/de_presse): loads with one spacy.load, tokenises press
text by its conventions, finds the entities of integration work, and `evaluate` scores it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

import presse_mining.nlp.components  # noqa: F401  (factories, as the entry points register them)
import presse_mining.nlp.tokenizer  # noqa: F401
from presse_mining.cli import cli

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "de_presse"
SEED = "000_d28a31b3c036ce1d.txt"


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(MODEL)


def test_model_loads_whole_and_small(nlp):
    assert nlp.pipe_names[:3] == ["tok2vec", "ner", "presse_entities"] and "lemmatizer" in nlp.pipe_names
    assert set(nlp.get_pipe("ner").labels) == {"PER", "ORG", "LOC", "MISC"}
    size = sum(p.stat().st_size for p in MODEL.rglob("*") if p.is_file())
    assert size <= 30 * 1024 * 1024, f"models/de_presse is {size / 2**20:.1f} MB"
    # the lexical vectors travel with the model: a surname and a common noun are known words
    assert nlp.vocab.has_vector("Müller") and nlp.vocab.has_vector("Literatur")
    assert not nlp.vocab.has_vector("Xqzwrt")


def test_model_loads_without_importing_presse_mining():
    # the model card's promise: the entry points register our tokenizer and components for spaCy
    code = ("import spacy, sys; nlp = spacy.load(sys.argv[1]); doc = nlp('Die Vereine trafen sich in Olpe.'); "
            "print(doc[1].lemma_, [e.text for e in doc.ents])")
    done = subprocess.run([sys.executable, "-c", code, str(MODEL)], capture_output=True, text=True, cwd="/")
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.split()[0] == "Verein" and "Olpe" in done.stdout


def test_lemmatizer_reads_spacy_lookups_data(nlp):
    # the table is not copied into the model folder, yet the loaded pipeline lemmatises
    assert not (MODEL / "lemmatizer" / "lookups").exists()
    doc = nlp("Die Vertreter der Vereine trafen sich in Olpe.")
    assert [t.lemma_ for t in doc][:5] == ["der", "Vertreter", "der", "Verein", "treffen"]


@pytest.mark.parametrize("text, token", [
    ("Am 17.01.2013 trafen sich alle.", "17.01.2013"),
    ("Bitte schreiben Sie an info@ki-olpe.de bis Freitag.", "info@ki-olpe.de"),
    ("Der Aufruf lief unter #Integration im Netz.", "#Integration"),
])
def test_tokenizer_keeps_press_units_whole(nlp, text, token):
    assert token in [t.text for t in nlp.make_doc(text)]


def test_tokenizer_splits_a_number_ending_a_sentence(nlp):
    words = [t.text for t in nlp.make_doc("Es kamen über 800. Die Halle war voll.")]
    assert words[3:5] == ["800", "."]


def _ents(nlp, text):
    with nlp.select_pipes(enable=["tok2vec", "ner", "presse_entities"]):
        return {(e.text, e.label_) for e in nlp(text).ents}


def test_institutions_places_and_persons_of_integration_work(nlp):
    text = ("Das Kommunale Integrationszentrum des Kreises Soest lädt gemeinsam mit dem Jobcenter Kreis Soest "
            "zu einem Fachtag nach Lippstadt ein. Bürgermeisterin Anna Schulte-Berg begrüßt die Gäste.")
    found = _ents(nlp, text)
    assert ("Kommunale Integrationszentrum des Kreises Soest", "ORG") in found
    assert ("Jobcenter Kreis Soest", "ORG") in found
    assert ("Lippstadt", "LOC") in found
    assert ("Anna Schulte-Berg", "PER") in found


def _rules_on(nlp, text, model_ents=()):
    """The rule component alone, on what the statistical model is made to have found."""
    from spacy.tokens import Span
    doc = nlp.make_doc(text)
    spans = []
    for words, label in model_ents:
        start = next(i for i in range(len(doc)) if doc[i:i + len(words.split())].text == words)
        spans.append(Span(doc, start, start + len(words.split()), label=label))
    doc.ents = spans
    return {(e.text, e.label_) for e in nlp.get_pipe("presse_entities")(doc).ents}


def test_towns_named_like_nouns_are_nouns_after_an_article(nlp):
    found = _rules_on(nlp, "Die Burg liegt im Norden, der Saal ist voll. Die Gruppe fährt nach Burg und Werl.")
    assert ("Burg", "LOC") in found and ("Werl", "LOC") in found   # after `nach`, and a plain town
    assert len([f for f in found if f[0] == "Burg"]) == 1   # not `Die Burg`
    assert ("Norden", "LOC") not in found and ("Saal", "LOC") not in found


def test_first_names_that_are_mostly_words_start_no_person(nlp):
    # `Mai`, `Art` are first names in the lists, but the annotated corpora use them as words
    found = _rules_on(nlp, "Im Mai Dietmar Drabek und eine Art Director Jana Kuhl.")
    assert ("Dietmar Drabek", "PER") in found and ("Jana Kuhl", "PER") in found
    assert not any(text.startswith(("Mai", "Art")) for text, _ in found)


def test_rules_complete_the_models_names_but_keep_its_ends(nlp):
    text = "Unter Johanna Weitkamps Leitung sprach die Diakonie Paderborn-Höxter mit Ahmet Cakici Trainer."
    found = _rules_on(nlp, text, [("Weitkamps", "PER"), ("Diakonie Paderborn-Höxter", "ORG"), ("Ahmet Cakici", "PER")])
    # the first name completes the surname; the noun after it stays out
    assert ("Johanna Weitkamps", "PER") in found and ("Ahmet Cakici", "PER") in found
    # the model's longer name around the head term `Diakonie` is the fuller name
    assert ("Diakonie Paderborn-Höxter", "ORG") in found and ("Diakonie", "ORG") not in found


def test_generic_plural_institutions_are_no_names(nlp):
    found = _rules_on(nlp, "Die Integrationsräte tagten. Der Integrationsrat der Stadt Moers lud ein.")
    assert found == {("Integrationsrat der Stadt Moers", "ORG")}


def test_evaluate_scores_extraction_against_gold(runner, tmp_path):
    gold = {"documents": [{
        "doc": SEED, "published": None,
        "persons": [{"name": "Klaus-Peter Uhlmann", "aliases": ["Uhlmann"], "roles": []},
                    {"name": "Erika Mustermann", "aliases": [], "roles": []}],   # not in the text
        "organisations": [], "places": [{"name": "Siegen", "aliases": []}], "misc": [], "dates": [],
        "events": [], "fields": [],
    }]}
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold), encoding="utf-8")
    result = runner.invoke(cli, ["evaluate", "--gold", str(path), "--texts", str(ROOT / "corpus"), "--format", "json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["persons"]["tp"] == 1 and scores["persons"]["fn"] == 1
    assert scores["persons"]["recall"] == pytest.approx(0.5)
    listed = runner.invoke(cli, ["evaluate", "--gold", str(path), "--texts", str(ROOT / "corpus"), "--errors"])
    assert "Erika Mustermann" in listed.output
