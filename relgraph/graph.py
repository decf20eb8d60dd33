"""The relationship graph: the contract between stores and analyses.

Every store yields the same :class:`networkx.MultiDiGraph`:

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

from collections.abc import Iterable
from typing import Any

import networkx as nx

from .model import TABLES, Dataset

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

LINK_TYPES = {"reports_to": REPORTS_TO, "influences": INFLUENCES}
LINK_KINDS = {v: k for k, v in LINK_TYPES.items()}

_TABLE_KIND = {"accounts": ACCOUNT, "units": UNIT, "contacts": CONTACT, "staff": STAFF}


def node_key(kind: str, id: str) -> str:
    """The graph key of the node of ``kind`` with data set id ``id``.

    >>> node_key("Contact", "c1")
    'Contact:c1'
    """
    return f"{kind}:{id}"


def nodes_of(G: nx.MultiDiGraph, kind: str) -> Iterable[tuple[str, dict[str, Any]]]:
    """``(key, attributes)`` of every node of ``kind``, in insertion order."""
    return ((n, d) for n, d in G.nodes(data=True) if d["kind"] == kind)


def edges_of(G: nx.MultiDiGraph, type: str) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """``(u, v, attributes)`` of every edge of ``type``."""
    return ((u, v, d) for u, v, d in G.edges(data=True) if d["type"] == type)


def build_graph(ds: Dataset) -> nx.MultiDiGraph:
    """Build the relationship graph of a validated data set.

    Parameters
    ----------
    ds : Dataset
        A data set that passed :func:`relgraph.validate.validate` (references resolve).

    Returns
    -------
    networkx.MultiDiGraph
        The graph described in this module's docstring.
    """
    G = nx.MultiDiGraph()
    G.graph["extras"] = {t: list(cols) for t, cols in ds.extras.items()}
    add_node = G._node  # fill the dicts directly: add_node per row is ~3x slower
    succ, pred = G._succ, G._pred

    def put(key: str, attrs: dict[str, Any]) -> None:
        add_node[key] = attrs
        succ[key] = {}
        pred[key] = {}

    for row in ds["accounts"]:
        put(node_key(ACCOUNT, row["id"]), {"kind": ACCOUNT, **row})
    unit_level: dict[str, str] = {}
    for row in ds["units"]:
        put(node_key(UNIT, row["id"]), {"kind": UNIT, **row})
        unit_level[row["id"]] = row["level"]
    for row in ds["contacts"]:
        attrs = {"kind": CONTACT, **row}
        attrs["given_level"] = row["level"]
        unit = row["unit"]
        attrs["level"] = unit_level[unit] if unit is not None else (row["level"] or "hq")
        put(node_key(CONTACT, row["id"]), attrs)
    for row in ds["staff"]:
        put(node_key(STAFF, row["id"]), {"kind": STAFF, **row})

    edges: list[tuple[str, str, dict[str, Any]]] = []
    for row in ds["units"]:
        parent = row["parent"]
        target = node_key(UNIT, parent) if parent is not None else node_key(ACCOUNT, row["account"])
        edges.append((node_key(UNIT, row["id"]), target, {"type": PART_OF}))
    for row in ds["contacts"]:
        c = node_key(CONTACT, row["id"])
        edges.append((c, node_key(ACCOUNT, row["account"]), {"type": AT}))
        if row["unit"] is not None:
            edges.append((c, node_key(UNIT, row["unit"]), {"type": WORKS_IN}))
    seqs = ds.seqs.get("relationships") or range(len(ds["relationships"]))
    for seq, row in zip(seqs, ds["relationships"]):
        attrs = {k: v for k, v in row.items() if k not in ("staff", "contact")}
        attrs["type"] = KNOWS
        attrs["seq"] = seq
        edges.append((node_key(STAFF, row["staff"]), node_key(CONTACT, row["contact"]), attrs))
    seqs = ds.seqs.get("links") or range(len(ds["links"]))
    for seq, row in zip(seqs, ds["links"]):
        attrs = {k: v for k, v in row.items() if k not in ("source", "target", "kind")}
        attrs["type"] = LINK_TYPES[row["kind"]]
        attrs["seq"] = seq
        edges.append((node_key(CONTACT, row["source"]), node_key(CONTACT, row["target"]), attrs))
    seqs = ds.seqs.get("team") or range(len(ds["team"]))
    for seq, row in zip(seqs, ds["team"]):
        attrs = {k: v for k, v in row.items() if k not in ("staff", "account")}
        attrs["type"] = ON_TEAM
        attrs["seq"] = seq
        edges.append((node_key(STAFF, row["staff"]), node_key(ACCOUNT, row["account"]), attrs))
    _add_edges(G, edges)
    G.graph["touchpoints"] = list(ds["touchpoints"])
    return G


def _add_edges(G: nx.MultiDiGraph, edges: list[tuple[str, str, dict[str, Any]]]) -> None:
    """Add edges whose endpoints exist, keyed 0, 1, ... per pair, without the
    per-edge overhead of ``add_edges_from``."""
    succ, pred = G._succ, G._pred
    for u, v, attrs in edges:
        keydict = succ[u].get(v)
        if keydict is None:
            keydict = {}
            succ[u][v] = keydict
            pred[v][u] = keydict
        keydict[len(keydict)] = attrs


def dataset_from_graph(G: nx.MultiDiGraph) -> Dataset:
    """The data set a graph was built from (the inverse of :func:`build_graph`).

    Rows come back in their input order where the graph knows it (``seq``).
    """
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    strip = {"kind"}
    for _, d in G.nodes(data=True):
        table = {ACCOUNT: "accounts", UNIT: "units", CONTACT: "contacts", STAFF: "staff"}[d["kind"]]
        row = {k: v for k, v in d.items() if k not in strip}
        if table == "contacts":
            row["level"] = row.pop("given_level", None)
        tables[table].append(row)
    # Columns first in schema order, then the extras.
    for name in ("accounts", "units", "contacts", "staff"):
        tables[name] = [_ordered(name, r) for r in tables[name]]
    rows: dict[str, list[tuple[int, dict[str, Any]]]] = {"relationships": [], "links": [], "team": []}
    for u, v, d in G.edges(data=True):
        t = d["type"]
        rest = {k: val for k, val in d.items() if k not in ("type", "seq")}
        seq = d.get("seq", 0)
        if t == KNOWS:
            row = {"staff": G.nodes[u]["id"], "contact": G.nodes[v]["id"], **rest}
            rows["relationships"].append((seq, row))
        elif t in LINK_KINDS:
            row = {"source": G.nodes[u]["id"], "target": G.nodes[v]["id"], "kind": LINK_KINDS[t], **rest}
            rows["links"].append((seq, row))
        elif t == ON_TEAM:
            row = {"account": G.nodes[v]["id"], "staff": G.nodes[u]["id"], **rest}
            rows["team"].append((seq, row))
    for name, pairs in rows.items():
        pairs.sort(key=lambda p: p[0])
        tables[name] = [_ordered(name, r) for _, r in pairs]
    tables["touchpoints"] = [_ordered("touchpoints", dict(r)) for r in G.graph.get("touchpoints", [])]
    extras = {t: list(cols) for t, cols in G.graph.get("extras", {}).items()}
    return Dataset(tables=tables, extras=extras)


def _ordered(table: str, row: dict[str, Any]) -> dict[str, Any]:
    cols = TABLES[table].columns
    out = {c.name: row.get(c.name) for c in cols}
    for k, v in row.items():
        if k not in out:
            out[k] = v
    return out


def account_of(G: nx.MultiDiGraph, key: str) -> str | None:
    """The account id of a contact, unit or account node (None for staff)."""
    d = G.nodes[key]
    if d["kind"] == ACCOUNT:
        return d["id"]
    return d.get("account")


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
    for n in G:  # keep G's node order so results are ordered the same in every store
        if n in keep:
            H._node[n] = G._node[n]
            H._succ[n] = {}
            H._pred[n] = {}
    edges = []
    for u in H:
        for v, keydict in G._succ[u].items():
            if v in keep:
                for attrs in keydict.values():
                    edges.append((u, v, attrs))
    _add_edges(H, edges)
    ids = {G.nodes[c]["id"] for c in contacts}
    H.graph["touchpoints"] = [
        tp for tp in G.graph.get("touchpoints", []) if any(c in ids for c in tp["contacts"])
    ]
    return H
