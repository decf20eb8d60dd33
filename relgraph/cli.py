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

from .errors import InvalidData, RelgraphError

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


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return to_jsonable(value)


def dump_json(obj: Any, *, pretty: bool | None = None) -> str:
    """JSON text: indented for a terminal, compact otherwise (scripts read it; the
    compact form is written by the C encoder, several times faster on a portfolio)."""
    if pretty is None:
        pretty = sys.stdout.isatty()
    return json.dumps(obj, indent=2 if pretty else None, ensure_ascii=False, default=_json_default)


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


def model_options(f: Callable) -> Callable:
    """--as-of, --half-life, --strong: the parameters of every figure."""
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
    return f


def analysis_options(f: Callable) -> Callable:
    """--as-of, --half-life, --strong, --format, --database: shared by every analysis."""
    return database_option(format_option(model_options(f)))


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
    import gc

    from .stores import open_store

    store = open_store(data, database=database)
    # A loaded portfolio is millions of long-lived objects: keep the cyclic garbage
    # collector from walking them again and again while the analyses run.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    return store


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


# --- maps and the portfolio report (render/) -----------------------------------------


def render_options(f: Callable) -> Callable:
    """--as-of, --half-life, --strong, --database: the analysis options of a page."""
    return database_option(model_options(f))


@cli.command("map")
@click.argument("data")
@click.option("--account", metavar="ID", help="The account to draw (default: the account of --to).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="HTML file to write (default: ./<account>-map.html).",
)
@click.option("--to", "to", metavar="CONTACT", help="Highlight the best influence path to this contact.")
@click.option("--from", "source", metavar="STAFF", help="With --to: start the path at this staff member.")
@click.option("--through-opponents", is_flag=True, help="With --to: let the path pass through opponents.")
@click.option(
    "--layout",
    type=click.Choice(["network", "org"]),
    default="network",
    show_default=True,
    help="network: force layout; org: the customer top-down along units and reporting lines.",
)
@render_options
@handle_errors
def map_(
    data: str,
    account: str | None,
    output: str | None,
    to: str | None,
    source: str | None,
    through_opponents: bool,
    layout: str,
    as_of: dt.date | None,
    half_life: float,
    strong: float,
    database: str | None,
) -> None:
    """Write the interactive HTML map of one account and print its path.

    One self-contained file that opens offline in any browser: who we know and how
    well, coverage gaps and blind spots, single-threaded key contacts, a legend,
    search and filters; with --to, the best way to reach that contact.

    \b
    Examples:
      relgraph map ./relgraph-demo --account nwm
      relgraph map ./relgraph-demo --to nwm-ceo -o ceo-path.html
      relgraph map ./relgraph-demo --account nwm --layout org
    """
    from .render import write_map

    store = open_data(data, database)
    try:
        path = write_map(
            store,
            output,
            account=account,
            as_of=as_of or today(),
            half_life=half_life,
            strong=strong,
            to=to,
            source=source,
            through_opponents=through_opponents,
            layout=layout,
        )
    finally:
        store.close()
    click.echo(str(path))


@cli.command()
@click.argument("data")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default="relgraph-report.html",
    show_default=True,
    help="HTML file to write; the account maps go to a folder 'maps' beside it.",
)
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="Rows per list.")
@click.option(
    "--horizon", type=click.IntRange(min=0), default=180, show_default=True, help="Days ahead for 'rotation due soon'."
)
@click.option(
    "--rotation-years",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Years in role after which staff rotate.",
)
@click.option("--no-maps", is_flag=True, help="Write the report only, without the account maps.")
@render_options
@handle_errors
def report(
    data: str,
    output: str,
    top: int,
    horizon: int,
    rotation_years: int,
    no_maps: bool,
    as_of: dt.date | None,
    half_life: float,
    strong: float,
    database: str | None,
) -> None:
    """Write the portfolio report (one HTML page) and every account's map beside it.

    The page lists each account's figures with a link to its map, a level x role
    coverage heat-map per account, the top gaps, the key contacts with at most one
    thread and the staff ranked by rotation risk. Prints the paths written.

    \b
    Examples:
      relgraph report ./relgraph-demo
      relgraph report ./relgraph-demo -o out/report.html   # also out/maps/*.html
    """
    from .render import write_report

    store = open_data(data, database)
    try:
        paths = write_report(
            store,
            output,
            as_of=as_of or today(),
            half_life=half_life,
            strong=strong,
            horizon=horizon,
            rotation_years=rotation_years,
            top=top,
            maps=not no_maps,
        )
    finally:
        store.close()
    click.echo(str(paths[0]))
    if len(paths) > 1:
        click.echo(f"{len(paths) - 1} account map{'s' if len(paths) != 2 else ''} in {paths[1].parent}")


