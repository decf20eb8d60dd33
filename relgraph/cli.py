"""The ``relgraph`` command line: parse, call one library function, format.

Heavy libraries (networkx, pyvis, neo4j) are imported inside the commands so that
``relgraph --help`` starts fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import click

from . import format as fm
from .errors import InvalidData, RelgraphError
from .format import dump_json, indented, json_texts, plural, problems_text, render_pieces, table_text, to_jsonable

EPILOG_DATA = (
    "DATA is a folder of CSV files, one JSON file, or a Neo4j URI (neo4j://, "
    "neo4j+s://, bolt://, bolt+s://; user and password from NEO4J_USERNAME / "
    "NEO4J_PASSWORD)."
)


# --- output (format.py) -------------------------------------------------------------


def emit(fmt: str, obj: Any, *, table: Callable[[Any], str | Iterable[str]], rows: Callable[[Any], list[dict]]) -> None:
    """Print ``obj`` as JSON, CSV (``rows(obj)``) or a table (``table(obj)``: its
    text, or its lines), a piece at a time (:func:`relgraph.format.render_pieces`).
    JSON comes as UTF-8 bytes, written to standard output's binary buffer as they
    are, or decoded where it has none (a caller's ``io.StringIO``)."""
    binary = getattr(sys.stdout, "buffer", None) is not None
    for piece in render_pieces(fmt, obj, table=table, rows=rows):
        click.echo(piece if binary or isinstance(piece, str) else piece.decode("utf-8"), nl=False)


def _row_texts(fmt: str) -> Callable[[list[dict]], list[bytes]] | None:
    """For compact JSON (``fmt`` json, not to a terminal): the writer of rows' text
    (:func:`relgraph.format.json_texts`) a portfolio command hands its analysis,
    so that where the accounts are shared out each process writes its own rows'
    text; else None."""
    return json_texts if fmt == "json" and not indented() else None


# --- shared options ------------------------------------------------------------------


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


class PositiveFinite(click.FloatRange):
    """A number above 0 that is finite: ``nan`` and ``inf`` pass a plain range and
    then make every figure meaningless."""

    def __init__(self) -> None:
        super().__init__(min=0, min_open=True)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


HORIZON_DAYS = click.IntRange(min=0, max=36_500)
"""Days ahead for 'rotation due soon': up to a hundred years."""


def rotation_options(f: Callable | None = None, *, horizon_help: str | None = None) -> Callable:
    """--horizon and --rotation-years: who is due to rotate soon (SPEC section 2), and
    so flagged by ``risk`` and never named to act (a suggestion, backup, heir or
    owner). Every command whose answer depends on them takes both, from here."""

    def add(f: Callable) -> Callable:
        f = click.option("--rotation-years", type=click.IntRange(min=0, max=100), default=3, show_default=True,
                         metavar="N", help="Staff who rotate are due N years after their in_role_since.")(f)
        return click.option(
            "--horizon", type=HORIZON_DAYS, default=180, show_default=True, metavar="DAYS",
            help=horizon_help or "Staff whose rotation is due within this many days of --as-of are due soon: "
            "flagged, and never named to act.")(f)

    return add if f is None else add(f)


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
    """--as-of, --grace, --half-life, --strong: the parameters of every figure."""
    f = click.option(
        "--strong",
        type=PositiveFinite(),
        default=3.0,
        show_default=True,
        help="Effective strength from which a relationship counts as strong.",
    )(f)
    f = click.option(
        "--half-life",
        type=PositiveFinite(),
        default=180.0,
        show_default=True,
        help="Days after the grace period in which an untended relationship loses half its strength.",
    )(f)
    f = click.option(
        "--grace",
        type=click.FloatRange(min=0, max=36_500),
        default=90.0,
        show_default=True,
        metavar="DAYS",
        help="Days after the last contact during which a relationship keeps its full strength.",
    )(f)
    f = click.option(
        "--as-of",
        callback=parse_date,
        metavar="DATE",
        help="Compute as on this day (YYYY-MM-DD; default today).",
    )(f)
    return f


def analysis_options(f: Callable) -> Callable:
    """--as-of, --grace, --half-life, --strong, --format, --database: shared by every analysis."""
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
            for line in problems_text(e.problems, e.warnings):
                click.echo(line, err=True)
            click.echo(f"{plural(len(e.problems), 'problem')}; nothing was written.", err=True)
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


@contextlib.contextmanager
def opened(data: str, database: str | None = None) -> Iterator[Any]:
    """The store behind a DATA argument (files validated first), closed at the end.

    A loaded portfolio is millions of long-lived objects, and an answer hundreds of
    thousands more, none in a reference cycle: while the command runs, the cyclic
    garbage collector is off (the few cycles made meanwhile, a few hundred objects,
    wait for its next run), and every object is moved at the end to its oldest
    generation unwalked, where its first collection after the pause walked all of a
    plan's 220,000 containers (0.04 s).
    Its settings are restored afterwards, so that a caller in the same process (a
    test, a notebook) keeps its own; a caller's own frozen objects turn the pause
    off. pyarrow is set to allocate from the C library's
    heap, with large blocks mapped on their own
    (:func:`relgraph.memory.return_freed_memory`): a process setting, so made here,
    by the command, and never by the library a notebook imports.
    """
    import gc

    from .memory import return_freed_memory
    from .stores import open_store

    return_freed_memory()

    threshold, enabled = gc.get_threshold(), gc.isenabled()
    ours = gc.get_freeze_count() == 0  # a caller's own frozen objects stay frozen
    gc.set_threshold(100_000, 50, 100)
    if ours:
        gc.disable()
    try:
        store = open_store(data, database=database)
        try:
            yield store
        finally:
            store.close()
    finally:
        if ours:  # every object into the oldest generation, none walked
            gc.freeze()
            gc.unfreeze()
            if enabled:
                gc.enable()
        gc.set_threshold(*threshold)


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
    # Process settings, read once when numpy loads, so made here, by the command
    # (a user's own stand). No command multiplies matrices, yet numpy's OpenBLAS
    # starts a thread per CPU when numpy is imported, which spins while the import
    # goes on: a tenth of a second of CPU time on two CPUs, taken from the readers
    # that follow. And numpy asks for huge pages for each array of 4 MB and up,
    # which a kernel that compacts memory for them on demand (THP defrag
    # "madvise") then stalls on: on the 600-account portfolio a third of a second
    # more system time, varying from run to run; a 4 kB page is faulted in at once.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    cli(prog_name="relgraph")


GEN0_THRESHOLD = 50_000
"""The allocations between two collections of the youngest objects in the
``relgraph`` program (:func:`program`; Python's default: 700)."""


def program() -> None:
    """The ``relgraph`` program (its console script, and ``python -m relgraph``):
    :func:`main`, then the process ends with main's status once its output is
    written, without the interpreter's shutdown.

    A portfolio command leaves millions of objects behind (the tables, the frame,
    the answer), which the shutdown would free one by one and walk with the cyclic
    collector, for memory the kernel takes back at once: 0.03 s of a coverage run,
    0.06 s of a plan. Every file a command writes is closed (and renamed into
    place) before it returns, and nothing of relgraph waits for an exit handler.
    Where standard output or error cannot be flushed (a reader gone, a full disk),
    or the status is not a number, the ordinary exit reports it as it always did.
    A caller of :func:`main` in its own process (a test, a script) keeps the
    ordinary exit."""
    import gc

    from .memory import ending_unfreed

    ending_unfreed()  # (what the work is done with is left unfreed: relgraph.memory.left)
    # The cyclic collector looks at the young objects every GEN0_THRESHOLD
    # allocations, not every 700: a command's imports (numpy, pyarrow, its own
    # modules) make a few hundred thousand objects, none of them garbage, which
    # it walked fifty times (5-7 ms of a portfolio command), where the work that
    # follows runs with the collector paused (relgraph.rows.paused_gc) anyway.
    gc.set_threshold(GEN0_THRESHOLD, *gc.get_threshold()[1:])
    try:
        main()
    except SystemExit as e:
        status = e.code
    else:
        status = 0
    if status is None or isinstance(status, int):
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
        else:
            if "logging" in sys.modules:  # its handlers flushed, as at exit
                sys.modules["logging"].shutdown()
            os._exit(status or 0)
    sys.exit(status)


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
@database_option
@handle_errors
def validate(data: str, fmt: str, database: str | None) -> None:
    """Check a data set: report every problem as FILE:LINE: message.

    Exit status 0 when the data set is valid (warnings may still be listed), 2 when
    it has problems. A database is checked whole, each problem located by its node
    or relationship (URI: Contact 'c1': message).

    \b
    Examples:
      relgraph validate ./relgraph-demo
      relgraph validate ./relgraph-demo --format json
    """
    from .stores import is_uri

    if is_uri(data):
        from .stores.checked import check_store

        with opened(data, database) as store:
            problems, warnings = check_store(store)
    else:
        from .readwrite import check

        problems, warnings = check(data)
    if fmt == "json":
        click.echo(dump_json({"errors": [p.as_dict() for p in problems], "warnings": [w.as_dict() for w in warnings]}))
    else:
        for line in problems_text(problems, warnings):
            click.echo(line, err=True)
        if problems:
            click.echo(f"{plural(len(problems), 'problem')}.", err=True)
        else:
            click.echo(f"{data}: valid ({plural(len(warnings), 'warning')}).")
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

    with opened(data, database) as store:
        result = summarize(store)
    emit(fmt, result, table=fm.summary_table, rows=lambda r: r["accounts"])


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
@click.option("--bom", is_flag=True, help="With --to csv: start each file with a UTF-8 BOM, for Excel.")
@database_option
@handle_errors
def export(data: str, to: str, output: str, force: bool, bom: bool, database: str | None) -> None:
    """Write the data set out as JSON, a CSV folder or GraphML.

    JSON and CSV read back into relgraph unchanged; GraphML opens in Gephi, yEd or
    networkx (touchpoints become nodes linked to the people who attended).

    \b
    Examples:
      relgraph export ./relgraph-demo --to json -o demo.json
      relgraph export demo.json --to csv -o demo-csv
      relgraph export demo.json --to csv -o demo-excel --bom
      relgraph export ./relgraph-demo --to graphml -o demo.graphml
    """
    from .errors import UsageError
    from .readwrite import write

    if bom and to != "csv":
        raise UsageError("--bom is for CSV files: use it with --to csv")
    with opened(data, database) as store:
        ds = store.dataset()
    write(ds, output, to, force=force, bom=bom)
    click.echo(f"wrote {output}", err=True)


# --- maps and the portfolio report (render/) -----------------------------------------


def render_options(f: Callable) -> Callable:
    """--as-of, --grace, --half-life, --strong, --database: the analysis options of a page."""
    return database_option(model_options(f))


@cli.command("map")
@click.argument("data")
@click.option(
    "--account", metavar="ID", help="The account to draw (default: the account of --to, or the data set's only account)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="HTML file to write (default: ./<account>-map.html).",
)
@click.option("--force", is_flag=True, help="Replace an existing file at -o that is not an earlier relgraph page.")
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
@click.option("--focus", metavar="ID", help="Open on this contact's or staff member's neighbourhood.")
@click.option("--hops", type=click.IntRange(min=1), default=1, show_default=True, help="With --focus: how far it reaches.")
@rotation_options
@render_options
@handle_errors
def map_(
    data: str,
    account: str | None,
    output: str | None,
    force: bool,
    to: str | None,
    source: str | None,
    through_opponents: bool,
    layout: str,
    focus: str | None,
    hops: int,
    horizon: int,
    rotation_years: int,
    as_of: dt.date | None,
    half_life: float,
    grace: float,
    strong: float,
    database: str | None,
) -> None:
    """Write the interactive HTML map of one account and print its path.

    One self-contained file that opens offline in any browser: who we know and how
    well, the gaps (cells not covered, blind spots among them), the unthreaded and
    single-threaded key contacts, a legend, search and filters; with --to, the best
    way to reach that contact. A key contact has role decision_maker or influence
    >= 4.

    \b
    Examples:
      relgraph map ./relgraph-demo --account nwm
      relgraph map ./relgraph-demo --to nwm-ceo -o ceo-path.html
      relgraph map ./relgraph-demo --account nwm --layout org
      relgraph map ./relgraph-demo --account nwm --focus nwm-cfo --hops 2
    """
    from .readwrite import is_relgraph_page, refuse_overwrite
    from .render import write_map

    if output is None and account is not None:
        from .render.report import file_stem

        output = f"{file_stem(account)}-map.html"  # write_map's default, checked before reading
    if output is not None:
        refuse_overwrite(output, force, ours=is_relgraph_page)
    with opened(data, database) as store:
        path = write_map(
            store,
            output,
            account=account,
            as_of=as_of or today(),
            half_life=half_life, grace=grace,
            strong=strong,
            to=to,
            source=source,
            through_opponents=through_opponents,
            layout=layout,
            focus=focus,
            hops=hops,
            horizon=horizon,
            rotation_years=rotation_years,
        )
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
@rotation_options
@click.option("--no-maps", is_flag=True, help="Write the report only, without the account maps.")
@click.option("--force", is_flag=True, help="Replace an existing file at -o that is not an earlier relgraph page.")
@render_options
@handle_errors
def report(
    data: str,
    output: str,
    force: bool,
    top: int,
    horizon: int,
    rotation_years: int,
    no_maps: bool,
    as_of: dt.date | None,
    half_life: float,
    grace: float,
    strong: float,
    database: str | None,
) -> None:
    """Write the portfolio report (one HTML page) and every account's map beside it.

    The page lists each account's figures with a link to its map, a level x role
    coverage heat-map per account, the top gaps, the unthreaded and single-threaded
    key contacts and the staff ranked by rotation risk. Prints the paths written. A
    key contact has role decision_maker or influence >= 4.

    \b
    Examples:
      relgraph report ./relgraph-demo
      relgraph report ./relgraph-demo -o out/report.html   # also out/maps/*.html
    """
    from .readwrite import is_relgraph_page, refuse_overwrite
    from .render import write_report

    refuse_overwrite(output, force, ours=is_relgraph_page)
    with opened(data, database) as store:
        paths = write_report(
            store,
            output,
            as_of=as_of or today(),
            half_life=half_life, grace=grace,
            strong=strong,
            horizon=horizon,
            rotation_years=rotation_years,
            top=top,
            maps=not no_maps,
        )
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
    spots to find: blind spots, a single-threaded decision-maker, a chairman reachable
    only through one coach, an opponent on the way to the CEO, an account manager
    due to rotate, a rank gap and a stale relationship. Its dates are relative to
    2026-11-01: pass --as-of 2026-11-01 to see the figures the README shows.

    \b
    Examples:
      relgraph demo
      relgraph demo another-demo
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
    with opened(data, database) as store:
        return fn(store, **kwargs)


account_option = click.option(
    "--account", "accounts", multiple=True, metavar="ID", help="Only this account (repeat for several)."
)


@cli.command()
@click.argument("data")
@account_option
@analysis_options
@handle_errors
def coverage(data, accounts, as_of, half_life, grace, strong, fmt, database) -> None:
    """Account figures and the level x role coverage matrix.

    A cell is covered (someone has a strong relationship there), weak (only weak
    relationships), uncovered (contacts, no relationship) or a blind spot (no contact
    known; status "unknown" in JSON and CSV). Every cell not covered is a gap. Key
    coverage is the share of key contacts with a thread, multithreading the share
    with two or more. A key contact has role decision_maker or influence >= 4.

    \b
    Examples:
      relgraph coverage ./relgraph-demo
      relgraph coverage ./relgraph-demo --account nwm --format json
    """
    from .analysis.portfolio import coverage_report

    r = _run(data, database, coverage_report, as_of=as_of or today(), half_life=half_life, grace=grace, strong=strong,
             accounts=list(accounts) or None, progress=_progress("coverage"))
    emit(fmt, r, table=fm.coverage_table, rows=fm.coverage_rows)


@cli.command()
@click.argument("data")
@account_option
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Show the N highest priorities only.")
@rotation_options
@analysis_options
@handle_errors
def gaps(data, horizon, rotation_years, accounts, limit, as_of, half_life, grace, strong, fmt, database) -> None:
    """Gaps: the cells not covered, highest priority first, with who is best placed to close each.

    A gap is a coverage cell that is weak, uncovered or a blind spot (no contact
    known; status "unknown" in JSON and CSV); people are never gaps (key contacts
    without a thread or with one: `relgraph threads`). A key contact has role
    decision_maker or influence >= 4. priority = grade weight x max influence x
    (1 - best strength / 5); the suggested staff member is the best placed: the
    start of the best influence path into the cell (for a blind spot, to anyone at
    its level), never someone due to rotate within --horizon days.

    \b
    Examples:
      relgraph gaps ./relgraph-demo --limit 10
      relgraph gaps ./relgraph-demo --account nwm --format csv
    """
    from .analysis.portfolio import gaps_report

    r = _run(data, database, gaps_report, as_of=as_of or today(), half_life=half_life, grace=grace, strong=strong,
             accounts=list(accounts) or None, limit=limit, horizon=horizon, rotation_years=rotation_years,
             progress=_progress("gaps"))
    emit(fmt, r, table=fm.gaps_table, rows=lambda r: r["gaps"])


@cli.command()
@click.argument("data")
@account_option
@click.option("--all", "all_", is_flag=True, help="Consider every contact, not only key contacts.")
@rotation_options
@analysis_options
@handle_errors
def threads(data, horizon, rotation_years, accounts, all_, as_of, half_life, grace, strong, fmt, database) -> None:
    """Key contacts that hang by a thread: threads <= 1, redundancy <= 1 or rank gap >= 2.

    A key contact has role decision_maker or influence >= 4. With no thread it is
    unthreaded, with exactly one single-threaded (the table ends with how many of
    each). threads: our staff with a strong relationship to them; redundancy: how
    many people must drop out before every route to them is lost; rank gap: their
    seniority minus that of our best-ranked thread; backup: the successor, who starts
    the best influence path to them among the others, never someone due to rotate
    within --horizon days.

    \b
    Examples:
      relgraph threads ./relgraph-demo
      relgraph threads ./relgraph-demo --all --format json
    """
    from .analysis.portfolio import threads_report

    r = _run(data, database, threads_report, as_of=as_of or today(), half_life=half_life, grace=grace, strong=strong,
             accounts=list(accounts) or None, all=all_, horizon=horizon, rotation_years=rotation_years,
             progress=_progress("threads"), encode=_row_texts(fmt))
    emit(fmt, r, table=fm.threads_table, rows=lambda r: r["contacts"])


@cli.command()
@click.argument("data")
@rotation_options
@analysis_options
@handle_errors
def risk(data, horizon, rotation_years, as_of, half_life, grace, strong, fmt, database) -> None:
    """Staff ranked by rotation risk: the key contacts only they hold.

    risk = sum of grade weight x influence over the key contacts of which they are
    the only thread; rotation due = in role since + --rotation-years, for staff who
    rotate (the rotates column; by default account_manager, solution, delivery and
    service). A key contact has role decision_maker or influence >= 4.

    \b
    Examples:
      relgraph risk ./relgraph-demo
      relgraph risk ./relgraph-demo --horizon 365 --format csv
    """
    from .analysis.portfolio import risk_report

    r = _run(data, database, risk_report, as_of=as_of or today(), half_life=half_life, grace=grace, strong=strong,
             horizon=horizon, rotation_years=rotation_years, progress=_progress("risk"))
    emit(fmt, r, table=fm.risk_table, rows=lambda r: r["staff"])


@cli.command()
@click.argument("data")
@click.option("--without", "without", multiple=True, required=True, metavar="STAFF",
              help="A staff member who leaves (repeat for several).")
@account_option
@rotation_options
@analysis_options
@handle_errors
def whatif(data, horizon, rotation_years, without, accounts, as_of, half_life, grace, strong, fmt, database) -> None:
    """Account figures before and after some staff leave, and who inherits what.

    Lists the contacts left without a thread and, for each, the heir: the successor
    (as the backup of `threads`), who starts the best remaining influence path to
    them, never someone due to rotate within --horizon days. The figures count key
    contacts. A key contact has role decision_maker or influence >= 4.

    \b
    Examples:
      relgraph whatif ./relgraph-demo --without s-am-es
      relgraph whatif ./relgraph-demo --without s-am-es --without s-vpka --format json
    """
    from .analysis.portfolio import whatif_report

    r = _run(data, database, whatif_report, as_of=as_of or today(), half_life=half_life, grace=grace, strong=strong,
             without=list(without), accounts=list(accounts) or None, horizon=horizon,
             rotation_years=rotation_years, progress=_progress("whatif"))
    emit(fmt, r, table=fm.whatif_table, rows=fm.before_after_rows)


@cli.command()
@click.argument("data")
@click.option("--since", callback=parse_date, required=True, metavar="DATE",
              help="The earlier date to compare with (YYYY-MM-DD).")
@account_option
@analysis_options
@handle_errors
def diff(data, since, accounts, as_of, half_life, grace, strong, fmt, database) -> None:
    """What changed between --since and --as-of: account figures and threads gained/lost.

    A thread is a strong relationship; the figures count key contacts. A key contact
    has role decision_maker or influence >= 4.

    \b
    Examples:
      relgraph diff ./relgraph-demo --since 2026-01-01
      relgraph diff ./relgraph-demo --since 2026-01-01 --format json
    """
    from .analysis.portfolio import diff_report

    r = _run(data, database, diff_report, since=since, as_of=as_of or today(), half_life=half_life, grace=grace,
             strong=strong, accounts=list(accounts) or None, progress=_progress("diff"))
    emit(fmt, r, table=fm.diff_table, rows=fm.before_after_rows)


@cli.command()
@click.argument("data")
@click.option("--to", "target", required=True, metavar="CONTACT", help="The contact to reach.")
@click.option("--from", "source", metavar="STAFF", help="Start from this staff member only.")
@click.option("-k", "k", type=click.IntRange(min=1), default=3, show_default=True, help="How many paths.")
@click.option("--through-opponents", is_flag=True, help="Allow paths through contacts who oppose us.")
@analysis_options
@handle_errors
def paths(data, target, source, k, through_opponents, as_of, half_life, grace, strong, fmt, database) -> None:
    """The k best influence paths from our staff to a contact.

    A path's score is the product of its steps: a relationship counts effective
    strength / 5, an influence or reporting line weight / 5.

    \b
    Examples:
      relgraph paths ./relgraph-demo --to nwm-ceo
      relgraph paths ./relgraph-demo --to nwm-ceo --from s-sol-hq -k 5 --format json
    """
    from .analysis.portfolio import paths_report

    r = _run(data, database, paths_report, target=target, as_of=as_of or today(), half_life=half_life, grace=grace, k=k,
             source=source, through_opponents=through_opponents)
    emit(fmt, r, table=functools.partial(fm.paths_table, source=source), rows=fm.paths_rows)


@cli.command()
@click.argument("data")
@click.option("--account", required=True, metavar="ID", help="The account.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Show the top N only.")
@analysis_options
@handle_errors
def influencers(data, account, limit, as_of, half_life, grace, strong, fmt, database) -> None:
    """Who holds the power in an account (PageRank over influence and reporting
    lines) and our best relationship to each.

    \b
    Examples:
      relgraph influencers ./relgraph-demo --account nwm --limit 10
    """
    from .analysis.portfolio import influencers_report

    r = _run(data, database, influencers_report, account=account, as_of=as_of or today(), half_life=half_life, grace=grace,
             strong=strong, limit=limit)
    emit(fmt, r, table=fm.influencers_table, rows=lambda r: r["contacts"])



# --- Neo4j: cypher (stores/neo4j.py) ------------------------------------------------


def _require_uri(uri: str) -> None:
    from .errors import UsageError
    from .stores import is_uri

    if not is_uri(uri):
        raise UsageError(f"{uri!r} is not a Neo4j URI (neo4j://, neo4j+s://, bolt://, bolt+s://)")


def _param_values(params: tuple[str, ...]) -> dict[str, Any]:
    """``--param NAME=VALUE`` options as $parameters: VALUE as JSON when it parses."""
    from .errors import UsageError

    values: dict[str, Any] = {}
    for p in params:
        name, sep, text = p.partition("=")
        name = name.strip().lstrip("$")
        if not sep or not name.isidentifier():
            raise UsageError(f"--param {p!r}: expected NAME=VALUE")
        try:
            import json

            values[name] = json.loads(text)
        except ValueError:
            values[name] = text
    return values


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

    A query that may write (CREATE, MERGE, SET, DELETE, ..., or a CALL of a
    procedure not on the short read-only list) is refused without --write and
    nothing is changed. A file may hold several statements separated by ';'; the
    records of the last are shown. A server that stops answering fails the query
    after $RELGRAPH_NEO4J_TIMEOUT seconds (default 60).

    \b
    Examples:
      relgraph cypher neo4j://localhost:7687 "MATCH (a:Account) RETURN a.id, a.name"
      relgraph cypher neo4j://localhost:7687 --file cypher/threads.cypher --param account=nwm \\
        --param asOf=2026-11-01 --param grace=90.0 --param halfLife=180.0 --param strong=3.0 --format json
    """
    from .errors import UsageError
    from .stores.cypherguard import statements_to_run
    from .stores.neo4j import Neo4jStore

    _require_uri(uri)
    if (query is None) == (file is None):
        raise UsageError("give a QUERY or --file FILE (one of them)")
    values = _param_values(params)
    stmts = statements_to_run(query if file is None else file.read(), script=file is not None, write=write)
    with Neo4jStore(uri, database=database) as store:
        for stmt in stmts:
            records = store.run(stmt, values, write=write)
    emit(fmt, records, table=fm.records_table, rows=lambda rs: rs)


# --- one team, one database: push, log, relate (stores/neo4j.py, facts.py) -------------


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


PLAN_TABLES = ("accounts", "units", "contacts", "relationships", "links", "team", "touchpoints")


def _plan_rows(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per account and table with anything to do, then the staff."""
    rows = []
    for a in plan["accounts"]:
        for t in PLAN_TABLES:
            counts = {k: a[k][t] for k in ("added", "changed", "removed", "reverted")}
            if any(counts.values()):
                rows.append({"account": a["id"], "table": t, **counts})
    if any(plan["staff"].values()):
        rows.append({"account": "-", "table": "staff", **plan["staff"]})
    return rows


def _plan_table(plan: dict[str, Any]) -> str:
    rows = _plan_rows(plan)
    n = len(plan["accounts"])
    head = f"dry run: nothing written; {n} account{'s' if n != 1 else ''}"
    head += " (--replace-all: the database would equal DATA)" if plan["replace_all"] else ""
    if not rows:
        return head + ", all as DATA has them already"
    lines = [head, table_text(rows, ["account", "table", "added", "changed", "removed", "reverted"])]
    reverted = sum(r["reverted"] for r in rows)
    if reverted:
        lines.append(
            f"{reverted} of these rows were changed in the database since they were pushed "
            "(e.g. by cypher --write, log or relate); the push would revert them"
        )
    return "\n".join(lines)


@cli.command()
@click.argument("data")
@click.argument("uri", metavar="NEO4J_URI")
@click.option("--account", "accounts", multiple=True, metavar="ID",
              help="Push only this account of DATA (repeat for several).")
@click.option("--dry-run", is_flag=True, help="Write nothing; show what would be added, changed and removed.")
@click.option("--replace-all", is_flag=True,
              help="Make the whole database equal DATA: remove the accounts and staff DATA does not have.")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Rows per write statement.",
)
@database_option
@format_option
@handle_errors
def push(data: str, uri: str, accounts: tuple[str, ...], dry_run: bool, replace_all: bool, batch_size: int,
         database: str | None, fmt: str) -> None:
    """Push the accounts of a data set into a shared Neo4j database.

    Each account of DATA (or each --account) is made exactly as DATA has it: its
    units, contacts, relationships to its contacts, links from its contacts, team
    rows and touchpoints; the staff of DATA are created or updated. Other accounts,
    and staff DATA does not name, are left alone, so several people can push their
    own accounts into one database, even at the same time. --replace-all makes the
    whole database equal DATA and says what it removed.

    Idempotent: pushing the same data twice leaves the same database, and pushing
    again after a failure completes the push without duplicates. --dry-run shows,
    per account and table, what a push would add, change and remove, and which of
    those rows were changed in the database since (the push would revert them).
    The data is validated first; with a problem nothing is written.

    \b
    Examples:
      NEO4J_USERNAME=neo4j NEO4J_PASSWORD=secret \\
        relgraph push ./relgraph-demo neo4j://localhost:7687 --dry-run
      relgraph push ./relgraph-demo neo4j://localhost:7687 --account nwm
      relgraph push ./relgraph-demo bolt://localhost:7687 --replace-all
    """
    from .stores.neo4j import Neo4jStore

    _require_uri(uri)
    with opened(data) as source:
        ds = source.dataset()
    chosen = list(accounts) or None
    with Neo4jStore(uri, database=database, batch_size=batch_size) as store:
        if dry_run:
            plan = store.plan_push(ds, accounts=chosen, replace_all=replace_all).as_dict()
            emit(fmt, plan, table=_plan_table, rows=_plan_rows)
            return
        counts = store.push(ds, accounts=chosen, replace_all=replace_all, progress=_push_progress())
    if replace_all:
        gone = ", ".join(f"{t} {counts[f'removed {t}']}" for t in (*PLAN_TABLES, "staff"))
        click.echo(f"push: --replace-all removed {gone}", err=True)
    nodes = sum(counts.get(t, 0) for t in ("accounts", "units", "contacts", "staff", "touchpoints"))
    click.echo(f"pushed {data} to {uri}: {nodes} nodes; {counts.get('prune nodes', 0)} stale nodes removed", err=True)


