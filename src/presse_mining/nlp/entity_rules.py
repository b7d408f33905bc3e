"""Domain knowledge as a spaCy component: places and institutions, generated from data.

Places: every German Kreis and municipality of the Destatis register (data/places.tsv)
with the inflected forms press texts use (`des Kreises Soest`, `Märkischen Kreises`,
`Rhein-Sieg-Kreises`). A municipality name that the training corpora also use as an
ordinary word (Essen, Weil, Senden, Saal) is only taken after a place cue (`in`, `aus`,
`Stadt`, ...), and none after an article (`die Burg`, `im Norden`). Places only fill
gaps the statistical NER left.

Persons: a first name of the name lists (data/first_names.tsv) followed by one or
two capitalised words is a person (`Dietmar Drabek`); where the model gave the same
tokens another label, the name lists win (`Orlando Hoetzel`, `Kim Il Sung`). A first
name completes the model's surname, but the model's end of a name stands (`Johanna
Weitkamps Leitung`). First names that are also places or ordinary words
(data/common_words.txt, data/first_name_words.txt) do not trigger this.

Facilities named after their town (`Walburgis-Grundschule Werl`, `Berufskolleg
Lippstadt`) name the town too: the span is split into the facility and the town.

Institutions: the head terms of data/institutions.tsv with their inflections, and a
place attached (`Kommunales Integrationszentrum des Kreises Olpe`, `Jobcenter Kreis
Soest`, `Kreissportbund Siegen-Wittgenstein`). These are longer and surer than what
the model finds, so they replace overlapping model spans (the model often finds only
the place inside such a name), unless the model's name is the longer one around them
(`Diakonie Paderborn-Höxter`). A plural head without a place (`Integrationsräte`) is
a generic word, not a name.
"""
from __future__ import annotations

import csv
import itertools
import re
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from . import docview

KREIS_WORDS = ["Kreis", "Kreises", "Landkreis", "Landkreises", "Kreis-", "Rhein-Kreis"]
PLACE_CUES = {"in", "aus", "nach", "bei", "von", "Stadt", "Gemeinde", "Stadt-", "Kreisstadt", "Hansestadt"}
# A German town takes no article: after one (`die Burg`, `im Osten`, `vom Stein`) the word is a noun.
# (Not identity.ARTICLES: that one also strips prepositions such as `in` and `von`, which are place cues here.)
NO_TOWN_AFTER = {"der", "die", "das", "dem", "den", "des", "ein", "eine", "einem", "einen", "einer", "eines",
            "im", "am", "vom", "zum", "zur", "beim", "ins", "ans", "aufs", "übers"}


def _data(name: str):
    return resources.files("presse_mining").joinpath("data", name).open(encoding="utf-8")