# --- the demo portfolio (demo.py) ----------------------------------------------------


@cli.command()
@click.argument("directory", metavar="[DIR]", default="relgraph-demo", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Write even into a non-empty folder that holds no earlier demo.")
@handle_errors
def demo(directory: str, force: bool) -> None:
    """Write a fictional demo portfolio to DIR (default ./relgraph-demo) and print what to try next.

    Four accounts (a national mobile operator with headquarters, provinces, cities and
    counties, and three smaller ones), about 175 contacts and 16 staff, with weak
    spots to find: blind cells, a single-threaded decision-maker, a chairman reachable
    only through one coach, an opponent on the way to the CEO, an account manager
    due to rotate, a rank gap and a stale relationship. Its dates are relative to
    2026-11-01: pass --as-of 2026-11-01 to see the figures the README shows.

    \b
    Examples:
      relgraph demo
      relgraph demo /tmp/portfolio
    """
    from .demo import next_steps, write_demo, write_demo_pages

    info = write_demo(directory, force=force)
    pages = write_demo_pages(info)
    counts = info["counts"]
    click.echo(
        f"Wrote a fictional portfolio to {directory}: {counts['accounts']} accounts, "
        f"{counts['contacts']} contacts, {counts['staff']} staff, "
        f"{counts['relationships']} relationships."
    )
    click.echo(f"Open its map in any browser (works offline): {pages['map']}")
    click.echo(f"and the portfolio report, linking every account's map: {pages['report']}")
    click.echo(
        f"Its dates are relative to {info['as_of'].isoformat()}; the commands below pass "
        f"--as-of {info['as_of'].isoformat()} so that their figures match the README.\n"
    )
    click.echo("Try next:")
    for command in next_steps(info):
        click.echo(f"  {command}")


# --- analysis commands (analysis/portfolio.py) ---------------------------------------


def _progress(label: str) -> Callable[[int, int], None] | None:
    """A progress line on stderr, ``label: 12/300 accounts``, redrawn at most five
    times a second and cleared at the end; None (no progress) unless stderr is a
    terminal, so that pipes and tests stay clean."""
    if not sys.stderr.isatty():
        return None
    import time

    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done == total:
            click.echo("\r\033[K", err=True, nl=False)
        elif now - last[0] > 0.2:
            last[0] = now
            click.echo(f"\r{label}: {done}/{total} accounts", err=True, nl=False)

    return report


def _run(data: str, database: str | None, fn: Callable, **kwargs: Any) -> Any:
    """Open the store, call one portfolio function on it, close the store."""
    store = open_data(data, database)
    try:
        return fn(store, **kwargs)
    finally:
        store.close()


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.0f}%"


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def _ids(v: list | None) -> str:
    return ", ".join(str(x) for x in v) if v else "-"


def _figure_lines(f: dict[str, Any], indent: str = "  ") -> list[str]:
    act = f["activity"]
    methods = ", ".join(f"{k} {n}" for k, n in act.items() if k != "total" and n)
    return [
        f"{indent}key coverage {_pct(f['key_coverage'])}   cell coverage {_pct(f['cell_coverage'])}   "
        f"multithreading {_pct(f['multithreading'])}   unit coverage {_pct(f['unit_coverage'])}",
        f"{indent}triangle: {_ids(f['triangle'])}   exec ties: {_ids(f['exec_ties'])}   "
        f"opponents: {_ids(f['opponents'])}",
        f"{indent}activity (365 days): {act.get('total', 0)}" + (f" ({methods})" if methods else ""),
    ]


