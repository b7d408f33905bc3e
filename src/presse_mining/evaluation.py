"""Score `extract` output against document-level gold (../shared/gold/README.md).

Entities per group (persons, organisations, places), dates on normalised values,
events on (date, place) pairs, participants by recall, fields as multi-label sets.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .store.german import stem

_ARTICLE = re.compile(r"^(?:der|die|das|des|dem|den)\s+")
_QUOTES = str.maketrans({c: " " for c in "„“”\"'‚‘’«»"})
GROUPS = {"persons": "PER", "organisations": "ORG", "places": "LOC"}


def normalise(text: str | None) -> str:
    text = " ".join((text or "").lower().translate(_QUOTES).split())
    return _ARTICLE.sub("", text)


def stems(text: str) -> set[str]:
    return {stem(w) for w in re.findall(r"\w+", normalise(text))}


def names_match(predicted: str, gold_names: list[str]) -> bool:
    p = normalise(predicted)
    if any(p == normalise(g) for g in gold_names):
        return True
    ps = stems(predicted)
    for g in gold_names:
        gs = stems(g)
        if ps and gs:
            shared = len(ps & gs)
            if shared * 2 >= len(ps) and shared * 2 >= len(gs):
                return True
    return False


@dataclass
class Score:
    tp: int = 0  # gold items found (recall)
    fp: int = 0
    fn: int = 0
    tp_pred: int | None = None  # predictions that found gold, where it differs from tp (precision)
    errors: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        self.tp_pred = self.correct_predictions + other.correct_predictions
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.errors += other.errors

    @property
    def correct_predictions(self) -> int:
        return self.tp if self.tp_pred is None else self.tp_pred

    @property
    def precision(self) -> float:
        good = self.correct_predictions
        return good / (good + self.fp) if good + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 3),
                "recall": round(self.recall, 3), "f1": round(self.f1, 3)}


def _gold_names(item: dict) -> list[str]:
    return [item["name"], *item.get("aliases", [])]


def score_entities(pred: dict, gold: dict, doc: str) -> dict[str, Score]:
    predicted: dict[str, dict[str, set[str]]] = {label: {} for label in GROUPS.values()}
    for ent in pred.get("entities", []):
        if ent["label"] in predicted:
            predicted[ent["label"]].setdefault(ent.get("canonical") or ent["text"], set()).add(ent["text"])
    optional_anywhere = [
        _gold_names(item) for group in GROUPS for item in gold.get(group, []) if item.get("optional")
    ]
    scores = {}
    for group, label in GROUPS.items():
        score = Score(tp_pred=0)
        required = [item for item in gold.get(group, []) if not item.get("optional")]
        optional = [item for item in gold.get(group, []) if item.get("optional")]
        matched = set()
        for canonical, surfaces in predicted[label].items():
            candidates = [canonical, *surfaces]
            hit = [i for i, item in enumerate(required) if any(names_match(c, _gold_names(item)) for c in candidates)]
            if hit:
                matched.update(hit)
                score.tp_pred += 1
            elif any(any(names_match(c, _gold_names(item)) for c in candidates) for item in optional):
                continue
            elif label in ("ORG", "LOC") and any(any(names_match(c, names) for c in candidates) for names in optional_anywhere):
                continue  # ORG vs optional place (or the other way round) is not an error
            else:
                score.fp += 1
                score.errors.append(f"{doc}: spurious {label} {canonical!r}")
        for i, item in enumerate(required):
            if i not in matched:
                score.fn += 1
                score.errors.append(f"{doc}: missed {label} {item['name']!r}")
        score.tp = len(matched)
        scores[group] = score
    return scores


def score_dates(pred: dict, gold: dict, doc: str) -> Score:
    values = {d.get("value") for d in pred.get("dates", []) if d.get("value")}
    score, used = Score(), set()
    for g in gold.get("dates", []):
        accept = {g["value"], *g.get("accept", [])}
        if values & accept:
            score.tp += 1
            used |= values & accept
        else:
            score.fn += 1
            score.errors.append(f"{doc}: missed date {g['text']!r} = {g['value']}")
    for v in sorted(values - used):
        score.fp += 1
        score.errors.append(f"{doc}: spurious date {v}")
    return score


def _place_match(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return a == b
    return names_match(a, [b])


def score_events(pred: dict, gold: dict, doc: str) -> tuple[Score, Score]:
    events, participants = Score(), Score()
    remaining = list(pred.get("events", []))
    for g in gold.get("events", []):
        match = next(
            (p for p in remaining if p.get("date") == g.get("date") and _place_match(p.get("place"), g.get("place"))),
            None,
        )
        if match is None:
            events.fn += 1
            events.errors.append(f"{doc}: missed event {g.get('date')} in {g.get('place')} ({g.get('title')})")
            continue
        remaining.remove(match)
        events.tp += 1
        said = [*match.get("persons", []), *match.get("organisations", []), *match.get("organisers", [])]
        for who in [*g.get("persons", []), *g.get("organisations", [])]:
            if any(names_match(s, [who]) for s in said):
                participants.tp += 1
            else:
                participants.fn += 1
                participants.errors.append(f"{doc}: missed participant {who!r}")
    for p in remaining:
        events.fp += 1
        events.errors.append(f"{doc}: spurious event {p.get('date')} in {p.get('place')} ({p.get('type')})")
    return events, participants


def score_fields(pred: dict, gold: dict, doc: str) -> Score:
    score = Score()
    optional = set(gold.get("fields_optional", []))
    predicted = {f["label"] for f in pred.get("fields", [])} - optional
    expected = set(gold.get("fields", [])) - optional
    score.tp = len(predicted & expected)
    score.fp = len(predicted - expected)
    score.fn = len(expected - predicted)
    score.errors += [f"{doc}: spurious field {f}" for f in sorted(predicted - expected)]
    score.errors += [f"{doc}: missed field {f}" for f in sorted(expected - predicted)]
    return score


def evaluate(gold_path: Path, predictions: dict[str, dict]) -> dict[str, Score]:
    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    totals = {k: Score() for k in ("persons", "organisations", "places", "dates", "events", "participants", "fields")}
    for g in gold["documents"]:
        pred = predictions.get(g["doc"])
        if pred is None:
            raise InputError(f"{gold_path}: no prediction for {g['doc']}")
        for group, score in score_entities(pred, g, g["doc"]).items():
            totals[group].add(score)
        totals["dates"].add(score_dates(pred, g, g["doc"]))
        events, participants = score_events(pred, g, g["doc"])
        totals["events"].add(events)
        totals["participants"].add(participants)
        totals["fields"].add(score_fields(pred, g, g["doc"]))
    return totals


def find_text(gold_path: Path, doc: str, texts: Path | None) -> Path:
    candidates = [texts / doc] if texts else []
    candidates += [gold_path.parent / doc, gold_path.parent.parent / "seeds" / doc, Path("corpus") / doc]
    for c in candidates:
        if c.exists():
            return c
    raise InputError(f"{doc}: text not found (give --texts DIR)")
