"""The relationship graph: the interchange format at the library's edge.

The analyses read typed tables (:mod:`relgraph.tables`); a graph is what the library
hands out (``account_graph``, export, GraphML) and what its graph functions take in
(``coverage(G)``, ``influence_paths(G, ...)``), converted to tables by
:func:`tables_from_graph` through networkx's public API. Every store yields the same
:class:`networkx.MultiDiGraph`:

Nodes are keyed ``"<Kind>:<id>"`` (:func:`node_key`) because ids are unique only
within their own table (a staff member and a contact may both be ``"17"``). Each node
has ``kind`` (the Neo4j label: ``Account``, ``Unit``, ``Contact``, ``Staff``), ``id``
(the data set's id) and the typed columns of its row (:mod:`relgraph.model`), extra
columns included. A contact's ``level`` is its *effective* level (its unit's level,
else its own column, else ``hq``); the level as written in its row is kept in
``given_level``.

Edges carry ``type`` (the Neo4j relationship type), one edge per data row:

==========  =====================  =====================================================
type        direction              attributes
==========  =====================  =====================================================
PART_OF     Unit -> Unit|Account   (a unit's parent, or its account when it has none)
AT          Contact -> Account
WORKS_IN    Contact -> Unit
KNOWS       Staff -> Contact       strength, last_contact, since, until, notes
REPORTS_TO  Contact -> Contact     weight, since, until
INFLUENCES  Contact -> Contact     weight, since, until
ON_TEAM     Staff -> Account       role
==========  =====================  =====================================================

Row edges (KNOWS, REPORTS_TO, INFLUENCES, ON_TEAM) also carry ``seq``, their row's
position in its table, so that writing the graph back keeps the input order. Several
rows for the same pair (different periods) are several parallel edges.

Touchpoints are not nodes (there are hundreds of thousands in a portfolio and the
analyses only need their dates per staff-contact pair): ``G.graph["touchpoints"]``
is the list of touchpoint rows (``date``, ``method``, ``staff`` and ``contacts`` id
lists, ``notes``, extras). ``G.graph["extras"]`` maps each table to its extra column
names.

Links between contacts of different accounts are kept in the graph (and written back)
but the analyses work one account at a time and ignore them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from itertools import repeat
from typing import Any

import networkx as nx
import pyarrow as pa

from .model import TABLES, Dataset
from .rows import make_rows, paused_gc
from .tables import TypedTables, effective_levels

ACCOUNT = "Account"
UNIT = "Unit"
CONTACT = "Contact"
STAFF = "Staff"

PART_OF = "PART_OF"
AT = "AT"
WORKS_IN = "WORKS_IN"
KNOWS = "KNOWS"
REPORTS_TO = "REPORTS_TO"
INFLUENCES = "INFLUENCES"
ON_TEAM = "ON_TEAM"

EDGE_TYPES = (PART_OF, AT, WORKS_IN, KNOWS, REPORTS_TO, INFLUENCES, ON_TEAM)
LINK_TYPES = {"reports_to": REPORTS_TO, "influences": INFLUENCES}
LINK_KINDS = {v: k for k, v in LINK_TYPES.items()}



def node_key(kind: str, id: str) -> str:
    """The graph key of the node of ``kind`` with data set id ``id``.

    >>> node_key("Contact", "c1")
    'Contact:c1'
    """
    return f"{kind}:{id}"


def build_graph(ds: Dataset, *, edge_types: Collection[str] | None = None) -> nx.MultiDiGraph:
    """Build the relationship graph of a validated data set.

    Parameters
    ----------
    ds : Dataset
        A data set that passed :func:`relgraph.validate.validate` (references resolve).
    edge_types : collection of str, optional
        Only the edges of these types (default: all); see :func:`graph_from_columns`.

    Returns
    -------
    networkx.MultiDiGraph
        The graph described in this module's docstring.
    """
    columns = {}
    for name, table in TABLES.items():
        rows = ds[name]
        names = [c.name for c in table.columns] + list(ds.extras.get(name, []))
        columns[name] = {n: [r.get(n) for r in rows] for n in names}
    seqs = {name: ds.seqs[name] for name in ("relationships", "links", "team") if ds.seqs.get(name)}
    return graph_from_columns(
        columns, extras=ds.extras, touchpoints=list(ds["touchpoints"]), seqs=seqs, edge_types=edge_types
    )


def graph_from_columns(
    columns: Mapping[str, Mapping[str, Sequence[Any]]],
    *,
    extras: Mapping[str, Sequence[str]],
    touchpoints: list[dict[str, Any]],
    seqs: Mapping[str, Sequence[int]] | None = None,
    edge_types: Collection[str] | None = None,
) -> nx.MultiDiGraph:
    """Build the relationship graph from a data set given column by column.

    This is :func:`build_graph` for callers that hold columns (the file store
    builds each account's graph from its share of typed columns without making a
    dict per data set row first).

    Parameters
    ----------
    columns : mapping
        ``columns[table][column]`` lists the typed values of every model column and
        every extra column of each table, one per row (a validated data set, or one
        account's share of it, as :func:`relgraph.stores.files.FileStore` cuts it).
    extras : mapping
        The extra column names of each table.
    touchpoints : list of dict
        The touchpoint rows, kept as ``G.graph["touchpoints"]``.
    seqs : mapping, optional
        For ``relationships``, ``links`` and ``team``: each row's position in the
        whole table (default: its position in ``columns``).
    edge_types : collection of str, optional
        Only the edges of these types, e.g. ``{KNOWS, ON_TEAM}``: an analysis that
        needs no other edges gets its graph built faster. Every node is there either
        way, with all its attributes. Default: every edge.
    """
    seqs = seqs or {}
    wanted = set(EDGE_TYPES if edge_types is None else edge_types)
    G = nx.MultiDiGraph()
    G.graph["extras"] = {t: list(cols) for t, cols in extras.items()}

    def names(table: str) -> tuple[str, ...]:
        return tuple(c.name for c in TABLES[table].columns) + tuple(extras.get(table, ()))

    def put(kind: str, keys: list[str], attr_names: tuple[str, ...], attr_columns: list) -> None:
        G.add_nodes_from(zip(keys, make_rows(("kind", *attr_names), [repeat(kind), *attr_columns])))

    def keyed(kind: str, ids: Sequence[str]) -> list[str]:
        prefix = kind + ":"
        return [prefix + i for i in ids]

    accounts, units, contacts = columns["accounts"], columns["units"], columns["contacts"]
    n = names("accounts")
    put(ACCOUNT, keyed(ACCOUNT, accounts["id"]), n, [accounts[c] for c in n])
    n = names("units")
    unit_keys = keyed(UNIT, units["id"])
    put(UNIT, unit_keys, n, [units[c] for c in n])
    n = names("contacts")
    unit_level = dict(zip(units["id"], units["level"]))
    given = contacts["level"]
    unit_levels = pa.array([None if u is None else unit_level[u] for u in contacts["unit"]], type=pa.string())
    level = effective_levels(unit_levels, pa.array(given, type=pa.string())).to_pylist()
    contact_keys = keyed(CONTACT, contacts["id"])
    put(CONTACT, contact_keys, (*n, "given_level"), [level if c == "level" else contacts[c] for c in n] + [given])
    staff = columns["staff"]
    n = names("staff")
    put(STAFF, keyed(STAFF, staff["id"]), n, [staff[c] for c in n])

    if PART_OF in wanted:
        targets = [
            UNIT + ":" + p if p is not None else ACCOUNT + ":" + a for p, a in zip(units["parent"], units["account"])
        ]
        _add_edges(G, unit_keys, targets, [{"type": PART_OF} for _ in unit_keys])
    if AT in wanted:
        _add_edges(G, contact_keys, keyed(ACCOUNT, contacts["account"]), [{"type": AT} for _ in contact_keys])
    if WORKS_IN in wanted:
        pairs = [(c, UNIT + ":" + u) for c, u in zip(contact_keys, contacts["unit"]) if u is not None]
        _add_edges(G, [c for c, _ in pairs], [u for _, u in pairs], [{"type": WORKS_IN} for _ in pairs])
    if KNOWS in wanted:
        rel = columns["relationships"]
        n = tuple(c for c in names("relationships") if c not in ("staff", "contact"))
        seq = seqs.get("relationships") or range(len(rel["staff"]))
        attrs = make_rows((*n, "type", "seq"), [*(rel[c] for c in n), repeat(KNOWS), seq])
        _add_edges(G, keyed(STAFF, rel["staff"]), keyed(CONTACT, rel["contact"]), attrs)
    if REPORTS_TO in wanted or INFLUENCES in wanted:
        links = columns["links"]
        n = tuple(c for c in names("links") if c not in ("source", "target", "kind"))
        seq = seqs.get("links") or range(len(links["source"]))
        types = [LINK_TYPES[k] for k in links["kind"]]
        attrs = make_rows((*n, "type", "seq"), [*(links[c] for c in n), types, seq])
        us, vs = keyed(CONTACT, links["source"]), keyed(CONTACT, links["target"])
        if not (REPORTS_TO in wanted and INFLUENCES in wanted):
            keep = [i for i, t in enumerate(types) if t in wanted]
            us, vs, attrs = [us[i] for i in keep], [vs[i] for i in keep], [attrs[i] for i in keep]
        _add_edges(G, us, vs, attrs)
    if ON_TEAM in wanted:
        team = columns["team"]
        n = tuple(c for c in names("team") if c not in ("staff", "account"))
        seq = seqs.get("team") or range(len(team["staff"]))
        attrs = make_rows((*n, "type", "seq"), [*(team[c] for c in n), repeat(ON_TEAM), seq])
        _add_edges(G, keyed(STAFF, team["staff"]), keyed(ACCOUNT, team["account"]), attrs)
    G.graph["touchpoints"] = touchpoints
    return G


def _add_edges(G: nx.MultiDiGraph, us: list[str], vs: list[str], attrs: list[dict[str, Any]]) -> None:
    """Add edges u -> v (their endpoints are in ``G``), keyed 0, 1, ... per pair.

    The keys are counted here: ``add_edges_from`` with keys given skips
    ``new_edge_key``'s search per edge."""
    seen: dict[tuple[str, str], int] = {}

    def keyed() -> Iterator[tuple[str, str, int, dict[str, Any]]]:
        for u, v, a in zip(us, vs, attrs):
            pair = (u, v)
            k = seen.get(pair, 0)
            seen[pair] = k + 1
            yield u, v, k, a

    G.add_edges_from(keyed())


def tables_from_graph(G: nx.MultiDiGraph) -> TypedTables:
    """The typed tables of a relationship graph (the rows of :func:`dataset_from_graph`,
    column by column), the form every analysis reads: how a graph handed in enters
    the analyses.

    Columns the model gives a default and the graph leaves out (a graph built by
    hand) get their default here (:meth:`relgraph.tables.TypedTables.from_columns`).
    """
    with paused_gc():  # hundreds of thousands of small objects, none of them cyclic
        return _tables_of(G)


def _tables_of(G: nx.MultiDiGraph) -> TypedTables:
    nodes, edges = _graph_rows(G)
    extras = {t: list(cols) for t, cols in G.graph.get("extras", {}).items()}
    columns: dict[str, dict[str, list[Any]]] = {}
    for name in ("accounts", "units", "contacts", "staff"):
        rows = nodes[name]
        columns[name] = {c: [d.get(c) for d in rows] for c in _column_names(name, extras)}
    # A graph of ours keeps a contact's own level as given_level (level is the effective one).
    columns["contacts"]["level"] = [d["given_level"] if "given_level" in d else d.get("level") for d in nodes["contacts"]]
    for name, (u_col, v_col) in _ENDS.items():
        rows = edges[name]
        cols = {u_col: [u for u, _, _ in rows], v_col: [v for _, v, _ in rows]}
        if name == "links":
            cols["kind"] = [LINK_KINDS[d["type"]] for _, _, d in rows]
        for c in _column_names(name, extras):
            if c not in cols:
                cols[c] = [d.get(c) for _, _, d in rows]
        columns[name] = cols
    tps = G.graph.get("touchpoints", [])
    columns["touchpoints"] = {c: [tp.get(c) for tp in tps] for c in _column_names("touchpoints", extras)}
    return TypedTables.from_columns(columns, extras, defaults=True)


# The columns naming the two ends of each row edge (links' kind is the edge type).
_ENDS = {"relationships": ("staff", "contact"), "links": ("source", "target"), "team": ("staff", "account")}
_NODE_TABLES = {ACCOUNT: "accounts", UNIT: "units", CONTACT: "contacts", STAFF: "staff"}


def _column_names(table: str, extras: Mapping[str, Sequence[str]]) -> list[str]:
    return [c.name for c in TABLES[table].columns] + list(extras.get(table, ()))


def _graph_rows(
    G: nx.MultiDiGraph,
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[tuple[str, str, dict[str, Any]]]]]:
    """The node attributes of each node table, in node order, and the ``(u id, v id,
    attributes)`` of each row edge table in row order (``seq``)."""
    nodes: dict[str, list[dict[str, Any]]] = {name: [] for name in _NODE_TABLES.values()}
    for _, d in G.nodes(data=True):
        nodes[_NODE_TABLES[d["kind"]]].append(d)
    found: dict[str, list[tuple[int, str, str, dict[str, Any]]]] = {name: [] for name in _ENDS}
    ids = dict(G.nodes(data="id"))
    table = {KNOWS: "relationships", REPORTS_TO: "links", INFLUENCES: "links", ON_TEAM: "team"}
    for u, v, d in G.edges(data=True):
        name = table.get(d["type"])
        if name is not None:
            found[name].append((d.get("seq", 0), ids[u], ids[v], d))
    edges = {}
    for name, rows in found.items():
        rows.sort(key=lambda r: r[0])
        edges[name] = [r[1:] for r in rows]
    return nodes, edges


