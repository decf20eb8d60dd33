"""The ``GraphStore`` boundary: where graphs come from.

A store hands out :mod:`relgraph.graph` graphs. The file store holds the whole data
set in memory; the Neo4j store reads one account's subgraph at a time, so that the
largest account, not the portfolio, bounds memory. Analyses never know which store a
graph came from.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Protocol, runtime_checkable

import networkx as nx

from ..model import Dataset


@runtime_checkable
class GraphStore(Protocol):
    """What every store offers."""

    def account_ids(self) -> list[str]:
        """Every account id, sorted."""

    def account_graph(self, account: str, *, edge_types: Collection[str] | None = None) -> nx.MultiDiGraph:
        """One account's subgraph (:func:`relgraph.graph.account_subgraph`).

        With ``edge_types`` (a set of edge ``type`` names) the graph may hold only
        those edges — every node is still there. An analysis asks for the edges it
        reads, so that a store can skip building the rest.

        Raises :class:`relgraph.errors.NotFound` for an unknown account."""

    def account_graphs(
        self, accounts: Sequence[str] | None = None, *, edge_types: Collection[str] | None = None
    ) -> Iterator[nx.MultiDiGraph]:
        """The subgraphs of ``accounts`` (default: all), one account each, in order."""

    def staff(self) -> list[dict]:
        """Every staff row (typed, as in the graph's Staff nodes), sorted by id."""

    def locate(self, kind: str, id: str) -> str | None:
        """The account id holding node ``kind``/``id`` (None for staff).

        Raises :class:`relgraph.errors.NotFound` when there is no such node."""

    def graph(self) -> nx.MultiDiGraph:
        """The whole data set as one graph (export, summary)."""

    def dataset(self) -> Dataset:
        """The whole data set as tables (export)."""

    def close(self) -> None:
        """Release connections."""