def _fact_table(what: str, row: dict[str, Any]) -> str:
    """A written row for people: one ``column: value`` line per value given."""
    def text(v: Any) -> str:
        return ", ".join(v) if isinstance(v, list) else str(to_jsonable(v))

    return "\n".join([what] + [f"  {k}: {text(v)}" for k, v in row.items() if v is not None])


@cli.command("log")
@click.argument("data")
@click.option("--date", required=True, metavar="YYYY-MM-DD", help="When it took place.")
@click.option("--method", required=True, metavar="METHOD",
              help="visit, model_site, meeting, tech_exchange, research or other.")
@click.option("--staff", "staff", multiple=True, required=True, metavar="S", help="A staff member who took part (repeat).")
@click.option("--contacts", "--contact", "contacts", multiple=True, required=True, metavar="C",
              help="A contact who took part (repeat, or a;b).")
@click.option("--notes", metavar="TEXT", help="What it was about.")
@database_option
@format_option
@handle_errors
def log_(data: str, date: str, method: str, staff: tuple[str, ...], contacts: tuple[str, ...], notes: str | None,
         database: str | None, fmt: str) -> None:
    """Record one touchpoint: who of our staff met which contacts, how and when.

    DATA is a folder (touchpoints.csv gets one line, its separator, BOM and line
    endings kept), a JSON file, or a Neo4j URI (one transaction). The touchpoint is
    checked against DATA first: an unknown id, a bad method or date is a problem
    (exit 2, nothing written). Every analysis sees it at once: it refreshes the last
    contact of each staff member with each contact it lists.

    \b
    Examples:
      relgraph log ./relgraph-demo --date 2026-11-30 --method meeting \\
        --staff s-pres --contacts nwm-cfo --notes "budget review"
    """
    from .facts import log_touchpoint

    row = log_touchpoint(data, date=date, method=method, staff=staff, contacts=contacts, notes=notes,
                         database=database)
    emit(fmt, {"touchpoint": row}, table=lambda r: _fact_table("logged touchpoint", r["touchpoint"]),
         rows=lambda r: [r["touchpoint"]])


