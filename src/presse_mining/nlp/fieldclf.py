"""The trained Handlungsfelder classifier: load, verify, classify, show evidence.

A model is a folder (models/handlungsfelder/): `model.json` (fields, feature
vocabularies, how paragraph and article scores combine), `model.npz` (plain
float arrays, read with allow_pickle=False, so it cannot carry code) and
`manifest.json` with the SHA-256 of both; loading refuses files whose checksum
differs. scripts/train_fields.py writes it; README.md in the folder is the card.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import PresseError
from . import docview
from .fieldfeatures import FieldFeatures, Tokens, paragraphs, sentences, sigmoid, title_counts

FORMAT = "presse_mining.handlungsfelder/1"
MODEL_FILES = ("model.json", "model.npz")
DEFAULT_COMBINE = {"aggregate": "max", "article_weight": 0.5, "threshold": 0.5, "relevance_gate": 0.0,
                   "min_integration_words": 0, "title_rule": False, "field_thresholds": {}}
HEADS = ("paragraph", "article", "relevance")
EVIDENCE_LIMIT = 3   # sentences shown per field


def default_model_dir() -> Path:
    configured = os.environ.get("PRESSE_FIELDS_MODEL")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "models" / "handlungsfelder"


@dataclass
class LinearHeads:
    """One logistic model per field, with Platt scaling: p = sigmoid(a·(w·x + b) + c)."""

    coef: np.ndarray        # fields × features
    intercept: np.ndarray   # fields
    platt: np.ndarray       # fields × 2 (a, c)

    def __post_init__(self):
        # features × fields, C-contiguous: `X @ coef.T` would copy the transposed matrix on every call
        self._weights = np.ascontiguousarray(self.coef.T)

    def decisions(self, X) -> np.ndarray:
        """Per row and field, the decision value w·x + b (also ranks evidence sentences)."""
        return np.asarray(X @ self._weights) + self.intercept

    def probabilities(self, X) -> np.ndarray:
        return self.scaled(np.asarray(X @ self._weights))

    def scaled(self, products: np.ndarray) -> np.ndarray:
        """Probabilities from the products X·w (without the intercept)."""
        return sigmoid((products + self.intercept) * self.platt[:, 0] + self.platt[:, 1])


class FieldClassifier:
    def __init__(self, field_ids: list[str], features: FieldFeatures, paragraph: LinearHeads,
                 article: LinearHeads, relevance: LinearHeads, combine: dict | None = None,
                 card: dict | None = None):
        self.field_ids = list(field_ids)
        self.features = features
        self.paragraph = paragraph
        self.article = article
        self.relevance = relevance   # one head: does the text report integration work at all?
        self.combine = {**DEFAULT_COMBINE, **(combine or {})}
        self.card = card or {}
        # all heads' weights side by side: one sparse product per text instead of three
        self._stacked = np.ascontiguousarray(np.hstack([getattr(self, name)._weights for name in HEADS]))
        self._thresholds = field_thresholds(self.combine, self.field_ids)

    def _probabilities(self, X) -> dict[str, np.ndarray]:
        """Each head's probabilities for every row of X, from one product."""
        products = np.asarray(X @ self._stacked)
        found, start = {}, 0
        for name in HEADS:
            heads = getattr(self, name)
            found[name] = heads.scaled(products[:, start:start + len(heads.intercept)])
            start += len(heads.intercept)
        return found

    # -- scoring ----------------------------------------------------------------
    def paragraph_probabilities(self, text: str, tokens: Tokens | None = None) -> tuple[list[tuple[int, int]], np.ndarray]:
        spans = paragraphs(text)
        if not spans:
            return [], np.zeros((0, len(self.field_ids)))
        X, _ = self.features.transform_spans(tokens or Tokens.of(text), spans)
        return spans, self.paragraph.probabilities(X)

    def _uses_whole_text(self) -> bool:
        return bool(self.combine["article_weight"] or self.combine.get("relevance_gate"))

    def article_scores(self, text: str, tokens: Tokens | None = None) -> np.ndarray:
        """Per field: the whole-text probability combined with the paragraphs' (weights chosen by CV)."""
        tokens = tokens or Tokens.of(text)
        spans = paragraphs(text)
        whole = self._uses_whole_text()
        rows = spans + ([(0, len(text))] if whole else [])
        integration = tokens.integration_words()
        if not rows or integration < self.combine.get("min_integration_words", 0):   # combine_scores' gate
            return np.zeros(len(self.field_ids))
        X = self.features.transform_spans(tokens, rows)[0]
        n = len(spans)
        if whole:
            probabilities = self._probabilities(X)
            paragraph, whole_text = probabilities["paragraph"][:n], probabilities["article"][n]
            relevance = float(probabilities["relevance"][n, 0])
        else:   # the chosen combination uses neither the whole-text nor the relevance head
            paragraph, whole_text, relevance = self.paragraph.probabilities(X), np.zeros(len(self.field_ids)), 1.0
        return combine_scores(whole_text, paragraph, relevance, self.combine, integration,
                              title_counts(tokens, self.field_ids))

    def thresholds(self) -> np.ndarray:
        return self._thresholds

    def classify(self, doc) -> list[dict]:
        """Assigned fields of a spaCy Doc (or a plain text), best first, each with its evidence."""
        text = doc if isinstance(doc, str) else docview.text(doc)   # doc.text would join every token anew
        if not text.strip():
            return []
        # one tokenisation serves paragraphs, the whole text and the evidence sentences
        tokens = Tokens.of(text)
        scores = self.article_scores(text, tokens)
        thresholds = self.thresholds()
        assigned = [
            {"label": field, "score": round(float(score), 4)}
            for field, score, threshold in zip(self.field_ids, scores, thresholds) if score >= threshold
        ]
        if assigned:
            sentence_spans = sentences(text, None if isinstance(doc, str) else sentence_bounds(doc))
            hits, decisions = self._sentence_decisions(tokens, sentence_spans, [e["label"] for e in assigned])
            for entry in assigned:
                entry["evidence"] = self.evidence(text, entry["label"], sentence_spans, hits=hits,
                                                  decisions=decisions)
        return sorted(assigned, key=lambda f: (-f["score"], f["label"]))

    def _sentence_decisions(self, tokens: Tokens, sentence_spans: list[tuple[int, int]],
                            fields: list[str]) -> tuple[list[list], np.ndarray]:
        """Each sentence's cue occurrences and the paragraph model's decisions, computed only where
        evidence() ranks by them: the cued sentences of a field with more than EVIDENCE_LIMIT of
        them, or every sentence where an assigned field has no cued sentence (then the best-weighed
        sentence stands in). A field with few cued sentences shows them all, whatever they weigh."""
        first, last = tokens.token_range(sentence_spans) if sentence_spans else ([], [])
        hits = tokens.cue_hits_of(first, last)
        wanted = set(fields)
        cued = [{cue.field for cue, _, _ in found} & wanted for found in hits]
        if set().union(*cued) == wanted:
            crowded = {f for f in wanted if sum(f in found for found in cued) > EVIDENCE_LIMIT}
            rows = [i for i, found in enumerate(cued) if found & crowded]
        else:
            rows = list(range(len(sentence_spans)))
        decisions = np.full((len(sentence_spans), len(self.field_ids)), -np.inf)
        if rows:
            X, _ = self.features.transform_spans(tokens, [sentence_spans[i] for i in rows], [hits[i] for i in rows])
            decisions[rows] = self.paragraph.decisions(X)
        return hits, decisions

    def evidence(self, text: str, field: str, sentence_spans: list[tuple[int, int]], limit: int = EVIDENCE_LIMIT,
                 hits: list | None = None, decisions: np.ndarray | None = None) -> list[dict]:
        """The one to three sentences that carry a field.

        Sentences that contain one of the field's cues come first, ranked by the
        paragraph model's decision for that field; where no sentence has a cue,
        the single sentence the model weighs highest stands in.
        """
        if not sentence_spans:
            return []
        index = self.field_ids.index(field)
        if hits is None or decisions is None:
            X, hits = self.features.transform_spans(Tokens.of(text), sentence_spans)
            decisions = self.paragraph.decisions(X)
        decision = decisions[:, index]
        cued = {i: [cue.text for cue, _, _ in found if cue.field == field] for i, found in enumerate(hits)}
        with_cues = sorted((i for i, found in cued.items() if found), key=lambda i: (-decision[i], i))
        chosen = with_cues[:limit] if with_cues else [int(np.argmax(decision))]
        return [
            {"text": text[s:e], "start": s, "end": e, "cues": sorted(set(cued[i]))}
            for i in sorted(chosen) for s, e in [sentence_spans[i]]
        ]

    # -- persistence (no pickle) ----------------------------------------------------
    def save(self, folder: Path, card_text: str | None = None) -> dict:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        feature_config, feature_arrays = self.features.export()
        config = {
            "format": FORMAT,
            "fields": self.field_ids,
            "features": feature_config,
            "combine": self.combine,
            "card": self.card,
        }
        arrays = dict(feature_arrays)
        for name in HEADS:
            heads = getattr(self, name)
            arrays[f"{name}_coef"] = heads.coef.astype(np.float32)
            arrays[f"{name}_intercept"] = heads.intercept.astype(np.float64)
            arrays[f"{name}_platt"] = heads.platt.astype(np.float64)
        (folder / "model.json").write_text(json.dumps(config, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        (folder / "model.npz").write_bytes(buffer.getvalue())
        manifest = {"format": FORMAT, "sha256": {name: _sha256(folder / name) for name in MODEL_FILES}}
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        if card_text is not None:
            (folder / "README.md").write_text(card_text, encoding="utf-8")
        return manifest

    @classmethod
    def load(cls, folder: Path | str) -> "FieldClassifier":
        folder = Path(folder)
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            expected = manifest["sha256"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise PresseError(f"{folder}/manifest.json: unreadable model manifest ({error})") from None
        for name in MODEL_FILES:
            path = folder / name
            if not path.exists():
                raise PresseError(f"{path}: model file missing")
            if _sha256(path) != expected.get(name):
                raise PresseError(f"{path}: checksum differs from manifest.json (tampered or corrupt model): refusing to load")
        try:
            config = json.loads((folder / "model.json").read_text(encoding="utf-8"))
            if config.get("format") != FORMAT:
                raise ValueError(f"format {config.get('format')!r}, expected {FORMAT!r}")
            with np.load(folder / "model.npz", allow_pickle=False) as data:
                arrays = {key: data[key] for key in data.files}
            fields = config["fields"]
            features = FieldFeatures.restore(fields, config["features"], arrays)
            heads = {
                name: LinearHeads(arrays[f"{name}_coef"].astype(np.float64), arrays[f"{name}_intercept"],
                                  arrays[f"{name}_platt"])
                for name in HEADS
            }
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise PresseError(f"{folder}: not a usable Handlungsfelder model ({error})") from None
        for name, heads_ in heads.items():
            if heads_.coef.shape != (1 if name == "relevance" else len(fields), features.size):
                raise PresseError(f"{folder}/model.npz: array shapes do not match model.json")
        return cls(fields, features, heads["paragraph"], heads["article"], heads["relevance"],
                   config.get("combine"), config.get("card"))

    @classmethod
    def load_default(cls) -> "FieldClassifier | None":
        """The shipped model, or None where there is none (a tampered one raises)."""
        folder = default_model_dir()
        if not (folder / "manifest.json").exists():
            return None
        return cls.load(folder)


def sentence_bounds(doc) -> list[tuple[int, int]]:
    """(start_char, end_char) of a Doc's sentences, read from its arrays (as doc.sents gives them,
    without making a Span per sentence)."""
    if not len(doc):
        return []
    from spacy.attrs import IDX, LENGTH, SENT_START

    array = doc.to_array([IDX, LENGTH, SENT_START]).astype(np.int64)
    if len(doc) > 1 and not array[1:, 2].any():
        return [(s.start_char, s.end_char) for s in doc.sents]   # no boundaries set: as spaCy decides
    starts = np.flatnonzero(array[:, 2] == 1)
    if not len(starts) or starts[0] != 0:
        starts = np.concatenate([[0], starts])
    ends = np.concatenate([starts[1:], [len(doc)]]) - 1
    return list(zip(array[starts, 0].tolist(), (array[ends, 0] + array[ends, 1]).tolist()))


def aggregate_paragraphs(paragraph_probs: np.ndarray, n_fields: int) -> dict[str, np.ndarray]:
    """Per field, the paragraphs' evidence: max, noisy-or, and the mean of the two best
    paragraphs (a field that more than one paragraph carries counts more)."""
    if not len(paragraph_probs):
        return {key: np.zeros(n_fields) for key in ("max", "noisy_or", "top2")}
    best = np.sort(paragraph_probs, axis=0)[::-1][:2]
    return {"max": paragraph_probs.max(axis=0), "noisy_or": 1.0 - np.prod(1.0 - paragraph_probs, axis=0),
            "top2": best.mean(axis=0)}


def combine_scores(whole: np.ndarray, paragraph_probs: np.ndarray, relevance: float, combine: dict,
                   integration: int | None = None, titled: np.ndarray | None = None) -> np.ndarray:
    """w·whole-text + (1−w)·paragraphs; a text judged not about integration work gets zeros.

    Two gates say "not about integration work": the relevance head's probability, and
    (where `min_integration_words` is set) too few words of integration work at all: a
    sports-badge ceremony is about sport, but not about sport as a field of integration.
    With `title_rule`, a field that the text's workshops or working groups name (see
    fieldfeatures.title_fields) scores at least the threshold.
    """
    from_paragraphs = aggregate_paragraphs(paragraph_probs, len(whole))[combine["aggregate"]]
    w = combine["article_weight"]
    scores = w * whole + (1 - w) * from_paragraphs
    if combine.get("title_rule") and titled is not None:
        scores = np.where(titled > 0, np.maximum(scores, combine["threshold"]), scores)
    if relevance < combine.get("relevance_gate", 0.0):
        return np.zeros_like(scores)
    if integration is not None and integration < combine.get("min_integration_words", 0):
        return np.zeros_like(scores)
    return scores


def field_thresholds(combine: dict, field_ids: list[str]) -> np.ndarray:
    """Per field its own threshold where cross-validation chose one, else the common one."""
    own = combine.get("field_thresholds") or {}
    return np.array([own.get(f, combine["threshold"]) for f in field_ids], dtype=float)


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
