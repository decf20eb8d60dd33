"""GraphML export, for Gephi, yEd, Cytoscape and networkx.

GraphML attributes must be scalars, so dates become ISO strings, id lists are
joined with ``;`` and values not given are left out. Touchpoints become nodes
(``Touchpoint:<n>``) with ``ATTENDED`` edges from the staff and contacts listed,
as in the Neo4j model.
"""

from __future__ import annotations

import os
from typing import Any, BinaryIO

import networkx as nx

from ..graph import build_graph
from ..model import Dataset
from .cells import cell_text


def _scalar(value: Any) -> Any:
    if isinstance(value, (bool, int, float, str)):
        return value
    return cell_text(value)


def graphml_graph(ds: Dataset) -> nx.MultiDiGraph:
    """The relationship graph with scalar attributes and touchpoint nodes."""
    G = build_graph(ds)
    H = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: _scalar(v) for k, v in d.items() if v is not None})
    for u, v, d in G.edges(data=True):
        H.add_edge(u, v, **{k: _scalar(x) for k, x in d.items() if x is not None})
    for i, tp in enumerate(G.graph.get("touchpoints", [])):
        t = f"Touchpoint:{i}"
        attrs = {k: _scalar(x) for k, x in tp.items() if x is not None}
        H.add_node(t, kind="Touchpoint", id=str(i), **attrs)
        for s in tp["staff"]:
            H.add_edge(f"Staff:{s}", t, type="ATTENDED")
        for c in tp["contacts"]:
            H.add_edge(f"Contact:{c}", t, type="ATTENDED")
    return H


def write_graphml(ds: Dataset, path: str | os.PathLike | BinaryIO) -> None:
    """Write a data set as a GraphML file (a path or a binary file)."""
    nx.write_graphml(graphml_graph(ds), path, named_key_ids=True)
