"""The article record that flows from sources through nlp into the store."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field


@dataclass
class Article:
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    author: str | None = None
    fetched_at: str | None = None
    imported_at: str | None = None
    language: str | None = "de"
    extractor: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    def record(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        data["content_hash"] = self.content_hash
        return data


def content_hash(text: str) -> str:
    normalised = " ".join(text.split()).casefold()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
