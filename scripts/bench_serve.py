"""Benchmark `presse-mining serve`: Datasette pages and canned queries on a large store.

    .venv/bin/python scripts/bench_serve.py --articles 100000 --db /tmp/bench_serve.db
    .venv/bin/python scripts/bench_serve.py --db /tmp/bench_serve.db --reuse   # time again only

Generates a synthetic but realistic store through the Store API: article texts
recombine sentences of the seed texts in corpus/; persons, organisations, events
(in NRW municipalities), participants, roles and Handlungsfelder are filled in
proportions like the seeds (about 1.5 events per article, 2-8 participants per
event, a few very connected actors as in real networks). Then it times each page
and canned query through Datasette's own client (warm-up, then --repeat runs),
prints median and max, and marks what misses the 500 ms target.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from presse_mining.articles import Article  # noqa: E402
from presse_mining.store import Store  # noqa: E402
from presse_mining.store.browse import read_places, read_taxonomy  # noqa: E402

FIRST = ("Anna Ahmet Birgit Can Claudia Dieter Elif Emre Frank Fatma Gabriele Hans Heike Ibrahim Jana Jochen Karin "
         "Klaus Leyla Lukas Maria Mehmet Monika Nina Olga Peter Petra Rainer Sabine Serap Stefan Susanne Thomas "
         "Ursula Volker Yasemin Zeynep Andreas Christiane Dirk Esra Hermann Ingrid Jens Kerstin Markus").split()
LAST = ("Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf "
        "Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Krause Meier "
        "Lehmann Yilmaz Kaya Demir Şahin Çelik Öztürk Arslan Doğan Kılıç Aydın Beckehoff Güler Spornhauer Hesse "
        "Schuster Bainski Uhlmann Greitens Allroggen Dinstühler").split()
ORG_TYPES = ("Kommunales Integrationszentrum {k}", "Kreissportbund {k}", "Caritasverband {k}", "AWO {k}",
             "Diakonie {k}", "Jobcenter {k}", "Volkshochschule {g}", "Stadt {g}", "Integrationsrat {g}",
             "Ausländerbehörde {k}", "Regionales Bildungsbüro {k}", "Moscheeverein {g}", "Flüchtlingshilfe {g}")
ROLES = ("Landrat", "Bürgermeisterin", "Bürgermeister", "Leiterin", "Leiter", "Integrationsbeauftragte",
         "Vorsitzender", "Vorsitzende", "Staatssekretärin", "Dezernent", "Sozialarbeiterin", "Referent")
EVENT_TYPES = ("Netzwerktreffen", "Workshop", "Besuch", "Seminar", "Fachtag", "Sitzung", "Auftaktveranstaltung",
               "Informationsabend", "Fest", "Konferenz")


def sentences_of_seeds() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt")))
    parts = re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", text))
    return [s for s in parts if len(s) > 30]


def skewed_pick(rng: random.Random, items: list, power: float = 2.0):
    # index = n * u^power: the first items are picked far more often (hubs), a long tail follows
    return items[int(len(items) * rng.random() ** power)]


def generate(db_path: Path, articles: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    sentences = sentences_of_seeds()
    places = [p for p in read_places() if p["level"] == "gemeinde" and p["land"] == "Nordrhein-Westfalen"]
    fields = [f["id"] for f in read_taxonomy()]
    persons = [f"{f} {l}" for f in FIRST for l in LAST]
    rng.shuffle(persons)
    kreise = sorted({p["kreis"] for p in places})
    organisations = sorted({t.format(k=rng.choice(kreise), g=rng.choice(places)["name"]) for t in ORG_TYPES for _ in range(120)})
    rng.shuffle(organisations)
    started = time.perf_counter()
    with Store(db_path) as store:
        store.conn.execute("PRAGMA synchronous = OFF")  # a throw-away file: speed over durability
        for n in range(articles):
            year = rng.randint(2010, 2024)
            published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            body = " ".join(rng.choice(sentences) for _ in range(rng.randint(6, 16)))
            who = [skewed_pick(rng, persons) for _ in range(rng.randint(2, 6))]
            orgs = [skewed_pick(rng, organisations) for _ in range(rng.randint(1, 3))]
            body = f"{who[0]} und {orgs[0]} luden ein. " + body
            article = Article(text=body, title=" ".join(body.split()[:9]), url=f"https://example.org/bench/{n}",
                              published=published, source="bench")
            article_id, _ = store.save_article(article)
            events = []
            for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3))):
                place = skewed_pick(rng, places, 1.5)
                month = rng.randint(1, 12)
                events.append({
                    "type": rng.choice(EVENT_TYPES), "title": rng.choice(sentences)[:60],
                    "date": rng.choice((f"{year}-{month:02d}-{rng.randint(1, 28):02d}", f"{year}-{month:02d}", None)),
                    "place": place["name"], "place_ags": place["ags"],
                    "organisers": orgs[:1], "persons": who[: rng.randint(1, len(who))], "organisations": orgs[1:],
                })
            result = {
                "published": published,
                "entities": [{"text": name, "label": label, "start": 0, "end": len(name), "canonical": name}
                             for label, names in (("PER", who), ("ORG", orgs)) for name in names],
                "dates": [{"text": published, "value": published, "start": 0, "end": 10}],
                "roles": [{"person": p, "role": rng.choice(ROLES), "organisation": rng.choice(orgs)}
                          for p in who[: rng.randint(0, 2)]],
                "events": events,
                "fields": [{"label": f, "score": round(rng.uniform(0.4, 1.0), 2)} for f in rng.sample(fields, rng.randint(1, 3))],
            }
            store.save_analysis(article_id, result)
            if (n + 1) % 10000 == 0:
                print(f"  {n + 1} articles, {time.perf_counter() - started:.0f} s", flush=True)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


PAGES = [
    "/presse",
    "/presse/articles",
    "/presse/articles?_search=Kreissportbund",
    "/presse/articles?_search=Integrationszentren+Netzwerk",
    "/presse/articles/4242",
    "/presse/entities?label=PER",
    "/presse/entities/3",
    "/presse/events",
    "/presse/roles",
    "/presse/event_participants",
    "/presse/article_fields",
    "/presse/event_overview",
    "/presse/event_overview?kreis=Soest",
    "/presse/event_overview?_sort_desc=date",
    "/presse/event_map",
    "/presse/event_map.json?_size=max",
    "/presse/places",
]
QUERIES = [
    ("wer_traf_wen", {"name": "Serap Güler"}),
    ("wer_traf_wen", {"name": "Güler"}),
    ("veranstaltungen_nach_ort", {"ort": "Soest", "von": "2015", "bis": "2016"}),
    ("veranstaltungen_nach_ort", {"ort": "", "von": "", "bis": ""}),
    ("personen_und_rollen", {"name": "Beckehoff"}),
    ("personen_und_rollen", {"name": ""}),
    ("netzwerk_einer_organisation", {"organisation": "Kreissportbund"}),
    ("handlungsfelder_nach_kreis_und_jahr", {"kreis": "Olpe"}),
    ("handlungsfelder_nach_kreis_und_jahr", {"kreis": ""}),
]


async def time_paths(db_path: Path, repeat: int) -> list[tuple[str, int, float, float]]:
    from presse_mining.serve.app import build_datasette

    datasette = build_datasette(db_path)
    await datasette.invoke_startup()
    paths = PAGES + [f"/presse/{q}?" + "&".join(f"{k}={quote(v)}" for k, v in params.items()) for q, params in QUERIES]
    results = []
    for path in paths:
        first = await datasette.client.get(path)  # warm-up: caches, schema, counts
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = await datasette.client.get(path)
            runs.append((time.perf_counter() - start) * 1000)
        results.append((path, response.status_code or first.status_code, statistics.median(runs), max(runs)))
        print(f"{statistics.median(runs):8.1f} {max(runs):8.1f}  {response.status_code}  {path}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/bench_serve.db", type=Path)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="Time an existing database; do not generate.")
    args = parser.parse_args()
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.db) + suffix).unlink(missing_ok=True)
        started = time.perf_counter()
        print(f"generating {args.articles} articles into {args.db} …", flush=True)
        generate(args.db, args.articles)
        print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    with Store(args.db, create=False) as store:
        print("store:", ", ".join(f"{n} {t}" for t, n in store.counts().items()))
    print(f"{'median':>8} {'max':>8}  (ms, {args.repeat} runs after a warm-up)")
    results = asyncio.run(time_paths(args.db, args.repeat))
    slow = [r for r in results if r[2] >= 500 or r[1] != 200]
    print(f"{len(results) - len(slow)} of {len(results)} under 500 ms (median) with status 200")
    for path, status, median, worst in slow:
        print(f"SLOW or FAILED: {path} status {status} median {median:.0f} ms max {worst:.0f} ms")


if __name__ == "__main__":
    main()
