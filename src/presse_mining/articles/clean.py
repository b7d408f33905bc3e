"""Text clean-up shared by every source: headers, repeated paragraphs, white space."""
from __future__ import annotations

import bisect
import re
import unicodedata
from difflib import SequenceMatcher

# A text may start with " date 2021-11 " (an archive header): metadata, not article text.
_DATE_HEADER = re.compile(r"^\s*date\s+(\d{4}(?:-\d{2}(?:-\d{2})?)?)\s+")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def split_date_header(text: str) -> tuple[str | None, str]:
    """(published, rest) when the text starts with a ` date YYYY-MM ` header."""
    match = _DATE_HEADER.match(text)
    if not match:
        return None, text
    return match.group(1), text[match.end():]


def clean_text(text: str) -> str:
    """Normalise white space and drop paragraphs that repeat an earlier one.

    Press pages often print the lead or a photo caption twice; analysing it twice
    would count every name and event twice. Short lines (headings, list items,
    "Artikel teilen") may repeat legitimately and are kept.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text.replace("\u00ad", ""))  # soft hyphens split words invisibly
    kept: list[str] = []
    # earlier long paragraphs sorted by length: only those of similar length can repeat a line
    lengths: list[int] = []
    earlier_long: list[tuple[str, frozenset[str]]] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if len(line) >= MIN_REPEAT_CHARS:
            words = frozenset(line.lower().split())
            low = bisect.bisect_left(lengths, len(line) * 0.85)
            high = bisect.bisect_right(lengths, len(line) / 0.85)
            if any(_same_paragraph(line, words, *earlier_long[i]) for i in range(low, high)):
                continue
            at = bisect.bisect_right(lengths, len(line))
            lengths.insert(at, len(line))
            earlier_long.insert(at, (line, words))
        kept.append(line)
    return "\n\n".join(kept)


MIN_REPEAT_CHARS = 80


def _same_paragraph(a: str, a_words: frozenset[str], b: str, b_words: frozenset[str]) -> bool:
    if abs(len(a) - len(b)) > 0.15 * max(len(a), len(b)):
        return False
    if a == b:
        return True
    # shared words first: a cheap test that rules out almost every pair before difflib
    if len(a_words & b_words) < 0.8 * max(len(a_words), len(b_words)):
        return False
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= 0.92 and matcher.quick_ratio() >= 0.92 and matcher.ratio() >= 0.92


def guess_title(text: str) -> str | None:
    """The first paragraph when it reads like a headline, else its first sentence, shortened."""
    first = text.split("\n", 1)[0].strip()
    if not first:
        return None
    if len(first) <= 160:
        return first
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    return sentence if len(sentence) <= 160 else sentence[:157].rsplit(" ", 1)[0] + " …"


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty line, stripped: the paragraphs of our texts and of the
    stand-off annotations (one paragraph per line, as press texts are stored)."""
    spans, pos = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = pos + line.index(stripped)
            spans.append((start, start + len(stripped)))
        pos += len(line) + 1
    return spans

