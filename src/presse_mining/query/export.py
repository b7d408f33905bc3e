"""Exports for other tools: the actor network (Gephi, networkx) and the tables as CSV/JSON.

The network has one node per person or organisation that took part in an
event, and one edge per pair that met at least once; the edge weight is the
number of events they shared. Dates, places, Kreise and Handlungsfelder of
those events travel as attributes (GraphML/GEXF need scalars: lists are
joined with "; ").
"""
from __future__ import annotations

import csv
import json
import os
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import combinations
from pathlib import Path
from typing import IO

import networkx as nx

from ..errors import InputError
from ..store import Store
from ..store import browse

NETWORK_FORMATS = ("graphml", "gexf", "json")
TABLE_FORMATS = ("csv", "json")
TABLES = {"events": browse.iter_events, "entities": browse.iter_entities, "articles": browse.iter_articles}
LABEL_NAMES = {"PER": "Person", "ORG": "Organisation"}


def _joined(values: Iterable) -> str:
    return "; ".join(sorted({str(v) for v in values if v}))


def build_network(store: Store) -> nx.Graph:
    """Persons and organisations, linked when they took part in the same event."""
    browse.refresh_browse_tables(store)
    graph = nx.Graph()
    events: dict[int, dict] = {}
    members: dict[int, set[int]] = defaultdict(set)
    for row in browse.iter_participations(store):
        node = row["entity_id"]
        if node not in graph:
            graph.add_node(node, label=row["name"], type=LABEL_NAMES[row["label"]], events=0)
        members[row["event_id"]].add(node)
        events[row["event_id"]] = row
    for event_id, nodes in members.items():
        event = events[event_id]
        fields = (event["fields"] or "").split(";")
        for node in nodes:
            graph.nodes[node]["events"] += 1
        for a, b in combinations(sorted(nodes), 2):
            if not graph.has_edge(a, b):
                graph.add_edge(a, b, weight=0, _dates=set(), _places=set(), _kreise=set(), _fields=set(), _types=set())
            edge = graph.edges[a, b]
            edge["weight"] += 1
            edge["_dates"].add(event["date"])
            edge["_places"].add(event["place"])
            edge["_kreise"].add(event["kreis"])
            edge["_fields"].update(fields)
            edge["_types"].add(event["type"])
    for _, _, edge in graph.edges(data=True):
        dates = sorted(d for d in edge.pop("_dates") if d)
        edge["dates"] = "; ".join(dates)
        edge["first_date"] = dates[0] if dates else ""
        edge["last_date"] = dates[-1] if dates else ""
        edge["places"] = _joined(edge.pop("_places"))
        edge["kreise"] = _joined(edge.pop("_kreise"))
        edge["fields"] = _joined(edge.pop("_fields"))
        edge["event_types"] = _joined(edge.pop("_types"))
    return graph


def write_network(graph: nx.Graph, fmt: str, out: IO[bytes]) -> None:
    if fmt == "graphml":
        nx.write_graphml(graph, out, encoding="utf-8")
    elif fmt == "gexf":
        nx.write_gexf(graph, out, encoding="utf-8")
    elif fmt == "json":
        data = nx.node_link_data(graph, edges="links")
        out.write(json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    else:
        raise InputError(f"--format {fmt}: not a network format ({', '.join(NETWORK_FORMATS)})")


def write_table(rows: Iterator[dict], fmt: str, out: IO[str]) -> int:
    """Stream rows as CSV (lists joined with '; ') or as a JSON array; returns the count."""
    count = 0
    if fmt == "csv":
        writer = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row))
                writer.writeheader()
            writer.writerow({k: "; ".join(v) if isinstance(v, list) else v for k, v in row.items()})
            count += 1
    elif fmt == "json":
        out.write("[")
        for row in rows:
            out.write(("\n" if count == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
            count += 1
        out.write("\n]\n")
    else:
        raise InputError(f"--format {fmt}: not a table format ({', '.join(TABLE_FORMATS)})")
    return count


def export(store: Store, what: str, fmt: str, out_path: str | Path | None) -> int:
    """Write `what` (network, events, entities, articles) as `fmt` to a file or stdout.

    Returns the number of rows (nodes for the network). A failed export leaves
    no half-written file behind.
    """
    browse.refresh_browse_tables(store)
    target = Path(out_path) if out_path else None
    partial = target.with_name(target.name + ".part") if target else None
    try:
        if what == "network":
            if fmt not in NETWORK_FORMATS:
                raise InputError(f"export network --format {fmt}: use one of {', '.join(NETWORK_FORMATS)}")
            graph = build_network(store)
            if partial:
                with partial.open("wb") as handle:
                    write_network(graph, fmt, handle)
            else:
                write_network(graph, fmt, sys.stdout.buffer)
                sys.stdout.buffer.flush()
            count = graph.number_of_nodes()
        elif what in TABLES:
            if fmt not in TABLE_FORMATS:
                raise InputError(f"export {what} --format {fmt}: use one of {', '.join(TABLE_FORMATS)}")
            rows = TABLES[what](store)
            if partial:
                with partial.open("w", encoding="utf-8", newline="") as handle:
                    count = write_table(rows, fmt, handle)
            else:
                count = write_table(rows, fmt, sys.stdout)
        else:
            raise InputError(f"export {what}: unknown (network, events, entities, articles)")
    except BrokenPipeError:
        # `export ... | head`: the reader has enough; stop quietly, no traceback at exit.
        sys.stdout = open(os.devnull, "w")
        return 0
    except OSError as error:
        if partial and partial.exists():
            partial.unlink()
        raise InputError(f"{target}: cannot write ({error.strerror})") from None
    except BaseException:
        if partial and partial.exists():
            partial.unlink()
        raise
    if partial:
        partial.replace(target)
    return count