def dataset_from_graph(G: nx.MultiDiGraph) -> Dataset:
    """The data set a graph was built from (the inverse of :func:`build_graph`).

    Rows come back in their input order where the graph knows it (``seq``).
    """
    nodes, edges = _graph_rows(G)
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, found in nodes.items():
        rows = []
        for d in found:
            row = {k: v for k, v in d.items() if k != "kind"}
            if "given_level" in row:  # a graph of ours; one built by hand has only `level`
                row["level"] = row.pop("given_level")
            rows.append(_ordered(name, row))
        tables[name] = rows
    for name, (u_col, v_col) in _ENDS.items():
        tables[name] = [
            _ordered(name, {u_col: u, v_col: v, **_row_attrs(d)}) for u, v, d in edges[name]
        ]
    tables["touchpoints"] = [_ordered("touchpoints", dict(r)) for r in G.graph.get("touchpoints", [])]
    extras = {t: list(cols) for t, cols in G.graph.get("extras", {}).items()}
    return Dataset(tables=tables, extras=extras)


def _row_attrs(d: dict[str, Any]) -> dict[str, Any]:
    """An edge's attributes as its row's columns (a link's type as its kind)."""
    out = {k: x for k, x in d.items() if k not in ("type", "seq")}
    if d["type"] in LINK_KINDS:
        out["kind"] = LINK_KINDS[d["type"]]
    return out


