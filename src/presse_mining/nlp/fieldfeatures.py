"""Text → features for the Handlungsfelder classifier.

German words vary by case and compounding ("Flüchtlingshilfe", "Sportvereinen"),
so the features are folded Snowball stems (word uni- and bigrams), character
n-grams of the folded text (they reach into compounds), and per field the
number of taxonomy cues found. The same functions serve training and
inference; the fitted vocabularies travel as plain lists and arrays.
"""
from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from itertools import repeat
from dataclasses import dataclass, field as dataclass_field
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from .. import taxonomy
from ..articles.clean import paragraph_spans
from ..store.german import stem

_WORD = re.compile(r"\w+", re.UNICODE)
_WORD_SPLIT = re.compile(r"(\w+)", re.UNICODE)   # split(): non-words and words alternating
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
    boundary_ends = [e for _, e in boundaries] if boundaries else []
    for p_start, p_end in paragraphs(text):
        if boundaries:   # sorted: start at the first that ends inside or after this paragraph
            pieces = []
            i = bisect_right(boundary_ends, p_start)
            while i < len(boundaries) and boundaries[i][0] < p_end:
                s, e = boundaries[i]
                pieces.append((max(s, p_start), min(e, p_end)))
                i += 1
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
    return bool(_integration_matcher().matches(token_stem))


@lru_cache(maxsize=1)
def _integration_matcher() -> "StemMatcher":
    return StemMatcher(_integration_stems())


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


class StemMatcher:
    """Which of a list of cue stems match a word's stem by _stem_matches, without trying each one:
    exact and start/end matches are set lookups, the long cues one regular-expression search first
    (most words match none)."""

    def __init__(self, cue_stems: tuple[str, ...]):
        self.cue_stems = cue_stems
        self.exact: dict[str, list[int]] = {}
        self.ends: dict[str, list[int]] = {}
        self.long: list[tuple[int, str]] = []
        for i, s in enumerate(cue_stems):
            self.exact.setdefault(s, []).append(i)
            if len(s) >= 6:
                self.long.append((i, s))
            elif len(s) >= 4:
                self.ends.setdefault(s, []).append(i)
        self.any_long = re.compile("|".join(re.escape(s) for _, s in self.long)) if self.long else None

    def matches(self, token_stem: str) -> list[int]:
        found = set(self.exact.get(token_stem, ()))
        for k in (4, 5):
            if len(token_stem) >= k:
                found.update(self.ends.get(token_stem[:k], ()))
                found.update(self.ends.get(token_stem[-k:], ()))
        if self.any_long is not None and self.any_long.search(token_stem):
            found.update(i for i, s in self.long if s in token_stem)
        return sorted(found)


@lru_cache(maxsize=1)
def _first_word_matcher() -> tuple[StemMatcher, list[int], dict[str, list[int]]]:
    """Single-word cues (matched like compounds; with their indices in cues()) and, by their exact
    first stem, multi-word cues."""
    singles = [(i, c.stems[0]) for i, c in enumerate(cues()) if len(c.stems) == 1]
    phrases: dict[str, list[int]] = {}
    for i, c in enumerate(cues()):
        if len(c.stems) > 1:
            phrases.setdefault(c.stems[0], []).append(i)
    return StemMatcher(tuple(s for _, s in singles)), [i for i, _ in singles], phrases


@lru_cache(maxsize=200_000)
def _cues_starting_at(token_stem: str) -> tuple[int, ...]:
    """Indices of the cues whose first word can be this stem (memoised: the check is the slow part)."""
    matcher, single_index, phrases = _first_word_matcher()
    found = [single_index[j] for j in matcher.matches(token_stem)] + phrases.get(token_stem, [])
    return tuple(sorted(found))


def find_cues(text: str, field: str | None = None) -> list[tuple[Cue, int, int]]:
    """(cue, start, end) for every cue occurrence in `text` (of one field, or all)."""
    words = [(m.start(), m.end(), stem(m.group())) for m in _WORD.finditer(text)]
    return _cue_hits([w[2] for w in words], [w[0] for w in words], [w[1] for w in words], range(len(words)),
                     len(words), field)


