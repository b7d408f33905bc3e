"""Build src/presse_mining/data/role_nouns.tsv: the role-noun lexicon of nlp/roles.py.

Two sources: (1) a curated list of role heads common in German municipal press
(Landrat, Bürgermeister, Leiter, Dezernent, Beauftragter …), and (2) nouns that
stand directly before a person's name (NOUN + first name + surname) in the UD
German GSD and PUD treebanks (CC BY-SA), first names from the names gazetteer.
Only masculine/base forms are stored; nlp/roles.py derives …in/…innen/…e forms
and accepts compounds ending in a listed noun (Kreissozialdezernent).

    python scripts/build_role_nouns.py [/work/shared/data]
"""
from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

CURATED = """
Landrat Bürgermeister Oberbürgermeister Beigeordneter Kämmerer Stadtdirektor Kreisdirektor Dezernent
Leiter Leitung Fachdienstleitung Fachbereichsleiter Amtsleiter Abteilungsleiter Teamleiter Schulleiter Projektleiter
Geschäftsführer Vorsitzender Vorstand Vorstandsvorsitzender Sprecher Pressesprecher Präsident Vizepräsident
Direktor Rektor Konrektor Staatssekretär Minister Ministerin Ministerpräsident Abgeordneter Landtagsabgeordneter
Bundestagsabgeordneter Ratsmitglied Ratsherr Stadtrat Kreistagsmitglied Fraktionsvorsitzender Beauftragter
Integrationsbeauftragter Koordinator Referent Moderator Journalist Redakteur Mitarbeiter Sozialarbeiter
Sozialpädagoge Berater Lehrer Pfarrer Pastor Imam Trainer Übungsleiter Dolmetscher Sprachmittler Lotse
Integrationslotse Ehrenamtler Schirmherr Gründer Initiator Organisator Veranstalter Vertreter Botschafter
Generalkonsul Konsul Polizeipräsident Richter Anwalt Rechtsanwalt Arzt Professor Wissenschaftler
Politiker Kanzler Bundeskanzler Bundespräsident Bezirksvorsteher Bezirksbürgermeister Ortsvorsteher
Superintendent Dekan Kaplan Diakon Kurator Intendant Manager Chef Koordinatorin Fachberater Migrationsberater
Psychologe Therapeut Heimleiter Einrichtungsleiter Kita-Leiter Regionalleiter Bereichsleiter Gruppenleiter
Stellvertreter Vize Landrätin Ehrenamtskoordinator Quartiersmanager Streetworker Erzieher Integrationsmanager
""".split()
# Nouns that precede names in the treebanks but are no roles.
NOT_ROLES = {"Witwe", "Mutter", "Vater", "Freund", "Freundin", "Firma", "Bürger", "Wahlkampfversprechen",
             "Schotte", "Schwiegersohn", "Sohn", "Tochter", "Bruder", "Schwester", "Favoritin", "Imitator",
             "Kollege", "Kandidatin", "Musiker", "König", "Sir", "Reverend", "General", "Offizier"}


def mined(data: Path) -> Counter:
    first = set()
    names = data / "names_gazetteer_de"
    for name in ("first_names_female_faker.tsv", "first_names_male_faker.tsv"):
        with open(names / name, encoding="utf-8") as handle:
            first |= {row["name"] for row in csv.DictReader(handle, delimiter="\t")}
    found: Counter = Counter()
    files = [data / "ud_german_gsd" / "de_gsd-ud-dev.conllu", data / "ud_german_gsd" / "de_gsd-ud-test.conllu",
             data / "ud_german_pud" / "de_pud-ud-test.conllu"]
    for path in files:
        sentence: list[list[str]] = []
        for line in open(path, encoding="utf-8"):
            if line.startswith("#"):
                continue
            if not line.strip():
                for a, b, c in zip(sentence, sentence[1:], sentence[2:]):
                    if a[3] == "NOUN" and b[3] == c[3] == "PROPN" and b[1] in first and a[2][:1].isupper():
                        found[a[2]] += 1
                sentence = []
                continue
            columns = line.split("\t")
            if columns[0].isdigit():
                sentence.append(columns)
    return found


def main() -> None:
    data = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data")
    rows = {word: "curated" for word in CURATED}
    for word, _count in mined(data).most_common():
        if word not in NOT_ROLES and word not in rows:
            rows[word] = "ud_german_gsd_pud"
    out = Path(__file__).resolve().parents[1] / "src" / "presse_mining" / "data" / "role_nouns.tsv"
    with open(out, "w", encoding="utf-8") as handle:
        handle.write("role\tsource\n")
        for word in sorted(rows):
            handle.write(f"{word}\t{rows[word]}\n")
    print(f"{out}: {len(rows)} role nouns")
    write_first_names(data, out.parent / "first_names.tsv")


def write_first_names(data: Path, out: Path, min_total: int = 10) -> None:
    """First names for telling `Landrat Frank Beckehoff` (a name) from `Landrat Kreis …`."""
    names = data / "names_gazetteer_de"
    found: dict[str, str] = {}
    for name in ("first_names_female_faker.tsv", "first_names_male_faker.tsv"):
        with open(names / name, encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                found.setdefault(row["name"], "faker")
    with open(names / "first_names_open_data_cities.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if int(row["total"]) >= min_total and row["vorname"][:1].isupper() and " " not in row["vorname"]:
                found.setdefault(row["vorname"], "open_data_cities")
    with open(out, "w", encoding="utf-8") as handle:
        handle.write("# First names. Sources: joke2k/faker de_* person providers (MIT); first names of newborns from the\n"
                     "# open data of Köln (CC BY 3.0 DE), Berlin/LABO (CC BY 3.0 DE), Leipzig and München (dl-de/by-2.0),\n"
                     "# aggregated in DerTee/prenames-germany; names given at least 10 times.\n")
        handle.write("name\tsource\n")
        for name in sorted(found):
            handle.write(f"{name}\t{found[name]}\n")
    print(f"{out}: {len(found)} first names")


if __name__ == "__main__":
    main()
