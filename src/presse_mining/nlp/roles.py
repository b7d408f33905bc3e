"""Roles: person ↔ role ↔ organisation, as press texts write them.

    Landrat Frank Beckehoff                      role before the name
    Leiterin des Regionalen Bildungsnetzwerkes Susanne Spornhauer
    Antje Dinstühler, Leiterin des Kommunalen Integrationszentrums des Rhein-Sieg-Kreises
    WDR-Journalistin Canan Büyrü                 organisation in the compound
    Jochen Ritter MdL                            mandate after the name
    Galina Nedelcheva vom Integrationsteam       affiliation
    Sedat Cakir, der als Integrationsbeauftragter im Kreis Groß Gerau …

Role nouns come from data/role_nouns.tsv (scripts/build_role_nouns.py); feminine and
plural forms and compounds ending in a role noun (Integrationsstaatssekretärin,
Kreissozialdezernent) are derived here. Titles (Dr., Prof.) are kept apart from names.

A name written after a role noun is a person even where the NER missed it: such
spans are added to doc.ents (where they overlap no entity), so the later stages
see them. doc._.roles = [{"person", "role", "organisation", "start", "end"}].
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from . import docview, identity

if not Doc.has_extension("roles"):
    Doc.set_extension("roles", default=None)

TITLES = {"Dr.", "Prof.", "Dr", "Prof", "Dipl.-Ing.", "Dipl.", "Ing.", "med.", "Mag."}
ADDRESS = {"Herr", "Herrn", "Frau"}
MANDATES = {"MdL": "MdL", "MdB": "MdB", "MdEP": "MdEP"}
NAME_PARTICLES = {"von", "van", "de", "der", "zu", "el", "al", "ter", "den", "da", "di"}
# Role nouns too short or too ambiguous to be recognised at the end of a compound.
_NO_COMPOUND = {"leitung", "vorstand", "chef", "vize", "rat", "stadtrat", "lotse", "vertreter", "manager",
                "arzt", "dekan", "trainer", "lehrer", "richter", "gründer", "sprecher"}
_ADJECTIVAL = ("beauftragter", "vorsitzender", "abgeordneter", "beigeordneter", "angestellter")
_AFFILIATION = {"vom", "von", "beim", "bei", "der", "des", "im"}


@lru_cache(maxsize=1)
def role_forms() -> tuple[frozenset[str], frozenset[str]]:
    """(whole-word forms, forms also recognised at the end of a compound), lower case."""
    words, compound = set(), set()
    with resources.files("presse_mining").joinpath("data/role_nouns.tsv").open(encoding="utf-8") as handle:
        bases = [row["role"] for row in csv.DictReader(handle, delimiter="\t")]
    for base in bases:
        forms = _inflections(base.lower())
        words |= forms
        if base.lower() not in _NO_COMPOUND:
            compound |= {f for f in forms if len(f) >= 6}
    return frozenset(words), frozenset(compound)


def _inflections(base: str) -> set[str]:
    forms = {base, base + "s", base + "n", base + "en", base + "e"}
    if base.endswith(_ADJECTIVAL):
        stem = base[:-1]  # Beauftragte(r)
        forms |= {stem, stem + "n", stem + "r"}
        return forms
    if base.endswith("in"):
        forms |= {base + "nen"}
    stem = base[:-1] if base.endswith("e") else base
    feminine = {stem + "in", stem + "innen"}
    if re.search(r"a[^aeiouäöü]+$", stem):  # Landrat → Landrätin, Arzt → Ärztin
        umlaut = re.sub(r"a([^aeiouäöü]+)$", r"ä\1", stem)
        feminine |= {umlaut + "in", umlaut + "innen", umlaut + "e"}
    return forms | feminine


@lru_cache(maxsize=100_000)
def is_role_noun(word: str) -> bool:
    lower = word.lower().strip(".,;:")
    whole, compound = role_forms()
    if lower in whole:
        return True
    if "-" in lower:
        return is_role_noun(lower.rsplit("-", 1)[1])
    # a compound: some ending of the word, after at least 3 letters, is a role form
    return any(lower[k:] in compound for k in range(3, len(lower)))


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    with resources.files("presse_mining").joinpath("data/first_names.tsv").open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return frozenset(row["name"] for row in csv.DictReader(lines, delimiter="\t"))


@lru_cache(maxsize=1)
def _common_nouns():
    return identity._lemma_table()


def _name_like(token) -> bool:
    text = token.text
    return (
        len(text) > 1 and text[:1].isupper() and not text.isupper()
        and re.fullmatch(r"[A-ZÄÖÜ][\wÄÖÜäöüßéèáàçğışñ'’-]*", text) is not None
        and not is_role_noun(text) and text not in TITLES and text not in ADDRESS and text.rstrip(".") not in MANDATES
    )


def _name_after(doc: Doc, i: int, surnames: set[str]) -> tuple[int, int] | None:
    """Token range of a person's name starting at i (titles skipped), or None."""
    while i < len(doc) and (doc[i].text in TITLES or doc[i].text in ADDRESS):
        i += 1
    start = i
    while i < len(doc) and i - start < 4:
        token = doc[i]
        if _name_like(token):
            i += 1
        elif token.text in NAME_PARTICLES and i > start and i + 1 < len(doc) and _name_like(doc[i + 1]):
            i += 1
        else:
            break
    if i == start:
        return None
    words = [t.text for t in doc[start:i]]
    if words[0] in first_names() or words[0].split("-")[0] in first_names():
        return start, i
    if len(words) == 1:
        table = _common_nouns()
        word = words[0]
        common = bool(table) and (word in table or word.lower() in table)
        if word in surnames or (not common and not _is_place_word(word)):
            return start, i
        return None
    if len(words) >= 2 and not any(table_has(w) for w in words[-1:]):
        return start, i
    return None


