"""One identity per person and organisation within an article.

`resolve(doc)` gives every PER/ORG/LOC/MISC entity of a Doc its canonical name:

* persons: role nouns and titles stripped (`Staatssekretärin Güler` → `Güler`), and a
  surname alone resolved to the full name written elsewhere in the same text
  (`Güler` → `Serap Güler`);
* organisations (and Kreis names): the base form, nominative without article
  (`des Kommunalen Integrationszentrums des Märkischen Kreises` →
  `Kommunales Integrationszentrum Märkischer Kreis`), a short form resolved to the
  one longer name in the same text that starts with it, and an abbreviation (`KI`,
  `BAMF`) resolved to the long form it stands for in that text.

Across articles the same canonical name is the same entity: the store keys
entities by (label, name). Users correct the machine with `entities merge/split/
rename` (store.identity).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .canonical import normalise_surface

ARTICLES = {
    "der", "die", "das", "des", "dem", "den", "ein", "eine", "eines", "einem", "einen", "einer",
    "im", "in", "am", "an", "vom", "von", "zum", "zur", "beim", "bei", "ins", "mit", "für", "aus",
}
PERSON_PREFIXES = {"herr", "herrn", "frau", "dr.", "prof.", "dr", "prof", "professor", "professorin"}
PERSON_SUFFIXES = {"mdl", "mdb", "mdep", "mdl.", "mdb.", "mdep."}

# Gender of an organisation's head noun decides the strong adjective ending of the
# base form (Kommunales Integrationszentrum, Märkischer Kreis, Landesweite Koordinierungsstelle).
_NEUTER = ("zentrum", "werk", "büro", "amt", "team", "institut", "ministerium", "forum", "bündnis",
           "haus", "kolleg", "gymnasium", "komitee", "gremium", "jobcenter", "center", "projekt", "land")
_MASCULINE = ("kreis", "bund", "verband", "verein", "dienst", "rat", "ring", "tag", "beirat", "ausschuss",
              "arbeitskreis", "senat", "sender", "rundfunk", "träger", "club", "klub")
_FEMININE = ("stelle", "ung", "schaft", "agentur", "stiftung", "schule", "behörde", "regierung", "gruppe",
             "gemeinde", "heit", "keit", "kammer", "stadt", "kirche", "hilfe", "akademie", "initiative",
             "organisation", "polizei", "wohlfahrt", "diakonie", "caritas", "kommune", "fraktion", "partei",
             "versammlung", "universität", "hochschule", "volkshochschule", "bank", "kasse")
_PLURAL_HEADS = {"bünde": "bund", "verbände": "verband", "zentren": "zentrum", "ämter": "amt", "räte": "rat",
                 "vereine": "verein", "kreise": "kreis", "dienste": "dienst", "schulen": "schule",
                 "stellen": "stelle", "agenturen": "agentur", "gemeinden": "gemeinde", "behörden": "behörde"}
_ADJ_ENDINGS = ("en", "em", "er", "es", "e")


@lru_cache(maxsize=1)
def _lemma_table():
    """spacy-lookups-data's German lemma table (word form → lemma).

    Read as a plain dict straight from the package's file: the same entries as
    spaCy's `load_lookups("de", ["lemma_lookup"])`, in a third of the time (spaCy
    hashes all 355,000 keys into its Table), which every worker pays at its start."""
    try:
        import spacy_lookups_data
        import srsly

        path = Path(spacy_lookups_data.__file__).parent / "data" / "de_lemma_lookup.json.gz"
        if path.exists():
            return srsly.read_gzip_json(path)
    except ImportError:  # spacy-lookups-data missing: rules only
        return {}
    except (ValueError, OSError):  # an unreadable file: spaCy's own loader below says what it can
        pass
    try:
        from spacy.lookups import load_lookups

        return load_lookups("de", ["lemma_lookup"]).get_table("lemma_lookup")
    except (ValueError, ImportError, OSError):
        return {}


@lru_cache(maxsize=100_000)  # the base forms below depend on the word alone: asked again for every mention
def noun_lemma(word: str) -> str:
    """Singular nominative of a (compound) noun: Integrationszentrums → Integrationszentrum."""
    head_start = word.rfind("-") + 1
    prefix, head = word[:head_start], word[head_start:]
    table = _lemma_table()
    lower = head.lower()
    for plural, singular in _PLURAL_HEADS.items():
        if lower.endswith(plural):
            return prefix + head[: len(head) - len(plural)] + _case_like(head[len(head) - len(plural):], singular)
    for i in range(0, max(len(head) - 2, 1)):
        tail = head[i:]
        candidate = tail[:1].upper() + tail[1:]
        lemma = table.get(candidate) if table else None
        if lemma and lemma[:1].isupper() and (i == 0 or len(tail) >= 4):
            lemma = lemma if i == 0 else lemma[:1].lower() + lemma[1:]
            return prefix + head[:i] + lemma
    # genitive singular: Netzwerkes → Netzwerk, Kreises → Kreis
    if lower.endswith("es") and len(head) > 5 and lower[-3] in "sßzkt":
        return prefix + head[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(head) > 4:
        return prefix + head[:-1]
    return word


def _case_like(sample: str, word: str) -> str:
    return word[:1].upper() + word[1:] if sample[:1].isupper() else word


def _gender(noun: str) -> str | None:
    lower = noun.lower().rsplit("-", 1)[-1]
    for suffixes, gender in ((_FEMININE, "f"), (_NEUTER, "n"), (_MASCULINE, "m")):
        if lower.endswith(suffixes):
            return gender
    return None


def _is_adjective(word: str, next_word: str | None) -> bool:
    """A capitalised inflected adjective before a noun (Kommunalen, Märkischen, Regionales)."""
    if not next_word or not word[:1].isupper() or "-" in word:
        return False
    lower = word.lower()
    if not lower.endswith(_ADJ_ENDINGS) or len(lower) < 5:
        return False
    table = _lemma_table()
    lemma = table.get(lower) if table else None
    if lemma and lemma != lower and lemma.islower():
        return True
    return lower.endswith(("ischen", "ischer", "isches", "ische", "alen", "ales", "aler", "ale", "iven", "ive",
                           "iges", "igen", "iger", "ige", "weiten", "weite", "weites", "lichen", "liche",
                           "liches", "licher"))


def _is_place_adjective(word: str, next_word: str | None) -> bool:
    """Siegburger, Hammerhütter: adjectives from place names never inflect."""
    return bool(next_word) and next_word[:1].isupper() and word[:1].isupper() and word.endswith("er") \
        and not word.lower().endswith(("ischer", "aler", "iger", "licher", "weiter"))


def _adjective_stem(word: str) -> str:
    table = _lemma_table()
    lemma = table.get(word.lower()) if table else None
    if lemma and lemma.islower() and word.lower().startswith(lemma[: max(len(lemma) - 1, 1)]):
        stem = lemma
    else:
        stem = word.lower()
        for ending in _ADJ_ENDINGS:
            if stem.endswith(ending):
                stem = stem[: -len(ending)]
                break
    return word[:1] + stem[1:]


def _nominative_phrase(words: list[str]) -> list[str]:
    """Adjectives + head noun (+ name words) in the nominative: Märkischen Kreises → Märkischer Kreis."""
    out = list(words)
    head_index = next((i for i, w in enumerate(out)
                       if not _is_adjective(w, out[i + 1] if i + 1 < len(out) else None)
                       and not _is_place_adjective(w, out[i + 1] if i + 1 < len(out) else None)), None)
    if head_index is None:
        return out
    head = out[head_index]
    plural = head.lower().endswith(tuple(_PLURAL_HEADS)) or head.lower().endswith(("zentren", "innen"))
    if not plural:
        out[head_index] = noun_lemma(head)
    gender = "p" if plural else _gender(out[head_index])
    ending = {"m": "er", "f": "e", "n": "es", "p": "e"}.get(gender)
    for i in range(head_index):
        if ending and not _is_place_adjective(out[i], out[i + 1]):
            out[i] = _adjective_stem(out[i]) + ending
    return out


def _is_kreis_name(words: list[str]) -> bool:
    return any(noun_lemma(w).lower().endswith("kreis") for w in words)


@lru_cache(maxsize=100_000)
def org_base_form(text: str) -> str:
    """Base form of an organisation (or Kreis) name: nominative, no article."""
    text = normalise_surface(text)
    words = text.split()
    while words and words[0].lower() in ARTICLES:
        words = words[1:]
    if not words:
        return text
    # split off genitive attachments: X des Y, X der Stadt Z
    parts: list[tuple[str | None, list[str]]] = [(None, [])]
    for word in words:
        if word.lower() in ("des", "der") and parts[-1][1]:
            parts.append((word, []))
        else:
            parts[-1][1].append(word)
    result: list[str] = []
    for joiner, part in parts:
        if not part:
            continue
        if joiner is None:
            result += _nominative_phrase(part) if _capitalised_phrase(part) else part
        elif joiner == "des" and _is_kreis_name(part):
            # Kommunales Integrationszentrum des Kreises Olpe → … Kreis Olpe (the official style)
            result += _nominative_phrase(part)
        else:
            result += [joiner] + part
    return " ".join(result)


def _capitalised_phrase(words: list[str]) -> bool:
    # only the leading run of capitalised words is inflected (not "Bundesamt für Migration …")
    return all(w[:1].isupper() for w in words[: min(len(words), 3)])


@lru_cache(maxsize=100_000)
def person_base_form(text: str, role_words: frozenset[str] = frozenset()) -> str:
    """A person's name without titles, role nouns and mandates: `Landrat Dr. Frank Beckehoff` → `Frank Beckehoff`."""
    words = normalise_surface(text).split()
    while words and (words[0].lower() in PERSON_PREFIXES or _is_role_word(words[0], role_words)):
        words = words[1:]
    while words and (words[-1].lower().rstrip(".,") in PERSON_SUFFIXES or words[-1] in ("(", ")")):
        words = words[:-1]
    if len(words) == 1 and words[0].endswith("s") and len(words[0]) > 4 and not words[0].endswith(("ss", "z")):
        # a genitive surname (Gülers) is resolved against full names later; keep it as written here
        pass
    return " ".join(words).strip(" ,") or normalise_surface(text)


