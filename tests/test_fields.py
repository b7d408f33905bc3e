"""Handlungsfelder: training, the saved model, evidence, the `fields` command."""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from click.testing import CliRunner

from presse_mining import taxonomy
from presse_mining.cli import cli
from presse_mining.errors import PresseError
from presse_mining.nlp.fieldclf import FieldClassifier, default_model_dir
from presse_mining.nlp.fieldfeatures import (WORD_TYPES, FeatureSettings, Tokens, char_text, find_cues,
                                             integration_words, paragraphs, sentences, title_fields)
from presse_mining.nlp.fieldtrain import Example, TrainSettings, cross_validate, train

FIELDS = ["sport", "flucht_asyl", "bildung_sprache"]
SENTENCES = {
    "sport": ["Der Kreissportbund startet das Programm Integration durch Sport mit {n} Sportvereinen.",
              "Im Sportverein trainieren {n} Jugendliche aus vielen Ländern zusammen."],
    "flucht_asyl": ["Die Flüchtlingshilfe betreut {n} Geflüchtete in der Gemeinschaftsunterkunft.",
                    "Asyl suchende Menschen und Flüchtlinge erhalten Beratung, {n} Gespräche im Monat."],
    "bildung_sprache": ["Die Kita bietet Sprachförderung für {n} Kinder mit dem Programm Rucksack an.",
                        "Ein Sprachkurs an der Schule hilft {n} Seiteneinsteigern beim Deutschlernen."],
    None: ["Die Straße bleibt wegen Bauarbeiten {n} Tage gesperrt.",
           "Der Weihnachtsmarkt öffnet mit {n} Buden auf dem Marktplatz."],
}


def synthetic_examples(count: int = 36, seed: int = 3) -> list[Example]:
    rng = random.Random(seed)
    examples = []
    for i in range(count):
        chosen = [] if i % 6 == 0 else rng.sample(FIELDS, rng.choice([1, 1, 2]))
        lines = []
        for field in chosen + [None]:
            lines.append((" ".join(s.format(n=rng.randint(2, 90)) for s in SENTENCES[field]), field))
        rng.shuffle(lines)
        text, paragraphs, pos = "", [], 0
        for line, field in lines:
            paragraphs.append((pos, pos + len(line), {field} if field else set()))
            text += line + "\n"
            pos = len(text)
        examples.append(Example(f"s{i:02d}", text, set(chosen), paragraphs))
    return examples


SETTINGS = TrainSettings(folds=3, features=FeatureSettings(word_min_df=1, char_min_df=1, char_max_features=2000))


@pytest.fixture(scope="module")
def tiny_model() -> FieldClassifier:
    return train(synthetic_examples(), FIELDS, SETTINGS)


def test_training_is_reproducible():
    examples = synthetic_examples()
    first = cross_validate(examples, FIELDS, SETTINGS)
    second = cross_validate(synthetic_examples(), FIELDS, SETTINGS)
    assert first == second
    assert first["micro_f1"] > 0.8  # the synthetic fields are easy: a broken pipeline scores far lower
    a, b = train(examples, FIELDS, SETTINGS), train(examples, FIELDS, SETTINGS)
    assert np.array_equal(a.paragraph.coef, b.paragraph.coef) and np.array_equal(a.article.platt, b.article.platt)


def test_optional_fields_count_neither_as_hits_nor_as_misses():
    """As in the gold's matching rules: a field marked optional is not held against a prediction."""
    examples = synthetic_examples()
    strict = cross_validate(examples, FIELDS, SETTINGS)
    # demote one annotated field per document to optional: predicting it is no longer a hit,
    # and predicting it no longer costs precision either
    demoted = [Example(ex.id, ex.text, set(sorted(ex.fields)[1:]), ex.paragraphs, set(sorted(ex.fields)[:1]))
               for ex in examples]
    lenient = cross_validate(demoted, FIELDS, SETTINGS)
    assert lenient["optional_fields"] == sum(1 for ex in examples if ex.fields)
    assert lenient["optional_as_required"]["micro_f1"] == pytest.approx(strict["micro_f1"], abs=0.15)
    both = sum(1 for ex in examples if len(ex.fields) == 2)
    # only the documents with two fields keep a required one: every prediction is scored on those alone
    assert sum(v["support"] for v in lenient["per_field"].values()) == both


