"""The ``GraphStore`` boundary: where data sets come from.

A store hands out typed tables (:mod:`relgraph.tables`, what the analyses read) and
:mod:`relgraph.graph` graphs (the interchange format: maps, export). The file store
holds the whole data set in memory; the Neo4j store reads one account at a time, so
that the largest account, not the portfolio, bounds memory. Analyses never know
which store their tables came from.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Protocol, runtime_checkable

import networkx as nx

from ..model import Dataset
from ..tables import TypedTables


@runtime_checkable
class GraphStore(Protocol):
    """What every store offers."""

    def account_ids(self) -> list[str]:
        """Every account id, sorted."""

    def tables(self, accounts: Sequence[str] | None = None) -> TypedTables:
        """The typed tables of ``accounts``' shares (each account's rows, as
        :func:`relgraph.graph.account_subgraph` cuts them), or of the whole data set.

        Raises :class:`relgraph.errors.NotFound` for an unknown account."""

    def table_parts(self, accounts: Sequence[str] | None = None) -> Iterator[tuple[list[str], TypedTables]]:
        """``accounts`` (default: all, by id; ids checked first) in parts the store
        can hold at once: ``(the accounts of the part, its typed tables)``, in the
        order of ``accounts``. The file store holds everything and yields one part;
        the Neo4j store one per account."""

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