def _is_role_word(word: str, role_words: frozenset[str]) -> bool:
    if not word[:1].isupper():
        return False
    from .roles import is_role_noun

    return is_role_noun(word) or word.lower() in role_words


def _initials(name: str) -> str:
    letters = []
    for word in name.replace("-", " ").split():
        if word[:1].isupper():
            letters.append(word[0])
            # a compound noun contributes the heads of its parts only via capitals (KI: Kommunales Integrationszentrum)
    return "".join(letters)


_ABBREVIATION = re.compile(r"^[A-ZÄÖÜ][A-ZÄÖÜa-z]{0,2}[A-ZÄÖÜ]+$|^[A-ZÄÖÜ]{2,}$")


def resolve(doc) -> dict[tuple[int, int], str]:
    """Canonical name of every entity of `doc`, keyed by (start_char, end_char); cached on the Doc."""
    from spacy.attrs import ENT_IOB, ENT_TYPE

    # the entities as the tokens' IOB tags and types: cheaper to read than doc.ents, which builds every span
    key = doc.to_array([ENT_IOB, ENT_TYPE]).tobytes()
    cached = doc.user_data.get("presse_identity")
    if cached and cached[0] == key:
        return cached[1]
    names: dict[tuple[int, int], str] = {}
    persons, organisations = [], []
    for ent in doc.ents:
        span_key = (ent.start_char, ent.end_char)
        if ent.label_ == "PER":
            names[span_key] = person_base_form(ent.text)
            persons.append(span_key)
        elif ent.label_ == "LOC" and len(ent) == 1:
            names[span_key] = place_base_form(ent.text)
        elif ent.label_ in ("ORG", "LOC"):
            names[span_key] = org_base_form(ent.text) if _looks_inflectable(ent.text) else normalise_surface(ent.text)
            if ent.label_ == "ORG":
                organisations.append(span_key)
        else:
            names[span_key] = normalise_surface(ent.text)
    _resolve_surnames(names, persons)
    _resolve_organisations(doc, names, organisations)
    doc.user_data["presse_identity"] = (key, names)
    return names