@cli.command()
@click.argument("data")
@click.option("--staff", required=True, metavar="S", help="The staff member.")
@click.option("--contact", required=True, metavar="C", help="The contact.")
@click.option("--strength", required=True, metavar="N", help="1 met, 2 acquainted, 3 working relationship, "
              "4 trusted, 5 strategic/personal trust.")
@click.option("--date", metavar="YYYY-MM-DD", help="The last contact (and the day the strength holds from).")
@database_option
@format_option
@handle_errors
def relate(data: str, staff: str, contact: str, strength: str, date: str | None, database: str | None,
           fmt: str) -> None:
    """Set how well a staff member knows a contact.

    Updates the relationship in force (on --date, else today): its strength, and its
    last contact when --date is given; with none in force, adds one. DATA is a
    folder, a JSON file or a Neo4j URI; the values are checked against DATA first
    (exit 2, nothing written).

    \b
    Examples:
      relgraph relate ./relgraph-demo --staff s-pres --contact nwm-cfo --strength 4 --date 2026-11-30
    """
    from .facts import relate as relate_

    done = relate_(data, staff=staff, contact=contact, strength=strength, date=date, today=today(),
                   database=database)
    emit(fmt, {"action": done.action, "relationship": done.relationship},
         table=lambda r: _fact_table(f"{r['action']} relationship", r["relationship"]),
         rows=lambda r: [r["relationship"]])


