"""Text → features for the Handlungsfelder classifier.

German words vary by case and compounding ("Flüchtlingshilfe", "Sportvereinen"),
so the features are folded Snowball stems (word uni- and bigrams), character
n-grams of the folded text (they reach into compounds), and per field the
number of taxonomy cues found. The same functions serve training and
inference; the fitted vocabularies travel as plain lists and arrays.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from .. import taxonomy
from ..articles.clean import paragraph_spans
from ..store.german import stem

_WORD = re.compile(r"\w+", re.UNICODE)
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e"})
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"“”»«']?\s+(?=[\"„“»«(]?[A-ZÄÖÜ0-9])")


def fold(text: str) -> str:
    return text.lower().translate(_FOLD)


def stems(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text)]


def word_terms(text: str) -> list[str]:
    """Stem unigrams and bigrams (bigrams keep 'Integration durch' apart from 'durch Sport')."""
    tokens = stems(text)
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def char_text(text: str) -> str:
    return " ".join(_WORD.findall(fold(text)))


# -- paragraphs and sentences -------------------------------------------------------
def paragraphs(text: str) -> list[tuple[int, int]]:
    """Every non-empty line is a paragraph, as in the annotations."""
    return paragraph_spans(text)


def sentences(text: str, boundaries: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Sentence spans that never cross a paragraph; `boundaries` are a parser's sentence spans."""
    spans = []
    for p_start, p_end in paragraphs(text):
        if boundaries:
            pieces = [(max(s, p_start), min(e, p_end)) for s, e in boundaries if s < p_end and e > p_start]
        else:
            pieces, pos = [], p_start
            for m in _SENTENCE_END.finditer(text, p_start, p_end):
                pieces.append((pos, m.start()))
                pos = m.end()
            pieces.append((pos, p_end))
        for s, e in pieces:
            chunk = text[s:e]
            if chunk.strip():
                s += len(chunk) - len(chunk.lstrip())
                e -= len(chunk) - len(chunk.rstrip())
                spans.append((s, e))
    return spans


# -- cues -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Cue:
    field: str
    text: str
    stems: tuple[str, ...]


@lru_cache(maxsize=1)
def cues() -> tuple[Cue, ...]:
    return tuple(
        Cue(f.id, c, tuple(stems(c))) for f in taxonomy.fields() for c in f.cues if stems(c)
    )


# Words of integration work in general (not of one field): they tell a sports
# club's award or a road closure from integration work with the same words.
INTEGRATION_WORDS = (
    "Integration", "Migration", "Migrant", "Migrantin", "Zuwanderung", "Zugewanderte", "Zuwanderungsgeschichte",
    "Einwanderung", "Flüchtling", "Geflüchtete", "Asyl", "interkulturell", "Ausländer", "Herkunft",
    "Integrationszentrum", "Vielfalt", "Einbürgerung", "Willkommenskultur",
)


@lru_cache(maxsize=1)
def _integration_stems() -> tuple[str, ...]:
    return tuple(stems(" ".join(INTEGRATION_WORDS)))


@lru_cache(maxsize=200_000)
def _is_integration_word(token_stem: str) -> bool:
    return any(_stem_matches(s, token_stem) for s in _integration_stems())


def integration_words(text: str) -> int:
    return sum(_is_integration_word(token) for token in stems(text))


def _stem_matches(cue_stem: str, token_stem: str) -> bool:
    # Compounds: a long cue may sit anywhere in a word ("Integrationssprachkurs"),
    # a middle one at its start or end, a short one must be the word.
    if cue_stem == token_stem:
        return True
    if len(cue_stem) >= 6:
        return cue_stem in token_stem
    if len(cue_stem) >= 4:
        return token_stem.startswith(cue_stem) or token_stem.endswith(cue_stem)
    return False


@lru_cache(maxsize=200_000)
def _cues_starting_at(token_stem: str) -> tuple[int, ...]:
    """Indices of the cues whose first word can be this stem (memoised: the check is the slow part)."""
    result = []
    for i, cue in enumerate(cues()):
        first = cue.stems[0]
        if len(cue.stems) == 1 and _stem_matches(first, token_stem) or len(cue.stems) > 1 and first == token_stem:
            result.append(i)
    return tuple(result)