@lru_cache(maxsize=100_000)
def place_base_form(text: str) -> str:
    """A one-word place keeps its name (Westfalen is no plural of Westfale); only a genitive -s
    of a known place goes (Deutschlands, Soests)."""
    from .entity_rules import place_names

    word = normalise_surface(text)
    known = place_names()
    if word.endswith("s") and not any(word in group for group in known.values()):
        bare = word[:-1]
        if any(bare in group for group in known.values()) or bare in _GENITIVE_S_PLACES:
            return bare
    return word


_GENITIVE_S_PLACES = {"Deutschland", "Europa", "Nordrhein-Westfalen", "Westfalen", "Rheinland"}


def _looks_inflectable(text: str) -> bool:
    words = normalise_surface(text).split()
    return len(words) > 1 or (bool(words) and words[0].lower() not in ARTICLES and words[0][:1].isupper() and not words[0].isupper())


def _resolve_surnames(names: dict, persons: list) -> None:
    full = [names[k] for k in persons if len(names[k].split()) >= 2]
    by_surname: dict[str, set[str]] = {}
    for name in full:
        by_surname.setdefault(name.split()[-1], set()).add(name)
    for k in persons:
        name = names[k]
        if len(name.split()) != 1:
            continue
        candidates = by_surname.get(name) or (by_surname.get(name[:-1]) if name.endswith("s") else None)
        if candidates and len(candidates) == 1:
            names[k] = next(iter(candidates))


