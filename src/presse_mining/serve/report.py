"""`presse-mining report`: one self-contained HTML page with four charts.

Timeline of events per Kreis, network of the most connected actors, map of
event places, Handlungsfelder over the years. Charts are matplotlib PNGs
embedded as data: URIs, so the file opens offline and loads nothing from the
network. No map tiles exist offline and the places register has no Länder
outlines, so the map draws every German municipality as a faint grey dot (they
sketch the country) under the event places, with labels and a scale bar.
"""
from __future__ import annotations

import base64
import html
import io
import math
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402

from ..errors import InputError  # noqa: E402
from ..query.export import build_network  # noqa: E402
from ..store import Store  # noqa: E402
from ..store import browse  # noqa: E402

TOP_KREISE = 15
TOP_ACTORS = 30
TOP_PLACE_LABELS = 15
COLOURS = {"Person": "#d95f02", "Organisation": "#1b9e77"}

CHARTS = [
    ("timeline", "Zeitleiste: Veranstaltungen je Kreis"),
    ("network", "Netzwerk der am stärksten vernetzten Akteure"),
    ("map", "Karte der Veranstaltungsorte"),
    ("fields", "Handlungsfelder im Lauf der Jahre"),
]


def _month(value: str) -> date | None:
    parts = value.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 7
        return date(year, month, 15)
    except (ValueError, IndexError):
        return None


def _empty(ax, message="Keine Daten") -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=14, color="#777", transform=ax.transAxes)
    ax.set_axis_off()


def timeline_chart(store: Store):
    rows = browse.events_per_kreis_month(store)
    totals = Counter()
    for row in rows:
        totals[row["kreis"]] += row["events"]
    kreise = [k for k, _ in totals.most_common(TOP_KREISE)]
    fig, ax = plt.subplots(figsize=(11, max(3, 0.45 * len(kreise) + 1.5)))
    points = [(r, _month(r["month"])) for r in rows if r["kreis"] in kreise]
    points = [(r, d) for r, d in points if d]
    if not points:
        _empty(ax, "Keine datierten Veranstaltungen")
        return fig
    order = {k: i for i, k in enumerate(reversed(kreise))}
    ax.scatter([d for _, d in points], [order[r["kreis"]] for r, _ in points],
               s=[25 + 20 * r["events"] for r, _ in points], alpha=0.6, color="#386cb0",
               edgecolor="#1f3f6e")
    ax.set_yticks(range(len(kreise)), list(reversed(kreise)))
    ax.set_xlabel("Monat (Punktgröße: Zahl der Veranstaltungen)")
    ax.grid(axis="x", alpha=0.3)
    hidden = len(totals) - len(kreise)
    title = f"Veranstaltungen je Kreis und Monat ({sum(totals.values())} datierte Veranstaltungen"
    ax.set_title(title + (f"; {hidden} weitere Kreise nicht gezeigt)" if hidden > 0 else ")"))
    fig.tight_layout()
    return fig


def network_chart(store: Store):
    graph = build_network(store)
    fig, ax = plt.subplots(figsize=(11, 8))
    if graph.number_of_edges() == 0:
        _empty(ax, "Keine gemeinsamen Veranstaltungen")
        return fig
    strength = dict(graph.degree(weight="weight"))
    top = sorted(strength, key=lambda n: (-strength[n], graph.nodes[n]["label"]))[:TOP_ACTORS]
    sub = graph.subgraph(top)
    layout = nx.spring_layout(sub, seed=7, weight="weight", k=1.2 / math.sqrt(max(len(sub), 1)))
    widths = [0.5 + 1.5 * math.log1p(d["weight"]) for _, _, d in sub.edges(data=True)]
    nx.draw_networkx_edges(sub, layout, ax=ax, width=widths, alpha=0.35, edge_color="#555")
    for kind, colour in COLOURS.items():
        nodes = [n for n in sub if sub.nodes[n]["type"] == kind]
        nx.draw_networkx_nodes(sub, layout, nodelist=nodes, ax=ax, node_color=colour, alpha=0.85,
                               node_size=[80 + 40 * strength[n] for n in nodes], label=kind)
    nx.draw_networkx_labels(sub, layout, labels={n: sub.nodes[n]["label"] for n in sub}, ax=ax, font_size=8)
    ax.legend(loc="lower left", frameon=False)
    ax.set_title(f"Die {len(sub)} am stärksten vernetzten Personen und Organisationen "
                 f"(Linie: gemeinsame Veranstaltungen; gesamt {graph.number_of_nodes()} Akteure)")
    ax.set_axis_off()
    fig.tight_layout()
    return fig