def _cue_hits(token_stems: list[str], starts, ends, candidates, limit: int,
              field: str | None = None) -> list[tuple[Cue, int, int]]:
    """The cues that start at the `candidates` words and end before word `limit`."""
    all_cues = cues()
    found = []
    for i in candidates:
        for c in _cues_starting_at(token_stems[i]):
            cue = all_cues[c]
            if field is not None and cue.field != field:
                continue
            n, end = len(cue.stems), ends[i]
            if n > 1:  # phrases: inner words exact, the last one may be inflected or compounded
                if i + n > limit or not all(a == token_stems[i + k] for k, a in enumerate(cue.stems[1:-1], 1)):
                    continue
                if not _stem_matches(cue.stems[-1], token_stems[i + n - 1]):
                    continue
                end = ends[i + n - 1]
            found.append((cue, int(starts[i]), int(end)))
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
    """(field, stem) of the one-word parts of each field's name ('Bildung & Sprache' → bildung, sprach;
    'Kinder, Jugend & Familie' → kind, jugend, famili). A part of several words ('interkulturelle
    Öffnung') names the field only as the whole phrase, which the cues already cover."""
    words = []
    for f in taxonomy.fields():
        for part in re.split(r"[&,]", f.name):
            part_stems = stems(part)
            if len(part_stems) == 1 and len(part_stems[0]) >= 4:
                words.append((f.id, part_stems[0]))
    return tuple(words)


@lru_cache(maxsize=200_000)
def _is_structure_word(token_stem: str) -> bool:
    return bool(_structure_matcher().matches(token_stem))


@lru_cache(maxsize=1)
def _structure_matcher() -> StemMatcher:
    return StemMatcher(_structure_stems())


def _titled_fields(text: str) -> set[str]:
    found = {cue.field for cue, _, _ in _all_cues(text)}
    # the title word itself, not inside a compound: "Arbeit" is a topic, "Mitarbeiter",
    # "Integrationsarbeit" and "Arbeitsgruppe" are not (the field's compounds are its cues)
    words = set(stems(text))
    found |= {field for field, s in _title_words() if s in words}
    return found


@lru_cache(maxsize=50_000)
def title_fields(text: str) -> tuple[str, ...]:
    """Fields named in sentences that name workshops, working groups or topics, and in the
    short list lines after such a sentence ending in a colon."""
    return title_fields_in(Tokens.of(text))


def title_fields_in(tokens: "Tokens") -> tuple[str, ...]:
    """title_fields of a tokenised text: the structure words are looked up in its stems (the
    sentence splitter cuts only at white space, so a sentence's words are whole text words)."""
    text = tokens.text
    found: set[str] = set()
    where = tokens.structure_words()
    if not where.any():   # most texts: nothing to scan
        return ()
    starts, ends = tokens.starts[where].tolist(), tokens.ends[where].tolist()   # the structure words

    def has_structure_word(start: int, end: int) -> bool:   # one lying wholly inside start..end
        i = bisect_left(starts, start)
        while i < len(starts) and starts[i] < end:
            if ends[i] <= end:
                return True
            i += 1
        return False

    in_list = False
    for p_start, p_end in paragraphs(text):
        paragraph = text[p_start:p_end]
        if in_list and len(paragraph) <= LIST_ITEM_CHARS:
            found |= _titled_fields(paragraph)
            continue
        in_list = False
        if not has_structure_word(p_start, p_end):   # then none of its sentences names titles
            continue
        for s, e in sentences(paragraph):
            if has_structure_word(p_start + s, p_start + e):
                sentence = paragraph[s:e]
                found |= _titled_fields(sentence)
                in_list = sentence.rstrip().endswith(":")
    return tuple(sorted(found))


