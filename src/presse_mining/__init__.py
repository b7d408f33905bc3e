"""presse_mining: who met where and when, with whom, on which fields of action,
from German regional press and municipal press releases."""
from __future__ import annotations

__version__ = "0.1.0"


def extract(text: str, published: str | None = None) -> dict:
    """Analyse one text without a database; the format of docs/output.md.

    A leading ` date YYYY-MM ` header is read as the publication date. Offsets refer
    to the cleaned text, which is returned as `text`.
    """
    from .nlp import analyze
    from .sources.files import text_article

    article = text_article(text, published=published)
    result = {"source": None, "title": article.title, "published": article.published, "text": article.text}
    analysed = analyze(article.text, article.published)
    analysed.pop("published", None)
    result.update(analysed)
    return result


def parse_html(html: str | bytes, url: str | None = None):
    """Parse an article page: an object with title, text, published, author, url, extractor."""
    from .articles import parse_html as _parse

    return _parse(html, url=url)


__all__ = ["__version__", "extract", "parse_html"]
