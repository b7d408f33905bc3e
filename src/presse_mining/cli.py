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
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes running the pipeline (default: the cores; 1 = in this process).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local processes, or a Dask distributed cluster (needs --scheduler).")
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
@click.option("--batch-size", type=click.IntRange(min=1), default=64, show_default=True,
              help="Articles per batch (one batch = one transaction).")
def analyze(db_path, everything, workers, engine, scheduler, batch_size):
    """Run the NLP pipeline over articles not yet analysed.

    Worker processes (or Dask workers) run the pipeline; this process alone writes,
    one transaction per batch, in article order: a run that is stopped and started
    again goes on where it stopped.

    Examples:

        presse-mining analyze --all
        presse-mining analyze --workers 4
        presse-mining analyze --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from .workflow_parallel import default_workers
    from .workflow import analyze_store

    with open_store(db_path, create=False) as store:
        report = analyze_store(
            store, everything=everything, progress=sys.stderr.isatty(), workers=workers or default_workers(),
            engine=engine, scheduler=scheduler, batch_size=batch_size,
        )
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
@click.option("--config", "config_path", default="sources.toml", show_default=True,
              type=click.Path(dir_okay=False), help="Sources file (see docs/sources.md).")
@click.argument("names", nargs=-1)
def crawl(db_path, config_path, names):
    """Fetch new and changed articles from the sources in sources.toml.

    Polite (robots.txt, a pause per host, conditional requests) and resumable:
    a stopped crawl started again goes on where it stopped. NAMES limit the
    crawl to these sources.

    Example:

        presse-mining crawl --config sources.toml kreis-guetersloh
    """
    from .sources.config import load_config
    from .sources.crawl import crawl as run_crawl

    sources = load_config(config_path)
    unknown = sorted(set(names) - {s.name for s in sources})
    if unknown:
        raise PresseError(f"{config_path}: no source named {', '.join(unknown)}")
    chosen = [s for s in sources if not names or s.name in names]
    with open_store(db_path) as store:
        report = run_crawl(store, chosen, progress=sys.stderr.isatty())
    click.echo(f"crawl: {report.summary()}")
    if report.sources_failed:  # a page that fails is reported; a source that cannot be read is an error
        sys.exit(1)


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


@cli.command()
@click.option("--gold", "gold_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Gold file in the format of ../shared/gold/seeds.json.")
@click.option("--texts", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder with the gold documents' texts (default: beside the gold file, ../seeds, corpus/).")
@click.option("--predictions", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Score this `extract --format jsonl` output instead of running extract.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--errors", "show_errors", is_flag=True, help="List every miss and spurious item.")
def evaluate(gold_path, texts, predictions, fmt, show_errors):
    """Score extraction against document-level gold (entities, dates, events, fields).

    Runs `extract` on each gold document (or reads --predictions) and applies
    the matching rules of the gold README.

    Example:

        presse-mining evaluate --gold ../shared/gold/seeds.json
    """
    from .evaluation import evaluate as run_evaluation, find_text

    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    results = {}
    if predictions:
        for line in predictions.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                results[Path(record["source"]).name] = record
    else:
        from . import extract as extract_text
        from .sources.files import decode_text

        for document in gold["documents"]:
            path = find_text(gold_path, document["doc"], texts)
            results[document["doc"]] = extract_text(decode_text(path.read_bytes(), path))
    totals = run_evaluation(gold_path, results)
    if fmt == "json":
        click.echo(json.dumps({k: v.as_dict() for k, v in totals.items()}, indent=1))
    else:
        click.echo(f"{'':<14}{'P':>7}{'R':>7}{'F1':>7}")
        for name, score in totals.items():
            click.echo(f"{name:<14}{score.precision:7.3f}{score.recall:7.3f}{score.f1:7.3f}")
    if show_errors:
        for name, score in totals.items():
            for line in score.errors:
                click.echo(f"  [{name}] {line}")


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; other than localhost needs a password.")
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--password-hash", envvar="PRESSE_SERVE_PASSWORD_HASH",
              help="Login password hash for user `presse` (make one: datasette hash-password); or PRESSE_SERVE_PASSWORD_HASH.")
def serve(db_path, host, port, password_hash):
    """Browse the database in Datasette, read-only: tables, views, canned queries, map.

    Bound to localhost; `--host 0.0.0.0` is refused without a password hash.

    Example:

        presse-mining serve --db presse.db     # then open http://127.0.0.1:8001/presse
    """
    from .serve.app import check_host, serve as run_server

    check_host(host, password_hash)
    click.echo(f"Datasette on http://{'[' + host + ']' if ':' in host else host}:{port}/presse (read-only; Ctrl+C stops)", err=True)
    run_server(db_path, host=host, port=port, password_hash=password_hash)


@cli.command()
@db_option
@click.argument("what", type=click.Choice(["network", "events", "entities", "articles"]))
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json", "csv"]), required=True,
              help="network: graphml, gexf, json; tables: csv, json.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Write to this file (default: stdout).")
def export(db_path, what, fmt, out_path):
    """Export the actor network (for Gephi) or a table (events, entities, articles).

    Examples:

        presse-mining export network --format graphml --out netz.graphml
        presse-mining export events --format csv > veranstaltungen.csv
    """
    from .query.export import export as run_export

    with open_store(db_path, create=False) as store:
        count = run_export(store, what, fmt, out_path)
    if out_path:
        click.echo(f"export {what}: {count} {'actors' if what == 'network' else 'rows'} → {out_path}", err=True)


@cli.command()
@db_option
@click.option("--out", "out_path", default="report.html", show_default=True, type=click.Path(dir_okay=False))
@click.option("--png", "png_dir", type=click.Path(file_okay=False), help="Also write the charts as PNG files here.")
def report(db_path, out_path, png_dir):
    """A self-contained HTML report (works offline): timeline, network, map, fields by year.

    Example:

        presse-mining report --out report.html --png charts/
    """
    from .serve.report import write_report

    with open_store(db_path, create=False) as store:
        written = write_report(store, out_path, png_dir)
    for path in written.values():
        click.echo(f"wrote {path}")


def format_option(function):
    return click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
                        show_default=True)(function)


@cli.command(name="who-met")
@db_option
@format_option
@click.argument("name")
def who_met(db_path, fmt, name):
    """Who took part in the same events as NAME (a person or organisation), where and when.

    Example:

        presse-mining who-met "Serap Güler"
    """
    from .query.format import render
    from .query.who_met import COLUMNS, who_met as query

    with open_store(db_path, create=False) as store:
        entities, rows = query(store, name)
    if fmt == "table":
        click.echo("who met " + ", ".join(f"{e['name']} ({e['label']})" for e in entities) + f": {len(rows)} rows")
    click.echo(render(rows, COLUMNS, fmt))


@cli.command()
@db_option
@format_option
@click.option("--place", help="Municipality (name or AGS) where the event took place.")
@click.option("--kreis", help="Kreis of the place: Soest, Kreis Soest, Rhein-Sieg-Kreis or a Kreis AGS.")
@click.option("--from", "date_from", metavar="DATE", help="From this date on (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "date_to", metavar="DATE", help="Up to this date (inclusive).")
@click.option("--field", help="Handlungsfeld (id or name) of the article.")
@click.option("--person", help="A participant (person or organisation, canonical name).")
@click.option("--limit", default=500, show_default=True)
def events(db_path, fmt, place, kreis, date_from, date_to, field, person, limit):
    """Events in the store, filtered; undated events sort first and drop out of --from/--to.

    Example:

        presse-mining events --kreis Soest --from 2013-02 --to 2013-03
    """
    from .query.events import COLUMNS, list_events
    from .query.format import render

    with open_store(db_path, create=False) as store:
        rows = list_events(store, place=place, kreis=kreis, date_from=date_from, date_to=date_to, field=field,
                           person=person, limit=limit)
    click.echo(render(rows, COLUMNS, fmt))


@cli.command()
@db_option
@format_option
@click.argument("name")
def timeline(db_path, fmt, name):
    """NAME's events, roles and articles in time order.

    Example:

        presse-mining timeline "Frank Beckehoff"
    """
    from .query.format import render
    from .query.timeline import COLUMNS, timeline as query

    with open_store(db_path, create=False) as store:
        entities, rows = query(store, name)
    if fmt == "table":
        click.echo("timeline of " + ", ".join(f"{e['name']} ({e['label']})" for e in entities))
    click.echo(render(rows, COLUMNS, fmt))


@cli.group()
def entities():
    """List and correct persons and organisations; corrections survive re-analysis.

    \b
    Examples:
        presse-mining entities list --label PER
        presse-mining entities merge "Güler" "Serap Güler"
        presse-mining entities rename "KI Olpe" "Kommunales Integrationszentrum Kreis Olpe"
        presse-mining entities split "Christian Schweitzer" --article 12 --as "Christian Schweitzer (Bonn)"
    """


_LABEL = click.option("--label", type=click.Choice(["PER", "ORG", "LOC", "MISC"]), help="Only entities with this label.")


@entities.command(name="list")
@db_option
@format_option
@_LABEL
@click.option("--name", help="Only names containing this text.")
@click.option("--limit", default=50, show_default=True)
def entities_list(db_path, fmt, label, name, limit):
    """Entities with their numbers of mentions, articles and events.

    Example:

        presse-mining entities list --label PER
    """
    from .query.format import render
    from .store.identity import list_entities

    with open_store(db_path, create=False) as store:
        rows = list_entities(store, label=label, name=name, limit=limit)
    click.echo(render(rows, ["id", "label", "name", "mentions", "articles", "events"], fmt))


@entities.command(name="merge")
@db_option
@_LABEL
@click.argument("name")
@click.argument("into")
def entities_merge(db_path, label, name, into):
    """NAME is the same as INTO: its mentions, roles and events move to INTO.

    Kept across re-analysis.

    Example:

        presse-mining entities merge "Staatssekretärin Güler" "Serap Güler"
    """
    from .store.identity import merge

    with open_store(db_path, create=False) as store:
        done = merge(store, name, into, label=label)
    click.echo(f"merged {done['from']} into {done['to']} ({done['entities']} entities)")


@entities.command(name="rename")
@db_option
@_LABEL
@click.argument("name")
@click.argument("new_name")
def entities_rename(db_path, label, name, new_name):
    """NAME is called NEW_NAME from now on (kept across re-analysis).

    Example:

        presse-mining entities rename "KI Kreis Olpe" "Kommunales Integrationszentrum Kreis Olpe"
    """
    from .store.identity import rename

    with open_store(db_path, create=False) as store:
        done = rename(store, name, new_name, label=label)
    click.echo(f"renamed {done['from']} to {done['to']}")


@entities.command(name="split")
@db_option
@_LABEL
@click.argument("name")
@click.option("--article", "article_id", type=int, help="The article in which NAME is someone else.")
@click.option("--as", "new_name", help="Name of the one split off (default: NAME (article id)).")
def entities_split(db_path, label, name, article_id, new_name):
    """Split NAME: in --article it is someone else; without --article, undo the merges into NAME.

    Example:

        presse-mining entities split "Thomas Müller" --article 12
    """
    from .store.identity import split

    with open_store(db_path, create=False) as store:
        done = split(store, name, article_id=article_id, new_name=new_name, label=label)
    if article_id is None:
        click.echo(f"undid {done['undone']} merges into {name}; run `presse-mining analyze` to restore"
                   f" {done['articles_to_reanalyse']} articles")
    else:
        click.echo(f"split {done['name']} in article {article_id} off as {done['as']}")


@cli.command()
@db_option
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def forget(db_path, name, yes):
    """Forget a person: entity, mentions, roles and participations deleted, the name masked in stored
    texts and the search index, logged in audit_log; re-analysis and re-import do not bring it back.

    Example:

        presse-mining forget "Daniel Braun" --yes
    """
    from .store.identity import forget as forget_person

    if not yes:
        click.confirm(f"Forget {name} for good (cannot be undone)?", abort=True)
    with open_store(db_path, create=False) as store:
        done = forget_person(store, name)
    click.echo(f"forgot {name}: {done['mentions']} mentions, {done['roles']} roles, {done['participations']}"
               f" participations removed; name masked in {done['articles_masked']} articles")


@cli.command()
@db_option
@click.option("--field", help="Only this field id (e.g. sport); see data/handlungsfelder.json.")
@click.option("--min-score", default=0.0, show_default=True, help="Count only fields scored at least this.")
def fields(db_path, field, min_score):
    """Articles per field of action (Handlungsfeld), by Kreis and year (tab-separated).

    The Kreis is, until places resolve to AGS, the place an article mentions most.

    Example:

        presse-mining fields --field flucht_asyl
    """
    from . import taxonomy
    from .store.queries_fields import field_counts

    if field and field not in taxonomy.field_ids():
        raise click.BadParameter(f"{field!r} is not a field id ({', '.join(taxonomy.field_ids())})", param_hint="--field")
    with open_store(db_path, create=False) as store:
        rows = field_counts(store.conn, field=field, min_score=min_score)
    click.echo("kreis\tyear\tfield\tname\tarticles")
    for row in rows:
        click.echo(f"{row['kreis']}\t{row['year']}\t{row['field']}\t{taxonomy.label(row['field'])}\t{row['articles']}")


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