def title_counts(text: str | "Tokens", field_ids: list[str]) -> np.ndarray:
    named = set(title_fields(text) if isinstance(text, str) else title_fields_in(text))
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
    """Word-stem and character TF-IDF plus cue counts, fitted once, stored as lists and arrays.

    scikit-learn's vectorisers fit the vocabularies; applying a fitted or restored model needs
    only the vocabularies and IDF weights (transform_spans), so loading one does not import
    scikit-learn (a second of every analysis worker's start)."""

    def __init__(self, field_ids: list[str], settings: FeatureSettings | None = None):
        self.field_ids = list(field_ids)
        self.settings = settings or FeatureSettings()
        self.words = self.chars = None   # the fitted vectorisers (after fit() only)

    def fit(self, texts: list[str]) -> "FieldFeatures":
        from sklearn.feature_extraction.text import TfidfVectorizer

        s = self.settings
        self.words = TfidfVectorizer(analyzer=word_terms, sublinear_tf=True, min_df=s.word_min_df, dtype=np.float32)
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(s.char_ngram), sublinear_tf=True, min_df=s.char_min_df,
            max_features=s.char_max_features, lowercase=False, dtype=np.float32,
        )
        self.words.fit(texts)
        self.chars.fit([char_text(t) for t in texts])
        self._index(self.words.get_feature_names_out().tolist(), self.chars.get_feature_names_out().tolist(),
                    self.words.idf_, self.chars.idf_)
        return self

    def _index(self, word_vocabulary: list[str], char_vocabulary: list[str], word_idf, char_idf) -> None:
        """Lookup tables for the fast path (vocabulary → column, word type → its character n-grams)."""
        self._word_vocabulary, self._char_vocabulary = word_vocabulary, char_vocabulary
        self._word_columns = {term: i for i, term in enumerate(word_vocabulary)}
        self._char_columns = {term: i for i, term in enumerate(char_vocabulary)}
        self._word_idf = np.asarray(word_idf, dtype=np.float64)
        self._char_idf = np.asarray(char_idf, dtype=np.float64)
        self._types = _TypeColumns(self)
        self._field_column = {f: i for i, f in enumerate(self.field_ids)}

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        """One row per text (each text a document of its own)."""
        rows = [self.transform_spans(Tokens.of(t), [(0, len(t))])[0] for t in texts]
        if not rows:
            return sp.csr_matrix((0, self.size), dtype=np.float32)
        return sp.vstack(rows, format="csr")

    def transform_spans(self, tokens: "Tokens", spans: list[tuple[int, int]],
                        hits: list[list] | None = None) -> tuple[sp.csr_matrix, list[list]]:
        """One row per character span of one tokenised text (paragraphs, sentences, the whole text),
        the same features as sklearn's vectorisers give each span's text, from one tokenisation; and
        each span's cue occurrences. Character n-grams are looked up once per word type, and a
        span's words are a contiguous run of the text's words, so its n-grams are one slice.
        `hits`: the spans' cue occurrences where the caller has them already."""
        n_spans, n_fields = len(spans), len(self.field_ids)
        first, last = tokens.token_range(spans)
        columns = tokens.columns(self)
        word_slices = [(columns.word_ptr[a], columns.word_ptr[b]) for a, b in zip(first, last)]
        pair_slices = [(columns.pair_ptr[a], columns.pair_ptr[max(b - 1, a)]) for a, b in zip(first, last)]
        words = _tfidf_entries([np.concatenate([columns.words[a:b], columns.pairs[c:d]])
                                for (a, b), (c, d) in zip(word_slices, pair_slices)], self._word_idf)
        chars = _tfidf_entries([columns.chars[columns.char_ptr[a]:columns.char_ptr[b]] for a, b in zip(first, last)],
                               self._char_idf)
        if hits is None:
            hits = tokens.cue_hits_of(first, last)
        small = np.zeros((n_spans, 2 * n_fields + 1))
        for i, span_hits in enumerate(hits):
            for c, _, _ in span_hits:
                j = self._field_column.get(c.field)
                if j is not None:
                    small[i, j] += 1
        integration = np.concatenate([[0], np.cumsum(tokens.integration)])
        small[:, n_fields] = integration[last] - integration[first]
        small[:, :n_fields + 1] = np.log1p(small[:, :n_fields + 1]) * self.settings.cue_weight
        if self.settings.title_weight:   # switched off by default: skip the title scan
            small[:, n_fields + 1:] = np.vstack([title_counts(tokens.text[s:e], self.field_ids)
                                                 for s, e in spans]) * self.settings.title_weight
        small_rows, small_columns = np.nonzero(small)
        blocks = [words, chars, (small_rows, small_columns, small[small_rows, small_columns])]
        return _csr(blocks, [0, len(self._word_idf), len(self._word_idf) + len(self._char_idf)], n_spans, self.size), hits

    @property
    def size(self) -> int:
        return len(self._word_idf) + len(self._char_idf) + 2 * len(self.field_ids) + 1

    # plain data, no pickle
    def export(self) -> tuple[dict, dict[str, np.ndarray]]:
        config = {
            "settings": {**self.settings.__dict__, "char_ngram": list(self.settings.char_ngram)},
            "word_vocabulary": list(self._word_vocabulary),
            "char_vocabulary": list(self._char_vocabulary),
        }
        return config, {"word_idf": self._word_idf.copy(), "char_idf": self._char_idf.copy()}

    @classmethod
    def restore(cls, field_ids: list[str], config: dict, arrays: dict[str, np.ndarray]) -> "FieldFeatures":
        settings = FeatureSettings(**{**config["settings"], "char_ngram": tuple(config["settings"]["char_ngram"])})
        features = cls(field_ids, settings)
        features._index(config["word_vocabulary"], config["char_vocabulary"], arrays["word_idf"], arrays["char_idf"])
        return features