def _resolve_organisations(doc, names: dict, organisations: list) -> None:
    from .docview import text as doc_text

    text = doc_text(doc)
    # explicit definitions: "Bundesamt für Migration und Flüchtlinge (BAMF)" or "BAMF (Bundesamt …)"
    defined: dict[str, str] = {}
    for k in organisations:
        start, end = k
        after = text[end:end + 12]
        match = re.match(r"\s*\(([A-ZÄÖÜ][A-Za-zÄÖÜäöü]{1,9})\)", after)
        if match and _ABBREVIATION.match(match.group(1)):
            defined[match.group(1)] = names[k]
        match = re.match(r"\s*\(([^()]{6,80})\)", text[end:end + 90])
        if match and _ABBREVIATION.match(names[k]):
            defined[names[k]] = org_base_form(match.group(1))
    longer = sorted({names[k] for k in organisations}, key=len, reverse=True)

    def extended(name: str) -> str:
        """A short form whose one longer variant is in the same text stands for it."""
        if len(name.split()) < 2:
            return name
        variants = {n for n in longer if n != name and n.startswith(name + " ")}
        return variants.pop() if len(variants) == 1 else name

    defined = {short: extended(long) for short, long in defined.items()}
    for k in organisations:
        name = names[k]
        if name in defined:
            names[k] = defined[name]
            continue
        if _ABBREVIATION.match(name):
            matches = [n for n in longer if n != name and _initials(n).startswith(name) and len(n.split()) >= len(name)]
            if matches:
                names[k] = matches[0]
            continue
        names[k] = extended(name)


def canonical_of(doc, span) -> str:
    """The canonical name of one entity span (or a base form for a span that is no entity)."""
    names = resolve(doc)
    found = names.get((span.start_char, span.end_char))
    if found:
        return found
    return person_base_form(span.text) if span.label_ == "PER" else org_base_form(span.text)