def _flat_figures(f: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Account figures as flat CSV columns (activity as activity_<method>)."""
    out: dict[str, Any] = {}
    for k, v in f.items():
        if k == "activity":
            for m, n in v.items():
                out[f"{prefix}activity_{m}"] = n
        elif k != "cells":
            out[prefix + k] = v
    return out


def _coverage_table(r: dict[str, Any]) -> str:
    from .model import COVERAGE_ROLES

    blocks = []
    for a in r["accounts"]:
        lines = [f"{a['name']} ({a['id']}, grade {a['grade']}): {a['contacts']} contacts, "
                 f"{a['key_contacts']} key"]
        lines += _figure_lines(a)
        grid = {}
        for c in a["cells"]:
            label = c["status"]
            if c["best_strength"] is not None and c["status"] != "unknown":
                label += f" {c['best_strength']:.1f}"
            grid.setdefault(c["level"], {})[c["role"]] = label
        rows = [{"level": lv, **cells} for lv, cells in grid.items()]
        if rows:
            lines.append("")
            lines += ["  " + x for x in table_text(rows, ["level", *COVERAGE_ROLES]).splitlines()]
        blocks.append("\n".join(lines))
    return f"as of {r['as_of']}\n\n" + "\n\n".join(blocks) if blocks else f"as of {r['as_of']}: no accounts"


def _coverage_rows(r: dict[str, Any]) -> list[dict]:
    rows = []
    for a in r["accounts"]:
        row = {"id": a["id"], "name": a["name"], "grade": a["grade"], **_flat_figures(a)}
        row["cells"] = [f"{c['level']}/{c['role']}={c['status']}" for c in a["cells"]]
        rows.append(row)
    return rows


account_option = click.option(
    "--account", "accounts", multiple=True, metavar="ID", help="Only this account (repeat for several)."
)


@cli.command()
@click.argument("data")
@account_option
@analysis_options
@handle_errors
def coverage(data, accounts, as_of, half_life, strong, fmt, database) -> None:
    """Account figures and the level x role coverage matrix.

    A cell is covered (someone has a strong relationship there), weak, uncovered
    (contacts, no relationship) or unknown (no contact known: a blind spot).

    \b
    Examples:
      relgraph coverage ./relgraph-demo
      relgraph coverage ./relgraph-demo --account A1 --format json
    """
    from .analysis.portfolio import coverage_report

    r = _run(data, database, coverage_report, as_of=as_of or today(), half_life=half_life, strong=strong,
             accounts=list(accounts) or None, progress=_progress("coverage"))
    emit(fmt, r, table=_coverage_table, rows=_coverage_rows)


@cli.command()
@click.argument("data")
@account_option
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Show the N highest priorities only.")
@analysis_options
@handle_errors
def gaps(data, accounts, limit, as_of, half_life, strong, fmt, database) -> None:
    """Cells not covered, highest priority first, with who is best placed to close each.

    priority = grade weight x max influence x (1 - best strength / 5); the suggested
    staff member starts the best influence path into the cell (for a blind spot, to
    anyone at its level).

    \b
    Examples:
      relgraph gaps ./relgraph-demo --limit 10
      relgraph gaps ./relgraph-demo --account A1 --format csv
    """
    from .analysis.portfolio import gaps_report

    r = _run(data, database, gaps_report, as_of=as_of or today(), half_life=half_life, strong=strong,
             accounts=list(accounts) or None, limit=limit, progress=_progress("gaps"))
    cols = ["account", "level", "role", "status", "priority", "best_strength", "contacts", "suggested"]
    emit(
        fmt,
        r,
        table=lambda r: table_text(
            [{**g, "suggested": g["suggested_staff_name"] and f"{g['suggested_staff_name']} ({g['suggested_staff']})"}
             for g in r["gaps"]],
            cols,
            ["account", "level", "role", "status", "priority", "best", "contacts", "suggested staff"],
        ),
        rows=lambda r: r["gaps"],
    )


@cli.command()
@click.argument("data")
@account_option
@click.option("--all", "all_", is_flag=True, help="Consider every contact, not only key contacts.")
@analysis_options
@handle_errors
def threads(data, accounts, all_, as_of, half_life, strong, fmt, database) -> None:
    """Key contacts that hang by a thread: threads <= 1, redundancy <= 1 or rank gap >= 2.

    threads: our staff with a strong relationship to them; redundancy: how many people
    must drop out before every route to them is lost; rank gap: their seniority minus
    that of our best-ranked thread; backup: who else knows them best.

    \b
    Examples:
      relgraph threads ./relgraph-demo
      relgraph threads ./relgraph-demo --all --format json
    """
    from .analysis.portfolio import threads_report

    r = _run(data, database, threads_report, as_of=as_of or today(), half_life=half_life, strong=strong,
             accounts=list(accounts) or None, all=all_, progress=_progress("threads"))
    cols = ["account", "id", "name", "role", "influence", "threads", "staff_names", "redundancy", "rank_gap",
            "backup_name"]
    emit(
        fmt,
        r,
        table=lambda r: table_text(
            r["contacts"], cols,
            ["account", "id", "name", "role", "infl", "threads", "staff", "redundancy", "rank gap", "backup"],
        ),
        rows=lambda r: r["contacts"],
    )


@cli.command()
@click.argument("data")
@click.option("--horizon", type=click.IntRange(min=0), default=180, show_default=True, metavar="DAYS",
              help="Flag rotations due within this many days of --as-of.")
@click.option("--rotation-years", type=click.IntRange(min=0), default=3, show_default=True, metavar="N",
              help="Years in a role after which a staff member rotates.")
@analysis_options
@handle_errors
def risk(data, horizon, rotation_years, as_of, half_life, strong, fmt, database) -> None:
    """Staff ranked by rotation risk: the key contacts only they hold.

    risk = sum of grade weight x influence over the key contacts of which they are
    the only thread; rotation due = in role since + N years.

    \b
    Examples:
      relgraph risk ./relgraph-demo
      relgraph risk ./relgraph-demo --horizon 365 --format csv
    """
    from .analysis.portfolio import risk_report

    r = _run(data, database, risk_report, as_of=as_of or today(), half_life=half_life, strong=strong,
             horizon=horizon, rotation_years=rotation_years, progress=_progress("risk"))
    emit(
        fmt,
        r,
        table=lambda r: table_text(
            r["staff"], ["id", "name", "risk", "sole_threads", "rotation_due", "due_soon"],
            ["id", "name", "risk", "sole threads", "rotation due", "due soon"],
        ),
        rows=lambda r: r["staff"],
    )


@cli.command()
@click.argument("data")
@click.option("--without", "without", multiple=True, required=True, metavar="STAFF",
              help="A staff member who leaves (repeat for several).")
@account_option
@analysis_options
@handle_errors
def whatif(data, without, accounts, as_of, half_life, strong, fmt, database) -> None:
    """Account figures before and after some staff leave, and who inherits what.

    Lists the contacts left without a thread and, for each, the colleague at the
    start of the best remaining influence path to them (the heir).

    \b
    Examples:
      relgraph whatif ./relgraph-demo --without S01
      relgraph whatif ./relgraph-demo --without S01 --without S02 --format json
    """
    from .analysis.portfolio import whatif_report

    r = _run(data, database, whatif_report, as_of=as_of or today(), half_life=half_life, strong=strong,
             without=list(without), accounts=list(accounts) or None, progress=_progress("whatif"))
    emit(fmt, r, table=lambda r: _before_after_table(r, "without " + ", ".join(r["without"])),
         rows=_before_after_rows)


@cli.command()
@click.argument("data")
@click.option("--since", callback=parse_date, required=True, metavar="DATE",
              help="The earlier date to compare with (YYYY-MM-DD).")
@account_option
@analysis_options
@handle_errors
def diff(data, since, accounts, as_of, half_life, strong, fmt, database) -> None:
    """What changed between --since and --as-of: account figures and threads gained/lost.

    \b
    Examples:
      relgraph diff ./relgraph-demo --since 2026-01-01
      relgraph diff ./relgraph-demo --since 2026-01-01 --format json
    """
    from .analysis.portfolio import diff_report

    r = _run(data, database, diff_report, since=since, as_of=as_of or today(), half_life=half_life,
             strong=strong, accounts=list(accounts) or None, progress=_progress("diff"))
    emit(fmt, r, table=lambda r: _before_after_table(r, f"since {r['since']}"), rows=_before_after_rows)


_CHANGE_FIGURES = ("key_coverage", "cell_coverage", "multithreading", "unit_coverage")


def _before_after_table(r: dict[str, Any], title: str) -> str:
    lines = [f"{title}, as of {r['as_of']}", ""]
    rows = []
    for a in r["accounts"]:
        b, f = a["before"], a["after"]
        row = {"account": a["id"]}
        for k in _CHANGE_FIGURES:
            row[k] = f"{_pct(b[k])} -> {_pct(f[k])}" if b[k] != f[k] else _pct(f[k])
        row["triangle"] = _ids(f["triangle"]) if b["triangle"] == f["triangle"] else \
            f"{_ids(b['triangle'])} -> {_ids(f['triangle'])}"
        rows.append(row)
    lines.append(table_text(rows, ["account", *_CHANGE_FIGURES, "triangle"],
                            ["account", "key cov.", "cell cov.", "multithr.", "unit cov.", "triangle"]))
    if "gained" in r:
        for name in ("gained", "lost"):
            lines += ["", f"threads {name}: {len(r[name])}"]
            if r[name]:
                lines.append(table_text(r[name], ["account", "staff", "contact"]))
    else:
        lines += ["", f"contacts left without a thread: {len(r['lost'])}"]
        if r["lost"]:
            lines.append(table_text(
                [{**x, "heir": x["heir_name"] and f"{x['heir_name']} ({x['heir']})"} for x in r["lost"]],
                ["account", "contact", "name", "heir"]))
    return "\n".join(lines)


def _before_after_rows(r: dict[str, Any]) -> list[dict]:
    rows = []
    for a in r["accounts"]:
        row = {"account": a["id"], **_flat_figures(a["before"], "before_"), **_flat_figures(a["after"], "after_")}
        if "gained" in r:
            for name in ("gained", "lost"):
                row[name] = [f"{x['staff']}>{x['contact']}" for x in r[name] if x["account"] == a["id"]]
        else:
            row["lost"] = [f"{x['contact']}>{x['heir'] or ''}" for x in r["lost"] if x["account"] == a["id"]]
        rows.append(row)
    return rows


def _path_text(p: dict[str, Any]) -> str:
    parts = []
    for person in p["people"]:
        label = person["name"] or person["id"]
        if person.get("coach"):
            label += " (coach)"
        elif person.get("attitude") == "opponent":
            label += " (opponent)"
        parts.append(label)
    return " → ".join(parts) + f" ({p['score']:.2f})"


@cli.command()
@click.argument("data")
@click.option("--to", "target", required=True, metavar="CONTACT", help="The contact to reach.")
@click.option("--from", "source", metavar="STAFF", help="Start from this staff member only.")
@click.option("-k", "k", type=click.IntRange(min=1), default=3, show_default=True, help="How many paths.")
@click.option("--through-opponents", is_flag=True, help="Allow paths through contacts who oppose us.")
@analysis_options
@handle_errors
def paths(data, target, source, k, through_opponents, as_of, half_life, strong, fmt, database) -> None:
    """The k best influence paths from our staff to a contact.

    A path's score is the product of its steps: a relationship counts effective
    strength / 5, an influence or reporting line weight / 5.

    \b
    Examples:
      relgraph paths ./relgraph-demo --to C0001
      relgraph paths ./relgraph-demo --to C0001 --from S01 -k 5 --format json
    """
    from .analysis.portfolio import paths_report

    r = _run(data, database, paths_report, target=target, as_of=as_of or today(), half_life=half_life, k=k,
             source=source, through_opponents=through_opponents)

    def table(r: dict[str, Any]) -> str:
        if not r["paths"]:
            return f"no influence path to {r['target']}" + (f" from {source}" if source else "")
        return "\n".join(f"{i}. {_path_text(p)}" for i, p in enumerate(r["paths"], 1))

    emit(fmt, r, table=table, rows=lambda r: [
        {"rank": i, "score": p["score"], "nodes": p["nodes"], "names": [x["name"] for x in p["people"]],
         "kinds": [s["kind"] for s in p["steps"]], "p": [s["p"] for s in p["steps"]]}
        for i, p in enumerate(r["paths"], 1)
    ])


@cli.command()
@click.argument("data")
@click.option("--account", required=True, metavar="ID", help="The account.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Show the top N only.")
@analysis_options
@handle_errors
def influencers(data, account, limit, as_of, half_life, strong, fmt, database) -> None:
    """Who holds the power in an account (PageRank over influence and reporting
    lines) and our best relationship to each.

    \b
    Examples:
      relgraph influencers ./relgraph-demo --account A1 --limit 10
    """
    from .analysis.portfolio import influencers_report

    r = _run(data, database, influencers_report, account=account, as_of=as_of or today(), half_life=half_life,
             strong=strong, limit=limit)
    emit(
        fmt,
        r,
        table=lambda r: table_text(
            [{**c, "rank": f"{c['rank']:.4f}"} for c in r["contacts"]],
            ["id", "name", "role", "level", "rank", "best_strength", "threads"],
            ["id", "name", "role", "level", "rank", "best", "threads"],
        ),
        rows=lambda r: r["contacts"],
    )



# --- Neo4j: push and cypher (stores/neo4j.py) ------------------------------------------


def _require_uri(uri: str) -> None:
    from .errors import UsageError
    from .stores import is_uri

    if not is_uri(uri):
        raise UsageError(f"{uri!r} is not a Neo4j URI (neo4j://, neo4j+s://, bolt://, bolt+s://)")


def _push_progress() -> Callable[[str, int, int], None]:
    """Report push progress on stderr: each step when done, long steps every 2 s."""
    import time

    last = [time.monotonic()]

    def report(step: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= 2:
            last[0] = now
            click.echo(f"push: {step} {done}/{total}", err=True)

    return report


@cli.command()
@click.argument("data")
@click.argument("uri", metavar="NEO4J_URI")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Rows per write transaction.",
)
@database_option
@handle_errors
def push(data: str, uri: str, batch_size: int, database: str | None) -> None:
    """Load a data set into Neo4j: schema first, then batched MERGE writes.

    Idempotent: pushing the same data twice leaves the same database, and pushing
    again after a failure completes the load without duplicates. Whatever an
    earlier, different data set left behind is removed. The data is validated
    first; with a problem nothing is written.

    \b
    Examples:
      NEO4J_USERNAME=neo4j NEO4J_PASSWORD=secret \\
        relgraph push ./relgraph-demo neo4j://localhost:7687
      relgraph push demo.json bolt://db.example.com:7687 --database sales
    """
    from .stores.neo4j import Neo4jStore

    _require_uri(uri)
    source = open_data(data, None)
    try:
        ds = source.dataset()
    finally:
        source.close()
    with Neo4jStore(uri, database=database, batch_size=batch_size) as store:
        counts = store.push(ds, progress=_push_progress())
    nodes = sum(counts.get(t, 0) for t in ("accounts", "units", "contacts", "staff", "touchpoints"))
    click.echo(f"pushed {data} to {uri}: {nodes} nodes; {counts.get('prune nodes', 0)} stale nodes removed", err=True)


def _param_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


@cli.command()
@click.argument("uri", metavar="NEO4J_URI")
@click.argument("query", required=False)
@click.option("--file", "file", type=click.File("r", encoding="utf-8"), help="Read the query from a file.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A $parameter; VALUE is parsed as JSON when it parses (42, true, [\"a\"]), else taken as text.",
)
@click.option("--write", is_flag=True, help="Allow the query to write (read-only otherwise).")
@database_option
@format_option
@handle_errors
def cypher(uri: str, query: str | None, file, params: tuple[str, ...], write: bool, database: str | None,
           fmt: str) -> None:
    """Run Cypher against Neo4j; read-only unless --write.

    A query that writes (CREATE, MERGE, SET, DELETE, ...) is refused without
    --write and nothing is changed. A file may hold several statements separated
    by ';'; the records of the last are shown.

    \b
    Examples:
      relgraph cypher neo4j://localhost:7687 "MATCH (a:Account) RETURN a.id, a.name"
      relgraph cypher neo4j://localhost:7687 --file cypher/threads.cypher \\
        --param asOf=2025-06-30 --format json
    """
    from .errors import UsageError
    from .stores.neo4j import Neo4jStore, refuse_writes, statements

    _require_uri(uri)
    if (query is None) == (file is None):
        raise UsageError("give a QUERY or --file FILE (one of them)")
    text = query if query is not None else file.read()
    values: dict[str, Any] = {}
    for p in params:
        name, sep, value = p.partition("=")
        name = name.strip().lstrip("$")
        if not sep or not name.isidentifier():
            raise UsageError(f"--param {p!r}: expected NAME=VALUE")
        values[name] = _param_value(value)
    stmts = statements(text) if file is not None else [text]
    if not stmts:
        raise UsageError("the query is empty")
    if not write:
        for stmt in stmts:  # refuse before running any of them
            refuse_writes(stmt)
    with Neo4jStore(uri, database=database) as store:
        for stmt in stmts:
            records = store.run(stmt, values, write=write)
    columns = list(dict.fromkeys(k for r in records for k in r))
    emit(fmt, records, table=lambda rs: table_text(rs, columns) + f"\n({len(rs)} records)",
         rows=lambda rs: rs)


# --- imports: from the CRM and from calendars (imports/) -------------------------------


def import_options(f: Callable) -> Callable:
    """--as-of, --force, --format: shared by every import."""
    f = click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="Summary: grouped for people, or JSON listing every row mapped or skipped.",
    )(f)
    f = click.option("--force", is_flag=True, help="Replace an existing output.")(f)
    return click.option(
        "--as-of",
        callback=parse_date,
        metavar="DATE",
        help="Meetings after this day are planned, not held, and left out (YYYY-MM-DD; default today).",
    )(f)


def _import_summary(summary: Any, fmt: str) -> None:
    click.echo(dump_json(summary.as_dict()) if fmt == "json" else summary.text())


@cli.group("import")
def import_() -> None:
    """Fill a data set from a Salesforce export or a calendar.

    Each import prints what it added, what it mapped by a rule and what it left
    out and why (--format json lists every row). The README shows the mapping.

    \b
    Examples:
      relgraph import salesforce tests/data/imports/salesforce -o portfolio --as-of 2026-11-01
      relgraph import ics tests/data/imports/calendar.ics portfolio --as-of 2026-11-01
    """


@import_.command("salesforce")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(),
              help="The data set to write: a folder of CSV files, or a JSON file (ending in .json).")
@import_options
@handle_errors
def import_salesforce(folder: str, output: str, as_of: dt.date | None, force: bool, fmt: str) -> None:
    """A data set from Salesforce's CSV exports (Data Loader or reports).

    FOLDER holds Account.csv and Contact.csv, and optionally User.csv,
    AccountContactRelation.csv, AccountTeamMember.csv, Event.csv and Task.csv, with
    API field names as headers. Contact roles come from Roles, units from
    Department, reporting lines from ReportsToId, staff from users, touchpoints from
    events up to --as-of and completed tasks, and a relationship, its strength
    estimated from the meetings, for each staff member and contact who met.

    \b
    Examples:
      relgraph import salesforce tests/data/imports/salesforce -o portfolio --as-of 2026-11-01
      relgraph import salesforce tests/data/imports/salesforce -o portfolio.json --format json
    """
    from .imports import import_salesforce as run

    _import_summary(run(folder, output, as_of=as_of or today(), force=force), fmt)


@import_.command("ics")
@click.argument("calendar", metavar="CALENDAR.ics", type=click.Path(dir_okay=False))
@click.argument("data")
@click.option("-o", "--output", type=click.Path(),
              help="Write the result here (a folder, or a .json file) instead of updating DATA.")
@click.option("--methods", "methods_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="A CSV file keyword,method whose rows come before the built-in method table.")
@import_options
@handle_errors
def import_ics(calendar: str, data: str, output: str | None, methods_file: str | None, as_of: dt.date | None,
               force: bool, fmt: str) -> None:
    """Add a calendar's meetings with customer contacts to DATA as touchpoints.

    Attendees and organiser are matched by e-mail with contacts.email and
    staff.email; recurring events are expanded up to --as-of; cancelled events and
    declined attendees are left out. Importing the same meeting again (same UID and
    date) adds nothing. Without -o, DATA itself is updated (only touchpoints.csv and
    relationships.csv are rewritten). Nothing is written when DATA has problems.

    \b
    Examples:
      relgraph import ics tests/data/imports/calendar.ics portfolio --as-of 2026-11-01
      relgraph import ics tests/data/imports/calendar.ics portfolio -o with-calendar.json --as-of 2026-11-01
    """
    from .imports import import_ics as run

    _import_summary(run(calendar, data, output, as_of=as_of or today(), methods_file=methods_file, force=force),
                    fmt)


if __name__ == "__main__":  # pragma: no cover
    main()