# -- the fast path: one tokenisation per text ------------------------------------------------
# Press texts repeat their words: what the features need of a word (its stem, folded form, flags,
# vocabulary columns) is worked out once per distinct word and kept in arrays indexed by a type
# number, so a text's words become one dictionary lookup each and the rest are numpy gathers.
_INTEGRATION, _CUE_START, _STRUCTURE = 1, 2, 4   # bits of _WordTypes.flags


class _WordTypes:
    """The distinct \\w+ words seen so far, numbered, with each one's stem, folded form and flags.
    Past LIMIT types it starts afresh (memory stays bounded); `generation` tells the per-vocabulary
    tables built on the old numbers to start afresh too."""

    LIMIT = 100_000

    def __init__(self):
        self.generation = 0
        # one thread per process is the design (README: dask worker --nthreads 1); the lock only
        # keeps the table whole should two threads add words at once
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.generation += 1
        self.index: dict[str, int] = {}
        self.stems: list[str] = []
        self.folded: list[str] = []
        self.flags = np.zeros(4096, dtype=np.uint8)

    def ids(self, words: list[str]) -> tuple[np.ndarray, int]:
        """The words' type numbers, adding the new ones, and the generation they belong to."""
        generation, index = self.generation, self.index
        ids = np.fromiter(map(index.get, words, repeat(-1)), np.int64, len(words))
        missing = np.flatnonzero(ids < 0)
        if len(missing):
            with self.lock:
                new = set(words).difference(self.index)
                if len(self.index) + len(new) > self.LIMIT:
                    self.clear()
                    new = set(words)
                for word in sorted(new):   # sorted: the same numbers whatever the set order
                    self._add(word)
                ids = np.fromiter(map(self.index.__getitem__, words), np.int64, len(words))
                generation = self.generation
        return ids, generation

    def _add(self, word: str) -> None:
        index = len(self.stems)
        self.flags = _with_room(self.flags, index + 1)
        word_stem = stem(word)
        self.stems.append(word_stem)
        self.folded.append(fold(word))
        self.flags[index] = (_INTEGRATION * _is_integration_word(word_stem) + _CUE_START * bool(_cues_starting_at(word_stem))
                             + _STRUCTURE * _is_structure_word(word_stem))
        self.index[word] = index


WORD_TYPES = _WordTypes()


def _with_room(array: np.ndarray, needed: int) -> np.ndarray:
    """The array, doubled until it holds `needed` items (amortised growth of the type tables)."""
    while needed > len(array):
        array = np.concatenate([array, np.zeros_like(array)])
    return array


