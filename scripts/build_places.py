"""Build src/presse_mining/data/places.tsv from the Destatis municipality register.

Source: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV-ISys, extract as of
31.12.2020 (../shared/data/gazetteer_de/AuszugGV4QAktuell.csv), Datenlizenz Deutschland –
Namensnennung 2.0. One row per Land, Regierungsbezirk, Kreis and Gemeinde with AGS key,
plain name, official name, Kreis and Land, coordinates and population.

    python scripts/build_places.py [--register PATH]
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "gazetteer_de" / "AuszugGV4QAktuell.csv"
OUT = ROOT / "src" / "presse_mining" / "data" / "places.tsv"
# textkennzeichen of Kreis-level rows (Destatis): 41 kreisfreie Stadt, 42 Stadtkreis,
# 43 Kreis, 44 Landkreis, 45 Regionalverband
KREIS_KIND = {"41": "kreisfreie Stadt", "42": "Stadtkreis", "43": "Kreis", "44": "Landkreis", "45": "Regionalverband"}
COLUMNS = ["ags", "level", "name", "official_name", "kind", "kreis_ags", "kreis", "land", "lat", "lon", "population", "plz"]


def plain_name(official: str) -> tuple[str, str]:
    """'Flensburg, Stadt' -> ('Flensburg', 'Stadt'); 'Olpe' -> ('Olpe', '')."""
    name, _, kind = official.partition(",")
    return name.strip(), kind.strip()


def number(value: str) -> str:
    value = (value or "").strip().replace(" ", "")
    return value.replace(",", ".")


def build(register: Path) -> list[dict]:
    rows, laender, kreise, regbez = [], {}, {}, {}
    with register.open(encoding="utf-8-sig", newline="") as handle:
        for rec in csv.DictReader(handle):
            level, land = rec["satzart"], rec["land"]
            official = rec["gemeindename"].strip()
            name, kind = plain_name(official)
            if level == "10":
                laender[land] = name
                rows.append(dict(ags=land, level="land", name=name, official_name=official, kind="Land", land=name))
            elif level == "20":
                regbez[land + rec["rb"]] = name
                rows.append(dict(ags=land + rec["rb"], level="regierungsbezirk", name=name, official_name=official,
                                 kind="Regierungsbezirk", land=laender.get(land, "")))
            elif level == "40":
                kreis_ags = land + rec["rb"] + rec["kreis"]
                kreis_kind = KREIS_KIND.get(rec["textkennzeichen"], "Kreis")
                kreise[kreis_ags] = name
                rows.append(dict(ags=kreis_ags, level="kreis", name=name, official_name=official, kind=kreis_kind,
                                 kreis_ags=kreis_ags, kreis=name, land=laender.get(land, "")))
            elif level == "60":
                kreis_ags = land + rec["rb"] + rec["kreis"]
                rows.append(dict(
                    ags=kreis_ags + rec["gemeinde"], level="gemeinde", name=name, official_name=official,
                    kind=kind or "Gemeinde", kreis_ags=kreis_ags, kreis=kreise.get(kreis_ags, ""),
                    land=laender.get(land, ""), lat=number(rec["breitengrad"]), lon=number(rec["laengengrad"]),
                    population=number(rec["bevoelkerung"]), plz=rec["postleitzahl"].strip(),
                ))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--register", type=Path, default=DEFAULT)
    args = parser.parse_args()
    rows = build(args.register)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, delimiter="\t", extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    print(f"wrote {OUT} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