def map_chart(store: Store):
    places = browse.event_places(store)
    fig, ax = plt.subplots(figsize=(10, 10))
    if not places:
        _empty(ax, "Keine Veranstaltung mit bekanntem Ort (AGS)")
        return fig
    lons = [p["lon"] for p in places]
    lats = [p["lat"] for p in places]
    # Extent: the event places with a margin, at least about 150 km wide.
    centre_lon, centre_lat = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    half_lat = max((max(lats) - min(lats)) / 2 * 1.15, 0.7)
    stretch = 1 / math.cos(math.radians(centre_lat))  # degrees of longitude per degree of latitude, in km
    half_lon = max((max(lons) - min(lons)) / 2 * 1.15, half_lat * stretch)
    half_lat = max(half_lat, half_lon / stretch)
    background = browse.all_municipality_points(store)
    ax.scatter([b[0] for b in background], [b[1] for b in background], s=2, color="#cccccc", zorder=1,
               label="Gemeinden (Ortsregister)")
    biggest = max(p["events"] for p in places)
    ax.scatter(lons, lats, s=[30 + 400 * p["events"] / biggest for p in places], color="#e7298a", alpha=0.7,
               edgecolor="#7a1048", zorder=3, label="Veranstaltungsorte (Größe: Zahl)")
    for place in places[:TOP_PLACE_LABELS]:
        label = place["name"] if place["name"] == place["kreis"] else f"{place['name']} ({place['kreis']})"
        ax.annotate(f"{label}: {place['events']}", (place["lon"], place["lat"]), xytext=(6, 4),
                    textcoords="offset points", fontsize=8, zorder=4)
    ax.set_xlim(centre_lon - half_lon, centre_lon + half_lon)
    ax.set_ylim(centre_lat - half_lat, centre_lat + half_lat)
    ax.set_aspect(stretch)
    # Scale bar: a round number of km, about a fifth of the width.
    km_per_lon = 111.32 * math.cos(math.radians(centre_lat))
    width_km = 2 * half_lon * km_per_lon
    bar_km = next(b for b in (5, 10, 20, 25, 50, 100, 200, 250, 500) if b >= width_km / 6)
    x0, y0 = centre_lon - half_lon * 0.9, centre_lat - half_lat * 0.9
    ax.plot([x0, x0 + bar_km / km_per_lon], [y0, y0], color="black", linewidth=3, zorder=5)
    ax.text(x0, y0 + half_lat * 0.03, f"{bar_km} km", fontsize=9, zorder=5)
    ax.set_xlabel("Längengrad")
    ax.set_ylabel("Breitengrad")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(f"{sum(p['events'] for p in places)} Veranstaltungen an {len(places)} Orten")
    fig.tight_layout()
    return fig