def _word_list(name: str) -> frozenset[str]:
    """A data file of one word per line, `#` comments skipped."""
    with _data(name) as handle:
        return frozenset(line.strip() for line in handle if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def places() -> list[dict]:
    with _data("places.tsv") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@lru_cache(maxsize=1)
def ambiguous_words() -> frozenset[str]:
    """Lower-case words of ordinary German: places named like them need a cue."""
    return _word_list("common_words.txt")


def kreis_forms(name: str) -> list[str]:
    """Surface forms of a Kreis name: 'Märkischer Kreis' -> 'Märkischen Kreises', ..."""
    forms = {name}
    if name.endswith("kreis") or name.endswith("Kreis"):
        forms.add(name + "es")
        words = name.split()
        if len(words) == 2 and words[0].endswith("er"):  # Märkischer Kreis, Oberbergischer Kreis
            stem = words[0][:-2]
            for ending in ("e", "en", "em", "er"):
                forms |= {f"{stem}{ending} {words[1]}", f"{stem}{ending} {words[1]}es"}
    return sorted(forms)


def _adjective_forms(word: str) -> set[str]:
    """Kommunales -> Kommunale, Kommunalen, Kommunalem, Kommunales, Kommunaler."""
    for ending in ("es", "er", "e"):
        if word.endswith(ending) and word[:1].isupper() and len(word) > 5:
            stem = word[: -len(ending)]
            return {stem + e for e in ("e", "en", "em", "es", "er")}
    return {word}


def _singular_forms(word: str) -> set[str]:
    return {word, word + "s", word + "es"}


def _noun_forms(word: str) -> set[str]:
    forms = _singular_forms(word) | {word + "n", word + "en"}
    if word.endswith("bund"):
        forms |= {word[:-4] + "bünde", word[:-4] + "bünden"}
    if word.endswith("zentrum"):
        forms |= {word[:-2] + "en"}
    if word.endswith("rat"):
        forms |= {word + "es", word[:-3] + "räte", word[:-3] + "räten"}
    if word.endswith("Kreuz"):
        forms |= {word + "es"}
    return forms


def head_patterns(head: str) -> list[list[dict]]:
    words = head.split()
    if len(words) == 1:
        return [[{"ORTH": {"IN": sorted(_noun_forms(words[0]))}}]]
    tokens = []
    for i, w in enumerate(words):
        if i == len(words) - 1:
            tokens.append({"ORTH": {"IN": sorted(_noun_forms(w))}})
        elif w[:1].isupper() and i < len(words) - 1 and words[i + 1][:1].isupper():
            tokens.append({"ORTH": {"IN": sorted(_adjective_forms(w))}})
        else:
            tokens.append({"LOWER": w.lower()})
    return [tokens]


def head_phrases(head: str) -> list[list[str]]:
    """Every inflected form of a head term as a word list (a PhraseMatcher is far faster
    than token patterns with sets)."""
    options = []
    for token in head_patterns(head)[0]:
        if "ORTH" in token:
            options.append(sorted(token["ORTH"]["IN"]))
        else:
            word = token["LOWER"]
            options.append(sorted({word, word.capitalize()}))
    return [list(words) for words in itertools.product(*options)]


@lru_cache(maxsize=1)
def place_names() -> dict[str, set[str]]:
    kreise, towns = set(), set()
    for row in places():
        if row["level"] == "kreis" and row["kind"] in ("Kreis", "Landkreis"):
            kreise.add(row["name"])
        elif row["level"] in ("gemeinde",):
            towns.add(row["name"])
        elif row["level"] == "kreis":  # kreisfreie Städte
            towns.add(row["name"])
    laender = {row["name"] for row in places() if row["level"] == "land"}
    return {"kreise": kreise, "towns": towns, "laender": laender}


class PlaceAttachment:
    """The place an institution name carries: `des Kreises Olpe`, `der Stadt Hemer`, `Soest`.

    Checked in Python on the few tokens after a head term: far cheaper than one matcher
    pattern per head and attachment, each with thousands of place names."""

    KREIS_WORDS = {"Kreises", "Landkreises", "Kreis"}
    TOWN_WORDS = {"Stadt", "Gemeinde", "Kreisstadt", "Hansestadt"}
    AREA_WORDS = {"Kreis", "Stadt", "Dekanat", "Erzbistum", "Bistum", "Region"}

    def __init__(self, places: set[str], adjective_kreis: set[str]):
        self.places, self.adjective_kreis = places, adjective_kreis

    def end_after(self, doc: Doc, end: int) -> int:
        w = [doc[k].text if k < len(doc) else "" for k in range(end, end + 4)]
        low = [x.lower() for x in w]
        places, adjectives = self.places, self.adjective_kreis
        if low[0] in ("des", "im") and w[1] in self.KREIS_WORDS and w[2] in places:
            return end + 3
        if low[0] == "der" and w[1] in self.TOWN_WORDS and w[2] in places:
            return end + 3
        if low[0] == "für" and low[1] in ("den", "die", "das") and w[2] in self.AREA_WORDS and w[3] in places:
            return end + 4
        if low[0] == "des" and w[1] in adjectives and w[2] == "Kreises":
            return end + 3
        if w[0] in ("Kreis", "Landkreis") and w[1] in places:
            return end + 2
        if low[0] in ("des", "der") and w[1] in places:
            return end + 2
        if w[0] in adjectives and w[1] == "Kreis":
            return end + 2
        if w[0] in places:
            return end + 1
        return end


def build_matchers(nlp: Language):
    names = place_names()
    ambiguous = ambiguous_words()
    # towns: plain names in a PhraseMatcher; ambiguous ones only after a cue (checked in __call__)
    sure = PhraseMatcher(nlp.vocab)
    plain = [n for n in names["towns"] | names["laender"] | {"NRW"} if "(" not in n]
    safe = [n for n in plain if n.lower() not in ambiguous]
    cued = frozenset(n for n in plain if n.lower() in ambiguous and " " not in n)
    sure.add("LOC", list(nlp.tokenizer.pipe(safe)))
    # Kreise: "Kreis Soest", "Kreises Soest", compound and adjective names with their forms
    kreis_phrases = []
    for kreis in names["kreise"]:
        if kreis.endswith(("kreis", "Kreis")) or " " in kreis or kreis.startswith(("Region", "Städteregion")):
            kreis_phrases += kreis_forms(kreis)
        else:
            kreis_phrases += [f"{w} {kreis}" for w in ("Kreis", "Kreises", "Landkreis", "Landkreises")]
    kreis_matcher = PhraseMatcher(nlp.vocab)
    kreis_matcher.add("LOC", list(nlp.tokenizer.pipe(sorted(set(kreis_phrases)))))
    # institutions: head terms in a Matcher; an attached place is read after each head
    single_places = {n for n in names["towns"] | names["kreise"] if " " not in n and "(" not in n}
    single_places |= {f for k in names["kreise"] if k.endswith("kreis") for f in kreis_forms(k)}
    adjective_kreis = {f.split()[0] for k in names["kreise"] if " " in k and k.endswith("Kreis") for f in kreis_forms(k)}
    heads, attaching, plurals = PhraseMatcher(nlp.vocab), set(), set()
    with _data("institutions.tsv") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle if line.strip() and not line.startswith("#")]
    for head, attach in rows:
        heads.add(head, [Doc(nlp.vocab, words=words) for words in head_phrases(head)])
        if attach == "yes":
            attaching.add(head)
        last = head.split()[-1]
        if last[:1].isupper() and len(last) > 4:   # abbreviations (AWO, VHS) have no plural
            plurals |= _noun_forms(last) - _singular_forms(last)
    return heads, attaching, plurals, PlaceAttachment(single_places, adjective_kreis), kreis_matcher, sure, cued


