"""Make stand-off annotations of the shared development texts.

The texts stay in ../shared/ (third-party, not ours to commit); the project keeps
only records that point into them: text id, SHA-256 of the file, character offsets.

    .venv/bin/python scripts/annotation_tool.py show a002            # text with paragraph numbers
    .venv/bin/python scripts/annotation_tool.py entities a002 surf.json   # surface list -> spans
    .venv/bin/python scripts/annotation_tool.py fields a002 labels.json   # field labels -> record
    .venv/bin/python scripts/annotation_tool.py render a002          # stored spans, bracketed

A surface list is JSON: {"entities": [{"text": "Kreis Olpe", "label": "LOC"},
{"text": "Kreis Olpe", "label": "ORG", "context": "Der Kreis Olpe hat"}]}.
Every occurrence of a surface (on word boundaries, longest surfaces first, no
overlaps) gets its label; an entry with "context" applies only to occurrences
inside that context string and wins over plain entries; label "O" blocks a surface.

A field label file is JSON: {"fields": ["sport"], "paragraphs": {"0": ["sport"], "3": []}}
with paragraph numbers as printed by `show`.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from presse_mining.articles.clean import paragraph_spans as paragraphs  # noqa: E402  (the one splitter)

SHARED = Path(os.environ.get("PRESSE_SHARED", ROOT.parent / "shared"))
OUT = ROOT / "corpus" / "annotations"
LABELS = {"PER", "ORG", "LOC", "MISC", "O"}


def text_path(text_id: str) -> Path:
    for candidate in (SHARED / "corpus-dev" / "texts" / f"{text_id}.txt", SHARED / "seeds" / f"{text_id}.txt"):
        if candidate.exists():
            return candidate
    raise SystemExit(f"{text_id}: no such text in {SHARED}/corpus-dev/texts or {SHARED}/seeds")


def load(text_id: str) -> tuple[str, str]:
    raw = text_path(text_id).read_bytes()
    return raw.decode("utf-8"), hashlib.sha256(raw).hexdigest()


def occurrences(text: str, surface: str, lo: int = 0, hi: int | None = None):
    pattern = re.compile(r"(?<!\w)" + re.escape(surface) + r"(?!\w)")
    for m in pattern.finditer(text, lo, len(text) if hi is None else hi):
        yield m.start(), m.end()


def spans_from_surfaces(text: str, entries: list[dict]) -> tuple[list[dict], list[str]]:
    taken = [False] * len(text)
    spans, warnings = [], []
    # context entries first, then longest surfaces first
    ordered = sorted(entries, key=lambda e: ("context" not in e, -len(e["text"])))
    for entry in ordered:
        label, surface = entry["label"], entry["text"]
        if label not in LABELS:
            warnings.append(f"bad label {label!r} for {surface!r}")
            continue
        windows = [(0, None)]
        if "context" in entry:
            windows = list(occurrences(text, entry["context"])) or []
            if not windows:
                warnings.append(f"context not found: {entry['context']!r}")
        found = 0
        for lo, hi in windows:
            for start, end in occurrences(text, surface, lo, hi):
                if any(taken[start:end]):
                    continue
                for i in range(start, end):
                    taken[i] = True
                found += 1
                if label != "O":
                    spans.append({"start": start, "end": end, "label": label, "text": surface})
        if not found and windows:
            warnings.append(f"not found (or overlapped): {surface!r}")
    spans.sort(key=lambda s: s["start"])
    return spans, warnings


def render(text: str, spans: list[dict]) -> str:
    out, pos = [], 0
    for s in spans:
        out.append(text[pos:s["start"]])
        out.append(f"[{text[s['start']:s['end']]}|{s['label']}]")
        pos = s["end"]
    out.append(text[pos:])
    return "".join(out)


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise SystemExit(__doc__)
    command, text_id = argv[0], argv[1]
    text, checksum = load(text_id)
    if command == "show":
        for number, (start, end) in enumerate(paragraphs(text)):
            print(f"[{number}] {text[start:end]}\n")
    elif command == "entities":
        entries = json.loads(Path(argv[2]).read_text(encoding="utf-8"))["entities"]
        spans, warnings = spans_from_surfaces(text, entries)
        record = {"id": text_id, "sha256": checksum, "spans": spans}
        target = OUT / "entities" / f"{text_id}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(render(text, spans))
        for w in warnings:
            print("WARNING:", w, file=sys.stderr)
        print(f"wrote {target} ({len(spans)} spans)", file=sys.stderr)
    elif command == "fields":
        labels = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        paras = paragraphs(text)
        record = {
            "id": text_id,
            "sha256": checksum,
            "fields": sorted(set(labels["fields"])),
            "paragraphs": [
                {"start": s, "end": e, "fields": sorted(set(labels.get("paragraphs", {}).get(str(i), [])))}
                for i, (s, e) in enumerate(paras)
            ],
        }
        target = OUT / "fields" / f"{text_id}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {target}", file=sys.stderr)
    elif command == "render":
        record = json.loads((OUT / "entities" / f"{text_id}.json").read_text(encoding="utf-8"))
        if record["sha256"] != checksum:
            print("WARNING: text changed since annotation", file=sys.stderr)
        print(render(text, record["spans"]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