def fields_chart(store: Store):
    rows = browse.fields_per_year(store)
    fig, ax = plt.subplots(figsize=(11, 5.5))
    if not rows:
        _empty(ax, "Keine Handlungsfelder mit Jahr")
        return fig
    years = sorted({r["year"] for r in rows})
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row["field"]][row["year"]] = row["articles"]
    fields = sorted(counts, key=lambda f: -sum(counts[f].values()))
    colours = plt.get_cmap("tab10" if len(fields) <= 10 else "tab20").colors
    bottom = [0] * len(years)
    for i, field in enumerate(fields):
        values = [counts[field].get(y, 0) for y in years]
        ax.bar(years, values, bottom=bottom, label=field, color=colours[i % len(colours)])
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_ylabel("Artikel")
    ax.set_xlabel("Erscheinungsjahr")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    ax.set_title("Artikel je Handlungsfeld und Jahr (ein Artikel kann mehrere Felder haben)")
    fig.tight_layout()
    return fig


BUILDERS = {"timeline": timeline_chart, "network": network_chart, "map": map_chart, "fields": fields_chart}


def render_charts(store: Store) -> dict[str, bytes]:
    """The four charts as PNG bytes, keyed by name."""
    browse.refresh_browse_tables(store)
    images = {}
    for name, _ in CHARTS:
        fig = BUILDERS[name](store)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110)
        plt.close(fig)
        images[name] = buffer.getvalue()
    return images


def _summary(store: Store) -> list[tuple[str, int]]:
    row = store.conn.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events),"
        " (SELECT count(*) FROM entities WHERE label = 'PER'), (SELECT count(*) FROM entities WHERE label = 'ORG'),"
        " (SELECT count(DISTINCT kreis) FROM article_kreis)"
    ).fetchone()
    return list(zip(("Artikel", "Veranstaltungen", "Personen", "Organisationen", "Kreise"), row))


def _german_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def render_html(store: Store, images: dict[str, bytes], *, title: str = "Presse-Mining: Bericht") -> str:
    cards = "".join(
        f'<div class="card"><b>{_german_number(n)}</b><span>{html.escape(k)}</span></div>' for k, n in _summary(store)
    )
    figures = []
    for name, caption in CHARTS:
        data = base64.b64encode(images[name]).decode("ascii")
        figures.append(
            f'<section id="{name}"><h2>{html.escape(caption)}</h2>'
            f'<img alt="{html.escape(caption)}" src="data:image/png;base64,{data}"></section>'
        )
    return f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: sans-serif; margin: 2rem auto; max-width: 1250px; color: #222; padding: 0 1rem; }}
.cards {{ display: flex; gap: 1rem; flex-wrap: wrap; }}
.card {{ border: 1px solid #ddd; border-radius: 6px; padding: .6rem 1rem; min-width: 8rem; }}
.card b {{ display: block; font-size: 1.6rem; }}
section {{ margin-top: 2rem; }} img {{ max-width: 100%; border: 1px solid #eee; }}
.note {{ color: #666; font-size: .9rem; }}
</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="note">Datenbank: {html.escape(store.path.name)} · erstellt von presse-mining report. Diese Datei ist
eigenständig und braucht kein Netz.</p>
<div class="cards">{cards}</div>
{"".join(figures)}
<p class="note">Karte: Hintergrund sind alle Gemeinden des Ortsregisters (Destatis) als graue Punkte, keine
Kartenkacheln und keine Ländergrenzen. Kreis eines Ortes aus dem Ortsregister über den amtlichen
Gemeindeschlüssel der Veranstaltung.</p>
</body></html>
"""


def write_report(store: Store, out: str | Path, png_dir: str | Path | None = None) -> dict[str, Path]:
    """Write the HTML report (and the PNGs into png_dir); returns the files written."""
    images = render_charts(store)
    written = {}
    if png_dir:
        folder = Path(png_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in images.items():
                path = folder / f"{name}.png"
                path.write_bytes(data)
                written[name] = path
        except OSError as error:
            raise InputError(f"{png_dir}: cannot write the images ({error.strerror})") from None
    target = Path(out)
    try:
        partial = target.with_name(target.name + ".part")
        partial.write_text(render_html(store, images), encoding="utf-8")
        partial.replace(target)
    except OSError as error:
        raise InputError(f"{out}: cannot write the report ({error.strerror})") from None
    written["html"] = target
    return written
