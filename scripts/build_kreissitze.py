"""Build src/presse_mining/data/kreissitze.tsv: the seat (Kreisstadt) of every Kreis.

The seats are those of the German Wikipedia lists of Kreisstädte ("Liste der
Landkreise in Deutschland", "Liste der Kreisstädte in Deutschland"; CC BY-SA 4.0),
written here by name. A Kreis whose seat has the Kreis's own name and lies in it
(Kreis Olpe → Olpe) needs no entry. Each name is looked up in places.tsv so that
the keys are the register's own: in the Kreis first, then among the kreisfreie
Städte of the same Land (Landkreis Kassel is seated in the city of Kassel), then
by name prefix ("Limburg" → "Limburg a.d. Lahn"). A name that cannot be found, or
is found more than once, stops the build. kreisfreie Städte are their own seat.

    python scripts/build_kreissitze.py
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLACES = ROOT / "src" / "presse_mining" / "data" / "places.tsv"
OUT = ROOT / "src" / "presse_mining" / "data" / "kreissitze.tsv"

# kreis_ags → seat, where the seat does not simply bear the Kreis's name.
SEATS = {
    "01051": "Heide", "01053": "Ratzeburg", "01054": "Husum", "01055": "Eutin", "01058": "Rendsburg",
    "01059": "Schleswig", "01060": "Bad Segeberg", "01061": "Itzehoe", "01062": "Bad Oldesloe",
    "03241": "Hannover", "03252": "Hameln", "03257": "Stadthagen", "03353": "Winsen (Luhe)",
    "03354": "Lüchow (Wendland)", "03356": "Osterholz-Scharmbeck", "03358": "Bad Fallingbostel",
    "03361": "Verden (Aller)", "03451": "Westerstede", "03454": "Meppen", "03455": "Jever", "03456": "Nordhorn",
    "03457": "Leer (Ostfriesland)", "03458": "Wildeshausen", "03459": "Osnabrück", "03461": "Brake (Unterweser)",
    "05162": "Neuss", "05334": "Aachen", "05362": "Bergheim", "05374": "Gummersbach",
    "05378": "Bergisch Gladbach", "05382": "Siegburg", "05766": "Detmold", "05770": "Minden",
    "05954": "Schwelm", "05958": "Meschede", "05962": "Lüdenscheid", "05970": "Siegen",
    "06431": "Heppenheim (Bergstraße)", "06432": "Darmstadt", "06434": "Bad Homburg v. d. Höhe",
    "06435": "Gelnhausen", "06436": "Hofheim am Taunus", "06437": "Erbach", "06438": "Dietzenbach",
    "06439": "Bad Schwalbach", "06440": "Friedberg (Hessen)", "06532": "Wetzlar", "06533": "Limburg a.d. Lahn",
    "06534": "Marburg", "06535": "Lauterbach (Hessen)", "06632": "Bad Hersfeld", "06633": "Kassel",
    "06634": "Homberg (Efze)", "06635": "Korbach", "06636": "Eschwege",
    "07131": "Bad Neuenahr-Ahrweiler", "07135": "Cochem", "07137": "Koblenz", "07140": "Simmern/ Hunsrück",
    "07141": "Bad Ems", "07143": "Montabaur", "07231": "Wittlich", "07232": "Bitburg", "07233": "Daun",
    "07235": "Trier", "07331": "Alzey", "07333": "Kirchheimbolanden", "07335": "Kaiserslautern",
    "07337": "Landau in der Pfalz", "07338": "Ludwigshafen am Rhein", "07339": "Ingelheim am Rhein",
    "07340": "Pirmasens",
    "08116": "Esslingen am Neckar", "08119": "Waiblingen", "08125": "Heilbronn", "08126": "Künzelsau",
    "08128": "Tauberbischofsheim", "08135": "Heidenheim an der Brenz", "08136": "Aalen", "08215": "Karlsruhe",
    "08225": "Mosbach", "08226": "Heidelberg", "08236": "Pforzheim", "08315": "Freiburg im Breisgau",
    "08317": "Offenburg", "08326": "Villingen-Schwenningen", "08337": "Waldshut-Tiengen", "08417": "Balingen",
    "08425": "Ulm", "08426": "Biberach an der Riß", "08435": "Friedrichshafen",
    "09172": "Bad Reichenhall", "09173": "Bad Tölz", "09184": "München", "09185": "Neuburg a.d.Donau",
    "09187": "Rosenheim", "09190": "Weilheim i.OB", "09272": "Freyung", "09274": "Landshut", "09275": "Passau",
    "09277": "Pfarrkirchen", "09278": "Straubing", "09279": "Dingolfing", "09371": "Amberg",
    "09375": "Regensburg", "09471": "Bamberg", "09472": "Bayreuth", "09473": "Coburg", "09475": "Hof",
    "09479": "Wunsiedel", "09571": "Ansbach", "09572": "Erlangen", "09573": "Zirndorf",
    "09574": "Lauf a.d.Pegnitz", "09575": "Neustadt a.d.Aisch", "09577": "Weißenburg i.Bay.",
    "09671": "Aschaffenburg", "09673": "Bad Neustadt a.d.Saale", "09674": "Haßfurt", "09677": "Karlstadt",
    "09678": "Schweinfurt", "09679": "Würzburg", "09771": "Aichach", "09772": "Augsburg",
    "09777": "Marktoberdorf", "09778": "Mindelheim", "09779": "Donauwörth", "09780": "Sonthofen",
    "10041": "Saarbrücken", "10042": "Merzig", "10045": "Homburg",
    "12060": "Eberswalde", "12061": "Lübben (Spreewald)", "12062": "Herzberg (Elster)", "12063": "Rathenow",
    "12064": "Seelow", "12065": "Oranienburg", "12066": "Senftenberg", "12067": "Beeskow",
    "12068": "Neuruppin", "12069": "Bad Belzig", "12070": "Perleberg", "12071": "Forst (Lausitz)",
    "12072": "Luckenwalde", "12073": "Prenzlau",
    "13071": "Neubrandenburg", "13072": "Güstrow", "13073": "Stralsund", "13074": "Wismar",
    "13075": "Greifswald", "13076": "Parchim",
    "14521": "Annaberg-Buchholz", "14522": "Freiberg", "14523": "Plauen", "14625": "Bautzen", "14628": "Pirna",
    "14729": "Borna", "14730": "Torgau",
    "15081": "Salzwedel", "15082": "Köthen (Anhalt)", "15083": "Haldensleben", "15084": "Naumburg (Saale)",
    "15085": "Halberstadt", "15086": "Burg", "15087": "Sangerhausen", "15088": "Merseburg",
    "15089": "Bernburg (Saale)",
    "16061": "Heilbad Heiligenstadt", "16063": "Bad Salzungen", "16064": "Mühlhausen/Thüringen",
    "16065": "Sondershausen", "16066": "Meiningen", "16070": "Arnstadt", "16071": "Apolda",
    "16073": "Saalfeld/Saale", "16074": "Eisenberg", "16075": "Schleiz", "16077": "Altenburg",
}
KREISFREI = ("kreisfreie Stadt", "Stadtkreis")


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def find_seat(kreis: dict, seat: str, gemeinden: list[dict], kreisfrei: set[str]) -> dict:
    in_kreis = [g for g in gemeinden if g["kreis_ags"] == kreis["ags"]]
    same_land_kreisfrei = [g for g in gemeinden if g["kreis_ags"] in kreisfrei and g["land"] == kreis["land"]]
    for pool in (in_kreis, same_land_kreisfrei):
        exact = [g for g in pool if seat in (g["name"], g["official_name"])]
        if len(exact) == 1:
            return exact[0]
    for pool in (in_kreis, same_land_kreisfrei):
        prefix = [g for g in pool if g["name"].startswith(seat) and g["name"][len(seat):][:1] in (" ", "(", ",", "/")]
        if len(prefix) == 1:
            return prefix[0]
    raise SystemExit(f"Error: seat {seat!r} of Kreis {kreis['ags']} {kreis['name']} not found once in {PLACES}")


def build(rows: list[dict]) -> list[tuple[str, str, str, str]]:
    # gemeindefreie Gebiete (forests, lakes) share names with towns but are no seats
    gemeinden = [r for r in rows if r["level"] == "gemeinde" and "gem" not in r["kind"].lower().replace("gemeinde", "")]
    kreise = [r for r in rows if r["level"] == "kreis"]
    kreisfrei = {k["ags"] for k in kreise if k["kind"] in KREISFREI}
    out = []
    for kreis in kreise:
        if kreis["ags"] in kreisfrei:
            # a kreisfreie Stadt is its own seat; its one Gemeinde row carries the coordinates
            own = [g for g in gemeinden if g["kreis_ags"] == kreis["ags"]]
            seat = own[0] if len(own) == 1 else find_seat(kreis, kreis["name"], gemeinden, kreisfrei)
        else:
            seat = find_seat(kreis, SEATS.get(kreis["ags"], kreis["name"]), gemeinden, kreisfrei)
        out.append((kreis["ags"], kreis["name"], seat["ags"], seat["name"]))
    return out


def main() -> None:
    seats = build(load(PLACES))
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        handle.write("# Seats (Kreisstädte) of the German Kreise; seat names from the German Wikipedia lists of\n"
                     "# Landkreise and Kreisstädte (CC BY-SA 4.0), keys from places.tsv (Destatis, dl-de/by-2-0).\n"
                     "# Built by scripts/build_kreissitze.py.\n")
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["kreis_ags", "kreis", "seat_ags", "seat"])
        writer.writerows(seats)
    print(f"wrote {OUT} ({len(seats)} Kreise)", file=sys.stderr)


if __name__ == "__main__":
    main()
