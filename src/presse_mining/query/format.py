"""Rows → text: an aligned table, CSV or JSON."""
from __future__ import annotations

import csv
import io
import json


def render(rows: list[dict], columns: list[str], fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps([{c: row.get(c) for c in columns} for row in rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [min(max([len(c)] + [len(r[i]) for r in cells]), 60) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(_clip(v, w).ljust(w) for v, w in zip(row, widths)).rstrip())
    return "\n".join(lines)


def _cell(value) -> str:
    return "" if value is None else str(value)


def _clip(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"