def find_cues(text: str, field: str | None = None) -> list[tuple[Cue, int, int]]:
    """(cue, start, end) for every cue occurrence in `text` (of one field, or all)."""
    words = [(m.start(), m.end(), stem(m.group())) for m in _WORD.finditer(text)]
    all_cues = cues()
    found = []
    for i, (start, end, token) in enumerate(words):
        for c in _cues_starting_at(token):
            cue = all_cues[c]
            if field is not None and cue.field != field:
                continue
            n = len(cue.stems)
            if n > 1:  # phrases: inner words exact, the last one may be inflected or compounded
                window = words[i:i + n]
                if len(window) < n or not all(a == w[2] for a, w in zip(cue.stems[1:-1], window[1:-1])):
                    continue
                if not _stem_matches(cue.stems[-1], window[-1][2]):
                    continue
                end = window[-1][1]
            found.append((cue, start, end))
    # one span counts once per field: the longest cue that covers it
    found.sort(key=lambda h: (h[0].field, h[1], -(h[2] - h[1])))
    kept: list[tuple[Cue, int, int]] = []
    for hit in found:
        if kept and kept[-1][0].field == hit[0].field and hit[1] < kept[-1][2]:
            continue
        kept.append(hit)
    return sorted(kept, key=lambda h: (h[1], h[0].field))


@lru_cache(maxsize=50_000)
def _all_cues(text: str) -> tuple[tuple[Cue, int, int], ...]:
    return tuple(find_cues(text))


def cue_counts(text: str, field_ids: list[str]) -> np.ndarray:
    counts = np.zeros(len(field_ids))
    index = {f: i for i, f in enumerate(field_ids)}
    for cue, _, _ in _all_cues(text):
        if cue.field in index:
            counts[index[cue.field]] += 1
    return counts


# -- workshop and working-group titles --------------------------------------------------
# The taxonomy's rule: a text about integration work in general carries the fields that
# its workshops, working groups or focus topics name ("In sechs Workshops – vom Themenfeld
# „Bildung“ bis zur „Integration im Alltag“"; "Vier Planungsgruppen ... Sprache, Bildung,
# Arbeit/Wirtschaft und Gesundheit/Sport"). Such titles are short words ("Arbeit", "Sport")
# that are no cue elsewhere, so they are looked for only where a text names its structure.
STRUCTURE_WORDS = (
    "Workshop", "Arbeitsgruppe", "Planungsgruppe", "Arbeitskreis", "Handlungsfeld", "Themenfeld",
    "Thementisch", "Themenschwerpunkt", "Schwerpunkt", "Fachforum", "Themen", "Themenbereich",
)
LIST_ITEM_CHARS = 200   # after "... folgende Themen:" the short lines that follow are the titles


@lru_cache(maxsize=1)
def _structure_stems() -> tuple[str, ...]:
    return tuple(stems(" ".join(STRUCTURE_WORDS)))


@lru_cache(maxsize=1)
def _title_words() -> tuple[tuple[str, str], ...]:
    """(field, stem) of the words of each field's name ('Bildung & Sprache' → bildung, sprach)."""
    return tuple((f.id, s) for f in taxonomy.fields() for s in stems(f.name) if len(s) >= 4)


def _names_structure(text: str) -> bool:
    return any(_stem_matches(s, t) for t in stems(text) for s in _structure_stems())


def _titled_fields(text: str) -> set[str]:
    found = {cue.field for cue, _, _ in _all_cues(text)}
    words = set(stems(text))
    found |= {field for field, s in _title_words() if any(_stem_matches(s, w) for w in words)}
    return found


