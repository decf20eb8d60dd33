"""The Neo4j store: a data set kept in a Neo4j database, read one account at a time.

This is the only module that imports the ``neo4j`` driver. Every query it runs is
a named statement of ``cypher/read.cypher``, ``cypher/write.cypher`` or
``cypher/schema.cypher`` (shipped as :mod:`relgraph.cypher`); values always travel
as ``$parameters``.

How a data set is stored (SPEC section 5):

* nodes ``Account``, ``Unit``, ``Contact``, ``Staff`` keyed by ``id``, with one
  property per column, named in camelCase (:func:`property_names`; extra columns
  keep their own names); ``Touchpoint`` nodes keyed by ``key``, a hash of their row
  plus an occurrence number (touchpoints have no id in the files);
* relationships ``PART_OF``, ``AT``, ``WORKS_IN``, ``ATTENDED`` (one per pair) and
  one ``KNOWS`` / ``REPORTS_TO`` / ``INFLUENCES`` / ``ON_TEAM`` per data row, keyed
  by ``seq``, the row's position in its table (one pair may have several rows);
* dates as ISO ``YYYY-MM-DD`` strings: they sort and compare as dates, and every
  Bolt server can store and return them (``date(n.lastContact)`` turns one into a
  Cypher date);
* bookkeeping properties ``seq`` (row order, so that reading back reproduces the
  files) and ``rev`` (the revision of the data set pushed: a hash of its content);
  a ``(:RelgraphMeta {key: 'relgraph'})`` node holds the revision and the extra
  columns of each table.

A push MERGEs every element on its key, stamps it with the revision, then deletes
what carries another revision: running it twice leaves the same database, and
running it again after a failure part way completes it without duplicates.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Collection, Callable, Iterator, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import neo4j
import networkx as nx
from neo4j import exceptions as driver_errors

from ..errors import NotFound, QueryError, StoreUnavailable, UsageError
from ..graph import ACCOUNT, CONTACT, INFLUENCES, REPORTS_TO, STAFF, UNIT, build_graph
from ..model import DATE, REFS, TABLES, Dataset, camel
from ..tables import TypedTables
from .cypherguard import refuse_writes, write_clauses  # noqa: F401  (write_clauses: re-exported)

# The driver logs connection failures itself; relgraph reports them once, as one line.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

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
        elif v is not None and c in cols and cols[c].type == REFS:
            v = list(v)
        row[c] = v
    return row


def _as_date(v: Any) -> dt.date:
    if isinstance(v, str):
        return dt.date.fromisoformat(v)
    if hasattr(v, "to_native"):  # a Cypher date written by hand
        v = v.to_native()
    return v.date() if isinstance(v, dt.datetime) else v


def dataset_revision(ds: Dataset) -> str:
    """A hash of a data set's content: the same data always gives the same revision."""
    doc = {"tables": {t: ds[t] for t in TABLES}, "extras": {t: ds.extras.get(t, []) for t in TABLES}}
    text = json.dumps(doc, sort_keys=True, default=_stored, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def touchpoint_keys(rows: Sequence[dict[str, Any]]) -> list[str]:
    """A deterministic key per touchpoint row: a hash of its content and of how many
    identical rows came before it (two identical rows are two touchpoints)."""
    seen: dict[str, int] = {}
    keys = []
    for row in rows:
        content = json.dumps(row, sort_keys=True, default=_stored, ensure_ascii=False)
        n = seen.get(content, 0)
        seen[content] = n + 1
        keys.append(hashlib.sha256(f"{content}#{n}".encode()).hexdigest()[:24])
    return keys


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
            result = tx.run(query, params or {})
            return [{k: plain(v) for k, v in rec.items()} for rec in result]

        return self._transaction(work, write=write)

    def _transaction(self, work: Callable, *, write: bool) -> Any:
        """``work(tx)`` in one managed read or write transaction, bounded in time."""

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

    def push(self, ds: Dataset, *, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
        """Load a validated data set into the database.

        Schema first, then every node and relationship MERGEd in batches of
        ``batch_size`` rows, then whatever an earlier, different data set left
        behind is deleted. Idempotent: pushing the same data again changes nothing,
        and pushing again after a failure part way completes the load.

        ``progress(step, done, total)`` is called after each batch.

        Returns the number of rows written per step.
        """
        check_property_names(ds)
        rev = dataset_revision(ds)
        q = named_queries("write.cypher")
        report = progress or (lambda step, done, total: None)
        counts: dict[str, int] = {}

        def write(step: str, name: str, rows: list[dict[str, Any]]) -> None:
            total = len(rows)
            for start in range(0, total, self.batch_size):
                self._write(q[name], rows=rows[start : start + self.batch_size], rev=rev)
                report(step, min(start + self.batch_size, total), total)
            counts[step] = counts.get(step, 0) + total

        self.apply_schema()
        report("schema", 1, 1)
        for table, label in NODE_TABLES.items():
            names = property_names(table, ds.extras.get(table, []))
            rows = [
                {"id": r["id"], "props": _props(r, names, seq=i, rev=rev)} for i, r in enumerate(ds[table])
            ]
            write(table, f"merge_{table}", rows)
        tp_names = property_names("touchpoints", ds.extras.get("touchpoints", []))
        tps = ds["touchpoints"]
        keys = touchpoint_keys(tps)
        write(
            "touchpoints",
            "merge_touchpoints",
            [{"key": k, "props": _props(r, tp_names, key=k, seq=i, rev=rev)} for i, (k, r) in enumerate(zip(keys, tps))],
        )
        units = ds["units"]
        write("unit parents", "merge_unit_part_of_unit", [{"unit": u["id"], "parent": u["parent"]} for u in units if u["parent"] is not None])
        write("unit accounts", "merge_unit_part_of_account", [{"unit": u["id"], "account": u["account"]} for u in units if u["parent"] is None])
        contacts = ds["contacts"]
        write("contact accounts", "merge_contact_at", [{"contact": c["id"], "account": c["account"]} for c in contacts])
        write("contact units", "merge_contact_works_in", [{"contact": c["id"], "unit": c["unit"]} for c in contacts if c["unit"] is not None])
        for table, name, key_cols in (
            ("relationships", "merge_knows", ("staff", "contact")),
            ("team", "merge_on_team", ("staff", "account")),
        ):
            names = property_names(table, ds.extras.get(table, []))
            rows = [
                {**{k: r[k] for k in key_cols}, "seq": i, "props": _props(r, names, seq=i, rev=rev)}
                for i, r in enumerate(ds[table])
            ]
            write(table, name, rows)
        names = property_names("links", ds.extras.get("links", []))
        for kind, name in (("reports_to", "merge_reports_to"), ("influences", "merge_influences")):
            rows = [
                {"source": r["source"], "target": r["target"], "seq": i, "props": _props(r, names, seq=i, rev=rev)}
                for i, r in enumerate(ds["links"])
                if r["kind"] == kind
            ]
            write(f"links ({kind})", name, rows)
        write("touchpoint staff", "merge_staff_attended", [{"id": s, "key": k} for k, r in zip(keys, tps) for s in dict.fromkeys(r["staff"])])
        write("touchpoint contacts", "merge_contact_attended", [{"id": c, "key": k} for k, r in zip(keys, tps) for c in dict.fromkeys(r["contacts"])])
        meta = {"key": "relgraph", "rev": rev, "formatVersion": 1, "extras": json.dumps(ds.extras, sort_keys=True)}
        self._write(q["merge_meta"], props=meta)
        for step in ("prune_relationships", "prune_nodes"):
            deleted = 0
            while True:
                n = self._write(q[step], rev=rev, limit=self.batch_size)[0]["deleted"]
                deleted += n
                if n < self.batch_size:
                    break
            counts[step.replace("_", " ")] = deleted
            report(step.replace("_", " "), deleted, deleted)
        self._meta = None
        return counts

    # --- reading --------------------------------------------------------------------

    def _extras(self) -> dict[str, list[str]]:
        if self._meta is None:
            rows = self._read("meta")
            self._meta = rows[0]["props"] if rows else {}
        text = self._meta.get("extras")
        extras = json.loads(text) if text else {}
        return {t: list(extras.get(t, [])) for t in TABLES}

    def account_ids(self) -> list[str]:
        return sorted(r["id"] for r in self._read("account_ids"))

    def _dataset(self, accounts: list[str], *, all_staff: bool) -> Dataset:
        """The rows of ``accounts`` (all their units, contacts, relationships, links
        between their contacts, team rows, touchpoints, and the staff those name,
        or every staff member with ``all_staff``), each table in row order."""
        extras = self._extras()
        ds = Dataset(extras=extras)

        def rows_of(table: str, records: list[dict[str, Any]], **endpoint_cols: str) -> list[tuple[int, dict]]:
            names = property_names(table, extras[table])
            out = []
            for r in records:
                props = r["props"]
                row = {c: r[c] for c in endpoint_cols.values()}
                row.update(_typed(table, props, names))
                out.append((props.get("seq"), row))
            out.sort(key=lambda p: (p[0] is None, p[0] if p[0] is not None else 0, p[1].get("id") or ""))
            return out

        def put(table: str, pairs: list[tuple[int, dict]], columns: Sequence[str]) -> None:
            order = [c.name for c in TABLES[table].columns] + extras[table]
            ds.tables[table] = [{c: row.get(c) for c in order} for _, row in pairs]
            if table in ENDPOINTS:
                ds.seqs[table] = [s for s, _ in pairs]

        params = {"accounts": accounts}
        for table in ("accounts", "units", "contacts"):
            put(table, rows_of(table, self._read(table, **params)), ())
        knows = rows_of("relationships", self._read("knows", **params), staff="staff", contact="contact")
        put("relationships", knows, ())
        links = self._read("links", **params)
        for r in links:
            r["kind"] = "reports_to" if r["type"] == REPORTS_TO else "influences" if r["type"] == INFLUENCES else r["type"]
        put("links", rows_of("links", links, source="source", target="target", kind="kind"), ())
        team = rows_of("team", self._read("team", **params), account="account", staff="staff")
        put("team", team, ())
        put("touchpoints", rows_of("touchpoints", self._read("touchpoints", **params)), ())
        if all_staff:
            staff = self._read("staff_all")
        else:
            ids = sorted({row["staff"] for _, row in knows} | {row["staff"] for _, row in team})
            staff = self._read("staff_by_id", ids=ids) if ids else []
        put("staff", rows_of("staff", staff), ())
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
            return TypedTables.from_dataset(self.dataset())
        return TypedTables.from_dataset(self._dataset(self._known(accounts), all_staff=False))

    def table_parts(self, accounts: Sequence[str] | None = None) -> Iterator[tuple[list[str], TypedTables]]:
        for a in self._known(accounts):  # one account at a time bounds memory
            yield [a], TypedTables.from_dataset(self._dataset([a], all_staff=False))

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
        names = property_names("staff", self._extras()["staff"])
        rows = [_typed("staff", r["props"], names) for r in self._read("staff_all")]
        extras = self._extras()["staff"]
        order = [c.name for c in TABLES["staff"].columns] + extras
        return sorted(({"kind": STAFF, **{c: r.get(c) for c in order}} for r in rows), key=lambda r: r["id"])

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