class _TypeColumns:
    """One FieldFeatures' vocabulary columns of every word type: its stem's column, its stem's
    number among the bigram vocabulary's stems, and its character n-grams' columns (kept in one
    flat array, so a text's n-gram columns are one gather)."""

    def __init__(self, features: "FieldFeatures"):
        self.features = features
        pair_stems: dict[str, int] = {}
        keyed = []
        for term, column in features._word_columns.items():
            if " " in term:   # "stem stem": stems never hold a space
                first, second = term.split(" ")
                keyed.append((pair_stems.setdefault(first, len(pair_stems)),
                              pair_stems.setdefault(second, len(pair_stems)), column))
        self.pair_stems, self.base = pair_stems, max(len(pair_stems), 1)
        keys = np.array([a * self.base + b for a, b, _ in keyed], dtype=np.int64)
        order = np.argsort(keys)
        self.pair_keys = keys[order]
        self.pair_columns = np.array([c for _, _, c in keyed], dtype=np.int64)[order]
        self.generation = None
        self.lock = threading.Lock()

    def _clear(self) -> None:
        self.generation = WORD_TYPES.generation
        self.size = 0
        self.word = np.zeros(4096, dtype=np.int64)        # per type: its stem's column, −1: none
        self.pair_stem = np.zeros(4096, dtype=np.int64)   # per type: its stem's number in pair_stems, −1: none
        self.char_start = np.zeros(4096, dtype=np.int64)  # per type: where its n-gram columns begin in flat
        self.char_length = np.zeros(4096, dtype=np.int64)
        self.flat = np.zeros(65536, dtype=np.int64)
        self.used = 0

    def update(self) -> None:
        """Cover every word type numbered so far."""
        if self.generation == WORD_TYPES.generation and self.size == len(WORD_TYPES.stems):
            return
        with self.lock, WORD_TYPES.lock:   # no word is added while the table catches up
            if self.generation != WORD_TYPES.generation:
                self._clear()
            word_columns, char_columns = self.features._word_columns, self.features._char_columns
            ngram = self.features.settings.char_ngram
            stems_, folded = WORD_TYPES.stems, WORD_TYPES.folded
            for index in range(self.size, len(stems_)):
                for name in ("word", "pair_stem", "char_start", "char_length"):
                    setattr(self, name, _with_room(getattr(self, name), index + 1))
                found = [c for c in map(char_columns.get, _char_wb_ngrams(folded[index], ngram)) if c is not None]
                self.flat = _with_room(self.flat, self.used + len(found))
                self.word[index] = word_columns.get(stems_[index], -1)
                self.pair_stem[index] = self.pair_stems.get(stems_[index], -1)
                self.char_start[index], self.char_length[index] = self.used, len(found)
                self.flat[self.used:self.used + len(found)] = found
                self.used += len(found)
            self.size = len(stems_)

    def of(self, ids: np.ndarray) -> "TokenColumns":
        self.update()
        words, word_ptr = _known(self.word[ids])
        first, second = self.pair_stem[ids[:-1]], self.pair_stem[ids[1:]]
        if len(self.pair_keys) and len(first):   # per adjacent pair of words, its bigram's column
            keys = first * self.base + second
            at = np.minimum(np.searchsorted(self.pair_keys, keys), len(self.pair_keys) - 1)
            found = (first >= 0) & (second >= 0) & (self.pair_keys[at] == keys)
            pair_columns = np.where(found, self.pair_columns[at], -1)
        else:
            pair_columns = np.full(len(first), -1, dtype=np.int64)
        pairs, pair_ptr = _known(pair_columns)
        pair_ptr = np.concatenate([pair_ptr, np.full(len(ids) + 1 - len(pair_ptr), pair_ptr[-1])])  # one per word
        lengths = self.char_length[ids]
        char_ptr = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(lengths, out=char_ptr[1:])
        # output position k of word w reads flat[start[w] + k − char_ptr[w]]
        source = np.repeat(self.char_start[ids] - char_ptr[:-1], lengths) + np.arange(char_ptr[-1], dtype=np.int64)
        return TokenColumns(words, word_ptr, pairs, pair_ptr, self.flat[source], char_ptr)


@dataclass
class TokenColumns:
    """A text's words as vocabulary columns of one FieldFeatures: per word its stem's column, per
    word pair its bigram's column, per word its character n-grams' columns (flat, with pointers)."""

    words: np.ndarray
    word_ptr: np.ndarray
    pairs: np.ndarray
    pair_ptr: np.ndarray
    chars: np.ndarray
    char_ptr: np.ndarray


