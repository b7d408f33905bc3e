"""The `presse-mining` command line: thin commands over the library.

Every command opens the store (`--db`, or PRESSE_DB, default presse.db), calls
one library function and prints the result. Domain errors become one line on
stderr and a non-zero exit code.
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .errors import PresseError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Cli(click.Group):
    """Turns PresseError anywhere below into `Error: <one line>` and exit code 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PresseError as error:
            raise click.ClickException(str(error)) from None


def db_option(function):
    return click.option(
        "--db", "db_path", envvar="PRESSE_DB", default="presse.db", show_default=True,
        type=click.Path(dir_okay=False), help="SQLite database file (or set PRESSE_DB).",
    )(function)


def open_store(db_path: str, create: bool = True):
    from .store import Store

    return Store(db_path, create=create)


@click.group(cls=Cli, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="presse-mining")
@click.option("-v", "--verbose", is_flag=True, help="Log what each stage does.")
def cli(verbose: bool):
    """Who met where and when: text mining of German press articles on integration work.

    \b
    Quick start:
        presse-mining run corpus/          # import + analyse into presse.db
        presse-mining search Integrationszentrum
        presse-mining extract article.txt  # no database, JSON lines

    Every command takes --db PATH (or PRESSE_DB) and -h for help.
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s")


@cli.command(name="import")
@db_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_(db_path, paths):
    """Import .txt, .html, .pdf and .jsonl files (folders recursively).

    The same document (by URL, else by content) is never stored twice; a changed
    one is updated and analysed again.

    Example:

        presse-mining import corpus/ downloads/minutes.pdf
    """
    from .workflow import import_paths

    with open_store(db_path) as store:
        report = import_paths(store, paths, progress=sys.stderr.isatty())
    _finish("import", report)


@cli.command()
@db_option
@click.option("--all", "everything", is_flag=True, help="Re-analyse every article, not only new ones.")
def analyze(db_path, everything):
    """Run the NLP pipeline over articles not yet analysed.

    Each article's results are written in one transaction: a run that is stopped
    and started again goes on where it stopped.

    Example:

        presse-mining analyze --all
    """
    from .workflow import analyze_store

    with open_store(db_path, create=False) as store:
        report = analyze_store(store, everything=everything, progress=sys.stderr.isatty())
    _finish("analyze", report)


@cli.command()
@db_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def run(db_path, paths):
    """Import PATHS (default: corpus/) and analyse everything new: the main job.

    Example:

        presse-mining run corpus/
    """
    from .workflow import analyze_store, import_paths

    paths = paths or (Path("corpus"),)
    with open_store(db_path) as store:
        imported = import_paths(store, paths, progress=sys.stderr.isatty())
        for line in imported.errors:
            click.echo(f"Error: {line}", err=True)
        analysed = analyze_store(store, progress=sys.stderr.isatty())
        counts = store.counts()
    click.echo(f"import: {imported.summary()}")
    click.echo(f"analyze: {analysed.summary()}")
    click.echo("database {}: {}".format(db_path, ", ".join(f"{n} {t}" for t, n in counts.items())))
    click.echo(f"Look at it: presse-mining --help | presse-mining search WORD --db {db_path} | presse-mining serve --db {db_path}")
    if imported.errors:
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--published", help="Publication date (YYYY-MM-DD or YYYY-MM) to anchor relative dates.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
def extract(files, published, fmt):
    """Analyse .txt/.html files without a database; one JSON object per file.

    Example:

        presse-mining extract --format jsonl corpus/*.txt
    """
    from .nlp import analyze
    from .sources.files import read_documents

    failed = False
    for path in files:
        try:
            documents = list(read_documents(path))
        except PresseError as error:
            click.echo(f"Error: {error}", err=True)
            failed = True
            continue
        for article in documents:
            if isinstance(article, PresseError):
                click.echo(f"Error: {article}", err=True)
                failed = True
                continue
            when = published or article.published
            result = {"source": str(path), "title": article.title, "published": when}
            analysed = analyze(article.text, when)
            analysed.pop("published", None)
            result.update(analysed)
            if fmt == "jsonl":
                click.echo(json.dumps(result, ensure_ascii=False))
            else:
                click.echo(_table(result))
    if failed:
        sys.exit(1)


@cli.command()
@db_option
@click.argument("query")
@click.option("--limit", default=20, show_default=True)
def search(db_path, query, limit):
    """Full-text search over titles and texts; German inflected forms match.

    Example:

        presse-mining search "Kreissportbund"
    """
    with open_store(db_path, create=False) as store:
        for row in store.search(query, limit=limit):
            click.echo(f"{row['id']}\t{row['published'] or '-'}\t{row['title'] or ''}")


@cli.command()
@db_option
def stats(db_path):
    """Row counts of the store's tables.

    Example:

        presse-mining stats --db presse.db
    """
    with open_store(db_path, create=False) as store:
        for table, n in store.counts().items():
            click.echo(f"{table}\t{n}")


def _finish(stage: str, report) -> None:
    for line in report.errors:
        click.echo(f"Error: {line}", err=True)
    click.echo(f"{stage}: {report.summary()}")
    if report.errors:
        sys.exit(1)


def _table(result: dict) -> str:
    lines = [f"== {result['source']}  ({result.get('published') or 'undated'})  {result.get('title') or ''}"]
    for ent in result["entities"]:
        lines.append(f"  {ent['label']:<5}{ent['text']}  →  {ent['canonical']}")
    for d in result["dates"]:
        lines.append(f"  DATE {d['text']}  →  {d.get('value')}")
    for r in result["roles"]:
        lines.append(f"  ROLE {r['person']}: {r['role']}" + (f" ({r['organisation']})" if r.get("organisation") else ""))
    for e in result["events"]:
        lines.append(f"  EVENT {e.get('date') or '?'} {e.get('type') or ''} in {e.get('place') or '?'}: {e.get('title') or ''}")
    for f in result["fields"]:
        lines.append(f"  FIELD {f['label']} {f['score']:.2f}")
    return "\n".join(lines)
