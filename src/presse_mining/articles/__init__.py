"""Articles: the record, text clean-up and HTML parsing."""
from .clean import clean_text, guess_title, split_date_header
from .html import ParsedPage, parse_html
from .model import Article, content_hash

__all__ = ["Article", "ParsedPage", "clean_text", "content_hash", "guess_title", "parse_html", "split_date_header"]