def _known(columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Columns in the vocabulary (−1: not) and, per item, where its entries start."""
    array = np.asarray(columns, dtype=np.int64).reshape(-1)
    known = array >= 0
    return array[known], np.concatenate([[0], np.cumsum(known)]).astype(np.int64)


@dataclass
class Tokens:
    """The \\w+ words of a text with their offsets and word-type numbers (_WordTypes)."""

    text: str
    starts: np.ndarray
    ends: np.ndarray
    words: list[str]
    _ids: np.ndarray
    _generation: int
    _columns: dict = dataclass_field(default_factory=dict)   # per FieldFeatures: its TokenColumns
    _stems: list[str] | None = None
    _cue_positions: np.ndarray | None = None                 # the words where a cue can start

    @classmethod
    def of(cls, text: str) -> "Tokens":
        # offsets from the pieces' lengths: one C-level split instead of a Match object per word
        pieces = _WORD_SPLIT.split(text)
        words = pieces[1::2]
        bounds = np.cumsum(np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces)))   # where each piece ends
        starts, ends = bounds[0:-1:2].copy(), bounds[1::2].copy()   # a word starts where the piece before it ends
        return cls(text, starts, ends, words, *WORD_TYPES.ids(words))

    def ids(self) -> np.ndarray:
        """The words' type numbers (numbered afresh if the types started afresh since)."""
        if self._generation != WORD_TYPES.generation:
            self._ids, self._generation = WORD_TYPES.ids(self.words)
            self._columns.clear()
        return self._ids

    def _flags(self, bit: int) -> np.ndarray:
        return (WORD_TYPES.flags[self.ids()] & bit).astype(bool)

    @property
    def stems(self) -> list[str]:
        if self._stems is None:
            type_stems = WORD_TYPES.stems
            self._stems = [type_stems[i] for i in self.ids().tolist()]
        return self._stems

    @property
    def integration(self) -> np.ndarray:
        return self._flags(_INTEGRATION)

    def structure_words(self) -> np.ndarray:
        """Per word: is it a structure word (STRUCTURE_WORDS)?"""
        return self._flags(_STRUCTURE)

    def columns(self, features: "FieldFeatures") -> TokenColumns:
        ids = self.ids()
        cached = self._columns.get(id(features))
        if cached is not None and cached[0] is features:
            return cached[1]
        found = features._types.of(ids)
        self._columns[id(features)] = (features, found)
        return found

    def token_range(self, spans: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
        """Per span, the first and one-past-last word that lie wholly inside it."""
        starts = np.array([s for s, _ in spans], dtype=np.int64)
        ends = np.array([e for _, e in spans], dtype=np.int64)
        first = np.searchsorted(self.starts, starts, side="left")
        last = np.searchsorted(self.ends, ends, side="right")
        return first, np.maximum(last, first)

    def cue_hits_of(self, first, last) -> list[list[tuple[Cue, int, int]]]:
        """Per span of words first[i]..last[i]−1, find_cues of its words, looking only at the words
        where a cue can start (found for all spans at once)."""
        if self._cue_positions is None:
            self._cue_positions = np.flatnonzero(self._flags(_CUE_START))
        a = np.searchsorted(self._cue_positions, first).tolist()
        b = np.searchsorted(self._cue_positions, last).tolist()
        positions, limits = self._cue_positions, np.asarray(last).tolist()
        return [_cue_hits(self.stems, self.starts, self.ends, positions[i:j].tolist(), limit) if i < j else []
                for i, j, limit in zip(a, b, limits)]

    def integration_words(self) -> int:
        return int(np.count_nonzero(self.integration))


def _char_wb_ngrams(word: str, ngram: tuple[int, int]) -> list[str]:
    """sklearn's char_wb n-grams of one word (padded with a space each side)."""
    padded = f" {word} "
    length = len(padded)
    grams = []
    for n in range(ngram[0], ngram[1] + 1):
        if length <= n:   # a word no longer than n counts once, as a whole
            grams.append(padded)
            break
        grams += [padded[i:i + n] for i in range(length - n + 1)]
    return grams


def _tfidf_entries(rows: list[np.ndarray], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, value) of what TfidfVectorizer(sublinear_tf=True, norm="l2") makes of each
    row's term columns, in row-then-column order."""
    width = len(idf)
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    columns = np.concatenate(rows).astype(np.int64) if rows else np.zeros(0, dtype=np.int64)
    keys, counts = np.unique(np.repeat(np.arange(len(rows), dtype=np.int64), lengths) * width + columns,
                             return_counts=True)
    row_of, column = keys // width, keys % width
    values = (np.log(counts) + 1.0) * idf[column]
    norms = np.sqrt(np.bincount(row_of, weights=values * values, minlength=len(rows)))
    norms[norms == 0] = 1.0
    return row_of, column, values / norms[row_of]


def _csr(blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]], offsets: list[int], n_rows: int,
         width: int) -> sp.csr_matrix:
    """One CSR matrix from column blocks of (row, column, value) entries, built in one step."""
    rows = np.concatenate([b[0] for b in blocks]).astype(np.int64)
    columns = np.concatenate([b[1] + offset for b, offset in zip(blocks, offsets)]).astype(np.int64)
    values = np.concatenate([b[2] for b in blocks]).astype(np.float32)
    order = np.argsort(rows, kind="stable")   # blocks are in column order, each row-then-column
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_rows))]).astype(np.int64)
    return sp.csr_matrix((values[order], columns[order], indptr), shape=(n_rows, width))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))