@lru_cache(maxsize=50_000)
def title_fields(text: str) -> tuple[str, ...]:
    """Fields named in sentences that name workshops, working groups or topics, and in the
    short list lines after such a sentence ending in a colon."""
    found: set[str] = set()
    in_list = False
    for p_start, p_end in paragraphs(text):
        paragraph = text[p_start:p_end]
        if in_list and len(paragraph) <= LIST_ITEM_CHARS:
            found |= _titled_fields(paragraph)
            continue
        in_list = False
        for s, e in sentences(paragraph):
            sentence = paragraph[s:e]
            if _names_structure(sentence):
                found |= _titled_fields(sentence)
                in_list = sentence.rstrip().endswith(":")
    return tuple(sorted(found))


def title_counts(text: str, field_ids: list[str]) -> np.ndarray:
    named = set(title_fields(text))
    return np.array([f in named for f in field_ids], dtype=float)


# -- the feature space --------------------------------------------------------------
@dataclass
class FeatureSettings:
    word_min_df: int = 2
    char_ngram: tuple[int, int] = (3, 5)
    char_min_df: int = 3
    char_max_features: int = 20000
    cue_weight: float = 1.0
    title_weight: float = 0.0   # workshop-title features: 1.0 scored lower in cross-validation


class FieldFeatures:
    """Word-stem and character TF-IDF plus cue counts, fitted once, stored as lists and arrays."""

    def __init__(self, field_ids: list[str], settings: FeatureSettings | None = None):
        self.field_ids = list(field_ids)
        self.settings = settings or FeatureSettings()
        s = self.settings
        self.words = TfidfVectorizer(analyzer=word_terms, sublinear_tf=True, min_df=s.word_min_df, dtype=np.float32)
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(s.char_ngram), sublinear_tf=True, min_df=s.char_min_df,
            max_features=s.char_max_features, lowercase=False, dtype=np.float32,
        )

    def fit(self, texts: list[str]) -> "FieldFeatures":
        self.words.fit(texts)
        self.chars.fit([char_text(t) for t in texts])
        return self

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        cue = np.vstack([np.log1p(cue_counts(t, self.field_ids)) for t in texts]) if texts else np.zeros((0, len(self.field_ids)))
        return sp.hstack([
            self.words.transform(texts),
            self.chars.transform([char_text(t) for t in texts]),
            sp.csr_matrix(cue * self.settings.cue_weight, dtype=np.float32),
            sp.csr_matrix(np.log1p([[integration_words(t)] for t in texts]).reshape(-1, 1) * self.settings.cue_weight,
                          dtype=np.float32),
            self._title_features(texts),
        ], format="csr")

    def _title_features(self, texts: list[str]) -> sp.csr_matrix:
        if not self.settings.title_weight:  # switched off: skip the title scan
            return sp.csr_matrix((len(texts), len(self.field_ids)), dtype=np.float32)
        counts = np.vstack([title_counts(t, self.field_ids) for t in texts]).reshape(-1, len(self.field_ids))
        return sp.csr_matrix(counts * self.settings.title_weight, dtype=np.float32)

    @property
    def size(self) -> int:
        return len(self.words.idf_) + len(self.chars.idf_) + 2 * len(self.field_ids) + 1

    # plain data, no pickle
    def export(self) -> tuple[dict, dict[str, np.ndarray]]:
        config = {
            "settings": {**self.settings.__dict__, "char_ngram": list(self.settings.char_ngram)},
            "word_vocabulary": self.words.get_feature_names_out().tolist(),
            "char_vocabulary": self.chars.get_feature_names_out().tolist(),
        }
        return config, {"word_idf": self.words.idf_.astype(np.float64), "char_idf": self.chars.idf_.astype(np.float64)}

    @classmethod
    def restore(cls, field_ids: list[str], config: dict, arrays: dict[str, np.ndarray]) -> "FieldFeatures":
        settings = FeatureSettings(**{**config["settings"], "char_ngram": tuple(config["settings"]["char_ngram"])})
        features = cls(field_ids, settings)
        features.words.set_params(vocabulary=config["word_vocabulary"])
        features.words.idf_ = arrays["word_idf"]
        features.chars.set_params(vocabulary=config["char_vocabulary"])
        features.chars.idf_ = arrays["char_idf"]
        return features


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))
