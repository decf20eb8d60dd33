"""relgraph: a company's relationships with its key customers, as a graph.

The public API. Names are imported on first use, so that ``import relgraph`` (and
``relgraph --help``) stays fast and loads networkx, pyarrow or neo4j only when a
function needs them.

>>> import relgraph
>>> store = relgraph.open_store("tests/data/tiny")          # doctest: +SKIP
>>> G = store.account_graph("A1")                            # doctest: +SKIP
>>> relgraph.influence_paths(G, "C1", as_of=date(2026, 11, 1))  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

from .deferred import defer

# A command on files never calls networkx (its analyses run on typed tables), yet
# most modules import it at the top: it loads on first use only.
defer("networkx")

__version__ = "0.1.0"

_EXPORTS = {
    # data sets
    "read": "relgraph.readwrite",
    "check": "relgraph.readwrite",
    "write": "relgraph.readwrite",
    "Dataset": "relgraph.model",
    "TABLES": "relgraph.model",
    # the typed tables every store yields, and the graph (the interchange format)
    "TypedTables": "relgraph.tables",
    "tables_from_graph": "relgraph.graph",
    "build_graph": "relgraph.graph",
    "account_subgraph": "relgraph.graph",
    "dataset_from_graph": "relgraph.graph",
    "node_key": "relgraph.graph",
    # stores
    "open_store": "relgraph.stores",
    "GraphStore": "relgraph.stores.base",
    "FileStore": "relgraph.stores.files",
    # analyses over one graph
    "effective_strengths": "relgraph.analysis.strength",
    "strengths_at": "relgraph.analysis.strength",
    "coverage": "relgraph.analysis.coverage",
    "gaps": "relgraph.analysis.coverage",
    "contact_threads": "relgraph.analysis.threads",
    "redundancy": "relgraph.analysis.threads",
    "rotation_risk": "relgraph.analysis.threads",
    "influence_paths": "relgraph.analysis.paths",
    "access_graph": "relgraph.analysis.paths",
    "key_influencers": "relgraph.analysis.influencers",
    "whatif": "relgraph.analysis.whatif",
    "diff": "relgraph.analysis.whatif",
    "relationship_plan": "relgraph.analysis.plan",
    # errors
    "RelgraphError": "relgraph.errors",
    "InvalidData": "relgraph.errors",
    "NotFound": "relgraph.errors",
    "UsageError": "relgraph.errors",
    "StoreUnavailable": "relgraph.errors",
    "QueryError": "relgraph.errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'relgraph' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