def table_has(word: str) -> bool:
    table = _common_nouns()
    return bool(table) and word in table


def _is_place_word(word: str) -> bool:
    from .events import municipality_names

    return word in municipality_names()


def _org_phrase(doc: Doc, i: int, stop_at_name: bool) -> tuple[int, int] | None:
    """`des Kommunalen Integrationszentrums des Rhein-Sieg-Kreises` from token i (the article)."""
    if i >= len(doc) or doc[i].lower_ not in _AFFILIATION:
        return None
    start = i + 1
    if doc[i].lower_ in ("bei", "von") and start < len(doc) and doc[start].lower_ in ("der", "dem", "den"):
        start += 1
    ent_end = _entity_end(doc, start, ("ORG", "LOC"))
    j = ent_end or start
    while j < len(doc):
        token = doc[j]
        if stop_at_name and _name_after(doc, j, set()) and doc[j].text in first_names():
            break
        if token.text[:1].isupper() and token.is_alpha or "-" in token.text and token.text[:1].isupper():
            j += 1
        elif token.lower_ in ("des", "der") and j + 1 < len(doc) and doc[j + 1].text[:1].isupper():
            j += 1
        elif token.lower_ in ("für", "und") and j > start and j + 1 < len(doc) and doc[j + 1].text[:1].isupper() \
                and not (stop_at_name and doc[j + 1].text in first_names()):
            j += 1
        else:
            break
    while j > start and doc[j - 1].lower_ in ("des", "der", "für", "und"):
        j -= 1
    return (start, j) if j > start else None


def _entity_end(doc: Doc, i: int, labels) -> int | None:
    for ent in doc.ents:
        if ent.start == i and ent.label_ in labels:
            return ent.end
    return None


def find_roles(doc: Doc) -> tuple[list[dict], list[Span]]:
    """(roles, person spans found by the role patterns)."""
    persons: list[Span] = []
    found: list[tuple[tuple[int, int], str, tuple[int, int] | None, str | None, tuple[int, int]]] = []
    per_ents = [e for e in doc.ents if e.label_ == "PER"]
    surnames = {e.text.split()[-1] for e in per_ents if len(e.text.split()) >= 2}

    def person_span(start: int, end: int) -> tuple[int, int]:
        for ent in per_ents:
            if ent.start <= start < ent.end or start <= ent.start < end:
                return ent.start, ent.end
        persons.append(Span(doc, start, end, label="PER"))
        return start, end

    for i in docview.positions(doc, _capitalised_role_noun):
        word = doc[i].text
        organisation_text = None
        role = word
        if "-" in word:
            prefix, rest = word.rsplit("-", 1)
            if prefix.isupper() and len(prefix) >= 2 and is_role_noun(rest):
                organisation_text, role = prefix, rest  # WDR-Journalistin
        # ROLE [des ORG] NAME
        org = _org_phrase(doc, i + 1, stop_at_name=True) if organisation_text is None else None
        after = org[1] if org else i + 1
        name = _name_after(doc, after, surnames)
        if name and (org is None or doc[org[0] - 1].lower_ in ("des", "der")):
            if org:
                organisation_text = doc[org[0]:org[1]].text
                role_text = role
            else:
                role_text = role
            found.append((person_span(*name), role_text, org, organisation_text, (i, name[1])))
            continue
        # ROLE Soziales, Senioren und Integration, NAME   (a role with its remit)
        listed = _remit_then_name(doc, i, surnames)
        if listed:
            remit_end, name = listed
            found.append((person_span(*name), doc[i:remit_end].text, None, None, (i, name[1])))
            continue
        # NAME, ROLE [des ORG]   (apposition)
        if i >= 2 and doc[i - 1].text == ",":
            person = _person_before(doc, i - 1, per_ents, surnames)
            if person:
                org = _org_phrase(doc, i + 1, stop_at_name=False)
                organisation_text = organisation_text or (doc[org[0]:org[1]].text if org else None)
                found.append((person_span(*person), role, org, organisation_text, (person[0], org[1] if org else i + 1)))
                continue
        # NAME, der/die als ROLE [im ORG]
        if i >= 4 and doc[i - 1].lower_ == "als" and doc[i - 2].lower_ in ("der", "die") and doc[i - 3].text == ",":
            person = _person_before(doc, i - 3, per_ents, surnames)
            if person:
                org = _org_phrase(doc, i + 1, stop_at_name=False)
                organisation_text = doc[org[0]:org[1]].text if org else None
                found.append((person_span(*person), role, org, organisation_text, (person[0], i + 1)))
    # NAME MdL; NAME vom ORG
    for j in docview.positions(doc, _mandate_or_von):
        token = doc[j]
        mandate = MANDATES.get(token.text.rstrip("."))
        if mandate and j > 0:
            person = _person_before(doc, j, per_ents, surnames)
            if person:
                found.append((person_span(*person), mandate, None, None, (person[0], j + 1)))
        elif token.lower_ in ("vom", "von") and j > 0 and j + 1 < len(doc):
            person = _person_before(doc, j, per_ents, surnames, need_first_name=True)
            org = _org_phrase(doc, j, stop_at_name=False) if person else None
            if person and org and _org_like(doc[org[0]:org[1]]):
                found.append((person_span(*person), "Vertreter/in", org, doc[org[0]:org[1]].text, (person[0], org[1])))
    return _as_dicts(doc, found, persons), persons