FACILITY_ENDINGS = ("schule", "gymnasium", "kolleg", "realschule", "hauptschule", "gesamtschule", "kita",
                    "kindergarten", "familienzentrum", "jugendzentrum", "bürgerhaus", "stadthalle", "rathaus")
_WORDLIKE = re.compile(r"^[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?$")


@lru_cache(maxsize=1)
def person_first_names() -> frozenset[str]:
    with _data("first_names.tsv") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    names = {row["name"] for row in csv.DictReader(lines, delimiter="\t")}
    towns = {n.lower() for n in place_names()["towns"]}
    otherwise = _word_list("first_name_words.txt")
    return frozenset(n for n in names if n.lower() not in ambiguous_words() and n.lower() not in towns
                     and n not in otherwise and len(n) > 2)


@lru_cache(maxsize=100_000)
def _is_first_name(word: str) -> bool:
    firsts = person_first_names()
    return word in firsts or ("-" in word and all(part in firsts for part in word.split("-")))


def _person_spans(doc: Doc) -> list[Span]:
    spans, i = [], 0
    # only the tokens that are first names can start a name (found once per distinct word)
    for start in docview.positions(doc, _is_first_name):
        if start < i or start >= len(doc) - 1:
            continue  # inside the previous name, or the last token
        i = start
        end = i + 1
        while end < len(doc) and end - i <= 3 and _WORDLIKE.match(doc[end].text) and not doc[end].is_stop:
            end += 1
        if end > i + 1 and doc[end - 1].text.lower() not in ambiguous_words():
            spans.append(Span(doc, i, end, label="PER"))
            i = end
    return spans


def _split_facilities(ents: list[Span], towns: set[str]) -> list[Span]:
    out = []
    for ent in ents:
        last = ent[-1].text
        if (len(ent) >= 2 and last in towns and ent[-2].text.lower().endswith(FACILITY_ENDINGS)
                and ent.label_ in ("ORG", "LOC", "PER")):
            out.append(Span(ent.doc, ent.start, ent.end - 1, label="ORG"))
            out.append(Span(ent.doc, ent.end - 1, ent.end, label="LOC"))
        else:
            out.append(ent)
    return out


