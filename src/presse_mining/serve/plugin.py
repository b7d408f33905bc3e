"""Datasette plugin: German full-text search and article links in our views.

Datasette's table search runs `articles_fts MATCH escape_fts(:search)`. Our FTS
index holds folded German Snowball stems (store.german), so the query must be
stemmed the same way: we register our own `escape_fts` after Datasette's
built-in one (trylast), and the later registration wins.
"""
from __future__ import annotations

from datasette import hookimpl
from markupsafe import Markup, escape

from ..store.german import fts_query

# Datasette 0.65 prints every error (even a 400 for bad SQL) with rich when rich is
# importable (it is, through typer), and rich raises ValueError when called outside
# an except block, which turns a helpful error page into a 500. Switch that off.
try:
    from datasette import handle_exception as _datasette_errors

    _datasette_errors.rich = None
except ImportError:  # a Datasette without that module prints nothing anyway
    pass

# Views whose article_id column should link to the article's page.
VIEWS_WITH_ARTICLE = {"event_map"}


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)


# Requests that could change something: only logging in and out may POST.
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
LOGIN_PATHS = {"/-/login", "/-/logout"}


@hookimpl
def asgi_wrapper(datasette):
    """Answer 405 to every POST/PUT/PATCH/DELETE except login: the store is read-only
    in the browser, whatever a plugin or a future Datasette may offer."""

    def wrap(app):
        async def read_only(scope, receive, send):
            if scope["type"] == "http" and scope["method"] not in READ_METHODS and scope["path"] not in LOGIN_PATHS:
                body = "Nur lesend: Änderungen über den Browser sind nicht möglich.\n".encode()
                await send({"type": "http.response.start", "status": 405,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD")]})
                await send({"type": "http.response.body", "body": body})
                return
            await app(scope, receive, send)

        return read_only

    return wrap


@hookimpl
def render_cell(value, column, table, database, datasette):
    # Datasette expands foreign keys of tables, not of views: link by hand.
    if table in VIEWS_WITH_ARTICLE and column == "article_id" and isinstance(value, int):
        url = datasette.urls.row(database, "articles", value)
        return Markup(f'<a href="{escape(url)}">Artikel {value}</a>')
    # The canned queries (table is None) name their article column "Artikel".
    if table is None and column == "Artikel" and isinstance(value, int):
        url = datasette.urls.row(database, "articles", value)
        return Markup(f'<a href="{escape(url)}">{value}</a>')
    return None