# --- Excel workbooks and the template to fill in (#16) --------------------------------

_export_to = next(p for p in export.params if p.name == "to")
_export_to.type = click.Choice([*_export_to.type.choices, "xlsx"])
_export_to.help = (_export_to.help or "") + " xlsx: an Excel workbook, one sheet per table."


@cli.command()
@click.argument("path", type=click.Path())
@click.option("--xlsx", "xlsx", is_flag=True,
              help="Write an Excel workbook (the default when PATH ends in .xlsx).")
@click.option("--force", is_flag=True, help="Write over an existing file or into a non-empty folder.")
@handle_errors
def init(path: str, xlsx: bool, force: bool) -> None:
    """Write an empty data set to fill in: every table with one example row.

    PATH becomes a folder of CSV files, or with --xlsx (or a PATH ending in .xlsx)
    one Excel workbook: a sheet per table with drop-down lists for every column
    with a fixed set of values, and a README sheet explaining each column (a PATH
    ending in .json: one JSON file). The
    example rows refer to each other and pass `relgraph validate`; replace them
    with your own.

    \b
    Examples:
      relgraph init team.xlsx
      relgraph validate team.xlsx
      relgraph init team-data
    """
    from .template import init as write_template

    fmt = write_template(path, xlsx=xlsx or None, force=force)
    what = {"xlsx": "workbook", "json": "file"}.get(fmt, "folder")
    click.echo(f"wrote {path}: fill in the {what}, then run: relgraph validate {path}", err=True)


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
      relgraph import salesforce tests/data/imports/salesforce -o portfolio --as-of 2026-11-01
      relgraph import ics tests/data/imports/calendar.ics portfolio --as-of 2026-11-01
      relgraph import ics tests/data/imports/calendar.ics portfolio -o with-calendar.json --as-of 2026-11-01
    """
    from .imports import import_ics as run

    _import_summary(run(calendar, data, output, as_of=as_of or today(), methods_file=methods_file, force=force),
                    fmt)


# --- the relationship plan (analysis/plan.py) -------------------------------------------


def plan_table(r: dict[str, Any], grouped: bool) -> str:
    """One line per action, ``due  kind  owner → via → target (method)  reason``;
    under a heading per account when ``grouped`` (:func:`plan_lines`, joined)."""
    return "\n".join(plan_lines(r, grouped))


def plan_lines(r: dict[str, Any], grouped: bool) -> Iterator[str]:
    """The lines of :func:`plan_table`, made :data:`relgraph.format.PIECE` actions at
    a time (a portfolio's plan is tens of thousands: its text whole would be tens of
    megabytes)."""
    from .plancal import iso_dates, route_texts

    actions = r["actions"]
    if not actions:
        yield f"no actions in the next {r['horizon']} days"
        return
    width = max(len(a["kind"]) for a in actions)
    # Column by column: each date and kind formatted once, each route in one pass.
    kinds = {k: k.ljust(width) for k in dict.fromkeys(a["kind"] for a in actions)}

    def lines(part: list[dict[str, Any]]) -> list[str]:
        """Each line of ``part`` in full (with its account when not grouped by account)."""
        return [f"{due}  {kinds[a['kind']]}  {route}  {a['reason']}" + ("" if grouped else f"  [{a['account']}]")
                for due, route, a in zip(iso_dates(a["due"] for a in part), route_texts(part), part)]

    if not grouped:
        for k in range(0, len(actions), fm.PIECE):
            yield from lines(actions[k : k + fm.PIECE])
        return
    by_account: dict[str, list[dict[str, Any]]] = {}
    for a in actions:
        by_account.setdefault(a["account"], []).append(a)
    for n, (account, mine) in enumerate(by_account.items()):
        yield ("\n" if n else "") + account
        for k in range(0, len(mine), fm.PIECE):
            yield from ("  " + line for line in lines(mine[k : k + fm.PIECE]))


def plan_rows(r: dict[str, Any]) -> fm.Columns | list:
    """The CSV of the actions, column by column; a cell target as ``level/role``
    (no actions: no rows, and so no header)."""
    from .plancal import iso_dates

    actions = r["actions"]
    if not actions:
        return []
    cell = fm.csv_cell
    return fm.Columns(
        kind=[a["kind"] for a in actions],
        account=[a["account"] for a in actions],
        owner=[cell(a["owner"]) for a in actions],
        target=[t if type(t := a["target"]) is str else f"{t['level']}/{t['role']}" for a in actions],
        via=[";".join(a["via"]) for a in actions],
        due=iso_dates(a["due"] for a in actions),
        method=[a["method"] for a in actions],
        priority=[cell(a["priority"]) for a in actions],
        reason=[a["reason"] for a in actions],
    )


@cli.command()
@click.argument("data")
@account_option
@rotation_options(horizon_help="Plan this many days ahead; staff whose rotation is due within them are due soon "
                  "and own no action.")
@click.option("--lead", type=click.IntRange(min=0, max=36_500), default=30, show_default=True, metavar="DAYS",
              help="Hand over this many days before a rotation is due.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Show the N highest priorities only.")
@click.option("--ics", "ics", type=click.Path(dir_okay=False), metavar="FILE",
              help="Also write the actions as an iCalendar file (one all-day event each).")
@click.option("--force", is_flag=True, help="With --ics: replace an existing file.")
@analysis_options
@handle_errors
def plan(data, accounts, horizon, lead, grace, rotation_years, limit, ics, force, as_of, half_life, strong, fmt,
         database) -> None:
    """Dated actions: who should meet whom, through whom, by which method, by when.

    handover (a leaving thread's contacts), refresh (a strong tie about to fade),
    second_thread, reach (a key contact without a thread), rank (a senior contact
    covered too junior) and blind_spot (a cell of a grade S or A account where no
    contact is known); highest priority first. A key contact has role
    decision_maker or influence >= 4.

    \b
    Examples:
      relgraph plan ./relgraph-demo --limit 10
      relgraph plan ./relgraph-demo --account nwm --ics nwm-plan.ics
      relgraph plan ./relgraph-demo --horizon 90 --format csv
    """
    from .analysis.portfolio import plan_report
    from .errors import UsageError

    if ics is not None and not force and os.path.lexists(ics):  # before the work, not after
        raise UsageError(f"{ics} exists; use --force to replace it")
    r = _run(data, database, plan_report, as_of=as_of or today(), half_life=half_life, grace=grace, strong=strong,
             horizon=horizon, lead=lead, rotation_years=rotation_years, accounts=list(accounts) or None,
             limit=limit, progress=_progress("plan"), encode=_row_texts(fmt) if ics is None else None)  # (ICS: dicts)
    if ics is not None:
        from .plancal import write_plan_ics

        write_plan_ics(r, ics, force=force)
    # A portfolio's plan is tens of thousands of lines: given as lines, printed in pieces.
    emit(fmt, r, table=lambda r: plan_lines(r, grouped=bool(accounts)), rows=plan_rows)


# --- --no-cache, on every command that reads DATA (relgraph/cache.py) -----------------


def _no_cache(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        from . import cache

        cache.disable()
        ctx.call_on_close(cache.enable)  # a caller in the same process keeps its cache


def _add_no_cache(group: click.Group) -> None:
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _add_no_cache(command)
        elif any(isinstance(p, click.Argument) and p.name == "data" for p in command.params):
            command.params.append(click.Option(
                ["--no-cache"], is_flag=True, expose_value=False, callback=_no_cache,
                help="Read and validate DATA afresh, without the load cache (also: RELGRAPH_NO_CACHE=1).",
            ))


_add_no_cache(cli)


if __name__ == "__main__":  # pragma: no cover
    main()
