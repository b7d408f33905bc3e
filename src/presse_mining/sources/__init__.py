"""Sources: where articles come from (local files; the crawler in `crawl`)."""