@lru_cache(maxsize=100_000)
def _capitalised_role_noun(word: str) -> bool:
    return word[:1].isupper() and is_role_noun(word)


@lru_cache(maxsize=100_000)
def _mandate_or_von(word: str) -> bool:
    return word.rstrip(".") in MANDATES or word.lower() in ("vom", "von")


def _remit_then_name(doc: Doc, i: int, surnames) -> tuple[int, tuple[int, int]] | None:
    j = i + 1
    while j < len(doc) and j - i <= 10 and (doc[j].text[:1].isupper() or doc[j].text in (",", "und", "&")):
        if doc[j].text == "," and j > i + 1 and j + 1 < len(doc) and doc[j + 1].text in first_names():
            name = _name_after(doc, j + 1, surnames)
            if name and name[1] - name[0] >= 2:
                return j, name
        j += 1
    return None


def role_base(word: str) -> str:
    """Nominative singular of a role noun: des Bürgermeisters → Bürgermeister."""
    for cut in ("es", "s", "n"):
        if word.endswith(cut) and len(word) > len(cut) + 3 and is_role_noun(word[: -len(cut)]) \
                and not word.endswith("innen"):
            if cut == "n" and not word.endswith(("ten", "ben", "gen", "den")):  # Beauftragten, Vorsitzenden
                continue
            return word[: -len(cut)]
    return word


def _org_like(span: Span) -> bool:
    return any(e.label_ == "ORG" and e.start >= span.start and e.end <= span.end for e in span.doc.ents) or bool(
        re.search(r"(team|stiftung|zentrum|zentren|stelle|verein|verband|amt|büro|netzwerk|agentur|schule|bund|ring|gruppe|"
                  r"rat|werk|dienst|behörde|kreis|stadt|gemeinde|ministerium|institut|caritas|diakonie|awo|drk)\w*$",
                  span.text, re.IGNORECASE))


def _person_before(doc: Doc, end: int, per_ents, surnames, need_first_name: bool = False) -> tuple[int, int] | None:
    for ent in per_ents:
        if ent.end == end:
            return ent.start, ent.end
    # first name + surname(s) ending right before `end`
    for length in (3, 2):
        start = end - length
        if start < 0:
            continue
        span = _name_after(doc, start, surnames)
        if span == (start, end) and doc[start].text in first_names():
            return span
    return None


def _as_dicts(doc: Doc, found, persons) -> list[dict]:
    roles, seen = [], set()
    for (p_start, p_end), role, org, organisation_text, (start, end) in found:
        person_text = doc[p_start:p_end].text
        key = (p_start, role)
        if key in seen:
            continue
        seen.add(key)
        roles.append({
            "person_span": (doc[p_start:p_end].start_char, doc[p_start:p_end].end_char),
            "person_text": person_text,
            "role": role_base(role) if " " not in role else role,
            "organisation": identity.org_base_form(organisation_text) if organisation_text else None,
            "start": doc[start].idx,
            "end": doc[end - 1].idx + len(doc[end - 1].text),
        })
    return roles


@Language.factory("presse_roles", default_config={"add_persons": True})
def make_roles(nlp: Language, name: str, add_persons: bool):
    return RoleFinder(add_persons)


class RoleFinder:
    def __init__(self, add_persons: bool = True):
        self.add_persons = add_persons

    def __call__(self, doc: Doc) -> Doc:
        roles, persons = find_roles(doc)
        if self.add_persons and persons:
            taken = {i for e in doc.ents for i in range(e.start, e.end)}
            new = [p for p in filter_spans(persons) if not any(i in taken for i in range(p.start, p.end))]
            doc.ents = list(doc.ents) + new
        names = identity.resolve(doc)
        for role in roles:
            span = role.pop("person_span")
            text = role.pop("person_text")
            role["person"] = names.get(span) or identity.person_base_form(text)
        unique, seen = [], set()
        for role in roles:
            key = (role["person"], role["role"], role["organisation"])
            if role["person"] and key not in seen:
                seen.add(key)
                unique.append(role)
        doc._.roles = unique
        return doc
