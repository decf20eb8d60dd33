"""The ``relgraph`` command line: parse, call one library function, format.

Heavy libraries (networkx, pyvis, neo4j) are imported inside the commands so that
``relgraph --help`` starts fast.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

import click

from .errors import InvalidData, Problem, RelgraphError

EPILOG_DATA = (
    "DATA is a folder of CSV files, one JSON file, or a Neo4j URI (neo4j://, "
    "neo4j+s://, bolt://, bolt+s://; user and password from NEO4J_USERNAME / "
    "NEO4J_PASSWORD)."
)


# --- output --------------------------------------------------------------------------


def to_jsonable(value: Any) -> Any:
    """Dates as ISO strings, tuples and sets as lists, dataclasses as dicts."""
    import dataclasses

    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return value


def dump_json(obj: Any) -> str:
    return json.dumps(to_jsonable(obj), indent=2, ensure_ascii=False)


def csv_text(rows: Iterable[dict[str, Any]], columns: list[str] | None = None) -> str:
    """Rows as CSV text: lists joined with ';', None as empty, nested dicts as JSON."""
    rows = list(rows)
    if columns is None:
        columns = []
        for r in rows:
            for k in r:
                if k not in columns:
                    columns.append(k)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        out = []
        for c in columns:
            v = to_jsonable(r.get(c))
            if v is None:
                out.append("")
            elif isinstance(v, list):
                out.append(";".join("" if x is None else str(x) for x in v))
            elif isinstance(v, dict):
                out.append(json.dumps(v, ensure_ascii=False, sort_keys=True))
            elif isinstance(v, bool):
                out.append("true" if v else "false")
            else:
                out.append(str(v))
        w.writerow(out)
    return buf.getvalue()


def table_text(rows: list[dict[str, Any]], columns: list[str], headers: list[str] | None = None) -> str:
    """A plain aligned text table for people."""
    headers = headers or columns

    def cell(v: Any) -> str:
        v = to_jsonable(v)
        if v is None:
            return "-"
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, float):
            return f"{v:.2f}"
        if isinstance(v, list):
            return ", ".join(str(x) for x in v) or "-"
        return str(v)

    body = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(h)] + [len(b[i]) for b in body]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for b in body:
        lines.append("  ".join(x.ljust(w) for x, w in zip(b, widths)).rstrip())
    return "\n".join(lines)


def emit(fmt: str, obj: Any, *, table: Callable[[Any], str], rows: Callable[[Any], list[dict]]) -> None:
    """Print ``obj`` as JSON, CSV (``rows(obj)``) or a table (``table(obj)``)."""
    if fmt == "json":
        click.echo(dump_json(obj))
    elif fmt == "csv":
        click.echo(csv_text(rows(obj)), nl=False)
    else:
        click.echo(table(obj))


# --- shared options ------------------------------------------------------------------


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def format_option(f: Callable) -> Callable:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json", "csv"]),
        default="table",
        show_default=True,
        help="Output: a table for people, JSON or CSV for scripts.",
    )(f)


def database_option(f: Callable) -> Callable:
    return click.option(
        "--database",
        envvar="NEO4J_DATABASE",
        default=None,
        help="Neo4j database (default: $NEO4J_DATABASE, else the server's default).",
    )(f)


def analysis_options(f: Callable) -> Callable:
    """--as-of, --half-life, --strong, --format, --database: shared by every analysis."""
    f = click.option(
        "--strong",
        type=click.FloatRange(min=0, min_open=True),
        default=3.0,
        show_default=True,
        help="Effective strength from which a relationship counts as strong.",
    )(f)
    f = click.option(
        "--half-life",
        type=click.FloatRange(min=0, min_open=True),
        default=180.0,
        show_default=True,
        help="Days after which an untended relationship has lost half its strength.",
    )(f)
    f = click.option(
        "--as-of",
        callback=parse_date,
        metavar="DATE",
        help="Compute as on this day (YYYY-MM-DD; default today).",
    )(f)
    return database_option(format_option(f))


def handle_errors(f: Callable) -> Callable:
    """Turn relgraph errors into one clean line and their exit status."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = ctx.find_root().params.get("debug", False)
        try:
            return f(*args, **kwargs)
        except InvalidData as e:
            if debug:
                raise
            for p in e.problems:
                click.echo(str(p), err=True)
            for p in e.warnings:
                click.echo(f"{p.where}: warning: {p.message}", err=True)
            n = len(e.problems)
            click.echo(f"{n} problem{'s' if n != 1 else ''}; nothing was written.", err=True)
            ctx.exit(e.exit_code)
        except RelgraphError as e:
            if debug:
                raise
            click.echo(f"Error: {e}", err=True)
            ctx.exit(e.exit_code)
        except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as e:  # a bug: one line, traceback only with --debug
            if debug:
                raise
            click.echo(f"Error: {type(e).__name__}: {e} (run with --debug for the traceback)", err=True)
            ctx.exit(1)

    return wrapper