def test_saved_model_classifies_like_the_trained_one(tmp_path, tiny_model):
    tiny_model.save(tmp_path / "m")
    loaded = FieldClassifier.load(tmp_path / "m")
    text = synthetic_examples(count=7, seed=99)[5].text
    assert loaded.classify(text) == tiny_model.classify(text)
    assert np.allclose(loaded.article_scores(text), tiny_model.article_scores(text))
    assert not any(p.suffix == ".pkl" for p in (tmp_path / "m").iterdir())


@pytest.mark.parametrize("name", ["model.npz", "model.json"])
def test_loading_refuses_a_tampered_model_file(tmp_path, tiny_model, name, monkeypatch):
    folder = tmp_path / "m"
    tiny_model.save(folder)
    raw = bytearray((folder / name).read_bytes())
    raw[len(raw) // 2] ^= 0x01
    (folder / name).write_bytes(bytes(raw))
    with pytest.raises(PresseError, match="tampered"):
        FieldClassifier.load(folder)
    monkeypatch.setenv("PRESSE_FIELDS_MODEL", str(folder))
    with pytest.raises(PresseError):
        FieldClassifier.load_default()


def test_missing_model_means_no_classifier(tmp_path, monkeypatch):
    monkeypatch.setenv("PRESSE_FIELDS_MODEL", str(tmp_path / "nowhere"))
    assert FieldClassifier.load_default() is None


def test_offtopic_text_gets_no_field_and_fields_come_sorted(tiny_model):
    assert tiny_model.classify("Der Weihnachtsmarkt öffnet mit 40 Buden.\nDie Straße bleibt 3 Tage gesperrt.") == []
    found = tiny_model.classify(
        "Der Kreissportbund startet Integration durch Sport mit 12 Sportvereinen.\n"
        "Die Flüchtlingshilfe betreut 40 Geflüchtete in der Gemeinschaftsunterkunft.")
    assert {f["label"] for f in found} == {"sport", "flucht_asyl"}
    assert [f["score"] for f in found] == sorted((f["score"] for f in found), reverse=True)


def test_text_without_integration_work_gets_no_field_under_the_gate(tiny_model):
    sport_only = "Der Kreissportbund ehrt 12 Sportvereine für das Sportabzeichen.\nDie Sportvereine feiern."
    assert {f["label"] for f in tiny_model.classify(sport_only)} == {"sport"}
    gated = FieldClassifier(tiny_model.field_ids, tiny_model.features, tiny_model.paragraph, tiny_model.article,
                            tiny_model.relevance, {**tiny_model.combine, "min_integration_words": 1})
    assert gated.classify(sport_only) == []
    with_integration = sport_only + "\nDas Programm Integration durch Sport bringt Geflüchtete in die Vereine."
    assert "sport" in {f["label"] for f in gated.classify(with_integration)}


def test_workshop_titles_name_fields_but_a_list_of_guests_does_not():
    text = ("Integrationskonferenz im Kreis\n"
            "Vier Workshops fanden statt zu den Themen „Integration in Arbeit“, „Wohnen“ und „Sport“.\n"
            "Im Einzelnen handelte es sich um folgende Themen:\n"
            "1. Eltern-Kind-Familie\n"
            "2. Sprache und Bildung\n"
            "Danach sprachen Vertreter von Jobcenter, Kita und Sportverein ausführlich über ihre Erfahrungen "
            "mit der Konferenz, die ohne Zweifel ein großer Erfolg gewesen sei, wie alle betonten, auch die Gäste.")
    assert set(title_fields(text)) == {"arbeit_ausbildung", "wohnen_sozialraum", "sport", "kinder_jugend_familie",
                                       "bildung_sprache"}
    assert title_fields("Vertreter von Jobcenter, Kita und Sportverein waren zu Gast.") == ()
    # a field's title word counts as the word itself, not inside other compounds
    assert title_fields("Die Mitarbeiter der Arbeitsgruppe berieten über das Thema Integrationsarbeit.") == ()
    assert title_fields("Die Arbeitsgruppe befasst sich mit der Ausbildung von Geflüchteten.") == (
        "arbeit_ausbildung", "flucht_asyl")


def test_features_of_spans_are_the_vectorisers_features(tiny_model):
    """The fast path (one tokenisation per text, spans as slices) gives each paragraph and sentence
    the same features as sklearn's vectorisers give its text on its own."""
    features = tiny_model.features
    text = synthetic_examples(count=9, seed=5)[4].text + "Sportvereine, Kitas – und Flüchtlinge!\n\n—\n"
    spans = paragraphs(text) + sentences(text) + [(0, len(text))]
    fast, hits = features.transform_spans(Tokens.of(text), spans)
    pieces = [text[s:e] for s, e in spans]
    cue = np.log1p(np.vstack([[sum(c.field == f for c, _, _ in find_cues(p)) for f in FIELDS] for p in pieces]))
    slow = sp.hstack([features.words.transform(pieces), features.chars.transform([char_text(p) for p in pieces]),
                      cue, np.log1p([[integration_words(p)] for p in pieces]), np.zeros((len(pieces), len(FIELDS)))])
    assert fast.shape == slow.shape and abs(fast - slow).max() < 1e-5
    assert [[c.text for c, _, _ in h] for h in hits] == [[c.text for c, _, _ in find_cues(p)] for p in pieces]


def test_features_stay_the_same_when_the_word_types_start_afresh(tiny_model, monkeypatch):
    """Past its limit the table of word types starts afresh, so that memory stays bounded on an
    endless stream; the features must not change, not even for a text tokenised before that."""
    features = tiny_model.features
    texts = [e.text for e in synthetic_examples(count=6, seed=7)]
    expected = [features.transform_spans(Tokens.of(t), paragraphs(t))[0].toarray() for t in texts]
    monkeypatch.setattr(WORD_TYPES, "LIMIT", 40)   # fewer than the distinct words of one text
    WORD_TYPES.clear()
    early, generation = Tokens.of(texts[0]), WORD_TYPES.generation
    later = [features.transform_spans(Tokens.of(t), paragraphs(t))[0].toarray() for t in texts[1:]]
    assert WORD_TYPES.generation > generation   # it did start afresh
    again = features.transform_spans(early, paragraphs(texts[0]))[0].toarray()
    for found, wanted in zip([again] + later, expected):
        assert np.array_equal(found, wanted)


def _assert_evidence_carries_cues(text: str, fields: list[dict]) -> None:
    for entry in fields:
        assert 1 <= len(entry["evidence"]) <= 3
        for evidence in entry["evidence"]:
            assert text[evidence["start"]:evidence["end"]] == evidence["text"]
            found = {cue.text for cue, _, _ in find_cues(evidence["text"], entry["label"])}
            assert found and set(evidence["cues"]) == found, (entry["label"], evidence)
            taxonomy_cues = set(taxonomy.by_id(entry["label"]).cues)
            assert set(evidence["cues"]) <= taxonomy_cues


def test_evidence_sentences_contain_the_fields_cues(tiny_model):
    text = ("Beim Fest sprach die Bürgermeisterin.\n"
            "Die Kita bietet Sprachförderung an. Das Wetter war schön. "
            "Ein Sprachkurs an der Schule hilft Seiteneinsteigern.\n"
            "Der Kreissportbund lädt Sportvereine ein.")
    fields = tiny_model.classify(text)
    assert {f["label"] for f in fields} >= {"bildung_sprache", "sport"}
    _assert_evidence_carries_cues(text, fields)
    bildung = next(f for f in fields if f["label"] == "bildung_sprache")
    assert "Das Wetter war schön." not in [e["text"] for e in bildung["evidence"]]


SEEDS = Path(__file__).resolve().parents[1] / "corpus"  # the seed articles ship with the project


@pytest.mark.skipif(not (default_model_dir() / "manifest.json").exists() or not SEEDS.exists(),
                    reason="no trained model or no seeds")
def test_shipped_model_gives_seed_fields_with_cue_evidence():
    from presse_mining.nlp import analyze

    model = FieldClassifier.load_default()
    text = (SEEDS / "000_d28a31b3c036ce1d.txt").read_text(encoding="utf-8")
    result = analyze(text)
    labels = [f["label"] for f in result["fields"]]
    assert "sport" in labels
    with_cues = [f for f in result["fields"] if all(e["cues"] for e in f["evidence"])]
    _assert_evidence_carries_cues(text, with_cues)
    assert model.classify("Die Straße am Markt ist ab Montag wegen Bauarbeiten voll gesperrt.") == []


def test_fields_command_counts_by_kreis_and_year(tmp_path):
    from presse_mining.articles import Article
    from presse_mining.store import Store

    db = tmp_path / "presse.db"
    with Store(db) as store:
        texts = [("Sport in Olpe", "2019-05-02", ["Olpe", "Olpe", "Siegen"], ["sport", "ehrenamt_engagement"]),
                 ("Flucht in Olpe", "2019-11", ["Olpe"], ["flucht_asyl", "sport"]),
                 ("Sport in Siegen", "2020-01-10", ["Siegen"], ["sport"])]
        for title, published, places, fields in texts:
            article = Article(text=f"{title}. Ein Text.", title=title, published=published)
            article_id, _ = store.save_article(article)
            store.save_analysis(article_id, {
                "published": published,
                "entities": [{"text": p, "label": "LOC", "start": 0, "end": len(p), "canonical": p} for p in places],
                "fields": [{"label": f, "score": 0.9, "evidence": [{"text": title, "start": 0, "end": len(title)}]}
                           for f in fields],
            })
        evidence = store.conn.execute("SELECT count(*) FROM field_evidence").fetchone()[0]
    assert evidence == 5
    result = CliRunner().invoke(cli, ["fields", "--db", str(db)])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.output.strip().splitlines()]
    assert rows[0] == ["kreis", "year", "field", "name", "articles"]
    counts = {(r[0], r[1], r[2]): int(r[4]) for r in rows[1:]}
    assert counts[("Olpe", "2019", "sport")] == 2
    assert counts[("Siegen", "2020", "sport")] == 1
    assert ("Siegen", "2019", "sport") not in counts
    only = CliRunner().invoke(cli, ["fields", "--db", str(db), "--field", "flucht_asyl"])
    assert only.output.strip().splitlines()[1:] == ["Olpe\t2019\tflucht_asyl\tFlucht & Neuzuwanderung\t1"]
    bad = CliRunner().invoke(cli, ["fields", "--db", str(db), "--field", "quatsch"])
    assert bad.exit_code != 0 and "not a field id" in bad.output
    missing = CliRunner().invoke(cli, ["fields", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "Error:" in missing.output


@pytest.mark.skipif(not (default_model_dir() / "manifest.json").exists(), reason="no trained model")
def test_evidence_is_the_same_whether_or_not_sentences_are_ranked():
    # classify() ranks sentences by the model only where that decides the evidence (a field with
    # more than three cued sentences); evidence() without precomputed decisions ranks them all
    model = FieldClassifier.load_default()
    text = ("Integration durch Sport: der Kreissportbund Olpe lädt Geflüchtete ein.\n"
            "Im Sportverein trainieren Jugendliche aus vielen Ländern mit Geflüchteten zusammen.\n"
            "Der Stadtsportbund bringt Zugewanderte und Einheimische zusammen.\n"
            "Jeder Stützpunktverein bietet Schwimmkurse für geflüchtete Frauen an.\n"
            "Die Sportvereine suchen Übungsleiter mit Migrationsgeschichte.\n"
            "Die Sprachförderung in der Kita ergänzt das Programm der Integrationsagentur.\n")
    fields = model.classify(text)
    crowded = [f for f in fields if len({e["text"] for e in f["evidence"]}) == 3
               and sum(bool(find_cues(text[s:e], f["label"])) for s, e in sentences(text)) > 3]
    assert crowded, fields   # the text has a field with more cued sentences than are shown
    for entry in fields:
        assert entry["evidence"] == model.evidence(text, entry["label"], sentences(text))
