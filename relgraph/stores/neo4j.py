"""The Neo4j store: a data set kept in a Neo4j database, read in batches of accounts.

This is the only module that imports the ``neo4j`` driver. Every query it runs is
a named statement of ``cypher/read.cypher``, ``cypher/push.cypher``,
``cypher/write.cypher``, ``cypher/log.cypher``, ``cypher/relate.cypher`` or
``cypher/schema.cypher`` (shipped as :mod:`relgraph.cypher`); values always travel
as ``$parameters``.

How a data set is stored (SPEC section 5):

* nodes ``Account``, ``Unit``, ``Contact``, ``Staff`` keyed by ``id``, with one
  property per column, named in camelCase (:func:`property_names`; extra columns
  keep their own names); ``Touchpoint`` nodes keyed by ``key``, a hash of their row
  plus an occurrence number (touchpoints have no id in the files);
* relationships ``PART_OF``, ``AT``, ``WORKS_IN``, ``ATTENDED`` (one per pair) and
  one ``KNOWS`` / ``REPORTS_TO`` / ``INFLUENCES`` / ``ON_TEAM`` per data row, keyed
  by its endpoints and ``key``, the occurrence number of the pair among the rows of
  its table (one pair may have several rows; two people's data sets key a row alike);
* dates as ISO ``YYYY-MM-DD`` strings: they sort and compare as dates, and every
  Bolt server can store and return them (``date(n.lastContact)`` turns one into a
  Cypher date);
* bookkeeping properties ``seq`` (the row's position in the table it was pushed
  from: reading orders by it, so an account reads back in its data set's order) and
  ``rev`` (a hash of the element's content as pushed, :func:`~relgraph.stores.merge.content_rev`:
  an element whose content differs was edited in the database since); a
  ``(:RelgraphMeta {key: 'relgraph'})`` node holds the extra columns of each table.

A push works by account (SPEC section 5, :mod:`relgraph.stores.merge`): it reads what
the database holds of an account (``cypher/push.cypher``), compares it with the data
set, and in one transaction per account deletes by key what the data set no longer
has and MERGEs on its key what is new or changed. Running it twice leaves the same
database, and running it again after a failure part way completes it without
duplicates.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Collection, Hashable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from importlib import resources
from typing import Any, TypeVar
from urllib.parse import urlsplit

import neo4j
import networkx as nx
from neo4j import exceptions as driver_errors

from ..errors import NotFound, QueryError, StoreUnavailable, UsageError
from ..graph import ACCOUNT, CONTACT, INFLUENCES, REPORTS_TO, STAFF, UNIT, build_graph
from ..model import DATE, REFS, TABLES, Dataset, camel
from ..tables import TypedTables
from .checked import checked_columns
from .cypherguard import refuse_writes, write_clauses  # noqa: F401  (write_clauses: re-exported)
from .merge import ACCOUNT_TABLES, AccountChange, PushPlan, compare, content_rev

# The driver logs connection failures itself; relgraph reports them once, as one line.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
QUERY_LOG = logging.getLogger("relgraph.neo4j")
T = TypeVar("T")

ACCOUNTS_PER_READ = 400
"""Accounts read in one batch by a portfolio command (:meth:`Neo4jStore.table_parts`):
a batch costs two queries in one transaction (:meth:`Neo4jStore.read_tables`), so a
command costs a few queries plus one per 200 accounts, while a batch's rows (which
the server collects in the transaction's memory before sending them) stay those of
a portfolio that files hold in memory anyway."""

ROWS_PER_RECORD = 200
"""Rows in one record of a read (``$perRecord`` of ``cypher/read.cypher``): the
driver's cost is per record far more than per value, so a few hundred rows travel
together; small enough that a record stays a few tens of kilobytes (one Bolt
message of at most 64 KB on the suite's test server, see tests/bolt.py)."""

DEFAULT_BATCH_SIZE = 1000
"""Rows per write transaction: large enough to amortise round trips, small enough
to keep each transaction's memory modest on a default Neo4j configuration."""

CONNECTION_TIMEOUT = 5.0
"""Seconds to wait for a server to answer before giving up (no long retries)."""

RETRY_TIME = 5.0
"""Seconds a managed transaction may spend retrying transient errors."""

TIMEOUT_ENV = "RELGRAPH_NEO4J_TIMEOUT"
DEFAULT_TIMEOUT = 60.0
"""Seconds one transaction (a read, a batch of a push, a query) may take before the
store gives up on the server: ``$RELGRAPH_NEO4J_TIMEOUT``, else this."""

PUSH_ATTEMPTS = 5
"""How many times one account's transaction of a push is tried (see :meth:`Neo4jStore._account_transaction`)."""

INTERNAL = ("seq", "rev", "key")
"""Bookkeeping property names; no column may be stored under them."""

NODE_TABLES = {"accounts": ACCOUNT, "units": UNIT, "contacts": CONTACT, "staff": STAFF}

# Columns of row relationships held by the relationship's endpoints, not as properties.
ENDPOINTS = {
    "relationships": ("staff", "contact"),
    "links": ("source", "target", "kind"),
    "team": ("account", "staff"),
}


# --- the query library -------------------------------------------------------------


def cypher_text(filename: str) -> str:
    """The text of one file of the Cypher library (``cypher/<filename>``)."""
    return resources.files("relgraph.cypher").joinpath(filename).read_text(encoding="utf-8")


def statements(text: str, *, keep_comments: bool = False) -> list[str]:
    """The statements of a Cypher file: split at ``;`` ending a line, comment-only
    parts dropped, and (unless ``keep_comments``) the comment lines heading each
    statement removed."""
    out = []
    for part in re.split(r";[ \t]*(?:\n|$)", text):
        lines = part.strip().splitlines()
        if not any(ln.strip() and not ln.strip().startswith("//") for ln in lines):
            continue
        if not keep_comments:
            while lines and (not lines[0].strip() or lines[0].strip().startswith("//")):
                lines.pop(0)
        out.append("\n".join(lines).strip())
    return out


@lru_cache(maxsize=None)
def named_queries(filename: str) -> dict[str, str]:
    """The statements of a library file by name (each preceded by ``// name: NAME``)."""
    out: dict[str, str] = {}
    for stmt in statements(cypher_text(filename), keep_comments=True):
        m = re.search(r"^//\s*name:\s*(\w+)\s*$", stmt, re.M)
        if m:
            out[m.group(1)] = stmt[m.end() :].strip()
    return out


def schema_statements(product: str, existing: set[tuple[str, str]] = frozenset()) -> list[str]:
    """The schema DDL for a server product: the one place where dialects differ.

    ``neo4j``: ``cypher/schema.cypher`` as written (Neo4j 5 constraints and
    indexes, idempotent). Any other product (FalkorDB's Bolt endpoint) gets a plain
    range index on each (label, property) the file names, minus those in
    ``existing``, since it knows neither constraints nor ``IF NOT EXISTS``.
    """
    stmts = statements(cypher_text("schema.cypher"))
    if product == "neo4j":
        return stmts
    out = []
    for s in stmts:
        m = re.search(r"FOR \((\w+):(\w+)\) (?:REQUIRE|ON) \(?\1\.(\w+)", s)
        if m and (m.group(2), m.group(3)) not in existing:
            out.append(f"CREATE INDEX FOR (n:{m.group(2)}) ON (n.{m.group(3)})")
    return out


# --- property mapping --------------------------------------------------------------


def property_names(table: str, extras: Sequence[str] = ()) -> dict[str, str]:
    """Column name -> Neo4j property name for one table: camelCase for the known
    columns (``Column.prop`` where set), the column's own name for extras."""
    names = {c.name: c.prop or camel(c.name) for c in TABLES[table].columns if c.name not in ENDPOINTS.get(table, ())}
    names.update({x: x for x in extras})
    return names


def check_property_names(ds: Dataset) -> None:
    """Refuse a data set whose extra columns would overwrite another property."""
    for table in TABLES:
        names = property_names(table)
        taken = set(names.values()) | set(INTERNAL)
        for x in ds.extras.get(table, []):
            if x in taken:
                raise UsageError(
                    f"extra column {x!r} of {table} would be stored as the property {x!r}, "
                    f"which relgraph already uses; rename the column"
                )


def _stored(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _props(row: dict[str, Any], names: dict[str, str], **more: Any) -> dict[str, Any]:
    props = {p: _stored(row.get(c)) for c, p in names.items() if row.get(c) is not None}
    props.update(more)
    return props


def _typed(table: str, props: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A data row from stored properties (the inverse of :func:`_props`)."""
    cols = TABLES[table].by_name
    row = {}
    for c, p in names.items():
        v = props.get(p)
        if v is not None and c in cols and cols[c].type == DATE:
            v = _as_date(v)
        elif isinstance(v, (list, tuple)) and c in cols and cols[c].type == REFS:
            v = list(v)
        row[c] = v
    return row


def _as_date(v: Any) -> dt.date:
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:  # not a date: left as stored, for validation to report
            return v
    if hasattr(v, "to_native"):  # a Cypher date written by hand
        v = v.to_native()
    return v.date() if isinstance(v, dt.datetime) else v


def dataset_revision(ds: Dataset) -> str:
    """A hash of a data set's content: the same data always gives the same revision."""
    doc = {"tables": {t: ds[t] for t in TABLES}, "extras": {t: ds.extras.get(t, []) for t in TABLES}}
    text = json.dumps(doc, sort_keys=True, default=_stored, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def touchpoint_key(row: dict[str, Any], n: int) -> str:
    """The key of a touchpoint row that ``n`` identical rows precede."""
    content = json.dumps(row, sort_keys=True, default=_stored, ensure_ascii=False)
    return hashlib.sha256(f"{content}#{n}".encode()).hexdigest()[:24]


def touchpoint_keys(rows: Sequence[dict[str, Any]]) -> list[str]:
    """A deterministic key per touchpoint row: a hash of its content and of how many
    identical rows came before it (two identical rows are two touchpoints)."""
    seen: dict[str, int] = {}
    keys = []
    for row in rows:
        content = json.dumps(row, sort_keys=True, default=_stored, ensure_ascii=False)
        n = seen.get(content, 0)
        seen[content] = n + 1
        keys.append(touchpoint_key(row, n))
    return keys


# --- the elements of a push ------------------------------------------------------

ROW_TABLES = ("relationships", "links", "team")
"""The tables stored as one relationship per row."""


def _staff_rows(read: Callable[..., list[Any]], extras: dict[str, list[str]], **ids: Any) -> list[list[Any]]:
    """The rows of ``staff_all``, or of ``staff_by_id`` given ``ids=``, through ``read``
    (:meth:`Neo4jStore._reads`)."""
    name = "staff_by_id" if ids else "staff_all"
    return [row for (some,) in read(name, extras=extras, perRecord=ROWS_PER_RECORD, **ids) for row in some]


def _columns(table: str, rows: list[list[Any]], extras: Sequence[str]) -> tuple[list[Any], dict[str, list[Any]]]:
    """The ``seq`` of each row and the columns of ``rows`` as ``cypher/read.cypher``
    lists a row (``[seq, each column of the table, [each extra column]]``), in row
    order: by ``seq`` (rows without one last), then id."""
    with_id = "id" in TABLES[table].by_name
    try:  # two sorts in C where every seq (and id) is there, as a push stores them
        rows = sorted(rows, key=itemgetter(1)) if with_id else list(rows)
        rows.sort(key=itemgetter(0))
    except TypeError:
        rows.sort(key=lambda r: (r[0] is None, 0 if r[0] is None else r[0], (r[1] or "") if with_id else ""))
    names = [c.name for c in TABLES[table].columns]
    width = 2 + len(names)
    if rows and any(len(r) != width for r in rows):
        raise QueryError(f"read.cypher returns rows of {len(rows[0])} values for {table}, not {width}")
    cols = list(zip(*rows)) if rows else [()] * width
    out = {c: list(cols[1 + i]) for i, c in enumerate(names)}
    extra_values = list(zip(*cols[-1])) if rows and extras else [()] * len(extras)
    for i, x in enumerate(extras):
        out[x] = list(extra_values[i]) if rows else []
    return list(cols[0]), out


@dataclass(frozen=True)
class Element:
    """One element of a data set as a push stores it: ``params``, the row of its
    merge statement in ``cypher/write.cypher`` (its key fields and ``props``, the
    properties to store), and ``row``, the data row it comes from."""

    params: dict[str, Any]
    row: dict[str, Any]


def data_elements(ds: Dataset) -> tuple[dict[str, dict[str, dict[Hashable, Element]]], dict[str, Element]]:
    """The elements of a data set by account and table (see
    :mod:`relgraph.stores.merge`), and its staff by id.

    Keys: the id of an account, unit, contact or staff member; a touchpoint's
    :func:`touchpoint_keys` key; ``(staff, contact, n)``, ``(source, target, kind,
    n)`` and ``(account, staff, n)`` for relationships, links and team rows, ``n``
    counting the earlier rows of the same pair. An account has the relationships to
    its contacts, the links from its contacts and every touchpoint one of its
    contacts attended (so a touchpoint may belong to several accounts).
    """
    names = {t: property_names(t, ds.extras.get(t, [])) for t in TABLES}
    out: dict[str, dict[str, dict[Hashable, Element]]] = {
        a["id"]: {t: {} for t in ACCOUNT_TABLES} for a in ds["accounts"]
    }
    contact_account = {c["id"]: c["account"] for c in ds["contacts"]}

    def element(table: str, i: int, row: dict[str, Any], **params: Any) -> Element:
        props = _props(row, names[table], seq=i, **({"key": params["key"]} if "key" in params else {}))
        props["rev"] = content_rev(props)
        return Element({**params, "props": props}, row)

    for table in ("accounts", "units", "contacts"):
        for i, r in enumerate(ds[table]):
            out[r["account"] if table != "accounts" else r["id"]][table][r["id"]] = element(table, i, r, id=r["id"])
    staff = {r["id"]: element("staff", i, r, id=r["id"]) for i, r in enumerate(ds["staff"])}
    for table, ends in ENDPOINTS.items():
        seen: dict[tuple, int] = {}
        for i, r in enumerate(ds[table]):
            pair = tuple(r[c] for c in ends)
            n = seen[pair] = seen.get(pair, -1) + 1
            fields = {c: r[c] for c in ends if c != "kind"}
            account = r["account"] if table == "team" else contact_account[r["source" if table == "links" else "contact"]]
            out[account][table][(*pair, n)] = element(table, i, r, **fields, key=n)
    for i, (k, r) in enumerate(zip(touchpoint_keys(ds["touchpoints"]), ds["touchpoints"])):
        e = element("touchpoints", i, r, key=k)
        for a in dict.fromkeys(contact_account[c] for c in r["contacts"]):
            out[a]["touchpoints"][k] = e
    return out, staff


# --- plain values --------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A driver value as plain Python: nodes and relationships as dicts, temporal
    values as ISO strings, paths as lists."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {"labels": sorted(value.labels), "properties": plain(dict(value))}
    if isinstance(value, Relationship):
        return {
            "type": value.type,
            "start": plain(value.start_node) if value.start_node is not None else None,
            "end": plain(value.end_node) if value.end_node is not None else None,
            "properties": plain(dict(value)),
        }
    if isinstance(value, Path):
        return {"nodes": [plain(n) for n in value.nodes], "relationships": [plain(r) for r in value.relationships]}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


# --- errors ---------------------------------------------------------------------------


def _reason(e: BaseException, waited: float = CONNECTION_TIMEOUT) -> str:
    """The root cause of a connection failure, in a few words (``waited``: the
    seconds spent waiting, for a server that did not answer)."""
    seen = e
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno:
            return os.strerror(seen.errno).lower()
        if isinstance(seen, TimeoutError) or isinstance(seen, OSError) and "timed out" in str(seen):
            return f"no answer within {waited:.0f} s"
        seen = seen.__cause__ or seen.__context__
    text = str(e).strip().splitlines()
    msg = text[-1] if text else type(e).__name__
    if "handshake" in msg.lower():
        return "the server did not answer the Bolt handshake (is this a Bolt port?)"
    if "refused" in msg.lower():
        return os.strerror(errno.ECONNREFUSED).lower()
    return msg


def _probe(uri: str) -> str | None:
    """Why a TCP connection to the URI's host and port fails (None when it does not):
    the routing driver (neo4j://) reports only "unable to retrieve routing
    information", which hides a plain "connection refused"."""
    import socket

    try:
        parts = urlsplit(uri)
        host, port = parts.hostname, parts.port or 7687
    except ValueError:
        return None
    if not host:
        return None
    try:
        with socket.create_connection((host, port), timeout=CONNECTION_TIMEOUT):
            return None
    except socket.gaierror:
        return f"unknown host {host}"
    except OSError as e:
        return _reason(e)


def _first_line(message: str | None) -> str:
    lines = [ln.strip() for ln in (message or "").splitlines() if ln.strip()]
    return lines[0] if lines else "unknown error"


# --- the store -------------------------------------------------------------------------


class Neo4jStore:
    """A :class:`~relgraph.stores.base.GraphStore` over a Neo4j database.

    Parameters
    ----------
    target : str or neo4j.Driver
        A URI (``neo4j://``, ``neo4j+s://``, ``bolt://``, ``bolt+s://``; the user
        and password come from ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD``) or a ready
        driver, which the store uses but does not close.
    database : str, optional
        The database (default ``$NEO4J_DATABASE``, else the server's default).
    batch_size : int
        Rows per write transaction of :meth:`push`.
    timeout : float, optional
        Seconds one transaction may take before the store gives up on a server that
        stopped answering (default ``$RELGRAPH_NEO4J_TIMEOUT``, else 60).

    Raises
    ------
    StoreUnavailable
        When the server cannot be reached or refuses the credentials.
    """

    def __init__(
        self,
        target: str | neo4j.Driver,
        *,
        database: str | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        timeout: float | None = None,
    ):
        if batch_size < 1:
            raise UsageError(f"batch size must be at least 1, not {batch_size}")
        self.timeout = transaction_timeout() if timeout is None else timeout
        self._stuck = False
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        self.batch_size = batch_size
        self.user = os.environ.get("NEO4J_USERNAME") or None
        self._product: str | None = None
        self._meta: dict[str, Any] | None = None
        self.queries = 0
        # What a portfolio command reads twice, kept until the next write:
        self._ids: list[str] | None = None  # account_ids()
        self._all_staff: list[list[Any]] | None = None  # the rows of staff_all
        """The number of queries this store has sent (reads and writes)."""
        if isinstance(target, str):
            parts = urlsplit(target)
            if parts.username or parts.password:
                raise UsageError(
                    "put the user name and password in NEO4J_USERNAME / NEO4J_PASSWORD, not in the URI"
                )
            try:
                parts.port
            except ValueError:
                raise UsageError(
                    f"not a usable Neo4j URI {target!r}: the port must be a number from 0 to 65535"
                ) from None
            self.uri = target
            password = os.environ.get("NEO4J_PASSWORD")
            auth = None
            if self.user or password:
                auth = (self.user or "neo4j", password or "")
                self.user = auth[0]
            try:
                self._driver = neo4j.GraphDatabase.driver(
                    target,
                    auth=auth,
                    connection_timeout=CONNECTION_TIMEOUT,
                    connection_acquisition_timeout=2 * CONNECTION_TIMEOUT,
                    max_transaction_retry_time=RETRY_TIME,
                    user_agent="relgraph",
                )
            except (ValueError, driver_errors.ConfigurationError) as e:
                raise UsageError(f"not a usable Neo4j URI {target!r}: {e}") from e
            self._owns_driver = True
            try:
                self._bounded(self._driver.verify_connectivity)
            except BaseException:
                self.close()
                raise
        else:
            self._driver = target
            self._owns_driver = False
            self.uri = _driver_uri(target)

    # --- plumbing ------------------------------------------------------------------

    def _translated(self):
        return _Translate(self)

    def _bounded(self, work: Callable[[], Any]) -> Any:
        """``work()`` with driver errors translated, given up after ``self.timeout``
        seconds: the driver waits for ever on a server that accepted the connection
        and then stopped answering, so the work runs in a daemon thread."""
        box: dict[str, Any] = {}

        def target() -> None:
            try:
                with self._translated():
                    box["value"] = work()
            except BaseException as e:  # handed to the caller's thread
                box["error"] = e

        worker = threading.Thread(target=target, name="relgraph-neo4j", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            self._stuck = True
            raise StoreUnavailable(
                f"{self.uri} gave no answer within {self.timeout:g} s; "
                f"set {TIMEOUT_ENV} to wait longer"
            )
        if "error" in box:
            raise box["error"]
        return box.get("value")

    def _session(self, access: str = neo4j.WRITE_ACCESS):
        return self._driver.session(database=self.database, default_access_mode=access)

    def _read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self.run(named_queries("read.cypher")[name], params)

    def _reads(self, work: Callable[[Callable[..., list[Any]]], T]) -> T:
        """``work(read)`` in one read transaction, ``read(name, **params)`` running a
        statement of ``cypher/read.cypher`` in it: the reads of a batch of accounts
        cost one session and one transaction, not one each."""
        queries = named_queries("read.cypher")

        def in_tx(tx: Any) -> T:
            def read(name: str, **params: Any) -> list[Any]:
                self._count(queries[name])
                return list(tx.run(queries[name], params))  # records: tuples of plain values

            return work(read)

        return self._transaction(in_tx, write=False)

    def _forget(self) -> None:
        """Drop what was kept of earlier reads (before a write)."""
        self._ids = self._all_staff = None

    def _count(self, query: str) -> None:
        """Count one query sent (:attr:`queries`), logged at DEBUG on ``relgraph.neo4j``
        (how ``scripts/bench`` counts the queries of a command)."""
        self.queries += 1
        QUERY_LOG.debug("query %d: %s", self.queries, query.split("\n", 1)[0])

    def run(self, query: str, params: dict[str, Any] | None = None, *, write: bool = False) -> list[dict[str, Any]]:
        """Run one Cypher query and return its records as plain dicts.

        With ``write=False`` (the default) the query runs in a read transaction,
        and is refused before it is sent when it contains a write clause
        (:func:`write_clauses`): a server that does not enforce read access still
        changes nothing.

        Raises
        ------
        QueryError
            A write without ``write=True``, a syntax error, or any other rejection.
        """
        if not write:
            refuse_writes(query)

        def work(tx):
            self._count(query)
            result = tx.run(query, params or {})
            return [{k: plain(v) for k, v in rec.items()} for rec in result]

        return self._transaction(work, write=write)

    def _transaction(self, work: Callable, *, write: bool) -> Any:
        """``work(tx)`` in one managed read or write transaction, bounded in time."""

        if write:
            self._forget()

        def session_work() -> Any:
            with self._session(neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS) as session:
                return session.execute_write(work) if write else session.execute_read(work)

        return self._bounded(session_work)

    def _write(self, query: str, **params: Any) -> list[dict[str, Any]]:
        def work(tx):
            return [dict(rec) for rec in tx.run(query, params)]

        return self._transaction(work, write=True)

    def server_product(self) -> str:
        """``neo4j`` for a Neo4j server, else ``other`` (e.g. FalkorDB's Bolt
        endpoint, which introduces itself as Neo4j but has no ``dbms.components``)."""
        if self._product is None:
            try:
                names = [r["name"] for r in self._read("server_product")]
                self._product = "neo4j" if any("neo4j" in n.lower() for n in names) else "other"
            except QueryError:
                self._product = "other"
        return self._product

    # --- writing ----------------------------------------------------------------------

    def apply_schema(self) -> int:
        """Create the constraints and indexes of ``cypher/schema.cypher`` (in the
        server's dialect, :func:`schema_statements`); returns how many statements ran."""
        product = self.server_product()
        existing: set[tuple[str, str]] = set()
        if product != "neo4j":
            for r in self._read("indexes"):
                existing.update((r["label"], p) for p in r["properties"])
        stmts = schema_statements(product, existing)
        for s in stmts:
            self._write(s)
        return len(stmts)

    def plan_push(
        self, ds: Dataset, *, accounts: Sequence[str] | None = None, replace_all: bool = False
    ) -> PushPlan:
        """What :meth:`push` would add, change and remove (:class:`~relgraph.stores.merge.PushPlan`),
        without writing anything: the dry run of a push."""
        return self._push(ds, accounts=accounts, replace_all=replace_all, dry_run=True)[0]

    def push(
        self,
        ds: Dataset,
        *,
        accounts: Sequence[str] | None = None,
        replace_all: bool = False,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> dict[str, int]:
        """Make accounts of a validated data set in the database exactly as the data
        set has them (SPEC section 5, "One team, one database").

        A *push by account* writes the accounts of ``ds`` (or those named in
        ``accounts``): their units, contacts, relationships to their contacts, links
        from their contacts, team rows and the touchpoints listing their contacts;
        it creates or updates the staff of ``ds`` and touches nothing else. With
        ``replace_all`` the whole database is made equal to ``ds``: accounts and
        staff it does not have are removed.

        Schema first, then the meta node and the staff, then each account in a
        transaction of its own (in batches of ``batch_size`` rows), so that two
        pushes of different accounts at the same time both land. Idempotent: the
        same data again changes nothing, and pushing again after a failure part way
        completes the push without duplicates.

        ``progress(step, done, total)`` is called as each account is written, per
        table (rows of the data set written so far, of all to write).

        Returns the number of rows per table pushed, ``prune nodes`` and ``prune
        relationships`` (how many were removed) and ``removed <table>``.

        Raises
        ------
        NotFound
            An account of ``accounts`` that ``ds`` does not have.
        """
        return self._push(ds, accounts=accounts, replace_all=replace_all, dry_run=False, progress=progress)[1]

    def _push(self, ds, *, accounts, replace_all, dry_run, progress=None) -> tuple[PushPlan, dict[str, int]]:
        check_property_names(ds)
        if replace_all and accounts is not None:
            raise UsageError("--account and --replace-all do not go together: --replace-all pushes every account")
        elements, staff_want = data_elements(ds)
        if accounts is not None:
            for a in accounts:
                if a not in elements:
                    raise NotFound(f"unknown account {a!r}: the data set has no such account")
        chosen = list(dict.fromkeys(accounts)) if accounts is not None else list(elements)
        q = named_queries("write.cypher")
        report = progress or (lambda step, done, total: None)
        if replace_all:  # the accounts only the database has are made empty, then removed
            chosen += sorted(r["id"] for r in self._push_read("push_account_ids") if r["id"] not in elements)
        pushed = set(chosen)
        wanted = {t: {k for a in chosen if a in elements for k in elements[a][t]} for t in ACCOUNT_TABLES}
        totals = {t: len(wanted[t]) for t in ACCOUNT_TABLES}
        counts: dict[str, int] = {"staff": len(staff_want), **totals}
        removed: dict[str, set] = {t: set() for t in (*ACCOUNT_TABLES, "staff")}

        if replace_all:
            have_staff = [(r["id"], r["props"]) for r in self._push_read("push_staff_all")]
        else:
            ids = sorted(staff_want)
            have_staff = [(r["id"], r["props"]) for r in self._push_read("push_staff", ids=ids)] if ids else []
        staff_change = compare({k: e.params["props"] for k, e in staff_want.items()}, have_staff, remove=replace_all)
        plan = PushPlan([], staff_change, replace_all=replace_all)
        if not dry_run:
            self.apply_schema()
            report("schema", 1, 1)
            self._account_transaction(lambda tx: self._merge_meta(tx, ds, q, replace=replace_all))

            def write_staff(tx: Any) -> None:
                # Duplicates go first; they are in the rows written again.
                self._batches(tx, q["delete_nodes_Staff"], [{"id": k} for k in staff_change.delete if k in staff_want])
                self._batches(tx, q["merge_staff"], [staff_want[k].params for k in staff_change.write])

            self._account_transaction(write_staff)
            report("staff", len(staff_want), len(staff_want))
        done = dict.fromkeys(ACCOUNT_TABLES, 0)
        seen_touchpoints: set = set()
        contact_account = {c["id"]: c["account"] for c in ds["contacts"]}
        across: list[tuple[str, dict[str, Any]]] = []  # links into an account written later
        for a in chosen:
            want = elements.get(a) or {t: {} for t in ACCOUNT_TABLES}
            have, shared = self._stored_elements(a)
            change = AccountChange(a)
            for t in ACCOUNT_TABLES:
                c = compare({k: e.params["props"] for k, e in want[t].items()}, have[t])
                # An element the data set moved to another account pushed now is
                # written there, not deleted here.
                c.delete = [k for k in c.delete if k in want[t] or k not in wanted[t]]
                change.tables[t] = c
            plan.accounts.append(change)
            if dry_run:
                continue
            gone = self._account_transaction(lambda tx: self._write_account(tx, q, a, want, change, shared, pushed))
            for k in change.tables["links"].write:
                e = want["links"][k]
                if contact_account.get(e.row["target"]) != a:
                    across.append((e.row["kind"], e.params))
            for t in ACCOUNT_TABLES:
                removed[t].update(change.tables[t].delete if t != "touchpoints" else gone)
                new = set(want[t]) - seen_touchpoints if t == "touchpoints" else want[t]
                if t == "touchpoints":
                    seen_touchpoints.update(new)
                done[t] += len(new)
                report(t, done[t], totals[t])
        strays = 0
        if across and not dry_run:
            # A link's target may belong to an account written after the link's own:
            # merged again (keyed, so idempotent) once every account is in.
            def write_across(tx: Any) -> None:
                for kind in ("reports_to", "influences"):
                    self._batches(tx, q[f"merge_{kind}"], [p for k, p in across if k == kind])

            self._account_transaction(write_across)
        if not dry_run:
            # Staff leave after the accounts, which count the rows that go with them.
            gone = [{"id": k} for k in staff_change.delete if k not in staff_want]
            self._account_transaction(lambda tx: self._batches(tx, q["delete_nodes_Staff"], gone))
            removed["staff"].update(r["id"] for r in gone)
            if replace_all:
                strays = self._write(q["prune_strays"], accounts=sorted(elements))[0]["deleted"]
            self._meta = None
        for t, keys in removed.items():
            # Deleted duplicates are written again: only what is gone counts as removed.
            counts[f"removed {t}"] = len(keys - wanted[t]) if t != "staff" else len(keys)
        counts["prune nodes"] = strays + sum(counts[f"removed {t}"] for t in (*NODE_TABLES, "touchpoints"))
        counts["prune relationships"] = sum(counts[f"removed {t}"] for t in ROW_TABLES)
        return plan, counts

    def _push_read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self.run(named_queries("push.cypher")[name], params)

    def _account_transaction(self, work: Callable[[Any], Any]) -> Any:
        """Run ``work(tx)`` in one managed write transaction, retried as a whole on a
        transient error (safe: every write is keyed). Two pushes of different accounts
        lock the staff both name in whatever order their rows come, so Neo4j may
        break a deadlock by failing one of them: that one runs again, beyond the
        driver's short retry budget, up to :data:`PUSH_ATTEMPTS` times."""
        self._forget()

        def attempts() -> Any:
            with self._session() as session:
                for attempt in range(1, PUSH_ATTEMPTS + 1):
                    try:
                        return session.execute_write(work)
                    except driver_errors.TransientError:
                        if attempt == PUSH_ATTEMPTS:
                            raise
                        time.sleep(0.1 * attempt)

        return self._bounded(attempts)

    def _batches(self, tx: Any, query: str, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), self.batch_size):
            tx.run(query, rows=rows[start : start + self.batch_size]).consume()

    def _merge_meta(self, tx: Any, ds: Dataset, q: dict[str, str], *, replace: bool) -> None:
        """Add the extra columns of ``ds`` to those the database knows (under the
        meta node's lock, so that concurrent pushes keep each other's); with
        ``replace``, make them those of ``ds``."""
        old = tx.run(q["lock_meta"]).single()["props"]
        extras = {} if replace else json.loads(old.get("extras") or "{}")
        for t in TABLES:
            have = list(extras.get(t, []))
            have += [x for x in ds.extras.get(t, []) if x not in have]
            extras[t] = have
        meta = {"key": "relgraph", "formatVersion": 2, "extras": json.dumps(extras, sort_keys=True)}
        tx.run(q["merge_meta"], props=meta).consume()

    def _stored_elements(self, account: str) -> tuple[dict[str, list[tuple[Any, dict]]], dict[str, list[str]]]:
        """The elements of one account in the database (push.cypher), per table as
        (key, stored properties) pairs, and for each touchpoint the accounts of all
        the contacts attending it."""
        params = {"accounts": [account]}
        have: dict[str, list[tuple[Any, dict]]] = {}
        for t, name in (("accounts", "push_accounts"), ("units", "push_units"), ("contacts", "push_contacts")):
            have[t] = [(r["id"], r["props"]) for r in self._push_read(name, **params)]
        have["relationships"] = [
            ((r["staff"], r["contact"], r["props"].get("key", -1)), r["props"]) for r in self._push_read("push_knows", **params)
        ]
        kinds = {REPORTS_TO: "reports_to", INFLUENCES: "influences"}
        have["links"] = [
            ((r["source"], r["target"], kinds[r["type"]], r["props"].get("key", -1)), r["props"])
            for r in self._push_read("push_links", **params)
        ]
        have["team"] = [
            ((r["account"], r["staff"], r["props"].get("key", -1)), r["props"]) for r in self._push_read("push_team", **params)
        ]
        tps = self._push_read("push_touchpoints", **params)
        have["touchpoints"] = [(r["key"], r["props"]) for r in tps]
        return have, {r["key"]: r["shared"] for r in tps}

    def _write_account(self, tx, q, account, want, change: AccountChange, shared, pushed) -> list[str]:
        """One account's writes, in one transaction: what goes first, then what is
        new or changed, nodes before the relationships that join them. Returns the
        keys of the touchpoints deleted (not those only detached from the account)."""
        c = change.tables
        run = functools.partial(self._batches, tx)
        run(q["delete_knows"], [{"staff": s, "contact": x, "key": n} for s, x, n in c["relationships"].delete])
        for kind in ("reports_to", "influences"):
            keys = [k for k in c["links"].delete if k[2] == kind]
            run(q[f"delete_{kind}"], [{"source": s, "target": x, "key": n} for s, x, _, n in keys])
        run(q["delete_on_team"], [{"account": a, "staff": s, "key": n} for a, s, n in c["team"].delete])
        gone, detach = [], []
        for k in c["touchpoints"].delete:
            if set(shared.get(k, ())) <= pushed:
                gone.append({"key": k})
            else:
                detach.append({"key": k, "account": account})
        run(q["detach_touchpoints"], detach)
        run(q["delete_nodes_Touchpoint"], gone)
        for t in ("contacts", "units"):
            run(q[f"delete_nodes_{NODE_TABLES[t]}"], [{"id": k} for k in c[t].delete])
        # Nodes and their structure.
        for t in ("accounts", "units", "contacts"):
            run(q[f"merge_{t}"], [want[t][k].params for k in c[t].write])
        units = [want["units"][k].row for k in c["units"].write]
        run(q["unlink_units"], [{"id": u["id"]} for u in units])
        run(q["merge_unit_part_of_unit"], [{"unit": u["id"], "parent": u["parent"]} for u in units if u["parent"] is not None])
        run(q["merge_unit_part_of_account"], [{"unit": u["id"], "account": u["account"]} for u in units if u["parent"] is None])
        contacts = [want["contacts"][k].row for k in c["contacts"].write]
        run(q["unlink_contacts"], [{"id": x["id"]} for x in contacts])
        run(q["merge_contact_at"], [{"contact": x["id"], "account": x["account"]} for x in contacts])
        run(q["merge_contact_works_in"], [{"contact": x["id"], "unit": x["unit"]} for x in contacts if x["unit"] is not None])
        # Row relationships.
        run(q["merge_knows"], [want["relationships"][k].params for k in c["relationships"].write])
        for kind in ("reports_to", "influences"):
            run(q[f"merge_{kind}"], [want["links"][k].params for k in c["links"].write if k[2] == kind])
        run(q["merge_on_team"], [want["team"][k].params for k in c["team"].write])
        # Touchpoints and who attended them.
        tps = [want["touchpoints"][k] for k in c["touchpoints"].write]
        run(q["merge_touchpoints"], [e.params for e in tps])
        run(q["unlink_touchpoints"], [{"key": e.params["key"]} for e in tps])
        run(q["merge_staff_attended"], [{"id": s, "key": e.params["key"]} for e in tps for s in dict.fromkeys(e.row["staff"])])
        run(q["merge_contact_attended"], [{"id": x, "key": e.params["key"]} for e in tps for x in dict.fromkeys(e.row["contacts"])])
        if account not in want["accounts"]:
            run(q["delete_nodes_Account"], [{"id": account}])
        return [r["key"] for r in gone]

    # --- single facts: log and relate --------------------------------------------------

    def add_touchpoint(self, row: dict[str, Any]) -> dict[str, Any]:
        """Record one checked touchpoint row (``relgraph log``) in one transaction:
        keyed as a push keys it (a second identical touchpoint is another one),
        placed after every touchpoint stored. Returns the row as stored."""
        extras = self._extras()["touchpoints"]
        names = property_names("touchpoints", extras)
        row = {**{c.name: None for c in TABLES["touchpoints"].columns}, **{x: None for x in extras}, **row}
        q, w = named_queries("log.cypher"), named_queries("write.cypher")

        def work(tx: Any) -> dict[str, Any]:
            taken: set[str] = set()
            n = 0
            while True:  # the first occurrence number not taken, 64 candidates at a time
                keys = [touchpoint_key(row, i) for i in range(n, n + 64)]
                rec = tx.run(q["touchpoints_taken"], keys=keys).single()
                taken = set(rec["taken"])
                free = [k for k in keys if k not in taken]
                if free:
                    break
                n += 64
            key = free[0]
            seq = 0 if rec["last"] is None else rec["last"] + 1
            props = tx.run(q["log_touchpoint"], key=key, props=_props(row, names, key=key, seq=seq)).single()["props"]
            self._batches(tx, w["merge_staff_attended"], [{"id": s, "key": key} for s in dict.fromkeys(row["staff"])])
            self._batches(tx, w["merge_contact_attended"], [{"id": c, "key": key} for c in dict.fromkeys(row["contacts"])])
            return _typed("touchpoints", props, names)

        return self._account_transaction(work)

    def set_relationship(
        self,
        staff: str,
        contact: str,
        *,
        pick: Callable[[list[dict[str, Any]]], int | None],
        changes: dict[str, Any],
        new_row: Callable[[list[dict[str, Any]]], dict[str, Any]],
    ) -> tuple[str, dict[str, Any]]:
        """Update a relationship row of a pair or add one (``relgraph relate``), in
        one transaction.

        ``pick(rows)`` chooses among the pair's rows (typed, in row order) the one to
        update with ``changes`` (column -> value); when it returns None,
        ``new_row(rows)`` is added. Returns ``"updated"`` or ``"added"`` and the row.
        """
        names = property_names("relationships", self._extras()["relationships"])
        q = named_queries("relate.cypher")

        def work(tx: Any) -> tuple[str, dict[str, Any]]:
            stored = [r["props"] for r in tx.run(q["pair_relationships"], staff=staff, contact=contact)]
            stored.sort(key=lambda p: (p.get("seq") is None, p.get("seq") or 0))
            rows = [_typed("relationships", p, names) for p in stored]
            i = pick(rows)
            if i is not None:
                key = stored[i].get("key", -1)
                rec = tx.run(q["update_relationship"], staff=staff, contact=contact, key=key,
                             changes=_props(changes, names)).single()
                return "updated", rec["props"]
            last = tx.run(q["last_relationship_seq"]).single()["last"]
            n = max((p.get("key", -1) for p in stored), default=-1) + 1
            props = _props(new_row(rows), names, key=n, seq=0 if last is None else last + 1)
            rec = tx.run(q["add_relationship"], staff=staff, contact=contact, props=props).single()
            return "added", rec["props"]

        action, props = self._account_transaction(work)
        return action, {"staff": staff, "contact": contact, **_typed("relationships", props, names)}

    # --- reading --------------------------------------------------------------------

    def _extras(self) -> dict[str, list[str]]:
        if self._meta is None:
            rows = self._read("meta")
            self._meta = {"extras": rows[0]["extras"]} if rows else {}
        text = self._meta.get("extras")
        extras = json.loads(text) if text else {}
        return {t: list(extras.get(t, [])) for t in TABLES}

    def account_ids(self) -> list[str]:
        if self._ids is None:  # asked for twice by a portfolio command: read once
            self._ids = sorted(r["id"] for r in self._read("account_ids"))
        return list(self._ids)

    def read_tables(self, accounts: list[str], *, all_staff: bool) -> tuple[TypedTables, dict[str, list[int]]]:
        """The typed tables of ``accounts`` (all their units, contacts,
        relationships, links between their contacts, team rows, touchpoints, and the
        staff those name, or every staff member with ``all_staff``), each table in
        row order, and the ``seq`` of each row of the row tables (:data:`ROW_TABLES`).

        Two queries in one read transaction (``batch`` and the staff, of
        ``cypher/read.cypher``), each row a list of exactly the columns kept, turned
        into one list per column and checked by the rules of files
        (:func:`~relgraph.stores.checked.checked_columns`)."""
        extras = self._extras()

        def work(read: Callable[..., list[Any]]) -> dict[str, list[list[Any]]]:
            rows: dict[str, list[list[Any]]] = {t: [] for t in TABLES}
            for table, some in read("batch", accounts=accounts, extras=extras, perRecord=ROWS_PER_RECORD):
                rows[table].extend(some)
            if all_staff:
                self._all_staff = staff = _staff_rows(read, extras)
            else:
                named = {r[1] for r in rows["relationships"]} | {r[2] for r in rows["team"]}
                ids = sorted(named - {None})
                staff = _staff_rows(read, extras, ids=ids) if ids else []
            rows["staff"] = staff
            return rows

        columns, seqs = {}, {}
        for table, rows in self._reads(work).items():
            seq, columns[table] = _columns(table, rows, extras[table])
            if table in ROW_TABLES:
                seqs[table] = seq
        # What a database holds is checked by the rules of files (one validator).
        return checked_columns(columns, extras, self.uri, whole=all_staff), seqs

    def _dataset(self, accounts: list[str], *, all_staff: bool) -> Dataset:
        """:meth:`read_tables` as a data set (typed rows)."""
        typed, seqs = self.read_tables(accounts, all_staff=all_staff)
        ds = typed.to_dataset()
        ds.seqs = seqs
        return ds

    def _known(self, accounts: Sequence[str] | None) -> list[str]:
        """``accounts`` (default: all, sorted), duplicates dropped, each checked."""
        known = self.account_ids()
        if accounts is None:
            return known
        have = set(known)
        ids = list(dict.fromkeys(accounts))
        for a in ids:
            if a not in have:
                raise NotFound(f"unknown account {a!r}")
        return ids

    def tables(self, accounts: Sequence[str] | None = None) -> TypedTables:
        if accounts is None:
            return self.read_tables(self.account_ids(), all_staff=True)[0]
        return self.read_tables(self._known(accounts), all_staff=False)[0]

    def table_parts(self, accounts: Sequence[str] | None = None) -> Iterator[tuple[list[str], TypedTables]]:
        known = self._known(accounts)
        # The whole portfolio in one batch reads every staff member, as the file
        # store's one part holds them (and :meth:`staff` then asks no more).
        whole = accounts is None and len(known) <= ACCOUNTS_PER_READ
        for start in range(0, len(known), ACCOUNTS_PER_READ):  # batches bound memory
            ids = known[start : start + ACCOUNTS_PER_READ]
            yield ids, self.read_tables(ids, all_staff=whole)[0]

    def account_dataset(self, account: str) -> Dataset:
        """The rows that belong to one account (as :meth:`FileStore.account_dataset`)."""
        ds = self._dataset([account], all_staff=False)
        if not ds["accounts"]:
            raise NotFound(f"unknown account {account!r}")
        return ds

    def account_graph(self, account: str, *, edge_types: Collection[str] | None = None) -> nx.MultiDiGraph:
        return build_graph(self.account_dataset(account), edge_types=edge_types)

    def account_graphs(
        self, accounts: Sequence[str] | None = None, *, edge_types: Collection[str] | None = None
    ) -> Iterator[nx.MultiDiGraph]:
        for a in self._known(accounts):
            yield self.account_graph(a, edge_types=edge_types)

    def staff(self) -> list[dict[str, Any]]:
        extras = self._extras()
        rows = self._all_staff
        if rows is None:
            rows = self._reads(lambda read: _staff_rows(read, extras))
        columns = {t: _columns(t, [], extras[t])[1] for t in TABLES}
        columns["staff"] = _columns("staff", rows, extras["staff"])[1]
        typed = checked_columns(columns, extras, self.uri, whole=False)  # also the staff no account names
        return sorted(({"kind": STAFF, **r} for r in typed.rows("staff")), key=lambda r: r["id"])

    def locate(self, kind: str, id: str) -> str | None:
        name = {ACCOUNT: "locate_account", UNIT: "locate_unit", CONTACT: "locate_contact", STAFF: "locate_staff"}.get(kind)
        rows = self._read(name, id=id) if name else []
        if not rows:
            raise NotFound(f"unknown staff member {id!r}" if kind == STAFF else f"unknown {kind.lower()} {id!r}")
        return rows[0]["account"]

    def dataset(self) -> Dataset:
        return self._dataset(self.account_ids(), all_staff=True)

    def graph(self) -> nx.MultiDiGraph:
        return build_graph(self.dataset())

    def clear(self) -> None:
        """Delete every relgraph node and relationship (the labels of SPEC section 5)."""
        self._write(named_queries("write.cypher")["clear"])
        self._meta = None

    def close(self) -> None:
        if self._owns_driver and self._stuck:
            # Closing waits for the stuck transaction: let it go with the process.
            threading.Thread(target=self._driver.close, daemon=True).start()
        elif self._owns_driver:
            self._driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def transaction_timeout() -> float:
    """The seconds of :data:`TIMEOUT_ENV` (a positive number), else
    :data:`DEFAULT_TIMEOUT`."""
    text = os.environ.get(TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < 1e9:  # also refuses nan and inf
        raise UsageError(f"{TIMEOUT_ENV}={text!r}: give the seconds a transaction may take, e.g. 60")
    return value


def _driver_uri(driver: neo4j.Driver) -> str:
    try:
        host, port = driver._pool.address[:2]  # informational only, for messages
        return f"bolt://{host}:{port}"
    except Exception:
        return "the Neo4j server"


class _Translate:
    """Turn driver errors into relgraph errors, once, with ``from e``."""

    def __init__(self, store: Neo4jStore):
        self.store = store

    def __enter__(self) -> None:
        self.started = time.monotonic()

    def __exit__(self, et: type | None, e: BaseException | None, tb: Any) -> bool:
        if e is None or not isinstance(e, (driver_errors.Neo4jError, driver_errors.DriverError)):
            return False
        s = self.store
        code = getattr(e, "code", None) or ""
        message = _first_line(getattr(e, "message", None) or str(e))
        if isinstance(e, driver_errors.AuthError) or code.startswith("Neo.ClientError.Security.Unauthorized"):
            raise StoreUnavailable(
                f"authentication failed for user {s.user or 'neo4j'} at {s.uri}; "
                "check NEO4J_USERNAME and NEO4J_PASSWORD"
            ) from e
        if code.startswith("Neo.ClientError.Security"):
            raise StoreUnavailable(f"{s.uri} refused access: {message}") from e
        if code == "Neo.ClientError.Database.DatabaseNotFound":
            raise StoreUnavailable(
                f"database {s.database!r} does not exist on {s.uri}; check --database / NEO4J_DATABASE"
            ) from e
        if isinstance(e, (driver_errors.ServiceUnavailable, driver_errors.SessionExpired)):
            reason = _probe(s.uri) or _reason(e, time.monotonic() - self.started)
            raise StoreUnavailable(f"cannot reach {s.uri}: {reason}") from e
        if code == "Neo.ClientError.Statement.SyntaxError":
            raise QueryError(f"Cypher syntax error: {message}") from e
        if code.startswith("Neo.ClientError.Statement.AccessMode") or "write queries cannot be performed in read" in message.lower():
            raise UsageError("the query writes; nothing was run. Add --write to allow writes") from e
        if code == "Neo.ClientError.Statement.ParameterMissing":
            raise QueryError(f"{message}; give it with --param NAME=VALUE") from e
        if isinstance(e, driver_errors.Neo4jError):
            raise QueryError(f"query failed ({code or 'error'}): {message}") from e
        raise StoreUnavailable(f"{s.uri}: {message}") from e