def open_data(data: str, database: str | None = None):
    """Open the store behind a DATA argument (validating files first)."""
    from .stores import open_store

    return open_store(data, database=database)


def today() -> dt.date:
    return dt.date.today()


# --- the command group ---------------------------------------------------------------


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Start with `relgraph demo` and follow what it prints. " + EPILOG_DATA,
)
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.version_option(package_name="relgraph")
def cli(debug: bool) -> None:
    """relgraph: map relationships with key customers as a graph.

    Finds coverage gaps, single-threaded relationships, rotation risk and influence
    paths to decision-makers, and draws interactive HTML maps. Works on a folder of
    CSV files, a JSON file, or a Neo4j database.
    """


def main() -> None:
    cli(prog_name="relgraph")


# --- foundation commands -------------------------------------------------------------


@cli.command()
@click.argument("data")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output: FILE:LINE lines for people, or JSON.",
)
@handle_errors
def validate(data: str, fmt: str) -> None:
    """Check a data set: report every problem as FILE:LINE: message.

    Exit status 0 when the data set is valid (warnings may still be listed), 2 when
    it has problems.

    \b
    Examples:
      relgraph validate ./relgraph-demo
      relgraph validate portfolio.json --format json
    """
    from .readwrite import check

    problems, warnings = check(data)
    if fmt == "json":
        click.echo(
            dump_json(
                {"errors": [p.as_dict() for p in problems], "warnings": [w.as_dict() for w in warnings]}
            )
        )
    else:
        for p in problems:
            click.echo(str(p), err=True)
        for w in warnings:
            click.echo(f"{w.where}: warning: {w.message}", err=True)
        if problems:
            n = len(problems)
            click.echo(f"{n} problem{'s' if n != 1 else ''}.", err=True)
        else:
            click.echo(f"{data}: valid ({len(warnings)} warning{'s' if len(warnings) != 1 else ''}).")
    if problems:
        click.get_current_context().exit(2)


@cli.command()
@click.argument("data")
@database_option
@format_option
@handle_errors
def summary(data: str, database: str | None, fmt: str) -> None:
    """Counts of everything, per account.

    \b
    Examples:
      relgraph summary ./relgraph-demo
      relgraph summary ./relgraph-demo --format json
    """
    from .analysis.summary import summarize

    store = open_data(data, database)
    try:
        result = summarize(store)
    finally:
        store.close()
    cols = ["id", "name", "grade", "contacts", "staff", "relationships"]
    emit(
        fmt,
        result,
        table=lambda r: table_text(r["accounts"], cols)
        + "\n\n"
        + ", ".join(f"{k}: {v}" for k, v in r["totals"].items()),
        rows=lambda r: r["accounts"],
    )


@cli.command()
@click.argument("data")
@click.option(
    "--to",
    "to",
    type=click.Choice(["json", "csv", "graphml"]),
    required=True,
    help="json: one file; csv: a folder of CSV files; graphml: for Gephi, yEd, networkx.",
)
@click.option("-o", "--output", "output", required=True, type=click.Path(), help="File or folder to write.")
@click.option("--force", is_flag=True, help="Overwrite an existing output.")
@database_option
@handle_errors
def export(data: str, to: str, output: str, force: bool, database: str | None) -> None:
    """Write the data set out as JSON, a CSV folder or GraphML.

    JSON and CSV read back into relgraph unchanged; GraphML opens in Gephi, yEd or
    networkx (touchpoints become nodes linked to the people who attended).

    \b
    Examples:
      relgraph export ./relgraph-demo --to json -o demo.json
      relgraph export demo.json --to csv -o demo-csv
      relgraph export ./relgraph-demo --to graphml -o demo.graphml
    """
    from .readwrite import write

    store = open_data(data, database)
    try:
        ds = store.dataset()
    finally:
        store.close()
    write(ds, output, to, force=force)
    click.echo(f"wrote {output}", err=True)


def _problem_lines(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


if __name__ == "__main__":  # pragma: no cover
    main()