def _split_at_line_breaks(ents: list[Span]) -> list[Span]:
    """No name runs across a paragraph break: the model's span ends there (what follows
    the break is rarely part of a name; the rules below find a place there again)."""
    out = []
    for ent in ents:
        end = ent.end
        for token in ent:
            if token.is_space or "\n" in token.whitespace_:
                end = token.i if token.is_space else token.i + 1
                break
        if end > ent.start:
            out.append(Span(ent.doc, ent.start, end, label=ent.label_))
    return out


class EntityRules:
    def __init__(self, nlp: Language, overwrite_institutions: bool = True):
        self.heads, self.attaching, self.plurals, self.attachment, self.kreise, self.towns, self.cued = build_matchers(nlp)
        self.overwrite_institutions = overwrite_institutions
        self.town_names = set(place_names()["towns"])

    def _institutions(self, doc: Doc) -> list[Span]:
        spans = []
        for match_id, start, end in self.heads(doc):
            head_end = end
            if doc.vocab.strings[match_id] in self.attaching:
                end = self.attachment.end_after(doc, end)
            if end == head_end and doc[end - 1].text in self.plurals:
                continue   # `Integrationsräte` without a place: a generic plural, no name
            spans.append(Span(doc, start, end, label="ORG"))
        return filter_spans(spans)

    def _cued_places(self, doc: Doc) -> list[Span]:
        return [
            Span(doc, i + 1, i + 2, label="LOC")
            for i in docview.positions(doc, PLACE_CUES.__contains__) if i + 1 < len(doc) and doc[i + 1].text in self.cued
        ]

    def __call__(self, doc: Doc) -> Doc:
        ents = _split_facilities(_split_at_line_breaks(list(doc.ents)), self.town_names)
        persons = _person_spans(doc)
        for person in persons:
            overlapping = [e for e in ents if e.start < person.end and person.start < e.end]
            if not overlapping:
                ents.append(person)
                continue
            same = [e for e in overlapping if (e.start, e.end) == (person.start, person.end)]
            inside_per = all(e.label_ == "PER" and person.start <= e.start and e.end <= person.end for e in overlapping)
            if same:
                replacement = person   # the name lists win on identical boundaries
            elif inside_per and len(overlapping) == 1 and overlapping[0].start > person.start:
                # a first name completes the model's surname; the model's end stays, since the
                # rule cannot tell a surname (`Weitkamps`) from the noun after it (`Leitung`)
                replacement = Span(doc, person.start, overlapping[0].end, label="PER")
            elif inside_per and len(overlapping) == 1 and len(overlapping[0]) == 1:
                replacement = person   # the model found only the first name
            else:
                continue
            for e in overlapping:
                ents.remove(e)
            ents.append(replacement)
        # a longer model name around a head term is the fuller name
        # (`Diakonie Paderborn-Höxter`, `Arbeiterwohlfahrt Kreisverband Paderborn`)
        institutions = [
            span for span in self._institutions(doc)
            if not any(e.start <= span.start and span.end <= e.end and len(e) > len(span) for e in ents)
        ]
        if institutions and self.overwrite_institutions:
            taken = {i for span in institutions for i in range(span.start, span.end)}
            # a model span that sticks out of an institution name is kept only if it does not overlap it
            ents = [e for e in ents if not any(i in taken for i in range(e.start, e.end))] + institutions
        places = [Span(doc, s, e, label="LOC") for _, s, e in self.kreise(doc)]
        places += [Span(doc, s, e, label="LOC") for _, s, e in self.towns(doc)
                   if s == 0 or doc[s - 1].lower_ not in NO_TOWN_AFTER]
        places += self._cued_places(doc)
        taken = {i for span in ents for i in range(span.start, span.end)}
        for span in filter_spans(places):
            if not any(i in taken for i in range(span.start, span.end)):
                ents.append(span)
                taken.update(range(span.start, span.end))
        doc.ents = filter_spans(ents)
        return doc


@Language.factory("presse_entities", default_config={"overwrite_institutions": True})
def make_entity_rules(nlp: Language, name: str, overwrite_institutions: bool):
    return EntityRules(nlp, overwrite_institutions=overwrite_institutions)