def _ordered(table: str, row: dict[str, Any]) -> dict[str, Any]:
    cols = TABLES[table].columns
    out = {c.name: row.get(c.name) for c in cols}
    for k, v in row.items():
        if k not in out:
            out[k] = v
    return out


def account_subgraph(G: nx.MultiDiGraph, account: str) -> nx.MultiDiGraph:
    """The part of ``G`` that belongs to one account, as a new graph.

    It holds the account, its units and contacts, the links between its contacts,
    the staff who know one of its contacts or are on its team (with those edges), and
    the touchpoints listing one of its contacts. This is exactly what the Neo4j store
    reads for one account, so analyses see the same graph from either store.
    """
    a = node_key(ACCOUNT, account)
    if a not in G:
        from .errors import NotFound

        raise NotFound(f"unknown account {account!r}")
    keep = {a}
    contacts: set[str] = set()
    for n in G.pred[a]:
        kind = G.nodes[n]["kind"]
        if kind in (CONTACT, STAFF):
            keep.add(n)
            if kind == CONTACT:
                contacts.add(n)
    for n, d in G.nodes(data=True):
        if d["kind"] == UNIT and d["account"] == account:
            keep.add(n)
    for c in contacts:
        for s in G.pred[c]:
            if G.nodes[s]["kind"] == STAFF:
                keep.add(s)
    H = nx.MultiDiGraph()
    H.graph["extras"] = G.graph.get("extras", {})
    # G's node order, so that results are ordered the same in every store.
    H.add_nodes_from((n, d) for n, d in G.nodes(data=True) if n in keep)
    H.add_edges_from(
        (u, v, k, d) for u in H for v, keydict in G.adj[u].items() if v in keep for k, d in keydict.items()
    )
    ids = {G.nodes[c]["id"] for c in contacts}
    H.graph["touchpoints"] = [
        tp for tp in G.graph.get("touchpoints", []) if any(c in ids for c in tp["contacts"])
    ]
    return H
