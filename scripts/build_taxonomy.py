"""Build src/presse_mining/data/handlungsfelder.json from the shared taxonomy table.

    python scripts/build_taxonomy.py [../shared/taxonomy/handlungsfelder.md]

The Markdown table in ../shared/taxonomy/handlungsfelder.md is the authority;
this script turns it into data the package ships (ids, names, definitions,
cues), so the classifier, the store and the browsing labels read one file.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "taxonomy" / "handlungsfelder.md"
TARGET = ROOT / "src" / "presse_mining" / "data" / "handlungsfelder.json"


def parse(markdown: str) -> list[dict]:
    fields = []
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue  # header, separator and prose lines
        field_id, name, covers, cues = cells
        fields.append({
            "id": field_id.strip("`"),
            "name": name,
            "definition": covers,
            "cues": [c.strip() for c in cues.split(",") if c.strip()],
        })
    if not fields:
        raise SystemExit("no table rows of the form | `id` | name | covers | cues | found")
    ids = [f["id"] for f in fields]
    if len(set(ids)) != len(ids) or not all(re.fullmatch(r"[a-z_]+", i) for i in ids):
        raise SystemExit(f"field ids must be unique snake_case words: {ids}")
    return fields


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    raw = source.read_bytes()
    data = {
        "source": "shared/taxonomy/handlungsfelder.md",
        "source_sha256": hashlib.sha256(raw).hexdigest(),
        "fields": parse(raw.decode("utf-8")),
    }
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {len(data['fields'])} fields from {source}")


if __name__ == "__main__":
    main(sys.argv[1:])
